//! Building model records from typed rows: the common parts (the builder, cells, findings for
//! missing and unreadable values). Sheet-specific parts live in `persons.rs` and `events.rs`.

use super::headers::field_index;
use super::rows::{Row, RowHandler};
use super::values::{date_of, DateCell, EnumSpec, Kind, Slot};
use crate::finding::{Finding, Severity};
use crate::model::{CellRef, Register, Sheet};
use chrono::NaiveDate;
use std::collections::HashMap;

static EMPTY_SLOT: Slot = Slot {
    kind: Kind::Empty,
    text: String::new(),
    num: 0.0,
    date: None,
};

impl Row<'_> {
    /// The slot of a canonical field (an empty slot when the sheet lacks the column).
    pub fn get(&self, field: &str) -> &Slot {
        field_index(self.sheet, field)
            .and_then(|i| self.slots.get(i))
            .unwrap_or(&EMPTY_SLOT)
    }
    /// The cell of a canonical field in this row (column A when the sheet lacks it).
    pub fn cell(&self, field: &str) -> CellRef {
        let col = field_index(self.sheet, field)
            .and_then(|i| self.columns.get(i).copied().flatten())
            .unwrap_or(0);
        CellRef {
            sheet: self.sheet,
            row: self.row,
            col,
        }
    }
}

/// Who a finding is about while reading a row: a person already read (by index, so that
/// event rows allocate nothing unless they report), or a 编号 and unit given as text.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// Index into `register.persons`; takes precedence over `person` and `unit`.
    pub index: Option<usize>,
    pub person: Option<String>,
    pub unit: String,
}

/// Accumulates the register and the findings raised while reading it.
#[derive(Default)]
pub struct Builder {
    pub register: Register,
    pub findings: Vec<Finding>,
    /// 编号 → index into `register.persons`.
    pub ids: HashMap<String, usize>,
    /// Reused buffer for normalised keys.
    pub key: String,
}

/// A value could not be used: the finding is already recorded.
pub struct Rejected;

/// How far the builder had got before a sheet: lengths to roll back to when the sheet is read
/// again (see [`Builder::rollback`]).
pub struct Mark {
    findings: usize,
    tests: usize,
    contacts: usize,
    leaves: usize,
    warnings: usize,
    evaluations: usize,
    help: usize,
    staff: usize,
    units: usize,
}

impl Builder {
    /// The current lengths of everything a non-person sheet adds to.
    pub fn mark(&self) -> Mark {
        let r = &self.register;
        Mark {
            findings: self.findings.len(),
            tests: r.tests.len(),
            contacts: r.contacts.len(),
            leaves: r.leaves.len(),
            warnings: r.warnings.len(),
            evaluations: r.evaluations.len(),
            help: r.help.len(),
            staff: r.staff.len(),
            units: r.units.len(),
        }
    }

    /// Whether a required value was found empty (D001) since `mark`.
    pub fn missing_values_since(&self, mark: &Mark) -> bool {
        self.findings[mark.findings..]
            .iter()
            .any(|f| f.code == "D001")
    }

    /// Forgets what `sheet` added since `mark` (records, findings, row counts), so that the
    /// sheet can be read again. Not for the 人员 sheet, whose 编号 index is not rolled back.
    pub fn rollback(&mut self, mark: &Mark, sheet: Sheet) {
        self.findings.truncate(mark.findings);
        let r = &mut self.register;
        r.tests.truncate(mark.tests);
        r.contacts.truncate(mark.contacts);
        r.leaves.truncate(mark.leaves);
        r.warnings.truncate(mark.warnings);
        r.evaluations.truncate(mark.evaluations);
        r.help.truncate(mark.help);
        r.staff.truncate(mark.staff);
        r.units.truncate(mark.units);
        r.rows.insert(sheet, Default::default());
        r.unreadable.retain(|c| c.sheet != sheet);
        for rows in r.rejected_rows.values_mut() {
            rows.retain(|(s, _)| *s != sheet);
        }
        r.rejected_rows.retain(|_, rows| !rows.is_empty());
    }
}

