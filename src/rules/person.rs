//! Person rules P101–P118: one small pure function per rule, run for every person.
//!
//! Every rule reads one person's row and their own event slices (`Register::tests_of` and
//! friends), so the whole pass is linear in the size of the register. A rule skips silently
//! what it cannot evaluate for missing data (no 报到日期, no 送达/决定日期, …): the data checks
//! D001–D010 report those. A value that was filled but could not be read (an unreadable date,
//! a value outside its set, a rejected event row) is not missing: the rules resting on it are
//! not evaluated for that person at all ([`PERSON_RULES`] lists each rule's inputs). A rule
//! gives at most one finding per person, listing every period or row it rests on, with the
//! cells of those rows.
//!
//! Day arithmetic: "within N days of date D" means on or before D + N days (day N is on time,
//! day N + 1 is late). Leave and departure lengths are `返回日期 − 离开日期` in days (the day of
//! leaving is not counted, the day of return is); an open departure runs to the window's end.

use super::schedule::{count_events, item_periods, items_for, surprise_periods, PeriodCount};
use super::window::{add_days, add_years, counted_periods, pro_rata, programme_window, Window};
use super::Ctx;
use crate::finding::{Finding, Severity};
use crate::model::{CellRef, ContactKind, EvalPeriod, Person, Sex, Sheet, Status, TestResult};
use crate::profile::EventKind;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// A person rule: appends at most one finding for person `p`.
type PersonRule = fn(&Ctx, usize, &mut Vec<Finding>);

/// A person rule and the inputs it rests on. The rule is not evaluated for a person when one
/// of `fields` (columns of 人员) held a value that could not be read, or when a row of one of
/// `sheets` of theirs was rejected while reading: the reading finding (D001/D002/D009/…)
/// already tells the clerk, and a `None` standing for an unreadable value is not an empty
/// cell (an unreadable 报到日期 is not "not reported in").
///
/// `fields` lists every column the rule reads, also through the programme window
/// ([`WINDOW`]) and the schedule (措施类型). `sheets` lists the event sheets where a missing
/// row could make a finding — rules that count events against a minimum, or look for the
/// absence of one (no 总评估, no positive test); a rule that only reports rows found (a
/// positive test, a refusal) loses nothing true from a rejected row and does not list it.
pub struct PersonRuleDef {
    pub code: &'static str,
    run: PersonRule,
    pub fields: &'static [&'static str],
    pub sheets: &'static [Sheet],
}

/// The fields the programme window reads ([`programme_window`]).
const WINDOW: &[&str] = &["报到日期", "期限(月)", "状态", "状态日期"];
/// The window and the schedule items that apply (措施类型).
const SCHEDULE: &[&str] = &["报到日期", "期限(月)", "状态", "状态日期", "措施类型"];
/// The report-in deadline ([`report_deadline`]) and 报到日期.
const REPORT_IN: &[&str] = &["报到日期", "送达日期", "决定日期", "外省市人员"];

const fn def(
    code: &'static str,
    run: PersonRule,
    fields: &'static [&'static str],
    sheets: &'static [Sheet],
) -> PersonRuleDef {
    PersonRuleDef {
        code,
        run,
        fields,
        sheets,
    }
}

/// The person rules in code order, with their inputs.
pub const PERSON_RULES: &[PersonRuleDef] = &[
    def("P101", p101_late_report_in, REPORT_IN, &[]),
    def(
        "P102",
        p102_no_report_in,
        &["报到日期", "送达日期", "决定日期", "外省市人员", "状态"],
        &[],
    ),
    def(
        "P103",
        p103_agreement,
        &["报到日期", "协议签订日期", "状态"],
        &[],
    ),
    def("P104", p104_term_ended_active, WINDOW, &[]),
    def("P105", p105_tests, SCHEDULE, &[Sheet::Tests]),
    def("P106", p106_talks, SCHEDULE, &[Sheet::Contacts]),
    def("P107", p107_self_reports, SCHEDULE, &[Sheet::Contacts]),
    def(
        "P108",
        p108_totals,
        SCHEDULE,
        &[Sheet::Tests, Sheet::Contacts, Sheet::Evaluations],
    ),
    def("P109", p109_evaluations, SCHEDULE, &[Sheet::Evaluations]),
    def("P110", p110_refused_tests, WINDOW, &[]),
    def("P111", p111_departures, WINDOW, &[]),
    def("P112", p112_positive_test, WINDOW, &[]),
    def(
        "P113",
        p113_warnings_ignored,
        WINDOW,
        &[Sheet::Contacts, Sheet::Warnings],
    ),
    def("P114", p114_long_leave, WINDOW, &[]),
    def("P115", p115_female_group, &["性别", "公民身份号码"], &[]),
    def("P116", p116_total_evaluation, WINDOW, &[Sheet::Evaluations]),
    def(
        "P117",
        p117_serious_attention,
        &[
            "报到日期",
            "期限(月)",
            "状态",
            "状态日期",
            "固定住所",
            "固定工作",
            "固定联系方式",
        ],
        &[],
    ),
    def("P118", p118_dynamic_control, WINDOW, &[Sheet::Tests]),
];

