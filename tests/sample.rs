//! End-to-end tests of `rehabdocs sample` (and `rehabdocs template`): generate workbooks,
//! read them back with calamine, and check the contract, determinism and compliance.

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{Datelike, Months, NaiveDate};
use rehabdocs::sample::{answers_path, generate_to_file, SampleOptions};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn opts(persons: u32, seed: u64, breaches: f64) -> SampleOptions {
    SampleOptions {
        persons,
        seed,
        breaches,
        as_of: d(2025, 12, 31),
        data_errors: true,
    }
}

fn generate(dir: &Path, name: &str, o: &SampleOptions) -> PathBuf {
    let path = dir.join(name);
    generate_to_file(o, &path, false).unwrap();
    path
}

/// Resident ID check character (ISO 7064 MOD 11-2), written independently of the library.
fn id_valid(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (i, c) in b[..17].iter().enumerate() {
        let w = (1u32 << (17 - i)) % 11;
        sum += u32::from(c - b'0') * w;
    }
    let check = b"10X98765432"[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == check
}

/// One sheet read back: header names → column, and data rows (0-based sheet row, cells).
struct Sheet {
    cols: HashMap<String, usize>,
    rows: Vec<(u32, Vec<Data>)>,
}

impl Sheet {
    fn get<'a>(&self, row: &'a [Data], name: &str) -> &'a Data {
        &row[*self
            .cols
            .get(name)
            .unwrap_or_else(|| panic!("no column {name}"))]
    }
    fn text(&self, row: &[Data], name: &str) -> String {
        match self.get(row, name) {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => panic!("{name}: expected text, got {other:?}"),
        }
    }
    fn date(&self, row: &[Data], name: &str) -> Option<NaiveDate> {
        match self.get(row, name) {
            Data::DateTime(x) => {
                let serial = x.as_f64() as i64;
                Some(d(1899, 12, 30) + chrono::Duration::days(serial))
            }
            Data::Empty => None,
            other => panic!("{name}: expected a date, got {other:?}"),
        }
    }
}

fn read(path: &Path) -> BTreeMap<String, Sheet> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = BTreeMap::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(range.start(), Some((0, 0)), "{name}: title at A1");
        let all: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert!(
            matches!(&all[0][0], Data::String(t) if t.contains("台帐") || t.contains("花名册") || t.contains("情况表")),
            "{name}: title row"
        );
        let cols = all[1]
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c {
                Data::String(s) => Some((s.clone(), i)),
                _ => None,
            })
            .collect();
        let rows = all[2..]
            .iter()
            .enumerate()
            .map(|(i, r)| (i as u32 + 2, r.clone()))
            .collect();
        out.insert(name, Sheet { cols, rows });
    }
    out
}

/// 评估期 in one form: `2025年第一季度` → `2025Q1`; other values unchanged.
fn period(text: &str) -> String {
    for (i, q) in ["一", "二", "三", "四"].iter().enumerate() {
        if let Some(year) = text.strip_suffix(&format!("年第{q}季度")) {
            return format!("{year}Q{}", i + 1);
        }
    }
    text.to_string()
}

fn answers(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(answers_path(path)).unwrap()).unwrap()
}

#[test]
fn same_seed_gives_identical_files_and_other_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "a.xlsx", &opts(30, 5, 0.3));
    let b = generate(dir.path(), "b.xlsx", &opts(30, 5, 0.3));
    let c = generate(dir.path(), "c.xlsx", &opts(30, 6, 0.3));
    let bytes = |p: &Path| std::fs::read(p).unwrap();
    assert!(bytes(&a) == bytes(&b), "same seed, different workbooks");
    assert!(bytes(&answers_path(&a)) == bytes(&answers_path(&b)));
    assert!(bytes(&a) != bytes(&c), "different seeds, same workbook");
}

