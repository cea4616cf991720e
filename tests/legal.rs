//! Documents that follow the law: for every rule, which documents fall due, to whom and on
//! which ground; the data gate; warnings counted as the law counts them; the statutory floor
//! of the report-in deadline; forms that refuse to state what the register does not support.
//! Registers are built in memory; plans are made as `generate --due` makes them.

mod common;
use common::*;

use chrono::Datelike;
use rehabdocs::check::{check_loaded, Selection};
use rehabdocs::finding::{Finding, Severity};
use rehabdocs::model::*;
use rehabdocs::paperwork::build::BuildContext;
use rehabdocs::paperwork::due::{Held, Issued, ReportGround};
use rehabdocs::paperwork::plan::{plan, Event, PlanOptions};
use rehabdocs::paperwork::Office;
use rehabdocs::profile::Profile;

/// What a plan makes due: (编号, form, event key), and what it holds back.
struct Due {
    docs: Vec<(String, String, String)>,
    events: Vec<Event>,
    held: Vec<Held>,
    findings: Vec<Finding>,
}

impl Due {
    fn forms_of(&self, id: &str) -> Vec<&str> {
        self.docs
            .iter()
            .filter(|d| d.0 == id)
            .map(|d| d.1.as_str())
            .collect()
    }
    fn keys_of(&self, id: &str, form: &str) -> Vec<&str> {
        self.docs
            .iter()
            .filter(|d| d.0 == id && d.1 == form)
            .map(|d| d.2.as_str())
            .collect()
    }
}

fn plan_with(
    r: Register,
    extra: Vec<Finding>,
    profile: &Profile,
    as_of: &str,
    issued: &[Issued],
    forms: &[&str],
    persons: &[&str],
) -> Due {
    let as_of = d(as_of);
    let report = check_loaded(r, extra, profile, as_of, &Selection::default());
    let office = Office::default();
    let ctx = BuildContext {
        register: &report.register,
        findings: &report.findings,
        profile,
        office: &office,
        as_of,
        fonts: rehabdocs::paperwork::RoleFonts::embedded(),
        upper_dates: false,
        quarter: None,
        issued,
    };
    let opts = PlanOptions {
        forms: forms.iter().map(|s| s.to_string()).collect(),
        persons: persons.iter().map(|s| s.to_string()).collect(),
        due: forms.is_empty(),
        ..PlanOptions::default()
    };
    let p = plan(&ctx, &opts).expect("plan");
    let docs = p
        .requests
        .iter()
        .map(|q| {
            (
                q.person
                    .map(|i| report.register.persons[i].id.clone())
                    .unwrap_or_else(|| q.unit.clone()),
                q.form.id.clone(),
                q.event.key(&report.register),
            )
        })
        .collect();
    Due {
        docs,
        events: p.requests.into_iter().map(|q| q.event).collect(),
        held: p.held,
        findings: report.findings,
    }
}

fn due(r: Register, as_of: &str) -> Due {
    plan_with(r, vec![], &Profile::standard(), as_of, &[], &[], &[])
}

/// A person compliant from report-in to `to`.
fn compliant_person(b: &mut B, id: &str, report: &str, to: &str) -> usize {
    let i = b.person(id, report, |_| {});
    b.compliant(i, report, to);
    i
}

fn notice_to(due: &Due, id: &str) -> Vec<String> {
    due.docs
        .iter()
        .zip(&due.events)
        .filter(|(d, _)| d.0 == id && d.1 == "work_notice")
        .filter_map(|(_, e)| match e {
            Event::Notice(n) => Some(n.to.label().to_string()),
            _ => None,
        })
        .collect()
}

// ------------------------------------------------------------------ one test per rule code

#[test]
fn p101_late_report_in_makes_no_document() {
    let mut b = B::new();
    let i = b.person("A1", "2025-01-20", |p| {
        p.served_date = Some(d("2025-01-01"))
    });
    b.compliant(i, "2025-01-20", "2025-06-30");
    let due = due(b.done(), "2025-06-30");
    assert!(due.findings.iter().any(|f| f.code == "P101"));
    assert!(due.forms_of("A1").is_empty(), "{:?}", due.docs);
}