/// What could not be read about one person: the unreadable fields of their 人员 row and the
/// sheets where rows of theirs were rejected.
#[derive(Debug, Default)]
struct Unreadable {
    fields: Vec<&'static str>,
    sheets: Vec<Sheet>,
}

impl Unreadable {
    fn blocks(&self, rule: &PersonRuleDef) -> bool {
        rule.fields.iter().any(|f| self.fields.contains(f))
            || rule.sheets.iter().any(|s| self.sheets.contains(s))
    }
}

/// Per person (index), what could not be read; persons with everything readable are absent.
fn unreadable_by_person(cx: &Ctx) -> HashMap<usize, Unreadable> {
    let reg = cx.register;
    let mut out: HashMap<usize, Unreadable> = HashMap::new();
    if !reg.unreadable.is_empty() {
        let rows: HashSet<u32> = reg
            .unreadable
            .iter()
            .filter(|c| c.sheet == Sheet::Persons)
            .map(|c| reg.record_row(c))
            .collect();
        for (i, p) in reg.persons.iter().enumerate() {
            if rows.contains(&p.row) {
                let fields = reg.unreadable_fields(Sheet::Persons, p.row);
                if !fields.is_empty() {
                    out.entry(i).or_default().fields = fields;
                }
            }
        }
    }
    for (&i, rows) in &reg.rejected_rows {
        let u = out.entry(i).or_default();
        for (sheet, _) in rows {
            if !u.sheets.contains(sheet) {
                u.sheets.push(*sheet);
            }
        }
    }
    out
}

/// Runs every enabled person rule for every person, except the rules whose inputs could not
/// be read for that person (see [`PersonRuleDef`]).
pub fn check(cx: &Ctx, out: &mut Vec<Finding>) {
    let rules: Vec<&PersonRuleDef> = PERSON_RULES
        .iter()
        .filter(|r| cx.profile.enabled(r.code))
        .collect();
    if rules.is_empty() {
        return;
    }
    let unreadable = unreadable_by_person(cx);
    let progress = crate::progress::Phase::bar("检查规则", cx.register.persons.len() as u64);
    for p in 0..cx.register.persons.len() {
        progress.inc();
        let blocked = unreadable.get(&p);
        for rule in &rules {
            if blocked.is_some_and(|u| u.blocks(rule)) {
                continue;
            }
            (rule.run)(cx, p, out);
        }
    }
}

/// `2025年3月1日` (GB/T 9704 style, no padding).
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn cn_month(d: NaiveDate) -> String {
    format!("{}年{}月", d.year(), d.month())
}

fn person_cell(cx: &Ctx, p: &Person, field: &str) -> CellRef {
    cx.register.cell(Sheet::Persons, p.row, field)
}

/// Lists at most `max` items joined by `sep`, then "…等共 N 项".
fn join_limited(items: &[String], max: usize, sep: &str) -> String {
    if items.len() <= max {
        items.join(sep)
    } else {
        format!("{}{sep}……等共{}项", items[..max].join(sep), items.len())
    }
}

/// The report-in deadline of a person: (base date, its field, days allowed, deadline).
fn report_deadline(cx: &Ctx, p: &Person) -> Option<(NaiveDate, &'static str, i64, NaiveDate)> {
    let (base, field) = match (p.served_date, p.decision_date) {
        (Some(s), _) => (s, "送达日期"),
        (None, Some(d)) => (d, "决定日期"),
        (None, None) => return None,
    };
    let r = &cx.profile.report_in;
    let days = if p.from_other_province {
        r.days_other_province
    } else {
        r.days
    };
    Some((base, field, days, add_days(base, days)))
}

/// P101: reported in after the deadline. The deadline is 送达日期 (or 决定日期 when 送达 is
/// empty) + `report_in.days` (`days_other_province` for 外省市人员); reporting on the last day
/// is on time. A 报到日期 after the as-of date is left to D008. Rests on the 报到日期 and the
/// base date cells.
fn p101_late_report_in(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let Some(report) = p.report_date else { return };
    let Some((base, field, days, deadline)) = report_deadline(cx, p) else {
        return;
    };
    // A 报到日期 after the as-of date is a data error (D008), not a late report-in.
    if report <= deadline || report > cx.as_of {
        return;
    }
    let late = (report - deadline).num_days();
    let msg = format!(
        "{}{}，应于{}{}日内（至{}）报到，实际{}报到，逾期{}日",
        field,
        cn_date(base),
        if p.from_other_province {
            "外省市人员"
        } else {
            ""
        },
        days,
        cn_date(deadline),
        cn_date(report),
        late
    );
    out.push(
        cx.person_finding("P101", i, msg)
            .cell(person_cell(cx, p, "报到日期"))
            .cell(person_cell(cx, p, field))
            .basis(cx.profile.report_in.basis.clone()),
    );
}

