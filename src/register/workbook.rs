//! Workbooks through calamine: xlsx/xlsm streamed cell by cell (a stray cell far away costs
//! nothing), xls/xlsb/ods loaded as a range after a size check.

use super::rows::{CellSink, MergedDown};
use super::values::{parse_date_text, CellIn};
use super::{ReadError, SheetSource};
use calamine::{
    open_workbook, Data, DataRef, Dimensions, ExcelDateTime, Ods, Reader, Sheets, Xls, Xlsb, Xlsx,
};
use chrono::NaiveDate;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// What a file holds, judged by its first bytes (WPS and web exports often carry the wrong
/// extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookKind {
    /// Office Open XML (.xlsx/.xlsm): a zip without an ODF `mimetype` entry first.
    Xlsx,
    /// OpenDocument spreadsheet: a zip whose first entry is `mimetype`.
    Ods,
    /// Legacy .xls (or .et): an OLE compound file.
    Xls,
}

/// The kind of workbook a file is, from its magic bytes; `None` when it is none of them
/// (e.g. a CSV or an HTML page saved as .xls).
pub fn sniff(path: &Path) -> Option<WorkbookKind> {
    let mut head = [0u8; 38];
    let mut file = File::open(path).ok()?;
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    let head = &head[..filled];
    if head.starts_with(b"PK\x03\x04") {
        if head.get(30..38) == Some(b"mimetype".as_slice()) {
            Some(WorkbookKind::Ods)
        } else {
            Some(WorkbookKind::Xlsx)
        }
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some(WorkbookKind::Xls)
    } else {
        None
    }
}

/// Why a workbook cannot be read, as one Chinese line that says what to do. calamine's
/// errors are English and name zip, CFB or XML internals; the clerk is told what the file
/// is (encrypted, damaged, not a workbook) instead. `sheet` names the sheet being read,
/// when the error arose there.
pub fn unreadable(path: &Path, sheet: Option<&str>, error: &dyn std::fmt::Display) -> ReadError {
    let detail = error.to_string().to_ascii_lowercase();
    let file = path.display();
    let place = match sheet {
        Some(name) => format!("{file} 的工作表「{name}」"),
        None => file.to_string(),
    };
    let message = if detail.contains("password") || is_encrypted_container(path) {
        format!("{file} 文件已加密：请在 Excel 中取消密码后另存为 .xlsx")
    } else if detail.contains("shared strings") {
        format!("{place} 内容已损坏（共享文字表缺项）：请用 Excel 或 WPS 打开后另存为 .xlsx 再试")
    } else if detail.contains("zip") || detail.contains("eocd") || detail.contains("i/o error") {
        format!(
            "{file} 文件已损坏（不是完整的工作簿，可能没有下载完或复制时中断）：请重新复制或下载，或用 Excel 或 WPS 打开修复后另存为 .xlsx"
        )
    } else if detail.contains("cannot find") || detail.contains("cfb") {
        format!(
            "{file} 不是 Excel 工作簿（可能是 Word 等其他 Office 文件，或已损坏）：请用 Excel 或 WPS 打开台帐后另存为 .xlsx"
        )
    } else if detail.contains("not found") && sheet.is_none() {
        format!(
            "{file} 是压缩包，但不是 Excel 工作簿（可能是 Word 文档或其他压缩文件）：请选择台帐工作簿，或用 Excel 或 WPS 另存为 .xlsx"
        )
    } else {
        format!(
            "{place} 无法读取（文件可能已损坏或格式不受支持）：请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
        )
    };
    ReadError(message)
}

