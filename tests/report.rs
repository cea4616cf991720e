//! Year-end appraisal report: figures, scoring, vetoes, ranking and the XLSX/JSON outputs,
//! on registers built in memory through the model.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rehabdocs::finding::{Finding, Severity};
use rehabdocs::model::{
    Conclusion, Contact, ContactKind, EvalPeriod, Evaluation, Help, Measure, Person, Register,
    Staff, StaffKind, Status, Test, TestResult, Unit, Warning, WarningKind,
};
use rehabdocs::profile::Profile;
use rehabdocs::report::aggregate::FiledReports;
use rehabdocs::report::scheme::Scheme;
use rehabdocs::report::{build_report, json, pdf, xlsx, Report};
use std::io::Cursor;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TOWN: &str = "青山镇";

/// Builds registers row by row, like a clerk filling in the sheets.
#[derive(Default)]
struct Builder {
    reg: Register,
}

impl Builder {
    fn unit(&mut self, unit: &str, users: u32, funded: f64) -> &mut Self {
        let row = self.reg.units.len() as u32 + 1;
        self.reg.units.push(Unit {
            row,
            town: TOWN.into(),
            unit: unit.into(),
            registered_users: users,
            budget: Some(funded),
            funded: Some(funded),
        });
        self
    }

    fn staff(&mut self, unit: &str, kind: StaffKind) -> &mut Self {
        let row = self.reg.staff.len() as u32 + 1;
        self.reg.staff.push(Staff {
            row,
            name: format!("社工{row}"),
            sex: None,
            birth_date: None,
            education: Some("本科".into()),
            kind,
            town: Some(TOWN.into()),
            unit: Some(unit.into()),
        });
        self
    }

    /// A person who reported in on `report`, agreement signed on `agreement`.
    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        id: &str,
        unit: &str,
        measure: Measure,
        report: NaiveDate,
        agreement: Option<NaiveDate>,
        status: Status,
        status_date: Option<NaiveDate>,
    ) -> usize {
        let row = self.reg.persons.len() as u32 + 1;
        self.reg.persons.push(Person {
            row,
            id: id.into(),
            name: format!("姓名{id}"),
            town: TOWN.into(),
            unit: unit.into(),
            measure: Some(measure),
            decision_date: Some(report),
            report_date: Some(report),
            agreement_date: agreement,
            term_months: 36,
            status: Some(status),
            status_date,
            ..Default::default()
        });
        self.reg.persons.len() - 1
    }

    fn test(&mut self, person: usize, date: NaiveDate, result: TestResult) -> &mut Self {
        let row = self.reg.tests.len() as u32 + 1;
        self.reg.tests.push(Test {
            row,
            person,
            date,
            method: Some("尿检".into()),
            result,
            lab: None,
            tester: None,
            unannounced: false,
        });
        self
    }

    fn contact(&mut self, person: usize, date: NaiveDate, kind: ContactKind) -> &mut Self {
        let row = self.reg.contacts.len() as u32 + 1;
        self.reg.contacts.push(Contact {
            row,
            person,
            date,
            kind,
            worker: None,
            summary: None,
        });
        self
    }

    fn evaluation(&mut self, person: usize, date: NaiveDate, quarter: u8) -> &mut Self {
        let row = self.reg.evaluations.len() as u32 + 1;
        self.reg.evaluations.push(Evaluation {
            row,
            person,
            date,
            period: EvalPeriod::Quarter {
                year: 2025,
                quarter,
            },
            conclusion: Conclusion::Good,
            evaluator: None,
        });
        self
    }

    fn warning(&mut self, person: usize, date: NaiveDate, kind: WarningKind) -> &mut Self {
        let row = self.reg.warnings.len() as u32 + 1;
        self.reg.warnings.push(Warning {
            row,
            person,
            date,
            kind,
            reason: None,
            number: None,
        });
        self
    }

    fn help(&mut self, person: usize, date: NaiveDate, kind: &str) -> &mut Self {
        let row = self.reg.help.len() as u32 + 1;
        self.reg.help.push(Help {
            row,
            person,
            date,
            kind: kind.into(),
        });
        self
    }

    /// Everything a person owes in 2025, done: a test every two months, a talk and two
    /// self-reports every month, an evaluation every quarter.
    fn diligent_year(&mut self, p: usize) -> &mut Self {
        for m in 1..=12 {
            if m % 2 == 1 {
                self.test(p, d(2025, m, 10), TestResult::Negative);
            }
            self.contact(p, d(2025, m, 5), ContactKind::FaceToFace);
            self.contact(p, d(2025, m, 8), ContactKind::SelfReport);
            self.contact(p, d(2025, m, 22), ContactKind::SelfReport);
            if m % 3 == 0 {
                self.evaluation(p, d(2025, m, 25), (m / 3) as u8);
            }
        }
        self
    }

    fn build(mut self) -> Register {
        self.reg.source = "青山镇台帐2025.xlsx".into();
        self.reg.finalize();
        self.reg
    }
}

/// Three villages of one town:
/// - 东村: every obligation met, agreements for all, staff and funding to standard.
/// - 西村: half the work done, one agreement missing; a test recorded after a discharge
///   (veto: event after discharge).
/// - 南社区: good work, but one test entered twice (veto: duplicate test).
/// - 北村: a person detained (中止) with a test on the day of detention only (allowed), and a
///   refused + negative test the same day (not a duplicate): no veto.
fn town_register() -> Register {
    let mut b = Builder::default();
    b.unit("东村", 2, 15000.0)
        .unit("西村", 4, 5000.0)
        .unit("南社区", 1, 10000.0)
        .unit("北村", 1, 10000.0);
    b.staff("东村", StaffKind::PartTime)
        .staff("西村", StaffKind::PartTime)
        .staff("南社区", StaffKind::PartTime)
        .staff("北村", StaffKind::PartTime);

    // 东村
    let e1 = b.person(
        "DC001",
        "东村",
        Measure::Detox,
        d(2024, 6, 3),
        Some(d(2024, 6, 5)),
        Status::Active,
        None,
    );
    let e2 = b.person(
        "DC002",
        "东村",
        Measure::Rehab,
        d(2024, 9, 1),
        Some(d(2024, 9, 2)),
        Status::Active,
        None,
    );
    b.diligent_year(e1).diligent_year(e2);
    b.help(e1, d(2025, 4, 1), "就业")
        .help(e2, d(2025, 5, 1), "参保");

    // 西村: three persons, two agreements; one discharged on 2025-06-30 with a test after.
    let w1 = b.person(
        "XC001",
        "西村",
        Measure::Detox,
        d(2024, 1, 10),
        Some(d(2024, 1, 12)),
        Status::Active,
        None,
    );
    let w2 = b.person(
        "XC002",
        "西村",
        Measure::Detox,
        d(2025, 2, 20),
        None,
        Status::Active,
        None,
    );
    let w3 = b.person(
        "XC003",
        "西村",
        Measure::Detox,
        d(2022, 6, 30),
        Some(d(2022, 7, 1)),
        Status::Discharged,
        Some(d(2025, 6, 30)),
    );
    for m in [1, 4, 7, 10] {
        b.test(w1, d(2025, m, 10), TestResult::Negative);
        b.contact(w1, d(2025, m, 5), ContactKind::FaceToFace);
    }
    b.contact(w2, d(2025, 3, 5), ContactKind::HomeVisit);
    b.test(w3, d(2025, 3, 1), TestResult::Negative);
    b.test(w3, d(2025, 8, 15), TestResult::Negative); // after discharge: veto
    b.warning(w2, d(2025, 5, 5), WarningKind::Written)
        .warning(w2, d(2025, 4, 5), WarningKind::Oral)
        .warning(w2, d(2024, 12, 5), WarningKind::Oral); // last year: not counted

    // 南社区: diligent but one test entered twice.
    let s1 = b.person(
        "NS001",
        "南社区",
        Measure::Rehab,
        d(2024, 3, 1),
        Some(d(2024, 3, 1)),
        Status::Active,
        None,
    );
    b.diligent_year(s1);
    b.test(s1, d(2025, 3, 10), TestResult::Negative); // same day, same result as 3/10: veto

    // 北村: detained (中止) on 2025-09-01; tested that day; two results on one day.
    let n1 = b.person(
        "BC001",
        "北村",
        Measure::Detox,
        d(2024, 12, 1),
        Some(d(2024, 12, 2)),
        Status::Suspended,
        Some(d(2025, 9, 1)),
    );
    b.test(n1, d(2025, 2, 10), TestResult::Refused)
        .test(n1, d(2025, 2, 10), TestResult::Negative)
        .test(n1, d(2025, 9, 1), TestResult::Positive)
        .test(n1, d(2025, 9, 20), TestResult::NoShow); // not a test carried out
    b.help(n1, d(2025, 1, 20), "救助")
        .help(n1, d(2024, 11, 20), "救助"); // last year
    b.build()
}

