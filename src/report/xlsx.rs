//! The report as an Excel workbook: a sheet per table, numbers as numbers, rates formatted
//! as percentages, frozen headers, autofilters and native Excel charts. Deterministic: the
//! workbook's creation date is fixed to 31 December of the report year.
//!
//! Laid out for printing: every sheet landscape A4, fitted to one page wide, its header row
//! repeated on every page, the report's title in the page header and 第 N 页，共 M 页 in the
//! footer. 汇总 is a vertical table (one row per figure). The charts are on a sheet of their
//! own, one chart a page (units in groups), so none is cut by a page break.

use crate::report::aggregate::Figures;
use crate::report::{AreaReport, Rates, Report, UnitReport};
use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet,
    XlsxError,
};

/// How a figure column is written.
#[derive(Clone, Copy)]
enum Kind {
    Count,
    Rate,
    Money,
}

type Getter = fn(&Figures, &Rates) -> Option<f64>;

/// The figure columns of 汇总 and 各单位指标 (help columns follow).
fn figure_columns() -> Vec<(&'static str, Kind, Getter)> {
    vec![
        ("实有吸毒人员", Kind::Count, |f, _| {
            Some(f.registered_users as f64)
        }),
        ("社区戒毒", Kind::Count, |f, _| Some(f.in_detox as f64)),
        ("社区康复", Kind::Count, |f, _| Some(f.in_rehab as f64)),
        ("新报到", Kind::Count, |f, _| Some(f.new_in_year as f64)),
        ("解除", Kind::Count, |f, _| Some(f.discharged as f64)),
        ("强制隔离戒毒", Kind::Count, |f, _| {
            Some(f.compulsory_isolation as f64)
        }),
        ("中止", Kind::Count, |f, _| Some(f.suspended as f64)),
        ("协议签订", Kind::Count, |f, _| {
            Some(f.agreements_signed as f64)
        }),
        ("协议签订率", Kind::Rate, |_, r| r.agreement_rate),
        ("应检测", Kind::Count, |f, _| {
            Some(f.obligations.tests_due as f64)
        }),
        ("实检测", Kind::Count, |f, _| {
            Some(f.obligations.tests_done as f64)
        }),
        ("检测完成率", Kind::Rate, |_, r| r.test_rate),
        ("应谈话", Kind::Count, |f, _| {
            Some(f.obligations.talks_due as f64)
        }),
        ("实谈话", Kind::Count, |f, _| {
            Some(f.obligations.talks_done as f64)
        }),
        ("谈话完成率", Kind::Rate, |_, r| r.talk_rate),
        ("应本人报告", Kind::Count, |f, _| {
            Some(f.obligations.self_reports_due as f64)
        }),
        ("实本人报告", Kind::Count, |f, _| {
            Some(f.obligations.self_reports_done as f64)
        }),
        ("本人报告完成率", Kind::Rate, |_, r| {
            r.self_report_rate
        }),
        ("应季度评估", Kind::Count, |f, _| {
            Some(f.obligations.evaluations_due as f64)
        }),
        ("实季度评估", Kind::Count, |f, _| {
            Some(f.obligations.evaluations_done as f64)
        }),
        ("评估完成率", Kind::Rate, |_, r| r.evaluation_rate),
        ("口头告诫", Kind::Count, |f, _| {
            Some(f.warnings_oral as f64)
        }),
        ("书面告诫", Kind::Count, |f, _| {
            Some(f.warnings_written as f64)
        }),
        ("严重违规", Kind::Count, |f, _| Some(f.breaches as f64)),
        ("已报告", Kind::Count, |f, _| {
            Some(f.breaches_reported as f64)
        }),
        ("报告率", Kind::Rate, |_, r| r.breach_report_rate),
        ("专职社工", Kind::Count, |f, _| {
            Some(f.staff_full_time as f64)
        }),
        ("兼职社工", Kind::Count, |f, _| {
            Some(f.staff_part_time as f64)
        }),
        ("应配人数", Kind::Count, |f, _| {
            Some(f.staff_required as f64)
        }),
        ("配备率", Kind::Rate, |_, r| r.staffing_rate),
        ("经费到位(元)", Kind::Money, |f, _| Some(f.funding)),
        ("应保障经费(元)", Kind::Money, |f, _| {
            Some(f.funding_required)
        }),
        ("经费保障率", Kind::Rate, |_, r| r.funding_rate),
    ]
}

