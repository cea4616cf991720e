//! The annotated workbook (`check --annotate OUT.xlsx`): the clerk's own register, every cell
//! a finding rests on filled with its severity's colour and carrying a note with the code(s)
//! and message(s), plus a 问题清单 sheet (one row per finding, with a link to its cell) and a
//! 汇总 sheet (counts by code, by severity and by unit).
//!
//! The source is re-read as it is (calamine's streaming reader for .xlsx/.xlsm, whole ranges
//! for .xls/.ods, the CSV text for CSV files or a folder of them) and every value is written
//! back with rust_xlsxwriter: dates as dates, numbers as numbers, text as text. Cells keep the
//! register's coordinates (0-based sheet row and column, as in [`crate::model::CellRef`]); for
//! CSV the row is the record's index in the file. The output is deterministic (fixed document
//! date) and written atomically (temporary file in the same folder, then rename).

use crate::check::CheckReport;
use crate::finding::{Finding, Severity};
use crate::output::Ids;
use crate::rules::rule_info;
use calamine::{open_workbook_auto, Data, DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Note, Url, Workbook, Worksheet,
    XlsxError,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One value read back from the source.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    Num(f64),
    Bool(bool),
    /// Excel serial date (1900 epoch) and whether it has a time part.
    Date(f64, bool),
}

/// One sheet of the source: its name and its non-empty cells (row, col, value), in order.
struct SourceSheet {
    name: String,
    cells: Vec<(u32, u32, Val)>,
}

/// Most links Excel keeps on one worksheet; further rows of 问题清单 get plain text.
const MAX_LINKS: usize = 65_000;

/// Writes the annotated copy of `report.register.source` to `out` (see the module doc).
/// The cells keep the register's values whole (it is the register's copy); the notes and
/// the 问题清单 are the program's own words and show personal numbers as `ids` says.
pub fn write_annotated(report: &CheckReport, out: &Path, ids: Ids) -> Result<(), String> {
    let source = Path::new(&report.register.source);
    crate::write_file::refuse_input(out, source).map_err(|e| e.to_string())?;
    let mut sheets = read_source(source)?;
    if source.is_dir() || is_csv(source) {
        dates_in_csv(report, &mut sheets);
    }
    let bytes = build(report, &sheets, out_dir(out), ids)
        .map_err(|e| format!("无法生成标注工作簿: {e}"))?;
    write_atomic(out, &bytes)
}

// ------------------------------------------------------------------------------- reading

/// Every sheet of the source, its cells in (row, column) order.
fn read_source(path: &Path) -> Result<Vec<SourceSheet>, String> {
    let mut sheets = read_source_unsorted(path)?;
    for s in &mut sheets {
        // Already in order for every reader; the sort is a cheap guarantee.
        s.cells.sort_by_key(|(r, c, _)| (*r, *c));
    }
    Ok(sheets)
}

fn read_source_unsorted(path: &Path) -> Result<Vec<SourceSheet>, String> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("无法读取文件夹 {}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_csv(p))
            .collect();
        files.sort();
        return files.iter().map(|f| read_csv(f)).collect();
    }
    if is_csv(path) {
        return Ok(vec![read_csv(path)?]);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "xlsx" || ext == "xlsm" {
        read_xlsx(path)
    } else {
        read_other(path)
    }
}

fn is_csv(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("csv"))
}

fn open_err(path: &Path, e: impl std::fmt::Display) -> String {
    format!("无法重新读取台帐 {}: {e}", path.display())
}

/// Serial date (1900 epoch) of a date-time.
fn serial(dt: chrono::NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    (dt - epoch).num_milliseconds() as f64 / 86_400_000.0
}

fn date_val(dt: &calamine::ExcelDateTime) -> Option<Val> {
    if !dt.is_datetime() {
        return None;
    }
    let (y, m, d, h, mi, sec, ms) = dt.to_ymd_hms_milli();
    let v = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))?.and_hms_milli_opt(
        u32::from(h),
        u32::from(mi),
        u32::from(sec),
        u32::from(ms),
    )?;
    let s = serial(v);
    Some(Val::Date(s, s.fract() != 0.0))
}

