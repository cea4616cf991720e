//! The statutory paperwork end to end: a register built in memory, `generate` into a temp
//! directory, text extracted from the PDFs.

mod common;
use chrono::NaiveDate;
use common::text_of;
use rehabdocs::model::{
    Contact, ContactKind, Leave, Measure, Person, Register, Test, TestResult, Warning, WarningKind,
};
use rehabdocs::paperwork::generate::{
    generate, GenerateError, GenerateOptions, FOLDER_LOCK, MANIFEST_CSV, MANIFEST_PDF,
};
use rehabdocs::paperwork::ledger::{Ledger, LEDGER_FILE};
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::paperwork::{Office, OfficeFlags};
use rehabdocs::profile::Profile;
use std::path::Path;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(row: u32, id: &str, name: &str, unit: &str) -> Person {
    common::full_person(row, id, name, unit, Measure::Detox)
}

/// Two persons in two villages; the second has a rare Extension A character in the name.
fn register() -> Register {
    let mut r = Register::default();
    r.source = "测试台帐.xlsx".into();
    r.persons.push(person(1, "P001", "张三", "幸福村"));
    let mut rare = person(2, "P002", "李㛃", "东风社区");
    rare.resident_id = Some("110105198001010059".into());
    rare.measure = Some(Measure::Rehab);
    r.persons.push(rare);
    r.tests.push(Test {
        row: 1,
        person: 0,
        date: d(2025, 4, 10),
        method: Some("尿检".into()),
        result: TestResult::Negative,
        lab: Some("东城镇卫生院".into()),
        tester: None,
        unannounced: false,
    });
    r.tests.push(Test {
        row: 2,
        person: 0,
        date: d(2025, 5, 12),
        method: Some("尿检".into()),
        result: TestResult::Refused,
        lab: Some("东城镇卫生院".into()),
        tester: None,
        unannounced: false,
    });
    r.contacts.push(Contact {
        row: 1,
        person: 0,
        date: d(2025, 4, 15),
        kind: ContactKind::FaceToFace,
        worker: Some("王社工".into()),
        summary: Some("了解近况".into()),
    });
    r.leaves.push(Leave {
        row: 1,
        person: 0,
        leave_date: d(2025, 6, 1),
        return_date: Some(d(2025, 6, 3)),
        approved_until: None,
        destination: Some("市区".into()),
        reason: Some("探亲".into()),
        approved: true,
        approver: Some("李组长".into()),
    });
    r.warnings.push(Warning {
        row: 1,
        person: 0,
        date: d(2025, 5, 13),
        kind: WarningKind::Written,
        reason: Some("拒绝接受尿液检测".into()),
        number: None,
    });
    r.finalize();
    r
}

fn opts(forms: &[&str]) -> GenerateOptions {
    GenerateOptions::new(
        PlanOptions {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            ..PlanOptions::default()
        },
        d(2025, 7, 1),
    )
}

/// The office's ledger in a folder of its own (never the output folder).
fn ledger_in(office: &tempfile::TempDir) -> Option<std::path::PathBuf> {
    Some(office.path().join(LEDGER_FILE))
}

fn find(dir: &Path, needle: &str) -> std::path::PathBuf {
    let mut hits: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(needle))
        .collect();
    hits.sort();
    assert!(!hits.is_empty(), "no file with {needle} in {dir:?}");
    hits.remove(0)
}