/// The header names of the figure columns (without help columns), for tests and readers.
pub fn figure_headers() -> Vec<&'static str> {
    figure_columns().into_iter().map(|c| c.0).collect()
}

struct Formats {
    header: Format,
    rate: Format,
    money: Format,
    score: Format,
    wrap: Format,
    title: Format,
}

fn formats() -> Formats {
    Formats {
        header: Format::new()
            .set_bold()
            .set_background_color("D9E1F2")
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter),
        rate: Format::new().set_num_format("0.0%"),
        money: Format::new().set_num_format("#,##0"),
        score: Format::new().set_num_format("0.00"),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        title: Format::new().set_bold().set_font_size(14),
    }
}

/// Text for a page header or footer: `&` doubled (a single one starts a code).
fn header_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// The print setup every sheet gets: landscape A4, one page wide, `repeat` (the header row)
/// on every page, the title and the sheet's name above, page numbers below.
fn print_setup(
    ws: &mut Worksheet,
    title: &str,
    sheet: &str,
    repeat: Option<u32>,
) -> Result<(), XlsxError> {
    page_setup(ws, title, sheet);
    ws.set_print_fit_to_pages(1, 0);
    if let Some(row) = repeat {
        ws.set_repeat_rows(row, row)?;
    }
    Ok(())
}

/// Landscape A4, centred, the title and the sheet's name above, page numbers below.
fn page_setup(ws: &mut Worksheet, title: &str, sheet: &str) {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_center_horizontally(true)
        .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
        .set_header(format!("&L{}&R{}", header_text(title), header_text(sheet)))
        .set_footer("&C第 &P 页，共 &N 页");
}

fn header_row(
    ws: &mut Worksheet,
    row: u32,
    headers: &[String],
    fm: &Formats,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, h, &fm.header)?;
        let width = (h.chars().count() as f64 * 2.2).max(8.0);
        ws.set_column_width(c as u16, width)?;
    }
    Ok(())
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    kind: Kind,
    fm: &Formats,
) -> Result<(), XlsxError> {
    let Some(v) = v else { return Ok(()) };
    match kind {
        Kind::Count => ws.write_number(row, col, v)?,
        Kind::Rate => ws.write_number_with_format(row, col, v, &fm.rate)?,
        Kind::Money => ws.write_number_with_format(row, col, v, &fm.money)?,
    };
    Ok(())
}

