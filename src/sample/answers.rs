//! The answer key written beside a sample workbook (`FILE.answers.json`): what was injected,
//! so that tests of the checker can compare its findings with the truth.

use serde::Serialize;

/// One expected finding above info: a person rule (with 编号) or a unit rule (with 村名).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Expected {
    pub code: String,
    pub person: Option<String>,
    pub unit: Option<String>,
}

/// One injected data error and the cell it sits in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DataError {
    pub code: String,
    pub cell: String,
    pub person: Option<String>,
}

/// The answer key. `expected` lists every finding above info the `standard` profile must
/// give (injected breaks and what they imply); info findings (P117, P118) are not listed.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerKey {
    pub seed: u64,
    pub persons: u32,
    pub as_of: String,
    pub breaches_share: f64,
    pub expected: Vec<Expected>,
    pub data_errors: Vec<DataError>,
}

impl AnswerKey {
    /// Sorts both lists, so that the JSON is deterministic.
    pub fn sort(&mut self) {
        self.expected.sort();
        self.data_errors.sort();
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string());
        s.push('\n');
        s
    }
}
