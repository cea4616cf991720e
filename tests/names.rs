//! Forms and files named as a clerk names them: `--form 告诫书`, `rehabdocs forms`, Chinese
//! file names, and a person's whole file as one PDF (`generate --person 编号 --archive`).

mod common;
use chrono::NaiveDate;
use common::text_of;
use rehabdocs::model::{
    Contact, ContactKind, Leave, Measure, Person, Register, Status, Test, TestResult,
};
use rehabdocs::paperwork::generate::{
    generate, GenerateError, GenerateOptions, FOLDER_LOCK, MANIFEST_CSV,
};
use rehabdocs::paperwork::ledger::LEDGER_FILE;
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::profile::Profile;
use std::path::Path;
use std::process::Command;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(row: u32, id: &str, name: &str, unit: &str, measure: Measure) -> Person {
    common::full_person(row, id, name, unit, measure)
}

/// 张新建 (社区戒毒, 北街村) refused a test on 2025-05-12, not yet warned, and took two leaves;
/// 李娜 (社区康复, 东风社区) has a clean record.
fn register() -> Register {
    let mut r = Register::default();
    r.source = "测试台帐.xlsx".into();
    r.persons
        .push(person(1, "SQ00008", "张新建", "北街村", Measure::Detox));
    r.persons
        .push(person(2, "SQ00009", "李娜", "东风社区", Measure::Rehab));
    for (row, date, result) in [
        (1, d(2025, 4, 10), TestResult::Negative),
        (2, d(2025, 5, 12), TestResult::Refused),
    ] {
        r.tests.push(Test {
            row,
            person: 0,
            date,
            method: Some("尿检".into()),
            result,
            lab: Some("东城镇卫生院".into()),
            tester: None,
            unannounced: false,
        });
    }
    r.contacts.push(Contact {
        row: 1,
        person: 0,
        date: d(2025, 4, 15),
        kind: ContactKind::FaceToFace,
        worker: Some("王社工".into()),
        summary: Some("了解近况".into()),
    });
    for (row, from, to) in [
        (1, d(2025, 4, 20), d(2025, 4, 21)),
        (2, d(2025, 6, 1), d(2025, 6, 3)),
    ] {
        r.leaves.push(Leave {
            row,
            person: 0,
            leave_date: from,
            return_date: Some(to),
            approved_until: None,
            destination: Some("市区".into()),
            reason: Some("探亲".into()),
            approved: true,
            approver: Some("李组长".into()),
        });
    }
    r.finalize();
    r
}

fn opts(forms: &[&str], persons: &[&str], office: &tempfile::TempDir) -> GenerateOptions {
    let mut o = GenerateOptions::new(
        PlanOptions {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            persons: persons.iter().map(|s| s.to_string()).collect(),
            ..PlanOptions::default()
        },
        d(2025, 7, 1),
    );
    o.ledger = Some(office.path().join(LEDGER_FILE));
    o
}

/// The text of a PDF with all whitespace removed (extractors put spaces between glyphs).
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of each page.
fn pages_of(path: &Path) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(&std::fs::read(path).unwrap())
        .unwrap()
        .iter()
        .map(|p| squeeze(p))
        .collect()
}

/// The files a clerk sees in `dir` (the folder's hidden lock file left out).
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != FOLDER_LOCK)
        .collect();
    names.sort();
    names
}

