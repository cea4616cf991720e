//! The register reader and the data and programme checks on arbitrary bytes: whatever the
//! file holds (a workbook of any kind, a CSV, anything else), `check_file` returns a report or
//! a Chinese error; it never panics, hangs or allocates without bound.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use rehabdocs::check::{check_file, Selection};
use rehabdocs::output::Ids;
use rehabdocs::profile::Profile;
use std::io::Write;
use std::sync::OnceLock;

/// One file, rewritten for every input (the reader takes a path; the kind is sniffed from
/// the bytes, never from the name).
fn input_path() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rehabdocs-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("台帐.xlsx")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = input_path();
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(data).unwrap();
    drop(file);
    let profile = Profile::standard();
    let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    match check_file(path, &profile, as_of, &Selection::default()) {
        Ok(report) => {
            // Every finding renders as text and JSON (masking included).
            let _ = rehabdocs::output::render_text(&report, Ids::Masked);
            let _ = rehabdocs::output::render_json(&report, Ids::Masked);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "error without Chinese: {msg}"
            );
        }
    }
});