/// Whether `path` is an OLE compound file holding an encrypted Office package (Excel saves
/// a password-protected .xlsx so): its directory names the streams `EncryptionInfo` and
/// `EncryptedPackage`, in UTF-16.
pub fn is_encrypted_container(path: &Path) -> bool {
    if sniff(path) != Some(WorkbookKind::Xls) {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let utf16: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
}

/// Largest sheet (rows × columns) loaded as a whole range from xls/xlsb/ods.
pub const MAX_RANGE_CELLS: usize = 40_000_000;

/// Merged cells are looked up only in xlsx sheets of at most this many rows: calamine finds
/// them by parsing the sheet a second time, which large event sheets should not pay for.
pub const MERGE_SCAN_MAX_ROWS: u32 = 100_000;

/// Keeps the merges that span more than one row, as (column, first row, last row).
fn merged_down_of(regions: &[Dimensions]) -> Vec<MergedDown> {
    let mut out: Vec<MergedDown> = regions
        .iter()
        .filter(|d| d.end.0 > d.start.0)
        .map(|d| MergedDown {
            col: d.start.1,
            first_row: d.start.0,
            last_row: d.end.0,
        })
        .collect();
    out.sort_by_key(|m| (m.first_row, m.col));
    out
}

/// An .xlsx/.xlsm workbook, read with calamine's streaming cell reader.
pub struct XlsxSource {
    workbook: Xlsx<BufReader<File>>,
    path: std::path::PathBuf,
}

impl XlsxSource {
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let workbook: Xlsx<_> = open_workbook(path).map_err(|e| unreadable(path, None, &e))?;
        Ok(XlsxSource {
            workbook,
            path: path.to_path_buf(),
        })
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

    fn merged_down(&mut self, name: &str) -> Vec<MergedDown> {
        let rows = match self.workbook.worksheet_cells_reader(name) {
            Ok(reader) => {
                let d = reader.dimensions();
                d.end.0.saturating_sub(d.start.0) + 1
            }
            Err(_) => return Vec::new(),
        };
        if rows > MERGE_SCAN_MAX_ROWS {
            return Vec::new();
        }
        match self.workbook.merge_cells_by_sheet_name(name) {
            Ok(regions) => merged_down_of(&regions),
            Err(_) => Vec::new(),
        }
    }

    /// Parsing the sheet's XML (calamine) and making register rows of its cells run at once:
    /// a thread of its own parses and hands the cells over in batches, so that reading a
    /// large register takes little longer than parsing it.
    fn stream(&mut self, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError> {
        let workbook = &mut self.workbook;
        let path = self.path.as_path();
        std::thread::scope(|scope| {
            let (batches, received) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
            let parser = scope.spawn(move || parse_cells(workbook, path, name, &batches));
            'sheet: for batch in received.iter() {
                for (row, col, value) in &batch.cells {
                    if !sink.cell(*row, *col, batch.cell_in(value)) {
                        break 'sheet;
                    }
                }
            }
            // Stops the parser if the sink had enough before the sheet ended.
            drop(received);
            parser
                .join()
                .unwrap_or_else(|_| Err(ReadError(format!("读取工作表「{name}」时出现内部错误"))))
        })
    }
}

/// Cells handed over from the parsing thread at a time.
const BATCH_CELLS: usize = 4096;
/// Batches parsed ahead of the reader at most: bounds the memory the hand-over holds.
const BATCHES_IN_FLIGHT: usize = 4;

/// A value of a [`CellBatch`]; text is a range of the batch's text buffer.
enum BatchValue {
    Text(usize, usize),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    Error,
}

/// Parsed cells, in sheet order, with their text in one buffer.
#[derive(Default)]
struct CellBatch {
    cells: Vec<(u32, u32, BatchValue)>,
    text: String,
}

impl CellBatch {
    fn push(&mut self, row: u32, col: u32, value: CellIn) {
        let value = match value {
            CellIn::Text(t) => {
                let start = self.text.len();
                self.text.push_str(t);
                BatchValue::Text(start, self.text.len())
            }
            CellIn::Number(n) => BatchValue::Number(n),
            CellIn::Bool(b) => BatchValue::Bool(b),
            CellIn::Date(d) => BatchValue::Date(d),
            CellIn::Error => BatchValue::Error,
        };
        self.cells.push((row, col, value));
    }

    fn cell_in(&self, value: &BatchValue) -> CellIn<'_> {
        match value {
            BatchValue::Text(start, end) => CellIn::Text(self.text.get(*start..*end).unwrap_or("")),
            BatchValue::Number(n) => CellIn::Number(*n),
            BatchValue::Bool(b) => CellIn::Bool(*b),
            BatchValue::Date(d) => CellIn::Date(*d),
            BatchValue::Error => CellIn::Error,
        }
    }
}

/// Parses the non-empty cells of sheet `name` and sends them in batches; stops early when
/// the receiver is gone.
fn parse_cells(
    workbook: &mut Xlsx<BufReader<File>>,
    path: &Path,
    name: &str,
    batches: &std::sync::mpsc::SyncSender<CellBatch>,
) -> Result<(), ReadError> {
    let err = |e: calamine::XlsxError| unreadable(path, Some(name), &e);
    let mut reader = workbook.worksheet_cells_reader(name).map_err(err)?;
    let mut batch = CellBatch::default();
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
        batch.push(row, col, value);
        if batch.cells.len() == BATCH_CELLS && batches.send(std::mem::take(&mut batch)).is_err() {
            return Ok(());
        }
    }
    if !batch.cells.is_empty() {
        let _ = batches.send(batch);
    }
    Ok(())
}

/// An .xls/.xlsb/.ods workbook, each sheet loaded as a range.
pub struct RangeSource {
    workbook: Sheets<BufReader<File>>,
    path: std::path::PathBuf,
}

impl RangeSource {
    /// Opens an .xls, .xlsb or .ods workbook as the given kind (`None`: .xlsb).
    pub fn open(path: &Path, kind: Option<WorkbookKind>) -> Result<Self, ReadError> {
        let fail = |e: String| unreadable(path, None, &e);
        let workbook = match kind {
            Some(WorkbookKind::Ods) => {
                Sheets::Ods(open_workbook::<Ods<_>, _>(path).map_err(|e| fail(e.to_string()))?)
            }
            Some(WorkbookKind::Xls) => {
                Sheets::Xls(open_workbook::<Xls<_>, _>(path).map_err(|e| fail(e.to_string()))?)
            }
            Some(WorkbookKind::Xlsx) => {
                Sheets::Xlsx(open_workbook::<Xlsx<_>, _>(path).map_err(|e| fail(e.to_string()))?)
            }
            None => {
                Sheets::Xlsb(open_workbook::<Xlsb<_>, _>(path).map_err(|e| fail(e.to_string()))?)
            }
        };
        Ok(RangeSource {
            workbook,
            path: path.to_path_buf(),
        })
    }
}

impl SheetSource for RangeSource {
    fn sheet_names(&self) -> Vec<String> {
        self.workbook.sheet_names()
    }

    fn merged_down(&mut self, name: &str) -> Vec<MergedDown> {
        match &self.workbook {
            Sheets::Xls(x) => x
                .merge_cells_by_sheet_name(name)
                .map(|r| merged_down_of(&r))
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn stream(&mut self, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError> {
        let range = self
            .workbook
            .worksheet_range(name)
            .map_err(|e| unreadable(&self.path, Some(name), &e))?;
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
