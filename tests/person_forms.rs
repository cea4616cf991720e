//! The person's own forms as a clerk files them: the 信息登记表 with the register's background
//! columns, the 送达回证 with every row of a receipt of service, the 请假审批表 with the leave
//! counted as P114 counts it, a third party's guarantee and the 销假 record. Each rendered for
//! a 社区戒毒 and a 社区康复 person, text extracted from the PDFs.

mod common;
use chrono::NaiveDate;
use common::text_of;
use rehabdocs::model::{DateOrText, Leave, Measure, Person, Register, Sheet, Test, TestResult};
use rehabdocs::paperwork::generate::{generate, GenerateOptions, GenerateOutcome};
use rehabdocs::paperwork::ledger::LEDGER_FILE;
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::profile::Profile;
use std::path::Path;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A person whose address names the unit.
fn person(row: u32, id: &str, name: &str, unit: &str, measure: Measure) -> Person {
    Person {
        current_address: Some(format!("东城镇{unit}幸福路1号")),
        ..common::full_person(row, id, name, unit, measure)
    }
}

/// P001 張三 in 社区戒毒 with the whole background; P002 李四 in 社区康复 with none of it.
fn register() -> Register {
    let mut r = Register::default();
    r.source = "测试台帐.xlsx".into();
    let mut a = person(1, "P001", "张三", "幸福村", Measure::Detox);
    a.ethnicity = Some("回族".into());
    a.education = Some("初中".into());
    a.marital_status = Some("离异".into());
    a.occupation = Some("驾驶员".into());
    a.employer = Some("东城顺发物流有限公司".into());
    a.first_drug_use = Some(DateOrText::Text("2015".into()));
    a.drugs = Some("海洛因".into());
    a.family_name = Some("张母".into());
    a.family_relation = Some("母亲".into());
    a.family_phone = Some("13912345678".into());
    a.criminal_record = Some("2019年因吸食毒品被行政拘留十日".into());
    a.from_other_province = true;
    a.methadone = Some(true);
    r.persons.push(a);
    let mut b = person(2, "P002", "李四", "东风社区", Measure::Rehab);
    b.first_drug_use = Some(DateOrText::Date(d(2012, 5, 4)));
    r.persons.push(b);
    for (row, p) in [(1, 0), (2, 1)] {
        r.tests.push(Test {
            row,
            person: p,
            date: d(2025, 5, 12),
            method: Some("尿检".into()),
            result: TestResult::Refused,
            lab: Some("东城镇卫生院".into()),
            tester: None,
            unannounced: false,
        });
    }
    r.finalize();
    r
}

fn leave(row: u32, person: usize, from: NaiveDate) -> Leave {
    Leave {
        row,
        person,
        leave_date: from,
        return_date: None,
        approved_until: None,
        destination: Some("市区".into()),
        reason: Some("探亲".into()),
        approved: true,
        approver: Some("李组长".into()),
    }
}

fn opts(forms: &[&str], office: &tempfile::TempDir) -> GenerateOptions {
    let mut o = GenerateOptions::new(
        PlanOptions {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            ..PlanOptions::default()
        },
        d(2025, 7, 1),
    );
    o.ledger = Some(office.path().join(LEDGER_FILE));
    o
}

/// The text of the document of `form` for person `id`.
fn doc(out: &GenerateOutcome, dir: &Path, form: &str, id: &str) -> String {
    let row = out
        .rows
        .iter()
        .find(|r| r.form == form && r.person_id == id)
        .unwrap_or_else(|| panic!("no {form} for {id}: {:?}", out.rows));
    text_of(&dir.join(&row.file))
}