#[test]
fn p102_a_local_deadline_gives_a_reminder_and_no_statutory_consequence_before_day_15() {
    let mut b = B::new();
    b.person("C1", "2025-01-01", |p| {
        p.report_date = None;
        p.agreement_date = None;
        p.served_date = Some(d("2025-01-01"));
    });
    let r = b.done();
    // Day 11 under the 7-day local rule: a reminder only.
    let day11 = due(r.clone(), "2025-01-12");
    assert_eq!(day11.forms_of("C1"), vec!["report_reminder"]);
    let f = day11.findings.iter().find(|f| f.code == "P102").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(!f.message.contains("视为拒绝"), "{}", f.message);
    // Day 16, statutory deadline passed, no reminder issued yet: the reminder first, the
    // report held with the reason.
    let day16 = due(r.clone(), "2025-01-17");
    assert_eq!(day16.forms_of("C1"), vec!["report_reminder"]);
    let held = day16
        .held
        .iter()
        .find(|h| h.form == "serious_breach_report")
        .expect("report held");
    assert!(
        held.reasons[0].contains("先出具催告报到通知书"),
        "{:?}",
        held
    );
    // A reminder issued on 2025-01-17 gives until 2025-01-20: the report waits until then…
    let reminder = Issued {
        form: "report_reminder".into(),
        person: "C1".into(),
        event: String::new(),
        number: "城禁催〔2025〕1号".into(),
        date: Some(d("2025-01-17")),
    };
    let waiting = plan_with(
        r.clone(),
        vec![],
        &Profile::standard(),
        "2025-01-20",
        std::slice::from_ref(&reminder),
        &[],
        &[],
    );
    assert_eq!(waiting.forms_of("C1"), vec!["report_reminder"]);
    // …and follows after it, on the ground of refusing the programme, without a new reminder.
    let after = plan_with(
        r,
        vec![],
        &Profile::standard(),
        "2025-01-21",
        &[reminder],
        &[],
        &[],
    );
    assert_eq!(after.forms_of("C1"), vec!["serious_breach_report"]);
    match &after.events[0] {
        Event::Report(rp) => {
            assert_eq!(rp.ground, ReportGround::Refusal);
            assert_eq!(
                rp.reminder,
                Some((
                    "城禁催〔2025〕1号".to_string(),
                    d("2025-01-17"),
                    d("2025-01-20")
                ))
            );
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn p102_without_urging_first_reports_right_after_the_statutory_deadline() {
    let mut b = B::new();
    b.person("C2", "2025-01-01", |p| {
        p.report_date = None;
        p.agreement_date = None;
        p.served_date = Some(d("2025-01-01"));
    });
    let mut profile = Profile::standard();
    profile.report_in.urge_first = false;
    let r = b.done();
    let before = plan_with(r.clone(), vec![], &profile, "2025-01-16", &[], &[], &[]);
    assert_eq!(before.forms_of("C2"), vec!["report_reminder"]);
    let after = plan_with(r, vec![], &profile, "2025-01-17", &[], &[], &[]);
    assert_eq!(after.forms_of("C2"), vec!["serious_breach_report"]);
}

#[test]
fn p103_unsigned_agreement_goes_to_the_person_to_sign_and_a_notice_to_the_worker() {
    let mut b = B::new();
    let i = b.person("D3", "2025-01-10", |p| {
        p.agreement_date = None;
        p.social_worker = Some("王社工".into());
    });
    b.compliant(i, "2025-01-10", "2025-03-31");
    let due = due(b.done(), "2025-03-31");
    assert_eq!(due.forms_of("D3"), vec!["agreement", "work_notice"]);
    assert_eq!(notice_to(&due, "D3"), vec!["专职社工"]);
}

#[test]
fn p104_and_p116_term_end_gives_discharge_papers_and_the_total_evaluation() {
    let mut b = B::new();
    let i = b.person("E1", "2022-01-01", |_| {});
    b.compliant(i, "2022-01-01", "2024-12-31");
    let due = due(b.done(), "2025-01-05");
    assert_eq!(
        due.forms_of("E1"),
        vec!["total_evaluation", "discharge_proposal", "discharge_notice"]
    );
}

#[test]
fn p105_too_few_tests_is_a_work_notice_to_the_police_station_not_a_warning() {
    let mut b = B::new();
    let i = b.person("G1", "2024-01-01", |_| {});
    b.compliant(i, "2024-01-01", "2025-01-31");
    b.r.tests
        .retain(|t| t.date >= d("2024-08-01") || t.date < d("2024-01-01"));
    let due = due(b.done(), "2025-01-31");
    assert!(due.findings.iter().any(|f| f.code == "P105"));
    assert_eq!(due.forms_of("G1"), vec!["work_notice"]);
    assert_eq!(notice_to(&due, "G1"), vec!["派出所"]);
}

#[test]
fn one_work_notice_per_addressee_and_unit_lists_every_person() {
    let mut b = B::new();
    for id in ["G2", "G3"] {
        let i = b.person(id, "2024-01-01", |_| {});
        b.compliant(i, "2024-01-01", "2025-01-31");
    }
    b.r.tests
        .retain(|t| t.date >= d("2024-08-01") || t.date < d("2024-01-01"));
    let due = due(b.done(), "2025-01-31");
    let notices: Vec<_> = due
        .docs
        .iter()
        .zip(&due.events)
        .filter_map(|(doc, e)| match e {
            Event::Notice(n) => Some((doc.0.clone(), n)),
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 1, "{:?}", due.docs);
    let (about, notice) = &notices[0];
    assert_eq!(
        about, "东风社区",
        "a notice about two persons is the unit's"
    );
    assert_eq!(notice.to.label(), "派出所");
    let who: Vec<&str> = notice.items.iter().map(|i| i.about.as_str()).collect();
    assert_eq!(who, ["G2 人员G2", "G3 人员G3"]);
}

#[test]
fn p106_no_talk_is_a_work_notice_to_the_group() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "H1", "2025-01-01", "2025-06-30");
    b.r.contacts
        .retain(|c| !(c.person == i && c.kind == ContactKind::FaceToFace && c.date.month0() == 3));
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("H1"), vec!["work_notice"]);
    assert_eq!(notice_to(&due, "H1"), vec!["帮教小组"]);
}

#[test]
fn p107_too_few_self_reports_is_the_persons_breach_one_warning_with_every_month() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "I1", "2025-01-01", "2025-06-30");
    // April and May with one self-report each.
    b.r.contacts.retain(|c| {
        !(c.person == i
            && c.kind == ContactKind::SelfReport
            && (c.date == d("2025-04-20") || c.date == d("2025-05-20")))
    });
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("I1"), vec!["warning_letter"]);
    assert_eq!(due.keys_of("I1", "warning_letter"), vec!["告诫@2025-06-30"]);
    match &due.events[0] {
        Event::Warn(w) => {
            assert_eq!(w.nth, 1);
            assert_eq!(w.facts.len(), 2, "{:?}", w.facts);
            assert!(w.facts[0].text.contains("2025年4月"), "{:?}", w.facts);
            assert!(w.facts[1].text.contains("2025年5月"), "{:?}", w.facts);
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn p109_a_quarter_without_evaluation_gives_its_form_and_a_notice_to_the_group() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "J1", "2025-01-01", "2025-06-30");
    b.r.evaluations.retain(|e| {
        !(e.person == i
            && e.period
                == EvalPeriod::Quarter {
                    year: 2025,
                    quarter: 1,
                })
    });
    let due = due(b.done(), "2025-06-30");
    assert_eq!(
        due.forms_of("J1"),
        vec!["quarterly_evaluation", "work_notice"]
    );
    assert_eq!(due.keys_of("J1", "quarterly_evaluation"), vec!["2025Q1"]);
    assert_eq!(notice_to(&due, "J1"), vec!["帮教小组"]);
}

