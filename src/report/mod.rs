//! The year-end appraisal report (年终考核评估): figures per village/community and per town,
//! scores from a scheme, grades, vetoes and the ranking; written as PDF, XLSX and JSON.
//!
//! - [`quality`]: what the figures leave out or rest on with a doubt (数据质量说明).
//! - [`aggregate`]: the year's figures (pure, one pass per person).
//! - [`scheme`]: the scoring scheme (`forms/appraisal.yaml`, overridable by a profile).
//! - [`score`]: indicator points, vetoes (一票否决), ranking.
//! - [`explain`]: the words of the report: per unit 存在问题及整改意见, the scheme as applied.
//! - [`build_report`]: everything above as one [`Report`], the data every output shows.
//! - [`json`], [`xlsx`], [`pdf`]: the outputs; [`write_report`] writes them atomically.

pub mod aggregate;
pub mod explain;
pub mod json;
pub mod pdf;
pub mod quality;
pub mod scheme;
pub mod score;
pub mod write;
pub mod xlsx;

pub use write::{write_report, ReportFiles, WriteError};

use crate::check::{check_loaded, Selection};
use crate::finding::Finding;
use crate::model::Register;
use crate::paperwork::ledger::Ledger;
use crate::paperwork::Office;
use crate::profile::Profile;
use crate::register::read_register;
use aggregate::{aggregate, CountingInputs, Figures, FiledReports, Period};
use quality::DataQuality;
use scheme::{Metric, NoneDue, Scale, Scheme};
use score::{find_vetoes, rank, round_to, score_unit, IndicatorScore, VetoHit};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The rates of every metric, 4 decimals; None when nothing was due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    pub agreement_rate: Option<f64>,
    pub test_rate: Option<f64>,
    pub talk_rate: Option<f64>,
    pub self_report_rate: Option<f64>,
    pub evaluation_rate: Option<f64>,
    pub staffing_rate: Option<f64>,
    pub funding_rate: Option<f64>,
    pub breach_report_rate: Option<f64>,
}

impl Rates {
    pub fn of(f: &Figures) -> Rates {
        let r = |m| f.rate(m).map(|x| round_to(x, 4));
        Rates {
            agreement_rate: r(Metric::AgreementRate),
            test_rate: r(Metric::TestRate),
            talk_rate: r(Metric::TalkRate),
            self_report_rate: r(Metric::SelfReportRate),
            evaluation_rate: r(Metric::EvaluationRate),
            staffing_rate: r(Metric::StaffingRate),
            funding_rate: r(Metric::FundingRate),
            breach_report_rate: r(Metric::BreachReportRate),
        }
    }
}

/// Last year's figures of a unit or area (from last year's register, counted by the same
/// rules), with the change of the headline figures (this year − last year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub year: i32,
    /// Every figure of last year.
    pub figures: Figures,
    pub rates: Rates,
    pub registered_users: u32,
    pub in_programme: u32,
    pub agreement_rate: Option<f64>,
    pub test_rate: Option<f64>,
    pub talk_rate: Option<f64>,
    /// Last year's score and grade (units only).
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub change_registered_users: i64,
    pub change_in_programme: i64,
    pub change_agreement_rate: Option<f64>,
    pub change_test_rate: Option<f64>,
    pub change_talk_rate: Option<f64>,
    pub change_score: Option<f64>,
}

/// A town or the whole register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaReport {
    pub name: String,
    pub units: u32,
    pub figures: Figures,
    pub rates: Rates,
    pub previous: Option<Comparison>,
}

/// One village/community, scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitReport {
    pub rank: u32,
    pub town: String,
    pub unit: String,
    /// Whether the unit has a row in 单位.
    pub listed: bool,
    pub figures: Figures,
    pub rates: Rates,
    pub indicators: Vec<IndicatorScore>,
    pub score: f64,
    pub grade: String,
    /// One or more veto conditions were found (the grade is the veto grade).
    pub vetoed: bool,
    /// Names of the veto conditions found.
    pub veto_reasons: Vec<String>,
    /// 存在问题及整改意见: each problem found, with what to do.
    pub rectifications: Vec<Rectification>,
    pub previous: Option<Comparison>,
}

