//! The form `report_reminder` (催告报到通知书): to a person who has not reported in after the
//! deadline. It states the deadline the law gives, the article, the new deadline the office
//! sets, and what follows. Made only when the register shows the person has not reported in
//! (the finding P102); the date is that of the first issue (the office's ledger) when it was
//! issued before.

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let prog = programme(p);
    let issued = ctx
        .issued
        .iter()
        .find(|e| e.form == "report_reminder" && e.person == p.id)
        .and_then(|e| e.date);
    let date = issued.unwrap_or(ctx.as_of);
    let deadline = due::reminder_deadline(ctx, p, date);
    let base = p.served_date.or(p.decision_date);
    let statutory = due::statutory_deadline(ctx, p);
    d.date = ctx.date(date);
    d.addressee = format!("{}：", p.name);
    d.paragraphs.push(format!(
        "{}以{}决定责令你接受{}，该决定于{}送达。依照{}的规定，你应当自收到决定书之日起{}日内（即{}前）到{}报到。截至{}，你未到本办公室报到。",
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        prog,
        ctx.opt_date(base),
        ground_text(&["report_in".to_string()], p.measure),
        ordinal_cn(ctx.profile.report_in.statutory_days as u32),
        ctx.opt_date(statutory),
        d.office,
        ctx.date(date)
    ));
    d.paragraphs.push(format!(
        "现催告你于{}前到{}报到。无正当理由逾期不报到的，视为拒绝接受{}，本办公室将依照{}的规定报告公安机关。",
        ctx.date(deadline),
        d.office,
        prog,
        ground_text(
            &["report_duty".to_string(), "refusal".to_string()],
            p.measure
        )
    ));
    if let Some(contact) = ctx.office.contact_line() {
        d.paragraphs.push(format!("本办公室{contact}。"));
    }
    d.seal = ctx.office.seal_for(who.town);
}
