//! Rendering throughput: `cargo bench --bench render`.
//!
//! One-page notices (催告报到通知书) for N persons, as one merged PDF and as one file per
//! document, through the real `generate` (plan, ledger, glyph check, render on all cores,
//! atomic write, manifest). Each measured run is a fresh process (`--case`), so its peak
//! memory (VmHWM from /proc/self/status) is its own. Merged batches are written in volumes of
//! the default size (500 documents).
//!
//! Baselines, each measured on 50 processes and extrapolated:
//! - one process per document, the way a shell loop over the typst command line works: this
//!   binary re-executes itself with `--one-doc` (process start, fonts, one compile, one PDF
//!   written), alternately for the notice and for its 送达回证;
//! - one `generate` process per person (`--one`: both documents, the ledger and a manifest).
//!
//! Sizes: `BENCH_SIZES=1000,10000` (default). Plain `main`, no harness.

use chrono::NaiveDate;
use rehabdocs::model::{Measure, Person, Register, Status};
use rehabdocs::paperwork::generate::{generate, job_of, prepare, GenerateOptions};
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::profile::Profile;
use rehabdocs::render::batch::render_job;
use rehabdocs::render::fonts;
use rehabdocs::render::{pdf_bytes, PdfUse};
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
            resident_id: Some(resident_id(i)),
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

/// A valid 18-digit resident ID of its own for person `i` (a birth date and sequence of its
/// own), so that the data gate holds nobody back.
fn resident_id(i: usize) -> String {
    let born = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default()
        + chrono::Days::new((i / 1000) as u64);
    let body = format!("110101{}{:03}", born.format("%Y%m%d"), i % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

/// The register's findings as `generate` is given them: each person is served and has not
/// reported in, so a 催告报到通知书 is due (and its 送达回证).
fn findings(reg: &Register) -> Vec<rehabdocs::finding::Finding> {
    rehabdocs::check::check_loaded(
        reg.clone(),
        Vec::new(),
        &Profile::standard(),
        as_of(),
        &rehabdocs::check::Selection::default(),
    )
    .findings
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
    // One office ledger for every bench run and process (the same persons keep their
    // numbers, so it holds at most one entry per person measured).
    o.ledger = Some(std::env::temp_dir().join("rehabdocs-bench-文号台帐.csv"));
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

/// `--one DIR`: `generate` for one person (notice, 送达回证, ledger, manifest) and exit (the
/// process-per-person baseline).
fn one(dir: &str) {
    let reg = register(1);
    let mut o = options(false);
    o.threads = 1;
    if let Err(e) = generate(
        &reg,
        &findings(&reg),
        &Profile::standard(),
        std::path::Path::new(dir),
        &o,
    ) {
        eprintln!("{e}");
        std::process::exit(2);
    }
}

/// `--one-doc FILE K`: render document K (0: the notice, 1: its 送达回证) of one person into
/// FILE and exit (the process-per-document baseline).
fn one_doc(file: &str, k: usize) {
    let reg = register(1);
    let mut ledger = rehabdocs::paperwork::ledger::Ledger::new();
    let docs = match prepare(
        &reg,
        &findings(&reg),
        &Profile::standard(),
        &options(false),
        &mut ledger,
    ) {
        Ok(prepared) => prepared.docs,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let Some(doc) = docs.get(k % docs.len().max(1)) else {
        std::process::exit(2);
    };
    let pdf = render_job(fonts::embedded(), &job_of(doc), as_of())
        .and_then(|pages| pdf_bytes(&pages, "one", as_of(), PdfUse::Archive));
    match pdf.map(|bytes| std::fs::write(file, bytes)) {
        Ok(Ok(())) => {}
        _ => std::process::exit(2),
    }
}

/// Seconds per process of `args` (plus a per-process path argument), over `BASELINE_DOCS`
/// processes.
fn per_process(
    exe: &std::path::Path,
    dir: &std::path::Path,
    args: &dyn Fn(usize) -> Vec<String>,
) -> f64 {
    let t = Instant::now();
    for k in 0..BASELINE_DOCS {
        let ok = std::process::Command::new(exe)
            .args(args(k))
            .arg(dir.join(k.to_string()))
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("baseline process {k} failed");
        }
    }
    t.elapsed().as_secs_f64() / BASELINE_DOCS as f64
}

/// `--case N merged|files`: one measured run in a fresh process, so that its peak memory is
/// its own and not what an earlier, larger run left in the allocator. Prints
/// `seconds documents peak_mb`.
fn case(n: usize, merge: bool) {
    let reg = register(n);
    let out = tempfile::tempdir().expect("temp dir");
    // Parse fonts and templates first, as the warm-up of any real run does.
    let warm = register(2);
    let _ = generate(
        &warm,
        &findings(&warm),
        &Profile::standard(),
        out.path(),
        &options(false),
    );
    let found = findings(&reg);
    let out = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    match generate(
        &reg,
        &found,
        &Profile::standard(),
        out.path(),
        &options(merge),
    ) {
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
    if let Some(k) = args.iter().position(|a| a == "--one-doc") {
        let which = args.get(k + 1).and_then(|s| s.parse().ok()).unwrap_or(0);
        one_doc(
            args.get(k + 2).map(String::as_str).unwrap_or("one.pdf"),
            which,
        );
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
    let warm_reg = register(2);
    let _ = generate(
        &warm_reg,
        &findings(&warm_reg),
        &Profile::standard(),
        warm.path(),
        &options(false),
    );
    println!(
        "first run (font parsing + 2 docs): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // Baselines.
    let exe = std::env::current_exe().expect("current exe");
    let base_dir = tempfile::tempdir().expect("temp dir");
    let per_doc = per_process(&exe, base_dir.path(), &|k| {
        vec!["--one-doc".into(), (k % 2).to_string()]
    });
    println!(
        "process per document: {per_doc:.3} s/doc ({:.1} docs/s), measured on {BASELINE_DOCS}",
        1.0 / per_doc
    );
    let person_dir = tempfile::tempdir().expect("temp dir");
    let per_person = per_process(&exe, person_dir.path(), &|_| vec!["--one".into()]);
    println!(
        "generate process per person (2 docs, ledger, manifest): {per_person:.3} s, measured on {BASELINE_DOCS}"
    );

    println!();
    println!("| persons | docs | mode | seconds | docs/s | peak MB | vs process/doc | vs generate/person |");
    println!("|---:|---:|---|---:|---:|---:|---:|---:|");
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
                    "| {n} | {docs} | {} | {secs:.1} | {:.0} | {peak:.0} | {:.1}x | {:.1}x |",
                    if merge { "merged" } else { "file per doc" },
                    docs / secs,
                    (per_doc * docs) / secs,
                    (per_person * n as f64) / secs
                ),
                _ => println!(
                    "| {n} | | {mode} | failed: {} | | | | |",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            }
        }
    }
}