#[test]
fn the_registers_background_columns_are_read_under_their_usual_names_and_never_block() {
    use rust_xlsxwriter::Workbook;
    let headers = [
        "编号",
        "姓名",
        "公民身份号码",
        "乡镇(街道)",
        "村(社区)",
        "措施类型",
        "决定日期",
        "民族",
        "学历",
        "婚姻状态",
        "职业",
        "就业单位",
        "首次吸毒时间",
        "滥用毒品种类",
        "监护人姓名",
        "监护人关系",
        "监护人联系电话",
        "前科",
    ];
    let rows: [[&str; 18]; 2] = [
        [
            "A1",
            "张三",
            "11010519491231002X",
            "城关镇",
            "东风社区",
            "社区戒毒",
            "2025-01-01",
            "汉族",
            "高中",
            "已婚",
            "个体",
            "城关五金店",
            "2014/6/3",
            "冰毒、氯胺酮",
            "王  芳",
            "配偶",
            "13900001111",
            "无",
        ],
        // Odd and empty values: kept as written, or left empty; never an error.
        [
            "A2",
            "李四",
            "110105194912310021",
            "城关镇",
            "东风社区",
            "社区康复",
            "2025-01-01",
            "",
            "",
            "",
            "",
            "",
            "约2010年",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台帐.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(&path).unwrap();
    let out = rehabdocs::register::read_register(&path).unwrap();
    let reg = &out.register;
    let a = &reg.persons[0];
    assert_eq!(a.ethnicity.as_deref(), Some("汉族"));
    assert_eq!(a.education.as_deref(), Some("高中"));
    assert_eq!(a.marital_status.as_deref(), Some("已婚"));
    assert_eq!(a.occupation.as_deref(), Some("个体"));
    assert_eq!(a.employer.as_deref(), Some("城关五金店"));
    assert_eq!(a.first_drug_use, Some(DateOrText::Date(d(2014, 6, 3))));
    assert_eq!(a.drugs.as_deref(), Some("冰毒、氯胺酮"));
    assert_eq!(a.family_name.as_deref(), Some("王芳"));
    assert_eq!(a.family_relation.as_deref(), Some("配偶"));
    assert_eq!(a.family_phone.as_deref(), Some("13900001111"));
    assert_eq!(a.criminal_record.as_deref(), Some("无"));
    let b = &reg.persons[1];
    assert_eq!(b.first_drug_use, Some(DateOrText::Text("约2010年".into())));
    assert!(b.ethnicity.is_none() && b.family_name.is_none() && b.drugs.is_none());
    // None of these columns gives a finding, filled or not.
    let layout = &reg.layouts[&Sheet::Persons];
    let background: Vec<u32> = [
        "民族",
        "学历",
        "婚姻状况",
        "职业",
        "工作单位",
        "初次吸毒时间",
        "吸食毒品种类",
        "家属姓名",
        "家属关系",
        "家属电话",
        "违法犯罪记录",
    ]
    .iter()
    .map(|f| {
        *layout
            .columns
            .get(f)
            .unwrap_or_else(|| panic!("{f} not found"))
    })
    .collect();
    for f in &out.findings {
        assert!(
            f.cells.iter().all(|c| !background.contains(&c.col)),
            "{f:?}"
        );
    }

    // The blank template carries the columns under the names the reader finds.
    let blank = dir.path().join("模板.xlsx");
    rehabdocs::blank_template::write_template(&blank, false).unwrap();
    let empty = rehabdocs::register::read_register(&blank).unwrap().register;
    let columns = &empty.layouts[&Sheet::Persons].columns;
    for f in [
        "民族",
        "学历",
        "婚姻状况",
        "职业",
        "工作单位",
        "初次吸毒时间",
        "吸食毒品种类",
        "家属姓名",
        "家属关系",
        "家属电话",
        "违法犯罪记录",
    ] {
        assert!(columns.contains_key(f), "template lacks {f}: {columns:?}");
    }
}

#[test]
fn the_bundled_sample_carries_the_background() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sample.xlsx");
    let reg = rehabdocs::register::read_register(&path).unwrap().register;
    let n = reg.persons.len();
    let has = |f: fn(&Person) -> bool| reg.persons.iter().filter(|p| f(p)).count();
    assert!(has(|p| p.education.is_some()) == n);
    assert!(has(|p| p.family_name.is_some()) > n / 2);
    assert!(has(|p| matches!(p.first_drug_use, Some(DateOrText::Date(_)))) > 0);
    assert!(has(|p| matches!(p.first_drug_use, Some(DateOrText::Text(_)))) > 0);
    assert!(has(|p| p.criminal_record.as_deref().is_some_and(|r| r != "无")) > 0);
    // Who has no fixed job has no employer.
    assert!(reg
        .persons
        .iter()
        .filter(|p| p.fixed_job == Some(false))
        .all(|p| p.employer.is_none() && p.occupation.as_deref() == Some("无业")));
}

#[test]
fn the_registration_form_shows_the_background_and_a_line_to_fill_where_the_register_is_empty() {
    let reg = register();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let out = generate(
        &reg,
        &[],
        &Profile::standard(),
        dir.path(),
        &opts(&["registration_form"], &office),
    )
    .unwrap();
    let detox = doc(&out, dir.path(), "registration_form", "P001");
    for want in [
        "照片",
        "姓名张三",
        "民族回族",
        "文化程度初中",
        "婚姻状况离异",
        "职业驾驶员",
        "工作单位东城顺发物流有限公司",
        "初次吸毒时间2015年",
        "吸食毒品种类海洛因",
        "违法犯罪记录2019年因吸食毒品被行政拘留十日",
        "家属或监护人姓名：张母关系：母亲联系电话：13912345678",
        "措施类型社区戒毒",
        "送达日期2025年2月21日",
        "外省市人员是",
        "药物维持治疗是",
        "决定书文号某公(禁)决字〔2025〕7号",
        // Signed by hand: no name pre-printed, the date blank.
        "填表人签名：年月日审核人签名：年月日",
        "本表一式两份",
    ] {
        assert!(detox.contains(want), "{want}: {detox}");
    }
    let rehab = doc(&out, dir.path(), "registration_form", "P002");
    for want in [
        "措施类型社区康复",
        "民族________",
        "文化程度________",
        "初次吸毒时间2012年5月4日",
        "家属或监护人姓名：________关系：________联系电话：________",
        "违法犯罪记录________",
        "外省市人员否",
        "药物维持治疗________",
    ] {
        assert!(rehab.contains(want), "{want}: {rehab}");
    }
    // Two copies, one page each.
    for row in &out.rows {
        assert_eq!((row.copies, row.pages), (2, 1), "{row:?}");
    }
}

#[test]
fn the_receipt_of_service_has_every_row_of_a_receipt_with_hand_dates_below_what_is_written() {
    let mut reg = register();
    reg.warnings.clear();
    reg.finalize();
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let out = generate(
        &reg,
        &[],
        &Profile::standard(),
        dir.path(),
        &opts(&["warning_letter"], &office),
    )
    .unwrap();
    for (id, measure, number, place) in [
        (
            "P001",
            "社区戒毒",
            "东禁告〔2025〕2号",
            "东城镇幸福村幸福路1号",
        ),
        (
            "P002",
            "社区康复",
            "东禁告〔2025〕1号",
            "东城镇东风社区幸福路1号",
        ),
    ] {
        let receipt = doc(&out, dir.path(), "receipt_of_service", id);
        for want in [
            format!("送达文书名称及文号{measure}告诫书{number}"),
            format!(
                "受送达人{}",
                reg.persons[reg.person_index(id).unwrap()].name
            ),
            format!("人员编号{id}"),
            // The time of service to the minute, by hand.
            "送达时间年月日时分".to_string(),
            format!("送达地点{place}"),
            "送达方式□直接送达□留置送达□委托送达□邮寄送达".to_string(),
            // Each signature box: room first, the signature line and hand date at its foot.
            "受送达人签名年月日".to_string(),
            "代收人及代收理由代收理由：代收人签名：年月日".to_string(),
            "拒收事由及见证人拒收事由：（留置送达的，由见证人签名）见证人签名：年月日".to_string(),
            "送达人签名年月日备注".to_string(),
            // The office serves it; the day is written by hand, never the as-of date.
            "东城镇社区戒毒(康复)工作办公室年月日".to_string(),
        ] {
            assert!(receipt.contains(&want), "{id} {want}: {receipt}");
        }
        assert!(!receipt.contains("2025年7月1日"), "{receipt}");
    }
}

#[test]
fn the_leave_form_counts_days_as_p114_does_takes_a_third_partys_guarantee_and_records_the_return() {
    let mut reg = register();
    // Away 1 June, approved until 6 June (5 days), back 7 June: the rule counts the 5
    // approved days (the late day is the person's breach, not the approver's).
    let mut taken = leave(1, 0, d(2025, 6, 1));
    taken.approved_until = Some(d(2025, 6, 6));
    taken.return_date = Some(d(2025, 6, 7));
    reg.leaves.push(taken);
    // Still away, no approved end recorded.
    reg.leaves.push(leave(2, 1, d(2025, 6, 28)));
    // A departure without approval: no leave form.
    let mut gone = leave(3, 1, d(2025, 4, 2));
    gone.approved = false;
    gone.return_date = Some(d(2025, 4, 3));
    reg.leaves.push(gone);
    reg.finalize();

    let report = rehabdocs::check::check_loaded(
        reg.clone(),
        vec![],
        &Profile::standard(),
        d(2025, 7, 1),
        &rehabdocs::check::Selection::default(),
    );
    let p114: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "P114" && f.person.as_deref() == Some("P001"))
        .map(|f| f.message.as_str())
        .collect();
    assert!(p114.len() == 1 && p114[0].contains("共5天"), "{p114:?}");

    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let out = generate(
        &reg,
        &[],
        &Profile::standard(),
        dir.path(),
        &opts(&["leave_approval"], &office),
    )
    .unwrap();
    assert_eq!(out.rows.len(), 2, "{:?}", out.rows);
    let refused: Vec<String> = out
        .held
        .iter()
        .filter(|h| h.form == "leave_approval")
        .flat_map(|h| h.reasons.clone())
        .collect();
    assert!(
        refused.len() == 1 && refused[0].contains("未经批准"),
        "{refused:?}"
    );

    let detox = doc(&out, dir.path(), "leave_approval", "P001");
    for want in [
        "措施类型社区戒毒",
        "离开日期2025年6月1日准假至2025年6月6日",
        "请假天数5日",
        "前往地点市区",
        "请假事由探亲",
        "担保人姓名________与请假人关系________",
        "担保人电话________",
        "担保人签名：年月日",
        "帮教小组组长签名：年月日",
        "东城镇社区戒毒(康复)工作办公室（盖章）批准人签名：年月日",
        "实际返回日期2025年6月7日销假时间2025年6月7日",
        "销假情况超过准假期限1日返回经办人签名：年月日",
        "本表一式两份，一份存档，一份交请假人随身携带。",
    ] {
        assert!(detox.contains(want), "{want}: {detox}");
    }
    for never in ["请假天数6日", "本人保证", "李组长"] {
        assert!(!detox.contains(never), "{never}: {detox}");
    }

    let rehab = doc(&out, dir.path(), "leave_approval", "P002");
    for want in [
        "措施类型社区康复",
        "离开日期2025年6月28日准假至________",
        "请假天数________",
        // Not yet back: the return record is left to fill.
        "实际返回日期________销假时间年月日",
        "销假情况经办人签名：年月日",
    ] {
        assert!(rehab.contains(want), "{want}: {rehab}");
    }
    for row in &out.rows {
        assert_eq!((row.copies, row.pages), (2, 1), "{row:?}");
    }
}

