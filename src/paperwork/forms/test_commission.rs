//! The form `test_commission`: the data its template shows (see `forms/test_commission.yaml`).

use super::prelude::*;
use chrono::Datelike;

/// Whether a body is the police (a 派出所 or other public security organ): it tests
/// itself and is never the commissioned body.
fn is_police(body: &str) -> bool {
    body.ends_with("派出所") || body.contains("公安")
}

/// The persons of `town` the tests are for: reported in by the as-of date, 执行中 and within
/// their term; each counted once (a person entered twice, with the same 编号 or the same
/// 公民身份号码, is one person).
pub fn persons_tested(ctx: &BuildContext, town: &str) -> usize {
    let mut ids = std::collections::HashSet::new();
    let mut resident_ids = std::collections::HashSet::new();
    ctx.register
        .persons
        .iter()
        .filter(|p| p.town == town && p.status_or_active() == Status::Active)
        .filter(|p| p.report_date.is_some_and(|r| r <= ctx.as_of))
        .filter(|p| term_end(p).is_none_or(|end| end >= ctx.as_of))
        .filter(|p| {
            let id = p.id.trim().to_string();
            let rid = p
                .resident_id
                .as_deref()
                .map(|s| s.trim().to_uppercase())
                .filter(|s| !s.is_empty());
            let seen = ids.contains(&id) || rid.as_ref().is_some_and(|r| resident_ids.contains(r));
            ids.insert(id);
            if let Some(r) = rid {
                resident_ids.insert(r);
            }
            !seen
        })
        .count()
}

pub fn build(d: &mut DocData, ctx: &BuildContext, town: &str, _event: &Event) {
    let reg = ctx.register;
    let people = persons_tested(ctx, town);
    let lab = ctx.office.testing_body(reg, town);
    let lab = if is_police(&lab) {
        BLANK.to_string()
    } else {
        lab
    };
    let year = ctx.as_of.year();
    d.paragraphs.push(format!("委托方（甲方）：{}", d.office));
    d.paragraphs.push(format!("受托方（乙方）：{lab}"));
    d.paragraphs.push(format!(
        "为做好本辖区社区戒毒(康复)人员的尿液检测工作，甲方委托乙方对本辖区正在执行的社区戒毒(康复)人员（现有{people}人，以甲方书面通知的名单为准）进行尿液检测，双方订立本协议。"
    ));
    for (k, clause) in [
        format!("委托期限：自本协议签订之日起至{year}年12月31日止。"),
        "乙方按照甲方通知的时间和名单，定期不定时地实施检测，检测结果当场告知并书面反馈甲方。".to_string(),
        "乙方应当如实记录检测情况；被检测人逃避、拒绝检测或者检测结果为阳性的，应当在当日告知甲方。".to_string(),
        "双方对检测中知悉的个人信息负有保密义务，不得向无关人员泄露。".to_string(),
        format!("检测费用：每人次{BLANK}元，由甲方按照有关规定支付。"),
    ]
    .iter()
    .enumerate()
    {
        d.paragraphs.push(format!("{}、{clause}", ordinal_cn(k as u32 + 1)));
    }
    // Signed and sealed by hand, each party dating it on signing.
    d.signatures = vec![
        Signature {
            party: "甲方（盖章）：".into(),
            name: d.office.clone(),
            date: String::new(),
        },
        Signature {
            party: "乙方（盖章）：".into(),
            name: if lab == BLANK { String::new() } else { lab },
            date: String::new(),
        },
    ];
}