#[test]
fn p110_three_refusals_are_reported_and_the_report_replaces_the_warning() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "L1", "2025-01-01", "2025-06-30");
    for day in ["2025-02-11", "2025-03-11", "2025-04-11"] {
        b.test(i, day, TestResult::Refused);
    }
    b.warning(i, "2025-03-12", WarningKind::Written);
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("L1"), vec!["serious_breach_report"]);
    match &due.events[0] {
        Event::Report(r) => {
            assert_eq!(r.ground, ReportGround::SeriousBreach);
            assert_eq!(r.facts.len(), 3);
            assert_eq!(r.warnings.len(), 1, "earlier warnings listed");
            assert_eq!(r.warnings[0].date, d("2025-03-12"));
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(
        due.keys_of("L1", "serious_breach_report"),
        vec!["报告-严重违反协议@2025-04-11"]
    );
}

#[test]
fn p110_below_threshold_a_refusal_is_warned_once() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "L2", "2025-01-01", "2025-06-30");
    b.test(i, "2025-02-11", TestResult::Refused);
    b.test(i, "2025-05-11", TestResult::Evaded);
    b.warning(i, "2025-02-12", WarningKind::Written);
    let due = due(b.done(), "2025-06-30");
    // The February refusal was warned about; the May evasion was not: one letter, the second.
    assert_eq!(due.forms_of("L2"), vec!["warning_letter"]);
    match &due.events[0] {
        Event::Warn(w) => {
            assert_eq!(w.nth, 2);
            assert_eq!(w.facts.len(), 1);
            assert!(
                w.facts[0].text.contains("2025年5月11日逃避"),
                "{:?}",
                w.facts
            );
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn p111_departures_are_reported_below_the_threshold_warned() {
    let mut b = B::new();
    let a = compliant_person(&mut b, "M1", "2025-01-01", "2025-06-30");
    for (from, to) in [
        ("2025-02-01", "2025-02-02"),
        ("2025-03-01", "2025-03-02"),
        ("2025-04-01", "2025-04-02"),
    ] {
        b.leave(a, from, Some(to), false);
    }
    let c = compliant_person(&mut b, "M2", "2025-01-01", "2025-06-30");
    b.leave(c, "2025-02-01", Some("2025-02-03"), false);
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("M1"), vec!["serious_breach_report"]);
    assert_eq!(due.forms_of("M2"), vec!["warning_letter"]);
}

#[test]
fn p112_a_positive_test_is_reported_on_the_ground_of_drug_use() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "N1", "2025-01-01", "2025-06-30");
    b.test(i, "2025-03-20", TestResult::Positive);
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("N1"), vec!["serious_breach_report"]);
    assert_eq!(
        due.keys_of("N1", "serious_breach_report"),
        vec!["报告-吸毒@2025-03-20"]
    );
}