/// P102: not reported in and the report-in deadline passed before the as-of date (only for
/// persons still 执行中). Two stages, and the law's floor holds whatever the profile says:
/// - past the local deadline (`report_in.days`) but not the statutory one
///   (`report_in.statutory_days`, 《戒毒条例》第十四条: 15 days): a warning — the office urges
///   the person to report in (催告报到通知书); nothing statutory follows yet;
/// - past the statutory deadline: regarded as refusing the programme (breach); the report to
///   the police follows (after the reminder's deadline when the office urges first).
/// `due_date` is the statutory deadline: the map makes the report due only after it.
fn p102_no_report_in(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    if p.report_date.is_some() || p.status_or_active() != Status::Active {
        return;
    }
    let Some((base, field, days, deadline)) = report_deadline(cx, p) else {
        return;
    };
    let statutory_days = cx.profile.report_in.statutory_days;
    let statutory = add_days(base, statutory_days);
    // The local deadline never makes the statutory consequence arise earlier.
    let local = deadline.min(statutory);
    if local >= cx.as_of {
        return;
    }
    let configured = cx.severity("P102");
    let (severity, msg) = if cx.as_of <= statutory {
        (
            configured.min(Severity::Warning),
            format!(
                "{}{}，应于{}日内（至{}）报到，截至{}仍未报到；尚在法定{}日报到期限（至{}）内，应催告其报到",
                field,
                cn_date(base),
                days.min(statutory_days),
                cn_date(local),
                cn_date(cx.as_of),
                statutory_days,
                cn_date(statutory)
            ),
        )
    } else {
        (
            configured,
            format!(
                "{}{}，法定{}日报到期限已于{}届满，截至{}仍未报到，视为拒绝接受社区戒毒（康复）；{}",
                field,
                cn_date(base),
                statutory_days,
                cn_date(statutory),
                cn_date(cx.as_of),
                if cx.profile.report_in.urge_first {
                    "经催告期限届满仍未报到的，应报告公安机关"
                } else {
                    "应报告公安机关"
                }
            ),
        )
    };
    let mut f = cx
        .person_finding("P102", i, msg)
        .cell(person_cell(cx, p, "报到日期"))
        .cell(person_cell(cx, p, field))
        .basis(cx.profile.report_in.basis.clone())
        .due_date(statutory);
    f.severity = severity;
    out.push(f);
}

/// P103: reported in but the agreement was not signed within `agreement.days_after_report_in`
/// days: signed late, or still unsigned after the deadline (whatever the 状态; the agreement is
/// then due while the person is 执行中).
fn p103_agreement(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let Some(report) = p.report_date else { return };
    let days = cx.profile.agreement.days_after_report_in;
    let deadline = add_days(report, days);
    let base = cx
        .person_finding("P103", i, String::new())
        .basis(cx.profile.agreement.basis.clone());
    let f = match p.agreement_date {
        // Signed in time, or a date after the as-of date (D008's business).
        Some(a) if a <= deadline || a > cx.as_of => return,
        Some(a) => Finding {
            message: format!(
                "{}报到，应于{}日内（至{}）签订协议，实际{}签订",
                cn_date(report),
                days,
                cn_date(deadline),
                cn_date(a)
            ),
            ..base
        }
        .cell(person_cell(cx, p, "协议签订日期"))
        .cell(person_cell(cx, p, "报到日期")),
        None if deadline < cx.as_of => {
            let f = Finding {
                message: format!(
                    "{}报到，应于{}日内（至{}）签订协议，截至{}未签订",
                    cn_date(report),
                    days,
                    cn_date(deadline),
                    cn_date(cx.as_of)
                ),
                ..base
            }
            .cell(person_cell(cx, p, "协议签订日期"))
            .cell(person_cell(cx, p, "报到日期"));
            // The agreement itself is due only while the programme runs (the map makes it due
            // past the deadline; a finding without one makes nothing due).
            if p.status_or_active() == Status::Active {
                f.due_date(deadline)
            } else {
                f
            }
        }
        None => return,
    };
    out.push(f);
}

/// P104: the term (期限(月) from 报到) has ended — the as-of date is past its last day — and
/// 状态 is still 执行中: the discharge proposal and the notice (for the police) are due, dated
/// the term's last day.
fn p104_term_ended_active(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    if p.status_or_active() != Status::Active {
        return;
    }
    let Some(w) = programme_window(p, cx.as_of) else {
        return;
    };
    if cx.as_of < w.term_end {
        return;
    }
    let msg = format!(
        "期限{}个月已于{}届满，状态仍为执行中，应提出解除意见并由公安机关出具解除通知书",
        term_months(p),
        cn_date(w.last_term_day())
    );
    out.push(
        cx.person_finding("P104", i, msg)
            .cell(person_cell(cx, p, "状态"))
            .cell(person_cell(cx, p, "报到日期"))
            .basis(cx.profile.term.basis.clone())
            .due_date(w.last_term_day()),
    );
}

