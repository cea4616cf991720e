//! The form `suspension_notice`: the data its template shows (see
//! `forms/suspension_notice.yaml`). It also holds what the 中止 / 终止 / 恢复执行 notices share.

use super::prelude::*;

/// The 状态 event of person `i` (its 状态 and 状态日期): the document is keyed by it, so a new
/// 中止 (a new 状态日期) is a new document. `holds` decides whether the 状态 supports it.
pub fn events(ctx: &BuildContext, i: usize) -> Vec<Event> {
    match ctx.register.persons.get(i) {
        Some(p) => vec![Event::Status {
            status: p.status_or_active(),
            date: p.status_date,
        }],
        None => Vec::new(),
    }
}

/// The 状态日期 of the event (or of the register), as a date or a line to fill.
pub fn status_date(ctx: &BuildContext, who: &PersonRef, event: &Event) -> String {
    let date = match event {
        Event::Status { date, .. } => *date,
        _ => who.person.status_date,
    };
    ctx.opt_date(date)
}

/// The opening paragraph every status notice has: the order and the report-in.
pub fn order_paragraph(ctx: &BuildContext, p: &crate::model::Person) -> String {
    let prog = programme(p);
    format!(
        "你于{}经{}以{}决定责令{prog}，于{}报到，在我辖区执行{prog}。",
        ctx.opt_date(p.decision_date),
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        ctx.opt_date(p.report_date),
    )
}

/// Made only while the register's 状态 is `want`.
pub fn status_is(who: &PersonRef, want: Status, what: &str) -> Result<(), String> {
    match who.person.status {
        Some(s) if s == want => Ok(()),
        other => Err(format!(
            "状态为“{}”，不是“{}”：{what}陈述的事实台帐不支持，不予出具",
            other.unwrap_or(Status::Active).label(),
            want.label()
        )),
    }
}

/// The addressee, the office's seal, and the organ informed (抄送, after the seal).
pub fn frame(d: &mut DocData, ctx: &BuildContext, who: &PersonRef) {
    let p = who.person;
    d.addressee = format!("{}：", p.name);
    d.seal = ctx.office.seal_for(who.town);
    d.notes
        .push(format!("抄送：{}", ctx.office.police_for(Some(p))));
}

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let prog = programme(p);
    let date = status_date(ctx, who, event);
    frame(d, ctx, who);
    d.paragraphs.push(order_paragraph(ctx, p));
    d.paragraphs.push(format!(
        "你于{date}被依法（□拘留　□逮捕）。根据{}的规定，你的{prog}自{date}起中止；羁押期间由羁押场所给予必要的戒毒治疗。",
        ground_text(&["suspension".to_string()], p.measure),
    ));
    d.paragraphs.push(format!(
        "你被释放后，应当及时到{}报到，继续接受{prog}，履行{prog}协议。",
        d.office
    ));
    d.paragraphs.push("特此通知。".to_string());
}

/// Made only while 状态 is 中止.
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    status_is(who, Status::Suspended, "中止通知书")
}
