//! The `rehabdocs` command line: argument parsing, calls into the library, exit codes.
//! Exit codes: 0 ok, 1 findings at or above `--fail-on`, 2 unusable input.

use clap::{Parser, Subcommand};
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

#[derive(Subcommand)]
enum Command {
    /// Check a register and list what is wrong (检查台帐).
    Check {
        /// The register: .xlsx/.xlsm/.xls/.ods, a CSV file, or a folder of CSV files.
        register: std::path::PathBuf,
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
            eprintln!("错误: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { register } => {
            eprintln!("尚未实现: {}", register.display());
            ExitCode::from(2)
        }
        Command::Sample(args) => run_sample(args),
        Command::Template { output, force } => {
            match rehabdocs::blank_template::write_template(&output, force) {
                Ok(()) => {
                    println!("已生成空白台帐模板 {}", output.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
