//! The ledger of document numbers (文号台帐): which 文号 each document got.
//!
//! The ledger belongs to the office, not to an output folder: by default it is one file
//! beside the register ([`default_path`]), or the file given with `--ledger`. Every
//! `generate` run into whatever folder takes its numbers from it, so numbering continues
//! across folders and runs.
//!
//! A number is keyed by (form, person 编号, event key): running `generate` again for the same
//! form, person and event gives the same number again; a new document gets the next free
//! number of its prefix and year. Numbers already written in the register's 告诫 sheet
//! (column 文号) are taken too ([`Ledger::reserve_register_numbers`]), so no two documents
//! ever share a number. Each entry carries the date of the run that first gave it out.
//!
//! Two runs must not read the same ledger and give out the same next number: a run holds a
//! [`LedgerLock`] (an exclusive lock on `文号台帐.csv.lock` beside the ledger) from loading
//! the ledger until the updated ledger is written and its documents are in place.

use crate::model::Register;
use crate::paperwork::chinese::doc_number;
use crate::register::values::{compact, parse_date_text};
use crate::write_file::{
    csv_bytes, csv_cell_read, lock_waiting, write_bytes_atomically, LockFailure,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The ledger's default file name (beside the register).
pub const LEDGER_FILE: &str = "文号台帐.csv";

/// How long a run waits for another run holding the ledger before giving up, unless told
/// otherwise: a large batch renders for minutes with the lock held.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(30 * 60);

const HEADER: [&str; 8] = [
    "文号", "前缀", "年度", "序号", "文书", "编号", "事项", "日期",
];

/// One number given out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The full 文号, e.g. 东禁告〔2025〕3号.
    pub number: String,
    /// Office prefix plus form prefix, e.g. 东禁告.
    pub prefix: String,
    pub year: i32,
    pub seq: u32,
    /// Form id.
    pub form: String,
    /// The person's 编号 ("" for unit documents).
    pub person: String,
    /// The event key ("" for one document per person or unit).
    pub event: String,
    /// The document's date: the as-of date of the run that first gave the number (None in
    /// ledgers written before the column existed).
    pub date: Option<NaiveDate>,
}

/// Why the ledger could not be read, locked or written (messages for the clerk).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("无法读取文号台帐 {path}: {msg}")]
    Read { path: String, msg: String },
    #[error("文号台帐 {path} 第 {line} 行有误: {msg}")]
    Line {
        path: String,
        line: usize,
        msg: String,
    },
    #[error("无法写入文号台帐 {path}: {msg}")]
    Write { path: String, msg: String },
    #[error("无法锁定文号台帐 {path}: {msg}")]
    Lock { path: String, msg: String },
    #[error(
        "文号台帐 {path} 正被另一次生成文书占用，已等待 {waited} 秒仍未释放；请待其完成后再试"
    )]
    Busy { path: String, waited: u64 },
    #[error("文号台帐不能是台帐本身的文件: {0}（请用 --ledger 另指定一个文件）")]
    IsInput(String),
    #[error("文号台帐所在的文件夹不存在: {0}")]
    NoFolder(String),
    #[error("未指定文号台帐文件（GenerateOptions.ledger）")]
    Missing,
}

/// The ledger: every number given out, the numbers the register already uses, and the next
/// free one per prefix and year.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
    by_key: BTreeMap<(String, String, String), usize>,
    /// Highest sequence number given out per (compact prefix, year).
    last: BTreeMap<(String, i32), u32>,
    /// Highest sequence number the register uses per (compact prefix, year).
    reserved: BTreeMap<(String, i32), u32>,
    /// The date recorded with numbers given out from now on.
    issue_date: Option<NaiveDate>,
}

impl Ledger {
    /// See [`DEFAULT_LOCK_WAIT`].
    pub const LOCK_WAIT: Duration = DEFAULT_LOCK_WAIT;

