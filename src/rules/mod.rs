//! The rule catalogue: data checks (D), person rules (P) and unit rules (U), like a linter's.
//!
//! Each rule is a small pure function of (register, profile, as-of date). [`RULES`] lists every
//! rule's code, name, severity and the profile setting it reads; `rehabdocs rules` prints it.

pub mod data;
pub mod obligations;
pub mod schedule;
pub mod window;

use crate::finding::{Finding, Severity};
use crate::model::Register;
use crate::profile::Profile;
use chrono::NaiveDate;

/// One entry of the rule catalogue.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: &'static str,
    /// Short Chinese name.
    pub name: &'static str,
    pub severity: Severity,
    /// The profile setting the rule reads ("" for data checks).
    pub setting: &'static str,
}

/// Every rule, in code order.
pub const RULES: &[RuleInfo] = &[];

/// Runs every rule that reads the register after it has been read (data checks that need
/// the whole register or the as-of date, then person and unit rules).
pub fn run_all(register: &Register, profile: &Profile, as_of: NaiveDate) -> Vec<Finding> {
    let _ = profile;
    data::check(register, as_of)
}
