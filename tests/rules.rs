//! Rules P101–P118, U201–U204, profiles and obligations, on registers built in memory.
//!
//! Every rule has a register in which it fires and a near miss in which it does not; the
//! as-of date is stated in each test. Cells are asserted as the clerk reads them (`人员!Q2`).

use rehabdocs::finding::{Finding, Severity};
use rehabdocs::model::*;
use rehabdocs::output::Ids;
use rehabdocs::paperwork::documents;
use rehabdocs::profile::{Profile, RuleOverride};
use rehabdocs::rules::obligations::{obligations, Obligations};
use rehabdocs::rules::{run_all, RULES};

mod common;
use common::*;

/// The rules' findings with the documents the map makes due (as `check` gives them).
fn run(r: &Register, profile: &Profile, as_of: &str) -> Vec<Finding> {
    let mut fs = run_all(r, profile, d(as_of));
    documents::apply(&mut fs, d(as_of));
    fs
}

fn std() -> Profile {
    Profile::standard()
}

/// The findings of one code.
fn of<'a>(fs: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.code == code).collect()
}

fn one<'a>(fs: &'a [Finding], code: &str) -> &'a Finding {
    let v = of(fs, code);
    assert_eq!(v.len(), 1, "expected one {code}, got {:#?}", fs);
    v[0]
}

fn cells(r: &Register, f: &Finding) -> Vec<String> {
    f.cell_names(r)
}

fn due(f: &Finding) -> Vec<&str> {
    f.due.iter().map(|x| x.0.as_str()).collect()
}

// ---------------------------------------------------------------- P101, P102, P103

#[test]
fn p101_day_7_on_time_day_8_late() {
    // served 2025-01-01: day 7 = 2025-01-08 on time, 2025-01-09 late. As of 2025-02-01.
    let mut b = B::new();
    b.person("A1", "2025-01-08", |p| {
        p.served_date = Some(d("2025-01-01"))
    });
    b.person("A2", "2025-01-09", |p| {
        p.served_date = Some(d("2025-01-01"))
    });
    // A report-in date after the as-of date is D008's business, not P101's.
    b.person("A3", "2025-03-09", |p| {
        p.served_date = Some(d("2025-01-01"))
    });
    let r = b.done();
    let fs = run(&r, &std(), "2025-02-01");
    let f = one(&fs, "P101");
    assert_eq!(f.person.as_deref(), Some("A2"));
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(cells(&r, f), vec!["人员!Q3", "人员!O3"]);
    assert!(f.message.contains("逾期1日"), "{}", f.message);
    assert!(f.basis.contains("七日内"));
}

#[test]
fn p101_other_province_15_days_and_decision_fallback() {
    let mut b = B::new();
    b.person("B1", "2025-01-16", |p| {
        p.served_date = Some(d("2025-01-01"));
        p.from_other_province = true;
    });
    b.person("B2", "2025-01-17", |p| {
        p.served_date = Some(d("2025-01-01"));
        p.from_other_province = true;
    });
    // No 送达日期: counted from 决定日期 (2025-01-01), day 8 is late.
    b.person("B3", "2025-01-09", |p| {
        p.served_date = None;
        p.decision_date = Some(d("2025-01-01"));
    });
    let r = b.done();
    let fs = run(&r, &std(), "2025-03-01");
    let p101 = of(&fs, "P101");
    let who: Vec<_> = p101.iter().map(|f| f.person.as_deref().unwrap()).collect();
    assert_eq!(who, vec!["B2", "B3"]);
    assert_eq!(cells(&r, p101[1]), vec!["人员!Q4", "人员!N4"]);
}

#[test]
fn p102_not_reported_after_deadline() {
    let mut b = B::new();
    b.person("C1", "2025-01-01", |p| {
        p.report_date = None;
        p.agreement_date = None;
        p.served_date = Some(d("2025-01-01"));
    });
    let r = b.done();
    // Local deadline 2025-01-08: as of that day nothing is due yet.
    assert!(of(&run(&r, &std(), "2025-01-08"), "P102").is_empty());
    // Past the local 7 days, within the statutory 15 (to 2025-01-16): a warning and a
    // reminder, no statutory consequence.
    for day in ["2025-01-09", "2025-01-16"] {
        let fs = run(&r, &std(), day);
        let f = one(&fs, "P102");
        assert_eq!(f.severity, Severity::Warning, "{day}");
        assert_eq!(due(f), vec!["report_reminder"], "{day}");
        assert!(!f.message.contains("视为拒绝"), "{}", f.message);
        assert_eq!(cells(&r, f), vec!["人员!Q2", "人员!O2"]);
    }
    // Past the statutory deadline: regarded as refusing; the report to the police is due.
    let fs = run(&r, &std(), "2025-01-17");
    let f = one(&fs, "P102");
    assert_eq!(f.severity, Severity::Breach);
    assert_eq!(due(f), vec!["report_reminder", "serious_breach_report"]);
    assert!(f.message.contains("视为拒绝"), "{}", f.message);
    assert_eq!(f.due_date, Some(d("2025-01-16")));
}

#[test]
fn p103_agreement_within_7_days() {
    let mut b = B::new();
    b.person("D1", "2025-01-10", |p| {
        p.agreement_date = Some(d("2025-01-17"))
    });
    b.person("D2", "2025-01-10", |p| {
        p.agreement_date = Some(d("2025-01-18"))
    });
    b.person("D3", "2025-01-10", |p| p.agreement_date = None);
    // Never signed, programme already ended: still a finding, but no agreement is due.
    b.person("D4", "2025-01-10", |p| {
        p.agreement_date = None;
        p.status = Some(Status::Terminated);
        p.status_date = Some(d("2025-01-15"));
    });
    let r = b.done();
    // As of 2025-01-17 D3's deadline (2025-01-17) has not passed, and D2's date lies after
    // the as-of date (D008's business): nothing yet.
    assert!(of(&run(&r, &std(), "2025-01-17"), "P103").is_empty());
    // As of 2025-01-18: D2 signed a day late, D3 has not signed.
    let fs = run(&r, &std(), "2025-01-18");
    let who: Vec<_> = of(&fs, "P103")
        .iter()
        .map(|f| f.person.clone().unwrap())
        .collect();
    assert_eq!(who, vec!["D2", "D3", "D4"]);
    assert!(due(of(&fs, "P103")[2]).is_empty());
    let p103 = of(&fs, "P103");
    let d3 = p103
        .iter()
        .find(|f| f.person.as_deref() == Some("D3"))
        .unwrap();
    assert_eq!(due(d3), vec!["agreement", "work_notice"]);
    assert_eq!(d3.due_date, Some(d("2025-01-17")));
    assert_eq!(cells(&r, d3), vec!["人员!R4", "人员!Q4"]);
}

// ---------------------------------------------------------------- P104, P116, P118

