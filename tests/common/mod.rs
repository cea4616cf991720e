//! A register built in memory for the rule and paperwork tests, with layouts so that cells
//! resolve as in a real workbook (header in row 1, data from row 2, columns in the order of
//! the register contract).
#![allow(dead_code)]

use chrono::Datelike as _;
use chrono::NaiveDate;
use rehabdocs::model::*;

/// The text of a PDF with all whitespace removed (extractors put spaces between glyphs).
pub fn text_of(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A person of 东城镇 with every field the documents print: reported in and signed on
/// 2025-03-01 for 36 months, 执行中, with a social worker and a group leader.
pub fn full_person(row: u32, id: &str, name: &str, unit: &str, measure: Measure) -> Person {
    let day = |m, dd| NaiveDate::from_ymd_opt(2025, m, dd);
    Person {
        row,
        id: id.into(),
        name: name.into(),
        sex: Some(Sex::Male),
        resident_id: Some("110101199003071234".into()),
        resident_id_valid: true,
        phone: Some("13800000000".into()),
        current_address: Some("东城镇幸福路1号".into()),
        town: "东城镇".into(),
        unit: unit.into(),
        measure: Some(measure),
        decision_authority: Some("某县公安局".into()),
        decision_number: Some("某公(禁)决字〔2025〕7号".into()),
        decision_date: day(2, 20),
        served_date: day(2, 21),
        report_date: day(3, 1),
        agreement_date: day(3, 1),
        term_months: 36,
        status: Some(Status::Active),
        social_worker: Some("王社工".into()),
        group_leader: Some("李组长".into()),
        ..Person::default()
    }
}

/// A valid resident ID from the region 110105, a birth date `yyyymmdd` and a 3-digit sequence.
pub fn rid(birth: &str, seq: &str) -> String {
    let first17 = format!("110105{birth}{seq}");
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(w)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub const PERSON_COLS: &[&str] = &[
    "编号",
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "联系电话",
    "户籍地址",
    "现住址",
    "乡镇(街道)",
    "村(社区)",
    "措施类型",
    "决定机关",
    "决定书文号",
    "决定日期",
    "送达日期",
    "外省市人员",
    "报到日期",
    "协议签订日期",
    "期限(月)",
    "状态",
    "状态日期",
    "专职社工",
    "帮教小组组长",
    "帮教小组成员",
    "固定住所",
    "固定工作",
    "固定联系方式",
    "特殊情形",
    "药物维持治疗",
];
pub const TEST_COLS: &[&str] = &["编号", "检测日期", "检测方式", "结果", "检测单位", "检测人"];
pub const CONTACT_COLS: &[&str] = &["编号", "日期", "形式", "工作人员", "摘要"];
pub const LEAVE_COLS: &[&str] = &[
    "编号",
    "离开日期",
    "返回日期",
    "去向",
    "事由",
    "是否批准",
    "批准人",
];
pub const WARNING_COLS: &[&str] = &["编号", "日期", "类型", "事由", "文号"];
pub const EVAL_COLS: &[&str] = &["编号", "评估日期", "评估期", "结论", "评估人"];
pub const STAFF_COLS: &[&str] = &[
    "姓名",
    "性别",
    "出生日期",
    "学历",
    "类型",
    "乡镇(街道)",
    "村(社区)",
];
pub const UNIT_COLS: &[&str] = &[
    "乡镇(街道)",
    "村(社区)",
    "实有吸毒人员数",
    "经费预算(元)",
    "经费到位(元)",
];

/// Builds a register in memory, with layouts so that cells resolve as in a real workbook
/// (header in row 1, data from row 2, columns in the order of register.md).
pub struct B {
    pub r: Register,
}

impl B {
    pub fn new() -> B {
        let mut r = Register::default();
        r.source = "test.xlsx".into();
        for (sheet, cols) in [
            (Sheet::Persons, PERSON_COLS),
            (Sheet::Tests, TEST_COLS),
            (Sheet::Contacts, CONTACT_COLS),
            (Sheet::Leaves, LEAVE_COLS),
            (Sheet::Warnings, WARNING_COLS),
            (Sheet::Evaluations, EVAL_COLS),
            (Sheet::Staff, STAFF_COLS),
            (Sheet::Units, UNIT_COLS),
        ] {
            let mut l = SheetLayout {
                name: sheet.canonical_name().into(),
                header_row: 0,
                ..Default::default()
            };
            for (i, c) in cols.iter().enumerate() {
                l.columns.insert(c, i as u32);
            }
            r.layouts.insert(sheet, l);
        }
        B { r }
    }

    /// A person reported in on `report` (served 3 days before, agreement the same day),
    /// 社区戒毒, 36 months, 执行中, with all 固定 fields 是.
    pub fn person(&mut self, id: &str, report: &str, f: impl FnOnce(&mut Person)) -> usize {
        let rep = d(report);
        let mut p = Person {
            row: self.r.persons.len() as u32 + 1,
            id: id.into(),
            name: format!("人员{id}"),
            sex: Some(Sex::Male),
            town: "城关镇".into(),
            unit: "东风社区".into(),
            measure: Some(Measure::Detox),
            decision_date: Some(rep - chrono::Days::new(5)),
            served_date: Some(rep - chrono::Days::new(3)),
            report_date: Some(rep),
            agreement_date: Some(rep),
            term_months: 36,
            status: Some(Status::Active),
            fixed_residence: Some(true),
            fixed_job: Some(true),
            fixed_contact: Some(true),
            ..Default::default()
        };
        f(&mut p);
        self.r.persons.push(p);
        self.r.persons.len() - 1
    }
    pub fn test(&mut self, p: usize, date: &str, result: TestResult) {
        let row = self.r.tests.len() as u32 + 1;
        self.r.tests.push(Test {
            row,
            person: p,
            date: d(date),
            method: None,
            result,
            lab: None,
            tester: None,
            unannounced: false,
        });
    }
    /// An unannounced test (检测方式 随机尿检), carried out, negative.
    pub fn random_test(&mut self, p: usize, date: &str) {
        self.test(p, date, TestResult::Negative);
        if let Some(t) = self.r.tests.last_mut() {
            t.method = Some("随机尿检".into());
            t.unannounced = true;
        }
    }
    pub fn contact(&mut self, p: usize, date: &str, kind: ContactKind) {
        let row = self.r.contacts.len() as u32 + 1;
        self.r.contacts.push(Contact {
            row,
            person: p,
            date: d(date),
            kind,
            worker: None,
            summary: None,
        });
    }
    pub fn leave(&mut self, p: usize, from: &str, to: Option<&str>, approved: bool) {
        let row = self.r.leaves.len() as u32 + 1;
        self.r.leaves.push(Leave {
            row,
            person: p,
            leave_date: d(from),
            return_date: to.map(d),
            approved_until: None,
            destination: None,
            reason: None,
            approved,
            approver: None,
        });
    }
    pub fn warning(&mut self, p: usize, date: &str, kind: WarningKind) {
        let row = self.r.warnings.len() as u32 + 1;
        self.r.warnings.push(Warning {
            row,
            person: p,
            date: d(date),
            kind,
            reason: None,
            number: None,
        });
    }
    pub fn eval(&mut self, p: usize, date: &str, period: EvalPeriod) {
        let row = self.r.evaluations.len() as u32 + 1;
        self.r.evaluations.push(Evaluation {
            row,
            person: p,
            date: d(date),
            period,
            conclusion: Conclusion::Good,
            evaluator: None,
        });
    }
    pub fn staff(&mut self, name: &str, sex: Sex, kind: StaffKind, f: impl FnOnce(&mut Staff)) {
        let mut s = Staff {
            row: self.r.staff.len() as u32 + 1,
            name: name.into(),
            sex: Some(sex),
            birth_date: Some(d("1990-01-01")),
            education: Some("本科".into()),
            kind,
            town: Some("城关镇".into()),
            unit: Some("东风社区".into()),
        };
        f(&mut s);
        self.r.staff.push(s);
    }
    pub fn unit(&mut self, name: &str, users: u32, funded: Option<f64>, budget: Option<f64>) {
        let row = self.r.units.len() as u32 + 1;
        self.r.units.push(Unit {
            row,
            town: "城关镇".into(),
            unit: name.into(),
            registered_users: users,
            budget,
            funded,
        });
    }

    /// Everything the standard profile asks for, every month from `from` to `to`: a talk on
    /// the 15th, self-reports on the 5th and 20th, a test on the 10th, an evaluation of each
    /// quarter on its last day.
    pub fn compliant(&mut self, p: usize, from: &str, to: &str) {
        let (from, to) = (d(from), d(to));
        let mut m = NaiveDate::from_ymd_opt(
            chrono::Datelike::year(&from),
            chrono::Datelike::month(&from),
            1,
        )
        .unwrap();
        while m <= to {
            for (day, what) in [(5, 0), (10, 1), (15, 2), (20, 0)] {
                let date = m.with_day0(day - 1).unwrap();
                if date < from || date > to {
                    continue;
                }
                let s = date.format("%Y-%m-%d").to_string();
                match what {
                    0 => self.contact(p, &s, ContactKind::SelfReport),
                    1 => self.test(p, &s, TestResult::Negative),
                    _ => self.contact(p, &s, ContactKind::FaceToFace),
                }
            }
            let month = chrono::Datelike::month(&m);
            if month.is_multiple_of(3) {
                let last = m
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap()
                    .pred_opt()
                    .unwrap();
                if last <= to {
                    let year = chrono::Datelike::year(&m);
                    self.eval(
                        p,
                        &last.format("%Y-%m-%d").to_string(),
                        EvalPeriod::Quarter {
                            year,
                            quarter: (month / 3) as u8,
                        },
                    );
                }
            }
            m = m.checked_add_months(chrono::Months::new(1)).unwrap();
        }
    }

    pub fn done(mut self) -> Register {
        self.r.finalize();
        self.r
    }
}

/// Writes a register workbook with text cells only: 人员 rows as (column, value) overrides of
/// a plain 社区戒毒 person, and 检测 rows as (编号, 检测日期, 检测方式, 结果, 突击检测 — a
/// synonym of 是否突击). Reads it back through the real reader.
pub fn read_text_book(
    persons: &[(&str, &[(&str, &str)])],
    tests: &[[&str; 5]],
) -> rehabdocs::register::ReadOutcome {
    use rust_xlsxwriter::Workbook;
    const COLS: &[&str] = &[
        "编号",
        "姓名",
        "公民身份号码",
        "乡镇(街道)",
        "村(社区)",
        "措施类型",
        "决定日期",
        "送达日期",
        "外省市人员",
        "报到日期",
        "协议签订日期",
        "期限(月)",
        "状态",
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台帐.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    for (c, h) in COLS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, overrides)) in persons.iter().enumerate() {
        for (c, col) in COLS.iter().enumerate() {
            let default = match *col {
                "编号" => *id,
                "姓名" => "张三",
                "公民身份号码" => "11010519491231002X",
                "乡镇(街道)" => "城关镇",
                "村(社区)" => "东风社区",
                "措施类型" => "社区戒毒",
                "决定日期" => "2024-12-28",
                "送达日期" => "2025-01-01",
                _ => "",
            };
            let value = overrides
                .iter()
                .find(|(k, _)| k == col)
                .map(|(_, v)| *v)
                .unwrap_or(default);
            if !value.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, value).unwrap();
            }
        }
    }
    let ws = wb.add_worksheet().set_name("检测").unwrap();
    for (c, h) in ["编号", "检测日期", "检测方式", "结果", "突击检测"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in tests.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(&path).unwrap();
    rehabdocs::register::read_register(&path).unwrap()
}
