//! The form `termination_notice`: the data its template shows (see
//! `forms/termination_notice.yaml`).

use super::prelude::*;
use super::suspension_notice::{frame, order_paragraph, status_date, status_is};

pub use super::suspension_notice::events;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let prog = programme(p);
    let date = status_date(ctx, who, event);
    frame(d, ctx, who);
    d.paragraphs.push(order_paragraph(ctx, p));
    d.paragraphs.push(format!(
        "你于{date}被依法（□收监执行刑罚　□采取强制性教育措施）。根据{}的规定，你的{prog}自{date}起终止。",
        ground_text(&["suspension".to_string()], p.measure),
    ));
    d.paragraphs.push("特此通知。".to_string());
}

/// Made only while 状态 is 终止.
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    status_is(who, Status::Terminated, "终止通知书")
}
