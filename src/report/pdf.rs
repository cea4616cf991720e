//! The report as PDF: a Typst template (`templates/report.typ`) that reads the report's data
//! from a JSON virtual file ([`DATA_FILE`]).
//!
//! Register values (unit names, 编号, messages) only ever reach Typst as JSON strings, which
//! the template places as text: they are never evaluated as Typst code or markup. Every
//! number is formatted here, in Rust (percentages, money, scores, dates), so that the PDF
//! shows exactly what the XLSX and JSON hold; the template only lays out.
//!
//! The compile itself is one small function, [`render_pdf`], the only place that touches the
//! Typst engine.

use crate::report::aggregate::Figures;
use crate::report::explain::number as fmt_weight;
use crate::report::score::round_to;
use crate::report::{percent, AreaReport, Comparison, Rates, Report, UnitReport};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The embedded report template.
pub const REPORT_TEMPLATE: &str = include_str!("../../templates/report.typ");

/// The virtual file the template reads its data from.
pub const DATA_FILE: &str = "/report.json";

/// The most rows of findings the PDF appendix lists (the XLSX and JSON hold them all).
pub const PDF_FINDINGS_LIMIT: usize = 300;

/// A table for the template: every cell a formatted string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: `left`, `right` or `center`.
    pub align: Vec<&'static str>,
    /// Row indices (0-based, header excluded) drawn highlighted (vetoed units).
    pub marked: Vec<usize>,
    /// Relative column widths, from the longest text of each column ([`Table::sized`]).
    pub widths: Vec<f64>,
}

/// The width of a text in half-em units (a CJK character 2, other characters 1).
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

impl Table {
    fn new(header: Vec<String>, align: Vec<&'static str>) -> Table {
        Table {
            header,
            rows: Vec::new(),
            align,
            marked: Vec::new(),
            widths: Vec::new(),
        }
    }

    /// Sets the relative column widths from the texts: the longest cell of a column (a long
    /// header may wrap), between 4 and 60 half-ems. Fixed widths let the template lay a row
    /// out once, without measuring every cell of the column first.
    fn sized(mut self) -> Table {
        self.widths = (0..self.header.len())
            .map(|c| {
                let cells = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| text_width(s))
                    .max()
                    .unwrap_or(0);
                let head = text_width(&self.header[c]).min(10);
                cells.max(head).clamp(4, 60) as f64 + 2.0
            })
            .collect();
        self
    }
}

/// One bar of the score chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub marked: bool,
}

/// A horizontal bar chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarChart {
    pub max: f64,
    pub ticks: Vec<String>,
    pub bars: Vec<Bar>,
}

/// One unit's bars in the grouped rate chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarGroup {
    pub label: String,
    /// Rates (0–1; drawn capped at 1); None when nothing was due.
    pub values: Vec<Option<f64>>,
    pub texts: Vec<String>,
}

/// A grouped bar chart of rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChart {
    pub series: Vec<String>,
    pub groups: Vec<BarGroup>,
}

/// Everything `templates/report.typ` reads, in display form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PdfData {
    pub title: String,
    /// The title on the cover, broken where a reader expects it.
    pub title_lines: Vec<String>,
    pub period: String,
    /// Cover lines: (label, value).
    pub cover: Vec<(String, String)>,
    pub confidential: String,
    pub summary: Vec<String>,
    pub towns_table: Table,
    /// Why section 二 lists towns ("" when it lists units).
    pub detail_note: String,
    pub people_table: Table,
    pub work_table: Table,
    pub work_note: String,
    pub support_table: Table,
    pub help_table: Option<Table>,
    pub ranking_note: String,
    pub ranking_table: Table,
    pub score_chart: BarChart,
    pub score_chart_note: String,
    pub rate_chart: GroupChart,
    pub vetoes_table: Table,
    pub no_vetoes: String,
    pub deductions_table: Table,
    pub no_deductions: String,
    pub findings_note: String,
    pub findings_table: Table,
    pub scheme_rules: Vec<String>,
    pub scheme_table: Table,
    pub grades_table: Table,
    /// 存在问题及整改意见, units with problems in ranking order.
    pub rectifications: Vec<UnitRectifications>,
    /// The units without problems, in one sentence ("" when none).
    pub clean_units: String,
    pub quality_rules: Vec<String>,
    pub quality_note: String,
    pub quality_table: Table,
    pub signing: Signing,
}

