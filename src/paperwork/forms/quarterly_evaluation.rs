//! The form `quarterly_evaluation`: the data its template shows (see `forms/quarterly_evaluation.yaml`).

use super::prelude::*;

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
    // The programme's findings in words (no rule codes; data findings are the clerk's, not
    // the evaluation's).
    let issues: Vec<String> = ctx
        .findings_of(i)
        .filter(|f| f.code.starts_with('P'))
        .map(|f| f.message.clone())
        .collect();
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
    let conclusion = reg
        .evaluations_of(i)
        .iter()
        .find(|e| e.period == crate::model::EvalPeriod::Quarter { year, quarter })
        .map(|e| format!("评估结论：{}", e.conclusion.label()))
        .unwrap_or_else(|| "评估结论：□良好　□一般　□较差".to_string());
    d.closing.push(conclusion);
    d.date = ctx.date(end.min(ctx.as_of).max(start));
    d.signatures = vec![
        Signature {
            party: "帮教小组（签名）：".into(),
            name: p.group_leader.clone().unwrap_or_default(),
            date: String::new(),
        },
        Signature {
            party: "评估人（签名）：".into(),
            name: p.social_worker.clone().unwrap_or_default(),
            date: d.date.clone(),
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