fn term_months(p: &Person) -> u32 {
    if p.term_months == 0 {
        36
    } else {
        p.term_months
    }
}

/// The short periods of every schedule item of `kind` for person `i` over the whole window,
/// with the bases of the items that were short.
pub fn short_periods(
    cx: &Ctx,
    i: usize,
    kind: EventKind,
) -> Option<(Window, Vec<PeriodCount>, Vec<String>)> {
    let p = &cx.register.persons[i];
    let w = programme_window(p, cx.as_of)?;
    let mut short = Vec::new();
    let mut bases: Vec<String> = Vec::new();
    for item in items_for(cx.register, i, cx.profile) {
        if item.kind != kind {
            continue;
        }
        let before = short.len();
        short.extend(
            item_periods(cx.register, i, &item, &w, w.start, w.end)
                .into_iter()
                .filter(|pc| pc.is_short()),
        );
        if short.len() > before && !bases.contains(&item.basis) {
            bases.push(item.basis.clone());
        }
    }
    Some((w, short, bases))
}

fn describe_period(pc: &PeriodCount) -> String {
    let span = if pc.start.day() == 1
        && pc.end.month() == pc.start.month()
        && pc.end.year() == pc.start.year()
    {
        cn_month(pc.start)
    } else {
        format!("{}至{}", cn_date(pc.start), cn_date(pc.end))
    };
    format!("{}完成{}次，应{}次", span, pc.done, pc.required)
}

/// The term years of person `i` short of unannounced tests (`surprise_tests.per_year`), over
/// the whole window.
pub fn short_surprise_periods(cx: &Ctx, i: usize) -> Vec<PeriodCount> {
    let p = &cx.register.persons[i];
    let Some(w) = programme_window(p, cx.as_of) else {
        return Vec::new();
    };
    surprise_periods(cx.register, i, cx.profile, &w, w.start, w.end)
        .into_iter()
        .filter(|pc| pc.is_short())
        .collect()
}

/// `突击（不预先通知）检测第1期限年度完成2次，应3次（2024年1月1日至2024年12月31日）`.
fn describe_surprise(pc: &PeriodCount) -> String {
    let span = format!("{}至{}", cn_date(pc.start), cn_date(pc.end));
    if pc.complete {
        format!(
            "突击（不预先通知）检测第{}期限年度完成{}次，应{}次（{}）",
            pc.term_year, pc.done, pc.required, span
        )
    } else {
        format!(
            "突击（不预先通知）检测第{}期限年度至今完成{}次，按比例应{}次（{}）",
            pc.term_year, pc.done, pc.required, span
        )
    }
}

fn schedule_rule(cx: &Ctx, i: usize, code: &'static str, kind: EventKind, out: &mut Vec<Finding>) {
    let Some((_, short, mut bases)) = short_periods(cx, i, kind) else {
        return;
    };
    let surprise = if kind == EventKind::Tests {
        short_surprise_periods(cx, i)
    } else {
        Vec::new()
    };
    if short.is_empty() && surprise.is_empty() {
        return;
    }
    let p = &cx.register.persons[i];
    let parts: Vec<String> = short
        .iter()
        .map(|pc| {
            let s = describe_period(pc);
            match (pc.by_term_year, pc.complete) {
                (false, _) => s,
                (true, true) => format!("第{}期限年度（{}）", pc.term_year, s),
                (true, false) => format!("第{}期限年度至今按比例（{}）", pc.term_year, s),
            }
        })
        .collect();
    let mut sections = Vec::new();
    if !parts.is_empty() {
        sections.push(format!(
            "{}不足：{}",
            kind.label(),
            join_limited(&parts, 12, "；")
        ));
    }
    if !surprise.is_empty() {
        let parts: Vec<String> = surprise.iter().map(describe_surprise).collect();
        sections.push(join_limited(&parts, 12, "；"));
        let basis = &cx.profile.surprise_tests.basis;
        if !bases.contains(basis) {
            bases.push(basis.clone());
        }
    }
    // The message names the periods and nothing of the workbook: it is printed on work
    // notices. The cell shows the clerk where the missing rows belong.
    let first_short = short.first().or(surprise.first());
    let cell = gap_cell(cx, i, kind, first_short);
    let msg = sections.join("；");
    out.push(
        cx.person_finding(code, i, msg)
            .cell(cell.unwrap_or_else(|| person_cell(cx, p, "编号")))
            .basis(bases.join("；")),
    );
}

/// The sheet a schedule kind's events are recorded on, and its date column.
fn event_sheet(kind: EventKind) -> (Sheet, &'static str) {
    match kind {
        EventKind::Tests => (Sheet::Tests, "检测日期"),
        EventKind::Talks | EventKind::SelfReports => (Sheet::Contacts, "日期"),
        EventKind::Evaluations => (Sheet::Evaluations, "评估日期"),
    }
}

