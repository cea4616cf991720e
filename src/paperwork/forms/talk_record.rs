//! The form `talk_record`: the data its template shows (see `forms/talk_record.yaml`). It also
//! holds what the monthly 本人报告记录 shares: the month's rows of the 谈话 sheet.

use super::prelude::*;
use crate::model::{Contact, ContactKind, Person};
use crate::paperwork::obligations::schedule_phrase;
use crate::profile::EventKind;
use chrono::Datelike;

/// Whether a 谈话 row belongs to the self-report record (本人报告) or to the talk record.
fn is_kind(c: &Contact, self_reports: bool) -> bool {
    (c.kind == ContactKind::SelfReport) == self_reports
}

/// The months (in date order) person `i` has 谈话 rows of the kind in.
pub fn months_of(ctx: &BuildContext, i: usize, self_reports: bool) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for c in ctx.register.contacts_of(i) {
        if !is_kind(c, self_reports) {
            continue;
        }
        let e = Event::Month {
            year: c.date.year(),
            month: c.date.month(),
        };
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// The person's rows of the kind in the event's month.
pub fn rows_of<'a>(
    ctx: &'a BuildContext,
    who: &PersonRef,
    event: &Event,
    self_reports: bool,
) -> Vec<&'a Contact> {
    let Event::Month { year, month } = *event else {
        return Vec::new();
    };
    ctx.register
        .contacts_of(who.index)
        .iter()
        .filter(|c| is_kind(c, self_reports))
        .filter(|c| c.date.year() == year && c.date.month() == month)
        .collect()
}

/// The month as a subtitle (2025年9月).
pub fn month_text(event: &Event) -> String {
    match event {
        Event::Month { year, month } => format!("{year}年{month}月"),
        _ => BLANK.to_string(),
    }
}

/// The cells heading a monthly record.
pub fn header_cells(p: &Person) -> Vec<Cell> {
    vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("编号"),
        Cell::value(p.number().to_string()),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("村(社区)"),
        Cell::value(p.unit.clone()),
        Cell::label("专职社工"),
        Cell::value(or_blank(&p.social_worker)),
        Cell::label("帮教小组组长"),
        Cell::value(or_blank(&p.group_leader)),
    ]
}

/// A hand signature: label only, blank date.
pub fn hand(party: &str) -> Signature {
    Signature {
        party: party.to_string(),
        name: String::new(),
        date: String::new(),
    }
}

/// Holds when the month has rows of the kind.
pub fn month_holds(
    ctx: &BuildContext,
    who: &PersonRef,
    event: &Event,
    self_reports: bool,
    what: &str,
) -> Result<(), String> {
    if rows_of(ctx, who, event, self_reports).is_empty() {
        Err(format!(
            "谈话表中没有{}{}的记录，不予出具{what}",
            month_text(event),
            if self_reports {
                "本人报告"
            } else {
                "谈话"
            }
        ))
    } else {
        Ok(())
    }
}

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, event: &Event) {
    let p = who.person;
    d.subtitle = month_text(event);
    d.columns = 4;
    d.cells = header_cells(p);
    let rows = rows_of(ctx, who, event, false);
    d.tables.push(DataTable {
        caption: "谈话情况".into(),
        widths: vec![0.7, 1.8, 1.0, 1.3, 4.2],
        header: vec![
            "序号".into(),
            "谈话日期".into(),
            "形式".into(),
            "谈话人".into(),
            "谈话内容摘要".into(),
        ],
        rows: rows
            .iter()
            .enumerate()
            .map(|(k, c)| {
                vec![
                    (k + 1).to_string(),
                    ctx.date(c.date),
                    c.kind.label().to_string(),
                    c.worker.clone().unwrap_or_default(),
                    c.summary.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    let face = rows.iter().filter(|c| c.kind.is_face_to_face()).count();
    let rule = schedule_phrase(ctx.profile, p, EventKind::Talks, "面对面谈话")
        .map(|r| format!("（{r}）"))
        .unwrap_or_default();
    d.closing.push(format!(
        "本月谈话{}次，其中面对面谈话（面谈、家访）{}次{rule}。",
        rows.len(),
        face
    ));
    d.date = String::new();
    d.signatures = vec![
        hand("谈话人（签名）："),
        hand("记录人（签名）："),
        hand("被谈话人（签名）："),
        hand("帮教小组组长（签名）："),
    ];
}

/// The months with talks (面谈、家访、电话) of person `i`.
pub fn events(ctx: &BuildContext, i: usize) -> Vec<Event> {
    months_of(ctx, i, false)
}

/// Made only for a month the 谈话 sheet has talks in.
pub fn holds(ctx: &BuildContext, who: &PersonRef, event: &Event) -> Result<(), String> {
    month_holds(ctx, who, event, false, "谈话记录")
}
