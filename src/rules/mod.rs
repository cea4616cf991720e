//! The rule catalogue: data checks (D), person rules (P) and unit rules (U), like a linter's.
//!
//! Each rule is a small pure function of (register, profile, as-of date). [`RULES`] lists every
//! rule's code, name, severity and the profile setting it reads; `rehabdocs rules` prints it.
//! [`run_all`] runs the data checks, then the person rules ([`person`]), then the unit rules
//! ([`unit`]), skipping rules the profile switches off and applying its severity overrides.

pub mod data;
pub mod obligations;
pub mod person;
pub mod schedule;
pub mod unit;
pub mod window;

use crate::finding::{Finding, Severity};
use crate::model::Register;
use crate::profile::Profile;
use chrono::NaiveDate;
use std::collections::HashSet;

/// One entry of the rule catalogue.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: &'static str,
    /// Short Chinese name.
    pub name: &'static str,
    pub severity: Severity,
    /// The profile settings the rule reads, comma-separated ("" for data checks); a schedule
    /// rule names its kind (`schedule:tests`). Printed with [`crate::profile::setting_text`].
    pub setting: &'static str,
    /// One line on what the rule checks.
    pub doc: &'static str,
}

const fn rule(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    setting: &'static str,
    doc: &'static str,
) -> RuleInfo {
    RuleInfo {
        code,
        name,
        severity,
        setting,
        doc,
    }
}

use Severity::{Breach, Error, Info, Warning};

/// Every rule, in code order.
pub const RULES: &[RuleInfo] = &[
    rule("D001", "缺少必填列或必填值", Error, "", "A required column or value is missing."),
    rule("D002", "日期无法识别", Error, "", "A date cannot be read."),
    rule("D003", "身份证号格式或校验位错误", Error, "", "Resident ID malformed or its check character is wrong."),
    rule("D004", "性别或出生日期与身份证号不符", Warning, "", "性别 or 出生日期 disagrees with the resident ID."),
    rule("D005", "人员重复", Error, "", "The same person twice (same 编号 or same ID)."),
    rule("D006", "编号不在人员表中", Error, "", "An event row names a 编号 that is not in 人员."),
    rule("D007", "日期先后顺序错误", Warning, "", "Dates out of order (决定 ≤ 送达 ≤ 报到 ≤ 协议; 离开 ≤ 返回; events inside the window)."),
    rule("D008", "日期晚于统计截止日", Warning, "", "A date after the as-of date."),
    rule("D009", "取值不在允许范围内", Error, "", "A value outside its allowed set."),
    rule("D010", "身份证号以数字存储，位数已丢失", Error, "", "Resident ID stored as a number and its digits are lost."),
    rule("P101", "逾期报到", Warning, "report_in", "Reported in after the deadline counted from 送达日期 (or 决定日期)."),
    rule("P102", "逾期未报到", Breach, "report_in", "Deadline passed and not reported in: regarded as refusing; report to the police."),
    rule("P103", "未按时签订协议", Warning, "agreement", "Reported in but no agreement signed within the profile's days."),
    rule("P104", "期满未解除", Warning, "term", "Term ended but still 执行中: discharge proposal and notice are due."),
    rule("P105", "检测次数不足", Warning, "schedule:tests, surprise_tests", "Fewer tests than the schedule requires in a completed term year or period, or behind pro rata in the current term year; or fewer unannounced tests than surprise_tests.per_year."),
    rule("P106", "当月无面对面谈话", Warning, "schedule:talks", "A counted month (period) without the required face-to-face talks (面谈 or 家访)."),
    rule("P107", "本人报告次数不足", Warning, "schedule:self_reports", "A counted month (period) with fewer self-reports (本人报告) than required."),
    rule("P108", "期限内谈话和检测合计不足", Warning, "totals", "Talks + tests over the term below the profile total (pro rata while the term runs)."),
    rule("P109", "当季未评估", Warning, "schedule:evaluations", "A counted quarter (period) without an evaluation."),
    rule("P110", "逃避或拒绝检测达到次数", Breach, "serious_breach.tests", "Tests evaded or refused the profile's number of times: serious breach, report to the police."),
    rule("P111", "擅自离开达到次数或天数", Breach, "serious_breach.departures", "Unapproved departures the profile's number of times, or more days in all than allowed: serious breach."),
    rule("P112", "检测阳性", Breach, "positive_test", "A positive test during the programme: report to the police."),
    rule("P113", "经书面告诫仍拒不报告", Breach, "serious_breach.warnings", "Still no self-report in a whole month after the profile's number of (written) warnings: serious breach."),
    rule("P114", "请假超过期限", Warning, "leave", "An approved leave longer than the profile's maximum."),
    rule("P115", "女性帮教小组无女性成员", Warning, "female_group", "A woman's help group has no member known to be a woman."),
    rule("P116", "期满未作总评估", Warning, "term.total_evaluation_basis", "Term ended without the total evaluation (总评估)."),
    rule("P117", "符合严重关注条件", Info, "attention", "Meets the 严重关注 criteria: no fixed residence, job or contact, or tests not taken."),
    rule("P118", "三年未复吸，可解除动态管控", Info, "dynamic_control", "Term ended and the profile's years since report-in without a positive test."),
    rule("U201", "工作人员配备不足", Warning, "staffing", "A unit has fewer full-time workers than the 1-per-N ratio requires (under N users: 1 worker)."),
    rule("U202", "专职工作人员年龄或学历不符", Warning, "workers", "A full-time worker outside the age range or below the minimum education."),
    rule("U203", "工作经费不足", Warning, "funding", "A unit's funding below max(per-user × users, minimum)."),
    rule("U204", "协议签订率不足", Warning, "agreement_rate", "Signed agreements below the profile's percentage of registered users."),
];

