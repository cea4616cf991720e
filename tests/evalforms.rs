//! The evaluation and term-end forms as a clerk signs, serves and files them: the total
//! evaluation (its years follow the term, room for the group's and the town's opinions), the
//! quarterly evaluation (only that quarter's problems, in words), the discharge proposal (the
//! evaluations' conclusions), the discharge notice (公民身份号码, 抄送 below the seal), the
//! transfer letter (the statutory 15 days and a 回执) and the test commission (a testing body,
//! persons counted once, a term and a fee). Each rendered for a 社区戒毒 and a 社区康复 person;
//! text extracted from the PDFs.

mod common;
use common::*;

use rehabdocs::check::{check_loaded, Selection};
use rehabdocs::model::*;
use rehabdocs::paperwork::generate::{generate, GenerateOptions};
use rehabdocs::paperwork::ledger::LEDGER_FILE;
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::paperwork::Office;
use rehabdocs::profile::Profile;
use std::path::{Path, PathBuf};

/// The text of each page of a PDF, whitespace removed.
fn pages_of(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes)
        .unwrap()
        .into_iter()
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

/// Documents rendered from a register: (form, 编号 or unit, file).
struct Rendered {
    _dir: tempfile::TempDir,
    docs: Vec<(String, String, PathBuf)>,
}

impl Rendered {
    fn file(&self, form: &str, who: &str) -> &Path {
        self.docs
            .iter()
            .find(|(f, w, _)| f == form && w == who)
            .map(|(_, _, p)| p.as_path())
            .unwrap_or_else(|| panic!("no {form} for {who}: {:?}", self.docs))
    }
    fn text(&self, form: &str, who: &str) -> String {
        text_of(self.file(form, who))
    }
}

/// Checks the register as of `as_of` and renders `forms` for `persons` (empty: everyone).
fn render_with(
    r: Register,
    forms: &[&str],
    persons: &[&str],
    as_of: &str,
    office: Office,
    quarter: Option<(i32, u8)>,
) -> Rendered {
    let as_of = d(as_of);
    let profile = Profile::standard();
    let report = check_loaded(r, vec![], &profile, as_of, &Selection::default());
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let mut o = GenerateOptions::new(
        PlanOptions {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            persons: persons.iter().map(|s| s.to_string()).collect(),
            quarter,
            ..PlanOptions::default()
        },
        as_of,
    );
    o.office = office;
    o.ledger = Some(dir.path().join(LEDGER_FILE));
    let out = generate(&report.register, &report.findings, &profile, &out_dir, &o).unwrap();
    let docs = out
        .rows
        .iter()
        .map(|row| {
            let who = if row.person_id.is_empty() {
                row.unit.clone()
            } else {
                row.person_id.clone()
            };
            (row.form.clone(), who, out_dir.join(&row.file))
        })
        .collect::<Vec<(String, String, PathBuf)>>();
    // To look at the pages: EVALFORMS_KEEP=/some/dir keeps a copy of every PDF there.
    if let Ok(keep) = std::env::var("EVALFORMS_KEEP") {
        std::fs::create_dir_all(&keep).unwrap();
        for (_, _, f) in &docs {
            std::fs::copy(f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
        }
    }
    Rendered { _dir: dir, docs }
}

fn render(r: Register, forms: &[&str], as_of: &str) -> Rendered {
    render_with(r, forms, &[], as_of, Office::default(), None)
}

/// The office's name for the 城关镇 of the builder.
fn office_name() -> String {
    Office::default().name_for("城关镇")
}

// ------------------------------------------------------------------ 总评估表

#[test]
fn the_total_evaluation_has_the_years_of_the_term_and_room_for_the_opinions() {
    let mut b = B::new();
    // 社区康复 for 24 months, ended 2025-02-28; 社区戒毒 for 36 months, ended 2025-02-28.
    let r2 = b.person("R2", "2023-03-01", |p| {
        p.measure = Some(Measure::Rehab);
        p.term_months = 24;
    });
    b.compliant(r2, "2023-03-01", "2025-02-28");
    let r3 = b.person("R3", "2022-03-01", |_| {});
    b.compliant(r3, "2022-03-01", "2025-02-28");
    b.eval(r3, "2025-02-28", EvalPeriod::Total);
    if let Some(e) = b.r.evaluations.last_mut() {
        e.evaluator = Some("王评估".into());
    }
    let out = render(b.done(), &["total_evaluation"], "2025-06-30");

    let two = out.text("total_evaluation", "R2");
    assert!(two.contains("社区康复人员期满总评估表"), "{two}");
    assert!(!two.contains("三年"), "a two-year term: {two}");
    assert!(two.contains("两年"), "{two}");
    assert!(two.contains("第一年") && two.contains("第二年"), "{two}");
    assert!(!two.contains("第三年"), "{two}");
    assert!(two.contains("2024年3月1日至2025年2月28日"), "{two}");
    // 24 monthly tests, all done.
    assert!(two.contains("24/24"), "{two}");
    assert!(
        two.contains("□良好"),
        "no total evaluation in the register: {two}"
    );

    let three = out.text("total_evaluation", "R3");
    assert!(three.contains("社区戒毒人员三年总评估表"), "{three}");
    assert!(
        three.contains("第一年") && three.contains("第二年") && three.contains("第三年"),
        "{three}"
    );
    assert!(!three.contains("第四年"), "{three}");
    assert!(three.contains("36/36"), "{three}");
    assert!(
        three.contains("良好（2025年2月28日评估，评估人：王评估）"),
        "{three}"
    );

    for text in [&two, &three] {
        assert!(text.contains("帮教小组意见"), "{text}");
        assert!(text.contains("乡镇（街道）意见"), "{text}");
        assert!(text.contains("帮教小组组长（签名）"), "{text}");
        // The seal line carries the office's full name.
        assert!(
            text.contains(&format!("{}（盖章）", office_name())),
            "{text}"
        );
        assert!(!text.contains("乡镇（街道）（盖章）"), "{text}");
        // Signed and dated by hand: no pre-printed group leader, no as-of date.
        assert!(!text.contains("2025年6月30日"), "{text}");
    }
}

// ------------------------------------------------------------------ 季度评估表

/// Whether a text holds a cell reference (`人员!D7`) or a rule code (`P110`).
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
    hits
}

