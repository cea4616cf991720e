//! The form `warning_letter` (告诫书): one per person and date, listing every fact of the
//! person's own breach not yet warned about (see [`crate::paperwork::due`]), which written
//! warning it is, the law it rests on, and what follows if the person does not mend.

use super::prelude::*;
use crate::paperwork::obligations::serious_breaches;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let Event::Warn(plan) = event else {
        d.paragraphs
            .push(format!("（{}：没有需要告诫的事实）", d.title));
        return;
    };
    let prog = programme(p);
    d.date = ctx.date(plan.date);
    d.addressee = format!("{}：", p.name);
    d.paragraphs.push(format!(
        "你自{}起在本辖区接受{}。经查，你有下列违反{}协议的行为：",
        ctx.opt_date(p.report_date),
        prog,
        prog
    ));
    for (k, fact) in plan.facts.iter().enumerate() {
        d.paragraphs
            .push(format!("{}、{}。", ordinal_cn(k as u32 + 1), fact.text));
    }
    d.paragraphs.push(format!(
        "根据{}的规定，现对你予以第{}次书面告诫。请你自觉履行{}协议，按规定向帮教小组报告本人情况、接受检测，未经批准不得离开执行地。",
        ground_text(&plan.ground, p.measure),
        ordinal_cn(plan.nth),
        prog
    ));
    d.paragraphs.push(format!(
        "有{}等情形的，属于严重违反{}协议，本办公室将依照{}的规定报告公安机关。",
        serious_breaches(ctx.profile),
        prog,
        ground_text(&["report_duty".to_string()], p.measure)
    ));
    if let Some(contact) = ctx.office.contact_line() {
        d.paragraphs.push(format!("本办公室{contact}。"));
    }
    d.seal = ctx.office.seal_for(who.town);
}