#[test]
fn agreement_warning_and_receipt_show_register_values_numbers_and_obligations() {
    // The refusal of 2025-05-12 not yet warned about: the warning letter lists it.
    let mut reg = register();
    reg.warnings.clear();
    reg.finalize();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement", "warning_letter"]);
    o.plan.persons = vec!["P001".into()];
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    // agreement, warning letter, its receipt of service.
    let forms: Vec<&str> = out.rows.iter().map(|r| r.form.as_str()).collect();
    assert_eq!(forms, ["agreement", "warning_letter", "receipt_of_service"]);

    let file_of = |form: &str| {
        let row = out.rows.iter().find(|r| r.form == form).unwrap();
        dir.path().join(&row.file)
    };
    let agreement = text_of(&file_of("agreement"));
    assert!(agreement.contains("社区戒毒协议书"), "{agreement}");
    assert!(agreement.contains("东禁协〔2025〕1号"), "{agreement}");
    assert!(agreement.contains("张三"));
    assert!(agreement.contains("2025年3月1日"));
    assert!(agreement.contains("2028年2月29日"), "term end: {agreement}");
    assert!(
        agreement.contains("按照要求按时接受尿液检测"),
        "{agreement}"
    );
    assert!(agreement.contains("一式三份"), "{agreement}");
    assert!(agreement.contains("人员编号：P001"), "{agreement}");
    // Hand signatures: names are never pre-printed where a party signs.
    assert!(agreement.contains("乙方（签名）："), "{agreement}");
    assert!(!agreement.contains("乙方（签名）：张三"), "{agreement}");
    assert!(!agreement.contains("李组长"), "{agreement}");
    assert!(agreement.contains("丙方（签名）："), "{agreement}");

    let letter = text_of(&file_of("warning_letter"));
    assert!(letter.contains("社区戒毒告诫书"), "{letter}");
    assert!(letter.contains("东禁告〔2025〕1号"));
    assert!(letter.contains("2025年5月12日拒绝接受检测"), "{letter}");
    assert!(
        letter.contains("2025年7月1日"),
        "dated the as-of date: {letter}"
    );
    assert!(letter.contains("第一次书面告诫"), "{letter}");
    assert!(
        letter.contains("《戒毒条例》第十九条第（二）项"),
        "{letter}"
    );

    let receipt = text_of(&file_of("receipt_of_service"));
    assert!(receipt.contains("送达回证"), "{receipt}");
    assert!(receipt.contains("东禁告〔2025〕1号"));

    let manifest = std::fs::read_to_string(dir.path().join(MANIFEST_CSV)).unwrap();
    assert!(manifest.contains("东禁协〔2025〕1号"), "{manifest}");
    assert_eq!(manifest.lines().count(), 4);
    assert!(text_of(&dir.path().join(MANIFEST_PDF)).contains("文书打印清单"));
}

#[test]
fn an_agreement_is_dated_and_numbered_by_its_signing_never_by_the_day_it_is_printed() {
    let mut reg = register();
    // Signed in December 2024; another person's agreement not yet signed.
    reg.persons[0].agreement_date = Some(d(2024, 12, 30));
    reg.persons[0].household_address = Some("某省某县城关镇户籍街8号".into());
    reg.persons[1].agreement_date = None;
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["协议书"]);
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    let text = |id: &str| {
        let row = out.rows.iter().find(|r| r.person_id == id).unwrap();
        (row.number.clone(), text_of(&dir.path().join(&row.file)))
    };
    let (number, signed) = text("P001");
    assert_eq!(number, "东禁协〔2024〕1号");
    assert!(signed.contains("2024年12月30日"), "{signed}");
    assert!(
        signed.contains("户籍地址：某省某县城关镇户籍街8号"),
        "{signed}"
    );
    let (number, unsigned) = text("P002");
    assert_eq!(number, "东禁协〔2025〕1号");
    // Not yet signed: blanks to date by hand, never the as-of date 2025年7月1日.
    assert!(!unsigned.contains("2025年7月1日"), "{unsigned}");
    assert!(unsigned.contains("年月日"), "{unsigned}");
    assert!(unsigned.contains("户籍地址：________"), "{unsigned}");
}

#[test]
fn rare_name_character_renders_and_fonts_are_embedded() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["registration_form"]);
    o.plan.persons = vec!["P002".into()];
    o.ledger = ledger_in(&office);
    generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    let path = find(dir.path(), "信息登记表");
    let text = text_of(&path);
    assert!(text.contains("李㛃"), "{text}");
    assert!(text.contains("社区康复"));
    let bytes = std::fs::read(&path).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/FontFile"), "no embedded font program");
    assert!(has(b"NotoSerifCJKsc"), "serif face not embedded");
}