/// One problem of a unit and what it should do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rectification {
    pub problem: String,
    pub advice: String,
}

/// Points a unit lost on one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deduction {
    pub town: String,
    pub unit: String,
    pub indicator: String,
    pub name: String,
    pub rate: Option<f64>,
    pub target: f64,
    pub weight: f64,
    pub points: f64,
    pub lost: f64,
    /// Findings of the indicator's codes in the unit, by code.
    pub findings: BTreeMap<String, u32>,
}

/// A finding that explains lost points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingRow {
    pub town: String,
    pub unit: String,
    /// The indicator it cost points on.
    pub indicator: String,
    pub code: String,
    pub severity: String,
    pub person: String,
    pub message: String,
    pub cells: Vec<String>,
}

/// The indicator definitions, as the report shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorInfo {
    pub id: String,
    pub name: String,
    pub measures: String,
    pub metric: Metric,
    pub weight: f64,
    pub target: f64,
    pub scale: Scale,
    pub none_due: NoneDue,
    /// How points are given, in words.
    pub scoring: String,
}

/// Grade counts, in the scheme's band order (highest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeCount {
    pub grade: String,
    pub min: f64,
    pub units: u32,
}

/// The whole year-end report: the data every output (JSON, XLSX, PDF) shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    pub year: i32,
    pub period: Period,
    /// The register's file name (never its folder: outputs do not depend on where it lies).
    pub source: String,
    /// The report's 文号 from the office's ledger ("" when built without one).
    pub number: String,
    /// The appraising office (考核单位) and the text of its seal ("" when not known: a line
    /// to fill by hand).
    pub office: String,
    pub seal: String,
    pub scheme: String,
    pub scheme_basis: String,
    /// The scheme as applied, in sentences: formula, grades, vetoes, how things were counted.
    pub scheme_rules: Vec<String>,
    pub full_marks: f64,
    pub veto_grade: String,
    pub indicators: Vec<IndicatorInfo>,
    pub grades: Vec<GradeCount>,
    /// Generated sentences summarising the year.
    pub summary: Vec<String>,
    pub total: AreaReport,
    pub towns: Vec<AreaReport>,
    /// Units in ranking order.
    pub units: Vec<UnitReport>,
    pub deductions: Vec<Deduction>,
    pub vetoes: Vec<VetoHit>,
    /// Findings that cost points, by unit and indicator.
    pub findings: Vec<FindingRow>,
    /// What the figures leave out or rest on with a doubt (数据质量说明).
    pub data_quality: DataQuality,
    /// The year compared with (`--compare`).
    pub compared_with: Option<i32>,
    /// Last year's register's file name (`--compare`).
    pub compared_source: Option<String>,
    /// Warnings for the reader (e.g. two registers with no unit in common).
    pub warnings: Vec<String>,
}

/// A report that cannot be built (a year out of range).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReportError(pub String);

/// `72.5%`
pub fn percent(r: Option<f64>) -> String {
    match r {
        Some(x) => format!("{:.1}%", x * 100.0),
        None => "—".into(),
    }
}

fn title_for(agg_towns: &[String], year: i32) -> String {
    match agg_towns {
        [one] if !one.is_empty() => format!("{one}{year}年度社区戒毒（康复）工作年终考核评估报告"),
        _ => format!("{year}年度社区戒毒（康复）工作年终考核评估报告"),
    }
}