#[test]
fn p113_silence_after_two_written_warnings_is_reported_listing_them() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "O1", "2025-01-01", "2025-03-31");
    b.warning(i, "2025-02-01", WarningKind::Written);
    b.warning(i, "2025-03-01", WarningKind::Written);
    let due = due(b.done(), "2025-06-30");
    let reports = due.keys_of("O1", "serious_breach_report");
    assert_eq!(reports.len(), 1, "{:?}", due.docs);
    assert!(!due.forms_of("O1").contains(&"warning_letter"));
    let report = due
        .events
        .iter()
        .find_map(|e| match e {
            Event::Report(r) => Some(r),
            _ => None,
        })
        .unwrap();
    assert_eq!(report.warnings.len(), 2);
}

#[test]
fn after_two_written_warnings_from_the_ledger_the_report_replaces_a_third_warning() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "O2", "2025-01-01", "2025-06-30");
    // No self-report in May and June; two warnings issued by the office (its ledger) before.
    b.r.contacts.retain(|c| {
        !(c.person == i && c.kind == ContactKind::SelfReport && c.date >= d("2025-05-01"))
    });
    let issued: Vec<Issued> = [
        ("城禁告〔2025〕1号", "2025-03-02"),
        ("城禁告〔2025〕2号", "2025-04-02"),
    ]
    .iter()
    .map(|(number, date)| Issued {
        form: "warning_letter".into(),
        person: "O2".into(),
        event: format!("告诫@{date}"),
        number: number.to_string(),
        date: Some(d(date)),
    })
    .collect();
    let r = b.done();
    let due = plan_with(
        r.clone(),
        vec![],
        &Profile::standard(),
        "2025-06-30",
        &issued,
        &[],
        &[],
    );
    assert_eq!(due.forms_of("O2"), vec!["serious_breach_report"]);
    let report = match &due.events[0] {
        Event::Report(r) => r,
        e => panic!("{e:?}"),
    };
    assert_eq!(report.ground, ReportGround::SeriousBreach);
    let numbers: Vec<_> = report
        .warnings
        .iter()
        .filter_map(|w| w.number.clone())
        .collect();
    assert_eq!(numbers, ["城禁告〔2025〕1号", "城禁告〔2025〕2号"]);
    // After one warning only, the second warning is given.
    let due = plan_with(
        r,
        vec![],
        &Profile::standard(),
        "2025-06-30",
        &issued[..1],
        &[],
        &[],
    );
    assert_eq!(due.forms_of("O2"), vec!["warning_letter"]);
    match &due.events[0] {
        Event::Warn(w) => assert_eq!(w.nth, 2),
        e => panic!("{e:?}"),
    }
}

