//! The annotated workbook (`check --annotate OUT.xlsx`): the clerk's own register, every cell
//! a finding rests on filled with its severity's colour and carrying a note with the code(s)
//! and message(s), plus a 问题清单 sheet (one row per finding, with a link to its cell) and a
//! 汇总 sheet (counts by code, by severity and by unit).
//!
//! An .xlsx/.xlsm register is edited in its own package, not written again: every zip entry
//! the findings do not touch is copied raw (byte for byte, still compressed); a sheet with
//! findings is streamed through once, only the `s` (style) of its marked cells changing (to a
//! copy of the cell's own format with a fill, so number formats, fonts and borders stay) and
//! empty marked cells being added; its notes go into its comments part (appended to the
//! clerk's own notes) and legacy VML drawing; styles.xml, workbook.xml, the relationships and
//! [Content_Types].xml get only additions. Formulas keep their cached values, and validations,
//! merges, widths, panes, defined names and other sheets are untouched. The 问题清单 is written
//! as it is read from the findings (inline strings, no shared-string table), so a million
//! findings cost little more memory than `check` itself.
//!
//! .xls, .ods, .xlsb and CSV registers (and an .xlsx package too unusual to edit) get a fresh
//! copy: their cells, as the register reader streams them, written into a new package
//! ([`fresh`]), which is then annotated the same way.
//!
//! Choice of tools: crates.io offers umya-spreadsheet and edit-xlsx for editing a workbook.
//! Both deserialise the whole package into an object model and serialise every part again
//! (nothing stays byte for byte, parts they do not model are at risk, and a large sheet is held
//! whole in memory), and both bring their own copies of zip and quick-xml. The `zip` and
//! `quick-xml` crates that calamine already compiles into the program do the job with a
//! streaming pass, so the package is edited with them by hand.
//!
//! The output is deterministic (same register and findings → same bytes: new zip entries
//! carry a fixed date) and goes through [`crate::write_file`] (atomic, owner-only), never over
//! the register itself.

mod fresh;
mod lists;
mod notes;
mod package;
mod sheet;
mod styles;
mod xml;

use crate::check::CheckReport;
use crate::finding::{Finding, Severity};
use crate::output::Ids;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Writes the annotated copy of `report.register.source` to `out` (see the module doc),
/// replacing `out` if it exists (the caller enforces `--force`), never the register itself.
/// The cells keep the register's values whole (it is the register's copy); the notes and
/// the 问题清单 are the program's own words and show personal numbers as `ids` says.
pub fn write_annotated(report: &CheckReport, out: &Path, ids: Ids) -> Result<(), String> {
    let source = Path::new(&report.register.source);
    crate::write_file::refuse_input(out, source).map_err(|e| e.to_string())?;
    if !source.exists() {
        return Err(format!(
            "找不到台帐文件 {}，无法生成标注副本",
            source.display()
        ));
    }
    let job = Job {
        report,
        marks: Marks::new(report),
        ids,
    };
    let edited = if crate::register::is_xml_package(source) {
        let file = std::fs::File::open(source)
            .map_err(|e| format!("无法读取台帐 {}：{e}", source.display()))?;
        match package::Package::open(file, &HashMap::new()) {
            Ok(package) => Some(package),
            // Too unusual to edit in place: a fresh copy as for other formats.
            Err(package::OpenError::NotEditable(_)) => None,
            Err(package::OpenError::Failed(e)) => return Err(e),
        }
    } else {
        None
    };
    let written = match edited {
        Some(package) => {
            let xlsm = out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsm"));
            if package.has_macros() && !xlsm {
                return Err(format!(
                    "台帐含宏（.xlsm），标注副本须保留宏：请把输出文件名改为以 .xlsm 结尾（而不是 {}）",
                    out.display()
                ));
            }
            write_package(package, &job, out)
        }
        None => {
            let (base, renamed) = fresh::base_package(report, source, out)?;
            let package = package::Package::open(std::io::Cursor::new(base), &renamed)
                .map_err(|e| e.to_string())?;
            write_package(package, &job, out)
        }
    };
    written.map_err(|e| format!("无法生成标注工作簿：{e}"))
}