fn help_kinds(report: &Report) -> Vec<String> {
    report
        .total
        .figures
        .help_rows()
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

fn write_figures(
    ws: &mut Worksheet,
    row: u32,
    first_col: u16,
    f: &Figures,
    rates: &Rates,
    help: &[String],
    fm: &Formats,
) -> Result<u16, XlsxError> {
    let mut col = first_col;
    for (_, kind, get) in figure_columns() {
        write_value(ws, row, col, get(f, rates), kind, fm)?;
        col += 1;
    }
    for k in help {
        ws.write_number(row, col, f.help.get(k).copied().unwrap_or(0) as f64)?;
        col += 1;
    }
    Ok(col)
}

fn figure_headers_with_help(help: &[String]) -> Vec<String> {
    figure_columns()
        .into_iter()
        .map(|c| c.0.to_string())
        .chain(help.iter().map(|k| format!("帮扶·{k}")))
        .collect()
}

/// Writes sentences one a row, each merged across `cols` columns and wrapped; returns the
/// next free row.
fn sentences(
    ws: &mut Worksheet,
    mut row: u32,
    cols: u16,
    lines: &[String],
    fm: &Formats,
) -> Result<u32, XlsxError> {
    let last = cols.max(1) - 1;
    // Row height from the text's length: about 2 characters per unit of column width.
    let width: f64 = (0..=last).map(|c| if c == 0 { 30.0 } else { 14.0 }).sum();
    for line in lines {
        if last == 0 {
            ws.write_string_with_format(row, 0, line, &fm.wrap)?;
        } else {
            ws.merge_range(row, 0, row, last, line, &fm.wrap)?;
        }
        let lines = (line.chars().count() as f64 * 2.0 / width).ceil().max(1.0);
        ws.set_row_height(row, 15.0 * lines)?;
        row += 1;
    }
    Ok(row)
}

fn summary_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("汇总")?;
    let help = help_kinds(report);
    let mut areas: Vec<&AreaReport> = report.towns.iter().collect();
    if report.towns.len() != 1 {
        areas.push(&report.total);
    }
    let compare = report.compared_with.is_some();
    // Columns: 项目, then per area its value (and last year's and the change).
    let mut headers = vec!["项目".to_string()];
    for a in &areas {
        if compare {
            headers.push(format!("{}（本年）", a.name));
            headers.push(format!("{}（上年）", a.name));
            headers.push(format!("{}（增减）", a.name));
        } else {
            headers.push(a.name.clone());
        }
    }
    let cols = headers.len() as u16;
    ws.write_string_with_format(0, 0, &report.title, &fm.title)?;
    let mut facts = vec![
        format!("文号：{}", crate::report::pdf::number_text(report)),
        format!(
            "考核期间：{}至{}",
            crate::report::pdf::chinese_date(report.period.from),
            crate::report::pdf::chinese_date(report.period.to)
        ),
        format!("台帐文件：{}", report.source),
    ];
    if !report.office.is_empty() {
        facts.insert(1, format!("考核单位：{}", report.office));
    }
    if let (Some(y), Some(src)) = (report.compared_with, &report.compared_source) {
        facts.push(format!("上年（{y}年）台帐：{src}"));
    }
    for (i, f) in facts.iter().enumerate() {
        ws.write_string(1 + i as u32, 0, f)?;
    }
    let head = 2 + facts.len() as u32;
    header_row(&mut ws, head, &headers, fm)?;
    ws.set_column_width(0, 30)?;
    for c in 1..cols {
        ws.set_column_width(c, 14)?;
    }
    let mut row = head + 1;
    // 村(社区)数, then every figure, then help.
    ws.write_string(row, 0, "村(社区)数")?;
    for (k, a) in areas.iter().enumerate() {
        let c = 1 + (k as u16) * if compare { 3 } else { 1 };
        ws.write_number(row, c, a.units as f64)?;
    }
    row += 1;
    let columns = figure_columns();
    for (name, kind, get) in &columns {
        ws.write_string(row, 0, *name)?;
        for (k, a) in areas.iter().enumerate() {
            let c = 1 + (k as u16) * if compare { 3 } else { 1 };
            let now = get(&a.figures, &a.rates);
            write_value(&mut ws, row, c, now, *kind, fm)?;
            if let Some(p) = &a.previous {
                let before = get(&p.figures, &p.rates);
                write_value(&mut ws, row, c + 1, before, *kind, fm)?;
                if let (Some(x), Some(y)) = (now, before) {
                    write_value(&mut ws, row, c + 2, Some(x - y), *kind, fm)?;
                }
            }
        }
        row += 1;
    }
    for h in &help {
        ws.write_string(row, 0, format!("帮扶·{h}"))?;
        for (k, a) in areas.iter().enumerate() {
            let c = 1 + (k as u16) * if compare { 3 } else { 1 };
            let count = |f: &Figures| f.help.get(h).copied().unwrap_or(0) as f64;
            ws.write_number(row, c, count(&a.figures))?;
            if let Some(p) = &a.previous {
                ws.write_number(row, c + 1, count(&p.figures))?;
                ws.write_number(row, c + 2, count(&a.figures) - count(&p.figures))?;
            }
        }
        row += 1;
    }
    ws.set_freeze_panes(head + 1, 1)?;
    row += 1;
    sentences(&mut ws, row, cols.max(4), &report.summary, fm)?;
    print_setup(&mut ws, &report.title, "汇总", Some(head))?;
    Ok(ws)
}

