//! The form `serious_breach_report`: a report to the police on one statutory ground (禁毒法
//! 第三十八条第一款: 拒绝接受, 吸毒, 严重违反协议), stating the facts from the register, the
//! earlier written warnings with their numbers and dates, and the law it rests on. Never an
//! internal note, a rule code or a cell reference.

use super::prelude::*;
use crate::paperwork::due::ReportGround;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let Event::Report(plan) = event else {
        d.paragraphs
            .push(format!("（{}：没有需要报告的事实）", d.title));
        return;
    };
    let prog = programme(p);
    d.title = match plan.ground {
        ReportGround::Refusal => format!("关于拒绝接受{prog}情况的报告"),
        ReportGround::DrugUse => format!("关于{prog}期间吸食、注射毒品情况的报告"),
        ReportGround::SeriousBreach => d.title.clone(),
    };
    d.addressee = format!("{}：", ctx.office.police_for(Some(p)));
    let decided = format!(
        "经{}以{}决定责令{}",
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        prog
    );
    let reported = match p.report_date {
        Some(r) => format!("，于{}报到", ctx.date(r)),
        None => String::new(),
    };
    d.paragraphs.push(format!(
        "{}，性别{}，公民身份号码{}，现住址{}，{decided}{reported}。",
        p.name,
        p.sex.map(|s| s.label()).unwrap_or(BLANK),
        or_blank(&p.resident_id),
        or_blank(&p.current_address),
    ));
    let lead = match plan.ground {
        ReportGround::Refusal => "经查，该人员有下列拒绝接受".to_string() + prog + "的情形：",
        ReportGround::DrugUse => format!("经查，该人员在{prog}期间有下列吸食、注射毒品的情形："),
        ReportGround::SeriousBreach => format!("经查，该人员有下列严重违反{prog}协议的情形："),
    };
    d.paragraphs.push(lead);
    for (k, fact) in plan.facts.iter().enumerate() {
        d.paragraphs
            .push(format!("{}、{}。", ordinal_cn(k as u32 + 1), fact.text));
    }
    if let Some((number, date, deadline)) = &plan.reminder {
        d.paragraphs.push(format!(
            "本办公室已于{}以{}催告其于{}前报到，期限届满仍未报到。",
            ctx.date(*date),
            number,
            ctx.date(*deadline)
        ));
    }
    if !plan.warnings.is_empty() {
        d.tables.push(DataTable {
            caption: "此前书面告诫情况".into(),
            widths: vec![0.8, 2.2, 3.0, 4.0],
            header: vec![
                "序号".into(),
                "告诫日期".into(),
                "文号".into(),
                "告诫事由".into(),
            ],
            rows: plan
                .warnings
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    vec![
                        (k + 1).to_string(),
                        ctx.date(w.date),
                        w.number.clone().unwrap_or_else(|| "（无文号）".into()),
                        w.reason.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
            size: 11.0,
            ruled: false,
        });
    }
    d.closing.push(format!(
        "根据{}的规定，特此报告，请依法处理。",
        ground_text(&plan.citations, p.measure)
    ));
    d.seal = ctx.office.seal_for(who.town);
}
