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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { register } => {
            eprintln!("尚未实现: {}", register.display());
            ExitCode::from(2)
        }
    }
}
