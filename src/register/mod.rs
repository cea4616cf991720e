//! Reading a register: workbook (xlsx/xlsm/xls/ods) or CSV → [`crate::model::Register`].
//!
//! Sheets and columns are found by header text with synonyms ([`headers`]); every value
//! keeps its cell; bad values become findings (D001–D010, [`values`]), and every row read is
//! either used or rejected with a finding (`Register::rows`).
//!
//! Layout: [`workbook`] and [`csv`] turn files into a stream of cells ([`SheetSource`]);
//! [`rows`] finds the header (title rows skipped, two-row headers joined) and assembles typed
//! rows (values of cells merged down fill every row of the merge); [`persons`]/[`events`]
//! build the model records through [`build::Builder`].
//!
//! What a file is comes from its first bytes, not its name: an .xlsx saved as .xls reads as
//! xlsx; xlsx is streamed cell by cell (a stray cell at XFD1048576 costs nothing); .xls,
//! .xlsb and .ods are loaded as ranges (calamine offers no streaming for them); CSV/TSV text
//! has its encoding (BOM, UTF-8, GBK/GB18030 via chardetng) and separator detected.

pub mod build;
pub mod csv;
pub mod events;
pub mod headers;
pub mod persons;
pub mod rows;
pub mod values;
pub mod workbook;

use crate::finding::Finding;
use crate::model::{column_letters, CellRef, Register, Sheet, SheetLayout};
use build::{Builder, SheetRows, Subject};
use headers::{fields, sheet_by_headers, sheet_by_name, HeaderMatch};
use rows::{CellSink, HeaderPeek, SheetAssembler};
use std::collections::BTreeMap;
use std::path::Path;
use workbook::WorkbookKind;

/// Input that cannot be used at all (exit code 2): missing file, not a workbook, a required
/// sheet absent. The message is one line, in Chinese, for the clerk.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

/// A register as read, with the findings raised while reading it.
#[derive(Debug, Clone, Default)]
pub struct ReadOutcome {
    pub register: Register,
    pub findings: Vec<Finding>,
}

/// A file that holds sheets: a workbook or CSV files.
pub trait SheetSource {
    /// The sheets' names as the file spells them.
    fn sheet_names(&self) -> Vec<String>;
    /// Streams the non-empty cells of one sheet in row-major order (does not call `end`).
    fn stream(&mut self, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError>;
    /// Cells merged down over several rows, as (column, first row, last row): the value of
    /// the first row stands for every row of the merge. Empty when unknown.
    fn merged_down(&mut self, name: &str) -> Vec<rows::MergedDown> {
        let _ = name;
        Vec::new()
    }
}

/// Reads the register at `path` (a workbook, one CSV file for 人员, or a folder of CSV files).
pub fn read_register(path: &Path) -> Result<ReadOutcome, ReadError> {
    let (mut source, single_is_persons) = open_source(path)?;
    read_source(source.as_mut(), path, single_is_persons)
}

/// The file (or folder of CSV files) at `path` as a source of sheets, as the register is read
/// from it, and whether it is a lone CSV file (its one sheet is 人员).
pub fn open_source(path: &Path) -> Result<(Box<dyn SheetSource>, bool), ReadError> {
    if path.is_dir() {
        return Ok((Box::new(csv::CsvSource::folder(path)?), false));
    }
    if !path.exists() {
        return Err(ReadError(format!("找不到文件：{}", path.display())));
    }
    checked_input(path)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // The content decides, not the extension: WPS and web exports are often misnamed.
    match (workbook::sniff(path), ext.as_str()) {
        (Some(WorkbookKind::Xlsx), "xlsb") => {
            Ok((Box::new(workbook::RangeSource::open(path, None)?), false))
        }
        (Some(WorkbookKind::Xlsx), _) => Ok((Box::new(workbook::XlsxSource::open(path)?), false)),
        (Some(kind), _) => Ok((
            Box::new(workbook::RangeSource::open(path, Some(kind))?),
            false,
        )),
        (None, "csv" | "tsv" | "txt") => Ok((Box::new(csv::CsvSource::file(path)), true)),
        (None, "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "et") => Err(ReadError(format!(
            "{} 不是有效的工作簿文件（可能已损坏，或是网页/文本另存的）：请用 Excel 或 WPS 打开后另存为 .xlsx",
            path.display()
        ))),
        _ => Err(ReadError(format!(
            "不支持的文件类型：{}（可用 .xlsx、.xlsm、.xls、.ods、.csv 或 CSV 文件夹）",
            path.display()
        ))),
    }
}

/// Whether the register at `path` is an Office Open XML package (.xlsx/.xlsm by content,
/// not .xlsb) that can be edited in place.
pub fn is_xml_package(path: &Path) -> bool {
    let xlsb = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsb"));
    path.is_file() && !xlsb && workbook::sniff(path) == Some(WorkbookKind::Xlsx)
}