fn breach(person: &str, code: &'static str, due: NaiveDate) -> Finding {
    Finding::new(code, Severity::Breach, "严重违反协议")
        .person(person)
        .due_date(due)
}

fn report_2025(reg: &Register, findings: &[Finding]) -> Report {
    let scheme = Scheme::default_scheme().unwrap();
    build_report(
        reg,
        findings,
        &Profile::standard(),
        &scheme,
        2025,
        &FiledReports::none(),
    )
    .unwrap()
}

fn unit<'a>(r: &'a Report, name: &str) -> &'a rehabdocs::report::UnitReport {
    r.units.iter().find(|u| u.unit == name).unwrap()
}

#[test]
fn figures_per_unit_match_an_independent_count() {
    let reg = town_register();
    let r = report_2025(&reg, &[]);
    assert_eq!(r.units.len(), 4);
    for u in &r.units {
        let persons: Vec<&Person> = reg.persons.iter().filter(|p| p.unit == u.unit).collect();
        // Agreements: persons in a programme in 2025 with an agreement signed by 31 Dec.
        let signed = persons
            .iter()
            .filter(|p| p.agreement_date.is_some_and(|a| a <= d(2025, 12, 31)))
            .count() as u32;
        assert_eq!(u.figures.agreements_signed, signed, "{}", u.unit);
        let users = reg
            .units
            .iter()
            .find(|x| x.unit == u.unit)
            .unwrap()
            .registered_users;
        assert_eq!(u.figures.registered_users, users);
        assert_eq!(
            u.rates.agreement_rate,
            Some((signed as f64 / users as f64 * 10000.0).round() / 10000.0)
        );
        let new = persons
            .iter()
            .filter(|p| {
                p.report_date
                    .is_some_and(|r| r.format("%Y").to_string() == "2025")
            })
            .count() as u32;
        assert_eq!(u.figures.new_in_year, new);
    }
    let w = unit(&r, "西村");
    assert_eq!(w.figures.in_detox, 3);
    assert_eq!(w.figures.discharged, 1);
    assert_eq!(w.figures.warnings_oral, 1);
    assert_eq!(w.figures.warnings_written, 1);
    // XC003's test after the discharge is outside the programme: not counted as done.
    assert_eq!(w.figures.obligations.tests_done, 4 + 1);
    let e = unit(&r, "东村");
    assert_eq!((e.figures.in_detox, e.figures.in_rehab), (1, 1));
    assert_eq!(e.figures.obligations.talks_done, 24);
    assert_eq!(e.figures.obligations.self_reports_done, 48);
    assert_eq!(e.figures.obligations.evaluations_done, 8);
    assert_eq!(e.figures.help.get("就业"), Some(&1));
    assert_eq!(e.figures.funding_required, 10000.0);
    assert_eq!(e.rates.funding_rate, Some(1.5));
    let n = unit(&r, "北村");
    assert_eq!(n.figures.suspended, 1);
    assert_eq!(n.figures.help.get("救助"), Some(&1));
    // The town's totals are the units' sums.
    assert_eq!(r.total.figures.registered_users, 8);
    assert_eq!(r.total.figures.agreements_signed, 2 + 2 + 1 + 1);
    assert_eq!(r.towns.len(), 1);
    assert_eq!(r.total.name, TOWN);
    assert!(
        r.summary[0].starts_with("2025年，青山镇4个村（社区）共有实有吸毒人员8名"),
        "{}",
        r.summary[0]
    );
}

#[test]
fn vetoes_trigger_on_falsified_records_and_rank_last() {
    let reg = town_register();
    let r = report_2025(&reg, &[]);
    let w = unit(&r, "西村");
    assert!(w.vetoed);
    assert_eq!(w.grade, "不合格");
    assert_eq!(w.veto_reasons, vec!["解除后仍有记录".to_string()]);
    let s = unit(&r, "南社区");
    assert!(s.vetoed);
    assert_eq!(s.veto_reasons, vec!["同一检测重复录入".to_string()]);
    // A test on the day of detention, an absence afterwards, and two results on one day
    // are not vetoes.
    let n = unit(&r, "北村");
    assert!(!n.vetoed, "{:?}", r.vetoes);
    let e = unit(&r, "东村");
    assert!(!e.vetoed);
    assert_eq!(r.vetoes.len(), 2, "{:?}", r.vetoes);
    let v = r.vetoes.iter().find(|v| v.person == "XC003").unwrap();
    assert_eq!(v.date, d(2025, 8, 15));
    assert!(
        v.cells.iter().any(|c| c.starts_with("检测!")),
        "{:?}",
        v.cells
    );

    // Ranking: the unvetoed first by score, the vetoed after them whatever their score.
    let order: Vec<&str> = r.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(order[0], "东村");
    assert_eq!(r.units[0].rank, 1);
    assert_eq!(r.units[0].grade, "优秀");
    assert!(r.units[0].score >= 90.0, "{}", r.units[0].score);
    assert_eq!(order[1], "北村");
    assert!(order[2..].contains(&"西村") && order[2..].contains(&"南社区"));
    // 南社区 did better work than 西村, so it ranks before it among the vetoed.
    assert!(s.score > w.score);
    assert_eq!(order[2], "南社区");
    let scores: Vec<f64> = r.units[..2].iter().map(|u| u.score).collect();
    assert!(scores[0] >= scores[1]);
}

#[test]
fn a_disabled_veto_does_not_trigger() {
    let reg = town_register();
    let section: serde_norway::Value = serde_norway::from_str(
        "vetoes:\n  - { id: duplicate_test, name: 同一检测重复录入, enabled: false }\n  - { id: event_after_discharge, name: 解除后仍有记录 }\n",
    )
    .unwrap();
    let scheme = Scheme::for_profile_section(Some(&section)).unwrap();
    let r = build_report(
        &reg,
        &[],
        &Profile::standard(),
        &scheme,
        2025,
        &FiledReports::none(),
    )
    .unwrap();
    assert!(!unit(&r, "南社区").vetoed);
    assert!(unit(&r, "西村").vetoed);
}

