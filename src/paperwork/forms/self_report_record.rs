//! The form `self_report_record`: the data its template shows (see
//! `forms/self_report_record.yaml`): the month's 谈话 rows of 形式 本人报告.

use super::prelude::*;
use super::talk_record::{hand, header_cells, month_holds, month_text, months_of, rows_of};
use crate::paperwork::obligations::schedule_phrase;
use crate::profile::EventKind;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    d.subtitle = month_text(event);
    d.columns = 4;
    d.cells = header_cells(p);
    let rows = rows_of(ctx, who, event, true);
    d.tables.push(DataTable {
        caption: "本人报告情况".into(),
        widths: vec![0.7, 1.8, 1.3, 5.2],
        header: vec![
            "序号".into(),
            "报告日期".into(),
            "接收人".into(),
            "报告内容摘要".into(),
        ],
        rows: rows
            .iter()
            .enumerate()
            .map(|(k, c)| {
                vec![
                    (k + 1).to_string(),
                    ctx.date(c.date),
                    c.worker.clone().unwrap_or_default(),
                    c.summary.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    let rule = schedule_phrase(
        ctx.profile,
        p,
        EventKind::SelfReports,
        "主动向帮教小组报告本人情况",
    )
    .map(|r| format!("（协议规定：{r}）"))
    .unwrap_or_default();
    d.closing.push(format!(
        "本月向帮教小组报告本人情况{}次{rule}。",
        rows.len()
    ));
    d.date = String::new();
    d.signatures = vec![
        hand("报告人（签名）："),
        hand("接收人（签名）："),
        hand("帮教小组组长（签名）："),
    ];
}

/// The months with self-reports of person `i`.
pub fn events(ctx: &BuildContext, i: usize) -> Vec<Event> {
    months_of(ctx, i, true)
}

/// Made only for a month the 谈话 sheet has self-reports in.
pub fn holds(ctx: &BuildContext, who: &PersonRef, event: &Event) -> Result<(), String> {
    month_holds(ctx, who, event, true, "本人报告记录")
}
