//! The office's document-number ledger (文号台帐) across runs, folders and processes: one
//! numbering for the office, numbers in the register taken, no number consumed by a failed
//! batch, no two runs giving out one number.

use chrono::NaiveDate;
use rehabdocs::model::{Measure, Person, Register, Sex, Status, Warning, WarningKind};
use rehabdocs::paperwork::generate::{generate, GenerateError, GenerateOptions, FOLDER_LOCK};
use rehabdocs::paperwork::ledger::{Ledger, LEDGER_FILE};
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::profile::Profile;
use std::path::{Path, PathBuf};
use std::process::Command;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(row: u32, id: &str, name: &str) -> Person {
    Person {
        row,
        id: id.into(),
        name: name.into(),
        sex: Some(Sex::Male),
        resident_id: Some("110101199003071234".into()),
        resident_id_valid: true,
        town: "东城镇".into(),
        unit: "幸福村".into(),
        measure: Some(Measure::Detox),
        decision_date: Some(d(2025, 2, 20)),
        report_date: Some(d(2025, 3, 1)),
        agreement_date: Some(d(2025, 3, 1)),
        term_months: 36,
        status: Some(Status::Active),
        ..Person::default()
    }
}

/// Persons P1..=Pn, no events.
fn register(n: u32) -> Register {
    let mut r = Register::default();
    r.source = "测试台帐.xlsx".into();
    for k in 1..=n {
        r.persons
            .push(person(k, &format!("P{k}"), &format!("张{k}")));
    }
    r.finalize();
    r
}

fn warning(row: u32, person: usize, number: Option<&str>) -> Warning {
    Warning {
        row,
        person,
        date: d(2025, 5, 13),
        kind: WarningKind::Written,
        reason: Some("未按时报到".into()),
        number: number.map(String::from),
    }
}

fn opts(forms: &[&str], persons: &[&str], ledger: &Path) -> GenerateOptions {
    let mut o = GenerateOptions::new(
        PlanOptions {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            persons: persons.iter().map(|s| s.to_string()).collect(),
            ..PlanOptions::default()
        },
        d(2025, 7, 1),
    );
    o.ledger = Some(ledger.to_path_buf());
    o.threads = 1;
    o
}

fn run(reg: &Register, out: &Path, o: &GenerateOptions) -> Result<Vec<String>, GenerateError> {
    let done = generate(reg, &[], &Profile::standard(), out, o)?;
    Ok(done.rows.into_iter().map(|r| r.number).collect())
}

fn numbers_in(ledger: &Path) -> Vec<String> {
    Ledger::load(ledger)
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.number.clone())
        .collect()
}

#[test]
fn numbering_continues_across_output_folders_and_stays_out_of_them() {
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join(LEDGER_FILE);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let reg = register(3);
    let first = run(&reg, a.path(), &opts(&["agreement"], &["P1"], &ledger)).unwrap();
    let second = run(
        &reg,
        b.path(),
        &opts(&["agreement"], &["P2", "P3"], &ledger),
    )
    .unwrap();
    assert_eq!(first, ["东禁协〔2025〕1号"]);
    assert_eq!(second, ["东禁协〔2025〕2号", "东禁协〔2025〕3号"]);
    // P1 again, in a third folder: the number it has.
    let c = tempfile::tempdir().unwrap();
    let again = run(&reg, c.path(), &opts(&["agreement"], &["P1"], &ledger)).unwrap();
    assert_eq!(again, first);
    assert_eq!(numbers_in(&ledger).len(), 3);
    for dir in [a.path(), b.path(), c.path()] {
        assert!(!dir.join(LEDGER_FILE).exists(), "ledger in {dir:?}");
    }
    // The ledger carries the date each number was given.
    let l = Ledger::load(&ledger).unwrap();
    let p1 = l.entries_for("agreement", "P1");
    assert_eq!(p1.len(), 1);
    assert_eq!(p1[0].date, Some(d(2025, 7, 1)));
}