fn val_of_ref(d: &DataRef) -> Option<Val> {
    match d {
        DataRef::Int(i) => Some(Val::Num(*i as f64)),
        DataRef::Float(f) => Some(Val::Num(*f)),
        DataRef::String(s) => Some(Val::Str(s.clone())),
        DataRef::SharedString(s) => Some(Val::Str((*s).to_string())),
        DataRef::Bool(b) => Some(Val::Bool(*b)),
        DataRef::DateTime(dt) => date_val(dt).or_else(|| Some(Val::Num(dt.as_f64()))),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(Val::Str(s.clone())),
        DataRef::Error(e) => Some(Val::Str(format!("{e}"))),
        DataRef::Empty => None,
    }
}

fn val_of_data(d: &Data) -> Option<Val> {
    match d {
        Data::Int(i) => Some(Val::Num(*i as f64)),
        Data::Float(f) => Some(Val::Num(*f)),
        Data::String(s) => Some(Val::Str(s.clone())),
        Data::Bool(b) => Some(Val::Bool(*b)),
        Data::DateTime(dt) => date_val(dt).or_else(|| Some(Val::Num(dt.as_f64()))),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(Val::Str(s.clone())),
        Data::Error(e) => Some(Val::Str(format!("{e}"))),
        Data::Empty => None,
    }
}

fn read_xlsx(path: &Path) -> Result<Vec<SourceSheet>, String> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).map_err(|e| open_err(path, e))?;
    let names = wb.sheet_names();
    let mut out = Vec::new();
    for name in names {
        let mut cells = Vec::new();
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| open_err(path, e))?;
        while let Some(cell) = reader.next_cell().map_err(|e| open_err(path, e))? {
            let (r, c) = cell.get_position();
            if let Some(v) = val_of_ref(cell.get_value()) {
                cells.push((r, c, v));
            }
        }
        out.push(SourceSheet { name, cells });
    }
    Ok(out)
}

fn read_other(path: &Path) -> Result<Vec<SourceSheet>, String> {
    let mut wb = open_workbook_auto(path).map_err(|e| open_err(path, e))?;
    let names = wb.sheet_names();
    let mut out = Vec::new();
    for name in names {
        let range = wb.worksheet_range(&name).map_err(|e| open_err(path, e))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let cells = range
            .used_cells()
            .filter_map(|(r, c, d)| val_of_data(d).map(|v| (r as u32 + r0, c as u32 + c0, v)))
            .collect();
        out.push(SourceSheet { name, cells });
    }
    Ok(out)
}

/// Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16LE with BOM, else GB18030.
fn decode_csv(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return encoding_rs::UTF_16LE.decode(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(path: &Path) -> Result<SourceSheet, String> {
    let bytes = std::fs::read(path).map_err(|e| open_err(path, e))?;
    let text = decode_csv(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut cells = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| open_err(path, e))?;
        for (c, field) in rec.iter().enumerate() {
            if !field.is_empty() {
                cells.push((r as u32, c as u32, Val::Str(field.to_string())));
            }
        }
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Sheet1".into());
    Ok(SourceSheet { name, cells })
}

/// CSV holds text only: turn the text of date columns (canonical name ending in 日期, below
/// the header row) into dates when it reads as one; anything else stays text.
fn dates_in_csv(report: &CheckReport, sheets: &mut [SourceSheet]) {
    for layout in report.register.layouts.values() {
        let Some(sheet) = sheets.iter_mut().find(|s| s.name == layout.name) else {
            continue;
        };
        let cols: Vec<u32> = layout
            .columns
            .iter()
            .filter(|(name, _)| name.ends_with("日期"))
            .map(|(_, c)| *c)
            .collect();
        for (r, c, v) in sheet.cells.iter_mut() {
            if *r <= layout.header_row || !cols.contains(c) {
                continue;
            }
            if let Val::Str(text) = v {
                if let Some(d) = parse_text_date(text).and_then(|d| d.and_hms_opt(0, 0, 0)) {
                    *v = Val::Date(serial(d), false);
                }
            }
        }
    }
}

/// 2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日 or 20250301 (full-width digits allowed).
fn parse_text_date(text: &str) -> Option<NaiveDate> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            other => other,
        })
        .collect();
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        let n = |a: usize, b: usize| t[a..b].parse::<u32>().ok();
        return NaiveDate::from_ymd_opt(n(0, 4)? as i32, n(4, 6)?, n(6, 8)?);
    }
    let t = t.strip_suffix('日').unwrap_or(&t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    NaiveDate::from_ymd_opt(
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    )
}