#[test]
fn hostile_values_print_literally_and_nothing_else_is_read() {
    let hostile = [
        "#read(\"/etc/passwd\")",
        "]#panic(\"x\")[",
        "$x^2$",
        "*粗体*",
        "@ref",
        "<label>",
        "a\\b",
        "#import \"/etc\"",
    ];
    let mut reg = register();
    for (k, h) in hostile.iter().enumerate() {
        let mut p = person(10 + k as u32, &format!("H{k}"), h, "幸福村");
        p.current_address = Some(format!("{h}路"));
        reg.persons.push(p);
    }
    reg.finalize();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["registration_form"]);
    o.plan.persons = (0..hostile.len()).map(|k| format!("H{k}")).collect();
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    assert_eq!(out.rows.len(), hostile.len());
    for (k, h) in hostile.iter().enumerate() {
        let row = out
            .rows
            .iter()
            .find(|r| r.person_id == format!("H{k}"))
            .unwrap();
        let text = text_of(&dir.path().join(&row.file));
        let want: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&want), "{h} not printed literally: {text}");
        assert!(!text.contains("root:"), "file content leaked");
    }

    // The World refuses and records any other file.
    let compiled =
        rehabdocs::render::compile("#let x = read(\"/etc/passwd\")\nx", &[], d(2025, 7, 1));
    assert!(compiled.is_err());
    let ok = rehabdocs::render::engine::compile_with(
        rehabdocs::render::fonts::embedded(),
        "#import \"/templates/style.typ\": *\n#body-par(json(\"/data.json\").name)",
        &[(
            "/data.json",
            "{\"name\": \"#read(\\\"/etc/passwd\\\")\"}".as_bytes(),
        )],
        d(2025, 7, 1),
    )
    .unwrap();
    assert!(ok.refused.is_empty(), "{:?}", ok.refused);
}

#[test]
fn a_character_no_font_has_is_an_error_naming_person_and_code_point() {
    let mut reg = register();
    reg.persons[0].name = "张𠀋".into();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["registration_form"]);
    o.plan.persons = vec!["P001".into()];
    o.ledger = ledger_in(&office);
    let err = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap_err();
    assert!(matches!(err, GenerateError::MissingGlyphs(_)));
    let msg = err.to_string();
    assert!(msg.contains("P001 张𠀋"), "{msg}");
    assert!(msg.contains("U+2000B"), "{msg}");
    // Nothing was written, no number consumed.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert!(!office.path().join(LEDGER_FILE).exists());
}

#[test]
fn two_runs_are_byte_identical_and_numbers_stay_stable_and_unique() {
    let reg = register();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement"]);
    o.ledger = ledger_in(&office);
    let ra = generate(&reg, &[], &Profile::standard(), a.path(), &o).unwrap();
    // Another folder, the same office: the same documents keep their numbers.
    generate(&reg, &[], &Profile::standard(), b.path(), &o).unwrap();
    for row in &ra.rows {
        let x = std::fs::read(a.path().join(&row.file)).unwrap();
        let y = std::fs::read(b.path().join(&row.file)).unwrap();
        assert!(x == y, "{} differs between runs", row.file);
    }
    let numbers: Vec<&str> = ra.rows.iter().map(|r| r.number.as_str()).collect();
    // Sorted by unit: 东风社区 (P002) before 幸福村 (P001).
    assert_eq!(numbers, ["东禁协〔2025〕1号", "东禁协〔2025〕2号"]);

    // Again into the same directory: refused without --force, same numbers with it.
    let err = generate(&reg, &[], &Profile::standard(), a.path(), &o).unwrap_err();
    assert!(matches!(err, GenerateError::Exists(_)), "{err}");
    let mut forced = o.clone();
    forced.force = true;
    let again = generate(&reg, &[], &Profile::standard(), a.path(), &forced).unwrap();
    let numbers2: Vec<&str> = again.rows.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, numbers2);

    // A new person gets the next number; nobody else's changes.
    let mut reg2 = reg.clone();
    reg2.persons.push(person(3, "P003", "王五", "幸福村"));
    reg2.finalize();
    let third = generate(&reg2, &[], &Profile::standard(), a.path(), &forced).unwrap();
    let p3 = third.rows.iter().find(|r| r.person_id == "P003").unwrap();
    assert_eq!(p3.number, "东禁协〔2025〕3号");
    let ledger = Ledger::load(&office.path().join(LEDGER_FILE)).unwrap();
    assert_eq!(ledger.entries().len(), 3);
    assert!(ledger
        .entries()
        .iter()
        .all(|e| e.date == Some(d(2025, 7, 1))));
    assert!(!a.path().join(LEDGER_FILE).exists() && !b.path().join(LEDGER_FILE).exists());
    // No temporary directory is left behind; the only hidden file is the folder's lock.
    assert!(
        std::fs::read_dir(a.path())
            .unwrap()
            .flatten()
            .all(|e| e.file_name() == FOLDER_LOCK
                || !e.file_name().to_string_lossy().starts_with('.'))
    );
}

