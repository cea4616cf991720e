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
//! (memory). `BENCH_PERSONS=2000,20000` chooses the sizes (empty: none).
//!
//! Then, for the largest size, the layouts offices keep: the register rewritten (untimed) once
//! with 检测 and 谈话 in the template's long layout (one row per event) and once as
//! month-by-month tables (one row per person and year, `1月` … `12月`, the month's dates in
//! each cell, `3.27阳性`, `3.5家访`: see docs/register.md), every other sheet copied alike,
//! and `check` timed on both: the ratio wide / long (target: at most 1.5).
//!
//! Then the annotated copy: a register whose 谈话 sheet has `BENCH_FINDINGS` (default
//! 1,000,000) rows with an unreadable date, one finding each, is checked with and without
//! `--annotate`: time and peak memory side by side (the copy should cost little more memory
//! than the check).

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
    if args.len() >= 5 && args[1] == "--child-rewrite" {
        rewrite(Path::new(&args[2]), Path::new(&args[3]), args[4] == "wide");
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_PERSONS")
        .unwrap_or_else(|_| "2000,20000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let findings: Vec<usize> = std::env::var("BENCH_FINDINGS")
        .unwrap_or_else(|_| "1000000".into())
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
    let mut last = None;
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
        last = Some(file);
    }
    if let Some(file) = last {
        wide_vs_long(&file);
    }
    annotate_vs_check(&data_dir, findings);
}

/// Times `check` with and without `--annotate` on registers with `findings` findings each.
fn annotate_vs_check(data_dir: &Path, findings: Vec<usize>) {
    if !findings.is_empty() {
        println!(
            "\n{:>9} {:>10} {:>10} {:>11} {:>11} {:>9}",
            "findings", "check s", "check MB", "annotate s", "annotate MB", "copy MB"
        );
    }
    for rows in findings {
        let file = many_findings(data_dir, rows);
        let out = data_dir.join(format!("annotated-{rows}.xlsx"));
        let mut check = (f64::MAX, 0u64);
        let mut annotate = (f64::MAX, 0u64);
        let file_arg = file.to_str().unwrap_or_default();
        let base = ["check", file_arg, "--format", "json", "--as-of", AS_OF];
        for _ in 0..RUNS {
            let c = measure(Command::new(env!("CARGO_BIN_EXE_rehabdocs")).args(base));
            check = (check.0.min(c.0), check.1.max(c.1));
            let a = measure(
                Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
                    .args(base)
                    .args(["--annotate", out.to_str().unwrap_or_default(), "--force"]),
            );
            annotate = (annotate.0.min(a.0), annotate.1.max(a.1));
        }
        let copy = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "{:>9} {:>10.2} {:>10.0} {:>11.2} {:>11.0} {:>9.1}",
            rows,
            check.0,
            check.1 as f64 / 1024.0,
            annotate.0,
            annotate.1 as f64 / 1024.0,
            copy as f64 / 1_048_576.0
        );
    }
}

