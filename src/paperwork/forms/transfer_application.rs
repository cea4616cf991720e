//! The form `transfer_application`: the data its template shows (see
//! `forms/transfer_application.yaml`). The register says whether and when the place changed
//! (状态 已变更执行地, 状态日期), not where to nor why: those are left to fill or tick.

use super::prelude::*;
use crate::paperwork::obligations::TRANSFER_REPORT_DAYS;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let prog = programme(p);
    let moved = match event {
        Event::Status {
            status: Status::Transferred,
            date,
        } => ctx.opt_date(*date),
        _ => BLANK.to_string(),
    };
    let office = d.office.clone();
    d.date = String::new();
    d.columns = 4;
    d.cells = vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("性别"),
        Cell::value(p.sex.map(|s| s.label()).unwrap_or("")),
        Cell::label("公民身份号码"),
        Cell::value(or_blank(&p.resident_id)).span(3),
        Cell::label("措施类型"),
        Cell::value(prog),
        Cell::label("期限"),
        Cell::value(format!(
            "自{}起至{}止",
            ctx.opt_date(p.report_date),
            ctx.opt_date(term_end(p))
        )),
        Cell::label("原执行地"),
        Cell::value(format!("{}{}", who.town, p.unit)).span(3),
        Cell::label("户籍地址"),
        Cell::value(or_blank(&p.household_address)).span(3),
        Cell::label("现住址"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("变更后执行地"),
        Cell::value(format!("{BLANK}乡镇（街道）{BLANK}村（社区）")).span(3),
        Cell::label("申请理由"),
        Cell::lines(vec![
            "□户籍所在地发生变化　□现居住地发生变化".into(),
            "具体情况：".into(),
            String::new(),
            "申请人（签名）：　　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(20),
        Cell::label("帮教小组意见"),
        Cell::lines(vec![
            String::new(),
            String::new(),
            "帮教小组组长（签名）：　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(15),
        Cell::label("审批意见"),
        Cell::lines(vec![
            "□同意变更　□不同意变更".into(),
            String::new(),
            format!("{office}（盖章）"),
            "　　　　　　　　　　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(20),
        Cell::label("执行地变更日期"),
        Cell::value(format!(
            "{moved}（应自变更之日起{}日内到变更后的执行地报到）",
            crate::paperwork::chinese::count_cn(TRANSFER_REPORT_DAYS)
        ))
        .span(3),
        Cell::label("移交情况"),
        Cell::lines(vec![
            "档案材料移交日期：　　　　年　　月　　日".into(),
            format!("接收单位：{BLANK}社区戒毒（康复）工作办公室"),
        ])
        .span(3),
    ];
    d.notes.insert(
        0,
        format!(
            "依据：{}（执行期限连续计算，到变更后的执行地报到后重新签订协议）。",
            ground_text(&["transfer".to_string()], p.measure)
        ),
    );
}

/// The 状态 event when the place changed, else one blank application.
pub fn events(ctx: &BuildContext, i: usize) -> Vec<Event> {
    match ctx.register.persons.get(i) {
        Some(p) if p.status == Some(Status::Transferred) => vec![Event::Status {
            status: Status::Transferred,
            date: p.status_date,
        }],
        Some(_) => vec![Event::None],
        None => Vec::new(),
    }
}

/// Made for a person in the programme (a blank application) or one whose place changed;
/// refused once the measure was discharged, suspended or ended.
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    match who.person.status_or_active() {
        Status::Active | Status::Transferred => Ok(()),
        s => Err(format!(
            "状态为“{}”：该人员不在执行期间，无从申请变更执行地，不予出具",
            s.label()
        )),
    }
}