fn write_package<R: std::io::Read + std::io::Seek>(
    mut package: package::Package<R>,
    job: &Job,
    out: &Path,
) -> Result<(), String> {
    crate::write_file::write_atomically(out, true, |tmp| {
        let file = crate::write_file::create_private(tmp)?;
        let file = package
            .annotate(job, file)
            .map_err(crate::write_file::OutputError::Invalid)?;
        file.sync_all()
            .map_err(|source| crate::write_file::OutputError::Io {
                path: tmp.to_path_buf(),
                source,
            })
    })
    .map_err(|e| e.to_string())
}

/// What the annotation is made of: the report, its findings by cell and how IDs are shown.
struct Job<'a> {
    report: &'a CheckReport,
    marks: Marks,
    ids: Ids,
}

/// A cell some findings rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MarkedCell {
    row: u32,
    col: u32,
    /// The most serious of its findings.
    severity: Severity,
    /// Its findings: `Marks::findings[start..start + len]`.
    start: u32,
    len: u32,
}

/// The findings by cell: per sheet name, the marked cells in (row, column) order.
struct Marks {
    sheets: BTreeMap<String, Vec<MarkedCell>>,
    /// Indexes into the report's findings, each cell's run in finding order.
    findings: Vec<u32>,
}

impl Marks {
    fn new(report: &CheckReport) -> Marks {
        let reg = &report.register;
        let mut names: Vec<&str> = Vec::new();
        // (sheet, row, col, finding): 16 bytes a cell of a finding, sorted once.
        let mut all: Vec<(u32, u32, u32, u32)> = Vec::new();
        for (i, f) in report.findings.iter().enumerate() {
            for c in &f.cells {
                let name = workbook_sheet(reg, c);
                let sheet = match names.iter().position(|n| *n == name) {
                    Some(k) => k,
                    None => {
                        names.push(name);
                        names.len() - 1
                    }
                };
                all.push((sheet as u32, c.row, c.col, i as u32));
            }
        }
        all.sort_unstable();
        all.dedup();
        let mut sheets: BTreeMap<String, Vec<MarkedCell>> = BTreeMap::new();
        let mut findings = Vec::with_capacity(all.len());
        let mut k = 0;
        while k < all.len() {
            let (sheet, row, col, _) = all[k];
            let start = findings.len() as u32;
            let mut severity = Severity::Info;
            while k < all.len() && all[k].0 == sheet && all[k].1 == row && all[k].2 == col {
                findings.push(all[k].3);
                severity = severity.max(report.findings[all[k].3 as usize].severity);
                k += 1;
            }
            sheets
                .entry(names[sheet as usize].to_string())
                .or_default()
                .push(MarkedCell {
                    row,
                    col,
                    severity,
                    start,
                    len: findings.len() as u32 - start,
                });
        }
        Marks { sheets, findings }
    }

    /// The findings of a marked cell, in finding order.
    fn of<'r>(&self, cell: &MarkedCell, report: &'r CheckReport) -> Vec<&'r Finding> {
        let run = &self.findings[cell.start as usize..(cell.start + cell.len) as usize];
        run.iter().map(|i| &report.findings[*i as usize]).collect()
    }
}

/// The sheet of the annotated copy that lists every finding.
pub const LIST_SHEET: &str = "问题清单";
/// The sheet of the annotated copy that counts the findings per unit.
pub const SUMMARY_SHEET: &str = "汇总";

/// The name of the workbook sheet a cell is on (the one home of this question here).
fn workbook_sheet<'r>(reg: &'r crate::model::Register, cell: &crate::model::CellRef) -> &'r str {
    // A register split over sheets (one per 村(社区)) has the cell on its part's own sheet.
    reg.workbook_sheet(cell).1
}

/// The fill of a severity, as ARGB (information in green: the template's headers are blue).
fn fill_rgb(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "FFFF9999",
        Severity::Breach => "FFF8CBAD",
        Severity::Warning => "FFFFEB9C",
        Severity::Info => "FFE2EFDA",
    }
}

/// The severities from least to most serious (the order of their fills in styles.xml).
const SEVERITIES: [Severity; 4] = [
    Severity::Info,
    Severity::Warning,
    Severity::Breach,
    Severity::Error,
];

/// Column of a severity in the per-unit table, and of its fill: error, breach, warning, info.
fn sev_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Breach => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

/// The Chinese name of a due document (form id).
pub fn document_label(form: &str) -> &str {
    crate::paperwork::forms::short_name(form)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_safe_and_unique() {
        let taken = vec!["问题清单".to_string()];
        assert_eq!(safe_sheet_name("问题清单", &taken), "问题清单_2");
        assert_eq!(safe_sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(safe_sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
    }
}
