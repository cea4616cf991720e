//! The form `test_commission`: the data its template shows (see `forms/test_commission.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, town: &str, _event: &Event) {
    let reg = ctx.register;
    let people = reg
        .persons
        .iter()
        .filter(|p| p.town == town && p.status_or_active() == Status::Active)
        .count();
    let lab = ctx.office.testing_body(reg, town);
    d.paragraphs.push(format!("委托方（甲方）：{}", d.office));
    d.paragraphs.push(format!("受托方（乙方）：{lab}"));
    d.paragraphs.push(format!(
        "为做好本辖区社区戒毒(康复)人员的尿液检测工作，甲方委托乙方对本辖区正在执行的社区戒毒(康复)人员（现有{people}人）进行尿液检测，双方订立本协议。"
    ));
    for (k, clause) in [
        "乙方按照甲方通知的时间和名单，定期不定时地实施检测，检测结果当场告知并书面反馈甲方。",
        "乙方应当如实记录检测情况；被检测人逃避、拒绝检测或者检测结果为阳性的，应当在当日告知甲方。",
        "双方对检测中知悉的个人信息负有保密义务，不得向无关人员泄露。",
        "检测费用由甲方按照有关规定支付。",
    ]
    .iter()
    .enumerate()
    {
        d.paragraphs.push(format!("{}、{clause}", ordinal_cn(k as u32 + 1)));
    }
    d.signatures = vec![
        Signature {
            party: "甲方（盖章）：".into(),
            name: d.office.clone(),
            date: d.date.clone(),
        },
        Signature {
            party: "乙方（盖章）：".into(),
            name: if lab == BLANK { String::new() } else { lab },
            date: d.date.clone(),
        },
    ];
}
