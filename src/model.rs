//! The typed register: what a township's workbook holds once it has been read.
//!
//! Every record keeps the sheet row it came from (`row`, 0-based as in the workbook), and the
//! [`Register`] keeps, per sheet, the column each canonical field was found in. Together they
//! give the cell of every value ([`Register::cell`]), so that every finding can point a clerk
//! to `人员!D7`.
//!
//! Event records refer to their person by index into [`Register::persons`]; after
//! [`Register::finalize`] each event list is sorted by (person, date, row) and
//! [`Register::tests_of`] and friends give one person's events as a slice.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

/// The sheets of the register contract (`shared/register.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Sheet {
    Persons,
    Tests,
    Contacts,
    Leaves,
    Warnings,
    Evaluations,
    Staff,
    Units,
    /// Optional 帮扶 sheet (help given), used by the year-end report.
    Help,
}

impl Sheet {
    pub const ALL: [Sheet; 9] = [
        Sheet::Persons,
        Sheet::Tests,
        Sheet::Contacts,
        Sheet::Leaves,
        Sheet::Warnings,
        Sheet::Evaluations,
        Sheet::Staff,
        Sheet::Units,
        Sheet::Help,
    ];

    /// The canonical sheet name of the contract.
    pub fn canonical_name(self) -> &'static str {
        match self {
            Sheet::Persons => "人员",
            Sheet::Tests => "检测",
            Sheet::Contacts => "谈话",
            Sheet::Leaves => "请假",
            Sheet::Warnings => "告诫",
            Sheet::Evaluations => "评估",
            Sheet::Staff => "工作人员",
            Sheet::Units => "单位",
            Sheet::Help => "帮扶",
        }
    }
}

/// Where a value came from: a register sheet, the part of it (the workbook sheet, see
/// [`SheetPart`]; 0 when the register sheet is one workbook sheet), and the 0-based row and
/// column of that workbook sheet.
///
/// Rendered with the workbook's own sheet (and file) name by [`Register::cell_name`], e.g.
/// `人员!D7` or `[北街村.xlsx]人员!D7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub sheet: Sheet,
    pub part: u16,
    pub row: u32,
    pub col: u32,
}

/// Excel column letters for a 0-based column index (0 → A, 26 → AA).
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl CellRef {
    /// `D7` for row 6, column 3.
    pub fn a1(&self) -> String {
        format!("{}{}", column_letters(self.col), self.row + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// 措施类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Measure {
    /// 社区戒毒
    Detox,
    /// 社区康复
    Rehab,
}

impl Measure {
    pub fn label(self) -> &'static str {
        match self {
            Measure::Detox => "社区戒毒",
            Measure::Rehab => "社区康复",
        }
    }
}

/// 状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Status {
    /// 执行中
    Active,
    /// 已解除
    Discharged,
    /// 中止
    Suspended,
    /// 终止
    Terminated,
    /// 强制隔离戒毒
    CompulsoryIsolation,
    /// 已变更执行地
    Transferred,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "执行中",
            Status::Discharged => "已解除",
            Status::Suspended => "中止",
            Status::Terminated => "终止",
            Status::CompulsoryIsolation => "强制隔离戒毒",
            Status::Transferred => "已变更执行地",
        }
    }
}

