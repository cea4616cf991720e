//! The form `transfer_letter`: the data its template shows (see `forms/transfer_letter.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    d.addressee = format!("{BLANK}社区戒毒(康复)工作办公室：");
    let moved = if p.status == Some(Status::Transferred) {
        ctx.opt_date(p.status_date)
    } else {
        BLANK.to_string()
    };
    d.paragraphs.push(format!(
        "{}，公民身份号码{}，自{}起在我辖区执行{}，期限至{}止。经批准，其执行地自{}起变更至你处。",
        p.name,
        or_blank(&p.resident_id),
        ctx.opt_date(p.report_date),
        programme(p),
        ctx.opt_date(term_end(p)),
        moved
    ));
    d.paragraphs.push(format!(
        "根据{}的规定，现将其{}档案材料移交你处，请督促其自执行地变更之日起十五日内报到并重新签订协议，执行期限连续计算。",
        ground_text(&["transfer".to_string()], p.measure),
        programme(p)
    ));
    d.tables.push(DataTable {
        caption: "移交材料清单".into(),
        widths: vec![1.0, 5.0, 1.5],
        header: vec!["序号".into(), "材料名称".into(), "份数".into()],
        rows: [
            "责令社区戒毒(康复)决定书",
            "社区戒毒(康复)协议书",
            "社区戒毒人员信息登记表",
            "检测记录",
            "谈话及报告记录",
            "季度评估表",
            "告诫书及送达回证",
        ]
        .iter()
        .enumerate()
        .map(|(k, name)| vec![(k + 1).to_string(), (*name).to_string(), String::new()])
        .collect(),
        size: 11.0,
        ruled: false,
    });
    d.seal = ctx.office.seal_for(who.town);
}

/// Made only for a person whose 状态 is 已变更执行地: the letter states the transfer as fact.
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    match who.person.status {
        Some(Status::Transferred) => Ok(()),
        _ => Err("状态不是“已变更执行地”：移交函陈述执行地已变更，台帐不支持，不予出具".into()),
    }
}