/// Builds the report for `year` from a register, the findings of `check` on it (as of
/// 31 December of the year), the profile, the scheme and the reports the office filed (its
/// ledger's). The 文号 is left empty: [`run_report`] takes it from the ledger.
pub fn build_report(
    register: &Register,
    findings: &[Finding],
    profile: &Profile,
    scheme: &Scheme,
    year: i32,
    filed: &FiledReports,
) -> Result<Report, ReportError> {
    let period = Period::year(year).ok_or_else(|| ReportError(format!("年份超出范围: {year}")))?;
    let standards = scheme::Standards::from_profile(profile);
    let assessment = quality::assess(register, findings);
    let excluded = &assessment.excluded;
    let agg = aggregate(
        register,
        &CountingInputs {
            profile,
            findings,
            standards: &standards,
            excluded,
            filed,
        },
        &period,
    );
    let vetoes = find_vetoes(register, scheme, &period);

    // Score every unit.
    let mut scored: Vec<(Vec<IndicatorScore>, f64, Vec<String>)> = Vec::new();
    for u in &agg.units {
        let (inds, total) = score_unit(scheme, &u.figures);
        let reasons: BTreeSet<String> = vetoes
            .iter()
            .filter(|v| v.town == u.town && v.unit == u.unit)
            .map(|v| v.name.clone())
            .collect();
        scored.push((inds, total, reasons.into_iter().collect()));
    }
    let keys: Vec<(bool, f64, &str, &str)> = agg
        .units
        .iter()
        .zip(&scored)
        .map(|(u, s)| (!s.2.is_empty(), s.1, u.town.as_str(), u.unit.as_str()))
        .collect();
    let (order, ranks) = rank(&keys);

    // Findings by unit (index into agg.units), for the deductions and the appendix: a
    // person's findings go to the person's unit, a unit finding to the unit it names.
    // Persons left out of the count are left out here too.
    let mut findings_of_unit: Vec<Vec<&Finding>> = vec![Vec::new(); agg.units.len()];
    for f in findings {
        let person = f.person.as_deref().and_then(|id| register.person_index(id));
        if person.is_some_and(|pi| excluded[pi]) {
            continue;
        }
        let by_person = person
            .and_then(|pi| register.persons.get(pi))
            .and_then(|p| agg.unit_index(&p.town, &p.unit));
        let ui = by_person.or_else(|| {
            let name = f.unit.as_deref()?;
            agg.units
                .iter()
                .position(|u| u.unit == name)
                .or_else(|| agg.units.iter().position(|u| u.town == name))
        });
        if let Some(ui) = ui {
            findings_of_unit[ui].push(f);
        }
    }

    let mut units = Vec::with_capacity(order.len());
    let mut deductions = Vec::new();
    let mut rows = Vec::new();
    for &i in &order {
        let u = &agg.units[i];
        let (inds, total, reasons) = &scored[i];
        let vetoed = !reasons.is_empty();
        let grade = if vetoed {
            scheme.veto_grade.clone()
        } else {
            scheme.grade_for(*total).to_string()
        };
        let unit_findings: &[&Finding] = &findings_of_unit[i];
        let mut unit_deductions = Vec::new();
        for (ind, s) in scheme.indicators.iter().zip(inds) {
            if s.lost <= 0.0 {
                continue;
            }
            let mut by_code: BTreeMap<String, u32> = BTreeMap::new();
            for f in unit_findings {
                if !ind.codes.iter().any(|c| c == f.code) {
                    continue;
                }
                *by_code.entry(f.code.to_string()).or_default() += 1;
                rows.push(FindingRow {
                    town: u.town.clone(),
                    unit: u.unit.clone(),
                    indicator: ind.name.clone(),
                    code: f.code.to_string(),
                    severity: f.severity.label().to_string(),
                    person: f.person.clone().unwrap_or_default(),
                    message: crate::output::mask_personal_numbers(&f.message),
                    cells: f.cell_names(register),
                });
            }
            unit_deductions.push(Deduction {
                town: u.town.clone(),
                unit: u.unit.clone(),
                indicator: ind.id.clone(),
                name: ind.name.clone(),
                rate: s.rate,
                target: s.target,
                weight: s.weight,
                points: s.points,
                lost: s.lost,
                findings: by_code,
            });
        }
        let unit_vetoes: Vec<&VetoHit> = vetoes
            .iter()
            .filter(|v| v.town == u.town && v.unit == u.unit)
            .collect();
        let unit_quality = assessment
            .quality
            .notes
            .iter()
            .filter(|n| n.town == u.town && n.unit == u.unit)
            .count();
        let rectifications = explain::rectifications(&explain::UnitFacts {
            scheme,
            figures: &u.figures,
            deductions: &unit_deductions,
            vetoes: &unit_vetoes,
            data_errors: unit_quality,
        });
        deductions.extend(unit_deductions);
        units.push(UnitReport {
            rank: ranks[i],
            town: u.town.clone(),
            unit: u.unit.clone(),
            listed: u.listed,
            figures: u.figures.clone(),
            rates: Rates::of(&u.figures),
            indicators: inds.clone(),
            score: *total,
            grade,
            vetoed,
            veto_reasons: reasons.clone(),
            rectifications,
            previous: None,
        });
    }

    let towns: Vec<AreaReport> = agg
        .towns
        .iter()
        .map(|t| AreaReport {
            name: t.town.clone(),
            units: t.units,
            figures: t.figures.clone(),
            rates: Rates::of(&t.figures),
            previous: None,
        })
        .collect();
    let total_name = match agg.towns.as_slice() {
        [one] => one.town.clone(),
        _ => "合计".to_string(),
    };
    let total = AreaReport {
        name: total_name,
        units: agg.units.len() as u32,
        figures: agg.total.clone(),
        rates: Rates::of(&agg.total),
        previous: None,
    };
    let mut bands = scheme.grades.clone();
    bands.sort_by(|a, b| b.min.total_cmp(&a.min));
    let grades: Vec<GradeCount> = bands
        .iter()
        .map(|b| GradeCount {
            grade: b.grade.clone(),
            min: b.min,
            units: units.iter().filter(|u| u.grade == b.grade).count() as u32,
        })
        .collect();
    let town_names: Vec<String> = agg.towns.iter().map(|t| t.town.clone()).collect();
    let office = Office::from_profile(&profile.office, Default::default());
    let (office_name, seal) = match town_names.as_slice() {
        [one] => (office.name_for(one), office.seal_for(one)),
        // Several towns: only an office the profile names (else a line to fill by hand).
        _ => match office.settings.name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => (n.to_string(), office.seal_for("")),
            _ => (String::new(), String::new()),
        },
    };
    let mut report = Report {
        title: title_for(&town_names, year),
        year,
        period,
        source: register.source_name(),
        number: String::new(),
        office: office_name,
        seal,
        scheme: scheme.name.clone(),
        scheme_basis: scheme.basis.clone(),
        scheme_rules: explain::scheme_rules(scheme, &standards),
        full_marks: scheme.total_weight(),
        veto_grade: scheme.veto_grade.clone(),
        indicators: scheme
            .indicators
            .iter()
            .map(|i| IndicatorInfo {
                id: i.id.clone(),
                name: i.name.clone(),
                measures: i.measures.clone(),
                metric: i.metric,
                weight: i.weight,
                target: i.target,
                scale: i.scale,
                none_due: i.none_due,
                scoring: explain::scoring_words(i),
            })
            .collect(),
        grades,
        summary: Vec::new(),
        total,
        towns,
        units,
        deductions,
        vetoes,
        findings: rows,
        data_quality: assessment.quality,
        compared_with: None,
        compared_source: None,
        warnings: Vec::new(),
    };
    report.summary = summary_sentences(&report);
    Ok(report)
}