#[test]
fn forms_are_asked_for_by_chinese_title_or_short_name_and_files_are_named_in_chinese() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let o = opts(
        &["社区戒毒协议书", "告诫书", "请假审批表"],
        &["SQ00008"],
        &office,
    );
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    let forms: Vec<&str> = out.rows.iter().map(|r| r.form.as_str()).collect();
    assert_eq!(
        forms,
        [
            "agreement",
            "warning_letter",
            "receipt_of_service",
            "leave_approval",
            "leave_approval"
        ]
    );
    let files: Vec<&str> = out.rows.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "北街村_SQ00008_张新建_协议书.pdf",
            "北街村_SQ00008_张新建_告诫书.pdf",
            "北街村_SQ00008_张新建_告诫书_送达回证.pdf",
            "北街村_SQ00008_张新建_请假审批表_2025-04-20.pdf",
            "北街村_SQ00008_张新建_请假审批表_2025-06-01.pdf",
        ]
    );
    for f in &files {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    // Each file holds its document: the receipt names the warning's number.
    let letter = text_of(&dir.path().join(files[1]));
    assert!(letter.contains("社区戒毒告诫书"), "{letter}");
    let receipt = text_of(&dir.path().join(files[2]));
    assert!(receipt.contains("送达回证"), "{receipt}");
    assert!(receipt.contains("东禁告〔2025〕1号"), "{receipt}");
    let second_leave = text_of(&dir.path().join(files[4]));
    assert!(second_leave.contains("2025年6月1日"), "{second_leave}");
    assert!(!second_leave.contains("2025年4月20日"), "{second_leave}");
    // The manifest points at the same files; no name is an id, a rule code or a cell.
    let manifest = std::fs::read_to_string(dir.path().join(MANIFEST_CSV)).unwrap();
    for f in &files {
        assert!(manifest.contains(f), "{manifest}");
    }
    assert!(
        manifest.contains("\n告诫书,社区戒毒告诫书,SQ00008,张新建,北街村,东禁告〔2025〕1号"),
        "{manifest}"
    );
    assert!(!manifest.contains("warning_letter"), "{manifest}");
    for f in files_in(dir.path()) {
        assert!(!f.is_ascii(), "{f}");
        for bad in ["warning_letter", "receipt", "agreement", "@", "P1", "!"] {
            assert!(!f.contains(bad), "{f}");
        }
    }
}

#[test]
fn names_a_clerk_types_that_are_no_form_are_refused_with_the_chinese_choices() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let o = opts(&["告诫"], &["SQ00008"], &office);
    let err = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("未知的文书：告诫"), "{msg}");
    for short in [
        "告诫书（warning_letter）",
        "协议书（agreement）",
        "档案封面",
    ] {
        assert!(msg.contains(short), "{msg}");
    }
    assert!(msg.contains("rehabdocs forms"), "{msg}");
}

