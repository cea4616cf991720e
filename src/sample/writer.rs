//! Streaming sheet writer: one constant-memory worksheet per contract sheet, a merged title row
//! above the header (like real registers), IDs as text, dates as real Excel dates.

use super::layout::{ColumnKind, SheetLayout};
use crate::write_file::OutputError;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Rows in an Excel worksheet.
pub const MAX_ROWS: u32 = 1_048_576;

/// The date number format used for every date cell.
pub const DATE_FORMAT: &str = "yyyy-mm-dd";

/// One value of a row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Date(NaiveDate),
    Number(f64),
}

/// Shared cell formats.
#[derive(Debug, Clone)]
pub struct Formats {
    pub title: Format,
    pub header: Format,
    pub required_header: Format,
    pub date: Format,
    pub text: Format,
}

impl Formats {
    pub fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_background_color(0xDDEBF7)
                .set_border(FormatBorder::Thin),
            required_header: Format::new()
                .set_bold()
                .set_font_color(0xC00000)
                .set_background_color(0xFCE4D6)
                .set_border(FormatBorder::Thin),
            date: Format::new().set_num_format(DATE_FORMAT),
            text: Format::new().set_num_format("@"),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

/// An Excel date for a calendar date.
pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
        d.month() as u8,
        d.day() as u8,
    )
}

/// Fixed document properties, so the same inputs give byte-identical files.
pub fn fixed_properties(date: NaiveDate, title: &str) -> Result<DocProperties, XlsxError> {
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("rehabdocs")
        .set_creation_datetime(&excel_date(date)?))
}

/// A worksheet being filled row by row.
pub struct SheetWriter {
    pub layout: &'static SheetLayout,
    pub sheet: Worksheet,
    /// The next 0-based row to write.
    pub next_row: u32,
}

impl SheetWriter {
    /// A constant-memory sheet with its title row (row 1) and header row (row 2) written.
    pub fn new(
        workbook: &mut Workbook,
        layout: &'static SheetLayout,
        town: &str,
        formats: &Formats,
    ) -> Result<SheetWriter, XlsxError> {
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(layout.name)?;
        for (c, column) in layout.columns.iter().enumerate() {
            sheet.set_column_width(c as u16, column.width)?;
        }
        let title = layout.title.replace("{town}", town);
        let last = layout.columns.len().saturating_sub(1) as u16;
        sheet.merge_range(0, 0, 0, last, &title, &formats.title)?;
        for (c, column) in layout.columns.iter().enumerate() {
            let format = if column.required {
                &formats.required_header
            } else {
                &formats.header
            };
            sheet.write_string_with_format(1, c as u16, column.name, format)?;
        }
        sheet.set_freeze_panes(2, 0)?;
        Ok(SheetWriter {
            layout,
            sheet,
            next_row: 2,
        })
    }

    /// Writes one data row; returns its 0-based row index.
    pub fn row(&mut self, cells: &[Cell], formats: &Formats) -> Result<u32, OutputError> {
        let row = self.next_row;
        if row >= MAX_ROWS {
            return Err(OutputError::Invalid(format!(
                "{}表超过 Excel 的行数上限（{MAX_ROWS} 行），请减少 --persons",
                self.layout.name
            )));
        }
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16;
            match *cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    let text_id = self
                        .layout
                        .columns
                        .get(c)
                        .is_some_and(|k| k.kind == ColumnKind::TextId);
                    if s.is_empty() {
                        continue;
                    }
                    if text_id {
                        self.sheet
                            .write_string_with_format(row, col, s, &formats.text)?;
                    } else {
                        self.sheet.write_string(row, col, s)?;
                    }
                }
                Cell::Date(d) => {
                    self.sheet.write_datetime_with_format(
                        row,
                        col,
                        excel_date(d)?,
                        &formats.date,
                    )?;
                }
                Cell::Number(n) => {
                    self.sheet.write_number(row, col, n)?;
                }
            }
        }
        self.next_row += 1;
        Ok(row)
    }

    /// `人员!D7` for a 0-based row and a column name of this sheet.
    pub fn cell_name(&self, row: u32, column: &str) -> String {
        let col = self.layout.col(column).unwrap_or(0);
        format!(
            "{}!{}{}",
            self.layout.name,
            crate::model::column_letters(u32::from(col)),
            row + 1
        )
    }
}