#[test]
fn bundled_sample_is_reproduced_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let dir = tempfile::tempdir().unwrap();
    let path = generate(dir.path(), "sample.xlsx", &SampleOptions::default());
    // Compared with assert! so that a mismatch does not print the whole file.
    assert!(
        std::fs::read(&path).unwrap() == std::fs::read(root.join("sample.xlsx")).unwrap(),
        "samples/sample.xlsx is stale: regenerate it (see samples/README.md)"
    );
    assert_eq!(
        std::fs::read_to_string(answers_path(&path)).unwrap(),
        std::fs::read_to_string(root.join("sample.answers.json")).unwrap()
    );
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = generate(dir.path(), "s.xlsx", &opts(5, 1, 0.0));
    let err = generate_to_file(&opts(5, 1, 0.0), &path, false).unwrap_err();
    assert!(err.to_string().contains("已存在"), "{err}");
    generate_to_file(&opts(6, 1, 0.0), &path, true).unwrap();
    assert_eq!(read(&path)["人员"].rows.len(), 6);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Counted whole months in [from, to].
fn whole_months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = d(from.year(), from.month(), 1);
    while m <= to {
        let next = m + Months::new(1);
        if m >= from && next - chrono::Duration::days(1) <= to {
            out.push(m);
        }
        m = next;
    }
    out
}