/// The unit columns that get last year's value beside them with `--compare`.
const COMPARED_COLUMNS: [&str; 8] = [
    "实有吸毒人员",
    "协议签订率",
    "检测完成率",
    "谈话完成率",
    "本人报告完成率",
    "评估完成率",
    "报告率",
    "经费保障率",
];

/// Units in (town, unit) order: the order of 各单位指标, which the charts' ranges follow.
fn units_by_name(report: &Report) -> Vec<&UnitReport> {
    let mut units: Vec<&UnitReport> = report.units.iter().collect();
    units.sort_by(|a, b| (&a.town, &a.unit).cmp(&(&b.town, &b.unit)));
    units
}

fn units_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("各单位指标")?;
    let help = help_kinds(report);
    let mut headers = vec!["乡镇(街道)".to_string(), "村(社区)".to_string()];
    headers.extend(figure_headers_with_help(&help));
    let compare = report.compared_with.is_some();
    let columns = figure_columns();
    if compare {
        headers.push("上年在册人员".into());
        headers.extend(COMPARED_COLUMNS.iter().map(|c| format!("上年{c}")));
    }
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 14)?;
    let units = units_by_name(report);
    let mut row = 1;
    for u in &units {
        ws.write_string(row, 0, &u.town)?;
        ws.write_string(row, 1, &u.unit)?;
        let mut col = write_figures(&mut ws, row, 2, &u.figures, &u.rates, &help, fm)?;
        if let Some(p) = &u.previous {
            ws.write_number(row, col, p.in_programme as f64)?;
            col += 1;
            for name in COMPARED_COLUMNS {
                if let Some((_, kind, get)) = columns.iter().find(|c| c.0 == name) {
                    write_value(&mut ws, row, col, get(&p.figures, &p.rates), *kind, fm)?;
                }
                col += 1;
            }
        }
        row += 1;
    }
    let last = row - 1;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, last.max(1), headers.len() as u16 - 1)?;
    print_setup(&mut ws, &report.title, "各单位指标", Some(0))?;
    Ok(ws)
}

/// Units a chart shows at most, so that it fits one printed page.
const UNITS_PER_RATE_CHART: usize = 15;
const UNITS_PER_SCORE_CHART: usize = 30;
/// Rows a chart takes on the chart sheet (one landscape page), and its size in pixels.
const CHART_ROWS: u32 = 32;
const CHART_WIDTH: u32 = 980;
const CHART_HEIGHT: u32 = 600;

/// 图表: the unit rates (from 各单位指标) and the scores (from 排名), one chart a page, the
/// units in groups small enough to read.
fn charts_sheet(report: &Report, ranking_score_col: u16) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("图表")?;
    let n = report.units.len() as u32;
    let help = help_kinds(report);
    let mut headers = vec!["乡镇(街道)".to_string(), "村(社区)".to_string()];
    headers.extend(figure_headers_with_help(&help));
    let col_of = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0) as u16;
    let mut place = 0u32;
    let mut breaks = Vec::new();
    let groups = |size: usize| {
        (0..n)
            .step_by(size)
            .map(move |first| (first + 1, (first + size as u32).min(n)))
    };
    let pages = |size: usize| n.div_ceil(size as u32);
    for (k, (first, last)) in groups(UNITS_PER_RATE_CHART).enumerate() {
        let mut chart = Chart::new(ChartType::Column);
        let part = if pages(UNITS_PER_RATE_CHART) > 1 {
            format!("（{}/{}）", k + 1, pages(UNITS_PER_RATE_CHART))
        } else {
            String::new()
        };
        chart
            .title()
            .set_name(&format!("各村（社区）主要指标完成率{part}"));
        for name in ["协议签订率", "检测完成率", "谈话完成率", "评估完成率"] {
            let c = col_of(name);
            chart
                .add_series()
                .set_name(("各单位指标", 0, c))
                .set_categories(("各单位指标", first, 1, last, 1))
                .set_values(("各单位指标", first, c, last, c));
        }
        chart.y_axis().set_num_format("0%");
        chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
        ws.insert_chart(place, 0, &chart)?;
        place += CHART_ROWS;
        breaks.push(place);
    }
    for (first, last) in groups(UNITS_PER_SCORE_CHART) {
        let mut chart = Chart::new(ChartType::Bar);
        let part = if pages(UNITS_PER_SCORE_CHART) > 1 {
            format!("（第{}-{}名）", first, last)
        } else {
            String::new()
        };
        chart
            .title()
            .set_name(&format!("各村（社区）考核得分{part}"));
        chart
            .add_series()
            .set_name(("排名", 0, ranking_score_col))
            .set_categories(("排名", first, 2, last, 2))
            .set_values(("排名", first, ranking_score_col, last, ranking_score_col));
        chart.x_axis().set_min(0.0).set_max(report.full_marks);
        chart.y_axis().set_reverse();
        chart.legend().set_hidden();
        chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
        ws.insert_chart(place, 0, &chart)?;
        place += CHART_ROWS;
        breaks.push(place);
    }
    breaks.pop();
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    // Printed at 100 %: a chart is as wide as the page and as tall as its rows.
    page_setup(&mut ws, &report.title, "图表");
    Ok(ws)
}

