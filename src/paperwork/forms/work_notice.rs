//! The form `work_notice` (工作提醒单): what is overdue, addressed to whoever owes it (the
//! 专职社工, the 帮教小组, the 派出所 that tests, the office, a 村/社区), never to the person in
//! the programme. One notice per person (or unit) and addressee, listing every overdue item
//! with the law or local plan it rests on.

use super::prelude::*;

/// Days the addressee is given to act and report back.
const FEEDBACK_DAYS: i64 = 7;

pub fn build(d: &mut DocData, ctx: &BuildContext, unit: &str, event: &Event) {
    let Event::Notice(plan) = event else {
        d.paragraphs
            .push(format!("（{}：没有需要提醒的事项）", d.title));
        return;
    };
    d.addressee = format!("{}：", plan.to_name);
    d.paragraphs.push(format!(
        "经核查{}台帐，截至{}，下列工作未按规定完成。请于{}前落实，并将落实情况反馈{}。",
        unit,
        ctx.date(ctx.as_of),
        ctx.date(crate::rules::window::add_days(ctx.as_of, FEEDBACK_DAYS)),
        d.office
    ));
    d.tables.push(DataTable {
        caption: String::new(),
        widths: vec![0.7, 2.0, 5.0, 2.6],
        header: vec![
            "序号".into(),
            "对象".into(),
            "未完成事项".into(),
            "依据".into(),
        ],
        rows: plan
            .items
            .iter()
            .enumerate()
            .map(|(k, item)| {
                vec![
                    (k + 1).to_string(),
                    item.about.clone(),
                    item.what.clone(),
                    item.ground.clone(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    let town = super::super::build::town_of_unit(ctx.register, unit).unwrap_or_default();
    d.seal = ctx.office.seal_for(&town);
}
