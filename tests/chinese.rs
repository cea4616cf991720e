//! Every word a clerk reads is Chinese: the help of every command, command-line errors,
//! unusable input files, profile mistakes (with file, line and item); and the smaller
//! frictions of issue 12 (dates with an impossible month, the program's own sheets, the
//! date a run without --as-of uses, every missing column at once, schedule findings on the
//! event sheet, what `generate` wrote).

mod common;

use common::{d, B};
use rehabdocs::check::{check_file, check_loaded, Selection};
use rehabdocs::model::{ContactKind, Sheet};
use rehabdocs::output::{render_text, Ids};
use rehabdocs::profile::{EventKind, Profile};
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The first run of three or more English words in `line`: ASCII words of letters only, one
/// after another with only spaces between them (punctuation may end a word). Option names
/// (`--as-of`), placeholders (`<台帐>`, `[选项]`), file names (`.xlsx/.xls`) and codes
/// (`D,P110`) are no words and break a run.
fn english_run(line: &str) -> Option<String> {
    let mut cleaned = String::new();
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '<' | '[' => depth += 1,
            '>' | ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => cleaned.push(c),
            _ => {}
        }
    }
    for segment in cleaned.split(|c: char| !c.is_ascii()) {
        let mut run: Vec<&str> = Vec::new();
        for token in segment.split_ascii_whitespace() {
            let word = token
                .trim_start_matches(['(', '"', '\''])
                .trim_end_matches([',', '.', ';', ':', '!', '?', ')', '"', '\'']);
            if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic()) {
                run.push(word);
                if run.len() >= 3 {
                    return Some(run.join(" "));
                }
            } else {
                run.clear();
            }
        }
    }
    None
}

#[test]
fn the_english_detector_finds_sentences_and_spares_names() {
    assert_eq!(
        english_run("  --as-of <日期>  The date the check is made for"),
        Some("The date the".into())
    );
    assert_eq!(english_run("  -h, --help  显示帮助"), None);
    assert_eq!(
        english_run("  --format <格式>  输出格式。［可选：text（文字）、json］"),
        None
    );
    assert_eq!(
        english_run("用法：rehabdocs profile show [选项] <名称或文件>"),
        Some("rehabdocs profile show".into())
    );
    assert_eq!(
        english_run("台帐：.xlsx/.xlsm/.xls/.ods 工作簿，如 D,P110"),
        None
    );
    assert_eq!(
        english_run("Zip error: invalid Zip archive"),
        Some("Zip error invalid".into())
    );
}

/// The subcommand names listed under 命令 in a help text.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "命令:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Asserts a help text is Chinese: no clap heading or note in English, and no English
/// sentence in the help of any argument, option or command.
fn assert_chinese_help(what: &str, help: &str) {
    for english in [
        "Usage",
        "Options:",
        "Arguments:",
        "Commands:",
        "[default",
        "possible values",
        "Print help",
        "Print version",
        "Print this message",
    ] {
        assert!(!help.contains(english), "{what}: 「{english}」 in\n{help}");
    }
    assert!(help.contains("用法："), "{what}:\n{help}");
    let mut in_section = false;
    for line in help.lines() {
        if ["参数:", "选项:", "命令:"].contains(&line.trim()) {
            in_section = true;
            continue;
        }
        if in_section {
            assert!(
                english_run(line).is_none(),
                "{what}: English in option help: {line}\n{help}"
            );
        }
    }
}

