//! Rendering a [`CheckReport`]: text for a clerk (Chinese, grouped by 村(社区) and person,
//! then an at-a-glance summary) and JSON for machines. Both are deterministic: the same
//! report gives byte-identical output.

use crate::check::CheckReport;
use crate::finding::{Finding, Severity};
use crate::model::{RowCounts, Sheet};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Severities from most to least serious (output order).
const SEVERITIES: [Severity; 4] = [
    Severity::Error,
    Severity::Breach,
    Severity::Warning,
    Severity::Info,
];

/// Whether a text holds a CJK character: a message of our own, never a library's English.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Whether the program's own prints (check results, summaries, errors, the 问题清单) show
/// resident IDs and phone numbers in full (`--show-ids`) or masked (the default). The
/// statutory documents and the register copy always keep them whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ids {
    #[default]
    Masked,
    Shown,
}

impl Ids {
    /// `text` as this setting prints it.
    pub fn apply(self, text: &str) -> String {
        match self {
            Ids::Masked => mask_personal_numbers(text),
            Ids::Shown => text.to_string(),
        }
    }
}

/// Masks the personal numbers in a text the program prints: a resident ID (18 characters, 17
/// digits and a digit or X; or a 15-digit old-style one) keeps its region code and last four
/// (`110101********1234`); any other run of 11 or more digits — a mobile number, an ID with
/// digits missing or extra — keeps its first three (six from 14 digits on) and last four
/// (`138****0000`). Shorter numbers (dates, counts, 文号, amounts) are kept.
pub fn mask_personal_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut k = 0;
    while k < chars.len() {
        let run = chars[k..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == 'X' || **c == 'x')
            .count();
        let digits_before_last = chars[k..k + run.saturating_sub(1)]
            .iter()
            .all(char::is_ascii_digit);
        let keep_head = if run >= 14 { 6 } else { 3 };
        if run >= 11 && digits_before_last {
            out.extend(&chars[k..k + keep_head]);
            out.extend(std::iter::repeat_n('*', run - keep_head - 4));
            out.extend(&chars[k + run - 4..k + run]);
            k += run;
        } else if run > 0 {
            out.extend(&chars[k..k + run]);
            k += run;
        } else {
            out.push(chars[k]);
            k += 1;
        }
    }
    out
}

/// The Chinese name of a form id, for the summary (the id itself when unknown).
pub fn form_label(id: &str) -> &str {
    crate::paperwork::forms::short_name(id)
}

/// Whether a finding makes a report of a serious breach to the police due.
pub fn is_breach_to_report(f: &Finding) -> bool {
    f.due.iter().any(|d| d.0 == "serious_breach_report")
}

/// Counts per due form id, in id order.
fn documents_due(report: &CheckReport) -> BTreeMap<&str, usize> {
    let mut due = BTreeMap::new();
    for f in &report.findings {
        for d in &f.due {
            *due.entry(d.0.as_str()).or_insert(0) += 1;
        }
    }
    due
}

fn count_by_severity(report: &CheckReport, s: Severity) -> usize {
    report.findings.iter().filter(|f| f.severity == s).count()
}

/// The label of a person for headings: `编号 姓名`, or `姓名 公民身份号码` (masked when
/// printed) on a register without 编号 ([`crate::model::Person::label`]).
fn person_heading(report: &CheckReport, id: &str) -> String {
    report
        .register
        .person_index(id)
        .and_then(|i| report.register.persons.get(i))
        .map_or_else(|| id.to_string(), |p| p.label())
}

/// The text report: findings grouped by 村(社区), then person, then the summary; personal
/// numbers as `ids` says.
pub fn render_text(report: &CheckReport, ids: Ids) -> String {
    ids.apply(&render_text_full(report))
}

