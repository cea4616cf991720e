//! Registers kept in the shapes offices really use, read from the same facts as the
//! template's layout: no 编号 (persons by 公民身份号码, events by 身份证号 or 姓名), one sheet
//! per 村(社区), month-by-month test tables, two-row headers with group cells, a 谈话 row
//! with a date column per kind, and a folder of workbooks. Each must give the findings of the
//! template's layout (codes, persons, units), with cells pointing into its own layout.

mod common;

use chrono::NaiveDate;
use common::rid;
use rehabdocs::check::{check_file, CheckReport, Selection};
use rehabdocs::model::Sheet;
use rehabdocs::output::{render_text, Ids};
use rehabdocs::profile::Profile;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A sheet to write: name, rows of text cells ("" = empty) and merged ranges
/// (first row, first column, last row, last column).
struct Book {
    sheets: Vec<(String, Vec<Vec<String>>, Vec<(u32, u16, u32, u16)>)>,
}

impl Book {
    fn new() -> Book {
        Book { sheets: Vec::new() }
    }
    fn sheet(mut self, name: &str, rows: Vec<Vec<String>>) -> Book {
        self.sheets.push((name.to_string(), rows, Vec::new()));
        self
    }
    fn merged(
        mut self,
        name: &str,
        rows: Vec<Vec<String>>,
        merges: &[(u32, u16, u32, u16)],
    ) -> Book {
        self.sheets.push((name.to_string(), rows, merges.to_vec()));
        self
    }
    fn save(&self, path: &Path) {
        let mut wb = Workbook::new();
        let plain = Format::new();
        for (name, rows, merges) in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            for &(r1, c1, r2, c2) in merges {
                let text = rows[r1 as usize][c1 as usize].clone();
                ws.merge_range(r1, c1, r2, c2, &text, &plain).unwrap();
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let merged = merges.iter().any(|&(r1, c1, r2, c2)| {
                        (r1..=r2).contains(&(r as u32)) && (c1..=c2).contains(&(c as u16))
                    });
                    if !v.is_empty() && !merged {
                        ws.write_string(r as u32, c as u16, v).unwrap();
                    }
                }
            }
        }
        wb.save(path).unwrap();
    }
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

/// The facts every layout holds.
struct Person {
    number: &'static str,
    name: &'static str,
    sex: &'static str,
    id: String,
    unit: &'static str,
}

fn persons() -> Vec<Person> {
    vec![
        Person {
            number: "P001",
            name: "张三",
            sex: "男",
            id: rid("19900101", "001"),
            unit: "东村",
        },
        Person {
            number: "P002",
            name: "李四",
            sex: "女",
            id: rid("19920202", "002"),
            unit: "西村",
        },
        Person {
            number: "P003",
            name: "王五",
            sex: "男",
            id: rid("19930303", "003"),
            unit: "西村",
        },
    ]
}

/// Tests: (person, date as the template writes it, result). P002's February test has a
/// date that does not exist (D002); P003 has none.
const TESTS: &[(usize, &str, &str)] = &[
    (0, "2025-01-10", "阴性"),
    (0, "2025-02-10", "阴性"),
    (0, "2025-03-05", "阴性"),
    (0, "2025-03-27", "阴性"),
    (1, "2025-01-15", "阴性"),
    (1, "2025-02-30", "阴性"),
    (1, "2025-03-27", "阳性"),
];

/// Contacts: (person, date, kind).
const CONTACTS: &[(usize, &str, &str)] = &[
    (0, "2025-02-01", "面谈"),
    (0, "2025-03-01", "家访"),
    (1, "2025-02-15", "本人报告"),
];

/// The 人员 columns after the identity ones (编号/姓名/性别/公民身份号码) and 村(社区).
const PERSON_TAIL: [&str; 7] = [
    "乡镇(街道)",
    "措施类型",
    "决定日期",
    "送达日期",
    "报到日期",
    "协议签订日期",
    "状态",
];
const PERSON_TAIL_VALUES: [&str; 7] = [
    "城关镇",
    "社区戒毒",
    "2025-01-01",
    "2025-01-02",
    "2025-01-05",
    "2025-01-05",
    "执行中",
];

/// 人员 rows: `numbered` (编号 or 序号 first), `with_unit` (a 村(社区) column).
fn person_sheet(people: &[&Person], numbered: bool, with_unit: bool) -> Vec<Vec<String>> {
    let mut header = vec![
        if numbered { "编号" } else { "序号" },
        "姓名",
        "性别",
        "身份证号",
    ];
    if with_unit {
        header.push("村(社区)");
    }
    header.extend(PERSON_TAIL);
    let mut rows = vec![row(&header)];
    for (k, p) in people.iter().enumerate() {
        let seq = (k + 1).to_string();
        let mut r = vec![
            if numbered { p.number.to_string() } else { seq },
            p.name.to_string(),
            p.sex.to_string(),
            p.id.clone(),
        ];
        if with_unit {
            r.push(p.unit.to_string());
        }
        r.extend(PERSON_TAIL_VALUES.iter().map(|s| s.to_string()));
        rows.push(r);
    }
    rows
}

