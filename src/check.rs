//! `check`: read a register, run the rules, filter and order the findings.

use crate::finding::{sort_findings, Finding};
use crate::model::Register;
use crate::profile::Profile;
use crate::register::{read_register, ReadError};
use crate::rules;
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// Which findings to keep, by code prefix (`D`, `P1`, `P110`), like ruff's `--select`/`--ignore`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Keep only codes starting with one of these; empty keeps all.
    pub select: Vec<String>,
    /// Drop codes starting with one of these.
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn keeps(&self, code: &str) -> bool {
        let selected =
            self.select.is_empty() || self.select.iter().any(|p| code.starts_with(p.as_str()));
        selected && !self.ignore.iter().any(|p| code.starts_with(p.as_str()))
    }
}

/// The outcome of `check`: the register as read and the findings, in stable order.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub register: Register,
    pub findings: Vec<Finding>,
    pub as_of: NaiveDate,
    pub profile: String,
}

/// Runs every rule on a register already read, keeps what `selection` keeps and sorts.
pub fn check_loaded(
    register: Register,
    read_findings: Vec<Finding>,
    profile: &Profile,
    as_of: NaiveDate,
    selection: &Selection,
) -> CheckReport {
    // Findings made while reading follow the profile's severity overrides like every other
    // finding, but are never switched off: each one accounts for a value or a rejected row.
    let mut findings: Vec<Finding> = read_findings
        .into_iter()
        .map(|mut f| {
            f.severity = profile.severity(f.code, f.severity);
            f
        })
        .collect();
    findings.extend(rules::run_all(&register, profile, as_of));
    crate::paperwork::documents::apply(&mut findings, as_of);
    findings.retain(|f| selection.keeps(f.code));
    sort_findings(&mut findings);
    CheckReport {
        register,
        findings,
        as_of,
        profile: profile.name.clone(),
    }
}

/// Reads the register at `path` and checks it.
pub fn check_file(
    path: &Path,
    profile: &Profile,
    as_of: NaiveDate,
    selection: &Selection,
) -> Result<CheckReport, ReadError> {
    let outcome = read_register(path)?;
    Ok(check_loaded(
        outcome.register,
        outcome.findings,
        profile,
        as_of,
        selection,
    ))
}

/// The latest date a record of the register carries: an event row (检测, 谈话, 请假, 告诫,
/// 评估) or a person's 决定/送达/报到/协议/状态 date. None for an empty register.
pub fn latest_record_date(register: &Register) -> Option<NaiveDate> {
    let events = register
        .tests
        .iter()
        .map(|t| t.date)
        .chain(register.contacts.iter().map(|c| c.date))
        .chain(
            register
                .leaves
                .iter()
                .flat_map(|l| std::iter::once(l.leave_date).chain(l.return_date)),
        )
        .chain(register.warnings.iter().map(|w| w.date))
        .chain(register.evaluations.iter().map(|e| e.date));
    let persons = register.persons.iter().flat_map(|p| {
        [
            p.decision_date,
            p.served_date,
            p.report_date,
            p.agreement_date,
            p.status_date,
        ]
        .into_iter()
        .flatten()
    });
    events.chain(persons).max()
}

/// Days between the register's latest record and today after which a run without `--as-of`
/// hints at the date the register ends.
pub const STALE_REGISTER_DAYS: i64 = 60;

/// The line a run without `--as-of` prints (on stderr): the date it used, and, when the
/// register's latest record lies long before it, the `--as-of` that checks the register as
/// of its own end (the year's last day when that has passed, else the latest record's date).
pub fn today_note(register: &Register, today: NaiveDate) -> String {
    let mut note = format!("未指定 --as-of，按今天 {today} 检查");
    if let Some(latest) = latest_record_date(register) {
        if (today - latest).num_days() > STALE_REGISTER_DAYS {
            let year_end = NaiveDate::from_ymd_opt(latest.year(), 12, 31).unwrap_or(latest);
            let (what, date) = if year_end < today {
                ("年底", year_end)
            } else {
                ("台帐最后记录之日", latest)
            };
            note.push_str(&format!(
                "；台帐最后记录为 {latest}，如需按{what}检查请加 --as-of {date}"
            ));
        }
    }
    note
}