/// One person in a programme: a row of 人员.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// The record row (see [`SheetPart`]): the sheet row when 人员 is one workbook sheet.
    pub row: u32,
    /// 编号: ties the person's rows across sheets. When the register has no 编号, a key made
    /// from the 公民身份号码 ([`Person::generated_id`]): stable from run to run, never the
    /// number itself, safe in a file name.
    pub id: String,
    /// `id` was made by the reader (the register has no 编号 column): the person is shown by
    /// name and resident ID, and documents leave 编号 blank.
    pub generated_id: bool,
    pub name: String,
    pub sex: Option<Sex>,
    /// 公民身份号码 as read (normalised: half-width, trimmed, upper-case X). Kept even when
    /// invalid; [`Person::resident_id_valid`] says whether it passed D003/D010.
    pub resident_id: Option<String>,
    pub resident_id_valid: bool,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub household_address: Option<String>,
    pub current_address: Option<String>,
    /// 乡镇(街道)
    pub town: String,
    /// 村(社区)
    pub unit: String,
    pub measure: Option<Measure>,
    pub decision_authority: Option<String>,
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub served_date: Option<NaiveDate>,
    /// 外省市人员
    pub from_other_province: bool,
    pub report_date: Option<NaiveDate>,
    pub agreement_date: Option<NaiveDate>,
    /// 期限(月), 36 when the cell is empty.
    pub term_months: u32,
    /// 状态, 执行中 when the cell is empty.
    pub status: Option<Status>,
    pub status_date: Option<NaiveDate>,
    pub social_worker: Option<String>,
    pub group_leader: Option<String>,
    pub group_members: Vec<String>,
    pub fixed_residence: Option<bool>,
    pub fixed_job: Option<bool>,
    pub fixed_contact: Option<bool>,
    pub special_circumstances: Option<String>,
    pub methadone: Option<bool>,
    /// The 信息登记表's background, each an optional column read as free text: 民族.
    pub ethnicity: Option<String>,
    /// 文化程度 (学历).
    pub education: Option<String>,
    /// 婚姻状况.
    pub marital_status: Option<String>,
    /// 职业.
    pub occupation: Option<String>,
    /// 工作单位 (就业单位).
    pub employer: Option<String>,
    /// 初次吸毒时间: a full date when the cell holds one, else its text (a year, 2015年3月).
    pub first_drug_use: Option<DateOrText>,
    /// 吸食毒品种类.
    pub drugs: Option<String>,
    /// 家属姓名 (or the guardian's, 监护人).
    pub family_name: Option<String>,
    /// 家属关系: the relative's relation to the person.
    pub family_relation: Option<String>,
    /// 家属电话.
    pub family_phone: Option<String>,
    /// 违法犯罪记录 (前科).
    pub criminal_record: Option<String>,
}

/// A value that is a date when the register gives a full one, else the text as written
/// (初次吸毒时间 is often only a year): never an error, never guessed into a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateOrText {
    Date(NaiveDate),
    Text(String),
}

impl Person {
    /// How a clerk recognises the person: `编号 姓名`, or `姓名 公民身份号码` when the register
    /// has no 编号 (printed through [`crate::output::Ids`], which masks the number).
    pub fn label(&self) -> String {
        let (first, second) = if self.generated_id {
            (
                self.name.as_str(),
                self.resident_id.as_deref().unwrap_or(""),
            )
        } else {
            (self.id.as_str(), self.name.as_str())
        };
        match (first.is_empty(), second.is_empty()) {
            (_, true) => first.to_string(),
            (true, false) => second.to_string(),
            (false, false) => format!("{first} {second}"),
        }
    }

    /// The 编号 as the register gives it; empty when the register has none.
    pub fn number(&self) -> &str {
        if self.generated_id {
            ""
        } else {
            &self.id
        }
    }

    /// The status, 执行中 when the register leaves it empty or unreadable.
    pub fn status_or_active(&self) -> Status {
        self.status.unwrap_or(Status::Active)
    }
}

/// 结果 of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TestResult {
    /// 阴性
    Negative,
    /// 阳性
    Positive,
    /// 拒绝
    Refused,
    /// 逃避
    Evaded,
    /// 未到
    NoShow,
}

impl TestResult {
    pub fn label(self) -> &'static str {
        match self {
            TestResult::Negative => "阴性",
            TestResult::Positive => "阳性",
            TestResult::Refused => "拒绝",
            TestResult::Evaded => "逃避",
            TestResult::NoShow => "未到",
        }
    }
    /// A test that was actually carried out (a sample was taken).
    pub fn was_done(self) -> bool {
        matches!(self, TestResult::Negative | TestResult::Positive)
    }
}

/// A row of 检测.
#[derive(Debug, Clone)]
pub struct Test {
    pub row: u32,
    /// Index into [`Register::persons`].
    pub person: usize,
    pub date: NaiveDate,
    pub method: Option<String>,
    pub result: TestResult,
    pub lab: Option<String>,
    pub tester: Option<String>,
    /// An unannounced (surprise, random) test: 检测方式 contains one of
    /// [`UNANNOUNCED_WORDS`], or the optional column 是否突击 says 是. Counted for
    /// `surprise_tests.per_year` (P105) and, like every test, toward the schedule.
    pub unannounced: bool,
}

/// Words in 检测方式 that mark a test as unannounced.
pub const UNANNOUNCED_WORDS: &[&str] = &["随机", "突击", "不预先通知", "不定时抽检", "飞行检测"];