#[test]
fn p104_and_p116_at_term_end() {
    let mut b = B::new();
    let p = b.person("E1", "2023-01-01", |_| {});
    b.compliant(p, "2023-01-01", "2025-12-31");
    let r = b.done();
    // Last day of the term is 2025-12-31.
    let fs = run(&r, &std(), "2025-12-31");
    assert!(
        of(&fs, "P104").is_empty() && of(&fs, "P116").is_empty(),
        "{fs:#?}"
    );
    let fs = run(&r, &std(), "2026-01-01");
    let f = one(&fs, "P104");
    assert_eq!(due(f), vec!["discharge_proposal", "discharge_notice"]);
    assert_eq!(f.due_date, Some(d("2025-12-31")));
    let f = one(&fs, "P116");
    assert_eq!(due(f), vec!["total_evaluation"]);
    // Discharged with the total evaluation: neither; P118 informs (3 years, no positive).
    let mut b = B::new();
    let p = b.person("E2", "2023-01-01", |p| {
        p.status = Some(Status::Discharged);
        p.status_date = Some(d("2025-12-31"));
    });
    b.compliant(p, "2023-01-01", "2025-12-31");
    b.eval(p, "2025-12-31", EvalPeriod::Total);
    let r = b.done();
    let fs = run(&r, &std(), "2026-01-05");
    assert!(fs.iter().all(|f| f.severity <= Severity::Info), "{fs:#?}");
    let f = one(&fs, "P118");
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn p118_not_after_a_positive_test() {
    let mut b = B::new();
    let p = b.person("E3", "2022-01-01", |p| {
        p.status = Some(Status::Discharged);
        p.status_date = Some(d("2024-12-31"));
    });
    b.test(p, "2023-05-05", TestResult::Positive);
    let r = b.done();
    assert!(of(&run(&r, &std(), "2025-06-01"), "P118").is_empty());
}

// ---------------------------------------------------------------- schedule: P105–P109

#[test]
fn compliant_person_gives_nothing_above_info() {
    let mut b = B::new();
    let p = b.person("F0", "2024-02-29", |_| {});
    b.compliant(p, "2024-02-29", "2026-06-30");
    let r = b.done();
    let fs = run(&r, &std(), "2026-06-30");
    assert!(fs.is_empty(), "{fs:#?}");
}

#[test]
fn p105_completed_year_and_pro_rata() {
    // Year 1 = 2025-01-01..2025-12-31 requires 6 tests.
    let mut b = B::new();
    let ok = b.person("G1", "2025-01-01", |_| {});
    let short = b.person("G2", "2025-01-01", |_| {});
    for m in 1..=6 {
        b.test(
            ok,
            &format!("2025-{:02}-10", m * 2 - 1),
            TestResult::Negative,
        );
    }
    for m in 1..=5 {
        b.test(
            short,
            &format!("2025-{:02}-10", m * 2 - 1),
            TestResult::Negative,
        );
    }
    // A refused test is not a test done.
    b.test(short, "2025-12-01", TestResult::Refused);
    let r = b.done();
    let fs = run(&r, &std(), "2026-01-01");
    let f = one(&fs, "P105");
    assert_eq!(f.person.as_deref(), Some("G2"));
    assert!(f.message.contains("完成5次，应6次"), "{}", f.message);
    // Tests are the police's duty: a work notice to the 派出所, never a warning to the person.
    assert_eq!(due(f), vec!["work_notice"]);
    // The cell is on the 检测 sheet, where the missing tests belong: the date of G2's last
    // row in the short term year (the refused test of 2025-12-01), not G2's 编号.
    assert_eq!(cells(&r, f), vec!["检测!B13"]);

    // Pro rata as of 2025-07-01: floor(6 × 182 / 365) = 2.
    let mut b = B::new();
    let two = b.person("G3", "2025-01-01", |_| {});
    let one_ = b.person("G4", "2025-01-01", |_| {});
    b.test(two, "2025-02-01", TestResult::Negative);
    b.test(two, "2025-05-01", TestResult::Negative);
    b.test(one_, "2025-02-01", TestResult::Negative);
    let r = b.done();
    let fs = run(&r, &std(), "2025-07-01");
    let f = one(&fs, "P105");
    assert_eq!(f.person.as_deref(), Some("G4"));
    assert!(f.message.contains("按比例"), "{}", f.message);
}

#[test]
fn p106_talk_on_last_day_of_month_counts() {
    // Reported 2025-02-15, as of 2025-04-15: only March is a counted month.
    let mut b = B::new();
    let a = b.person("H1", "2025-02-15", |_| {});
    let c = b.person("H2", "2025-02-15", |_| {});
    b.contact(a, "2025-03-31", ContactKind::HomeVisit);
    b.contact(c, "2025-04-01", ContactKind::FaceToFace);
    b.contact(c, "2025-03-10", ContactKind::Phone);
    let r = b.done();
    let fs = run(&r, &std(), "2025-04-15");
    let f = one(&fs, "P106");
    assert_eq!(f.person.as_deref(), Some("H2"));
    assert!(
        f.message.contains("2025年3月完成0次，应1次"),
        "{}",
        f.message
    );
}

#[test]
fn p107_two_self_reports_a_month() {
    let mut b = B::new();
    let a = b.person("I1", "2025-02-15", |_| {});
    let c = b.person("I2", "2025-02-15", |_| {});
    b.contact(a, "2025-03-01", ContactKind::SelfReport);
    b.contact(a, "2025-03-31", ContactKind::SelfReport);
    b.contact(c, "2025-03-01", ContactKind::SelfReport);
    b.contact(c, "2025-03-02", ContactKind::FaceToFace);
    let r = b.done();
    let fs = run(&r, &std(), "2025-04-15");
    let f = one(&fs, "P107");
    assert_eq!(f.person.as_deref(), Some("I2"));
    assert!(f.message.contains("完成1次，应2次"));
}

#[test]
fn p109_quarter_partly_inside_the_window_is_not_counted() {
    // Reported 2025-02-15, as of 2025-07-15: only Q2 (Apr–Jun) is counted.
    let mut b = B::new();
    let a = b.person("J1", "2025-02-15", |_| {});
    let c = b.person("J2", "2025-02-15", |_| {});
    b.eval(
        a,
        "2025-07-02",
        EvalPeriod::Quarter {
            year: 2025,
            quarter: 2,
        },
    );
    b.eval(
        c,
        "2025-03-31",
        EvalPeriod::Quarter {
            year: 2025,
            quarter: 1,
        },
    );
    let r = b.done();
    let fs = run(&r, &std(), "2025-07-15");
    let f = one(&fs, "P109");
    assert_eq!(f.person.as_deref(), Some("J2"));
    assert!(
        f.message.contains("2025年4月1日至2025年6月30日"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("2025年1月"), "{}", f.message);
}

#[test]
fn p108_ouhai_totals_pro_rata() {
    let ouhai = Profile::load("ouhai").unwrap();
    assert!(ouhai
        .schedule
        .iter()
        .all(|i| i.kind != rehabdocs::profile::EventKind::Tests));
    // Reported 2024-01-01, as of 2025-01-01: 367 of 1096 days → floor(28 × 367 / 1096) = 9
    // for 社区戒毒, floor(12 × 367 / 1096) = 4 for 社区康复.
    let mut b = B::new();
    let ok = b.person("K1", "2024-01-01", |_| {});
    let short = b.person("K2", "2024-01-01", |_| {});
    let rehab = b.person("K3", "2024-01-01", |p| p.measure = Some(Measure::Rehab));
    for i in 0..5 {
        b.test(ok, &format!("2024-{:02}-03", i + 1), TestResult::Negative);
    }
    for i in 0..4 {
        b.test(
            short,
            &format!("2024-{:02}-03", i + 1),
            TestResult::Negative,
        );
    }
    for i in 0..4 {
        b.contact(
            ok,
            &format!("2024-{:02}-15", i + 6),
            ContactKind::FaceToFace,
        );
        b.contact(
            short,
            &format!("2024-{:02}-15", i + 6),
            ContactKind::FaceToFace,
        );
        b.test(
            rehab,
            &format!("2024-{:02}-03", i + 1),
            TestResult::Negative,
        );
    }
    b.contact(short, "2024-11-11", ContactKind::Phone);
    let r = b.done();
    let fs = run(&r, &ouhai, "2025-01-01");
    let f = one(&fs, "P108");
    assert_eq!(f.person.as_deref(), Some("K2"));
    assert!(f.message.contains("合计8次，应9次"), "{}", f.message);
    assert!(f.basis.contains("28"));
    // Under standard there is no total.
    assert!(of(&run(&r, &std(), "2025-01-01"), "P108").is_empty());
}

// ---------------------------------------------------------------- serious breaches

#[test]
fn p110_two_vs_three_refusals() {
    let mut b = B::new();
    let a = b.person("L1", "2025-01-01", |_| {});
    let c = b.person("L2", "2025-01-01", |_| {});
    b.test(a, "2025-02-01", TestResult::Refused);
    b.test(a, "2025-03-01", TestResult::Evaded);
    b.test(a, "2025-04-01", TestResult::NoShow);
    b.test(c, "2025-02-01", TestResult::Refused);
    b.test(c, "2025-03-01", TestResult::Evaded);
    b.test(c, "2025-04-01", TestResult::Refused);
    let r = b.done();
    let fs = run(&r, &std(), "2025-05-01");
    let f = one(&fs, "P110");
    assert_eq!(f.person.as_deref(), Some("L2"));
    assert_eq!(f.severity, Severity::Breach);
    assert_eq!(cells(&r, f), vec!["检测!D5", "检测!D6", "检测!D7"]);
    assert_eq!(due(f), vec!["serious_breach_report"]);
}

#[test]
fn p111_30_vs_31_days_and_three_departures() {
    let mut b = B::new();
    let a = b.person("M1", "2025-01-01", |_| {});
    let c = b.person("M2", "2025-01-01", |_| {});
    let e = b.person("M3", "2025-01-01", |_| {});
    let o = b.person("M4", "2025-01-01", |_| {});
    b.leave(a, "2025-03-01", Some("2025-03-31"), false); // 30 days
    b.leave(c, "2025-03-01", Some("2025-04-01"), false); // 31 days
    for m in 3..=5 {
        b.leave(
            e,
            &format!("2025-{m:02}-01"),
            Some(&format!("2025-{m:02}-02")),
            false,
        );
    }
    b.leave(o, "2025-05-01", None, false); // open, 45 days to the as-of date
    b.leave(a, "2025-05-01", Some("2025-05-20"), true); // approved: not a departure
    let r = b.done();
    let fs = run(&r, &std(), "2025-06-15");
    let p111 = of(&fs, "P111");
    let who: Vec<_> = p111.iter().map(|f| f.person.clone().unwrap()).collect();
    assert_eq!(who, vec!["M2", "M3", "M4"]);
    assert!(p111[0].message.contains("累计31天"));
    assert_eq!(cells(&r, p111[1]), vec!["请假!B4", "请假!B5", "请假!B6"]);
    assert!(p111[2].message.contains("累计45天"), "{}", p111[2].message);
}

#[test]
fn p112_positive_test() {
    let mut b = B::new();
    let a = b.person("N1", "2025-01-01", |_| {});
    let c = b.person("N2", "2025-01-01", |_| {});
    b.test(a, "2025-02-01", TestResult::Negative);
    b.test(c, "2025-02-01", TestResult::Positive);
    let r = b.done();
    let fs = run(&r, &std(), "2025-03-01");
    let f = one(&fs, "P112");
    assert_eq!(f.person.as_deref(), Some("N2"));
    assert_eq!(cells(&r, f), vec!["检测!D3"]);
    assert_eq!(due(f), vec!["serious_breach_report"]);
}

#[test]
fn p113_two_written_warnings_then_a_silent_month() {
    let mut b = B::new();
    let a = b.person("O1", "2025-01-01", |_| {});
    let c = b.person("O2", "2025-01-01", |_| {});
    let e = b.person("O3", "2025-01-01", |_| {});
    for p in [a, c, e] {
        b.warning(p, "2025-03-05", WarningKind::Written);
    }
    b.warning(a, "2025-03-20", WarningKind::Written);
    b.warning(c, "2025-03-20", WarningKind::Written);
    b.warning(e, "2025-03-20", WarningKind::Oral);
    // O2 reports in April and May; O1 and O3 do not.
    b.contact(c, "2025-04-10", ContactKind::SelfReport);
    b.contact(c, "2025-05-10", ContactKind::SelfReport);
    let r = b.done();
    // As of 2025-04-29 no whole month after the second warning has passed.
    assert!(of(&run(&r, &std(), "2025-04-29"), "P113").is_empty());
    let fs = run(&r, &std(), "2025-05-31");
    let f = one(&fs, "P113");
    assert_eq!(f.person.as_deref(), Some("O1"));
    assert_eq!(cells(&r, f), vec!["告诫!B2", "告诫!B5"]);
    assert!(f.message.contains("2025年4月"));
}

#[test]
fn p114_three_day_leave_ok_four_flagged() {
    let mut b = B::new();
    let a = b.person("Q1", "2025-01-01", |_| {});
    let c = b.person("Q2", "2025-01-01", |_| {});
    b.leave(a, "2025-03-01", Some("2025-03-04"), true);
    b.leave(c, "2025-03-01", Some("2025-03-05"), true);
    let r = b.done();
    let fs = run(&r, &std(), "2025-04-01");
    let f = one(&fs, "P114");
    assert_eq!(f.person.as_deref(), Some("Q2"));
    assert_eq!(cells(&r, f), vec!["请假!B3", "请假!C3"]);
    // The office approved the leave: a work notice to the group, never a warning.
    assert_eq!(due(f), vec!["work_notice"]);
    assert!(f.message.contains("共4天"));
}

#[test]
fn p115_female_group() {
    let mut b = B::new();
    b.staff("李芳", Sex::Female, StaffKind::FullTime, |_| {});
    b.staff("王强", Sex::Male, StaffKind::FullTime, |_| {});
    let fem = |p: &mut Person| p.sex = Some(Sex::Female);
    b.person("R1", "2025-01-01", |p| {
        fem(p);
        p.group_leader = Some("王强".into());
        p.group_members = vec!["张三，李芳".into()];
    });
    b.person("R2", "2025-01-01", |p| {
        fem(p);
        p.group_leader = Some("王强".into());
        p.group_members = vec!["张三、赵四".into()];
    });
    b.person("R3", "2025-01-01", |p| {
        fem(p);
        p.group_leader = Some("王强".into());
        p.group_members = vec!["赵红（女） 张三".into()];
    });
    // Sex from the ID (17th digit even) when 性别 is empty.
    b.person("R4", "2025-01-01", |p| {
        p.sex = None;
        p.resident_id = Some("110101199003070028".into());
        p.resident_id_valid = true;
        p.group_leader = Some("王强".into());
    });
    // A man with an all-male group is fine.
    b.person("R5", "2025-01-01", |p| p.group_leader = Some("王强".into()));
    let r = b.done();
    let fs = run(&r, &std(), "2025-02-01");
    let who: Vec<_> = of(&fs, "P115")
        .iter()
        .map(|f| f.person.clone().unwrap())
        .collect();
    assert_eq!(who, vec!["R2", "R4"]);
    assert_eq!(cells(&r, of(&fs, "P115")[0]), vec!["人员!X3", "人员!W3"]);
}

#[test]
fn p117_serious_attention_is_info() {
    let mut b = B::new();
    b.person("S1", "2025-01-01", |p| p.fixed_job = Some(false));
    b.person("S2", "2025-01-01", |_| {});
    let r = b.done();
    let fs = run(&r, &std(), "2025-01-20");
    let f = one(&fs, "P117");
    assert_eq!(f.person.as_deref(), Some("S1"));
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(cells(&r, f), vec!["人员!Z2"]);
}

// ---------------------------------------------------------------- unit rules

#[test]
fn u201_staffing_ratio() {
    let mut b = B::new();
    b.unit("东风社区", 25, None, None); // needs 2 full-time, has 1
    b.unit("红旗村", 25, None, None); // has 2
    b.unit("新华村", 10, None, None); // under 20: 1 part-time suffices
    b.unit("光明村", 10, None, None); // nobody
    b.staff("甲", Sex::Male, StaffKind::FullTime, |_| {});
    b.staff("乙", Sex::Male, StaffKind::PartTime, |_| {});
    b.staff("丙", Sex::Male, StaffKind::FullTime, |s| {
        s.unit = Some("红旗村".into())
    });
    b.staff("丁", Sex::Male, StaffKind::FullTime, |s| {
        s.unit = Some("红旗村".into())
    });
    b.staff("戊", Sex::Male, StaffKind::PartTime, |s| {
        s.unit = Some("新华村".into())
    });
    // Same village name in another town does not count.
    b.staff("己", Sex::Male, StaffKind::FullTime, |s| {
        s.unit = Some("光明村".into());
        s.town = Some("别的镇".into());
    });
    let r = b.done();
    let fs = run(&r, &std(), "2025-01-01");
    let u = of(&fs, "U201");
    let units: Vec<_> = u.iter().map(|f| f.unit.clone().unwrap()).collect();
    assert_eq!(units, vec!["东风社区", "光明村"]);
    assert_eq!(cells(&r, u[0]), vec!["单位!C2"]);
    assert!(u[0].message.contains("应配备专职工作人员2名"));
}

#[test]
fn u202_worker_age_and_education() {
    let mut b = B::new();
    // As of 2025-06-01: born 1970-06-01 is 55 (ok), born 1969-05-31 is 56.
    b.staff("老张", Sex::Male, StaffKind::FullTime, |s| {
        s.birth_date = Some(d("1970-06-01"))
    });
    b.staff("老李", Sex::Male, StaffKind::FullTime, |s| {
        s.birth_date = Some(d("1969-05-31"))
    });
    b.staff("小王", Sex::Male, StaffKind::FullTime, |s| {
        s.education = Some("初中".into())
    });
    b.staff("小赵", Sex::Male, StaffKind::FullTime, |s| {
        s.education = Some("中专".into())
    });
    b.staff("兼职", Sex::Male, StaffKind::PartTime, |s| {
        s.education = Some("小学".into())
    });
    let r = b.done();
    let fs = run(&r, &std(), "2025-06-01");
    let u = of(&fs, "U202");
    assert_eq!(u.len(), 2, "{u:#?}");
    assert!(u[0].message.contains("老李") && u[0].message.contains("56"));
    assert_eq!(cells(&r, u[0]), vec!["工作人员!C3"]);
    assert!(u[1].message.contains("小王"));
    assert_eq!(cells(&r, u[1]), vec!["工作人员!D4"]);
}

#[test]
fn u203_funding_floor() {
    let mut b = B::new();
    b.unit("甲村", 10, Some(15000.0), None); // 1500 × 10 = 15000: ok
    b.unit("乙村", 10, Some(14999.0), None);
    b.unit("丙村", 2, None, Some(9999.0)); // budget fallback; floor 10000
    b.unit("丁村", 2, None, None); // nothing to check
    let r = b.done();
    let fs = run(&r, &std(), "2025-06-01");
    let u = of(&fs, "U203");
    let units: Vec<_> = u.iter().map(|f| f.unit.clone().unwrap()).collect();
    assert_eq!(units, vec!["乙村", "丙村"]);
    assert_eq!(cells(&r, u[0]), vec!["单位!E3"]);
    assert_eq!(cells(&r, u[1]), vec!["单位!D4"]);
    assert!(u[1].message.contains("10000"));
}

#[test]
fn u204_agreement_rate() {
    let mut b = B::new();
    b.unit("东风社区", 10, None, None);
    b.unit("红旗村", 10, None, None);
    for i in 0..7 {
        b.person(&format!("U{i}"), "2025-01-01", |_| {});
    }
    for i in 0..7 {
        b.person(&format!("V{i}"), "2025-01-01", |p| {
            p.unit = "红旗村".into();
            if i == 0 {
                p.agreement_date = None;
            }
        });
    }
    let r = b.done();
    let fs = run(&r, &std(), "2025-01-05");
    let f = one(&fs, "U204");
    assert_eq!(f.unit.as_deref(), Some("红旗村"));
    assert!(f.message.contains("6人"));
}

// ---------------------------------------------------------------- profiles and registry

#[test]
fn national_switches_local_rules_off() {
    let national = Profile::load("national").unwrap();
    let mut b = B::new();
    let p = b.person("W1", "2025-01-01", |p| p.fixed_job = Some(false));
    b.leave(p, "2025-03-01", Some("2025-03-05"), true);
    b.test(p, "2025-03-10", TestResult::Positive);
    // Reported on day 10 after service: late under standard (7), on time under national (15).
    b.person("W2", "2025-01-11", |p| {
        p.decision_date = Some(d("2024-12-30"));
        p.served_date = Some(d("2025-01-01"));
    });
    let r = b.done();
    let fs = run(&r, &national, "2025-06-01");
    assert!(fs.is_empty(), "{fs:#?}");
    let fs = run(&r, &std(), "2025-06-01");
    for code in ["P101", "P105", "P106", "P112", "P114", "P117"] {
        assert!(!of(&fs, code).is_empty(), "{code} missing under standard");
    }
}

#[test]
fn profile_overrides_switch_off_and_change_severity() {
    let mut prof = std();
    prof.rules.insert(
        "P101".into(),
        RuleOverride {
            enabled: None,
            severity: Some(Severity::Breach),
        },
    );
    prof.rules.insert(
        "P114".into(),
        RuleOverride {
            enabled: Some(false),
            severity: None,
        },
    );
    let mut b = B::new();
    let p = b.person("X1", "2025-01-12", |p| {
        p.served_date = Some(d("2025-01-01"))
    });
    b.leave(p, "2025-03-01", Some("2025-03-09"), true);
    let r = b.done();
    let fs = run(&r, &prof, "2025-03-20");
    assert_eq!(one(&fs, "P101").severity, Severity::Breach);
    assert!(of(&fs, "P114").is_empty());
    assert_eq!(of(&run(&r, &std(), "2025-03-20"), "P114").len(), 1);
}

#[test]
fn registry_lists_every_code() {
    let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
    for c in ["D001", "D010", "P101", "P118", "U201", "U204"] {
        assert!(codes.contains(&c), "{c}");
    }
    let sev = |c: &str| RULES.iter().find(|r| r.code == c).unwrap().severity;
    for c in ["P102", "P110", "P111", "P112", "P113"] {
        assert_eq!(sev(c), Severity::Breach);
    }
    assert_eq!(sev("P117"), Severity::Info);
    assert_eq!(sev("P118"), Severity::Info);
}

#[test]
fn profile_extends_and_rejects_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("county.yaml");
    std::fs::write(
        &good,
        "extends: standard\nname: county\nleave:\n  max_days: 5\nrules:\n  P117: { enabled: false }\n",
    )
    .unwrap();
    let p = Profile::load(good.to_str().unwrap()).unwrap();
    assert_eq!(p.name, "county");
    assert_eq!(p.leave.max_days, 5);
    // Untouched keys of the section are inherited.
    assert!(p.leave.basis.contains("3日"));
    assert_eq!(p.report_in.days, 7);
    assert!(!p.enabled("P117") && p.enabled("P101"));
    // The resolved YAML shows the inherited values and parses back to the same profile.
    let yaml = p.to_yaml().unwrap();
    assert!(
        yaml.contains("max_days: 5") && yaml.contains("days_other_province: 15"),
        "{yaml}"
    );
    assert!(!yaml.contains("extends"));

    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "extends: standard\nname: bad\nleave:\n  max_days: 5\n  maximum_dayz: 4\n",
    )
    .unwrap();
    let e = Profile::load(bad.to_str().unwrap()).unwrap_err();
    assert!(e.contains("maximum_dayz") && e.contains("第 5 行"), "{e}");

    let bad2 = dir.path().join("bad2.yaml");
    std::fs::write(&bad2, "name: x\nreport_in:\n  days: 7\n  colour: red\n").unwrap();
    let e = Profile::load(bad2.to_str().unwrap()).unwrap_err();
    assert!(e.contains("colour") && e.contains("4"), "{e}");

    let e = Profile::load("no-such-profile").unwrap_err();
    assert!(e.contains("standard"), "{e}");
}

