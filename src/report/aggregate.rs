//! Year-end figures per village/community (村/社区) and per town (乡镇/街道): a pure function
//! of the register, the profile, the findings of `check`, the office's filed reports and the
//! year.
//!
//! One pass over the persons, using the per-person event slices of [`Register`]. Persons the
//! 数据质量说明 leaves out ([`crate::report::quality`]) are skipped everywhere.
//!
//! **Due counts** are honest ([`period_due`]): for every schedule item of the profile, the
//! calendar periods wholly inside the year count their full minimum (as the rules P106, P107,
//! P109 count them), and each piece of a term year inside the year counts its exact share
//! (minimum × days in the year ÷ days of the term year); the person's sum per kind is rounded
//! **up** once. So a due count is never below what the schedule requires, and a rate above
//! 100 % means more was done than required. Done counts are the rules' own
//! ([`crate::rules::obligations::obligations`]).
//!
//! **Serious breaches** are the findings of severity `breach` (P102, P110–P113) about a person
//! of the unit that belong to the year: dated in the year ([`breach_date`]: the finding's due
//! date; without one, the latest date of the event rows its cells point at; a finding with
//! neither belongs to the year when the person was in a programme in it), or dated earlier
//! and not reported before the year began (still open). A breach counts as **reported** when
//! the office's ledger (文号台帐) holds a 严重违反协议报告 for the person on the same ground
//! (拒绝接受 for P102, 吸毒 for P112, 严重违反协议 for P110/P111/P113) issued on or after the
//! breach's date and by 31 December ([`FiledReports`]). What the police decided afterwards
//! (状态 强制隔离戒毒) is not the office's report and does not count.

use crate::finding::{Finding, Severity};
use crate::model::{Measure, Register, Sheet, StaffKind, Status, WarningKind};
use crate::paperwork::due::ReportGround;
use crate::paperwork::ledger::Ledger;
use crate::profile::{EventKind, Profile};
use crate::report::scheme::{Metric, Standards};
use crate::rules::obligations::{obligations, Obligations};
use crate::rules::schedule::{item_periods, items_for};
use crate::rules::window::{programme_window, term_year, Window};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The kinds of help (帮扶) the report lists first, in this order; others follow by name.
pub const HELP_KINDS: [&str; 5] = ["就业", "参保", "救助", "技能培训", "心理咨询"];

/// The year being appraised: 1 January to 31 December, seen at 31 December.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub year: i32,
    #[serde(serialize_with = "iso_date")]
    pub from: NaiveDate,
    #[serde(serialize_with = "iso_date")]
    pub to: NaiveDate,
    #[serde(serialize_with = "iso_date")]
    pub as_of: NaiveDate,
}

/// Serialises a date as `2025-12-31` (chrono is built without its serde feature).
pub fn iso_date<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

impl Period {
    /// The calendar year `year`; None for a year chrono cannot represent.
    pub fn year(year: i32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31)?;
        Some(Period {
            year,
            from,
            to,
            as_of: to,
        })
    }
    fn contains(&self, d: NaiveDate) -> bool {
        d >= self.from && d <= self.to
    }
}

/// Counted figures of one unit, one town or the whole register for the year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// 实有吸毒人员数 (from 单位).
    pub registered_users: u32,
    /// Persons in 社区戒毒 at any time in the year.
    pub in_detox: u32,
    /// Persons in 社区康复 at any time in the year.
    pub in_rehab: u32,
    /// Persons in a programme in the year whose 措施类型 cannot be read (措施不明).
    pub in_unknown_measure: u32,
    /// Persons who reported in (报到) during the year.
    pub new_in_year: u32,
    /// 已解除 with 状态日期 in the year.
    pub discharged: u32,
    /// 强制隔离戒毒 with 状态日期 in the year.
    pub compulsory_isolation: u32,
    /// 中止 with 状态日期 in the year.
    pub suspended: u32,
    /// Persons in a programme in the year with an agreement signed by 31 December.
    pub agreements_signed: u32,
    /// Tests, talks, self-reports and evaluations due and done in the year, summed over the
    /// persons (the rules' own counts).
    #[serde(flatten)]
    pub obligations: Obligations,
    /// 告诫 rows dated in the year, 口头.
    pub warnings_oral: u32,
    /// 告诫 rows dated in the year, 书面.
    pub warnings_written: u32,
    /// Serious-breach findings of the year (P102, P110–P113).
    pub breaches: u32,
    /// Of those, reported by the office (a 严重违反协议报告 in its ledger).
    pub breaches_reported: u32,
    /// Serious-breach findings by rule code.
    pub breaches_by_code: BTreeMap<String, u32>,
    pub staff_full_time: u32,
    pub staff_part_time: u32,
    /// Workers the ratio requires (full-time; 1 worker of any kind under the ratio).
    pub staff_required: u32,
    /// Workers that count toward the requirement.
    pub staff_available: u32,
    /// max(funding_per_user × users, funding_floor), yuan.
    pub funding_required: f64,
    /// 经费到位(元) (经费预算 when 到位 is empty), yuan.
    pub funding: f64,
    /// Help given in the year by 类型.
    pub help: BTreeMap<String, u32>,
}