fn compare(cur: &Figures, prev: &Figures, year: i32) -> Comparison {
    let diff = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(round_to(a - b, 4)),
        _ => None,
    };
    let rates = Rates::of(prev);
    let now = Rates::of(cur);
    Comparison {
        year,
        figures: prev.clone(),
        registered_users: prev.registered_users,
        in_programme: prev.in_programme(),
        agreement_rate: rates.agreement_rate,
        test_rate: rates.test_rate,
        talk_rate: rates.talk_rate,
        score: None,
        grade: None,
        change_registered_users: cur.registered_users as i64 - prev.registered_users as i64,
        change_in_programme: cur.in_programme() as i64 - prev.in_programme() as i64,
        change_agreement_rate: diff(now.agreement_rate, rates.agreement_rate),
        change_test_rate: diff(now.test_rate, rates.test_rate),
        change_talk_rate: diff(now.talk_rate, rates.talk_rate),
        change_score: None,
        rates,
    }
}

/// Puts last year's figures (a report built from last year's register for `year − 1`)
/// beside this year's, per unit, per town and in total, and regenerates the summary. Every
/// figure of last year comes from that report (the other register, counted by the same
/// rules). Warns when the two registers share no unit, and says how many units have no
/// figures of last year.
pub fn attach_previous(report: &mut Report, previous: &Report) {
    let y = previous.year;
    report.compared_with = Some(y);
    report.compared_source = Some(previous.source.clone());
    report.total.previous = Some(compare(&report.total.figures, &previous.total.figures, y));
    for t in report.towns.iter_mut() {
        if let Some(p) = previous.towns.iter().find(|p| p.name == t.name) {
            t.previous = Some(compare(&t.figures, &p.figures, y));
        }
    }
    let mut matched = 0;
    for u in report.units.iter_mut() {
        if let Some(p) = previous
            .units
            .iter()
            .find(|p| p.town == u.town && p.unit == u.unit)
        {
            let mut c = compare(&u.figures, &p.figures, y);
            c.score = Some(p.score);
            c.grade = Some(p.grade.clone());
            c.change_score = Some(round_to(u.score - p.score, 2));
            u.previous = Some(c);
            matched += 1;
        }
    }
    if matched == 0 && !report.units.is_empty() {
        report.warnings.push(format!(
            "注意：上年台帐“{}”与本年台帐“{}”没有相同的村（社区），两年数据不可比，各村（社区）的上年栏均为空；请确认 --compare 指定的是同一地区{}年的台帐。",
            previous.source, report.source, y
        ));
    } else if matched < report.units.len() {
        report.warnings.push(format!(
            "上年台帐“{}”中没有{}个村（社区）的数据，其上年栏为空。",
            previous.source,
            report.units.len() - matched
        ));
    }
    report.summary = summary_sentences(report);
}

