//! The profile's schedule applied to one person: what was due in each period and what the
//! register shows done. Used by the rules P105–P109 and by [`super::obligations`], so that the
//! year-end report and `check` never disagree.
//!
//! Counting:
//! - tests: rows of 检测 with 结果 阴性 or 阳性 (a sample was taken), by 检测日期;
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
                let done = if item.kind == EventKind::Evaluations {
                    count_quarter_evaluations(register, p, s, e)
                } else {
                    count_events(register, p, item.kind, s, e)
                };
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
                            done: count_events(register, p, item.kind, s, e),
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

/// The schedule items that apply to person `p`: the profile's items for their measure. Surprise
/// tests (`surprise_tests.per_year`) are added to every term-year test item's minimum; when the
/// schedule has no term-year test item they form one of their own.
pub fn items_for(register: &Register, p: usize, profile: &Profile) -> Vec<ScheduleItem> {
    let measure = register.persons.get(p).and_then(|x| x.measure);
    let mut items: Vec<ScheduleItem> = profile
        .schedule
        .iter()
        .filter(|i| i.measure.applies(measure))
        .cloned()
        .collect();
    let extra = profile.surprise_tests.per_year;
    let mut merged = false;
    for i in items.iter_mut() {
        if extra > 0 && i.kind == EventKind::Tests && i.period == Period::TermYear {
            i.min += extra;
            merged = true;
        }
    }
    if extra > 0 && !merged {
        items.push(ScheduleItem {
            kind: EventKind::Tests,
            measure: crate::profile::MeasureScope::Both,
            period: Period::TermYear,
            term_years: Vec::new(),
            min: profile.surprise_tests.per_year,
            basis: profile.surprise_tests.basis.clone(),
        });
    }
    items
}