/// Where a schedule shortfall is to be fixed: on the event sheet, not on the person's row.
/// The cell is the date of the person's last row there before the end of the first short
/// period (where the missing row belongs), else of their first row, else the date column's
/// header (on the person's own workbook sheet, [`crate::model::Register::header_cell_for`]); None when the
/// register has no such sheet.
fn gap_cell(
    cx: &Ctx,
    i: usize,
    kind: EventKind,
    first_short: Option<&PeriodCount>,
) -> Option<CellRef> {
    let reg = cx.register;
    let (sheet, date_field) = event_sheet(kind);
    if !reg.layouts.contains_key(&sheet) {
        return None;
    }
    let until = first_short.map(|pc| pc.end).unwrap_or(NaiveDate::MAX);
    let rows: Vec<(u32, NaiveDate)> = match kind {
        EventKind::Tests => reg.tests_of(i).iter().map(|e| (e.row, e.date)).collect(),
        EventKind::Talks | EventKind::SelfReports => {
            reg.contacts_of(i).iter().map(|e| (e.row, e.date)).collect()
        }
        EventKind::Evaluations => reg
            .evaluations_of(i)
            .iter()
            .map(|e| (e.row, e.date))
            .collect(),
    };
    match rows
        .iter()
        .filter(|(_, d)| *d <= until)
        .max_by_key(|(_, d)| *d)
        .or(rows.first())
    {
        Some((row, _)) => Some(reg.cell(sheet, *row, date_field)),
        None => reg.header_cell_for(sheet, i, date_field),
    }
}

/// P105: fewer tests (结果 阴性/阳性) than the schedule's test items require: in a completed
/// term year (or counted calendar period), or behind pro rata in the current term year
/// (see [`super::window`]); and fewer unannounced tests than `surprise_tests.per_year` in a
/// completed term year (pro rata in the current one), a requirement of its own: unannounced
/// tests count toward the schedule too, but `per_year` does not raise it.
fn p105_tests(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    schedule_rule(cx, i, "P105", EventKind::Tests, out);
}

/// P106: a counted month (or the schedule's period) without the required face-to-face talks
/// (形式 面谈 or 家访). A talk dated the last day of a month counts for that month.
fn p106_talks(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    schedule_rule(cx, i, "P106", EventKind::Talks, out);
}

/// P107: a counted month (or period) with fewer self-reports (形式 本人报告) than required.
fn p107_self_reports(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    schedule_rule(cx, i, "P107", EventKind::SelfReports, out);
}

/// P109: a counted quarter (or period) without a quarterly evaluation (an evaluation counts
/// for the quarter its 评估期 names; 总评估 does not count).
fn p109_evaluations(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    schedule_rule(cx, i, "P109", EventKind::Evaluations, out);
}

/// P108: events of the total's kinds over the window below the profile's total for the term;
/// while the term runs the total is required pro rata, `floor(min × window days / term
/// days)`.
fn p108_totals(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let Some(w) = programme_window(p, cx.as_of) else {
        return;
    };
    let mut parts = Vec::new();
    let mut bases = Vec::new();
    for total in &cx.profile.totals {
        if !total.measure.applies(p.measure) {
            continue;
        }
        let done: u32 = total
            .kinds
            .iter()
            .map(|k| count_events(cx.register, i, *k, w.start, w.end))
            .sum();
        let required = if w.covers_term() {
            total.min
        } else {
            pro_rata(total.min, w.days(), w.term_days())
        };
        if done < required {
            let kinds: Vec<&str> = total.kinds.iter().map(|k| k.label()).collect();
            parts.push(format!(
                "{}至{}{}合计{}次，应{}次（期限内共{}次{}）",
                cn_date(w.start),
                cn_date(w.end),
                kinds.join("和"),
                done,
                required,
                total.min,
                if w.covers_term() {
                    ""
                } else {
                    "，按已过时间折算"
                }
            ));
            bases.push(total.basis.clone());
        }
    }
    if parts.is_empty() {
        return;
    }
    out.push(
        cx.person_finding("P108", i, parts.join("；"))
            .cell(person_cell(cx, p, "编号"))
            .basis(bases.join("；")),
    );
}

/// The window to count a person's events in: the programme window when there is one, else
/// everything up to the as-of date.
fn event_bounds(cx: &Ctx, p: &Person) -> (NaiveDate, NaiveDate) {
    match programme_window(p, cx.as_of) {
        Some(w) => (w.start, w.end),
        None => (p.report_date.unwrap_or(NaiveDate::MIN), cx.as_of),
    }
}

