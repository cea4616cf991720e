//! The `rehabdocs` command line: argument parsing, calls into the library, exit codes.
//! Exit codes: 0 ok, 1 findings at or above `--fail-on`, 2 unusable input.

use clap::{Parser, Subcommand, ValueEnum};
use rehabdocs::check::{check_file, Selection};
use rehabdocs::finding::Severity;
use rehabdocs::output::{render_json, render_text, Ids};
use rehabdocs::paperwork::generate::{
    generate, preview, GenerateError, GenerateOptions, DEFAULT_VOLUME_DOCUMENTS,
};
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::paperwork::{Office, OfficeFlags};
use rehabdocs::profile::Profile;
use rehabdocs::register::values::parse_date_text;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rehabdocs",
    version,
    about = "社区戒毒/社区康复台帐：检查数据、生成文书、年终考核"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of `check`.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The severity at or above which `check` exits with 1.
#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Breach,
    Warning,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Breach => Severity::Breach,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a register and list what is wrong (检查台帐).
    Check {
        /// The register: .xlsx/.xlsm/.xls/.ods, a CSV file (= the 人员 sheet), or a folder
        /// of CSV files named after the sheets.
        register: std::path::PathBuf,
        /// The date the check is made for (default: today). Accepts 2025-03-01, 2025/3/1,
        /// 2025.3.1, 2025年3月1日 or 20250301.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// A bundled profile by name or a profile YAML file.
        #[arg(long, value_name = "NAME|FILE", default_value = "standard")]
        profile: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Keep only codes starting with these prefixes (comma-separated, repeatable).
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        select: Vec<String>,
        /// Drop codes starting with these prefixes (comma-separated, repeatable).
        #[arg(long, value_name = "CODES", value_delimiter = ',')]
        ignore: Vec<String>,
        /// Exit with 1 when a finding is at or above this severity.
        #[arg(long, value_enum, default_value = "error")]
        fail_on: FailOn,
        /// Also write an annotated copy of the register (.xlsx): every cell a finding rests on
        /// coloured and noted, plus 问题清单 and 汇总 sheets.
        #[arg(long, value_name = "OUT.xlsx")]
        annotate: Option<std::path::PathBuf>,
        /// Overwrite the --annotate file if it exists.
        #[arg(long)]
        force: bool,
        /// Show resident IDs and phone numbers in full (default: masked, 110101********1234).
        #[arg(long)]
        show_ids: bool,
    },
    /// Year-end appraisal report per village/community (年终考核评估): PDF, XLSX and JSON.
    Report {
        /// This year's register (.xlsx/.xls/.ods, CSV file or folder of CSV files).
        register: std::path::PathBuf,
        /// The year appraised, 2000–2100 (1 January – 31 December; figures as of 31
        /// December).
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: i32,
        /// Output folder (created if missing).
        #[arg(short = 'o', long = "out")]
        out: std::path::PathBuf,
        /// Rule profile: a bundled name or a YAML file (its `appraisal:` section, if any,
        /// overrides the default scoring scheme).
        #[arg(long, default_value = "standard")]
        profile: String,
        /// Last year's register: its figures are shown beside this year's.
        #[arg(long)]
        compare: Option<std::path::PathBuf>,
        /// Overwrite existing report files.
        #[arg(long)]
        force: bool,
    },
    /// 列出全部文书：编号、简称、标题（社区戒毒／社区康复）及何时出具；--form 可填其中任一名称。
    Forms,
    /// List every rule: code, severity, name, profile setting, and the documents each makes
    /// due, to whom, on which article (规则清单).
    Rules,
    /// Rule profiles (配置): list the bundled ones or show one fully resolved.
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
    /// Run the main job on the bundled sample register and say where the output is (演示).
    Demo {
        /// Output folder (created; a folder the demo wrote before is reused).
        #[arg(short, long, default_value = "rehabdocs-demo")]
        output: std::path::PathBuf,
        /// Write into an existing folder that the demo did not create.
        #[arg(long)]
        force: bool,
    },
    /// Generate a synthetic register with an answer key (生成示例台帐).
    Sample(SampleArgs),
    /// Write a blank register for clerks to fill in (生成空白台帐模板).
    Template {
        /// Output workbook (.xlsx).
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Generate the statutory paperwork as PDF (生成文书).
    Generate {
        /// The register workbook (or CSV file / folder).
        register: PathBuf,
        /// Output directory; the manifest 清单.csv/.pdf goes there too (the ledger of document
        /// numbers does not: see --ledger).
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        #[command(flatten)]
        select: DocSelection,
        /// Everything the check findings make due.
        #[arg(long)]
        due: bool,
        /// One PDF for the whole batch, sorted by unit then person (文书合订).
        #[arg(long)]
        merge: bool,
        /// With --merge: at most this many documents per merged file (合订每册件数); one
        /// person's documents are never split. Bounds the memory a large batch needs.
        #[arg(long, value_name = "N", default_value_t = DEFAULT_VOLUME_DOCUMENTS as u32,
              value_parser = clap::value_parser!(u32).range(1..))]
        volume_size: u32,
        /// With --merge or --archive: every document starts on an odd page (double-sided
        /// printing).
        #[arg(long)]
        duplex: bool,
        /// 一人一档：把 --person 所指一名人员的整份档案合订为一个 PDF——档案封面、卷内目录（含各文书
        /// 所在页号），以及期内依台帐可出具的全部文书；不能出具的文书在屏幕上列明原因。
        #[arg(long, conflicts_with_all = ["merge", "due", "forms"])]
        archive: bool,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Render the first page of one document as PNG (预览文书).
    Preview {
        /// The register workbook (or CSV file / folder).
        register: PathBuf,
        /// Output PNG file.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        #[command(flatten)]
        select: DocSelection,
        /// Pixels per point, 0.5–8 (2.0 ≈ 144 dpi).
        #[arg(long, default_value_t = 2.0, value_parser = preview_scale)]
        scale: f64,
        /// Overwrite the output file if it exists.
        #[arg(long)]
        force: bool,
    },
}