fn change_in_count(x: i64, unit: &str) -> String {
    match x {
        0 => "持平".into(),
        x if x > 0 => format!("增加{x}{unit}"),
        x => format!("减少{}{unit}", -x),
    }
}

/// The change of a rate in words. Two rates both at or above the target earned full points
/// both years: that is said, not a fall between two capped rates.
fn rate_change(name: &str, now: Option<f64>, before: Option<f64>, target: f64) -> String {
    match (now, before) {
        (Some(a), Some(b)) if a >= target && b >= target => format!(
            "{name}两年均达到目标（本年{}，上年{}）",
            percent(Some(a)),
            percent(Some(b))
        ),
        (Some(a), Some(b)) if (a - b).abs() < 0.0005 => format!("{name}持平"),
        (Some(a), Some(b)) if a > b => {
            format!("{name}提高{:.1}个百分点", (a - b) * 100.0)
        }
        (Some(a), Some(b)) => format!("{name}下降{:.1}个百分点", (b - a) * 100.0),
        _ => format!("{name}无可比数据"),
    }
}

impl Report {
    /// The target of the indicator that scores `metric` (1 when the scheme scores it not).
    pub fn target_of(&self, metric: Metric) -> f64 {
        self.indicators
            .iter()
            .find(|i| i.metric == metric)
            .map(|i| i.target)
            .unwrap_or(1.0)
    }
}

