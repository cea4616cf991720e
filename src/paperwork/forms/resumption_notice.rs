//! The form `resumption_notice`: the data its template shows (see
//! `forms/resumption_notice.yaml`). The register says the person is 中止 and since when, not
//! when they are released: the date of resumption and the notice's date are left to fill.

use super::prelude::*;
use super::suspension_notice::{frame, status_date, status_is};

pub use super::suspension_notice::events;

/// A date to fill by hand.
const HAND_DATE: &str = "　　　　年　　月　　日";

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let prog = programme(p);
    let date = status_date(ctx, who, event);
    frame(d, ctx, who);
    d.date = String::new();
    d.paragraphs.push(format!(
        "你因被依法拘留、逮捕，{prog}自{date}起中止。根据{}的规定，你被释放后应当继续接受{prog}。",
        ground_text(&["suspension".to_string()], p.measure),
    ));
    d.paragraphs.push(format!(
        "现通知你：自{HAND_DATE}起恢复执行{prog}。请你及时到{}报到，继续履行{prog}协议，按规定接受检测、谈话和帮教。",
        d.office
    ));
    d.paragraphs.push("特此通知。".to_string());
}

/// Made only while 状态 is 中止 (the register then says the person was suspended).
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    status_is(who, Status::Suspended, "恢复执行通知书")
}