#[test]
fn p114_a_long_approved_leave_is_the_offices_and_p115_goes_to_the_office() {
    let mut b = B::new();
    let i = compliant_person(&mut b, "Q2", "2025-01-01", "2025-06-30");
    b.leave(i, "2025-03-01", Some("2025-03-05"), true);
    let w = compliant_person(&mut b, "R1", "2025-01-01", "2025-06-30");
    b.r.persons[w].sex = Some(Sex::Female);
    b.r.persons[w].group_leader = Some("王强".into());
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("Q2"), vec!["work_notice"]);
    assert_eq!(notice_to(&due, "Q2"), vec!["帮教小组"]);
    assert_eq!(due.forms_of("R1"), vec!["work_notice"]);
    assert_eq!(notice_to(&due, "R1"), vec!["办公室"]);
}

#[test]
fn a_late_return_is_the_persons_and_a_long_approval_the_approvers() {
    let mut b = B::new();
    // Approved to 3 March (2 days), back on 6 March: the person's late return, warned.
    let late = compliant_person(&mut b, "Q3", "2025-01-01", "2025-06-30");
    b.leave(late, "2025-03-01", Some("2025-03-06"), true);
    b.r.leaves.last_mut().unwrap().approved_until = Some(d("2025-03-03"));
    // Approved for 7 days and back in time: the approver's, a work notice.
    let long = compliant_person(&mut b, "Q4", "2025-01-01", "2025-06-30");
    b.leave(long, "2025-03-01", Some("2025-03-08"), true);
    b.r.leaves.last_mut().unwrap().approved_until = Some(d("2025-03-08"));
    let due = due(b.done(), "2025-06-30");
    assert_eq!(due.forms_of("Q3"), vec!["warning_letter"]);
    let warn = due
        .docs
        .iter()
        .zip(&due.events)
        .find_map(|(d, e)| match e {
            Event::Warn(w) if d.0 == "Q3" => Some(w),
            _ => None,
        })
        .unwrap();
    assert!(
        warn.facts[0].text.contains("应于2025年3月3日返回"),
        "{:?}",
        warn.facts
    );
    assert!(warn.facts[0].text.contains("逾期3日"), "{:?}", warn.facts);
    assert!(!due
        .findings
        .iter()
        .any(|f| f.code == "P114" && f.person.as_deref() == Some("Q3")));
    assert_eq!(due.forms_of("Q4"), vec!["work_notice"]);
    assert_eq!(notice_to(&due, "Q4"), vec!["帮教小组"]);
}

#[test]
fn p117_and_p118_are_information_only() {
    let mut b = B::new();
    let i = b.person("S1", "2025-01-01", |p| p.fixed_job = Some(false));
    b.compliant(i, "2025-01-01", "2025-06-30");
    // Discharged at the end of a full term with a total evaluation and no positive test.
    let j = b.person("S2", "2022-01-01", |p| {
        p.status = Some(Status::Discharged);
        p.status_date = Some(d("2025-01-01"));
    });
    b.compliant(j, "2022-01-01", "2024-12-31");
    b.eval(j, "2024-12-31", EvalPeriod::Total);
    let due = due(b.done(), "2025-06-30");
    assert!(due.findings.iter().any(|f| f.code == "P117"));
    assert!(due.forms_of("S1").is_empty());
    let s2: Vec<&str> = due
        .findings
        .iter()
        .filter(|f| f.person.as_deref() == Some("S2"))
        .map(|f| f.code)
        .collect();
    assert_eq!(s2, ["P118"]);
    assert!(due.forms_of("S2").is_empty());
}