#[test]
fn serious_breaches_count_every_ground_and_reported_means_the_office_reported() {
    let mut b = Builder::default();
    b.unit("东村", 3, 15000.0);
    // Sent to compulsory isolation by the police: not the office's report.
    b.person(
        "A1",
        "东村",
        Measure::Detox,
        d(2024, 1, 1),
        Some(d(2024, 1, 1)),
        Status::CompulsoryIsolation,
        Some(d(2025, 7, 1)),
    );
    b.person(
        "A2",
        "东村",
        Measure::Detox,
        d(2024, 1, 1),
        Some(d(2024, 1, 1)),
        Status::Active,
        None,
    );
    // Never reported in: the deadline passed last year and nobody reported it.
    let a3 = b.person(
        "A3",
        "东村",
        Measure::Detox,
        d(2024, 11, 1),
        None,
        Status::Active,
        None,
    );
    b.reg.persons[a3].report_date = None;
    let reg = b.build();
    let findings = vec![
        breach("A1", "P110", d(2025, 6, 20)),
        breach("A2", "P111", d(2025, 9, 1)),
        breach("A2", "P110", d(2024, 9, 1)), // last year's, reported last year
        breach("A3", "P102", d(2024, 11, 16)), // last year's, still open
        Finding::new("P105", Severity::Warning, "检测不足").person("A2"),
    ];
    // The office's ledger: reports on A2 (严重违反协议) in 2024 and 2025.
    let mut ledger = rehabdocs::paperwork::ledger::Ledger::new();
    ledger.set_issue_date(d(2024, 9, 10));
    ledger.assign(
        "东禁报",
        2024,
        "serious_breach_report",
        "A2",
        "报告-严重违反协议@2024-09-01",
    );
    ledger.set_issue_date(d(2025, 9, 5));
    ledger.assign(
        "东禁报",
        2025,
        "serious_breach_report",
        "A2",
        "报告-严重违反协议@2025-09-01",
    );
    let filed = FiledReports::from_ledger(&ledger);
    let scheme = Scheme::default_scheme().unwrap();
    let r = build_report(&reg, &findings, &Profile::standard(), &scheme, 2025, &filed).unwrap();
    let u = unit(&r, "东村");
    // A1's P110, A2's P111 and A3's P102 (open since last year); A2's P110 was reported in 2024.
    assert_eq!(u.figures.breaches, 3, "{:?}", u.figures.breaches_by_code);
    assert_eq!(u.figures.breaches_by_code.get("P102"), Some(&1));
    assert_eq!(u.figures.breaches_reported, 1);
    assert_eq!(u.figures.compulsory_isolation, 1);
    assert_eq!(u.rates.breach_report_rate, Some(0.3333));
    let ind = u
        .indicators
        .iter()
        .find(|i| i.id == "breach_reports")
        .unwrap();
    assert_eq!(ind.points, 3.33);
    // The appendix lists the findings that cost points on that indicator: the table and
    // the appendix agree on P102.
    let rows: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.indicator == "严重违规报告率")
        .map(|f| f.code.as_str())
        .collect();
    assert!(rows.contains(&"P111") && rows.contains(&"P102"), "{rows:?}");
    // The unit's problems say it in words, with the grounds by name.
    let problems: String = u.rectifications.iter().map(|x| x.problem.clone()).collect();
    assert!(problems.contains("逾期未报到1处"), "{problems}");
    // Without the ledger nothing counts as reported.
    let none = report_2025(&reg, &findings);
    assert_eq!(unit(&none, "东村").figures.breaches_reported, 0);
}

fn cell_f64(range: &calamine::Range<Data>, row: usize, col: usize) -> Option<f64> {
    match range.get((row, col)) {
        Some(Data::Float(x)) => Some(*x),
        Some(Data::Int(x)) => Some(*x as f64),
        _ => None,
    }
}

