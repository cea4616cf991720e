//! The map from findings to documents (`forms/documents.yaml`): which documents a finding makes
//! due, addressed to whom, on which ground; the facts a 告诫书 warns about; and the one table of
//! the law the documents cite.
//!
//! Rules say what is wrong; this table alone says which document follows (never the severity).
//! `rehabdocs rules` prints it beside the rule catalogue.

use crate::finding::{DueDocument, Finding};
use crate::model::{Measure, Status};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded map.
const DOCUMENTS_YAML: &str = include_str!("../../forms/documents.yaml");

/// Whose duty a finding says was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Duty {
    Person,
    Office,
    Group,
    Police,
    Unit,
    Data,
    None,
}

impl Duty {
    /// The word a clerk reads.
    pub fn label(self) -> &'static str {
        match self {
            Duty::Person => "本人违反协议",
            Duty::Office => "办公室工作",
            Duty::Group => "帮教小组工作",
            Duty::Police => "公安机关检测工作",
            Duty::Unit => "村（社区）工作",
            Duty::Data => "台帐数据",
            Duty::None => "提示",
        }
    }
}

/// Who a document is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressee {
    /// The person in the programme.
    Person,
    /// The public security organ that decided the measure (reports, discharge).
    Police,
    /// The 派出所 that carries out the tests.
    PoliceStation,
    /// The person's 帮教小组.
    Group,
    /// The 专职社工.
    Worker,
    /// The office itself.
    Office,
    /// The 村(社区).
    Unit,
}

impl Addressee {
    /// The word a clerk reads.
    pub fn label(self) -> &'static str {
        match self {
            Addressee::Person => "本人",
            Addressee::Police => "公安机关",
            Addressee::PoliceStation => "派出所",
            Addressee::Group => "帮教小组",
            Addressee::Worker => "专职社工",
            Addressee::Office => "办公室",
            Addressee::Unit => "村（社区）",
        }
    }
}

/// One document a finding makes due.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueDoc {
    pub form: String,
    pub to: Addressee,
    pub ground: Vec<String>,
    /// Due only once the finding's deadline (`Finding::due_date`) has passed.
    #[serde(default)]
    pub after_deadline: bool,
}

/// The map entry of one rule code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDocs {
    pub duty: Duty,
    #[serde(default)]
    pub documents: Vec<DueDoc>,
    #[serde(default)]
    pub note: String,
}

/// A kind of fact a 告诫书 warns about.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDocs {
    /// The fact in words (逃避或者拒绝接受检测).
    pub what: String,
    pub ground: Vec<String>,
}

/// One citation: the words cited for 社区戒毒, and for 社区康复 when they differ.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub text: String,
    #[serde(default)]
    pub rehab: Option<String>,
}

/// The documents a person's 状态 makes due once its 状态日期 is filled in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusDocs {
    pub documents: Vec<DueDoc>,
}

/// The whole map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMap {
    pub findings: BTreeMap<String, FindingDocs>,
    pub facts: BTreeMap<String, FactDocs>,
    /// Keyed by the 状态 as the register writes it (中止, 终止, 已变更执行地).
    #[serde(default)]
    pub statuses: BTreeMap<String, StatusDocs>,
    /// Cited by a 社区康复 document that cites an article without a `rehab` text.
    pub rehab_by_reference: String,
    pub citations: BTreeMap<String, Citation>,
}

fn parsed() -> &'static Result<DocumentMap, String> {
    static MAP: OnceLock<Result<DocumentMap, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        serde_norway::from_str(DOCUMENTS_YAML).map_err(|e| format!("forms/documents.yaml: {e}"))
    })
}

/// The map (tested to parse; an empty map if the embedded file were broken).
pub fn map() -> &'static DocumentMap {
    static EMPTY: OnceLock<DocumentMap> = OnceLock::new();
    match parsed() {
        Ok(m) => m,
        Err(_) => EMPTY.get_or_init(|| DocumentMap {
            findings: BTreeMap::new(),
            facts: BTreeMap::new(),
            statuses: BTreeMap::new(),
            rehab_by_reference: String::new(),
            citations: BTreeMap::new(),
        }),
    }
}