/// 检测 in the template's layout for the persons in `which`.
fn long_tests(people: &[Person], which: &[usize]) -> Vec<Vec<String>> {
    let mut rows = vec![row(&["编号", "检测日期", "结果"])];
    for &(p, date, result) in TESTS.iter().filter(|t| which.contains(&t.0)) {
        rows.push(row(&[people[p].number, date, result]));
    }
    rows
}

fn long_contacts(people: &[Person]) -> Vec<Vec<String>> {
    let mut rows = vec![row(&["编号", "日期", "形式"])];
    for &(p, date, kind) in CONTACTS {
        rows.push(row(&[people[p].number, date, kind]));
    }
    rows
}

/// The template's layout.
fn template_book(people: &[Person]) -> Book {
    let all: Vec<&Person> = people.iter().collect();
    Book::new()
        .sheet("人员", person_sheet(&all, true, true))
        .sheet("检测", long_tests(people, &[0, 1, 2]))
        .sheet("谈话", long_contacts(people))
}

/// `2025-03-27` as a month cell writes it (`3.27`), the nonexistent 2025-02-30 as `2.30`.
fn short(date: &str) -> String {
    let (_, md) = date.split_at(5);
    let (m, d) = md.split_at(2);
    format!("{}.{}", m.trim_start_matches('0'), &d[1..])
}

/// 检测 as a month-by-month table: one row per person and year, several dates of a month
/// joined by 、, a result written only when not 阴性.
fn month_tests(people: &[Person]) -> Vec<Vec<String>> {
    let mut header = vec![
        "序号".to_string(),
        "姓名".into(),
        "身份证号".into(),
        "年度".into(),
    ];
    header.extend((1..=12).map(|m| format!("{m}月")));
    let mut rows = vec![header];
    for (k, p) in people.iter().enumerate() {
        let mut r = vec![
            (k + 1).to_string(),
            p.name.into(),
            p.id.clone(),
            "2025".into(),
        ];
        for m in 1..=12 {
            let cell: Vec<String> = TESTS
                .iter()
                .filter(|t| t.0 == k && t.1[5..7].parse::<u32>() == Ok(m))
                .map(|t| match t.2 {
                    "阴性" => short(t.1),
                    other => format!("{}{other}", short(t.1)),
                })
                .collect();
            r.push(cell.join("、"));
        }
        rows.push(r);
    }
    rows
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

fn check(path: &Path) -> CheckReport {
    check_file(path, &Profile::standard(), as_of(), &Selection::default()).unwrap()
}

/// (code, unit, person's name) of every finding, sorted: what must not depend on the layout.
fn outcome(report: &CheckReport) -> Vec<(String, String, String)> {
    let reg = &report.register;
    let mut v: Vec<(String, String, String)> = report
        .findings
        .iter()
        .map(|f| {
            let name = f
                .person
                .as_deref()
                .and_then(|id| reg.person_index(id))
                .map(|i| reg.persons[i].name.clone())
                .unwrap_or_default();
            (f.code.to_string(), f.unit.clone().unwrap_or_default(), name)
        })
        .collect();
    v.sort();
    v
}

/// The cells of the findings with `code`, as a clerk reads them.
fn cells_of(report: &CheckReport, code: &str) -> Vec<String> {
    let mut v: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.code == code)
        .flat_map(|f| f.cell_names(&report.register))
        .collect();
    v.sort();
    v
}

/// The template's findings for the same facts.
fn template_outcome(dir: &Path) -> (CheckReport, Vec<(String, String, String)>) {
    let path = dir.join("template.xlsx");
    template_book(&persons()).save(&path);
    let report = check(&path);
    let o = outcome(&report);
    // The facts give findings of several kinds, the unreadable date among them.
    assert!(
        o.contains(&("D002".into(), "西村".into(), "李四".into())),
        "{o:?}"
    );
    assert!(o.iter().any(|f| f.2 == "王五"), "{o:?}");
    assert_eq!(cells_of(&report, "D002"), vec!["检测!B7"]);
    (report, o)
}

