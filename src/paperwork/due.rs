//! What the law makes due for each person, and what is held back.
//!
//! - **The data gate**: a person with an error-level data finding (D001–D010) on any of their
//!   rows (both rows of a D005 pair) gets no document of their own until the row is fixed;
//!   [`gated`] lists them with the cells to fix.
//! - **The map** ([`super::documents`]) says which document each finding makes due, to whom
//!   and on which ground. A person's own breach goes to the person (告诫书); a statutory
//!   consequence goes to the police as a report on its own ground; a shortfall of the office,
//!   the group or the police goes to them as a work notice (工作提醒单), never to the person.
//! - **Warnings as the law counts them**: one 告诫书 per person and date, listing every fact
//!   not yet warned about; 第N次 from the 告诫 sheet's 书面 rows and the office's ledger; once
//!   the facts amount to a serious breach, the report to the police (listing the earlier
//!   warnings with their numbers and dates) replaces the next warning.
//! - **The statutory floor**: the report for refusing to report in follows only after the
//!   statutory 15 days and, when the profile says the office urges first, after the deadline a
//!   催告报到通知书 already issued gave.

use super::build::BuildContext;
use super::documents::{self, Addressee, Duty};
use super::forms::{self, FormDef};
use super::plan::{Event, Request};
use crate::finding::{Finding, Severity};
use crate::model::{Person, Sheet, Status, TestResult, WarningKind};
use crate::profile::EventKind;
use crate::rules::person::{cn_date, short_periods};
use crate::rules::window::add_days;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// A document the office issued before, as its ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub form: String,
    /// The person's 编号.
    pub person: String,
    pub event: String,
    pub number: String,
    /// The document's date, when the ledger knows it.
    pub date: Option<NaiveDate>,
}

/// A fact of the person's own breach, as a document states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub date: NaiveDate,
    /// The fact kind of the map (`refused_test`, `unapproved_departure`, `self_report`), or
    /// the rule code of a serious breach.
    pub kind: String,
    /// The fact in plain words, with its dates.
    pub text: String,
}

/// A written warning given before: from the 告诫 sheet or the office's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorWarning {
    pub date: NaiveDate,
    pub number: Option<String>,
    pub reason: Option<String>,
}

/// A 告诫书 to make: its date, the facts it lists, which warning it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningPlan {
    pub date: NaiveDate,
    pub facts: Vec<Fact>,
    /// 第N次书面告诫.
    pub nth: u32,
    /// Citation keys of the facts' grounds, in order.
    pub ground: Vec<String>,
}

/// The ground of a report to the police (禁毒法 第三十八条第一款).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportGround {
    /// (一) 拒绝接受社区戒毒 — not reported in (P102).
    Refusal,
    /// (二) 在社区戒毒期间吸食、注射毒品 — a positive test (P112).
    DrugUse,
    /// (三) 严重违反社区戒毒协议 — P110, P111, P113.
    SeriousBreach,
}

impl ReportGround {
    /// A stable word for ledger keys.
    pub fn key(self) -> &'static str {
        match self {
            ReportGround::Refusal => "拒绝接受",
            ReportGround::DrugUse => "吸毒",
            ReportGround::SeriousBreach => "严重违反协议",
        }
    }

    /// The ground a breach finding is reported on (P102, P112, P110/P111/P113).
    pub fn of_code(code: &str) -> Option<ReportGround> {
        match code {
            "P102" => Some(ReportGround::Refusal),
            "P112" => Some(ReportGround::DrugUse),
            "P110" | "P111" | "P113" => Some(ReportGround::SeriousBreach),
            _ => None,
        }
    }
}

/// A report to the police to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPlan {
    pub ground: ReportGround,
    /// The facts of the ground, in date order.
    pub facts: Vec<Fact>,
    /// Citation keys, in order.
    pub citations: Vec<String>,
    /// The written warnings given before, with their numbers and dates.
    pub warnings: Vec<PriorWarning>,
    /// For a refusal: the 催告报到通知书 issued (number, date, deadline it gave).
    pub reminder: Option<(String, NaiveDate, NaiveDate)>,
    /// The statutory report-in deadline, for a refusal.
    pub statutory_deadline: Option<NaiveDate>,
}