#[test]
fn merged_duplex_batch_starts_every_document_on_an_odd_page() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement", "registration_form"]);
    o.merge = true;
    o.duplex = true;
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    assert!(
        out.rows.iter().all(|r| r.first_page % 2 == 1),
        "{:?}",
        out.rows
    );
    let files: std::collections::BTreeSet<&str> =
        out.rows.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(files.len(), 1);
    let text = text_of(&dir.path().join(files.iter().next().unwrap()));
    assert!(text.contains("张三") && text.contains("李㛃"));
}

#[test]
fn a_merged_batch_comes_in_volumes_that_keep_each_person_whole_with_a_manifest_in_volumes() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement", "registration_form"]);
    o.ledger = ledger_in(&office);
    o.merge = true;
    o.volume_size = 1;
    o.manifest_volume_rows = 2;
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    // Sorted by unit: 东风社区 (李㛃) comes before 幸福村 (张三); each has several documents.
    let first = "文书合订_20250701_第1册.pdf";
    let second = "文书合订_20250701_第2册.pdf";
    for row in &out.rows {
        let expected = if row.person_id == "P002" {
            first
        } else {
            second
        };
        assert_eq!(row.file, expected, "{row:?}");
    }
    assert!(out.rows.iter().filter(|r| r.file == first).count() >= 2);
    let starts: Vec<usize> = out.rows.iter().map(|r| r.first_page).collect();
    let firsts = out.rows.iter().position(|r| r.file == second).unwrap();
    assert_eq!((starts[0], starts[firsts]), (1, 1), "{:?}", out.rows);
    let one = text_of(&dir.path().join(first));
    let two = text_of(&dir.path().join(second));
    assert!(one.contains("李㛃") && !one.contains("张三"));
    assert!(two.contains("张三") && !two.contains("李㛃"));
    assert!(!dir.path().join("文书合订_20250701.pdf").exists());

    // The manifest in volumes of two rows, numbered on across volumes.
    let volumes = out.rows.len().div_ceil(2);
    assert!(!dir.path().join(MANIFEST_PDF).exists());
    let mut listed = String::new();
    for k in 1..=volumes {
        let text = text_of(&dir.path().join(format!("清单_第{k}册.pdf")));
        assert!(text.contains(&format!("第{k}册／共{volumes}册")), "{text}");
        assert!(text.contains(&format!("共{}件", out.rows.len())), "{text}");
        assert!(text.contains("序号") && text.contains("起始页"), "{text}");
        listed.push_str(&text);
    }
    // Every row is listed once, numbered on across the volumes.
    for (k, row) in out.rows.iter().enumerate() {
        assert!(
            listed.contains(&row.name) && listed.contains(&row.title),
            "{row:?}"
        );
        if !row.number.is_empty() {
            assert!(listed.contains(&row.number), "{row:?}");
        }
        assert!(listed.contains(&format!("{}", k + 1)));
    }
    let csv = std::fs::read_to_string(dir.path().join(MANIFEST_CSV)).unwrap();
    assert_eq!(csv.lines().count(), out.rows.len() + 1);

    // A later run replaces the manifest only with --force; with one manifest file it removes
    // the stale volumes and keeps the numbers.
    let mut again = opts(&["agreement", "registration_form"]);
    again.merge = true;
    again.ledger = ledger_in(&office);
    let refused = generate(&reg, &[], &Profile::standard(), dir.path(), &again).unwrap_err();
    assert!(refused.to_string().contains("清单.csv"), "{refused}");
    again.force = true;
    let rerun = generate(&reg, &[], &Profile::standard(), dir.path(), &again).unwrap();
    assert!(dir.path().join(MANIFEST_PDF).exists());
    assert!(!dir.path().join("清单_第1册.pdf").exists());
    assert!(rerun.rows.iter().all(|r| r.file == "文书合订_20250701.pdf"));
    let numbers = |rows: &[rehabdocs::paperwork::generate::ManifestRow]| {
        rows.iter().map(|r| r.number.clone()).collect::<Vec<_>>()
    };
    assert_eq!(numbers(&rerun.rows), numbers(&out.rows));
}

