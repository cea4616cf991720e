//! The form `register_table`: the data its template shows (see `forms/register_table.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, unit: &str, _event: &Event) {
    let reg = ctx.register;
    d.subtitle = format!("{}　（截至{}）", unit, ctx.date(ctx.as_of));
    let rows: Vec<Vec<String>> = reg
        .persons
        .iter()
        .filter(|p| p.unit == unit)
        .map(|p| {
            vec![
                p.number().to_string(),
                p.name.clone(),
                p.sex.map(|s| s.label().to_string()).unwrap_or_default(),
                p.resident_id.clone().unwrap_or_default(),
                p.unit.clone(),
                programme(p).to_string(),
                p.report_date.map(date_cn).unwrap_or_default(),
                term_end(p).map(date_cn).unwrap_or_default(),
                p.status_or_active().label().to_string(),
                p.phone.clone().unwrap_or_default(),
            ]
        })
        .collect();
    d.tables.push(DataTable {
        caption: String::new(),
        widths: vec![1.3, 1.2, 0.8, 3.2, 1.6, 1.4, 2.2, 2.2, 1.2, 1.8],
        header: [
            "编号",
            "姓名",
            "性别",
            "公民身份号码",
            "村(社区)",
            "措施类型",
            "报到日期",
            "期满日期",
            "状态",
            "联系电话",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
        size: 10.0,
        ruled: false,
    });
    // Made and checked by hand, under the office's seal and the day it is printed.
    d.signatures = ["制表人（签名）：", "审核人（签名）："]
        .into_iter()
        .map(|party| Signature {
            party: party.into(),
            name: String::new(),
            date: String::new(),
        })
        .collect();
    let town = town_of_unit(reg, unit).unwrap_or_default();
    d.seal = ctx.office.seal_for(&town);
}
