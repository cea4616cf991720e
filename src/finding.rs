//! Findings: what `check` reports, one per broken rule or bad value.
//!
//! A finding carries a stable code (D001…, P101…, U201…), a severity, the person's 编号 or the
//! unit it concerns, the cells it rests on, a message for the clerk (Chinese), the basis of
//! the rule in words (from the profile), and the documents it makes due.

use crate::model::{CellRef, Register};
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// How serious a finding is; ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Breach,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breach => "breach",
            Severity::Error => "error",
        }
    }
    /// The word a clerk reads.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Breach => "严重违规",
            Severity::Error => "错误",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" | "提示" => Ok(Severity::Info),
            "warning" | "警告" => Ok(Severity::Warning),
            "breach" | "严重违规" => Ok(Severity::Breach),
            "error" | "错误" => Ok(Severity::Error),
            other => Err(format!(
                "应为 error、breach、warning、info（或 错误、严重违规、警告、提示）之一，实为「{other}」"
            )),
        }
    }
}

/// A document a finding makes due. The string is the form's id (the stem of its file under
/// `forms/`), e.g. `warning_letter` (告诫书) or `serious_breach_report`. Filled from the map
/// `forms/documents.yaml` ([`crate::paperwork::documents`]), never by the rules themselves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DueDocument(pub String);

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable rule code, e.g. `D003`, `P110`, `U201`.
    pub code: &'static str,
    pub severity: Severity,
    /// The person's 编号, when the finding is about a person.
    pub person: Option<String>,
    /// 村(社区) (or 乡镇 when no village applies), when known.
    pub unit: Option<String>,
    /// The cells the finding rests on, most telling first.
    pub cells: Vec<CellRef>,
    /// What is wrong, in Chinese, for a clerk.
    pub message: String,
    /// The rule's basis in words (the profile's text); empty for data checks.
    pub basis: String,
    /// The documents this finding makes due.
    pub due: Vec<DueDocument>,
    /// The date by which something must be done, if the rule sets one.
    pub due_date: Option<NaiveDate>,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            person: None,
            unit: None,
            cells: Vec::new(),
            message: message.into(),
            basis: String::new(),
            due: Vec::new(),
            due_date: None,
        }
    }
    pub fn person(mut self, id: impl Into<String>) -> Self {
        self.person = Some(id.into());
        self
    }
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        let u = unit.into();
        if !u.is_empty() {
            self.unit = Some(u);
        }
        self
    }
    pub fn cell(mut self, cell: CellRef) -> Self {
        self.cells.push(cell);
        self
    }
    pub fn cells(mut self, cells: impl IntoIterator<Item = CellRef>) -> Self {
        self.cells.extend(cells);
        self
    }
    pub fn basis(mut self, basis: impl Into<String>) -> Self {
        self.basis = basis.into();
        self
    }
    pub fn due(mut self, form: &str) -> Self {
        self.due.push(DueDocument(form.to_string()));
        self
    }
    pub fn due_date(mut self, date: NaiveDate) -> Self {
        self.due_date = Some(date);
        self
    }

    /// The cells as a clerk reads them (`人员!D7`), with the workbook's sheet names.
    pub fn cell_names(&self, register: &Register) -> Vec<String> {
        self.cells.iter().map(|c| register.cell_name(c)).collect()
    }

    /// Stable order for output: person/unit, then code, then first cell.
    pub fn sort_key(&self) -> (Option<&str>, Option<&str>, &'static str, Option<CellRef>) {
        (
            self.unit.as_deref(),
            self.person.as_deref(),
            self.code,
            self.cells.first().copied(),
        )
    }
}

/// Sorts findings into the stable output order (unit, person, code, cell).
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
}