/// Which documents, for whom, and how they are dated and numbered.
#[derive(clap::Args)]
struct DocSelection {
    /// 文书：简称、标题或编号均可（如 告诫书、社区康复协议书、agreement）；全部文书见
    /// `rehabdocs forms`。
    #[arg(long = "form", num_args = 1.., value_name = "文书")]
    forms: Vec<String>,
    /// Persons by 编号.
    #[arg(long = "person", num_args = 1..)]
    persons: Vec<String>,
    /// Units: 村(社区) or 乡镇(街道) names.
    #[arg(long = "unit", num_args = 1..)]
    units: Vec<String>,
    /// The as-of date (2025-03-01, 2025/3/1, 2025年3月1日, ...); default today.
    #[arg(long = "as-of")]
    as_of: Option<String>,
    /// Rule profile: a bundled name or a YAML file.
    #[arg(long, default_value = "standard")]
    profile: String,
    /// The issuing office's full name; default {乡镇(街道)}社区戒毒(康复)工作办公室.
    #[arg(long)]
    office: Option<String>,
    /// The document-number prefix (e.g. 东禁); default the town's first character + 禁.
    #[arg(long)]
    prefix: Option<String>,
    /// The office's ledger of document numbers (文号台帐), shared by every output folder;
    /// default 文号台帐.csv beside the register (inside it for a folder of CSV files).
    /// `preview` only reads it.
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// Dates as 二〇二五年三月一日 instead of 2025年3月1日.
    #[arg(long)]
    upper_dates: bool,
    /// Use only the embedded fonts: output independent of the machine (byte-identical
    /// re-runs). Without it the office's own fonts (仿宋, 小标宋, 黑体, 楷体; see
    /// forms/fonts.yaml, the profile's `fonts:` first; extra dirs in REHABDOCS_FONT_DIRS)
    /// are used when installed.
    #[arg(long)]
    embedded_fonts_only: bool,
}

