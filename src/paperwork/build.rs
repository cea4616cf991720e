//! The data each form shows, built from the register. Every value is a plain string; the
//! templates display it and never evaluate it.

use super::chinese::{date_cn, ordinal_cn};
use super::obligations::obligations;
use super::plan::{quarter_bounds, Event, Request};
use super::{Cell, DataTable, DocData, Document, Office, RoleFonts, Signature};
use crate::finding::Finding;
use crate::forms::FormDef;
use crate::model::{Measure, Person, Register, Status, WarningKind};
use crate::profile::Profile;
use chrono::{Months, NaiveDate};

/// What every builder needs besides the request.
pub struct BuildContext<'a> {
    pub register: &'a Register,
    pub findings: &'a [Finding],
    pub profile: &'a Profile,
    pub office: &'a Office,
    pub as_of: NaiveDate,
    pub fonts: RoleFonts,
    /// Write dates as 二〇二五年三月一日 instead of 2025年3月1日.
    pub upper_dates: bool,
}

impl BuildContext<'_> {
    fn date(&self, d: NaiveDate) -> String {
        if self.upper_dates {
            super::chinese::date_cn_upper(d)
        } else {
            date_cn(d)
        }
    }
    fn opt_date(&self, d: Option<NaiveDate>) -> String {
        d.map(|d| self.date(d)).unwrap_or_else(|| BLANK.to_string())
    }
}

/// A line to fill by hand where the register has no value.
const BLANK: &str = "________";
/// The term when the register gives none (禁毒法 art. 33: three years).
const DEFAULT_TERM_MONTHS: u32 = 36;

fn or_blank(v: &Option<String>) -> String {
    match v {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => BLANK.to_string(),
    }
}

fn is_rehab(p: &Person) -> bool {
    p.measure == Some(Measure::Rehab)
}

fn programme(p: &Person) -> &'static str {
    p.measure.unwrap_or(Measure::Detox).label()
}

/// The last day of the term: report-in + term − 1 day.
pub fn term_end(p: &Person) -> Option<NaiveDate> {
    let months = if p.term_months == 0 {
        DEFAULT_TERM_MONTHS
    } else {
        p.term_months
    };
    p.report_date?
        .checked_add_months(Months::new(months))?
        .pred_opt()
}

fn person_cells(ctx: &BuildContext, p: &Person) -> Vec<Cell> {
    vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("性别"),
        Cell::value(p.sex.map(|s| s.label()).unwrap_or("")),
        Cell::label("公民身份号码"),
        Cell::value(or_blank(&p.resident_id)).span(3),
        Cell::label("现住址"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("报到日期"),
        Cell::value(ctx.opt_date(p.report_date)),
    ]
}

/// Builds the document for a request. `number` is the 文号 from the ledger ("" if none).
pub fn build(req: &Request, ctx: &BuildContext, number: &str) -> Document {
    let reg = ctx.register;
    let form = req.form;
    let person = req.person.and_then(|i| reg.persons.get(i));
    let town = person
        .map(|p| p.town.clone())
        .or_else(|| town_of_unit(reg, &req.unit))
        .unwrap_or_default();
    let rehab = person.map(is_rehab).unwrap_or(false);
    let mut d = DocData::new(form.title_for(rehab));
    d.number = number.to_string();
    d.office = ctx.office.name_for(&town);
    d.notes = form.notes.clone();
    d.numbered_pages = form.numbered_pages;
    d.landscape = form.landscape;
    d.fonts = ctx.fonts.clone();
    d.date = ctx.date(ctx.as_of);
    match (form.id.as_str(), person, req.person) {
        ("agreement", Some(p), _) => agreement(&mut d, ctx, p),
        ("warning_letter", Some(p), Some(i)) => warning_letter(&mut d, ctx, p, i, &req.event),
        ("quarterly_evaluation", Some(p), Some(i)) => quarterly(&mut d, ctx, p, i, &req.event),
        ("total_evaluation", Some(p), Some(i)) => total_evaluation(&mut d, ctx, p, i),
        ("serious_breach_report", Some(p), Some(i)) => {
            serious_breach(&mut d, ctx, p, i, &req.event, &town)
        }
        ("report_reminder", Some(p), _) => report_reminder(&mut d, ctx, p),
        ("leave_approval", Some(p), _) => leave_approval(&mut d, ctx, p, &req.event),
        ("transfer_letter", Some(p), _) => transfer_letter(&mut d, ctx, p),
        ("discharge_proposal", Some(p), Some(i)) => discharge_proposal(&mut d, ctx, p, i, &town),
        ("discharge_notice", Some(p), _) => discharge_notice(&mut d, ctx, p, &town),
        ("registration_form", Some(p), _) => registration_form(&mut d, ctx, p),
        ("receipt_of_service", Some(p), _) => receipt(&mut d, ctx, p, &req.event),
        ("register_table", _, _) => register_table(&mut d, ctx, &req.unit),
        ("test_commission", _, _) => test_commission(&mut d, ctx, &req.unit),
        _ => {
            d.paragraphs
                .push(format!("（{}：缺少人员信息）", form.title));
        }
    }
    Document {
        form: form.id.clone(),
        person_id: person.map(|p| p.id.clone()).unwrap_or_default(),
        name: person.map(|p| p.name.clone()).unwrap_or_default(),
        unit: req.unit.clone(),
        event: req.event.key(reg),
        number: number.to_string(),
        copies: form.copies,
        data: d,
    }
}