/// P110: tests whose 结果 is one of `serious_breach.tests.results` (拒绝, 逃避) reached
/// `serious_breach.tests.count` within the programme: serious breach of the agreement, to be
/// reported to the police. Rests on those rows' 结果 cells.
fn p110_refused_tests(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let rule = &cx.profile.serious_breach.tests;
    if rule.count == 0 {
        return;
    }
    let (lo, hi) = event_bounds(cx, p);
    let bad: Vec<_> = cx
        .register
        .tests_of(i)
        .iter()
        .filter(|t| lo <= t.date && t.date <= hi)
        .filter(|t| rule.results.iter().any(|r| r.matches(t.result)))
        .collect();
    if (bad.len() as u32) < rule.count {
        return;
    }
    let list: Vec<String> = bad
        .iter()
        .map(|t| format!("{}{}", cn_date(t.date), t.result.label()))
        .collect();
    let msg = format!(
        "逃避或拒绝检测{}次（{}），达到{}次，属严重违反协议，应报告公安机关",
        bad.len(),
        join_limited(&list, 10, "、"),
        rule.count
    );
    out.push(
        cx.person_finding("P110", i, msg)
            .cells(
                bad.iter()
                    .map(|t| cx.register.cell(Sheet::Tests, t.row, "结果")),
            )
            .basis(rule.basis.clone()),
    );
}

/// P111: unapproved departures (请假 rows with 是否批准 = 否) within the programme reached
/// `serious_breach.departures.count`, or their days in all (返回 − 离开; an open departure runs
/// to the window's end) exceed `days_over`: serious breach. Rests on the rows' 离开日期 cells.
fn p111_departures(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let rule = &cx.profile.serious_breach.departures;
    let (lo, hi) = event_bounds(cx, p);
    let rows: Vec<_> = cx
        .register
        .leaves_of(i)
        .iter()
        .filter(|l| !l.approved && lo <= l.leave_date && l.leave_date <= hi)
        .collect();
    if rows.is_empty() {
        return;
    }
    let days: i64 = rows
        .iter()
        .map(|l| {
            let back = l.return_date.unwrap_or(hi).min(hi.max(l.leave_date));
            (back - l.leave_date).num_days().max(0)
        })
        .sum();
    let by_count = rule.count > 0 && rows.len() as u32 >= rule.count;
    let by_days = days > rule.days_over;
    if !by_count && !by_days {
        return;
    }
    let mut reasons = Vec::new();
    if by_count {
        reasons.push(format!("擅自离开{}次（达到{}次）", rows.len(), rule.count));
    } else {
        reasons.push(format!("擅自离开{}次", rows.len()));
    }
    if by_days {
        reasons.push(format!("累计{}天（超过{}天）", days, rule.days_over));
    } else {
        reasons.push(format!("累计{}天", days));
    }
    let msg = format!("{}，属严重违反协议，应报告公安机关", reasons.join("，"));
    out.push(
        cx.person_finding("P111", i, msg)
            .cells(
                rows.iter()
                    .map(|l| cx.register.cell(Sheet::Leaves, l.row, "离开日期")),
            )
            .basis(rule.basis.clone()),
    );
}

/// P112: a test with 结果 阳性 within the programme: drug use during the programme, to be
/// reported to the police. Rests on the positive rows' 结果 cells.
fn p112_positive_test(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let (lo, hi) = event_bounds(cx, p);
    let pos: Vec<_> = cx
        .register
        .tests_of(i)
        .iter()
        .filter(|t| t.result == TestResult::Positive && lo <= t.date && t.date <= hi)
        .collect();
    if pos.is_empty() {
        return;
    }
    let dates: Vec<String> = pos.iter().map(|t| cn_date(t.date)).collect();
    let msg = format!(
        "{}检测结果阳性，应报告公安机关",
        join_limited(&dates, 10, "、")
    );
    out.push(
        cx.person_finding("P112", i, msg)
            .cells(
                pos.iter()
                    .map(|t| cx.register.cell(Sheet::Tests, t.row, "结果")),
            )
            .basis(cx.profile.positive_test.basis.clone()),
    );
}

/// P113: after `serious_breach.warnings.count` warnings of the counted kinds (书面), a whole
/// counted calendar month after the last of them (inside the programme window) has no
/// self-report (本人报告): still refusing to report, a serious breach. Rests on the warnings'
/// 日期 cells.
fn p113_warnings_ignored(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let rule = &cx.profile.serious_breach.warnings;
    if rule.count == 0 {
        return;
    }
    let Some(w) = programme_window(p, cx.as_of) else {
        return;
    };
    let warnings: Vec<_> = cx
        .register
        .warnings_of(i)
        .iter()
        .filter(|x| rule.kinds.iter().any(|k| k.matches(x.kind)))
        .collect();
    let Some(last) = warnings.get(rule.count as usize - 1) else {
        return;
    };
    let after = add_days(last.date, 1).max(w.start);
    let silent = counted_periods(1, after, w.end).into_iter().find(|(s, e)| {
        cx.register
            .contacts_of(i)
            .iter()
            .all(|c| !(c.kind == ContactKind::SelfReport && *s <= c.date && c.date <= *e))
    });
    let Some((month, _)) = silent else { return };
    let used = &warnings[..rule.count as usize];
    let dates: Vec<String> = used.iter().map(|x| cn_date(x.date)).collect();
    let kinds: Vec<&str> = rule
        .kinds
        .iter()
        .map(|k| match k {
            crate::profile::WarningWord::Oral => "口头",
            crate::profile::WarningWord::Written => "书面",
        })
        .collect();
    let msg = format!(
        "已于{}{}次{}告诫，{}仍无本人报告，属拒不报告戒毒情况的严重违反协议，应报告公安机关",
        dates.join("、"),
        rule.count,
        kinds.join("或"),
        cn_month(month)
    );
    out.push(
        cx.person_finding("P113", i, msg)
            .cells(
                used.iter()
                    .map(|x| cx.register.cell(Sheet::Warnings, x.row, "日期")),
            )
            .basis(rule.basis.clone()),
    );
}

