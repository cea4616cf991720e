//! The form `test_record`: the data its template shows (see `forms/test_record.yaml`): every
//! row of the 检测 sheet for one person, in date order.

use super::prelude::*;
use super::talk_record::hand;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    d.columns = 4;
    d.cells = person_cells(ctx, p);
    d.paragraphs.push(format!(
        "根据{}的规定，{}人员应当根据公安机关的要求，定期接受检测。本记录载明其{}期间的全部检测情况。",
        ground_text(&["testing".to_string()], p.measure),
        programme(p),
        programme(p)
    ));
    let tests = ctx.register.tests_of(who.index);
    d.tables.push(DataTable {
        caption: "检测情况".into(),
        widths: vec![0.6, 1.7, 1.3, 0.9, 1.9, 1.0, 1.2],
        header: vec![
            "序号".into(),
            "检测日期".into(),
            "检测方式".into(),
            "结果".into(),
            "检测单位".into(),
            "检测人".into(),
            "本人签名".into(),
        ],
        rows: tests
            .iter()
            .enumerate()
            .map(|(k, t)| {
                vec![
                    (k + 1).to_string(),
                    ctx.date(t.date),
                    t.method.clone().unwrap_or_default(),
                    t.result.label().to_string(),
                    t.lab.clone().unwrap_or_default(),
                    t.tester.clone().unwrap_or_default(),
                    String::new(),
                ]
            })
            .collect(),
        size: 10.5,
        ruled: false,
    });
    let done = tests.iter().filter(|t| t.result.was_done()).count();
    let positive = tests
        .iter()
        .filter(|t| t.result == crate::model::TestResult::Positive)
        .count();
    d.closing.push(format!(
        "截至{}，共记录检测{}次，其中实际检测{}次（阳性{}次），拒绝、逃避或者未到{}次。",
        ctx.date(ctx.as_of),
        tests.len(),
        done,
        positive,
        tests.len() - done
    ));
    d.date = String::new();
    d.signatures = vec![hand("记录人（签名）："), hand("专职社工（签名）：")];
}

/// Made only when the 检测 sheet has rows for the person.
pub fn holds(ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    if ctx.register.tests_of(who.index).is_empty() {
        Err("检测表中没有该人员的检测记录，不予出具检测记录".into())
    } else {
        Ok(())
    }
}
