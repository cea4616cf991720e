//! The forms a term needs besides the statutory notices (issue 10): the 中止 / 终止 / 恢复执行
//! notices (《戒毒条例》第二十四条), the change-of-place application and approval, the monthly
//! talk and self-report records, the test record, the help group's set-up and pledge. Each is
//! rendered for a 社区戒毒 and a 社区康复 person and its text extracted; the 状态 documents come
//! out of `generate --due` exactly when the register's 状态 and 状态日期 say so.

mod common;
use common::*;

use rehabdocs::check::{check_loaded, Selection};
use rehabdocs::model::*;
use rehabdocs::paperwork::build::BuildContext;
use rehabdocs::paperwork::due::Held;
use rehabdocs::paperwork::generate::{generate, GenerateOptions, GenerateOutcome};
use rehabdocs::paperwork::ledger::LEDGER_FILE;
use rehabdocs::paperwork::plan::{plan, PlanOptions};
use rehabdocs::paperwork::Office;
use rehabdocs::profile::Profile;
use std::path::Path;

const AS_OF: &str = "2025-11-15";

/// A valid resident ID (born 1980-01-01, male for odd `seq`, female for even).
fn resident_id(seq: u32) -> String {
    let body = format!("11010519800101{seq:03}");
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

/// A person reported in on 2025-03-01 with a valid ID, an address, a group and a worker.
fn add(b: &mut B, id: &str, seq: u32, rehab: bool, f: impl FnOnce(&mut Person)) -> usize {
    b.person(id, "2025-03-01", |p| {
        p.name = format!("人员{id}");
        p.resident_id = Some(resident_id(seq));
        p.resident_id_valid = true;
        p.sex = Some(if seq % 2 == 1 { Sex::Male } else { Sex::Female });
        p.current_address = Some("城关镇幸福路1号".into());
        p.decision_authority = Some("某县公安局".into());
        p.decision_number = Some(format!("某公(禁)决字〔2025〕{seq}号"));
        p.social_worker = Some("王社工".into());
        p.group_leader = Some("李组长".into());
        p.group_members = vec!["赵民警".into(), "钱医生".into()];
        if rehab {
            p.measure = Some(Measure::Rehab);
        }
        f(p)
    })
}

/// Runs the rules and plans as `generate` does: (编号, form, event key) and the held.
fn planned(
    reg: Register,
    forms: &[&str],
    persons: &[&str],
) -> (Vec<(String, String, String)>, Vec<Held>) {
    let profile = Profile::standard();
    let report = check_loaded(reg, vec![], &profile, d(AS_OF), &Selection::default());
    let office = Office::default();
    let ctx = BuildContext {
        register: &report.register,
        findings: &report.findings,
        profile: &profile,
        office: &office,
        as_of: d(AS_OF),
        fonts: rehabdocs::paperwork::RoleFonts::embedded(),
        upper_dates: false,
        quarter: None,
        issued: &[],
    };
    let opts = PlanOptions {
        forms: forms.iter().map(|s| s.to_string()).collect(),
        persons: persons.iter().map(|s| s.to_string()).collect(),
        due: forms.is_empty(),
        ..PlanOptions::default()
    };
    let p = plan(&ctx, &opts).expect("plan");
    let docs = p
        .requests
        .iter()
        .map(|q| {
            (
                q.person
                    .map(|i| report.register.persons[i].id.clone())
                    .unwrap_or_default(),
                q.form.id.clone(),
                q.event.key(&report.register),
            )
        })
        .collect();
    (docs, p.held)
}

/// Generates into a temp directory (`due`: everything due, filtered to `forms`).
fn render(
    reg: Register,
    forms: &[&str],
    persons: &[&str],
    due: bool,
) -> (tempfile::TempDir, GenerateOutcome) {
    let profile = Profile::standard();
    let report = check_loaded(reg, vec![], &profile, d(AS_OF), &Selection::default());
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut o = GenerateOptions::new(
        PlanOptions {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            persons: persons.iter().map(|s| s.to_string()).collect(),
            due,
            ..PlanOptions::default()
        },
        d(AS_OF),
    );
    o.ledger = Some(office.path().join(LEDGER_FILE));
    let out = generate(&report.register, &report.findings, &profile, dir.path(), &o).unwrap();
    (dir, out)
}

/// The text of the one document of `form` for `person`.
fn doc(dir: &Path, out: &GenerateOutcome, form: &str, person: &str) -> String {
    let rows: Vec<_> = out
        .rows
        .iter()
        .filter(|r| r.form == form && r.person_id == person)
        .collect();
    assert_eq!(rows.len(), 1, "{form} for {person}: {:?}", out.rows);
    text_of(&dir.join(&rows[0].file))
}

fn has(docs: &[(String, String, String)], id: &str, form: &str) -> bool {
    docs.iter().any(|d| d.0 == id && d.1 == form)
}

/// S1 社区戒毒 中止 since 2025-09-10; S2 社区康复 终止 since 2025-10-01; S3 中止 without a
/// 状态日期; A1 in the programme; T1 社区戒毒 and T2 社区康复 已变更执行地.
fn status_register() -> Register {
    let mut b = B::new();
    add(&mut b, "S1", 11, false, |p| {
        p.status = Some(Status::Suspended);
        p.status_date = Some(d("2025-09-10"));
    });
    add(&mut b, "S2", 13, true, |p| {
        p.status = Some(Status::Terminated);
        p.status_date = Some(d("2025-10-01"));
    });
    add(&mut b, "S3", 15, false, |p| {
        p.status = Some(Status::Suspended);
    });
    add(&mut b, "A1", 17, false, |_| {});
    add(&mut b, "T1", 19, false, |p| {
        p.status = Some(Status::Transferred);
        p.status_date = Some(d("2025-10-20"));
    });
    add(&mut b, "T2", 21, true, |p| {
        p.status = Some(Status::Transferred);
        p.status_date = Some(d("2025-10-21"));
    });
    b.done()
}

#[test]
fn status_documents_are_due_exactly_when_the_register_says_so() {
    let (docs, held) = planned(status_register(), &[], &[]);
    let status_forms = [
        "suspension_notice",
        "termination_notice",
        "resumption_notice",
        "transfer_application",
    ];
    let of = |id: &str| -> Vec<(String, String)> {
        docs.iter()
            .filter(|d| d.0 == id && status_forms.contains(&d.1.as_str()))
            .map(|d| (d.1.clone(), d.2.clone()))
            .collect()
    };
    let one = |form: &str, key: &str| vec![(form.to_string(), key.to_string())];
    assert_eq!(of("S1"), one("suspension_notice", "中止@2025-09-10"));
    assert_eq!(of("S2"), one("termination_notice", "终止@2025-10-01"));
    assert_eq!(
        of("T1"),
        one("transfer_application", "已变更执行地@2025-10-20")
    );
    assert_eq!(
        of("T2"),
        one("transfer_application", "已变更执行地@2025-10-21")
    );
    assert!(of("A1").is_empty(), "{docs:?}");
    // 中止 without its date: nothing due, the clerk is told which cell to fill.
    assert!(of("S3").is_empty(), "{docs:?}");
    let s3: Vec<&Held> = held.iter().filter(|h| h.person_id == "S3").collect();
    assert_eq!(s3.len(), 1, "{held:?}");
    assert_eq!(s3[0].form, "suspension_notice");
    assert!(s3[0].reasons[0].contains("状态日期（人员!U4）"), "{s3:?}");
    // The resumption, the monthly records, the test record and the group's papers are made
    // on request only.
    for form in [
        "resumption_notice",
        "talk_record",
        "self_report_record",
        "test_record",
        "group_setup",
        "group_pledge",
    ] {
        assert!(!docs.iter().any(|d| d.1 == form), "{form} due: {docs:?}");
    }
}

#[test]
fn suspension_and_termination_notices_state_the_date_leave_the_ground_to_tick_and_cite_article_24()
{
    let (dir, out) = render(
        status_register(),
        &["suspension_notice", "termination_notice"],
        &["S1", "S2"],
        true,
    );
    let forms: Vec<(&str, &str)> = out
        .rows
        .iter()
        .map(|r| (r.person_id.as_str(), r.form.as_str()))
        .collect();
    assert_eq!(
        forms,
        [
            ("S1", "suspension_notice"),
            ("S1", "receipt_of_service"),
            ("S2", "termination_notice"),
            ("S2", "receipt_of_service"),
        ]
    );
    let s1 = doc(dir.path(), &out, "suspension_notice", "S1");
    for want in [
        "社区戒毒中止通知书",
        "城禁止〔2025〕1号",
        "人员S1：",
        "2025年9月10日被依法（□拘留□逮捕）",
        "《戒毒条例》第二十四条",
        "自2025年9月10日起中止",
        "释放后",
        "某公(禁)决字〔2025〕11号",
        "城关镇社区戒毒(康复)工作办公室",
        "抄送：某县公安局",
        "2025年11月15日",
    ] {
        assert!(s1.contains(want), "{want}: {s1}");
    }
    assert!(!s1.contains("终止"), "{s1}");
    let s2 = doc(dir.path(), &out, "termination_notice", "S2");
    for want in [
        "社区康复终止通知书",
        "城禁终〔2025〕1号",
        "2025年10月1日被依法（□收监执行刑罚□采取强制性教育措施）",
        "《中华人民共和国禁毒法》第四十八条",
        "第二十四条",
        "社区康复自2025年10月1日起终止",
    ] {
        assert!(s2.contains(want), "{want}: {s2}");
    }
    let receipt = doc(dir.path(), &out, "receipt_of_service", "S1");
    assert!(receipt.contains("城禁止〔2025〕1号"), "{receipt}");
}

#[test]
fn the_resumption_notice_is_printed_only_while_the_person_is_suspended_with_its_date_blank() {
    let (docs, held) = planned(status_register(), &["恢复执行通知书"], &["S1", "A1", "S2"]);
    assert!(has(&docs, "S1", "resumption_notice"), "{docs:?}");
    assert!(!has(&docs, "A1", "resumption_notice"));
    assert!(!has(&docs, "S2", "resumption_notice"));
    let a1 = held.iter().find(|h| h.person_id == "A1").unwrap();
    assert!(
        a1.reasons[0].contains("状态为“执行中”，不是“中止”"),
        "{a1:?}"
    );

    // A 社区康复 person suspended: the rehab wording.
    let mut reg = status_register();
    reg.persons[1].status = Some(Status::Suspended);
    reg.persons[1].status_date = Some(d("2025-08-02"));
    let (dir, out) = render(reg, &["resumption_notice"], &["S1", "S2"], false);
    let s1 = doc(dir.path(), &out, "resumption_notice", "S1");
    for want in [
        "社区戒毒恢复执行通知书",
        "城禁复〔2025〕",
        "社区戒毒自2025年9月10日起中止",
        "《戒毒条例》第二十四条",
        "年月日起恢复执行社区戒毒",
    ] {
        assert!(s1.contains(want), "{want}: {s1}");
    }
    // The notice is dated by hand: not the as-of date.
    assert!(!s1.contains("2025年11月15日"), "{s1}");
    let s2 = doc(dir.path(), &out, "resumption_notice", "S2");
    assert!(s2.contains("社区康复恢复执行通知书"), "{s2}");
    assert!(s2.contains("社区康复自2025年8月2日起中止"), "{s2}");
    assert!(s2.contains("《中华人民共和国禁毒法》第四十八条"), "{s2}");
}

#[test]
fn the_transfer_application_states_the_change_date_and_the_fifteen_working_days() {
    let (dir, out) = render(
        status_register(),
        &["变更执行地审批表"],
        &["T1", "T2"],
        false,
    );
    let t1 = doc(dir.path(), &out, "transfer_application", "T1");
    for want in [
        "变更社区戒毒执行地申请及审批表",
        "城关镇东风社区",
        "2025年10月20日",
        "□户籍所在地发生变化□现居住地发生变化",
        "申请人（签名）",
        "帮教小组组长（签名）",
        "□同意变更□不同意变更",
        "城关镇社区戒毒(康复)工作办公室（盖章）",
        "十五个工作日内完成审批",
        "《戒毒条例》第二十二条",
        "应自变更之日起十五日内到变更后的执行地报到",
    ] {
        assert!(t1.contains(want), "{want}: {t1}");
    }
    let t2 = doc(dir.path(), &out, "transfer_application", "T2");
    assert!(t2.contains("变更社区康复执行地申请及审批表"), "{t2}");
    assert!(t2.contains("2025年10月21日"), "{t2}");

    // On request: a blank application for a person in the programme, none for one discharged.
    let (docs, held) = planned(status_register(), &["transfer_application"], &["A1"]);
    assert!(
        has(&docs, "A1", "transfer_application"),
        "{docs:?} {held:?}"
    );
    let mut reg = status_register();
    reg.persons[3].status = Some(Status::Discharged);
    let (docs, held) = planned(reg, &["transfer_application"], &["A1"]);
    assert!(docs.is_empty(), "{docs:?}");
    assert!(held[0].reasons[0].contains("已解除"), "{held:?}");
}

/// M1 (社区戒毒) and M2 (社区康复): talks in September, self-reports in October, tests.
fn records_register() -> Register {
    let mut b = B::new();
    for (k, (id, rehab)) in [("M1", false), ("M2", true)].into_iter().enumerate() {
        let p = add(&mut b, id, 31 + 2 * k as u32, rehab, |_| {});
        b.contact(p, "2025-09-08", ContactKind::FaceToFace);
        b.contact(p, "2025-09-22", ContactKind::Phone);
        b.contact(p, "2025-10-05", ContactKind::SelfReport);
        b.contact(p, "2025-10-20", ContactKind::SelfReport);
        b.test(p, "2025-04-10", TestResult::Negative);
        b.test(p, "2025-06-12", TestResult::Refused);
    }
    let mut r = b.r;
    for c in &mut r.contacts {
        c.worker = Some("王社工".into());
        c.summary = Some(format!("{}情况稳定", c.kind.label()));
    }
    for t in &mut r.tests {
        t.method = Some("尿检".into());
        t.lab = Some("城关镇卫生院".into());
        t.tester = Some("孙检测".into());
    }
    r.finalize();
    r
}

#[test]
fn talk_and_self_report_records_come_one_per_month_with_rows_and_are_signed_by_hand() {
    let (docs, _) = planned(records_register(), &["谈话记录", "本人报告记录"], &[]);
    let keys = |id: &str, form: &str| -> Vec<String> {
        docs.iter()
            .filter(|d| d.0 == id && d.1 == form)
            .map(|d| d.2.clone())
            .collect()
    };
    assert_eq!(keys("M1", "talk_record"), ["2025年9月"]);
    assert_eq!(keys("M1", "self_report_record"), ["2025年10月"]);
    assert_eq!(keys("M2", "talk_record"), ["2025年9月"]);

    let (dir, out) = render(
        records_register(),
        &["talk_record", "self_report_record"],
        &[],
        false,
    );
    for (id, title) in [
        ("M1", "社区戒毒人员谈话记录"),
        ("M2", "社区康复人员谈话记录"),
    ] {
        let talk = doc(dir.path(), &out, "talk_record", id);
        for want in [
            title,
            "2025年9月",
            "2025年9月8日",
            "面谈",
            "2025年9月22日",
            "电话",
            "王社工",
            "面谈情况稳定",
            "本月谈话2次，其中面对面谈话（面谈、家访）1次",
            "每月面对面谈话不少于一次",
            "谈话人（签名）",
            "记录人（签名）",
            "被谈话人（签名）",
            "帮教小组组长（签名）",
        ] {
            assert!(talk.contains(want), "{id} {want}: {talk}");
        }
        // Self-reports are not talks.
        assert!(!talk.contains("2025年10月5日"), "{talk}");
        // No name pre-printed where the group leader signs.
        assert!(!talk.contains("帮教小组组长（签名）：李组长"), "{talk}");
    }
    let report = doc(dir.path(), &out, "self_report_record", "M2");
    for want in [
        "社区康复人员本人报告记录",
        "2025年10月",
        "2025年10月5日",
        "2025年10月20日",
        "本人报告情况稳定",
        "本月向帮教小组报告本人情况2次",
        "每月主动向帮教小组报告本人情况不少于两次",
        "报告人（签名）",
    ] {
        assert!(report.contains(want), "{want}: {report}");
    }
    assert!(!report.contains("2025年9月8日"), "{report}");

    // A month without talks is refused by name.
    let (docs, held) = planned(records_register(), &["talk_record"], &["M1"]);
    assert_eq!(docs.len(), 1);
    assert!(held.is_empty(), "{held:?}");
}

#[test]
fn the_test_record_lists_every_test_row_and_is_refused_without_any() {
    let (dir, out) = render(records_register(), &["检测记录"], &[], false);
    for (id, title) in [
        ("M1", "社区戒毒人员检测记录"),
        ("M2", "社区康复人员检测记录"),
    ] {
        let text = doc(dir.path(), &out, "test_record", id);
        for want in [
            title,
            "2025年4月10日",
            "2025年6月12日",
            "尿检",
            "阴性",
            "拒绝",
            "城关镇卫生院",
            "孙检测",
            "本人签名",
            "共记录检测2次，其中实际检测1次（阳性0次），拒绝、逃避或者未到1次",
            "第十九条第（二）项",
        ] {
            assert!(text.contains(want), "{id} {want}: {text}");
        }
    }
    let (docs, held) = planned(status_register(), &["test_record"], &["A1"]);
    assert!(docs.is_empty());
    assert!(
        held[0].reasons[0].contains("没有该人员的检测记录"),
        "{held:?}"
    );
}

#[test]
fn the_group_setup_and_pledge_list_the_registers_members_and_leave_every_signature_to_the_hand() {
    let mut b = B::new();
    add(&mut b, "G1", 42, false, |_| {});
    add(&mut b, "G2", 43, true, |p| {
        p.group_members = vec!["周社区".into()];
    });
    add(&mut b, "G3", 45, false, |p| {
        p.group_leader = None;
        p.group_members.clear();
    });
    b.staff("赵民警", Sex::Male, StaffKind::PartTime, |s| {
        s.unit = Some("城关派出所".into());
        s.town = Some(String::new());
    });
    let reg = b.done();
    let (dir, out) = render(
        reg.clone(),
        &["group_setup", "帮教责任书"],
        &["G1", "G2"],
        false,
    );
    let g1 = doc(dir.path(), &out, "group_setup", "G1");
    for want in [
        "社区戒毒帮教小组成立登记表",
        "《戒毒条例》第十七条",
        "组长李组长",
        "成员赵民警城关派出所",
        "成员钱医生",
        "专职社工王社工",
        "本人签名",
        "帮教小组成立日期：年月日",
        // G1 is a woman (even sequence): the group needs a woman.
        "至少应有一名女性工作人员",
        "城关镇社区戒毒(康复)工作办公室",
    ] {
        assert!(g1.contains(want), "{want}: {g1}");
    }
    let g2 = doc(dir.path(), &out, "group_setup", "G2");
    assert!(g2.contains("社区康复帮教小组成立登记表"), "{g2}");
    assert!(g2.contains("周社区"), "{g2}");
    assert!(!g2.contains("女性工作人员"), "{g2}");

    let pledge = doc(dir.path(), &out, "group_pledge", "G1");
    for want in [
        "社区戒毒帮教责任书",
        "《戒毒条例》第十七条、第二十一条",
        "《中华人民共和国禁毒法》第三十五条第二款",
        "帮教小组组成：组长李组长；成员赵民警、钱医生；专职社工王社工。",
        "每月与帮教对象面对面谈话不少于一次，做好谈话记录",
        "每月主动向帮教小组报告本人情况不少于两次",
        "每季度评估帮教对象的戒毒情况不少于一次",
        "帮教小组组长（签名）",
        "帮教小组成员（签名）",
        "专职社工（签名）",
    ] {
        assert!(pledge.contains(want), "{want}: {pledge}");
    }
    // Hand signatures: no name printed after a signing label.
    for name in ["李组长", "赵民警", "钱医生", "王社工"] {
        assert!(!pledge.contains(&format!("（签名）：{name}")), "{pledge}");
    }
    let pledge2 = doc(dir.path(), &out, "group_pledge", "G2");
    assert!(pledge2.contains("社区康复帮教责任书"), "{pledge2}");
    assert!(
        pledge2.contains("社区康复期限至2028年2月29日止"),
        "{pledge2}"
    );

    let (docs, held) = planned(reg, &["group_setup", "group_pledge"], &["G3"]);
    assert!(docs.is_empty(), "{docs:?}");
    assert_eq!(held.len(), 2, "{held:?}");
    assert!(held[0].reasons[0].contains("台帐未填帮教小组组长和帮教小组成员"));
}