#[test]
fn u201_a_units_shortfall_is_a_notice_to_the_unit() {
    let mut b = B::new();
    compliant_person(&mut b, "T1", "2025-01-01", "2025-06-30");
    b.unit("东风社区", 45, Some(100000.0), Some(100000.0));
    let due = due(b.done(), "2025-06-30");
    assert!(due.findings.iter().any(|f| f.code == "U201"));
    assert_eq!(due.forms_of("东风社区"), vec!["work_notice"]);
}

// ------------------------------------------------------------------ the data gate

#[test]
fn a_person_with_a_data_error_gets_no_document_and_both_rows_of_a_duplicate_are_held() {
    let mut b = B::new();
    let a = b.person("V1", "2025-01-01", |_| {});
    let c = b.person("V2", "2025-01-01", |_| {});
    let other = b.person("V3", "2025-01-01", |_| {});
    for i in [a, c, other] {
        b.compliant(i, "2025-01-01", "2025-06-30");
        b.test(i, "2025-06-11", TestResult::Positive);
    }
    let r = b.done();
    // A D005 naming the later row and, by its cells, the earlier one.
    let dup = Finding::new("D005", Severity::Error, "公民身份号码与人员!D2相同")
        .person("V2")
        .cell(r.cell(Sheet::Persons, 2, "公民身份号码"))
        .cell(r.cell(Sheet::Persons, 1, "公民身份号码"));
    let due = plan_with(
        r,
        vec![dup],
        &Profile::standard(),
        "2025-06-30",
        &[],
        &[],
        &[],
    );
    assert!(due.forms_of("V1").is_empty(), "{:?}", due.docs);
    assert!(due.forms_of("V2").is_empty(), "{:?}", due.docs);
    assert_eq!(due.forms_of("V3"), vec!["serious_breach_report"]);
    let held: Vec<&str> = due.held.iter().map(|h| h.person_id.as_str()).collect();
    assert_eq!(held, vec!["V1", "V2"]);
    assert!(due.held[0].reasons[0].contains("人员!D2"), "{:?}", due.held);
    // Asked by name, the same: no agreement for a held person.
    let mut b = B::new();
    b.person("V4", "2025-01-01", |_| {});
    let r = b.done();
    let bad = Finding::new(
        "D002",
        Severity::Error,
        "报到日期「2025-13-45」不是可识别的日期",
    )
    .person("V4")
    .cell(r.cell(Sheet::Persons, 1, "报到日期"));
    let asked = plan_with(
        r,
        vec![bad],
        &Profile::standard(),
        "2025-06-30",
        &[],
        &["协议书"],
        &[],
    );
    assert!(asked.docs.is_empty());
    assert!(
        asked.held[0].reasons[0].starts_with("人员!Q2："),
        "{:?}",
        asked.held
    );
}

#[test]
fn a_d002_on_the_report_in_date_makes_no_p102_and_no_document() {
    // Read by the real reader: 报到日期 a typo (D002) with the agreement date filled, and a
    // near miss with 报到日期 empty.
    let out = read_text_book(
        &[
            (
                "A1",
                &[("报到日期", "2025-13-45"), ("协议签订日期", "2025-01-05")],
            ),
            ("A2", &[("公民身份号码", "110105198001010032")]),
        ],
        &[],
    );
    let due = plan_with(
        out.register,
        out.findings,
        &Profile::standard(),
        "2025-03-01",
        &[],
        &[],
        &[],
    );
    let codes = |id: &str| -> Vec<&str> {
        due.findings
            .iter()
            .filter(|f| f.person.as_deref() == Some(id))
            .map(|f| f.code)
            .collect()
    };
    assert!(codes("A1").contains(&"D002"), "{:?}", codes("A1"));
    for never in ["P101", "P102", "P103", "P104"] {
        assert!(!codes("A1").contains(&never), "{:?}", codes("A1"));
    }
    assert!(due.forms_of("A1").is_empty(), "{:?}", due.docs);
    let held = due
        .held
        .iter()
        .find(|h| h.person_id == "A1")
        .expect("A1 held");
    assert!(held.form.is_empty());
    assert!(
        held.reasons.iter().any(|r| r.starts_with("人员!J2：")),
        "{:?}",
        held.reasons
    );
    // The near miss, with the cell empty, is not reported in: the reminder is due.
    assert!(codes("A2").contains(&"P102"));
    assert_eq!(due.forms_of("A2"), vec!["report_reminder"]);
}

