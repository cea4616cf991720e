//! The scoring scheme of the year-end appraisal (考核评估方案): indicators with weights and
//! targets, grade bands and veto conditions (一票否决).
//!
//! The default scheme is `forms/appraisal.yaml`, embedded in the binary. A profile may carry
//! an `appraisal:` section that overrides it ([`Scheme::with_override`]). Parsing is strict:
//! an unknown key is an error that names the key (and, for YAML text, the line).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The embedded default scheme.
pub const DEFAULT_SCHEME_YAML: &str = include_str!("../../forms/appraisal.yaml");

/// A scheme that cannot be used; the message is Chinese and names the key or line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SchemeError(pub String);

/// What an indicator measures. Each is a rate computed from the unit's figures
/// ([`crate::report::aggregate::Figures`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// agreements signed / registered users
    AgreementRate,
    /// tests done / tests due
    TestRate,
    /// face-to-face talks done / due
    TalkRate,
    /// self-reports done / due
    SelfReportRate,
    /// quarterly evaluations done / due
    EvaluationRate,
    /// workers available / workers required by the ratio
    StaffingRate,
    /// funding received / funding required
    FundingRate,
    /// serious breaches reported / serious breaches found
    BreachReportRate,
}

/// How points scale with the rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// weight × min(rate / target, 1)
    Linear,
    /// weight when rate ≥ target, else 0
    Threshold,
}

/// Points when nothing was due (the rate is undefined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoneDue {
    Full,
    Zero,
}

/// One scored indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    /// Chinese name, e.g. 协议签订率.
    pub name: String,
    /// What it measures, in words.
    pub measures: String,
    pub metric: Metric,
    pub weight: f64,
    /// The rate that earns full points (0.70 = 70 %).
    pub target: f64,
    pub scale: Scale,
    #[serde(default = "none_due_full")]
    pub none_due: NoneDue,
    /// Finding codes that explain lost points.
    #[serde(default)]
    pub codes: Vec<String>,
    /// What a unit that lost points on it should do (整改意见), in plain Chinese.
    #[serde(default)]
    pub advice: String,
}

fn none_due_full() -> NoneDue {
    NoneDue::Full
}

/// A grade band: a score at or above `min` earns `grade` (bands checked from the highest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub grade: String,
    pub min: f64,
}

/// The veto conditions the code knows (records found falsified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoKind {
    /// A test, talk, leave, warning or evaluation dated after the person's discharge
    /// (状态 已解除, event date > 状态日期).
    EventAfterDischarge,
    /// A test carried out (阴性/阳性) dated after the day the person was detained
    /// (状态 中止 / 强制隔离戒毒 / 终止, test date > 状态日期).
    TestWhileDetained,
    /// The same test entered twice (same person, date and result).
    DuplicateTest,
}

impl VetoKind {
    /// What the condition is, in words (the report's appendix).
    pub fn description(self) -> &'static str {
        match self {
            VetoKind::EventAfterDischarge => {
                "人员已解除（状态为已解除）后，仍记有日期在解除之后的检测、谈话、请假、告诫或评估记录（解除后的帮扶不在此列）"
            }
            VetoKind::TestWhileDetained => {
                "人员被中止、强制隔离戒毒或终止之后，仍记有日期在其后的已做检测（阴性或阳性；当天的检测和未到、拒绝、逃避的记录不在此列）"
            }
            VetoKind::DuplicateTest => "同一人员同一天同一结果的检测登记两次以上",
        }
    }
}

/// A veto condition switched on or off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub id: VetoKind,
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// Standards the figures are measured against (ratios and amounts). They are programme
/// rules, so they come from the profile ([`Standards::from_profile`]), the same numbers the
/// unit rules U201/U203 use; the scheme only says how to score against them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standards {
    /// Registered users per full-time worker (20).
    pub users_per_worker: u32,
    /// Yuan per registered user a year (1,500).
    pub funding_per_user: f64,
    /// Yuan a year at least (10,000).
    pub funding_floor: f64,
}

impl Standards {
    /// The profile's staffing ratio and funding standard (the numbers of U201 and U203).
    pub fn from_profile(profile: &crate::profile::Profile) -> Standards {
        Standards {
            users_per_worker: profile.staffing.users_per_full_time_worker.max(1),
            funding_per_user: f64::from(profile.funding.per_user),
            funding_floor: f64::from(profile.funding.minimum),
        }
    }
}

/// A whole scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub name: String,
    #[serde(default)]
    pub basis: String,
    pub indicators: Vec<Indicator>,
    pub grades: Vec<GradeBand>,
    pub veto_grade: String,
    #[serde(default)]
    pub vetoes: Vec<Veto>,
}

/// A partial indicator in an override: `id` picks the indicator, other fields replace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorPatch {
    id: String,
    name: Option<String>,
    measures: Option<String>,
    metric: Option<Metric>,
    weight: Option<f64>,
    target: Option<f64>,
    scale: Option<Scale>,
    none_due: Option<NoneDue>,
    codes: Option<Vec<String>>,
    advice: Option<String>,
}

