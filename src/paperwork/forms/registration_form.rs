//! The form `registration_form`: the data its template shows (see `forms/registration_form.yaml`).
//! A registration form as the office keeps it: a photo box, the person's identity and
//! background (民族, 文化程度, 婚姻状况, 职业, 工作单位), drug history, a relative or guardian
//! to contact, 违法犯罪记录, and every register field of the measure. What the register leaves
//! empty prints as a line to fill.

use super::prelude::*;
use super::receipt_of_service::hand_signed;
use crate::model::{DateOrText, Person};

/// Rows beside the photo box: five rows of this least height (mm) …
const PHOTO_ROW: u32 = 6;
/// … and the photo box (mm; with its padding about 35 × 45 mm, the column is 35 mm wide).
const PHOTO_HEIGHT: u32 = 41;

/// 初次吸毒时间 as the form writes it: a date, else the register's text (a bare year gets 年).
pub fn first_use_text(ctx: &BuildContext, p: &Person) -> String {
    match &p.first_drug_use {
        Some(DateOrText::Date(d)) => ctx.date(*d),
        Some(DateOrText::Text(t)) if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{t}年")
        }
        Some(DateOrText::Text(t)) => t.clone(),
        None => BLANK.to_string(),
    }
}

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let text = |v: &Option<String>| or_blank(v);
    let yn = |v: Option<bool>| match v {
        Some(true) => "是".to_string(),
        Some(false) => "否".to_string(),
        None => BLANK.to_string(),
    };
    let name_or_blank = |s: &str| {
        if s.trim().is_empty() {
            BLANK.to_string()
        } else {
            s.to_string()
        }
    };
    let status = match (p.status_or_active(), p.status_date) {
        (Status::Active, _) => Status::Active.label().to_string(),
        (s, Some(on)) => format!("{}（{}）", s.label(), ctx.date(on)),
        (s, None) => s.label().to_string(),
    };
    let term = if p.term_months == 0 {
        DEFAULT_TERM_MONTHS
    } else {
        p.term_months
    };
    let members = if p.group_members.is_empty() {
        BLANK.to_string()
    } else {
        p.group_members.join("、")
    };
    let beside = |s: String| Cell::value(s).tall(PHOTO_ROW);
    d.columns = 5;
    d.cells = vec![
        // Identity, beside the photo box.
        Cell::label("姓名"),
        beside(name_or_blank(&p.name)),
        Cell::label("性别"),
        beside(p.sex.map(|s| s.label().to_string()).unwrap_or(BLANK.into())),
        Cell::label("照片").rows(5).tall(PHOTO_HEIGHT),
        Cell::label("出生日期"),
        beside(ctx.opt_date(p.birth_date)),
        Cell::label("民族"),
        beside(text(&p.ethnicity)),
        Cell::label("文化程度"),
        beside(text(&p.education)),
        Cell::label("婚姻状况"),
        beside(text(&p.marital_status)),
        Cell::label("公民身份号码"),
        beside(text(&p.resident_id)).span(3),
        Cell::label("联系电话"),
        beside(text(&p.phone)),
        Cell::label("人员编号"),
        beside(name_or_blank(p.number())),
        // Background.
        Cell::label("户籍地址"),
        Cell::value(text(&p.household_address)).span(4),
        Cell::label("现住址"),
        Cell::value(text(&p.current_address)).span(4),
        Cell::label("职业"),
        Cell::value(text(&p.occupation)),
        Cell::label("工作单位"),
        Cell::value(text(&p.employer)).span(2),
        Cell::label("初次吸毒时间"),
        Cell::value(first_use_text(ctx, p)),
        Cell::label("吸食毒品种类"),
        Cell::value(text(&p.drugs)).span(2),
        Cell::label("违法犯罪记录"),
        Cell::value(text(&p.criminal_record)).span(4).tall(10),
        Cell::label("家属或监护人"),
        Cell::value(format!("姓名：{}", text(&p.family_name))),
        Cell::value(format!("关系：{}", text(&p.family_relation))),
        Cell::value(format!("联系电话：{}", text(&p.family_phone))).span(2),
        // The measure.
        Cell::label("乡镇(街道)"),
        Cell::value(name_or_blank(&p.town)),
        Cell::label("村(社区)"),
        Cell::value(name_or_blank(&p.unit)).span(2),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("期限"),
        Cell::value(format!("{term}个月")).span(2),
        Cell::label("决定机关"),
        Cell::value(text(&p.decision_authority)),
        Cell::label("决定书文号"),
        Cell::value(text(&p.decision_number)).span(2),
        Cell::label("决定日期"),
        Cell::value(ctx.opt_date(p.decision_date)),
        Cell::label("送达日期"),
        Cell::value(ctx.opt_date(p.served_date)).span(2),
        Cell::label("报到日期"),
        Cell::value(ctx.opt_date(p.report_date)),
        Cell::label("协议签订日期"),
        Cell::value(ctx.opt_date(p.agreement_date)).span(2),
        Cell::label("外省市人员"),
        Cell::value(if p.from_other_province { "是" } else { "否" }),
        Cell::label("药物维持治疗"),
        Cell::value(yn(p.methadone)).span(2),
        Cell::label("执行状态"),
        Cell::value(status),
        Cell::label("固定住所/工作/联系方式"),
        Cell::value(format!(
            "{}／{}／{}",
            yn(p.fixed_residence),
            yn(p.fixed_job),
            yn(p.fixed_contact)
        ))
        .span(2),
        Cell::label("专职社工"),
        Cell::value(text(&p.social_worker)),
        Cell::label("帮教小组组长"),
        Cell::value(text(&p.group_leader)).span(2),
        Cell::label("帮教小组成员"),
        Cell::value(members).span(4),
        Cell::label("特殊情形"),
        Cell::value(text(&p.special_circumstances)).span(4),
        // Filled in and checked by hand, as the table's last rows (so that a page never
        // holds the signatures alone): names never pre-printed, dates blank.
        Cell::label("填表人"),
        Cell::value("").span(4).tall(9).foot(hand_signed("签名：")),
        Cell::label("审核人"),
        Cell::value("").span(4).tall(9).foot(hand_signed("签名：")),
    ];
}