fn path_text(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// Times `check` on the register with 检测 in the long and in the month-by-month layout.
fn wide_vs_long(file: &Path) {
    let long = file.with_extension("long.xlsx");
    let wide = file.with_extension("wide.xlsx");
    // Rewritten in a child process: the register held in memory here would otherwise be the
    // high-water mark every later child inherits in its ru_maxrss (Linux counts the parent's
    // peak at exec), and both layouts would show this process's memory instead of their own.
    if !long.exists() || !wide.exists() {
        for (to, layout) in [(&long, "long"), (&wide, "wide")] {
            let status = Command::new(std::env::current_exe().expect("exe"))
                .args(["--child-rewrite", path_text(file), path_text(to), layout])
                .status()
                .expect("spawn");
            assert!(status.success(), "rewrite {layout}: {status}");
        }
    }
    let time = |path: &Path| {
        (0..RUNS)
            .map(|_| {
                measure(Command::new(env!("CARGO_BIN_EXE_rehabdocs")).args([
                    "check",
                    path.to_str().unwrap_or_default(),
                    "--format",
                    "json",
                    "--as-of",
                    AS_OF,
                ]))
            })
            .fold((f64::MAX, 0u64), |a, b| (a.0.min(b.0), a.1.max(b.1)))
    };
    let (l, w) = (time(&long), time(&wide));
    println!(
        "{:>8} {:>10.2} {:>10.0} {:>10} {:>10.2} {:>10.0} {:>8.2}",
        "检测按行",
        l.0,
        l.1 as f64 / 1024.0,
        "按月",
        w.0,
        w.1 as f64 / 1024.0,
        w.0 / l.0
    );
}

/// Copies every sheet of `from` (cell values as text, dates as yyyy-mm-dd) into `to`; with
/// `wide`, 检测 and 谈话 become month-by-month tables: 编号, 年度, 1月 … 12月, each cell the
/// month's days as `3.27`, joined by 、, with the result after the day when not 阴性 (检测)
/// or the 形式 (谈话).
fn rewrite(from: &Path, to: &Path, wide: bool) {
    use calamine::Data;
    use std::collections::BTreeMap;
    let mut wb: Xlsx<_> = open_workbook(from).expect("open");
    let mut out = rust_xlsxwriter::Workbook::new();
    let text = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        other => other.to_string(),
    };
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet");
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
        let ws = out.add_worksheet();
        ws.set_name(&name).expect("name");
        // 检测 keeps a result other than 阴性 after the day, 谈话 its 形式.
        let (date, note, plain) = match name.as_str() {
            "检测" => ("检测日期", "结果", "阴性"),
            _ => ("日期", "形式", ""),
        };
        let header = rows.iter().position(|r| r.iter().any(|c| c == date));
        let rows = match (wide && matches!(name.as_str(), "检测" | "谈话"), header) {
            (true, Some(h)) => month_table(&rows[h], &rows[h + 1..], date, note, plain),
            _ => rows,
        };
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, v).expect("write");
                }
            }
        }
    }
    out.save(to).expect("save");

    /// Long event rows as one row per (编号, year), the `note` column written after the day
    /// unless it is `plain`.
    fn month_table(
        header: &[String],
        rows: &[Vec<String>],
        date: &str,
        note: &str,
        plain: &str,
    ) -> Vec<Vec<String>> {
        let col = |n: &str| header.iter().position(|h| h == n).expect("column");
        let (id, date, result) = (col("编号"), col(date), col(note));
        let mut by_year: BTreeMap<(String, String), Vec<Vec<String>>> = BTreeMap::new();
        for r in rows {
            use chrono::Datelike;
            let Ok(d) = chrono::NaiveDate::parse_from_str(&r[date], "%Y-%m-%d") else {
                continue;
            };
            let m = d.month() as usize;
            let cells = by_year
                .entry((r[id].clone(), d.year().to_string()))
                .or_insert_with(|| vec![Vec::new(); 12]);
            let mut cell = format!("{m}.{}", d.day());
            if r[result] != plain {
                cell.push_str(&r[result]);
            }
            cells[m - 1].push(cell);
        }
        let mut out = vec![["编号", "年度"]
            .iter()
            .map(|s| s.to_string())
            .chain((1..=12).map(|m| format!("{m}月")))
            .collect::<Vec<String>>()];
        for ((id, year), months) in by_year {
            let mut row = vec![id, year];
            row.extend(months.into_iter().map(|m| m.join("、")));
            out.push(row);
        }
        out
    }
}

/// A register of one person whose 谈话 sheet has `rows` rows with an unreadable date (one
/// D002 finding each), made once and kept between runs.
fn many_findings(dir: &Path, rows: usize) -> PathBuf {
    use rust_xlsxwriter::Workbook;
    let file = dir.join(format!("findings-{rows}.xlsx"));
    if file.exists() {
        return file;
    }
    let first17 = "11010119800101123";
    let id = format!(
        "{first17}{}",
        rehabdocs::sample::resident_id::check_char(first17).expect("check char")
    );
    let mut wb = Workbook::new();
    wb.set_tempdir(dir).expect("tempdir");
    let persons = wb.add_worksheet_with_constant_memory().expect("sheet");
    persons.set_name("人员").expect("name");
    // (header, the one person's value); dates as text, which the reader reads too.
    let person = [
        ("编号", "P1"),
        ("姓名", "张三"),
        ("公民身份号码", id.as_str()),
        ("乡镇(街道)", "城关镇"),
        ("村(社区)", "东村"),
        ("措施类型", "社区戒毒"),
        ("决定日期", "2025-01-02"),
        ("报到日期", "2025-01-02"),
    ];
    for (c, (head, value)) in person.iter().enumerate() {
        persons.write_string(0, c as u16, *head).expect("write");
        persons.write_string(1, c as u16, *value).expect("write");
    }
    let contacts = wb.add_worksheet_with_constant_memory().expect("sheet");
    contacts.set_name("谈话").expect("name");
    for (c, h) in ["编号", "日期", "形式"].iter().enumerate() {
        contacts.write_string(0, c as u16, *h).expect("write");
    }
    for r in 1..=rows as u32 {
        contacts.write_string(r, 0, "P1").expect("write");
        contacts.write_string(r, 1, "2025.13.01").expect("write");
        contacts.write_string(r, 2, "面谈").expect("write");
    }
    wb.save(&file).expect("save");
    file
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