#[test]
fn the_quarterly_evaluation_lists_only_its_quarters_problems_in_words() {
    let mut b = B::new();
    let k = b.person("Q1", "2024-10-01", |_| {});
    b.compliant(k, "2024-10-01", "2025-06-30");
    // First quarter: a refusal and February without a talk.
    b.test(k, "2025-02-11", TestResult::Refused);
    // Second quarter: an evasion, April without a talk, a departure without leave.
    b.test(k, "2025-05-12", TestResult::Evaded);
    b.leave(k, "2025-06-01", Some("2025-06-05"), false);
    let r = b.person("Q2", "2024-10-01", |p| p.measure = Some(Measure::Rehab));
    b.compliant(r, "2024-10-01", "2025-06-30");
    b.r.contacts.retain(|c| {
        let month = c.date.format("%Y-%m").to_string();
        !(c.person == k
            && c.kind == ContactKind::FaceToFace
            && (month == "2025-02" || month == "2025-04"))
            && !(c.person == r && c.kind == ContactKind::SelfReport && month == "2025-05")
    });
    let out = render_with(
        b.done(),
        &["quarterly_evaluation"],
        &[],
        "2025-07-10",
        Office::default(),
        Some((2025, 2)),
    );

    let detox = out.text("quarterly_evaluation", "Q1");
    assert!(detox.contains("社区戒毒人员季度评估表"), "{detox}");
    assert!(detox.contains("2025年第二季度"), "{detox}");
    assert!(detox.contains("四、检查发现的问题（3项）"), "{detox}");
    assert!(
        detox.contains("2025年4月面对面谈话0次，少于应有的1次"),
        "{detox}"
    );
    assert!(detox.contains("2025年5月12日逃避接受检测"), "{detox}");
    assert!(
        detox.contains("2025年6月1日未经批准擅自离开，2025年6月5日返回"),
        "{detox}"
    );
    // Nothing of the first quarter, no rule codes, no cells.
    assert!(!detox.contains("2025年2月"), "{detox}");
    assert!(internal_words(&detox).is_empty(), "{detox}");
    // Signed by hand: blank lines, no names printed.
    assert!(detox.contains("帮教小组组长（签名）"), "{detox}");

    let rehab = out.text("quarterly_evaluation", "Q2");
    assert!(rehab.contains("社区康复人员季度评估表"), "{rehab}");
    assert!(rehab.contains("四、检查发现的问题（1项）"), "{rehab}");
    assert!(
        rehab.contains("2025年5月本人报告0次，少于应有的2次"),
        "{rehab}"
    );
    assert!(internal_words(&rehab).is_empty(), "{rehab}");
    // The register's evaluation of the quarter: its conclusion, dated by the evaluator.
    assert!(rehab.contains("评估结论：良好"), "{rehab}");
    assert!(rehab.contains("2025年6月30日"), "{rehab}");

    // The heading of the problems stays on the page of its table.
    for (who, first) in [("Q1", "2025年4月面对面谈话"), ("Q2", "2025年5月本人报告")] {
        let pages = pages_of(out.file("quarterly_evaluation", who));
        let page = pages
            .iter()
            .find(|p| p.contains("四、检查发现的问题"))
            .unwrap();
        let at = page.find("四、检查发现的问题").unwrap();
        assert!(page[at..].contains(first), "{who}: {page}");
    }
}

