//! The form `discharge_notice`: the data its template shows (see `forms/discharge_notice.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    d.addressee = format!("{}：", p.name);
    d.paragraphs.push(format!(
        "你于{}经{}以{}决定责令{}，自{}起执行。至{}，你的{}期限届满。",
        ctx.opt_date(p.decision_date),
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        programme(p),
        ctx.opt_date(p.report_date),
        ctx.opt_date(term_end(p)),
        programme(p)
    ));
    d.paragraphs.push(format!(
        "根据{}的规定，现决定解除你的{}。",
        ground_text(&["discharge".to_string()], p.measure),
        programme(p)
    ));
    d.seal = format!("{}（印章）", ctx.office.discharge_police_for(Some(p)));
    d.closing.push(format!("抄送：{}", d.office));
}

/// Made only once the term has ended: before, the register does not support it.
pub fn holds(ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    term_has_ended(ctx, who.person)
}
