//! `rehabdocs sample`: a synthetic register in the contract layout (`shared/register.md`),
//! with a chosen share of people carrying injected rule breaks, a few data errors, and an
//! answer key listing exactly what was injected.
//!
//! Deterministic: the same options give byte-identical files. People without breaks are
//! compliant with the `standard` profile (domain.md): with `breaches = 0` the register gives
//! no finding above info. Large registers are streamed (constant-memory worksheets, one
//! person's history at a time), so 20,000 people and a million event rows stay memory-flat.

pub mod answers;
pub mod background;
pub mod dates;
pub mod history;
pub mod layout;
pub mod names;

pub mod plan;
pub mod resident_id;
pub mod rng;
pub mod writer;

use crate::write_file::{self as output, OutputError};
use answers::{AnswerKey, DataError, Expected};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::Workbook;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use writer::{Cell, Formats, SheetWriter};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// Number of people (rows of 人员).
    pub persons: u32,
    pub seed: u64,
    /// Share of people with one or two injected rule breaks, 0.0–1.0.
    pub breaches: f64,
    /// The as-of date: nothing in the register lies after it.
    pub as_of: NaiveDate,
    /// Whether to plant a few data errors (D001–D009) on people without rule breaks.
    pub data_errors: bool,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            persons: 40,
            seed: 1,
            breaches: 0.2,
            as_of: default_as_of(),
            data_errors: true,
        }
    }
}

/// The default as-of date, 2025-12-31 (never today, so output is deterministic).
pub fn default_as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default()
}

/// Largest register the generator accepts.
pub const MAX_PERSONS: u32 = 1_000_000;

/// Rows written per sheet, for the CLI's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleSummary {
    /// (sheet name, data rows) in workbook order.
    pub rows: Vec<(&'static str, u32)>,
    pub expected: usize,
    pub data_errors: usize,
    pub answers_path: PathBuf,
}

/// `FILE.answers.json` beside `FILE.xlsx`.
pub fn answers_path(workbook: &Path) -> PathBuf {
    let stem = workbook
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sample".to_string());
    workbook.with_file_name(format!("{stem}.answers.json"))
}

fn validate(opts: &SampleOptions) -> Result<(), OutputError> {
    if opts.persons == 0 || opts.persons > MAX_PERSONS {
        return Err(OutputError::Invalid(format!(
            "--persons 应在 1 到 {MAX_PERSONS} 之间，实际为 {}",
            opts.persons
        )));
    }
    if !(0.0..=1.0).contains(&opts.breaches) || opts.breaches.is_nan() {
        return Err(OutputError::Invalid(format!(
            "--breaches 应在 0 到 1 之间，实际为 {}",
            opts.breaches
        )));
    }
    if !(1990..=2100).contains(&opts.as_of.year()) {
        return Err(OutputError::Invalid(format!(
            "--as-of 应在 1990 年到 2100 年之间，实际为 {}",
            opts.as_of
        )));
    }
    Ok(())
}

/// Generates the sample register at `path` and its answer key beside it (both atomically;
/// neither is overwritten unless `force`).
pub fn generate_to_file(
    opts: &SampleOptions,
    path: &Path,
    force: bool,
) -> Result<SampleSummary, OutputError> {
    validate(opts)?;
    let key_path = answers_path(path);
    output::check_overwrite(path, force)?;
    output::check_overwrite(&key_path, force)?;
    let mut result = None;
    output::write_atomically(path, force, |tmp| {
        let mut workbook = Workbook::new();
        let (key, rows) = fill_workbook(opts, &mut workbook)?;
        workbook.save(tmp)?;
        result = Some((key, rows));
        Ok(())
    })?;
    let (key, rows) = result.ok_or_else(|| OutputError::Invalid("生成失败".to_string()))?;
    output::write_bytes_atomically(&key_path, force, key.to_json().as_bytes())?;
    Ok(SampleSummary {
        rows,
        expected: key.expected.len(),
        data_errors: key.data_errors.len(),
        answers_path: key_path,
    })
}

/// The answer key `generate_to_file` would write, without writing anything (for tests).
pub fn answer_key(opts: &SampleOptions) -> Result<AnswerKey, OutputError> {
    validate(opts)?;
    let mut workbook = Workbook::new();
    Ok(fill_workbook(opts, &mut workbook)?.0)
}

