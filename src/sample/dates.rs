//! Calendar helpers for building histories: months, quarters, term years.

use chrono::{Datelike, Duration, Months, NaiveDate};

/// `d` plus `months` calendar months (clamped to the month's end), `d` itself on overflow.
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

/// `d` plus `days` days (may be negative), `d` itself on overflow.
pub fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_signed(Duration::days(days)).unwrap_or(d)
}

/// Days from `a` to `b` (negative when `b` is before `a`).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// The first day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The last day of `d`'s month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    add_days(add_months(month_start(d), 1), -1)
}

/// The first day of `d`'s calendar quarter.
pub fn quarter_start(d: NaiveDate) -> NaiveDate {
    let m = (d.month() - 1) / 3 * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d)
}

/// The last day of `d`'s calendar quarter.
pub fn quarter_end(d: NaiveDate) -> NaiveDate {
    add_days(add_months(quarter_start(d), 3), -1)
}

/// The quarter label of the contract, e.g. `2025Q1`.
pub fn quarter_label(d: NaiveDate) -> String {
    format!("{}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The quarter label in words, e.g. `2025年第一季度` (the contract accepts both forms).
pub fn quarter_label_words(d: NaiveDate) -> String {
    let q = ["一", "二", "三", "四"][((d.month() - 1) / 3) as usize];
    format!("{}年第{q}季度", d.year())
}

/// Every month (as its first day) that meets `[from, to]`, partial ones included.
pub fn months_touching(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = month_start(from);
    while m <= to {
        out.push(m);
        m = add_months(m, 1);
    }
    out
}

/// Every quarter (as its first day) that meets `[from, to]`, partial ones included.
pub fn quarters_touching(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut q = quarter_start(from);
    while q <= to {
        out.push(q);
        q = add_months(q, 3);
    }
    out
}

/// The months lying wholly inside `[from, to]` (the "counted" months of domain.md).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    months_touching(from, to)
        .into_iter()
        .filter(|&m| m >= from && month_end(m) <= to)
        .collect()
}

/// The quarters lying wholly inside `[from, to]`.
pub fn whole_quarters(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    quarters_touching(from, to)
        .into_iter()
        .filter(|&q| q >= from && quarter_end(q) <= to)
        .collect()
}

/// `d` moved into `[lo, hi]`.
pub fn clamp(d: NaiveDate, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    d.max(lo).min(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_and_quarters() {
        assert_eq!(month_end(d(2024, 2, 10)), d(2024, 2, 29));
        assert_eq!(quarter_start(d(2025, 8, 3)), d(2025, 7, 1));
        assert_eq!(quarter_end(d(2025, 8, 3)), d(2025, 9, 30));
        assert_eq!(quarter_label(d(2025, 12, 3)), "2025Q4");
        assert_eq!(quarter_label_words(d(2025, 2, 3)), "2025年第一季度");
        assert_eq!(whole_months(d(2025, 1, 2), d(2025, 3, 31)).len(), 2);
        assert_eq!(months_touching(d(2025, 1, 2), d(2025, 3, 1)).len(), 3);
        assert_eq!(whole_quarters(d(2025, 1, 1), d(2025, 12, 30)).len(), 3);
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
    }
}
