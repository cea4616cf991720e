//! Benchmark of `rehabdocs check` against a bare calamine read of the same workbook, and of
//! `rehabdocs report` against `check`.
//!
//! `cargo bench --bench check` generates (once, untimed) a county register (2,000 people) and a
//! city register (20,000 people) with `rehabdocs sample`, then times, side by side in one run:
//! - `bare`: this bench re-executed as a child that streams every cell of every sheet with
//!   calamine and does nothing else (the floor: reading cannot be faster than this);
//! - `check`: the real `rehabdocs check FILE --format json` command, rules on;
//! - `report`: the real `rehabdocs report FILE --year 2025` (PDF, XLSX and JSON), its ledger
//!   and output in a scratch folder. Its target: at most twice the memory of `check`.
//!
//! Each is a separate process so that its peak memory (ru_maxrss from wait4) is its own. The
//! best of three runs is reported, with the ratios check / bare (time) and report / check
//! (memory). `BENCH_PERSONS=2000,20000` chooses the sizes.

use calamine::{open_workbook, Reader, Xlsx};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const AS_OF: &str = "2025-12-31";
const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() >= 4 && args[1] == "--child-bare" {
        bare_read(Path::new(&args[2]));
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_PERSONS")
        .unwrap_or_else(|_| "2000,20000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let data_dir = std::env::temp_dir().join("rehabdocs-bench");
    std::fs::create_dir_all(&data_dir).expect("bench data dir");
    println!(
        "{:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8} {:>10} {:>10} {:>8}",
        "persons",
        "events",
        "bare s",
        "bare MB",
        "check s",
        "check MB",
        "ratio",
        "report s",
        "report MB",
        "mem ×"
    );
    for persons in sizes {
        let file = generate(&data_dir, persons);
        let mut bare = (f64::MAX, 0u64);
        let mut check = (f64::MAX, 0u64);
        let mut report = (f64::MAX, 0u64);
        let out = data_dir.join(format!("report-{persons}"));
        let ledger = data_dir.join(format!("ledger-{persons}.csv"));
        for _ in 0..RUNS {
            let b = measure(Command::new(std::env::current_exe().expect("exe")).args([
                "--child-bare",
                file.to_str().unwrap_or_default(),
                "x",
            ]));
            bare = (bare.0.min(b.0), bare.1.max(b.1));
            let c = measure(Command::new(env!("CARGO_BIN_EXE_rehabdocs")).args([
                "check",
                file.to_str().unwrap_or_default(),
                "--format",
                "json",
                "--as-of",
                AS_OF,
            ]));
            check = (check.0.min(c.0), check.1.max(c.1));
            let r = measure(
                Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
                    .arg("report")
                    .arg(&file)
                    .args(["--year", "2025", "--force", "-o"])
                    .arg(&out)
                    .arg("--ledger")
                    .arg(&ledger),
            );
            report = (report.0.min(r.0), report.1.max(r.1));
        }
        let events = count_event_rows(&file);
        println!(
            "{:>8} {:>10} {:>10.2} {:>10.0} {:>10.2} {:>10.0} {:>8.2} {:>10.2} {:>10.0} {:>8.2}",
            persons,
            events,
            bare.0,
            bare.1 as f64 / 1024.0,
            check.0,
            check.1 as f64 / 1024.0,
            check.0 / bare.0,
            report.0,
            report.1 as f64 / 1024.0,
            report.1 as f64 / check.1 as f64
        );
    }
}

/// The register for `persons` people, made once by `rehabdocs sample` and kept between runs.
fn generate(dir: &Path, persons: usize) -> PathBuf {
    let file = dir.join(format!("register-{persons}.xlsx"));
    if !file.exists() {
        let status = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
            .args([
                "sample",
                "-o",
                file.to_str().unwrap_or_default(),
                "--persons",
                &persons.to_string(),
                "--seed",
                "7",
                "--breaches",
                "0.2",
                "--force",
            ])
            .status()
            .expect("run rehabdocs sample");
        assert!(status.success(), "rehabdocs sample failed");
    }
    file
}

/// Wall time in seconds and peak resident memory in KiB of one child process.
fn measure(cmd: &mut Command) -> (f64, u64) {
    let start = Instant::now();
    let child = cmd.stdout(Stdio::null()).spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting on our own child, with valid pointers to locals.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4");
    let secs = start.elapsed().as_secs_f64();
    let code = libc::WEXITSTATUS(status);
    assert!(code == 0 || code == 1, "child exited with {code}: {cmd:?}");
    (secs, usage.ru_maxrss as u64)
}

/// Streams every cell of every sheet and keeps a checksum so nothing is optimised away.
fn bare_read(path: &Path) {
    let mut wb: Xlsx<_> = open_workbook(path).expect("open");
    let mut sum = 0usize;
    for name in wb.sheet_names() {
        let mut cells = wb.worksheet_cells_reader(&name).expect("sheet");
        while let Ok(Some(cell)) = cells.next_cell() {
            sum = sum.wrapping_add(cell.get_position().0 as usize);
            if let calamine::DataRef::SharedString(s) = cell.get_value() {
                sum = sum.wrapping_add(s.len());
            }
        }
    }
    println!("{sum}");
}

/// Event rows in the workbook (every row of the event sheets below their header), for the table.
fn count_event_rows(path: &Path) -> usize {
    let mut wb: Xlsx<_> = open_workbook(path).expect("open");
    let mut rows = 0;
    for name in ["检测", "谈话", "请假", "告诫", "评估"] {
        if let Ok(range) = wb.worksheet_range(name) {
            rows += range.height().saturating_sub(2);
        }
    }
    rows
}
