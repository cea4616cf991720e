//! `rehabdocs demo`: the main job on the bundled sample register, into one folder.
//!
//! The sample (`samples/sample.xlsx`, made by `rehabdocs sample`) is embedded in the binary, so
//! the demo needs nothing on disk. It writes the register, checks it at the sample's as-of
//! date under the `standard` profile, writes the check as text and JSON and the annotated
//! workbook, prints every document the findings make due, writes the year-end appraisal of
//! the sample's year, and returns a short summary saying what is where.
//!
//! The folder belongs to the demo: it carries a marker file, and only a folder with that
//! marker (or an empty or absent one) is written into without `--force`.

use crate::annotate::write_annotated;
use crate::check::{check_loaded, CheckReport, Selection};
use crate::output::{render_json, render_text, Ids};
use crate::paperwork::generate::{generate, GenerateError, GenerateOptions};
use crate::paperwork::ledger::Ledger;
use crate::paperwork::plan::PlanOptions;
use crate::profile::Profile;
use crate::register::read_register;
use crate::report::{run_report, ReportRequest};
use crate::write_file::write_bytes_atomically;
use chrono::{Datelike, NaiveDate};
use std::fs;
use std::path::{Path, PathBuf};

/// The bundled sample register and its answer key.
pub const SAMPLE_XLSX: &[u8] = include_bytes!("../samples/sample.xlsx");
pub const SAMPLE_ANSWERS: &[u8] = include_bytes!("../samples/sample.answers.json");

/// The date the bundled sample was made for (nothing in it lies after this day).
pub fn sample_as_of() -> NaiveDate {
    crate::sample::default_as_of()
}

/// The marker that says a folder was written by the demo.
const MARKER: &str = ".rehabdocs-demo";

/// File names inside the demo folder.
pub const REGISTER_FILE: &str = "示例台帐.xlsx";
pub const CHECK_TEXT_FILE: &str = "检查结果.txt";
pub const CHECK_JSON_FILE: &str = "检查结果.json";
pub const ANNOTATED_FILE: &str = "台帐问题标注.xlsx";
pub const PAPERWORK_DIR: &str = "应出具文书";
pub const REPORT_DIR: &str = "年终考核";

/// What the demo wrote.
#[derive(Debug)]
pub struct DemoOutcome {
    pub dir: PathBuf,
    pub report: CheckReport,
    /// (what it is, path), in the order written.
    pub files: Vec<(String, PathBuf)>,
}

/// Makes sure `dir` may be written by the demo: absent, empty, marked as the demo's, or
/// `force`. Creates it with the marker.
fn claim_folder(dir: &Path, force: bool) -> Result<(), String> {
    if dir.exists() {
        let marked = dir.join(MARKER).exists();
        let empty = fs::read_dir(dir)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !(marked || empty || force) {
            return Err(format!(
                "文件夹 {} 已存在且不是示例输出文件夹（换一个 -o 或加 --force）",
                dir.display()
            ));
        }
    }
    crate::write_file::create_private_dir_all(dir)
        .map_err(|e| format!("无法创建文件夹 {}：{e}", dir.display()))?;
    write_bytes_atomically(
        &dir.join(MARKER),
        true,
        b"rehabdocs demo output; safe to delete\n",
    )
    .map_err(|e| format!("无法写入 {}：{e}", dir.display()))
}

/// Runs the demo into `dir`.
pub fn run_demo(dir: &Path, force: bool) -> Result<DemoOutcome, String> {
    claim_folder(dir, force)?;
    let mut files = Vec::new();

    let register_path = dir.join(REGISTER_FILE);
    write_bytes_atomically(&register_path, true, SAMPLE_XLSX).map_err(|e| e.to_string())?;
    files.push(("示例台帐（40 人）".to_string(), register_path.clone()));

    let outcome = read_register(&register_path).map_err(|e| e.to_string())?;
    let profile = Profile::standard();
    let report = check_loaded(
        outcome.register,
        outcome.findings,
        &profile,
        sample_as_of(),
        &Selection::default(),
    );

    let text_path = dir.join(CHECK_TEXT_FILE);
    write_bytes_atomically(
        &text_path,
        true,
        render_text(&report, Ids::Masked).as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    files.push(("检查结果（文本）".to_string(), text_path));
    let json_path = dir.join(CHECK_JSON_FILE);
    write_bytes_atomically(
        &json_path,
        true,
        render_json(&report, Ids::Masked).as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    files.push(("检查结果（JSON）".to_string(), json_path));

    let annotated = dir.join(ANNOTATED_FILE);
    if annotated.exists() {
        fs::remove_file(&annotated)
            .map_err(|e| format!("无法替换 {}：{e}", annotated.display()))?;
    }
    write_annotated(&report, &annotated, Ids::Masked)?;
    files.push(("标注问题的台帐".to_string(), annotated));

    // Every document the findings make due, one file per document, with the manifest (清单);
    // the document-number ledger is the office's, beside the (copied) register.
    let paperwork = dir.join(PAPERWORK_DIR);
    let mut opts = GenerateOptions::new(
        PlanOptions {
            due: true,
            ..PlanOptions::default()
        },
        report.as_of,
    );
    opts.force = true;
    opts.ledger = Some(Ledger::default_path(&register_path));
    match generate(
        &report.register,
        &report.findings,
        &profile,
        &paperwork,
        &opts,
    ) {
        Ok(done) => {
            let pages: usize = done.rows.iter().map(|r| r.pages).sum();
            files.push((
                format!("应出具的文书 {} 份（{pages} 页）及清单", done.rows.len()),
                paperwork,
            ));
            files.push(("文号台帐".to_string(), done.ledger));
        }
        Err(GenerateError::Nothing(_)) => {}
        Err(e) => return Err(e.to_string()),
    }

    // The year-end appraisal of the sample's year: PDF, XLSX and JSON.
    let request = ReportRequest {
        register: &register_path,
        year: report.as_of.year(),
        profile: &profile.name,
        compare: None,
        ledger: None,
    };
    let report_dir = dir.join(REPORT_DIR);
    let done = run_report(&request, &report_dir, true).map_err(|e| e.to_string())?;
    for path in done.written {
        let what = match path.extension().and_then(|e| e.to_str()) {
            Some("pdf") => "年终考核评估报告（PDF）",
            Some("xlsx") => "年终考核评估表（Excel）",
            Some("json") => "年终考核评估数据（JSON）",
            // The ledger (its 文号), already listed when the paperwork numbered from it.
            _ if files.iter().any(|(_, p)| *p == path) => continue,
            _ => "文号台帐",
        };
        files.push((what.to_string(), path));
    }

    Ok(DemoOutcome {
        dir: dir.to_path_buf(),
        report,
        files,
    })
}

/// The lines the demo prints: the check's summary and where every file is.
pub fn summary_text(outcome: &DemoOutcome) -> String {
    let text = render_text(&outcome.report, Ids::Masked);
    // The at-a-glance summary is the part of the text report after its separator.
    let summary = text
        .find("—— 汇总 ——")
        .map(|at| &text[at..])
        .unwrap_or(text.as_str());
    let mut out = format!(
        "示例：检查 rehabdocs 自带的示例台帐（检查基准日 {}，配置 {}）\n\n{summary}\n",
        outcome.report.as_of, outcome.report.profile
    );
    out.push_str(&format!("已写入 {}：\n", outcome.dir.display()));
    for (what, path) in &outcome.files {
        out.push_str(&format!("  {what}：{}\n", path.display()));
    }
    out
}
