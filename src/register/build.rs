//! Building model records from typed rows: the common parts (the builder, cells, findings for
//! missing and unreadable values). Sheet-specific parts live in `persons.rs` and `events.rs`.

use super::headers::{field_index, fields, EventColumn, HeaderMatch};
use super::rows::{HeaderFound, Row, RowHandler, Shape, SheetContext};
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
        let col = self.column(field).unwrap_or(0);
        self.cell_at(col)
    }

    /// The column of a canonical field, when the sheet has it.
    pub fn column(&self, field: &str) -> Option<u32> {
        field_index(self.sheet, field).and_then(|i| self.columns.get(i).copied().flatten())
    }

    /// The cell of this row in column `col`.
    pub fn cell_at(&self, col: u32) -> CellRef {
        CellRef {
            sheet: self.sheet,
            part: self.part,
            row: self.row,
            col,
        }
    }
}

/// Who an event row names, found by [`Builder::resolve`].
enum Named {
    /// The row names nobody (no 编号, 公民身份号码 or 姓名): the field to report empty.
    Nobody(&'static str),
    Person(usize),
    /// Named by `field` as `shown`, and nobody in 人员 has it.
    Unknown {
        field: &'static str,
        shown: String,
    },
    /// A 姓名 that several persons of the register have (indices).
    Ambiguous {
        shown: String,
        candidates: Vec<usize>,
    },
}

/// The fields that name a person on an event row, in the order they are tried.
const PERSON_KEYS: [&str; 3] = ["编号", "公民身份号码", "姓名"];

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
    /// 编号 (or the generated key, see `Person::generated_id`) → index into
    /// `register.persons`.
    pub ids: HashMap<String, usize>,
    /// 公民身份号码 (upper case, no spaces) → the first person with it.
    pub resident_ids: HashMap<String, usize>,
    /// 姓名 → every person with it, for event rows that name the person only by name.
    pub names: HashMap<String, Vec<usize>>,
    /// Reused buffer for normalised keys.
    pub key: String,
}

/// A value could not be used: the finding is already recorded.
pub struct Rejected;

