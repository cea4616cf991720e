//! clap's own words in Chinese: the help layout (用法, 参数, 选项, 命令 headings), the `-h`,
//! `-V` and `help` entries, defaults and choices written into each option's help, and the
//! command-line errors as one Chinese line each.
//!
//! clap hard-codes `Usage:`, `Options:`, `Arguments:`, `[default: …]`, `[possible values: …]`
//! and its error texts in English. They are replaced here on the built `Command` tree (help
//! template, help headings, hidden defaults re-stated in the help text, a usage line rendered
//! and rewritten per command) and by mapping `ErrorKind` to a message of our own, so that the
//! derive definitions in `main.rs` keep only the texts of the options themselves.

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches};
use std::io::IsTerminal;
use std::process::ExitCode;

/// The help layout of every command: clap's default with `用法：` for `Usage:`.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Heading of positional arguments, options and subcommands in the help.
const ARGUMENTS: &str = "参数";
const OPTIONS: &str = "选项";
const COMMANDS: &str = "命令";

/// The description of the `help` subcommand.
const HELP_COMMAND_ABOUT: &str = "显示本帮助，或某个命令的帮助（如 help check）";

/// The command tree of `T` with every word clap adds in Chinese.
pub fn command<T: CommandFactory>() -> Command {
    let root = T::command();
    let name = root.get_name().to_string();
    let help = Command::new("help").about(HELP_COMMAND_ABOUT).arg(
        Arg::new("command")
            .value_name(COMMANDS)
            .num_args(0..)
            .help("要查看帮助的命令（可再写子命令）"),
    );
    let root = localise(root, &name)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号")
                .help_heading(OPTIONS),
        )
        .disable_help_subcommand(true)
        .subcommand(localise(help, &format!("{name} help")));
    with_usage(root, &name)
}

/// Help flag, template, headings and Chinese defaults for `cmd` and its subcommands.
fn localise(cmd: Command, bin: &str) -> Command {
    let cmd = cmd
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name(COMMANDS)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助"),
        )
        .mut_args(localise_arg);
    cmd.mut_subcommands(|sub| {
        let path = format!("{bin} {}", sub.get_name());
        localise(sub, &path)
    })
}

/// One argument: under 参数 or 选项, its default and choices written into its help in
/// Chinese (clap's `[default: …]` and `[possible values: …]` hidden).
fn localise_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let mut notes = Vec::new();
    let takes_value = arg.get_action().takes_values();
    if takes_value {
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(choice_text)
            .collect();
        if !choices.is_empty() {
            notes.push(format!("可选：{}", choices.join("、")));
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().to_string())
            .collect();
        if !defaults.is_empty() {
            notes.push(format!("默认：{}", defaults.join("、")));
        }
    }
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let help = if notes.is_empty() {
        help
    } else {
        format!("{help}［{}］", notes.join("；"))
    };
    let arg = arg.help_heading(heading).help(help);
    if takes_value {
        arg.hide_default_value(true).hide_possible_values(true)
    } else {
        arg
    }
}

/// `error（错误）` for a choice with a help text, else the bare value.
fn choice_text(value: &PossibleValue) -> String {
    match value.get_help() {
        Some(help) => format!("{}（{help}）", value.get_name()),
        None => value.get_name().to_string(),
    }
}

/// Every command's usage line rendered by clap and rewritten: `[OPTIONS]` → `[选项]`.
fn with_usage(cmd: Command, path: &str) -> Command {
    let usage = cmd
        .clone()
        .bin_name(path)
        .render_usage()
        .to_string()
        .replacen("Usage: ", "", 1)
        .replace("[OPTIONS]", &format!("[{OPTIONS}]"));
    cmd.override_usage(usage).mut_subcommands(|sub| {
        let sub_path = format!("{path} {}", sub.get_name());
        with_usage(sub, &sub_path)
    })
}

