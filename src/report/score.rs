//! Scoring: indicator points from rates, grades, vetoes (一票否决) and the ranking.
//!
//! Veto conditions (records found falsified), each counted on events dated in the year:
//! - `event_after_discharge`: a test, talk, leave, warning or evaluation dated after the
//!   person's discharge (状态 已解除, event date > 状态日期). Help (帮扶) after discharge is
//!   aftercare and does not count.
//! - `test_while_detained`: a test carried out (阴性 or 阳性) dated after the day the register
//!   shows the person detained (状态 中止, 强制隔离戒毒 or 终止, test date > 状态日期). The day
//!   itself is allowed: the test that led to the detention is often taken that day. Records
//!   of 未到/拒绝/逃避 are not tests carried out and do not count. Departures (请假) are not
//!   detention and are not used.
//! - `duplicate_test`: two 检测 rows for the same person with the same date and result.

use crate::model::{Register, Status};
use crate::report::aggregate::{Figures, Period};
use crate::report::scheme::{Indicator, NoneDue, Scale, Scheme, VetoKind};
use chrono::NaiveDate;
use serde::Serialize;

/// Rounds to `d` decimals (for stable, readable output).
pub fn round_to(x: f64, d: i32) -> f64 {
    let m = 10f64.powi(d);
    (x * m).round() / m
}

/// One indicator's result for a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    pub id: String,
    pub name: String,
    /// The measured rate (4 decimals); None when nothing was due.
    pub rate: Option<f64>,
    pub target: f64,
    pub weight: f64,
    /// Points earned (2 decimals).
    pub points: f64,
    /// Points lost: weight − points.
    pub lost: f64,
}

/// Scores one indicator from the unit's figures.
pub fn score_indicator(ind: &Indicator, figures: &Figures) -> IndicatorScore {
    let rate = figures.rate(ind.metric).map(|r| round_to(r, 4));
    let points = match rate {
        None => match ind.none_due {
            NoneDue::Full => ind.weight,
            NoneDue::Zero => 0.0,
        },
        Some(r) => match ind.scale {
            Scale::Linear => ind.weight * (r / ind.target).min(1.0),
            Scale::Threshold => {
                if r >= ind.target {
                    ind.weight
                } else {
                    0.0
                }
            }
        },
    };
    let points = round_to(points, 2);
    IndicatorScore {
        id: ind.id.clone(),
        name: ind.name.clone(),
        rate,
        target: ind.target,
        weight: ind.weight,
        points,
        lost: round_to(ind.weight - points, 2),
    }
}

/// All indicators and the total (2 decimals).
pub fn score_unit(scheme: &Scheme, figures: &Figures) -> (Vec<IndicatorScore>, f64) {
    let scores: Vec<IndicatorScore> = scheme
        .indicators
        .iter()
        .map(|i| score_indicator(i, figures))
        .collect();
    let total = round_to(scores.iter().map(|s| s.points).sum(), 2);
    (scores, total)
}

/// A record found falsified, which forces the unit's grade to the veto grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VetoHit {
    pub kind: VetoKind,
    /// The scheme's name of the condition.
    pub name: String,
    pub town: String,
    pub unit: String,
    /// The person's 编号.
    pub person: String,
    #[serde(serialize_with = "crate::report::aggregate::iso_date")]
    pub date: NaiveDate,
    /// The cells the veto rests on (`检测!B14`).
    pub cells: Vec<String>,
    /// What was found, in Chinese.
    pub message: String,
}