/// Decides which file sheet stands for which register sheet: by name (with synonyms), then
/// by the headers of the sheets left over. `single_is_persons`: a lone CSV file is 人员.
/// Also returns the sheets that hold something but stand for no register sheet.
fn assign_sheets(
    source: &mut dyn SheetSource,
    single_is_persons: bool,
) -> Result<(BTreeMap<Sheet, String>, Vec<String>), ReadError> {
    let names = source.sheet_names();
    let mut assigned: BTreeMap<Sheet, String> = BTreeMap::new();
    let mut ignored = Vec::new();
    if single_is_persons {
        if let Some(n) = names.first() {
            assigned.insert(Sheet::Persons, n.clone());
        }
        return Ok((assigned, ignored));
    }
    let mut leftover = Vec::new();
    for n in &names {
        match sheet_by_name(n) {
            Some(s) if !assigned.contains_key(&s) => {
                assigned.insert(s, n.clone());
            }
            _ => leftover.push(n.clone()),
        }
    }
    for n in leftover {
        let open: Vec<Sheet> = Sheet::ALL
            .into_iter()
            .filter(|s| !assigned.contains_key(s))
            .collect();
        if open.is_empty() {
            ignored.push(n);
            continue;
        }
        let mut peek = HeaderPeek::default();
        source.stream(&n, &mut peek)?;
        match sheet_by_headers(&peek.rows, &open) {
            Some(s) => {
                assigned.insert(s, n);
            }
            None if !peek.rows.is_empty() => ignored.push(n),
            None => {}
        }
    }
    if !assigned.contains_key(&Sheet::Persons) {
        let wanted: Vec<&str> = fields(Sheet::Persons)
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        return Err(ReadError(format!(
            "找不到「人员」工作表：没有名为 人员/人员信息/吸毒人员 等的工作表，也没有表头含 {} 的工作表（工作表有：{}）",
            wanted.join("、"),
            names.join("、")
        )));
    }
    Ok((assigned, ignored))
}

/// Streams one sheet into `builder`, filling vertical merges from `merged`; returns the
/// header found, if any.
fn stream_sheet(
    source: &mut dyn SheetSource,
    builder: &mut Builder,
    sheet: Sheet,
    name: &str,
    merged: Vec<rows::MergedDown>,
) -> Result<Option<HeaderMatch>, ReadError> {
    let mut handler = SheetRows { builder };
    let mut assembler = SheetAssembler::new(sheet, name, &mut handler);
    assembler.set_merged_down(merged);
    source.stream(name, &mut assembler)?;
    assembler.end();
    if let Some(e) = assembler.error.take() {
        return Err(e);
    }
    Ok(assembler.header.take())
}

/// The largest register file read (a city's register with every event is a few tens of MB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Ok when `path` is a regular file (through symlinks) of at most [`MAX_INPUT_BYTES`]: a
/// device, a pipe or a runaway file is refused before a byte is read.
pub fn checked_input(path: &Path) -> Result<(), ReadError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ReadError(format!("无法读取 {}：{e}", path.display())))?;
    if !meta.is_file() {
        return Err(ReadError(format!(
            "{} 不是普通文件（是设备、管道或其他特殊文件），不能作为台帐读取",
            path.display()
        )));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(ReadError(format!(
            "{} 有 {} MB，超过台帐文件的上限 {} MB：请确认选对了文件",
            path.display(),
            meta.len() / (1024 * 1024),
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

fn read_source(
    source: &mut dyn SheetSource,
    path: &Path,
    single_is_persons: bool,
) -> Result<ReadOutcome, ReadError> {
    let (assigned, ignored) = assign_sheets(source, single_is_persons)?;
    let mut builder = Builder::default();
    builder.register.source = path.display().to_string();
    builder.register.ignored_sheets = ignored;
    // 人员 first: event rows are tied to persons by 编号.
    for (sheet, name) in &assigned {
        builder.register.layouts.insert(
            *sheet,
            SheetLayout {
                name: name.clone(),
                ..SheetLayout::default()
            },
        );
        builder.register.rows.entry(*sheet).or_default();
        // Finding merged cells costs a second pass over the sheet. The person, staff and unit
        // sheets, where clerks merge 村(社区) and the like down over rows, always get it; an
        // event sheet (tens of thousands of rows) only when its plain reading left a required
        // value empty, which is how a merged-down 编号 or 日期 shows: then it is read again.
        let eager = matches!(sheet, Sheet::Persons | Sheet::Staff | Sheet::Units);
        let merged = if eager {
            source.merged_down(name)
        } else {
            Vec::new()
        };
        let mark = builder.mark();
        let mut header = stream_sheet(source, &mut builder, *sheet, name, merged)?;
        if !eager && builder.missing_values_since(&mark) {
            let merged = source.merged_down(name);
            if !merged.is_empty() {
                builder.rollback(&mark, *sheet);
                header = stream_sheet(source, &mut builder, *sheet, name, merged)?;
            }
        }
        if let Some(h) = header {
            let defs = fields(*sheet);
            for &(field, col) in &h.repeated {
                let first = h.columns[field].unwrap_or(col);
                builder.report(
                    "D009",
                    &Subject::default(),
                    CellRef {
                        sheet: *sheet,
                        row: h.header_row,
                        col,
                    },
                    format!(
                        "「{}」列重复（第{}列与第{}列），只读取了第{}列：请删去或改名重复的列",
                        defs[field].name,
                        column_letters(first),
                        column_letters(col),
                        column_letters(first)
                    ),
                );
            }
            let layout = builder.register.layouts.entry(*sheet).or_default();
            layout.header_row = h.header_row;
            layout.columns = defs
                .iter()
                .zip(&h.columns)
                .filter_map(|(f, c)| c.map(|c| (f.name, c)))
                .collect();
        }
    }
    let mut register = builder.register;
    register.finalize();
    Ok(ReadOutcome {
        register,
        findings: builder.findings,
    })
}