impl Figures {
    /// Adds another unit's figures (for town and grand totals).
    pub fn add(&mut self, o: &Figures) {
        self.registered_users += o.registered_users;
        self.in_detox += o.in_detox;
        self.in_rehab += o.in_rehab;
        self.in_unknown_measure += o.in_unknown_measure;
        self.new_in_year += o.new_in_year;
        self.discharged += o.discharged;
        self.compulsory_isolation += o.compulsory_isolation;
        self.suspended += o.suspended;
        self.agreements_signed += o.agreements_signed;
        self.obligations.add(&o.obligations);
        self.warnings_oral += o.warnings_oral;
        self.warnings_written += o.warnings_written;
        self.breaches += o.breaches;
        self.breaches_reported += o.breaches_reported;
        for (k, v) in &o.breaches_by_code {
            *self.breaches_by_code.entry(k.clone()).or_default() += v;
        }
        self.staff_full_time += o.staff_full_time;
        self.staff_part_time += o.staff_part_time;
        self.staff_required += o.staff_required;
        self.staff_available += o.staff_available;
        self.funding_required += o.funding_required;
        self.funding += o.funding;
        for (k, v) in &o.help {
            *self.help.entry(k.clone()).or_default() += v;
        }
    }

    /// The rate an indicator measures; None when nothing was due (denominator 0).
    pub fn rate(&self, metric: Metric) -> Option<f64> {
        let r = |num: f64, den: f64| if den > 0.0 { Some(num / den) } else { None };
        match metric {
            Metric::AgreementRate => r(self.agreements_signed as f64, self.registered_users as f64),
            Metric::TestRate => r(
                self.obligations.tests_done as f64,
                self.obligations.tests_due as f64,
            ),
            Metric::TalkRate => r(
                self.obligations.talks_done as f64,
                self.obligations.talks_due as f64,
            ),
            Metric::SelfReportRate => r(
                self.obligations.self_reports_done as f64,
                self.obligations.self_reports_due as f64,
            ),
            Metric::EvaluationRate => r(
                self.obligations.evaluations_done as f64,
                self.obligations.evaluations_due as f64,
            ),
            Metric::StaffingRate => r(self.staff_available as f64, self.staff_required as f64),
            Metric::FundingRate => r(self.funding, self.funding_required),
            Metric::BreachReportRate => r(self.breaches_reported as f64, self.breaches as f64),
        }
    }

    /// Persons in a programme in the year (社区戒毒 + 社区康复 + 措施不明).
    pub fn in_programme(&self) -> u32 {
        self.in_detox + self.in_rehab + self.in_unknown_measure
    }

    /// Help given, the known kinds first in [`HELP_KINDS`] order (zeros included), then the
    /// others by name.
    pub fn help_rows(&self) -> Vec<(String, u32)> {
        let mut rows: Vec<(String, u32)> = HELP_KINDS
            .iter()
            .map(|k| (k.to_string(), self.help.get(*k).copied().unwrap_or(0)))
            .collect();
        for (k, v) in &self.help {
            if !HELP_KINDS.contains(&k.as_str()) {
                rows.push((k.clone(), *v));
            }
        }
        rows
    }
}

/// One village/community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitFigures {
    /// 乡镇(街道)
    pub town: String,
    /// 村(社区)
    pub unit: String,
    /// Whether the unit has a row in 单位 (without one, registered users and funding are 0).
    pub listed: bool,
    pub figures: Figures,
}

/// One town's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TownFigures {
    pub town: String,
    pub units: u32,
    pub figures: Figures,
}

/// Everything counted for the year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    pub period: Period,
    /// Units in (town, unit) order.
    pub units: Vec<UnitFigures>,
    /// Towns in name order.
    pub towns: Vec<TownFigures>,
    pub total: Figures,
}