/// The map entry of a rule code.
pub fn for_code(code: &str) -> Option<&'static FindingDocs> {
    map().findings.get(code)
}

/// The documents `code` makes due, in map order.
pub fn documents_of(code: &str) -> &'static [DueDoc] {
    for_code(code)
        .map(|e| e.documents.as_slice())
        .unwrap_or(&[])
}

/// The documents a person's 状态 makes due (with its 状态日期), in map order.
pub fn documents_of_status(status: Status) -> &'static [DueDoc] {
    map()
        .statuses
        .get(status.label())
        .map(|e| e.documents.as_slice())
        .unwrap_or(&[])
}

/// The map entry of a fact kind (`refused_test`, `unapproved_departure`, `self_report`).
pub fn fact(kind: &str) -> Option<&'static FactDocs> {
    map().facts.get(kind)
}

/// The law cited for `keys`, for a person in `measure`: each key's text (its 社区康复 text for
/// 社区康复), joined with 、; a 社区康复 document citing an article of 社区戒毒 first cites the
/// rule that 社区康复 follows 社区戒毒. Unknown keys are skipped (the map is tested).
pub fn ground_text(keys: &[String], measure: Option<Measure>) -> String {
    let m = map();
    let rehab = measure == Some(Measure::Rehab);
    let mut parts: Vec<&str> = Vec::new();
    let mut by_reference = false;
    for key in keys {
        let Some(c) = m.citations.get(key) else {
            continue;
        };
        let text = match (&c.rehab, rehab) {
            (Some(r), true) => r.as_str(),
            (None, true) if c.text.starts_with('《') => {
                by_reference = true;
                c.text.as_str()
            }
            _ => c.text.as_str(),
        };
        if !parts.contains(&text) {
            parts.push(text);
        }
    }
    if by_reference && !m.rehab_by_reference.is_empty() {
        parts.insert(0, m.rehab_by_reference.as_str());
    }
    group_by_law(&parts)
}

/// Cites each law once, its articles after it in order of first mention: `《戒毒条例》第十四条、
/// 第二十一条、《中华人民共和国禁毒法》第三十八条第一款第（一）项`; text that names no law (a
/// local plan) follows as it is.
fn group_by_law(parts: &[&str]) -> String {
    let mut laws: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut other: Vec<&str> = Vec::new();
    for atom in parts.iter().flat_map(|p| p.split('、')) {
        let split = atom.strip_prefix('《').and_then(|rest| {
            rest.find('》')
                .map(|end| atom.split_at(end + '《'.len_utf8() * 2))
        });
        match split {
            Some((law, article)) => match laws.iter_mut().find(|(l, _)| *l == law) {
                Some((_, articles)) => {
                    if !articles.contains(&article) {
                        articles.push(article);
                    }
                }
                None => laws.push((law, vec![article])),
            },
            None => {
                if !other.contains(&atom) {
                    other.push(atom);
                }
            }
        }
    }
    let mut out: Vec<String> = laws
        .into_iter()
        .map(|(law, articles)| {
            let mut cited: Vec<&str> = articles.into_iter().filter(|a| !a.is_empty()).collect();
            // In article order (第三十五条 before 第四十八条); the sort is stable.
            cited.sort_by_key(|a| article_number(a));
            format!("{law}{}", cited.join("、"))
        })
        .collect();
    out.extend(other.into_iter().map(str::to_string));
    out.join("、")
}

/// The number of the article a citation starts with (`第三十八条第一款…` → 38).
fn article_number(article: &str) -> u32 {
    article
        .strip_prefix('第')
        .and_then(|rest| rest.split('条').next())
        .and_then(super::chinese::parse_small_cn)
        .unwrap_or(u32::MAX)
}

/// Fills in the documents every finding makes due (form ids), from the map: a document due
/// only after the finding's deadline is listed once `as_of` is past it.
pub fn apply(findings: &mut [Finding], as_of: NaiveDate) {
    for f in findings.iter_mut() {
        f.due = documents_of(f.code)
            .iter()
            .filter(|d| !d.after_deadline || f.due_date.is_some_and(|due| as_of > due))
            .map(|d| DueDocument(d.form.clone()))
            .collect();
        f.due.dedup();
    }
}

