//! Which documents to make: by form, person and unit, or everything the law makes due
//! ([`super::due`]); and who is held back, and why.

use super::build::{BuildContext, PersonRef};
use super::due::{self, Held, NoticePlan, ReportPlan, WarningPlan};
use super::forms::{self, FormDef, IssuedFor};
use crate::model::{Register, Status};
use crate::output::mask_personal_numbers;
use crate::register::values::compact;
use chrono::{Datelike, NaiveDate};

/// What a document is about, beyond its form and person.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// One document per person or unit.
    None,
    /// A 告诫书 with the facts it warns about.
    Warn(WarningPlan),
    /// A report to the police on one ground.
    Report(ReportPlan),
    /// A work notice (工作提醒单) to one addressee.
    Notice(NoticePlan),
    /// A calendar quarter (季度评估).
    Quarter { year: i32, quarter: u8 },
    /// A leave recorded in 请假 (index into `register.leaves`).
    Leave(usize),
    /// A calendar month (谈话记录, 本人报告记录 of that month).
    Month { year: i32, month: u32 },
    /// The person's 状态 and 状态日期 a document rests on (中止, 终止, 已变更执行地): a new
    /// 状态日期 is a new document with a number of its own.
    Status {
        status: Status,
        date: Option<NaiveDate>,
    },
    /// A served document this receipt (送达回证) belongs to.
    Served {
        form: String,
        event: String,
        number: String,
        title: String,
        /// The served document as a file name names it: its short name and, when it has
        /// one, its event label (`告诫书_2025-03-01`).
        label: String,
    },
}

impl Event {
    /// A stable key: the same event gives the same key on every run (ledger numbering). A
    /// warning is keyed by its date, a report by its ground and the date of its last fact.
    pub fn key(&self, register: &Register) -> String {
        match self {
            Event::None => String::new(),
            Event::Warn(w) => format!("告诫@{}", w.date),
            Event::Report(r) => match r.last_fact() {
                Some(d) => format!("报告-{}@{d}", r.ground.key()),
                None => format!("报告-{}", r.ground.key()),
            },
            Event::Notice(n) => format!("提醒-{}", n.to.label()),
            Event::Quarter { year, quarter } => format!("{year}Q{quarter}"),
            Event::Leave(i) => match register.leaves.get(*i) {
                Some(l) => format!("请假{}", l.row + 1),
                None => format!("请假?{i}"),
            },
            Event::Month { year, month } => format!("{year}年{month}月"),
            Event::Status { status, date } => match date {
                Some(d) => format!("{}@{d}", status.label()),
                None => status.label().to_string(),
            },
            Event::Served { form, event, .. } => {
                if event.is_empty() {
                    form.clone()
                } else {
                    format!("{form}-{event}")
                }
            }
        }
    }

    /// The event as a clerk reads it in a file name: a date (`2025-03-01`), a quarter
    /// (`2025年第1季度`), a ground and date, an addressee; never a rule code or a cell. ""
    /// for one document per person or unit.
    #[allow(unreachable_patterns)]
    pub fn label(&self, register: &Register) -> String {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        match self {
            Event::None => String::new(),
            Event::Warn(w) => day(w.date),
            Event::Report(r) => match r.last_fact() {
                Some(d) => format!("{}_{}", r.ground.key(), day(d)),
                None => r.ground.key().to_string(),
            },
            Event::Notice(n) => {
                let name = n.to_name.trim();
                if name.is_empty() || name.contains('_') {
                    n.to.label().to_string()
                } else {
                    name.to_string()
                }
            }
            Event::Quarter { year, quarter } => format!("{year}年第{quarter}季度"),
            Event::Leave(i) => match register.leaves.get(*i) {
                Some(l) => day(l.leave_date),
                None => String::new(),
            },
            Event::Served { label, .. } => label.clone(),
            // An event without a label of its own: its key, which names no cell.
            _ => self.key(register),
        }
    }
}

/// One document to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub form: &'static FormDef,
    /// Index into `register.persons`; None for unit documents.
    pub person: Option<usize>,
    /// The unit (村/社区, or 乡镇 for town documents) of a unit document, else the person's.
    pub unit: String,
    pub event: Event,
}