#[test]
fn without_a_number_persons_are_known_by_resident_id_and_events_by_id_or_name() {
    let dir = tempdir();
    let (_, expected) = template_outcome(dir.path());
    let people = persons();
    let all: Vec<&Person> = people.iter().collect();
    // 检测 names the person by 姓名 and 身份证号, 谈话 by 姓名 only.
    let mut tests = vec![row(&["序号", "姓名", "身份证号", "检测日期", "结果"])];
    for (k, &(p, date, result)) in TESTS.iter().enumerate() {
        let seq = (k + 1).to_string();
        tests.push(row(&[&seq, people[p].name, &people[p].id, date, result]));
    }
    let mut talks = vec![row(&["姓名", "日期", "形式"])];
    for &(p, date, kind) in CONTACTS {
        talks.push(row(&[people[p].name, date, kind]));
    }
    let path = dir.path().join("no_number.xlsx");
    Book::new()
        .sheet("人员", person_sheet(&all, false, true))
        .sheet("检测", tests)
        .sheet("谈话", talks)
        .save(&path);
    let report = check(&path);
    assert_eq!(outcome(&report), expected);
    assert_eq!(cells_of(&report, "D002"), vec!["检测!D7"]);
    let reg = &report.register;
    let p = &reg.persons[0];
    assert!(p.generated_id);
    assert!(
        p.id.starts_with('R') && !p.id.contains(&p.id_digits()),
        "{}",
        p.id
    );
    assert_eq!(p.number(), "");
    // The same key on every run: the ledger of document numbers keys on it.
    assert_eq!(check(&path).register.persons[0].id, p.id);
    // Findings show the person by name and masked resident ID.
    let text = render_text(&report, Ids::Masked);
    assert!(text.contains("李四 110105********"), "{text}");
    assert!(!text.contains(&people[1].id), "{text}");
    assert!(
        text.contains("人员：无编号列，以公民身份号码识别人员"),
        "{text}"
    );
}

/// The digits of a person's resident ID (for asserting that a key shows none of them).
trait IdDigits {
    fn id_digits(&self) -> String;
}
impl IdDigits for rehabdocs::model::Person {
    fn id_digits(&self) -> String {
        self.resident_id.clone().unwrap_or_default()[6..14].to_string()
    }
}

#[test]
fn a_name_two_persons_share_or_nobody_has_is_d006_naming_the_candidates_masked() {
    let dir = tempdir();
    let mut people = persons();
    people[2].name = "张三";
    let all: Vec<&Person> = people.iter().collect();
    let path = dir.path().join("names.xlsx");
    Book::new()
        .sheet("人员", person_sheet(&all, false, true))
        .sheet(
            "检测",
            vec![
                row(&["姓名", "检测日期", "结果"]),
                row(&["张三", "2025-02-01", "阴性"]),
                row(&["李四", "2025-02-01", "阴性"]),
                row(&["赵六", "2025-02-01", "阴性"]),
            ],
        )
        .save(&path);
    let report = check(&path);
    assert_eq!(cells_of(&report, "D006"), vec!["检测!A2", "检测!A4"]);
    let d006: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "D006")
        .map(|f| f.message.as_str())
        .collect();
    let two = d006.iter().find(|m| m.contains("张三")).unwrap();
    assert!(two.contains("有2人"), "{two}");
    assert!(two.contains("人员!B2") && two.contains("人员!B4"), "{two}");
    assert!(two.contains("110105********"), "{two}");
    assert!(!two.contains(&people[0].id), "{two}");
    assert!(d006
        .iter()
        .any(|m| m.contains("姓名「赵六」在人员表中不存在")));
    // 李四 is unique: her test is read.
    let reg = &report.register;
    assert_eq!(reg.tests.len(), 1);
    assert_eq!(reg.persons[reg.tests[0].person].name, "李四");
}

#[test]
fn one_sheet_per_unit_is_read_as_one_table_with_the_unit_from_the_sheet_name() {
    let dir = tempdir();
    let (_, expected) = template_outcome(dir.path());
    let people = persons();
    let path = dir.path().join("per_unit.xlsx");
    Book::new()
        .sheet("东村", person_sheet(&[&people[0]], true, false))
        .sheet("西村", person_sheet(&[&people[1], &people[2]], true, false))
        .sheet("东村检测", long_tests(&people, &[0]))
        .sheet("西村检测", long_tests(&people, &[1, 2]))
        .sheet("谈话", long_contacts(&people))
        .save(&path);
    let report = check(&path);
    assert_eq!(outcome(&report), expected);
    assert_eq!(cells_of(&report, "D002"), vec!["西村检测!B3"]);
    let reg = &report.register;
    assert_eq!(reg.persons[2].unit, "西村");
    let cell = reg.cell(Sheet::Persons, reg.persons[2].row, "姓名");
    assert_eq!(reg.cell_name(&cell), "西村!B3");
    let text = render_text(&report, Ids::Masked);
    assert!(
        text.contains("人员：2 张工作表合为一表（东村、西村）；村(社区)取自各工作表的名称或标题"),
        "{text}"
    );
}