#[test]
fn register_without_breaches_follows_the_contract_and_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let as_of = d(2025, 12, 31);
    let path = generate(dir.path(), "clean.xlsx", &opts(60, 3, 0.0));
    let key = answers(&path);
    assert_eq!(key["expected"].as_array().unwrap().len(), 0, "{key}");
    let errors = key["data_errors"].as_array().unwrap();
    let codes: BTreeSet<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["D001", "D002", "D003", "D004", "D006", "D009"]
            .into_iter()
            .collect()
    );
    let error_cells: HashSet<String> = errors
        .iter()
        .map(|e| e["cell"].as_str().unwrap().to_string())
        .collect();

    let wb = read(&path);
    let names: Vec<&str> = wb.keys().map(String::as_str).collect();
    for sheet in [
        "人员",
        "检测",
        "谈话",
        "请假",
        "告诫",
        "评估",
        "工作人员",
        "单位",
        "帮扶",
    ] {
        assert!(names.contains(&sheet), "{sheet} missing: {names:?}");
    }
    let people = &wb["人员"];
    assert_eq!(people.rows.len(), 60);
    let cell = |sheet: &str, row: u32, col: &str| {
        let c = wb[sheet].cols[col];
        format!("{sheet}!{}{}", (b'A' + c as u8) as char, row + 1)
    };

    // Persons: valid IDs (unless a listed D003), dates in order, report-in and agreement on time.
    let mut windows: HashMap<String, (NaiveDate, NaiveDate, bool)> = HashMap::new();
    for (r, row) in &people.rows {
        let id = people.text(row, "编号");
        let rid = people.text(row, "公民身份号码");
        let listed = error_cells.contains(&cell("人员", *r, "公民身份号码"));
        assert_eq!(id_valid(&rid), !listed, "{id} {rid}");
        let sex_digit = rid.as_bytes()[16] - b'0';
        assert_eq!(
            people.text(row, "性别") == "女",
            sex_digit.is_multiple_of(2),
            "{id}"
        );
        if !error_cells.contains(&cell("人员", *r, "出生日期")) {
            let birth = people.date(row, "出生日期").unwrap();
            assert_eq!(birth.format("%Y%m%d").to_string(), rid[6..14], "{id}");
            assert!((1960..=2004).contains(&birth.year()));
        }
        let decided = people.date(row, "决定日期").unwrap();
        let served = people.date(row, "送达日期").unwrap();
        let report = people.date(row, "报到日期").unwrap();
        let agreement = people.date(row, "协议签订日期").unwrap();
        assert!(
            decided <= served && served <= report && report <= agreement,
            "{id}"
        );
        let limit = if people.text(row, "外省市人员") == "是" {
            15
        } else {
            7
        };
        assert!((report - served).num_days() <= limit, "{id}");
        assert!((agreement - report).num_days() <= 7, "{id}");
        assert!(agreement <= as_of);
        let term_last = report + Months::new(36) - chrono::Duration::days(1);
        let status = people.text(row, "状态");
        let end = if term_last < as_of {
            assert_eq!(status, "已解除", "{id}");
            assert_eq!(people.date(row, "状态日期"), Some(term_last), "{id}");
            term_last
        } else if status == "执行中" {
            assert_eq!(people.date(row, "状态日期"), None, "{id}");
            as_of
        } else {
            assert!(["已变更执行地", "终止"].contains(&status.as_str()), "{id}");
            let date = people.date(row, "状态日期").unwrap();
            assert!(date > report && date < as_of, "{id}");
            date
        };
        if people.text(row, "性别") == "女" {
            let staff = &wb["工作人员"];
            let women: HashSet<String> = staff
                .rows
                .iter()
                .filter(|(_, s)| staff.text(s, "性别") == "女")
                .map(|(_, s)| staff.text(s, "姓名"))
                .collect();
            let members = people.text(row, "帮教小组成员");
            assert!(
                members
                    .split('、')
                    .any(|m| m.ends_with("(女)") || women.contains(m)),
                "{id}: {members}"
            );
        }
        windows.insert(id, (report, end, term_last < as_of));
    }

    // Events: known 编号 (unless a listed D006), inside the window, never after as-of.
    let mut tests: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    let mut f2f: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    let mut reports: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    let mut evals: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (sheet, date_col) in [
        ("检测", "检测日期"),
        ("谈话", "日期"),
        ("请假", "离开日期"),
        ("告诫", "日期"),
        ("评估", "评估日期"),
        ("帮扶", "日期"),
    ] {
        let s = &wb[sheet];
        for (r, row) in &s.rows {
            let id = s.text(row, "编号");
            let Some(&(start, end, _)) = windows.get(&id) else {
                assert!(
                    error_cells.contains(&cell(sheet, *r, "编号")),
                    "{sheet} row {r}: {id}"
                );
                continue;
            };
            let date = s.date(row, date_col).unwrap();
            assert!(
                date >= start && date <= end && date <= as_of,
                "{sheet} {id} {date}"
            );
            match sheet {
                "检测" => {
                    let result = s.text(row, "结果");
                    if result.is_empty() {
                        assert!(error_cells.contains(&cell(sheet, *r, "结果")));
                    } else {
                        assert_eq!(result, "阴性", "{id}");
                        tests.entry(id).or_default().push(date);
                    }
                }
                "谈话" => match s.text(row, "形式").as_str() {
                    "面谈" | "家访" => f2f.entry(id).or_default().push(date),
                    "本人报告" => reports.entry(id).or_default().push(date),
                    "电话" => {}
                    other => panic!("形式 {other}"),
                },
                "请假" => {
                    assert_eq!(s.text(row, "是否批准"), "是");
                    let back = s.date(row, "返回日期").unwrap();
                    assert!((back - date).num_days() <= 3 && back <= end);
                }
                "告诫" => assert_eq!(s.text(row, "类型"), "口头"),
                "评估" => {
                    evals
                        .entry(id)
                        .or_default()
                        .insert(period(&s.text(row, "评估期")));
                }
                _ => {}
            }
        }
    }

    // Per person: talks and self-reports monthly, tests per term year, quarterly evaluations.
    for (id, &(start, end, ended)) in &windows {
        for m in whole_months(start, end) {
            let in_month = |v: Option<&Vec<NaiveDate>>| {
                v.map(|v| {
                    v.iter()
                        .filter(|x| x.year() == m.year() && x.month() == m.month())
                        .count()
                })
                .unwrap_or(0)
            };
            assert!(in_month(f2f.get(id)) >= 1, "{id} {m}: no face-to-face talk");
            assert!(in_month(reports.get(id)) >= 2, "{id} {m}: self-reports");
            if m.month() % 3 == 1 && m + Months::new(3) - chrono::Duration::days(1) <= end {
                let q = format!("{}Q{}", m.year(), m.month() / 3 + 1);
                assert!(evals.get(id).is_some_and(|e| e.contains(&q)), "{id} {q}");
            }
        }
        for (k, need) in [6usize, 4, 2].into_iter().enumerate() {
            let ys = start + Months::new(12 * k as u32);
            let ye = start + Months::new(12 * (k as u32 + 1));
            if ys > end {
                break;
            }
            let done = tests
                .get(id)
                .map(|v| v.iter().filter(|&&t| t >= ys && t < ye).count())
                .unwrap_or(0);
            if ye - chrono::Duration::days(1) <= end {
                assert!(done >= need, "{id} year {}: {done} tests", k + 1);
            } else {
                let elapsed = (end - ys).num_days() + 1;
                let len = (ye - ys).num_days();
                let pro_rata = (need as i64 * elapsed + len - 1) / len;
                assert!(
                    done as i64 >= pro_rata,
                    "{id} year {}: {done} < {pro_rata}",
                    k + 1
                );
            }
        }
        assert_eq!(
            evals.get(id).is_some_and(|e| e.contains("总评估")),
            ended,
            "{id}: 总评估"
        );
    }

    // Units: users ≥ people, funding, staff ratio and qualifications.
    let units = &wb["单位"];
    let staff = &wb["工作人员"];
    for (_, row) in &units.rows {
        let name = units.text(row, "村(社区)");
        let num = |c: &str| match units.get(row, c) {
            Data::Float(f) => *f,
            other => panic!("{c}: {other:?}"),
        };
        let users = num("实有吸毒人员数");
        let members = people
            .rows
            .iter()
            .filter(|(_, p)| people.text(p, "村(社区)") == name)
            .count() as f64;
        assert!(users >= members && members >= 1.0, "{name}");
        assert!(
            num("经费到位(元)") >= (1500.0 * users).max(10000.0),
            "{name}"
        );
        let full: Vec<&Vec<Data>> = staff
            .rows
            .iter()
            .filter(|(_, s)| staff.text(s, "村(社区)") == name && staff.text(s, "类型") == "专职")
            .map(|(_, s)| s)
            .collect();
        assert!(
            full.len() as f64 >= (users / 20.0).ceil().max(1.0),
            "{name}"
        );
        for s in full {
            let age = as_of
                .years_since(staff.date(s, "出生日期").unwrap())
                .unwrap();
            assert!((25..=55).contains(&age));
            assert!(
                ["高中", "中专", "大专", "本科", "硕士"].contains(&staff.text(s, "学历").as_str())
            );
        }
    }
}