impl ReportPlan {
    /// The date of the last fact: the ledger key of the report (a later fact makes a new one).
    pub fn last_fact(&self) -> Option<NaiveDate> {
        self.facts.iter().map(|f| f.date).max()
    }
}

/// One item of a work notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeItem {
    /// 编号 and 姓名 of the person, or the unit.
    pub about: String,
    pub what: String,
    /// The law or local plan the item rests on.
    pub ground: String,
}

/// A work notice (工作提醒单) to make: to whom, and what is overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePlan {
    pub to: Addressee,
    /// The addressee as the notice names it (帮教小组组长 李四, 专职社工 王五, …).
    pub to_name: String,
    pub items: Vec<NoticeItem>,
}

/// Why a person gets no document (or a form was refused), for the clerk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub person_id: String,
    /// How the clerk recognises the person ([`Person::label`]: `编号 姓名`, or `姓名 身份证号`
    /// without 编号; printed masked).
    pub who: String,
    pub unit: String,
    /// The form refused; empty when the person gets no document at all.
    pub form: String,
    /// What to fix or why, in Chinese, naming the cells.
    pub reasons: Vec<String>,
}

impl Held {
    /// `person`'s document `form` (empty: every document) held back for `reasons`.
    pub fn of(person: &Person, form: &str, reasons: Vec<String>) -> Held {
        Held {
            person_id: person.id.clone(),
            who: person.label(),
            unit: person.unit.clone(),
            form: form.to_string(),
            reasons,
        }
    }
}

/// The persons the data gate holds back: index → the error-level data findings on their rows
/// (`人员!D7：…`). A finding counts for a person when it names their 编号 or one of its cells
/// lies on their 人员 row (so both rows of a D005 pair are held).
pub fn gated(ctx: &BuildContext) -> BTreeMap<usize, Vec<String>> {
    let reg = ctx.register;
    let by_row: BTreeMap<u32, usize> = reg
        .persons
        .iter()
        .enumerate()
        .map(|(i, p)| (p.row, i))
        .collect();
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for f in ctx.findings {
        if f.severity < Severity::Error || !f.code.starts_with('D') {
            continue;
        }
        let mut who: Vec<usize> = f
            .person
            .as_deref()
            .and_then(|id| reg.person_index(id))
            .into_iter()
            .collect();
        for c in &f.cells {
            if c.sheet == Sheet::Persons {
                if let Some(&i) = by_row.get(&reg.record_row(c)) {
                    who.push(i);
                }
            }
        }
        who.sort_unstable();
        who.dedup();
        let cells = f.cell_names(reg).join("、");
        let line = if cells.is_empty() {
            f.message.clone()
        } else {
            format!("{cells}：{}", f.message)
        };
        for i in who {
            let reasons = out.entry(i).or_default();
            if !reasons.contains(&line) {
                reasons.push(line.clone());
            }
        }
    }
    out
}