#[test]
fn due_documents_follow_the_findings() {
    let mut reg = register();
    for (row, month) in [(3, 6), (4, 6)] {
        reg.tests.push(Test {
            row,
            person: 0,
            date: d(2025, month, row * 5),
            method: Some("尿检".into()),
            result: TestResult::Refused,
            lab: None,
            tester: None,
            unannounced: false,
        });
    }
    reg.finalize();
    let report = rehabdocs::check::check_loaded(
        reg,
        vec![],
        &Profile::standard(),
        d(2025, 7, 1),
        &rehabdocs::check::Selection::default(),
    );
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["serious_breach_report"]);
    o.plan.due = true;
    o.ledger = ledger_in(&office);
    let out = generate(
        &report.register,
        &report.findings,
        &Profile::standard(),
        dir.path(),
        &o,
    )
    .unwrap();
    assert_eq!(out.rows.len(), 1, "{:?}", out.rows);
    let text = text_of(&dir.path().join(&out.rows[0].file));
    assert!(
        text.contains("关于严重违反社区戒毒协议情况的报告"),
        "{text}"
    );
    // The three refusals from the register, the earlier written warning with its date, the
    // law by name and article; no cell reference, rule code or local plan section.
    for want in [
        "2025年5月12日拒绝接受检测",
        "2025年6月15日拒绝接受检测",
        "2025年6月20日拒绝接受检测",
        "2025年5月13日",
        "《戒毒条例》第二十条",
        "第三十八条第一款第（三）项",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    for never in ["人员!", "检测!", "P110", "篇四", "§"] {
        assert!(!text.contains(never), "{never}: {text}");
    }
}

#[test]
fn forms_asserting_nothing_render_and_the_others_are_refused_without_their_facts() {
    let reg = register();
    let keep = std::env::var("PREVIEW_DIR").ok();
    for form in rehabdocs::paperwork::forms::all() {
        let mut o = opts(&[form.id.as_str()]);
        o.plan.persons = vec!["P001".into()];
        let png = rehabdocs::paperwork::generate::preview(&reg, &[], &Profile::standard(), &o, 1.0);
        let refused = [
            "receipt_of_service",
            "report_reminder",
            "serious_breach_report",
            "warning_letter",
            "work_notice",
            "total_evaluation",
            "discharge_proposal",
            "discharge_notice",
            "transfer_letter",
            // 中止, 终止 and resumption: only when 状态 says so.
            "suspension_notice",
            "termination_notice",
            "resumption_notice",
            // A month's self-report record: only for a month with self-reports.
            "self_report_record",
        ];
        match (form.id.as_str(), png) {
            (id, Err(GenerateError::Nothing(held))) if refused.contains(&id) => {
                assert!(!held.is_empty() || id == "work_notice", "{id}: a reason");
            }
            (id, Ok(png)) if !refused.contains(&id) => {
                assert!(png.starts_with(b"\x89PNG"), "{id}");
                if let Some(dir) = &keep {
                    std::fs::write(format!("{dir}/{id}.png"), png).unwrap();
                }
            }
            (id, Ok(_)) => panic!("{id}: printed without its facts"),
            (id, Err(e)) => panic!("{id}: {e}"),
        }
    }
}

#[test]
fn the_sample_workbook_read_by_the_real_reader_gives_numbered_agreements() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sample.xlsx");
    let outcome = rehabdocs::register::read_register(&path).unwrap();
    let reg = outcome.register;
    assert!(!reg.persons.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement"]);
    o.as_of = d(2025, 12, 31);
    o.merge = true;
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    assert_eq!(out.rows.len(), reg.persons.len());
    let mut numbers: Vec<&str> = out.rows.iter().map(|r| r.number.as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), reg.persons.len(), "numbers must be unique");
    let text = text_of(&dir.path().join(&out.rows[0].file));
    assert!(
        text.contains(&reg.persons[0].name),
        "{}",
        reg.persons[0].name
    );
}

