//! Rule profiles: every threshold of the programme's rules as a setting with its basis text.
//!
//! A profile is YAML. Bundled profiles live in `forms/profiles/*.yaml` and are embedded in the
//! binary (`standard`, `ouhai`, `national`); a county's own YAML file may `extends:` one of
//! them (or another file, relative to its own folder) and change only what differs.
//!
//! Resolution: the parent is resolved first, then the child's YAML mapping is merged into it
//! key by key (nested mappings merge, lists and scalars replace), `extends` is dropped and the
//! result is deserialised with unknown keys rejected. Errors name the file, line and key.
//!
//! Every rule section carries `basis`: the words of the rule (source and text), shown in
//! findings and printed documents.

use crate::finding::Severity;
use crate::model::{ContactKind, Measure, TestResult, WarningKind};
use serde::{Deserialize, Deserializer, Serialize};
use serde_norway::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The bundled profiles: (name, YAML text).
pub const BUNDLED: &[(&str, &str)] = &[
    ("standard", include_str!("../forms/profiles/standard.yaml")),
    ("ouhai", include_str!("../forms/profiles/ouhai.yaml")),
    ("national", include_str!("../forms/profiles/national.yaml")),
];

/// How deep `extends:` chains may go (guards against cycles).
const MAX_EXTENDS_DEPTH: usize = 8;

/// A resolved profile (after `extends:`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// P101, P102.
    pub report_in: ReportIn,
    /// P103.
    pub agreement: AgreementDeadline,
    /// P104, P116.
    pub term: TermRules,
    /// P105, P106, P107, P109: minimum counts per period.
    pub schedule: Vec<ScheduleItem>,
    /// Unannounced (surprise, random) tests required in every term year (P105), beside the
    /// schedule.
    pub surprise_tests: SurpriseTests,
    /// P108: totals over the whole term.
    #[serde(default)]
    pub totals: Vec<TotalItem>,
    /// P110, P111, P113.
    pub serious_breach: SeriousBreach,
    /// P112.
    pub positive_test: Basis,
    /// P114.
    pub leave: LeaveRules,
    /// P115.
    pub female_group: Basis,
    /// P117.
    pub attention: Basis,
    /// P118.
    pub dynamic_control: DynamicControl,
    /// U201.
    pub staffing: Staffing,
    /// U202.
    pub workers: Workers,
    /// U203.
    pub funding: Funding,
    /// U204.
    pub agreement_rate: AgreementRate,
    /// Per-rule overrides by code: `P108: { enabled: false, severity: warning }`.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverride>,
    /// The office's own font families per template role, tried first when system fonts are
    /// used (`fonts: { title: [FZXiaoBiaoSong-B05S] }`); see `forms/fonts.yaml`.
    #[serde(default, skip_serializing_if = "crate::profile::is_default")]
    pub fonts: crate::render::fonts::PreferredFonts,
    /// Year-end appraisal scoring scheme. Reserved for the appraisal work, which defines its
    /// shape; kept here as free YAML so that the rule parser accepts it.
    #[serde(default)]
    pub appraisal: Option<Value>,
    /// The office's own settings: its name and seal, the organs it reports to, its testing
    /// body, its number prefixes, its address and phone (all optional).
    #[serde(default, skip_serializing_if = "crate::profile::is_default")]
    pub office: OfficeSettings,
}

/// The office's own settings (profile section `office:`). Every field is optional; what is
/// left out is taken from the register or left blank to fill by hand, never guessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeSettings {
    /// The office's full name; default `{乡镇(街道)}社区戒毒(康复)工作办公室`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The seal text, when it differs from the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<String>,
    /// The public security organ that receives reports; default the person's 决定机关.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police: Option<String>,
    /// The organ that issues discharge notices; default as `police`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharge_police: Option<String>,
    /// The 派出所 that carries out tests and receives work notices about them; default blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_station: Option<String>,
    /// The body commissioned for urine tests; default the register's one 检测单位.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub testing_body: Option<String>,
    /// The number prefix (`东禁`); default the town's first character + `禁`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Per form (id, short name or title: `warning_letter: 告`, `告诫书: 告`), the prefix after
    /// the office's, replacing the form YAML's `numbering.prefix`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub form_prefixes: BTreeMap<String, String>,
    /// The office's address, printed on notices served on a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The office's phone, printed on notices served on a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The office's ledger of document numbers (文号台帐); a relative path is taken from the
    /// register's folder. Default `文号台帐.csv` beside the register; `--ledger` overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<String>,
}

/// A setting the law fixes: the profile must keep exactly the statutory value.
#[derive(Debug, Clone, Copy)]
pub struct Statutory {
    /// Dotted key in the profile (`serious_breach.tests.count`).
    pub key: &'static str,
    /// The statutory value.
    pub value: i64,
    /// The article that fixes it.
    pub article: &'static str,
    /// What the value means, for the error message.
    pub meaning: &'static str,
}