#[test]
fn answer_key_lists_what_was_injected() {
    let dir = tempfile::tempdir().unwrap();
    let path = generate(dir.path(), "b.xlsx", &opts(120, 9, 0.5));
    let key = answers(&path);
    assert_eq!(key["seed"], 9);
    assert_eq!(key["persons"], 120);
    assert_eq!(key["as_of"], "2025-12-31");
    let expected = key["expected"].as_array().unwrap();
    let mut by_person: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unit_codes = BTreeSet::new();
    for e in expected {
        let code = e["code"].as_str().unwrap().to_string();
        match (e["person"].as_str(), e["unit"].as_str()) {
            (Some(p), None) => {
                by_person.entry(p.to_string()).or_default().insert(code);
            }
            (None, Some(_)) => {
                unit_codes.insert(code);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(by_person.len(), 60, "half of 120 people carry breaks");
    assert!(!unit_codes.is_empty());
    let all: BTreeSet<&String> = by_person.values().flatten().collect();
    assert!(all.len() >= 10, "variety of codes: {all:?}");

    let wb = read(&path);
    let people = &wb["人员"];
    let tests = &wb["检测"];
    let leaves = &wb["请假"];
    let evals = &wb["评估"];
    let results_of = |id: &str| -> Vec<String> {
        tests
            .rows
            .iter()
            .filter(|(_, r)| tests.text(r, "编号") == id)
            .map(|(_, r)| tests.text(r, "结果"))
            .collect()
    };
    for (_, row) in &people.rows {
        let id = people.text(row, "编号");
        let codes = by_person.get(&id).cloned().unwrap_or_default();
        let results = results_of(&id);
        let refused = results
            .iter()
            .filter(|r| *r == "拒绝" || *r == "逃避")
            .count();
        assert_eq!(codes.contains("P110"), refused >= 3, "{id}");
        assert_eq!(
            codes.contains("P112"),
            results.iter().any(|r| r == "阳性"),
            "{id}"
        );
        let no_report = people.date(row, "报到日期").is_none();
        assert_eq!(codes.contains("P102"), no_report, "{id}");
        if no_report {
            assert!(results.is_empty(), "{id}: P102 has no events");
        }
        assert_eq!(
            codes.contains("P103"),
            !no_report && people.date(row, "协议签订日期").is_none(),
            "{id}"
        );
        let long_leave = leaves.rows.iter().any(|(_, l)| {
            leaves.text(l, "编号") == id
                && leaves.text(l, "是否批准") == "是"
                && (leaves.date(l, "返回日期").unwrap() - leaves.date(l, "离开日期").unwrap())
                    .num_days()
                    > 3
        });
        assert_eq!(codes.contains("P114"), long_leave, "{id}");
        if codes.contains("P116") {
            assert!(!evals
                .rows
                .iter()
                .any(|(_, e)| evals.text(e, "编号") == id && evals.text(e, "评估期") == "总评估"));
        }
        if codes.contains("P113") {
            assert!(codes.contains("P107"), "{id}: P113 implies P107");
        }
        if codes.contains("P115") {
            assert_eq!(people.text(row, "性别"), "女");
        }
    }
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entry = archive.by_name(name).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut entry, &mut s).unwrap();
    s
}

#[test]
fn template_has_every_sheet_header_and_validation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.xlsx");
    rehabdocs::blank_template::write_template(&path, false).unwrap();
    let err = rehabdocs::blank_template::write_template(&path, false).unwrap_err();
    assert!(err.to_string().contains("已存在"));
    let again = dir.path().join("blank2.xlsx");
    rehabdocs::blank_template::write_template(&again, false).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );

    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "人员",
            "检测",
            "谈话",
            "请假",
            "告诫",
            "评估",
            "工作人员",
            "单位",
            "帮扶",
            "填表说明"
        ]
    );
    // Headers as in shared/register.md, on row 2 under a title.
    let expected: &[(&str, &[&str])] = &[
        (
            "检测",
            &[
                "编号",
                "检测日期",
                "检测方式",
                "结果",
                "检测单位",
                "检测人",
                "是否突击",
            ],
        ),
        ("谈话", &["编号", "日期", "形式", "工作人员", "摘要"]),
        (
            "请假",
            &[
                "编号",
                "离开日期",
                "返回日期",
                "准假至",
                "去向",
                "事由",
                "是否批准",
                "批准人",
            ],
        ),
        ("告诫", &["编号", "日期", "类型", "事由", "文号"]),
        ("评估", &["编号", "评估日期", "评估期", "结论", "评估人"]),
        (
            "工作人员",
            &[
                "姓名",
                "性别",
                "出生日期",
                "学历",
                "类型",
                "乡镇(街道)",
                "村(社区)",
            ],
        ),
        (
            "单位",
            &[
                "乡镇(街道)",
                "村(社区)",
                "实有吸毒人员数",
                "经费预算(元)",
                "经费到位(元)",
            ],
        ),
        ("帮扶", &["编号", "日期", "类型"]),
    ];
    for (sheet, headers) in expected {
        let range = wb.worksheet_range(sheet).unwrap();
        let row: Vec<String> = range
            .rows()
            .nth(1)
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(&row, headers, "{sheet}");
        assert!(
            range.rows().next().unwrap()[0].to_string().contains("台帐")
                || ["工作人员", "单位"].contains(sheet)
        );
    }
    let people = wb.worksheet_range("人员").unwrap();
    let header: Vec<String> = people
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    // The contract's 29 columns and the 信息登记表's 11 optional ones.
    assert_eq!(header.len(), 40);
    for h in [
        "编号",
        "姓名",
        "公民身份号码",
        "乡镇(街道)",
        "村(社区)",
        "措施类型",
        "决定日期",
        "报到日期",
        "协议签订日期",
        "期限(月)",
        "状态",
        "帮教小组成员",
        "药物维持治疗",
        "民族",
        "文化程度",
        "初次吸毒时间",
        "家属电话",
        "违法犯罪记录",
    ] {
        assert!(header.contains(&h.to_string()), "{h}");
    }
    let help = wb.worksheet_range("填表说明").unwrap();
    let text: String = help.rows().flatten().map(|c| c.to_string()).collect();
    for needle in [
        "公民身份号码",
        "社区戒毒 | 社区康复",
        "总评估",
        "帮教小组成员",
    ] {
        assert!(text.contains(needle), "{needle}");
    }

    // Dropdowns, date validation, frozen header and formats in the raw sheet XML.
    let sheet = zip_entry(&path, "xl/worksheets/sheet1.xml");
    let col = |name: &str| (b'A' + header.iter().position(|h| h == name).unwrap() as u8) as char;
    for (name, list) in [
        ("措施类型", "\"社区戒毒,社区康复\""),
        ("性别", "\"男,女\""),
        ("外省市人员", "\"是,否\""),
        (
            "状态",
            "\"执行中,已解除,中止,终止,强制隔离戒毒,已变更执行地\"",
        ),
    ] {
        // Down to the sheet's last row: a register of any size keeps its dropdowns.
        let sqref = format!("sqref=\"{0}3:{0}1048576\"", col(name));
        let start = sheet
            .find(&sqref)
            .unwrap_or_else(|| panic!("{name}: no validation"));
        assert!(sheet[start..].starts_with(&sqref));
        assert!(
            sheet[start..].contains(&format!("<formula1>{list}</formula1>")),
            "{name}"
        );
        assert!(sheet[..start].rfind("type=\"list\"").is_some());
    }
    let date_sqref = format!("sqref=\"{0}3:{0}1048576\"", col("报到日期"));
    let i = sheet.find(&date_sqref).unwrap();
    let open = sheet[..i].rfind("<dataValidation ").unwrap();
    assert!(sheet[open..i].contains("type=\"date\""));
    assert!(sheet.contains("<pane ") && sheet.contains("topLeftCell=\"A3\""));
    assert!(sheet.contains("<c r=\"D502\""), "pre-formatted rows");
    // Past the drawn rows the whole column keeps its format: the ID column (text) and the
    // date columns carry a column style.
    let id_col = header.iter().position(|h| h == "公民身份号码").unwrap() + 1;
    let col_xml = format!("<col min=\"{id_col}\" max=\"{id_col}\"");
    let at = sheet
        .find(&col_xml)
        .unwrap_or_else(|| panic!("no <col> for the ID column"));
    let end = at + sheet[at..].find("/>").unwrap();
    assert!(sheet[at..end].contains("style=\""), "{}", &sheet[at..end]);
    let styles = zip_entry(&path, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"@\"") && styles.contains("formatCode=\"yyyy-mm-dd\""));
    for sheet_file in ["sheet2.xml", "sheet3.xml", "sheet4.xml", "sheet7.xml"] {
        let xml = zip_entry(&path, &format!("xl/worksheets/{sheet_file}"));
        assert!(xml.contains("type=\"list\""), "{sheet_file}");
    }
}