fn town_of_unit(reg: &Register, unit: &str) -> Option<String> {
    reg.persons
        .iter()
        .find(|p| p.unit == unit || p.town == unit)
        .map(|p| p.town.clone())
        .or_else(|| {
            reg.units
                .iter()
                .find(|u| u.unit == unit)
                .map(|u| u.town.clone())
        })
}

fn agreement(d: &mut DocData, ctx: &BuildContext, p: &Person) {
    let prog = programme(p);
    d.paragraphs.push(format!("甲方：{}", d.office));
    d.paragraphs.push(format!(
        "乙方：{}，性别：{}，公民身份号码：{}，现住址：{}。",
        p.name,
        p.sex.map(|s| s.label()).unwrap_or(BLANK),
        or_blank(&p.resident_id),
        or_blank(&p.current_address)
    ));
    let end = term_end(p);
    d.paragraphs.push(format!(
        "乙方经{}以{}决定责令{}，于{}到甲方报到，期限自报到之日起至{}止。根据《中华人民共和国禁毒法》《戒毒条例》的规定，为帮助乙方戒除毒瘾、回归社会，甲乙双方自愿签订本协议。",
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        prog,
        ctx.opt_date(p.report_date),
        ctx.opt_date(end)
    ));
    d.paragraphs.push("一、甲方为乙方提供戒毒康复指导、心理辅导和帮扶，组织帮教小组对乙方进行帮教，依法保护乙方的个人隐私。".to_string());
    d.paragraphs.push("二、乙方应当遵守下列规定：".to_string());
    for (k, o) in obligations(ctx.profile, p.measure).iter().enumerate() {
        d.paragraphs
            .push(format!("（{}）{o}", ordinal_cn(k as u32 + 1)));
    }
    d.paragraphs.push(format!(
        "三、乙方有逃避或者拒绝接受检测三次以上、擅自离开执行地三次以上或者累计超过三十日等严重违反本协议行为的，甲方将依法报告公安机关。乙方在{prog}期间吸食、注射毒品的，由公安机关依法处理。"
    ));
    let date = ctx.opt_date(p.agreement_date.or(Some(ctx.as_of)));
    d.signatures = vec![
        Signature {
            party: "甲方（盖章）：".into(),
            name: d.office.clone(),
            date: date.clone(),
        },
        Signature {
            party: "乙方（签名）：".into(),
            name: p.name.clone(),
            date: date.clone(),
        },
    ];
    if let Some(leader) = &p.group_leader {
        d.signatures.push(Signature {
            party: "帮教小组组长（签名）：".into(),
            name: leader.clone(),
            date,
        });
    }
}