#[test]
fn month_table_gives_the_template_findings_with_cells_in_the_month_columns() {
    let dir = tempdir();
    let (template, expected) = template_outcome(dir.path());
    let people = persons();
    let all: Vec<&Person> = people.iter().collect();
    let path = dir.path().join("months.xlsx");
    Book::new()
        .sheet("人员", person_sheet(&all, true, true))
        .sheet("尿检情况", month_tests(&people))
        .sheet("谈话", long_contacts(&people))
        .save(&path);
    let report = check(&path);
    assert_eq!(outcome(&report), expected);
    // 李四's February cell (F3, under 2月) holds 2.30.
    assert_eq!(cells_of(&report, "D002"), vec!["尿检情况!F3"]);
    let reg = &report.register;
    assert_eq!(reg.tests.len(), template.register.tests.len());
    // Every test keeps its month cell: 张三's two March tests are in G2.
    let cells: Vec<String> = reg
        .tests_of(0)
        .iter()
        .map(|t| reg.cell_name(&reg.cell(Sheet::Tests, t.row, "检测日期")))
        .collect();
    assert_eq!(
        cells,
        ["尿检情况!E2", "尿检情况!F2", "尿检情况!G2", "尿检情况!G2"]
    );
    let positive = reg.tests_of(1).last().unwrap();
    assert_eq!(positive.result, rehabdocs::model::TestResult::Positive);
    let text = render_text(&report, Ids::Masked);
    assert!(text.contains("检测：按月登记表，1月…12月"), "{text}");
}

#[test]
fn two_row_header_with_a_merged_group_over_date_and_result() {
    let dir = tempdir();
    let (_, expected) = template_outcome(dir.path());
    let people = persons();
    let all: Vec<&Person> = people.iter().collect();
    let mut tests = vec![row(&["编号", "检测情况", ""]), row(&["", "日期", "结果"])];
    tests.extend(long_tests(&people, &[0, 1, 2]).into_iter().skip(1));
    let path = dir.path().join("two_rows.xlsx");
    Book::new()
        .sheet("人员", person_sheet(&all, true, true))
        .merged("检测", tests, &[(0, 0, 1, 0), (0, 1, 0, 2)])
        .sheet("谈话", long_contacts(&people))
        .save(&path);
    let report = check(&path);
    assert_eq!(outcome(&report), expected);
    assert_eq!(cells_of(&report, "D002"), vec!["检测!B8"]);
}

#[test]
fn talks_with_a_date_column_per_kind() {
    let dir = tempdir();
    let (template, expected) = template_outcome(dir.path());
    let people = persons();
    let all: Vec<&Person> = people.iter().collect();
    let path = dir.path().join("kinds.xlsx");
    Book::new()
        .sheet("人员", person_sheet(&all, true, true))
        .sheet("检测", long_tests(&people, &[0, 1, 2]))
        .sheet(
            "谈话",
            vec![
                row(&["编号", "姓名", "面谈日期", "家访日期", "本人报告"]),
                row(&["P001", "张三", "2025-02-01", "2025-03-01", ""]),
                row(&["P002", "李四", "", "", "2025-02-15"]),
            ],
        )
        .save(&path);
    let report = check(&path);
    assert_eq!(outcome(&report), expected);
    let reg = &report.register;
    let kinds = |r: &rehabdocs::model::Register| -> Vec<(String, NaiveDate, &'static str)> {
        r.contacts
            .iter()
            .map(|c| (r.persons[c.person].name.clone(), c.date, c.kind.label()))
            .collect()
    };
    assert_eq!(kinds(reg), kinds(&template.register));
    let home = reg
        .contacts
        .iter()
        .find(|c| c.kind.label() == "家访")
        .unwrap();
    assert_eq!(
        reg.cell_name(&reg.cell(Sheet::Contacts, home.row, "日期")),
        "谈话!D2"
    );
    let text = render_text(&report, Ids::Masked);
    assert!(
        text.contains("谈话：每行按形式分列日期（面谈、家访、本人报告）"),
        "{text}"
    );
}

/// One workbook per 村(社区) in a folder.
fn folder_of_books(dir: &Path, people: &[Person]) -> PathBuf {
    let folder = dir.join("各村台帐");
    std::fs::create_dir(&folder).unwrap();
    Book::new()
        .sheet("人员", person_sheet(&[&people[0]], true, true))
        .sheet("检测", long_tests(people, &[0]))
        .sheet("谈话", long_contacts(people)[..3].to_vec())
        .save(&folder.join("东村.xlsx"));
    let mut west_talks = long_contacts(people);
    west_talks.drain(1..3);
    Book::new()
        .sheet("人员", person_sheet(&[&people[1], &people[2]], true, true))
        .sheet("检测", long_tests(people, &[1, 2]))
        .sheet("谈话", west_talks)
        .save(&folder.join("西村.xlsx"));
    folder
}

#[test]
fn a_folder_of_workbooks_is_one_register_naming_each_file() {
    let dir = tempdir();
    let (_, expected) = template_outcome(dir.path());
    let people = persons();
    let folder = folder_of_books(dir.path(), &people);
    let report = check(&folder);
    assert_eq!(outcome(&report), expected);
    assert_eq!(cells_of(&report, "D002"), vec!["[西村.xlsx]检测!B3"]);
    let reg = &report.register;
    assert_eq!(reg.persons.len(), 3);
    let cell = reg.cell(Sheet::Persons, reg.persons[1].row, "姓名");
    assert_eq!(reg.cell_name(&cell), "[西村.xlsx]人员!B2");

    // The same person in two files: D005 names the first.
    Book::new()
        .sheet("人员", person_sheet(&[&people[0]], true, true))
        .save(&folder.join("重复.xlsx"));
    let report = check(&folder);
    assert_eq!(cells_of(&report, "D005"), vec!["[重复.xlsx]人员!A2"]);
    let d005 = report.findings.iter().find(|f| f.code == "D005").unwrap();
    assert!(
        d005.message.contains("[东村.xlsx]人员!A2"),
        "{}",
        d005.message
    );
}