// ---------------------------------------------------------------- obligations

#[test]
fn obligations_match_the_rules() {
    // Reported 2025-01-01, as of 2025-12-31 (last day of term year 1): the year is complete.
    let mut b = B::new();
    let p = b.person("Y1", "2025-01-01", |_| {});
    b.compliant(p, "2025-01-01", "2025-12-31");
    let r = b.done();
    let o = obligations(
        &r,
        p,
        &std(),
        d("2025-12-31"),
        d("2025-01-01"),
        d("2025-12-31"),
    );
    assert_eq!(
        o,
        Obligations {
            tests_due: 6,
            tests_done: 12,
            talks_due: 12,
            talks_done: 12,
            self_reports_due: 24,
            self_reports_done: 24,
            evaluations_due: 4,
            evaluations_done: 4,
        }
    );
    // The second half of the year only: months Jul–Dec, Q3–Q4, tests pro rata
    // floor(6 × 184 / 365) = 3.
    let o = obligations(
        &r,
        p,
        &std(),
        d("2025-12-31"),
        d("2025-07-01"),
        d("2025-12-31"),
    );
    assert_eq!((o.tests_due, o.talks_due, o.evaluations_due), (3, 6, 2));
    assert_eq!(o.tests_done, 6);
    // An evaluation of Q4 filed in January counts for Q4 (as P109 counts it).
    let mut b = B::new();
    let q = b.person("Y2", "2025-01-01", |_| {});
    b.eval(
        q,
        "2026-01-05",
        EvalPeriod::Quarter {
            year: 2025,
            quarter: 4,
        },
    );
    let r2 = b.done();
    let o = obligations(
        &r2,
        q,
        &std(),
        d("2026-01-31"),
        d("2025-01-01"),
        d("2025-12-31"),
    );
    assert_eq!((o.evaluations_due, o.evaluations_done), (4, 1));
    let fs = run(&r2, &std(), "2026-01-31");
    assert!(!one(&fs, "P109").message.contains("2025年10月1日"));
    // Nobody owes anything before reporting in.
    let o = obligations(
        &r,
        p,
        &std(),
        d("2024-12-31"),
        d("2024-01-01"),
        d("2024-12-31"),
    );
    assert_eq!(o, Obligations::default());
}

