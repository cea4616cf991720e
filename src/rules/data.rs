//! Data checks D001–D010 that need the whole register or the as-of date. Checks of single
//! values (D001, D002, D003, D006, D009, D010) are raised while reading, in
//! [`crate::register`]; this module adds:
//!
//! - D004: 性别 or 出生日期 disagrees with the resident ID;
//! - D005: the same resident ID on two persons (a repeated 编号 is caught while reading);
//! - D007: dates out of order (决定 ≤ 送达 ≤ 报到 ≤ 协议, 离开 ≤ 返回, events inside the
//!   person's window);
//! - D008: a date after the as-of date.
//!
//! Every check is one linear pass; nothing allocates unless it reports.

use crate::finding::{Finding, Severity};
use crate::model::{CellRef, Person, Register, Sex, Sheet, Status};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Severity of D004, D005 (and of every reading check).
const DATA_ERROR: Severity = Severity::Error;
/// Severity of D007 and D008: suspicious dates, usually a typing slip.
const DATE_WARNING: Severity = Severity::Warning;

/// D004, D005 (resident ID), D007 and D008.
pub fn check(register: &Register, as_of: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    id_agreement(register, &mut out);
    duplicate_ids(register, &mut out);
    date_order(register, &mut out);
    event_windows(register, &mut out);
    future_dates(register, as_of, &mut out);
    out
}

/// A finding about person `p`, pointing at `cells`.
fn about(
    code: &'static str,
    severity: Severity,
    p: &Person,
    cells: impl IntoIterator<Item = CellRef>,
    message: String,
) -> Finding {
    Finding::new(code, severity, message)
        .person(p.id.clone())
        .unit(p.unit.clone())
        .cells(cells)
}

/// Birth date and sex encoded in a valid 18-character resident ID.
pub fn id_birth_and_sex(id: &str) -> Option<(NaiveDate, Sex)> {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let y = id.get(6..10)?.parse().ok()?;
    let m = id.get(10..12)?.parse().ok()?;
    let d = id.get(12..14)?.parse().ok()?;
    let birth = NaiveDate::from_ymd_opt(y, m, d)?;
    let sex = if (b[16] - b'0') % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Some((birth, sex))
}

/// D004: 性别 or 出生日期 disagrees with a valid resident ID.
fn id_agreement(reg: &Register, out: &mut Vec<Finding>) {
    for p in &reg.persons {
        if !p.resident_id_valid {
            continue;
        }
        let Some((birth, sex)) = p.resident_id.as_deref().and_then(id_birth_and_sex) else {
            continue;
        };
        let id_cell = reg.cell(Sheet::Persons, p.row, "公民身份号码");
        if let Some(s) = p.sex {
            if s != sex {
                out.push(about(
                    "D004",
                    DATA_ERROR,
                    p,
                    [reg.cell(Sheet::Persons, p.row, "性别"), id_cell],
                    format!(
                        "性别「{}」与公民身份号码不符（第17位表示{}）",
                        s.label(),
                        sex.label()
                    ),
                ));
            }
        }
        if let Some(d) = p.birth_date {
            if d != birth {
                out.push(about(
                    "D004",
                    DATA_ERROR,
                    p,
                    [reg.cell(Sheet::Persons, p.row, "出生日期"), id_cell],
                    format!(
                        "出生日期 {} 与公民身份号码中的 {} 不符",
                        zh_date(d),
                        zh_date(birth)
                    ),
                ));
            }
        }
    }
}