/// How far the builder had got before a sheet: lengths to roll back to when the sheet is read
/// again (see [`Builder::rollback`]).
pub struct Mark {
    rows: crate::model::RowCounts,
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
    pub fn mark(&self, sheet: Sheet) -> Mark {
        let r = &self.register;
        Mark {
            rows: r.rows.get(&sheet).copied().unwrap_or_default(),
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

    /// Forgets what part `part` (first record row `base`) of `sheet` added since `mark`
    /// (records, findings, row counts), so that it can be read again. Not for the 人员 sheet,
    /// whose 编号 index is not rolled back.
    pub fn rollback(&mut self, mark: &Mark, sheet: Sheet, part: u16, base: u32) {
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
        r.rows.insert(sheet, mark.rows);
        r.unreadable.retain(|c| c.sheet != sheet || c.part != part);
        for rows in r.rejected_rows.values_mut() {
            rows.retain(|(s, row)| *s != sheet || *row < base);
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

    /// Resolves the person an event row names: by 编号, else by 公民身份号码, else by 姓名
    /// when one person of the register has it. D001 when the row names nobody, D006 when
    /// nobody has the 编号/number/name, or several persons have the name (the finding names
    /// them, resident IDs masked).
    pub fn person_of(&mut self, row: &Row<'_>) -> Result<usize, Rejected> {
        let (field, shown) = match self.resolve(row) {
            Named::Person(i) => return Ok(i),
            Named::Nobody(field) => {
                self.missing(row, field, &Subject::default(), true);
                return Err(Rejected);
            }
            Named::Unknown { field, shown } => {
                let message = format!("{field}「{shown}」在人员表中不存在，本行未使用");
                (field, (shown, message))
            }
            Named::Ambiguous { shown, candidates } => {
                let who: Vec<String> = candidates
                    .iter()
                    .map(|&i| {
                        let p = &self.register.persons[i];
                        let cell = self.register.cell(Sheet::Persons, p.row, "姓名");
                        crate::output::mask_personal_numbers(&format!(
                            "{}（{}）",
                            p.label(),
                            self.register.cell_name(&cell)
                        ))
                    })
                    .collect();
                let message = format!(
                    "姓名「{shown}」在人员表中有{}人：{}，无法确定是谁，本行未使用：请在本行填写编号或公民身份号码",
                    candidates.len(),
                    who.join("、")
                );
                ("姓名", (shown, message))
            }
        };
        let (shown, message) = shown;
        let subject = Subject {
            person: (field == "编号").then_some(shown),
            ..Subject::default()
        };
        self.report("D006", &subject, row.cell(field), message);
        Err(Rejected)
    }

    /// Who an event row names (see [`Builder::person_of`]); reports nothing.
    fn resolve(&mut self, row: &Row<'_>) -> Named {
        let mut key = std::mem::take(&mut self.key);
        let mut first_named: Option<(&'static str, String)> = None;
        let mut ambiguous = None;
        let mut found = None;
        for field in PERSON_KEYS {
            if row.column(field).is_none() {
                continue;
            }
            row.get(field).compact_into(&mut key);
            if key.is_empty() {
                continue;
            }
            let hit = match field {
                "编号" => self.ids.get(key.as_str()).copied(),
                "公民身份号码" => {
                    key.make_ascii_uppercase();
                    self.resident_ids.get(key.as_str()).copied()
                }
                _ => match self.names.get(key.as_str()).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    Some(several) if several.len() > 1 => {
                        ambiguous = Some((key.clone(), several.to_vec()));
                        None
                    }
                    _ => None,
                },
            };
            if hit.is_some() {
                found = hit;
                break;
            }
            if first_named.is_none() {
                first_named = Some((field, key.clone()));
            }
        }
        self.key = key;
        if let Some(i) = found {
            return Named::Person(i);
        }
        match (first_named, ambiguous) {
            (Some(("姓名", _)), Some((shown, candidates))) => {
                Named::Ambiguous { shown, candidates }
            }
            (Some((field, shown)), _) => Named::Unknown { field, shown },
            (None, _) => Named::Nobody(
                PERSON_KEYS
                    .into_iter()
                    .find(|f| row.column(f).is_some())
                    .unwrap_or("编号"),
            ),
        }
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
        if let Named::Person(i) = self.resolve(row) {
            self.register
                .mark_rejected_row(i, row.sheet, row.record_row);
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

/// How `check` describes a layout other than the template's, in one line
/// (`按月登记表，1月…12月；无编号列，按公民身份号码或姓名对应人员`); empty for the template's.
fn describe_layout(
    sheet: Sheet,
    header: &HeaderMatch,
    shape: &Shape,
    context: &SheetContext,
) -> String {
    let mut parts = Vec::new();
    if let Shape::Events(cols) = shape {
        let months = cols
            .iter()
            .filter(|(_, e)| matches!(e, EventColumn::Month { .. }))
            .count();
        if months > 0 {
            let first = cols.first().map(|(_, e)| e.label()).unwrap_or_default();
            let last = cols.last().map(|(_, e)| e.label()).unwrap_or_default();
            parts.push(format!("按月登记表，{first}…{last}"));
        } else {
            let kinds: Vec<String> = cols.iter().map(|(_, e)| e.label()).collect();
            parts.push(format!("每行按形式分列日期（{}）", kinds.join("、")));
        }
    }
    if !matches!(sheet, Sheet::Staff | Sheet::Units) && !header.has(sheet, "编号") {
        parts.push(if sheet == Sheet::Persons {
            "无编号列，以公民身份号码识别人员".to_string()
        } else {
            "无编号列，按公民身份号码或姓名对应人员".to_string()
        });
    }
    if let Some(unit) = &context.unit {
        parts.push(format!("村(社区)为「{unit}」（取自工作表名或标题）"));
    }
    parts.join("；")
}

/// Hands each row of one sheet to the builder.
pub struct SheetRows<'b> {
    pub builder: &'b mut Builder,
}

impl RowHandler for SheetRows<'_> {
    /// Records where the part's columns are, so that cells resolve while reading.
    fn header(&mut self, found: &HeaderFound<'_>) {
        let HeaderFound {
            sheet,
            part,
            header,
            shape,
            context,
        } = *found;
        let columns = fields(sheet)
            .iter()
            .zip(&header.columns)
            .filter_map(|(f, c)| c.map(|c| (f.name, c)))
            .collect();
        let description = describe_layout(sheet, header, shape, context);
        let layout = self.builder.register.layouts.entry(sheet).or_default();
        let Some(p) = layout.parts.get_mut(usize::from(part)) else {
            return;
        };
        p.header_row = header.header_row;
        p.columns = columns;
        p.span = shape.span();
        if let Shape::Events(cols) = shape {
            p.event_columns = cols.iter().map(|(c, _)| *c).collect();
            p.event_fields = match sheet {
                Sheet::Tests => vec!["检测日期", "结果", "检测方式"],
                _ => vec!["日期", "形式"],
            };
        }
        p.unit = context.unit.clone();
        p.description = description;
    }

    fn row(&mut self, row: &Row<'_>) {
        let b = &mut *self.builder;
        if let Shape::Events(_) = row.shape {
            b.event_cells_row(row);
            return;
        }
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