/// P114: an approved leave (是否批准 = 是) longer than `leave.max_days`: the approved
/// period (离开日期 to 准假至) when the register gives 准假至, else the leave as taken,
/// 返回日期 − 离开日期 (leaving on the 1st and returning on the 4th is 3 days: allowed with the
/// standard 3; returning on the 5th is 4 days: flagged). A leave without 返回日期 runs to the
/// window's end. Rests on the rows' 离开日期 and 返回日期 cells; a 告诫书 is due.
fn p114_long_leave(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let max = cx.profile.leave.max_days;
    let (lo, hi) = event_bounds(cx, p);
    let mut parts = Vec::new();
    let mut cells = Vec::new();
    for l in cx.register.leaves_of(i) {
        if !l.approved || l.leave_date < lo || l.leave_date > hi {
            continue;
        }
        // What was approved: up to 准假至 when the register says (a return after it is the
        // person's late return, not a long approval), else as taken.
        let days = leave_days(l, Some(hi)).unwrap_or(0);
        if let Some(until) = l.approved_until {
            if days > max {
                parts.push(format!(
                    "{}离开，批准至{}，共{}天",
                    cn_date(l.leave_date),
                    cn_date(until),
                    days
                ));
                cells.push(cx.register.cell(Sheet::Leaves, l.row, "离开日期"));
                cells.push(cx.register.cell(Sheet::Leaves, l.row, "准假至"));
            }
            continue;
        }
        if days > max {
            parts.push(format!(
                "{}离开{}，共{}天",
                cn_date(l.leave_date),
                match l.return_date {
                    Some(r) => format!("、{}返回", cn_date(r)),
                    None => "、至今未返回".to_string(),
                },
                days
            ));
            cells.push(cx.register.cell(Sheet::Leaves, l.row, "离开日期"));
            cells.push(cx.register.cell(Sheet::Leaves, l.row, "返回日期"));
        }
    }
    if parts.is_empty() {
        return;
    }
    let msg = format!(
        "经批准请假超过{}天：{}",
        max,
        join_limited(&parts, 10, "；")
    );
    out.push(
        cx.person_finding("P114", i, msg)
            .cells(cells)
            .basis(cx.profile.leave.basis.clone()),
    );
}

/// The days of a leave as P114 counts them, the one count every document prints: up to
/// 准假至 when the register gives it (the approved period), else up to 返回日期 (the leave as
/// taken), else, for a person still away, up to `open_until` (the window's end) — None when
/// the register gives no end and no `open_until` is given (a form leaves the days to fill).
/// Days are the end minus 离开日期: leaving on the 1st and returning on the 4th is 3 days.
pub fn leave_days(l: &crate::model::Leave, open_until: Option<NaiveDate>) -> Option<i64> {
    let end = l
        .approved_until
        .or(l.return_date)
        .or(open_until.map(|d| d.max(l.leave_date)))?;
    Some((end - l.leave_date).num_days())
}

/// Whether the person is a woman: 性别 女, or else the 17th digit of a valid resident ID even.
fn is_female(p: &Person) -> bool {
    match p.sex {
        Some(s) => s == Sex::Female,
        None => p
            .resident_id
            .as_deref()
            .filter(|_| p.resident_id_valid)
            .and_then(|id| id.chars().nth(16))
            .and_then(|c| c.to_digit(10))
            .is_some_and(|d| d % 2 == 0),
    }
}

