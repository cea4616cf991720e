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
pub mod wide;
pub mod workbook;

use crate::finding::Finding;
use crate::model::{column_letters, CellRef, Register, Sheet, SheetPart};
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

/// Reads the register at `path`: a workbook, one CSV file for 人员, a folder of workbooks
/// (one per 村(社区), say: read as one register) or a folder of CSV files.
pub fn read_register(path: &Path) -> Result<ReadOutcome, ReadError> {
    let (sources, single_is_persons) = open_sources(path)?;
    read_sources(sources, path, single_is_persons)
}

/// A source of sheets, with the name of its workbook file when it is one of a folder's.
pub type NamedSource = (Option<String>, Box<dyn SheetSource>);

/// The file or folder at `path` as sources of sheets, as the register is read from them (one
/// per workbook of a folder of workbooks), and whether it is a lone CSV file (its one sheet is
/// 人员).
pub fn open_sources(path: &Path) -> Result<(Vec<NamedSource>, bool), ReadError> {
    if path.is_dir() {
        let books = workbooks_in(path)?;
        if books.is_empty() {
            let source: Box<dyn SheetSource> = Box::new(csv::CsvSource::folder(path)?);
            return Ok((vec![(None, source)], false));
        }
        let mut sources: Vec<NamedSource> = Vec::new();
        for book in books {
            let name = book
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            checked_input(&book)?;
            sources.push((Some(name), open_workbook_file(&book)?));
        }
        return Ok((sources, false));
    }
    if !path.exists() {
        return Err(ReadError(format!("找不到文件：{}", path.display())));
    }
    checked_input(path)?;
    let ext = extension(path);
    if workbook::sniff(path).is_none() && matches!(ext.as_str(), "csv" | "tsv" | "txt") {
        let source: Box<dyn SheetSource> = Box::new(csv::CsvSource::file(path));
        return Ok((vec![(None, source)], true));
    }
    Ok((vec![(None, open_workbook_file(path)?)], false))
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The extensions of workbook files.
const WORKBOOK_EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "et"];

/// Whether `path` is named like a register file: a workbook, or (`csv`) a CSV file.
pub fn has_register_extension(path: &Path, csv: bool) -> bool {
    let ext = extension(path);
    WORKBOOK_EXTENSIONS.contains(&ext.as_str()) || (csv && ext == "csv")
}

/// The workbooks of a folder, in name order; Excel's lock files (`~$台帐.xlsx`) are not.
/// A folder with any is a folder of workbooks (one register); without, a folder of CSV files.
pub fn workbooks_in(dir: &Path) -> Result<Vec<std::path::PathBuf>, ReadError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ReadError(format!("无法读取文件夹 {}：{e}", dir.display())))?;
    let mut books: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && has_register_extension(p, false)
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        })
        .collect();
    books.sort();
    Ok(books)
}

/// Opens a workbook file as its content says (WPS and web exports are often misnamed).
fn open_workbook_file(path: &Path) -> Result<Box<dyn SheetSource>, ReadError> {
    match (workbook::sniff(path), extension(path).as_str()) {
        (Some(WorkbookKind::Xlsx), "xlsb") => {
            Ok(Box::new(workbook::RangeSource::open(path, None)?))
        }
        (Some(WorkbookKind::Xlsx), _) => Ok(Box::new(workbook::XlsxSource::open(path)?)),
        (Some(kind), _) => Ok(Box::new(workbook::RangeSource::open(path, Some(kind))?)),
        (None, "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "et") => Err(not_a_workbook(path)),
        _ => Err(ReadError(format!(
            "不支持的文件类型：{}（可用 .xlsx、.xlsm、.xls、.ods、.csv，或放工作簿/CSV 文件的文件夹）",
            path.display()
        ))),
    }
}

/// Sheets the program itself adds to a workbook: the blank template's instructions and an
/// annotated copy's list of findings and summary (`check --annotate`). They are never a
/// register sheet and never reported as sheets left unread.
pub const OWN_SHEETS: &[&str] = &[
    crate::blank_template::INSTRUCTIONS_SHEET,
    crate::annotate::LIST_SHEET,
    crate::annotate::SUMMARY_SHEET,
];

/// Whether a workbook sheet is one of [`OWN_SHEETS`] (or such a sheet renamed to keep its
/// name unique: `问题清单 (2)`, `汇总2`).
fn is_own_sheet(name: &str) -> bool {
    let name = name.trim();
    OWN_SHEETS.iter().any(|own| {
        name.strip_prefix(own).is_some_and(|rest| {
            rest.chars().all(|c| {
                c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '（' | '）' | '_' | '-')
            })
        })
    })
}