#[test]
fn other_as_of_dates_and_tiny_registers_stay_consistent() {
    let dir = tempfile::tempdir().unwrap();
    for (persons, as_of) in [
        (1, d(2024, 2, 29)),
        (3, d(2023, 6, 30)),
        (17, d(2024, 2, 29)),
    ] {
        let o = SampleOptions {
            persons,
            seed: 11,
            breaches: 0.5,
            as_of,
            data_errors: true,
        };
        let path = generate(dir.path(), &format!("s{persons}.xlsx"), &o);
        let key = answers(&path);
        let d006: HashSet<String> = key["data_errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["code"] == "D006")
            .map(|e| e["cell"].as_str().unwrap().to_string())
            .collect();
        let wb = read(&path);
        let people = &wb["人员"];
        assert_eq!(people.rows.len(), persons as usize);
        let ids: HashSet<String> = people
            .rows
            .iter()
            .map(|(_, r)| people.text(r, "编号"))
            .collect();
        for (name, sheet) in &wb {
            for (r, row) in &sheet.rows {
                for cell in row {
                    if let Data::DateTime(x) = cell {
                        let date = d(1899, 12, 30) + chrono::Duration::days(x.as_f64() as i64);
                        assert!(date <= as_of, "{name} row {}: {date} after {as_of}", r + 1);
                    }
                }
                if let Some(&c) = sheet.cols.get("编号") {
                    if name != "人员" {
                        let id = sheet.text(row, "编号");
                        let cell = format!("{name}!{}{}", (b'A' + c as u8) as char, r + 1);
                        assert!(ids.contains(&id) || d006.contains(&cell), "{cell}: {id}");
                    }
                }
            }
        }
        let units = &wb["单位"];
        assert!(!units.rows.is_empty() && units.rows.len() <= persons.max(2) as usize);
        let found = evaluate(&wb, as_of);
        let listed: BTreeSet<(String, String)> = key["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let who = e["person"].as_str().or(e["unit"].as_str()).unwrap();
                (e["code"].as_str().unwrap().to_string(), who.to_string())
            })
            .collect();
        assert_eq!(found, listed, "{persons} people, as of {as_of}");
    }
}