fn cell_str(range: &calamine::Range<Data>, row: usize, col: usize) -> String {
    match range.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

#[test]
fn xlsx_holds_the_same_numbers_as_json() {
    let reg = town_register();
    let r = report_2025(&reg, &[]);
    let bytes = xlsx::to_xlsx(&r).unwrap();
    // Native charts: the unit rates (各单位指标) and the scores (排名).
    for part in ["xl/charts/chart1.xml", "xl/charts/chart2.xml"] {
        assert!(
            bytes.windows(part.len()).any(|w| w == part.as_bytes()),
            "{part}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&json::to_json(&r)).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    for sheet in [
        "汇总",
        "各单位指标",
        "排名",
        "扣分明细",
        "一票否决",
        "问题清单",
        "考核方案",
    ] {
        assert!(wb.sheet_names().contains(&sheet.to_string()), "{sheet}");
    }

    // 各单位指标: one row per unit in (town, unit) order; columns by header.
    let units = wb.worksheet_range("各单位指标").unwrap();
    let header: Vec<String> = (0..units.width()).map(|c| cell_str(&units, 0, c)).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let json_units = json["units"].as_array().unwrap();
    assert_eq!(units.height() - 1, json_units.len());
    for row in 1..units.height() {
        let name = cell_str(&units, row, col("村(社区)"));
        let ju = json_units
            .iter()
            .find(|u| u["unit"] == name.as_str())
            .unwrap();
        let f = &ju["figures"];
        for (h, key) in [
            ("实有吸毒人员", "registered_users"),
            ("协议签订", "agreements_signed"),
            ("应检测", "tests_due"),
            ("实检测", "tests_done"),
            ("实谈话", "talks_done"),
            ("书面告诫", "warnings_written"),
            ("经费到位(元)", "funding"),
        ] {
            assert_eq!(cell_f64(&units, row, col(h)), f[key].as_f64(), "{name} {h}");
        }
        assert_eq!(
            cell_f64(&units, row, col("协议签订率")),
            ju["rates"]["agreement_rate"].as_f64(),
            "{name}"
        );
    }

    // 排名: same order, scores and grades as the JSON.
    let rank = wb.worksheet_range("排名").unwrap();
    let header: Vec<String> = (0..rank.width()).map(|c| cell_str(&rank, 0, c)).collect();
    let score_col = header.iter().position(|h| h == "总分").unwrap();
    let grade_col = header.iter().position(|h| h == "等次").unwrap();
    for (i, ju) in json_units.iter().enumerate() {
        assert_eq!(cell_str(&rank, i + 1, 2), ju["unit"].as_str().unwrap());
        assert_eq!(cell_f64(&rank, i + 1, 0), ju["rank"].as_f64());
        assert_eq!(cell_f64(&rank, i + 1, score_col), ju["score"].as_f64());
        assert_eq!(
            cell_str(&rank, i + 1, grade_col),
            ju["grade"].as_str().unwrap()
        );
    }

    // 汇总: one row per figure, the town's column.
    let sum = wb.worksheet_range("汇总").unwrap();
    let head = (0..sum.height())
        .find(|&r| cell_str(&sum, r, 0) == "项目")
        .unwrap();
    assert_eq!(cell_str(&sum, head, 1), TOWN);
    let row = |name: &str| {
        (0..sum.height())
            .find(|&r| cell_str(&sum, r, 0) == name)
            .unwrap()
    };
    for (h, key) in [
        ("实有吸毒人员", "registered_users"),
        ("应检测", "tests_due"),
        ("实谈话", "talks_done"),
    ] {
        assert_eq!(
            cell_f64(&sum, row(h), 1),
            json["total"]["figures"][key].as_f64(),
            "{h}"
        );
    }
    assert_eq!(
        cell_f64(&sum, row("检测完成率"), 1),
        json["total"]["rates"]["test_rate"].as_f64()
    );
}

#[test]
fn outputs_are_deterministic() {
    let r1 = report_2025(&town_register(), &[]);
    let r2 = report_2025(&town_register(), &[]);
    assert_eq!(xlsx::to_xlsx(&r1).unwrap(), xlsx::to_xlsx(&r2).unwrap());
    assert_eq!(json::to_json(&r1), json::to_json(&r2));
    assert_eq!(pdf::report_typst_inputs(&r1), pdf::report_typst_inputs(&r2));
}

#[test]
fn comparison_puts_last_year_beside_this_year() {
    let reg = town_register();
    let mut r = report_2025(&reg, &[]);
    let scheme = Scheme::default_scheme().unwrap();
    let prev = build_report(
        &reg,
        &[],
        &Profile::standard(),
        &scheme,
        2024,
        &FiledReports::none(),
    )
    .unwrap();
    rehabdocs::report::attach_previous(&mut r, &prev);
    assert_eq!(r.compared_with, Some(2024));
    let w = unit(&r, "西村");
    let p = w.previous.as_ref().unwrap();
    assert_eq!(p.year, 2024);
    let pw = prev.units.iter().find(|u| u.unit == "西村").unwrap();
    assert_eq!(p.in_programme, pw.figures.in_programme());
    assert_eq!(
        p.change_in_programme,
        w.figures.in_programme() as i64 - pw.figures.in_programme() as i64
    );
    assert_eq!(p.score, Some(pw.score));
    assert!(
        r.summary.iter().any(|s| s.starts_with("与2024年相比")),
        "{:?}",
        r.summary
    );
    let data = pdf::pdf_data(&r);
    assert!(data.ranking_table.header.contains(&"上年得分".to_string()));
}

#[test]
fn register_values_reach_typst_only_as_json_data() {
    let mut b = Builder::default();
    b.unit("#panic(\"x\") *村* $a$ \\", 1, 10000.0);
    let p = b.person(
        "E1\"]",
        "#panic(\"x\") *村* $a$ \\",
        Measure::Detox,
        d(2025, 1, 6),
        Some(d(2025, 1, 6)),
        Status::Active,
        None,
    );
    b.test(p, d(2025, 3, 1), TestResult::Negative)
        .test(p, d(2025, 3, 1), TestResult::Negative);
    let reg = b.build();
    let r = report_2025(&reg, &[]);
    let (template, data) = pdf::report_typst_inputs(&r);
    assert!(!template.contains("panic"));
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(
        v["ranking_table"]["rows"][0][1].as_str(),
        Some("#panic(\"x\") *村* $a$ \\")
    );
}

/// A city register: 20,000 persons in 200 villages, about 1,000,000 events.
fn city_register() -> Register {
    let mut b = Builder::default();
    for u in 0..200 {
        b.unit(&format!("村{u:03}"), 100, 150000.0);
    }
    for i in 0..20_000usize {
        let unit = format!("村{:03}", i % 200);
        let report = d(
            2023 + (i % 3) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        );
        let p = b.person(
            &format!("P{i:05}"),
            &unit,
            if i % 4 == 0 {
                Measure::Rehab
            } else {
                Measure::Detox
            },
            report,
            Some(report),
            Status::Active,
            None,
        );
        // 50 events a person: 10 tests, 30 contacts, 6 evaluations, 4 help.
        for k in 0..10u32 {
            b.test(p, d(2025, 1 + k, 3), TestResult::Negative);
        }
        for k in 0..30u32 {
            let kind = if k % 3 == 0 {
                ContactKind::FaceToFace
            } else {
                ContactKind::SelfReport
            };
            b.contact(p, d(2025, 1 + k % 12, 1 + k / 12 * 9), kind);
        }
        for k in 0..6u32 {
            b.evaluation(p, d(2025, 1 + k * 2, 20), (1 + k / 2) as u8);
        }
        for k in 0..4u32 {
            b.help(p, d(2025, 2 + k, 2), "就业");
        }
    }
    b.build()
}

#[test]
fn a_city_register_aggregates_and_scores_every_event() {
    // Its speed is measured by `cargo bench --bench check` (report beside check), not here.
    let reg = city_register();
    let events = reg.tests.len() + reg.contacts.len() + reg.evaluations.len() + reg.help.len();
    assert!(events >= 1_000_000, "{events}");
    let r = report_2025(&reg, &[]);
    assert_eq!(r.units.len(), 200);
    assert_eq!(r.total.figures.in_programme(), 20_000);
    // Tests carried out inside each person's window (all are 执行中 on a 3-year term).
    let done = reg
        .tests
        .iter()
        .filter(|t| {
            reg.persons[t.person]
                .report_date
                .is_some_and(|s| t.date >= s)
        })
        .count() as u32;
    assert_eq!(r.total.figures.obligations.tests_done, done);
}

/// The whole `report` pipeline after reading on a city register: the rules' check, the
/// report, XLSX, JSON and PDF, with the time of each step printed (the figures that count
/// come from `cargo bench --bench check`). Ignored by default (about 20 s in a debug build on
/// a loaded 2-core machine; run with `cargo test --release --test report -- --ignored`).
#[test]
#[ignore]
fn a_city_register_reports_end_to_end() {
    let reg = city_register();
    let start = std::time::Instant::now();
    let profile = Profile::standard();
    let checked = rehabdocs::check::check_loaded(
        reg,
        vec![],
        &profile,
        d(2025, 12, 31),
        &rehabdocs::check::Selection::default(),
    );
    let checked_at = start.elapsed();
    let scheme = Scheme::default_scheme().unwrap();
    let r = build_report(
        &checked.register,
        &checked.findings,
        &profile,
        &scheme,
        2025,
        &FiledReports::none(),
    )
    .unwrap();
    let built_at = start.elapsed();
    let xlsx_bytes = xlsx::to_xlsx(&r).unwrap();
    let xlsx_at = start.elapsed();
    let json_text = json::to_json(&r);
    let json_at = start.elapsed();
    let pdf_bytes = pdf::render_pdf(&r).unwrap();
    let took = start.elapsed();
    eprintln!(
        "city: check {checked_at:?}, report {built_at:?}, xlsx {xlsx_at:?}, json {json_at:?}, pdf (all) {took:?}; {} findings, {} in the report",
        checked.findings.len(),
        r.findings.len()
    );
    assert!(!xlsx_bytes.is_empty() && !json_text.is_empty() && !pdf_bytes.is_empty());
}

#[test]
fn a_profile_file_overrides_the_scheme_and_typos_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("county.yaml");
    std::fs::write(
        &good,
        "extends: standard\nname: county\nappraisal:\n  indicators:\n    - id: tests\n      weight: 30\n  grades:\n    - { grade: 达标, min: 60 }\n    - { grade: 不达标, min: 0 }\n  veto_grade: 不达标\n",
    )
    .unwrap();
    let path = good.to_str().unwrap();
    let profile = Profile::load(path).unwrap();
    let scheme = rehabdocs::report::scheme_for_source(&profile, path).unwrap();
    assert_eq!(scheme.total_weight(), 110.0);
    let r = build_report(
        &town_register(),
        &[],
        &profile,
        &scheme,
        2025,
        &FiledReports::none(),
    )
    .unwrap();
    assert!(r
        .units
        .iter()
        .all(|u| u.grade == "达标" || u.grade == "不达标"));

    let bad = dir.path().join("typo.yaml");
    std::fs::write(
        &bad,
        "extends: standard\nname: typo\nappraisal:\n  indicators:\n    - id: tests\n      wieght: 30\n",
    )
    .unwrap();
    let path = bad.to_str().unwrap();
    let profile = Profile::load(path).unwrap();
    let e = rehabdocs::report::scheme_for_source(&profile, path)
        .unwrap_err()
        .0;
    assert!(e.contains("未知的键 wieght"), "{e}");
    assert!(e.contains("第6行"), "{e}");
}

#[test]
fn report_files_are_written_atomically_and_never_overwritten_without_force() {
    let r = report_2025(&town_register(), &[]);
    let (_, xlsx_name, json_name) = rehabdocs::report::file_names(2025);
    assert_eq!(xlsx_name, "年终考核评估-2025.xlsx");
    let files = rehabdocs::report::ReportFiles {
        files: vec![
            (xlsx_name.clone(), xlsx::to_xlsx(&r).unwrap()),
            (json_name.clone(), json::to_json(&r).into_bytes()),
        ],
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("报告");
    let written = rehabdocs::report::write_report(&out, &files, false).unwrap();
    assert_eq!(written.len(), 2);
    let json_path = out.join(&json_name);
    assert_eq!(std::fs::read(&json_path).unwrap(), files.files[1].1);
    std::fs::write(&json_path, b"old").unwrap();
    let e = rehabdocs::report::write_report(&out, &files, false).unwrap_err();
    assert!(e.0.contains("--force"), "{e}");
    assert_eq!(std::fs::read(&json_path).unwrap(), b"old");
    rehabdocs::report::write_report(&out, &files, true).unwrap();
    assert_eq!(std::fs::read(&json_path).unwrap(), files.files[1].1);
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&json_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
/// A valid 18-digit resident ID for a running number (check character by ISO 7064 MOD 11-2).
fn resident_id(n: usize) -> String {
    let body = format!("330304199001{:02}{:03}", 1 + n % 28, n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Writes a register built in memory as a workbook with the contract's sheets and headers,
/// the way a clerk's 台帐 looks (a title row above each header).
fn write_workbook(reg: &Register, path: &std::path::Path) {
    write_workbook_with(reg, path, &[]);
}

/// [`write_workbook`], with some cells of 人员 typed as a clerk typed them: (person index,
/// header, text).
fn write_workbook_with(reg: &Register, path: &std::path::Path, typed: &[(usize, &str, &str)]) {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let mut sheet = |name: &str, header: &[&str], rows: Vec<Vec<String>>| {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, format!("{name}台帐")).unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32 + 2, c as u16, v).unwrap();
                }
            }
        }
    };
    let id = |i: usize| reg.persons[i].id.clone();
    let person_header = [
        "编号",
        "姓名",
        "公民身份号码",
        "乡镇(街道)",
        "村(社区)",
        "措施类型",
        "决定日期",
        "报到日期",
        "协议签订日期",
        "状态",
        "状态日期",
    ];
    let mut person_rows: Vec<Vec<String>> = reg
        .persons
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                p.id.clone(),
                p.name.clone(),
                resident_id(i),
                p.town.clone(),
                p.unit.clone(),
                p.measure.map(|m| m.label().to_string()).unwrap_or_default(),
                p.decision_date.map(date_text).unwrap_or_default(),
                p.report_date.map(date_text).unwrap_or_default(),
                p.agreement_date.map(date_text).unwrap_or_default(),
                p.status.map(|s| s.label().to_string()).unwrap_or_default(),
                p.status_date.map(date_text).unwrap_or_default(),
            ]
        })
        .collect();
    for (i, header, text) in typed {
        let c = person_header.iter().position(|h| h == header).unwrap();
        person_rows[*i][c] = text.to_string();
    }
    sheet("人员", &person_header, person_rows);
    sheet(
        "检测",
        &["编号", "检测日期", "检测方式", "结果"],
        reg.tests
            .iter()
            .map(|t| {
                vec![
                    id(t.person),
                    date_text(t.date),
                    "尿检".into(),
                    t.result.label().into(),
                ]
            })
            .collect(),
    );
    sheet(
        "谈话",
        &["编号", "日期", "形式"],
        reg.contacts
            .iter()
            .map(|c| vec![id(c.person), date_text(c.date), c.kind.label().into()])
            .collect(),
    );
    sheet(
        "请假",
        &["编号", "离开日期", "返回日期", "是否批准"],
        vec![],
    );
    sheet(
        "告诫",
        &["编号", "日期", "类型"],
        reg.warnings
            .iter()
            .map(|w| vec![id(w.person), date_text(w.date), w.kind.label().into()])
            .collect(),
    );
    sheet(
        "评估",
        &["编号", "评估日期", "评估期", "结论"],
        reg.evaluations
            .iter()
            .map(|e| {
                let period = match e.period {
                    EvalPeriod::Quarter { year, quarter } => format!("{year}Q{quarter}"),
                    EvalPeriod::Total => "总评估".into(),
                };
                vec![
                    id(e.person),
                    date_text(e.date),
                    period,
                    e.conclusion.label().into(),
                ]
            })
            .collect(),
    );
    sheet(
        "工作人员",
        &["姓名", "类型", "学历", "乡镇(街道)", "村(社区)"],
        reg.staff
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    match s.kind {
                        StaffKind::FullTime => "专职".into(),
                        StaffKind::PartTime => "兼职".into(),
                    },
                    s.education.clone().unwrap_or_default(),
                    s.town.clone().unwrap_or_default(),
                    s.unit.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    );
    sheet(
        "单位",
        &[
            "乡镇(街道)",
            "村(社区)",
            "实有吸毒人员数",
            "经费预算(元)",
            "经费到位(元)",
        ],
        reg.units
            .iter()
            .map(|u| {
                vec![
                    u.town.clone(),
                    u.unit.clone(),
                    u.registered_users.to_string(),
                    u.budget.map(|x| x.to_string()).unwrap_or_default(),
                    u.funded.map(|x| x.to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
    );
    sheet(
        "帮扶",
        &["编号", "日期", "类型"],
        reg.help
            .iter()
            .map(|h| vec![id(h.person), date_text(h.date), h.kind.clone()])
            .collect(),
    );
    wb.save(path).unwrap();
}

#[test]
fn a_workbook_read_back_gives_the_figures_counted_in_memory() {
    let reg = town_register();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("青山镇台帐2025.xlsx");
    write_workbook(&reg, &path);
    let profile = Profile::standard();
    let scheme = Scheme::default_scheme().unwrap();
    let read =
        rehabdocs::report::report_for_file(&path, &profile, &scheme, 2025, &FiledReports::none())
            .unwrap();
    let memory = report_2025(&reg, &[]);
    assert_eq!(read.units.len(), memory.units.len());
    for m in &memory.units {
        let r = read.units.iter().find(|u| u.unit == m.unit).unwrap();
        let (mut rf, mut mf) = (r.figures.clone(), m.figures.clone());
        // Serious breaches come from `check`'s findings, which the in-memory report lacks.
        for f in [&mut rf, &mut mf] {
            f.breaches = 0;
            f.breaches_reported = 0;
            f.breaches_by_code.clear();
        }
        assert_eq!(rf, mf, "{}", m.unit);
        assert_eq!(r.vetoed, m.vetoed, "{}", m.unit);
        assert_eq!(r.veto_reasons, m.veto_reasons, "{}", m.unit);
    }
    // 北村's positive test on 2025-09-01 is a serious breach (P112) found by `check`; the
    // person was suspended, not sent to compulsory isolation: not counted as reported.
    let n = read.units.iter().find(|u| u.unit == "北村").unwrap();
    assert!(n.figures.breaches >= 1, "{:?}", n.figures.breaches_by_code);
    assert_eq!(n.figures.breaches_reported, 0);
    // Veto cells name the workbook's real cells.
    let v = read.vetoes.iter().find(|v| v.person == "XC003").unwrap();
    assert!(
        v.cells.iter().any(|c| c.starts_with("检测!B")),
        "{:?}",
        v.cells
    );
}

/// The PDF's text, whitespace removed (pdf-extract puts spaces between CJK runs).
fn pdf_text(bytes: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(bytes)
        .unwrap()
        .split_whitespace()
        .collect()
}

#[test]
fn the_pdf_names_every_unit_with_its_grade_and_is_deterministic() {
    let reg = town_register();
    let r = report_2025(&reg, &[]);
    let bytes = pdf::render_pdf(&r).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_text(&bytes);
    assert!(text.contains("青山镇2025年度社区戒毒（康复）工作年终考核评估报告"));
    for u in &r.units {
        // The ranking row: rank, unit, the indicator points, total, grade.
        let points: String = u
            .indicators
            .iter()
            .map(|i| format!("{:.2}", i.points))
            .collect();
        let grade = if u.vetoed {
            format!("{}（一票否决）", u.grade)
        } else {
            u.grade.clone()
        };
        let row = format!("{}{}{}{:.2}{}", u.rank, u.unit, points, u.score, grade);
        assert!(text.contains(&row), "{row} not in the PDF text");
    }
    for v in &r.vetoes {
        assert!(text.contains(&v.person), "{}", v.person);
    }
    assert_eq!(bytes, pdf::render_pdf(&r).unwrap());
}

#[test]
fn a_register_value_that_looks_like_typst_code_is_printed_as_text() {
    let mut b = Builder::default();
    let name = "#panic(\"x\")村*粗*$a$";
    b.unit(name, 1, 10000.0);
    b.person(
        "E1",
        name,
        Measure::Detox,
        d(2025, 1, 6),
        Some(d(2025, 1, 6)),
        Status::Active,
        None,
    );
    let r = report_2025(&b.build(), &[]);
    let text = pdf_text(&pdf::render_pdf(&r).unwrap());
    assert!(text.contains(name), "{text}");
}

#[test]
fn the_report_command_writes_three_files_and_compares_with_last_year() {
    let dir = tempfile::tempdir().unwrap();
    let this_year = dir.path().join("台帐2025.xlsx");
    let last_year = dir.path().join("台帐2024.xlsx");
    write_workbook(&town_register(), &this_year);
    write_workbook(&town_register(), &last_year);
    let out = dir.path().join("out");
    let run = |force: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rehabdocs"));
        cmd.arg("report")
            .arg(&this_year)
            .args(["--year", "2025", "-o"])
            .arg(&out)
            .arg("--compare")
            .arg(&last_year);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let first = run(false);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let json_path = out.join("年终考核评估-2025.json");
    let pdf_path = out.join("年终考核评估报告-2025.pdf");
    assert!(out.join("年终考核评估-2025.xlsx").exists());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(json["compared_with"], 2024);
    assert_eq!(json["units"].as_array().unwrap().len(), 4);
    let text = pdf_text(&std::fs::read(&pdf_path).unwrap());
    assert!(text.contains("上年得分"));
    for u in json["units"].as_array().unwrap() {
        assert!(text.contains(u["unit"].as_str().unwrap()));
    }
    // Ready to sign and file: a 文号 from the office's ledger (beside the register, as for
    // `generate`), the appraising office, the signing lines and the seal.
    assert_eq!(json["number"], "青禁考〔2025〕1号");
    let ledger = std::fs::read_to_string(dir.path().join("文号台帐.csv")).unwrap();
    assert!(ledger.contains("青禁考〔2025〕1号") && ledger.contains("appraisal_report"));
    for words in [
        "考核结论及签署",
        "文号：青禁考〔2025〕1号",
        "考核单位：青山镇社区戒毒(康复)工作办公室",
        "考核组组长（签名）：",
        "考核组成员（签名）：",
        "审核人（签名）：",
        "青山镇社区戒毒(康复)工作办公室（盖章）",
        "五、存在问题及整改意见",
        "附录一考核方案及计分办法",
        "分值×min(完成率÷目标,1)",
    ] {
        assert!(text.contains(words), "{words} not in the PDF");
    }
    // No internal wording, no folder: the register's file name at most, in every output.
    let folder = dir.path().to_string_lossy().into_owned();
    let xlsx_bytes = std::fs::read(out.join("年终考核评估-2025.xlsx")).unwrap();
    let json_text = std::fs::read_to_string(&json_path).unwrap();
    let wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx_bytes.clone())).unwrap();
    let xlsx_text: String = wb
        .sheet_names()
        .iter()
        .map(|name| sheet_text(&xlsx_bytes, name).join("\n"))
        .collect();
    for (what, body) in [("PDF", &text), ("JSON", &json_text), ("XLSX", &xlsx_text)] {
        assert!(!body.contains(&folder), "{what} names the folder");
        assert!(
            !body.contains("规则配置") && !body.contains("standard"),
            "{what}"
        );
        assert!(body.contains("台帐2025.xlsx"), "{what}");
    }
    // Without --force nothing is overwritten (exit 2); with it the same bytes come back.
    let before = std::fs::read(&pdf_path).unwrap();
    let second = run(false);
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("--force"));
    let third = run(true);
    assert_eq!(third.status.code(), Some(0));
    assert_eq!(std::fs::read(&pdf_path).unwrap(), before);
    // An unreadable register is exit 2 with a Chinese message.
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["report", "不存在.xlsx", "--year", "2025", "-o"])
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("找不到文件"));
    // Nothing is locked or created for the ledger before the register is read.
    assert!(!std::path::Path::new("文号台帐.csv.lock").exists());
    assert!(!std::path::Path::new("文号台帐.csv").exists());
    // A year outside 2000–2100 is refused before anything is written.
    for year in ["0", "-1", "1999", "2101"] {
        let out_dir = dir.path().join(format!("年{year}"));
        let bad = std::process::Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
            .arg("report")
            .arg(dir.path().join("不存在.xlsx"))
            .arg(format!("--year={year}"))
            .arg("-o")
            .arg(&out_dir)
            .output()
            .unwrap();
        assert_eq!(bad.status.code(), Some(2), "--year={year}");
        assert!(!out_dir.exists());
    }
}