    /// An empty ledger.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Reads the ledger at `path`; a missing file is an empty ledger.
    pub fn load(path: &Path) -> Result<Ledger, LedgerError> {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::new()),
            Err(e) => {
                return Err(LedgerError::Read {
                    path: shown,
                    msg: e.to_string(),
                })
            }
        };
        Ledger::from_csv(&bytes, &shown)
    }

    /// Parses ledger CSV (UTF-8 with or without BOM, or GBK as Excel saves it). Columns are
    /// found by their headers (in the written order when a header is missing); a ledger
    /// without the 日期 column (written by older versions) loads with no dates. `path` only
    /// names the file in errors.
    pub fn from_csv(bytes: &[u8], path: &str) -> Result<Ledger, LedgerError> {
        let text = crate::register::csv::decode(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(compact).collect(),
            Err(e) => {
                return Err(LedgerError::Line {
                    path: path.to_string(),
                    line: 1,
                    msg: e.to_string(),
                })
            }
        };
        let column = |k: usize| -> Option<usize> {
            match headers.iter().position(|h| h == HEADER[k]) {
                Some(i) => Some(i),
                // 日期 is new: a file without it has none.
                None if k == 7 => None,
                None => Some(k),
            }
        };
        let cols: Vec<Option<usize>> = (0..HEADER.len()).map(column).collect();
        let mut ledger = Ledger::new();
        let mut numbers: HashSet<(String, i32, u32)> = HashSet::new();
        for (k, record) in reader.records().enumerate() {
            let line = k + 2;
            let err = |msg: String| LedgerError::Line {
                path: path.to_string(),
                line,
                msg,
            };
            let record = record.map_err(|e| err(e.to_string()))?;
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let field = |c: usize| {
                csv_cell_read(cols[c].and_then(|i| record.get(i)).unwrap_or(""))
                    .trim()
                    .to_string()
            };
            let year: i32 = compact(&field(2))
                .parse()
                .map_err(|_| err(format!("年度“{}”不是数字", field(2))))?;
            let seq: u32 = compact(&field(3))
                .parse()
                .map_err(|_| err(format!("序号“{}”不是数字", field(3))))?;
            let date = match field(7) {
                d if d.is_empty() => None,
                d => Some(
                    parse_date_text(&d).ok_or_else(|| err(format!("日期“{d}”不是可识别的日期")))?,
                ),
            };
            let entry = LedgerEntry {
                number: field(0),
                prefix: field(1),
                year,
                seq,
                form: field(4),
                person: field(5),
                event: field(6),
                date,
            };
            let key = (
                entry.form.clone(),
                entry.person.clone(),
                entry.event.clone(),
            );
            if ledger.by_key.contains_key(&key) {
                return Err(err(format!(
                    "重复的文书记录: {} {} {}",
                    key.0, key.1, key.2
                )));
            }
            if !numbers.insert((compact(&entry.prefix), year, seq)) {
                return Err(err(format!("文号 {} 重复", entry.number)));
            }
            ledger.insert(entry);
        }
        Ok(ledger)
    }

    fn insert(&mut self, entry: LedgerEntry) {
        let last = self
            .last
            .entry((compact(&entry.prefix), entry.year))
            .or_insert(0);
        *last = (*last).max(entry.seq);
        self.by_key.insert(
            (
                entry.form.clone(),
                entry.person.clone(),
                entry.event.clone(),
            ),
            self.entries.len(),
        );
        self.entries.push(entry);
    }

    /// The date recorded with the numbers [`Ledger::assign`] gives out from now on (the run's
    /// as-of date). Entries already in the ledger keep theirs.
    pub fn set_issue_date(&mut self, date: NaiveDate) {
        self.issue_date = Some(date);
    }

    /// Marks `prefix`〔`year`〕`seq`号 as taken by a document the ledger did not number.
    /// Numbers are given out after the highest taken one; gaps below it are never filled,
    /// since a lower number may already be on paper somewhere.
    pub fn reserve(&mut self, prefix: &str, year: i32, seq: u32) {
        let top = self.reserved.entry((compact(prefix), year)).or_insert(0);
        *top = (*top).max(seq);
    }

    /// Reserves the 文号 of every 告诫 row of the register (see [`parse_doc_number`]), so
    /// that they are never given to another document. Unparseable numbers are skipped.
    /// Returns how many numbers were reserved.
    pub fn reserve_register_numbers(&mut self, register: &Register) -> usize {
        let mut count = 0;
        for w in &register.warnings {
            if let Some((prefix, year, seq)) = w.number.as_deref().and_then(parse_doc_number) {
                self.reserve(&prefix, year, seq);
                count += 1;
            }
        }
        count
    }

    /// The number of the document (form, person, event): the one it already has, or the next
    /// free number of `prefix` in `year` (after every number given out or reserved).
    pub fn assign(
        &mut self,
        prefix: &str,
        year: i32,
        form: &str,
        person: &str,
        event: &str,
    ) -> String {
        let key = (form.to_string(), person.to_string(), event.to_string());
        if let Some(&i) = self.by_key.get(&key) {
            return self.entries[i].number.clone();
        }
        let slot = (compact(prefix), year);
        let given = self.last.get(&slot).copied().unwrap_or(0);
        let taken = self.reserved.get(&slot).copied().unwrap_or(0);
        let seq = given.max(taken) + 1;
        let number = doc_number(prefix, year, seq);
        self.insert(LedgerEntry {
            number: number.clone(),
            prefix: prefix.to_string(),
            year,
            seq,
            form: form.to_string(),
            person: person.to_string(),
            event: event.to_string(),
            date: self.issue_date,
        });
        number
    }

    /// Every entry, in the order numbers were given out.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// The entries of one form for one person (编号), in the order they were given out: e.g.
    /// when a 催告报到通知书 was issued, or which 告诫书 numbers a person already has.
    pub fn entries_for(&self, form: &str, person: &str) -> Vec<&LedgerEntry> {
        self.entries
            .iter()
            .filter(|e| e.form == form && e.person == person)
            .collect()
    }

    /// The ledger as CSV (UTF-8 with BOM, so that Excel shows the Chinese correctly; cells
    /// that would start a formula written as text).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut rows: Vec<Vec<String>> = vec![HEADER.iter().map(|s| s.to_string()).collect()];
        for e in &self.entries {
            rows.push(vec![
                e.number.clone(),
                e.prefix.clone(),
                e.year.to_string(),
                e.seq.to_string(),
                e.form.clone(),
                e.person.clone(),
                e.event.clone(),
                e.date.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
        csv_bytes(rows)
    }

    /// Takes in the entries of an older ledger (one that a previous version kept inside an
    /// output folder): a document it numbered keeps its number here, unless this ledger
    /// already numbers that document or gave that number to another one; its numbers are
    /// reserved in any case. Returns how many entries were taken in.
    pub fn adopt(&mut self, older: &Ledger) -> usize {
        let mut used: HashSet<(String, i32, u32)> = self
            .entries
            .iter()
            .map(|e| (compact(&e.prefix), e.year, e.seq))
            .collect();
        let mut count = 0;
        for e in &older.entries {
            let key = (e.form.clone(), e.person.clone(), e.event.clone());
            if !self.by_key.contains_key(&key) && used.insert((compact(&e.prefix), e.year, e.seq)) {
                self.insert(e.clone());
                count += 1;
            } else {
                self.reserve(&e.prefix, e.year, e.seq);
            }
        }
        count
    }

    /// See [`default_path`].
    pub fn default_path(register: &Path) -> PathBuf {
        default_path(register)
    }

    /// See [`check_path`].
    pub fn check_path(ledger: &Path, register: &Path) -> Result<(), LedgerError> {
        check_path(ledger, register)
    }

    /// See [`LedgerLock::acquire`].
    pub fn lock(ledger: &Path, wait: Duration) -> Result<LedgerLock, LedgerError> {
        LedgerLock::acquire(ledger, wait)
    }

    /// Writes the ledger to `path` atomically (temporary file beside it, then rename),
    /// owner-only, replacing the previous version.
    pub fn save(&self, path: &Path) -> Result<(), LedgerError> {
        write_bytes_atomically(path, true, &self.to_csv()).map_err(|e| LedgerError::Write {
            path: path.display().to_string(),
            msg: e.to_string(),
        })
    }
}

/// Splits a 文号 into (prefix, year, sequence number): `东禁告〔2025〕3号` →
/// (东禁告, 2025, 3). Accepts the year in 〔〕, [], ［］, （）, (), 【】, 〖〗 or ﹝﹞, an optional
/// 第 before the number, full-width digits and stray spaces. `None` when it is not of this
/// shape (no prefix, no four-digit year, no number).
pub fn parse_doc_number(text: &str) -> Option<(String, i32, u32)> {
    // Full-width ASCII folded (（）［］ and digits), whitespace removed.
    let s = compact(text);
    let open = s.find(['〔', '[', '(', '【', '〖', '﹝'])?;
    let prefix = &s[..open];
    let rest = &s[open..];
    let rest = &rest[rest.chars().next()?.len_utf8()..];
    let close = rest.find(['〕', ']', ')', '】', '〗', '﹞'])?;
    let year_text = &rest[..close];
    if prefix.is_empty() || year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year_text.parse().ok()?;
    let tail = &rest[close..];
    let tail = &tail[tail.chars().next()?.len_utf8()..];
    let tail = tail.strip_prefix('第').unwrap_or(tail);
    let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
    let after = &tail[digits.len()..];
    if digits.is_empty() || !(after.is_empty() || after.starts_with('号')) {
        return None;
    }
    let seq: u32 = digits.parse().ok()?;
    (seq > 0).then(|| (prefix.to_string(), year, seq))
}

/// The office's ledger for a register read from `register`: `flag` (`--ledger`) when given,
/// else the profile's `office.ledger` (relative to the register's folder), else
/// [`default_path`]. `generate`, `preview` and `report` all number from it.
pub fn office_ledger_path(
    register: &Path,
    flag: Option<&Path>,
    office: &crate::profile::OfficeSettings,
) -> PathBuf {
    if let Some(path) = flag {
        return path.to_path_buf();
    }
    match office.ledger.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            if p.is_relative() {
                let folder = if register.is_dir() {
                    register
                } else {
                    register.parent().unwrap_or(Path::new(""))
                };
                folder.join(p)
            } else {
                p
            }
        }
        _ => default_path(register),
    }
}

