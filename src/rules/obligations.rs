//! Obligations for the year-end report: what the profile required of one person over a date
//! range and what the register shows done, computed with the same functions as the rules
//! P105–P109 ([`super::schedule`]), so that the report and `check` never disagree.
//!
//! Counting, within R = [from, to] ∩ the person's programme window as of `as_of`:
//! - **due**: for every schedule item that applies to the person's measure, the sum of
//!   `required` over the item's periods in R: calendar periods (months, quarters, …) wholly
//!   inside R count their full minimum; a term year wholly inside R counts its full minimum,
//!   a term year partly inside R counts `floor(minimum × days in R / days of the term year)`.
//!   Unannounced tests (`surprise_tests.per_year`) are a requirement of their own beside the
//!   schedule (P105, [`super::schedule::surprise_periods`]) and are not added to `tests_due`;
//!   unannounced tests carried out count in `tests_done` like every test.
//!   Totals over the term (P108, e.g. the `ouhai` profile) are not schedule items and are not
//!   included.
//! - **done**: every event of the kind dated inside R (not only those inside counted periods):
//!   tests carried out (阴性/阳性), face-to-face talks (面谈/家访), self-reports (本人报告);
//!   quarterly evaluations are counted by the quarter their 评估期 names (its first day inside
//!   R), as P109 counts them, so an evaluation of Q4 filed in January counts for Q4.
//!
//! A person without 报到日期 (or whose window is empty) owes and has done nothing.

use super::schedule::{count_events, count_quarter_evaluations, item_periods, items_for};
use super::window::programme_window;
use crate::model::Register;
use crate::profile::{EventKind, Profile};
use chrono::NaiveDate;

/// Due and done counts of one person (or, summed, of a unit) over a date range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Obligations {
    pub tests_due: u32,
    pub tests_done: u32,
    pub talks_due: u32,
    pub talks_done: u32,
    pub self_reports_due: u32,
    pub self_reports_done: u32,
    pub evaluations_due: u32,
    pub evaluations_done: u32,
}

impl Obligations {
    /// Adds another person's (or unit's) counts.
    pub fn add(&mut self, o: &Obligations) {
        self.tests_due += o.tests_due;
        self.tests_done += o.tests_done;
        self.talks_due += o.talks_due;
        self.talks_done += o.talks_done;
        self.self_reports_due += o.self_reports_due;
        self.self_reports_done += o.self_reports_done;
        self.evaluations_due += o.evaluations_due;
        self.evaluations_done += o.evaluations_done;
    }
}

/// What the profile required of one person, and what the register shows done, within
/// [from, to] ∩ the person's programme window as of `as_of`.
pub fn obligations(
    register: &Register,
    person: usize,
    profile: &Profile,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Obligations {
    let mut o = Obligations::default();
    let Some(p) = register.persons.get(person) else {
        return o;
    };
    let Some(window) = programme_window(p, as_of) else {
        return o;
    };
    for item in items_for(register, person, profile) {
        let due: u32 = item_periods(register, person, &item, &window, from, to)
            .iter()
            .map(|pc| pc.required)
            .sum();
        match item.kind {
            EventKind::Tests => o.tests_due += due,
            EventKind::Talks => o.talks_due += due,
            EventKind::SelfReports => o.self_reports_due += due,
            EventKind::Evaluations => o.evaluations_due += due,
        }
    }
    let lo = window.start.max(from);
    let hi = window.end.min(to);
    o.tests_done = count_events(register, person, EventKind::Tests, lo, hi);
    o.talks_done = count_events(register, person, EventKind::Talks, lo, hi);
    o.self_reports_done = count_events(register, person, EventKind::SelfReports, lo, hi);
    o.evaluations_done = count_quarter_evaluations(register, person, lo, hi);
    o
}