#[test]
fn the_forms_command_lists_every_form_with_its_titles_and_when_it_is_due() {
    let out = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .arg("forms")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for form in rehabdocs::paperwork::forms::all() {
        assert!(
            text.contains(&format!("{}（{}）", form.short, form.id)),
            "{text}"
        );
        assert!(text.contains(&form.title), "{text}");
        assert!(!form.due.trim().is_empty(), "{}", form.id);
        assert!(text.contains(form.due.trim()), "{text}");
    }
    assert!(
        text.contains("社区戒毒告诫书（社区戒毒）／社区康复告诫书（社区康复）"),
        "{text}"
    );
    assert!(text.contains("每人每季度一份"), "{text}");
    assert!(text.contains("按需出具"), "{text}");
    // The help names the command and the Chinese form names in Chinese.
    let help = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["generate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("简称、标题或编号"), "{help}");
    assert!(help.contains("一人一档"), "{help}");
}

#[test]
fn the_cli_takes_a_chinese_form_name_and_an_archive_needs_one_person() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("台帐.xlsx");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sample.xlsx"),
        &register,
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
            .arg("generate")
            .arg(&register)
            .arg("-o")
            .arg(dir.path().join("文书"))
            .args(["--as-of", "2025-12-31", "--embedded-fonts-only"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--form", "信息登记表", "--person", "SQ00008"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir
        .path()
        .join("文书/北街村_SQ00008_张新建_信息登记表.pdf")
        .is_file());
    let out = run(&["--form", "登记"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("信息登记表（registration_form）"), "{err}");
    let out = run(&["--archive"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--person"), "{err}");
    let out = run(&["--archive", "--person", "SQ00008", "--merge"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_persons_archive_is_one_pdf_with_cover_index_and_every_document_at_its_page() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&[], &["SQ00008"], &office);
    o.archive = true;
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    let name = "北街村_SQ00008_张新建_一人一档.pdf";
    assert!(out.rows.iter().all(|r| r.file == name));
    assert_eq!(
        files_in(dir.path()),
        [name, "清单.csv", "清单.pdf"].map(String::from)
    );
    let forms: Vec<&str> = out.rows.iter().map(|r| r.form.as_str()).collect();
    assert_eq!(
        forms,
        [
            "archive_cover",
            "archive_index",
            "registration_form",
            "agreement",
            "warning_letter",
            "receipt_of_service",
            "quarterly_evaluation",
            "quarterly_evaluation",
            "leave_approval",
            "leave_approval",
            "talk_record",
            "test_record",
            "group_setup",
            "group_pledge",
        ]
    );
    // Forms the register does not support are held back, with the reason.
    let held: Vec<&str> = out.held.iter().map(|h| h.form.as_str()).collect();
    for form in ["discharge_proposal", "total_evaluation", "transfer_letter"] {
        assert!(held.contains(&form), "{held:?}");
    }
    assert!(out.held.iter().all(|h| !h.reasons.is_empty()));

    let pages = pages_of(&dir.path().join(name));
    let total: usize = out.rows.iter().map(|r| r.pages).sum();
    assert_eq!(pages.len(), total);
    // The cover.
    let cover = &pages[0];
    for want in [
        "社区戒毒人员档案",
        "东城镇社区戒毒(康复)工作办公室",
        "张新建",
        "SQ00008",
        "社区戒毒",
        "某公(禁)决字〔2025〕7号",
        "2025年3月1日至",
        "立卷人",
        "立卷日期",
        "保管期限",
    ] {
        assert!(cover.contains(want), "{want}: {cover}");
    }
    // The index: one line per document with the pages it is on, and each document's title
    // on the page the index gives.
    let index = &pages[1];
    assert!(index.contains("卷内目录"), "{index}");
    for word in ["序号", "文书名称", "文号", "日期", "页号"] {
        assert!(index.contains(word), "{index}");
    }
    let mut last = 2;
    let mut cursor = 0;
    for (k, row) in out.rows.iter().enumerate().skip(2) {
        assert!(row.first_page > last, "{row:?}");
        last = row.first_page + row.pages - 1;
        let span = if row.pages == 1 {
            row.first_page.to_string()
        } else {
            format!("{}-{}", row.first_page, last)
        };
        // The line of the document: its title, then (after its number and date) its pages.
        let prefix: String = squeeze(&row.title).chars().take(6).collect();
        let at = index[cursor..]
            .find(&prefix)
            .unwrap_or_else(|| panic!("{} not listed after {cursor}: {index}", row.title))
            + cursor;
        let next = out
            .rows
            .get(k + 1)
            .map(|r| squeeze(&r.title).chars().take(6).collect::<String>())
            .and_then(|p| index[at + prefix.len()..].find(&p))
            .map_or(index.len(), |n| n + at + prefix.len());
        // The line ends with the pages, then the next line's 序号.
        let tail = if k + 1 < out.rows.len() {
            format!("{span}{k}")
        } else {
            span.clone()
        };
        assert!(
            index[at..next].ends_with(&tail),
            "{span} for {}: {}",
            row.title,
            &index[at..next]
        );
        cursor = at + prefix.len();
        let page = &pages[row.first_page - 1];
        assert!(
            page.contains(&squeeze(&row.title)),
            "{} not on page {}: {page}",
            row.title,
            row.first_page
        );
        if out.rows[k - 1].title != row.title {
            let before = &pages[row.first_page - 2];
            assert!(
                !before.starts_with(&squeeze(&row.title)),
                "{} starts before page {}",
                row.title,
                row.first_page
            );
        }
    }
    // Each quarter's evaluation on its own page.
    let quarters: Vec<&str> = out
        .rows
        .iter()
        .filter(|r| r.form == "quarterly_evaluation")
        .map(|r| pages[r.first_page - 1].as_str())
        .collect();
    assert!(quarters[0].contains("2025年第一季度"), "{}", quarters[0]);
    assert!(quarters[1].contains("2025年第二季度"), "{}", quarters[1]);
    // Several documents of one form are told apart in the index by their event.
    assert!(index.contains("第1季度"), "{index}");
    assert!(index.contains("第2季度"), "{index}");
    assert!(index.contains("送达回证（告诫书）"), "{index}");
    assert!(index.contains("东禁告〔2025〕1号"), "{index}");
    // The documents themselves.
    let whole = pages.concat();
    assert!(whole.contains("2025年5月12日拒绝接受检测"), "{whole}");
    assert!(whole.contains("东禁协〔2025〕1号"), "{whole}");
}

#[test]
fn a_rehab_persons_archive_and_the_cover_and_index_alone_use_the_rehab_wording() {
    let mut reg = register();
    // Discharged on 2025-06-30: the cover closes the span on that day.
    reg.persons[1].status = Some(Status::Discharged);
    reg.persons[1].status_date = Some(d(2025, 6, 30));
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&[], &["SQ00009"], &office);
    o.archive = true;
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    let pages = pages_of(&dir.path().join("东风社区_SQ00009_李娜_一人一档.pdf"));
    assert!(pages[0].contains("社区康复人员档案"), "{}", pages[0]);
    assert!(pages[0].contains("社区康复"), "{}", pages[0]);
    assert!(
        pages[0].contains("2025年3月1日至2025年6月30日"),
        "{}",
        pages[0]
    );
    assert!(pages[1].contains("社区康复协议书"), "{}", pages[1]);
    assert!(out.rows.iter().any(|r| r.title == "社区康复协议书"));
    // No warning for a clean record.
    assert!(out.rows.iter().all(|r| r.form != "warning_letter"));

    // Asked for alone: the cover, and a blank index to fill by hand.
    let alone = tempfile::tempdir().unwrap();
    for (id, measure) in [("SQ00008", "社区戒毒"), ("SQ00009", "社区康复")] {
        let o = opts(&["档案封面", "卷内目录"], &[id], &office);
        // A folder each: the manifest of one run is not replaced by the next.
        let dir = alone.path().join(id);
        let out = generate(&reg, &[], &Profile::standard(), &dir, &o).unwrap();
        let cover = out.rows.iter().find(|r| r.form == "archive_cover").unwrap();
        let text = text_of(&dir.join(&cover.file));
        assert!(text.contains(&format!("{measure}人员档案")), "{text}");
        assert!(text.contains(id), "{text}");
        let index = out.rows.iter().find(|r| r.form == "archive_index").unwrap();
        assert!(index.file.ends_with("_卷内目录.pdf"), "{}", index.file);
        let text = text_of(&dir.join(&index.file));
        assert!(text.contains("卷内目录"), "{text}");
        assert!(text.contains("15"), "blank rows numbered: {text}");
    }
}

#[test]
fn an_archive_is_of_one_person() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&[], &["SQ00008", "SQ00009"], &office);
    o.archive = true;
    let err = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap_err();
    assert!(matches!(err, GenerateError::Archive(_)), "{err}");
}

#[test]
fn an_archive_made_later_holds_the_warning_issued_earlier_with_its_number_and_date() {
    let mut reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    // 2025-07-01: the warning for the refusal of 2025-05-12 is issued.
    let o = opts(&["告诫书"], &["SQ00008"], &office);
    let first = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    assert_eq!(first.rows[0].number, "东禁告〔2025〕1号");
    // 2025-09-02: another refusal; the archive of 2025-10-15 holds both warnings in order.
    reg.tests.push(Test {
        row: 3,
        person: 0,
        date: d(2025, 9, 2),
        method: Some("尿检".into()),
        result: TestResult::Evaded,
        lab: Some("东城镇卫生院".into()),
        tester: None,
        unannounced: false,
    });
    reg.finalize();
    let ledger = std::fs::read_to_string(office.path().join(LEDGER_FILE)).unwrap();
    let archive = tempfile::tempdir().unwrap();
    let mut o = opts(&[], &["SQ00008"], &office);
    o.as_of = d(2025, 10, 15);
    o.archive = true;
    let out = generate(&reg, &[], &Profile::standard(), archive.path(), &o).unwrap();
    let warnings: Vec<_> = out
        .rows
        .iter()
        .filter(|r| r.form == "warning_letter")
        .collect();
    assert_eq!(warnings.len(), 2, "{:?}", out.rows);
    assert_eq!(warnings[0].number, "东禁告〔2025〕1号");
    assert_eq!(warnings[1].number, "东禁告〔2025〕2号");
    let pages = pages_of(&archive.path().join(&warnings[0].file));
    let earlier = &pages[warnings[0].first_page - 1];
    assert!(earlier.contains("2025年5月12日拒绝接受检测"), "{earlier}");
    assert!(earlier.contains("2025年7月1日"), "its own date: {earlier}");
    assert!(!earlier.contains("2025年9月2日"), "{earlier}");
    let later = &pages[warnings[1].first_page - 1];
    assert!(later.contains("2025年9月2日逃避接受检测"), "{later}");
    assert!(later.contains("第二次书面告诫"), "{later}");
    // Each with its receipt right after it; the old warning took no new number.
    let after = |r: &rehabdocs::paperwork::generate::ManifestRow| {
        let k = out.rows.iter().position(|x| x == r).unwrap();
        out.rows[k + 1].form.clone()
    };
    assert_eq!(after(warnings[0]), "receipt_of_service");
    assert_eq!(after(warnings[1]), "receipt_of_service");
    let now = std::fs::read_to_string(office.path().join(LEDGER_FILE)).unwrap();
    assert_eq!(
        now.lines().filter(|l| l.contains("warning_letter")).count(),
        ledger
            .lines()
            .filter(|l| l.contains("warning_letter"))
            .count()
            + 1,
        "{now}"
    );
}
