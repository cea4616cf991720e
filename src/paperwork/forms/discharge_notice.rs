//! The form `discharge_notice`: the data its template shows (see `forms/discharge_notice.yaml`).
//! A draft for the police, who issue and date it: the person with their 公民身份号码, the
//! decision, the term's end, the ground; the police's seal line with a hand date; 抄送 below.

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    d.addressee = format!("{}（公民身份号码：{}）：", p.name, or_blank(&p.resident_id));
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
    // Issued and dated by the police: a hand date.
    d.date = String::new();
    // A draft the police review (not part of the document they issue).
    d.subtitle = "（草稿，由公安机关审核后出具）".to_string();
    // 抄送 in the 版记 below the seal and date (GB/T 9704-2012 7.4.2).
    d.notes.insert(0, format!("抄送：{}", d.office));
}

/// Made only once the term has ended: before, the register does not support it.
pub fn holds(ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    term_has_ended(ctx, who.person)
}
