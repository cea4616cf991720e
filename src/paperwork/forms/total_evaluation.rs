//! The form `total_evaluation`: the data its template shows (see `forms/total_evaluation.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let i = who.index;
    let reg = ctx.register;
    d.cells = person_cells(ctx, p);
    d.cells.push(Cell::label("期满日期"));
    d.cells.push(Cell::value(ctx.opt_date(term_end(p))).span(3));
    let mut rows = Vec::new();
    if let Some(report) = p.report_date {
        for year in 0..3u32 {
            let (Some(from), Some(to)) = (
                report.checked_add_months(Months::new(12 * year)),
                report.checked_add_months(Months::new(12 * (year + 1))),
            ) else {
                continue;
            };
            let inside = |x: NaiveDate| x >= from && x < to;
            let tests = reg.tests_of(i).iter().filter(|t| inside(t.date)).count();
            let done = reg
                .tests_of(i)
                .iter()
                .filter(|t| inside(t.date) && t.result.was_done())
                .count();
            let talks = reg
                .contacts_of(i)
                .iter()
                .filter(|c| inside(c.date) && c.kind.is_face_to_face())
                .count();
            let evals = reg
                .evaluations_of(i)
                .iter()
                .filter(|e| inside(e.date))
                .count();
            let warns = reg.warnings_of(i).iter().filter(|w| inside(w.date)).count();
            rows.push(vec![
                format!("第{}年", ordinal_cn(year + 1)),
                format!(
                    "{}至{}",
                    date_cn(from),
                    to.pred_opt().map(date_cn).unwrap_or_default()
                ),
                format!("{done}/{tests}"),
                talks.to_string(),
                evals.to_string(),
                warns.to_string(),
            ]);
        }
    }
    d.tables.push(DataTable {
        caption: "执行情况（按执行年度）".into(),
        widths: vec![1.2, 4.0, 1.6, 1.2, 1.2, 1.2],
        header: vec![
            "年度".into(),
            "期间".into(),
            "检测(实检/安排)".into(),
            "面谈".into(),
            "季度评估".into(),
            "告诫".into(),
        ],
        rows,
        size: 11.0,
        ruled: false,
    });
    let total = reg
        .evaluations_of(i)
        .iter()
        .find(|e| e.period == crate::model::EvalPeriod::Total)
        .map(|e| format!("总评估结论：{}", e.conclusion.label()))
        .unwrap_or_else(|| "总评估结论：□良好　□一般　□较差".to_string());
    d.closing.push(total);
    d.closing.push("帮教小组意见：".to_string());
    d.closing.push(format!("{}意见：", d.office));
    d.signatures = vec![
        Signature {
            party: "帮教小组（签名）：".into(),
            name: p.group_leader.clone().unwrap_or_default(),
            date: String::new(),
        },
        Signature {
            party: "乡镇（街道）（盖章）：".into(),
            name: String::new(),
            date: d.date.clone(),
        },
    ];
}

/// Made only once the term has ended: before, the register does not support it.
pub fn holds(ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    term_has_ended(ctx, who.person)
}
