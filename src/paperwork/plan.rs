//! Which documents to make: by form, person and unit, or everything the findings make due.

use crate::finding::{Finding, Severity};
use crate::forms::{self, FormDef, IssuedFor};
use crate::model::Register;
use chrono::{Datelike, NaiveDate};

/// What a document is about, beyond its form and person.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// One document per person or unit.
    None,
    /// A written warning recorded in 告诫 (index into `register.warnings`).
    Warning(usize),
    /// A finding that made the document due.
    Finding(Finding),
    /// A calendar quarter (季度评估).
    Quarter { year: i32, quarter: u8 },
    /// A leave recorded in 请假 (index into `register.leaves`).
    Leave(usize),
    /// A served document this receipt (送达回证) belongs to.
    Served {
        form: String,
        event: String,
        number: String,
        title: String,
    },
}

impl Event {
    /// A stable key: the same event gives the same key on every run (ledger numbering).
    pub fn key(&self, register: &Register) -> String {
        match self {
            Event::None => String::new(),
            Event::Warning(i) => match register.warnings.get(*i) {
                Some(w) => format!("告诫{}", w.row + 1),
                None => format!("告诫?{i}"),
            },
            Event::Finding(f) => match f.cells.first() {
                Some(c) => format!("{}@{}", f.code, register.cell_name(c)),
                None => f.code.to_string(),
            },
            Event::Quarter { year, quarter } => format!("{year}Q{quarter}"),
            Event::Leave(i) => match register.leaves.get(*i) {
                Some(l) => format!("请假{}", l.row + 1),
                None => format!("请假?{i}"),
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
    /// Form ids (`--form`); empty: every form the findings make due (with `due`).
    pub forms: Vec<String>,
    /// 编号s (`--person`); empty: everyone (in the selected units).
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
    #[error("未知的文书: {0}（可选: {1}）")]
    UnknownForm(String, String),
    #[error("台帐中没有编号为 {0} 的人员")]
    UnknownPerson(String),
    #[error("请用 --form 指定文书，或用 --due 生成检查结果要求的全部文书")]
    NothingAsked,
}

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

fn person_selected(register: &Register, i: usize, opts: &PlanOptions) -> bool {
    let Some(p) = register.persons.get(i) else {
        return false;
    };
    let by_person = opts.persons.is_empty() || opts.persons.iter().any(|id| *id == p.id);
    let by_unit = opts.units.is_empty() || opts.units.iter().any(|u| *u == p.unit || *u == p.town);
    by_person && by_unit
}

/// The documents to make, sorted by unit, person, form (catalogue order) and event.
pub fn plan(
    register: &Register,
    findings: &[Finding],
    opts: &PlanOptions,
    as_of: NaiveDate,
) -> Result<Vec<Request>, PlanError> {
    let mut wanted: Vec<&'static FormDef> = Vec::new();
    for id in &opts.forms {
        match forms::get(id) {
            Some(f) => wanted.push(f),
            None => return Err(PlanError::UnknownForm(id.clone(), forms::ids().join("、"))),
        }
    }
    for id in &opts.persons {
        if register.person_index(id).is_none() {
            return Err(PlanError::UnknownPerson(id.clone()));
        }
    }
    if wanted.is_empty() && !opts.due {
        return Err(PlanError::NothingAsked);
    }
    let mut out = Vec::new();
    if opts.due {
        due_requests(register, findings, opts, &wanted, &mut out);
    } else {
        asked_requests(register, findings, opts, &wanted, as_of, &mut out);
    }
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
    Ok(keyed.into_iter().map(|k| k.4).collect())
}

fn due_requests(
    register: &Register,
    findings: &[Finding],
    opts: &PlanOptions,
    wanted: &[&'static FormDef],
    out: &mut Vec<Request>,
) {
    for f in findings {
        let person = f.person.as_deref().and_then(|id| register.person_index(id));
        if let Some(i) = person {
            if !person_selected(register, i, opts) {
                continue;
            }
        } else if !opts.persons.is_empty() {
            continue;
        }
        for due in &f.due {
            let Some(form) = forms::get(&due.0) else {
                continue;
            };
            if !wanted.is_empty() && !wanted.iter().any(|w| w.id == form.id) {
                continue;
            }
            let unit = person
                .and_then(|i| register.persons.get(i))
                .map(|p| p.unit.clone())
                .or_else(|| f.unit.clone())
                .unwrap_or_default();
            let event = match form.issued_for {
                IssuedFor::Event => Event::Finding(f.clone()),
                IssuedFor::Person | IssuedFor::Unit => Event::None,
            };
            if form.issued_for != IssuedFor::Unit && person.is_none() {
                continue;
            }
            out.push(Request {
                form,
                person: if form.issued_for == IssuedFor::Unit {
                    None
                } else {
                    person
                },
                unit,
                event,
            });
        }
    }
}

fn asked_requests(
    register: &Register,
    findings: &[Finding],
    opts: &PlanOptions,
    wanted: &[&'static FormDef],
    as_of: NaiveDate,
    out: &mut Vec<Request>,
) {
    let selected: Vec<usize> = (0..register.persons.len())
        .filter(|&i| person_selected(register, i, opts))
        .collect();
    for form in wanted {
        match form.issued_for {
            IssuedFor::Unit => {
                let mut units: Vec<String> = Vec::new();
                for &i in &selected {
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
            IssuedFor::Person => {
                for &i in &selected {
                    out.push(Request {
                        form,
                        person: Some(i),
                        unit: register.persons[i].unit.clone(),
                        event: Event::None,
                    });
                }
            }
            IssuedFor::Event => {
                for &i in &selected {
                    for event in person_events(register, findings, form, i, opts, as_of) {
                        out.push(Request {
                            form,
                            person: Some(i),
                            unit: register.persons[i].unit.clone(),
                            event,
                        });
                    }
                }
            }
        }
    }
}

/// The events of one person a per-event form is made for when asked by name.
fn person_events(
    register: &Register,
    findings: &[Finding],
    form: &FormDef,
    i: usize,
    opts: &PlanOptions,
    as_of: NaiveDate,
) -> Vec<Event> {
    let pid = &register.persons[i].id;
    let person_findings = || {
        findings
            .iter()
            .filter(move |f| f.person.as_deref() == Some(pid.as_str()))
    };
    match form.id.as_str() {
        "warning_letter" => {
            let mut ev: Vec<Event> = register
                .warnings
                .iter()
                .enumerate()
                .filter(|(_, w)| w.person == i && w.kind == crate::model::WarningKind::Written)
                .map(|(idx, _)| Event::Warning(idx))
                .collect();
            ev.extend(
                person_findings()
                    .filter(|f| f.due.iter().any(|d| d.0 == form.id))
                    .map(|f| Event::Finding(f.clone())),
            );
            ev
        }
        "leave_approval" => register
            .leaves
            .iter()
            .enumerate()
            .filter(|(_, l)| l.person == i)
            .map(|(idx, _)| Event::Leave(idx))
            .collect(),
        "quarterly_evaluation" => {
            let (year, quarter) = opts.quarter.unwrap_or_else(|| last_quarter(as_of));
            vec![Event::Quarter { year, quarter }]
        }
        "serious_breach_report" => person_findings()
            .filter(|f| f.severity >= Severity::Breach && f.due.iter().any(|d| d.0 == form.id))
            .map(|f| Event::Finding(f.clone()))
            .collect(),
        _ => Vec::new(),
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