fn warning_letter(d: &mut DocData, ctx: &BuildContext, p: &Person, i: usize, event: &Event) {
    let reg = ctx.register;
    let (reason, date, nth) = match event {
        Event::Warning(w) => {
            let w = &reg.warnings[*w];
            let nth = reg
                .warnings_of(i)
                .iter()
                .filter(|x| x.kind == WarningKind::Written && (x.date, x.row) <= (w.date, w.row))
                .count();
            (or_blank(&w.reason), w.date, nth)
        }
        Event::Finding(f) => {
            let nth = reg
                .warnings_of(i)
                .iter()
                .filter(|x| x.kind == WarningKind::Written)
                .count()
                + 1;
            (f.message.clone(), ctx.as_of, nth)
        }
        _ => (BLANK.to_string(), ctx.as_of, 1),
    };
    d.date = ctx.date(date);
    d.addressee = format!("{}：", p.name);
    d.paragraphs.push(format!(
        "你自{}起在本辖区执行{}。经查，你存在下列违反{}协议的情形：{}",
        ctx.opt_date(p.report_date),
        programme(p),
        programme(p),
        reason
    ));
    d.paragraphs.push(format!(
        "根据《戒毒条例》和{}协议的规定，现对你予以第{}次书面告诫。请你自觉履行协议，按时报告情况、接受检测，不得擅自离开执行地。经两次书面告诫仍拒不改正的，本办公室将依法报告公安机关。",
        programme(p),
        ordinal_cn(nth as u32)
    ));
    d.seal = d.office.clone();
}

