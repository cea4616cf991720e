//! The profile's schedule applied to one person: what was due in each period and what the
//! register shows done. Used by the rules P105–P109 and by [`super::obligations`], so that the
//! year-end report and `check` never disagree.
//!
//! Counting:
//! - tests: rows of 检测 with 结果 阴性 or 阳性 (a sample was taken), by 检测日期;
//! - unannounced tests (`surprise_tests.per_year`, [`surprise_periods`]): those of the tests
//!   marked unannounced ([`crate::model::Test::unannounced`]), per term year — a requirement
//!   of its own, beside the schedule; unannounced tests also count toward the schedule;
//! - talks: rows of 谈话 with 形式 面谈 or 家访, by 日期 (a talk on the last day of a month
//!   counts for that month);
//! - self-reports: rows of 谈话 with 形式 本人报告;
//! - evaluations: rows of 评估 whose 评估期 is a quarter (总评估 is not counted here). For
//!   calendar periods an evaluation counts in the period holding the first day of its quarter;
//!   for term-year periods, and for "done" totals, by 评估日期.

use super::window::{add_years, counted_periods, pro_rata, term_year, Window};
use crate::model::{EvalPeriod, Register};
use crate::profile::{EventKind, Period, Profile, ScheduleItem};
use chrono::NaiveDate;

/// One period of a schedule item for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCount {
    /// First and last day (inclusive) of the part of the period that was counted.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The term year (1-based) for term-year items, or the term year the period starts in.
    pub term_year: u32,
    /// Whether the whole period was inside the window (false: pro rata).
    pub complete: bool,
    pub required: u32,
    pub done: u32,
    /// Whether the period is a term year (else a calendar period of N months).
    pub by_term_year: bool,
}

impl PeriodCount {
    pub fn is_short(&self) -> bool {
        self.done < self.required
    }
}

/// Index of the first element whose date is ≥ `d` in a slice sorted by date.
fn lower<T>(items: &[T], date: impl Fn(&T) -> NaiveDate, d: NaiveDate) -> usize {
    items.partition_point(|e| date(e) < d)
}

/// Events of `kind` of person `p` dated in [from, to].
pub fn count_events(
    register: &Register,
    p: usize,
    kind: EventKind,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    if to < from {
        return 0;
    }
    match kind {
        EventKind::Tests => {
            let t = register.tests_of(p);
            let a = lower(t, |e| e.date, from);
            let b = t.partition_point(|e| e.date <= to);
            t[a..b.max(a)]
                .iter()
                .filter(|e| e.result.was_done())
                .count() as u32
        }
        EventKind::Talks | EventKind::SelfReports => {
            let c = register.contacts_of(p);
            let a = lower(c, |e| e.date, from);
            let b = c.partition_point(|e| e.date <= to);
            c[a..b.max(a)]
                .iter()
                .filter(|e| kind.counts_contact(e.kind))
                .count() as u32
        }
        EventKind::Evaluations => register
            .evaluations_of(p)
            .iter()
            .filter(|e| {
                matches!(e.period, EvalPeriod::Quarter { .. }) && from <= e.date && e.date <= to
            })
            .count() as u32,
    }
}

/// Unannounced tests carried out (阴性/阳性) of person `p` dated in [from, to].
pub fn count_unannounced_tests(
    register: &Register,
    p: usize,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    if to < from {
        return 0;
    }
    let t = register.tests_of(p);
    let a = lower(t, |e| e.date, from);
    let b = t.partition_point(|e| e.date <= to);
    t[a..b.max(a)]
        .iter()
        .filter(|e| e.unannounced && e.result.was_done())
        .count() as u32
}

/// Quarter evaluations of person `p` whose quarter (评估期) starts in [from, to].
pub fn count_quarter_evaluations(
    register: &Register,
    p: usize,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    register
        .evaluations_of(p)
        .iter()
        .filter(|e| match e.period {
            EvalPeriod::Quarter { year, quarter } => {
                let month = (u32::from(quarter.clamp(1, 4)) - 1) * 3 + 1;
                NaiveDate::from_ymd_opt(year, month, 1).is_some_and(|s| from <= s && s <= to)
            }
            EvalPeriod::Total => false,
        })
        .count() as u32
}

