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

/// Every regular file under `dir` with its bytes, by path relative to `dir`.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

#[test]
fn demo_writes_check_annotation_and_due_paperwork_deterministically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("demo");
    let run = || {
        let out = rehabdocs()
            .args(["demo", "-o"])
            .arg(&out_dir)
            .output()
            .expect("run demo");
        assert!(
            out.status.success(),
            "demo failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let said = run();
    assert!(said.contains("检查人数：40"), "{said}");
    assert!(said.contains("需向公安机关报告的严重违规"), "{said}");
    let first = tree(&out_dir);
    for name in [
        "示例台帐.xlsx",
        "检查结果.txt",
        "检查结果.json",
        "台帐问题标注.xlsx",
        "文号台帐.csv",
        "应出具文书/清单.csv",
        "应出具文书/清单.pdf",
        "年终考核/年终考核评估报告-2025.pdf",
        "年终考核/年终考核评估-2025.xlsx",
        "年终考核/年终考核评估-2025.json",
    ] {
        assert!(
            first.contains_key(Path::new(name)),
            "{name} missing: {:?}",
            first.keys()
        );
    }
    // The document-number ledger is the office's, beside the register, not in the output.
    assert!(!first.contains_key(Path::new("应出具文书/文号台帐.csv")));
    let ledger = String::from_utf8(first[Path::new("文号台帐.csv")].clone()).expect("UTF-8");
    assert!(ledger.contains("serious_breach_report"), "{ledger}");
    // The check's JSON agrees with the bundled sample's answer key on the serious breaches.
    let json: Value =
        serde_json::from_slice(&first[Path::new("检查结果.json")]).expect("check JSON");
    // One report per person and statutory ground (吸毒; 严重违反协议 for P110/P111/P113); a
    // refusal to report in (P102) waits for the 催告's deadline, which the demo has not issued.
    let mut due_reports: Vec<(String, &str)> = findings(&json)
        .iter()
        .filter(|f| {
            f["due"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x == "serious_breach_report"))
        })
        .filter_map(|f| {
            let ground = match f["code"].as_str()? {
                "P112" => "吸毒",
                "P110" | "P111" | "P113" => "严重违反协议",
                _ => return None,
            };
            Some((f["person"].as_str()?.to_string(), ground))
        })
        .collect();
    due_reports.sort();
    due_reports.dedup();
    let due_reports = due_reports.len();
    let pdfs: Vec<&PathBuf> = first
        .keys()
        .filter(|p| {
            p.starts_with("应出具文书")
                && p.extension().is_some_and(|e| e == "pdf")
                && p.to_string_lossy().contains("_报告公安机关")
        })
        .collect();
    assert_eq!(
        pdfs.len(),
        due_reports,
        "one police report per serious breach: {pdfs:?}"
    );
    let text = pdf_extract::extract_text_from_mem(&first[pdfs[0]]).expect("PDF text");
    assert!(text.contains("严重违反"), "report text: {text}");

    // A second run into its own folder gives the same bytes, document numbers included.
    run();
    assert_eq!(tree(&out_dir), first, "demo output is not deterministic");

    // A folder the demo did not make is refused without --force.
    let foreign = dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("keep.txt"), "mine").expect("write");
    let out = rehabdocs()
        .args(["demo", "-o"])
        .arg(&foreign)
        .output()
        .expect("run demo");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
}