type Filled = (AnswerKey, Vec<(&'static str, u32)>);

/// Plans the register and streams every sheet into `workbook`.
fn fill_workbook(opts: &SampleOptions, workbook: &mut Workbook) -> Result<Filled, OutputError> {
    let plan = plan::build(opts);
    let f = Formats::new();
    let title = layout::PERSONS.title.replace("{town}", plan.town);
    workbook.set_properties(&writer::fixed_properties(opts.as_of, &title)?);
    let mut sheets = Vec::with_capacity(layout::SHEETS.len());
    for l in layout::SHEETS {
        sheets.push(SheetWriter::new(workbook, l, plan.town, &f)?);
    }
    let [persons, tests, contacts, leaves, warnings, evaluations, staff, units, help] =
        &mut sheets[..]
    else {
        return Err(OutputError::Invalid("工作表数目不对".to_string()));
    };

    let mut key = AnswerKey {
        seed: opts.seed,
        persons: opts.persons,
        as_of: opts.as_of.format("%Y-%m-%d").to_string(),
        breaches_share: opts.breaches,
        expected: Vec::new(),
        data_errors: Vec::new(),
    };
    let n = plan.persons.len();
    let warning_prefix: String = plan.town.chars().take(2).collect();
    let mut warning_numbers: BTreeMap<i32, u32> = BTreeMap::new();
    let mut unknown_ids = 0usize;

    for (i, p) in plan.persons.iter().enumerate() {
        // 人员
        let birth_text;
        let birth = match p.data_error {
            Some("D002") => {
                birth_text = format!("{}-02-30", p.birth.year());
                Cell::Text(&birth_text)
            }
            Some("D004") => Cell::Date(dates::add_months(p.birth, 12)),
            _ => Cell::Date(p.birth),
        };
        let opt_date = |d: Option<NaiveDate>| d.map(Cell::Date).unwrap_or(Cell::Empty);
        let bg = background::build(p, i, opts.seed);
        let first_use = match &bg.first_use {
            Some(background::FirstUse::Date(d)) => Cell::Date(*d),
            Some(background::FirstUse::Year(y)) => Cell::Text(y),
            None => Cell::Empty,
        };
        let yes_no = |b: bool| Cell::Text(if b { "是" } else { "否" });
        let row = persons.row(
            &[
                Cell::Text(&p.id),
                Cell::Text(&p.name),
                Cell::Text(if p.female { "女" } else { "男" }),
                Cell::Text(&p.resident_id),
                birth,
                Cell::Text(&p.phone),
                Cell::Text(&p.household_address),
                Cell::Text(&p.current_address),
                Cell::Text(plan.town),
                Cell::Text(&plan.units[p.unit].name),
                Cell::Text(p.measure),
                Cell::Text(&p.authority),
                Cell::Text(&p.decision_number),
                Cell::Date(p.decision),
                Cell::Date(p.served),
                yes_no(p.other_province),
                opt_date(p.report),
                opt_date(p.agreement),
                Cell::Number(f64::from(plan::TERM_MONTHS)),
                Cell::Text(p.status),
                opt_date(p.status_date),
                Cell::Text(&p.social_worker),
                Cell::Text(&p.leader),
                Cell::Text(&p.members),
                yes_no(p.fixed[0]),
                yes_no(p.fixed[1]),
                yes_no(p.fixed[2]),
                p.special.map(Cell::Text).unwrap_or(Cell::Empty),
                yes_no(p.methadone),
                Cell::Text(bg.ethnicity),
                Cell::Text(bg.education),
                Cell::Text(bg.marital),
                Cell::Text(bg.occupation),
                Cell::Text(&bg.employer),
                first_use,
                Cell::Text(bg.drugs),
                Cell::Text(&bg.family_name),
                Cell::Text(bg.family_relation),
                Cell::Text(&bg.family_phone),
                Cell::Text(&bg.record),
            ],
            &f,
        )?;
        for code in &p.expected {
            key.expected.push(Expected {
                code: code.to_string(),
                person: Some(p.id.clone()),
                unit: None,
            });
        }
        let column = match p.data_error {
            Some("D002") | Some("D004") => Some("出生日期"),
            Some("D003") => Some("公民身份号码"),
            Some("D009") => Some("措施类型"),
            _ => None,
        };
        if let (Some(code), Some(column)) = (p.data_error, column) {
            key.data_errors.push(DataError {
                code: code.to_string(),
                cell: persons.cell_name(row, column),
                person: Some(p.id.clone()),
            });
        }

        let h = history::build(p, i, opts.seed, opts.as_of);
        let id = Cell::Text(&p.id);
        let lab = format!("{}{}派出所", &p.authority, plan.town);
        for t in &h.tests {
            tests.row(
                &[
                    id,
                    Cell::Date(t.date),
                    Cell::Text(t.method),
                    Cell::Text(t.result),
                    Cell::Text(&lab),
                    Cell::Text(&t.tester),
                ],
                &f,
            )?;
        }
        if let (Some("D001"), Some(start), Some(end)) = (p.data_error, p.report, p.window_end) {
            let date = dates::add_days(start, 2).min(end);
            let row = tests.row(
                &[
                    id,
                    Cell::Date(date),
                    Cell::Text("尿检"),
                    Cell::Empty,
                    Cell::Text(&lab),
                ],
                &f,
            )?;
            key.data_errors.push(DataError {
                code: "D001".to_string(),
                cell: tests.cell_name(row, "结果"),
                person: Some(p.id.clone()),
            });
        }
        for c in &h.contacts {
            contacts.row(
                &[
                    id,
                    Cell::Date(c.date),
                    Cell::Text(c.kind),
                    Cell::Text(&c.worker),
                    Cell::Text(c.summary),
                ],
                &f,
            )?;
        }
        if let (Some("D006"), Some(first)) = (p.data_error, h.contacts.first()) {
            let unknown = plan::person_id(n + unknown_ids);
            unknown_ids += 1;
            let row = contacts.row(
                &[
                    Cell::Text(&unknown),
                    Cell::Date(first.date),
                    Cell::Text("面谈"),
                    Cell::Text(&first.worker),
                    Cell::Text("谈话记录"),
                ],
                &f,
            )?;
            key.data_errors.push(DataError {
                code: "D006".to_string(),
                cell: contacts.cell_name(row, "编号"),
                person: None,
            });
        }
        for l in &h.leaves {
            leaves.row(
                &[
                    id,
                    Cell::Date(l.leave),
                    l.back.map(Cell::Date).unwrap_or(Cell::Empty),
                    // An approved leave was approved as taken (its length is the approver's).
                    match (l.approved, l.back) {
                        (true, Some(back)) => Cell::Date(back),
                        _ => Cell::Empty,
                    },
                    Cell::Text(l.destination),
                    Cell::Text(l.reason),
                    Cell::Text(if l.approved { "是" } else { "否" }),
                    Cell::Text(&l.approver),
                ],
                &f,
            )?;
        }
        for w in &h.warnings {
            let number = if w.written {
                let n = warning_numbers.entry(w.date.year()).or_insert(0);
                *n += 1;
                format!("{warning_prefix}禁告〔{}〕{}号", w.date.year(), n)
            } else {
                String::new()
            };
            warnings.row(
                &[
                    id,
                    Cell::Date(w.date),
                    Cell::Text(if w.written { "书面" } else { "口头" }),
                    Cell::Text(w.reason),
                    Cell::Text(&number),
                ],
                &f,
            )?;
        }
        for e in &h.evaluations {
            evaluations.row(
                &[
                    id,
                    Cell::Date(e.date),
                    Cell::Text(&e.period),
                    Cell::Text(e.conclusion),
                    Cell::Text(&e.evaluator),
                ],
                &f,
            )?;
        }
        for x in &h.help {
            help.row(&[id, Cell::Date(x.date), Cell::Text(x.kind)], &f)?;
        }
    }

    for s in &plan.staff {
        staff.row(
            &[
                Cell::Text(&s.name),
                Cell::Text(if s.female { "女" } else { "男" }),
                Cell::Date(s.birth),
                Cell::Text(s.education),
                Cell::Text(if s.full_time { "专职" } else { "兼职" }),
                Cell::Text(plan.town),
                Cell::Text(&plan.units[s.unit].name),
            ],
            &f,
        )?;
    }
    for u in &plan.units {
        units.row(
            &[
                Cell::Text(plan.town),
                Cell::Text(&u.name),
                Cell::Number(f64::from(u.users)),
                Cell::Number(f64::from(u.budget)),
                Cell::Number(f64::from(u.funded)),
            ],
            &f,
        )?;
        for code in &u.expected {
            key.expected.push(Expected {
                code: code.to_string(),
                person: None,
                unit: Some(u.name.clone()),
            });
        }
    }

    let rows = sheets
        .iter()
        .map(|s| (s.layout.name, s.next_row.saturating_sub(2)))
        .collect();
    for s in sheets {
        workbook.push_worksheet(s.sheet);
    }
    key.sort();
    Ok((key, rows))
}
