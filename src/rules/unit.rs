//! Unit rules U201–U204: one finding per 单位 row (village/community) or per worker.
//!
//! Staff and persons are matched to a unit by 乡镇(街道) + 村(社区) (names trimmed); a staff row
//! without 乡镇(街道) matches the unit by 村(社区) alone. Lookups are built once per run.

use super::window::age_on;
use super::Ctx;
use crate::finding::Finding;
use crate::model::{Sheet, StaffKind, Unit};
use crate::profile::education_rank;
use std::collections::HashMap;

/// Runs every enabled unit rule.
pub fn check(cx: &Ctx, out: &mut Vec<Finding>) {
    let p = cx.profile;
    if p.enabled("U201") {
        u201_staffing(cx, out);
    }
    if p.enabled("U202") {
        u202_workers(cx, out);
    }
    if p.enabled("U203") {
        u203_funding(cx, out);
    }
    if p.enabled("U204") {
        u204_agreements(cx, out);
    }
}

fn unit_finding(cx: &Ctx, code: &'static str, u: &Unit, message: String) -> Finding {
    Finding::new(code, cx.severity(code), message).unit(u.unit.trim().to_string())
}

/// Full-time and part-time workers of a unit.
#[derive(Default, Clone, Copy)]
struct StaffCount {
    full_time: u32,
    part_time: u32,
}

/// U201: a unit's full-time workers (工作人员 类型 专职 of that 乡镇(街道) + 村(社区)) are fewer
/// than ceil(实有吸毒人员数 / N), N = `staffing.users_per_full_time_worker`; a unit with fewer
/// than N users (but at least one) needs one worker of either kind. Rests on the unit's
/// 实有吸毒人员数 cell.
fn u201_staffing(cx: &Ctx, out: &mut Vec<Finding>) {
    let per = cx.profile.staffing.users_per_full_time_worker.max(1);
    // (town, unit) → counts; staff without a town under ("", unit).
    let mut counts: HashMap<(&str, &str), StaffCount> = HashMap::new();
    for s in &cx.register.staff {
        let Some(unit) = s.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            continue;
        };
        let town = s.town.as_deref().map(str::trim).unwrap_or("");
        let c = counts.entry((town, unit)).or_default();
        match s.kind {
            StaffKind::FullTime => c.full_time += 1,
            StaffKind::PartTime => c.part_time += 1,
        }
    }
    for u in &cx.register.units {
        let users = u.registered_users;
        if users == 0 {
            continue;
        }
        let key_unit = u.unit.trim();
        let mut c = counts
            .get(&(u.town.trim(), key_unit))
            .copied()
            .unwrap_or_default();
        if !u.town.trim().is_empty() {
            if let Some(extra) = counts.get(&("", key_unit)) {
                c.full_time += extra.full_time;
                c.part_time += extra.part_time;
            }
        }
        let msg = if users < per {
            if c.full_time + c.part_time >= 1 {
                continue;
            }
            format!(
                "实有吸毒人员{}名，未配备工作人员（不足{}名的应配备1名兼职或专职工作人员）",
                users, per
            )
        } else {
            let required = users.div_ceil(per);
            if c.full_time >= required {
                continue;
            }
            format!(
                "实有吸毒人员{}名，应配备专职工作人员{}名（每{}名1名），实有{}名",
                users, required, per, c.full_time
            )
        };
        out.push(
            unit_finding(cx, "U201", u, msg)
                .cell(cx.register.cell(Sheet::Units, u.row, "实有吸毒人员数"))
                .basis(cx.profile.staffing.basis.clone()),
        );
    }
}