/// What is due for person `i` by the map, grouped by the law: reminders and reports with
/// their staging, one warning letter, work notices, and the scheduled forms.
pub fn person_due(ctx: &BuildContext, i: usize, held: &mut Vec<Held>) -> Vec<Request> {
    let reg = ctx.register;
    let Some(p) = reg.persons.get(i) else {
        return Vec::new();
    };
    let findings: Vec<&Finding> = ctx.findings_of(i).collect();
    let mut out = Vec::new();
    let request = |form: &'static FormDef, event: Event| Request {
        form,
        person: Some(i),
        unit: p.unit.clone(),
        event,
    };
    let active = p.status_or_active() == Status::Active;

    // Reports to the police, one per ground.
    let mut reports = if active {
        reports_due(ctx, i, &findings, held)
    } else {
        Vec::new()
    };
    // A warning letter, unless a report replaces it; and no third warning for failing to
    // report after the written warnings the profile counts (the register's or the ledger's):
    // the report takes its place.
    let warning = if active && reports.is_empty() {
        warning_due(ctx, i, &findings)
    } else {
        None
    };
    let warning = match warning {
        Some(plan) if escalates(ctx, &plan) => {
            reports.push(report_instead_of_warning(ctx, i, plan));
            None
        }
        other => other,
    };
    let reminder_due = active
        && findings.iter().any(|f| {
            f.code == "P102" && !reports.iter().any(|r| r.ground == ReportGround::Refusal)
        });
    if reminder_due {
        if let Some(form) = forms::get("report_reminder") {
            out.push(request(form, Event::None));
        }
    }
    if let Some(form) = forms::get("serious_breach_report") {
        for r in &reports {
            out.push(request(form, Event::Report(r.clone())));
        }
    }
    if let (Some(plan), Some(form)) = (warning, forms::get("warning_letter")) {
        out.push(request(form, Event::Warn(plan)));
    }
    // Scheduled and office forms the map makes due (not the staged ones above).
    for f in &findings {
        for d in documents::documents_of(f.code) {
            if !f.due.iter().any(|x| x.0 == d.form) {
                continue;
            }
            let Some(form) = forms::get(&d.form) else {
                continue;
            };
            match d.form.as_str() {
                "report_reminder" | "serious_breach_report" | "warning_letter" | "work_notice" => {}
                "quarterly_evaluation" => {
                    for (year, quarter) in short_quarters(ctx, i) {
                        out.push(request(form, Event::Quarter { year, quarter }));
                    }
                }
                _ => out.push(request(form, Event::None)),
            }
        }
    }
    // Documents the person's 状态 makes due (中止, 终止, 已变更执行地), once 状态日期 says when.
    for (form, event) in status_due(ctx, i, held) {
        out.push(request(form, event));
    }
    // Work notices, one per addressee, listing what each owes for this person.
    if active {
        for plan in notices_for(ctx, Some(p), &findings) {
            if let Some(form) = forms::get("work_notice") {
                out.push(request(form, Event::Notice(plan)));
            }
        }
    }
    out
}

/// The documents person `i`'s 状态 makes due by the map's `statuses` (中止, 终止,
/// 已变更执行地): one per 状态 and 状态日期. A 状态 without its 状态日期 makes nothing due; the
/// clerk is told which cell to fill.
pub fn status_due(
    ctx: &BuildContext,
    i: usize,
    held: &mut Vec<Held>,
) -> Vec<(&'static FormDef, Event)> {
    let reg = ctx.register;
    let Some(p) = reg.persons.get(i) else {
        return Vec::new();
    };
    let status = p.status_or_active();
    let docs = documents::documents_of_status(status);
    let Some(date) = p.status_date else {
        let cell = reg.cell_name(&reg.cell(Sheet::Persons, p.row, "状态日期"));
        for d in docs {
            held.push(hold(
                p,
                &d.form,
                format!(
                    "状态为“{}”，但状态日期（{cell}）未填：{}自状态日期起算，请补填后再生成",
                    status.label(),
                    forms::short_name(&d.form)
                ),
            ));
        }
        return Vec::new();
    };
    docs.iter()
        .filter_map(|d| forms::get(&d.form))
        .map(|f| {
            (
                f,
                Event::Status {
                    status,
                    date: Some(date),
                },
            )
        })
        .collect()
}

/// Work notices for a unit's findings (U201–U204).
pub fn unit_due(ctx: &BuildContext, unit: &str) -> Vec<Request> {
    let findings: Vec<&Finding> = ctx
        .findings
        .iter()
        .filter(|f| f.person.is_none() && f.unit.as_deref() == Some(unit))
        .collect();
    let Some(form) = forms::get("work_notice") else {
        return Vec::new();
    };
    notices_for(ctx, None, &findings)
        .into_iter()
        .map(|plan| Request {
            form,
            person: None,
            unit: unit.to_string(),
            event: Event::Notice(plan),
        })
        .collect()
}

/// One notice per addressee of the work-notice documents the findings make due.
fn notices_for(ctx: &BuildContext, p: Option<&Person>, findings: &[&Finding]) -> Vec<NoticePlan> {
    let mut by_to: BTreeMap<Addressee, Vec<NoticeItem>> = BTreeMap::new();
    for f in findings {
        for d in documents::documents_of(f.code) {
            if d.form != "work_notice" || !f.due.iter().any(|x| x.0 == d.form) {
                continue;
            }
            let about = match p {
                Some(p) => format!("{} {}", p.id, p.name),
                None => f.unit.clone().unwrap_or_default(),
            };
            by_to.entry(d.to).or_default().push(NoticeItem {
                about,
                what: f.message.clone(),
                ground: documents::ground_text(&d.ground, p.and_then(|p| p.measure)),
            });
        }
    }
    by_to
        .into_iter()
        .map(|(to, items)| NoticePlan {
            to,
            to_name: addressee_name(ctx, to, p, findings),
            items,
        })
        .collect()
}

