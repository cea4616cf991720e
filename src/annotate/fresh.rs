//! The fresh copy for registers that are no Office Open XML package (.xls, .ods, .xlsb, CSV):
//! every sheet's cells as the register reader streams them ([`crate::register::open_sources`],
//! one reader), written into a new package with rust_xlsxwriter (constant memory) — dates as
//! dates, numbers as numbers, text as text. CSV holds text only: a date column's text that the
//! reader reads as a date becomes a date. The package is then annotated like any other.

use super::safe_sheet_name;
use crate::check::CheckReport;
use crate::register::rows::CellSink;
use crate::register::values::{parse_date_text, CellIn};
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;
use std::path::Path;

/// The fresh package, and the sheet names it had to change (source name → its name).
pub fn base_package(
    report: &CheckReport,
    source: &Path,
    out: &Path,
) -> Result<(Vec<u8>, HashMap<String, String>), String> {
    let (mut sources, lone_csv) =
        crate::register::open_sources(source).map_err(|e| e.to_string())?;
    if sources.len() != 1 {
        // A folder of workbooks is annotated workbook by workbook (`write_annotated`).
        return Err(format!(
            "{} 不是单个工作簿或 CSV 台帐，不能合成一份标注副本",
            source.display()
        ));
    }
    let (_, mut cells) = sources.remove(0);
    let csv = source.is_dir() || lone_csv;
    let fail = |e: XlsxError| format!("无法生成标注工作簿：{e}");
    let mut workbook = Workbook::new();
    // Constant-memory sheets spill rows to temporary files: keep them beside the output
    // (the register's data stays where the clerk put it).
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    workbook.set_tempdir(dir).map_err(fail)?;
    let fixed = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    workbook.set_properties(
        &crate::sample::writer::fixed_properties(fixed, "台帐（标注副本）").map_err(fail)?,
    );
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut taken: Vec<String> = Vec::new();
    let mut renamed = HashMap::new();
    for name in cells.sheet_names() {
        let own = safe_sheet_name(&name, &taken);
        taken.push(own.clone());
        if own != name {
            renamed.insert(name.clone(), own.clone());
        }
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(fail)?;
        sheet.set_name(&own).map_err(fail)?;
        // Date columns of a CSV sheet, below its header.
        let layout = report
            .register
            .layouts
            .values()
            .find(|l| l.name == name && csv);
        let mut copy = Copy {
            sheet,
            date: &date,
            date_columns: layout
                .map(|l| {
                    l.columns
                        .iter()
                        .filter(|(n, _)| n.ends_with("日期"))
                        .map(|(_, c)| *c)
                        .collect()
                })
                .unwrap_or_default(),
            header_row: layout.map_or(u32::MAX, |l| l.header_row),
            error: None,
        };
        cells.stream(&name, &mut copy).map_err(|e| e.to_string())?;
        if let Some(e) = copy.error {
            return Err(fail(e));
        }
    }
    let bytes = workbook.save_to_buffer().map_err(fail)?;
    Ok((bytes, renamed))
}

/// Writes the cells of one sheet as they stream by.
struct Copy<'a> {
    sheet: &'a mut Worksheet,
    date: &'a Format,
    date_columns: Vec<u32>,
    header_row: u32,
    error: Option<XlsxError>,
}

impl Copy<'_> {
    fn write(&mut self, row: u32, col: u16, value: CellIn<'_>) -> Result<(), XlsxError> {
        let as_date = |d: NaiveDate| {
            use chrono::Datelike;
            ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
        };
        match value {
            CellIn::Text(t) => {
                let date = (row > self.header_row && self.date_columns.contains(&u32::from(col)))
                    .then(|| parse_date_text(t))
                    .flatten();
                match date {
                    Some(d) => self
                        .sheet
                        .write_datetime_with_format(row, col, &as_date(d)?, self.date)
                        .map(|_| ()),
                    None => self.sheet.write_string(row, col, t).map(|_| ()),
                }
            }
            CellIn::Number(n) => self.sheet.write_number(row, col, n).map(|_| ()),
            CellIn::Bool(b) => self.sheet.write_boolean(row, col, b).map(|_| ()),
            CellIn::Date(d) => self
                .sheet
                .write_datetime_with_format(row, col, &as_date(d)?, self.date)
                .map(|_| ()),
            CellIn::Error => self.sheet.write_string(row, col, "#错误").map(|_| ()),
        }
    }
}

impl CellSink for Copy<'_> {
    fn cell(&mut self, row: u32, col: u32, value: CellIn<'_>) -> bool {
        let Ok(col) = u16::try_from(col) else {
            return true;
        };
        match self.write(row, col, value) {
            Ok(()) => true,
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }
    fn end(&mut self) {}
}