fn quarterly(d: &mut DocData, ctx: &BuildContext, p: &Person, i: usize, event: &Event) {
    let reg = ctx.register;
    let (year, quarter) = match event {
        Event::Quarter { year, quarter } => (*year, *quarter),
        _ => super::plan::last_quarter(ctx.as_of),
    };
    d.subtitle = format!("（{year}年第{}季度）", ordinal_cn(quarter as u32));
    let Some((start, end)) = quarter_bounds(year, quarter) else {
        return;
    };
    let inside = |x: NaiveDate| x >= start && x <= end;
    d.cells = person_cells(ctx, p);
    d.columns = 4;
    let tests: Vec<_> = reg.tests_of(i).iter().filter(|t| inside(t.date)).collect();
    let contacts: Vec<_> = reg
        .contacts_of(i)
        .iter()
        .filter(|c| inside(c.date))
        .collect();
    let leaves: Vec<_> = reg
        .leaves_of(i)
        .iter()
        .filter(|l| l.leave_date <= end && l.return_date.map(|r| r >= start).unwrap_or(true))
        .collect();
    d.tables.push(DataTable {
        caption: format!("一、本季度检测情况（{}次）", tests.len()),
        widths: vec![2.0, 2.0, 1.5, 3.0],
        header: vec![
            "日期".into(),
            "方式".into(),
            "结果".into(),
            "检测单位".into(),
        ],
        rows: tests
            .iter()
            .map(|t| {
                vec![
                    date_cn(t.date),
                    t.method.clone().unwrap_or_default(),
                    t.result.label().to_string(),
                    t.lab.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    d.tables.push(DataTable {
        caption: format!("二、本季度谈话及报告情况（{}次）", contacts.len()),
        widths: vec![2.4, 1.3, 1.3, 4.0],
        header: vec![
            "日期".into(),
            "形式".into(),
            "工作人员".into(),
            "内容摘要".into(),
        ],
        rows: contacts
            .iter()
            .map(|c| {
                vec![
                    date_cn(c.date),
                    c.kind.label().to_string(),
                    c.worker.clone().unwrap_or_default(),
                    c.summary.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    d.tables.push(DataTable {
        caption: format!("三、本季度请假及离开情况（{}次）", leaves.len()),
        widths: vec![2.0, 2.0, 2.0, 1.2, 2.0],
        header: vec![
            "离开日期".into(),
            "返回日期".into(),
            "前往地点".into(),
            "批准".into(),
            "事由".into(),
        ],
        rows: leaves
            .iter()
            .map(|l| {
                vec![
                    date_cn(l.leave_date),
                    l.return_date
                        .map(date_cn)
                        .unwrap_or_else(|| "未返回".into()),
                    l.destination.clone().unwrap_or_default(),
                    if l.approved {
                        "已批准"
                    } else {
                        "未经批准"
                    }
                    .to_string(),
                    l.reason.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        size: 11.0,
        ruled: false,
    });
    let issues: Vec<String> = ctx
        .findings
        .iter()
        .filter(|f| f.person.as_deref() == Some(p.id.as_str()))
        .map(|f| format!("{} {}", f.code, f.message))
        .collect();
    d.tables.push(DataTable {
        caption: format!("四、检查发现的问题（{}项）", issues.len()),
        widths: vec![1.0],
        header: vec!["问题".into()],
        rows: if issues.is_empty() {
            vec![vec!["无".into()]]
        } else {
            issues.into_iter().map(|s| vec![s]).collect()
        },
        size: 11.0,
        ruled: false,
    });
    let conclusion = reg
        .evaluations_of(i)
        .iter()
        .find(|e| e.period == crate::model::EvalPeriod::Quarter { year, quarter })
        .map(|e| format!("评估结论：{}", e.conclusion.label()))
        .unwrap_or_else(|| "评估结论：□良好　□一般　□较差".to_string());
    d.closing.push(conclusion);
    d.date = ctx.date(end.min(ctx.as_of).max(start));
    d.signatures = vec![
        Signature {
            party: "帮教小组（签名）：".into(),
            name: p.group_leader.clone().unwrap_or_default(),
            date: String::new(),
        },
        Signature {
            party: "评估人（签名）：".into(),
            name: p.social_worker.clone().unwrap_or_default(),
            date: d.date.clone(),
        },
    ];
}

fn total_evaluation(d: &mut DocData, ctx: &BuildContext, p: &Person, i: usize) {
    let reg = ctx.register;
    d.cells = person_cells(ctx, p);
    d.cells.push(Cell::label("期满日期"));
    d.cells.push(Cell::value(ctx.opt_date(term_end(p))).span(3));
    let mut rows = Vec::new();
    if let Some(report) = p.report_date {
        for year in 0..3u32 {
            let (Some(from), Some(to)) = (
                report.checked_add_months(Months::new(12 * year)),
                report.checked_add_months(Months::new(12 * (year + 1))),
            ) else {
                continue;
            };
            let inside = |x: NaiveDate| x >= from && x < to;
            let tests = reg.tests_of(i).iter().filter(|t| inside(t.date)).count();
            let done = reg
                .tests_of(i)
                .iter()
                .filter(|t| inside(t.date) && t.result.was_done())
                .count();
            let talks = reg
                .contacts_of(i)
                .iter()
                .filter(|c| inside(c.date) && c.kind.is_face_to_face())
                .count();
            let evals = reg
                .evaluations_of(i)
                .iter()
                .filter(|e| inside(e.date))
                .count();
            let warns = reg.warnings_of(i).iter().filter(|w| inside(w.date)).count();
            rows.push(vec![
                format!("第{}年", ordinal_cn(year + 1)),
                format!(
                    "{}至{}",
                    date_cn(from),
                    to.pred_opt().map(date_cn).unwrap_or_default()
                ),
                format!("{done}/{tests}"),
                talks.to_string(),
                evals.to_string(),
                warns.to_string(),
            ]);
        }
    }
    d.tables.push(DataTable {
        caption: "执行情况（按执行年度）".into(),
        widths: vec![1.2, 4.0, 1.6, 1.2, 1.2, 1.2],
        header: vec![
            "年度".into(),
            "期间".into(),
            "检测(实检/安排)".into(),
            "面谈".into(),
            "季度评估".into(),
            "告诫".into(),
        ],
        rows,
        size: 11.0,
        ruled: false,
    });
    let total = reg
        .evaluations_of(i)
        .iter()
        .find(|e| e.period == crate::model::EvalPeriod::Total)
        .map(|e| format!("总评估结论：{}", e.conclusion.label()))
        .unwrap_or_else(|| "总评估结论：□良好　□一般　□较差".to_string());
    d.closing.push(total);
    d.closing.push("帮教小组意见：".to_string());
    d.closing.push(format!("{}意见：", d.office));
    d.signatures = vec![
        Signature {
            party: "帮教小组（签名）：".into(),
            name: p.group_leader.clone().unwrap_or_default(),
            date: String::new(),
        },
        Signature {
            party: "乡镇（街道）（盖章）：".into(),
            name: String::new(),
            date: d.date.clone(),
        },
    ];
}

fn serious_breach(
    d: &mut DocData,
    ctx: &BuildContext,
    p: &Person,
    i: usize,
    event: &Event,
    town: &str,
) {
    let reg = ctx.register;
    d.addressee = format!("{}：", ctx.office.police_for(town));
    d.paragraphs.push(format!(
        "{}，性别{}，公民身份号码{}，现住址{}，经{}以{}决定责令{}，于{}报到。",
        p.name,
        p.sex.map(|s| s.label()).unwrap_or(BLANK),
        or_blank(&p.resident_id),
        or_blank(&p.current_address),
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        programme(p),
        ctx.opt_date(p.report_date)
    ));
    let finding = match event {
        Event::Finding(f) => Some(f),
        _ => None,
    };
    match finding {
        Some(f) => {
            d.paragraphs.push(format!(
                "经查，该人员存在下列严重违反{}协议的情形：{}",
                programme(p),
                f.message
            ));
            if !f.basis.is_empty() {
                d.paragraphs.push(format!("依据：{}", f.basis));
            }
            let cells = f.cell_names(reg);
            if !cells.is_empty() {
                d.paragraphs
                    .push(format!("台帐记录：{}。", cells.join("、")));
            }
        }
        None => d.paragraphs.push(format!(
            "经查，该人员存在下列严重违反{}协议的情形：{BLANK}",
            programme(p)
        )),
    }
    let irregular: Vec<Vec<String>> = reg
        .tests_of(i)
        .iter()
        .filter(|t| !t.result.was_done() || t.result == crate::model::TestResult::Positive)
        .map(|t| vec![date_cn(t.date), "检测".into(), t.result.label().to_string()])
        .chain(reg.leaves_of(i).iter().filter(|l| !l.approved).map(|l| {
            vec![
                date_cn(l.leave_date),
                "擅自离开".into(),
                match l.return_date {
                    Some(r) => format!("{}返回", date_cn(r)),
                    None => "未返回".into(),
                },
            ]
        }))
        .chain(reg.warnings_of(i).iter().map(|w| {
            vec![
                date_cn(w.date),
                format!("{}告诫", w.kind.label()),
                w.reason.clone().unwrap_or_default(),
            ]
        }))
        .collect();
    if !irregular.is_empty() {
        d.tables.push(DataTable {
            caption: "相关记录".into(),
            widths: vec![2.0, 1.5, 4.0],
            header: vec!["日期".into(), "事项".into(), "情况".into()],
            rows: irregular,
            size: 11.0,
            ruled: false,
        });
    }
    d.closing
        .push("根据《戒毒条例》第二十一条的规定，特此报告，请依法处理。".into());
    d.seal = d.office.clone();
}

fn report_reminder(d: &mut DocData, ctx: &BuildContext, p: &Person) {
    d.addressee = format!("{}：", p.name);
    d.paragraphs.push(format!(
        "{}以{}决定责令你接受{}，该决定于{}送达。你应当在规定期限内到{}报到。截至{}，你仍未报到。",
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        programme(p),
        ctx.opt_date(p.served_date),
        d.office,
        ctx.date(ctx.as_of)
    ));
    d.paragraphs.push(format!(
        "请你接到本通知后立即到{}报到。无正当理由拒不报到的，视为拒绝接受{}，本办公室将依法报告公安机关。",
        d.office,
        programme(p)
    ));
    d.seal = d.office.clone();
}

fn leave_approval(d: &mut DocData, ctx: &BuildContext, p: &Person, event: &Event) {
    let leave = match event {
        Event::Leave(i) => ctx.register.leaves.get(*i),
        _ => None,
    };
    let (from, to, dest, reason, approver) = match leave {
        Some(l) => (
            ctx.date(l.leave_date),
            l.return_date
                .map(|r| ctx.date(r))
                .unwrap_or_else(|| BLANK.into()),
            or_blank(&l.destination),
            or_blank(&l.reason),
            or_blank(&l.approver),
        ),
        None => (
            BLANK.into(),
            BLANK.into(),
            BLANK.into(),
            BLANK.into(),
            BLANK.into(),
        ),
    };
    let days = leave
        .and_then(|l| l.return_date.map(|r| (r - l.leave_date).num_days() + 1))
        .map(|n| format!("{n}日"))
        .unwrap_or_else(|| BLANK.into());
    d.columns = 4;
    d.cells = vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("编号"),
        Cell::value(p.id.clone()),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("联系电话"),
        Cell::value(or_blank(&p.phone)),
        Cell::label("离开日期"),
        Cell::value(from),
        Cell::label("返回日期"),
        Cell::value(to),
        Cell::label("请假天数"),
        Cell::value(days),
        Cell::label("前往地点"),
        Cell::value(dest),
        Cell::label("请假事由"),
        Cell::value(reason).span(3).tall(20),
        Cell::label("本人保证"),
        Cell::lines(vec![
            "本人保证在请假期间遵守法律法规和协议规定，不吸食毒品，按时返回并销假。".into(),
            "保证人（签名）：　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(25),
        Cell::label("帮教小组意见"),
        Cell::lines(vec![
            format!("批准人：{approver}"),
            "（签名）　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(22),
        Cell::label("办公室备案"),
        Cell::lines(vec![
            d.office.clone(),
            "（盖章）　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(22),
    ];
}

fn transfer_letter(d: &mut DocData, ctx: &BuildContext, p: &Person) {
    d.addressee = format!("{BLANK}社区戒毒(康复)工作办公室：");
    let moved = if p.status == Some(Status::Transferred) {
        ctx.opt_date(p.status_date)
    } else {
        BLANK.to_string()
    };
    d.paragraphs.push(format!(
        "{}，公民身份号码{}，自{}起在我辖区执行{}，期限至{}止。经批准，其执行地自{}起变更至你处。",
        p.name,
        or_blank(&p.resident_id),
        ctx.opt_date(p.report_date),
        programme(p),
        ctx.opt_date(term_end(p)),
        moved
    ));
    d.paragraphs.push(format!(
        "根据《戒毒条例》第二十二条的规定，现将其{}档案材料移交你处，请督促其在规定期限内报到并重新签订协议，执行期限连续计算。",
        programme(p)
    ));
    d.tables.push(DataTable {
        caption: "移交材料清单".into(),
        widths: vec![1.0, 5.0, 1.5],
        header: vec!["序号".into(), "材料名称".into(), "份数".into()],
        rows: [
            "责令社区戒毒(康复)决定书",
            "社区戒毒(康复)协议书",
            "社区戒毒人员信息登记表",
            "检测记录",
            "谈话及报告记录",
            "季度评估表",
            "告诫书及送达回证",
        ]
        .iter()
        .enumerate()
        .map(|(k, name)| vec![(k + 1).to_string(), (*name).to_string(), String::new()])
        .collect(),
        size: 11.0,
        ruled: false,
    });
    d.seal = d.office.clone();
}

fn discharge_proposal(d: &mut DocData, ctx: &BuildContext, p: &Person, i: usize, town: &str) {
    let reg = ctx.register;
    d.addressee = format!("{}：", ctx.office.police_for(town));
    let tests = reg
        .tests_of(i)
        .iter()
        .filter(|t| t.result.was_done())
        .count();
    let positive = reg
        .tests_of(i)
        .iter()
        .filter(|t| t.result == crate::model::TestResult::Positive)
        .count();
    let talks = reg
        .contacts_of(i)
        .iter()
        .filter(|c| c.kind.is_face_to_face())
        .count();
    let evals = reg.evaluations_of(i).len();
    d.paragraphs.push(format!(
        "{}，公民身份号码{}，经{}以{}决定责令{}，自{}起执行，期限至{}届满。",
        p.name,
        or_blank(&p.resident_id),
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        programme(p),
        ctx.opt_date(p.report_date),
        ctx.opt_date(term_end(p))
    ));
    d.paragraphs.push(format!(
        "执行期间，接受检测{tests}次（阳性{positive}次），面对面谈话{talks}次，完成评估{evals}次。"
    ));
    d.paragraphs.push(format!(
        "根据《戒毒条例》第二十三条的规定，建议依法解除其{}，并出具解除{}通知书。",
        programme(p),
        programme(p)
    ));
    d.seal = d.office.clone();
}

fn discharge_notice(d: &mut DocData, ctx: &BuildContext, p: &Person, town: &str) {
    d.addressee = format!("{}：", p.name);
    d.paragraphs.push(format!(
        "你于{}经{}以{}决定责令{}，自{}起执行。至{}，你的{}期限届满。",
        ctx.opt_date(p.decision_date),
        or_blank(&p.decision_authority),
        or_blank(&p.decision_number),
        programme(p),
        ctx.opt_date(p.report_date),
        ctx.opt_date(term_end(p)),
        programme(p)
    ));
    d.paragraphs.push(format!(
        "根据《戒毒条例》第二十三条的规定，现决定解除你的{}。",
        programme(p)
    ));
    d.seal = format!("{}（印章）", ctx.office.police_for(town));
    d.closing.push(format!("抄送：{}", d.office));
}

fn registration_form(d: &mut DocData, ctx: &BuildContext, p: &Person) {
    let mut group = Vec::new();
    if let Some(l) = &p.group_leader {
        group.push(format!("组长：{l}"));
    }
    if !p.group_members.is_empty() {
        group.push(format!("成员：{}", p.group_members.join("、")));
    }
    let yn = |v: Option<bool>| match v {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    };
    d.columns = 4;
    d.cells = vec![
        Cell::label("编号"),
        Cell::value(p.id.clone()),
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("性别"),
        Cell::value(p.sex.map(|s| s.label()).unwrap_or("")),
        Cell::label("出生日期"),
        Cell::value(p.birth_date.map(|b| ctx.date(b)).unwrap_or_default()),
        Cell::label("公民身份号码"),
        Cell::value(p.resident_id.clone().unwrap_or_default()).span(3),
        Cell::label("联系电话"),
        Cell::value(p.phone.clone().unwrap_or_default()).span(3),
        Cell::label("户籍地址"),
        Cell::value(p.household_address.clone().unwrap_or_default()).span(3),
        Cell::label("现住址"),
        Cell::value(p.current_address.clone().unwrap_or_default()).span(3),
        Cell::label("乡镇(街道)"),
        Cell::value(p.town.clone()),
        Cell::label("村(社区)"),
        Cell::value(p.unit.clone()),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("期限"),
        Cell::value(format!(
            "{}个月",
            if p.term_months == 0 {
                DEFAULT_TERM_MONTHS
            } else {
                p.term_months
            }
        )),
        Cell::label("决定机关"),
        Cell::value(p.decision_authority.clone().unwrap_or_default()),
        Cell::label("决定文号"),
        Cell::value(p.decision_number.clone().unwrap_or_default()),
        Cell::label("决定日期"),
        Cell::value(p.decision_date.map(|x| ctx.date(x)).unwrap_or_default()),
        Cell::label("报到日期"),
        Cell::value(p.report_date.map(|x| ctx.date(x)).unwrap_or_default()),
        Cell::label("协议日期"),
        Cell::value(p.agreement_date.map(|x| ctx.date(x)).unwrap_or_default()),
        Cell::label("状态"),
        Cell::value(p.status_or_active().label()),
        Cell::label("固定住所/工作/联系"),
        Cell::value(format!(
            "{}/{}/{}",
            yn(p.fixed_residence),
            yn(p.fixed_job),
            yn(p.fixed_contact)
        )),
        Cell::label("专职社工"),
        Cell::value(p.social_worker.clone().unwrap_or_default()),
        Cell::label("帮教小组"),
        Cell::lines(group).span(3).tall(15),
        Cell::label("特殊情形"),
        Cell::value(p.special_circumstances.clone().unwrap_or_default())
            .span(3)
            .tall(15),
    ];
    d.signatures = vec![
        Signature {
            party: "填表人：".into(),
            name: p.social_worker.clone().unwrap_or_default(),
            date: String::new(),
        },
        Signature {
            party: "填表日期：".into(),
            name: d.date.clone(),
            date: String::new(),
        },
    ];
}

fn receipt(d: &mut DocData, ctx: &BuildContext, p: &Person, event: &Event) {
    let (title, number) = match event {
        Event::Served { title, number, .. } => (title.clone(), number.clone()),
        _ => (BLANK.to_string(), BLANK.to_string()),
    };
    d.columns = 4;
    d.cells = vec![
        Cell::label("送达文书"),
        Cell::value(title).span(3),
        Cell::label("文号"),
        Cell::value(if number.is_empty() {
            BLANK.into()
        } else {
            number
        })
        .span(3),
        Cell::label("受送达人"),
        Cell::value(p.name.clone()),
        Cell::label("编号"),
        Cell::value(p.id.clone()),
        Cell::label("送达地点"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("送达方式"),
        Cell::value("直接送达").span(3),
        Cell::label("受送达人签名"),
        Cell::lines(vec![
            String::new(),
            "　　　　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(25),
        Cell::label("送达人签名"),
        Cell::lines(vec![
            String::new(),
            "　　　　　　　　　　年　　月　　日".into(),
        ])
        .span(3)
        .tall(25),
        Cell::label("备注"),
        Cell::value("").span(3).tall(20),
    ];
    d.date = ctx.date(ctx.as_of);
    d.seal = d.office.clone();
}

fn register_table(d: &mut DocData, ctx: &BuildContext, unit: &str) {
    let reg = ctx.register;
    d.subtitle = format!("{}　（截至{}）", unit, ctx.date(ctx.as_of));
    let rows: Vec<Vec<String>> = reg
        .persons
        .iter()
        .filter(|p| p.unit == unit)
        .map(|p| {
            vec![
                p.id.clone(),
                p.name.clone(),
                p.sex.map(|s| s.label().to_string()).unwrap_or_default(),
                p.resident_id.clone().unwrap_or_default(),
                p.unit.clone(),
                programme(p).to_string(),
                p.report_date.map(date_cn).unwrap_or_default(),
                term_end(p).map(date_cn).unwrap_or_default(),
                p.status_or_active().label().to_string(),
                p.phone.clone().unwrap_or_default(),
            ]
        })
        .collect();
    d.tables.push(DataTable {
        caption: String::new(),
        widths: vec![1.3, 1.2, 0.8, 3.2, 1.6, 1.4, 2.2, 2.2, 1.2, 1.8],
        header: [
            "编号",
            "姓名",
            "性别",
            "公民身份号码",
            "村(社区)",
            "措施类型",
            "报到日期",
            "期满日期",
            "状态",
            "联系电话",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
        size: 10.0,
        ruled: false,
    });
    d.signatures = vec![Signature {
        party: "制表：".into(),
        name: d.office.clone(),
        date: d.date.clone(),
    }];
}

fn test_commission(d: &mut DocData, ctx: &BuildContext, town: &str) {
    let reg = ctx.register;
    let people = reg
        .persons
        .iter()
        .filter(|p| p.town == town && p.status_or_active() == Status::Active)
        .count();
    let mut labs: Vec<String> = reg
        .tests
        .iter()
        .filter(|t| {
            reg.persons
                .get(t.person)
                .map(|p| p.town == town)
                .unwrap_or(false)
        })
        .filter_map(|t| t.lab.clone())
        .collect();
    labs.sort();
    labs.dedup();
    let lab = labs.first().cloned().unwrap_or_else(|| BLANK.to_string());
    d.paragraphs.push(format!("委托方（甲方）：{}", d.office));
    d.paragraphs.push(format!("受托方（乙方）：{lab}"));
    d.paragraphs.push(format!(
        "为做好本辖区社区戒毒(康复)人员的尿液检测工作，甲方委托乙方对本辖区正在执行的社区戒毒(康复)人员（现有{people}人）进行尿液检测，双方订立本协议。"
    ));
    for (k, clause) in [
        "乙方按照甲方通知的时间和名单，定期不定时地实施检测，检测结果当场告知并书面反馈甲方。",
        "乙方应当如实记录检测情况；被检测人逃避、拒绝检测或者检测结果为阳性的，应当在当日告知甲方。",
        "双方对检测中知悉的个人信息负有保密义务，不得向无关人员泄露。",
        "检测费用由甲方按照有关规定支付。",
    ]
    .iter()
    .enumerate()
    {
        d.paragraphs.push(format!("{}、{clause}", ordinal_cn(k as u32 + 1)));
    }
    d.signatures = vec![
        Signature {
            party: "甲方（盖章）：".into(),
            name: d.office.clone(),
            date: d.date.clone(),
        },
        Signature {
            party: "乙方（盖章）：".into(),
            name: if lab == BLANK { String::new() } else { lab },
            date: d.date.clone(),
        },
    ];
}

/// The 送达回证 that goes with a served document.
pub fn receipt_request(doc: &Document, req: &Request) -> Option<Request> {
    if !req.form.served || req.person.is_none() {
        return None;
    }
    let form: &'static FormDef = crate::forms::get("receipt_of_service")?;
    Some(Request {
        form,
        person: req.person,
        unit: req.unit.clone(),
        event: Event::Served {
            form: doc.form.clone(),
            event: doc.event.clone(),
            number: doc.number.clone(),
            title: doc.data.title.clone(),
        },
    })
}