// ---------------------------------------------------------------- annotated workbook

#[test]
fn annotated_workbook_marks_cells_and_lists_findings() {
    use calamine::{Data, Reader};
    use rehabdocs::check::CheckReport;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    use std::io::Read;

    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("台帐.xlsx");
    // A small register: 人员 with a title row, header in row 2, two persons.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(0, 0, "城关镇社区戒毒人员台帐").unwrap();
    for (c, h) in ["编号", "姓名", "送达日期", "报到日期"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, (id, name, served, report)) in [
        ("A1", "张三", (2025, 1, 1), (2025, 1, 8)),
        ("A2", "李四", (2025, 1, 1), (2025, 1, 9)),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 2;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        for (c, (y, m, dd)) in [(2u16, served), (3u16, report)] {
            let dt = ExcelDateTime::from_ymd(*y, *m, *dd).unwrap();
            ws.write_datetime_with_format(r, c, &dt, &datef).unwrap();
        }
    }
    let ws2 = wb.add_worksheet().set_name("检测").unwrap();
    ws2.write_string(0, 0, "编号").unwrap();
    ws2.write_number(1, 3, 42.5).unwrap();
    wb.save(&src).unwrap();

    let mut b = B::new();
    b.r.source = src.to_string_lossy().into_owned();
    let mut l = SheetLayout {
        name: "人员".into(),
        header_row: 1,
        ..Default::default()
    };
    for (i, c) in ["编号", "姓名", "送达日期", "报到日期"].iter().enumerate() {
        l.columns.insert(c, i as u32);
    }
    b.r.layouts.insert(Sheet::Persons, l);
    b.person("A1", "2025-01-08", |p| {
        p.row = 2;
        p.served_date = Some(d("2025-01-01"));
    });
    b.person("A2", "2025-01-09", |p| {
        p.row = 3;
        p.served_date = Some(d("2025-01-01"));
    });
    let r = b.done();
    let mut findings = run(&r, &std(), "2025-01-20");
    // A second finding on the same cell, and one on an empty cell of another sheet.
    findings.push(
        Finding::new("D007", Severity::Error, "测试：同一单元格的第二条问题")
            .person("A2")
            .cell(r.cell(Sheet::Persons, 3, "报到日期")),
    );
    findings.push(
        Finding::new("P112", Severity::Breach, "测试：空单元格").cell(CellRef {
            sheet: Sheet::Tests,
            part: 0,
            row: 5,
            col: 3,
        }),
    );
    let p101 = one(&findings, "P101");
    assert_eq!(cells(&r, p101), vec!["人员!D4", "人员!C4"]);
    let n = findings.len();
    let report = CheckReport {
        register: r,
        findings,
        as_of: d("2025-01-20"),
        profile: "standard".into(),
    };

    let out = dir.path().join("标注.xlsx");
    rehabdocs::annotate::write_annotated(&report, &out, Ids::Shown).unwrap();
    let first = std::fs::read(&out).unwrap();
    rehabdocs::annotate::write_annotated(&report, &out, Ids::Shown).unwrap();
    assert_eq!(
        first,
        std::fs::read(&out).unwrap(),
        "output must be deterministic"
    );

    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), vec!["人员", "检测", "问题清单", "汇总"]);
    let people = book.worksheet_range("人员").unwrap();
    assert_eq!(
        people.get_value((0, 0)),
        Some(&Data::String("城关镇社区戒毒人员台帐".into()))
    );
    assert_eq!(people.get_value((3, 1)), Some(&Data::String("李四".into())));
    match people.get_value((3, 3)) {
        Some(Data::DateTime(dt)) => {
            assert_eq!(dt.to_ymd_hms_milli(), (2025, 1, 9, 0, 0, 0, 0));
        }
        other => panic!("报到日期 not a date: {other:?}"),
    }
    let tests = book.worksheet_range("检测").unwrap();
    assert_eq!(tests.get_value((1, 3)), Some(&Data::Float(42.5)));

    let list = book.worksheet_range("问题清单").unwrap();
    assert_eq!(list.height(), n + 1);
    let rows: Vec<Vec<String>> = list
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0][..5],
        ["代码", "严重程度", "编号", "村(社区)", "单元格"]
    );
    let p101_row = rows.iter().find(|r| r[0] == "P101").unwrap();
    assert_eq!(p101_row[1], "警告");
    assert_eq!(p101_row[2], "A2");
    assert_eq!(p101_row[4], "人员!D4、人员!C4");
    let summary = book.worksheet_range("汇总").unwrap();
    assert!(summary
        .rows()
        .any(|r| r[0] == Data::String("P101".into()) && r[3] == Data::Float(1.0)));

    // Notes and hyperlinks: look inside the package.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut all_comments = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().unwrap().contains("comments") {
            f.read_to_string(&mut all_comments).unwrap();
        }
    }
    assert!(
        all_comments.contains("P101 警告：送达日期2025年1月1日"),
        "{all_comments}"
    );
    // Two findings on 人员!D4 share one note.
    assert!(all_comments.contains("D007 错误：测试：同一单元格的第二条问题"));
    assert!(all_comments.contains("P112 严重违规：测试：空单元格"));
    assert_eq!(
        all_comments.matches("<comment ref=\"D4\"").count(),
        1,
        "{all_comments}"
    );
    let mut sheet3 = String::new();
    zip.by_name("xl/worksheets/sheet3.xml")
        .unwrap()
        .read_to_string(&mut sheet3)
        .unwrap();
    assert!(sheet3.contains("location=\"'人员'!D4\""), "{sheet3}");
    assert!(sheet3.contains("<autoFilter"));
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(
        styles.contains("FFFFEB9C") && styles.contains("FFFF9999"),
        "{styles}"
    );
}