/// D005: the same resident ID on two persons; the later row is named.
fn duplicate_ids(reg: &Register, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(reg.persons.len());
    for (i, p) in reg.persons.iter().enumerate() {
        if !p.resident_id_valid {
            continue;
        }
        let Some(id) = p.resident_id.as_deref() else {
            continue;
        };
        if let Some(&first) = seen.get(id) {
            let f = &reg.persons[first];
            let first_cell = reg.cell(Sheet::Persons, f.row, "公民身份号码");
            out.push(about(
                "D005",
                DATA_ERROR,
                p,
                [reg.cell(Sheet::Persons, p.row, "公民身份号码"), first_cell],
                match f.number() {
                    "" => format!(
                        "公民身份号码与 {}（{}）相同：同一人登记了两次",
                        reg.cell_name(&first_cell),
                        f.name
                    ),
                    number => format!(
                        "公民身份号码与 {}（编号 {number} {}）相同：同一人登记了两次",
                        reg.cell_name(&first_cell),
                        f.name
                    ),
                },
            ));
        } else {
            seen.insert(id, i);
        }
    }
}

/// `2025年3月1日`.
fn zh_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The person's dates in programme order, with their canonical column.
fn programme_dates(p: &Person) -> [(&'static str, Option<NaiveDate>); 4] {
    [
        ("决定日期", p.decision_date),
        ("送达日期", p.served_date),
        ("报到日期", p.report_date),
        ("协议签订日期", p.agreement_date),
    ]
}

/// D007 on one row: 决定 ≤ 送达 ≤ 报到 ≤ 协议 (consecutive present dates), 状态日期 not
/// before the start, and 离开 ≤ 返回 on 请假.
fn date_order(reg: &Register, out: &mut Vec<Finding>) {
    for p in &reg.persons {
        let mut prev: Option<(&'static str, NaiveDate)> = None;
        for (field, date) in programme_dates(p) {
            let Some(d) = date else { continue };
            if let Some((pf, pd)) = prev {
                if d < pd {
                    out.push(about(
                        "D007",
                        DATE_WARNING,
                        p,
                        [
                            reg.cell(Sheet::Persons, p.row, field),
                            reg.cell(Sheet::Persons, p.row, pf),
                        ],
                        format!(
                            "{field} {} 早于{pf} {}（应为 决定 ≤ 送达 ≤ 报到 ≤ 协议签订）",
                            zh_date(d),
                            zh_date(pd)
                        ),
                    ));
                }
            }
            prev = Some((field, d));
        }
        if let (Some(sd), Some((start_field, start))) = (p.status_date, window_start(p)) {
            if sd < start {
                out.push(about(
                    "D007",
                    DATE_WARNING,
                    p,
                    [
                        reg.cell(Sheet::Persons, p.row, "状态日期"),
                        reg.cell(Sheet::Persons, p.row, start_field),
                    ],
                    format!(
                        "状态日期 {} 早于{start_field} {}",
                        zh_date(sd),
                        zh_date(start)
                    ),
                ));
            }
        }
    }
    for l in &reg.leaves {
        let Some(ret) = l.return_date else { continue };
        if ret < l.leave_date {
            if let Some(p) = reg.persons.get(l.person) {
                out.push(about(
                    "D007",
                    DATE_WARNING,
                    p,
                    [
                        reg.cell(Sheet::Leaves, l.row, "返回日期"),
                        reg.cell(Sheet::Leaves, l.row, "离开日期"),
                    ],
                    format!(
                        "返回日期 {} 早于离开日期 {}",
                        zh_date(ret),
                        zh_date(l.leave_date)
                    ),
                ));
            }
        }
    }
}

/// Where a person's window starts: 报到日期, or 决定日期 when not reported in.
fn window_start(p: &Person) -> Option<(&'static str, NaiveDate)> {
    match (p.report_date, p.decision_date) {
        (Some(r), _) => Some(("报到日期", r)),
        (None, Some(d)) => Some(("决定日期", d)),
        (None, None) => None,
    }
}

/// Where a person's window ends early: 状态日期 when 状态 is not 执行中.
fn window_end(p: &Person) -> Option<NaiveDate> {
    match p.status_or_active() {
        Status::Active => None,
        _ => p.status_date,
    }
}

/// D007 for events: an event before the window starts or after it ended (状态日期 when 状态
/// is not 执行中).
fn event_windows(reg: &Register, out: &mut Vec<Finding>) {
    let mut check = |sheet: Sheet, row: u32, person: usize, field: &str, what: &str, d| {
        let Some(p) = reg.persons.get(person) else {
            return;
        };
        let cell = || reg.cell(sheet, row, field);
        if let Some((start_field, start)) = window_start(p) {
            if d < start {
                out.push(about(
                    "D007",
                    DATE_WARNING,
                    p,
                    [cell(), reg.cell(Sheet::Persons, p.row, start_field)],
                    format!(
                        "{what}日期 {} 早于{start_field} {}",
                        zh_date(d),
                        zh_date(start)
                    ),
                ));
                return;
            }
        }
        if let Some(end) = window_end(p) {
            if d > end {
                out.push(about(
                    "D007",
                    DATE_WARNING,
                    p,
                    [cell(), reg.cell(Sheet::Persons, p.row, "状态日期")],
                    format!(
                        "{what}日期 {} 晚于状态日期 {}（状态为{}）",
                        zh_date(d),
                        zh_date(end),
                        p.status_or_active().label()
                    ),
                ));
            }
        }
    };
    for e in &reg.tests {
        check(Sheet::Tests, e.row, e.person, "检测日期", "检测", e.date);
    }
    for e in &reg.contacts {
        check(Sheet::Contacts, e.row, e.person, "日期", "谈话", e.date);
    }
    for e in &reg.leaves {
        check(
            Sheet::Leaves,
            e.row,
            e.person,
            "离开日期",
            "离开",
            e.leave_date,
        );
    }
    for e in &reg.warnings {
        check(Sheet::Warnings, e.row, e.person, "日期", "告诫", e.date);
    }
    for e in &reg.evaluations {
        check(
            Sheet::Evaluations,
            e.row,
            e.person,
            "评估日期",
            "评估",
            e.date,
        );
    }
    for e in &reg.help {
        check(Sheet::Help, e.row, e.person, "日期", "帮扶", e.date);
    }
}

/// D008: any date after the as-of date.
fn future_dates(reg: &Register, as_of: NaiveDate, out: &mut Vec<Finding>) {
    let message = |field: &str, d: NaiveDate| {
        format!("{field} {} 晚于检查基准日 {}", zh_date(d), zh_date(as_of))
    };
    for p in &reg.persons {
        let mut dates: Vec<(&'static str, Option<NaiveDate>)> = programme_dates(p).to_vec();
        dates.push(("出生日期", p.birth_date));
        dates.push(("状态日期", p.status_date));
        for (field, d) in dates {
            if let Some(d) = d.filter(|d| *d > as_of) {
                out.push(about(
                    "D008",
                    DATE_WARNING,
                    p,
                    [reg.cell(Sheet::Persons, p.row, field)],
                    message(field, d),
                ));
            }
        }
    }
    let mut event = |sheet: Sheet, row: u32, person: usize, field: &'static str, d: NaiveDate| {
        if d <= as_of {
            return;
        }
        if let Some(p) = reg.persons.get(person) {
            out.push(about(
                "D008",
                DATE_WARNING,
                p,
                [reg.cell(sheet, row, field)],
                message(field, d),
            ));
        }
    };
    for e in &reg.tests {
        event(Sheet::Tests, e.row, e.person, "检测日期", e.date);
    }
    for e in &reg.contacts {
        event(Sheet::Contacts, e.row, e.person, "日期", e.date);
    }
    for e in &reg.leaves {
        event(Sheet::Leaves, e.row, e.person, "离开日期", e.leave_date);
        if let Some(r) = e.return_date {
            event(Sheet::Leaves, e.row, e.person, "返回日期", r);
        }
    }
    for e in &reg.warnings {
        event(Sheet::Warnings, e.row, e.person, "日期", e.date);
    }
    for e in &reg.evaluations {
        event(Sheet::Evaluations, e.row, e.person, "评估日期", e.date);
    }
    for e in &reg.help {
        event(Sheet::Help, e.row, e.person, "日期", e.date);
    }
    for s in &reg.staff {
        if let Some(d) = s.birth_date.filter(|d| *d > as_of) {
            out.push(
                Finding::new("D008", DATE_WARNING, message("出生日期", d))
                    .unit(s.unit.clone().unwrap_or_default())
                    .cell(reg.cell(Sheet::Staff, s.row, "出生日期")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SheetLayout, Test, TestResult};

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn register(persons: Vec<Person>) -> Register {
        let mut reg = Register::default();
        let mut layout = SheetLayout {
            name: "人员".into(),
            header_row: 0,
            ..Default::default()
        };
        for (i, f) in [
            "编号",
            "姓名",
            "性别",
            "公民身份号码",
            "出生日期",
            "决定日期",
            "送达日期",
            "报到日期",
            "协议签订日期",
            "状态",
            "状态日期",
        ]
        .into_iter()
        .enumerate()
        {
            layout.columns.insert(f, i as u32);
        }
        reg.layouts.insert(Sheet::Persons, layout);
        reg.persons = persons;
        reg.finalize();
        reg
    }

    fn person(id: &str, row: u32) -> Person {
        Person {
            id: id.into(),
            row,
            name: "张三".into(),
            unit: "东村".into(),
            resident_id: Some("11010519491231002X".into()),
            resident_id_valid: true,
            sex: Some(Sex::Female),
            birth_date: Some(d(1949, 12, 31)),
            decision_date: Some(d(2025, 1, 1)),
            served_date: Some(d(2025, 1, 2)),
            report_date: Some(d(2025, 1, 5)),
            agreement_date: Some(d(2025, 1, 5)),
            term_months: 36,
            ..Person::default()
        }
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn clean_person_has_no_findings() {
        let reg = register(vec![person("A1", 1)]);
        assert!(check(&reg, d(2025, 6, 30)).is_empty());
    }

    #[test]
    fn sex_and_birth_against_the_id() {
        let mut p = person("A1", 1);
        p.sex = Some(Sex::Male);
        p.birth_date = Some(d(1949, 12, 30));
        let reg = register(vec![p]);
        let f = check(&reg, d(2025, 6, 30));
        assert_eq!(codes(&f), ["D004", "D004"]);
        assert_eq!(reg.cell_name(&f[0].cells[0]), "人员!C2");
        assert_eq!(reg.cell_name(&f[1].cells[0]), "人员!E2");
    }

    #[test]
    fn same_id_twice_names_the_second_row() {
        let reg = register(vec![person("A1", 1), person("A2", 2)]);
        let f = check(&reg, d(2025, 6, 30));
        assert_eq!(codes(&f), ["D005"]);
        assert_eq!(f[0].person.as_deref(), Some("A2"));
        assert_eq!(reg.cell_name(&f[0].cells[0]), "人员!D3");
        assert!(f[0].message.contains("人员!D2"), "{}", f[0].message);
    }

    #[test]
    fn dates_out_of_order_and_in_the_future() {
        let mut p = person("A1", 1);
        p.report_date = Some(d(2024, 12, 31));
        let mut reg = register(vec![p]);
        reg.tests.push(Test {
            row: 4,
            person: 0,
            date: d(2025, 7, 2),
            method: None,
            result: TestResult::Negative,
            lab: None,
            tester: None,
            unannounced: false,
        });
        reg.finalize();
        let f = check(&reg, d(2025, 6, 30));
        // 报到 before 送达; the agreement is after 报到 again (fine); the test is in the future.
        assert_eq!(codes(&f), ["D007", "D008"]);
        assert_eq!(reg.cell_name(&f[0].cells[0]), "人员!H2");
        assert_eq!(f[1].severity, Severity::Warning);
    }
}
