//! The form `discharge_proposal`: the data its template shows (see `forms/discharge_proposal.yaml`).

use super::prelude::*;

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
    let evals = reg.evaluations_of(i).len();
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
    d.paragraphs.push(format!(
        "执行期间，接受检测{tests}次（阳性{positive}次），面对面谈话{talks}次，完成评估{evals}次。"
    ));
    d.paragraphs.push(format!(
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
