//! The second pass: one person's event history (tests, talks, leaves, warnings, evaluations,
//! help), compliant with the `standard` profile except for the person's injected breaks.
//! Built person by person while writing, so memory stays flat for large registers.

use super::dates::{
    add_days, add_months, clamp, days_between, month_end, months_touching, quarter_end,
    quarter_label, quarter_label_words, quarters_touching, whole_months, whole_quarters,
};
use super::names;
use super::plan::{PersonPlan, STREAM_HISTORY};
use super::rng::Rng;
use chrono::NaiveDate;

/// Tests required per completed term year (profile `standard`).
pub const TESTS_PER_YEAR: [i64; 3] = [6, 4, 2];
/// Longest approved leave, in days.
pub const MAX_LEAVE_DAYS: i64 = 3;

#[derive(Debug, Clone)]
pub struct TestRow {
    pub date: NaiveDate,
    pub method: &'static str,
    pub result: &'static str,
    pub tester: String,
}

#[derive(Debug, Clone)]
pub struct ContactRow {
    pub date: NaiveDate,
    pub kind: &'static str,
    pub worker: String,
    pub summary: &'static str,
}

#[derive(Debug, Clone)]
pub struct LeaveRow {
    pub leave: NaiveDate,
    pub back: Option<NaiveDate>,
    pub destination: &'static str,
    pub reason: &'static str,
    pub approved: bool,
    pub approver: String,
}

#[derive(Debug, Clone)]
pub struct WarningRow {
    pub date: NaiveDate,
    pub written: bool,
    pub reason: &'static str,
}

#[derive(Debug, Clone)]
pub struct EvalRow {
    pub date: NaiveDate,
    pub period: String,
    pub conclusion: &'static str,
    pub evaluator: String,
}

#[derive(Debug, Clone)]
pub struct HelpRow {
    pub date: NaiveDate,
    pub kind: &'static str,
}

/// One person's events, each list sorted by date.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub tests: Vec<TestRow>,
    pub contacts: Vec<ContactRow>,
    pub leaves: Vec<LeaveRow>,
    pub warnings: Vec<WarningRow>,
    pub evaluations: Vec<EvalRow>,
    pub help: Vec<HelpRow>,
}

const F2F_SUMMARIES: &[&str] = &[
    "了解近期思想和生活情况，督促按时报告",
    "谈心谈话，情绪稳定，无异常",
    "核实就业和居住情况",
    "宣讲协议规定，提醒按时检测",
    "了解家庭关系和康复进展",
];
const REPORT_SUMMARIES: &[&str] = &[
    "本人报告近期情况",
    "本人到社区报告",
    "本人报告工作和生活情况",
];
const PHONE_SUMMARIES: &[&str] = &["电话了解近况", "电话提醒按时检测"];
const DESTINATIONS: &[&str] = &["市区", "邻县", "省城", "老家"];
const LEAVE_REASONS: &[&str] = &["探亲", "就医", "办理个人事务", "务工"];
const POLICE_SURNAMES: &[&str] = &["民警"];