/// What `generate` was asked for.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Forms (`--form`): ids, titles or short names; empty: every form the findings make due
    /// (with `due`).
    pub forms: Vec<String>,
    /// The persons asked for (`--person`): 编号s, 身份证号s or 姓名s ([`find_person`]);
    /// empty: everyone (in the selected units).
    pub persons: Vec<String>,
    /// 村(社区) or 乡镇(街道) names (`--unit`); empty: all.
    pub units: Vec<String>,
    /// Everything the findings make due (`--due`).
    pub due: bool,
    /// The quarter of a quarterly evaluation; default the last quarter ended by the as-of date.
    pub quarter: Option<(i32, u8)>,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("未知的文书：{0}（可选：{1}；各文书何时出具见 rehabdocs forms）")]
    UnknownForm(String, String),
    #[error("台帐中没有编号、身份证号或姓名为「{0}」的人员")]
    UnknownPerson(String),
    /// Several persons answer to what was given: what, each as 姓名（身份证号 masked，
    /// 村(社区)）, and what to give instead (身份证号, or 编号 when the number is shared).
    #[error("台帐中有 {n} 人{0}：{list}；请改用{2}指定（--person {2}）", n = .1.len(), list = .1.join("、"))]
    AmbiguousPerson(String, Vec<String>, &'static str),
    #[error("请用 --form 指定文书，或用 --due 生成检查结果要求的全部文书")]
    NothingAsked,
}

/// The documents to make and the persons or forms held back.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Sorted by unit, person, form (catalogue order) and event.
    pub requests: Vec<Request>,
    /// Who gets no document (data to fix) or which form was refused, and why.
    pub held: Vec<Held>,
}

/// Forms whose documents have legal effect and follow only from the law's map: asked for by
/// name they are the same documents as with `--due`, never more.
const STAGED_FORMS: [&str; 4] = [
    "report_reminder",
    "serious_breach_report",
    "warning_letter",
    "work_notice",
];

/// The last calendar quarter that ended on or before `as_of`.
pub fn last_quarter(as_of: NaiveDate) -> (i32, u8) {
    let q = ((as_of.month() - 1) / 3 + 1) as u8;
    let quarter_end_month = u32::from(q) * 3;
    let ends_today = as_of.month() == quarter_end_month
        && as_of
            .succ_opt()
            .map(|d| d.month() != as_of.month())
            .unwrap_or(true);
    if ends_today {
        (as_of.year(), q)
    } else if q == 1 {
        (as_of.year() - 1, 4)
    } else {
        (as_of.year(), q - 1)
    }
}

/// The first and last day of a quarter.
pub fn quarter_bounds(year: i32, quarter: u8) -> Option<(NaiveDate, NaiveDate)> {
    let first_month = u32::from(quarter.clamp(1, 4)) * 3 - 2;
    let start = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let next = if quarter >= 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, first_month + 3, 1)?
    };
    Some((start, next.pred_opt()?))
}

/// The person a clerk means by `given` (`--person`, and the web page's choice of a person):
/// an 编号 (or the key the reader gave a person of a register without 编号), a 公民身份号码
/// (18 characters; x in either case, full-width digits and spaces are all right), or a 姓名
/// that only one person of the register has. Returns the index into `register.persons`.
/// Several persons with the 姓名 (or the number) give [`PlanError::AmbiguousPerson`], listing
/// each with the masked number and 村(社区), so that the clerk can give the 身份证号 instead.
pub fn find_person(register: &Register, given: &str) -> Result<usize, PlanError> {
    let text = compact(given);
    if let Some(i) = register
        .person_index(given.trim())
        .or_else(|| register.person_index(&text))
    {
        return Ok(i);
    }
    let number = text.to_ascii_uppercase();
    let looks_like_an_id = match number.as_bytes() {
        [digits @ .., last] if matches!(number.len(), 15 | 18) => {
            digits.iter().all(u8::is_ascii_digit) && (last.is_ascii_digit() || *last == b'X')
        }
        _ => false,
    };
    let (what, matching, instead): (String, Vec<usize>, &str) = if looks_like_an_id {
        let matching = (0..register.persons.len())
            .filter(|&i| register.persons[i].resident_id.as_deref() == Some(number.as_str()))
            .collect();
        let what = format!("身份证号为 {}", mask_personal_numbers(&number));
        (what, matching, "编号")
    } else {
        let matching = (0..register.persons.len())
            .filter(|&i| !text.is_empty() && register.persons[i].name == text)
            .collect();
        (format!("姓名为「{text}」"), matching, "身份证号")
    };
    match matching.as_slice() {
        [i] => Ok(*i),
        [] => Err(PlanError::UnknownPerson(mask_personal_numbers(
            given.trim(),
        ))),
        several => Err(PlanError::AmbiguousPerson(
            what,
            several
                .iter()
                .map(|&i| {
                    let p = &register.persons[i];
                    let id = p.resident_id.as_deref().unwrap_or("无身份证号");
                    let number = match p.number() {
                        "" => String::new(),
                        n => format!("，编号 {n}"),
                    };
                    format!(
                        "{}（{}，{}{number}）",
                        p.name,
                        mask_personal_numbers(id),
                        p.unit
                    )
                })
                .collect(),
            instead,
        )),
    }
}

