//! End-to-end tests of reading registers and of `rehabdocs check`, on real workbooks and CSV
//! files made here.

mod common;

use chrono::NaiveDate;
use common::rid;
use rehabdocs::check::{check_file, CheckReport, Selection};
use rehabdocs::finding::Severity;
use rehabdocs::model::{Measure, Sex, Sheet, Status};
use rehabdocs::output::{render_json, render_text, Ids};
use rehabdocs::profile::Profile;
use rehabdocs::register::read_register;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A cell to write.
#[derive(Clone)]
enum C {
    S(&'static str),
    O(String),
    N(f64),
    /// A real date cell.
    D(u16, u8, u8),
    E,
}
use C::{D, E, N, O, S};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

/// A sheet: name, optional merged title over the first row, rows of cells.
struct SheetSpec {
    name: &'static str,
    title: Option<&'static str>,
    rows: Vec<Vec<C>>,
}

fn sheet(name: &'static str, rows: Vec<Vec<C>>) -> SheetSpec {
    SheetSpec {
        name,
        title: None,
        rows,
    }
}

fn write_xlsx(path: &Path, sheets: &[SheetSpec]) {
    let mut wb = Workbook::new();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let title_fmt = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).unwrap();
        let mut r0 = 0u32;
        if let Some(t) = s.title {
            ws.merge_range(0, 0, 0, 5, t, &title_fmt).unwrap();
            r0 = 1;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r0 + r as u32, c as u16);
                match cell {
                    S(t) => {
                        ws.write_string(r, c, *t).unwrap();
                    }
                    O(t) => {
                        ws.write_string(r, c, t.as_str()).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    D(y, m, dd) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *dd).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt).unwrap();
                    }
                    E => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

const AS_OF: &str = "2025-06-30";

fn as_of() -> NaiveDate {
    d(2025, 6, 30)
}

fn check(path: &Path) -> CheckReport {
    // Data checks only: the P/U rules are tested in tests/rules.rs.
    let only_data = Selection {
        select: vec!["D".into()],
        ignore: Vec::new(),
    };
    check_file(path, &Profile::standard(), as_of(), &only_data).unwrap()
}

/// (code, first cell) of every finding, sorted.
fn code_cells(report: &CheckReport) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            let cell = f
                .cells
                .first()
                .map(|c| report.register.cell_name(c))
                .unwrap_or_default();
            (f.code.to_string(), cell)
        })
        .collect();
    v.sort();
    v
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

const PERSON_HEADER: [&str; 14] = [
    "编号",
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "乡镇(街道)",
    "村(社区)",
    "措施类型",
    "决定日期",
    "送达日期",
    "报到日期",
    "协议签订日期",
    "状态",
    "状态日期",
];

