//! The report's words: each unit's 存在问题及整改意见 drawn from its lost points, vetoes and
//! data errors, and the scheme as applied (formula, grades, vetoes, how things were counted),
//! in plain Chinese — rule names, never rule codes.

use crate::report::aggregate::Figures;
use crate::report::scheme::{Indicator, Metric, NoneDue, Scale, Scheme, Standards};
use crate::report::score::VetoHit;
use crate::report::{percent, Deduction, Rectification};
use std::collections::BTreeMap;

/// The Chinese name of a rule code (逾期未报到); the code itself when unknown.
pub fn rule_name(code: &str) -> &str {
    crate::rules::rule_info(code).map_or(code, |r| r.name)
}

/// `15`, `2.5`.
pub fn number(w: f64) -> String {
    if w.fract() == 0.0 {
        format!("{w:.0}")
    } else {
        format!("{w}")
    }
}

/// How one indicator gives points, in words.
pub fn scoring_words(ind: &Indicator) -> String {
    let scale = match ind.scale {
        Scale::Linear => format!(
            "得分 = {} × min(完成率 ÷ {}, 1)",
            number(ind.weight),
            percent(Some(ind.target))
        ),
        Scale::Threshold => format!(
            "完成率达到{}得{}分，未达到得0分",
            percent(Some(ind.target)),
            number(ind.weight)
        ),
    };
    let none = match ind.none_due {
        NoneDue::Full => "无应做事项时得满分",
        NoneDue::Zero => "无应做事项时得0分",
    };
    format!("{scale}；{none}")
}

/// The scheme as applied, in sentences (the appendix and the XLSX 考核方案 sheet).
pub fn scheme_rules(scheme: &Scheme, standards: &Standards) -> Vec<String> {
    let mut out = Vec::new();
    if !scheme.basis.is_empty() {
        out.push(format!(
            "考核依据：{}。",
            scheme.basis.trim_end_matches('。')
        ));
    }
    out.push(format!(
        "计分：各项指标按“得分 = 分值 × min(完成率 ÷ 目标, 1)”计分（设为达标制的指标达到目标得满分，否则0分），保留两位小数；某项指标年内没有应做事项（分母为0，如无应检测人员、无严重违规情形）时，按方案得满分；总分为各项得分之和，满分{}分。",
        number(scheme.total_weight())
    ));
    let mut bands = scheme.grades.clone();
    bands.sort_by(|a, b| b.min.total_cmp(&a.min));
    let bands: Vec<String> = bands
        .iter()
        .map(|b| format!("{} ≥ {}分", b.grade, number(b.min)))
        .collect();
    out.push(format!("等次：{}；总分相同的名次相同。", bands.join("，")));
    let vetoes: Vec<String> = scheme
        .vetoes
        .iter()
        .filter(|v| v.enabled)
        .map(|v| format!("{}（{}）", v.name, v.id.description()))
        .collect();
    if vetoes.is_empty() {
        out.push("本方案未设一票否决情形。".into());
    } else {
        out.push(format!(
            "一票否决：年内存在下列弄虚作假情形之一的，等次定为{}，排在其他单位之后：{}。",
            scheme.veto_grade,
            vetoes.join("；")
        ));
    }
    out.push("在册人员：年内任何一天处于社区戒毒（康复）期间（自报到日期起，至期满、解除、中止等状态日期止）的人员。".into());
    out.push("应做次数：按配置的工作要求逐人计算年内应做的检测、谈话、本人报告和季度评估次数。按月、按季度的要求，计整月（整季度）在年内期间之内的；按期限年度的要求（如检测第一年6次），跨年的期限年度按其在本年内的天数占该期限年度天数的比例折算；每人每项合计后向上取整（不足一次按一次计），不向下舍去。完成率超过100%表示实际完成多于要求。".into());
    out.push("已做次数：年内期间内的全部记录：检测计已检测（阴性、阳性），谈话计面谈、家访，季度评估按其评估期所属季度计。".into());
    out.push("严重违反协议情形：逾期未报到（视为拒绝接受社区戒毒）、逃避或拒绝检测达到次数、擅自离开达到次数或天数、检测阳性、经书面告诫仍拒不报告，发生在年内的，以及此前发生、至年初仍未报告的。已报告：文号台帐中有办公室就同一事由出具的《关于严重违反社区戒毒（康复）协议情况的报告》，出具日期不早于违规日期、不晚于12月31日；公安机关事后作出的强制隔离戒毒等决定不作为办公室已报告的依据。".into());
    out.push(format!(
        "人员配备：每{}名实有吸毒人员应配1名专职社工，不足{}名的应配1名（专职或兼职均可）；经费保障：每名实有吸毒人员每年{}元，且不低于{}元。",
        standards.users_per_worker,
        standards.users_per_worker,
        number(standards.funding_per_user),
        number(standards.funding_floor)
    ));
    out.push("数据质量：重复登记、无法识别的数据按“数据质量说明”所列规则处理。".into());
    out
}

