//! The form `agreement`: the data its template shows (see `forms/agreement.yaml`).
//!
//! The agreement is signed by the office, the person and a relative (条例 art. 16; the work
//! plans: the 工作小组 signs "与吸毒人员及其亲属"), witnessed by the group leader. It bears the
//! date the register gives for its signing, else blanks to date by hand: an agreement not
//! yet signed is never pre-dated.

use super::prelude::*;
use crate::paperwork::obligations::{obligations, serious_breaches};

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let prog = programme(p);
    d.paragraphs.push(format!("甲方：{}", d.office));
    d.paragraphs.push(match p.number() {
        "" => format!("乙方：{}", p.name),
        number => format!("乙方：{}（人员编号：{number}）", p.name),
    });
    d.paragraphs.push(format!(
        "性别：{}　　公民身份号码：{}",
        p.sex.map(|s| s.label()).unwrap_or(BLANK),
        or_blank(&p.resident_id)
    ));
    d.paragraphs
        .push(format!("户籍地址：{}", or_blank(&p.household_address)));
    d.paragraphs
        .push(format!("现住址：{}", or_blank(&p.current_address)));
    d.paragraphs
        .push(format!("丙方（乙方亲属）：{BLANK}　与乙方关系：{BLANK}"));
    d.paragraphs.push(format!("丙方联系电话：{BLANK}"));
    let end = term_end(p);
    d.paragraphs.push(format!(
        "乙方经{}以{}决定责令{}，于{}到甲方报到，期限自报到之日起至{}止。根据《中华人民共和国禁毒法》《戒毒条例》的规定，为帮助乙方戒除毒瘾、回归社会，三方自愿签订本协议。",
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
    d.paragraphs.push(
        "四、丙方协助甲方督促乙方履行本协议，发现乙方违反本协议的，及时告知甲方。".to_string(),
    );
    // Signed on the day the register gives, else dated by hand when it is signed.
    let date = p.agreement_date.map(|d| ctx.date(d)).unwrap_or_default();
    let party = |label: &str, name: String| Signature {
        party: label.into(),
        name,
        date: date.clone(),
    };
    d.signatures = vec![
        party("甲方（盖章）：", d.office.clone()),
        party("乙方（签名）：", String::new()),
        party("丙方（签名）：", String::new()),
        party("帮教小组组长（签名）：", String::new()),
    ];
}

/// The agreement bears its signing date, so its number carries that year.
pub fn dated(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Option<NaiveDate> {
    who.person.agreement_date
}
