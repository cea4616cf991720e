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
    /// List every rule: code, severity, name, profile setting (规则清单).
    Rules,
    /// Rule profiles (配置): list the bundled ones or show one fully resolved.
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { register } => {
            eprintln!("尚未实现: {}", register.display());
            ExitCode::from(2)
        }
        Command::Rules => {
            print!("{}", rehabdocs::rules::catalogue_text());
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
                        eprintln!("{e}");
                        ExitCode::from(2)
                    }
                }
            }
        },
    }
}
