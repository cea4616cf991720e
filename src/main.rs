//! The `rehabdocs` command line: argument parsing, calls into the library, exit codes.
//! Exit codes: 0 ok, 1 findings at or above `--fail-on`, 2 unusable input.

mod cli_chinese;

use clap::{Parser, Subcommand, ValueEnum};
use rehabdocs::check::{check_file, today_note, Selection};
use rehabdocs::finding::Severity;
use rehabdocs::output::{render_json, render_text, Ids};
use rehabdocs::paperwork::generate::{
    generate, preview, GenerateError, GenerateOptions, DEFAULT_VOLUME_DOCUMENTS,
};
use rehabdocs::paperwork::plan::PlanOptions;
use rehabdocs::paperwork::OfficeFlags;
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
    /// 文字
    Text,
    /// 供其他程序读取
    Json,
}

/// The severity at or above which `check` exits with 1.
#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    /// 错误
    #[value(alias = "错误")]
    Error,
    /// 严重违规
    #[value(alias = "严重违规")]
    Breach,
    /// 警告
    #[value(alias = "警告")]
    Warning,
    /// 提示
    #[value(alias = "提示")]
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
    /// 检查台帐，列出有问题的地方。
    Check {
        /// 台帐：.xlsx/.xlsm/.xls/.ods 工作簿，一个 CSV 文件（即“人员”表），或按工作表命名的
        /// CSV 文件所在的文件夹。
        #[arg(value_name = "台帐")]
        register: std::path::PathBuf,
        /// 按哪一天检查（不填为今天）。可写 2025-03-01、2025/3/1、2025.3.1、2025年3月1日 或
        /// 20250301。
        #[arg(long, value_name = "日期")]
        as_of: Option<String>,
        /// 规则配置：内置配置名或配置文件（YAML）。
        #[arg(long, value_name = "名称或文件", default_value = "standard")]
        profile: String,
        /// 输出格式。
        #[arg(long, value_name = "格式", value_enum, default_value = "text")]
        format: Format,
        /// 只保留以这些编码开头的问题（逗号分隔，可重复），如 D,P110。
        #[arg(long, value_name = "编码", value_delimiter = ',')]
        select: Vec<String>,
        /// 去掉以这些编码开头的问题（逗号分隔，可重复）。
        #[arg(long, value_name = "编码", value_delimiter = ',')]
        ignore: Vec<String>,
        /// 有这一级别或更严重的问题时，退出码为 1。
        #[arg(long, value_name = "级别", value_enum, default_value = "error")]
        fail_on: FailOn,
        /// 另存一份标注过的台帐（.xlsx）：有问题的单元格着色并加批注，另有“问题清单”和“汇总”表。不写文件名时存在台帐旁，名为“台帐名（已标注）.xlsx”。台帐是放有多个工作簿的文件夹时，这里写一个文件夹（默认“文件夹名（已标注）”），每个工作簿各出一份标注副本。
        #[arg(long, value_name = "标注副本", num_args = 0..=1)]
        annotate: Option<Option<std::path::PathBuf>>,
        /// 标注副本已存在时覆盖。
        #[arg(long)]
        force: bool,
        /// 完整显示身份证号和电话（默认部分遮盖，如 110101********1234）。
        #[arg(long)]
        show_ids: bool,
    },
    /// 年终考核评估：按村（社区）出具 PDF、XLSX 和 JSON 报告。
    Report {
        /// 本年度台帐（.xlsx/.xls/.ods、CSV 文件或 CSV 文件夹）。
        #[arg(value_name = "台帐")]
        register: std::path::PathBuf,
        /// 考核年度，2000–2100（1月1日至12月31日，数据截至12月31日）。
        #[arg(long, value_name = "年度", value_parser = year_in_range)]
        year: i32,
        /// 输出文件夹（不存在时新建）。
        #[arg(short = 'o', long = "out", value_name = "文件夹")]
        out: std::path::PathBuf,
        /// 规则配置：内置配置名或配置文件（其中的 appraisal 部分如有，替代默认评分办法）。
        #[arg(long, value_name = "名称或文件", default_value = "standard")]
        profile: String,
        /// 上一年度台帐：其数据与本年度并列显示。
        #[arg(long, value_name = "上年台帐")]
        compare: Option<std::path::PathBuf>,
        /// 办公室的文号台帐：报告的文号从中取得，并据此统计已向公安机关报告的严重违规；
        /// 默认与 generate 相同（台帐旁的 文号台帐.csv）。
        #[arg(long, value_name = "文件")]
        ledger: Option<PathBuf>,
        /// 报告文件已存在时覆盖。
        #[arg(long)]
        force: bool,
    },
    /// 列出全部文书：编号、简称、标题（社区戒毒／社区康复）及何时出具；--form 可填其中任一名称。
    Forms,
    /// 列出全部规则：编码、级别、名称、所用配置项，以及各项问题应出具的文书、致送对象和法律依据。
    Rules,
    /// 规则配置：列出内置配置，或显示一个配置的完整内容。
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
    /// 演示：用内置的示例台帐走一遍主要功能，并说明输出在哪里。
    Demo {
        /// 输出文件夹（新建；演示以前写过的文件夹可再次使用）。
        #[arg(short, long, value_name = "文件夹", default_value = "rehabdocs-demo")]
        output: std::path::PathBuf,
        /// 写入一个不是演示建立的已有文件夹。
        #[arg(long)]
        force: bool,
    },
    /// 生成示例台帐（虚构人员）及答案，供练习和测试。
    Sample(SampleArgs),
    /// 生成空白台帐模板，供填写。
    Template {
        /// 输出的工作簿（.xlsx）。
        #[arg(short, long, value_name = "文件.xlsx")]
        output: std::path::PathBuf,
        /// 文件已存在时覆盖。
        #[arg(long)]
        force: bool,
    },
    /// 生成法定文书（PDF）。
    Generate {
        /// 台帐工作簿（或 CSV 文件、CSV 文件夹）。
        #[arg(value_name = "台帐")]
        register: PathBuf,
        /// 输出文件夹；文书清单（清单.csv/.pdf）也写在这里（文号台帐不在这里，见 --ledger）。
        #[arg(short = 'o', long = "out", value_name = "文件夹")]
        out: PathBuf,
        #[command(flatten)]
        select: DocSelection,
        /// 出具检查发现的问题所要求的全部文书。
        #[arg(long)]
        due: bool,
        /// 整批合订为一个 PDF，按单位、人员排序（文书合订）。
        #[arg(long)]
        merge: bool,
        /// 与 --merge 同用：每册最多这么多件文书（合订每册件数）；一个人的文书不拆到两册。批量很大时可减少所需内存。
        #[arg(long, value_name = "件数", default_value_t = DEFAULT_VOLUME_DOCUMENTS as u32,
              value_parser = volume_size_at_least_one)]
        volume_size: u32,
        /// 与 --merge 或 --archive 同用：每件文书从奇数页开始（双面打印）。
        #[arg(long)]
        duplex: bool,
        /// 一人一档：把 --person 所指一名人员的整份档案合订为一个
        /// PDF——档案封面、卷内目录（含各文书所在页号），以及期内依台帐可出具的全部文书；不能出具的文书在屏幕上列明原因。
        #[arg(long, conflicts_with_all = ["merge", "due", "forms"])]
        archive: bool,
        /// 文件已存在时覆盖。
        #[arg(long)]
        force: bool,
    },
    /// 在本机打开操作页面（浏览器）：选台帐、检查、下载标注台帐、打印文书、年终考核。
    /// 只在本机（127.0.0.1）可用，网址中含一次性访问口令。
    Serve {
        /// 端口（不填则自动选一个空闲端口）。
        #[arg(long, value_name = "端口", default_value_t = 0)]
        port: u16,
        /// 标注台帐、文书、考核报告和文号台帐存放的文件夹（不存在时新建；页面上可更改）；
        /// 默认为“文档”下的 rehabdocs 文件夹。
        #[arg(long, value_name = "文件夹")]
        folder: Option<PathBuf>,
        /// 不自动打开浏览器。
        #[arg(long)]
        no_browser: bool,
    },
    /// 把一件文书的第一页生成 PNG 图片（预览文书）。
    Preview {
        /// 台帐工作簿（或 CSV 文件、CSV 文件夹）。
        #[arg(value_name = "台帐")]
        register: PathBuf,
        /// 输出的 PNG 文件。
        #[arg(short = 'o', long = "out", value_name = "文件.png")]
        out: PathBuf,
        #[command(flatten)]
        select: DocSelection,
        /// 每磅的像素数，0.5–8（2.0 约合 144 dpi）。
        #[arg(long, value_name = "倍数", default_value_t = 2.0, value_parser = preview_scale)]
        scale: f64,
        /// 输出文件已存在时覆盖。
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
    /// 人员：编号、身份证号或姓名（可写多个）；姓名须在台帐中唯一，重名时请写身份证号。
    #[arg(long = "person", num_args = 1.., value_name = "编号/身份证号/姓名")]
    persons: Vec<String>,
    /// 单位：村（社区）或乡镇（街道）名称（可写多个）。
    #[arg(long = "unit", num_args = 1.., value_name = "单位")]
    units: Vec<String>,
    /// 按哪一天出具（2025-03-01、2025/3/1、2025年3月1日 等）；不填为今天。
    #[arg(long = "as-of", value_name = "日期")]
    as_of: Option<String>,
    /// 规则配置：内置配置名或配置文件（YAML）。
    #[arg(long, value_name = "名称或文件", default_value = "standard")]
    profile: String,
    /// 出具文书的办公室全称；默认为 {乡镇(街道)}社区戒毒(康复)工作办公室。
    #[arg(long, value_name = "全称")]
    office: Option<String>,
    /// 文号前缀（如 东禁）；默认为乡镇名首字加“禁”。
    #[arg(long, value_name = "前缀")]
    prefix: Option<String>,
    /// 办公室的文号台帐，各输出文件夹共用；默认为台帐旁的 文号台帐.csv（CSV 文件夹则在文件夹内）；
    /// preview 只读取、不写入。
    #[arg(long, value_name = "文件")]
    ledger: Option<PathBuf>,
    /// 日期写成 二〇二五年三月一日，而不是 2025年3月1日。
    #[arg(long)]
    upper_dates: bool,
    /// 只用程序内置的字体：输出与电脑无关（重复生成的文件逐字节相同）。不加此项时，如电脑上装有办公室常用字体（仿宋、小标宋、黑体、楷体；见
    /// forms/fonts.yaml，配置的 fonts 优先；另可在环境变量 REHABDOCS_FONT_DIRS
    /// 中指定字体文件夹），则使用这些字体。
    #[arg(long)]
    embedded_fonts_only: bool,
}

