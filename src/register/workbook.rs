//! Workbooks through calamine: xlsx/xlsm streamed cell by cell (a stray cell far away costs
//! nothing), xls/xlsb/ods loaded as a range after a size check.

use super::rows::CellSink;
use super::values::{parse_date_text, CellIn};
use super::{ReadError, SheetSource};
use calamine::{
    open_workbook, open_workbook_auto, Data, DataRef, ExcelDateTime, Reader, Sheets, Xlsx,
};
use chrono::NaiveDate;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Largest sheet (rows × columns) loaded as a whole range from xls/xlsb/ods.
pub const MAX_RANGE_CELLS: usize = 40_000_000;

/// An .xlsx/.xlsm workbook, read with calamine's streaming cell reader.
pub struct XlsxSource {
    workbook: Xlsx<BufReader<File>>,
}

impl XlsxSource {
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let workbook: Xlsx<_> = open_workbook(path)
            .map_err(|e| ReadError(format!("无法打开工作簿 {}：{e}", path.display())))?;
        Ok(XlsxSource { workbook })
    }
}

fn iso_date(s: &str) -> CellIn<'_> {
    match parse_date_text(s.get(0..10).unwrap_or(s)) {
        Some(d) => CellIn::Date(d),
        None => CellIn::Text(s),
    }
}

/// A date-formatted cell as a date (either epoch); a duration or an impossible date
/// (Excel's 1900-02-29) stays a number and is judged by the field that reads it.
fn excel_date(dt: &ExcelDateTime) -> CellIn<'static> {
    if dt.is_datetime() {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        if let Some(date) = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
            return CellIn::Date(date);
        }
    }
    CellIn::Number(dt.as_f64())
}

impl SheetSource for XlsxSource {
    fn sheet_names(&self) -> Vec<String> {
        self.workbook.sheet_names()
    }

    fn stream(&mut self, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError> {
        let err = |e: calamine::XlsxError| ReadError(format!("读取工作表「{name}」出错：{e}"));
        let mut reader = self.workbook.worksheet_cells_reader(name).map_err(err)?;
        while let Some(cell) = reader.next_cell().map_err(err)? {
            let (row, col) = cell.get_position();
            let value = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::String(s) => CellIn::Text(s),
                DataRef::SharedString(s) => CellIn::Text(s),
                DataRef::Float(f) => CellIn::Number(*f),
                DataRef::Int(i) => CellIn::Number(*i as f64),
                DataRef::Bool(b) => CellIn::Bool(*b),
                DataRef::DateTime(dt) => excel_date(dt),
                DataRef::DateTimeIso(s) => iso_date(s),
                DataRef::DurationIso(s) => CellIn::Text(s),
                DataRef::Error(_) => CellIn::Error,
            };
            if !sink.cell(row, col, value) {
                break;
            }
        }
        Ok(())
    }
}

/// An .xls/.xlsb/.ods workbook, each sheet loaded as a range.
pub struct RangeSource {
    workbook: Sheets<BufReader<File>>,
}

impl RangeSource {
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let workbook = open_workbook_auto(path)
            .map_err(|e| ReadError(format!("无法打开工作簿 {}：{e}", path.display())))?;
        Ok(RangeSource { workbook })
    }
}

impl SheetSource for RangeSource {
    fn sheet_names(&self) -> Vec<String> {
        self.workbook.sheet_names()
    }

    fn stream(&mut self, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError> {
        let range = self
            .workbook
            .worksheet_range(name)
            .map_err(|e| ReadError(format!("读取工作表「{name}」出错：{e}")))?;
        let (rows, cols) = range.get_size();
        if rows.saturating_mul(cols) > MAX_RANGE_CELLS {
            return Err(ReadError(format!(
                "工作表「{name}」的使用范围过大（{rows} 行 × {cols} 列），可能有远处的零星单元格：请删除多余的行列或另存为 .xlsx"
            )));
        }
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let value = match v {
                Data::Empty => continue,
                Data::String(s) => CellIn::Text(s),
                Data::Float(f) => CellIn::Number(*f),
                Data::Int(i) => CellIn::Number(*i as f64),
                Data::Bool(b) => CellIn::Bool(*b),
                Data::DateTime(dt) => excel_date(dt),
                Data::DateTimeIso(s) => iso_date(s),
                Data::DurationIso(s) => CellIn::Text(s),
                Data::Error(_) => CellIn::Error,
            };
            if !sink.cell(r0 + r as u32, c0 + c as u32, value) {
                break;
            }
        }
        Ok(())
    }
}