impl Aggregate {
    /// The index of a unit by (town, unit).
    pub fn unit_index(&self, town: &str, unit: &str) -> Option<usize> {
        self.units
            .binary_search_by(|u| (u.town.as_str(), u.unit.as_str()).cmp(&(town, unit)))
            .ok()
    }
}

/// Whether a person was in a programme at any time in the period: their programme window
/// (the rules' [`programme_window`], seen at the period's as-of date) meets the period.
pub fn in_programme(p: &crate::model::Person, period: &Period) -> bool {
    programme_window(p, period.as_of).is_some_and(|w| w.start <= period.to && w.end >= period.from)
}

fn units_map(register: &Register, excluded: &[bool]) -> BTreeMap<(String, String), UnitFigures> {
    let mut map: BTreeMap<(String, String), UnitFigures> = BTreeMap::new();
    let mut ensure = |town: &str, unit: &str, listed: bool| {
        let e = map
            .entry((town.to_string(), unit.to_string()))
            .or_insert_with(|| UnitFigures {
                town: town.to_string(),
                unit: unit.to_string(),
                listed: false,
                figures: Figures::default(),
            });
        e.listed |= listed;
    };
    for u in &register.units {
        ensure(&u.town, &u.unit, true);
    }
    for (pi, p) in register.persons.iter().enumerate() {
        if !excluded.get(pi).copied().unwrap_or(false) {
            ensure(&p.town, &p.unit, false);
        }
    }
    map
}

/// The office's reports to the police (严重违反协议报告) as its ledger records them: who, on
/// which ground ([`ReportGround::key`]), issued when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FiledReports {
    /// (person 编号, ground key) → the dates the reports were issued (None: not recorded).
    by_person: HashMap<(String, String), Vec<Option<NaiveDate>>>,
}

/// The form id of the report to the police, as the ledger records it.
pub const BREACH_REPORT_FORM: &str = "serious_breach_report";

impl FiledReports {
    /// No reports filed.
    pub fn none() -> FiledReports {
        FiledReports::default()
    }

    /// The reports of an office ledger: its entries of [`BREACH_REPORT_FORM`], whose event key
    /// is `报告-{ground}@{date of the last fact}`.
    pub fn from_ledger(ledger: &Ledger) -> FiledReports {
        let mut out = FiledReports::none();
        for e in ledger.entries() {
            if e.form != BREACH_REPORT_FORM {
                continue;
            }
            let ground = e
                .event
                .strip_prefix("报告-")
                .unwrap_or(&e.event)
                .split('@')
                .next()
                .unwrap_or_default();
            out.add(&e.person, ground, e.date);
        }
        out
    }

    /// Records a report about `person` on `ground` (a [`ReportGround::key`]) issued on `date`.
    pub fn add(&mut self, person: &str, ground: &str, date: Option<NaiveDate>) {
        self.by_person
            .entry((person.to_string(), ground.to_string()))
            .or_default()
            .push(date);
    }

    /// Whether a breach of `code` by `person` on `breach` (None: date unknown) was reported
    /// by `by`: a report on the same ground issued on or after the breach and by `by`.
    pub fn reported(
        &self,
        person: &str,
        code: &str,
        breach: Option<NaiveDate>,
        by: NaiveDate,
    ) -> bool {
        let Some(ground) = ReportGround::of_code(code) else {
            return false;
        };
        let Some(dates) = self
            .by_person
            .get(&(person.to_string(), ground.key().to_string()))
        else {
            return false;
        };
        dates.iter().any(|d| match (d, breach) {
            (None, _) => true,
            (Some(d), Some(b)) => *d >= b && *d <= by,
            (Some(d), None) => *d <= by,
        })
    }
}

/// What the figures leave out and what the office filed: the inputs of [`aggregate`] beside
/// the register.
pub struct CountingInputs<'a> {
    pub profile: &'a Profile,
    pub findings: &'a [Finding],
    pub standards: &'a Standards,
    /// Persons (by index) left out of every figure ([`crate::report::quality`]).
    pub excluded: &'a [bool],
    pub filed: &'a FiledReports,
}

