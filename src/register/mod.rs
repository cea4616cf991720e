//! Reading a register: workbook (xlsx/xlsm/xls/ods) or CSV → [`crate::model::Register`].
//!
//! Owned by the ingestion work (issue 2). Sheets and columns are found by header text with
//! synonyms; every value keeps its cell; bad values become findings (D001–D010), and every
//! row read is either used or rejected with a finding.

use crate::finding::Finding;
use crate::model::Register;
use std::path::Path;

/// Input that cannot be used at all (exit code 2): missing file, not a workbook, a required
/// sheet absent. The message is one line, in Chinese, for the clerk.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

/// A register as read, with the findings raised while reading it.
#[derive(Debug, Clone, Default)]
pub struct ReadOutcome {
    pub register: Register,
    pub findings: Vec<Finding>,
}

/// Reads the register at `path` (a workbook, one CSV file for 人员, or a folder of CSV files).
pub fn read_register(path: &Path) -> Result<ReadOutcome, ReadError> {
    Err(ReadError(format!("尚未实现: {}", path.display())))
}