fn ranking_sheet(report: &Report, fm: &Formats) -> Result<(Worksheet, u16), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("排名")?;
    let mut headers = vec![
        "名次".to_string(),
        "乡镇(街道)".to_string(),
        "村(社区)".to_string(),
    ];
    for i in &report.indicators {
        headers.push(format!(
            "{}({}分)",
            i.name,
            crate::report::explain::number(i.weight)
        ));
    }
    headers.extend(["总分", "等次", "一票否决"].map(String::from));
    let compare = report.compared_with.is_some();
    if compare {
        headers.extend(["上年得分", "上年等次", "得分变化"].map(String::from));
    }
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 14)?;
    let mut row = 1;
    let n_ind = report.indicators.len() as u16;
    for u in &report.units {
        ws.write_number(row, 0, u.rank as f64)?;
        ws.write_string(row, 1, &u.town)?;
        ws.write_string(row, 2, &u.unit)?;
        for (k, s) in u.indicators.iter().enumerate() {
            ws.write_number_with_format(row, 3 + k as u16, s.points, &fm.score)?;
        }
        let c = 3 + n_ind;
        ws.write_number_with_format(row, c, u.score, &fm.score)?;
        ws.write_string(row, c + 1, &u.grade)?;
        ws.write_string(row, c + 2, u.veto_reasons.join("、"))?;
        if let Some(p) = &u.previous {
            if let Some(s) = p.score {
                ws.write_number_with_format(row, c + 3, s, &fm.score)?;
            }
            if let Some(g) = &p.grade {
                ws.write_string(row, c + 4, g)?;
            }
            if let Some(d) = p.change_score {
                ws.write_number_with_format(row, c + 5, d, &fm.score)?;
            }
        }
        row += 1;
    }
    let last = row - 1;
    ws.set_freeze_panes(1, 3)?;
    ws.autofilter(0, 0, last.max(1), headers.len() as u16 - 1)?;
    print_setup(&mut ws, &report.title, "排名", Some(0))?;
    Ok((ws, 3 + n_ind))
}

fn rectifications_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("存在问题及整改意见")?;
    let headers = [
        "名次",
        "乡镇(街道)",
        "村(社区)",
        "等次",
        "序号",
        "存在问题",
        "整改意见",
    ]
    .map(String::from);
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(5, 60)?;
    ws.set_column_width(6, 50)?;
    let mut row = 1;
    for u in &report.units {
        let none = [crate::report::Rectification {
            problem: "各项指标均达到目标，未发现问题。".into(),
            advice: String::new(),
        }];
        let items = if u.rectifications.is_empty() {
            &none[..]
        } else {
            &u.rectifications[..]
        };
        for (k, item) in items.iter().enumerate() {
            ws.write_number(row, 0, u.rank as f64)?;
            ws.write_string(row, 1, &u.town)?;
            ws.write_string(row, 2, &u.unit)?;
            ws.write_string(row, 3, &u.grade)?;
            ws.write_number(row, 4, (k + 1) as f64)?;
            ws.write_string_with_format(row, 5, &item.problem, &fm.wrap)?;
            ws.write_string_with_format(row, 6, &item.advice, &fm.wrap)?;
            row += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (row - 1).max(1), headers.len() as u16 - 1)?;
    print_setup(&mut ws, &report.title, "存在问题及整改意见", Some(0))?;
    Ok(ws)
}

