//! The mutation fuzz kept as a regular test: every committed malformed input
//! (tests/malformed/, made by scripts/make-malformed-corpus.py from the seeds in fuzz/seeds/,
//! plus inputs the fuzzers found) is checked, and the profile loader reads every malformed
//! profile. Each gives a report or one Chinese error; none panics or hangs.

use chrono::NaiveDate;
use rehabdocs::check::{check_file, Selection};
use rehabdocs::output::{has_chinese, render_json, render_text, Ids};
use rehabdocs::profile::Profile;
use std::path::{Path, PathBuf};

fn files_in(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/malformed")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// An error a clerk reads: Chinese, one line or a few, without the words of the libraries
/// underneath.
fn assert_clerk_error(file: &Path, msg: &str) {
    assert!(
        has_chinese(msg),
        "{}: error without Chinese: {msg}",
        file.display()
    );
    assert!(!msg.contains("panicked"), "{}: {msg}", file.display());
}

#[test]
fn every_malformed_register_gives_a_report_or_a_chinese_error() {
    let files = files_in("register");
    assert!(files.len() >= 120, "corpus too small: {}", files.len());
    let profile = Profile::standard();
    let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let (mut read, mut refused) = (0, 0);
    for file in &files {
        match check_file(file, &profile, as_of, &Selection::default()) {
            Ok(report) => {
                read += 1;
                // What check prints of it is masked and renders whole.
                for text in [
                    render_text(&report, Ids::Masked),
                    render_json(&report, Ids::Masked),
                ] {
                    assert!(!text.is_empty(), "{}", file.display());
                }
            }
            Err(e) => {
                refused += 1;
                assert_clerk_error(file, &e.to_string());
            }
        }
    }
    // Mutations of the XML inside a sound package mostly still read: the corpus reaches the
    // reader's content handling, not only its first refusal.
    assert!(
        read >= 50 && refused >= 20,
        "read {read}, refused {refused}"
    );
}

#[test]
fn every_malformed_profile_loads_within_the_law_or_gives_a_chinese_error() {
    let files = files_in("profile");
    assert!(files.len() >= 100, "corpus too small: {}", files.len());
    let mut refused = 0;
    for file in &files {
        match Profile::load(file.to_str().unwrap()) {
            Ok(profile) => assert!(profile.check_statutory().is_ok(), "{}", file.display()),
            Err(msg) => {
                refused += 1;
                assert_clerk_error(file, &msg);
            }
        }
    }
    assert!(refused >= 50, "refused {refused}");
}
