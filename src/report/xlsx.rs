//! The report as an Excel workbook: a sheet per table, numbers as numbers, rates formatted
//! as percentages, frozen headers, autofilters and native Excel charts. Deterministic: the
//! workbook's creation date is fixed to 31 December of the report year.

use crate::report::aggregate::Figures;
use crate::report::{AreaReport, Rates, Report};
use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
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
        header: Format::new().set_bold().set_background_color("D9E1F2"),
        rate: Format::new().set_num_format("0.0%"),
        money: Format::new().set_num_format("#,##0"),
        score: Format::new().set_num_format("0.00"),
        wrap: Format::new().set_text_wrap(),
        title: Format::new().set_bold().set_font_size(14),
    }
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

fn summary_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("汇总")?;
    let help = help_kinds(report);
    let mut headers = vec!["区域".to_string(), "村(社区)数".to_string()];
    headers.extend(figure_headers_with_help(&help));
    let compare = report.compared_with.is_some();
    if compare {
        headers.extend(
            [
                "上年实有吸毒人员",
                "上年在册人员",
                "上年协议签订率",
                "上年检测完成率",
                "上年谈话完成率",
            ]
            .map(String::from),
        );
    }
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(0, 16)?;
    let mut areas: Vec<&AreaReport> = report.towns.iter().collect();
    if report.towns.len() != 1 {
        areas.push(&report.total);
    }
    let mut row = 1;
    for a in &areas {
        ws.write_string(row, 0, &a.name)?;
        ws.write_number(row, 1, a.units as f64)?;
        let col = write_figures(&mut ws, row, 2, &a.figures, &a.rates, &help, fm)?;
        if let Some(p) = &a.previous {
            ws.write_number(row, col, p.registered_users as f64)?;
            ws.write_number(row, col + 1, p.in_programme as f64)?;
            write_value(&mut ws, row, col + 2, p.agreement_rate, Kind::Rate, fm)?;
            write_value(&mut ws, row, col + 3, p.test_rate, Kind::Rate, fm)?;
            write_value(&mut ws, row, col + 4, p.talk_rate, Kind::Rate, fm)?;
        }
        row += 1;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, row - 1, headers.len() as u16 - 1)?;
    // The words below the table.
    row += 1;
    ws.write_string_with_format(row, 0, &report.title, &fm.title)?;
    row += 1;
    for s in &report.summary {
        ws.write_string(row, 0, s)?;
        row += 1;
    }
    row += 1;
    ws.write_string(row, 0, "台帐文件")?;
    ws.write_string(row, 1, &report.source)?;
    ws.write_string(row + 1, 0, "考核方案")?;
    ws.write_string(row + 1, 1, &report.scheme)?;
    ws.write_string(row + 2, 0, "配置")?;
    ws.write_string(row + 2, 1, &report.profile)?;
    Ok(ws)
}

fn units_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("各单位指标")?;
    let help = help_kinds(report);
    let mut headers = vec!["乡镇(街道)".to_string(), "村(社区)".to_string()];
    headers.extend(figure_headers_with_help(&help));
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 14)?;
    let mut units: Vec<&crate::report::UnitReport> = report.units.iter().collect();
    units.sort_by(|a, b| (&a.town, &a.unit).cmp(&(&b.town, &b.unit)));
    let mut row = 1;
    for u in &units {
        ws.write_string(row, 0, &u.town)?;
        ws.write_string(row, 1, &u.unit)?;
        write_figures(&mut ws, row, 2, &u.figures, &u.rates, &help, fm)?;
        row += 1;
    }
    let last = row - 1;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, last.max(1), headers.len() as u16 - 1)?;
    if !units.is_empty() {
        let col_of = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0) as u16;
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("各单位主要指标完成率");
        for name in ["协议签订率", "检测完成率", "谈话完成率", "评估完成率"] {
            let c = col_of(name);
            chart
                .add_series()
                .set_name(("各单位指标", 0, c))
                .set_categories(("各单位指标", 1, 1, last, 1))
                .set_values(("各单位指标", 1, c, last, c));
        }
        chart.y_axis().set_num_format("0%");
        chart.set_width(900).set_height(380);
        ws.insert_chart(row + 1, 1, &chart)?;
    }
    Ok(ws)
}

fn ranking_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("排名")?;
    let mut headers = vec![
        "名次".to_string(),
        "乡镇(街道)".to_string(),
        "村(社区)".to_string(),
    ];
    for i in &report.indicators {
        headers.push(format!("{}({}分)", i.name, i.weight));
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
    if !report.units.is_empty() {
        let c = 3 + n_ind;
        let mut chart = Chart::new(ChartType::Bar);
        chart.title().set_name("各村（社区）考核得分");
        chart
            .add_series()
            .set_name(("排名", 0, c))
            .set_categories(("排名", 1, 2, last, 2))
            .set_values(("排名", 1, c, last, c));
        chart.x_axis().set_min(0.0).set_max(report.full_marks);
        chart.y_axis().set_reverse();
        chart.legend().set_hidden();
        let height = (120 + 22 * report.units.len() as u32).min(4000);
        chart.set_width(720).set_height(height);
        ws.insert_chart(row + 1, 2, &chart)?;
    }
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
        let codes: Vec<String> = d.findings.iter().map(|(c, n)| format!("{c}×{n}")).collect();
        ws.write_string(row, 8, codes.join("、"))?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (row - 1).max(1), headers.len() as u16 - 1)?;
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
        "严重程度",
        "编号",
        "说明",
        "单元格",
    ]
    .map(String::from);
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(6, 60)?;
    let mut row = 1;
    for f in &report.findings {
        ws.write_string(row, 0, &f.town)?;
        ws.write_string(row, 1, &f.unit)?;
        ws.write_string(row, 2, &f.indicator)?;
        ws.write_string(row, 3, &f.code)?;
        ws.write_string(row, 4, &f.severity)?;
        ws.write_string(row, 5, &f.person)?;
        ws.write_string(row, 6, &f.message)?;
        ws.write_string(row, 7, f.cells.join(" "))?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (row - 1).max(1), headers.len() as u16 - 1)?;
    Ok(ws)
}

fn scheme_sheet(report: &Report, fm: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("考核方案")?;
    let headers = ["指标", "考核内容", "分值", "目标"].map(String::from);
    header_row(&mut ws, 0, &headers, fm)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 70)?;
    let mut row = 1;
    for i in &report.indicators {
        ws.write_string(row, 0, &i.name)?;
        ws.write_string(row, 1, &i.measures)?;
        ws.write_number(row, 2, i.weight)?;
        ws.write_number_with_format(row, 3, i.target, &fm.rate)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "等次", &fm.header)?;
    ws.write_string_with_format(row, 1, "分数线", &fm.header)?;
    ws.write_string_with_format(row, 2, "单位数", &fm.header)?;
    row += 1;
    for g in &report.grades {
        ws.write_string(row, 0, &g.grade)?;
        ws.write_string(row, 1, format!("≥ {}", g.min))?;
        ws.write_number(row, 2, g.units as f64)?;
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
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
    wb.push_worksheet(ranking_sheet(report, &fm)?);
    wb.push_worksheet(deductions_sheet(report, &fm)?);
    wb.push_worksheet(vetoes_sheet(report, &fm)?);
    wb.push_worksheet(findings_sheet(report, &fm)?);
    wb.push_worksheet(scheme_sheet(report, &fm)?);
    wb.save_to_buffer()
}