/// The settings the law fixes. A serious breach of the agreement (and the refusal after the
/// report-in deadline) is defined by the 戒毒条例 itself and has a statutory consequence (a
/// report to the police, compulsory isolation): a county can neither make it arise earlier
/// (a smaller count) nor later (a larger one), so a profile must keep each value exactly.
pub const STATUTORY: &[Statutory] = &[
    Statutory {
        key: "report_in.statutory_days",
        value: STATUTORY_REPORT_IN_DAYS,
        article: "《戒毒条例》第十四条、第三十八条",
        meaning: "自收到决定书之日起15日内报到，逾期不报到的视为拒绝接受",
    },
    Statutory {
        key: "serious_breach.tests.count",
        value: 3,
        article: "《戒毒条例》第二十条",
        meaning: "逃避或者拒绝接受检测3次以上属严重违反协议",
    },
    Statutory {
        key: "serious_breach.departures.count",
        value: 3,
        article: "《戒毒条例》第二十条",
        meaning: "擅自离开执行地所在县（市、区）3次以上属严重违反协议",
    },
    Statutory {
        key: "serious_breach.departures.days_over",
        value: 30,
        article: "《戒毒条例》第二十条",
        meaning: "擅自离开执行地所在县（市、区）累计超过30日属严重违反协议",
    },
];

/// The Chinese label of every profile setting a clerk meets (`rehabdocs rules`, errors,
/// docs/profiles.md): dotted key → label. A schedule rule's setting names its kind
/// (`schedule:tests`).
pub const SETTING_LABELS: &[(&str, &str)] = &[
    ("name", "配置名称"),
    ("description", "配置说明"),
    ("report_in", "报到期限"),
    ("report_in.statutory_days", "法定报到期限"),
    ("agreement", "协议签订期限"),
    ("term", "期满解除"),
    ("term.total_evaluation_basis", "期满总评估"),
    ("schedule", "检测、谈话、报告、评估安排"),
    ("schedule:tests", "检测次数安排"),
    ("schedule:talks", "面对面谈话安排"),
    ("schedule:self_reports", "本人报告安排"),
    ("schedule:evaluations", "评估安排"),
    ("surprise_tests", "突击检测次数"),
    ("totals", "期限内合计次数"),
    ("serious_breach", "严重违反协议"),
    ("serious_breach.tests", "逃避或拒绝检测次数"),
    ("serious_breach.departures", "擅自离开次数和天数"),
    ("serious_breach.warnings", "书面告诫后仍不报告"),
    ("positive_test", "检测阳性"),
    ("leave", "请假期限"),
    ("female_group", "女性帮教小组"),
    ("attention", "严重关注"),
    ("dynamic_control", "动态管控"),
    ("staffing", "工作人员配备"),
    ("workers", "专职工作人员条件"),
    ("funding", "工作经费"),
    ("agreement_rate", "协议签订率"),
    ("rules", "规则开关和级别"),
    ("fonts", "办公室字体"),
    ("appraisal", "年终考核评分办法"),
    ("office", "办公室信息"),
];

/// The Chinese label of a setting key, if it has one.
pub fn setting_label(key: &str) -> Option<&'static str> {
    SETTING_LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
}

/// A setting as a clerk reads it: `报到期限（report_in）`; the key alone when unlabelled.
pub fn setting_text(key: &str) -> String {
    let shown = key.split(':').next().unwrap_or(key);
    match setting_label(key) {
        Some(label) => format!("{label}（{shown}）"),
        None => shown.to_string(),
    }
}

/// A section that only carries its basis text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// Days after 送达日期 (or 决定日期) by which the person must report; day `days` is on time.
    /// A local deadline: missing it is a warning and a reminder, never a statutory consequence.
    pub days: i64,
    /// The same for 外省市人员.
    pub days_other_province: i64,
    pub basis: String,
    /// The statutory deadline (《戒毒条例》第十四条、第三十八条: 15 days): only after it does not
    /// reporting in count as refusing the programme. A profile cannot shorten it.
    #[serde(default = "statutory_report_in_days")]
    pub statutory_days: i64,
    /// Whether the office urges first (催告报到通知书) and reports a refusal to the police only
    /// after the reminder's deadline (the seeds' practice, 篇四 §六(一)3).
    #[serde(default = "yes")]
    pub urge_first: bool,
    /// Days a 催告报到通知书 gives the person to report in (never ending before the statutory
    /// deadline).
    #[serde(default = "default_reminder_days")]
    pub reminder_days: i64,
}

/// 《戒毒条例》第十四条、第三十八条: 15 days to report in.
pub const STATUTORY_REPORT_IN_DAYS: i64 = 15;

fn statutory_report_in_days() -> i64 {
    STATUTORY_REPORT_IN_DAYS
}

fn yes() -> bool {
    true
}

