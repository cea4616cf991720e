//! The ledger of document numbers (文号台帐): which 文号 each document got.
//!
//! A number is keyed by (form, person 编号, event key): running `generate` again for the same
//! form, person and event gives the same number again; a new document gets the next free
//! number of its prefix and year, so no two documents ever share a number. The ledger is a
//! CSV file beside the output (`DIR/文号台帐.csv`), written atomically by the batch writer
//! together with the documents.

use crate::paperwork::chinese::doc_number;
use std::collections::BTreeMap;
use std::path::Path;

/// The ledger's file name inside the output directory.
pub const LEDGER_FILE: &str = "文号台帐.csv";

const HEADER: [&str; 7] = ["文号", "前缀", "年度", "序号", "文书", "编号", "事项"];

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
    /// The document's date (the as-of date of the run that first gave the number).
    pub date: Option<chrono::NaiveDate>,
}

/// Why the ledger could not be read.
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
}

/// The ledger: every number given out, and the next free one per prefix and year.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
    by_key: BTreeMap<(String, String, String), usize>,
    last: BTreeMap<(String, i32), u32>,
}

impl Ledger {
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

    /// Parses ledger CSV (UTF-8, optional BOM). `path` only names the file in errors.
    pub fn from_csv(bytes: &[u8], path: &str) -> Result<Ledger, LedgerError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let mut ledger = Ledger::new();
        for (k, record) in reader.records().enumerate() {
            let line = k + 2;
            let err = |msg: String| LedgerError::Line {
                path: path.to_string(),
                line,
                msg,
            };
            let record = record.map_err(|e| err(e.to_string()))?;
            let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
            let year: i32 = field(2)
                .parse()
                .map_err(|_| err(format!("年度“{}”不是数字", field(2))))?;
            let seq: u32 = field(3)
                .parse()
                .map_err(|_| err(format!("序号“{}”不是数字", field(3))))?;
            let entry = LedgerEntry {
                number: field(0),
                prefix: field(1),
                year,
                seq,
                form: field(4),
                person: field(5),
                event: field(6),
                date: None,
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
            if ledger
                .entries
                .iter()
                .any(|e| e.prefix == entry.prefix && e.year == year && e.seq == seq)
            {
                return Err(err(format!("文号 {} 重复", entry.number)));
            }
            ledger.insert(entry);
        }
        Ok(ledger)
    }

    fn insert(&mut self, entry: LedgerEntry) {
        let last = self
            .last
            .entry((entry.prefix.clone(), entry.year))
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

    /// The number of the document (form, person, event): the one it already has, or the next
    /// free number of `prefix` in `year`.
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
        let seq = self
            .last
            .get(&(prefix.to_string(), year))
            .copied()
            .unwrap_or(0)
            + 1;
        let number = doc_number(prefix, year, seq);
        self.insert(LedgerEntry {
            number: number.clone(),
            prefix: prefix.to_string(),
            year,
            seq,
            form: form.to_string(),
            person: person.to_string(),
            event: event.to_string(),
            date: None,
        });
        number
    }

    /// Every entry, in the order numbers were given out.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// The ledger as CSV (UTF-8 with BOM, so that Excel shows the Chinese correctly).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        let mut writer = csv::Writer::from_writer(Vec::new());
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
            ]);
        }
        for row in rows {
            // Writing to a Vec cannot fail.
            let _ = writer.write_record(&row);
        }
        if let Ok(bytes) = writer.into_inner() {
            out.extend(bytes);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