// ------------------------------------------------------------------------------- writing

/// The fill of a severity.
fn fill(sev: Severity) -> Color {
    match sev {
        Severity::Error => Color::RGB(0xFF9999),
        Severity::Breach => Color::RGB(0xF8CBAD),
        Severity::Warning => Color::RGB(0xFFEB9C),
        Severity::Info => Color::RGB(0xDDEBF7),
    }
}

/// The Chinese name of a due document (form id).
pub fn document_label(form: &str) -> &str {
    crate::paperwork::forms::short_name(form)
}

/// An Excel-safe sheet name (no `[]:*?/\`, at most 31 characters), unique among `taken`.
fn safe_sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Sheet".to_string()
    } else {
        clean
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!("_{n}");
        let keep: String = clean.chars().take(31 - suffix.chars().count()).collect();
        candidate = format!("{keep}{suffix}");
        n += 1;
    }
    candidate
}

/// `'sheet'!A1` for an internal link.
fn internal_link(sheet: &str, a1: &str) -> Url {
    Url::new(format!("internal:'{}'!{}", sheet.replace('\'', "''"), a1))
}

struct Formats {
    date: Format,
    datetime: Format,
    /// Per severity: plain, date, date-time.
    marked: BTreeMap<Severity, [Format; 3]>,
    header: Format,
}

impl Formats {
    fn new() -> Formats {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let mut marked = BTreeMap::new();
        for sev in [
            Severity::Info,
            Severity::Warning,
            Severity::Breach,
            Severity::Error,
        ] {
            let base = Format::new()
                .set_background_color(fill(sev))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xC00000));
            marked.insert(
                sev,
                [
                    base.clone(),
                    base.clone().set_num_format("yyyy-mm-dd"),
                    base.set_num_format("yyyy-mm-dd hh:mm"),
                ],
            );
        }
        Formats {
            date,
            datetime,
            marked,
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9D9D9)),
        }
    }
}

fn write_val(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: &Val,
    fmts: &Formats,
    mark: Option<Severity>,
) -> Result<(), XlsxError> {
    let marked = mark.and_then(|s| fmts.marked.get(&s));
    match v {
        Val::Str(s) => match marked {
            Some(m) => ws.write_string_with_format(r, c, s, &m[0]).map(|_| ()),
            None => ws.write_string(r, c, s).map(|_| ()),
        },
        Val::Num(x) => match marked {
            Some(m) => ws.write_number_with_format(r, c, *x, &m[0]).map(|_| ()),
            None => ws.write_number(r, c, *x).map(|_| ()),
        },
        Val::Bool(b) => match marked {
            Some(m) => ws.write_boolean_with_format(r, c, *b, &m[0]).map(|_| ()),
            None => ws.write_boolean(r, c, *b).map(|_| ()),
        },
        Val::Date(s, has_time) => {
            let dt = ExcelDateTime::from_serial_datetime(*s)?;
            let f = match (marked, has_time) {
                (Some(m), false) => &m[1],
                (Some(m), true) => &m[2],
                (None, false) => &fmts.date,
                (None, true) => &fmts.datetime,
            };
            ws.write_datetime_with_format(r, c, &dt, f).map(|_| ())
        }
    }
}

/// The note text of one cell: one line per finding.
fn note_text(findings: &[&Finding], ids: Ids) -> String {
    let text = findings
        .iter()
        .map(|f| format!("{} {}：{}", f.code, f.severity.label(), f.message))
        .collect::<Vec<_>>()
        .join("\n");
    ids.apply(&text)
}