/// Renders every page of the bundled sample's report to PNG (written under
/// `target/report-pages/` for a person to look at) and asserts each page has ink on it and
/// that the charts' page is not mostly blank.
#[test]
fn the_sample_report_pages_render_to_png_with_ink() {
    use rehabdocs::render::engine::{compile, png_page};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let profile = Profile::standard();
    let scheme = rehabdocs::report::scheme_for(&profile).expect("scheme");
    let report = rehabdocs::report::report_for_file(
        &root.join("samples/sample.xlsx"),
        &profile,
        &scheme,
        2025,
        &FiledReports::none(),
    )
    .expect("report");
    let (template, json) = pdf::report_typst_inputs(&report);
    let compiled = compile(
        &template,
        &[(pdf::DATA_FILE, json.as_bytes())],
        d(2025, 12, 31),
    )
    .expect("compile");
    let pages = compiled.document.pages().len();
    assert!(pages >= 3, "cover, tables and charts: {pages} pages");
    let out = root.join("target/report-pages");
    std::fs::create_dir_all(&out).expect("mkdir");
    for page in 0..pages {
        let png = png_page(&compiled.document, page, 1.0).expect("png");
        std::fs::write(out.join(format!("page-{}.png", page + 1)), &png).expect("write png");
        // A PNG of a blank page compresses to almost nothing; ink makes it grow.
        assert!(
            png.len() > 5_000,
            "page {} looks blank ({} bytes)",
            page + 1,
            png.len()
        );
    }
}