/// 20,000 persons and about 1,000,000 events: the rules must stay fast (run with
/// `cargo test --release --test rules -- --ignored`).
#[test]
#[ignore]
fn rules_are_linear_on_a_large_register() {
    let mut b = B::new();
    for i in 0..20_000 {
        let p = b.person(&format!("Z{i}"), "2024-01-01", |_| {});
        b.compliant(p, "2024-01-01", "2025-12-31");
    }
    let r = b.done();
    let events = r.tests.len() + r.contacts.len() + r.evaluations.len();
    assert!(events > 900_000, "{events}");
    let t = std::time::Instant::now();
    let fs = run(&r, &std(), "2025-12-31");
    let took = t.elapsed();
    eprintln!("{events} events, {} findings in {took:?}", fs.len());
    assert!(fs.is_empty());
}

#[test]
fn annotated_workbook_from_a_folder_of_gbk_csv_files() {
    use calamine::{Data, Reader};
    use rehabdocs::check::CheckReport;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("台帐");
    std::fs::create_dir(&src).unwrap();
    let text = "编号,姓名,送达日期,报到日期\r\nA1,张三,2025-01-01,2025-01-09\r\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(src.join("人员.csv"), &gbk).unwrap();
    std::fs::write(src.join("检测.csv"), "\u{feff}编号,检测日期,结果\n").unwrap();

    let mut b = B::new();
    b.r.source = src.to_string_lossy().into_owned();
    let mut l = SheetLayout {
        name: "人员".into(),
        header_row: 0,
        ..Default::default()
    };
    for (i, c) in ["编号", "姓名", "送达日期", "报到日期"].iter().enumerate() {
        l.columns.insert(c, i as u32);
    }
    b.r.layouts.insert(Sheet::Persons, l);
    b.person("A1", "2025-01-09", |p| {
        p.served_date = Some(d("2025-01-01"))
    });
    let r = b.done();
    let findings = of(&run(&r, &std(), "2025-01-20"), "P101")
        .into_iter()
        .cloned()
        .collect();
    let report = CheckReport {
        register: r,
        findings,
        as_of: d("2025-01-20"),
        profile: "standard".into(),
    };
    let out = dir.path().join("out.xlsx");
    rehabdocs::annotate::write_annotated(&report, &out, Ids::Shown).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), vec!["人员", "检测", "问题清单", "汇总"]);
    let people = book.worksheet_range("人员").unwrap();
    assert_eq!(people.get_value((1, 1)), Some(&Data::String("张三".into())));
    // Date columns of CSV come back as dates; other text stays text.
    match people.get_value((1, 3)) {
        Some(Data::DateTime(dt)) => assert_eq!(dt.to_ymd_hms_milli(), (2025, 1, 9, 0, 0, 0, 0)),
        other => panic!("报到日期 not a date: {other:?}"),
    }
    let list = book.worksheet_range("问题清单").unwrap();
    assert_eq!(
        list.get_value((1, 4)),
        Some(&Data::String("人员!D2、人员!C2".into()))
    );
    // A missing source is a clear error, not a panic.
    let mut gone = report.clone();
    gone.register.source = dir.path().join("nope.xlsx").to_string_lossy().into_owned();
    let e = rehabdocs::annotate::write_annotated(&gone, &out, Ids::Shown).unwrap_err();
    assert!(e.contains("nope.xlsx"), "{e}");
}

