//! The form `receipt_of_service`: the data its template shows (see `forms/receipt_of_service.yaml`).
//! A receipt of service as it is served: what was served (title and 文号), on whom, when (to
//! fill by hand, to the minute), where, how (ticked), the person's signature, a proxy who
//! received it and why, a refusal with its witness (留置送达), the server's signature and a
//! remark. Signatures and hand dates sit at the bottom right of their boxes.

use super::prelude::*;

/// A hand date, its blanks wide enough to write in.
pub const HAND_DATE: &str = "年　　月　　日";

/// The foot of a box signed by hand: `label` (签名：), room to sign, then a blank date.
pub fn hand_signed(label: &str) -> Vec<String> {
    vec![format!("{label}　　　　　　　　　　{HAND_DATE}")]
}

/// The ways a document is served, to tick (民事诉讼法 第八十七条至第九十五条).
pub const SERVICE_WAYS: &str = "□直接送达　□留置送达　□委托送达　□邮寄送达";

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let (title, number) = match event {
        Event::Served { title, number, .. } => (title.clone(), number.clone()),
        _ => (BLANK.to_string(), String::new()),
    };
    let served = if number.trim().is_empty() {
        vec![title]
    } else {
        vec![title, number]
    };
    d.columns = 4;
    d.cells = vec![
        Cell::label("送达文书名称及文号"),
        Cell::lines(served).span(3),
        Cell::label("受送达人"),
        Cell::value(if p.name.trim().is_empty() {
            BLANK.to_string()
        } else {
            p.name.clone()
        }),
        Cell::label("人员编号"),
        Cell::value(p.number().to_string()),
        Cell::label("送达时间"),
        Cell::value(format!("　　　　{HAND_DATE}　　时　　分")).span(3),
        Cell::label("送达地点"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("送达方式"),
        Cell::value(SERVICE_WAYS).span(3),
        Cell::label("受送达人签名"),
        Cell::value("").span(3).tall(22).foot(hand_signed("")),
        Cell::label("代收人及代收理由"),
        Cell::value("代收理由：")
            .span(3)
            .tall(24)
            .foot(hand_signed("代收人签名：")),
        Cell::label("拒收事由及见证人"),
        Cell::lines(vec![
            "拒收事由：".into(),
            "（留置送达的，由见证人签名）".into(),
        ])
        .span(3)
        .tall(28)
        .foot(hand_signed("见证人签名：")),
        Cell::label("送达人签名"),
        Cell::value("").span(3).tall(20).foot(hand_signed("")),
        Cell::label("备注"),
        Cell::value("").span(3).tall(16),
    ];
    // The office serves it; the day it is served is written by hand.
    d.seal = ctx.office.seal_for(who.town);
    d.date = String::new();
}