/// What [`rectifications`] reads about one unit.
pub struct UnitFacts<'a> {
    pub scheme: &'a Scheme,
    pub figures: &'a Figures,
    pub deductions: &'a [Deduction],
    pub vetoes: &'a [&'a VetoHit],
    /// Data errors of the unit in the 数据质量说明.
    pub data_errors: usize,
}

/// The done/due behind a rate, in words (`应检测40次、实检测34次`).
fn done_due_words(metric: Metric, f: &Figures) -> String {
    let o = &f.obligations;
    match metric {
        Metric::AgreementRate => format!(
            "实有吸毒人员{}名、已签订协议{}名",
            f.registered_users, f.agreements_signed
        ),
        Metric::TestRate => format!("应检测{}次、实检测{}次", o.tests_due, o.tests_done),
        Metric::TalkRate => format!("应谈话{}次、实谈话{}次", o.talks_due, o.talks_done),
        Metric::SelfReportRate => format!(
            "应本人报告{}次、实报告{}次",
            o.self_reports_due, o.self_reports_done
        ),
        Metric::EvaluationRate => format!(
            "应评估{}次、实评估{}次",
            o.evaluations_due, o.evaluations_done
        ),
        Metric::StaffingRate => format!(
            "应配{}名、专职{}名、兼职{}名",
            f.staff_required, f.staff_full_time, f.staff_part_time
        ),
        Metric::FundingRate => format!(
            "应保障{}元、到位{}元",
            number(f.funding_required.round()),
            number(f.funding.round())
        ),
        Metric::BreachReportRate => format!(
            "严重违反协议情形{}起、已报告{}起",
            f.breaches, f.breaches_reported
        ),
    }
}

/// Default advice when the scheme gives none for an indicator.
const DEFAULT_ADVICE: &str = "对照考核要求查找原因，补齐相关工作并如实记录。";
const VETO_ADVICE: &str =
    "逐条核实相关记录，更正或删除不实记录，查明原因并追究责任，杜绝弄虚作假。";
const DATA_ADVICE: &str = "对照“数据质量说明”逐项更正台帐中的错误数据，避免重复登记。";

/// 存在问题及整改意见 of one unit: one item per indicator that lost points (its rate, target,
/// the counts behind it, the rule names of the findings involved), one for the vetoes, one for
/// data errors. Empty when nothing was found.
pub fn rectifications(u: &UnitFacts<'_>) -> Vec<Rectification> {
    let mut out = Vec::new();
    for d in u.deductions {
        let Some(ind) = u.scheme.indicators.iter().find(|i| i.id == d.indicator) else {
            continue;
        };
        let involved: Vec<String> = d
            .findings
            .iter()
            .map(|(code, n)| format!("{}{n}处", rule_name(code)))
            .collect();
        let involved = if involved.is_empty() {
            String::new()
        } else {
            format!("；涉及{}", involved.join("、"))
        };
        out.push(Rectification {
            problem: format!(
                "{}{}，未达到目标{}（{}），扣{:.2}分{}。",
                d.name,
                percent(d.rate),
                percent(Some(d.target)),
                done_due_words(ind.metric, u.figures),
                d.lost,
                involved
            ),
            advice: if ind.advice.trim().is_empty() {
                DEFAULT_ADVICE.to_string()
            } else {
                ind.advice.trim().to_string()
            },
        });
    }
    if !u.vetoes.is_empty() {
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for v in u.vetoes {
            *by_name.entry(v.name.as_str()).or_default() += 1;
        }
        let names: Vec<String> = by_name
            .iter()
            .map(|(name, n)| format!("{name}{n}处"))
            .collect();
        out.push(Rectification {
            problem: format!(
                "存在弄虚作假情形：{}，一票否决，等次定为{}。",
                names.join("、"),
                u.scheme.veto_grade
            ),
            advice: VETO_ADVICE.to_string(),
        });
    }
    if u.data_errors > 0 {
        out.push(Rectification {
            problem: format!(
                "台帐有数据错误{}处（重复登记、日期或取值无法识别等），影响统计。",
                u.data_errors
            ),
            advice: DATA_ADVICE.to_string(),
        });
    }
    out
}