/// The office ledger's default place for a register read from `register`: inside it when it
/// is a folder of CSV files (the folder reader skips [`LEDGER_FILE`]), beside it otherwise.
pub fn default_path(register: &Path) -> PathBuf {
    if register.is_dir() {
        return register.join(LEDGER_FILE);
    }
    match register.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(LEDGER_FILE),
        _ => PathBuf::from(LEDGER_FILE),
    }
}

/// Refuses a ledger path that would overwrite the register it numbers (the register file, or
/// a sheet file of a register folder other than [`LEDGER_FILE`]), or whose folder does not
/// exist (a mistyped `--ledger` would otherwise silently start numbering again at 1).
pub fn check_path(ledger: &Path, register: &Path) -> Result<(), LedgerError> {
    let shown = || ledger.display().to_string();
    let folder = match ledger.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(LedgerError::NoFolder(folder.display().to_string()));
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    if register.as_os_str().is_empty() {
        return Ok(());
    }
    if same(ledger, register) {
        return Err(LedgerError::IsInput(shown()));
    }
    if register.is_dir() && same(&folder, register) {
        let is_ledger = ledger.file_name().is_some_and(|n| n == LEDGER_FILE);
        let is_sheet = ledger.extension().is_some_and(|x| {
            matches!(
                x.to_string_lossy().to_ascii_lowercase().as_str(),
                "csv" | "tsv" | "txt"
            )
        });
        if is_sheet && !is_ledger {
            return Err(LedgerError::IsInput(shown()));
        }
    }
    Ok(())
}