/// Finds the veto conditions switched on in the scheme, on events dated in the year.
pub fn find_vetoes(register: &Register, scheme: &Scheme, period: &Period) -> Vec<VetoHit> {
    let after_discharge = scheme.veto_enabled(VetoKind::EventAfterDischarge);
    let detained = scheme.veto_enabled(VetoKind::TestWhileDetained);
    let duplicate = scheme.veto_enabled(VetoKind::DuplicateTest);
    let in_year = |d: NaiveDate| d >= period.from && d <= period.to;
    let mut hits = Vec::new();
    for (pi, p) in register.persons.iter().enumerate() {
        let hit = |kind: VetoKind, date: NaiveDate, cells: Vec<String>, message: String| VetoHit {
            kind,
            name: scheme.veto_name(kind),
            town: p.town.clone(),
            unit: p.unit.clone(),
            person: p.id.clone(),
            date,
            cells,
            message,
        };
        let status = p.status_or_active();
        if let (true, Status::Discharged, Some(sd)) = (after_discharge, status, p.status_date) {
            let status_cell =
                register.cell_name(&register.cell(crate::model::Sheet::Persons, p.row, "状态日期"));
            let mut events: Vec<(NaiveDate, crate::model::CellRef, &str)> = Vec::new();
            use crate::model::Sheet;
            for t in register.tests_of(pi) {
                events.push((
                    t.date,
                    register.cell(Sheet::Tests, t.row, "检测日期"),
                    "检测",
                ));
            }
            for c in register.contacts_of(pi) {
                events.push((
                    c.date,
                    register.cell(Sheet::Contacts, c.row, "日期"),
                    "谈话",
                ));
            }
            for l in register.leaves_of(pi) {
                events.push((
                    l.leave_date,
                    register.cell(Sheet::Leaves, l.row, "离开日期"),
                    "请假",
                ));
            }
            for w in register.warnings_of(pi) {
                events.push((
                    w.date,
                    register.cell(Sheet::Warnings, w.row, "日期"),
                    "告诫",
                ));
            }
            for e in register.evaluations_of(pi) {
                events.push((
                    e.date,
                    register.cell(Sheet::Evaluations, e.row, "评估日期"),
                    "评估",
                ));
            }
            for (date, cell, what) in events {
                if date > sd && in_year(date) {
                    let name = register.cell_name(&cell);
                    hits.push(hit(
                        VetoKind::EventAfterDischarge,
                        date,
                        vec![name.clone(), status_cell.clone()],
                        format!(
                            "{}：{}年{}月{}日已解除，{} 仍记有{}年{}月{}日的{}记录",
                            p.id,
                            chrono::Datelike::year(&sd),
                            chrono::Datelike::month(&sd),
                            chrono::Datelike::day(&sd),
                            name,
                            chrono::Datelike::year(&date),
                            chrono::Datelike::month(&date),
                            chrono::Datelike::day(&date),
                            what
                        ),
                    ));
                }
            }
        }
        let detained_status = matches!(
            status,
            Status::Suspended | Status::CompulsoryIsolation | Status::Terminated
        );
        if let (true, true, Some(sd)) = (detained, detained_status, p.status_date) {
            let status_cell =
                register.cell_name(&register.cell(crate::model::Sheet::Persons, p.row, "状态日期"));
            for t in register.tests_of(pi) {
                if t.result.was_done() && t.date > sd && in_year(t.date) {
                    let name = register.cell_name(&register.cell(
                        crate::model::Sheet::Tests,
                        t.row,
                        "检测日期",
                    ));
                    hits.push(hit(
                        VetoKind::TestWhileDetained,
                        t.date,
                        vec![name.clone(), status_cell.clone()],
                        format!(
                            "{}：自{}起状态为{}，{} 却记有{}的检测（结果{}）",
                            p.id,
                            sd,
                            status.label(),
                            name,
                            t.date,
                            t.result.label()
                        ),
                    ));
                }
            }
        }
        if duplicate {
            let tests = register.tests_of(pi);
            for (i, a) in tests.iter().enumerate() {
                if !in_year(a.date) {
                    continue;
                }
                // Same-date tests are adjacent (sorted by date); report each duplicate once,
                // against the first row it repeats.
                let first = tests[..i]
                    .iter()
                    .rev()
                    .take_while(|b| b.date == a.date)
                    .find(|b| b.result == a.result);
                if let Some(b) = first {
                    let ca = register.cell_name(&register.cell(
                        crate::model::Sheet::Tests,
                        a.row,
                        "检测日期",
                    ));
                    let cb = register.cell_name(&register.cell(
                        crate::model::Sheet::Tests,
                        b.row,
                        "检测日期",
                    ));
                    hits.push(hit(
                        VetoKind::DuplicateTest,
                        a.date,
                        vec![ca.clone(), cb.clone()],
                        format!(
                            "{}：{} 与 {} 是同一天（{}）同一结果（{}）的检测，重复录入",
                            p.id,
                            ca,
                            cb,
                            a.date,
                            a.result.label()
                        ),
                    ));
                }
            }
        }
    }
    hits.sort_by(|a, b| {
        (&a.town, &a.unit, &a.person, a.date, a.kind, &a.cells)
            .cmp(&(&b.town, &b.unit, &b.person, b.date, b.kind, &b.cells))
    });
    hits
}

/// Competition ranks (1, 2, 2, 4) over units ordered by (vetoed last, score descending);
/// `order` gives, for each position, the unit's index into `keys`.
pub fn rank(keys: &[(bool, f64, &str, &str)]) -> (Vec<usize>, Vec<u32>) {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| {
        let (va, sa, ta, ua) = keys[a];
        let (vb, sb, tb, ub) = keys[b];
        va.cmp(&vb)
            .then(sb.total_cmp(&sa))
            .then(ta.cmp(tb))
            .then(ua.cmp(ub))
    });
    let mut ranks = vec![0u32; keys.len()];
    for (pos, &i) in order.iter().enumerate() {
        let r = if pos > 0 {
            let j = order[pos - 1];
            if keys[j].0 == keys[i].0 && keys[j].1 == keys[i].1 {
                ranks[j]
            } else {
                pos as u32 + 1
            }
        } else {
            1
        };
        ranks[i] = r;
    }
    (order, ranks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_share_places_on_ties_and_put_vetoed_units_last() {
        let keys = vec![
            (true, 95.0, "镇", "甲"),
            (false, 80.0, "镇", "乙"),
            (false, 90.0, "镇", "丙"),
            (false, 90.0, "镇", "丁"),
        ];
        let (order, ranks) = rank(&keys);
        // Ties are listed by name (丁 U+4E01 before 丙 U+4E19).
        assert_eq!(order, vec![3, 2, 1, 0]);
        assert_eq!(ranks, vec![4, 3, 1, 1]);
    }
}