/// Why a file named like a workbook is none, by what it holds: empty, a picture, a PDF,
/// text (a CSV with the wrong name), or something else.
fn not_a_workbook(path: &Path) -> ReadError {
    let file = path.display();
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = f.take(512).read_to_end(&mut head);
    }
    let message = if head.is_empty() {
        format!("{file} 是空文件（0 字节）：请确认选对了文件，或从备份中找回台帐")
    } else if head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xFF\xD8\xFF")
        || head.starts_with(b"GIF8")
        || head.starts_with(b"BM")
    {
        format!("{file} 是图片，不是台帐工作簿：请选择 Excel 台帐文件（.xlsx）")
    } else if head.starts_with(b"%PDF") {
        format!("{file} 是 PDF 文件，不是台帐工作簿：请选择 Excel 台帐文件（.xlsx）")
    } else if head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&head)
        .trim_ascii_start()
        .starts_with(b"<")
    {
        format!("{file} 是网页另存的文件，不是真正的工作簿：请用 Excel 或 WPS 打开后另存为 .xlsx")
    } else if std::str::from_utf8(&head).is_ok() || !head.contains(&0) {
        format!(
            "{file} 是文本文件，不是工作簿：如是 CSV 文件，请把扩展名改为 .csv；否则请用 Excel 或 WPS 打开后另存为 .xlsx"
        )
    } else {
        format!("{file} 不是有效的工作簿文件（可能已损坏）：请用 Excel 或 WPS 打开后另存为 .xlsx")
    };
    ReadError(message)
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

/// A workbook sheet: the source it is in (index) and its name.
type SheetId = (usize, String);

/// Decides which workbook sheets stand for which register sheet: by name (with synonyms),
/// then by the headers of the sheets left over. A register sheet may be read from several
/// workbook sheets (one per 村(社区), or one per workbook of a folder). `single_is_persons`:
/// a lone CSV file is 人员. Also returns the sheets that hold something but stand for no
/// register sheet.
fn assign_sheets(
    sources: &mut [NamedSource],
    single_is_persons: bool,
) -> Result<(BTreeMap<Sheet, Vec<SheetId>>, Vec<String>), ReadError> {
    let mut assigned: BTreeMap<Sheet, Vec<SheetId>> = BTreeMap::new();
    let mut ignored = Vec::new();
    let mut all_names = Vec::new();
    for (k, (file, source)) in sources.iter_mut().enumerate() {
        let names = source.sheet_names();
        let file = file.clone();
        let shown = |n: &str| match &file {
            Some(f) => format!("[{f}]{n}"),
            None => n.to_string(),
        };
        all_names.extend(names.iter().map(|n| shown(n)));
        if single_is_persons {
            if let Some(n) = names.first() {
                assigned
                    .entry(Sheet::Persons)
                    .or_default()
                    .push((k, n.clone()));
            }
            continue;
        }
        let mut leftover = Vec::new();
        for n in &names {
            match sheet_by_name(n) {
                Some(s) => assigned.entry(s).or_default().push((k, n.clone())),
                None => leftover.push(n.clone()),
            }
        }
        for n in leftover {
            if is_own_sheet(&n) {
                continue;
            }
            let mut peek = HeaderPeek::default();
            source.stream(&n, &mut peek)?;
            match sheet_by_headers(&n, &peek.rows, &Sheet::ALL) {
                Some(s) => assigned.entry(s).or_default().push((k, n)),
                None if !peek.rows.is_empty() => ignored.push(shown(&n)),
                None => {}
            }
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
            all_names.join("、")
        )));
    }
    Ok((assigned, ignored))
}

/// What reading one workbook sheet found.
struct SheetRead {
    header: Option<HeaderMatch>,
    /// Record rows the sheet takes (the next part starts after them).
    record_rows: u32,
}

