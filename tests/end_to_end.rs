//! End to end, through the binary: `sample` makes a register, `check` reads it back under the
//! `standard` profile. A register of compliant people gives nothing above info; a register with
//! injected breaches gives every finding its answer key lists.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2025-12-31";

fn rehabdocs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
}

/// Makes a sample register in `dir` and returns its path.
fn make_sample(dir: &Path, persons: u32, seed: u32, breaches: &str) -> PathBuf {
    let file = dir.join(format!("sample-{persons}-{seed}-{breaches}.xlsx"));
    let out = rehabdocs()
        .args(["sample", "-o"])
        .arg(&file)
        .args([
            "--persons",
            &persons.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .args(["--breaches", breaches, "--as-of", AS_OF])
        .output()
        .expect("run rehabdocs sample");
    assert!(
        out.status.success(),
        "sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

/// Runs `check --format json` and returns the parsed JSON and the exit code.
fn check_json(file: &Path, extra: &[&str]) -> (Value, i32) {
    let out = rehabdocs()
        .arg("check")
        .arg(file)
        .args(["--format", "json", "--as-of", AS_OF])
        .args(extra)
        .output()
        .expect("run rehabdocs check");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "check exited {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("check prints JSON");
    (json, code)
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings array")
}

#[test]
fn compliant_register_has_nothing_above_info() {
    let dir = tempfile::tempdir().expect("tempdir");
    for seed in [1, 2] {
        let file = make_sample(dir.path(), 60, seed, "0");
        let (json, code) = check_json(&file, &["--fail-on", "warning"]);
        let above_info: Vec<&Value> = findings(&json)
            .iter()
            .filter(|f| f["severity"] != "info")
            .collect();
        assert!(
            above_info.is_empty(),
            "seed {seed}: findings above info on a compliant register: {above_info:#?}"
        );
        assert_eq!(code, 0, "seed {seed}: exit code with --fail-on warning");
        let rows = &json["rows"]["人员"];
        assert_eq!(rows["read"], 60, "seed {seed}: {rows}");
        assert_eq!(rows["used"], 60, "seed {seed}: {rows}");
        assert_eq!(rows["rejected"], 0, "seed {seed}: {rows}");
    }
}

#[test]
fn answer_key_is_found_in_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = make_sample(dir.path(), 80, 5, "0.3");
    let key_path = file.with_extension("answers.json");
    let key: Value = serde_json::from_str(
        &std::fs::read_to_string(&key_path).expect("answer key beside the workbook"),
    )
    .expect("answer key JSON");
    let (json, code) = check_json(&file, &[]);
    assert_eq!(
        code, 1,
        "data errors in the sample must fail --fail-on error"
    );

    let found: BTreeSet<(String, String, String)> = findings(&json)
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["person"].as_str().unwrap_or_default().to_string(),
                f["unit"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = key["expected"].as_array().expect("expected array");
    assert!(!expected.is_empty(), "the key lists injected breaches");
    let mut missing = Vec::new();
    for e in expected {
        let code = e["code"].as_str().unwrap_or_default();
        let person = e["person"].as_str().unwrap_or_default();
        let unit = e["unit"].as_str().unwrap_or_default();
        let hit = found.iter().any(|(c, p, u)| {
            c == code && (person.is_empty() || p == person) && (unit.is_empty() || u == unit)
        });
        if !hit {
            missing.push(e.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "answer key entries not found: {missing:#?}"
    );

    let cells: BTreeSet<(String, String)> = findings(&json)
        .iter()
        .flat_map(|f| {
            let code = f["code"].as_str().unwrap_or_default().to_string();
            f["cells"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |c| (code.clone(), c.as_str().unwrap_or_default().to_string()))
        })
        .collect();
    for e in key["data_errors"].as_array().expect("data_errors array") {
        let pair = (
            e["code"].as_str().unwrap_or_default().to_string(),
            e["cell"].as_str().unwrap_or_default().to_string(),
        );
        assert!(
            cells.contains(&pair),
            "data error not found at its cell: {e}"
        );
    }
}

#[test]
fn bundled_sample_checks_and_its_key_is_found() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let (json, _) = check_json(&root.join("sample.xlsx"), &[]);
    let key: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("sample.answers.json")).expect("bundled answer key"),
    )
    .expect("answer key JSON");
    let codes: BTreeSet<&str> = findings(&json)
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    for e in key["expected"].as_array().expect("expected array") {
        let code = e["code"].as_str().unwrap_or_default();
        assert!(codes.contains(code), "bundled sample: {code} not found");
    }
}