#[test]
fn office_font_on_the_machine_is_used_first_and_embedded_fonts_stay_the_fallback() {
    // tests/fonts/test-fangsong.otf: a tiny font whose family is "FangSong" (仿宋), standing
    // in for an office machine's font. Only this test asks for system fonts in this binary.
    let font_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fonts");
    std::env::set_var("REHABDOCS_FONT_DIRS", &font_dir);
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["registration_form"]);
    o.plan.persons = vec!["P002".into()];
    o.ledger = ledger_in(&office);
    o.use_system_fonts(&Profile::standard());
    assert_eq!(
        o.fonts.body,
        vec!["FangSong".to_string(), "Noto Serif CJK SC".to_string()]
    );
    assert_eq!(o.fonts.title, vec!["Noto Serif CJK SC".to_string()]);
    generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    let path = find(dir.path(), "信息登记表");
    let bytes = std::fs::read(&path).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"RehabdocsTestFangSong"), "office font not used");
    assert!(has(b"NotoSerifCJKsc"), "embedded fallback not used");
    // The rare character is not in the office font: the embedded face draws it.
    let text = text_of(&path);
    assert!(text.contains("李㛃"), "{text}");

    // A profile's own families come first for their role, by any of the font's family names:
    // 仿宋 (the Chinese name in the font) for titles too.
    let yaml = dir.path().join("office.yaml");
    std::fs::write(
        &yaml,
        "extends: standard\nname: office\nfonts:\n  title: [仿宋, NoSuchFont]\n",
    )
    .unwrap();
    let profile = Profile::load(yaml.to_str().unwrap()).unwrap();
    let mut own = opts(&["registration_form"]);
    own.use_system_fonts(&profile);
    assert_eq!(
        own.fonts.title,
        vec!["FangSong".to_string(), "Noto Serif CJK SC".to_string()]
    );
    assert_eq!(own.fonts.body, o.fonts.body);
    std::fs::write(
        &yaml,
        "extends: standard\nname: office\nfonts:\n  titel: [FangSong]\n",
    )
    .unwrap();
    let err = Profile::load(yaml.to_str().unwrap()).unwrap_err();
    assert!(err.contains("titel"), "{err}");

    // --embedded-fonts-only (the default options): the office font is never used.
    let plain = tempfile::tempdir().unwrap();
    let mut e = opts(&["registration_form"]);
    e.plan.persons = vec!["P002".into()];
    e.ledger = ledger_in(&office);
    generate(&reg, &[], &Profile::standard(), plain.path(), &e).unwrap();
    let bytes = std::fs::read(find(plain.path(), "信息登记表")).unwrap();
    assert!(!bytes
        .windows(b"RehabdocsTestFangSong".len())
        .any(|w| w == b"RehabdocsTestFangSong"));
}

/// A county profile written beside the test and loaded as a clerk's `--profile` would be.
fn county_profile(dir: &Path, yaml: &str) -> Profile {
    let file = dir.join("county.yaml");
    std::fs::write(&file, yaml).unwrap();
    Profile::load(file.to_str().unwrap()).unwrap()
}

/// Options whose office is built from the profile, as `rehabdocs generate` builds it.
fn opts_for(forms: &[&str], profile: &Profile) -> GenerateOptions {
    let mut o = opts(forms);
    o.office = Office::from_profile(&profile.office, OfficeFlags::default());
    o
}

#[test]
fn a_county_profile_reaches_the_agreement_numbers_and_office() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let profile = county_profile(
        dir.path(),
        "extends: standard\n\
         schedule:\n\
         \x20 - { kind: self_reports, period: 1, min: 1, basis: 县方案：每月报告一次 }\n\
         \x20 - { kind: talks, period: 1, min: 2, basis: 县方案：每月谈话两次 }\n\
         leave: { max_days: 5 }\n\
         office: { name: 东城镇禁毒办, prefix: 城禁, form_prefixes: { agreement: 约 } }\n",
    );
    let out_dir = dir.path().join("out");
    let mut o = opts_for(&["agreement"], &profile);
    o.plan.persons = vec!["P001".into()];
    o.ledger = Some(dir.path().join(LEDGER_FILE));
    let out = generate(&reg, &[], &profile, &out_dir, &o).unwrap();
    let text = text_of(&out_dir.join(&out.rows[0].file));
    for want in [
        "每月主动向帮教小组报告本人情况不少于一次",
        "每月接受帮教小组面对面谈话不少于两次",
        "请假时间一般不超过五日",
        "在三年的社区戒毒期限内",
        "甲方：东城镇禁毒办",
        "城禁约〔2025〕1号",
        // The statutory breaches, from the profile too.
        "逃避或者拒绝接受检测三次以上",
        "累计超过三十日",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    for never in [
        "报告本人情况不少于两次",
        "谈话不少于一次",
        "不超过三日",
        "第一年不少于六次",
        "东禁协",
    ] {
        assert!(!text.contains(never), "{never}: {text}");
    }
}

