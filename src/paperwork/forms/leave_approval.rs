//! The form `leave_approval`: the data its template shows (see `forms/leave_approval.yaml`).
//! An approved leave as the office files it: the days as P114 counts them
//! ([`crate::rules::person::leave_days`], the one count), 准假至 when the register gives it, a
//! guarantee from a relative or employer (担保人, signed by hand), the approval, and the return
//! record (销假) from the register's 返回日期 — blank to fill while the person is away.

use super::prelude::*;
use super::receipt_of_service::{hand_signed, HAND_DATE};
use crate::model::Leave;
use crate::rules::person::leave_days;

fn leave_of<'a>(ctx: &'a BuildContext, event: &Event) -> Option<&'a Leave> {
    match event {
        Event::Leave(i) => ctx.register.leaves.get(*i),
        _ => None,
    }
}

/// Whether the return was on time, as the register shows it (None: nothing to say yet).
fn return_note(ctx: &BuildContext, l: &Leave) -> Option<String> {
    let until = l.approved_until?;
    match l.return_date {
        Some(back) if back > until => {
            Some(format!("超过准假期限{}日返回", (back - until).num_days()))
        }
        Some(_) => Some("按期返回".to_string()),
        None if ctx.as_of > until => Some(format!(
            "截至{}未返回，已超过准假期限{}日",
            ctx.date(ctx.as_of),
            (ctx.as_of - until).num_days()
        )),
        None => None,
    }
}

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    let leave = leave_of(ctx, event);
    let text =
        |f: fn(&Leave) -> &Option<String>| leave.map(|l| or_blank(f(l))).unwrap_or(BLANK.into());
    let from = ctx.opt_date(leave.map(|l| l.leave_date));
    let until = ctx.opt_date(leave.and_then(|l| l.approved_until));
    // The days as P114 counts them; left to fill when the register gives no end yet.
    let days = leave
        .and_then(|l| leave_days(l, None))
        .map(|n| format!("{n}日"))
        .unwrap_or_else(|| BLANK.into());
    let back = leave.and_then(|l| l.return_date);
    let returned = ctx.opt_date(back);
    // 销假 on return (返回日期, also written 销假日期); blanks to fill while away.
    let cancelled = match back {
        Some(b) => ctx.date(b),
        None => format!("　　　　{HAND_DATE}"),
    };
    let note = leave.and_then(|l| return_note(ctx, l));
    d.columns = 4;
    d.cells = vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("人员编号"),
        Cell::value(p.number().to_string()),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("联系电话"),
        Cell::value(or_blank(&p.phone)),
        Cell::label("现住址"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("离开日期"),
        Cell::value(from),
        Cell::label("准假至"),
        Cell::value(until),
        Cell::label("请假天数"),
        Cell::value(days),
        Cell::label("前往地点"),
        Cell::value(text(|l| &l.destination)),
        Cell::label("请假事由"),
        Cell::value(text(|l| &l.reason)).span(3).tall(12),
        // The guarantee of a relative or the employer, never the person's own.
        Cell::label("担保人姓名"),
        Cell::value(BLANK),
        Cell::label("与请假人关系"),
        Cell::value(BLANK),
        Cell::label("担保人电话"),
        Cell::value(BLANK).span(3),
        Cell::label("担保意见"),
        Cell::value(
            "本人自愿担保请假人在请假期间遵守法律法规和协议规定，按期返回并销假；\
             请假人逾期未归或下落不明的，及时报告。",
        )
        .span(3)
        .tall(26)
        .foot(hand_signed("担保人签名：")),
        Cell::label("帮教小组意见"),
        Cell::value("")
            .span(3)
            .tall(22)
            .foot(hand_signed("帮教小组组长签名：")),
        Cell::label("审批意见"),
        Cell::value("").span(3).tall(26).foot(vec![
            format!("{}（盖章）", ctx.office.seal_for(who.town)),
            hand_signed("批准人签名：").concat(),
        ]),
        // The return record.
        Cell::label("实际返回日期"),
        Cell::value(returned),
        Cell::label("销假时间"),
        Cell::value(cancelled),
        Cell::label("销假情况"),
        Cell::value(note.unwrap_or_default())
            .span(3)
            .tall(18)
            .foot(hand_signed("经办人签名：")),
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

/// A leave approval only for a leave the register records as approved: a departure without
/// approval (是否批准 = 否) is no leave, and its form would state an approval never given.
pub fn holds(ctx: &BuildContext, _who: &PersonRef, event: &Event) -> Result<(), String> {
    match leave_of(ctx, event) {
        Some(l) if l.approved => Ok(()),
        Some(l) => Err(format!(
            "{}离开未经批准（是否批准：否），不是请假，不出具请假审批表",
            date_cn(l.leave_date)
        )),
        None => Err("台帐中没有这次请假的记录，不出具请假审批表".into()),
    }
}
