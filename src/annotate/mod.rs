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
use crate::model::CellRef;
use crate::output::Ids;
use crate::write_file::OutputError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What the default name of an annotated copy adds to the register's.
const ANNOTATED_MARK: &str = "（已标注）";

/// Where `check --annotate` writes when no name is given: beside the register, its name with
/// （已标注）: `台帐.xlsx` → `台帐（已标注）.xlsx` (an .xlsm stays .xlsm; .xls, .ods and CSV
/// give .xlsx); a folder of workbooks `各村台帐/` → the folder `各村台帐（已标注）/`. The copies
/// in that folder are named so too, each after its workbook.
pub fn default_output(register: &Path) -> PathBuf {
    let whole;
    let path = if register.file_name().is_some() {
        register
    } else {
        // `.` or `..`: named by the folder it stands for.
        whole = register
            .canonicalize()
            .unwrap_or_else(|_| register.to_path_buf());
        &whole
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let folder = is_folder_of_workbooks(path);
    let (stem, ext) = if folder {
        (path.file_name(), None)
    } else if path.is_dir() {
        (path.file_name(), Some("xlsx"))
    } else {
        let macros = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsm"));
        (path.file_stem(), Some(if macros { "xlsm" } else { "xlsx" }))
    };
    let stem = stem.map_or_else(|| "台帐".into(), |s| s.to_string_lossy());
    match ext {
        Some(ext) => dir.join(format!("{stem}{ANNOTATED_MARK}.{ext}")),
        None => dir.join(format!("{stem}{ANNOTATED_MARK}")),
    }
}

/// Whether `path` is a folder of workbooks (read as one register), not a folder of CSV files.
fn is_folder_of_workbooks(path: &Path) -> bool {
    path.is_dir() && crate::register::workbooks_in(path).is_ok_and(|books| !books.is_empty())
}

/// Writes the annotated copy of `report.register.source` to `out` (see the module doc),
/// replacing `out` if it exists (the caller enforces `--force`), never the register itself.
/// The cells keep the register's values whole (it is the register's copy); the notes and
/// the 问题清单 are the program's own words and show personal numbers as `ids` says.
///
/// A folder of workbooks gets a folder `out` of copies, one per workbook, named after it
/// ([`default_output`]); each marks the cells in its workbook and lists the findings that
/// have a cell there ([`listed_by_book`] says where the findings without a cell go). All or
/// nothing: the copies are written into a staging folder that comes into place only when
/// every one is written ([`crate::write_file::write_folder_atomically`]). Returns the files
/// written.
pub fn write_annotated(report: &CheckReport, out: &Path, ids: Ids) -> Result<Vec<PathBuf>, String> {
    let source = Path::new(&report.register.source);
    crate::write_file::refuse_input(out, source).map_err(|e| e.to_string())?;
    if !source.exists() {
        return Err(format!(
            "找不到台帐文件 {}，无法生成标注副本",
            source.display()
        ));
    }
    let books = if source.is_dir() {
        crate::register::workbooks_in(source).map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    if books.is_empty() {
        let job = Job::new(report, None, None, ids);
        annotate_book(&job, source, out, false)?;
        return Ok(vec![out.to_path_buf()]);
    }
    if crate::register::has_register_extension(out, true) && !out.is_dir() {
        return Err(format!(
            "{} 是放有多个工作簿的文件夹，每个工作簿各出一份标注副本：--annotate 请写一个文件夹（或不写，默认为 {}）",
            source.display(),
            default_output(source).display()
        ));
    }
    let names: Vec<String> = books
        .iter()
        .map(|b| {
            b.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let listed = listed_by_book(report, &names);
    crate::write_file::write_folder_atomically(out, true, |staging| {
        for (book, name) in books.iter().zip(&names) {
            let job = Job::new(
                report,
                Some(name),
                Some(listed.get(name).map_or(&[][..], Vec::as_slice)),
                ids,
            );
            let copy = default_output(book);
            let copy = staging.join(copy.file_name().unwrap_or(name.as_ref()));
            annotate_book(&job, book, &copy, true)
                .map_err(|e| OutputError::Invalid(format!("{name}：{e}")))?;
        }
        Ok(())
    })
    .map_err(|e| format!("无法生成标注副本文件夹 {}：{e}", out.display()))
}

/// Which findings the copy of each workbook of a folder lists (indexes into the report's, in
/// report order): every finding with a cell in the workbook. A finding with no cell at all (a
/// rule about a person or a unit as a whole) is listed where the clerk who must act on it
/// works: in the workbook of the person's 人员 row; for a unit, in the workbooks holding its
/// persons; else (the whole register, or a unit no person row names) in every copy. So every
/// finding is in some copy's 问题清单, and a workbook per 村(社区) gets its own.
fn listed_by_book(report: &CheckReport, books: &[String]) -> HashMap<String, Vec<u32>> {
    let reg = &report.register;
    let mut units: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for p in &reg.persons {
        if let Some(file) = reg.workbook_of_row(p.row) {
            for unit in [&p.unit, &p.town] {
                units.entry(unit.as_str()).or_default().insert(file);
            }
        }
    }
    let mut listed: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let mut files: BTreeSet<&str> = f
            .cells
            .iter()
            .filter_map(|c| reg.workbook_sheet(c).0)
            .collect();
        if f.cells.is_empty() {
            let person = f
                .person
                .as_deref()
                .and_then(|id| reg.person_index(id))
                .and_then(|k| reg.workbook_of_row(reg.persons[k].row));
            match (person, f.unit.as_deref().and_then(|u| units.get(u))) {
                (Some(file), _) => {
                    files.insert(file);
                }
                (None, Some(holding)) => files.clone_from(holding),
                (None, None) => files.extend(books.iter().map(String::as_str)),
            }
        }
        for file in files {
            listed.entry(file.to_string()).or_default().push(i as u32);
        }
    }
    listed
}

/// Writes the annotated copy of one workbook (or CSV register) `source` to `out`. `ours`:
/// the name is the program's (a folder's copy), so a workbook with macros gets an .xlsm name
/// rather than a refusal, and a name another copy took gets a number.
fn annotate_book(job: &Job, source: &Path, out: &Path, ours: bool) -> Result<PathBuf, String> {
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
    let macros = edited.as_ref().is_some_and(|p| p.has_macros());
    let mut out = out.to_path_buf();
    if ours {
        if macros {
            out.set_extension("xlsm");
        }
        out = crate::write_file::unused_path(&out);
    }
    let written = match edited {
        Some(package) => {
            let xlsm = out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsm"));
            if macros && !xlsm {
                return Err(format!(
                    "台帐含宏（.xlsm），标注副本须保留宏：请把输出文件名改为以 .xlsm 结尾（而不是 {}）",
                    out.display()
                ));
            }
            write_package(package, job, &out)
        }
        None => {
            let (base, renamed) = fresh::base_package(job.report, source, &out)?;
            let package = package::Package::open(std::io::Cursor::new(base), &renamed)
                .map_err(|e| e.to_string())?;
            write_package(package, job, &out)
        }
    };
    written.map_err(|e| format!("无法生成标注工作簿：{e}"))?;
    Ok(out)
}

fn write_package<R: std::io::Read + std::io::Seek>(
    mut package: package::Package<R>,
    job: &Job,
    out: &Path,
) -> Result<(), String> {
    crate::write_file::write_atomically(out, true, |tmp| {
        let file = crate::write_file::create_private(tmp)?;
        let file = package.annotate(job, file).map_err(OutputError::Invalid)?;
        file.sync_all().map_err(|source| OutputError::Io {
            path: tmp.to_path_buf(),
            source,
        })
    })
    .map_err(|e| e.to_string())
}

/// What one annotated copy is made of: the report, the workbook it is of, the findings it
/// lists, its findings by cell and how IDs are shown.
struct Job<'a> {
    report: &'a CheckReport,
    /// The workbook of a folder of workbooks the copy is of (its file name); `None` for a
    /// register that is one workbook (or CSV).
    book: Option<&'a str>,
    /// The findings the copy lists (indexes into the report's); `None`: all of them.
    listed: Option<&'a [u32]>,
    marks: Marks,
    ids: Ids,
}

impl<'a> Job<'a> {
    fn new(
        report: &'a CheckReport,
        book: Option<&'a str>,
        listed: Option<&'a [u32]>,
        ids: Ids,
    ) -> Job<'a> {
        Job {
            report,
            book,
            listed,
            marks: Marks::new(report, book),
            ids,
        }
    }

    /// The findings the copy lists, in report order.
    fn findings(&self) -> impl Iterator<Item = &'a Finding> + 'a {
        let all = &self.report.findings;
        let (whole, some) = match self.listed {
            None => (Some(all.iter()), None),
            Some(listed) => (None, Some(listed.iter().map(move |&i| &all[i as usize]))),
        };
        whole
            .into_iter()
            .flatten()
            .chain(some.into_iter().flatten())
    }

    /// How many findings the copy lists.
    fn listed_len(&self) -> usize {
        self.listed.map_or(self.report.findings.len(), <[u32]>::len)
    }

    /// The first cell of a finding that lies in the copy's workbook, and the name of its
    /// sheet there: where the 问题清单 links to.
    fn first_cell<'f>(&self, f: &'f Finding) -> Option<(&'f CellRef, &'a str)> {
        let reg = &self.report.register;
        f.cells.iter().find_map(|c| match reg.workbook_sheet(c) {
            (file, name) if file == self.book => Some((c, name)),
            _ => None,
        })
    }
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
    /// The marks of the cells in workbook `book` (`None`: a register of one workbook).
    fn new(report: &CheckReport, book: Option<&str>) -> Marks {
        let reg = &report.register;
        let mut names: Vec<&str> = Vec::new();
        // (sheet, row, col, finding): 16 bytes a cell of a finding, sorted once.
        let mut all: Vec<(u32, u32, u32, u32)> = Vec::new();
        for (i, f) in report.findings.iter().enumerate() {
            for c in &f.cells {
                let (file, name) = reg.workbook_sheet(c);
                if file != book {
                    continue;
                }
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
    fn a_folders_findings_go_to_the_workbooks_they_point_into_or_where_they_belong() {
        use crate::model::{Person, Register, Sheet, SheetLayout, SheetPart};
        let mut reg = Register::default();
        let part = |file: &str, base| SheetPart {
            file: Some(file.to_string()),
            name: "人员".into(),
            base,
            span: 1,
            ..SheetPart::default()
        };
        reg.layouts.insert(
            Sheet::Persons,
            SheetLayout {
                parts: vec![part("东村.xlsx", 0), part("西村.xlsx", 10)],
                ..SheetLayout::default()
            },
        );
        for (id, row, unit) in [("P1", 1, "东村"), ("P2", 11, "西村")] {
            reg.persons.push(Person {
                id: id.into(),
                row,
                unit: unit.into(),
                town: "城关镇".into(),
                ..Person::default()
            });
        }
        reg.finalize();
        let cell = |part| CellRef {
            sheet: Sheet::Persons,
            part,
            row: 1,
            col: 0,
        };
        let f = || Finding::new("P101", Severity::Warning, "…");
        let findings = vec![
            f().cell(cell(0)),
            f().cell(cell(0)).cell(cell(1)),
            f().person("P2").unit("西村"),
            f().unit("东村"),
            f(),
            f().unit("北村"),
            f().unit("城关镇"),
        ];
        let report = CheckReport {
            register: reg,
            findings,
            as_of: chrono::NaiveDate::default(),
            profile: String::new(),
        };
        let books = ["东村.xlsx".to_string(), "西村.xlsx".to_string()];
        let listed = listed_by_book(&report, &books);
        assert_eq!(listed["东村.xlsx"], [0, 1, 3, 4, 5, 6]);
        assert_eq!(listed["西村.xlsx"], [1, 2, 4, 5, 6]);
        // Each copy marks only its own workbook's cells.
        let marks = Marks::new(&report, Some("西村.xlsx"));
        assert_eq!(marks.findings, [1]);
        assert_eq!(Marks::new(&report, None).findings, Vec::<u32>::new());
    }

    #[test]
    fn the_default_copy_is_named_after_the_register_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(
            default_output(&d.join("台帐.xlsx")),
            d.join("台帐（已标注）.xlsx")
        );
        assert_eq!(
            default_output(&d.join("台帐.XLSM")),
            d.join("台帐（已标注）.xlsm")
        );
        assert_eq!(
            default_output(&d.join("人员.csv")),
            d.join("人员（已标注）.xlsx")
        );
        let csv = d.join("数据");
        std::fs::create_dir(&csv).unwrap();
        std::fs::write(csv.join("人员.csv"), "编号\n").unwrap();
        assert_eq!(default_output(&csv), d.join("数据（已标注）.xlsx"));
        let books = d.join("各村");
        std::fs::create_dir(&books).unwrap();
        std::fs::write(books.join("东村.xlsx"), "").unwrap();
        assert_eq!(default_output(&books), d.join("各村（已标注）"));
        let slash = PathBuf::from(format!("{}/", books.display()));
        assert_eq!(default_output(&slash), d.join("各村（已标注）"));
    }

    #[test]
    fn sheet_names_are_safe_and_unique() {
        let taken = vec!["问题清单".to_string()];
        assert_eq!(safe_sheet_name("问题清单", &taken), "问题清单_2");
        assert_eq!(safe_sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(safe_sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
    }
}
