//! The report as JSON: the same figures as the PDF and XLSX, keys in a stable order (struct
//! field order; maps sorted by key).

use crate::report::Report;

/// Pretty JSON of the whole report, ending with a newline.
pub fn to_json(report: &Report) -> String {
    // Serialising plain structs, strings, numbers and BTreeMaps cannot fail; fall back to an
    // empty object rather than panicking should that ever change.
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