#[derive(Subcommand)]
enum ProfileAction {
    /// 列出内置配置。
    List,
    /// 显示一个配置（内置配置名或 YAML 文件）合并 extends 后的完整内容。
    Show {
        /// 内置配置名（standard、ouhai、national）或 YAML 文件。
        #[arg(value_name = "名称或文件")]
        name: String,
        /// 显示带说明的参考配置（内置配置文件原文，含注释），而不是合并后的结果。
        #[arg(long)]
        commented: bool,
    },
}

/// Arguments of `rehabdocs sample`.
#[derive(clap::Args)]
struct SampleArgs {
    /// 输出的工作簿（.xlsx）；答案写在旁边的 文件名.answers.json。
    #[arg(short, long, value_name = "文件.xlsx")]
    output: std::path::PathBuf,
    /// 人数。
    #[arg(long, value_name = "人数", default_value_t = 40)]
    persons: u32,
    /// 随机种子：种子相同，生成的文件逐字节相同。
    #[arg(long, value_name = "种子", default_value_t = 1)]
    seed: u64,
    /// 有违规情形的人员所占比例（0–1）。
    #[arg(long, value_name = "比例", default_value_t = 0.2)]
    breaches: f64,
    /// 同时放入几处数据错误（D001–D009）：true 或 false（默认：--breaches 大于 0 时为 true）。
    #[arg(long, value_name = "是否")]
    data_errors: Option<bool>,
    /// 截止日期（如 2025-12-31）；台帐中没有晚于这一天的记录。
    #[arg(long, value_name = "日期", default_value = "2025-12-31", value_parser = date_argument)]
    as_of: chrono::NaiveDate,
    /// 文件已存在时覆盖。
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

/// `serve`: prints the address (with its token), opens the browser, answers until the
/// process ends.
fn run_serve(port: u16, folder: Option<PathBuf>, open_browser: bool) -> ExitCode {
    use rehabdocs::serve::{default_folder, ServeOptions, Server};
    let folder = folder.unwrap_or_else(default_folder);
    let folder = std::path::absolute(&folder).unwrap_or(folder);
    let server = match Server::start(&ServeOptions {
        port,
        folder: folder.clone(),
    }) {
        Ok(s) => s,
        Err(e) => return unusable(e),
    };
    let url = server.url();
    // The window may be closed or the output a pipe nobody reads any more: the server goes on.
    let say = |line: &str| {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{line}").and_then(|_| out.flush());
    };
    say(&format!("rehabdocs 操作页面已启动：{url}"));
    say(&format!("文件保存在：{}", folder.display()));
    if open_browser && !rehabdocs::serve::open_browser(&url) {
        say("未能自动打开浏览器，请把上面的网址复制到浏览器中打开。");
    }
    say("使用期间请不要关闭本窗口；关闭窗口（或按 Ctrl+C）即停止。");
    server.run();
    ExitCode::SUCCESS
}

/// Started with no arguments on Windows (a double-click in Explorer): the local page.
fn started_by_double_click() -> bool {
    cfg!(windows) && std::env::args_os().len() == 1
}

fn main() -> ExitCode {
    if started_by_double_click() {
        let code = run_serve(0, None, true);
        // Only a failure to start comes back: keep the window open so the clerk can read why.
        println!("按回车键关闭本窗口。");
        let _ = std::io::stdin().read_line(&mut String::new());
        return code;
    }
    let cli: Cli = match cli_chinese::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    rehabdocs::progress::enable_on_terminal();
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
            let annotate = annotate
                .map(|out| out.unwrap_or_else(|| rehabdocs::annotate::default_output(&register)));
            if let Some(out) = &annotate {
                // Never over the register itself, not even with --force.
                if let Err(e) = rehabdocs::write_file::refuse_input(out, &register) {
                    return unusable(e);
                }
                if out.exists() && !force {
                    return unusable(format!("{} 已存在（加 --force 覆盖）", out.display()));
                }
            }
            let today = as_of.is_none();
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
            if today {
                eprintln!("{}", today_note(&report.register, as_of));
            }
            if let Some(out) = &annotate {
                match rehabdocs::annotate::write_annotated(&report, out, ids) {
                    Ok(written) if out.is_dir() => eprintln!(
                        "已生成标注副本 {}（{} 个工作簿）",
                        out.display(),
                        written.len()
                    ),
                    Ok(_) => eprintln!("已生成标注副本 {}", out.display()),
                    Err(e) => return unusable(e),
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
            ledger,
            force,
        } => {
            let request = rehabdocs::report::ReportRequest {
                register: &register,
                year,
                profile: &profile,
                compare: compare.as_deref(),
                ledger: ledger.as_deref(),
            };
            match rehabdocs::report::run_report(&request, &out, force) {
                Ok(done) => {
                    for w in &done.warnings {
                        eprintln!("{w}");
                    }
                    for p in done.written {
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
            ProfileAction::Show { name, commented } => {
                let text = if commented {
                    rehabdocs::profile::commented_text(&name)
                } else {
                    rehabdocs::profile::Profile::load(&name).and_then(|p| p.to_yaml())
                };
                match text {
                    Ok(yaml) => {
                        print!("{yaml}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => unusable(e),
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
        Command::Serve {
            port,
            folder,
            no_browser,
        } => run_serve(port, folder, !no_browser),
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

/// The appraisal year: 2000 to 2100.
fn year_in_range(text: &str) -> Result<i32, String> {
    match text.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y),
        _ => Err(format!("「{text}」不是 2000 到 2100 之间的年份")),
    }
}

/// The documents per merged volume: a whole number of at least 1.
fn volume_size_at_least_one(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("「{text}」不是大于 0 的整数")),
    }
}

/// A date on the command line, in any form the register accepts.
fn date_argument(text: &str) -> Result<chrono::NaiveDate, String> {
    parse_date_text(text).ok_or_else(|| format!("「{text}」不是可识别的日期（如 2025-12-31）"))
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
    if select.as_of.is_none() {
        eprintln!("{}", today_note(&report.register, as_of));
    }
    let ledger = ledger_path(register, select, &profile);
    let mut opts = GenerateOptions::for_office(
        PlanOptions {
            forms: select.forms.clone(),
            persons: select.persons.clone(),
            units: select.units.clone(),
            due,
            quarter: None,
        },
        as_of,
        &profile,
        OfficeFlags {
            name: select.office.clone(),
            prefix: select.prefix.clone(),
        },
        ledger,
        select.embedded_fonts_only,
    );
    opts.upper_dates = select.upper_dates;
    Ok((report, profile, opts))
}

/// The office's ledger: `--ledger`, else the profile's `office.ledger` (relative to the
/// register's folder), else 文号台帐.csv beside the register.
fn ledger_path(register: &std::path::Path, select: &DocSelection, profile: &Profile) -> PathBuf {
    rehabdocs::paperwork::ledger::office_ledger_path(
        register,
        select.ledger.as_deref(),
        &profile.office,
    )
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
        return Err(
            "错误：一人一档（--archive）需要用 --person 指定一名人员（编号、身份证号或姓名）"
                .to_string(),
        );
    }
    let (report, profile, mut opts) = prepare(register, select, due)?;
    opts.merge = batch.merge;
    opts.volume_size = batch.volume_size;
    opts.duplex = batch.duplex;
    opts.archive = batch.archive;
    opts.force = batch.force;
    match generate(&report.register, &report.findings, &profile, out, &opts) {
        Ok(done) => {
            print!("{}", generated_text(&done, out));
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

/// What `generate` wrote, for the clerk: the documents and their 送达回证, the pages, the
/// folder, and the other files of the run (the print manifest, the ledger of numbers).
fn generated_text(
    done: &rehabdocs::paperwork::generate::GenerateOutcome,
    out: &std::path::Path,
) -> String {
    use rehabdocs::paperwork::generate::{MANIFEST_CSV, MANIFEST_PDF};
    let receipts = done
        .rows
        .iter()
        .filter(|r| r.form == "receipt_of_service")
        .count();
    let documents = done.rows.len() - receipts;
    let pages: usize = done
        .rows
        .iter()
        .map(|r| r.pages * r.copies.max(1) as usize)
        .sum();
    let name_of = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let manifest_stem = MANIFEST_PDF.trim_end_matches(".pdf");
    let manifest: Vec<String> = done
        .written
        .iter()
        .map(name_of)
        .filter(|n| n == MANIFEST_CSV || n.starts_with(manifest_stem))
        .collect();
    let ledger_written = done.written.contains(&done.ledger);
    let pdfs = done.written.len() - manifest.len() - usize::from(ledger_written);
    let mut text = if receipts > 0 {
        format!("已生成 {documents} 份文书及 {receipts} 份送达回证（共 {pages} 页）")
    } else {
        format!("已生成 {documents} 份文书（共 {pages} 页）")
    };
    text.push_str(&format!("，输出目录 {}：\n", out.display()));
    text.push_str(&format!("  文书 PDF：{pdfs} 个文件\n"));
    if !manifest.is_empty() {
        text.push_str(&format!("  打印清单：{}\n", manifest.join("、")));
    }
    let numbered = done.rows.iter().filter(|r| !r.number.is_empty()).count();
    if ledger_written {
        text.push_str(&format!(
            "  文号台帐：{}（本次登记 {numbered} 个文号）\n",
            done.ledger.display()
        ));
    } else {
        text.push_str(&format!(
            "  文号台帐：{}（未改动，文号沿用已登记的）\n",
            done.ledger.display()
        ));
    }
    text
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
            "  {} {}：{}\n",
            h.unit,
            Ids::Masked.apply(&h.who),
            what
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