// ------------------------------------------------------------------ 解除意见书, 解除通知书

/// A 社区戒毒 person (36 months, total evaluation by 王评估, one quarter 一般) and a 社区康复
/// person (24 months, no total evaluation), both ended by 2025-02-28.
fn ended_terms() -> Register {
    let mut b = B::new();
    let e1 = b.person("E1", "2022-03-01", |p| {
        p.resident_id = Some("110101199003071234".into());
    });
    b.compliant(e1, "2022-03-01", "2025-02-28");
    b.eval(e1, "2025-02-28", EvalPeriod::Total);
    let e2 = b.person("E2", "2023-03-01", |p| {
        p.measure = Some(Measure::Rehab);
        p.term_months = 24;
        p.resident_id = Some("11010519491231002X".into());
    });
    b.compliant(e2, "2023-03-01", "2025-02-28");
    for e in b.r.evaluations.iter_mut().filter(|e| e.person == e1) {
        e.evaluator = Some("王评估".into());
        if e.period
            == (EvalPeriod::Quarter {
                year: 2024,
                quarter: 3,
            })
        {
            e.conclusion = Conclusion::Fair;
        }
    }
    b.done()
}

#[test]
fn the_discharge_proposal_lists_every_evaluations_conclusion() {
    let out = render(ended_terms(), &["discharge_proposal"], "2025-06-30");
    let detox = out.text("discharge_proposal", "E1");
    assert!(detox.contains("解除社区戒毒意见书"), "{detox}");
    // The builder evaluates each quarter ended inside the term: 2022 Q1 … 2024 Q4.
    assert!(
        detox.contains("季度评估12次（良好11次、一般1次、较差0次）"),
        "{detox}"
    );
    assert!(
        detox.contains("期满总评估于2025年2月28日作出，结论为良好"),
        "{detox}"
    );
    assert!(
        detox.contains("2022年第二季度2022年6月30日良好王评估"),
        "{detox}"
    );
    assert!(
        detox.contains("2024年第三季度2024年9月30日一般王评估"),
        "{detox}"
    );
    assert!(
        detox.contains("期满总评估2025年2月28日良好王评估"),
        "{detox}"
    );
    // The proposal comes after the evaluations, with the seal.
    let table = detox.find("历次评估结论如下").unwrap();
    assert!(detox[table..].contains("建议依法解除其社区戒毒"), "{detox}");

    let rehab = out.text("discharge_proposal", "E2");
    assert!(rehab.contains("解除社区康复意见书"), "{rehab}");
    assert!(rehab.contains("台帐未记录总评估"), "{rehab}");
    assert!(rehab.contains("2024年第四季度"), "{rehab}");
    assert!(rehab.contains("《戒毒条例》第四十条"), "{rehab}");
}

#[test]
fn the_discharge_notice_names_the_id_and_puts_the_copy_line_below_the_seal() {
    let out = render(ended_terms(), &["discharge_notice"], "2025-06-30");
    for (who, id, title) in [
        ("E1", "110101199003071234", "解除社区戒毒通知书"),
        ("E2", "11010519491231002X", "解除社区康复通知书"),
    ] {
        let text = out.text("discharge_notice", who);
        assert!(text.contains(title), "{text}");
        assert!(text.contains(&format!("（公民身份号码：{id}）")), "{text}");
        assert!(text.contains("草稿"), "{text}");
        let seal = text
            .find("某县公安局（印章）")
            .or_else(|| text.find("（印章）"));
        let seal = seal.unwrap_or_else(|| panic!("{text}"));
        let copy = text.find("抄送").unwrap_or_else(|| panic!("{text}"));
        assert!(seal < copy, "抄送 below the seal and date: {text}");
        assert!(text[copy..].contains(&office_name()), "{text}");
        // The police date it when they issue it.
        assert!(!text.contains("2025年6月30日"), "{text}");
    }
}

// ------------------------------------------------------------------ 变更执行地移交函