fn rehabdocs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
}

#[test]
fn annotate_generate_and_report_work_on_a_month_table_without_numbers() {
    let dir = tempdir();
    let people = persons();
    let all: Vec<&Person> = people.iter().collect();
    let path = dir.path().join("台帐.xlsx");
    Book::new()
        .sheet("人员", person_sheet(&all, false, true))
        .sheet("尿检", month_tests(&people))
        .save(&path);
    let run = |args: &[&str]| {
        let out = rehabdocs().args(args).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 1,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let p = path.to_str().unwrap();
    let annotated = dir.path().join("标注.xlsx");
    run(&[
        "check",
        p,
        "--as-of",
        "2025-06-30",
        "--annotate",
        annotated.to_str().unwrap(),
    ]);
    assert!(annotated.exists());
    let out = dir.path().join("文书");
    let ledger = dir.path().join("文号台帐.csv");
    run(&[
        "generate",
        p,
        "-o",
        out.to_str().unwrap(),
        "--form",
        "档案封面",
        "--as-of",
        "2025-06-30",
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf") && n.contains("档案封面"))
        .collect();
    // 李四's unreadable February cell holds her documents back, as in the template's layout.
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(!files.iter().any(|f| f.contains("李四")), "{files:?}");
    for f in &files {
        assert!(!people.iter().any(|p| f.contains(&p.id[6..14])), "{f}");
    }
    let zhang = files
        .iter()
        .find(|f| f.starts_with("东村_R") && f.contains("_张三_"))
        .expect("张三's cover, named by the generated key");
    // The cover leaves 编号 blank rather than print the generated key.
    let key = zhang.split('_').nth(1).unwrap();
    let text = common::text_of(&out.join(zhang));
    assert!(text.contains("张三") && !text.contains(key), "{text}");
    let report_dir = dir.path().join("考核");
    run(&[
        "report",
        p,
        "--year",
        "2025",
        "-o",
        report_dir.to_str().unwrap(),
    ]);
    assert!(std::fs::read_dir(&report_dir).unwrap().count() > 0);
}

#[test]
fn the_unit_comes_from_the_title_row_when_the_sheet_name_is_no_place() {
    let dir = tempdir();
    let people = persons();
    let mut rows = vec![row(&["2025年城关镇东村社区戒毒人员名单"])];
    rows.extend(person_sheet(&[&people[0]], false, false));
    // Two persons whose IDs were stored as numbers show alike: not one person twice.
    let mut lost = person_sheet(&[&people[1], &people[2]], false, false);
    for r in lost.iter_mut().skip(1) {
        r[3] = "1.10105E+17".into();
    }
    let path = dir.path().join("title.xlsx");
    Book::new()
        .sheet("人员", rows)
        .sheet("西村", lost)
        .save(&path);
    let report = check(&path);
    let reg = &report.register;
    let units: Vec<(&str, &str)> = reg
        .persons
        .iter()
        .map(|p| (p.name.as_str(), p.unit.as_str()))
        .collect();
    assert_eq!(
        units,
        [("张三", "东村"), ("李四", "西村"), ("王五", "西村")]
    );
    assert_eq!(cells_of(&report, "D005"), Vec::<String>::new());
    assert_eq!(cells_of(&report, "D010"), vec!["西村!D2", "西村!D3"]);
    assert_eq!(reg.layouts[&Sheet::Persons].parts[0].header_row, 1);
}

/// The findings of `check --format json` on a register: (code, person, unit, cells), in the
/// report's order.
fn json_findings(path: &Path) -> Vec<(String, String, String, Vec<String>)> {
    let out = rehabdocs()
        .args(["check", path.to_str().unwrap(), "--as-of", "2025-06-30"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let cells = f["cells"].as_array().unwrap().iter().map(text).collect();
            (
                text(&f["code"]),
                text(&f["person"]),
                text(&f["unit"]),
                cells,
            )
        })
        .collect()
}

/// The rows of an annotated copy's 问题清单: (code, cells).
fn issue_list(copy: &Path) -> Vec<(String, String)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(copy).unwrap();
    let list = book.worksheet_range("问题清单").unwrap();
    list.rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[4].to_string()))
        .collect()
}

/// The value of attribute `name` in an XML tag's text.
fn attribute(tag: &str, name: &str) -> String {
    let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[at..at + tag[at..].find('"').unwrap()].to_string()
}