/// Parses the command line into `T`; help, version and errors are printed here (in
/// Chinese) and end the run with the given exit code.
pub fn parse<T: CommandFactory + FromArgMatches>() -> Result<T, ExitCode> {
    let mut cmd = command::<T>();
    let matches = match cmd.try_get_matches_from_mut(std::env::args_os()) {
        Ok(m) => m,
        Err(e) => return Err(report(&mut cmd, &e)),
    };
    if let Some(("help", sub)) = matches.subcommand() {
        return Err(print_help_of(&mut cmd, sub));
    }
    T::from_arg_matches(&matches).map_err(|e| report(&mut cmd, &e))
}

/// `rehabdocs help [COMMAND…]`: the help of the named (sub)command.
fn print_help_of(root: &mut Command, matches: &ArgMatches) -> ExitCode {
    let names: Vec<String> = matches
        .get_many::<String>("command")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let hint = help_hint(root);
    let mut current = root;
    for name in &names {
        if name == "help" || current.find_subcommand(name).is_none() {
            eprintln!(
                "错误：没有命令「{name}」（可用的命令：{}）。{hint}",
                visible_subcommands(current).join("、"),
            );
            return ExitCode::from(2);
        }
        match current.find_subcommand_mut(name) {
            Some(sub) => current = sub,
            None => return ExitCode::from(2),
        }
    }
    let help = current.render_help();
    if std::io::stdout().is_terminal() {
        print!("{}", help.ansi());
    } else {
        print!("{help}");
    }
    ExitCode::SUCCESS
}

fn visible_subcommands(cmd: &Command) -> Vec<String> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect()
}

/// Prints help/version (exit 0) or a command-line error as one Chinese line (exit 2).
fn report(root: &mut Command, e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            eprintln!("错误：{}", error_text(root, e));
            ExitCode::from(2)
        }
    }
}

/// A context value of a clap error as text.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The Chinese line for a command-line error: what is wrong, the nearest right spelling when
/// clap has one, and where to look.
pub fn error_text(root: &Command, e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let hint = help_hint(root);
    let suggestion = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context(e, ContextKind::SuggestedValue))
        .map(|s| format!("，是不是要写 {s}？"))
        .unwrap_or_default();
    let text = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的选项「{arg}」{suggestion}"),
        ErrorKind::InvalidSubcommand => {
            let sub = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!(
                "没有命令「{sub}」{suggestion}（可用的命令：{}）",
                visible_subcommands(root).join("、")
            )
        }
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue).unwrap_or_default();
            if value.is_empty() {
                format!("{arg} 后面缺少取值（可选：{valid}）")
            } else {
                format!("{arg} 不能取「{value}」{suggestion}（可选：{valid}）")
            }
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e)
                .map(|s| s.to_string())
                .filter(|s| rehabdocs::output::has_chinese(s));
            match reason {
                Some(reason) => format!("{arg} 的值「{value}」不可用：{reason}"),
                None => format!("{arg} 的值「{value}」不可用：格式或范围不对"),
            }
        }
        ErrorKind::NoEquals => format!("{arg} 须用等号写取值（如 {arg}=值）"),
        ErrorKind::TooManyValues => format!("{arg} 的取值过多：「{value}」是多余的"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的取值个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let other = context(e, ContextKind::PriorArg).unwrap_or_default();
            if other.is_empty() {
                format!("{arg} 不能与其他选项同时使用")
            } else {
                format!("{arg} 不能与 {other} 同时使用")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必填项：{arg}"),
        ErrorKind::MissingSubcommand => format!(
            "缺少命令（可用的命令：{}）",
            visible_subcommands(root).join("、")
        ),
        ErrorKind::InvalidUtf8 => "命令行参数含有无法识别的字符（不是 UTF-8）".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    format!("{text}。{hint}")
}

/// `用 rehabdocs --help 查看用法`.
fn help_hint(root: &Command) -> String {
    format!("用 {} --help 查看用法", root.get_name())
}