fn render_text_full(report: &CheckReport) -> String {
    let reg = &report.register;
    let mut out = String::new();
    let _ = writeln!(out, "台帐检查：{}", reg.source_name());
    let _ = writeln!(
        out,
        "检查基准日 {}，配置 {}",
        report.as_of.format("%Y-%m-%d"),
        report.profile
    );
    out.push('\n');
    if report.findings.is_empty() {
        out.push_str("未发现问题。\n");
    }
    let mut unit: Option<Option<&str>> = None;
    let mut person: Option<Option<&str>> = None;
    for f in &report.findings {
        let u = f.unit.as_deref();
        if unit != Some(u) {
            if unit.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "【{}】", u.unwrap_or("未注明村(社区)"));
            unit = Some(u);
            person = None;
        }
        let p = f.person.as_deref();
        if person != Some(p) {
            if let Some(id) = p {
                let _ = writeln!(out, "{}", person_heading(report, id));
            }
            person = Some(p);
        }
        let cells = f.cell_names(reg).join("、");
        let _ = write!(out, "  [{} {}]", f.code, f.severity.label());
        if !cells.is_empty() {
            let _ = write!(out, " {cells}");
        }
        let _ = writeln!(out, "  {}", f.message);
    }

    out.push_str("\n—— 汇总 ——\n");
    let _ = writeln!(out, "检查人数：{}", reg.persons.len());
    out.push_str("各表行数：\n");
    for (sheet, c) in &reg.rows {
        let _ = writeln!(
            out,
            "  {}：读取 {}，使用 {}，未使用 {}",
            reg.sheet_name(*sheet),
            c.read,
            c.used,
            c.rejected
        );
    }
    let notes = reg.layout_notes();
    if !notes.is_empty() {
        out.push_str("表格格式：\n");
        for n in notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    if !reg.ignored_sheets.is_empty() {
        let _ = writeln!(
            out,
            "未读取的工作表：{}（名称和表头都对不上台帐的任何一张表）",
            reg.ignored_sheets.join("、")
        );
    }
    let by_sev: Vec<String> = SEVERITIES
        .iter()
        .map(|s| format!("{} {}", s.label(), count_by_severity(report, *s)))
        .collect();
    let _ = writeln!(
        out,
        "问题：共 {}（{}）",
        report.findings.len(),
        by_sev.join("，")
    );
    let breaches: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| is_breach_to_report(f))
        .collect();
    let _ = writeln!(out, "需向公安机关报告的严重违规：{}", breaches.len());
    for f in breaches {
        let who = f
            .person
            .as_deref()
            .map(|id| person_heading(report, id))
            .unwrap_or_default();
        let _ = writeln!(out, "  {who} [{}] {}", f.code, f.message);
    }
    let due = documents_due(report);
    if due.is_empty() {
        out.push_str("应出具的文书：无\n");
    } else {
        out.push_str("检查发现涉及的文书（按发现计；实际出具时同一人同日的告诫合为一份，报告按法定事由合并，须先催告的先出具催告，数据有误的人员暂不出具，以 generate 为准）：\n");
        for (id, n) in due {
            let _ = writeln!(out, "  {}：{} 项发现", form_label(id), n);
        }
    }
    out
}

/// A JSON object whose keys keep the order they were given in.
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    person: Option<&'a str>,
    unit: Option<&'a str>,
    cells: Vec<String>,
    message: &'a str,
    basis: &'a str,
    due: Vec<&'a str>,
    due_date: Option<String>,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    as_of: String,
    profile: &'a str,
    persons: usize,
    findings: usize,
    by_severity: Ordered<usize>,
    by_code: BTreeMap<&'a str, usize>,
    breaches_to_report: usize,
    documents_due: BTreeMap<&'a str, usize>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary<'a>,
    rows: Ordered<RowCounts>,
}

/// The JSON report: `{"findings": [...], "summary": {...}, "rows": {...}}`, keys in a fixed
/// order, rows keyed by the canonical sheet name; personal numbers as `ids` says.
pub fn render_json(report: &CheckReport, ids: Ids) -> String {
    ids.apply(&render_json_full(report))
}

fn render_json_full(report: &CheckReport) -> String {
    let reg = &report.register;
    let findings = report
        .findings
        .iter()
        .map(|f| JsonFinding {
            code: f.code,
            severity: f.severity,
            person: f.person.as_deref(),
            unit: f.unit.as_deref(),
            cells: f.cell_names(reg),
            message: &f.message,
            basis: &f.basis,
            due: f.due.iter().map(|d| d.0.as_str()).collect(),
            due_date: f.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
        })
        .collect();
    let mut by_code = BTreeMap::new();
    for f in &report.findings {
        *by_code.entry(f.code).or_insert(0) += 1;
    }
    let summary = JsonSummary {
        as_of: report.as_of.format("%Y-%m-%d").to_string(),
        profile: &report.profile,
        persons: reg.persons.len(),
        findings: report.findings.len(),
        by_severity: Ordered(
            SEVERITIES
                .iter()
                .map(|s| (s.as_str().to_string(), count_by_severity(report, *s)))
                .collect(),
        ),
        by_code,
        breaches_to_report: report
            .findings
            .iter()
            .filter(|f| is_breach_to_report(f))
            .count(),
        documents_due: documents_due(report),
    };
    let rows = Ordered(
        Sheet::ALL
            .iter()
            .filter_map(|s| {
                reg.rows
                    .get(s)
                    .map(|c| (s.canonical_name().to_string(), *c))
            })
            .collect(),
    );
    let json = JsonReport {
        findings,
        summary,
        rows,
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|e| {
        // Serialising plain strings and numbers cannot fail; keep a valid document anyway.
        format!("{{\"error\":\"{e}\"}}")
    });
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_and_phones_are_masked_and_other_numbers_kept() {
        assert_eq!(
            mask_personal_numbers("公民身份号码「350102199508179330」的校验位错误"),
            "公民身份号码「350102********9330」的校验位错误"
        );
        assert_eq!(
            mask_personal_numbers("11010519491231002X"),
            "110105********002X"
        );
        assert_eq!(mask_personal_numbers("110105491231002"), "110105*****1002");
        // An ID with a digit lost, and a mobile number.
        assert_eq!(
            mask_personal_numbers("「11010519900307123」应为18位"),
            "「110105*******7123」应为18位"
        );
        assert_eq!(
            mask_personal_numbers("电话13800001234，2025年3月1日，文号〔2025〕12号，经费1200000元"),
            "电话138****1234，2025年3月1日，文号〔2025〕12号，经费1200000元"
        );
        assert_eq!(Ids::Shown.apply("13800001234"), "13800001234");
        assert_eq!(Ids::default().apply("13800001234"), "138****1234");
    }
}