#[test]
fn a_registration_form_with_long_values_and_dates_in_numerals_stays_on_one_sheet() {
    let mut reg = register();
    for p in &mut reg.persons {
        p.birth_date = Some(d(1977, 12, 27));
        p.decision_date = Some(d(2025, 12, 28));
        p.served_date = Some(d(2025, 12, 29));
        p.report_date = Some(d(2025, 12, 30));
        p.agreement_date = Some(d(2025, 12, 30));
        p.first_drug_use = Some(DateOrText::Date(d(2012, 11, 23)));
        p.household_address =
            Some("某某省某某市某某县某某镇某某村第十二村民小组二十三号附一号".into());
        p.criminal_record = Some(
            "2016年因吸食毒品被公安机关行政拘留十五日；2019年因盗窃罪被判处有期徒刑一年".into(),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = opts(&["registration_form"], &office);
    o.upper_dates = true;
    o.as_of = d(2026, 1, 5);
    let out = generate(&reg, &[], &Profile::standard(), dir.path(), &o).unwrap();
    for row in &out.rows {
        assert_eq!(row.pages, 1, "{row:?}");
        let text = text_of(&dir.path().join(&row.file));
        for want in [
            "一九七七年十二月二十七日",
            "二〇一二年十一月二十三日",
            "本表一式两份",
        ] {
            assert!(text.contains(want), "{want}: {text}");
        }
    }
}