/// Builds the history of person `index` of the plan.
pub fn build(p: &PersonPlan, index: usize, seed: u64, as_of: NaiveDate) -> History {
    let mut h = History::default();
    let (Some(start), Some(end)) = (p.report, p.window_end) else {
        return h;
    };
    let mut r = Rng::derive(seed, STREAM_HISTORY, index as u64);
    let has = |code: &str| p.breaches.contains(&code);
    let worker = p.social_worker.clone();
    let tester = format!(
        "{}{}",
        POLICE_SURNAMES[0],
        names::person_name(&mut r, false)
    );

    // Talks and self-reports, month by month.
    let whole = whole_months(start, end);
    let pick_month =
        |r: &mut Rng, list: &[NaiveDate]| list.get(r.below(list.len() as u64) as usize).copied();
    let no_f2f = if has("P106") {
        pick_month(&mut r, &whole)
    } else {
        None
    };
    let one_report = if has("P107") {
        pick_month(&mut r, &whole)
    } else {
        None
    };
    let silent = if has("P113") {
        let late: Vec<NaiveDate> = whole
            .iter()
            .copied()
            .filter(|&m| days_between(start, m) >= 40)
            .collect();
        pick_month(&mut r, &late)
    } else {
        None
    };
    for m in months_touching(start, end) {
        let a = m.max(start);
        let b = month_end(m).min(end);
        let f2f_date = clamp(add_days(m, 14), a, b);
        let (kind, summary) = if no_f2f == Some(m) {
            ("电话", r.pick_str(PHONE_SUMMARIES))
        } else if r.chance(0.7) {
            ("面谈", r.pick_str(F2F_SUMMARIES))
        } else {
            ("家访", r.pick_str(F2F_SUMMARIES))
        };
        h.contacts.push(ContactRow {
            date: f2f_date,
            kind,
            worker: worker.clone(),
            summary,
        });
        let reports = if silent == Some(m) {
            0
        } else if one_report == Some(m) {
            1
        } else {
            2
        };
        let span = days_between(a, b);
        for k in 0..reports {
            let offset = if k == 0 { span / 4 } else { span * 3 / 4 };
            h.contacts.push(ContactRow {
                date: add_days(a, offset),
                kind: "本人报告",
                worker: worker.clone(),
                summary: r.pick_str(REPORT_SUMMARIES),
            });
        }
        if r.chance(0.05) {
            h.contacts.push(ContactRow {
                date: add_days(a, r.range(0, span)),
                kind: "电话",
                worker: worker.clone(),
                summary: r.pick_str(PHONE_SUMMARIES),
            });
        }
    }
    if let Some(m) = silent {
        for back in [35, 10] {
            h.warnings.push(WarningRow {
                date: add_days(m, -back),
                written: true,
                reason: "未按规定向帮教小组报告本人情况",
            });
        }
    } else if r.chance(0.04) {
        h.warnings.push(WarningRow {
            date: add_days(start, r.range(0, days_between(start, end))),
            written: false,
            reason: "未按约定时间到社区报告",
        });
    }

    tests(&mut h, p, start, end, &tester, &mut r);

    // Leaves and departures.
    let span = days_between(start, end);
    if has("P114") {
        let leave = add_days(start, r.range(3, span - 8));
        h.leaves.push(leave_row(leave, 5, true, &worker, &mut r));
    } else if span >= 10 && r.chance(0.15) {
        let leave = add_days(start, r.range(3, span - 5));
        let days = r.range(1, MAX_LEAVE_DAYS - 1);
        h.leaves.push(leave_row(leave, days, true, &worker, &mut r));
    }
    if has("P111") {
        // Three short unapproved departures, one of 35 days, or one still open (> 30 days).
        let variant = r.below(if p.status == "执行中" { 3 } else { 2 });
        if variant == 0 {
            for quarter in 1..=3 {
                let leave = add_days(start, span * quarter / 4);
                h.leaves.push(leave_row(leave, 1, false, "", &mut r));
            }
        } else {
            let leave = add_days(start, r.range(3, span - 40));
            let mut row = leave_row(leave, 35, false, "", &mut r);
            if variant == 2 {
                row.back = None;
            }
            h.leaves.push(row);
        }
    }

    // Quarterly evaluations (dated inside their quarter) and the total evaluation.
    let skipped = if has("P109") {
        let q = whole_quarters(start, end);
        q.get(r.below(q.len() as u64) as usize).copied()
    } else {
        None
    };
    for q in quarters_touching(start, end) {
        let date = add_days(quarter_end(q), -10);
        if date < start || date > end || skipped == Some(q) {
            continue;
        }
        h.evaluations.push(EvalRow {
            date,
            period: if r.chance(0.05) {
                quarter_label_words(q)
            } else {
                quarter_label(q)
            },
            conclusion: conclusion(&mut r),
            evaluator: worker.clone(),
        });
    }
    let ended = p.term_last.is_some_and(|t| t < as_of);
    if ended && !has("P116") {
        h.evaluations.push(EvalRow {
            date: end,
            period: "总评估".to_string(),
            conclusion: "良好",
            evaluator: worker.clone(),
        });
    }

    if r.chance(0.25) {
        h.help.push(HelpRow {
            date: add_days(start, r.range(0, span)),
            kind: r.pick_str(super::layout::HELP_KINDS),
        });
    }

    h.tests.sort_by_key(|t| t.date);
    h.contacts.sort_by_key(|c| c.date);
    h.leaves.sort_by_key(|l| l.leave);
    h.warnings.sort_by_key(|w| w.date);
    h.evaluations.sort_by_key(|e| e.date);
    h
}

/// Tests: evenly spread per term year, a little ahead of the pro-rata share in the current
/// year; P105 drops year-1 tests, P110 adds three refusals, P112 one positive test.
fn tests(
    h: &mut History,
    p: &PersonPlan,
    start: NaiveDate,
    end: NaiveDate,
    tester: &str,
    r: &mut Rng,
) {
    let has = |code: &str| p.breaches.contains(&code);
    let push = |h: &mut History, date: NaiveDate, result: &'static str, r: &mut Rng| {
        h.tests.push(TestRow {
            date,
            method: if r.chance(0.9) { "尿检" } else { "毛发" },
            result,
            tester: tester.to_string(),
        });
    };
    for (k, &n) in TESTS_PER_YEAR.iter().enumerate() {
        let ys = add_months(start, 12 * k as u32);
        let ye = add_months(start, 12 * (k as u32 + 1));
        if ys > end {
            break;
        }
        let len = days_between(ys, ye);
        let completed = add_days(ye, -1) <= end;
        let mut dates: Vec<NaiveDate> = (0..n)
            .map(|j| add_days(ys, len * j / n + i64::from(j == 0)))
            .filter(|&d| d <= end)
            .collect();
        if k == 0 && has("P105") {
            if completed {
                dates.truncate((n - 3) as usize);
            } else {
                dates.clear();
            }
        } else if !completed {
            // Pro rata, counting the as-of day itself and rounding up: never behind.
            let elapsed = days_between(ys, end) + 1;
            let need = (n * elapsed + len - 1) / len;
            let mut extra = 0;
            while (dates.len() as i64) < need {
                dates.push(add_days(end, -extra).max(ys));
                extra += 1;
            }
        }
        for d in dates {
            push(h, d, "阴性", r);
        }
    }
    let span = days_between(start, end);
    if has("P110") {
        for _ in 0..3 {
            let d = add_days(start, r.range(3, span));
            let result = if r.chance(0.5) { "拒绝" } else { "逃避" };
            push(h, d, result, r);
        }
    }
    if has("P112") {
        let d = add_days(start, r.range(3, span));
        push(h, d, "阳性", r);
    }
}

fn leave_row(leave: NaiveDate, days: i64, approved: bool, approver: &str, r: &mut Rng) -> LeaveRow {
    LeaveRow {
        leave,
        back: Some(add_days(leave, days)),
        destination: r.pick_str(DESTINATIONS),
        reason: if approved {
            r.pick_str(LEAVE_REASONS)
        } else {
            "未经批准擅自离开"
        },
        approved,
        approver: approver.to_string(),
    }
}

fn conclusion(r: &mut Rng) -> &'static str {
    let x = r.unit();
    if x < 0.8 {
        "良好"
    } else if x < 0.98 {
        "一般"
    } else {
        "较差"
    }
}