fn quality_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("数据质量说明")?;
    let headers = [
        "处理",
        "乡镇(街道)",
        "村(社区)",
        "编号",
        "问题",
        "说明",
        "对统计的影响",
        "单元格",
    ]
    .map(String::from);
    let q = &report.data_quality;
    let mut rules = vec!["本报告按以下规则处理台帐中的错误数据：".to_string()];
    rules.extend(
        q.rules
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{}. {r}", i + 1)),
    );
    let head = sentences(&mut ws, 0, headers.len() as u16, &rules, fm)? + 1;
    header_row(&mut ws, head, &headers, fm)?;
    ws.set_column_width(5, 50)?;
    ws.set_column_width(6, 36)?;
    ws.set_column_width(7, 20)?;
    let mut row = head + 1;
    for n in &q.notes {
        ws.write_string(row, 0, n.treatment.label())?;
        ws.write_string(row, 1, &n.town)?;
        ws.write_string(row, 2, &n.unit)?;
        ws.write_string(row, 3, &n.person)?;
        ws.write_string(row, 4, &n.problem)?;
        ws.write_string_with_format(row, 5, &n.message, &fm.wrap)?;
        ws.write_string_with_format(row, 6, &n.effect, &fm.wrap)?;
        ws.write_string(row, 7, n.cells.join(" "))?;
        row += 1;
    }
    if q.notes.is_empty() {
        ws.write_string(
            row,
            0,
            "台帐中没有影响统计的错误数据，全部人员和记录均已计入。",
        )?;
    }
    ws.set_freeze_panes(head + 1, 0)?;
    print_setup(&mut ws, &report.title, "数据质量说明", Some(head))?;
    Ok(ws)
}

fn deductions_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("扣分明细")?;
    let headers = [
        "乡镇(街道)",
        "村(社区)",
        "指标",
        "完成率",
        "目标",
        "分值",
        "得分",
        "扣分",
        "相关问题",
    ]
    .map(String::from);
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(8, 40)?;
    let mut row = 1;
    for d in &report.deductions {
        ws.write_string(row, 0, &d.town)?;
        ws.write_string(row, 1, &d.unit)?;
        ws.write_string(row, 2, &d.name)?;
        write_value(&mut ws, row, 3, d.rate, Kind::Rate, fm)?;
        ws.write_number_with_format(row, 4, d.target, &fm.rate)?;
        ws.write_number(row, 5, d.weight)?;
        ws.write_number_with_format(row, 6, d.points, &fm.score)?;
        ws.write_number_with_format(row, 7, d.lost, &fm.score)?;
        let codes: Vec<String> = d
            .findings
            .iter()
            .map(|(c, n)| format!("{}{n}处", crate::report::explain::rule_name(c)))
            .collect();
        ws.write_string(row, 8, codes.join("、"))?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (row - 1).max(1), headers.len() as u16 - 1)?;
    print_setup(&mut ws, &report.title, "扣分明细", Some(0))?;
    Ok(ws)
}

fn vetoes_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("一票否决")?;
    let headers = [
        "乡镇(街道)",
        "村(社区)",
        "情形",
        "编号",
        "日期",
        "单元格",
        "说明",
    ]
    .map(String::from);
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(6, 70)?;
    let mut row = 1;
    for v in &report.vetoes {
        ws.write_string(row, 0, &v.town)?;
        ws.write_string(row, 1, &v.unit)?;
        ws.write_string(row, 2, &v.name)?;
        ws.write_string(row, 3, &v.person)?;
        ws.write_string(row, 4, v.date.format("%Y-%m-%d").to_string())?;
        ws.write_string(row, 5, v.cells.join(" "))?;
        ws.write_string_with_format(row, 6, &v.message, &fm.wrap)?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (row - 1).max(1), headers.len() as u16 - 1)?;
    print_setup(&mut ws, &report.title, "一票否决", Some(0))?;
    Ok(ws)
}

