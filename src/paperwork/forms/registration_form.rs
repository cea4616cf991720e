//! The form `registration_form`: the data its template shows (see `forms/registration_form.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let mut group = Vec::new();
    if let Some(l) = &p.group_leader {
        group.push(format!("组长：{l}"));
    }
    if !p.group_members.is_empty() {
        group.push(format!("成员：{}", p.group_members.join("、")));
    }
    let yn = |v: Option<bool>| match v {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    };
    d.columns = 4;
    d.cells = vec![
        Cell::label("编号"),
        Cell::value(p.id.clone()),
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("性别"),
        Cell::value(p.sex.map(|s| s.label()).unwrap_or("")),
        Cell::label("出生日期"),
        Cell::value(p.birth_date.map(|b| ctx.date(b)).unwrap_or_default()),
        Cell::label("公民身份号码"),
        Cell::value(p.resident_id.clone().unwrap_or_default()).span(3),
        Cell::label("联系电话"),
        Cell::value(p.phone.clone().unwrap_or_default()).span(3),
        Cell::label("户籍地址"),
        Cell::value(p.household_address.clone().unwrap_or_default()).span(3),
        Cell::label("现住址"),
        Cell::value(p.current_address.clone().unwrap_or_default()).span(3),
        Cell::label("乡镇(街道)"),
        Cell::value(p.town.clone()),
        Cell::label("村(社区)"),
        Cell::value(p.unit.clone()),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("期限"),
        Cell::value(format!(
            "{}个月",
            if p.term_months == 0 {
                DEFAULT_TERM_MONTHS
            } else {
                p.term_months
            }
        )),
        Cell::label("决定机关"),
        Cell::value(p.decision_authority.clone().unwrap_or_default()),
        Cell::label("决定文号"),
        Cell::value(p.decision_number.clone().unwrap_or_default()),
        Cell::label("决定日期"),
        Cell::value(p.decision_date.map(|x| ctx.date(x)).unwrap_or_default()),
        Cell::label("报到日期"),
        Cell::value(p.report_date.map(|x| ctx.date(x)).unwrap_or_default()),
        Cell::label("协议日期"),
        Cell::value(p.agreement_date.map(|x| ctx.date(x)).unwrap_or_default()),
        Cell::label("状态"),
        Cell::value(p.status_or_active().label()),
        Cell::label("固定住所/工作/联系"),
        Cell::value(format!(
            "{}/{}/{}",
            yn(p.fixed_residence),
            yn(p.fixed_job),
            yn(p.fixed_contact)
        )),
        Cell::label("专职社工"),
        Cell::value(p.social_worker.clone().unwrap_or_default()),
        Cell::label("帮教小组"),
        Cell::lines(group).span(3).tall(15),
        Cell::label("特殊情形"),
        Cell::value(p.special_circumstances.clone().unwrap_or_default())
            .span(3)
            .tall(15),
    ];
    d.signatures = vec![
        Signature {
            party: "填表人：".into(),
            name: p.social_worker.clone().unwrap_or_default(),
            date: String::new(),
        },
        Signature {
            party: "填表日期：".into(),
            name: d.date.clone(),
            date: String::new(),
        },
    ];
}