fn header(names: &[&'static str]) -> Vec<C> {
    names.iter().map(|n| S(n)).collect()
}

/// A person row in the contract layout with the usual dates (决定 1/1, 送达 1/2, 报到 and
/// 协议 1/5 of 2025), 执行中.
fn person_row(id: &'static str, sex: &'static str, rid: C) -> Vec<C> {
    vec![
        S(id),
        S("张三"),
        S(sex),
        rid,
        E,
        S("城关镇"),
        S("东村"),
        S("社区戒毒"),
        S("2025-01-01"),
        S("2025-01-02"),
        S("2025-01-05"),
        S("2025-01-05"),
        S("执行中"),
        E,
    ]
}

fn clean_workbook(path: &Path) {
    write_xlsx(
        path,
        &[
            sheet(
                "人员",
                vec![
                    header(&PERSON_HEADER),
                    person_row("P001", "男", O(rid("19900101", "001"))),
                    person_row("P002", "女", O(rid("19920202", "002"))),
                ],
            ),
            sheet(
                "检测",
                vec![
                    header(&["编号", "检测日期", "结果"]),
                    vec![S("P001"), S("2025-02-01"), S("阴性")],
                    vec![S("P002"), S("2025-02-03"), S("阴性")],
                ],
            ),
        ],
    );
}

#[test]
fn clean_workbook_has_no_findings() {
    let dir = tempdir();
    let path = dir.path().join("clean.xlsx");
    clean_workbook(&path);
    let report = check(&path);
    assert_eq!(code_cells(&report), vec![]);
    let reg = &report.register;
    assert_eq!(reg.persons.len(), 2);
    let p = &reg.persons[0];
    assert_eq!(p.id, "P001");
    assert_eq!(p.sex, Some(Sex::Male));
    assert!(p.resident_id_valid);
    assert_eq!(p.measure, Some(Measure::Detox));
    assert_eq!(p.report_date, Some(d(2025, 1, 5)));
    assert_eq!(p.term_months, 36);
    assert_eq!(reg.tests_of(1).len(), 1);
    assert_eq!(reg.rows[&Sheet::Persons].read, 2);
    assert_eq!(reg.rows[&Sheet::Tests].used, 2);
    assert!(render_text(&report, Ids::Shown).contains("未发现问题"));
}

/// A messy workbook: merged title row and a note row above the header, synonym headers
/// (full-width parentheses, spaces, `*`), shuffled and extra columns, every date form,
/// full-width digits, stray spaces and an ID stored as a number.
fn messy_workbook(path: &Path) -> String {
    // An ID whose check character is X, typed in lower case with spaces around.
    let x_id = (1..1000)
        .map(|n| rid("19900101", &format!("{n:03}")))
        .find(|id| id.ends_with('X'))
        .unwrap();
    let x_sex = if (x_id.as_bytes()[16] - b'0') % 2 == 1 {
        "男 "
    } else {
        " 女"
    };
    let fw_id: String = rid("19850505", "012")
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let headers = [
        "序号",
        "姓 名",
        "身份证号码",
        "*编号",
        "性别",
        "所属社区",
        "乡镇（街道）",
        "措施类型",
        "决定时间",
        "送达日期",
        "报到时间",
        "协议签订日期",
        "状态",
        "状态日期",
        "备注",
        "出生日期",
    ];
    let persons = SheetSpec {
        name: "吸毒人员",
        title: Some("城关镇社区戒毒(康复)人员登记台帐"),
        rows: vec![
            vec![S("填报单位：城关镇禁毒办")],
            header(&headers),
            vec![
                N(1.0),
                S("张\u{3000}三"),
                O(format!(" {} ", x_id.to_lowercase())),
                S("N001"),
                S(x_sex),
                S(" 东 村"),
                S("城关镇"),
                S("社区戒毒"),
                D(2025, 1, 1),
                N(45659.0),
                S("2025年1月5日"),
                S("20250105"),
                S("执行中"),
                E,
                S("外出务工"),
                S("1990/1/1"),
            ],
            vec![
                N(2.0),
                S("李四"),
                O(fw_id),
                S(" N002 "),
                S("女"),
                S("东村"),
                S("城关镇"),
                S(" 社区\u{3000}康复 "),
                S("２０２５.３.１"),
                S(" 2025/3/1 "),
                S("2025-03-01"),
                N(45717.0),
                E,
                E,
                E,
                E,
            ],
            vec![
                N(3.0),
                S("王五"),
                N(341071199403157000.0),
                S("N003"),
                S("男"),
                S("西村"),
                S("城关镇"),
                S("社区戒毒"),
                S("2025-01-01"),
                E,
                S("2025-01-03"),
                E,
                S("已解除"),
                S("2025年5月31日"),
                E,
                E,
            ],
            // A pre-numbered empty row: only 序号 is filled, so it is not a data row.
            vec![N(4.0)],
        ],
    };
    let tests = SheetSpec {
        name: "检测记录",
        title: Some("尿检记录"),
        rows: vec![
            header(&["编号", "检测时间", "检测结果", "检测单位"]),
            vec![S("Ｎ００２"), D(2025, 6, 30), S("阴性"), S("县疾控")],
            vec![S("N003"), S("2025.5.31"), S("阴性")],
            vec![S("N001"), S(" 2025/2/1 "), S(" 阴性 ")],
        ],
    };
    let leaves = sheet(
        "外出",
        vec![
            header(&["编号", "离开日期", "返回日期", "去向", "是否批准"]),
            vec![
                S("N002"),
                S("2025-04-01"),
                S("2025-04-01"),
                S("省城"),
                S("是"),
            ],
        ],
    );
    let notes = sheet("备注", vec![vec![S("请用文本格式录入公民身份号码")]]);
    let empty = sheet("Sheet3", vec![]);
    write_xlsx(path, &[persons, tests, leaves, notes, empty]);
    x_id
}

#[test]
fn messy_workbook_reads_and_only_the_numeric_id_is_flagged() {
    let dir = tempdir();
    let path = dir.path().join("messy.xlsx");
    let x_id = messy_workbook(&path);
    let report = check(&path);
    // The ID stored as a number is the only problem; every near miss passes.
    assert_eq!(code_cells(&report), pairs(&[("D010", "吸毒人员!C6")]));
    let reg = &report.register;
    assert_eq!(reg.layouts[&Sheet::Persons].name, "吸毒人员");
    assert_eq!(reg.layouts[&Sheet::Persons].header_row, 2);
    assert_eq!(reg.layouts[&Sheet::Tests].header_row, 1);
    assert_eq!(reg.rows[&Sheet::Persons].read, 3);
    assert_eq!(reg.rows[&Sheet::Persons].rejected, 0);
    assert_eq!(reg.rows[&Sheet::Tests].used, 3);
    assert_eq!(reg.rows[&Sheet::Leaves].used, 1);
    // A sheet that is not part of the register is named, an empty one is not.
    assert_eq!(reg.ignored_sheets, ["备注"]);
    assert!(render_text(&report, Ids::Shown).contains("未读取的工作表：备注"));

    let n1 = &reg.persons[0];
    // Names and units lose the spaces clerks pad them with.
    assert_eq!((n1.name.as_str(), n1.unit.as_str()), ("张三", "东村"));
    assert_eq!(n1.resident_id.as_deref(), Some(x_id.as_str()));
    assert!(n1.resident_id_valid);
    assert_eq!(n1.decision_date, Some(d(2025, 1, 1)));
    assert_eq!(n1.served_date, Some(d(2025, 1, 2)));
    assert_eq!(n1.report_date, Some(d(2025, 1, 5)));
    assert_eq!(n1.agreement_date, Some(d(2025, 1, 5)));
    assert_eq!(n1.birth_date, Some(d(1990, 1, 1)));
    let n2 = &reg.persons[1];
    assert_eq!(n2.id, "N002");
    assert!(n2.resident_id_valid);
    assert_eq!(
        n2.resident_id.as_deref(),
        Some(rid("19850505", "012").as_str())
    );
    assert_eq!(n2.measure, Some(Measure::Rehab));
    for date in [
        n2.decision_date,
        n2.served_date,
        n2.report_date,
        n2.agreement_date,
    ] {
        assert_eq!(date, Some(d(2025, 3, 1)));
    }
    let n3 = &reg.persons[2];
    assert!(!n3.resident_id_valid);
    assert_eq!(n3.status, Some(Status::Discharged));
    assert_eq!(n3.status_date, Some(d(2025, 5, 31)));
    // The full-width 编号 in 检测 found its person.
    let i2 = reg.person_index("N002").unwrap();
    assert_eq!(reg.tests_of(i2)[0].date, d(2025, 6, 30));
    assert_eq!(reg.tests_of(i2)[0].lab.as_deref(), Some("县疾控"));
    // Cells are named with the workbook's own sheet names.
    let t = &reg.tests_of(i2)[0];
    assert_eq!(
        reg.cell_name(&reg.cell(Sheet::Tests, t.row, "检测日期")),
        "检测记录!B3"
    );
}

/// A workbook with one of every D code at a known cell.
fn faulty_workbook(path: &Path) {
    let mut bad_check = rid("19910101", "003");
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '0' { '1' } else { '0' });
    let dup = rid("19900101", "001");
    let mut persons = vec![
        header(&PERSON_HEADER),
        // 2: a male ID but 女 → D004 at C2.
        person_row("P001", "女", O(dup.clone())),
        // 3: wrong check character → D003.
        person_row("P002", "男", O(bad_check)),
        // 4: ID stored as a number → D010.
        person_row("P003", "男", N(341071199403157000.0)),
        // 5: no 编号 → D001, rejected.
        person_row("", "男", O(rid("19880101", "011"))),
        // 6: 编号 repeated → D005, rejected.
        person_row("P001", "男", O(rid("19880101", "013"))),
    ];
    // 7: 措施类型 misspelt → D009; 决定日期 unreadable → D002.
    let mut r = person_row("P004", "男", O(rid("19920101", "005")));
    r[7] = S("社区戒独");
    r[8] = S("2025-13-45");
    persons.push(r);
    // 8: same resident ID as P001 → D005 at D8.
    persons.push(person_row("P005", "男", O(dup)));
    // 9: 报到 before 送达 → D007 at K9.
    let mut r = person_row("P006", "男", O(rid("19930101", "007")));
    r[9] = S("2025-01-10");
    r[10] = S("2025-01-08");
    r[11] = S("2025-01-10");
    persons.push(r);
    // 10: 报到 after the as-of date → D008 at K10.
    let mut r = person_row("P007", "男", O(rid("19940101", "009")));
    r[10] = S("2025-07-15");
    r[11] = E;
    persons.push(r);
    let tests = vec![
        header(&["编号", "检测日期", "结果"]),
        vec![S("P001"), S("2025-02-01"), S("阴性")],
        // 3: unknown 编号 → D006, rejected.
        vec![S("P999"), S("2025-02-01"), S("阴性")],
        // 4: unreadable date → D002, rejected.
        vec![S("P001"), S("明天"), S("阴性")],
        // 5: result outside the set → D009, rejected.
        vec![S("P001"), S("2025-02-01"), S("阴")],
        // 6: before 报到 → D007, kept.
        vec![S("P001"), S("2024-12-01"), S("阴性")],
        // 7: no date → D001, rejected.
        vec![S("P001"), E, S("阴性")],
    ];
    write_xlsx(path, &[sheet("人员", persons), sheet("检测", tests)]);
}