/// How a work notice names its addressee.
fn addressee_name(
    ctx: &BuildContext,
    to: Addressee,
    p: Option<&Person>,
    findings: &[&Finding],
) -> String {
    let named = |role: &str, name: Option<&String>| match name {
        Some(n) if !n.trim().is_empty() => format!("{role}{}", n.trim()),
        _ => role.to_string(),
    };
    let town = p
        .map(|p| p.town.clone())
        .or_else(|| {
            let unit = findings.first().and_then(|f| f.unit.clone())?;
            ctx.register
                .units
                .iter()
                .find(|u| u.unit == unit)
                .map(|u| u.town.clone())
        })
        .unwrap_or_default();
    match to {
        Addressee::Person => p.map(|p| p.name.clone()).unwrap_or_default(),
        Addressee::Police => ctx.office.police_for(p),
        Addressee::PoliceStation => ctx.office.police_station(),
        Addressee::Group => named("帮教小组组长", p.and_then(|p| p.group_leader.as_ref())),
        Addressee::Worker => named("专职社工", p.and_then(|p| p.social_worker.as_ref())),
        Addressee::Office => ctx.office.name_for(&town),
        Addressee::Unit => {
            let unit = findings
                .first()
                .and_then(|f| f.unit.clone())
                .unwrap_or_default();
            format!("{unit}社区戒毒(康复)工作小组")
        }
    }
}

/// The quarters (calendar, 3 months) without an evaluation that P109 found.
fn short_quarters(ctx: &BuildContext, i: usize) -> Vec<(i32, u8)> {
    let rcx = crate::rules::Ctx::new(ctx.register, ctx.profile, ctx.as_of);
    let Some((_, short, _)) = short_periods(&rcx, i, EventKind::Evaluations) else {
        return Vec::new();
    };
    let mut out: Vec<(i32, u8)> = short
        .iter()
        .filter(|pc| !pc.by_term_year && pc.complete)
        .filter_map(|pc| {
            let q = ((pc.start.month() - 1) / 3 + 1) as u8;
            let (s, e) = super::plan::quarter_bounds(pc.start.year(), q)?;
            (s == pc.start && e == pc.end).then_some((pc.start.year(), q))
        })
        .collect();
    out.dedup();
    out
}

/// The written warnings given to person `i` before `date`: 告诫 rows of type 书面, and the
/// office's ledger's 告诫书 whose number the sheet does not already hold.
pub fn prior_warnings(ctx: &BuildContext, i: usize, date: NaiveDate) -> Vec<PriorWarning> {
    let reg = ctx.register;
    let mut out: Vec<PriorWarning> = reg
        .warnings_of(i)
        .iter()
        .filter(|w| w.kind == WarningKind::Written && w.date < date)
        .map(|w| PriorWarning {
            date: w.date,
            number: w.number.clone().filter(|n| !n.trim().is_empty()),
            reason: w.reason.clone(),
        })
        .collect();
    let id = reg.persons.get(i).map(|p| p.id.as_str()).unwrap_or("");
    for e in ctx
        .issued
        .iter()
        .filter(|e| e.form == "warning_letter" && e.person == id)
    {
        let Some(d) = e.date else { continue };
        if d >= date
            || out
                .iter()
                .any(|w| w.number.as_deref() == Some(e.number.as_str()))
        {
            continue;
        }
        out.push(PriorWarning {
            date: d,
            number: Some(e.number.clone()),
            reason: None,
        });
    }
    out.sort_by(|a, b| (a.date, &a.number).cmp(&(b.date, &b.number)));
    out
}