/// A part name: `target` relative to the folder of part `from` (or absolute).
fn part_path(from: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The cells that carry a note in a workbook, as `sheet!A1`.
fn noted_cells(path: &Path) -> BTreeSet<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut read = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        Some(s)
    };
    let rels_of = |part: &str| {
        let (dir, file) = part.rsplit_once('/').unwrap();
        format!("{dir}/_rels/{file}.rels")
    };
    let tags = |xml: &str, name: &str| -> Vec<String> {
        xml.split(&format!("<{name} "))
            .skip(1)
            .map(|t| format!(" {}", &t[..t.find('>').unwrap()]))
            .collect()
    };
    let workbook = read("xl/workbook.xml").unwrap();
    let book_rels = read(&rels_of("xl/workbook.xml")).unwrap();
    let target = |rels: &str, pick: &dyn Fn(&str) -> bool| -> Option<String> {
        tags(rels, "Relationship")
            .into_iter()
            .find(|t| pick(t))
            .map(|t| attribute(&t, "Target"))
    };
    let mut out = BTreeSet::new();
    for sheet in tags(&workbook, "sheet") {
        let id = attribute(&sheet, "r:id");
        let part = target(&book_rels, &|t: &str| attribute(t, "Id") == id).unwrap();
        let part = part_path("xl/workbook.xml", &part);
        let Some(rels) = read(&rels_of(&part)) else {
            continue;
        };
        let Some(comments) = target(&rels, &|t: &str| {
            attribute(t, "Type").ends_with("/comments")
        }) else {
            continue;
        };
        let comments = read(&part_path(&part, &comments)).unwrap();
        for c in tags(&comments, "comment") {
            out.insert(format!(
                "{}!{}",
                attribute(&sheet, "name"),
                attribute(&c, "ref")
            ));
        }
    }
    out
}

/// Every file under a folder with its bytes.
fn folder_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_folder_of_workbooks_gets_one_annotated_copy_per_workbook_each_with_its_findings() {
    use calamine::Reader;
    let dir = tempdir();
    let people = persons();
    let folder = folder_of_books(dir.path(), &people);
    let run = |more: &[&str]| {
        rehabdocs()
            .args(["check", folder.to_str().unwrap(), "--as-of", "2025-06-30"])
            .args(more)
            .output()
            .unwrap()
    };
    // `--annotate` without a name: the folder 各村台帐（已标注） beside the register's.
    let first = run(&["--annotate"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(matches!(first.status.code(), Some(0 | 1)), "{stderr}");
    let out = dir.path().join("各村台帐（已标注）");
    assert!(
        stderr.contains("已生成标注副本") && stderr.contains("2 个工作簿"),
        "{stderr}"
    );
    let copies = folder_files(&out);
    assert_eq!(
        copies.keys().collect::<Vec<_>>(),
        ["东村（已标注）.xlsx", "西村（已标注）.xlsx"]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "the folder is the clerk's alone");
    }

    let found = json_findings(&folder);
    // The folder's findings rest on cells of both workbooks, and some on no cell at all.
    for book in ["东村.xlsx", "西村.xlsx"] {
        let prefix = format!("[{book}]");
        assert!(
            found
                .iter()
                .any(|f| f.3.iter().any(|c| c.starts_with(&prefix))),
            "{found:?}"
        );
    }
    // A person with no test rests on the 检测 header of the person's own workbook.
    let p105 = found
        .iter()
        .find(|f| f.0 == "P105" && f.1 == "P003")
        .unwrap();
    assert_eq!(p105.3, ["[西村.xlsx]检测!B1"]);
    // Where a finding without a cell would belong (the rules give every finding one now):
    // its person's workbook, else its unit's.
    let cellless: Vec<_> = found.iter().filter(|f| f.3.is_empty()).collect();
    let home_of = |person: &str, unit: &str| -> Vec<&str> {
        match (person, unit) {
            ("P001", _) | ("", "东村") => vec!["东村.xlsx"],
            ("P002" | "P003", _) | ("", "西村") => vec!["西村.xlsx"],
            _ => vec!["东村.xlsx", "西村.xlsx"],
        }
    };
    for (book, copy) in [
        ("东村.xlsx", "东村（已标注）.xlsx"),
        ("西村.xlsx", "西村（已标注）.xlsx"),
    ] {
        let prefix = format!("[{book}]");
        let copy = out.join(copy);
        let expected: Vec<(String, String)> = found
            .iter()
            .filter(|(_, person, unit, cells)| {
                cells.iter().any(|c| c.starts_with(&prefix))
                    || (cells.is_empty() && home_of(person, unit).contains(&book))
            })
            .map(|(code, _, _, cells)| (code.clone(), cells.join("、")))
            .collect();
        assert_eq!(issue_list(&copy), expected, "{book}");
        // Every cell of the workbook a finding rests on carries a note there, and no other.
        let marked: BTreeSet<String> = found
            .iter()
            .flat_map(|f| f.3.iter())
            .filter_map(|c| c.strip_prefix(&prefix).map(str::to_string))
            .collect();
        assert_eq!(noted_cells(&copy), marked, "{book}");
        // The workbook's own sheets hold what they held.
        let mut original: calamine::Xlsx<_> = calamine::open_workbook(folder.join(book)).unwrap();
        let mut annotated: calamine::Xlsx<_> = calamine::open_workbook(&copy).unwrap();
        for sheet in original.sheet_names() {
            assert_eq!(
                original.worksheet_range(&sheet).unwrap(),
                annotated.worksheet_range(&sheet).unwrap(),
                "{book} {sheet}"
            );
        }
    }
    // Every finding is in some copy.
    let listed: usize = copies.keys().map(|c| issue_list(&out.join(c)).len()).sum();
    let twice = cellless
        .iter()
        .filter(|f| home_of(&f.1, &f.2).len() == 2)
        .count();
    assert_eq!(listed, found.len() + twice);

    // Again without --force: refused in Chinese, the folder as it was.
    let again = run(&["--annotate"]);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(folder_files(&out), copies);
    // With --force the copies are replaced and the clerk's other files stay.
    std::fs::write(out.join("说明.txt"), "已核对").unwrap();
    let forced = run(&["--annotate", out.to_str().unwrap(), "--force"]);
    assert!(matches!(forced.status.code(), Some(0 | 1)));
    let now = folder_files(&out);
    assert_eq!(now["说明.txt"], "已核对".as_bytes());
    assert_eq!(now.len(), 3);
    for (name, bytes) in &copies {
        assert_eq!(&now[name], bytes, "same register, same bytes: {name}");
    }
    // A workbook's name is no folder for the copies.
    let named = run(&["--annotate", dir.path().join("标注.xlsx").to_str().unwrap()]);
    assert_eq!(named.status.code(), Some(2));
    let err = String::from_utf8_lossy(&named.stderr);
    assert!(err.contains("请写一个文件夹"), "{err}");
}

#[test]
fn a_folder_whose_workbook_cannot_be_annotated_leaves_nothing_behind() {
    let dir = tempdir();
    let people = persons();
    let folder = folder_of_books(dir.path(), &people);
    let report = check(&folder);
    // 西村.xlsx is damaged after the check: 东村's copy is written, 西村's fails.
    std::fs::write(folder.join("西村.xlsx"), b"PK\x03\x04 not a workbook").unwrap();
    let out = dir.path().join("标注");
    let err = rehabdocs::annotate::write_annotated(&report, &out, Ids::Masked).unwrap_err();
    assert!(err.contains("西村.xlsx"), "{err}");
    assert!(!out.exists());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["各村台帐"], "no staging folder left: {left:?}");
}