/// An exclusive lock on a ledger, held from loading it until its update is written and the
/// run's documents are in place; released when dropped (or when the process ends).
///
/// It is an OS file lock ([`File::lock`]) on `<ledger>.lock` beside the ledger, not on the
/// ledger itself, because the ledger is replaced by rename when written. The lock file is
/// never removed (removing it would let a third run lock a new file while the second waits on
/// the old one).
#[derive(Debug)]
pub struct LedgerLock {
    _file: File,
}

impl LedgerLock {
    /// The lock file of the ledger at `ledger`.
    pub fn path_for(ledger: &Path) -> PathBuf {
        let mut name = ledger
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| LEDGER_FILE.into());
        name.push(".lock");
        ledger.with_file_name(name)
    }

    /// Takes the lock, waiting up to `wait` while another run holds it; then fails with
    /// [`LedgerError::Busy`].
    pub fn acquire(ledger: &Path, wait: Duration) -> Result<LedgerLock, LedgerError> {
        let path = LedgerLock::path_for(ledger);
        match lock_waiting(&path, wait) {
            Ok(file) => Ok(LedgerLock { _file: file }),
            Err(LockFailure::Busy(waited)) => Err(LedgerError::Busy {
                path: ledger.display().to_string(),
                waited,
            }),
            Err(LockFailure::Io(e)) => Err(LedgerError::Lock {
                path: path.display().to_string(),
                msg: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Warning, WarningKind};

    #[test]
    fn numbers_are_stable_per_document_and_unique_per_prefix_and_year() {
        let mut l = Ledger::new();
        let a = l.assign("东禁告", 2025, "warning_letter", "P1", "告诫3");
        let b = l.assign("东禁告", 2025, "warning_letter", "P2", "告诫4");
        let c = l.assign("东禁协", 2025, "agreement", "P1", "");
        assert_eq!(a, "东禁告〔2025〕1号");
        assert_eq!(b, "东禁告〔2025〕2号");
        assert_eq!(c, "东禁协〔2025〕1号");
        assert_eq!(l.assign("东禁告", 2025, "warning_letter", "P1", "告诫3"), a);
        let csv = l.to_csv();
        let mut again = Ledger::from_csv(&csv, "x").unwrap();
        assert_eq!(again.entries(), l.entries());
        assert_eq!(
            again.assign("东禁告", 2025, "warning_letter", "P2", "告诫4"),
            b
        );
        assert_eq!(
            again.assign("东禁告", 2025, "warning_letter", "P3", ""),
            "东禁告〔2025〕3号"
        );
        assert_eq!(
            again.assign("东禁告", 2026, "warning_letter", "P4", ""),
            "东禁告〔2026〕1号"
        );
    }

    #[test]
    fn a_damaged_ledger_is_an_error_naming_the_line() {
        let csv = "文号,前缀,年度,序号,文书,编号,事项\n东禁告〔2025〕1号,东禁告,2025,x,warning_letter,P1,\n";
        let err = Ledger::from_csv(csv.as_bytes(), "台帐.csv").unwrap_err();
        assert!(err.to_string().contains("第 2 行"), "{err}");
        let dup =
            "文号,前缀,年度,序号,文书,编号,事项\nA,东禁告,2025,1,a,P1,\nB,东禁告,2025,1,a,P2,\n";
        assert!(Ledger::from_csv(dup.as_bytes(), "x").is_err());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn document_numbers_parse_in_the_shapes_clerks_type() {
        let want = Some(("东禁告".to_string(), 2025, 3));
        for text in [
            "东禁告〔2025〕3号",
            "东禁告[2025]3号",
            "东禁告［2025］3号",
            "东禁告（2025）3号",
            "东禁告(2025)第3号",
            "东禁告【2025】第3号",
            " 东禁告 〔２０２５〕 ３ 号",
            "东禁告〔2025〕3",
            "东禁告﹝2025﹞03号",
        ] {
            assert_eq!(parse_doc_number(text), want, "{text}");
        }
        for text in [
            "",
            "3号",
            "〔2025〕3号",
            "东禁告〔25〕3号",
            "东禁告〔2025〕号",
            "东禁告〔2025〕0号",
            "东禁告2025年3号",
            "东禁告〔2025〕3a号",
            "口头告诫",
        ] {
            assert_eq!(parse_doc_number(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_in_the_register_are_never_given_out_and_gaps_below_are_not_filled() {
        let mut reg = Register::default();
        for (row, number) in [
            (1, Some("东禁告〔2025〕3号")),
            (2, Some("东禁告[2025]第５号")),
            (3, Some("随便写的")),
            (4, None),
            (5, Some("东禁告〔2024〕9号")),
        ] {
            reg.warnings.push(Warning {
                row,
                person: 0,
                date: d(2025, 5, 1),
                kind: WarningKind::Written,
                reason: None,
                number: number.map(String::from),
            });
        }
        let mut l = Ledger::new();
        assert_eq!(l.reserve_register_numbers(&reg), 3);
        assert_eq!(
            l.assign("东禁告", 2025, "warning_letter", "P1", "告诫2"),
            "东禁告〔2025〕6号"
        );
        assert_eq!(
            l.assign("东禁告", 2024, "warning_letter", "P1", "告诫6"),
            "东禁告〔2024〕10号"
        );
        // Another prefix is not affected.
        assert_eq!(
            l.assign("东禁协", 2025, "agreement", "P1", ""),
            "东禁协〔2025〕1号"
        );
        // A ledger already past the register's numbers goes on from its own.
        let mut l2 = Ledger::new();
        for k in 0..7 {
            l2.assign("东禁告", 2025, "warning_letter", &format!("Q{k}"), "");
        }
        l2.reserve_register_numbers(&reg);
        assert_eq!(
            l2.assign("东禁告", 2025, "warning_letter", "Q9", ""),
            "东禁告〔2025〕8号"
        );
    }

    #[test]
    fn dates_are_recorded_kept_and_read_back_and_entries_for_filters() {
        let mut l = Ledger::new();
        l.set_issue_date(d(2025, 3, 1));
        l.assign("东禁催", 2025, "report_reminder", "P1", "");
        l.assign("东禁告", 2025, "warning_letter", "P1", "告诫2");
        l.set_issue_date(d(2025, 6, 9));
        l.assign("东禁告", 2025, "warning_letter", "P1", "告诫7");
        l.assign("东禁告", 2025, "warning_letter", "P2", "告诫8");
        // Giving the same document again keeps the first date.
        l.assign("东禁催", 2025, "report_reminder", "P1", "");
        let again = Ledger::from_csv(&l.to_csv(), "x").unwrap();
        assert_eq!(again.entries(), l.entries());
        let warnings: Vec<(&str, Option<NaiveDate>)> = again
            .entries_for("warning_letter", "P1")
            .iter()
            .map(|e| (e.number.as_str(), e.date))
            .collect();
        assert_eq!(
            warnings,
            [
                ("东禁告〔2025〕1号", Some(d(2025, 3, 1))),
                ("东禁告〔2025〕2号", Some(d(2025, 6, 9)))
            ]
        );
        let reminder = again.entries_for("report_reminder", "P1");
        assert_eq!(reminder.len(), 1);
        assert_eq!(reminder[0].date, Some(d(2025, 3, 1)));
        assert!(again.entries_for("report_reminder", "P2").is_empty());
    }

    #[test]
    fn an_old_ledger_without_dates_and_one_saved_by_excel_load() {
        let old = "\u{FEFF}文号,前缀,年度,序号,文书,编号,事项\n东禁告〔2025〕1号,东禁告,2025,1,warning_letter,P1,告诫2\n";
        let mut l = Ledger::from_csv(old.as_bytes(), "x").unwrap();
        assert_eq!(l.entries()[0].date, None);
        assert_eq!(l.entries()[0].person, "P1");
        l.set_issue_date(d(2025, 7, 1));
        assert_eq!(
            l.assign("东禁告", 2025, "warning_letter", "P2", ""),
            "东禁告〔2025〕2号"
        );
        // Excel saves CSV as GBK, reorders nothing but reformats dates as 2025/7/1.
        let text = "文号,前缀,年度,序号,文书,编号,事项,日期\r\n东禁告〔2025〕1号,东禁告,2025,1,warning_letter,P1,告诫2,2025/7/1\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let l = Ledger::from_csv(&gbk, "x").unwrap();
        assert_eq!(l.entries()[0].prefix, "东禁告");
        assert_eq!(l.entries()[0].date, Some(d(2025, 7, 1)));
        let bad = "文号,前缀,年度,序号,文书,编号,事项,日期\nA,东禁告,2025,1,a,P1,,昨天\n";
        let err = Ledger::from_csv(bad.as_bytes(), "台帐.csv").unwrap_err();
        assert!(err.to_string().contains("第 2 行"), "{err}");
    }

    #[test]
    fn a_second_lock_waits_and_then_fails_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join(LEDGER_FILE);
        let held = LedgerLock::acquire(&ledger, Duration::ZERO).unwrap();
        let err = LedgerLock::acquire(&ledger, Duration::from_millis(120)).unwrap_err();
        assert!(matches!(err, LedgerError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("正被另一次生成文书占用"), "{err}");
        drop(held);
        LedgerLock::acquire(&ledger, Duration::ZERO).unwrap();
    }

    #[test]
    fn the_ledger_never_replaces_the_register() {
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("台帐.xlsx");
        std::fs::write(&xlsx, b"x").unwrap();
        assert_eq!(default_path(&xlsx), dir.path().join(LEDGER_FILE));
        assert!(check_path(&default_path(&xlsx), &xlsx).is_ok());
        assert!(matches!(
            check_path(&xlsx, &xlsx),
            Err(LedgerError::IsInput(_))
        ));
        let folder = dir.path().join("csv台帐");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("人员.csv"), "编号\n").unwrap();
        assert_eq!(default_path(&folder), folder.join(LEDGER_FILE));
        assert!(check_path(&folder.join(LEDGER_FILE), &folder).is_ok());
        assert!(matches!(
            check_path(&folder.join("人员.csv"), &folder),
            Err(LedgerError::IsInput(_))
        ));
        assert!(matches!(
            check_path(&dir.path().join("无此目录").join(LEDGER_FILE), &xlsx),
            Err(LedgerError::NoFolder(_))
        ));
    }
}
