//! The form `discharge_proposal`: the data its template shows (see `forms/discharge_proposal.yaml`).
//! Besides the counts of tests and talks it lists every evaluation (period, date, conclusion,
//! evaluator), the quarterly ones and the total evaluation: the work plans make them the
//! basis of discharge (篇四 §六(二)7).

use super::prelude::*;
use crate::model::{Conclusion, EvalPeriod};

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let i = who.index;
    let town = who.town;
    let reg = ctx.register;
    d.addressee = format!("{}：", ctx.office.discharge_police_for(Some(p)));
    let tests = reg
        .tests_of(i)
        .iter()
        .filter(|t| t.result.was_done())
        .count();
    let positive = reg
        .tests_of(i)
        .iter()
        .filter(|t| t.result == crate::model::TestResult::Positive)
        .count();
    let talks = reg
        .contacts_of(i)
        .iter()
        .filter(|c| c.kind.is_face_to_face())
        .count();
    d.paragraphs.push(format!(
        "{}，公民身份号码{}，经{}以{}决定责令{}，自{}起执行，期限至{}届满。",
        p.name,
        or_blank(&p.resident_id),
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        programme(p),
        ctx.opt_date(p.report_date),
        ctx.opt_date(term_end(p))
    ));
    // The evaluations are the basis of discharge (篇四 §六(二)7): each one's period,
    // conclusion and evaluator, quarters in order and the total evaluation last.
    let mut evals: Vec<&crate::model::Evaluation> = reg.evaluations_of(i).iter().collect();
    evals.sort_by_key(|e| (e.period, e.date));
    let quarters = evals
        .iter()
        .filter(|e| e.period != EvalPeriod::Total)
        .count();
    let count = |c: Conclusion| {
        evals
            .iter()
            .filter(|e| e.period != EvalPeriod::Total && e.conclusion == c)
            .count()
    };
    d.paragraphs.push(format!(
        "执行期间，接受检测{tests}次（阳性{positive}次），面对面谈话{talks}次，季度评估{quarters}次（良好{}次、一般{}次、较差{}次）。",
        count(Conclusion::Good),
        count(Conclusion::Fair),
        count(Conclusion::Poor)
    ));
    let total = evals.iter().find(|e| e.period == EvalPeriod::Total);
    d.paragraphs.push(match total {
        Some(e) => format!(
            "期满总评估于{}作出，结论为{}。历次评估结论如下：",
            ctx.date(e.date),
            e.conclusion.label()
        ),
        None => format!("期满总评估结论：{BLANK}（台帐未记录总评估）。历次评估结论如下："),
    });
    d.tables.push(DataTable {
        caption: String::new(),
        widths: vec![2.6, 2.6, 1.2, 2.0],
        header: vec![
            "评估期".into(),
            "评估日期".into(),
            "结论".into(),
            "评估人".into(),
        ],
        rows: if evals.is_empty() {
            vec![vec![
                "（台帐未记录评估）".into(),
                String::new(),
                String::new(),
                String::new(),
            ]]
        } else {
            evals
                .iter()
                .map(|e| {
                    vec![
                        match e.period {
                            EvalPeriod::Quarter { year, quarter } => {
                                format!("{year}年第{}季度", ordinal_cn(u32::from(quarter)))
                            }
                            EvalPeriod::Total => "期满总评估".to_string(),
                        },
                        ctx.date(e.date),
                        e.conclusion.label().to_string(),
                        e.evaluator.clone().unwrap_or_default(),
                    ]
                })
                .collect()
        },
        size: 11.0,
        ruled: false,
    });
    d.closing.push(format!(
        "根据{}的规定，建议依法解除其{}，并出具解除{}通知书。",
        ground_text(&["discharge".to_string()], p.measure),
        programme(p),
        programme(p)
    ));
    d.seal = ctx.office.seal_for(town);
}

/// Made only once the term has ended: before, the register does not support it.
pub fn holds(ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    term_has_ended(ctx, who.person)
}