fn default_reminder_days() -> i64 {
    3
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementDeadline {
    /// The agreement is due within this many days of report-in (day N is on time).
    pub days_after_report_in: i64,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRules {
    /// Basis of P104 (discharge at term end).
    pub basis: String,
    /// Basis of P116 (total evaluation at term end).
    pub total_evaluation_basis: String,
}

/// What a schedule item counts. Written in a profile as its English key or a Chinese name
/// ([`EventKind::from_word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum EventKind {
    /// Tests carried out (结果 阴性 or 阳性).
    Tests,
    /// Face-to-face talks (形式 面谈 or 家访).
    Talks,
    /// Self-reports (形式 本人报告).
    SelfReports,
    /// Quarterly evaluations (评估期 a quarter; 总评估 not counted).
    Evaluations,
}

/// The words a profile may write for each [`EventKind`]: the key, then its Chinese names. A
/// 家访 (home visit) is one form of face-to-face talk: `kind: 家访` counts 面谈 and 家访 alike,
/// as `talks` does (the register's 形式 column tells them apart, the schedule does not).
pub const EVENT_KIND_WORDS: &[(EventKind, &[&str])] = &[
    (EventKind::Tests, &["tests", "检测", "尿检"]),
    (
        EventKind::Talks,
        &["talks", "谈话", "面谈", "面对面谈话", "家访"],
    ),
    (
        EventKind::SelfReports,
        &["self_reports", "本人报告", "报告"],
    ),
    (EventKind::Evaluations, &["evaluations", "评估", "季度评估"]),
];

impl TryFrom<String> for EventKind {
    type Error = String;
    fn try_from(word: String) -> Result<Self, String> {
        EventKind::from_word(&word).ok_or_else(|| {
            format!("kind 应为 检测、谈话、本人报告、评估 之一（或 tests、talks、self_reports、evaluations），实为「{word}」")
        })
    }
}

impl EventKind {
    /// The kind a profile word names (`tests`, `检测`, `家访`, `季度评估` …).
    pub fn from_word(word: &str) -> Option<EventKind> {
        let w = word.trim();
        EVENT_KIND_WORDS
            .iter()
            .find(|(_, words)| words.contains(&w))
            .map(|(kind, _)| *kind)
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Tests => "检测",
            EventKind::Talks => "面对面谈话",
            EventKind::SelfReports => "本人报告",
            EventKind::Evaluations => "评估",
        }
    }
    /// The rule that checks a schedule item of this kind.
    pub fn rule_code(self) -> &'static str {
        match self {
            EventKind::Tests => "P105",
            EventKind::Talks => "P106",
            EventKind::SelfReports => "P107",
            EventKind::Evaluations => "P109",
        }
    }
    /// Whether a contact of this kind counts for this event kind.
    pub fn counts_contact(self, kind: ContactKind) -> bool {
        match self {
            EventKind::Talks => kind.is_face_to_face(),
            EventKind::SelfReports => kind == ContactKind::SelfReport,
            _ => false,
        }
    }
}

/// Which measure a schedule item applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeasureScope {
    #[serde(rename = "社区戒毒")]
    Detox,
    #[serde(rename = "社区康复")]
    Rehab,
    #[serde(rename = "both", alias = "全部")]
    Both,
}

impl MeasureScope {
    pub fn applies(self, measure: Option<Measure>) -> bool {
        matches!(
            (self, measure),
            (MeasureScope::Both, _)
                | (MeasureScope::Detox, Some(Measure::Detox))
                | (MeasureScope::Rehab, Some(Measure::Rehab))
        )
    }
}

fn both() -> MeasureScope {
    MeasureScope::Both
}