/// The due counts of person `pi` over the period (tests, talks, self-reports, evaluations),
/// honest: calendar periods wholly inside the period at their full minimum, every piece of a
/// term year at its exact share, the sum rounded up once (see the module doc).
pub fn period_due(
    register: &Register,
    pi: usize,
    profile: &Profile,
    window: &Window,
    period: &Period,
) -> [u32; 4] {
    let lo = window.start.max(period.from);
    let hi = window.end.min(period.to);
    let mut exact = [0f64; 4];
    if hi < lo {
        return [0; 4];
    }
    for item in items_for(register, pi, profile) {
        let due = match item.period {
            crate::profile::Period::Months(_) => {
                item_periods(register, pi, &item, window, period.from, period.to)
                    .iter()
                    .map(|p| f64::from(p.required))
                    .sum()
            }
            crate::profile::Period::TermYear => {
                let mut sum = 0.0;
                for k in 1..=100 {
                    let (ys, ye) = term_year(window.report, k);
                    if ys > hi || ys >= window.term_end {
                        break;
                    }
                    let s = ys.max(lo);
                    let e = ye.pred_opt().unwrap_or(ye).min(hi);
                    let whole = (ye - ys).num_days();
                    if item.in_term_year(k) && s <= e && whole > 0 {
                        let part = ((e - s).num_days() + 1).min(whole);
                        sum += f64::from(item.min) * part as f64 / whole as f64;
                    }
                }
                sum
            }
        };
        let k = match item.kind {
            EventKind::Tests => 0,
            EventKind::Talks => 1,
            EventKind::SelfReports => 2,
            EventKind::Evaluations => 3,
        };
        exact[k] += due;
    }
    // Up once; a hair of floating-point error never adds a whole event.
    exact.map(|x| (x - 1e-9).ceil().max(0.0) as u32)
}

/// Counts the year's figures per unit, per town and in total.
pub fn aggregate(register: &Register, inputs: &CountingInputs<'_>, period: &Period) -> Aggregate {
    let CountingInputs {
        profile,
        findings,
        standards,
        excluded,
        filed,
    } = *inputs;
    let is_excluded = |pi: usize| excluded.get(pi).copied().unwrap_or(false);
    let map = units_map(register, excluded);
    let mut units: Vec<UnitFigures> = map.into_values().collect();
    let index: HashMap<(&str, &str), usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.town.as_str(), u.unit.as_str()), i))
        .collect();
    let lookup = |town: &str, unit: &str| index.get(&(town, unit)).copied();
    let mut person_unit: Vec<Option<usize>> = Vec::with_capacity(register.persons.len());

    // Unit rows: registered users and funding.
    let mut figs: Vec<Figures> = vec![Figures::default(); units.len()];
    for u in &register.units {
        if let Some(i) = lookup(&u.town, &u.unit) {
            figs[i].registered_users += u.registered_users;
            figs[i].funding += u.funded.or(u.budget).unwrap_or(0.0);
        }
    }
    // Staff.
    for s in &register.staff {
        let (Some(town), Some(unit)) = (s.town.as_deref(), s.unit.as_deref()) else {
            continue;
        };
        if let Some(i) = lookup(town, unit) {
            match s.kind {
                StaffKind::FullTime => figs[i].staff_full_time += 1,
                StaffKind::PartTime => figs[i].staff_part_time += 1,
            }
        }
    }
    // Persons: one pass, each person's events through their slices.
    for (pi, p) in register.persons.iter().enumerate() {
        let ui = if is_excluded(pi) {
            None
        } else {
            lookup(&p.town, &p.unit)
        };
        person_unit.push(ui);
        let Some(ui) = ui else { continue };
        let f = &mut figs[ui];
        if let Some(d) = p.report_date {
            if period.contains(d) {
                f.new_in_year += 1;
            }
        }
        if p.status_date.is_some_and(|d| period.contains(d)) {
            match p.status_or_active() {
                Status::Discharged => f.discharged += 1,
                Status::CompulsoryIsolation => f.compulsory_isolation += 1,
                Status::Suspended => f.suspended += 1,
                _ => {}
            }
        }
        for w in register.warnings_of(pi) {
            if period.contains(w.date) {
                match w.kind {
                    WarningKind::Oral => f.warnings_oral += 1,
                    WarningKind::Written => f.warnings_written += 1,
                }
            }
        }
        for h in register.help_of(pi) {
            if period.contains(h.date) {
                *f.help.entry(h.kind.clone()).or_default() += 1;
            }
        }
        let Some(window) = programme_window(p, period.as_of)
            .filter(|w| w.start <= period.to && w.end >= period.from)
        else {
            continue;
        };
        match p.measure {
            Some(Measure::Detox) => f.in_detox += 1,
            Some(Measure::Rehab) => f.in_rehab += 1,
            None => f.in_unknown_measure += 1,
        }
        if p.agreement_date.is_some_and(|d| d <= period.to) {
            f.agreements_signed += 1;
        }
        let mut o = obligations(register, pi, profile, period.as_of, period.from, period.to);
        [
            o.tests_due,
            o.talks_due,
            o.self_reports_due,
            o.evaluations_due,
        ] = period_due(register, pi, profile, &window, period);
        f.obligations.add(&o);
    }
    // Serious breaches from the findings.
    let mut dates: Option<EventDates> = None;
    for fd in findings {
        if fd.severity != Severity::Breach {
            continue;
        }
        let Some(pi) = fd
            .person
            .as_deref()
            .and_then(|id| register.person_index(id))
        else {
            continue;
        };
        let Some(ui) = person_unit.get(pi).copied().flatten() else {
            continue;
        };
        let p = &register.persons[pi];
        let dates = dates.get_or_insert_with(|| EventDates::of(register));
        let date = breach_date(fd, dates);
        let in_year = match date {
            Some(d) if d > period.to => false,
            Some(d) if d >= period.from => true,
            // Earlier and still open at the start of the year.
            Some(d) => {
                !filed.reported(&p.id, fd.code, Some(d), period.from.pred_opt().unwrap_or(d))
            }
            None => in_programme(p, period),
        };
        if !in_year {
            continue;
        }
        let f = &mut figs[ui];
        f.breaches += 1;
        *f.breaches_by_code.entry(fd.code.to_string()).or_default() += 1;
        if filed.reported(&p.id, fd.code, date, period.to) {
            f.breaches_reported += 1;
        }
    }
    // Standards: staffing ratio and funding floor.
    for f in figs.iter_mut() {
        let users = f.registered_users;
        let per = standards.users_per_worker.max(1);
        if users == 0 {
            f.staff_required = 0;
            f.staff_available = f.staff_full_time + f.staff_part_time;
        } else if users < per {
            f.staff_required = 1;
            f.staff_available = f.staff_full_time + f.staff_part_time;
        } else {
            f.staff_required = users.div_ceil(per);
            f.staff_available = f.staff_full_time;
        }
        f.funding_required =
            (standards.funding_per_user * users as f64).max(standards.funding_floor);
    }
    for (u, f) in units.iter_mut().zip(figs) {
        u.figures = f;
    }
    let mut towns: BTreeMap<String, TownFigures> = BTreeMap::new();
    let mut total = Figures::default();
    for u in &units {
        let t = towns.entry(u.town.clone()).or_insert_with(|| TownFigures {
            town: u.town.clone(),
            units: 0,
            figures: Figures::default(),
        });
        t.units += 1;
        t.figures.add(&u.figures);
        total.add(&u.figures);
    }
    Aggregate {
        period: *period,
        units,
        towns: towns.into_values().collect(),
        total,
    }
}