#[test]
fn a_number_already_in_the_warning_sheet_is_not_given_again() {
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join(LEDGER_FILE);
    let out = tempfile::tempdir().unwrap();
    let mut reg = register(2);
    // P2's warning was numbered by hand (full-width, with 第); P1's is not numbered yet.
    reg.warnings.push(warning(1, 0, None));
    reg.warnings
        .push(warning(2, 1, Some("东禁告（２０２５）第２号")));
    reg.warnings.push(warning(3, 1, Some("不详")));
    // P1 refused a test after that warning: a new letter is due.
    reg.tests.push(rehabdocs::model::Test {
        row: 1,
        person: 0,
        date: d(2025, 6, 2),
        method: None,
        result: rehabdocs::model::TestResult::Refused,
        lab: None,
        tester: None,
        unannounced: false,
    });
    reg.finalize();
    let o = opts(&["warning_letter"], &["P1"], &ledger);
    let numbers = run(&reg, out.path(), &o).unwrap();
    // The warning letter and its 送达回证 (which carries no number of its own).
    assert!(
        numbers.contains(&"东禁告〔2025〕3号".to_string()),
        "{numbers:?}"
    );
    assert!(!numbers
        .iter()
        .any(|n| n.contains("〕1号") || n.contains("〕2号")));
    assert_eq!(numbers_in(&ledger), ["东禁告〔2025〕3号"]);
}

#[test]
fn two_runs_at_once_on_one_ledger_get_distinct_numbers() {
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join(LEDGER_FILE);
    let reg = register(8);
    let groups: [&[&str]; 2] = [&["P1", "P2", "P3", "P4"], &["P5", "P6", "P7", "P8"]];
    let outs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let start = std::sync::Barrier::new(2);
    let results: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .iter()
            .zip(&outs)
            .map(|(persons, out)| {
                let (reg, ledger, start) = (&reg, &ledger, &start);
                s.spawn(move || {
                    let o = opts(&["agreement"], persons, ledger);
                    start.wait();
                    run(reg, out.path(), &o).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<String> = results.concat();
    assert_eq!(all.len(), 8);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 8, "a number was given twice: {results:?}");
    let mut recorded = numbers_in(&ledger);
    recorded.sort();
    assert_eq!(recorded, all);
}

#[test]
fn runs_into_one_folder_with_different_ledgers_take_turns() {
    let office = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let reg = register(4);
    // Another run is writing into the folder (it holds the folder's lock): this one waits,
    // then gives up with a Chinese message, having written nothing and taken no number.
    let other = rehabdocs::write_file::open_lock_file(&out.path().join(FOLDER_LOCK)).unwrap();
    other.lock().unwrap();
    let ledger_a = office.path().join("甲.csv");
    let mut o = opts(&["agreement"], &["P1", "P2"], &ledger_a);
    o.ledger_wait = std::time::Duration::from_millis(300);
    let err = run(&reg, out.path(), &o).unwrap_err();
    assert!(matches!(err, GenerateError::FolderBusy { .. }), "{err}");
    assert!(err.to_string().contains("正被另一次生成文书使用"), "{err}");
    assert!(!ledger_a.exists());
    let listed: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(listed, vec![std::ffi::OsString::from(FOLDER_LOCK)]);
    // Once the other run is done, both ledgers' runs go in, one after the other.
    drop(other);
    let ledger_b = office.path().join("乙.csv");
    let o_b = opts(&["agreement"], &["P3", "P4"], &ledger_b);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| {
            run(
                &reg,
                out.path(),
                &opts(&["agreement"], &["P1", "P2"], &ledger_a),
            )
        });
        let b = s.spawn(|| run(&reg, out.path(), &o_b));
        (a.join().unwrap(), b.join().unwrap())
    });
    // The second to commit finds the first's manifest and refuses without --force; neither
    // leaves anything half-way.
    let ok = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert!(ok >= 1, "{a:?} {b:?}");
    for r in [&a, &b] {
        if let Err(e) = r {
            assert!(matches!(e, GenerateError::Exists(_)), "{e}");
        }
    }
    let staging = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".rehabdocs-tmp")
        })
        .count();
    assert_eq!(staging, 0);
}

/// Set in a child process of [`two_processes_at_once_on_one_ledger_get_distinct_numbers`]:
/// `LEDGER|OUT|P1,P2,...`.
const CHILD: &str = "REHABDOCS_TEST_LEDGER_CHILD";

/// In a child process (this test binary run again): one `generate` run. Does nothing in a
/// normal test run.
#[test]
fn child_process_run() {
    let Ok(job) = std::env::var(CHILD) else {
        return;
    };
    let parts: Vec<&str> = job.split('|').collect();
    let persons: Vec<&str> = parts[2].split(',').collect();
    let o = opts(&["agreement"], &persons, Path::new(parts[0]));
    run(&register(8), Path::new(parts[1]), &o).unwrap();
}