#[test]
fn a_report_goes_to_the_deciding_organ_or_the_profiles_police_and_is_never_guessed() {
    let mut reg = register();
    for (row, month) in [(3, 6), (4, 6)] {
        reg.tests.push(Test {
            row,
            person: 0,
            date: d(2025, month, row * 5),
            method: Some("尿检".into()),
            result: TestResult::Refused,
            lab: None,
            tester: None,
            unannounced: false,
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let own = county_profile(
        dir.path(),
        "extends: standard\noffice: { police: 某县公安局禁毒大队 }\n",
    );
    let addressee = |reg: Register, profile: &Profile, run: &str| -> String {
        let mut reg = reg;
        reg.finalize();
        let report = rehabdocs::check::check_loaded(
            reg,
            vec![],
            profile,
            d(2025, 7, 1),
            &rehabdocs::check::Selection::default(),
        );
        let out_dir = dir.path().join(run);
        let mut o = opts_for(&["serious_breach_report"], profile);
        o.plan.due = true;
        o.ledger = Some(dir.path().join(run).with_extension("csv"));
        let out = generate(&report.register, &report.findings, profile, &out_dir, &o).unwrap();
        assert_eq!(out.rows.len(), 1, "{:?}", out.rows);
        let text = text_of(&out_dir.join(&out.rows[0].file));
        assert!(!text.contains("派出所"), "{run}: {text}");
        let start = text.find("的报告").unwrap() + "的报告".len();
        let end = text[start..].find('：').unwrap() + start;
        // After the title and the 文号 (…〔2025〕1号) comes the addressee line.
        let head = &text[start..end];
        head.rsplit('号').next().unwrap().to_string()
    };
    // The register's 决定机关 by default.
    assert_eq!(
        addressee(reg.clone(), &Profile::standard(), "a"),
        "某县公安局"
    );
    // The profile's office.police over it.
    assert_eq!(addressee(reg.clone(), &own, "b"), "某县公安局禁毒大队");
    // Neither: a line to fill, never a guessed 派出所.
    reg.persons[0].decision_authority = None;
    let blank = addressee(reg, &Profile::standard(), "c");
    assert!(
        !blank.is_empty() && blank.chars().all(|c| c == '_'),
        "{blank}"
    );
}

#[test]
fn profile_show_marks_the_statutory_settings() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["profile", "show", "standard"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let yaml = String::from_utf8(out.stdout).unwrap();
    let marked: Vec<&str> = yaml.lines().filter(|l| l.contains("# 法定：")).collect();
    assert_eq!(
        marked,
        [
            "  statutory_days: 15 # 法定：《戒毒条例》第十四条、第三十八条",
            "    count: 3 # 法定：《戒毒条例》第二十条",
            "    count: 3 # 法定：《戒毒条例》第二十条",
            "    days_over: 30 # 法定：《戒毒条例》第二十条",
        ]
    );
    assert!(!yaml.contains("max_days: 3 #"), "{yaml}");
}

#[test]
fn a_profile_redefining_a_serious_breach_is_rejected_with_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("county.yaml");
    std::fs::write(
        &file,
        "extends: standard\nserious_breach:\n  tests:\n    count: 2\n",
    )
    .unwrap();
    let e = Profile::load(file.to_str().unwrap()).unwrap_err();
    assert!(
        e.contains("county.yaml") && e.contains("serious_breach.tests.count"),
        "{e}"
    );
    assert!(e.contains("《戒毒条例》第二十条"), "{e}");
    // The command line refuses it before reading any register.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["profile", "show", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("第二十条"));
}

/// The cells of a CSV the program wrote, BOM removed.
fn csv_cells(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

#[test]
fn no_csv_cell_starts_a_formula_and_formula_prefixes_are_refused() {
    let mut reg = register();
    reg.persons[0].name = "=HYPERLINK(\"http://x\",\"y\")".into();
    reg.persons[0].id = "@cmd|'/Ccalc'!A0".into();
    reg.persons[1].unit = "+东风社区".into();
    reg.persons[1].name = "\t=1+1".into();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement"]);
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    assert_eq!(out.rows.len(), 2);
    let mut cells = csv_cells(&dir.path().join(MANIFEST_CSV));
    cells.extend(csv_cells(&office.path().join(LEDGER_FILE)));
    assert!(
        cells.iter().any(|c| c.starts_with("'=HYPERLINK")),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c.starts_with("'@cmd")), "{cells:?}");
    for c in &cells {
        assert!(
            !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a cell starts a formula: {c:?}"
        );
    }
    // The ledger reads its own cells back whole: the same document keeps its number.
    let again = tempfile::tempdir().unwrap();
    let out2 = generate(&reg, &[], &Profile::standard(), again.path(), &o).unwrap();
    let numbers = |rows: &[rehabdocs::paperwork::generate::ManifestRow]| {
        rows.iter().map(|r| r.number.clone()).collect::<Vec<_>>()
    };
    assert_eq!(numbers(&out.rows), numbers(&out2.rows));

    // A 文号 prefix that would start a formula — given, or from the town's first character —
    // is refused before anything is written.
    for (town, prefix) in [("东城镇", Some("=cmd|calc")), ("=SUM(1)镇", None)] {
        let mut reg = register();
        for p in &mut reg.persons {
            p.town = town.into();
        }
        let dir = tempfile::tempdir().unwrap();
        let office = tempfile::tempdir().unwrap();
        let mut o = opts(&["agreement"]);
        o.ledger = ledger_in(&office);
        o.office = Office::from_profile(
            &Default::default(),
            OfficeFlags {
                name: None,
                prefix: prefix.map(str::to_string),
            },
        );
        let err = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap_err();
        assert!(err.to_string().contains("会把它当作公式"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(!office.path().join(LEDGER_FILE).exists());
    }
}

#[cfg(unix)]
#[test]
fn every_file_generate_writes_is_owner_only_and_two_runs_on_one_folder_both_finish() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let reg = register();
    let root = tempfile::tempdir().unwrap();
    let out_dir = root.path().join("文书");
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement", "warning_letter"]);
    o.ledger = ledger_in(&office);
    o.merge = false;
    let out = generate(&reg, &[], &Profile::standard(), &out_dir, &o).unwrap();
    assert_eq!(mode(&out_dir), 0o700);
    let mut files = 0;
    for e in std::fs::read_dir(&out_dir).unwrap().flatten() {
        if e.file_name() == FOLDER_LOCK {
            // The folder's lock file (empty) stays, like the ledger's.
            assert_eq!(mode(&e.path()), 0o600);
            continue;
        }
        assert!(
            e.path().is_file(),
            "only the documents and the manifest stay: {e:?}"
        );
        assert_eq!(mode(&e.path()), 0o600, "{:?}", e.path());
        files += 1;
    }
    assert_eq!(
        files,
        out.rows.len() + 2,
        "documents, 清单.csv and 清单.pdf"
    );
    assert_eq!(mode(&office.path().join(LEDGER_FILE)), 0o600);

    // Two runs at once into one folder, each with its own ledger: neither removes the other's
    // staging folder; both finish.
    let shared = root.path().join("共用");
    let runs: Vec<_> = ["甲", "乙"]
        .into_iter()
        .map(|name| {
            let reg = reg.clone();
            let shared = shared.clone();
            let ledger_dir = root.path().join(name);
            std::thread::spawn(move || {
                std::fs::create_dir_all(&ledger_dir).unwrap();
                let mut o = opts(&["agreement"]);
                o.ledger = Some(ledger_dir.join(LEDGER_FILE));
                o.force = true;
                generate(&reg, &[], &Profile::standard(), &shared, &o).map(|_| ())
            })
        })
        .collect();
    for r in runs {
        r.join().unwrap().unwrap();
    }
    // A killed run's staging folder (its lock free) is cleaned by the next run.
    let stale = shared.join(".rehabdocs-tmp-1-1");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(".lock"), b"").unwrap();
    std::fs::write(stale.join("0.pdf.part"), b"half").unwrap();
    // Killed two minutes ago.
    let ago = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    std::fs::File::open(&stale)
        .unwrap()
        .set_modified(ago)
        .unwrap();
    let mut o = opts(&["agreement"]);
    o.ledger = Some(root.path().join("甲").join(LEDGER_FILE));
    o.force = true;
    generate(&reg, &[], &Profile::standard(), &shared, &o).unwrap();
    assert!(!stale.exists());
}

#[test]
fn a_name_too_long_for_a_file_is_cut_to_200_bytes_and_written() {
    let mut reg = register();
    reg.persons[0].name = "张".repeat(300);
    reg.persons[1].name = "-李四".into();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement"]);
    o.ledger = ledger_in(&office);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    for row in &out.rows {
        assert!(row.file.len() <= 200, "{}", row.file);
        assert!(!row.file.starts_with(['-', '.']), "{}", row.file);
        assert!(dir.path().join(&row.file).is_file());
    }
}