#[test]
fn county_schedule_every_two_months_in_year_two_and_surprise_tests() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("county.yaml");
    std::fs::write(
        &file,
        "extends: standard\nschedule:\n  - { kind: tests, measure: 社区戒毒, period: 2, term_years: [2], min: 1, basis: 第二年每两个月检测一次 }\nsurprise_tests: { per_year: 2, basis: 每年突击检测2次 }\n",
    )
    .unwrap();
    let county = Profile::load(file.to_str().unwrap()).unwrap();
    // Reported 2024-01-01; year 2 = 2025. As of 2025-07-01: Jan–Feb, Mar–Apr, May–Jun counted.
    let mut b = B::new();
    let ok = b.person("T1", "2024-01-01", |_| {});
    let short = b.person("T2", "2024-01-01", |_| {});
    let rehab = b.person("T3", "2024-01-01", |p| p.measure = Some(Measure::Rehab));
    // Unannounced tests: 2 in year 1 (2024), and pro rata floor(2 × 181 / 365) = 0 in year 2.
    for p in [ok, short, rehab] {
        b.random_test(p, "2024-03-01");
        b.random_test(p, "2024-09-01");
    }
    for date in ["2025-01-10", "2025-04-30", "2025-05-02"] {
        b.test(ok, date, TestResult::Negative);
    }
    b.test(short, "2025-01-10", TestResult::Negative);
    b.test(short, "2025-06-02", TestResult::Negative);
    let r = b.done();
    let fs = run(&r, &county, "2025-07-01");
    let f = one(&fs, "P105");
    assert_eq!(f.person.as_deref(), Some("T2"));
    assert!(
        f.message
            .contains("2025年3月1日至2025年4月30日完成0次，应1次"),
        "{}",
        f.message
    );
    assert_eq!(f.basis, "第二年每两个月检测一次");
    // One unannounced test short in year 1 is flagged with the surprise basis; an announced
    // test does not make up for it.
    let mut b = B::new();
    let p = b.person("T4", "2024-01-01", |p| p.measure = Some(Measure::Rehab));
    b.random_test(p, "2024-03-01");
    b.test(p, "2024-04-01", TestResult::Negative);
    let r = b.done();
    let fs = run(&r, &county, "2025-01-01");
    let f = one(&fs, "P105");
    assert!(
        f.message.contains(
            "突击（不预先通知）检测第1期限年度完成1次，应2次（2024年1月1日至2024年12月31日）"
        ),
        "{}",
        f.message
    );
    assert_eq!(f.basis, "每年突击检测2次");
}