#[test]
fn the_transfer_letter_states_the_statutory_fifteen_days_and_carries_a_receipt() {
    let mut b = B::new();
    b.person("T1", "2024-03-01", |p| {
        p.status = Some(Status::Transferred);
        p.status_date = Some(d("2025-06-01"));
        p.resident_id = Some("110101199003071234".into());
    });
    b.person("T2", "2024-03-01", |p| {
        p.measure = Some(Measure::Rehab);
        p.status = Some(Status::Transferred);
        p.status_date = None;
    });
    let out = render(b.done(), &["transfer_letter"], "2025-06-30");
    let detox = out.file("transfer_letter", "T1");
    let text = text_of(detox);
    assert!(!text.contains("规定期限"), "{text}");
    assert!(text.contains("《戒毒条例》第二十二条的规定"), "{text}");
    assert!(
        text.contains("自执行地变更之日起十五日内（即最迟于2025年6月16日）到你处报到"),
        "{text}"
    );
    assert!(text.contains("社区戒毒时间自报到之日起连续计算"), "{text}");
    // The 回执 on a page of its own, after the letter's seal.
    let pages = pages_of(detox);
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[0].contains(&office_name()), "{}", pages[0]);
    assert!(!pages[0].contains("接收单位"), "{}", pages[0]);
    let receipt = &pages[1];
    assert!(receipt.starts_with("回执"), "{receipt}");
    assert!(
        receipt.contains(&format!("{}：", office_name())),
        "{receipt}"
    );
    assert!(
        receipt.contains("移交材料已收到，该人员已于年月日到我处报到"),
        "{receipt}"
    );
    assert!(
        receipt.contains("人员T1（公民身份号码110101199003071234）"),
        "{receipt}"
    );
    assert!(receipt.contains("接收单位（盖章）：年月日"), "{receipt}");

    // 社区康复, no date of the change in the register: the days without a last day.
    let rehab = text_of(out.file("transfer_letter", "T2"));
    assert!(
        rehab.contains("自执行地变更之日起十五日内到你处报到"),
        "{rehab}"
    );
    assert!(
        rehab.contains("社区康复时间自报到之日起连续计算"),
        "{rehab}"
    );
    assert!(
        rehab.contains("《戒毒条例》第二十二条、第三十七条"),
        "{rehab}"
    );
    assert!(rehab.contains("回执"), "{rehab}");
}

// ------------------------------------------------------------------ 尿检委托协议书

#[test]
fn the_test_commission_names_a_testing_body_counts_each_person_once_and_has_a_term_and_fee() {
    let register = || {
        let mut b = B::new();
        let a1 = b.person("A1", "2025-01-01", |p| {
            p.resident_id = Some("110101199003071234".into());
        });
        // A1 entered a second time under another 编号 (D005): one person.
        b.person("A9", "2025-01-01", |p| {
            p.resident_id = Some("110101199003071234".into());
        });
        // 社区康复, reported in.
        b.person("A2", "2025-02-01", |p| p.measure = Some(Measure::Rehab));
        // Never reported in; discharged; term over: none of them tested.
        b.person("B1", "2025-03-01", |p| p.report_date = None);
        b.person("C1", "2022-01-01", |p| {
            p.status = Some(Status::Discharged);
            p.status_date = Some(d("2024-12-31"));
        });
        b.person("C2", "2021-01-01", |_| {});
        b.test(a1, "2025-03-10", TestResult::Negative);
        b.r.tests[0].lab = Some("城关派出所".into());
        b.test(a1, "2025-04-10", TestResult::Negative);
        b.r.tests[1].lab = Some("城关镇卫生院".into());
        b.done()
    };
    let out = render(register(), &["test_commission"], "2025-06-30");
    let (_, _, file) = out
        .docs
        .iter()
        .find(|(f, _, _)| f == "test_commission")
        .unwrap();
    let text = text_of(file);
    assert!(text.contains("受托方（乙方）：城关镇卫生院"), "{text}");
    assert!(!text.contains("派出所"), "{text}");
    assert!(text.contains("现有2人"), "{text}");
    assert!(
        text.contains("委托期限：自本协议签订之日起至2025年12月31日止"),
        "{text}"
    );
    assert!(text.contains("检测费用：每人次________元"), "{text}");
    // Not signed yet: dated by hand.
    assert!(!text.contains("2025年6月30日"), "{text}");

    // A 派出所 given as the testing body is not a commissioned body: a line to fill.
    let office = Office::from_profile(
        &rehabdocs::profile::OfficeSettings {
            testing_body: Some("城关派出所".into()),
            ..Default::default()
        },
        rehabdocs::paperwork::OfficeFlags::default(),
    );
    let out = render_with(
        register(),
        &["test_commission"],
        &[],
        "2025-06-30",
        office,
        None,
    );
    let text = text_of(&out.docs[0].2);
    assert!(text.contains("受托方（乙方）：________"), "{text}");
    assert!(!text.contains("派出所"), "{text}");
}