/// The map as text for `rehabdocs rules`: per code, whose duty, and each document with its
/// addressee and ground (as cited for 社区戒毒).
pub fn map_text() -> String {
    let mut out = String::new();
    for (code, e) in &map().findings {
        let docs: Vec<String> = e
            .documents
            .iter()
            .map(|d| {
                format!(
                    "{}（致{}；依据{}{}）",
                    super::forms::short_name(&d.form),
                    d.to.label(),
                    ground_text(&d.ground, None),
                    if d.after_deadline {
                        "；期限届满后"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let what = if docs.is_empty() {
            e.note.clone()
        } else {
            docs.join("；")
        };
        out.push_str(&format!("{code}\t{}\t{what}\n", e.duty.label()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_covers_every_rule_and_names_real_forms_and_citations() {
        let m = parsed().as_ref().expect("documents.yaml parses");
        let codes: Vec<&str> = crate::rules::RULES.iter().map(|r| r.code).collect();
        let mapped: Vec<&str> = m.findings.keys().map(String::as_str).collect();
        assert_eq!(mapped, codes, "every catalogue code, and only those");
        let grounds = m
            .findings
            .values()
            .flat_map(|e| e.documents.iter().flat_map(|d| d.ground.iter()))
            .chain(m.facts.values().flat_map(|f| f.ground.iter()))
            .chain(
                m.statuses
                    .values()
                    .flat_map(|e| e.documents.iter().flat_map(|d| d.ground.iter())),
            );
        for key in grounds {
            assert!(m.citations.contains_key(key), "citation {key}");
        }
        for e in m.findings.values() {
            for d in &e.documents {
                assert!(super::super::forms::get(&d.form).is_some(), "{}", d.form);
                assert!(!d.ground.is_empty(), "{} has a ground", d.form);
            }
            assert!(!e.documents.is_empty() || !e.note.is_empty());
        }
        let labels: Vec<&str> = [
            Status::Active,
            Status::Discharged,
            Status::Suspended,
            Status::Terminated,
            Status::CompulsoryIsolation,
            Status::Transferred,
        ]
        .iter()
        .map(|s| s.label())
        .collect();
        for (status, e) in &m.statuses {
            assert!(labels.contains(&status.as_str()), "状态 {status}");
            for d in &e.documents {
                assert!(super::super::forms::get(&d.form).is_some(), "{}", d.form);
                assert!(!d.ground.is_empty(), "{} has a ground", d.form);
            }
        }
        for c in m.citations.values() {
            assert!(
                !c.text.contains('§') && !c.text.contains('篇'),
                "{}",
                c.text
            );
        }
    }

    #[test]
    fn a_persons_own_breach_goes_to_the_person_and_other_duties_never_do() {
        for (code, e) in &map().findings {
            for d in &e.documents {
                if d.form == "warning_letter" {
                    assert_eq!(
                        e.duty,
                        Duty::Person,
                        "{code}: a warning only for the person's breach"
                    );
                }
                if d.to == Addressee::Person {
                    assert!(
                        e.duty == Duty::Person || d.form == "agreement",
                        "{code}: {} to the person",
                        d.form
                    );
                }
            }
        }
    }

    #[test]
    fn rehab_documents_cite_the_rehab_articles() {
        let keys = vec!["report_in".to_string(), "refusal".to_string()];
        assert_eq!(
            ground_text(&keys, Some(Measure::Detox)),
            "《戒毒条例》第十四条、《中华人民共和国禁毒法》第三十八条第一款第（一）项"
        );
        let many: Vec<String> = ["report_in", "report_duty", "refusal"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            ground_text(&many, None),
            "《戒毒条例》第十四条、第二十一条、《中华人民共和国禁毒法》第三十五条第二款、第三十八条第一款第（一）项"
        );
        let rehab = ground_text(&keys, Some(Measure::Rehab));
        assert_eq!(
            rehab,
            "《中华人民共和国禁毒法》第三十八条第一款第（一）项、第四十八条、《戒毒条例》第三十七条、第三十八条"
        );
    }
}