/// A profile's `appraisal:` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeOverride {
    name: Option<String>,
    basis: Option<String>,
    indicators: Option<Vec<IndicatorPatch>>,
    grades: Option<Vec<GradeBand>>,
    veto_grade: Option<String>,
    vetoes: Option<Vec<Veto>>,
}

fn yaml_error(what: &str, e: &serde_norway::Error) -> SchemeError {
    let msg = e.to_string();
    let detail = match msg.find("unknown field `") {
        Some(i) => {
            let rest = &msg[i + "unknown field `".len()..];
            let key = rest.split('`').next().unwrap_or(rest);
            format!("未知的键 {key}（{msg}）")
        }
        None => msg.clone(),
    };
    match e.location() {
        Some(loc) => SchemeError(format!(
            "{what}第{}行第{}列: {detail}",
            loc.line(),
            loc.column()
        )),
        None => SchemeError(format!("{what}: {detail}")),
    }
}

/// The key an "unknown key" scheme error names.
pub fn unknown_key(message: &str) -> Option<String> {
    let rest = &message[message.find("未知的键 ")? + "未知的键 ".len()..];
    let key: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '（')
        .collect();
    (!key.is_empty()).then_some(key)
}

/// The 1-based line of `key` inside the top-level `appraisal:` section of a profile's YAML
/// text (the first line under it that starts with `key:` or `- key:`).
pub fn appraisal_key_line(text: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let top_level = !line.starts_with([' ', '\t', '#', '-']) && !line.trim().is_empty();
        if top_level {
            inside = line.starts_with("appraisal:");
            continue;
        }
        if !inside {
            continue;
        }
        let t = line.trim_start().trim_start_matches("- ").trim_start();
        let t = t.trim_start_matches('{').trim_start();
        if t.starts_with(&format!("{key}:")) || line.contains(&format!(" {key}:")) {
            return Some(i + 1);
        }
    }
    None
}

impl Scheme {
    /// The embedded default scheme.
    pub fn default_scheme() -> Result<Scheme, SchemeError> {
        Scheme::from_yaml(DEFAULT_SCHEME_YAML)
    }

    /// Parses and validates a scheme from YAML text (strict: unknown keys are errors).
    pub fn from_yaml(text: &str) -> Result<Scheme, SchemeError> {
        let scheme: Scheme =
            serde_norway::from_str(text).map_err(|e| yaml_error("考核方案", &e))?;
        scheme.validate()?;
        Ok(scheme)
    }

    /// The scheme for a profile: the default, overridden by the profile's `appraisal:`
    /// section when it has one.
    pub fn for_profile_section(
        section: Option<&serde_norway::Value>,
    ) -> Result<Scheme, SchemeError> {
        let base = Scheme::default_scheme()?;
        match section {
            Some(v) => base.with_override(v),
            None => Ok(base),
        }
    }

