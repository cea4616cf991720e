//! The form `leave_approval`: the data its template shows (see `forms/leave_approval.yaml`).

use super::prelude::*;

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let leave = match event {
        Event::Leave(i) => ctx.register.leaves.get(*i),
        _ => None,
    };
    let (from, to, dest, reason, approver) = match leave {
        Some(l) => (
            ctx.date(l.leave_date),
            l.return_date
                .map(|r| ctx.date(r))
                .unwrap_or_else(|| BLANK.into()),
            or_blank(&l.destination),
            or_blank(&l.reason),
            or_blank(&l.approver),
        ),
        None => (
            BLANK.into(),
            BLANK.into(),
            BLANK.into(),
            BLANK.into(),
            BLANK.into(),
        ),
    };
    // Days as P114 counts them: 返回日期 − 离开日期 (away 1 June, back 3 June: 2 days).
    let days = leave
        .and_then(|l| l.return_date.map(|r| (r - l.leave_date).num_days()))
        .map(|n| format!("{n}日"))
        .unwrap_or_else(|| BLANK.into());
    d.columns = 4;
    d.cells = vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("编号"),
        Cell::value(p.id.clone()),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("联系电话"),
        Cell::value(or_blank(&p.phone)),
        Cell::label("离开日期"),
        Cell::value(from),
        Cell::label("返回日期"),
        Cell::value(to),
        Cell::label("请假天数"),
        Cell::value(days),
        Cell::label("前往地点"),
        Cell::value(dest),
        Cell::label("请假事由"),
        Cell::value(reason).span(3).tall(20),
        Cell::label("本人保证"),
        Cell::lines(vec![
            "本人保证在请假期间遵守法律法规和协议规定，不吸食毒品，按时返回并销假。".into(),
            "保证人（签名）：　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(25),
        Cell::label("帮教小组意见"),
        Cell::lines(vec![
            format!("批准人：{approver}"),
            "（签名）　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(22),
        Cell::label("办公室备案"),
        Cell::lines(vec![
            d.office.clone(),
            "（盖章）　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(22),
    ];
}

/// The leaves of person `i` recorded in 请假.
pub fn events(ctx: &BuildContext, i: usize) -> Vec<Event> {
    ctx.register
        .leaves
        .iter()
        .enumerate()
        .filter(|(_, l)| l.person == i)
        .map(|(idx, _)| Event::Leave(idx))
        .collect()
}