/// U202: a full-time worker (专职) whose age on the as-of date (from 出生日期) is outside
/// [`workers.min_age`, `workers.max_age`], or whose 学历 ranks below `workers.min_education`
/// (小学 < 初中 < 高中 = 中专 = 职高 < 大专 < 本科 < 硕士 < 博士). Unknown values are skipped.
fn u202_workers(cx: &Ctx, out: &mut Vec<Finding>) {
    let w = &cx.profile.workers;
    let min_rank = education_rank(&w.min_education);
    for s in &cx.register.staff {
        if s.kind != StaffKind::FullTime {
            continue;
        }
        let mut reasons = Vec::new();
        let mut cells = Vec::new();
        if let Some(b) = s.birth_date {
            let age = age_on(b, cx.as_of);
            if age < w.min_age as i32 || age > w.max_age as i32 {
                reasons.push(format!(
                    "年龄{}周岁（应为{}至{}周岁）",
                    age, w.min_age, w.max_age
                ));
                cells.push(cx.register.cell(Sheet::Staff, s.row, "出生日期"));
            }
        }
        if let (Some(edu), Some(min)) = (s.education.as_deref(), min_rank) {
            if education_rank(edu).is_some_and(|r| r < min) {
                reasons.push(format!("学历{}（应为{}以上）", edu.trim(), w.min_education));
                cells.push(cx.register.cell(Sheet::Staff, s.row, "学历"));
            }
        }
        if reasons.is_empty() {
            continue;
        }
        let msg = format!("专职工作人员{}：{}", s.name, reasons.join("，"));
        let mut f = Finding::new("U202", cx.severity("U202"), msg)
            .cells(cells)
            .basis(w.basis.clone());
        if let Some(u) = s.unit.as_deref() {
            f = f.unit(u.trim().to_string());
        }
        out.push(f);
    }
}

/// U203: a unit's funding (经费到位(元), or 经费预算(元) when 到位 is empty) is below
/// max(`funding.per_user` × 实有吸毒人员数, `funding.minimum`). Rests on the amount's cell.
fn u203_funding(cx: &Ctx, out: &mut Vec<Finding>) {
    let f = &cx.profile.funding;
    for u in &cx.register.units {
        let (amount, field) = match (u.funded, u.budget) {
            (Some(a), _) => (a, "经费到位(元)"),
            (None, Some(b)) => (b, "经费预算(元)"),
            (None, None) => continue,
        };
        let required = (f.per_user as f64 * u.registered_users as f64).max(f.minimum as f64);
        if amount >= required {
            continue;
        }
        let msg = format!(
            "{}{}元，低于应有的{}元（每人每年{}元、每年不少于{}元，实有吸毒人员{}名）",
            field.trim_end_matches("(元)"),
            money(amount),
            money(required),
            f.per_user,
            f.minimum,
            u.registered_users
        );
        out.push(
            unit_finding(cx, "U203", u, msg)
                .cell(cx.register.cell(Sheet::Units, u.row, field))
                .basis(f.basis.clone()),
        );
    }
}

fn money(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    }
}

/// U204: persons of the unit (人员 rows of that 乡镇(街道) + 村(社区)) with a 协议签订日期 are
/// fewer than `agreement_rate.min_percent` % of 实有吸毒人员数. Rests on that cell.
fn u204_agreements(cx: &Ctx, out: &mut Vec<Finding>) {
    let pct = cx.profile.agreement_rate.min_percent;
    let mut signed: HashMap<(&str, &str), u32> = HashMap::new();
    for p in &cx.register.persons {
        if p.agreement_date.is_some_and(|d| d <= cx.as_of) {
            *signed.entry((p.town.trim(), p.unit.trim())).or_default() += 1;
        }
    }
    for u in &cx.register.units {
        let users = u.registered_users;
        if users == 0 {
            continue;
        }
        let n = signed
            .get(&(u.town.trim(), u.unit.trim()))
            .copied()
            .unwrap_or(0);
        if u64::from(n) * 100 >= u64::from(pct) * u64::from(users) {
            continue;
        }
        let msg = format!(
            "已签订协议{}人，占实有吸毒人员{}名的{:.1}%，低于{}%",
            n,
            users,
            f64::from(n) * 100.0 / f64::from(users),
            pct
        );
        out.push(
            unit_finding(cx, "U204", u, msg)
                .cell(cx.register.cell(Sheet::Units, u.row, "实有吸毒人员数"))
                .basis(cx.profile.agreement_rate.basis.clone()),
        );
    }
}