#[test]
fn two_processes_at_once_on_one_ledger_get_distinct_numbers() {
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join(LEDGER_FILE);
    let outs = [office.path().join("甲"), office.path().join("乙")];
    let groups = ["P1,P2,P3,P4", "P5,P6,P7,P8"];
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = groups
        .iter()
        .zip(&outs)
        .map(|(persons, out)| {
            Command::new(&exe)
                .args(["--exact", "child_process_run", "--test-threads", "1"])
                .env(
                    CHILD,
                    format!("{}|{}|{persons}", ledger.display(), out.display()),
                )
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let mut numbers = numbers_in(&ledger);
    assert_eq!(numbers.len(), 8, "{numbers:?}");
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 8, "a number was given twice");
    let mut printed: Vec<String> = Vec::new();
    for out in &outs {
        assert!(!out.join(LEDGER_FILE).exists());
        let manifest = std::fs::read_to_string(out.join("清单.csv")).unwrap();
        printed.extend(
            manifest
                .lines()
                .skip(1)
                .map(|l| l.split(',').nth(5).unwrap().to_string()),
        );
    }
    printed.sort();
    assert_eq!(printed, numbers);
}

/// The CLI: the default ledger beside the register, `--ledger`, `preview` writing none, the
/// register refused as a ledger.
#[test]
fn the_cli_keeps_the_ledger_beside_the_register_or_where_told() {
    let office = tempfile::tempdir().unwrap();
    let register = office.path().join("台帐.xlsx");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sample.xlsx"),
        &register,
    )
    .unwrap();
    let reg = rehabdocs::register::read_register(&register)
        .unwrap()
        .register;
    let ids: Vec<String> = reg.persons.iter().take(2).map(|p| p.id.clone()).collect();
    let generate_into = |out: &str, person: &str, ledger: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rehabdocs"));
        cmd.arg("generate")
            .arg(&register)
            .arg("-o")
            .arg(office.path().join(out))
            .args(["--form", "agreement", "--as-of", "2025-12-31"])
            .args(["--embedded-fonts-only", "--person", person]);
        if let Some(l) = ledger {
            cmd.arg("--ledger").arg(l);
        }
        cmd.output().unwrap()
    };
    let out = generate_into("甲", &ids[0], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ledger = office.path().join(LEDGER_FILE);
    let numbers = numbers_in(&ledger);
    assert_eq!(numbers.len(), 1);
    assert!(numbers[0].ends_with("协〔2025〕1号"), "{numbers:?}");
    assert!(!office.path().join("甲").join(LEDGER_FILE).exists());
    assert!(String::from_utf8_lossy(&out.stdout).contains("文号台帐"));

    // --ledger elsewhere: a numbering of its own there.
    let other = office.path().join("另一台帐.csv");
    let out = generate_into("乙", &ids[1], Some(&other));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(numbers_in(&other).len(), 1);
    assert_eq!(numbers_in(&ledger).len(), 1);

    // The profile's office.ledger, relative to the register's folder.
    std::fs::create_dir(office.path().join("共用")).unwrap();
    let profile = office.path().join("本县.yaml");
    std::fs::write(
        &profile,
        "extends: standard\nname: 本县\noffice:\n  ledger: 共用/文号.csv\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .arg("generate")
        .arg(&register)
        .arg("-o")
        .arg(office.path().join("丁"))
        .args(["--form", "agreement", "--as-of", "2025-12-31"])
        .args(["--embedded-fonts-only", "--person", &ids[1]])
        .arg("--profile")
        .arg(&profile)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(numbers_in(&office.path().join("共用/文号.csv")).len(), 1);
    assert_eq!(numbers_in(&ledger).len(), 1);

    // preview reads the ledger, never writes it.
    let before = std::fs::read(&ledger).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .arg("preview")
        .arg(&register)
        .arg("-o")
        .arg(office.path().join("预览.png"))
        .args(["--form", "agreement", "--as-of", "2025-12-31"])
        .args(["--embedded-fonts-only", "--person", &ids[1]])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&ledger).unwrap(), before);

    // The preview: scale 0.5–8 or a Chinese error; never over an existing file without
    // --force, never over the register even with it; owner-only.
    let png = office.path().join("预览.png");
    let preview = |out: &Path, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
            .arg("preview")
            .arg(&register)
            .arg("-o")
            .arg(out)
            .args(["--form", "agreement", "--as-of", "2025-12-31"])
            .args(["--embedded-fonts-only", "--person", &ids[1]])
            .args(extra)
            .output()
            .unwrap()
    };
    for scale in ["inf", "1e300", "1000", "0", "-1", "NaN"] {
        let out = preview(&office.path().join("x.png"), &[&format!("--scale={scale}")]);
        assert_eq!(out.status.code(), Some(2), "--scale={scale}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("不是 0.5 到 8 之间的数"), "{said}");
    }
    let first = std::fs::read(&png).unwrap();
    let out = preview(&png, &["--scale=1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&png).unwrap(), first);
    let out = preview(&png, &["--scale=1", "--force"]);
    assert!(out.status.success());
    assert_ne!(
        std::fs::read(&png).unwrap(),
        first,
        "overwritten with --force"
    );
    let register_bytes = std::fs::read(&register).unwrap();
    let out = preview(&register, &["--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不能被覆盖"));
    assert_eq!(std::fs::read(&register).unwrap(), register_bytes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&png).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The register itself is never taken for the ledger.
    let out = generate_into("丙", &ids[0], Some(&register));
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("文号台帐不能是台帐本身"), "{said}");
}

#[test]
fn a_failed_batch_consumes_no_number() {
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join(LEDGER_FILE);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut reg = register(4);
    run(&reg, a.path(), &opts(&["agreement"], &["P1"], &ledger)).unwrap();
    let after_first = std::fs::read(&ledger).unwrap();

    // P1's file exists in `a`: refused without --force; P2's would-be number is not taken.
    let err = run(
        &reg,
        a.path(),
        &opts(&["agreement"], &["P1", "P2"], &ledger),
    )
    .unwrap_err();
    assert!(matches!(err, GenerateError::Exists(_)), "{err}");
    assert_eq!(std::fs::read(&ledger).unwrap(), after_first);

    // A name no font can print: the batch fails, the ledger stays as it was.
    reg.persons[2].name = "张𠀋".into();
    let err = run(
        &reg,
        b.path(),
        &opts(&["agreement"], &["P2", "P3"], &ledger),
    )
    .unwrap_err();
    assert!(matches!(err, GenerateError::MissingGlyphs(_)), "{err}");
    assert_eq!(std::fs::read(&ledger).unwrap(), after_first);

    // The next document gets the next number after the last one actually written.
    let numbers = run(&reg, b.path(), &opts(&["agreement"], &["P4"], &ledger)).unwrap();
    assert_eq!(numbers, ["东禁协〔2025〕2号"]);
}

#[test]
fn an_old_ledger_loads_and_one_left_in_an_output_folder_is_taken_in() {
    let office = tempfile::tempdir().unwrap();
    let ledger = office.path().join(LEDGER_FILE);
    // Written by an earlier version: no 日期 column, kept in the office.
    std::fs::write(
        &ledger,
        "\u{FEFF}文号,前缀,年度,序号,文书,编号,事项\n东禁协〔2025〕5号,东禁协,2025,5,agreement,P1,\n",
    )
    .unwrap();
    // And one an earlier version left in an output folder, with P2's printed number.
    let old_out = tempfile::tempdir().unwrap();
    std::fs::write(
        old_out.path().join(LEDGER_FILE),
        "文号,前缀,年度,序号,文书,编号,事项\n东禁协〔2025〕7号,东禁协,2025,7,agreement,P2,\n",
    )
    .unwrap();
    let reg = register(3);
    let numbers = run(
        &reg,
        old_out.path(),
        &opts(&["agreement"], &["P1", "P2", "P3"], &ledger),
    )
    .unwrap();
    assert_eq!(
        numbers,
        [
            "东禁协〔2025〕5号",
            "东禁协〔2025〕7号",
            "东禁协〔2025〕8号"
        ]
    );
    let l = Ledger::load(&ledger).unwrap();
    let dates: Vec<(&str, Option<NaiveDate>)> = l
        .entries()
        .iter()
        .map(|e| (e.person.as_str(), e.date))
        .collect();
    assert_eq!(
        dates,
        [("P1", None), ("P2", None), ("P3", Some(d(2025, 7, 1)))]
    );
    let text = std::fs::read_to_string(&ledger).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",日期"), "{text}");
}

#[test]
fn generate_without_a_ledger_is_refused_and_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let mut o = opts(&["agreement"], &["P1"], Path::new("x"));
    o.ledger = None::<PathBuf>;
    let err = run(&register(1), out.path(), &o).unwrap_err();
    assert!(err.to_string().contains("未指定文号台帐"), "{err}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}