/// The folder `out` is written in.
fn out_dir(out: &Path) -> &Path {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn build(
    report: &CheckReport,
    sheets: &[SourceSheet],
    dir: &Path,
    ids: Ids,
) -> Result<Vec<u8>, XlsxError> {
    let reg = &report.register;
    let fmts = Formats::new();
    let mut wb = Workbook::new();
    // Constant-memory sheets spill rows to temporary files: keep them beside the output
    // (the register's data stays where the clerk put it).
    wb.set_tempdir(dir)?;
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&fixed)
            .set_author("rehabdocs"),
    );

    // Findings per (sheet name, row, col), in finding order.
    let mut by_cell: HashMap<(&str, u32, u32), Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        for c in &f.cells {
            let list = by_cell
                .entry((reg.sheet_name(c.sheet), c.row, c.col))
                .or_default();
            if !list.iter().any(|g| std::ptr::eq(*g, f)) {
                list.push(f);
            }
        }
    }

    let mut taken: Vec<String> = Vec::new();
    // Source sheet name → name in the output.
    let mut out_names: HashMap<&str, String> = HashMap::new();
    for s in sheets {
        let name = safe_sheet_name(&s.name, &taken);
        taken.push(name.clone());
        out_names.insert(s.name.as_str(), name.clone());
        // Constant memory: rows are written in order, so merge the finding cells of this
        // sheet into the (row, column)-ordered stream of source cells.
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(&name)?;
        let mut marks: Vec<(u32, u32, &Vec<&Finding>)> = by_cell
            .iter()
            .filter(|((sheet, _, _), _)| *sheet == s.name.as_str())
            .map(|((_, r, c), fs)| (*r, *c, fs))
            .collect();
        marks.sort_by_key(|(r, c, _)| (*r, *c));
        let (mut i, mut j) = (0, 0);
        while i < s.cells.len() || j < marks.len() {
            let cell = s.cells.get(i).map(|(r, c, _)| (*r, *c));
            let mark = marks.get(j).map(|(r, c, _)| (*r, *c));
            let (pos, value, fs) = match (cell, mark) {
                (Some(a), Some(b)) if a == b => {
                    i += 1;
                    j += 1;
                    (a, Some(&s.cells[i - 1].2), Some(marks[j - 1].2))
                }
                (Some(a), Some(b)) if a < b => {
                    i += 1;
                    (a, Some(&s.cells[i - 1].2), None)
                }
                (Some(a), None) => {
                    i += 1;
                    (a, Some(&s.cells[i - 1].2), None)
                }
                (_, Some(b)) => {
                    j += 1;
                    (b, None, Some(marks[j - 1].2))
                }
                (None, None) => break,
            };
            let (r, c) = pos;
            let Ok(col) = u16::try_from(c) else { continue };
            let sev = fs.and_then(|fs| fs.iter().map(|f| f.severity).max());
            match (value, sev) {
                (Some(v), _) => write_val(ws, r, col, v, &fmts, sev)?,
                (None, Some(sev)) => {
                    if let Some(m) = fmts.marked.get(&sev) {
                        ws.write_blank(r, col, &m[0])?;
                    }
                }
                (None, None) => {}
            }
            if let Some(fs) = fs {
                let note = Note::new(note_text(fs, ids))
                    .add_author_prefix(false)
                    .set_width(360)
                    .set_height(40 + 20 * fs.len() as u32);
                ws.insert_note(r, col, &note)?;
            }
        }
    }

    write_issue_list(&mut wb, report, &fmts, &out_names, &mut taken, ids)?;
    write_summary(&mut wb, report, &fmts, &mut taken)?;
    wb.save_to_buffer()
}

fn write_issue_list(
    wb: &mut Workbook,
    report: &CheckReport,
    fmts: &Formats,
    out_names: &HashMap<&str, String>,
    taken: &mut Vec<String>,
    ids: Ids,
) -> Result<(), XlsxError> {
    let reg = &report.register;
    let name = safe_sheet_name("问题清单", taken);
    taken.push(name.clone());
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(&name)?;
    let headers = [
        "代码",
        "严重程度",
        "编号",
        "村(社区)",
        "单元格",
        "问题",
        "应出具文书",
        "截止日期",
        "依据",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &fmts.header)?;
    }
    for (c, w) in [8.0, 10.0, 12.0, 14.0, 18.0, 60.0, 24.0, 12.0, 60.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut links = 0usize;
    for (i, f) in report.findings.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, f.code)?;
        ws.write_string(r, 1, f.severity.label())?;
        ws.write_string(r, 2, f.person.as_deref().unwrap_or(""))?;
        ws.write_string(r, 3, f.unit.as_deref().unwrap_or(""))?;
        let names = f.cell_names(reg).join("、");
        let target = f.cells.first().and_then(|c| {
            out_names
                .get(reg.sheet_name(c.sheet))
                .map(|sheet| (sheet.clone(), c.a1()))
        });
        match target {
            Some((sheet, a1)) if links < MAX_LINKS => {
                ws.write_url_with_text(r, 4, internal_link(&sheet, &a1), &names)?;
                links += 1;
            }
            _ => {
                ws.write_string(r, 4, &names)?;
            }
        }
        ws.write_string(r, 5, ids.apply(&f.message))?;
        let docs: Vec<&str> = f.due.iter().map(|d| document_label(&d.0)).collect();
        ws.write_string(r, 6, docs.join("、"))?;
        if let Some(d) = f.due_date.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            ws.write_datetime_with_format(
                r,
                7,
                &ExcelDateTime::from_serial_datetime(serial(d))?,
                &fmts.date,
            )?;
        }
        ws.write_string(r, 8, &f.basis)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, report.findings.len() as u32, headers.len() as u16 - 1)?;
    Ok(())
}