/// A register without 编号 (persons by 身份证号) and only a 人员 sheet; 张三's number ends in X.
fn unnumbered(dir: &Path, people: &mut [Person], file: &str) -> PathBuf {
    people[0].id = (0..1000)
        .map(|k| rid("19900101", &format!("{k:03}")))
        .find(|id| id.ends_with('X'))
        .unwrap();
    let all: Vec<&Person> = people.iter().collect();
    let path = dir.join(file);
    Book::new()
        .sheet("人员", person_sheet(&all, false, true))
        .save(&path);
    path
}

#[test]
fn a_person_is_found_by_number_resident_id_or_a_name_only_one_has() {
    use rehabdocs::paperwork::plan::find_person;
    let dir = tempdir();
    let mut people = persons();
    let numbered = dir.path().join("numbered.xlsx");
    template_book(&people).save(&numbered);
    let reg = check(&numbered).register;
    assert_eq!(find_person(&reg, "P002"), Ok(1));
    assert_eq!(find_person(&reg, &people[2].id), Ok(2));
    assert_eq!(find_person(&reg, " 王五 "), Ok(2));

    let path = unnumbered(dir.path(), &mut people, "unnumbered.xlsx");
    let reg = check(&path).register;
    assert!(reg.persons[0].generated_id);
    let lower = people[0].id.to_lowercase();
    assert!(lower.ends_with('x'));
    assert_eq!(find_person(&reg, &lower), Ok(0));
    assert_eq!(find_person(&reg, &people[1].id), Ok(1));
    assert_eq!(find_person(&reg, "李四"), Ok(1));
    assert_eq!(
        find_person(&reg, &reg.persons[2].id),
        Ok(2),
        "the generated key"
    );
    let unknown = find_person(&reg, "赵六").unwrap_err().to_string();
    assert_eq!(unknown, "台帐中没有编号、身份证号或姓名为「赵六」的人员");
    let unknown_id = find_person(&reg, &rid("19990909", "009"))
        .unwrap_err()
        .to_string();
    assert!(unknown_id.contains("110105********"), "{unknown_id}");

    // Two named 张三: both listed, numbers masked, with their 村(社区).
    people[2].name = "张三";
    let twice = unnumbered(dir.path(), &mut people, "twice.xlsx");
    let reg = check(&twice).register;
    let err = find_person(&reg, "张三").unwrap_err().to_string();
    let masked = |id: &str| format!("{}********{}", &id[..6], &id[14..]);
    assert_eq!(
        err,
        format!(
            "台帐中有 2 人姓名为「张三」：张三（{}，东村）、张三（{}，西村）；请改用身份证号指定（--person 身份证号）",
            masked(&people[0].id),
            masked(&people[2].id)
        )
    );
    assert_eq!(find_person(&reg, &people[2].id), Ok(2));
}

