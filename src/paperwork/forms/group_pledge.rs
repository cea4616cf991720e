//! The form `group_pledge`: the data its template shows (see `forms/group_pledge.yaml`): the
//! duties of the person's 帮教小组, worded from the profile's schedule, signed by hand by every
//! member the register names (and room for one more).

use super::group_setup::members;
use super::prelude::*;
use crate::paperwork::obligations::schedule_phrase;
use crate::profile::EventKind;

pub use super::group_setup::holds;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let prog = programme(p);
    let group = members(p);
    d.paragraphs.push(format!(
        "为落实{prog}措施，帮助{}戒除毒瘾、回归社会，根据{}的规定，{}与帮教小组成员签订本责任书。",
        p.name,
        ground_text(
            &[
                "work_group".to_string(),
                "report_duty".to_string(),
                "local_plan".to_string()
            ],
            p.measure
        ),
        d.office
    ));
    d.paragraphs.push(format!(
        "帮教对象：{}，公民身份号码{}，于{}报到，{prog}期限至{}止。",
        p.name,
        or_blank(&p.resident_id),
        ctx.opt_date(p.report_date),
        ctx.opt_date(term_end(p))
    ));
    let names = |role: &str| {
        group
            .iter()
            .filter(|(r, _)| *r == role)
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut composition = Vec::new();
    for (role, label) in [("组长", "组长"), ("成员", "成员"), ("专职社工", "专职社工")]
    {
        let n = names(role);
        if !n.is_empty() {
            composition.push(format!("{label}{n}"));
        }
    }
    d.paragraphs
        .push(format!("帮教小组组成：{}。", composition.join("；")));
    d.paragraphs.push("帮教小组成员承担下列责任：".to_string());
    let talks = schedule_phrase(ctx.profile, p, EventKind::Talks, "与帮教对象面对面谈话")
        .unwrap_or_else(|| "定期与帮教对象面对面谈话".into());
    let reports = schedule_phrase(
        ctx.profile,
        p,
        EventKind::SelfReports,
        "主动向帮教小组报告本人情况",
    )
    .unwrap_or_else(|| "按规定主动向帮教小组报告本人情况".into());
    let evaluations = schedule_phrase(
        ctx.profile,
        p,
        EventKind::Evaluations,
        "评估帮教对象的戒毒情况",
    )
    .unwrap_or_else(|| "定期评估帮教对象的戒毒情况".into());
    let duties = [
        "对帮教对象进行戒毒知识辅导、心理辅导和法律援助。".to_string(),
        "了解帮教对象在就学、就业、生活方面的困难，及时向社区戒毒（康复）工作办公室反映，协助解决。".to_string(),
        format!("{talks}，做好谈话记录，由帮教小组组长签字后存入档案。"),
        format!("督促帮教对象遵守{prog}协议，{reports}，按时接受检测。"),
        format!("{evaluations}，评估结果报社区戒毒（康复）工作办公室归档。"),
        "帮教对象需暂时离开执行地的，对其请假进行审查，按规定批准并报社区戒毒（康复）工作办公室备案。".to_string(),
        "对帮教对象擅自离开执行地、逃避或者拒绝接受检测、不按规定报告本人情况等违反协议的行为，及时进行批评、教育和告诫。".to_string(),
        format!("发现帮教对象严重违反{prog}协议或者在{prog}期间又吸食、注射毒品的，及时向公安机关和社区戒毒（康复）工作办公室报告。"),
        "对帮教对象的个人信息和戒毒康复情况保密。".to_string(),
    ];
    for (k, duty) in duties.iter().enumerate() {
        d.paragraphs
            .push(format!("（{}）{duty}", ordinal_cn(k as u32 + 1)));
    }
    d.paragraphs.push(format!(
        "本责任书自签订之日起至帮教对象{prog}解除、终止或者执行地变更之日止有效。"
    ));
    let hand = |party: String| Signature {
        party,
        name: String::new(),
        date: String::new(),
    };
    d.signatures = group
        .iter()
        .map(|(role, _)| match *role {
            "组长" => hand("帮教小组组长（签名）：".into()),
            "专职社工" => hand("专职社工（签名）：".into()),
            _ => hand("帮教小组成员（签名）：".into()),
        })
        .collect();
    d.signatures.push(hand("帮教小组成员（签名）：".into()));
    d.seal = ctx.office.seal_for(who.town);
    d.date = String::new();
}
