//! The form `archive_cover`: the cover of a person's file (see `forms/archive_cover.yaml`).
//! What the register does not say (立卷人, 立卷日期, 保管期限) is left to fill by hand.

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let decision = match p.decision_number.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => String::new(),
    };
    let row = |label: &str, value: String| [Cell::label(label), Cell::value(value)];
    d.columns = 2;
    d.cells = [
        row("立卷单位", ctx.office.name_for(who.town)),
        row("姓　　名", p.name.clone()),
        row("编　　号", p.number().to_string()),
        row("措施类型", programme(p).to_string()),
        row("决定书文号", decision),
        row("起止日期", span(ctx, p)),
        row("立 卷 人", String::new()),
        row("立卷日期", String::new()),
        row("保管期限", String::new()),
    ]
    .into_iter()
    .flatten()
    .collect();
    // A cover carries no date or seal of its own.
    d.date = String::new();
}

/// 起止日期: from the report-in to the end of the measure: the 状态日期 of a measure that
/// ended (解除, 终止, 强制隔离戒毒, 变更执行地), else the term's end once passed; a file still
/// open leaves the end to fill by hand.
fn span(ctx: &BuildContext, p: &crate::model::Person) -> String {
    // Unknown dates are left to fill by hand on the ruled line.
    let open = "　".repeat(6);
    let start = p.report_date.map_or(open.clone(), |d| ctx.date(d));
    let closed = matches!(
        p.status_or_active(),
        Status::Discharged | Status::Terminated | Status::CompulsoryIsolation | Status::Transferred
    );
    let end = match (closed, p.status_date, term_end(p)) {
        (true, Some(d), _) => ctx.date(d),
        (_, _, Some(end)) if end < ctx.as_of => ctx.date(end),
        _ => open,
    };
    format!("{start}至{end}")
}