/// The rules of domain.md (standard profile), evaluated independently on the workbook as read
/// back, in their plainest reading: (code, 编号 or 村名) for every finding above info.
fn evaluate(wb: &BTreeMap<String, Sheet>, as_of: NaiveDate) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let days = |a: NaiveDate, b: NaiveDate| (b - a).num_days();
    let people = &wb["人员"];
    let staff = &wb["工作人员"];
    let women: HashSet<String> = staff
        .rows
        .iter()
        .filter(|(_, s)| staff.text(s, "性别") == "女")
        .map(|(_, s)| staff.text(s, "姓名"))
        .collect();
    let of = |sheet: &str, id: &str| -> Vec<Vec<Data>> {
        let s = &wb[sheet];
        s.rows
            .iter()
            .filter(|(_, r)| s.text(r, "编号") == id)
            .map(|(_, r)| r.clone())
            .collect()
    };
    for (_, p) in &people.rows {
        let id = people.text(p, "编号");
        let mut hit = |code: &str| {
            out.insert((code.to_string(), id.clone()));
        };
        let served = people.date(p, "送达日期").unwrap();
        let limit = if people.text(p, "外省市人员") == "是" {
            15
        } else {
            7
        };
        let Some(report) = people.date(p, "报到日期") else {
            if days(served, as_of) > limit {
                hit("P102");
            }
            continue;
        };
        if days(served, report) > limit {
            hit("P101");
        }
        match people.date(p, "协议签订日期") {
            Some(a) if days(report, a) <= 7 => {}
            _ if days(report, as_of) > 7 => hit("P103"),
            _ => {}
        }
        let term_last = report + Months::new(36) - chrono::Duration::days(1);
        let status = people.text(p, "状态");
        let mut end = as_of.min(term_last);
        if status != "执行中" {
            end = end.min(people.date(p, "状态日期").unwrap());
        }
        if status == "执行中" && term_last < as_of {
            hit("P104");
        }
        let tests = of("检测", &id);
        let t = &wb["检测"];
        let done: Vec<NaiveDate> = tests
            .iter()
            .filter(|r| ["阴性", "阳性"].contains(&t.text(r, "结果").as_str()))
            .map(|r| t.date(r, "检测日期").unwrap())
            .collect();
        for (k, n) in [6i64, 4, 2].into_iter().enumerate() {
            let ys = report + Months::new(12 * k as u32);
            let ye = report + Months::new(12 * (k as u32 + 1));
            if ys > end {
                break;
            }
            let count = done.iter().filter(|&&x| x >= ys && x < ye).count() as i64;
            let need = if ye - chrono::Duration::days(1) <= end {
                n
            } else {
                n * (days(ys, end) + 1) / days(ys, ye)
            };
            if count < need {
                hit("P105");
            }
        }
        let bad = tests
            .iter()
            .filter(|r| ["拒绝", "逃避"].contains(&t.text(r, "结果").as_str()))
            .count();
        if bad >= 3 {
            hit("P110");
        }
        if tests.iter().any(|r| t.text(r, "结果") == "阳性") {
            hit("P112");
        }
        let c = &wb["谈话"];
        let contacts: Vec<(NaiveDate, String)> = of("谈话", &id)
            .iter()
            .map(|r| (c.date(r, "日期").unwrap(), c.text(r, "形式")))
            .collect();
        let in_month = |m: NaiveDate, kinds: &[&str]| {
            contacts
                .iter()
                .filter(|(x, k)| {
                    x.year() == m.year() && x.month() == m.month() && kinds.contains(&k.as_str())
                })
                .count()
        };
        let months = whole_months(report, end);
        if months.iter().any(|&m| in_month(m, &["面谈", "家访"]) == 0) {
            hit("P106");
        }
        if months.iter().any(|&m| in_month(m, &["本人报告"]) < 2) {
            hit("P107");
        }
        let e = &wb["评估"];
        let periods: HashSet<String> = of("评估", &id)
            .iter()
            .map(|r| period(&e.text(r, "评估期")))
            .collect();
        for &m in &months {
            if m.month() % 3 == 1 && m + Months::new(3) - chrono::Duration::days(1) <= end {
                let q = format!("{}Q{}", m.year(), m.month() / 3 + 1);
                if !periods.contains(&q) {
                    hit("P109");
                }
            }
        }
        if term_last < as_of && !periods.contains("总评估") {
            hit("P116");
        }
        let l = &wb["请假"];
        let leaves = of("请假", &id);
        let unapproved: Vec<i64> = leaves
            .iter()
            .filter(|r| l.text(r, "是否批准") == "否")
            .map(|r| {
                days(
                    l.date(r, "离开日期").unwrap(),
                    l.date(r, "返回日期").unwrap_or(end),
                )
            })
            .collect();
        if unapproved.len() >= 3 || unapproved.iter().sum::<i64>() > 30 {
            hit("P111");
        }
        if leaves.iter().any(|r| {
            l.text(r, "是否批准") == "是"
                && days(
                    l.date(r, "离开日期").unwrap(),
                    l.date(r, "返回日期").unwrap(),
                ) > 3
        }) {
            hit("P114");
        }
        let w = &wb["告诫"];
        let written: Vec<NaiveDate> = of("告诫", &id)
            .iter()
            .filter(|r| w.text(r, "类型") == "书面")
            .map(|r| w.date(r, "日期").unwrap())
            .collect();
        if written.len() >= 2 {
            let second = written[1];
            if months
                .iter()
                .any(|&m| m > second && in_month(m, &["本人报告"]) == 0)
            {
                hit("P113");
            }
        }
        if people.text(p, "性别") == "女" {
            let mut group = vec![people.text(p, "帮教小组组长")];
            group.extend(
                people
                    .text(p, "帮教小组成员")
                    .split('、')
                    .map(str::to_string),
            );
            if !group
                .iter()
                .any(|m| m.ends_with("(女)") || women.contains(m))
            {
                hit("P115");
            }
        }
    }
    let units = &wb["单位"];
    for (_, u) in &units.rows {
        let name = units.text(u, "村(社区)");
        let num = |c: &str| match units.get(u, c) {
            Data::Float(f) => *f,
            other => panic!("{c}: {other:?}"),
        };
        let users = num("实有吸毒人员数");
        let workers: Vec<&Vec<Data>> = staff
            .rows
            .iter()
            .filter(|(_, s)| staff.text(s, "村(社区)") == name)
            .map(|(_, s)| s)
            .collect();
        let full: Vec<&&Vec<Data>> = workers
            .iter()
            .filter(|s| staff.text(s, "类型") == "专职")
            .collect();
        let short = if users >= 20.0 {
            (full.len() as f64) < (users / 20.0).ceil()
        } else {
            workers.is_empty()
        };
        let mut hit = |code: &str| {
            out.insert((code.to_string(), name.clone()));
        };
        if short {
            hit("U201");
        }
        if full.iter().any(|s| {
            let age = as_of
                .years_since(staff.date(s, "出生日期").unwrap())
                .unwrap();
            !(25..=55).contains(&age) || staff.text(s, "学历") == "初中"
        }) {
            hit("U202");
        }
        if num("经费到位(元)") < (1500.0 * users).max(10000.0) {
            hit("U203");
        }
        let signed = people
            .rows
            .iter()
            .filter(|(_, p)| {
                people.text(p, "村(社区)") == name && people.date(p, "协议签订日期").is_some()
            })
            .count() as f64;
        if signed < 0.7 * users {
            hit("U204");
        }
    }
    out
}