/// The summary in words: generated Chinese sentences with the year's figures.
pub fn summary_sentences(r: &Report) -> Vec<String> {
    let f = &r.total.figures;
    let area = match r.towns.as_slice() {
        [one] => one.name.clone(),
        towns => format!("{}个乡镇（街道）", towns.len()),
    };
    let mut out = r.warnings.clone();
    let unknown = if f.in_unknown_measure > 0 {
        format!("、措施类型不明{}名", f.in_unknown_measure)
    } else {
        String::new()
    };
    out.push(format!(
        "{}年，{}{}个村（社区）共有实有吸毒人员{}名；年内在册社区戒毒人员{}名、社区康复人员{}名{}，其中新报到{}名，解除{}名，转强制隔离戒毒{}名，中止{}名。",
        r.year, area, r.total.units, f.registered_users, f.in_detox, f.in_rehab, unknown,
        f.new_in_year, f.discharged, f.compulsory_isolation, f.suspended
    ));
    let target = r
        .indicators
        .iter()
        .find(|i| i.metric == Metric::AgreementRate)
        .map(|i| format!("（目标{:.0}%）", i.target * 100.0))
        .unwrap_or_default();
    out.push(format!(
        "签订社区戒毒（康复）协议{}份，签订率{}{}；检测应做{}次、实做{}次，完成率{}；面谈家访应做{}次、实做{}次，完成率{}；本人报告完成率{}；季度评估应做{}次、实做{}次，完成率{}。",
        f.agreements_signed, percent(r.total.rates.agreement_rate), target,
        f.obligations.tests_due, f.obligations.tests_done, percent(r.total.rates.test_rate),
        f.obligations.talks_due, f.obligations.talks_done, percent(r.total.rates.talk_rate),
        percent(r.total.rates.self_report_rate),
        f.obligations.evaluations_due, f.obligations.evaluations_done, percent(r.total.rates.evaluation_rate)
    ));
    let grounds: Vec<String> = f
        .breaches_by_code
        .iter()
        .map(|(code, n)| format!("{}{n}起", explain::rule_name(code)))
        .collect();
    let grounds = if grounds.is_empty() {
        String::new()
    } else {
        format!("（{}）", grounds.join("、"))
    };
    out.push(format!(
        "年内发出告诫{}次（书面{}次、口头{}次）；严重违反协议情形{}起{}，办公室已书面报告公安机关{}起。",
        f.warnings_oral + f.warnings_written,
        f.warnings_written,
        f.warnings_oral,
        f.breaches,
        grounds,
        f.breaches_reported
    ));
    out.push(format!(
        "配备专职社工{}名、兼职{}名（按配备比例应配{}名）；经费到位{:.0}元，应保障{:.0}元，保障率{}。",
        f.staff_full_time,
        f.staff_part_time,
        f.staff_required,
        f.funding,
        f.funding_required,
        percent(r.total.rates.funding_rate)
    ));
    let help: Vec<String> = f
        .help_rows()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k}{n}人次"))
        .collect();
    if !help.is_empty() {
        out.push(format!("年内开展帮扶：{}。", help.join("、")));
    }
    let counts: Vec<String> = r
        .grades
        .iter()
        .map(|g| format!("{}{}个", g.grade, g.units))
        .collect();
    let vetoed = r.units.iter().filter(|u| u.vetoed).count();
    let mut s = format!(
        "参加考核的{}个村（社区）中，{}",
        r.units.len(),
        counts.join("、")
    );
    if vetoed > 0 {
        s.push_str(&format!("，其中因弄虚作假被一票否决{vetoed}个"));
    }
    s.push('。');
    out.push(s);
    if let Some(first) = r.units.first() {
        out.push(format!(
            "得分最高的是{}{}（{:.2}分，{}）。",
            first.town, first.unit, first.score, first.grade
        ));
    }
    if let Some(sentence) = r.data_quality.sentence() {
        out.push(sentence);
    }
    if let Some(p) = &r.total.previous {
        let source = r
            .compared_source
            .as_deref()
            .map(|s| format!("（上年数据取自上年台帐“{s}”，按同一规则统计）"))
            .unwrap_or_default();
        out.push(format!(
            "与{}年相比{}，实有吸毒人员{}，在册人员{}，{}，{}，{}。",
            p.year,
            source,
            change_in_count(p.change_registered_users, "名"),
            change_in_count(p.change_in_programme, "名"),
            rate_change(
                "协议签订率",
                r.total.rates.agreement_rate,
                p.agreement_rate,
                r.target_of(Metric::AgreementRate)
            ),
            rate_change(
                "检测完成率",
                r.total.rates.test_rate,
                p.test_rate,
                r.target_of(Metric::TestRate)
            ),
            rate_change(
                "谈话完成率",
                r.total.rates.talk_rate,
                p.talk_rate,
                r.target_of(Metric::TalkRate)
            ),
        ));
    }
    out
}