/// Whether a 检测方式 text names an unannounced test.
pub fn method_is_unannounced(method: &str) -> bool {
    UNANNOUNCED_WORDS.iter().any(|w| method.contains(w))
}

/// 形式 of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ContactKind {
    /// 面谈
    FaceToFace,
    /// 家访
    HomeVisit,
    /// 电话
    Phone,
    /// 本人报告
    SelfReport,
}

impl ContactKind {
    pub fn label(self) -> &'static str {
        match self {
            ContactKind::FaceToFace => "面谈",
            ContactKind::HomeVisit => "家访",
            ContactKind::Phone => "电话",
            ContactKind::SelfReport => "本人报告",
        }
    }
    /// 面谈 and 家访 are face-to-face talks (P106).
    pub fn is_face_to_face(self) -> bool {
        matches!(self, ContactKind::FaceToFace | ContactKind::HomeVisit)
    }
}

/// A row of 谈话.
#[derive(Debug, Clone)]
pub struct Contact {
    pub row: u32,
    pub person: usize,
    pub date: NaiveDate,
    pub kind: ContactKind,
    pub worker: Option<String>,
    pub summary: Option<String>,
}

/// A row of 请假: an approved leave or an unapproved departure.
#[derive(Debug, Clone)]
pub struct Leave {
    pub row: u32,
    pub person: usize,
    pub leave_date: NaiveDate,
    /// None while the person is still away.
    pub return_date: Option<NaiveDate>,
    /// 准假至: the last day of the approved leave, when the register says; a return after it
    /// is the person's breach, an approval longer than allowed the approver's.
    pub approved_until: Option<NaiveDate>,
    pub destination: Option<String>,
    pub reason: Option<String>,
    pub approved: bool,
    pub approver: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum WarningKind {
    /// 口头
    Oral,
    /// 书面
    Written,
}

impl WarningKind {
    pub fn label(self) -> &'static str {
        match self {
            WarningKind::Oral => "口头",
            WarningKind::Written => "书面",
        }
    }
}

/// A row of 告诫.
#[derive(Debug, Clone)]
pub struct Warning {
    pub row: u32,
    pub person: usize,
    pub date: NaiveDate,
    pub kind: WarningKind,
    pub reason: Option<String>,
    /// 文号
    pub number: Option<String>,
}

/// 评估期: a calendar quarter or the end-of-term total evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EvalPeriod {
    Quarter {
        year: i32,
        quarter: u8,
    },
    /// 总评估
    Total,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Conclusion {
    /// 良好
    Good,
    /// 一般
    Fair,
    /// 较差
    Poor,
}

impl Conclusion {
    pub fn label(self) -> &'static str {
        match self {
            Conclusion::Good => "良好",
            Conclusion::Fair => "一般",
            Conclusion::Poor => "较差",
        }
    }
}

/// A row of 评估.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub row: u32,
    pub person: usize,
    pub date: NaiveDate,
    pub period: EvalPeriod,
    pub conclusion: Conclusion,
    pub evaluator: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum StaffKind {
    /// 专职
    FullTime,
    /// 兼职
    PartTime,
}

/// A row of 工作人员.
#[derive(Debug, Clone)]
pub struct Staff {
    pub row: u32,
    pub name: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub education: Option<String>,
    pub kind: StaffKind,
    pub town: Option<String>,
    pub unit: Option<String>,
}

/// A row of 单位.
#[derive(Debug, Clone)]
pub struct Unit {
    pub row: u32,
    pub town: String,
    pub unit: String,
    /// 实有吸毒人员数
    pub registered_users: u32,
    /// 经费预算(元)
    pub budget: Option<f64>,
    /// 经费到位(元)
    pub funded: Option<f64>,
}

/// A row of the optional 帮扶 sheet.
#[derive(Debug, Clone)]
pub struct Help {
    pub row: u32,
    pub person: usize,
    pub date: NaiveDate,
    /// 类型: 就业, 参保, 救助, 技能培训, 心理咨询 …
    pub kind: String,
}

/// How the rows of one sheet were accounted for: `read == used + rejected`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub read: usize,
    pub used: usize,
    pub rejected: usize,
}

