//! `check`: read a register, run the rules, filter and order the findings.

use crate::finding::{sort_findings, Finding};
use crate::model::Register;
use crate::profile::Profile;
use crate::register::{read_register, ReadError};
use crate::rules;
use chrono::NaiveDate;
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