#[test]
fn every_data_check_fires_at_its_cell() {
    let dir = tempdir();
    let path = dir.path().join("faulty.xlsx");
    faulty_workbook(&path);
    let report = check(&path);
    assert_eq!(
        code_cells(&report),
        pairs(&[
            ("D001", "人员!A5"),
            ("D001", "检测!B7"),
            ("D002", "人员!I7"),
            ("D002", "检测!B4"),
            ("D003", "人员!D3"),
            ("D004", "人员!C2"),
            ("D005", "人员!A6"),
            ("D005", "人员!D8"),
            ("D006", "检测!A3"),
            ("D007", "人员!K9"),
            ("D007", "检测!B6"),
            ("D008", "人员!K10"),
            ("D009", "人员!H7"),
            ("D009", "检测!C5"),
            ("D010", "人员!D4"),
        ])
    );
    let reg = &report.register;
    let persons = reg.rows[&Sheet::Persons];
    assert_eq!((persons.read, persons.used, persons.rejected), (9, 7, 2));
    let tests = reg.rows[&Sheet::Tests];
    assert_eq!((tests.read, tests.used, tests.rejected), (6, 2, 4));
    // Messages read well after the cell and name the first row of a duplicate.
    let by = |code: &str, cell: &str| {
        report
            .findings
            .iter()
            .find(|f| f.code == code && reg.cell_name(&f.cells[0]) == cell)
            .unwrap()
    };
    assert!(by("D005", "人员!A6").message.contains("人员!A2"));
    assert!(by("D005", "人员!D8").message.contains("人员!D2"));
    assert!(by("D003", "人员!D3").message.contains("校验位错误"));
    assert!(by("D009", "人员!H7").message.contains("社区戒毒、社区康复"));
    let d004 = by("D004", "人员!C2");
    assert_eq!(d004.person.as_deref(), Some("P001"));
    assert_eq!(d004.unit.as_deref(), Some("东村"));
    assert_eq!(
        by("D007", "人员!K9").severity,
        rehabdocs::finding::Severity::Warning
    );
    assert_eq!(
        by("D010", "人员!D4").severity,
        rehabdocs::finding::Severity::Error
    );
    let text = render_text(&report, Ids::Shown);
    assert!(text.contains("【东村】"), "{text}");
    assert!(text.contains("P001 张三"), "{text}");
    assert!(
        text.contains("  [D003 错误] 人员!D3  公民身份号码"),
        "{text}"
    );
    assert!(text.contains("人员：读取 9，使用 7，未使用 2"), "{text}");
}

#[test]
fn selection_filters_by_prefix() {
    let dir = tempdir();
    let path = dir.path().join("faulty.xlsx");
    faulty_workbook(&path);
    let sel = Selection {
        select: vec!["D00".into()],
        ignore: vec!["D001".into(), "D002".into()],
    };
    let report = check_file(&path, &Profile::standard(), as_of(), &sel).unwrap();
    assert!(report.findings.iter().all(|f| f.code.starts_with("D00")));
    assert!(!report
        .findings
        .iter()
        .any(|f| f.code == "D001" || f.code == "D002" || f.code == "D010"));
    assert!(report.findings.iter().any(|f| f.code == "D003"));
}

#[test]
fn profile_severity_overrides_reach_findings_made_while_reading() {
    let dir = tempdir();
    let path = dir.path().join("faulty.xlsx");
    faulty_workbook(&path);
    let profile_path = dir.path().join("county.yaml");
    std::fs::write(
        &profile_path,
        "name: county\nextends: standard\nrules:\n  D003:\n    severity: warning\n",
    )
    .unwrap();
    let county = Profile::load(&profile_path.to_string_lossy()).unwrap();
    let sel = Selection {
        select: vec!["D".into()],
        ignore: Vec::new(),
    };
    let standard = check_file(&path, &Profile::standard(), as_of(), &sel).unwrap();
    let relaxed = check_file(&path, &county, as_of(), &sel).unwrap();
    let d003 = |r: &CheckReport| -> Vec<Severity> {
        r.findings
            .iter()
            .filter(|f| f.code == "D003")
            .map(|f| f.severity)
            .collect()
    };
    assert!(!d003(&standard).is_empty());
    assert!(d003(&standard).iter().all(|s| *s == Severity::Error));
    assert_eq!(d003(&relaxed).len(), d003(&standard).len());
    assert!(d003(&relaxed).iter().all(|s| *s == Severity::Warning));
}