// ------------------------------------------------------------------ forms refuse false facts

#[test]
fn forms_that_would_state_false_facts_are_refused_with_the_reason() {
    let mut b = B::new();
    b.person("W1", "2023-06-01", |_| {});
    let r = b.done();
    // A reminder to someone who reported in, a discharge mid-term, a transfer never made.
    for (form, words) in [
        ("催告报到通知书", "没有应出具"),
        ("discharge_notice", "尚未期满"),
        ("解除意见书", "尚未期满"),
        ("transfer_letter", "已变更执行地"),
    ] {
        let due = plan_with(
            r.clone(),
            vec![],
            &Profile::standard(),
            "2025-06-30",
            &[],
            &[form],
            &["W1"],
        );
        assert!(due.docs.is_empty(), "{form}: {:?}", due.docs);
        assert!(
            due.held.iter().any(|h| h.reasons[0].contains(words)),
            "{form}: {:?}",
            due.held
        );
    }
    // Forms that assert nothing always print.
    let due = plan_with(
        r,
        vec![],
        &Profile::standard(),
        "2025-06-30",
        &[],
        &["agreement", "registration_form"],
        &["W1"],
    );
    assert_eq!(due.forms_of("W1"), vec!["agreement", "registration_form"]);
}

// ------------------------------------------------------------------ what the documents say

/// Whether a text holds a cell reference (`人员!D7`, `检测!B14`) or a rule code (`P110`).
fn internal_words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut hits = Vec::new();
    for (k, c) in chars.iter().enumerate() {
        let next_is = |n: usize, f: fn(&char) -> bool| chars.get(k + n).is_some_and(f);
        if *c == '!' && next_is(1, char::is_ascii_uppercase) {
            hits.push(
                chars[k.saturating_sub(2)..(k + 4).min(chars.len())]
                    .iter()
                    .collect(),
            );
        }
        let starts_code = matches!(c, 'D' | 'P' | 'U')
            && (k == 0 || !chars[k - 1].is_ascii_alphanumeric())
            && (1..=3).all(|n| next_is(n, char::is_ascii_digit))
            && !next_is(4, char::is_ascii_digit);
        if starts_code {
            hits.push(chars[k..k + 4].iter().collect());
        }
    }
    for word in [
        "篇一",
        "篇二",
        "篇四",
        "篇五",
        "§",
        "台帐记录",
        "依据：",
        "仍为按时",
    ] {
        if text.contains(word) {
            hits.push(word.to_string());
        }
    }
    hits
}