#[derive(Subcommand)]
enum ProfileAction {
    /// List the bundled profiles.
    List,
    /// Print a profile (bundled name or YAML file) as fully resolved YAML, `extends:` applied.
    Show {
        /// A bundled profile name (standard, ouhai, national) or a YAML file.
        name: String,
    },
}

/// Arguments of `rehabdocs sample`.
#[derive(clap::Args)]
struct SampleArgs {
    /// Output workbook (.xlsx); the answer key is written beside it as FILE.answers.json.
    #[arg(short, long)]
    output: std::path::PathBuf,
    /// Number of people.
    #[arg(long, default_value_t = 40)]
    persons: u32,
    /// Random seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of people with injected rule breaks (0–1).
    #[arg(long, default_value_t = 0.2)]
    breaches: f64,
    /// Plant a few data errors (D001–D009) too: true|false (default: true when --breaches > 0).
    #[arg(long, value_name = "BOOL")]
    data_errors: Option<bool>,
    /// As-of date (YYYY-MM-DD); nothing in the register lies after it.
    #[arg(long, default_value = "2025-12-31")]
    as_of: chrono::NaiveDate,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

fn run_sample(args: SampleArgs) -> ExitCode {
    let opts = rehabdocs::sample::SampleOptions {
        persons: args.persons,
        seed: args.seed,
        breaches: args.breaches,
        as_of: args.as_of,
        data_errors: args.data_errors.unwrap_or(args.breaches > 0.0),
    };
    match rehabdocs::sample::generate_to_file(&opts, &args.output, args.force) {
        Ok(summary) => {
            let rows: Vec<String> = summary
                .rows
                .iter()
                .map(|(sheet, n)| format!("{sheet} {n}"))
                .collect();
            println!(
                "已生成 {}（{}）；答案 {}：{} 条应有发现，{} 处数据错误",
                args.output.display(),
                rows.join("，"),
                summary.answers_path.display(),
                summary.expected,
                summary.data_errors
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{}", Ids::Masked.apply(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Unusable input: one line on stderr (personal numbers masked), exit code 2.
fn unusable(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{}", Ids::Masked.apply(&message.to_string()));
    ExitCode::from(2)
}

fn prefixes(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            register,
            as_of,
            profile,
            format,
            select,
            ignore,
            fail_on,
            annotate,
            force,
            show_ids,
        } => {
            let ids = if show_ids { Ids::Shown } else { Ids::Masked };
            if let Some(out) = &annotate {
                // Never over the register itself, not even with --force.
                if let Err(e) = rehabdocs::write_file::refuse_input(out, &register) {
                    return unusable(e);
                }
                if out.exists() && !force {
                    return unusable(format!("{} 已存在（加 --force 覆盖）", out.display()));
                }
            }
            let as_of = match as_of {
                None => chrono::Local::now().date_naive(),
                Some(text) => match parse_date_text(&text) {
                    Some(d) => d,
                    None => return unusable(format!("--as-of「{text}」不是可识别的日期")),
                },
            };
            let profile = match Profile::load(&profile) {
                Ok(p) => p,
                Err(e) => return unusable(e),
            };
            let selection = Selection {
                select: prefixes(select),
                ignore: prefixes(ignore),
            };
            let report = match check_file(&register, &profile, as_of, &selection) {
                Ok(r) => r,
                Err(e) => return unusable(e),
            };
            if let Some(out) = &annotate {
                if let Err(e) = rehabdocs::annotate::write_annotated(&report, out, ids) {
                    return unusable(e);
                }
            }
            let text = match format {
                Format::Text => render_text(&report, ids),
                Format::Json => render_json(&report, ids),
            };
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(text.as_bytes()).is_err() {
                // A closed pipe (e.g. `| head`) is not an error of the register.
            }
            let fail = fail_on.severity();
            if report.findings.iter().any(|f| f.severity >= fail) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Demo { output, force } => match rehabdocs::demo::run_demo(&output, force) {
            Ok(outcome) => {
                print!("{}", rehabdocs::demo::summary_text(&outcome));
                ExitCode::SUCCESS
            }
            Err(e) => unusable(e),
        },
        Command::Sample(args) => run_sample(args),
        Command::Template { output, force } => {
            match rehabdocs::blank_template::write_template(&output, force) {
                Ok(()) => {
                    println!("已生成空白台帐模板 {}", output.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误：{}", Ids::Masked.apply(&e.to_string()));
                    ExitCode::from(2)
                }
            }
        }
        Command::Report {
            register,
            year,
            out,
            profile,
            compare,
            force,
        } => {
            let request = rehabdocs::report::ReportRequest {
                register: &register,
                year,
                profile: &profile,
                compare: compare.as_deref(),
            };
            match rehabdocs::report::run_report(&request, &out, force) {
                Ok(paths) => {
                    for p in paths {
                        println!("{}", p.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误：{}", Ids::Masked.apply(&e.to_string()));
                    ExitCode::from(2)
                }
            }
        }
        Command::Forms => {
            print!("{}", rehabdocs::paperwork::forms::list_text());
            ExitCode::SUCCESS
        }
        Command::Rules => {
            print!("{}", rehabdocs::rules::catalogue_text());
            println!("\n各项发现应出具的文书（致送对象、法律依据）：");
            print!("{}", rehabdocs::paperwork::documents::map_text());
            ExitCode::SUCCESS
        }
        Command::Profile { action } => match action {
            ProfileAction::List => {
                print!("{}", rehabdocs::profile::list_text());
                ExitCode::SUCCESS
            }
            ProfileAction::Show { name } => {
                match rehabdocs::profile::Profile::load(&name).and_then(|p| p.to_yaml()) {
                    Ok(yaml) => {
                        print!("{yaml}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("{}", Ids::Masked.apply(&e.to_string()));
                        ExitCode::from(2)
                    }
                }
            }
        },
        Command::Generate {
            register,
            out,
            select,
            due,
            merge,
            volume_size,
            duplex,
            archive,
            force,
        } => match run_generate(
            &register,
            &out,
            &select,
            due,
            Batch {
                merge,
                volume_size: volume_size as usize,
                duplex,
                archive,
                force,
            },
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("{}", Ids::Masked.apply(&msg));
                ExitCode::from(2)
            }
        },
        Command::Preview {
            register,
            out,
            select,
            scale,
            force,
        } => match run_preview(&register, &out, &select, scale, force) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("{}", Ids::Masked.apply(&msg));
                ExitCode::from(2)
            }
        },
    }
}

fn parse_as_of(s: &Option<String>) -> Result<chrono::NaiveDate, String> {
    match s {
        None => Ok(chrono::Local::now().date_naive()),
        Some(s) => parse_date_text(s).ok_or_else(|| format!("--as-of「{s}」不是可识别的日期")),
    }
}

/// The preview's pixels per point: a number from 0.5 to 8 (a page at 8 is ~40 MB of pixels).
fn preview_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.5..=8.0).contains(&v) => Ok(v),
        _ => Err(format!("「{text}」不是 0.5 到 8 之间的数")),
    }
}

/// Reads and checks the register and turns the selection into generate options.
fn prepare(
    register: &std::path::Path,
    select: &DocSelection,
    due: bool,
) -> Result<(rehabdocs::check::CheckReport, Profile, GenerateOptions), String> {
    let as_of = parse_as_of(&select.as_of)?;
    let profile = Profile::load(&select.profile)?;
    let report =
        check_file(register, &profile, as_of, &Selection::default()).map_err(|e| e.to_string())?;
    let mut opts = GenerateOptions::new(
        PlanOptions {
            forms: select.forms.clone(),
            persons: select.persons.clone(),
            units: select.units.clone(),
            due,
            quarter: None,
        },
        as_of,
    );
    opts.office = Office::from_profile(
        &profile.office,
        OfficeFlags {
            name: select.office.clone(),
            prefix: select.prefix.clone(),
        },
    );
    opts.upper_dates = select.upper_dates;
    opts.ledger = Some(ledger_path(register, select, &profile));
    if !select.embedded_fonts_only {
        opts.use_system_fonts(&profile);
    }
    Ok((report, profile, opts))
}

/// The office's ledger: `--ledger`, else the profile's `office.ledger` (relative to the
/// register's folder), else 文号台帐.csv beside the register.
fn ledger_path(register: &std::path::Path, select: &DocSelection, profile: &Profile) -> PathBuf {
    if let Some(path) = &select.ledger {
        return path.clone();
    }
    match profile.office.ledger.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            if p.is_relative() {
                let folder = if register.is_dir() {
                    register
                } else {
                    register.parent().unwrap_or(std::path::Path::new(""))
                };
                folder.join(p)
            } else {
                p
            }
        }
        _ => rehabdocs::paperwork::ledger::Ledger::default_path(register),
    }
}

