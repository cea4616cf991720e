//! Rendering throughput: `cargo bench --bench render`.
//!
//! One-page notices (催告报到通知书) for N persons, as one merged PDF and as one file per
//! document, through the real `generate` (plan, ledger, glyph check, render on all cores,
//! atomic write, manifest). Each measured run is a fresh process (`--case`), so its peak
//! memory (VmHWM from /proc/self/status) is its own. The baseline is one process per document: this binary re-executes itself with
//! `--one` (process start, font parsing, one compile, one PDF) for 50 documents, extrapolated.
//!
//! Sizes: `BENCH_SIZES=1000,10000` (default). Plain `main`, no harness.

use chrono::NaiveDate;
use rehabdocs::model::{Measure, Person, Register, Status};
use rehabdocs::paperwork::generate::{generate, GenerateOptions};
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::profile::Profile;
use std::time::Instant;

const FORM: &str = "report_reminder";
const BASELINE_DOCS: usize = 50;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default()
}

fn register(n: usize) -> Register {
    let mut r = Register::default();
    r.source = "bench".into();
    let surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
    let given = [
        "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟",
    ];
    for i in 0..n {
        r.persons.push(Person {
            row: i as u32 + 1,
            id: format!("P{:05}", i + 1),
            name: format!(
                "{}{}{}",
                surnames[i % 10],
                given[i % 12],
                given[(i / 12) % 12]
            ),
            resident_id: Some("110101199003071234".into()),
            current_address: Some(format!("东城镇幸福路{}号", i + 1)),
            town: "东城镇".into(),
            unit: format!("第{}村", i % 20 + 1),
            measure: Some(Measure::Detox),
            decision_authority: Some("某县公安局".into()),
            decision_number: Some(format!("某公(禁)决字〔2025〕{}号", i + 1)),
            served_date: NaiveDate::from_ymd_opt(2025, 6, 1),
            status: Some(Status::Active),
            ..Person::default()
        });
    }
    r.finalize();
    r
}

fn options(merge: bool) -> GenerateOptions {
    let mut o = GenerateOptions::new(
        PlanOptions {
            forms: vec![FORM.into()],
            ..PlanOptions::default()
        },
        as_of(),
    );
    o.merge = merge;
    o.force = true;
    o
}

/// Peak resident memory of this process in MB (VmHWM).
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// `--one DIR`: render one notice and exit (the process-per-document baseline).
fn one(dir: &str) {
    let reg = register(1);
    let mut o = options(false);
    o.threads = 1;
    if let Err(e) = generate(
        &reg,
        &[],
        &Profile::standard(),
        std::path::Path::new(dir),
        &o,
    ) {
        eprintln!("{e}");
        std::process::exit(2);
    }
}

/// `--case N merged|files`: one measured run in a fresh process, so that its peak memory is
/// its own and not what an earlier, larger run left in the allocator. Prints
/// `seconds documents peak_mb`.
fn case(n: usize, merge: bool) {
    let reg = register(n);
    let out = tempfile::tempdir().expect("temp dir");
    // Parse fonts and templates first, as the warm-up of any real run does.
    let _ = generate(
        &register(2),
        &[],
        &Profile::standard(),
        out.path(),
        &options(false),
    );
    let out = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    match generate(&reg, &[], &Profile::standard(), out.path(), &options(merge)) {
        Ok(done) => println!(
            "{} {} {}",
            t.elapsed().as_secs_f64(),
            done.rows.len(),
            peak_mb()
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(k) = args.iter().position(|a| a == "--one") {
        one(args.get(k + 1).map(String::as_str).unwrap_or("."));
        return;
    }
    if let Some(k) = args.iter().position(|a| a == "--case") {
        let n = args.get(k + 1).and_then(|s| s.parse().ok()).unwrap_or(1);
        case(n, args.get(k + 2).map(String::as_str) == Some("merged"));
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("rehabdocs render bench: one-page {FORM}, {cores} cores");

    // Warm up: parse the fonts and templates once, as any real run does.
    let warm = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let _ = generate(
        &register(2),
        &[],
        &Profile::standard(),
        warm.path(),
        &options(false),
    );
    println!(
        "first run (font parsing + 2 docs): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // Baseline: one process per document.
    let exe = std::env::current_exe().expect("current exe");
    let base_dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    for k in 0..BASELINE_DOCS {
        let dir = base_dir.path().join(k.to_string());
        let ok = std::process::Command::new(&exe)
            .arg("--one")
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("baseline process {k} failed");
        }
    }
    let per_process = t.elapsed().as_secs_f64() / BASELINE_DOCS as f64;
    println!(
        "process per document: {:.3} s/doc ({:.1} docs/s), measured on {BASELINE_DOCS}",
        per_process,
        1.0 / per_process
    );

    println!();
    println!("| docs | mode | seconds | docs/s | peak MB | vs process/doc |");
    println!("|---:|---|---:|---:|---:|---:|");
    for &n in &sizes {
        for merge in [true, false] {
            let mode = if merge { "merged" } else { "files" };
            let out = std::process::Command::new(&exe)
                .args(["--case", &n.to_string(), mode])
                .output()
                .expect("run a bench case");
            let text = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            match (out.status.success(), v.as_slice()) {
                (true, [secs, docs, peak]) => println!(
                    "| {n} | {} | {secs:.1} | {:.0} | {peak:.0} | {:.0}x |",
                    if merge { "merged" } else { "file per doc" },
                    docs / secs,
                    (per_process * n as f64) / secs
                ),
                _ => println!(
                    "| {n} | {mode} | failed: {} | | | |",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            }
        }
    }
}