/// The catalogue entry of a code.
pub fn rule_info(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code == code)
}

/// The catalogue as text (`rehabdocs rules`): one line per rule, code, severity (错误,
/// 严重违规, 警告, 提示), name and the profile settings it reads, each as its Chinese label
/// with the key in brackets (`报到期限（report_in）`).
pub fn catalogue_text() -> String {
    let mut out = String::new();
    for r in RULES {
        let settings = if r.setting.is_empty() {
            "-".to_string()
        } else {
            r.setting
                .split(", ")
                .map(crate::profile::setting_text)
                .collect::<Vec<_>>()
                .join("、")
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            r.code,
            r.severity.label(),
            r.name,
            settings
        ));
    }
    out
}

/// What every rule function receives: the register, the profile and the as-of date.
pub struct Ctx<'a> {
    pub register: &'a Register,
    pub profile: &'a Profile,
    pub as_of: NaiveDate,
    /// Names (trimmed) of 工作人员 rows with 性别 女 (P115), built once per run.
    pub female_staff: HashSet<String>,
}

impl<'a> Ctx<'a> {
    /// The context of one run.
    pub fn new(register: &'a Register, profile: &'a Profile, as_of: NaiveDate) -> Self {
        let female_staff = register
            .staff
            .iter()
            .filter(|s| s.sex == Some(crate::model::Sex::Female))
            .map(|s| s.name.trim().to_string())
            .collect();
        Ctx {
            register,
            profile,
            as_of,
            female_staff,
        }
    }

    /// The severity of `code` under the profile (its override or the catalogue's default).
    pub fn severity(&self, code: &str) -> Severity {
        let default = rule_info(code).map(|r| r.severity).unwrap_or(Warning);
        self.profile.severity(code, default)
    }

    /// A finding of `code` about person `p` (编号 and 村(社区) filled in).
    pub fn person_finding(&self, code: &'static str, p: usize, message: String) -> Finding {
        let f = Finding::new(code, self.severity(code), message);
        match self.register.persons.get(p) {
            Some(person) => f.person(person.id.clone()).unit(person.unit.clone()),
            None => f,
        }
    }
}

/// Runs every rule that reads the register after it has been read: data checks that need
/// the whole register or the as-of date, then person rules, then unit rules. Rules the profile
/// switches off give no finding; the profile's severity overrides apply to every code.
pub fn run_all(register: &Register, profile: &Profile, as_of: NaiveDate) -> Vec<Finding> {
    let cx = Ctx::new(register, profile, as_of);
    let mut findings: Vec<Finding> = data::check(register, as_of)
        .into_iter()
        .filter(|f| profile.enabled(f.code))
        .map(|mut f| {
            f.severity = profile.severity(f.code, f.severity);
            f
        })
        .collect();
    person::check(&cx, &mut findings);
    unit::check(&cx, &mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        for w in RULES.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        assert_eq!(RULES.len(), 10 + 18 + 4);
        assert!(RULES
            .iter()
            .filter(|r| r.code.starts_with('P'))
            .all(|r| !r.setting.is_empty()));
    }
}
