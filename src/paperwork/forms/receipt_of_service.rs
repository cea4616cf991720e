//! The form `receipt_of_service`: the data its template shows (see `forms/receipt_of_service.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let (title, number) = match event {
        Event::Served { title, number, .. } => (title.clone(), number.clone()),
        _ => (BLANK.to_string(), BLANK.to_string()),
    };
    d.columns = 4;
    d.cells = vec![
        Cell::label("送达文书"),
        Cell::value(title).span(3),
        Cell::label("文号"),
        Cell::value(if number.is_empty() {
            BLANK.into()
        } else {
            number
        })
        .span(3),
        Cell::label("受送达人"),
        Cell::value(p.name.clone()),
        Cell::label("编号"),
        Cell::value(p.id.clone()),
        Cell::label("送达地点"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("送达方式"),
        Cell::value("直接送达").span(3),
        Cell::label("受送达人签名"),
        Cell::lines(vec![
            String::new(),
            "　　　　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(25),
        Cell::label("送达人签名"),
        Cell::lines(vec![
            String::new(),
            "　　　　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(25),
        Cell::label("备注"),
        Cell::value("").span(3).tall(20),
    ];
    d.date = ctx.date(ctx.as_of);
    d.seal = ctx.office.seal_for(who.town);
}