/// Streams one workbook sheet into `builder` as part `part` (first record row `base`) of
/// `sheet`, filling vertical merges from `merged`. The inner `Err` is the sheet's header
/// problem (reading goes on with the other sheets so that every header problem is told at
/// once); the outer `Err` is a file that cannot be read.
fn stream_sheet(
    source: &mut dyn SheetSource,
    builder: &mut Builder,
    sheet: Sheet,
    name: &str,
    merged: Vec<rows::MergedDown>,
    (part, base): (u16, u32),
) -> Result<Result<SheetRead, ReadError>, ReadError> {
    let mut handler = SheetRows { builder };
    let mut assembler = SheetAssembler::new(sheet, name, &mut handler);
    assembler.set_merged_down(merged);
    assembler.set_place(part, base);
    source.stream(name, &mut assembler)?;
    assembler.end();
    if let Some(e) = assembler.error.take() {
        return Ok(Err(e));
    }
    let header = assembler.header.take();
    let last = assembler
        .last_row
        .or(header.as_ref().map(|h| h.header_row))
        .unwrap_or(0);
    Ok(Ok(SheetRead {
        header,
        record_rows: (last + 1).saturating_mul(assembler.shape.span()),
    }))
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

fn read_sources(
    mut sources: Vec<NamedSource>,
    path: &Path,
    single_is_persons: bool,
) -> Result<ReadOutcome, ReadError> {
    let progress = crate::progress::Phase::spinner("读取台帐");
    let (assigned, ignored) = assign_sheets(&mut sources, single_is_persons)?;
    let mut builder = Builder::default();
    builder.register.source = path.display().to_string();
    builder.register.ignored_sheets = ignored;
    // Every sheet's header problem, told together at the end.
    let mut header_problems: Vec<String> = Vec::new();
    // 人员 first: event rows are tied to persons by 编号 (or resident ID, or name).
    for (sheet, parts) in &assigned {
        builder.register.rows.entry(*sheet).or_default();
        let mut base = 0u32;
        for (k, (src, name)) in parts.iter().enumerate() {
            let part = u16::try_from(k)
                .map_err(|_| ReadError(format!("「{}」的工作表过多", sheet.canonical_name())))?;
            let (file, source) = &mut sources[*src];
            let layout = builder.register.layouts.entry(*sheet).or_default();
            if k == 0 {
                layout.name = name.clone();
            }
            layout.parts.push(SheetPart {
                file: file.clone(),
                name: name.clone(),
                base,
                span: 1,
                ..SheetPart::default()
            });
            let source = source.as_mut();
            progress.message(&format!("工作表「{name}」"));
            // Finding merged cells costs a second pass over the sheet. The person, staff and
            // unit sheets, where clerks merge 村(社区) and the like down over rows, always get
            // it; an event sheet (tens of thousands of rows) only when its plain reading left
            // a required value empty, which is how a merged-down 编号 or 日期 shows: then it
            // is read again.
            let eager = matches!(sheet, Sheet::Persons | Sheet::Staff | Sheet::Units);
            let merged = if eager {
                source.merged_down(name)
            } else {
                Vec::new()
            };
            let mark = builder.mark(*sheet);
            let place = (part, base);
            let mut read = match stream_sheet(source, &mut builder, *sheet, name, merged, place)? {
                Ok(read) => read,
                Err(problem) => {
                    header_problems.push(problem.0);
                    continue;
                }
            };
            if !eager && builder.missing_values_since(&mark) {
                let merged = source.merged_down(name);
                if !merged.is_empty() {
                    builder.rollback(&mark, *sheet, part, base);
                    read = stream_sheet(source, &mut builder, *sheet, name, merged, place)??;
                }
            }
            base = base.saturating_add(read.record_rows);
            let Some(h) = read.header else { continue };
            let defs = fields(*sheet);
            for &(field, col) in &h.repeated {
                let first = h.columns[field].unwrap_or(col);
                builder.report(
                    "D009",
                    &Subject::default(),
                    CellRef {
                        sheet: *sheet,
                        part,
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
            if k == 0 {
                let layout = builder.register.layouts.entry(*sheet).or_default();
                layout.header_row = h.header_row;
                layout.columns = defs
                    .iter()
                    .zip(&h.columns)
                    .filter_map(|(f, c)| c.map(|c| (f.name, c)))
                    .collect();
            }
        }
    }
    if !header_problems.is_empty() {
        return Err(ReadError(header_problems.join("；")));
    }
    let mut register = builder.register;
    register.finalize();
    Ok(ReadOutcome {
        register,
        findings: builder.findings,
    })
}
