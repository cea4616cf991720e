//! The form `warning_letter` (告诫书): one per person and date, listing every fact of the
//! person's own breach not yet warned about (see [`crate::paperwork::due`]), which written
//! warning it is, the law it rests on, and what follows if the person does not mend.

use super::prelude::*;

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
    let threshold = ctx.profile.serious_breach.warnings.count;
    d.paragraphs.push(format!(
        "根据{}的规定，现对你予以第{}次书面告诫。请你自觉履行{}协议，按规定向帮教小组报告本人情况、接受检测，未经批准不得离开执行地。",
        ground_text(&plan.ground, p.measure),
        ordinal_cn(plan.nth),
        prog
    ));
    d.paragraphs.push(format!(
        "拒不报告本人情况，经{}次书面告诫仍不改正的，或者逃避、拒绝接受检测{}次以上，擅自离开执行地所在县（市、区）{}次以上或者累计超过{}日的，属于严重违反{}协议，本办公室将依照{}的规定报告公安机关。",
        count_cn(threshold),
        count_cn(ctx.profile.serious_breach.tests.count),
        count_cn(ctx.profile.serious_breach.departures.count),
        count_cn(ctx.profile.serious_breach.departures.days_over as u32),
        prog,
        ground_text(&["report_duty".to_string()], p.measure)
    ));
    d.seal = d.office.clone();
}