/// Where one sheet was found and which column holds each canonical field.
///
/// `name`, `header_row` and `columns` describe the first (usually the only) workbook sheet;
/// `parts` lists every workbook sheet the register sheet was read from when the reader filled
/// it (several sheets, one per 村(社区); a folder of workbooks; a month-by-month table). A
/// register built in memory leaves `parts` empty: record rows are then sheet rows.
#[derive(Debug, Clone, Default)]
pub struct SheetLayout {
    /// The sheet's name in the workbook (or the CSV file's stem).
    pub name: String,
    /// 0-based row of the header.
    pub header_row: u32,
    /// Canonical column name → 0-based column index.
    pub columns: BTreeMap<&'static str, u32>,
    pub parts: Vec<SheetPart>,
}

/// One workbook sheet a register sheet was read from, and how its rows map to record rows.
///
/// Records keep a record row (`Person::row`, `Test::row` …), unique within the register
/// sheet: record row `base + sheet_row * span + k`, where `k` is the event's place in
/// `event_columns` (a month-by-month table gives one record row per month cell; `span` is 1
/// for a sheet with one record per row). [`Register::cell`] turns a record row and a field
/// back into the cell.
#[derive(Debug, Clone, Default)]
pub struct SheetPart {
    /// The workbook's file name, when the register is a folder of workbooks.
    pub file: Option<String>,
    /// The sheet's name in its workbook.
    pub name: String,
    pub header_row: u32,
    /// Canonical column name → 0-based column index.
    pub columns: BTreeMap<&'static str, u32>,
    /// First record row of the part.
    pub base: u32,
    /// Record rows per sheet row (at least 1).
    pub span: u32,
    /// The column of each event a sheet row holds (month columns, or 面谈/家访 date columns);
    /// empty when a row is one record.
    pub event_columns: Vec<u32>,
    /// The fields an event reads from its own column (检测日期 and 结果 in a month cell).
    pub event_fields: Vec<&'static str>,
    /// The layout as `check` describes it (`按月登记表，1月…12月`); empty for the usual one.
    pub description: String,
    /// The 村(社区) the sheet is about when it has no such column (from its name or title).
    pub unit: Option<String>,
}

impl SheetPart {
    /// The sheet row and the column of `field` for a record row of this part.
    fn locate(&self, row: u32, field: &str) -> (u32, Option<u32>) {
        let span = self.span.max(1);
        let local = row.saturating_sub(self.base);
        let (sheet_row, k) = (local / span, (local % span) as usize);
        let col = if !self.event_columns.is_empty() && self.event_fields.contains(&field) {
            self.event_columns.get(k).copied()
        } else {
            self.columns.get(field).copied()
        };
        (sheet_row, col)
    }

    /// The fields a record row of this part has a cell for.
    fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        let own = if self.event_columns.is_empty() {
            &[][..]
        } else {
            &self.event_fields[..]
        };
        self.columns
            .keys()
            .copied()
            .filter(|f| !own.contains(f))
            .chain(own.iter().copied())
    }
}

/// A whole register, read and typed.
#[derive(Debug, Clone, Default)]
pub struct Register {
    /// The file (or folder of CSV files) it was read from.
    pub source: String,
    pub layouts: BTreeMap<Sheet, SheetLayout>,
    pub persons: Vec<Person>,
    pub tests: Vec<Test>,
    pub contacts: Vec<Contact>,
    pub leaves: Vec<Leave>,
    pub warnings: Vec<Warning>,
    pub evaluations: Vec<Evaluation>,
    pub staff: Vec<Staff>,
    pub units: Vec<Unit>,
    pub help: Vec<Help>,
    pub rows: BTreeMap<Sheet, RowCounts>,
    /// Sheets of the workbook that hold something but stand for no register sheet (neither
    /// their name nor their headers match), so that `check` can say they were not read.
    pub ignored_sheets: Vec<String>,
    /// Cells that held a value which could not be read (D002 dates, D009 values outside their
    /// set or bad counts, D003/D010 resident IDs): filled, but not usable. The model holds
    /// `None` (or a default) there, which must not be read as "left empty".
    pub unreadable: HashSet<CellRef>,
    /// Per person (index into `persons`), the event rows of theirs that were rejected while
    /// reading (sheet, 0-based row), so absent from the model: a rule counting the person's
    /// events cannot tell what those rows held.
    pub rejected_rows: HashMap<usize, Vec<(Sheet, u32)>>,
    index: PersonIndex,
}