/// The file names of the year's report: (PDF, XLSX, JSON).
pub fn file_names(year: i32) -> (String, String, String) {
    (
        format!("年终考核评估报告-{year}.pdf"),
        format!("年终考核评估-{year}.xlsx"),
        format!("年终考核评估-{year}.json"),
    )
}

/// Reads a register, checks it as of 31 December of `year` (every rule, so that the report
/// and `check` agree) and builds the year's report.
pub fn report_for_file(
    path: &Path,
    profile: &Profile,
    scheme: &Scheme,
    year: i32,
    filed: &FiledReports,
) -> Result<Report, ReportError> {
    let period = Period::year(year).ok_or_else(|| ReportError(format!("年份超出范围: {year}")))?;
    let outcome = read_register(path).map_err(|e| ReportError(e.to_string()))?;
    let checked = check_loaded(
        outcome.register,
        outcome.findings,
        profile,
        period.as_of,
        &Selection::default(),
    );
    build_report(
        &checked.register,
        &checked.findings,
        profile,
        scheme,
        year,
        filed,
    )
}

/// The three output files of a report, in memory (PDF, XLSX, JSON). Nothing is written when
/// any of them fails.
pub fn report_files(report: &Report) -> Result<ReportFiles, ReportError> {
    let (pdf_name, xlsx_name, json_name) = file_names(report.year);
    let _progress = crate::progress::Phase::spinner("生成考核报告");
    // The three renderings are independent: the XLSX and the JSON on another thread while
    // the PDF (the slowest and largest) is made on this one, which reuses the memory the
    // register and the check's findings were freed from (a new thread allocates afresh).
    let (pdf_result, xlsx_result, json_bytes) = std::thread::scope(|scope| {
        let others = scope.spawn(|| (xlsx::to_xlsx(report), json::to_json(report).into_bytes()));
        let pdf = pdf::render_pdf(report);
        match others.join() {
            Ok((xlsx, json)) => (
                pdf,
                xlsx.map_err(|e| format!("生成 Excel 文件失败: {e}")),
                json,
            ),
            Err(_) => (
                pdf,
                Err("生成 Excel 文件时程序出错".to_string()),
                Vec::new(),
            ),
        }
    });
    let pdf_bytes = pdf_result.map_err(ReportError)?;
    let xlsx_bytes = xlsx_result.map_err(ReportError)?;
    Ok(ReportFiles {
        files: vec![
            (pdf_name, pdf_bytes),
            (xlsx_name, xlsx_bytes),
            (json_name, json_bytes),
        ],
    })
}

/// What `rehabdocs report` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct ReportRequest<'a> {
    /// This year's register.
    pub register: &'a Path,
    pub year: i32,
    /// A bundled profile name or a YAML file.
    pub profile: &'a str,
    /// Last year's register (`--compare`), appraised for `year − 1`.
    pub compare: Option<&'a Path>,
    /// The office's ledger (`--ledger`); default as for `generate`
    /// ([`crate::paperwork::ledger::office_ledger_path`]).
    pub ledger: Option<&'a Path>,
}

/// The scheme a profile asks for: the embedded default, overridden by the profile's
/// `appraisal:` section when it has one.
pub fn scheme_for(profile: &Profile) -> Result<Scheme, scheme::SchemeError> {
    Scheme::for_profile_section(profile_appraisal(profile))
}

/// [`scheme_for`], and when the profile named by `name_or_file` is a YAML file and its
/// `appraisal:` section has an unknown key, the error also names the key's line in that file.
pub fn scheme_for_source(
    profile: &Profile,
    name_or_file: &str,
) -> Result<Scheme, scheme::SchemeError> {
    scheme_for(profile).map_err(|e| {
        let Some(key) = scheme::unknown_key(&e.0) else {
            return e;
        };
        let Ok(text) = std::fs::read_to_string(name_or_file) else {
            return e;
        };
        match scheme::appraisal_key_line(&text, &key) {
            Some(line) => {
                scheme::SchemeError(format!("{}（配置文件 {name_or_file} 第{line}行）", e.0))
            }
            None => e,
        }
    })
}

