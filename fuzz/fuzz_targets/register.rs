//! The register reader and the data and programme checks on arbitrary bytes: whatever the
//! file holds (a workbook of any kind, a CSV, anything else), `check_file` returns a report or
//! a Chinese error; it never panics, hangs or allocates without bound.
#![no_main]

#[path = "input_file.rs"]
mod input_file;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use rehabdocs::check::{check_file, Selection};
use rehabdocs::output::{render_json, render_text, Ids};
use rehabdocs::profile::Profile;

fuzz_target!(|data: &[u8]| {
    let path = input_file::write_input("台帐.xlsx", data);
    let profile = Profile::standard();
    let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    match check_file(path, &profile, as_of, &Selection::default()) {
        Ok(report) => {
            // Every finding renders as text and JSON (masking included).
            let _ = render_text(&report, Ids::Masked);
            let _ = render_json(&report, Ids::Masked);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(rehabdocs::output::has_chinese(&msg), "error without Chinese: {msg}");
        }
    }
});