#[test]
fn every_outgoing_document_speaks_like_an_official_document() {
    use rehabdocs::paperwork::generate::{generate, GenerateOptions};
    let mut b = B::new();
    // Serious breach (three refusals) and drug use.
    let k1 = compliant_person(&mut b, "K1", "2025-01-01", "2025-06-30");
    for day in ["2025-02-11", "2025-03-11", "2025-04-11"] {
        b.test(k1, day, TestResult::Refused);
    }
    b.test(k1, "2025-05-20", TestResult::Positive);
    // One evasion (a warning) and a month without a talk (a notice to the group).
    let k2 = compliant_person(&mut b, "K2", "2025-01-01", "2025-06-30");
    b.test(k2, "2025-05-11", TestResult::Evaded);
    b.r.contacts
        .retain(|c| !(c.person == k2 && c.kind == ContactKind::FaceToFace && c.date.month() == 4));
    // 社区康复, not reported in: a reminder citing the 社区康复 article.
    b.person("K3", "2025-06-01", |p| {
        p.measure = Some(Measure::Rehab);
        p.report_date = None;
        p.agreement_date = None;
        p.served_date = Some(d("2025-06-10"));
    });
    // Not reported in, long past the deadline, with a reminder issued: reported.
    b.person("K4", "2025-03-01", |p| {
        p.report_date = None;
        p.agreement_date = None;
        p.served_date = Some(d("2025-03-01"));
    });
    // Term ended: discharge papers and the total evaluation.
    let k5 = b.person("K5", "2022-06-01", |_| {});
    b.compliant(k5, "2022-06-01", "2025-05-31");
    // Agreement never signed and the first quarter not evaluated.
    let k6 = b.person("K6", "2025-01-01", |p| p.agreement_date = None);
    b.compliant(k6, "2025-01-01", "2025-06-30");
    b.r.evaluations
        .retain(|e| !(e.person == k6 && e.date < d("2025-04-01")));
    b.unit("东风社区", 45, Some(100000.0), Some(100000.0));
    let r = b.done();
    let as_of = d("2025-06-30");
    let report = check_loaded(
        r,
        vec![],
        &Profile::standard(),
        as_of,
        &Selection::default(),
    );
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join("文号台帐.csv");
    std::fs::write(
        &ledger,
        "\u{feff}文号,前缀,年度,序号,文书,编号,事项,日期\n城禁催〔2025〕1号,城禁催,2025,1,report_reminder,K4,,2025-03-20\n",
    )
    .unwrap();
    let mut o = GenerateOptions::new(
        PlanOptions {
            due: true,
            ..PlanOptions::default()
        },
        as_of,
    );
    o.ledger = Some(ledger);
    let out = generate(
        &report.register,
        &report.findings,
        &Profile::standard(),
        dir.path(),
        &o,
    )
    .unwrap();
    let forms: std::collections::BTreeSet<&str> =
        out.rows.iter().map(|r| r.form.as_str()).collect();
    for want in [
        "serious_breach_report",
        "warning_letter",
        "report_reminder",
        "work_notice",
        "discharge_proposal",
        "discharge_notice",
        "total_evaluation",
        "receipt_of_service",
        "agreement",
        "quarterly_evaluation",
    ] {
        assert!(forms.contains(want), "{want} missing from {forms:?}");
    }
    for row in &out.rows {
        let text = text_of(&dir.path().join(&row.file));
        let hits = internal_words(&text);
        assert!(
            hits.is_empty(),
            "{} {}: {hits:?}\n{text}",
            row.form,
            row.person_id
        );
        if row.form == "serious_breach_report" || row.form == "warning_letter" {
            assert!(text.contains("《中华人民共和国禁毒法》"), "{text}");
        }
    }
    let text_for = |person: &str, form: &str| {
        let row = out
            .rows
            .iter()
            .find(|r| r.person_id == person && r.form == form)
            .unwrap_or_else(|| panic!("{person} {form}"));
        text_of(&dir.path().join(&row.file))
    };
    // The rehab reminder cites the 社区康复 articles, not the 社区戒毒 one.
    let k3 = text_for("K3", "report_reminder");
    assert!(k3.contains("《戒毒条例》第三十八条"), "{k3}");
    assert!(!k3.contains("第十四条"), "{k3}");
    assert!(k3.contains("2025年6月25日"), "statutory deadline: {k3}");
    // The refusal report states the reminder with its number.
    let k4 = text_for("K4", "serious_breach_report");
    assert!(k4.contains("关于拒绝接受社区戒毒情况的报告"), "{k4}");
    assert!(k4.contains("城禁催〔2025〕1号"), "{k4}");
    assert!(k4.contains("第三十八条第一款第（一）项"), "{k4}");
    // Two reports for K1, on two grounds.
    let k1_reports = out
        .rows
        .iter()
        .filter(|r| r.person_id == "K1" && r.form == "serious_breach_report")
        .count();
    assert_eq!(k1_reports, 2);
    // The warning states the fact and which warning it is.
    let k2w = text_for("K2", "warning_letter");
    assert!(k2w.contains("2025年5月11日逃避接受检测"), "{k2w}");
    assert!(k2w.contains("第一次书面告诫"), "{k2w}");
}

#[test]
fn generate_tells_the_clerk_who_is_held_back_with_the_cell_and_a_masked_id() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("台帐.xlsx");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sample.xlsx"),
        &register,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .arg("generate")
        .arg(&register)
        .arg("-o")
        .arg(dir.path().join("文书"))
        .args(["--due", "--as-of", "2025-12-31", "--embedded-fonts-only"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("暂不出具"), "{text}");
    // The sample's malformed ID: the cell is named, the number masked.
    assert!(text.contains("人员!D30"), "{text}");
    assert!(text.contains("350102********9330"), "{text}");
    assert!(!text.contains("350102199508179330"), "{text}");
    // A refusal report waits for the reminder's deadline: said, with the reason.
    assert!(text.contains("催告"), "{text}");
}