/// Reads the text of every cell of a sheet, row by row, cells joined by `|`.
fn sheet_text(bytes: &[u8], sheet: &str) -> Vec<String> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    (0..range.height())
        .map(|r| {
            (0..range.width())
                .map(|c| cell_str(&range, r, c))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn data_errors_are_counted_once_and_listed_with_their_cells() {
    let mut b = Builder::default();
    b.unit("东村", 2, 15000.0)
        .unit("西村", 3, 15000.0)
        .unit("南村", 1, 10000.0);
    let dc = |b: &mut Builder, id: &str, unit: &str, m: Measure| {
        b.person(
            id,
            unit,
            m,
            d(2024, 6, 3),
            Some(d(2024, 6, 5)),
            Status::Active,
            None,
        )
    };
    let d1 = dc(&mut b, "DC001", "东村", Measure::Detox);
    // The same person entered again under another 编号 (same 公民身份号码): D005.
    let d2 = dc(&mut b, "DC009", "东村", Measure::Detox);
    b.diligent_year(d1);
    let w1 = dc(&mut b, "XC001", "西村", Measure::Detox);
    // 措施类型 typed wrong (D009) and 报到日期 that is no date (D002).
    let w2 = dc(&mut b, "XC002", "西村", Measure::Rehab);
    let w3 = dc(&mut b, "XC003", "西村", Measure::Detox);
    b.diligent_year(w1).diligent_year(w2).diligent_year(w3);
    // Never reported in: decided 2025-03-01, the statutory 15 days long past (P102).
    let n1 = b.person(
        "NC001",
        "南村",
        Measure::Detox,
        d(2025, 3, 1),
        None,
        Status::Active,
        None,
    );
    b.reg.persons[n1].report_date = None;
    let reg = b.build();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台帐.xlsx");
    let same_id = resident_id(d1);
    write_workbook_with(
        &reg,
        &path,
        &[
            (d2, "公民身份号码", &same_id),
            (w2, "措施类型", "社区康夏"),
            (w3, "报到日期", "2025-13-45"),
        ],
    );
    let profile = Profile::standard();
    let scheme = Scheme::default_scheme().unwrap();
    let r =
        rehabdocs::report::report_for_file(&path, &profile, &scheme, 2025, &FiledReports::none())
            .unwrap();

    // 东村: DC001 once. Due tests: term year 1 (from 2024-06-03) for 153 of its 365 days
    // in 2025 (6 × 153/365 = 2.51) and term year 2 for 212 of 365 (4 × 212/365 = 2.32):
    // 4.84, rounded up once to 5 (floored per piece it was 2 + 2 = 4).
    let e = unit(&r, "东村");
    assert_eq!(e.figures.in_programme(), 1);
    assert_eq!(e.figures.obligations.tests_due, 5);
    assert_eq!(e.figures.obligations.tests_done, 6);
    assert_eq!(e.figures.obligations.talks_due, 12);
    assert_eq!(e.figures.obligations.self_reports_due, 24);
    assert_eq!(e.figures.obligations.evaluations_due, 4);
    assert_eq!(e.rates.talk_rate, Some(1.0));
    // 西村: XC001 社区戒毒, XC002 措施不明 (still in 在册, still owing), XC003 left out.
    let w = unit(&r, "西村");
    assert_eq!(
        (
            w.figures.in_detox,
            w.figures.in_rehab,
            w.figures.in_unknown_measure
        ),
        (1, 0, 1)
    );
    assert_eq!(w.figures.obligations.talks_due, 24);
    assert_eq!(w.figures.obligations.talks_done, 24);
    // 南村: the P102 is a serious breach, not reported: no points on 严重违规报告率.
    let s = unit(&r, "南村");
    assert_eq!(s.figures.breaches, 1);
    assert_eq!(s.figures.breaches_by_code.get("P102"), Some(&1));
    assert_eq!(s.figures.breaches_reported, 0);
    let ind = s
        .indicators
        .iter()
        .find(|i| i.id == "breach_reports")
        .unwrap();
    assert_eq!(ind.points, 0.0);

    // 数据质量说明: each error with its treatment and cell.
    let q = &r.data_quality;
    assert_eq!(
        (
            q.duplicate_persons,
            q.persons_unknown_measure,
            q.persons_without_report_date
        ),
        (1, 1, 1),
        "{:#?}",
        q.notes
    );
    let note = |cell: &str| {
        q.notes
            .iter()
            .find(|n| n.cells.first().map(String::as_str) == Some(cell))
            .unwrap_or_else(|| panic!("{cell}: {:#?}", q.notes))
    };
    // Rows: title 1, header 2, persons from 3 (DC001 3, DC009 4, XC001 5, XC002 6, XC003 7).
    assert_eq!(note("人员!C4").treatment.label(), "未计入");
    assert_eq!(note("人员!C4").person, "DC009");
    assert_eq!(note("人员!F6").treatment.label(), "存疑");
    assert_eq!(note("人员!H7").treatment.label(), "未计入");
    assert_eq!(q.rules.len(), 5);
    assert!(
        r.summary.iter().any(|s| s.contains("数据质量说明")),
        "{:?}",
        r.summary
    );
    // The same in the XLSX, the JSON and the PDF; no resident ID in full anywhere.
    let bytes = xlsx::to_xlsx(&r).unwrap();
    let rows = sheet_text(&bytes, "数据质量说明");
    for cell in ["人员!C4", "人员!F6", "人员!H7"] {
        assert!(
            rows.iter().any(|row| row.contains(cell)),
            "{cell}: {rows:?}"
        );
    }
    let json_text = json::to_json(&r);
    let pdf_text = pdf_text(&pdf::render_pdf(&r).unwrap());
    assert!(pdf_text.contains("六、数据质量说明"));
    assert!(pdf_text.contains("人员!C4"));
    for i in 0..reg.persons.len() {
        let id = resident_id(i);
        assert!(!json_text.contains(&id), "{id} in the JSON");
        assert!(!pdf_text.contains(&id), "{id} in the PDF");
    }
}

/// Events exactly as the standard profile's schedule asks, for a person reported in on
/// `report` and followed to `end`: the term year's tests spread evenly from its first day,
/// one talk and two self-reports in every whole calendar month, an evaluation in every whole
/// quarter.
fn exactly_the_schedule(b: &mut Builder, p: usize, report: NaiveDate, end: NaiveDate) {
    use chrono::Datelike;
    let per_year = [6u32, 4, 2];
    for (k, n) in per_year.iter().enumerate() {
        let start = report
            .checked_add_months(chrono::Months::new(12 * k as u32))
            .unwrap();
        let next = report
            .checked_add_months(chrono::Months::new(12 * (k as u32 + 1)))
            .unwrap();
        let days = (next - start).num_days();
        for j in 0..*n {
            let date = start + chrono::Days::new((days * j as i64 / *n as i64) as u64);
            if date <= end {
                b.test(p, date, TestResult::Negative);
            }
        }
    }
    let mut month = NaiveDate::from_ymd_opt(report.year(), report.month(), 1).unwrap();
    while month <= end {
        let last = month.checked_add_months(chrono::Months::new(1)).unwrap() - chrono::Days::new(1);
        if month >= report && last <= end {
            b.contact(p, month + chrono::Days::new(4), ContactKind::FaceToFace);
            b.contact(p, month + chrono::Days::new(7), ContactKind::SelfReport);
            b.contact(p, month + chrono::Days::new(20), ContactKind::SelfReport);
            if month.month() % 3 == 1 {
                let q_last = month.checked_add_months(chrono::Months::new(3)).unwrap()
                    - chrono::Days::new(1);
                if q_last <= end && month.year() == 2025 {
                    b.evaluation(
                        p,
                        q_last - chrono::Days::new(3),
                        (month.month() / 3 + 1) as u8,
                    );
                }
            }
        }
        month = month.checked_add_months(chrono::Months::new(1)).unwrap();
    }
}

#[test]
fn no_rate_exceeds_100_percent_when_the_register_holds_exactly_the_schedule() {
    let mut b = Builder::default();
    // Each unit one person: term years across the year, a leap-day start, a start in the
    // year, a term that ends in the year, a start on 1 January.
    let cases = [
        ("甲村", d(2023, 6, 15), 36),
        ("乙村", d(2024, 2, 29), 36),
        ("丙村", d(2025, 3, 15), 36),
        ("丁村", d(2022, 8, 1), 36),
        ("戊村", d(2025, 1, 1), 36),
    ];
    for (i, (name, report, months)) in cases.iter().enumerate() {
        b.unit(name, 1, 10000.0);
        let p = b.person(
            &format!("S{i}"),
            name,
            Measure::Detox,
            *report,
            Some(*report),
            Status::Active,
            None,
        );
        b.reg.persons[p].term_months = *months;
        let term_end = report
            .checked_add_months(chrono::Months::new(*months))
            .unwrap()
            - chrono::Days::new(1);
        exactly_the_schedule(&mut b, p, *report, term_end.min(d(2025, 12, 31)));
    }
    let r = report_2025(&b.build(), &[]);
    let areas = r
        .units
        .iter()
        .map(|u| (u.unit.clone(), &u.rates))
        .chain([("合计".to_string(), &r.total.rates)]);
    for (name, rates) in areas {
        for (what, rate) in [
            ("检测", rates.test_rate),
            ("谈话", rates.talk_rate),
            ("本人报告", rates.self_report_rate),
            ("评估", rates.evaluation_rate),
        ] {
            assert!(
                rate.is_some_and(|x| x <= 1.0),
                "{name} {what}完成率 {rate:?}"
            );
        }
    }
    // 甲村: term year 2 until 2025-06-14 (4 tests, one of them in 2025), term year 3 from
    // 2025-06-15 (2 tests, both in 2025): 3 done against 4 × 165/365 + 2 × 200/365 = 2.90 → 3
    // due (floored per piece it was 1 + 1 = 2, a rate of 150 %).
    let a = unit(&r, "甲村");
    assert_eq!(
        (
            a.figures.obligations.tests_done,
            a.figures.obligations.tests_due
        ),
        (3, 3)
    );
    assert_eq!(a.rates.test_rate, Some(1.0));
    // Whole months and quarters: exactly what was due.
    for u in &r.units {
        assert_eq!(u.rates.talk_rate, Some(1.0), "{}", u.unit);
        assert_eq!(u.rates.evaluation_rate, Some(1.0), "{}", u.unit);
    }
}

#[test]
fn comparison_words_are_honest_and_unrelated_registers_are_flagged() {
    let reg = town_register();
    let mut r = report_2025(&reg, &[]);
    // Both years over the target: full points both years, no "fall" between them.
    let due = r.total.figures.obligations.tests_due;
    r.total.figures.obligations.tests_done = due + 5;
    r.total.rates = rehabdocs::report::Rates::of(&r.total.figures);
    let mut prev = r.clone();
    prev.year = 2024;
    prev.total.figures.obligations.tests_done = due + 10;
    prev.total.figures.registered_users = r.total.figures.registered_users;
    rehabdocs::report::attach_previous(&mut r, &prev);
    let last = r.summary.last().unwrap();
    assert!(last.contains("检测完成率两年均达到目标"), "{last}");
    assert!(!last.contains("检测完成率下降"), "{last}");
    assert!(last.contains("实有吸毒人员持平，"), "{last}");
    assert!(!last.contains("持平名"), "{last}");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    // A register of other villages: said plainly, first.
    let mut other = Builder::default();
    other.unit("别村", 1, 10000.0);
    other.person(
        "O1",
        "别村",
        Measure::Detox,
        d(2024, 1, 1),
        Some(d(2024, 1, 1)),
        Status::Active,
        None,
    );
    let other = other.build();
    let scheme = Scheme::default_scheme().unwrap();
    let prev = build_report(
        &other,
        &[],
        &Profile::standard(),
        &scheme,
        2024,
        &FiledReports::none(),
    )
    .unwrap();
    let mut r = report_2025(&reg, &[]);
    rehabdocs::report::attach_previous(&mut r, &prev);
    assert!(
        r.warnings[0].contains("没有相同的村（社区）"),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.summary[0], r.warnings[0]);
    assert!(r.units.iter().all(|u| u.previous.is_none()));
    // Last year's columns wherever this year's are: 各单位指标 and 汇总 too.
    let bytes = xlsx::to_xlsx(&r).unwrap();
    let units = sheet_text(&bytes, "各单位指标");
    assert!(units[0].contains("上年检测完成率"), "{}", units[0]);
    let summary = sheet_text(&bytes, "汇总");
    assert!(
        summary.iter().any(|row| row.contains("青山镇（上年）")),
        "{summary:?}"
    );
}

#[test]
fn the_workbook_is_laid_out_for_printing() {
    let r = report_2025(&town_register(), &[]);
    let bytes = xlsx::to_xlsx(&r).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
    let mut read = |name: &str| {
        use std::io::Read;
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let workbook = read("xl/workbook.xml");
    for i in 1..=9 {
        let sheet = read(&format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains("orientation=\"landscape\""), "sheet{i}");
        assert!(sheet.contains("fitToPage=\"1\""), "sheet{i}");
        assert!(sheet.contains("fitToHeight=\"0\""), "sheet{i}");
        assert!(
            sheet.contains("&amp;P") && sheet.contains("&amp;N"),
            "sheet{i}"
        );
    }
    assert!(workbook.contains("_xlnm.Print_Titles"), "{workbook}");
    // The charts on a sheet of their own, a page break between them.
    let charts = read("xl/worksheets/sheet10.xml");
    assert!(charts.contains("<drawing"), "{charts}");
    // 汇总: the title first, then one row per figure.
    let summary = sheet_text(&bytes, "汇总");
    assert!(summary[0].starts_with(&r.title), "{}", summary[0]);
    assert!(
        summary.iter().any(|row| row.starts_with("实有吸毒人员|8")),
        "{summary:?}"
    );
    assert!(
        summary.iter().any(|row| row.starts_with("检测完成率|")),
        "{summary:?}"
    );
}