impl Builder {
    /// Records a reading finding (severity error) about one cell. A cell that held a value
    /// which could not be read (D002, D003, D009, D010) is remembered in
    /// `Register::unreadable`, so that rules do not read its `None` as "left empty".
    pub fn report(
        &mut self,
        code: &'static str,
        subject: &Subject,
        cell: CellRef,
        message: String,
    ) {
        let known = subject.index.and_then(|i| self.register.persons.get(i));
        let (person, unit) = match known {
            Some(p) => (Some(p.id.clone()), p.unit.clone()),
            None => (subject.person.clone(), subject.unit.clone()),
        };
        let mut f = Finding::new(code, Severity::Error, message)
            .unit(unit)
            .cell(cell);
        f.person = person;
        self.findings.push(f);
        if matches!(code, "D002" | "D003" | "D009" | "D010") {
            self.register.mark_unreadable(cell);
        }
    }

    /// D001 for an empty required value.
    pub fn missing(&mut self, row: &Row<'_>, field: &str, subject: &Subject, rejected: bool) {
        let tail = if rejected { "，本行未使用" } else { "" };
        let what = if row.get(field).kind == Kind::Error {
            "是公式错误值（如 #N/A、#VALUE!），等于没有填写"
        } else {
            "为空"
        };
        self.report(
            "D001",
            subject,
            row.cell(field),
            format!("{field} {what}（必填）{tail}"),
        );
    }

    /// D009 when the text of `field` holds a control character other than a tab or line
    /// break (NUL, ESC, …: no font prints them); the finding shows it escaped (\0).
    pub fn no_control_characters(&mut self, row: &Row<'_>, field: &str, subject: &Subject) {
        let slot = row.get(field);
        let unprintable = |c: char| c.is_control() && !c.is_whitespace();
        if slot.kind != Kind::Text || !slot.text.chars().any(unprintable) {
            return;
        }
        let shown: String = slot.text.chars().flat_map(char::escape_debug).collect();
        self.report(
            "D009",
            subject,
            row.cell(field),
            format!("{field}「{shown}」含有无法打印的控制字符，请删去后再生成文书"),
        );
    }

    /// Reads a date; `Ok(None)` when empty, `Err` (after D002) when unreadable.
    pub fn date(
        &mut self,
        row: &Row<'_>,
        field: &str,
        subject: &Subject,
        rejected: bool,
    ) -> Result<Option<NaiveDate>, Rejected> {
        match date_of(row.get(field)) {
            DateCell::Empty => Ok(None),
            DateCell::Date(d) => Ok(Some(d)),
            DateCell::Bad(shown, why) => {
                let tail = if rejected { "，本行未使用" } else { "" };
                self.report(
                    "D002",
                    subject,
                    row.cell(field),
                    format!("{field}「{shown}」{}{tail}", why.text()),
                );
                Err(Rejected)
            }
        }
    }

    /// Reads a required date: D001 when empty, D002 when unreadable.
    pub fn required_date(
        &mut self,
        row: &Row<'_>,
        field: &str,
        subject: &Subject,
        rejected: bool,
    ) -> Result<NaiveDate, Rejected> {
        match self.date(row, field, subject, rejected)? {
            Some(d) => Ok(d),
            None => {
                self.missing(row, field, subject, rejected);
                Err(Rejected)
            }
        }
    }

    /// Reads an enum; `Ok(None)` when empty, `Err` (after D009) when outside the allowed set.
    pub fn enumerated<T: Copy>(
        &mut self,
        row: &Row<'_>,
        field: &str,
        spec: &EnumSpec<T>,
        subject: &Subject,
        rejected: bool,
    ) -> Result<Option<T>, Rejected> {
        let slot = row.get(field);
        if slot.is_empty() {
            return Ok(None);
        }
        let mut key = std::mem::take(&mut self.key);
        slot.compact_into(&mut key);
        let parsed = spec.parse(&key);
        self.key = key;
        match parsed {
            Some(v) => Ok(Some(v)),
            None => {
                let tail = if rejected { "，本行未使用" } else { "" };
                self.report(
                    "D009",
                    subject,
                    row.cell(field),
                    format!(
                        "{field}「{}」不在允许的取值内（{}）{tail}",
                        slot.shown(),
                        spec.allowed_text()
                    ),
                );
                Err(Rejected)
            }
        }
    }