/// The facts of the person's own breach below the serious-breach thresholds, dated on or
/// before the as-of date: refused or evaded tests (unless P110 was reached), unapproved
/// departures (unless P111 was reached) and months short of self-reports (P107).
fn warnable_facts(ctx: &BuildContext, i: usize, findings: &[&Finding]) -> Vec<Fact> {
    let reg = ctx.register;
    let has = |code: &str| findings.iter().any(|f| f.code == code);
    let mut facts = Vec::new();
    let p = &reg.persons[i];
    let start = p.report_date.unwrap_or(NaiveDate::MIN);
    let in_window = |d: NaiveDate| d >= start && d <= ctx.as_of;
    if !has("P110") {
        for t in reg.tests_of(i) {
            if matches!(t.result, TestResult::Refused | TestResult::Evaded) && in_window(t.date) {
                facts.push(Fact {
                    date: t.date,
                    kind: "refused_test".into(),
                    text: format!("{}{}接受检测", cn_date(t.date), t.result.label()),
                });
            }
        }
    }
    if !has("P111") {
        for l in reg.leaves_of(i) {
            if !l.approved && in_window(l.leave_date) {
                let back = match l.return_date {
                    Some(r) => format!("，{}返回", cn_date(r)),
                    None => "，至今未返回".to_string(),
                };
                facts.push(Fact {
                    date: l.leave_date,
                    kind: "unapproved_departure".into(),
                    text: format!("{}未经批准擅自离开执行地{back}", cn_date(l.leave_date)),
                });
            }
        }
    }
    // A return after the approved date (准假至) is the person's own breach.
    for l in reg.leaves_of(i) {
        let Some(until) = l.approved_until else {
            continue;
        };
        let late_until = l.return_date.unwrap_or(ctx.as_of);
        if !l.approved || late_until <= until || !in_window(l.leave_date) {
            continue;
        }
        let back = match l.return_date {
            Some(r) => format!("{}返回，逾期{}日", cn_date(r), (r - until).num_days()),
            None => format!("至今未返回，已逾期{}日", (ctx.as_of - until).num_days()),
        };
        facts.push(Fact {
            date: add_days(until, 1),
            kind: "late_return".into(),
            text: format!(
                "{}经批准请假离开，应于{}返回，{back}",
                cn_date(l.leave_date),
                cn_date(until)
            ),
        });
    }
    if has("P107") {
        let rcx = crate::rules::Ctx::new(reg, ctx.profile, ctx.as_of);
        if let Some((_, short, _)) = short_periods(&rcx, i, EventKind::SelfReports) {
            for pc in short.iter().filter(|pc| pc.complete && pc.end <= ctx.as_of) {
                let span = if pc.start.day() == 1 && pc.start.month() == pc.end.month() {
                    format!("{}年{}月", pc.start.year(), pc.start.month())
                } else {
                    format!("{}至{}", cn_date(pc.start), cn_date(pc.end))
                };
                facts.push(Fact {
                    date: pc.end,
                    kind: "self_report".into(),
                    text: format!(
                        "{span}向帮教小组报告本人情况{}次，少于协议规定的{}次",
                        pc.done, pc.required
                    ),
                });
            }
        }
    }
    facts.sort_by(|a, b| (a.date, &a.text).cmp(&(b.date, &b.text)));
    facts
}

/// The 告诫书 due for person `i` on the as-of date: the facts not yet warned about (dated after
/// the last written warning before today), or None.
fn warning_due(ctx: &BuildContext, i: usize, findings: &[&Finding]) -> Option<WarningPlan> {
    let date = ctx.as_of;
    let prior = prior_warnings(ctx, i, date);
    let last = prior.iter().map(|w| w.date).max();
    let facts: Vec<Fact> = warnable_facts(ctx, i, findings)
        .into_iter()
        .filter(|f| last.is_none_or(|l| f.date > l))
        .collect();
    if facts.is_empty() {
        return None;
    }
    let mut ground: Vec<String> = Vec::new();
    for f in &facts {
        for g in documents::fact(&f.kind)
            .map(|d| d.ground.as_slice())
            .unwrap_or(&[])
        {
            if !ground.contains(g) {
                ground.push(g.clone());
            }
        }
    }
    Some(WarningPlan {
        date,
        facts,
        nth: prior.len() as u32 + 1,
        ground,
    })
}

/// Whether a warning due would be one more after the written warnings the profile counts
/// (`serious_breach.warnings.count`, P113 on) for a failure to report one's situation: the
/// facts then amount to a serious breach of the agreement (a local rule).
fn escalates(ctx: &BuildContext, plan: &WarningPlan) -> bool {
    let rule = &ctx.profile.serious_breach.warnings;
    ctx.profile.enabled("P113")
        && rule.count > 0
        && plan.nth > rule.count
        && plan.facts.iter().any(|f| f.kind == "self_report")
}