#[test]
fn cli_rules_and_profile_commands() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_rehabdocs");
    let out = Command::new(bin).arg("rules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The catalogue, a blank line and a heading, then the documents each code makes due.
    assert_eq!(text.lines().count(), 2 * RULES.len() + 2);
    assert!(
        text.lines().any(|l| l.starts_with("P110\t严重违规\t")
            && l.contains("逃避或拒绝检测次数（serious_breach.tests）")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("P105\t")
            && l.contains("工作提醒单（致派出所")
            && l.contains("《戒毒条例》第十九条第（二）项")),
        "{text}"
    );

    let out = Command::new(bin)
        .args(["profile", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<_> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(names, vec!["standard", "ouhai", "national"]);

    let out = Command::new(bin)
        .args(["profile", "show", "ouhai"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.starts_with("name: ouhai\n"), "{yaml}");
    assert!(yaml.contains("min: 28") && yaml.contains("min: 12"));
    // Inherited from standard, fully resolved.
    assert!(yaml.contains("days_other_province: 15") && !yaml.contains("extends"));

    let out = Command::new(bin)
        .args(["profile", "show", "no-such"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("找不到配置 no-such"));
}

// ---------------------------------------------------------------- end to end on samples

/// The generator's answer key against `check`: with no breaches injected, no person or unit
/// finding above info; with breaches, exactly the answer key's (code, 编号 or 村) above info.
#[test]
fn samples_answer_keys_are_found_exactly() {
    use rehabdocs::check::{check_file, Selection};
    use rehabdocs::sample::{answer_key, generate_to_file, SampleOptions};
    use std::collections::BTreeSet;
    let dir = tempfile::tempdir().unwrap();
    for (seed, breaches) in [(11, 0.0), (12, 0.4), (13, 1.0)] {
        let opts = SampleOptions {
            persons: 150,
            seed,
            breaches,
            as_of: d("2025-12-31"),
            data_errors: true,
        };
        let path = dir.path().join(format!("s{seed}.xlsx"));
        generate_to_file(&opts, &path, false).unwrap();
        let key = answer_key(&opts).unwrap();
        let only_rules = Selection {
            select: vec!["P".into(), "U".into()],
            ignore: Vec::new(),
        };
        let report = check_file(&path, &std(), opts.as_of, &only_rules).unwrap();
        let found: BTreeSet<(String, Option<String>)> = report
            .findings
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .map(|f| {
                let who = if f.code.starts_with('U') {
                    f.unit.clone()
                } else {
                    f.person.clone()
                };
                (f.code.to_string(), who)
            })
            .collect();
        let expected: BTreeSet<(String, Option<String>)> = key
            .expected
            .iter()
            .map(|e| {
                let who = if e.code.starts_with('U') {
                    e.unit.clone()
                } else {
                    e.person.clone()
                };
                (e.code.clone(), who)
            })
            .collect();
        assert_eq!(found, expected, "seed {seed}, breaches {breaches}");
        if breaches == 0.0 {
            assert!(expected.is_empty());
        }
    }
}

#[test]
fn cli_check_annotate_on_a_sample() {
    use calamine::Reader;
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_rehabdocs");
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.xlsx");
    let out = Command::new(bin)
        .args([
            "sample",
            "-o",
            sample.to_str().unwrap(),
            "--persons",
            "30",
            "--breaches",
            "0.5",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let annotated = dir.path().join("标注.xlsx");
    let args = [
        "check",
        sample.to_str().unwrap(),
        "--as-of",
        "2025-12-31",
        "--profile",
        "standard",
        "--annotate",
        annotated.to_str().unwrap(),
    ];
    let out = Command::new(bin).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&annotated).unwrap();
    let names = book.sheet_names();
    assert!(
        names.contains(&"人员".to_string()) && names.ends_with(&["问题清单".into(), "汇总".into()]),
        "{names:?}"
    );
    let list = book.worksheet_range("问题清单").unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // One row per finding of the text report.
    let codes: Vec<String> = list.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(!codes.is_empty());
    for c in &codes {
        assert!(text.contains(c.as_str()), "{c} not in the text report");
    }
    // Without --force an existing file is not overwritten.
    let out = Command::new(bin).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--force"));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(
        Command::new(bin)
            .args(&forced)
            .output()
            .unwrap()
            .status
            .code(),
        Some(1)
    );
}

// ---------------------------------------------------------------- unreadable is not missing

/// The codes of the findings about one person.
fn codes_of(fs: &[Finding], id: &str) -> Vec<&'static str> {
    fs.iter()
        .filter(|f| f.person.as_deref() == Some(id))
        .map(|f| f.code)
        .collect()
}

#[test]
fn unreadable_person_values_are_not_missing() {
    let out = read_text_book(
        &[
            // 报到日期 a typo: D002, and no report-in, agreement or term finding.
            ("A1", &[("报到日期", "2025-13-45")]),
            // Near miss: 报到日期 empty: not reported in, P102.
            ("A2", &[]),
            // 送达日期 unreadable: no fallback to 决定日期 for the deadline.
            ("A3", &[("送达日期", "2025-02-30")]),
            (
                "A4",
                &[("送达日期", "2025-02-30"), ("报到日期", "2025-02-01")],
            ),
            // Near miss of A4: 送达日期 empty, the deadline runs from 决定日期: P101.
            ("A5", &[("送达日期", ""), ("报到日期", "2025-02-01")]),
            // 状态 unreadable (D009) is not 执行中: no P102, no P104.
            ("A6", &[("状态", "执行")]),
            (
                "A7",
                &[
                    ("状态", "执行"),
                    ("决定日期", "2020-12-28"),
                    ("送达日期", "2021-01-01"),
                    ("报到日期", "2021-01-02"),
                    ("协议签订日期", "2021-01-02"),
                ],
            ),
            // Near miss of A7: 状态 empty reads 执行中: P104.
            (
                "A8",
                &[
                    ("决定日期", "2020-12-28"),
                    ("送达日期", "2021-01-01"),
                    ("报到日期", "2021-01-02"),
                    ("协议签订日期", "2021-01-02"),
                ],
            ),
            // 协议签订日期 unreadable: not "unsigned".
            (
                "A9",
                &[("报到日期", "2025-01-02"), ("协议签订日期", "2025-1-32")],
            ),
            // 期限(月) unreadable: no term of 36 months assumed.
            (
                "A10",
                &[
                    ("决定日期", "2020-12-28"),
                    ("送达日期", "2021-01-01"),
                    ("报到日期", "2021-01-02"),
                    ("协议签订日期", "2021-01-02"),
                    ("期限(月)", "三年"),
                ],
            ),
            // 外省市人员 unreadable: neither 7 nor 15 days assumed.
            ("A11", &[("外省市人员", "外省"), ("报到日期", "2025-01-12")]),
        ],
        &[],
    );
    let reg = &out.register;
    let read: Vec<&str> = out.findings.iter().map(|f| f.code).collect();
    assert_eq!(
        read.iter().filter(|c| **c == "D002").count(),
        4,
        "{:#?}",
        out.findings
    );
    let a1 = reg.person_index("A1").unwrap();
    assert!(reg.is_unreadable(Sheet::Persons, reg.persons[a1].row, "报到日期"));
    assert!(!reg.is_unreadable(Sheet::Persons, reg.persons[a1].row, "送达日期"));
    let a2 = reg.person_index("A2").unwrap();
    assert!(!reg.is_unreadable(Sheet::Persons, reg.persons[a2].row, "报到日期"));

    let fs = run(reg, &std(), "2025-06-30");
    for code in ["P101", "P102", "P103", "P104"] {
        assert!(!codes_of(&fs, "A1").contains(&code), "A1 {code}: {fs:#?}");
    }
    assert!(codes_of(&fs, "A2").contains(&"P102"), "{fs:#?}");
    assert!(!codes_of(&fs, "A3").contains(&"P102"), "{fs:#?}");
    assert!(!codes_of(&fs, "A4").contains(&"P101"), "{fs:#?}");
    assert!(codes_of(&fs, "A5").contains(&"P101"), "{fs:#?}");
    assert!(!codes_of(&fs, "A6").contains(&"P102"), "{fs:#?}");
    assert!(!codes_of(&fs, "A7").contains(&"P104"), "{fs:#?}");
    assert!(codes_of(&fs, "A8").contains(&"P104"), "{fs:#?}");
    assert!(!codes_of(&fs, "A9").contains(&"P103"), "{fs:#?}");
    assert!(!codes_of(&fs, "A10").contains(&"P104"), "{fs:#?}");
    // 2025-01-12 is day 11 after 送达: late for a local person, on time for 外省市.
    assert!(!codes_of(&fs, "A11").contains(&"P101"), "{fs:#?}");
    // The reading findings are still there to tell the clerk.
    let a7_d009 = out
        .findings
        .iter()
        .find(|f| f.code == "D009" && f.person.as_deref() == Some("A7"))
        .expect("D009 for A7");
    assert!(
        a7_d009.message.contains("状态「执行」"),
        "{}",
        a7_d009.message
    );
}

#[test]
fn unreadable_measure_and_rejected_tests_give_no_schedule_finding() {
    let served = [("决定日期", "2023-12-28"), ("送达日期", "2024-01-01")];
    let with = |extra: (&'static str, &'static str)| -> Vec<(&'static str, &'static str)> {
        let mut v = served.to_vec();
        v.push(("报到日期", "2024-01-02"));
        v.push(("协议签订日期", "2024-01-02"));
        v.push(extra);
        v
    };
    let b1 = with(("措施类型", "社区戒独"));
    let b2 = with(("姓名", "李四"));
    let b3 = with(("姓名", "王五"));
    let mut tests: Vec<[&str; 5]> = Vec::new();
    // B2 and B3: five tests in term year 1 (six due) and one in year 2; B3 has a sixth row in
    // year 1 whose 检测日期 cannot be read (rejected), B2 has none.
    for id in ["B2", "B3"] {
        for date in [
            "2024-02-10",
            "2024-04-10",
            "2024-06-10",
            "2024-08-10",
            "2024-10-10",
            "2025-03-01",
        ] {
            tests.push([id, date, "尿检", "阴性", ""]);
        }
    }
    tests.push(["B3", "2024-13-10", "尿检", "阴性", ""]);
    let out = read_text_book(
        &[
            ("B1", b1.as_slice()),
            ("B2", b2.as_slice()),
            ("B3", b3.as_slice()),
        ],
        &tests,
    );
    let reg = &out.register;
    let b3i = reg.person_index("B3").unwrap();
    assert_eq!(reg.rejected_rows_of(b3i), &[(Sheet::Tests, 13)]);
    assert!(reg.has_rejected_rows(b3i, Sheet::Tests));
    assert!(!reg.has_rejected_rows(b3i, Sheet::Contacts));
    assert!(reg
        .rejected_rows_of(reg.person_index("B2").unwrap())
        .is_empty());
    assert_eq!(reg.tests_of(b3i).len(), 6);

    let fs = run(reg, &std(), "2025-06-30");
    // 社区戒独 is no measure: no schedule finding at all.
    for code in ["P105", "P106", "P107", "P109"] {
        assert!(!codes_of(&fs, "B1").contains(&code), "B1 {code}: {fs:#?}");
    }
    // The rejected test row may be the sixth test: no P105 for B3; B2 is one short.
    assert!(!codes_of(&fs, "B3").contains(&"P105"), "{fs:#?}");
    let f = of(&fs, "P105");
    assert_eq!(f.len(), 1, "{fs:#?}");
    assert_eq!(f[0].person.as_deref(), Some("B2"));
    assert!(f[0].message.contains("完成5次，应6次"), "{}", f[0].message);
    // Rules that do not rest on 检测 still run for B3 (no talks: P106).
    assert!(codes_of(&fs, "B3").contains(&"P106"), "{fs:#?}");
}

// ---------------------------------------------------------------- unannounced tests

/// `standard` with `surprise_tests.per_year` set.
fn with_surprise(per_year: u32) -> Profile {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("county.yaml");
    std::fs::write(
        &file,
        format!("extends: standard\nsurprise_tests: {{ per_year: {per_year}, basis: 每年至少{per_year}次突击检测 }}\n"),
    )
    .unwrap();
    Profile::load(file.to_str().unwrap()).unwrap()
}

#[test]
fn surprise_tests_are_a_requirement_of_their_own() {
    // Reported 2024-01-01; as of 2025-01-01 term year 1 is completed (six tests due) and
    // nothing is yet due pro rata in year 2.
    let months = ["02", "04", "06", "08", "10", "12"];
    let mut b = B::new();
    let two = b.person("R1", "2024-01-01", |_| {});
    let three = b.person("R2", "2024-01-01", |_| {});
    let none = b.person("R3", "2024-01-01", |_| {});
    let five = b.person("R4", "2024-01-01", |_| {});
    for (p, random, total) in [(two, 2, 6), (three, 3, 6), (none, 0, 6), (five, 2, 5)] {
        for (k, m) in months.iter().take(total).enumerate() {
            let date = format!("2024-{m}-10");
            if k < random {
                b.random_test(p, &date);
            } else {
                b.test(p, &date, TestResult::Negative);
            }
        }
    }
    // A refused unannounced test is not carried out: R2's three still count, this does not.
    b.test(three, "2024-12-20", TestResult::Refused);
    if let Some(t) = b.r.tests.last_mut() {
        t.unannounced = true;
    }
    let r = b.done();

    // per_year 0: exactly the scheduled tests, none random: no P105 (only R4 is short).
    let fs = run(&r, &std(), "2025-01-01");
    let f = one(&fs, "P105");
    assert_eq!(f.person.as_deref(), Some("R4"));
    assert!(!f.message.contains("突击"), "{}", f.message);

    // per_year 3: the schedule is not raised (R2 with six tests, three random, is fine); two
    // random tests are one short, none are three short, and only that shortfall is reported.
    let fs = run(&r, &with_surprise(3), "2025-01-01");
    let p105 = of(&fs, "P105");
    let who: Vec<&str> = p105.iter().filter_map(|f| f.person.as_deref()).collect();
    assert_eq!(who, ["R1", "R3", "R4"], "{p105:#?}");
    assert!(
        p105[0]
            .message
            .contains("突击（不预先通知）检测第1期限年度完成2次，应3次"),
        "{}",
        p105[0].message
    );
    assert!(!p105[0].message.contains("检测不足"), "{}", p105[0].message);
    assert_eq!(p105[0].basis, "每年至少3次突击检测");
    assert_eq!(
        p105[1].message,
        "突击（不预先通知）检测第1期限年度完成0次，应3次（2024年1月1日至2024年12月31日）"
    );
    // R4 is short on both counts: one finding, both reasons, both bases.
    assert!(
        p105[2].message.contains("检测不足：第1期限年度（")
            && p105[2].message.contains("完成5次，应6次")
            && p105[2]
                .message
                .contains("突击（不预先通知）检测第1期限年度完成2次，应3次"),
        "{}",
        p105[2].message
    );
    assert!(
        p105[2].basis.contains("第一年6次") && p105[2].basis.contains("每年至少3次突击检测"),
        "{}",
        p105[2].basis
    );

    // Pro rata in the current term year: as of 2025-07-01 (182 days into year 2),
    // floor(3 × 182 / 365) = 1 unannounced test is due; R5 has none in 2025.
    let mut b = B::new();
    let p = b.person("R5", "2024-01-01", |_| {});
    for m in ["02", "04", "06"] {
        b.random_test(p, &format!("2024-{m}-10"));
    }
    for m in ["03", "05", "07", "09", "11"] {
        b.test(p, &format!("2024-{m}-10"), TestResult::Negative);
    }
    for m in ["01", "03", "05"] {
        b.test(p, &format!("2025-{m}-10"), TestResult::Negative);
    }
    let r = b.done();
    let fs = run(&r, &with_surprise(3), "2025-07-01");
    let f = one(&fs, "P105");
    assert!(
        f.message
            .contains("突击（不预先通知）检测第2期限年度至今完成0次，按比例应1次"),
        "{}",
        f.message
    );
    let mut b = B::new();
    let p = b.person("R5", "2024-01-01", |_| {});
    for m in ["02", "04", "06"] {
        b.random_test(p, &format!("2024-{m}-10"));
    }
    for m in ["03", "05", "07", "09", "11"] {
        b.test(p, &format!("2024-{m}-10"), TestResult::Negative);
    }
    b.random_test(p, "2025-01-10");
    b.test(p, "2025-03-10", TestResult::Negative);
    let r = b.done();
    assert!(of(&run(&r, &with_surprise(3), "2025-07-01"), "P105").is_empty());
}

#[test]
fn unannounced_tests_are_read_from_the_method_or_the_column() {
    let out = read_text_book(
        &[("C1", &[("报到日期", "2025-01-02")])],
        &[
            ["C1", "2025-02-01", "随机尿检", "阴性", ""],
            ["C1", "2025-02-02", "飞行检测", "阴性", ""],
            ["C1", "2025-02-03", "尿检（不预先通知）", "阴性", ""],
            ["C1", "2025-02-04", "不定时抽检", "阳性", ""],
            ["C1", "2025-02-05", "突击毛发检测", "阴性", "否"],
            ["C1", "2025-02-06", "尿检", "阴性", "是"],
            ["C1", "2025-02-07", "", "阴性", " 是 "],
            ["C1", "2025-02-08", "尿检", "阴性", "否"],
            ["C1", "2025-02-09", "尿检", "阴性", ""],
            ["C1", "2025-02-10", "定期尿检", "阴性", ""],
            // Neither 是 nor 否: D009, the row is not used (it would read as announced).
            ["C1", "2025-02-11", "尿检", "阴性", "可能"],
        ],
    );
    let reg = &out.register;
    let c1 = reg.person_index("C1").unwrap();
    let flags: Vec<(u32, bool)> = reg
        .tests_of(c1)
        .iter()
        .map(|t| (t.row, t.unannounced))
        .collect();
    assert_eq!(
        flags,
        [
            (1, true),
            (2, true),
            (3, true),
            (4, true),
            (5, true),
            (6, true),
            (7, true),
            (8, false),
            (9, false),
            (10, false),
        ]
    );
    let d009: Vec<&Finding> = out.findings.iter().filter(|f| f.code == "D009").collect();
    assert_eq!(d009.len(), 1, "{:#?}", out.findings);
    assert_eq!(reg.cell_name(&d009[0].cells[0]), "检测!E12");
    assert!(
        d009[0].message.contains("是否突击「可能」") && d009[0].message.contains("本行未使用"),
        "{}",
        d009[0].message
    );
    assert_eq!(reg.rejected_rows_of(c1), &[(Sheet::Tests, 11)]);
    assert_eq!(reg.layouts[&Sheet::Tests].columns.get("是否突击"), Some(&4));
}