fn write_summary(
    wb: &mut Workbook,
    report: &CheckReport,
    fmts: &Formats,
    taken: &mut Vec<String>,
) -> Result<(), XlsxError> {
    let name = safe_sheet_name("汇总", taken);
    taken.push(name.clone());
    let ws = wb.add_worksheet();
    ws.set_name(&name)?;
    ws.set_column_width(0, 16.0)?;
    ws.set_column_width(1, 30.0)?;
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut by_unit: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for f in &report.findings {
        *by_code.entry(f.code).or_default() += 1;
        *by_sev.entry(f.severity).or_default() += 1;
        by_unit
            .entry(f.unit.as_deref().unwrap_or("（未注明）"))
            .or_default()[sev_index(f.severity)] += 1;
    }
    let mut r = 0u32;
    ws.write_string_with_format(
        r,
        0,
        format!("截止日期 {}，配置 {}", report.as_of, report.profile),
        &fmts.header,
    )?;
    r += 2;
    for (c, h) in ["代码", "名称", "严重程度", "数量"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &fmts.header)?;
    }
    r += 1;
    for (code, n) in &by_code {
        let info = rule_info(code);
        ws.write_string(r, 0, *code)?;
        ws.write_string(r, 1, info.map(|i| i.name).unwrap_or(""))?;
        ws.write_string(r, 2, info.map(|i| i.severity.label()).unwrap_or(""))?;
        ws.write_number(r, 3, *n as f64)?;
        r += 1;
    }
    r += 1;
    for (c, h) in ["严重程度", "数量"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &fmts.header)?;
    }
    r += 1;
    for (sev, n) in by_sev.iter().rev() {
        ws.write_string(r, 0, sev.label())?;
        ws.write_number(r, 1, *n as f64)?;
        r += 1;
    }
    r += 1;
    for (c, h) in ["村(社区)", "错误", "严重违规", "警告", "提示", "合计"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &fmts.header)?;
    }
    r += 1;
    for (unit, counts) in &by_unit {
        ws.write_string(r, 0, *unit)?;
        for (i, n) in counts.iter().enumerate() {
            ws.write_number(r, i as u16 + 1, *n as f64)?;
        }
        ws.write_number(r, 5, counts.iter().sum::<usize>() as f64)?;
        r += 1;
    }
    Ok(())
}

/// Column of a severity in the per-unit table: error, breach, warning, info.
fn sev_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Breach => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

/// Writes `bytes` to a temporary file beside `out`, then renames it over `out`.
fn write_atomic(out: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::write_file::write_bytes_atomically(out, true, bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_text_date("2025-03-01"), d(2025, 3, 1));
        assert_eq!(parse_text_date(" 2025/3/1 "), d(2025, 3, 1));
        assert_eq!(parse_text_date("2025.3.1"), d(2025, 3, 1));
        assert_eq!(parse_text_date("2025年3月1日"), d(2025, 3, 1));
        assert_eq!(parse_text_date("２０２５年３月１日"), d(2025, 3, 1));
        assert_eq!(parse_text_date("20250301"), d(2025, 3, 1));
        assert_eq!(parse_text_date("2025-02-30"), None);
        assert_eq!(parse_text_date("张三"), None);
        assert_eq!(parse_text_date("2025-03"), None);
    }

    #[test]
    fn sheet_names_are_safe_and_unique() {
        let taken = vec!["问题清单".to_string()];
        assert_eq!(safe_sheet_name("问题清单", &taken), "问题清单_2");
        assert_eq!(safe_sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(safe_sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
    }
}