#[test]
fn generate_preview_and_archive_take_a_resident_id_or_a_unique_name() {
    let dir = tempdir();
    let mut people = persons();
    let path = unnumbered(dir.path(), &mut people, "台帐.xlsx");
    let p = path.to_str().unwrap();
    let ledger = dir.path().join("文号台帐.csv");
    let run = |args: &[&str]| {
        rehabdocs()
            .args(args)
            .args([
                "--as-of",
                "2025-06-30",
                "--ledger",
                ledger.to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    let ok = |args: &[&str]| {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    };
    let pdfs = |out: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".pdf") && !n.starts_with("清单"))
            .collect();
        v.sort();
        v
    };
    // By 身份证号 (x in lower case) and by a name only one person has: that person's cover.
    for (k, given) in [(0, people[0].id.to_lowercase()), (2, "王五".to_string())] {
        let out = dir.path().join(format!("封面{k}"));
        let o = out.to_str().unwrap();
        ok(&[
            "generate",
            p,
            "-o",
            o,
            "--form",
            "档案封面",
            "--person",
            &given,
        ]);
        let files = pdfs(&out);
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(
            files[0].contains(&format!("_{}_档案封面", people[k].name)),
            "{files:?}"
        );
    }
    let png = dir.path().join("预览.png");
    ok(&[
        "preview",
        p,
        "--form",
        "档案封面",
        "--person",
        "李四",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let archive = dir.path().join("档案");
    ok(&[
        "generate",
        p,
        "-o",
        archive.to_str().unwrap(),
        "--archive",
        "--person",
        "王五",
    ]);
    let files = pdfs(&archive);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].contains("_王五_一人一档"), "{files:?}");
    // A document the facts do not support is held back, the person named as the clerk knows
    // them: name and masked resident ID (no generated key).
    let held = run(&[
        "generate",
        p,
        "-o",
        dir.path().join("总评估").to_str().unwrap(),
        "--form",
        "总评估表",
        "--person",
        "王五",
    ]);
    let said = String::from_utf8_lossy(&held.stdout);
    let id = &people[2].id;
    let masked = format!("{}********{}", &id[..6], &id[14..]);
    assert!(
        said.contains(&format!(" 王五 {masked}：总评估表")),
        "{said}"
    );
    assert!(!said.contains(id.as_str()), "{said}");

    // A name two persons share, and one nobody has: exit 2, nothing written.
    people[2].name = "张三";
    let twice = unnumbered(dir.path(), &mut people, "重名.xlsx");
    for (given, says) in [("张三", "请改用身份证号"), ("赵六", "「赵六」")] {
        let out = dir.path().join(format!("不生成{given}"));
        let refused = run(&[
            "generate",
            twice.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--form",
            "档案封面",
            "--person",
            given,
        ]);
        assert_eq!(refused.status.code(), Some(2));
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!people.iter().any(|p| err.contains(&p.id)), "{err}");
        assert!(!out.exists(), "{given}: nothing written");
    }
    let refused = run(&[
        "generate",
        twice.to_str().unwrap(),
        "-o",
        dir.path().join("x").to_str().unwrap(),
        "--form",
        "档案封面",
        "--person",
        "张三",
    ]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("东村") && err.contains("西村") && err.contains("********"),
        "{err}"
    );
}

#[test]
fn without_a_name_the_copy_goes_beside_the_register_and_a_folder_of_csv_gets_one_copy() {
    let dir = tempdir();
    let people = persons();
    let annotate = |register: &Path| {
        let out = rehabdocs()
            .args(["check", register.to_str().unwrap(), "--as-of", "2025-06-30"])
            .arg("--annotate")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
        err
    };
    let book = dir.path().join("台帐.xlsx");
    template_book(&people).save(&book);
    let copy = dir.path().join("台帐（已标注）.xlsx");
    assert!(annotate(&book).contains(&format!("已生成标注副本 {}", copy.display())));
    assert_eq!(issue_list(&copy).len(), json_findings(&book).len());
    // A folder of CSV files is one register, not a folder of workbooks: one copy.
    let csv = dir.path().join("CSV台帐");
    std::fs::create_dir(&csv).unwrap();
    let all: Vec<&Person> = people.iter().collect();
    let text: String = person_sheet(&all, true, true)
        .iter()
        .map(|r| r.join(",") + "\n")
        .collect();
    std::fs::write(csv.join("人员.csv"), text).unwrap();
    annotate(&csv);
    let copy = dir.path().join("CSV台帐（已标注）.xlsx");
    let found = json_findings(&csv);
    assert!(!found.is_empty());
    assert_eq!(issue_list(&copy).len(), found.len());
}
