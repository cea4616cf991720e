//! The form `agreement`: the data its template shows (see `forms/agreement.yaml`).

use super::prelude::*;
use crate::paperwork::obligations::{obligations, serious_breaches};

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let prog = programme(p);
    d.paragraphs.push(format!("甲方：{}", d.office));
    d.paragraphs.push(format!(
        "乙方：{}，性别：{}，公民身份号码：{}，现住址：{}。",
        p.name,
        p.sex.map(|s| s.label()).unwrap_or(BLANK),
        or_blank(&p.resident_id),
        or_blank(&p.current_address)
    ));
    let end = term_end(p);
    d.paragraphs.push(format!(
        "乙方经{}以{}决定责令{}，于{}到甲方报到，期限自报到之日起至{}止。根据《中华人民共和国禁毒法》《戒毒条例》的规定，为帮助乙方戒除毒瘾、回归社会，甲乙双方自愿签订本协议。",
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        prog,
        ctx.opt_date(p.report_date),
        ctx.opt_date(end)
    ));
    d.paragraphs.push("一、甲方为乙方提供戒毒康复指导、心理辅导和帮扶，组织帮教小组对乙方进行帮教，依法保护乙方的个人隐私。".to_string());
    d.paragraphs.push("二、乙方应当遵守下列规定：".to_string());
    for (k, o) in obligations(ctx.profile, p).iter().enumerate() {
        d.paragraphs
            .push(format!("（{}）{o}", ordinal_cn(k as u32 + 1)));
    }
    d.paragraphs.push(format!(
        "三、乙方有{}等严重违反本协议行为的，甲方将依法报告公安机关。乙方在{prog}期间吸食、注射毒品的，由公安机关依法处理。",
        serious_breaches(ctx.profile)
    ));
    let date = ctx.opt_date(p.agreement_date.or(Some(ctx.as_of)));
    d.signatures = vec![
        Signature {
            party: "甲方（盖章）：".into(),
            name: d.office.clone(),
            date: date.clone(),
        },
        Signature {
            party: "乙方（签名）：".into(),
            name: p.name.clone(),
            date: date.clone(),
        },
    ];
    if let Some(leader) = &p.group_leader {
        d.signatures.push(Signature {
            party: "帮教小组组长（签名）：".into(),
            name: leader.clone(),
            date,
        });
    }
}