/// Per person, the range of each sorted event list that belongs to them.
#[derive(Debug, Clone, Default)]
struct PersonIndex {
    tests: Vec<Range<usize>>,
    contacts: Vec<Range<usize>>,
    leaves: Vec<Range<usize>>,
    warnings: Vec<Range<usize>>,
    evaluations: Vec<Range<usize>>,
    help: Vec<Range<usize>>,
    by_id: HashMap<String, usize>,
}

fn ranges_by_person<T>(
    items: &[T],
    persons: usize,
    person_of: impl Fn(&T) -> usize,
) -> Vec<Range<usize>> {
    let mut ranges = vec![0..0; persons];
    let mut start = 0;
    while start < items.len() {
        let p = person_of(&items[start]);
        let mut end = start + 1;
        while end < items.len() && person_of(&items[end]) == p {
            end += 1;
        }
        if p < persons {
            ranges[p] = start..end;
        }
        start = end;
    }
    ranges
}

impl Register {
    /// The register's file (or folder) name without its folder: what outputs show, so that
    /// they never depend on where the register lies.
    pub fn source_name(&self) -> String {
        std::path::Path::new(&self.source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.source.clone())
    }

    /// Sorts every event list by (person, date, row) and builds the per-person index.
    /// Call once after reading or building a register in memory.
    pub fn finalize(&mut self) {
        self.tests.sort_by_key(|e| (e.person, e.date, e.row));
        self.contacts.sort_by_key(|e| (e.person, e.date, e.row));
        self.leaves.sort_by_key(|e| (e.person, e.leave_date, e.row));
        self.warnings.sort_by_key(|e| (e.person, e.date, e.row));
        self.evaluations.sort_by_key(|e| (e.person, e.date, e.row));
        self.help.sort_by_key(|e| (e.person, e.date, e.row));
        let n = self.persons.len();
        self.index = PersonIndex {
            tests: ranges_by_person(&self.tests, n, |e| e.person),
            contacts: ranges_by_person(&self.contacts, n, |e| e.person),
            leaves: ranges_by_person(&self.leaves, n, |e| e.person),
            warnings: ranges_by_person(&self.warnings, n, |e| e.person),
            evaluations: ranges_by_person(&self.evaluations, n, |e| e.person),
            help: ranges_by_person(&self.help, n, |e| e.person),
            by_id: self
                .persons
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i))
                .collect(),
        };
    }

    fn slice<'a, T>(items: &'a [T], ranges: &[Range<usize>], person: usize) -> &'a [T] {
        match ranges.get(person) {
            Some(r) => &items[r.clone()],
            None => &[],
        }
    }

    /// One person's tests, by date. Empty before [`Register::finalize`].
    pub fn tests_of(&self, person: usize) -> &[Test] {
        Self::slice(&self.tests, &self.index.tests, person)
    }
    pub fn contacts_of(&self, person: usize) -> &[Contact] {
        Self::slice(&self.contacts, &self.index.contacts, person)
    }
    pub fn leaves_of(&self, person: usize) -> &[Leave] {
        Self::slice(&self.leaves, &self.index.leaves, person)
    }
    pub fn warnings_of(&self, person: usize) -> &[Warning] {
        Self::slice(&self.warnings, &self.index.warnings, person)
    }
    pub fn evaluations_of(&self, person: usize) -> &[Evaluation] {
        Self::slice(&self.evaluations, &self.index.evaluations, person)
    }
    pub fn help_of(&self, person: usize) -> &[Help] {
        Self::slice(&self.help, &self.index.help, person)
    }

    /// Whether the cell of `field` in a sheet row held a value that could not be read. False
    /// when the sheet has no such column (an absent column is empty, not unreadable).
    pub fn is_unreadable(&self, sheet: Sheet, row: u32, field: &str) -> bool {
        if self.unreadable.is_empty() {
            return false;
        }
        self.locate(sheet, row, field)
            .is_some_and(|cell| self.unreadable.contains(&cell))
    }

    /// The canonical fields of a record row whose cells could not be read, in column order.
    pub fn unreadable_fields(&self, sheet: Sheet, row: u32) -> Vec<&'static str> {
        let Some(layout) = self.layouts.get(&sheet) else {
            return Vec::new();
        };
        let mut fields: Vec<(u32, &'static str)> = match self.part_of(sheet, row) {
            Some((_, part)) => part.fields().collect::<Vec<_>>(),
            None => layout.columns.keys().copied().collect(),
        }
        .into_iter()
        .filter_map(|f| {
            let cell = self.locate(sheet, row, f)?;
            self.unreadable.contains(&cell).then_some((cell.col, f))
        })
        .collect();
        fields.sort();
        fields.into_iter().map(|(_, f)| f).collect()
    }

    /// The part of a register sheet a record row lies in (with its index), when the reader
    /// recorded parts.
    fn part_of(&self, sheet: Sheet, row: u32) -> Option<(u16, &SheetPart)> {
        let parts = &self.layouts.get(&sheet)?.parts;
        let k = parts.partition_point(|p| p.base <= row).checked_sub(1)?;
        Some((u16::try_from(k).ok()?, &parts[k]))
    }

    /// The cell of `field` in a record row; `None` when the sheet has no such column.
    pub fn locate(&self, sheet: Sheet, row: u32, field: &str) -> Option<CellRef> {
        if let Some((part, p)) = self.part_of(sheet, row) {
            let (row, col) = p.locate(row, field);
            return col.map(|col| CellRef {
                sheet,
                part,
                row,
                col,
            });
        }
        let col = *self.layouts.get(&sheet)?.columns.get(field)?;
        Some(CellRef {
            sheet,
            part: 0,
            row,
            col,
        })
    }

    /// The record row a cell belongs to (the inverse of [`Register::cell`]).
    pub fn record_row(&self, cell: &CellRef) -> u32 {
        let part = self
            .layouts
            .get(&cell.sheet)
            .and_then(|l| l.parts.get(usize::from(cell.part)));
        match part {
            Some(p) => {
                let k = p
                    .event_columns
                    .iter()
                    .position(|&c| c == cell.col)
                    .unwrap_or(0) as u32;
                p.base + cell.row * p.span.max(1) + k
            }
            None => cell.row,
        }
    }

    /// Records that a cell held a value that could not be read.
    pub fn mark_unreadable(&mut self, cell: CellRef) {
        self.unreadable.insert(cell);
    }

    /// Records that a row of `sheet` belonging to `person` was rejected while reading.
    pub fn mark_rejected_row(&mut self, person: usize, sheet: Sheet, row: u32) {
        self.rejected_rows
            .entry(person)
            .or_default()
            .push((sheet, row));
    }

    /// The rejected rows of one person: (sheet, 0-based row), in reading order.
    pub fn rejected_rows_of(&self, person: usize) -> &[(Sheet, u32)] {
        self.rejected_rows
            .get(&person)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether a row of `sheet` belonging to `person` was rejected while reading.
    pub fn has_rejected_rows(&self, person: usize, sheet: Sheet) -> bool {
        self.rejected_rows_of(person)
            .iter()
            .any(|(s, _)| *s == sheet)
    }

    /// The index of the person with this 编号 (after [`Register::finalize`]).
    pub fn person_index(&self, id: &str) -> Option<usize> {
        self.index.by_id.get(id).copied()
    }

    /// The cell of a canonical field in a sheet row. When the column is absent from the
    /// workbook the cell points at the row's first column, so that it still names the row.
    pub fn cell(&self, sheet: Sheet, row: u32, field: &str) -> CellRef {
        if let Some(cell) = self.locate(sheet, row, field) {
            return cell;
        }
        let (part, row) = match self.part_of(sheet, row) {
            Some((k, p)) => (k, p.locate(row, field).0),
            None => (0, row),
        };
        CellRef {
            sheet,
            part,
            row,
            col: 0,
        }
    }

    /// The workbook file of a folder of workbooks that holds 人员 record row `row` (`None` for
    /// a register of one workbook).
    pub fn workbook_of_row(&self, row: u32) -> Option<&str> {
        self.part_of(Sheet::Persons, row)
            .and_then(|(_, part)| part.file.as_deref())
    }

    /// The header cell of `field` on `sheet` for a finding about rows person `i` lacks there:
    /// on the workbook sheet where the person's rows belong — the one about the person's
    /// 村(社区) (a sheet per unit), else the one in the workbook of the person's 人员 row (a
    /// folder of workbooks), else the first. `None` when the register has no such sheet.
    pub fn header_cell_for(&self, sheet: Sheet, i: usize, field: &str) -> Option<CellRef> {
        let layout = self.layouts.get(&sheet)?;
        let Some(p) = self.persons.get(i) else {
            return Some(self.cell(sheet, layout.header_row, field));
        };
        let file = self.workbook_of_row(p.row);
        let parts = &layout.parts;
        let k = parts
            .iter()
            .position(|part| part.unit.as_deref() == Some(p.unit.as_str()))
            .or_else(|| {
                let file = file?;
                parts
                    .iter()
                    .position(|part| part.file.as_deref() == Some(file))
            })
            .unwrap_or(0);
        let Some(part) = parts.get(k) else {
            return Some(self.cell(sheet, layout.header_row, field));
        };
        // The column of the part's first record: a month table's first month.
        let (_, col) = part.locate(part.base, field);
        Some(CellRef {
            sheet,
            part: u16::try_from(k).ok()?,
            row: part.header_row,
            col: col.unwrap_or(0),
        })
    }

    /// The name of the sheet as the workbook spells it (canonical name if unknown).
    pub fn sheet_name(&self, sheet: Sheet) -> &str {
        match self.layouts.get(&sheet) {
            Some(l) if !l.name.is_empty() => &l.name,
            _ => sheet.canonical_name(),
        }
    }

    /// One line per register sheet read in a layout other than the template's (several
    /// workbook sheets or files, a month-by-month table, no 编号 …), as `check` shows it:
    /// `检测：按月登记表，1月…12月`.
    pub fn layout_notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (sheet, layout) in &self.layouts {
            let mut descriptions: Vec<&str> = Vec::new();
            for p in &layout.parts {
                if !p.description.is_empty() && !descriptions.contains(&p.description.as_str()) {
                    descriptions.push(&p.description);
                }
            }
            let mut line = Vec::new();
            if layout.parts.len() > 1 {
                let names: Vec<String> = layout
                    .parts
                    .iter()
                    .map(|p| match &p.file {
                        Some(f) => format!("[{f}]{}", p.name),
                        None => p.name.clone(),
                    })
                    .collect();
                line.push(format!(
                    "{} 张工作表合为一表（{}）",
                    names.len(),
                    names.join("、")
                ));
            }
            // The unit of each sheet is listed once, with the sheets, not per sheet.
            let units: Vec<&str> = layout
                .parts
                .iter()
                .filter_map(|p| p.unit.as_deref())
                .collect();
            line.extend(
                descriptions
                    .iter()
                    .filter(|d| units.len() <= 1 || !d.starts_with("村(社区)为"))
                    .map(|d| d.to_string()),
            );
            if units.len() > 1 {
                line.push("村(社区)取自各工作表的名称或标题".to_string());
            }
            if !line.is_empty() {
                out.push(format!("{}：{}", sheet.canonical_name(), line.join("；")));
            }
        }
        out
    }

    /// The workbook sheet a cell lies in: its file (when the register is a folder of
    /// workbooks) and its name as the workbook spells it.
    pub fn workbook_sheet(&self, cell: &CellRef) -> (Option<&str>, &str) {
        let part = self
            .layouts
            .get(&cell.sheet)
            .and_then(|l| l.parts.get(usize::from(cell.part)));
        match part {
            Some(p) => (p.file.as_deref(), p.name.as_str()),
            None => (None, self.sheet_name(cell.sheet)),
        }
    }

    /// `人员!D7`, using the workbook's own sheet name; `[北街村.xlsx]人员!D7` when the register
    /// is a folder of workbooks.
    pub fn cell_name(&self, cell: &CellRef) -> String {
        match self.workbook_sheet(cell) {
            (Some(file), name) => format!("[{file}]{name}!{}", cell.a1()),
            (None, name) => format!("{name}!{}", cell.a1()),
        }
    }
}

impl fmt::Display for CellRef {
    /// Canonical sheet name; prefer [`Register::cell_name`] when a register is at hand.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}!{}", self.sheet.canonical_name(), self.a1())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn cell_names_use_the_workbook_sheet_name() {
        let mut reg = Register::default();
        let mut layout = SheetLayout {
            name: "吸毒人员".into(),
            ..Default::default()
        };
        layout.columns.insert("公民身份号码", 3);
        reg.layouts.insert(Sheet::Persons, layout);
        let cell = reg.cell(Sheet::Persons, 6, "公民身份号码");
        assert_eq!(reg.cell_name(&cell), "吸毒人员!D7");
        assert_eq!(cell.to_string(), "人员!D7");
    }
}
