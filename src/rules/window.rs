//! Counting windows (pure date arithmetic).
//!
//! - **Programme window**: [报到日期, min(as-of, last day of the term, 状态日期 when 状态 ≠
//!   执行中)], both ends inclusive.
//! - **Term**: 期限(月) months from 报到; the term's last day is the day before
//!   报到 + 期限(月) months (`term_end` is that first day after the term).
//! - **Term year k**: [报到 + (k−1) years, 报到 + k years). Adding years to 29 February lands
//!   on 28 February in common years (chrono's month arithmetic clamps to the month's end).
//! - A calendar month / quarter (any period of N months aligned on 1 January) is **counted**
//!   when it lies wholly inside the window; a term year is **completed** when its last day is
//!   inside the window.
//! - The current, incomplete term year is required **pro rata**:
//!   `floor(required × days elapsed in the window / days of the term year)` (rounded down, so
//!   nobody is behind before a whole test has come due).
//!
//! Leave and suspension do not stop the clock.

use crate::model::{Person, Status};
use chrono::{Datelike, Days, Months, NaiveDate};

/// A person's programme window and term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// 报到日期: the term starts here.
    pub report: NaiveDate,
    /// First day counted (= report).
    pub start: NaiveDate,
    /// Last day counted (inclusive).
    pub end: NaiveDate,
    /// The first day after the term (报到 + 期限(月) months).
    pub term_end: NaiveDate,
}

impl Window {
    /// Days in the window (inclusive).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
    /// Days in the whole term.
    pub fn term_days(&self) -> i64 {
        (self.term_end - self.report).num_days()
    }
    /// Whether the window has reached the term's last day.
    pub fn covers_term(&self) -> bool {
        self.end >= self.last_term_day()
    }
    /// The term's last day.
    pub fn last_term_day(&self) -> NaiveDate {
        self.term_end.pred_opt().unwrap_or(self.term_end)
    }
    /// Whether `d` lies in the window.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
}

/// `d` plus `months` calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb).
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// `d` plus `years` years; 29 Feb → 28 Feb in common years.
pub fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    add_months(d, years.saturating_mul(12))
}

/// `d` plus `days` days (saturating).
pub fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days as u64))
            .unwrap_or(NaiveDate::MAX)
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// The first day after a term of `months` months starting on `report`.
pub fn term_end(report: NaiveDate, months: u32) -> NaiveDate {
    add_months(report, months)
}

/// Term year `k` (1-based) of a term starting on `report`: [start, end) with `end` exclusive.
pub fn term_year(report: NaiveDate, k: u32) -> (NaiveDate, NaiveDate) {
    (add_years(report, k.saturating_sub(1)), add_years(report, k))
}

/// The person's programme window as of `as_of`; `None` without 报到日期 or when the window
/// would be empty (as-of or 状态日期 before 报到).
pub fn programme_window(person: &Person, as_of: NaiveDate) -> Option<Window> {
    let report = person.report_date?;
    let months = if person.term_months == 0 {
        36
    } else {
        person.term_months
    };
    let term_end = term_end(report, months);
    let last_day = term_end.pred_opt().unwrap_or(term_end);
    let mut end = as_of.min(last_day);
    if person.status_or_active() != Status::Active {
        if let Some(sd) = person.status_date {
            end = end.min(sd);
        }
    }
    if end < report {
        return None;
    }
    Some(Window {
        report,
        start: report,
        end,
        term_end,
    })
}

/// First day of the calendar month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Calendar periods of `months` months aligned on 1 January (1 → months, 3 → quarters,
/// 6 → half-years, 12 → years) that lie wholly inside [from, to]: (first day, last day).
pub fn counted_periods(months: u32, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let months = months.clamp(1, 12);
    let mut out = Vec::new();
    if to < from {
        return out;
    }
    // Aligned period containing `from`.
    let m0 = from.month0() / months * months;
    let Some(mut start) = NaiveDate::from_ymd_opt(from.year(), m0 + 1, 1) else {
        return out;
    };
    while start <= to {
        let next = add_months(start, months);
        let last = next.pred_opt().unwrap_or(next);
        if start >= from && last <= to {
            out.push((start, last));
        }
        if next <= start {
            break;
        }
        start = next;
    }
    out
}

/// `floor(required × part / whole)`: the pro-rata requirement of an incomplete period.
pub fn pro_rata(required: u32, part_days: i64, whole_days: i64) -> u32 {
    if whole_days <= 0 || part_days <= 0 {
        return 0;
    }
    if part_days >= whole_days {
        return required;
    }
    ((required as i64 * part_days) / whole_days) as u32
}

/// Years completed between `birth` and `on` (age on that day).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn feb_29_report_in_years() {
        assert_eq!(add_years(d(2024, 2, 29), 1), d(2025, 2, 28));
        assert_eq!(add_years(d(2024, 2, 29), 4), d(2028, 2, 29));
        let (s, e) = term_year(d(2024, 2, 29), 2);
        assert_eq!((s, e), (d(2025, 2, 28), d(2026, 2, 28)));
    }

    #[test]
    fn window_ends_at_earliest_bound() {
        let mut p = Person {
            report_date: Some(d(2024, 1, 10)),
            term_months: 36,
            ..Default::default()
        };
        let w = programme_window(&p, d(2030, 1, 1)).unwrap();
        assert_eq!(w.end, d(2027, 1, 9));
        assert_eq!(w.term_end, d(2027, 1, 10));
        assert!(w.covers_term());
        p.status = Some(Status::Suspended);
        p.status_date = Some(d(2025, 5, 5));
        // Suspension is not 执行中: the window stops at 状态日期.
        assert_eq!(
            programme_window(&p, d(2030, 1, 1)).unwrap().end,
            d(2025, 5, 5)
        );
        p.status = Some(Status::Active);
        assert_eq!(
            programme_window(&p, d(2024, 3, 1)).unwrap().end,
            d(2024, 3, 1)
        );
        assert!(programme_window(&p, d(2024, 1, 1)).is_none());
    }

    #[test]
    fn quarters_only_when_wholly_inside() {
        let q = counted_periods(3, d(2024, 2, 15), d(2024, 12, 30));
        assert_eq!(
            q,
            vec![
                (d(2024, 4, 1), d(2024, 6, 30)),
                (d(2024, 7, 1), d(2024, 9, 30))
            ]
        );
        let m = counted_periods(1, d(2024, 1, 1), d(2024, 2, 29));
        assert_eq!(m.len(), 2);
        assert_eq!(m[1], (d(2024, 2, 1), d(2024, 2, 29)));
    }

    #[test]
    fn pro_rata_rounds_down() {
        assert_eq!(pro_rata(6, 61, 365), 1);
        assert_eq!(pro_rata(6, 60, 365), 0);
        assert_eq!(pro_rata(6, 400, 365), 6);
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(d(2000, 6, 1), d(2025, 5, 31)), 24);
        assert_eq!(age_on(d(2000, 6, 1), d(2025, 6, 1)), 25);
    }
}