/// The profile's raw `appraisal:` section (`null` counts as absent).
fn profile_appraisal(profile: &Profile) -> Option<&serde_norway::Value> {
    profile.appraisal.as_ref().filter(|v| !v.is_null())
}

/// The ledger's form id of the year-end report.
pub const REPORT_FORM: &str = "appraisal_report";

/// The form prefix of the report's 文号 after the office's (`东禁考〔2025〕1号`), unless the
/// profile's `office.form_prefixes` names one for [`REPORT_FORM`].
pub const REPORT_NUMBER_PREFIX: &str = "考";

/// The report's number prefix: the office's (`office.prefix`, else the one town's first
/// character + 禁; 禁 alone for several towns without one), then the form's.
pub fn number_prefix(profile: &Profile, towns: &[AreaReport]) -> String {
    let office = Office::from_profile(&profile.office, Default::default());
    let town = match towns {
        [one] => one.name.as_str(),
        _ => "",
    };
    let own = office
        .settings
        .form_prefixes
        .get(REPORT_FORM)
        .map(|p| p.trim().to_string())
        .unwrap_or_else(|| REPORT_NUMBER_PREFIX.to_string());
    format!("{}{own}", office.office_prefix(town))
}

/// What `rehabdocs report` wrote, and what the reader should know.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    /// The files written (the ledger first when it changed).
    pub written: Vec<std::path::PathBuf>,
    pub warnings: Vec<String>,
}

/// `rehabdocs report`: reads the register(s), builds the report, takes its 文号 from the
/// office's ledger (the same one `generate` numbers documents from, locked while in use) and
/// writes the PDF, XLSX and JSON into `out` atomically (nothing is written if any step fails;
/// the ledger is written before the files, so a report never bears a number the ledger does
/// not hold).
pub fn run_report(
    request: &ReportRequest<'_>,
    out: &Path,
    force: bool,
) -> Result<ReportOutcome, ReportError> {
    let profile = Profile::load(request.profile).map_err(ReportError)?;
    let scheme = scheme_for_source(&profile, request.profile).map_err(|e| ReportError(e.0))?;
    let ledger_path = crate::paperwork::ledger::office_ledger_path(
        request.register,
        request.ledger,
        &profile.office,
    );
    let ledger_err = |e: crate::paperwork::ledger::LedgerError| ReportError(e.to_string());
    Ledger::check_path(&ledger_path, request.register).map_err(ledger_err)?;
    // The reports filed, read without the lock: nothing is locked or created before the
    // registers are read.
    let filed = FiledReports::from_ledger(&Ledger::load(&ledger_path).map_err(ledger_err)?);
    let mut report = report_for_file(request.register, &profile, &scheme, request.year, &filed)?;
    if let Some(prev_path) = request.compare {
        let previous = report_for_file(prev_path, &profile, &scheme, request.year - 1, &filed)?;
        attach_previous(&mut report, &previous);
    }
    // The number: under the lock, from the ledger as it is now, until the ledger is written.
    let _lock = Ledger::lock(&ledger_path, Ledger::LOCK_WAIT).map_err(ledger_err)?;
    let mut ledger = Ledger::load(&ledger_path).map_err(ledger_err)?;
    let loaded = ledger.entries().len();
    ledger.set_issue_date(report.period.as_of);
    let scope: Vec<&str> = report.towns.iter().map(|t| t.name.as_str()).collect();
    report.number = ledger.assign(
        &number_prefix(&profile, &report.towns),
        report.year,
        REPORT_FORM,
        "",
        &format!("{}年度考核@{}", report.year, scope.join("、")),
    );
    let files = report_files(&report)?;
    write::check_free(out, &files, force).map_err(|e| ReportError(e.0))?;
    let mut written = Vec::new();
    if ledger.entries().len() != loaded || !ledger_path.exists() {
        ledger.save(&ledger_path).map_err(ledger_err)?;
        written.push(ledger_path);
    }
    written.extend(write_report(out, &files, force).map_err(|e| ReportError(e.0))?);
    Ok(ReportOutcome {
        written,
        warnings: report.warnings.clone(),
    })
}