/// The persons of `--person`, each as [`find_person`] finds them.
pub fn find_persons(register: &Register, given: &[String]) -> Result<Vec<usize>, PlanError> {
    given.iter().map(|g| find_person(register, g)).collect()
}

fn person_selected(register: &Register, i: usize, opts: &PlanOptions, persons: &[usize]) -> bool {
    let Some(p) = register.persons.get(i) else {
        return false;
    };
    let by_person = opts.persons.is_empty() || persons.contains(&i);
    let by_unit = opts.units.is_empty() || opts.units.iter().any(|u| *u == p.unit || *u == p.town);
    by_person && by_unit
}

/// The documents to make, and who is held back.
pub fn plan(ctx: &BuildContext, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let register = ctx.register;
    let mut wanted: Vec<&'static FormDef> = Vec::new();
    for name in &opts.forms {
        match forms::find(name) {
            Some(f) => wanted.push(f),
            None => return Err(PlanError::UnknownForm(name.clone(), forms::choices())),
        }
    }
    let persons = find_persons(register, &opts.persons)?;
    if wanted.is_empty() && !opts.due {
        return Err(PlanError::NothingAsked);
    }
    let gate = due::gated(ctx);
    let mut held: Vec<Held> = Vec::new();
    let mut selected: Vec<usize> = Vec::new();
    for i in (0..register.persons.len()).filter(|&i| person_selected(register, i, opts, &persons)) {
        match gate.get(&i) {
            Some(reasons) => {
                let p = &register.persons[i];
                held.push(Held::of(p, "", reasons.clone()));
            }
            None => selected.push(i),
        }
    }
    let mut out = Vec::new();
    if opts.due {
        for &i in &selected {
            out.extend(
                due::person_due(ctx, i, &mut held)
                    .into_iter()
                    .filter(|r| wanted.is_empty() || wanted.iter().any(|w| w.id == r.form.id)),
            );
        }
        if opts.persons.is_empty() {
            for unit in units_of_findings(ctx, opts) {
                out.extend(
                    due::unit_due(ctx, &unit)
                        .into_iter()
                        .filter(|r| wanted.is_empty() || wanted.iter().any(|w| w.id == r.form.id)),
                );
            }
        }
    } else {
        asked_requests(ctx, opts, &persons, &wanted, &selected, &mut out, &mut held);
    }
    let out = merge_notices(out);
    let order = |f: &FormDef| {
        forms::all()
            .iter()
            .position(|g| g.id == f.id)
            .unwrap_or(usize::MAX)
    };
    let mut keyed: Vec<(String, String, usize, String, Request)> = out
        .into_iter()
        .map(|r| {
            let pid = r
                .person
                .and_then(|i| register.persons.get(i))
                .map(|p| p.id.clone())
                .unwrap_or_default();
            let key = r.event.key(register);
            (r.unit.clone(), pid, order(r.form), key, r)
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, &a.1, a.2, &a.3).cmp(&(&b.0, &b.1, b.2, &b.3)));
    keyed.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3);
    held.sort_by(|a, b| (&a.unit, &a.person_id, &a.form).cmp(&(&b.unit, &b.person_id, &b.form)));
    held.dedup();
    Ok(Plan {
        requests: keyed.into_iter().map(|k| k.4).collect(),
        held,
    })
}