#[test]
fn every_command_and_option_has_chinese_help() {
    let root = run(&["--help"]);
    assert!(root.status.success());
    let root_help = stdout(&root);
    assert_chinese_help("rehabdocs --help", &root_help);
    assert!(root_help.contains("-h, --help") && root_help.contains("显示帮助"));
    assert!(root_help.contains("-V, --version") && root_help.contains("显示版本号"));
    let commands = subcommands(&root_help);
    for expected in [
        "check", "report", "forms", "rules", "profile", "demo", "sample", "template", "generate",
        "preview", "help",
    ] {
        assert!(
            commands.contains(&expected.to_string()),
            "{expected} in {commands:?}"
        );
    }
    let mut checked = 0;
    for command in &commands {
        let mut paths = vec![vec![command.clone()]];
        let help = stdout(&run(&[command, "--help"]));
        for sub in subcommands(&help) {
            paths.push(vec![command.clone(), sub]);
        }
        for path in paths {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push("--help");
            let out = run(&args);
            assert!(out.status.success(), "{args:?}");
            let help = stdout(&out);
            assert_chinese_help(&args.join(" "), &help);
            // `help SUB` shows the same text.
            if path[0] != "help" {
                let mut via_help = vec!["help"];
                via_help.extend(path.iter().map(String::as_str));
                let out = run(&via_help);
                assert!(out.status.success(), "{via_help:?}");
                assert_eq!(stdout(&out), help, "{via_help:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 13, "{checked}");
    // Defaults and choices are written in Chinese into the option's help.
    let check_help = stdout(&run(&["check", "--help"]));
    assert!(check_help.contains("默认：standard"), "{check_help}");
    assert!(
        check_help
            .contains("可选：error（错误）、breach（严重违规）、warning（警告）、info（提示）"),
        "{check_help}"
    );
    assert!(
        check_help.contains("用法：rehabdocs check [选项] <台帐>"),
        "{check_help}"
    );
}

/// One line on stderr, in Chinese, with exit code 2; `path` (a file name the test made) is
/// left out before looking for English.
fn assert_one_chinese_line(out: &Output, path: &str) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("错误："), "{err}");
    let without_path = err.replace(path, "");
    assert!(english_run(&without_path).is_none(), "{err}");
    for library in [
        "Zip",
        "Cfb",
        "EOCD",
        "stream",
        "shared strings",
        "error:",
        "Error",
    ] {
        assert!(!without_path.contains(library), "{err}");
    }
    err
}

#[test]
fn command_line_mistakes_are_told_in_one_chinese_line() {
    let out = run(&["check", "台帐.xlsx", "--bogus"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(err.contains("不认识的选项「--bogus」"), "{err}");
    assert!(err.contains("rehabdocs --help"), "{err}");

    let out = run(&["chek", "台帐.xlsx"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(
        err.contains("没有命令「chek」") && err.contains("check"),
        "{err}"
    );

    let out = run(&["check", "台帐.xlsx", "--format", "xml"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(
        err.contains("「xml」") && err.contains("text、json"),
        "{err}"
    );

    let out = run(&["report", "台帐.xlsx", "--year", "3000", "-o", "x"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(err.contains("2000 到 2100"), "{err}");

    let out = run(&["sample", "-o", "x.xlsx", "--persons", "many"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(err.contains("「many」"), "{err}");

    let out = run(&["check"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(err.contains("缺少必填项") && err.contains("台帐"), "{err}");

    let out = run(&["generate", "台帐.xlsx", "-o", "x", "--archive", "--merge"]);
    let err = assert_one_chinese_line(&out, "");
    assert!(err.contains("不能与") && err.contains("--merge"), "{err}");

    // Chinese severity names are accepted.
    let out = run(&["check", "不存在.xlsx", "--fail-on", "严重违规"]);
    let err = assert_one_chinese_line(&out, "不存在.xlsx");
    assert!(err.contains("找不到文件"), "{err}");
}

/// A minimal OLE compound file such as Excel writes for a password-protected workbook: a
/// FAT sector and a directory with the root, `EncryptionInfo` and `EncryptedPackage`.
fn encrypted_container() -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut header = Vec::with_capacity(512);
    header.extend([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header.extend([0u8; 16]); // CLSID
    header.extend(0x003Eu16.to_le_bytes()); // minor version
    header.extend(0x0003u16.to_le_bytes()); // major version 3 (512-byte sectors)
    header.extend(0xFFFEu16.to_le_bytes()); // byte order
    header.extend(9u16.to_le_bytes()); // sector shift
    header.extend(6u16.to_le_bytes()); // mini sector shift
    header.extend([0u8; 6]);
    header.extend(0u32.to_le_bytes()); // directory sectors (v3: 0)
    header.extend(1u32.to_le_bytes()); // FAT sectors
    header.extend(1u32.to_le_bytes()); // first directory sector
    header.extend(0u32.to_le_bytes()); // transaction
    header.extend(0x1000u32.to_le_bytes()); // mini stream cutoff
    header.extend(END.to_le_bytes()); // first mini FAT sector
    header.extend(0u32.to_le_bytes()); // mini FAT sectors
    header.extend(END.to_le_bytes()); // first DIFAT sector
    header.extend(0u32.to_le_bytes()); // DIFAT sectors
    header.extend(0u32.to_le_bytes()); // DIFAT[0]: the FAT is sector 0
    while header.len() < 512 {
        header.extend(FREE.to_le_bytes());
    }
    let mut fat = Vec::with_capacity(512);
    fat.extend(0xFFFF_FFFDu32.to_le_bytes()); // sector 0: FAT
    fat.extend(END.to_le_bytes()); // sector 1: directory
    while fat.len() < 512 {
        fat.extend(FREE.to_le_bytes());
    }
    let entry = |name: &str, kind: u8, child: u32, right: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(|u| u.to_le_bytes())
            .collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREE.to_le_bytes()); // left sibling
        e[72..76].copy_from_slice(&right.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&END.to_le_bytes()); // start sector
        e
    };
    let mut dir = Vec::with_capacity(512);
    dir.extend(entry("Root Entry", 5, 1, FREE));
    dir.extend(entry("EncryptionInfo", 2, FREE, 2));
    dir.extend(entry("EncryptedPackage", 2, FREE, FREE));
    dir.resize(512, 0);
    [header, fat, dir].concat()
}

/// Writes a workbook of text cells: sheets by name, rows of cells from the first row.
fn write_book(path: &Path, sheets: &[(&str, &[&[&str]])]) {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// The 人员 header of the registers made here (the required columns, 报到 and 协议 dates).
const PERSON_HEADER: &[&str] = &[
    "编号",
    "姓名",
    "公民身份号码",
    "乡镇(街道)",
    "村(社区)",
    "措施类型",
    "决定日期",
    "报到日期",
    "协议签订日期",
];

/// A real register workbook (one person, two talks) at `path`.
fn small_register(path: &Path) {
    let person: &[&str] = &[
        "SQ001",
        "张三",
        "11010519491231002X",
        "城关镇",
        "东风社区",
        "社区戒毒",
        "2025-01-02",
        "2025-01-06",
        "2025-01-08",
    ];
    write_book(
        path,
        &[
            ("人员", &[PERSON_HEADER, person]),
            (
                "谈话",
                &[
                    &["编号", "日期", "形式"],
                    &["SQ001", "2025-02-15", "面谈"],
                    &["SQ001", "2025-06-15", "面谈"],
                ],
            ),
        ],
    );
}

/// A copy of the xlsx at `from` whose shared-strings table lost its entries.
fn without_shared_strings(from: &Path, to: &Path) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "xl/sharedStrings.xml" {
            bytes = b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"0\" uniqueCount=\"0\"></sst>".to_vec();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn every_unusable_input_is_one_chinese_line_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    small_register(&good);
    let bytes = std::fs::read(&good).unwrap();

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // A copy cut short: the zip's central directory is missing.
        (
            "corrupt.xlsx",
            bytes[..bytes.len() / 2].to_vec(),
            "文件已损坏",
        ),
        (
            "encrypted.xlsx",
            encrypted_container(),
            "文件已加密：请在 Excel 中取消密码后另存为 .xlsx",
        ),
        ("empty.xlsx", Vec::new(), "是空文件"),
        (
            "text.xlsx",
            "编号,姓名\nSQ001,张三\n".as_bytes().to_vec(),
            "请把扩展名改为 .csv",
        ),
        (
            "picture.xlsx",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec(),
            "是图片",
        ),
        ("report.pdf", b"%PDF-1.7\n".to_vec(), "不支持的文件类型"),
    ];
    for (name, content, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let shown = path.display().to_string();
        for command in [
            vec!["check", shown.as_str(), "--as-of", "2025-12-31"],
            vec!["report", shown.as_str(), "--year", "2025", "-o"],
        ] {
            let mut args = command.clone();
            let out_dir = dir.path().join(format!("out-{name}"));
            let out_dir = out_dir.display().to_string();
            if command[0] == "report" {
                args.push(&out_dir);
            }
            let out = run(&args);
            let err = assert_one_chinese_line(&out, &shown);
            assert!(err.contains(expected), "{name}: {err}");
        }
    }

    // Shared strings that do not hold the cells' text.
    let broken = dir.path().join("broken-strings.xlsx");
    without_shared_strings(&good, &broken);
    let shown = broken.display().to_string();
    let out = run(&["check", &shown, "--as-of", "2025-12-31"]);
    let err = assert_one_chinese_line(&out, &shown);
    assert!(
        err.contains("已损坏") && err.contains("另存为 .xlsx"),
        "{err}"
    );
}

fn county(dir: &Path, yaml: &str) -> Result<Profile, String> {
    let file = dir.join("本县.yaml");
    std::fs::write(&file, yaml).unwrap();
    Profile::load(file.to_str().unwrap())
}

#[test]
fn profile_mistakes_name_the_file_line_and_item_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("本县.yaml").display().to_string();
    let schedule = "extends: standard\nname: 本县\nschedule:\n  - kind: 检测\n    period: 1\n    min: 1\n    basis: a\n  - { kind: 家访, period: 1, min: 1, basis: b }\n  - kind: test\n    period: 3\n    min: 1\n    basis: c\n";
    let e = county(dir.path(), schedule).unwrap_err();
    assert_eq!(
        e,
        format!("配置文件 {file} 第 9 行：第 3 项 schedule：kind 应为 检测、谈话、本人报告、评估 之一（或 tests、talks、self_reports、evaluations），实为「test」")
    );

    let e = county(
        dir.path(),
        "extends: standard\nschedule:\n  - { kind: talks, period: 1, min: 1, basis: x }\n  - { kind: 检测, period: 1, min: 十二, basis: y }\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        format!("配置文件 {file} 第 4 行：第 2 项 schedule：min 应为不小于 0 的整数，实为「十二」")
    );

    let e = county(
        dir.path(),
        "extends: standard\nschedule:\n  - kind: tests\n    period: 5\n    min: 1\n    basis: x\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        format!("配置文件 {file} 第 4 行：第 1 项 schedule：period 应为 1、2、3、6、12（个月）或 term_year（期限年度）之一，实为「5」")
    );

    let e = county(
        dir.path(),
        "extends: standard\nname: 本县\nsurprise_test:\n  per_year: 2\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with(&format!(
            "配置文件 {file} 第 3 行：不认识的设置项「surprise_test」（此处可写：name、description、report_in、"
        )),
        "{e}"
    );
    assert!(e.contains("surprise_tests"), "{e}");

    let e = county(
        dir.path(),
        "extends: standard\nserious_breach:\n  tests:\n    cnt: 3\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        format!("配置文件 {file} 第 4 行：serious_breach.tests：有不认识的设置项「cnt」（此处可写：count、results、basis）")
    );

    let e = county(
        dir.path(),
        "extends: standard\nserious_breach:\n  warnings:\n    kinds: [书面, 电话]\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        format!("配置文件 {file} 第 4 行：第 2 项 serious_breach.warnings.kinds：应为 口头、书面 之一，实为「电话」")
    );

    // A whole profile without extends: serde's own location.
    let standard = rehabdocs::profile::commented_text("standard").unwrap();
    let broken = standard.replacen("kind: evaluations", "kind: evaluation", 1);
    let line = broken
        .lines()
        .position(|l| l.contains("kind: evaluation"))
        .unwrap()
        + 1;
    let e = county(dir.path(), &broken).unwrap_err();
    assert_eq!(
        e,
        format!("配置文件 {file} 第 {line} 行：第 6 项 schedule：kind 应为 检测、谈话、本人报告、评估 之一（或 tests、talks、self_reports、evaluations），实为「evaluation」")
    );

    // YAML that is no YAML: a Chinese line, not libyaml's English.
    let e = county(
        dir.path(),
        "extends: standard\nleave:\n  max_days: 3\n   basis: x\n",
    )
    .unwrap_err();
    assert!(e.starts_with(&format!("配置文件 {file} 第 ")), "{e}");
    assert!(e.contains("YAML 格式有误"), "{e}");
    assert!(english_run(&e.replace(&file, "")).is_none(), "{e}");
}

#[test]
fn the_chinese_names_of_kinds_and_severities_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let p = county(
        dir.path(),
        "extends: standard\nschedule:\n  - { kind: 家访, period: 1, min: 1, basis: a }\n  - { kind: 季度评估, period: 3, min: 1, basis: b }\n  - { kind: 面对面谈话, period: 2, term_years: [2], min: 1, basis: c }\n  - { kind: 本人报告, period: 1, min: 2, basis: d }\n  - { kind: 尿检, period: term_year, min: 4, basis: e }\ntotals:\n  - { kinds: [谈话, 检测], min: 28, basis: f }\nrules:\n  P101: { severity: 严重违规 }\n",
    )
    .unwrap();
    let kinds: Vec<EventKind> = p.schedule.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Talks,
            EventKind::Evaluations,
            EventKind::Talks,
            EventKind::SelfReports,
            EventKind::Tests
        ]
    );
    assert_eq!(p.totals[0].kinds, [EventKind::Talks, EventKind::Tests]);
    assert_eq!(
        p.severity("P101", rehabdocs::finding::Severity::Warning),
        rehabdocs::finding::Severity::Breach
    );
    // `profile show` writes the keys, which load back.
    let yaml = p.to_yaml().unwrap();
    assert!(
        yaml.contains("kind: talks") && yaml.contains("kind: evaluations"),
        "{yaml}"
    );
}

#[test]
fn profile_show_commented_prints_the_reference_with_its_comments() {
    let out = run(&["profile", "show", "standard", "--commented"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text, rehabdocs::profile::BUNDLED[0].1);
    assert!(
        text.contains("# A county writes its own schedule"),
        "{text}"
    );
    let out = run(&["profile", "show", "本县.yaml", "--commented"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("只有内置配置"), "{}", stderr(&out));
}

#[test]
fn rules_prints_chinese_severities_and_setting_labels() {
    let out = run(&["rules"]);
    let text = stdout(&out);
    let catalogue: Vec<&str> = text.lines().take(rehabdocs::rules::RULES.len()).collect();
    for line in &catalogue {
        let severity = line.split('\t').nth(1).unwrap();
        assert!(
            ["错误", "严重违规", "警告", "提示"].contains(&severity),
            "{line}"
        );
        assert!(english_run(line).is_none(), "{line}");
    }
    assert!(
        catalogue
            .iter()
            .any(|l| l.starts_with("P101\t警告\t逾期报到\t报到期限（report_in）")),
        "{text}"
    );
    assert!(
        catalogue.iter().any(|l| l.starts_with("P105\t")
            && l.ends_with("检测次数安排（schedule）、突击检测次数（surprise_tests）")),
        "{text}"
    );
}

#[test]
fn an_impossible_month_is_told_as_such_with_every_accepted_form() {
    let outcome = common::read_text_book(&[("SQ001", &[("报到日期", "2025.13.01")])], &[]);
    let f = outcome
        .findings
        .iter()
        .find(|f| f.code == "D002")
        .expect("D002");
    assert!(f.message.contains("2025.13.01"), "{}", f.message);
    assert!(f.message.contains("月份不对"), "{}", f.message);
    for form in [
        "2025-03-01",
        "2025/3/1",
        "2025.3.1",
        "2025年3月1日",
        "20250301",
    ] {
        assert!(f.message.contains(form), "{form}: {}", f.message);
    }
    let outcome = common::read_text_book(&[("SQ001", &[("报到日期", "2025-02-30")])], &[]);
    let f = outcome.findings.iter().find(|f| f.code == "D002").unwrap();
    assert!(f.message.contains("该月没有这一天"), "{}", f.message);
    // Text that is no date at all still lists the forms, the dotted one too.
    let outcome = common::read_text_book(&[("SQ001", &[("报到日期", "正月初五")])], &[]);
    let f = outcome.findings.iter().find(|f| f.code == "D002").unwrap();
    assert!(
        f.message.contains("不是可识别的日期") && f.message.contains("2025.3.1"),
        "{}",
        f.message
    );
}

#[test]
fn the_programs_own_sheets_are_not_reported_as_unread() {
    let dir = tempfile::tempdir().unwrap();
    // The blank template, as a clerk starts from it: its 填表说明 is the program's own.
    let template = dir.path().join("模板.xlsx");
    rehabdocs::blank_template::write_template(&template, false).unwrap();
    let report = check_file(
        &template,
        &Profile::standard(),
        d("2025-12-31"),
        &Selection::default(),
    )
    .unwrap();
    assert!(
        report.register.ignored_sheets.is_empty(),
        "{:?}",
        report.register.ignored_sheets
    );
    assert!(!render_text(&report, Ids::Masked).contains("未读取的工作表"));

    // An annotated copy's 问题清单 and 汇总 (and a renamed one) are skipped; a clerk's own
    // unrelated sheet is still named.
    let path = dir.path().join("标注.xlsx");
    let listed: &[&[&str]] = &[&["编号", "姓名", "问题"], &["x"]];
    write_book(
        &path,
        &[
            ("人员", &[PERSON_HEADER]),
            ("问题清单", listed),
            ("汇总", &[&["编码", "级别", "数量"], &["x"]]),
            ("问题清单 (2)", listed),
            ("备忘", &[&["事项", "负责人", "日期"], &["x"]]),
        ],
    );
    let report = check_file(
        &path,
        &Profile::standard(),
        d("2025-12-31"),
        &Selection::default(),
    )
    .unwrap();
    assert_eq!(report.register.ignored_sheets, ["备忘"]);
}

#[test]
fn a_run_without_as_of_says_which_date_it_used_and_hints_at_the_year_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台帐.xlsx");
    small_register(&path);
    let shown = path.display().to_string();
    let out = run(&["check", &shown]);
    let err = stderr(&out);
    let today = chrono::Local::now().date_naive();
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with(&format!("未指定 --as-of，按今天 {today} 检查")),
        "{err}"
    );
    // The register's last record is 2025-06-15: long before any day this test runs on.
    assert!(
        first.ends_with("；台帐最后记录为 2025-06-15，如需按年底检查请加 --as-of 2025-12-31"),
        "{err}"
    );
    // With --as-of nothing is said.
    let out = run(&["check", &shown, "--as-of", "2025-12-31"]);
    assert_eq!(stderr(&out), "");
}

#[test]
fn the_note_hints_at_the_latest_record_within_the_year() {
    let mut b = B::new();
    let p = b.person("SQ001", "2026-01-05", |_| {});
    b.contact(p, "2026-02-01", ContactKind::FaceToFace);
    let reg = b.done();
    assert_eq!(
        rehabdocs::check::today_note(&reg, d("2026-12-02")),
        "未指定 --as-of，按今天 2026-12-02 检查；台帐最后记录为 2026-02-01，如需按台帐最后记录之日检查请加 --as-of 2026-02-01"
    );
    assert_eq!(
        rehabdocs::check::today_note(&reg, d("2026-03-01")),
        "未指定 --as-of，按今天 2026-03-01 检查"
    );
}

#[test]
fn a_header_error_lists_every_missing_column_of_every_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("表头.xlsx");
    write_book(
        &path,
        &[
            // 姓名 and 措施类型 missing.
            (
                "人员",
                &[&["编号", "公民身份号码", "乡镇(街道)", "村(社区)", "决定日期"]],
            ),
            // 结果 missing.
            ("检测", &[&["编号", "检测日期", "检测方式"]]),
        ],
    );
    let shown = path.display().to_string();
    let out = run(&["check", &shown, "--as-of", "2025-12-31"]);
    let err = assert_one_chinese_line(&out, &shown);
    assert!(
        err.contains("工作表「人员」第1行的表头缺少必需的列：姓名、措施类型"),
        "{err}"
    );
    assert!(
        err.contains("工作表「检测」第1行的表头缺少必需的列：结果"),
        "{err}"
    );
}

#[test]
fn a_missing_talk_points_at_the_talk_sheet_and_names_the_month() {
    let mut b = B::new();
    let p = b.person("SQ001", "2025-01-02", |_| {});
    b.compliant(p, "2025-01-02", "2025-12-31");
    b.r.contacts.retain(|c| {
        !(c.kind == ContactKind::FaceToFace && c.date.format("%m").to_string() == "08")
    });
    let reg = b.done();
    let report = check_loaded(
        reg,
        Vec::new(),
        &Profile::standard(),
        d("2025-12-31"),
        &Selection {
            select: vec!["P106".into()],
            ignore: Vec::new(),
        },
    );
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let f = &report.findings[0];
    assert!(
        f.message.contains("2025年8月完成0次，应1次"),
        "{}",
        f.message
    );
    assert_eq!(f.cells.len(), 1);
    let cell = f.cells[0];
    assert_eq!(cell.sheet, Sheet::Contacts);
    // The date cell of the person's last 谈话 row before the month ended: where the missing
    // talk belongs.
    let before = report
        .register
        .contacts
        .iter()
        .find(|c| c.row == cell.row)
        .unwrap();
    assert_eq!(before.date, d("2025-08-20"));
    assert_eq!(
        report.register.cell_name(&cell),
        format!("谈话!B{}", cell.row + 1)
    );
}

#[test]
fn generate_says_what_it_wrote_besides_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("台帐.xlsx");
    small_register(&register);
    let out_dir: PathBuf = dir.path().join("文书");
    let ledger = dir.path().join("文号台帐.csv");
    let out = run(&[
        "generate",
        &register.display().to_string(),
        "-o",
        &out_dir.display().to_string(),
        "--form",
        "协议书",
        "--as-of",
        "2025-12-31",
        "--ledger",
        &ledger.display().to_string(),
        "--embedded-fonts-only",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("已生成 1 份文书（共 "), "{text}");
    assert!(
        text.contains(&format!("输出目录 {}：", out_dir.display())),
        "{text}"
    );
    assert!(text.contains("  文书 PDF：1 个文件\n"), "{text}");
    assert!(text.contains("  打印清单：清单.csv、清单.pdf\n"), "{text}");
    assert!(
        text.contains(&format!(
            "  文号台帐：{}（本次登记 1 个文号）\n",
            ledger.display()
        )),
        "{text}"
    );
    assert_eq!(
        stderr(&out),
        "",
        "no progress bar and no note off a terminal"
    );
}