    /// Applies an override (a profile's `appraisal:` section): top-level keys replace the
    /// scheme's, `indicators` merge by id (given fields replace; new ids are added and must
    /// be complete).
    pub fn with_override(mut self, value: &serde_norway::Value) -> Result<Scheme, SchemeError> {
        let o: SchemeOverride = serde_norway::from_value(value.clone())
            .map_err(|e| yaml_error("配置的 appraisal 部分", &e))?;
        if let Some(v) = o.name {
            self.name = v;
        }
        if let Some(v) = o.basis {
            self.basis = v;
        }
        if let Some(v) = o.grades {
            self.grades = v;
        }
        if let Some(v) = o.veto_grade {
            self.veto_grade = v;
        }
        if let Some(v) = o.vetoes {
            self.vetoes = v;
        }
        for patch in o.indicators.unwrap_or_default() {
            match self.indicators.iter_mut().find(|i| i.id == patch.id) {
                Some(ind) => {
                    if let Some(v) = patch.name {
                        ind.name = v;
                    }
                    if let Some(v) = patch.measures {
                        ind.measures = v;
                    }
                    if let Some(v) = patch.metric {
                        ind.metric = v;
                    }
                    if let Some(v) = patch.weight {
                        ind.weight = v;
                    }
                    if let Some(v) = patch.target {
                        ind.target = v;
                    }
                    if let Some(v) = patch.scale {
                        ind.scale = v;
                    }
                    if let Some(v) = patch.none_due {
                        ind.none_due = v;
                    }
                    if let Some(v) = patch.codes {
                        ind.codes = v;
                    }
                    if let Some(v) = patch.advice {
                        ind.advice = v;
                    }
                }
                None => {
                    let missing = |f: &str| {
                        SchemeError(format!(
                            "配置的 appraisal 部分: 新指标 {} 缺少 {f}",
                            patch.id
                        ))
                    };
                    let ind = Indicator {
                        name: patch.name.ok_or_else(|| missing("name"))?,
                        measures: patch.measures.unwrap_or_default(),
                        metric: patch.metric.ok_or_else(|| missing("metric"))?,
                        weight: patch.weight.ok_or_else(|| missing("weight"))?,
                        target: patch.target.ok_or_else(|| missing("target"))?,
                        scale: patch.scale.unwrap_or(Scale::Linear),
                        none_due: patch.none_due.unwrap_or(NoneDue::Full),
                        codes: patch.codes.unwrap_or_default(),
                        advice: patch.advice.unwrap_or_default(),
                        id: patch.id,
                    };
                    self.indicators.push(ind);
                }
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// Checks what the types cannot: positive weights and targets, unique ids, bands.
    pub fn validate(&self) -> Result<(), SchemeError> {
        let err = |m: String| Err(SchemeError(format!("考核方案: {m}")));
        if self.indicators.is_empty() {
            return err("没有考核指标（indicators）".into());
        }
        let mut ids = BTreeSet::new();
        for ind in &self.indicators {
            if !ids.insert(ind.id.as_str()) {
                return err(format!("指标 {} 重复", ind.id));
            }
            if !(ind.weight.is_finite() && ind.weight >= 0.0) {
                return err(format!("指标 {} 的分值 weight 必须是非负数", ind.id));
            }
            if !(ind.target.is_finite() && ind.target > 0.0) {
                return err(format!("指标 {} 的目标 target 必须大于 0", ind.id));
            }
        }
        if self.total_weight() <= 0.0 {
            return err("指标分值之和必须大于 0".into());
        }
        if self.grades.is_empty() {
            return err("没有等次（grades）".into());
        }
        if self.grades.iter().any(|g| !g.min.is_finite()) {
            return err("等次的分数线 min 必须是数".into());
        }
        if !self.grades.iter().any(|g| g.grade == self.veto_grade) {
            return err(format!(
                "一票否决的等次 veto_grade “{}” 不在等次（grades）中",
                self.veto_grade
            ));
        }
        Ok(())
    }

    /// The sum of the indicators' weights (full marks).
    pub fn total_weight(&self) -> f64 {
        self.indicators.iter().map(|i| i.weight).sum()
    }

    /// The grade a score earns (the highest band whose `min` it reaches; the lowest band
    /// otherwise).
    pub fn grade_for(&self, score: f64) -> &str {
        let mut bands: Vec<&GradeBand> = self.grades.iter().collect();
        bands.sort_by(|a, b| b.min.total_cmp(&a.min));
        for b in &bands {
            if score >= b.min {
                return &b.grade;
            }
        }
        bands.last().map(|b| b.grade.as_str()).unwrap_or("")
    }

    /// Whether a veto condition is switched on.
    pub fn veto_enabled(&self, kind: VetoKind) -> bool {
        self.vetoes.iter().any(|v| v.id == kind && v.enabled)
    }

    /// The scheme's name for a veto condition.
    pub fn veto_name(&self, kind: VetoKind) -> String {
        self.vetoes
            .iter()
            .find(|v| v.id == kind)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| format!("{kind:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scheme_parses_and_sums_to_100() {
        let s = Scheme::default_scheme().unwrap();
        assert_eq!(s.total_weight(), 100.0);
        assert_eq!(s.grade_for(90.0), "优秀");
        assert_eq!(s.grade_for(89.9), "良好");
        assert_eq!(s.grade_for(60.0), "合格");
        assert_eq!(s.grade_for(10.0), "不合格");
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = DEFAULT_SCHEME_YAML.replace(
            "    scale: linear\n    none_due: full\n    codes: [P107]",
            "    scale: linear\n    none_due: full\n    codes: [P107]\n    wieght: 3",
        );
        let e = Scheme::from_yaml(&text).unwrap_err().0;
        assert!(e.contains("未知的键 wieght"), "{e}");
        let line = text.lines().position(|l| l.contains("wieght")).unwrap() + 1;
        assert!(e.contains(&format!("第{line}行")), "{e}");
    }

    #[test]
    fn profile_section_merges_indicators_by_id() {
        let v: serde_norway::Value = serde_norway::from_str(
            "indicators:\n  - id: tests\n    weight: 30\ngrades:\n  - { grade: 达标, min: 50 }\n  - { grade: 不达标, min: 0 }\nveto_grade: 不达标\n",
        )
        .unwrap();
        let s = Scheme::for_profile_section(Some(&v)).unwrap();
        let t = s.indicators.iter().find(|i| i.id == "tests").unwrap();
        assert_eq!(t.weight, 30.0);
        assert_eq!(t.name, "检测完成率");
        assert_eq!(s.total_weight(), 110.0);
        assert_eq!(s.grade_for(55.0), "达标");
        let no_band: serde_norway::Value =
            serde_norway::from_str("grades:\n  - { grade: 达标, min: 50 }\n").unwrap();
        let e = Scheme::for_profile_section(Some(&no_band)).unwrap_err().0;
        assert!(e.contains("veto_grade"), "{e}");
        let bad: serde_norway::Value = serde_norway::from_str("weights: 3\n").unwrap();
        let e = Scheme::for_profile_section(Some(&bad)).unwrap_err().0;
        assert!(e.contains("未知的键 weights"), "{e}");
    }
}