/// The date of every event row a finding may point at, by its cell's (sheet, workbook sheet,
/// sheet row): a month-by-month table holds several events in one row.
pub struct EventDates {
    by_cell: HashMap<(Sheet, u16, u32), NaiveDate>,
}

impl EventDates {
    /// Indexes the dated rows of 检测, 请假, 告诫 and 谈话.
    pub fn of(register: &Register) -> EventDates {
        let mut by_cell: HashMap<(Sheet, u16, u32), NaiveDate> = HashMap::new();
        let mut add = |sheet: Sheet, row: u32, field: &str, date: NaiveDate| {
            let c = register.cell(sheet, row, field);
            let latest = by_cell.entry((c.sheet, c.part, c.row)).or_insert(date);
            *latest = (*latest).max(date);
        };
        for t in &register.tests {
            add(Sheet::Tests, t.row, "检测日期", t.date);
        }
        for l in &register.leaves {
            add(
                Sheet::Leaves,
                l.row,
                "离开日期",
                l.return_date.unwrap_or(l.leave_date),
            );
        }
        for w in &register.warnings {
            add(Sheet::Warnings, w.row, "日期", w.date);
        }
        for c in &register.contacts {
            add(Sheet::Contacts, c.row, "日期", c.date);
        }
        EventDates { by_cell }
    }
}

/// When a breach finding happened: its due date, else the latest date of the event rows its
/// cells point at; None when neither is known.
pub fn breach_date(finding: &Finding, dates: &EventDates) -> Option<NaiveDate> {
    finding.due_date.or_else(|| {
        finding
            .cells
            .iter()
            .filter_map(|c| dates.by_cell.get(&(c.sheet, c.part, c.row)).copied())
            .max()
    })
}
