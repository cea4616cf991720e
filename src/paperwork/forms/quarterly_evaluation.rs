//! The form `quarterly_evaluation`: the data its template shows (see `forms/quarterly_evaluation.yaml`).

use super::prelude::*;
use chrono::Datelike;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let i = who.index;
    let reg = ctx.register;
    let (year, quarter) = match event {
        Event::Quarter { year, quarter } => (*year, *quarter),
        _ => crate::paperwork::plan::last_quarter(ctx.as_of),
    };
    d.subtitle = format!("（{year}年第{}季度）", ordinal_cn(quarter as u32));
    let Some((start, end)) = quarter_bounds(year, quarter) else {
        return;
    };
    let inside = |x: NaiveDate| x >= start && x <= end;
    d.cells = person_cells(ctx, p);
    d.columns = 4;
    let tests: Vec<_> = reg.tests_of(i).iter().filter(|t| inside(t.date)).collect();
    let contacts: Vec<_> = reg
        .contacts_of(i)
        .iter()
        .filter(|c| inside(c.date))
        .collect();
    let leaves: Vec<_> = reg
        .leaves_of(i)
        .iter()
        .filter(|l| l.leave_date <= end && l.return_date.map(|r| r >= start).unwrap_or(true))
        .collect();
    d.tables.push(DataTable {
        caption: format!("一、本季度检测情况（{}次）", tests.len()),
        widths: vec![2.0, 2.0, 1.5, 3.0],
        header: vec![
            "日期".into(),
            "方式".into(),
            "结果".into(),
            "检测单位".into(),
        ],
        rows: tests
            .iter()
            .map(|t| {
                vec![
                    date_cn(t.date),
                    t.method.clone().unwrap_or_default(),
                    t.result.label().to_string(),
                    t.lab.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    d.tables.push(DataTable {
        caption: format!("二、本季度谈话及报告情况（{}次）", contacts.len()),
        widths: vec![2.4, 1.3, 1.3, 4.0],
        header: vec![
            "日期".into(),
            "形式".into(),
            "工作人员".into(),
            "内容摘要".into(),
        ],
        rows: contacts
            .iter()
            .map(|c| {
                vec![
                    date_cn(c.date),
                    c.kind.label().to_string(),
                    c.worker.clone().unwrap_or_default(),
                    c.summary.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    d.tables.push(DataTable {
        caption: format!("三、本季度请假及离开情况（{}次）", leaves.len()),
        widths: vec![2.0, 2.0, 2.0, 1.2, 2.0],
        header: vec![
            "离开日期".into(),
            "返回日期".into(),
            "前往地点".into(),
            "批准".into(),
            "事由".into(),
        ],
        rows: leaves
            .iter()
            .map(|l| {
                vec![
                    date_cn(l.leave_date),
                    l.return_date
                        .map(date_cn)
                        .unwrap_or_else(|| "未返回".into()),
                    l.destination.clone().unwrap_or_default(),
                    if l.approved {
                        "已批准"
                    } else {
                        "未经批准"
                    }
                    .to_string(),
                    l.reason.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    let issues = quarter_issues(ctx, i, start, end);
    d.tables.push(DataTable {
        caption: format!("四、检查发现的问题（{}项）", issues.len()),
        widths: vec![1.0],
        header: vec!["问题".into()],
        rows: if issues.is_empty() {
            vec![vec!["无".into()]]
        } else {
            issues.into_iter().map(|s| vec![s]).collect()
        },
        size: 11.0,
        ruled: false,
    });
    // The register's evaluation of the quarter: its conclusion and the day it was made
    // (the evaluator's date); else boxes to tick and dates by hand. Names are never
    // pre-printed where a person signs.
    let done = reg
        .evaluations_of(i)
        .iter()
        .find(|e| e.period == crate::model::EvalPeriod::Quarter { year, quarter });
    d.closing.push(match done {
        Some(e) => format!("评估结论：{}", e.conclusion.label()),
        None => "评估结论：□良好　□一般　□较差".to_string(),
    });
    d.date = String::new();
    d.signatures = vec![
        Signature {
            party: "帮教小组组长（签名）：".into(),
            name: String::new(),
            date: String::new(),
        },
        Signature {
            party: "评估人（签名）：".into(),
            name: String::new(),
            date: done.map(|e| ctx.date(e.date)).unwrap_or_default(),
        },
    ];
}

/// The quarter asked for (`PlanOptions::quarter`), else the last one ended by the as-of date.
pub fn events(ctx: &BuildContext, _i: usize) -> Vec<Event> {
    let (year, quarter) = ctx
        .quarter
        .unwrap_or_else(|| crate::paperwork::plan::last_quarter(ctx.as_of));
    vec![Event::Quarter { year, quarter }]
}

/// Made only for a quarter that has ended by the as-of date and overlaps the person's
/// programme (reported in before the quarter ended).
pub fn holds(ctx: &BuildContext, who: &PersonRef, event: &Event) -> Result<(), String> {
    let Event::Quarter { year, quarter } = event else {
        return Ok(());
    };
    let Some((start, end)) = quarter_bounds(*year, *quarter) else {
        return Err("季度有误".into());
    };
    match who.person.report_date {
        None => Err("尚未报到，没有可评估的季度".into()),
        Some(r) if r > end => Err(format!(
            "{}报到，{}年第{}季度不在执行期内",
            ctx.date(r),
            year,
            ordinal_cn(u32::from(*quarter))
        )),
        Some(_) if end > ctx.as_of || start > ctx.as_of => Err(format!(
            "{}年第{}季度尚未结束",
            year,
            ordinal_cn(u32::from(*quarter))
        )),
        Some(_) => Ok(()),
    }
}

/// What the check finds wrong in one quarter, in words a clerk and the person read (no rule
/// codes, no cells): each test refused, evaded, missed or positive; each unapproved departure
/// and late return; each month (or the schedule's calendar period) of the quarter short of
/// the tests, talks or self-reports the profile asks for. Only facts dated in the quarter, and
/// only the rules the profile keeps on.
pub fn quarter_issues(
    ctx: &BuildContext,
    i: usize,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<String> {
    use crate::model::TestResult;
    use crate::profile::EventKind;
    use crate::rules::{schedule, window};
    let reg = ctx.register;
    let profile = ctx.profile;
    let inside = |x: NaiveDate| x >= start && x <= end;
    let mut issues: Vec<(NaiveDate, String)> = Vec::new();
    for t in reg.tests_of(i).iter().filter(|t| inside(t.date)) {
        let what = match t.result {
            TestResult::Refused => "拒绝接受检测",
            TestResult::Evaded => "逃避接受检测",
            TestResult::NoShow => "未按通知接受检测",
            TestResult::Positive => "检测结果呈阳性",
            _ => continue,
        };
        issues.push((t.date, format!("{}{what}", ctx.date(t.date))));
    }
    for l in reg.leaves_of(i).iter().filter(|l| inside(l.leave_date)) {
        let back = match l.return_date {
            Some(r) => format!("，{}返回", ctx.date(r)),
            None => "，至今未返回".to_string(),
        };
        if !l.approved {
            issues.push((
                l.leave_date,
                format!("{}未经批准擅自离开{back}", ctx.date(l.leave_date)),
            ));
        } else if let (Some(until), Some(r)) = (l.approved_until, l.return_date) {
            if r > until {
                issues.push((
                    l.leave_date,
                    format!(
                        "{}经批准离开，准假至{}，{}返回，逾期未归",
                        ctx.date(l.leave_date),
                        ctx.date(until),
                        ctx.date(r)
                    ),
                ));
            }
        }
    }
    if let Some(w) = reg
        .persons
        .get(i)
        .and_then(|p| window::programme_window(p, ctx.as_of))
    {
        for item in schedule::items_for(reg, i, profile) {
            let kind = item.kind;
            if kind == EventKind::Evaluations || !profile.enabled(kind.rule_code()) {
                continue;
            }
            for pc in schedule::item_periods(reg, i, &item, &w, start, end) {
                if pc.by_term_year
                    || !pc.complete
                    || !pc.is_short()
                    || !inside(pc.start)
                    || !inside(pc.end)
                {
                    continue;
                }
                let span = if pc.start.day() == 1 && pc.start.month() == pc.end.month() {
                    format!("{}年{}月", pc.start.year(), pc.start.month())
                } else {
                    format!("{}至{}", ctx.date(pc.start), ctx.date(pc.end))
                };
                issues.push((
                    pc.end,
                    format!(
                        "{span}{}{}次，少于应有的{}次",
                        kind.label(),
                        pc.done,
                        pc.required
                    ),
                ));
            }
        }
    }
    issues.sort_by_key(|(d, _)| *d);
    issues.dedup();
    issues.into_iter().map(|(_, s)| s).collect()
}