    /// Reads a required enum: D001 when empty, D009 when outside the allowed set.
    pub fn required_enum<T: Copy>(
        &mut self,
        row: &Row<'_>,
        field: &str,
        spec: &EnumSpec<T>,
        subject: &Subject,
        rejected: bool,
    ) -> Result<T, Rejected> {
        match self.enumerated(row, field, spec, subject, rejected)? {
            Some(v) => Ok(v),
            None => {
                self.missing(row, field, subject, rejected);
                Err(Rejected)
            }
        }
    }

    /// Resolves the 编号 of an event row to a person: D001 when empty, D006 when unknown.
    pub fn person_of(&mut self, row: &Row<'_>) -> Result<usize, Rejected> {
        let slot = row.get("编号");
        let mut key = std::mem::take(&mut self.key);
        slot.compact_into(&mut key);
        let found = self.ids.get(key.as_str()).copied();
        let result = if key.is_empty() {
            self.missing(row, "编号", &Subject::default(), true);
            Err(Rejected)
        } else if let Some(i) = found {
            Ok(i)
        } else {
            let subject = Subject {
                person: Some(key.clone()),
                ..Subject::default()
            };
            self.report(
                "D006",
                &subject,
                row.cell("编号"),
                format!("编号「{key}」在人员表中不存在，本行未使用"),
            );
            Err(Rejected)
        };
        self.key = key;
        result
    }

    /// The subject of an event row of person `i`.
    pub fn subject_of(&self, i: usize) -> Subject {
        Subject {
            index: Some(i),
            ..Subject::default()
        }
    }

    /// Remembers a rejected event row under its person, when its 编号 names one, so that a
    /// rule counting the person's events knows some are missing (`Register::rejected_rows`).
    pub fn remember_rejected(&mut self, row: &Row<'_>) {
        if matches!(row.sheet, Sheet::Persons | Sheet::Staff | Sheet::Units) {
            return;
        }
        let mut key = std::mem::take(&mut self.key);
        row.get("编号").compact_into(&mut key);
        let found = self.ids.get(key.as_str()).copied();
        self.key = key;
        if let Some(i) = found {
            self.register.mark_rejected_row(i, row.sheet, row.row);
        }
    }

    /// Counts a row as used or rejected.
    pub fn count(&mut self, sheet: Sheet, used: bool) {
        let c = self.register.rows.entry(sheet).or_default();
        c.read += 1;
        if used {
            c.used += 1;
        } else {
            c.rejected += 1;
        }
    }
}

/// Hands each row of one sheet to the builder.
pub struct SheetRows<'b> {
    pub builder: &'b mut Builder,
}

impl RowHandler for SheetRows<'_> {
    fn row(&mut self, row: &Row<'_>) {
        let b = &mut *self.builder;
        let used = match row.sheet {
            Sheet::Persons => b.person_row(row).is_ok(),
            Sheet::Tests => b.test_row(row).is_ok(),
            Sheet::Contacts => b.contact_row(row).is_ok(),
            Sheet::Leaves => b.leave_row(row).is_ok(),
            Sheet::Warnings => b.warning_row(row).is_ok(),
            Sheet::Evaluations => b.evaluation_row(row).is_ok(),
            Sheet::Staff => b.staff_row(row).is_ok(),
            Sheet::Units => b.unit_row(row).is_ok(),
            Sheet::Help => b.help_row(row).is_ok(),
        };
        if !used {
            b.remember_rejected(row);
        }
        b.count(row.sheet, used);
    }
}