/// How `generate` writes its batch.
struct Batch {
    merge: bool,
    volume_size: usize,
    duplex: bool,
    archive: bool,
    force: bool,
}

fn run_generate(
    register: &std::path::Path,
    out: &std::path::Path,
    select: &DocSelection,
    due: bool,
    batch: Batch,
) -> Result<(), String> {
    if batch.archive && select.persons.len() != 1 {
        return Err("错误：一人一档（--archive）需要用 --person 指定一名人员的编号".to_string());
    }
    let (report, profile, mut opts) = prepare(register, select, due)?;
    opts.merge = batch.merge;
    opts.volume_size = batch.volume_size;
    opts.duplex = batch.duplex;
    opts.archive = batch.archive;
    opts.force = batch.force;
    match generate(&report.register, &report.findings, &profile, out, &opts) {
        Ok(done) => {
            let pages: usize = done.rows.iter().map(|r| r.pages).sum();
            println!(
                "已生成 {} 份文书（{} 页），输出目录 {}；文号台帐 {}",
                done.rows.len(),
                pages,
                out.display(),
                done.ledger.display()
            );
            print!("{}", held_text(&done.held));
            Ok(())
        }
        Err(GenerateError::Nothing(held)) => {
            println!("没有需要生成的文书");
            print!("{}", held_text(&held));
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The persons and forms held back, for the clerk: who, which document, and what to fix.
fn held_text(held: &[rehabdocs::paperwork::due::Held]) -> String {
    if held.is_empty() {
        return String::new();
    }
    let mut out = format!("\n以下 {} 项文书暂不出具：\n", held.len());
    for h in held {
        let what = if h.form.is_empty() {
            "全部文书（台帐数据有误，请先改正）".to_string()
        } else {
            rehabdocs::paperwork::forms::short_name(&h.form).to_string()
        };
        out.push_str(&format!(
            "  {} {} {}：{}\n",
            h.unit, h.person_id, h.name, what
        ));
        for r in &h.reasons {
            let r = Ids::Masked.apply(r);
            out.push_str(&format!("    - {r}\n"));
        }
    }
    out
}

fn run_preview(
    register: &std::path::Path,
    out: &std::path::Path,
    select: &DocSelection,
    scale: f64,
    force: bool,
) -> Result<(), String> {
    rehabdocs::write_file::refuse_input(out, register).map_err(|e| e.to_string())?;
    rehabdocs::write_file::check_overwrite(out, force).map_err(|e| e.to_string())?;
    let (report, profile, opts) = prepare(register, select, false)?;
    if select.forms.len() != 1 || select.persons.len() > 1 {
        return Err("预览需要一个 --form，最多一个 --person".to_string());
    }
    let png = preview(&report.register, &report.findings, &profile, &opts, scale)
        .map_err(|e| e.to_string())?;
    rehabdocs::write_file::write_bytes_atomically(out, force, &png).map_err(|e| e.to_string())?;
    println!("已写入 {}", out.display());
    Ok(())
}
