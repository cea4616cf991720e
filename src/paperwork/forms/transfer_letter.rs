//! The form `transfer_letter`: the data its template shows (see `forms/transfer_letter.yaml`).
//!
//! The letter states the statutory time to report to the receiving office (《戒毒条例》第二十二条
//! 第二款: within 15 days of the change, the term counted on continuously) and the last day
//! of it when the register gives the date of the change; a 回执 follows on its own page, for
//! the receiving office to fill in, seal and send back. The template splits the paragraphs at
//! [`RECEIPT_MARK`]: those after it are the receipt's (its addressee, its text, the line the
//! receiving office seals).

use super::super::chinese::count_cn;
use super::prelude::*;
use chrono::Days;

/// Days a person has to report to the receiving office after the change of the place of
/// execution: fixed by 《戒毒条例》第二十二条第二款 (not a profile setting).
pub const TRANSFER_REPORT_DAYS: u64 = 15;

/// The paragraph that starts the 回执 (the template's split mark and the receipt's title).
pub const RECEIPT_MARK: &str = "回　执";

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    d.addressee = format!("{BLANK}社区戒毒(康复)工作办公室：");
    let moved_on = (p.status == Some(Status::Transferred))
        .then_some(p.status_date)
        .flatten();
    let moved = ctx.opt_date(moved_on);
    d.paragraphs.push(format!(
        "{}，公民身份号码{}，自{}起在我辖区执行{}，期限至{}止。经批准，其执行地自{}起变更至你处。",
        p.name,
        or_blank(&p.resident_id),
        ctx.opt_date(p.report_date),
        programme(p),
        ctx.opt_date(term_end(p)),
        moved
    ));
    let ground = ground_text(&["transfer".to_string()], p.measure);
    let deadline = moved_on
        .and_then(|m| m.checked_add_days(Days::new(TRANSFER_REPORT_DAYS)))
        .map(|last| format!("（即最迟于{}）", ctx.date(last)))
        .unwrap_or_default();
    d.paragraphs.push(format!(
        "根据{ground}的规定，现将其{}档案材料移交你处。该人员应当自执行地变更之日起{}日内{deadline}到你处报到，{}时间自报到之日起连续计算；请你处与其签订新的{}协议，继续执行，并将回执寄回我处。",
        programme(p),
        count_cn(TRANSFER_REPORT_DAYS as u32),
        programme(p),
        programme(p),
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
    // The 回执, on its own page: the receiving office fills in the day of report-in, seals
    // and dates it by hand.
    let sender = ctx.office.seal_for(who.town);
    let number = if d.number.is_empty() {
        String::new()
    } else {
        format!("（{}）", d.number)
    };
    d.paragraphs.push(RECEIPT_MARK.to_string());
    d.paragraphs.push(format!("{sender}："));
    d.paragraphs.push(format!(
        "你处《{}》{number}及{}（公民身份号码{}）的{}移交材料已收到，该人员已于　　年　　月　　日到我处报到。",
        d.title,
        p.name,
        or_blank(&p.resident_id),
        programme(p),
    ));
    d.paragraphs.push("接收单位（盖章）：".to_string());
}

/// Made only for a person whose 状态 is 已变更执行地: the letter states the transfer as fact.
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    match who.person.status {
        Some(Status::Transferred) => Ok(()),
        _ => Err("状态不是“已变更执行地”：移交函陈述执行地已变更，台帐不支持，不予出具".into()),
    }
}