/// The period a schedule item's minimum applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PeriodRepr", into = "PeriodRepr")]
pub enum Period {
    /// Calendar periods of N months aligned on 1 January (1 month, 2, quarter, half-year, year).
    Months(u32),
    /// Term years: [报到 + (k−1) years, 报到 + k years).
    TermYear,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum PeriodRepr {
    Months(u32),
    Word(String),
}

impl TryFrom<PeriodRepr> for Period {
    type Error = String;
    fn try_from(r: PeriodRepr) -> Result<Self, String> {
        match r {
            PeriodRepr::Months(n) if [1, 2, 3, 6, 12].contains(&n) => Ok(Period::Months(n)),
            PeriodRepr::Word(w) if w == "term_year" || w == "期限年度" => Ok(Period::TermYear),
            PeriodRepr::Months(n) => Err(format!(
                "period 应为 1、2、3、6、12（个月）或 term_year（期限年度）之一，实为「{n}」"
            )),
            PeriodRepr::Word(w) => Err(format!(
                "period 应为 1、2、3、6、12（个月）或 term_year（期限年度）之一，实为「{w}」"
            )),
        }
    }
}

impl From<Period> for PeriodRepr {
    fn from(p: Period) -> Self {
        match p {
            Period::Months(n) => PeriodRepr::Months(n),
            Period::TermYear => PeriodRepr::Word("term_year".into()),
        }
    }
}

/// "At least `min` of `kind` per `period`, in term years `term_years` (empty: all), for
/// `measure`."
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleItem {
    pub kind: EventKind,
    #[serde(default = "both")]
    pub measure: MeasureScope,
    pub period: Period,
    #[serde(default)]
    pub term_years: Vec<u32>,
    pub min: u32,
    pub basis: String,
}

impl ScheduleItem {
    /// Whether the item applies in term year `k` (1-based).
    pub fn in_term_year(&self, k: u32) -> bool {
        self.term_years.is_empty() || self.term_years.contains(&k)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurpriseTests {
    /// At least this many unannounced tests carried out (结果 阴性/阳性) in every completed
    /// term year, and pro rata (rounded down) in the current one; 0: no such requirement. A
    /// test is unannounced when its 检测方式 contains 随机, 突击, 不预先通知, 不定时抽检 or
    /// 飞行检测, or its 是否突击 column says 是. This is a requirement of its own: it does not
    /// raise the schedule's test counts, and unannounced tests also count toward the schedule.
    /// A shortfall is reported as P105 with this basis.
    pub per_year: u32,
    pub basis: String,
}

/// P108: at least `min` events of `kinds` over the whole term (pro rata while it runs).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalItem {
    pub kinds: Vec<EventKind>,
    #[serde(default = "both")]
    pub measure: MeasureScope,
    pub min: u32,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriousBreach {
    pub tests: BreachTests,
    pub departures: BreachDepartures,
    pub warnings: BreachWarnings,
}

/// A test result as written in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultWord {
    #[serde(rename = "拒绝")]
    Refused,
    #[serde(rename = "逃避")]
    Evaded,
    #[serde(rename = "未到")]
    NoShow,
}

impl ResultWord {
    pub fn matches(self, r: TestResult) -> bool {
        matches!(
            (self, r),
            (ResultWord::Refused, TestResult::Refused)
                | (ResultWord::Evaded, TestResult::Evaded)
                | (ResultWord::NoShow, TestResult::NoShow)
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreachTests {
    /// Evaded/refused tests at which the breach is reached.
    pub count: u32,
    /// Which results count.
    pub results: Vec<ResultWord>,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreachDepartures {
    /// Unapproved departures (rows) at which the breach is reached.
    pub count: u32,
    /// Total days away (返回 − 离开, summed) above which the breach is reached.
    pub days_over: i64,
    pub basis: String,
}

/// A warning kind as written in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WarningWord {
    #[serde(rename = "口头")]
    Oral,
    #[serde(rename = "书面")]
    Written,
}

impl WarningWord {
    pub fn matches(self, k: WarningKind) -> bool {
        matches!(
            (self, k),
            (WarningWord::Oral, WarningKind::Oral) | (WarningWord::Written, WarningKind::Written)
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreachWarnings {
    /// Warnings after which continued failure to report is a serious breach.
    pub count: u32,
    /// Which warning kinds count.
    pub kinds: Vec<WarningWord>,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveRules {
    /// Longest approved leave, in days (返回 − 离开).
    pub max_days: i64,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicControl {
    /// Years since report-in without a positive test.
    pub years: u32,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    /// One full-time worker per this many users; under it, one worker of any kind suffices.
    pub users_per_full_time_worker: u32,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workers {
    pub min_age: u32,
    pub max_age: u32,
    /// Lowest education accepted: 小学 < 初中 < 高中 = 中专 = 职高 < 大专 < 本科 < 硕士 < 博士.
    pub min_education: String,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// Yuan per registered user per year.
    pub per_user: u32,
    /// Yuan per year at least, whatever the number of users.
    pub minimum: u32,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementRate {
    /// Signed agreements as a percentage of registered users.
    pub min_percent: u32,
    pub basis: String,
}

/// Per-rule switch and severity override.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "severity_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub severity: Option<Severity>,
}

fn severity_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Severity>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    s.map(|s| s.parse::<Severity>().map_err(serde::de::Error::custom))
        .transpose()
}

/// Education levels in order (U202); equal ranks are equivalent.
pub fn education_rank(level: &str) -> Option<u8> {
    let l = level.trim();
    let rank = match l {
        "小学" => 1,
        "初中" => 2,
        "高中" | "中专" | "职高" | "技校" => 3,
        "大专" | "专科" => 4,
        "本科" | "大学" => 5,
        "硕士" | "研究生" => 6,
        "博士" => 7,
        _ => return None,
    };
    Some(rank)
}

impl Profile {
    /// The default profile (`standard`).
    pub fn standard() -> Profile {
        match Profile::load("standard") {
            Ok(p) => p,
            // The bundled YAML is tested; this cannot be reached by input.
            Err(e) => panic!("bundled profile `standard` is invalid: {e}"),
        }
    }

    /// A bundled profile by name, or a YAML file by path.
    pub fn load(name_or_file: &str) -> Result<Profile, String> {
        let value = resolve(name_or_file, None, 0)?;
        let (label, text) = source_text(name_or_file, None)?;
        let profile = from_resolved(value, &label, &text)?;
        profile
            .check_statutory()
            .map_err(|e| match line_of_path(&text, first_word(&e)) {
                Some(line) => format!("配置文件 {label} 第 {line} 行：{e}"),
                None => format!("配置文件 {label}：{e}"),
            })?;
        profile
            .check_office()
            .map_err(|e| format!("配置文件 {label}：{e}"))?;
        Ok(profile)
    }

    /// The value of a statutory setting in this profile.
    fn statutory_value(&self, key: &str) -> Option<i64> {
        let sb = &self.serious_breach;
        match key {
            "report_in.statutory_days" => Some(self.report_in.statutory_days),
            "serious_breach.tests.count" => Some(i64::from(sb.tests.count)),
            "serious_breach.departures.count" => Some(i64::from(sb.departures.count)),
            "serious_breach.departures.days_over" => Some(sb.departures.days_over),
            _ => None,
        }
    }

    /// Every setting the law fixes ([`STATUTORY`]) keeps its statutory value; else the first
    /// one that does not, with the key, both values and the article (in Chinese).
    pub fn check_statutory(&self) -> Result<(), String> {
        for s in STATUTORY {
            let Some(v) = self.statutory_value(s.key) else {
                continue;
            };
            if v != s.value {
                return Err(format!(
                    "{} 为 {v}，但{}规定{}；法定情形不能由地方配置提前或推后，必须为 {}",
                    s.key, s.article, s.meaning, s.value
                ));
            }
        }
        Ok(())
    }

    /// The `office:` section names only forms that exist.
    fn check_office(&self) -> Result<(), String> {
        for id in self.office.form_prefixes.keys() {
            if crate::paperwork::forms::find(id).is_none() {
                return Err(format!(
                    "office.form_prefixes 中的 {id} 不是文书（可用简称、标题或编号：{}）",
                    crate::paperwork::forms::choices()
                ));
            }
        }
        Ok(())
    }

    /// Whether a rule is switched on (default on).
    pub fn enabled(&self, code: &str) -> bool {
        self.rules.get(code).and_then(|o| o.enabled).unwrap_or(true)
    }

    /// The rule's severity: the profile's override or the default.
    pub fn severity(&self, code: &str, default: Severity) -> Severity {
        self.rules
            .get(code)
            .and_then(|o| o.severity)
            .unwrap_or(default)
    }

    /// The basis text of a rule (P…/U… code) under this profile, as findings carry it; for the
    /// schedule rules P105–P109 the bases of the matching schedule items (and surprise tests
    /// for P105), joined by `；`. Empty for data checks and unknown codes.
    pub fn basis_of(&self, code: &str) -> String {
        let kind = match code {
            "P105" => Some(EventKind::Tests),
            "P106" => Some(EventKind::Talks),
            "P107" => Some(EventKind::SelfReports),
            "P109" => Some(EventKind::Evaluations),
            _ => None,
        };
        if let Some(kind) = kind {
            let mut parts: Vec<&str> = Vec::new();
            for item in self.schedule.iter().filter(|i| i.kind == kind) {
                if !parts.contains(&item.basis.as_str()) {
                    parts.push(&item.basis);
                }
            }
            if kind == EventKind::Tests && self.surprise_tests.per_year > 0 {
                parts.push(&self.surprise_tests.basis);
            }
            return parts.join("；");
        }
        let sb = &self.serious_breach;
        let text = match code {
            "P101" | "P102" => &self.report_in.basis,
            "P103" => &self.agreement.basis,
            "P104" => &self.term.basis,
            "P108" => {
                return self
                    .totals
                    .iter()
                    .map(|t| t.basis.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            }
            "P110" => &sb.tests.basis,
            "P111" => &sb.departures.basis,
            "P112" => &self.positive_test.basis,
            "P113" => &sb.warnings.basis,
            "P114" => &self.leave.basis,
            "P115" => &self.female_group.basis,
            "P116" => &self.term.total_evaluation_basis,
            "P117" => &self.attention.basis,
            "P118" => &self.dynamic_control.basis,
            "U201" => &self.staffing.basis,
            "U202" => &self.workers.basis,
            "U203" => &self.funding.basis,
            "U204" => &self.agreement_rate.basis,
            _ => return String::new(),
        };
        text.clone()
    }

    /// The fully resolved profile as YAML (`rehabdocs profile show`).
    /// The settings the law fixes ([`STATUTORY`]) carry a trailing comment naming the article
    /// (`count: 3 # 法定：《戒毒条例》第二十条`); local settings are unmarked.
    pub fn to_yaml(&self) -> Result<String, String> {
        let yaml = serde_norway::to_string(self)
            .map_err(|e| format!("无法输出配置 {}: {e}", self.name))?;
        Ok(mark_statutory(&yaml))
    }
}

/// The dotted key an error from [`Profile::check_statutory`] begins with.
fn first_word(message: &str) -> &str {
    message.split_whitespace().next().unwrap_or("")
}

/// 1-based line where the dotted key `a.b.c` is written in block style: `c:` on the first
/// line after `b:`, which is after `a:`. None when the file does not write it (inherited).
fn line_of_path(text: &str, dotted: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut found = None;
    for seg in dotted.split('.') {
        let pat = format!("{seg}:");
        let at = (from..lines.len()).find(|&i| lines[i].trim_start().starts_with(&pat))?;
        found = Some(at + 1);
        from = at + 1;
    }
    found
}

/// Appends `# 法定：{article}` to the lines of `yaml` (block style, as serde_norway writes it)
/// whose dotted key is in [`STATUTORY`].
fn mark_statutory(yaml: &str) -> String {
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut out = String::with_capacity(yaml.len() + 256);
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let key = if body.starts_with('-') || body.starts_with('#') {
            None
        } else {
            body.split_once(':').map(|(k, _)| k.trim().to_string())
        };
        out.push_str(line);
        if let Some(key) = key {
            while path.last().is_some_and(|(i, _)| *i >= indent) {
                path.pop();
            }
            path.push((indent, key));
            let dotted = path
                .iter()
                .map(|(_, k)| k.as_str())
                .collect::<Vec<_>>()
                .join(".");
            if let Some(s) = STATUTORY.iter().find(|s| s.key == dotted) {
                out.push_str(&format!(" # 法定：{}", s.article));
            }
        }
        out.push('\n');
    }
    out
}

/// The bundled profiles as text (`rehabdocs profile list`): name and description.
pub fn list_text() -> String {
    let mut out = String::new();
    for name in bundled_names() {
        let desc = Profile::load(name)
            .map(|p| p.description)
            .unwrap_or_else(|e| e);
        out.push_str(&format!("{name}\t{desc}\n"));
    }
    out
}

/// The text of a bundled profile as shipped, with its comments: the commented reference a
/// county copies from (`rehabdocs profile show NAME --commented`).
pub fn commented_text(name: &str) -> Result<String, String> {
    match BUNDLED.iter().find(|(n, _)| *n == name) {
        Some((_, text)) => Ok((*text).to_string()),
        None => Err(format!(
            "带说明的参考配置只有内置配置才有（{}）；自己的配置文件请直接用记事本打开",
            bundled_names().join("、")
        )),
    }
}

/// Names of the bundled profiles.
pub fn bundled_names() -> Vec<&'static str> {
    BUNDLED.iter().map(|(n, _)| *n).collect()
}

/// The label (for messages) and text of a bundled profile or file. `base` is the folder of the
/// file that names it in `extends:`.
fn source_text(name_or_file: &str, base: Option<&Path>) -> Result<(String, String), String> {
    if let Some((n, text)) = BUNDLED.iter().find(|(n, _)| *n == name_or_file) {
        return Ok((format!("内置配置 {n}"), (*text).to_string()));
    }
    let mut path = PathBuf::from(name_or_file);
    if path.is_relative() {
        if let Some(b) = base {
            path = b.join(path);
        }
    }
    if !path.exists() {
        return Err(format!(
            "找不到配置 {name_or_file}：既不是内置配置（{}），也不是文件",
            bundled_names().join("、")
        ));
    }
    let meta = std::fs::metadata(&path)
        .map_err(|e| format!("无法读取配置文件 {}: {e}", path.display()))?;
    if !meta.is_file() || meta.len() > MAX_PROFILE_BYTES {
        return Err(format!(
            "配置文件 {} 不是普通文件或超过 {} KB",
            path.display(),
            MAX_PROFILE_BYTES / 1024
        ));
    }
    let bytes =
        std::fs::read(&path).map_err(|e| format!("无法读取配置文件 {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("配置文件 {} 不是 UTF-8 编码", path.display()))?;
    if let Some(line) = too_deep(&text) {
        return Err(format!(
            "配置文件 {} 第 {line} 行嵌套超过 {MAX_PROFILE_DEPTH} 层，不是有效的配置",
            path.display()
        ));
    }
    Ok((path.display().to_string(), text))
}

/// The largest profile file read (the bundled ones are a few KB).
const MAX_PROFILE_BYTES: u64 = 1024 * 1024;
/// The deepest nesting a profile may have (the real ones nest four or five levels).
const MAX_PROFILE_DEPTH: usize = 32;

/// The first line where a profile nests deeper than [`MAX_PROFILE_DEPTH`], by brackets
/// (`[[[…`, `{{{…`) or by indentation (two spaces or `- ` a level), checked before parsing so
/// that a hostile file cannot make the parser recurse for seconds.
fn too_deep(text: &str) -> Option<usize> {
    let mut brackets = 0usize;
    for (k, line) in text.lines().enumerate() {
        let indent = line.chars().take_while(|c| matches!(c, ' ' | '-')).count();
        if indent / 2 > MAX_PROFILE_DEPTH {
            return Some(k + 1);
        }
        for c in line.chars() {
            match c {
                '[' | '{' => brackets += 1,
                ']' | '}' => brackets = brackets.saturating_sub(1),
                _ => {}
            }
            if brackets > MAX_PROFILE_DEPTH {
                return Some(k + 1);
            }
        }
    }
    None
}

/// A YAML error in a profile, for the clerk: file, line, item and what is wrong, in Chinese.
/// `text` (the file's own text) finds the line when serde_norway gives none.
fn yaml_error(label: &str, e: &serde_norway::Error, text: &str) -> String {
    let explained = crate::yaml_error::explain(e);
    let line = explained
        .line
        .or_else(|| crate::yaml_error::locate(text, &explained.target()));
    located(label, line, &explained.sentence())
}

/// `配置文件 {label} 第 {line} 行：{message}` (without the line when unknown).
fn located(label: &str, line: Option<usize>, message: &str) -> String {
    match line {
        Some(line) => format!("配置文件 {label} 第 {line} 行：{message}"),
        None => format!("配置文件 {label}：{message}"),
    }
}

/// Reads one file or bundled profile, resolves its `extends:` chain and returns the merged
/// mapping (without `extends`).
fn resolve(name_or_file: &str, base: Option<&Path>, depth: usize) -> Result<Value, String> {
    if depth > MAX_EXTENDS_DEPTH {
        return Err(format!(
            "配置 {name_or_file} 的 extends 嵌套过深（可能循环引用）"
        ));
    }
    let (label, text) = source_text(name_or_file, base)?;
    let value: Value = serde_norway::from_str(&text).map_err(|e| yaml_error(&label, &e, &text))?;
    let Value::Mapping(mut map) = value else {
        return Err(format!("配置文件 {label}: 顶层必须是键值映射"));
    };
    let parent = match map.remove("extends") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p),
        Some(_) => return Err(format!("配置文件 {label}: extends 必须是配置名或文件路径")),
    };
    if !map.contains_key("name") {
        let stem = Path::new(name_or_file)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| name_or_file.to_string());
        map.insert(Value::String("name".into()), Value::String(stem));
    }
    match parent {
        None => Ok(Value::Mapping(map)),
        Some(p) => {
            let own_dir = if BUNDLED.iter().any(|(n, _)| *n == name_or_file) {
                None
            } else {
                Path::new(&label).parent().map(Path::to_path_buf)
            };
            let mut merged = resolve(&p, own_dir.as_deref(), depth + 1)?;
            merge(&mut merged, Value::Mapping(map));
            Ok(merged)
        }
    }
}

/// Deep merge: mappings merge key by key, anything else replaces.
fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Mapping(a), Value::Mapping(b)) => merge_maps(a, b),
        (slot, other) => *slot = other,
    }
}

fn merge_maps(a: &mut Mapping, b: Mapping) {
    for (k, v) in b {
        match a.get_mut(&k) {
            Some(existing) => merge(existing, v),
            None => {
                a.insert(k, v);
            }
        }
    }
}

/// Deserialises a resolved mapping. A merged value carries no location, so it is written out
/// as YAML and read back to learn the path of what is wrong (`schedule[2].kind`), and that
/// path is looked up in the file's own text for its line.
fn from_resolved(value: Value, label: &str, text: &str) -> Result<Profile, String> {
    if let Value::Mapping(m) = &value {
        // Without extends, the file text is the whole profile: parse it directly to get
        // serde_norway's own location.
        if !text_has_extends(text) && m.contains_key("name") && text_defines_name(text) {
            return serde_norway::from_str::<Profile>(text)
                .map_err(|e| yaml_error(label, &e, text));
        }
    }
    let written = serde_norway::to_string(&value).map_err(|e| yaml_error(label, &e, text))?;
    serde_norway::from_str::<Profile>(&written).map_err(|e| {
        let explained = crate::yaml_error::explain(&e);
        let line = crate::yaml_error::locate(text, &explained.target());
        located(label, line, &explained.sentence())
    })
}

fn text_has_extends(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("extends:"))
}

fn text_defines_name(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("name:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_profiles_parse() {
        for name in bundled_names() {
            let p = Profile::load(name).unwrap();
            assert_eq!(p.name, name);
        }
    }

    #[test]
    fn shown_yaml_loads_back_to_the_same_profile() {
        let dir = tempfile::tempdir().unwrap();
        for name in bundled_names() {
            let p = Profile::load(name).unwrap();
            let yaml = p.to_yaml().unwrap();
            let file = dir.path().join(format!("{name}.yaml"));
            std::fs::write(&file, &yaml).unwrap();
            let back = Profile::load(file.to_str().unwrap()).unwrap();
            assert_eq!(back.to_yaml().unwrap(), yaml);
        }
    }

    #[test]
    fn county_schedule_with_calendar_periods_parses() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("county.yaml");
        std::fs::write(
            &file,
            "extends: standard\nschedule:\n  - { kind: tests, measure: 社区戒毒, period: 2, term_years: [2], min: 1, basis: x }\n  - { kind: 检测, period: term_year, min: 3, basis: y }\nsurprise_tests: { per_year: 2 }\n",
        )
        .unwrap();
        let p = Profile::load(file.to_str().unwrap()).unwrap();
        assert_eq!(p.name, "county");
        assert_eq!(p.schedule.len(), 2);
        assert_eq!(p.schedule[0].period, Period::Months(2));
        assert_eq!(p.schedule[1].kind, EventKind::Tests);
        assert_eq!(p.surprise_tests.per_year, 2);
        // Inherited basis of a partly overridden section.
        assert!(!p.surprise_tests.basis.is_empty());
        std::fs::write(
            &file,
            "extends: standard\nschedule:\n  - { kind: tests, period: 5, min: 1, basis: x }\n",
        )
        .unwrap();
        let e = Profile::load(file.to_str().unwrap()).unwrap_err();
        assert!(e.contains("period"), "{e}");
    }

    #[test]
    fn basis_of_every_rule() {
        let p = Profile::standard();
        for code in ["P101", "P105", "P110", "P116", "U204"] {
            assert!(!p.basis_of(code).is_empty(), "{code}");
        }
        assert!(p.basis_of("P105").contains("第一年6次"));
        assert!(p.basis_of("P101").contains("七日内"));
        assert_eq!(p.basis_of("D001"), "");
        assert!(Profile::load("ouhai")
            .unwrap()
            .basis_of("P108")
            .contains("28"));
    }

    fn county(dir: &Path, yaml: &str) -> Result<Profile, String> {
        let file = dir.join("county.yaml");
        std::fs::write(&file, yaml).unwrap();
        Profile::load(file.to_str().unwrap())
    }

    #[test]
    fn a_statutory_setting_changed_either_way_is_rejected_naming_file_key_and_article() {
        let dir = tempfile::tempdir().unwrap();
        let e = county(
            dir.path(),
            "extends: standard\nserious_breach:\n  tests:\n    count: 2\n",
        )
        .unwrap_err();
        assert!(e.contains("county.yaml"), "{e}");
        assert!(e.contains("第 4 行"), "{e}");
        assert!(e.contains("serious_breach.tests.count 为 2"), "{e}");
        assert!(e.contains("《戒毒条例》第二十条"), "{e}");
        // Laxer than the law is rejected too: the law defines the breach.
        let e = county(
            dir.path(),
            "extends: standard\nserious_breach:\n  tests:\n    count: 3\n  departures:\n    days_over: 45\n",
        )
        .unwrap_err();
        assert!(
            e.contains("serious_breach.departures.days_over 为 45") && e.contains("第 6 行"),
            "{e}"
        );
        let e = county(
            dir.path(),
            "extends: standard\nserious_breach: { departures: { count: 4 } }\n",
        )
        .unwrap_err();
        assert!(e.contains("serious_breach.departures.count 为 4"), "{e}");
        let e = county(
            dir.path(),
            "extends: standard\nreport_in: { statutory_days: 10 }\n",
        )
        .unwrap_err();
        assert!(
            e.contains("report_in.statutory_days 为 10") && e.contains("第十四条"),
            "{e}"
        );
        // Local settings stay free.
        let p = county(
            dir.path(),
            "extends: standard\nserious_breach: { warnings: { count: 3 } }\nleave: { max_days: 5 }\n",
        )
        .unwrap();
        assert_eq!(p.serious_breach.warnings.count, 3);
        for name in bundled_names() {
            Profile::load(name).unwrap().check_statutory().unwrap();
        }
    }

    #[test]
    fn shown_yaml_marks_the_statutory_settings_only() {
        let yaml = Profile::standard().to_yaml().unwrap();
        let marked: Vec<&str> = yaml.lines().filter(|l| l.contains("# 法定：")).collect();
        assert_eq!(marked.len(), STATUTORY.len(), "{yaml}");
        for s in STATUTORY {
            let last = s.key.rsplit('.').next().unwrap();
            assert!(
                marked.iter().any(|l| l
                    .trim_start()
                    .starts_with(&format!("{last}: {} # 法定：{}", s.value, s.article))),
                "{} in {marked:?}",
                s.key
            );
        }
        // The warnings' count (a local rule) is unmarked.
        let local = yaml
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("warnings:"))
            .find(|l| l.trim_start().starts_with("count:"))
            .unwrap();
        assert!(!local.contains('#'), "{local}");
        // Still valid YAML with the same values.
        let back: Value = serde_norway::from_str(&yaml).unwrap();
        assert_eq!(back["serious_breach"]["tests"]["count"], Value::from(3));
    }