#[test]
fn missing_sheet_and_missing_column_are_read_errors() {
    let dir = tempdir();
    let no_persons = dir.path().join("no_persons.xlsx");
    write_xlsx(
        &no_persons,
        &[sheet(
            "检测",
            vec![header(&["编号", "检测日期", "结果"]), vec![S("P1")]],
        )],
    );
    let e = read_register(&no_persons).unwrap_err().to_string();
    assert!(e.contains("人员") && e.contains("检测"), "{e}");

    let no_column = dir.path().join("no_column.xlsx");
    let mut h: Vec<&'static str> = PERSON_HEADER.to_vec();
    h.retain(|c| *c != "公民身份号码");
    write_xlsx(&no_column, &[sheet("人员", vec![header(&h)])]);
    let e = read_register(&no_column).unwrap_err().to_string();
    assert!(e.contains("公民身份号码"), "{e}");
    assert!(e.contains("姓名"), "{e}");

    let e = read_register(&dir.path().join("absent.xlsx"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("找不到"), "{e}");
}

#[test]
fn stray_far_cell_is_streamed_not_allocated() {
    let dir = tempdir();
    let path = dir.path().join("stray.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    for (c, h) in PERSON_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in person_row("P001", "男", O(rid("19900101", "001")))
        .into_iter()
        .enumerate()
    {
        if let S(t) = v {
            ws.write_string(1, c as u16, t).unwrap();
        } else if let O(t) = v {
            ws.write_string(1, c as u16, t).unwrap();
        }
    }
    ws.write_string(20000, 16383, "x").unwrap();
    // The last cell of a sheet: a range of this size would abort (calamine #433).
    ws.write_string(1_048_575, 16383, " ").unwrap();
    wb.save(&path).unwrap();
    let start = std::time::Instant::now();
    let report = check(&path);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    assert_eq!(report.register.rows[&Sheet::Persons].read, 1);
    assert_eq!(code_cells(&report), vec![]);
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

#[test]
fn gbk_csv_file_is_the_persons_sheet() {
    let dir = tempdir();
    let path = dir.path().join("台帐.csv");
    let text = format!(
        "编号,姓名,性别,身份证号,乡镇,村居,措施类型,决定日期,报到日期\r\n\
         P001,张三,男,{},城关镇,东村,社区戒毒,2025/1/1,2025年1月5日\r\n\
         P002,李四,男,3.41071E+17,城关镇,西村,社区康复,2025.1.1,20250105\r\n",
        rid("19900101", "001")
    );
    std::fs::write(&path, gbk(&text)).unwrap();
    let report = check(&path);
    assert_eq!(code_cells(&report), pairs(&[("D010", "台帐!D3")]));
    let reg = &report.register;
    assert_eq!(reg.persons[0].name, "张三");
    assert_eq!(reg.persons[0].unit, "东村");
    assert_eq!(reg.persons[1].report_date, Some(d(2025, 1, 5)));
    assert_eq!(reg.rows[&Sheet::Persons].used, 2);
}

#[test]
fn utf8_bom_csv_folder_with_crlf_and_quoted_newlines() {
    let dir = tempdir();
    let folder = dir.path().join("register");
    std::fs::create_dir(&folder).unwrap();
    let persons = format!(
        "\u{feff}编号,姓名,性别,公民身份号码,乡镇(街道),村(社区),措施类型,决定日期,报到日期\r\n\
         P001,张三,男,{},城关镇,东村,社区戒毒,2025-01-01,2025-01-05\r\n",
        rid("19900101", "001")
    );
    std::fs::write(folder.join("人员.csv"), persons).unwrap();
    let tests = "\u{feff}编号,检测日期,结果,检测单位\r\n\
                 P001,2025-02-01,阴性,\"县疾控\r\n二楼\"\r\n\
                 P001,2025-02-30,阴性,县疾控\r\n";
    std::fs::write(folder.join("检测记录.csv"), tests).unwrap();
    let report = check(&folder);
    // The bad date is on physical line 4 (the quoted field spans lines 2 and 3).
    assert_eq!(code_cells(&report), pairs(&[("D002", "检测记录!B4")]));
    let reg = &report.register;
    assert_eq!(reg.tests[0].lab.as_deref(), Some("县疾控\r\n二楼"));
    let t = reg.rows[&Sheet::Tests];
    assert_eq!((t.read, t.used, t.rejected), (2, 1, 1));
}

fn run_cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn cli_exit_codes_and_json_shape() {
    let dir = tempdir();
    let clean: PathBuf = dir.path().join("clean.xlsx");
    clean_workbook(&clean);
    let faulty = dir.path().join("faulty.xlsx");
    faulty_workbook(&faulty);

    // Data checks only (`--select D`): the P/U rules are tested in tests/rules.rs.
    let (code, out, _) = run_cli(&[
        "check",
        &path_str(&clean),
        "--as-of",
        AS_OF,
        "--select",
        "D",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("未发现问题"));

    let (code, out, err) = run_cli(&[
        "check",
        &path_str(&faulty),
        "--as-of",
        "2025年6月30日",
        "--format",
        "json",
        "--select",
        "D",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["findings", "rows", "summary"]);
    let f0 = &v["findings"][0];
    for k in [
        "code", "severity", "person", "unit", "cells", "message", "basis", "due", "due_date",
    ] {
        assert!(f0.get(k).is_some(), "missing {k} in {f0}");
    }
    assert_eq!(v["summary"]["as_of"], "2025-06-30");
    assert_eq!(v["summary"]["profile"], "standard");
    assert_eq!(v["summary"]["persons"], 7);
    assert_eq!(v["summary"]["findings"], 15);
    assert_eq!(v["summary"]["by_code"]["D005"], 2);
    assert_eq!(v["summary"]["by_severity"]["warning"], 3);
    assert_eq!(v["summary"]["by_severity"]["error"], 12);
    assert_eq!(v["summary"]["breaches_to_report"], 0);
    assert_eq!(v["rows"]["人员"]["read"], 9);
    assert_eq!(v["rows"]["检测"]["rejected"], 4);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "D003" && f["cells"][0] == "人员!D3"));
    // Deterministic: the same run gives the same bytes.
    let (_, again, _) = run_cli(&[
        "check",
        &path_str(&faulty),
        "--as-of",
        "2025-06-30",
        "--format",
        "json",
        "--select",
        "D",
    ]);
    assert_eq!(out, again);

    // Only warnings left: exit 0 by default, 1 with --fail-on warning.
    let warnings_only = ["--select", "D007,D008"];
    let mut args = vec!["check", faulty.to_str().unwrap(), "--as-of", AS_OF];
    args.extend(warnings_only);
    let (code, _, _) = run_cli(&args);
    assert_eq!(code, 0);
    args.extend(["--fail-on", "warning"]);
    let (code, _, _) = run_cli(&args);
    assert_eq!(code, 1);

    // Unusable input: exit 2 with a one-line Chinese reason.
    let (code, out, err) = run_cli(&["check", "/nonexistent/register.xlsx"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("找不到") && err.trim().lines().count() == 1,
        "{err}"
    );
    let (code, _, err) = run_cli(&["check", &path_str(&clean), "--profile", "nosuch"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_cli(&["check", &path_str(&clean), "--as-of", "yesterday"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn json_and_text_render_in_memory() {
    let dir = tempdir();
    let path = dir.path().join("faulty.xlsx");
    faulty_workbook(&path);
    let report = check(&path);
    assert_eq!(
        render_json(&report, Ids::Shown),
        render_json(&report, Ids::Shown)
    );
    let text = render_text(&report, Ids::Shown);
    assert!(text.contains("检查人数：7"), "{text}");
    assert!(
        text.contains("问题：共 15（错误 12，严重违规 0，警告 3，提示 0）"),
        "{text}"
    );
}

#[test]
fn event_staff_and_unit_sheets() {
    let dir = tempdir();
    let path = dir.path().join("events.xlsx");
    let mut p2 = person_row("P002", "女", O(rid("19920202", "002")));
    p2[12] = S("终止");
    p2[13] = S("2025-03-01");
    write_xlsx(
        &path,
        &[
            // Not named after a sheet: found by its headers.
            sheet(
                "Sheet1",
                vec![
                    header(&PERSON_HEADER),
                    person_row("P001", "男", O(rid("19900101", "001"))),
                    p2,
                ],
            ),
            sheet(
                "检测",
                vec![
                    header(&["编号", "检测日期", "结果"]),
                    // After 终止 on 2025-03-01 → D007.
                    vec![S("P002"), S("2025-04-01"), S("阴性")],
                    // On the 状态日期 itself: fine.
                    vec![S("P002"), S("2025-03-01"), S("阳性")],
                ],
            ),
            sheet(
                "谈话记录",
                vec![
                    header(&["编号", "日期", "形式", "摘要"]),
                    vec![S("P001"), S("2025-02-01"), S("面谈"), S("谈心")],
                    vec![S("P001"), S("2025-02-02"), S("微信")],
                    vec![S("P001"), S("2025-02-03"), S("本人报告")],
                ],
            ),
            sheet(
                "请假",
                vec![
                    header(&["编号", "离开日期", "返回日期", "是否批准"]),
                    vec![S("P001"), S("2025-03-10"), S("2025-03-05"), S("是")],
                    vec![S("P001"), S("2025-04-01"), E, S("否")],
                ],
            ),
            sheet(
                "告诫",
                vec![
                    header(&["编号", "日期", "类型", "文号"]),
                    vec![
                        S("P001"),
                        S("2025-03-01"),
                        S("书面"),
                        S("城禁告〔2025〕1号"),
                    ],
                    vec![S("P001"), E, S("口头")],
                ],
            ),
            sheet(
                "评估",
                vec![
                    header(&["编号", "评估日期", "评估期", "结论"]),
                    vec![S("P001"), S("2025-03-31"), S("2025年第一季度"), S("良好")],
                    vec![S("P001"), S("2025-06-30"), S("2025年第五季度"), S("良好")],
                ],
            ),
            sheet(
                "帮扶",
                vec![
                    header(&["编号", "日期", "类型"]),
                    vec![S("P001"), S("2025-02-01"), S("就业")],
                ],
            ),
            sheet(
                "工作人员",
                vec![
                    header(&[
                        "姓名",
                        "性别",
                        "出生日期",
                        "学历",
                        "类型",
                        "乡镇(街道)",
                        "村(社区)",
                    ]),
                    vec![
                        S("王社工"),
                        S("女"),
                        S("1990-01-01"),
                        S("大专"),
                        S("专职"),
                        S("城关镇"),
                        S("东村"),
                    ],
                    vec![
                        S("李社工"),
                        S("男"),
                        S("1991-01-01"),
                        S("高中"),
                        E,
                        S("城关镇"),
                        S("东村"),
                    ],
                    vec![
                        S("张社工"),
                        S("男"),
                        S("2030-01-01"),
                        S("高中"),
                        S("兼职"),
                        S("城关镇"),
                        S("东村"),
                    ],
                ],
            ),
            sheet(
                "单位",
                vec![
                    header(&[
                        "乡镇(街道)",
                        "村(社区)",
                        "实有吸毒人员数",
                        "经费预算(元)",
                        "经费到位(元)",
                    ]),
                    vec![S("城关镇"), S("东村"), N(20.0), S("30,000元"), N(30000.0)],
                    vec![S("城关镇"), S("西村"), S("很多"), E, E],
                ],
            ),
        ],
    );
    let report = check(&path);
    assert_eq!(
        code_cells(&report),
        pairs(&[
            ("D001", "告诫!B3"),
            ("D001", "工作人员!E3"),
            ("D007", "请假!C2"),
            ("D007", "检测!B2"),
            ("D008", "工作人员!C4"),
            ("D009", "单位!C3"),
            ("D009", "评估!C3"),
            ("D009", "谈话记录!C3"),
        ])
    );
    let reg = &report.register;
    assert_eq!(reg.layouts[&Sheet::Persons].name, "Sheet1");
    let counts = |s: Sheet| {
        let c = reg.rows[&s];
        (c.read, c.used, c.rejected)
    };
    assert_eq!(counts(Sheet::Tests), (2, 2, 0));
    assert_eq!(counts(Sheet::Contacts), (3, 2, 1));
    assert_eq!(counts(Sheet::Leaves), (2, 2, 0));
    assert_eq!(counts(Sheet::Warnings), (2, 1, 1));
    assert_eq!(counts(Sheet::Evaluations), (2, 1, 1));
    assert_eq!(counts(Sheet::Help), (1, 1, 0));
    assert_eq!(counts(Sheet::Staff), (3, 2, 1));
    assert_eq!(counts(Sheet::Units), (2, 1, 1));
    let p1 = reg.person_index("P001").unwrap();
    assert_eq!(reg.contacts_of(p1).len(), 2);
    assert_eq!(reg.leaves_of(p1)[1].return_date, None);
    assert!(!reg.leaves_of(p1)[1].approved);
    assert_eq!(
        reg.evaluations_of(p1)[0].period,
        rehabdocs::model::EvalPeriod::Quarter {
            year: 2025,
            quarter: 1
        }
    );
    assert_eq!(
        reg.warnings_of(p1)[0].number.as_deref(),
        Some("城禁告〔2025〕1号")
    );
    assert_eq!(reg.units[0].registered_users, 20);
    assert_eq!(reg.units[0].budget, Some(30000.0));
    assert_eq!(reg.staff.len(), 2);
    // Unit-level findings are listed under their unit, without a person heading.
    let text = render_text(&report, Ids::Shown);
    assert!(
        text.contains("【东村】\n  [D001 错误] 工作人员!E3  类型 为空"),
        "{text}"
    );
}

#[test]
fn content_decides_not_the_extension() {
    let dir = tempdir();
    let xlsx = dir.path().join("clean.xlsx");
    clean_workbook(&xlsx);
    // An .xlsx saved under an .xls name (as WPS and web exports do) still reads.
    let misnamed = dir.path().join("clean.xls");
    std::fs::copy(&xlsx, &misnamed).unwrap();
    let report = check(&misnamed);
    assert_eq!(report.register.persons.len(), 2);
    assert_eq!(code_cells(&report), vec![]);
    // Text under a workbook name is refused with a reason, not a panic.
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, "编号,姓名\n").unwrap();
    let e = read_register(&fake).unwrap_err().to_string();
    assert!(
        e.contains("是文本文件，不是工作簿") && e.contains("请把扩展名改为 .csv"),
        "{e}"
    );
}

#[test]
fn old_ids_text_numbers_and_kept_rows() {
    let dir = tempdir();
    let path = dir.path().join("ids.xlsx");
    let mut h: Vec<&'static str> = PERSON_HEADER.to_vec();
    h.extend(["外省市人员", "期限(月)"]);
    let row = |id: &'static str, sex: &'static str, rid: C, other: &'static str, term: C| {
        let mut r = person_row(id, sex, rid);
        r.push(S(other));
        r.push(term);
        r
    };
    write_xlsx(
        &path,
        &[sheet(
            "人员",
            vec![
                header(&h),
                // 2: a 15-digit old ID typed as text → D003, not D010.
                row("P1", "男", S("110105491231002"), "否", E),
                // 3: the same old ID stored as a number: exact below 1e15 → D003.
                row("P2", "男", N(110105491231002.0), "否", E),
                // 4: what Excel shows for a long number, exported as text → D010.
                row("P3", "男", S("3.41071E+17"), "是", N(24.0)),
                // 5: 性别 M, 外省市人员 Y, 期限 三年 → three D009, row kept.
                row("P4", "M", O(rid("19900101", "001")), "Y", S("三年")),
            ],
        )],
    );
    let report = check(&path);
    assert_eq!(
        code_cells(&report),
        pairs(&[
            ("D003", "人员!D2"),
            ("D003", "人员!D3"),
            ("D009", "人员!C5"),
            ("D009", "人员!O5"),
            ("D009", "人员!P5"),
            ("D010", "人员!D4"),
        ])
    );
    let reg = &report.register;
    assert_eq!(reg.rows[&Sheet::Persons].used, 4);
    assert!(report.findings[0].message.contains("15位"));
    let p3 = &reg.persons[2];
    assert!(p3.from_other_province);
    assert_eq!(p3.term_months, 24);
    let p4 = &reg.persons[3];
    assert_eq!(p4.sex, None);
    assert_eq!(p4.term_months, 36);
    assert!(p4.resident_id_valid);
}

#[test]
fn cells_merged_down_stand_for_every_row() {
    let dir = tempdir();
    let path = dir.path().join("merged.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    let fmt = Format::new();
    for (c, h) in PERSON_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let ids = [("P001", "001"), ("P002", "003"), ("P003", "005")];
    for (r, (id, seq)) in ids.iter().enumerate() {
        let mut row = person_row(id, "男", O(rid("19900101", seq)));
        row[5] = E; // 乡镇(街道): merged below
        row[6] = E; // 村(社区): merged below for the first two
        for (c, v) in row.into_iter().enumerate() {
            match v {
                S(t) => {
                    ws.write_string(r as u32 + 1, c as u16, t).unwrap();
                }
                O(t) => {
                    ws.write_string(r as u32 + 1, c as u16, t).unwrap();
                }
                _ => {}
            }
        }
    }
    ws.merge_range(1, 5, 3, 5, "城关镇", &fmt).unwrap();
    ws.merge_range(1, 6, 2, 6, "东村", &fmt).unwrap();
    ws.write_string(3, 6, "西村").unwrap();
    // An event sheet whose 编号 is merged down over a person's two tests: read again with
    // the merge once the plain reading finds 编号 empty.
    let tests = wb.add_worksheet().set_name("检测").unwrap();
    for (c, h) in ["编号", "检测日期", "结果"].iter().enumerate() {
        tests.write_string(0, c as u16, *h).unwrap();
    }
    tests.merge_range(1, 0, 2, 0, "P001", &fmt).unwrap();
    tests.write_string(3, 0, "P002").unwrap();
    for (r, day) in ["2025-03-01", "2025-04-01", "2025-05-01"]
        .iter()
        .enumerate()
    {
        tests.write_string(r as u32 + 1, 1, *day).unwrap();
        tests.write_string(r as u32 + 1, 2, "阴性").unwrap();
    }
    wb.save(&path).unwrap();
    let report = check(&path);
    assert_eq!(code_cells(&report), vec![]);
    let rows = &report.register.rows[&Sheet::Tests];
    assert_eq!((rows.read, rows.used, rows.rejected), (3, 3, 0));
    let owners: Vec<&str> = report
        .register
        .tests
        .iter()
        .map(|t| report.register.persons[t.person].id.as_str())
        .collect();
    assert_eq!(owners, ["P001", "P001", "P002"]);
    let units: Vec<(&str, &str)> = report
        .register
        .persons
        .iter()
        .map(|p| (p.town.as_str(), p.unit.as_str()))
        .collect();
    assert_eq!(
        units,
        [("城关镇", "东村"), ("城关镇", "东村"), ("城关镇", "西村")]
    );
}

/// CRC-32 (IEEE) for the stored zip below.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive with stored (uncompressed) entries, first entry first.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let fixed = |sig: u32, v: &mut Vec<u8>| {
            v.extend(sig.to_le_bytes());
            v.extend(20u16.to_le_bytes()); // version needed
            v.extend([0u8; 4]); // flags, method: stored
            v.extend([0u8, 0, 0x21, 0]); // time, date
            v.extend(crc.to_le_bytes());
            v.extend((data.len() as u32).to_le_bytes());
            v.extend((data.len() as u32).to_le_bytes());
            v.extend((name.len() as u16).to_le_bytes());
            v.extend(0u16.to_le_bytes()); // extra
        };
        fixed(0x0403_4b50, &mut out);
        out.extend(name.as_bytes());
        out.extend(*data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // version made by
        let mut rest = Vec::new();
        fixed(0, &mut rest);
        central.extend(&rest[4..]);
        central.extend([0u8; 10]); // comment, disk, attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let (cd_offset, cd_size) = (out.len() as u32, central.len() as u32);
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[test]
fn ods_workbook_with_an_offset_and_date_cells() {
    let cell = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let date = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="date" office:date-value="{v}"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    // Column A and row 1 stay empty, so the used range starts at B2.
    let row = |cells: Vec<String>| {
        format!(
            "<table:table-row><table:table-cell/>{}</table:table-row>",
            cells.concat()
        )
    };
    let header = [
        "编号",
        "姓名",
        "性别",
        "公民身份号码",
        "乡镇(街道)",
        "村(社区)",
        "措施类型",
        "决定日期",
        "报到日期",
    ];
    let good = rid("19900101", "001");
    let mut bad = rid("19900101", "003");
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let person = |id: &str, rid: &str| {
        row(vec![
            cell(id),
            cell("张三"),
            cell("男"),
            cell(rid),
            cell("城关镇"),
            cell("东村"),
            cell("社区戒毒"),
            date("2025-01-01"),
            date("2025-01-05T00:00:00"),
        ])
    };
    let rows = [
        "<table:table-row><table:table-cell/></table:table-row>".to_string(),
        row(vec![cell("城关镇社区戒毒人员台帐")]),
        row(header.iter().map(|h| cell(h)).collect()),
        person("P001", &good),
        person("P002", &bad),
    ];
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="人员">{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        rows.concat()
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let zip = stored_zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ]);
    let dir = tempdir();
    let path = dir.path().join("register.ods");
    std::fs::write(&path, zip).unwrap();
    let report = check(&path);
    assert_eq!(code_cells(&report), pairs(&[("D003", "人员!E5")]));
    let reg = &report.register;
    assert_eq!(reg.layouts[&Sheet::Persons].header_row, 2);
    assert_eq!(reg.persons.len(), 2);
    assert_eq!(reg.persons[0].decision_date, Some(d(2025, 1, 1)));
    assert_eq!(reg.persons[0].report_date, Some(d(2025, 1, 5)));
}

#[test]
fn two_row_header_with_a_group_title() {
    let dir = tempdir();
    let path = dir.path().join("two_rows.xlsx");
    let person = SheetSpec {
        name: "人员信息",
        title: Some("城关镇社区戒毒人员台帐"),
        rows: vec![
            vec![
                S("编号"),
                S("姓名"),
                S("基本情况"),
                E,
                S("乡镇(街道)"),
                S("村(社区)"),
                S("措施类型"),
                S("决定日期"),
            ],
            vec![E, E, S("性别"), S("公民身份号码")],
            vec![
                S("P001"),
                S("张三"),
                S("男"),
                O(rid("19900101", "001")),
                S("城关镇"),
                S("东村"),
                S("社区戒毒"),
                S("2025-01-01"),
            ],
        ],
    };
    write_xlsx(&path, &[person]);
    let report = check(&path);
    assert_eq!(code_cells(&report), vec![]);
    let reg = &report.register;
    assert_eq!(reg.layouts[&Sheet::Persons].header_row, 2);
    assert_eq!(reg.persons.len(), 1);
    assert_eq!(reg.persons[0].sex, Some(Sex::Male));
    assert!(reg.persons[0].resident_id_valid);
    assert_eq!(reg.persons[0].decision_date, Some(d(2025, 1, 1)));
}

#[test]
fn formula_errors_are_named_as_such() {
    let dir = tempdir();
    let path = dir.path().join("errors.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    for (c, h) in PERSON_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in person_row("P001", "男", O(rid("19900101", "001")))
        .into_iter()
        .enumerate()
    {
        match v {
            S(t) => {
                ws.write_string(1, c as u16, t).unwrap();
            }
            O(t) => {
                ws.write_string(1, c as u16, t).unwrap();
            }
            _ => {}
        }
    }
    // 姓名 looked up with VLOOKUP that failed; 报到日期 likewise.
    let na = rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A");
    ws.write_formula(1, 1, na.clone()).unwrap();
    ws.write_formula(1, 10, na).unwrap();
    wb.save(&path).unwrap();
    let report = check(&path);
    assert_eq!(
        code_cells(&report),
        pairs(&[("D001", "人员!B2"), ("D002", "人员!K2")])
    );
    assert!(
        report.findings[0].message.contains("错误值"),
        "{}",
        report.findings[0].message
    );
    assert_eq!(report.register.rows[&Sheet::Persons].used, 1);
}

#[test]
fn personal_numbers_are_masked_in_what_check_prints_unless_asked_for() {
    let dir = tempdir();
    let faulty = dir.path().join("faulty.xlsx");
    faulty_workbook(&faulty);
    let mut bad_check = rid("19910101", "003");
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '0' { '1' } else { '0' });
    let masked = format!("{}********{}", &bad_check[..6], &bad_check[14..]);
    for format in ["text", "json"] {
        let (_, out, _) = run_cli(&["check", &path_str(&faulty), "--format", format]);
        assert!(out.contains("D003"), "{out}");
        assert!(!out.contains(&bad_check), "{format}: {out}");
        assert!(out.contains(&masked), "{format}: {out}");
        let (_, out, _) = run_cli(&[
            "check",
            &path_str(&faulty),
            "--format",
            format,
            "--show-ids",
        ]);
        assert!(out.contains(&bad_check), "{format} --show-ids: {out}");
    }
    // The annotated copy: the register's cell keeps the ID, the 问题清单 masks it.
    let annotated = dir.path().join("标注.xlsx");
    run_cli(&[
        "check",
        &path_str(&faulty),
        "--annotate",
        &path_str(&annotated),
    ]);
    let mut book = calamine::open_workbook_auto(&annotated).unwrap();
    let cells = |book: &mut calamine::Sheets<_>, sheet: &str| -> String {
        let range = calamine::Reader::worksheet_range(book, sheet).unwrap();
        range
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join("|")
    };
    let issues = cells(&mut book, "问题清单");
    assert!(issues.contains(&masked), "{issues}");
    assert!(!issues.contains(&bad_check), "{issues}");
    assert!(cells(&mut book, "人员").contains(&bad_check));
}

#[test]
fn dates_excel_never_had_or_out_of_range_are_d002_saying_so() {
    let dir = tempdir();
    let path = dir.path().join("dates.xlsx");
    let mut phantom = person_row("P001", "男", O(rid("19900101", "001")));
    // 决定日期: Excel's serial day 60, "1900-02-29".
    phantom[8] = N(60.0);
    let mut far = person_row("P002", "男", O(rid("19900101", "003")));
    far[8] = S("2101-01-01");
    write_xlsx(
        &path,
        &[sheet("人员", vec![header(&PERSON_HEADER), phantom, far])],
    );
    let report = check(&path);
    let d002: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "D002")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(d002.len(), 2, "{d002:?}");
    assert!(d002[0].contains("Excel 不存在的日期"), "{d002:?}");
    assert!(d002[1].contains("超出范围"), "{d002:?}");
}

#[test]
fn control_characters_and_impossible_terms_are_d009_at_their_cells() {
    let dir = tempdir();
    let path = dir.path().join("odd.xlsx");
    let mut header_row = header(&PERSON_HEADER);
    header_row.push(S("期限(月)"));
    header_row.push(S("现住址"));
    let mut nul = person_row("P001", "男", O(rid("19900101", "001")));
    nul[1] = S("张\u{0}三");
    nul.push(S("36"));
    nul.push(S("城关镇\n东村1号"));
    let mut long = person_row("P002", "男", O(rid("19900101", "003")));
    long.push(S("99999999"));
    long.push(E);
    write_xlsx(&path, &[sheet("人员", vec![header_row, nul, long])]);
    let report = check(&path);
    assert_eq!(
        code_cells(&report),
        pairs(&[("D009", "人员!B2"), ("D009", "人员!O3")])
    );
    assert!(
        report.findings[0].message.contains("\\0"),
        "{}",
        report.findings[0].message
    );
    assert!(report.findings[1].message.contains("1 至 120"));
}

#[test]
fn outputs_name_the_register_file_never_its_folder() {
    let dir = tempdir();
    let path = dir.path().join("东城镇台帐.xlsx");
    clean_workbook(&path);
    let report = check(&path);
    let folder = dir.path().to_string_lossy().to_string();
    for text in [
        render_text(&report, Ids::Shown),
        render_json(&report, Ids::Shown),
    ] {
        assert!(!text.contains(&folder), "{text}");
    }
    assert!(render_text(&report, Ids::Shown).contains("台帐检查：东城镇台帐.xlsx"));
}

#[cfg(unix)]
#[test]
fn a_device_or_a_deeply_nested_profile_is_refused_before_reading() {
    let dir = tempdir();
    let zero = dir.path().join("台帐.xlsx");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let (code, _, err) = run_cli(&["check", &path_str(&zero)]);
    assert_eq!(code, 2);
    assert!(err.contains("不是普通文件"), "{err}");
    let csv = dir.path().join("人员.csv");
    std::os::unix::fs::symlink("/dev/zero", &csv).unwrap();
    let (code, _, err) = run_cli(&["check", &path_str(&csv)]);
    assert_eq!(code, 2);
    assert!(err.contains("不是普通文件"), "{err}");

    let clean = dir.path().join("clean.xlsx");
    clean_workbook(&clean);
    for yaml in [
        format!(
            "name: x\nrules: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        (0..200)
            .map(|k| format!("{}a{k}:\n", "  ".repeat(k)))
            .collect::<String>(),
    ] {
        let profile = dir.path().join("深.yaml");
        std::fs::write(&profile, yaml).unwrap();
        let (code, _, err) =
            run_cli(&["check", &path_str(&clean), "--profile", &path_str(&profile)]);
        assert_eq!(code, 2);
        assert!(err.contains("嵌套超过"), "{err}");
    }
}

#[test]
fn a_column_named_twice_is_a_finding_at_the_second_header_cell() {
    let dir = tempdir();
    let path = dir.path().join("dup.xlsx");
    let mut header_row = header(&PERSON_HEADER);
    header_row.push(S("报到时间"));
    let mut row = person_row("P001", "男", O(rid("19900101", "001")));
    row.push(S("2025-02-01"));
    write_xlsx(&path, &[sheet("人员", vec![header_row, row])]);
    let report = check(&path);
    assert_eq!(code_cells(&report), pairs(&[("D009", "人员!O1")]));
    assert!(
        report.findings[0]
            .message
            .contains("「报到日期」列重复（第K列与第O列）"),
        "{}",
        report.findings[0].message
    );
    // Read from the first column.
    assert_eq!(report.register.persons[0].report_date, Some(d(2025, 1, 5)));
}