/// One work notice per addressee and unit: the notices to the same 派出所, 专职社工, group
/// leader or office about several persons of a unit become one (listing every item), so that
/// an addressee gets one sheet, not one per person.
fn merge_notices(requests: Vec<Request>) -> Vec<Request> {
    let mut out: Vec<Request> = Vec::with_capacity(requests.len());
    // (unit, addressee, its name) → index in `out` of the first notice.
    let mut first: Vec<((String, String), usize)> = Vec::new();
    for r in requests {
        let Event::Notice(plan) = &r.event else {
            out.push(r);
            continue;
        };
        let key = (r.unit.clone(), plan.to_name.clone());
        match first.iter().find(|(k, _)| *k == key) {
            Some(&(_, at)) => {
                if let Event::Notice(merged) = &mut out[at].event {
                    merged.items.extend(plan.items.iter().cloned());
                }
                // A notice about several persons is the unit's.
                out[at].person = None;
            }
            None => {
                first.push((key, out.len()));
                out.push(r);
            }
        }
    }
    out
}

/// The units with unit findings (U201–U204), among the selected units.
fn units_of_findings(ctx: &BuildContext, opts: &PlanOptions) -> Vec<String> {
    let mut units: Vec<String> = ctx
        .findings
        .iter()
        .filter(|f| f.person.is_none())
        .filter_map(|f| f.unit.clone())
        .filter(|u| opts.units.is_empty() || opts.units.contains(u))
        .collect();
    units.sort();
    units.dedup();
    units
}

/// The documents of the forms asked for by name. `persons`: the persons asked for by name
/// (`--person`), who are told why a form gives them nothing.
fn asked_requests(
    ctx: &BuildContext,
    opts: &PlanOptions,
    persons: &[usize],
    wanted: &[&'static FormDef],
    selected: &[usize],
    out: &mut Vec<Request>,
    held: &mut Vec<Held>,
) {
    let register = ctx.register;
    for form in wanted {
        if STAGED_FORMS.contains(&form.id.as_str()) {
            for &i in selected {
                let before = out.len();
                out.extend(
                    due::person_due(ctx, i, held)
                        .into_iter()
                        .filter(|r| r.form.id == form.id),
                );
                let refused = held
                    .iter()
                    .any(|h| h.person_id == register.persons[i].id && h.form == form.id);
                if out.len() == before && !refused && persons.contains(&i) {
                    let p = &register.persons[i];
                    held.push(Held::of(
                        p,
                        &form.id,
                        vec![format!("台帐中没有应出具{}的事实，不予出具", form.short)],
                    ));
                }
            }
            if form.id == "work_notice" && opts.persons.is_empty() {
                for unit in units_of_findings(ctx, opts) {
                    out.extend(due::unit_due(ctx, &unit));
                }
            }
            continue;
        }
        match form.issued_for {
            IssuedFor::Unit => {
                let mut units: Vec<String> = Vec::new();
                for &i in selected {
                    let p = &register.persons[i];
                    let u = if form.id == "test_commission" {
                        p.town.clone()
                    } else {
                        p.unit.clone()
                    };
                    if !units.contains(&u) {
                        units.push(u);
                    }
                }
                for unit in units {
                    out.push(Request {
                        form,
                        person: None,
                        unit,
                        event: Event::None,
                    });
                }
            }
            IssuedFor::Person | IssuedFor::Event => {
                for &i in selected {
                    let events = if form.issued_for == IssuedFor::Person {
                        vec![Event::None]
                    } else {
                        (form.entry().events)(ctx, i)
                    };
                    let p = &register.persons[i];
                    if events.is_empty() && persons.contains(&i) {
                        held.push(Held::of(
                            p,
                            &form.id,
                            vec![format!("台帐中没有可出具{}的事项", form.short)],
                        ));
                    }
                    let who = PersonRef {
                        person: p,
                        index: i,
                        town: &p.town,
                    };
                    for event in events {
                        match (form.entry().holds)(ctx, &who, &event) {
                            Ok(()) => out.push(Request {
                                form,
                                person: Some(i),
                                unit: p.unit.clone(),
                                event,
                            }),
                            Err(reason) => held.push(Held::of(p, &form.id, vec![reason])),
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn last_quarter_is_the_one_ended() {
        assert_eq!(last_quarter(d(2025, 4, 5)), (2025, 1));
        assert_eq!(last_quarter(d(2025, 3, 31)), (2025, 1));
        assert_eq!(last_quarter(d(2025, 2, 1)), (2024, 4));
        assert_eq!(
            quarter_bounds(2025, 4),
            Some((d(2025, 10, 1), d(2025, 12, 31)))
        );
        assert_eq!(
            quarter_bounds(2025, 1),
            Some((d(2025, 1, 1), d(2025, 3, 31)))
        );
    }
}
