//! The pages as they are printed: every form of a term rendered from the bundled sample, each
//! page's text extracted, and the layout rules of GB/T 9704-2012 checked on it (the seal and
//! date never alone on a page, page numbers placed odd right / even left).

use chrono::NaiveDate;
use rehabdocs::check::{check_file, Selection};
use rehabdocs::model::{Register, Status};
use rehabdocs::paperwork::forms;
use rehabdocs::paperwork::generate::{generate, GenerateOptions};
use rehabdocs::paperwork::ledger::LEDGER_FILE;
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::profile::Profile;
use std::path::{Path, PathBuf};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The text of each page, whitespace removed.
fn pages_of(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes)
        .unwrap()
        .into_iter()
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

/// What is left of a page without its signature block: the office's name (seal line),
/// dates (2025年3月1日, and the blank 年月日 of a hand date), party labels (甲方（盖章）：,
/// 帮教小组组长（签名）：), page numbers (—3—) and the closing notes (本协议一式三份…,
/// 抄送：…). Empty: the page holds only a signature block.
fn without_signature_block(page: &str, office_names: &[String]) -> String {
    let mut rest = page.to_string();
    for name in office_names {
        rest = rest.replace(name.as_str(), "");
    }
    for note in ["本协议一式", "一式两份", "一式三份", "抄送"] {
        if let Some(at) = rest.find(note) {
            rest.truncate(at);
        }
    }
    let rest = without_digit_dates(&rest);
    let label_chars = "甲乙丙方帮教小组组长签名盖章（）：";
    let date_chars = "—-0123456789〇一二三四五六七八九十年月日";
    rest.chars()
        .filter(|c| !label_chars.contains(*c) && !date_chars.contains(*c))
        .collect()
}

/// Removes the dates written in digits (2025年3月1日).
fn without_digit_dates(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let year = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if year == 4 && chars.get(i + 4) == Some(&'年') {
            if let Some(end) = chars[i..].iter().take(12).position(|c| *c == '日') {
                i += end + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

struct Rendered {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    register: Register,
}

/// Every form for every person of the sample (社区戒毒 and 社区康复, every status), everything
/// the sample's findings make due, and the forms of a term's end once every term has ended,
/// rendered as one file per document.
fn render_sample() -> Rendered {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sample.xlsx");
    let as_of = rehabdocs::demo::sample_as_of();
    let profile = Profile::standard();
    let report = check_file(&path, &profile, as_of, &Selection::default()).unwrap();
    // The sample has nobody 中止 or 终止: two persons are, so that their notices print too.
    let mut reg = report.register.clone();
    let clean = |k: usize| {
        let id = &report.register.persons[k].id;
        !report.findings.iter().any(|f| {
            f.person.as_deref() == Some(id.as_str())
                && f.severity == rehabdocs::finding::Severity::Error
        })
    };
    let active: Vec<usize> = (0..reg.persons.len())
        .filter(|&k| {
            reg.persons[k].report_date.is_some()
                && reg.persons[k].status_or_active() == Status::Active
                && clean(k)
        })
        .take(2)
        .collect();
    for (k, status) in active
        .into_iter()
        .zip([Status::Suspended, Status::Terminated])
    {
        reg.persons[k].status = Some(status);
        reg.persons[k].status_date = Some(d(2025, 9, 15));
    }
    let reg = &reg;
    let dir = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let every_form: Vec<String> = forms::all().iter().map(|f| f.id.clone()).collect();
    let term_end_forms: Vec<String> =
        ["total_evaluation", "discharge_proposal", "discharge_notice"]
            .map(String::from)
            .to_vec();
    // (forms, as-of date, due): every form on request; what the findings make due; the forms
    // of a term's end once every term has ended.
    let runs = vec![
        (every_form, as_of, false),
        (Vec::new(), as_of, true),
        (term_end_forms, d(2030, 6, 30), false),
    ];
    for (k, (forms, as_of, due)) in runs.into_iter().enumerate() {
        let out_dir = dir.path().join(k.to_string());
        std::fs::create_dir(&out_dir).unwrap();
        let mut o = GenerateOptions::new(
            PlanOptions {
                forms,
                due,
                ..PlanOptions::default()
            },
            as_of,
        );
        o.ledger = Some(office.path().join(LEDGER_FILE));
        let out = generate(reg, &report.findings, &profile, &out_dir, &o).unwrap();
        files.extend(out.rows.iter().map(|r| out_dir.join(&r.file)));
    }
    Rendered {
        _dir: dir,
        files,
        register: reg.clone(),
    }
}

#[test]
fn no_page_of_any_form_holds_only_a_signature_block() {
    let r = render_sample();
    let office_names: Vec<String> = {
        let mut towns: Vec<String> = r.register.persons.iter().map(|p| p.town.clone()).collect();
        towns.sort();
        towns.dedup();
        towns
            .iter()
            .map(|t| rehabdocs::paperwork::Office::default().name_for(t))
            .collect()
    };
    let mut forms_seen: Vec<String> = Vec::new();
    let mut pages = 0;
    for file in &r.files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for f in forms::all() {
            if name.contains(&f.id) || name.contains(&f.short) {
                forms_seen.push(f.id.clone());
            }
        }
        for (k, page) in pages_of(file).iter().enumerate() {
            pages += 1;
            if k == 0 {
                continue;
            }
            let rest = without_signature_block(page, &office_names);
            assert!(
                !rest.is_empty(),
                "{name}: page {} holds only a signature block: {page}",
                k + 1
            );
        }
    }
    forms_seen.sort();
    forms_seen.dedup();
    // Every person form of the catalogue was printed and looked at.
    let missing: Vec<&str> = forms::all()
        .iter()
        .filter(|f| !forms_seen.contains(&f.id))
        .map(|f| f.id.as_str())
        .collect();
    assert!(missing.is_empty(), "never printed: {missing:?}");
    eprintln!("{} documents, {pages} pages", r.files.len());
    assert!(pages > r.files.len(), "some documents run over a page");
}