/// The term year (1-based) that holds `d`.
pub fn term_year_of(report: NaiveDate, d: NaiveDate) -> u32 {
    let mut k = 1;
    while k < 200 && add_years(report, k) <= d {
        k += 1;
    }
    k
}

/// The periods of `item` for person `p` inside `window` ∩ [from, to], with what was required
/// and what was done. Calendar periods are listed only when wholly inside; term years are
/// listed whole when completed and pro rata otherwise (see [`super::window`]).
pub fn item_periods(
    register: &Register,
    p: usize,
    item: &ScheduleItem,
    window: &Window,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<PeriodCount> {
    periods_of(item, window, from, to, |kind, s, e| {
        if kind == EventKind::Evaluations && !matches!(item.period, Period::TermYear) {
            count_quarter_evaluations(register, p, s, e)
        } else {
            count_events(register, p, kind, s, e)
        }
    })
}

/// The profile's unannounced-test requirement (`surprise_tests.per_year`) as a term-year
/// item of its own, for either measure; `None` when it is 0.
pub fn surprise_item(profile: &Profile) -> Option<ScheduleItem> {
    let per_year = profile.surprise_tests.per_year;
    (per_year > 0).then(|| ScheduleItem {
        kind: EventKind::Tests,
        measure: crate::profile::MeasureScope::Both,
        period: Period::TermYear,
        term_years: Vec::new(),
        min: per_year,
        basis: profile.surprise_tests.basis.clone(),
    })
}

/// The term years of person `p` inside `window` ∩ [from, to] with the unannounced tests
/// required (`surprise_tests.per_year`: whole in a completed term year, pro rata in the
/// current one) and those carried out. Empty when the profile asks for none.
pub fn surprise_periods(
    register: &Register,
    p: usize,
    profile: &Profile,
    window: &Window,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<PeriodCount> {
    match surprise_item(profile) {
        Some(item) => periods_of(&item, window, from, to, |_, s, e| {
            count_unannounced_tests(register, p, s, e)
        }),
        None => Vec::new(),
    }
}

/// The periods of `item` inside `window` ∩ [from, to]; `done(kind, first, last)` counts
/// what was done in a period.
fn periods_of(
    item: &ScheduleItem,
    window: &Window,
    from: NaiveDate,
    to: NaiveDate,
    done: impl Fn(EventKind, NaiveDate, NaiveDate) -> u32,
) -> Vec<PeriodCount> {
    let lo = window.start.max(from);
    let hi = window.end.min(to);
    let mut out = Vec::new();
    if hi < lo {
        return out;
    }
    match item.period {
        Period::Months(n) => {
            for (s, e) in counted_periods(n, lo, hi) {
                let k = term_year_of(window.report, s);
                if !item.in_term_year(k) {
                    continue;
                }
                let done = done(item.kind, s, e);
                out.push(PeriodCount {
                    start: s,
                    end: e,
                    term_year: k,
                    complete: true,
                    required: item.min,
                    done,
                    by_term_year: false,
                });
            }
        }
        Period::TermYear => {
            let mut k = 1;
            loop {
                let (ys, ye) = term_year(window.report, k);
                if ys > hi || ys >= window.term_end || k > 100 {
                    break;
                }
                let year_last = ye.pred_opt().unwrap_or(ye);
                let s = ys.max(lo);
                let e = year_last.min(hi);
                if item.in_term_year(k) && s <= e {
                    let complete = s == ys && e == year_last;
                    let required = if complete {
                        item.min
                    } else {
                        pro_rata(item.min, (e - s).num_days() + 1, (ye - ys).num_days())
                    };
                    if required > 0 || complete {
                        out.push(PeriodCount {
                            start: s,
                            end: e,
                            term_year: k,
                            complete,
                            required,
                            done: done(item.kind, s, e),
                            by_term_year: true,
                        });
                    }
                }
                k += 1;
            }
        }
    }
    out
}

/// The schedule items that apply to person `p`: the profile's items for their measure.
/// Unannounced tests (`surprise_tests.per_year`) are not among them: they are a requirement
/// of their own ([`surprise_periods`]).
pub fn items_for(register: &Register, p: usize, profile: &Profile) -> Vec<ScheduleItem> {
    let measure = register.persons.get(p).and_then(|x| x.measure);
    profile
        .schedule
        .iter()
        .filter(|i| i.measure.applies(measure))
        .cloned()
        .collect()
}