fn findings_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("问题清单")?;
    let headers = [
        "乡镇(街道)",
        "村(社区)",
        "扣分指标",
        "规则",
        "问题",
        "严重程度",
        "编号",
        "说明",
        "单元格",
    ]
    .map(String::from);
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(7, 60)?;
    let mut row = 1;
    for f in &report.findings {
        ws.write_string(row, 0, &f.town)?;
        ws.write_string(row, 1, &f.unit)?;
        ws.write_string(row, 2, &f.indicator)?;
        ws.write_string(row, 3, &f.code)?;
        ws.write_string(row, 4, crate::report::explain::rule_name(&f.code))?;
        ws.write_string(row, 5, &f.severity)?;
        ws.write_string(row, 6, &f.person)?;
        ws.write_string(row, 7, &f.message)?;
        ws.write_string(row, 8, f.cells.join(" "))?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (row - 1).max(1), headers.len() as u16 - 1)?;
    print_setup(&mut ws, &report.title, "问题清单", Some(0))?;
    Ok(ws)
}

fn scheme_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("考核方案")?;
    let headers = ["指标", "考核内容", "分值", "目标", "计分方法"].map(String::from);
    ws.write_string_with_format(0, 0, &report.scheme, &fm.title)?;
    let rules: Vec<String> = report
        .scheme_rules
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {r}", i + 1))
        .collect();
    let head = sentences(&mut ws, 1, headers.len() as u16, &rules, fm)? + 1;
    header_row(&mut ws, head, &headers, fm)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 50)?;
    ws.set_column_width(4, 40)?;
    let mut row = head + 1;
    for i in &report.indicators {
        ws.write_string(row, 0, &i.name)?;
        ws.write_string_with_format(row, 1, &i.measures, &fm.wrap)?;
        ws.write_number(row, 2, i.weight)?;
        ws.write_number_with_format(row, 3, i.target, &fm.rate)?;
        ws.write_string_with_format(row, 4, &i.scoring, &fm.wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "等次", &fm.header)?;
    ws.write_string_with_format(row, 1, "分数线", &fm.header)?;
    ws.write_string_with_format(row, 2, "单位数", &fm.header)?;
    row += 1;
    for g in &report.grades {
        ws.write_string(row, 0, &g.grade)?;
        ws.write_string(
            row,
            1,
            format!("≥ {}", crate::report::explain::number(g.min)),
        )?;
        ws.write_number(row, 2, g.units as f64)?;
        row += 1;
    }
    print_setup(&mut ws, &report.title, "考核方案", Some(head))?;
    Ok(ws)
}

/// The workbook's bytes.
pub fn to_xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let fm = formats();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(report.year.clamp(1900, 9999)).unwrap_or(1900),
        12,
        31,
    )?;
    let props = DocProperties::new()
        .set_title(&report.title)
        .set_author("rehabdocs")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    wb.push_worksheet(summary_sheet(report, &fm)?);
    wb.push_worksheet(units_sheet(report, &fm)?);
    let (ranking, score_col) = ranking_sheet(report, &fm)?;
    wb.push_worksheet(ranking);
    wb.push_worksheet(rectifications_sheet(report, &fm)?);
    wb.push_worksheet(deductions_sheet(report, &fm)?);
    wb.push_worksheet(vetoes_sheet(report, &fm)?);
    wb.push_worksheet(findings_sheet(report, &fm)?);
    wb.push_worksheet(quality_sheet(report, &fm)?);
    wb.push_worksheet(scheme_sheet(report, &fm)?);
    if !report.units.is_empty() {
        wb.push_worksheet(charts_sheet(report, score_col)?);
    }
    wb.save_to_buffer()
}