/// One unit's problems and what to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRectifications {
    /// `1. 东村（优秀，95.00分）`
    pub heading: String,
    /// (problem, advice) pairs.
    pub items: Vec<(String, String)>,
}

/// One party that signs by hand (templates/style.typ `signature-rows`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    pub party: String,
}

/// The signing page: facts, the parties that sign, the seal (style.typ `closing-block`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signing {
    /// (label, value) lines: 文号, 考核单位, 考核对象, 考核期间.
    pub lines: Vec<(String, String)>,
    pub conclusion: String,
    pub signatures: Vec<Party>,
    /// The seal line: the office's seal text, or a label to seal by hand.
    pub seal: String,
    /// Empty: the date is written by hand.
    pub date: String,
}

/// `2025年3月1日` (GB/T 9704: Arabic numerals, no padding).
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn count(n: u32) -> String {
    n.to_string()
}

/// `15,000` (whole yuan, thousands separated).
pub fn money(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn score(x: f64) -> String {
    format!("{:.2}", round_to(x, 2))
}

fn signed_count(x: i64) -> String {
    if x > 0 {
        format!("+{x}")
    } else {
        x.to_string()
    }
}

/// `85.0%` or, with a comparison, `85.0%（+5.0）` (change in percentage points).
fn rate_with_change(r: Option<f64>, change: Option<Option<f64>>) -> String {
    match change {
        Some(Some(c)) => format!("{}（{:+.1}）", percent(r), c * 100.0),
        _ => percent(r),
    }
}

fn done_due(done: u32, due: u32) -> String {
    format!("{done}/{due}")
}

fn unit_label(u: &UnitReport, single_town: bool) -> String {
    if single_town {
        u.unit.clone()
    } else {
        format!("{} {}", u.town, u.unit)
    }
}

fn towns_table(r: &Report) -> Table {
    let compare = r.compared_with.is_some();
    let mut header: Vec<String> = [
        "乡镇(街道)",
        "村(社区)数",
        "实有吸毒人员",
        "在册人员",
        "协议签订率",
        "检测完成率",
        "谈话完成率",
        "评估完成率",
    ]
    .map(String::from)
    .to_vec();
    if compare {
        header.push("上年在册".into());
        header.push("在册增减".into());
    }
    let mut align = vec!["left"];
    align.extend(vec!["right"; header.len() - 1]);
    let mut t = Table::new(header, align);
    let mut areas: Vec<&AreaReport> = r.towns.iter().collect();
    if r.towns.len() != 1 {
        areas.push(&r.total);
    }
    for a in areas {
        let f = &a.figures;
        let p = a.previous.as_ref();
        let mut row = vec![
            a.name.clone(),
            count(a.units),
            count(f.registered_users),
            count(f.in_programme()),
            rate_with_change(a.rates.agreement_rate, p.map(|p| p.change_agreement_rate)),
            rate_with_change(a.rates.test_rate, p.map(|p| p.change_test_rate)),
            rate_with_change(a.rates.talk_rate, p.map(|p| p.change_talk_rate)),
            percent(a.rates.evaluation_rate),
        ];
        if compare {
            match p {
                Some(p) => {
                    row.push(count(p.in_programme));
                    row.push(signed_count(p.change_in_programme));
                }
                None => {
                    row.push("—".into());
                    row.push("—".into());
                }
            }
        }
        t.rows.push(row);
    }
    t
}

fn people_table(r: &Report, units: &[&UnitReport], single: bool) -> Table {
    let compare = r.compared_with.is_some();
    let mut header: Vec<String> = [
        "村(社区)",
        "实有吸毒人员",
        "社区戒毒",
        "社区康复",
        "新报到",
        "解除",
        "强制隔离戒毒",
        "中止",
    ]
    .map(String::from)
    .to_vec();
    let unknown = r.total.figures.in_unknown_measure > 0;
    if unknown {
        header.insert(4, "措施不明".into());
    }
    if compare {
        header.extend(["上年实有", "增减", "上年在册", "增减"].map(String::from));
    }
    let mut align = vec!["left"];
    align.extend(vec!["right"; header.len() - 1]);
    let mut t = Table::new(header, align);
    for u in units {
        let f = &u.figures;
        let mut row = vec![
            unit_label(u, single),
            count(f.registered_users),
            count(f.in_detox),
            count(f.in_rehab),
            count(f.new_in_year),
            count(f.discharged),
            count(f.compulsory_isolation),
            count(f.suspended),
        ];
        if unknown {
            row.insert(4, count(f.in_unknown_measure));
        }
        if compare {
            row.extend(compare_people(u.previous.as_ref()));
        }
        t.rows.push(row);
    }
    t
}

fn compare_people(p: Option<&Comparison>) -> Vec<String> {
    match p {
        Some(p) => vec![
            count(p.registered_users),
            signed_count(p.change_registered_users),
            count(p.in_programme),
            signed_count(p.change_in_programme),
        ],
        None => vec!["—".into(); 4],
    }
}

fn work_table(units: &[&UnitReport], single: bool) -> Table {
    let header: Vec<String> = [
        "村(社区)",
        "协议签订",
        "签订率",
        "检测(实/应)",
        "完成率",
        "谈话(实/应)",
        "完成率",
        "本人报告(实/应)",
        "完成率",
        "季度评估(实/应)",
        "完成率",
    ]
    .map(String::from)
    .to_vec();
    let mut align = vec!["left"];
    align.extend(vec!["right"; header.len() - 1]);
    let mut t = Table::new(header, align);
    for u in units {
        let f = &u.figures;
        // With --compare, each rate carries its change from last year in points.
        let p = u.previous.as_ref();
        let change = |now: Option<f64>, before: fn(&Rates) -> Option<f64>| {
            rate_with_change(
                now,
                p.map(|p| match (now, before(&p.rates)) {
                    (Some(a), Some(b)) => Some(round_to(a - b, 4)),
                    _ => None,
                }),
            )
        };
        t.rows.push(vec![
            unit_label(u, single),
            count(f.agreements_signed),
            change(u.rates.agreement_rate, |r| r.agreement_rate),
            done_due(f.obligations.tests_done, f.obligations.tests_due),
            change(u.rates.test_rate, |r| r.test_rate),
            done_due(f.obligations.talks_done, f.obligations.talks_due),
            change(u.rates.talk_rate, |r| r.talk_rate),
            done_due(
                f.obligations.self_reports_done,
                f.obligations.self_reports_due,
            ),
            change(u.rates.self_report_rate, |r| r.self_report_rate),
            done_due(
                f.obligations.evaluations_done,
                f.obligations.evaluations_due,
            ),
            change(u.rates.evaluation_rate, |r| r.evaluation_rate),
        ]);
    }
    t
}

fn support_table(units: &[&UnitReport], single: bool) -> Table {
    let header: Vec<String> = [
        "村(社区)",
        "口头告诫",
        "书面告诫",
        "严重违规",
        "已报告",
        "专职",
        "兼职",
        "应配",
        "配备率",
        "经费到位(元)",
        "应保障(元)",
        "保障率",
    ]
    .map(String::from)
    .to_vec();
    let mut align = vec!["left"];
    align.extend(vec!["right"; header.len() - 1]);
    let mut t = Table::new(header, align);
    for u in units {
        let f = &u.figures;
        t.rows.push(vec![
            unit_label(u, single),
            count(f.warnings_oral),
            count(f.warnings_written),
            count(f.breaches),
            count(f.breaches_reported),
            count(f.staff_full_time),
            count(f.staff_part_time),
            count(f.staff_required),
            percent(u.rates.staffing_rate),
            money(f.funding),
            money(f.funding_required),
            percent(u.rates.funding_rate),
        ]);
    }
    t
}

fn help_table(r: &Report, units: &[&UnitReport], single: bool) -> Option<Table> {
    let kinds: Vec<String> = r
        .total
        .figures
        .help_rows()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let total: u32 = r.total.figures.help.values().sum();
    if total == 0 {
        return None;
    }
    let mut header = vec!["村(社区)".to_string()];
    header.extend(kinds.iter().cloned());
    header.push("合计".into());
    let mut align = vec!["left"];
    align.extend(vec!["right"; header.len() - 1]);
    let mut t = Table::new(header, align);
    let row_of = |label: String, f: &Figures| {
        let mut row = vec![label];
        for k in &kinds {
            row.push(count(f.help.get(k).copied().unwrap_or(0)));
        }
        row.push(count(f.help.values().sum()));
        row
    };
    for u in units {
        t.rows.push(row_of(unit_label(u, single), &u.figures));
    }
    t.rows.push(row_of("合计".into(), &r.total.figures));
    Some(t)
}

fn ranking_table(r: &Report, single: bool) -> Table {
    let compare = r.compared_with.is_some();
    let mut header = vec!["名次".to_string(), "村(社区)".to_string()];
    for i in &r.indicators {
        header.push(format!("{}({})", i.name, fmt_weight(i.weight)));
    }
    header.extend(["总分", "等次"].map(String::from));
    if compare {
        header.extend(["上年得分", "变化", "上年等次"].map(String::from));
    }
    let mut align = vec!["center", "left"];
    align.extend(vec!["right"; r.indicators.len() + 1]);
    align.push("center");
    if compare {
        align.extend(["right", "right", "center"]);
    }
    let mut t = Table::new(header, align);
    for (k, u) in r.units.iter().enumerate() {
        let mut row = vec![count(u.rank), unit_label(u, single)];
        row.extend(u.indicators.iter().map(|s| score(s.points)));
        row.push(score(u.score));
        row.push(if u.vetoed {
            format!("{}（一票否决）", u.grade)
        } else {
            u.grade.clone()
        });
        if compare {
            match &u.previous {
                Some(p) => {
                    row.push(p.score.map(score).unwrap_or_else(|| "—".into()));
                    row.push(
                        p.change_score
                            .map(|c| format!("{:+.2}", c))
                            .unwrap_or_else(|| "—".into()),
                    );
                    row.push(p.grade.clone().unwrap_or_else(|| "—".into()));
                }
                None => row.extend(vec!["—".to_string(); 3]),
            }
        }
        if u.vetoed {
            t.marked.push(k);
        }
        t.rows.push(row);
    }
    t
}

/// The most units the PDF's section 二 (人员情况, 工作完成情况, 管理保障情况, 帮扶情况) lists
/// one by one; with more it lists towns (the XLSX's 各单位指标 has every unit). Laying out
/// tens of thousands of table cells is what made a city's report take gigabytes.
pub const UNIT_TABLES_LIMIT: usize = 300;

/// A town's figures in the shape of a unit's, for the tables of section 二.
fn area_as_unit(a: &AreaReport) -> UnitReport {
    UnitReport {
        rank: 0,
        town: String::new(),
        unit: a.name.clone(),
        listed: true,
        figures: a.figures.clone(),
        rates: a.rates.clone(),
        indicators: Vec::new(),
        score: 0.0,
        grade: String::new(),
        vetoed: false,
        veto_reasons: Vec::new(),
        rectifications: Vec::new(),
        previous: a.previous.clone(),
    }
}

/// The most units the PDF's charts show one by one; with more, they show towns and grades
/// (the XLSX's 图表 sheet has every unit).
pub const CHART_UNITS_LIMIT: usize = 60;

fn score_chart(r: &Report, single: bool) -> BarChart {
    if r.units.len() > CHART_UNITS_LIMIT {
        let max = r.units.len() as f64;
        return BarChart {
            max,
            ticks: (0..=4)
                .map(|i| fmt_weight((max * i as f64 / 4.0).round()))
                .collect(),
            bars: r
                .grades
                .iter()
                .map(|g| Bar {
                    label: g.grade.clone(),
                    value: g.units as f64,
                    text: format!("{}个", g.units),
                    marked: g.grade == r.veto_grade,
                })
                .collect(),
        };
    }
    let max = if r.full_marks > 0.0 {
        r.full_marks
    } else {
        100.0
    };
    let ticks = (0..=4)
        .map(|i| fmt_weight(round_to(max * i as f64 / 4.0, 1)))
        .collect();
    BarChart {
        max,
        ticks,
        bars: r
            .units
            .iter()
            .map(|u| Bar {
                label: unit_label(u, single),
                value: u.score,
                text: score(u.score),
                marked: u.vetoed,
            })
            .collect(),
    }
}

fn rate_chart(r: &Report, units: &[&UnitReport], single: bool) -> GroupChart {
    let group = |label: String, rates: &Rates| {
        let values = vec![
            rates.agreement_rate,
            rates.test_rate,
            rates.talk_rate,
            rates.evaluation_rate,
        ];
        BarGroup {
            label,
            texts: values.iter().map(|v| percent(*v)).collect(),
            values,
        }
    };
    let groups = if units.len() > CHART_UNITS_LIMIT {
        let mut areas: Vec<&AreaReport> = r.towns.iter().collect();
        if r.towns.len() != 1 {
            areas.push(&r.total);
        }
        areas
            .iter()
            .map(|a| group(a.name.clone(), &a.rates))
            .collect()
    } else {
        units
            .iter()
            .map(|u| group(unit_label(u, single), &u.rates))
            .collect()
    };
    GroupChart {
        series: ["协议签订率", "检测完成率", "谈话完成率", "评估完成率"]
            .map(String::from)
            .to_vec(),
        groups,
    }
}

fn vetoes_table(r: &Report, single: bool) -> Table {
    let header = ["村(社区)", "情形", "编号", "日期", "单元格", "说明"]
        .map(String::from)
        .to_vec();
    let mut t = Table::new(header, vec!["left", "left", "left", "left", "left", "left"]);
    for v in &r.vetoes {
        t.rows.push(vec![
            if single {
                v.unit.clone()
            } else {
                format!("{} {}", v.town, v.unit)
            },
            v.name.clone(),
            v.person.clone(),
            chinese_date(v.date),
            v.cells.join(" "),
            v.message.clone(),
        ]);
    }
    t
}

fn deductions_table(r: &Report, single: bool) -> Table {
    let header = [
        "村(社区)",
        "指标",
        "完成率",
        "目标",
        "分值",
        "得分",
        "扣分",
        "相关问题",
    ]
    .map(String::from)
    .to_vec();
    let mut t = Table::new(
        header,
        vec![
            "left", "left", "right", "right", "right", "right", "right", "left",
        ],
    );
    for d in &r.deductions {
        let codes: Vec<String> = d.findings.iter().map(|(c, n)| format!("{c}×{n}")).collect();
        t.rows.push(vec![
            if single {
                d.unit.clone()
            } else {
                format!("{} {}", d.town, d.unit)
            },
            d.name.clone(),
            percent(d.rate),
            percent(Some(d.target)),
            fmt_weight(d.weight),
            score(d.points),
            score(d.lost),
            codes.join("、"),
        ]);
    }
    t
}

fn findings_table(r: &Report, single: bool) -> Table {
    let header = ["村(社区)", "扣分指标", "规则", "编号", "说明", "单元格"]
        .map(String::from)
        .to_vec();
    let mut t = Table::new(
        header,
        vec!["left", "left", "center", "left", "left", "left"],
    );
    for f in r.findings.iter().take(PDF_FINDINGS_LIMIT) {
        t.rows.push(vec![
            if single {
                f.unit.clone()
            } else {
                format!("{} {}", f.town, f.unit)
            },
            f.indicator.clone(),
            f.code.clone(),
            f.person.clone(),
            f.message.clone(),
            f.cells.join(" "),
        ]);
    }
    t
}

fn scheme_table(r: &Report) -> Table {
    let header = ["指标", "考核内容", "分值", "目标", "计分方法"]
        .map(String::from)
        .to_vec();
    let mut t = Table::new(header, vec!["left", "left", "right", "right", "left"]);
    for i in &r.indicators {
        t.rows.push(vec![
            i.name.clone(),
            i.measures.clone(),
            fmt_weight(i.weight),
            percent(Some(i.target)),
            i.scoring.clone(),
        ]);
    }
    t
}

fn grades_table(r: &Report) -> Table {
    let header = ["等次", "分数线", "村(社区)数"].map(String::from).to_vec();
    let mut t = Table::new(header, vec!["left", "right", "right"]);
    for g in &r.grades {
        t.rows.push(vec![
            g.grade.clone(),
            format!("≥ {}", fmt_weight(g.min)),
            count(g.units),
        ]);
    }
    t
}

fn quality_table(r: &Report, single: bool) -> Table {
    let header = [
        "处理",
        "村(社区)",
        "编号",
        "问题",
        "说明",
        "对统计的影响",
        "单元格",
    ]
    .map(String::from)
    .to_vec();
    let mut t = Table::new(
        header,
        vec!["center", "left", "left", "left", "left", "left", "left"],
    );
    for n in r.data_quality.notes.iter().take(PDF_FINDINGS_LIMIT) {
        t.rows.push(vec![
            n.treatment.label().to_string(),
            if single || n.town.is_empty() {
                n.unit.clone()
            } else {
                format!("{} {}", n.town, n.unit)
            },
            n.person.clone(),
            n.problem.clone(),
            n.message.clone(),
            n.effect.clone(),
            n.cells.join(" "),
        ]);
    }
    t
}

/// The note above the quality table: how many, and where the rest are.
fn quality_note(r: &Report) -> String {
    let q = &r.data_quality;
    if q.notes.is_empty() {
        return "台帐中没有影响统计的错误数据，全部人员和记录均已计入。".into();
    }
    let mut s = format!(
        "共{}处，其中未计入{}处、存疑{}处。",
        q.notes.len(),
        q.excluded(),
        q.notes.len() - q.excluded()
    );
    if q.notes.len() > PDF_FINDINGS_LIMIT {
        s.push_str(&format!(
            "此处列出前{PDF_FINDINGS_LIMIT}处，全部见同名 Excel 文件“数据质量说明”工作表。"
        ));
    }
    s
}

fn rectifications(r: &Report, single: bool) -> (Vec<UnitRectifications>, String) {
    let mut with = Vec::new();
    let mut clean = Vec::new();
    for u in &r.units {
        if u.rectifications.is_empty() {
            clean.push(unit_label(u, single));
            continue;
        }
        with.push(UnitRectifications {
            heading: format!(
                "{}. {}（{}，{}分）",
                with.len() + 1,
                unit_label(u, single),
                u.grade,
                score(u.score)
            ),
            items: u
                .rectifications
                .iter()
                .map(|x| (x.problem.clone(), x.advice.clone()))
                .collect(),
        });
    }
    let clean = if clean.is_empty() {
        String::new()
    } else {
        format!("{}：各项指标均达到目标，未发现问题。", clean.join("、"))
    };
    (with, clean)
}

/// The report's 文号 as printed (a blank to fill when it has none).
pub fn number_text(r: &Report) -> String {
    if r.number.is_empty() {
        "〔　　〕　号".to_string()
    } else {
        r.number.clone()
    }
}

fn signing(r: &Report, area: &str) -> Signing {
    let office = if r.office.is_empty() {
        "__________________".to_string()
    } else {
        r.office.clone()
    };
    let conclusion = r
        .summary
        .iter()
        .find(|s| s.starts_with("参加考核的"))
        .cloned()
        .unwrap_or_default();
    Signing {
        lines: vec![
            ("文号".into(), number_text(r)),
            ("考核单位".into(), office),
            (
                "考核对象".into(),
                format!("{area}{}个村（社区）", r.units.len()),
            ),
            (
                "考核期间".into(),
                format!(
                    "{}至{}",
                    chinese_date(r.period.from),
                    chinese_date(r.period.to)
                ),
            ),
        ],
        conclusion,
        signatures: [
            "考核组组长（签名）：",
            "考核组成员（签名）：",
            "考核组成员（签名）：",
            "考核组成员（签名）：",
            "审核人（签名）：",
        ]
        .iter()
        .map(|p| Party {
            party: p.to_string(),
        })
        .collect(),
        seal: if r.seal.is_empty() {
            "考核单位（盖章）".to_string()
        } else {
            format!("{}（盖章）", r.seal)
        },
        date: String::new(),
    }
}

/// The template's data, in display form.
pub fn pdf_data(r: &Report) -> PdfData {
    let single = r.towns.len() <= 1;
    let mut by_name: Vec<&UnitReport> = r.units.iter().collect();
    by_name.sort_by(|a, b| (&a.town, &a.unit).cmp(&(&b.town, &b.unit)));
    // Section 二 lists towns instead of units when there are very many units.
    let town_rows: Vec<UnitReport> = r.towns.iter().map(area_as_unit).collect();
    let (detail, detail_single, detail_note) = if by_name.len() > UNIT_TABLES_LIMIT {
        (
            town_rows.iter().collect::<Vec<_>>(),
            true,
            format!(
                "村（社区）较多（{}个），本节按乡镇（街道）列示；各村（社区）的数字见同名 Excel 文件“各单位指标”工作表，得分和排名见第三部分。",
                by_name.len()
            ),
        )
    } else {
        (by_name.clone(), single, String::new())
    };
    let area = if single {
        r.towns.first().map(|t| t.name.clone()).unwrap_or_default()
    } else {
        r.towns
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut cover = vec![("文号".to_string(), number_text(r))];
    if !r.office.is_empty() {
        cover.push(("考核单位".to_string(), r.office.clone()));
    }
    cover.extend([
        ("考核范围".to_string(), area.clone()),
        (
            "考核对象".to_string(),
            format!("{}个村（社区）", r.units.len()),
        ),
        ("台帐文件".to_string(), r.source.clone()),
        ("数据截至".to_string(), chinese_date(r.period.as_of)),
    ]);
    if let (Some(y), Some(source)) = (r.compared_with, &r.compared_source) {
        cover.push(("对比".to_string(), format!("{y}年（{source}）")));
    }
    let (rectifications, clean_units) = rectifications(r, single);
    let findings_note = if r.findings.is_empty() {
        "无扣分相关问题。".to_string()
    } else if r.findings.len() > PDF_FINDINGS_LIMIT {
        format!(
            "共{}条，此处列出前{}条，全部问题见同名 Excel 文件“问题清单”工作表。",
            r.findings.len(),
            PDF_FINDINGS_LIMIT
        )
    } else {
        format!("共{}条。", r.findings.len())
    };
    const SUBJECT: &str = "社区戒毒（康复）工作年终考核评估报告";
    let title_lines = match r.title.strip_suffix(SUBJECT) {
        Some(head) if !head.is_empty() => vec![head.to_string(), SUBJECT.to_string()],
        _ => vec![r.title.clone()],
    };
    PdfData {
        title: r.title.clone(),
        title_lines,
        period: format!(
            "考核期间：{}至{}",
            chinese_date(r.period.from),
            chinese_date(r.period.to)
        ),
        cover,
        confidential: "内部资料　注意保密（含个人信息，仅供考核使用）".into(),
        summary: r.summary.clone(),
        towns_table: towns_table(r).sized(),
        detail_note,
        people_table: people_table(r, &detail, detail_single).sized(),
        work_table: work_table(&detail, detail_single).sized(),
        work_note: if r.compared_with.is_some() {
            "完成率后括号内为与上年相比的变化（百分点）。".into()
        } else {
            String::new()
        },
        support_table: support_table(&detail, detail_single).sized(),
        help_table: help_table(r, &detail, detail_single).map(Table::sized),
        ranking_note: format!(
            "满分{}分。等次：{}；存在一票否决情形的，等次定为{}，排在其他单位之后。",
            fmt_weight(r.full_marks),
            r.grades
                .iter()
                .map(|g| format!("{} ≥ {}分", g.grade, fmt_weight(g.min)))
                .collect::<Vec<_>>()
                .join("，"),
            r.veto_grade
        ),
        ranking_table: ranking_table(r, single).sized(),
        score_chart: score_chart(r, single),
        score_chart_note: if r.units.len() > CHART_UNITS_LIMIT {
            format!(
                "村（社区）较多，此处按等次列示单位数，主要指标完成率按乡镇（街道）列示；各村（社区）的图表见同名 Excel 文件“图表”工作表。红色为{}（含一票否决）。",
                r.veto_grade
            )
        } else {
            "红色为一票否决的单位。".into()
        },
        rate_chart: rate_chart(r, &by_name, single),
        vetoes_table: vetoes_table(r, single).sized(),
        no_vetoes: "年内未发现弄虚作假等一票否决情形。".into(),
        deductions_table: deductions_table(r, single).sized(),
        no_deductions: "各村（社区）各项指标均得满分。".into(),
        findings_note,
        findings_table: findings_table(r, single).sized(),
        scheme_rules: r.scheme_rules.clone(),
        scheme_table: scheme_table(r).sized(),
        grades_table: grades_table(r).sized(),
        rectifications,
        clean_units,
        quality_rules: r.data_quality.rules.clone(),
        quality_note: quality_note(r),
        quality_table: quality_table(r, single).sized(),
        signing: signing(r, if single { &area } else { "" }),
    }
}

/// The template and the JSON data it reads (at [`DATA_FILE`]): what the Typst engine needs.
pub fn report_typst_inputs(report: &Report) -> (String, String) {
    let json = serde_json::to_string(&pdf_data(report)).unwrap_or_else(|_| "{}".into());
    (REPORT_TEMPLATE.to_string(), json)
}

/// Compiles the report to PDF bytes: the one place that calls the Typst engine
/// ([`crate::render::compile_pdf`], embedded fonts, no file access).
///
/// Characters no embedded font can draw (e.g. a rare name character outside the fonts) are
/// refused before compiling, naming them, rather than printed as blank boxes. The creation
/// date is fixed to 31 December of the report year, so the same register gives the same bytes.
pub fn render_pdf(report: &Report) -> Result<Vec<u8>, String> {
    let (template, json) = report_typst_inputs(report);
    let missing = crate::render::fonts::embedded().missing_chars(&json);
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|c| format!("“{c}”(U+{:04X})", *c as u32))
            .collect();
        return Err(format!(
            "报告中有内置字体无法显示的字符: {}；请检查台帐中的单位名称、编号等",
            list.join("、")
        ));
    }
    crate::render::compile_pdf(
        &template,
        &[(DATA_FILE, json.as_bytes())],
        report.period.as_of,
    )
    .map_err(|e| e.to_string())
}