/// Splits a list of names on 、,，;； and whitespace.
pub fn split_names(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；') || c.is_whitespace())
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// A group member's name without a `(女)`/`（女）` mark, and whether it was marked.
fn strip_female_mark(name: &str) -> (&str, bool) {
    for mark in ["(女)", "（女）"] {
        if let Some(n) = name.strip_suffix(mark) {
            return (n.trim(), true);
        }
    }
    (name, false)
}

/// P115: a woman's help group (帮教小组组长 + 帮教小组成员) has no member known to be a
/// woman: a 工作人员 row of that name with 性别 女, or a name written `姓名(女)`. Persons
/// without any group member are skipped.
fn p115_female_group(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    if !is_female(p) {
        return;
    }
    let names: Vec<&str> = p
        .group_leader
        .iter()
        .map(String::as_str)
        .chain(p.group_members.iter().map(String::as_str))
        .flat_map(split_names)
        .collect();
    if names.is_empty() {
        return;
    }
    let has_woman = names.iter().any(|n| {
        let (name, marked) = strip_female_mark(n);
        marked || cx.female_staff.contains(name)
    });
    if has_woman {
        return;
    }
    let msg = format!(
        "女性人员的帮教小组（{}）中没有已知的女性成员（工作人员表中性别为女，或写作“姓名(女)”）",
        names.join("、")
    );
    out.push(
        cx.person_finding("P115", i, msg)
            .cell(person_cell(cx, p, "帮教小组成员"))
            .cell(person_cell(cx, p, "帮教小组组长"))
            .basis(cx.profile.female_group.basis.clone()),
    );
}

/// Whether the term has run out as of the as-of date and the programme ran to its end (状态
/// 执行中 or ended on or after the term's last day).
fn term_completed(cx: &Ctx, p: &Person) -> Option<Window> {
    let w = programme_window(p, cx.as_of)?;
    (cx.as_of >= w.term_end && w.covers_term()).then_some(w)
}

/// P116: the term has ended (the programme ran to the term's last day and the as-of date is
/// past it) and no 评估 row has 评估期 总评估: the total evaluation is due.
fn p116_total_evaluation(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let Some(w) = term_completed(cx, p) else {
        return;
    };
    if cx
        .register
        .evaluations_of(i)
        .iter()
        .any(|e| e.period == EvalPeriod::Total)
    {
        return;
    }
    let msg = format!("期限已于{}届满，未作总评估", cn_date(w.last_term_day()));
    out.push(
        cx.person_finding("P116", i, msg)
            .cell(person_cell(cx, p, "报到日期"))
            .basis(cx.profile.term.total_evaluation_basis.clone())
            .due_date(w.last_term_day()),
    );
}

/// P117 (information): a person still 执行中 who meets the 严重关注 criteria: 固定住所,
/// 固定工作 or 固定联系方式 is 否, or a test in the programme was refused, evaded or missed.
fn p117_serious_attention(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    if p.status_or_active() != Status::Active {
        return;
    }
    let mut reasons = Vec::new();
    let mut cells = Vec::new();
    for (field, value, what) in [
        ("固定住所", p.fixed_residence, "无固定住所"),
        ("固定工作", p.fixed_job, "无固定工作"),
        ("固定联系方式", p.fixed_contact, "无固定联系方式"),
    ] {
        if value == Some(false) {
            reasons.push(what.to_string());
            cells.push(person_cell(cx, p, field));
        }
    }
    let (lo, hi) = event_bounds(cx, p);
    let missed: Vec<_> = cx
        .register
        .tests_of(i)
        .iter()
        .filter(|t| !t.result.was_done() && lo <= t.date && t.date <= hi)
        .collect();
    if !missed.is_empty() {
        reasons.push(format!("未按时接受检测{}次", missed.len()));
        cells.extend(
            missed
                .iter()
                .map(|t| cx.register.cell(Sheet::Tests, t.row, "结果")),
        );
    }
    if reasons.is_empty() {
        return;
    }
    let msg = format!("符合严重关注条件：{}", reasons.join("、"));
    out.push(
        cx.person_finding("P117", i, msg)
            .cells(cells)
            .basis(cx.profile.attention.basis.clone()),
    );
}

/// P118 (information): discharged (已解除) or term ended, `dynamic_control.years` years have
/// passed since 报到日期 by the as-of date, and no test was ever positive: the police may end
/// dynamic control.
fn p118_dynamic_control(cx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let p = &cx.register.persons[i];
    let Some(report) = p.report_date else { return };
    let status = p.status_or_active();
    let ended = match status {
        Status::Discharged => true,
        Status::Active => programme_window(p, cx.as_of).is_some_and(|w| cx.as_of >= w.term_end),
        _ => false,
    };
    let since = add_years(report, cx.profile.dynamic_control.years);
    if !ended || cx.as_of < since {
        return;
    }
    if cx
        .register
        .tests_of(i)
        .iter()
        .any(|t| t.result == TestResult::Positive)
    {
        return;
    }
    let msg = format!(
        "{}报到，至{}已满{}年，检测无阳性记录，可建议公安机关解除动态管控",
        cn_date(report),
        cn_date(cx.as_of),
        cx.profile.dynamic_control.years
    );
    out.push(
        cx.person_finding("P118", i, msg)
            .cell(person_cell(cx, p, "报到日期"))
            .cell(person_cell(cx, p, "状态"))
            .basis(cx.profile.dynamic_control.basis.clone()),
    );
}
