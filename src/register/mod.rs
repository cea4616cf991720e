//! Reading a register: workbook (xlsx/xlsm/xls/ods) or CSV → [`crate::model::Register`].
//!
//! Sheets and columns are found by header text with synonyms ([`headers`]); every value
//! keeps its cell; bad values become findings (D001–D010, [`values`]), and every row read is
//! either used or rejected with a finding (`Register::rows`).
//!
//! Layout: [`workbook`] and [`csv`] turn files into a stream of cells ([`SheetSource`]);
//! [`rows`] finds the header and assembles typed rows; `persons.rs`/`events.rs` build the
//! model records.

pub mod build;
pub mod csv;
pub mod events;
pub mod headers;
pub mod persons;
pub mod rows;
pub mod values;
pub mod workbook;

use crate::finding::Finding;
use crate::model::{Register, Sheet, SheetLayout};
use build::{Builder, SheetRows};
use headers::{fields, sheet_by_headers, sheet_by_name};
use rows::{CellSink, HeaderPeek, SheetAssembler};
use std::collections::BTreeMap;
use std::path::Path;

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
}

/// Reads the register at `path` (a workbook, one CSV file for 人员, or a folder of CSV files).
pub fn read_register(path: &Path) -> Result<ReadOutcome, ReadError> {
    if path.is_dir() {
        let mut source = csv::CsvSource::folder(path)?;
        return read_source(&mut source, path, false);
    }
    if !path.exists() {
        return Err(ReadError(format!("找不到文件：{}", path.display())));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => read_source(&mut workbook::XlsxSource::open(path)?, path, false),
        "xls" | "xlsb" | "ods" => read_source(&mut workbook::RangeSource::open(path)?, path, false),
        "csv" | "txt" => read_source(&mut csv::CsvSource::file(path), path, true),
        _ => Err(ReadError(format!(
            "不支持的文件类型：{}（可用 .xlsx、.xlsm、.xls、.ods、.csv 或 CSV 文件夹）",
            path.display()
        ))),
    }
}

/// Decides which file sheet stands for which register sheet: by name (with synonyms), then
/// by the headers of the sheets left over. `single_is_persons`: a lone CSV file is 人员.
fn assign_sheets(
    source: &mut dyn SheetSource,
    single_is_persons: bool,
) -> Result<BTreeMap<Sheet, String>, ReadError> {
    let names = source.sheet_names();
    let mut assigned: BTreeMap<Sheet, String> = BTreeMap::new();
    if single_is_persons {
        if let Some(n) = names.first() {
            assigned.insert(Sheet::Persons, n.clone());
        }
        return Ok(assigned);
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
            break;
        }
        let mut peek = HeaderPeek::default();
        source.stream(&n, &mut peek)?;
        if let Some(s) = sheet_by_headers(&peek.rows, &open) {
            assigned.insert(s, n);
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
    Ok(assigned)
}

fn read_source(
    source: &mut dyn SheetSource,
    path: &Path,
    single_is_persons: bool,
) -> Result<ReadOutcome, ReadError> {
    let assigned = assign_sheets(source, single_is_persons)?;
    let mut builder = Builder::default();
    builder.register.source = path.display().to_string();
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
        let mut handler = SheetRows {
            builder: &mut builder,
        };
        let mut assembler = SheetAssembler::new(*sheet, name, &mut handler);
        source.stream(name, &mut assembler)?;
        assembler.end();
        if let Some(e) = assembler.error.take() {
            return Err(e);
        }
        if let Some(h) = assembler.header.take() {
            let defs = fields(*sheet);
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