/// The report that replaces a warning [`escalates`] says is not to be given.
fn report_instead_of_warning(ctx: &BuildContext, i: usize, plan: WarningPlan) -> ReportPlan {
    let mut facts = plan.facts;
    if let Some(last) = facts.iter().map(|f| f.date).max() {
        facts.push(Fact {
            date: last,
            kind: "P113".into(),
            text: format!(
                "经{}次书面告诫后，仍不按协议规定向帮教小组报告本人情况",
                super::chinese::count_cn(plan.nth - 1)
            ),
        });
    }
    ReportPlan {
        ground: ReportGround::SeriousBreach,
        facts,
        citations: documents::documents_of("P113")
            .iter()
            .filter(|d| d.form == "serious_breach_report")
            .flat_map(|d| d.ground.iter().cloned())
            .collect(),
        warnings: prior_warnings(ctx, i, ctx.as_of),
        reminder: None,
        statutory_deadline: None,
    }
}

/// The reports to the police due for person `i`, one per ground, each only once its facts
/// were not reported before (the ledger's earlier report of the same ground covers facts up
/// to its date). A refusal to report in waits for the statutory deadline and, when the
/// profile says the office urges first, for the deadline of a 催告报到通知书 already issued.
fn reports_due(
    ctx: &BuildContext,
    i: usize,
    findings: &[&Finding],
    held: &mut Vec<Held>,
) -> Vec<ReportPlan> {
    let reg = ctx.register;
    let p = &reg.persons[i];
    let mut by_ground: BTreeMap<ReportGround, ReportPlan> = BTreeMap::new();
    for f in findings {
        let Some(ground) = ReportGround::of_code(f.code) else {
            continue;
        };
        if !f.due.iter().any(|d| d.0 == "serious_breach_report") {
            continue;
        }
        let citations: Vec<String> = documents::documents_of(f.code)
            .iter()
            .filter(|d| d.form == "serious_breach_report")
            .flat_map(|d| d.ground.iter().cloned())
            .collect();
        let plan = by_ground.entry(ground).or_insert_with(|| ReportPlan {
            ground,
            facts: Vec::new(),
            citations: Vec::new(),
            warnings: Vec::new(),
            reminder: None,
            statutory_deadline: None,
        });
        for c in citations {
            if !plan.citations.contains(&c) {
                plan.citations.push(c);
            }
        }
        plan.facts.extend(breach_facts(ctx, i, f));
        if ground == ReportGround::Refusal {
            plan.statutory_deadline = f.due_date;
        }
    }
    let mut out = Vec::new();
    for (ground, mut plan) in by_ground {
        plan.facts
            .sort_by(|a, b| (a.date, &a.text).cmp(&(b.date, &b.text)));
        plan.facts.dedup();
        // Facts already reported under this ground are not reported again; the same report
        // made again (same ground, same last fact) keeps its number.
        let this_key = Event::Report(plan.clone()).key(reg);
        let reported = ctx
            .issued
            .iter()
            .filter(|e| {
                e.form == "serious_breach_report"
                    && e.person == p.id
                    && e.event != this_key
                    && e.event.starts_with(&format!("报告-{}@", ground.key()))
            })
            .filter_map(|e| e.date)
            .max();
        if let Some(r) = reported {
            if plan.facts.iter().all(|f| f.date <= r) {
                continue;
            }
        }
        if ground == ReportGround::Refusal && ctx.profile.report_in.urge_first {
            let reminder = ctx
                .issued
                .iter()
                .find(|e| e.form == "report_reminder" && e.person == p.id);
            match reminder.and_then(|e| e.date.map(|d| (e.number.clone(), d))) {
                Some((number, date)) => {
                    let deadline = reminder_deadline(ctx, p, date);
                    if ctx.as_of <= deadline {
                        held.push(hold(
                            p,
                            "serious_breach_report",
                            format!(
                                "已于{}以{}催告报到，催告期限至{}；期限届满仍未报到的，方可报告公安机关",
                                cn_date(date),
                                number,
                                cn_date(deadline)
                            ),
                        ));
                        continue;
                    }
                    plan.reminder = Some((number, date, deadline));
                }
                None => {
                    held.push(hold(
                        p,
                        "serious_breach_report",
                        "已超过法定报到期限，按规定先出具催告报到通知书；催告期限届满仍未报到的，方可报告公安机关".to_string(),
                    ));
                    continue;
                }
            }
        }
        plan.warnings = prior_warnings(ctx, i, ctx.as_of);
        out.push(plan);
    }
    out
}