#[test]
fn answer_key_matches_an_independent_reading_of_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut codes = BTreeSet::new();
    for (persons, seed, share) in [(300, 23, 0.6), (60, 22, 1.0), (40, 1, 0.2)] {
        let path = generate(
            dir.path(),
            &format!("r{seed}.xlsx"),
            &opts(persons, seed, share),
        );
        let key = answers(&path);
        let listed: BTreeSet<(String, String)> = key["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let who = e["person"].as_str().or(e["unit"].as_str()).unwrap();
                (e["code"].as_str().unwrap().to_string(), who.to_string())
            })
            .collect();
        let found = evaluate(&read(&path), d(2025, 12, 31));
        let missing: Vec<_> = listed.difference(&found).collect();
        let extra: Vec<_> = found.difference(&listed).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "seed {seed}: listed but not found {missing:?}; found but not listed {extra:?}"
        );
        codes.extend(listed.into_iter().map(|(code, _)| code));
    }
    let all: Vec<&str> = vec![
        "P101", "P102", "P103", "P104", "P105", "P106", "P107", "P109", "P110", "P111", "P112",
        "P113", "P114", "P115", "P116", "U201", "U202", "U203", "U204",
    ];
    assert_eq!(codes.iter().map(String::as_str).collect::<Vec<_>>(), all);
}