    #[test]
    fn the_office_section_is_optional_and_checked() {
        assert_eq!(Profile::standard().office, OfficeSettings::default());
        let dir = tempfile::tempdir().unwrap();
        let p = county(
            dir.path(),
            "extends: standard\noffice:\n  name: 东城镇禁毒办\n  police: 某县公安局东城派出所\n  form_prefixes: { warning_letter: 诫 }\n",
        )
        .unwrap();
        assert_eq!(p.office.name.as_deref(), Some("东城镇禁毒办"));
        assert_eq!(p.office.form_prefixes["warning_letter"], "诫");
        assert!(p
            .to_yaml()
            .unwrap()
            .contains("police: 某县公安局东城派出所"));
        let e = county(dir.path(), "extends: standard\noffice:\n  adress: x\n").unwrap_err();
        assert!(e.contains("adress") && e.contains("第 3 行"), "{e}");
        let e = county(
            dir.path(),
            "extends: standard\noffice:\n  form_prefixes: { warning: 诫 }\n",
        )
        .unwrap_err();
        assert!(e.contains("form_prefixes") && e.contains("warning"), "{e}");
    }

    #[test]
    fn education_order() {
        assert!(education_rank("初中") < education_rank("高中"));
        assert_eq!(education_rank("中专"), education_rank("职高"));
        assert!(education_rank("博士") > education_rank("本科"));
        assert_eq!(education_rank("???"), None);
    }
}

/// Whether a value is its type's default (leaves such sections out of `profile show`).
pub fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