/// The statutory report-in deadline of a person: 送达日期 (or 决定日期) + the statutory days
/// (《戒毒条例》第十四条、第三十八条: 15 days).
pub fn statutory_deadline(ctx: &BuildContext, p: &Person) -> Option<NaiveDate> {
    let base = p.served_date.or(p.decision_date)?;
    Some(add_days(base, ctx.profile.report_in.statutory_days))
}

/// The deadline a 催告报到通知书 issued on `date` gives: the profile's days after it, and never
/// before the statutory deadline (the consequence of not reporting in cannot come earlier).
pub fn reminder_deadline(ctx: &BuildContext, p: &Person, date: NaiveDate) -> NaiveDate {
    let own = add_days(date, ctx.profile.report_in.reminder_days);
    match statutory_deadline(ctx, p) {
        Some(s) => own.max(s),
        None => own,
    }
}

fn hold(p: &Person, form: &str, reason: String) -> Held {
    Held::of(p, form, vec![reason])
}

/// The facts of one serious-breach finding, from the register rows it rests on.
fn breach_facts(ctx: &BuildContext, i: usize, f: &Finding) -> Vec<Fact> {
    let reg = ctx.register;
    let p = &reg.persons[i];
    let fact = |date: NaiveDate, text: String| Fact {
        date,
        kind: f.code.to_string(),
        text,
    };
    let rows: Vec<u32> = f.cells.iter().map(|c| reg.record_row(c)).collect();
    match f.code {
        "P102" => {
            let deadline = f.due_date.unwrap_or(ctx.as_of);
            let base = p.served_date.or(p.decision_date);
            vec![fact(
                deadline,
                format!(
                    "{}{}送达责令{}决定，法定报到期限于{}届满，截至{}仍未报到",
                    base.map(cn_date).unwrap_or_default(),
                    if p.served_date.is_some() {
                        ""
                    } else {
                        "（决定日期）"
                    },
                    super::build::programme(p),
                    cn_date(deadline),
                    cn_date(ctx.as_of)
                ),
            )]
        }
        "P110" | "P112" => reg
            .tests_of(i)
            .iter()
            .filter(|t| rows.contains(&t.row))
            .map(|t| {
                let what = if t.result == TestResult::Positive {
                    "检测结果呈阳性".to_string()
                } else {
                    format!("{}接受检测", t.result.label())
                };
                fact(t.date, format!("{}{what}", cn_date(t.date)))
            })
            .collect(),
        "P111" => reg
            .leaves_of(i)
            .iter()
            .filter(|l| rows.contains(&l.row) && !l.approved)
            .map(|l| {
                let back = match l.return_date {
                    Some(r) => format!(
                        "，{}返回，离开{}日",
                        cn_date(r),
                        (r - l.leave_date).num_days()
                    ),
                    None => "，至今未返回".to_string(),
                };
                fact(
                    l.leave_date,
                    format!("{}未经批准擅自离开执行地{back}", cn_date(l.leave_date)),
                )
            })
            .collect(),
        "P113" => {
            let last = reg
                .warnings_of(i)
                .iter()
                .filter(|w| rows.contains(&w.row))
                .map(|w| w.date)
                .max()
                .unwrap_or(ctx.as_of);
            vec![fact(
                ctx.as_of.max(last),
                format!(
                    "经{}次书面告诫后，仍不按协议规定向帮教小组报告本人情况",
                    super::chinese::count_cn(ctx.profile.serious_breach.warnings.count)
                ),
            )]
        }
        _ => Vec::new(),
    }
}

/// Whether the duty of `code` is the person's own (for tests and the catalogue).
pub fn is_persons_breach(code: &str) -> bool {
    documents::for_code(code).is_some_and(|e| e.duty == Duty::Person)
}
