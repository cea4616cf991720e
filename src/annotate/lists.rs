//! The two sheets the annotated copy adds: 问题清单 (one row per finding, with a link to its
//! cell) and 汇总 (counts by code, by severity and by unit). Written as XML straight from the
//! findings, row by row, with inline strings (the register's shared-string table stays as it
//! is).

use super::xml::{cell_ref, escape};
use super::{document_label, sev_index, Job};
use crate::finding::Severity;
use crate::rules::rule_info;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// Most links Excel keeps on one worksheet; further rows of 问题清单 get plain text.
const MAX_LINKS: usize = 65_000;

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";

const MARGINS: &str = "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>";

/// Writes rows of cells.
struct Rows<'w> {
    w: &'w mut dyn Write,
    row: u32,
    open: bool,
}

impl Rows<'_> {
    fn next_row(&mut self) -> io::Result<()> {
        self.end_row()?;
        self.row += 1;
        write!(self.w, "<row r=\"{}\">", self.row + 1)?;
        self.open = true;
        Ok(())
    }

    fn skip(&mut self, rows: u32) -> io::Result<()> {
        self.end_row()?;
        self.row += rows;
        Ok(())
    }

    fn end_row(&mut self) -> io::Result<()> {
        if self.open {
            self.w.write_all(b"</row>")?;
            self.open = false;
        }
        Ok(())
    }

    fn text(&mut self, col: u32, text: &str, xf: Option<u32>) -> io::Result<()> {
        if text.is_empty() && xf.is_none() {
            return Ok(());
        }
        let s = xf.map(|x| format!(" s=\"{x}\"")).unwrap_or_default();
        write!(
            self.w,
            "<c r=\"{}\"{s} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            cell_ref(self.row, col),
            escape(text)
        )
    }

    fn number(&mut self, col: u32, n: f64, xf: Option<u32>) -> io::Result<()> {
        let s = xf.map(|x| format!(" s=\"{x}\"")).unwrap_or_default();
        write!(
            self.w,
            "<c r=\"{}\"{s}><v>{n}</v></c>",
            cell_ref(self.row, col)
        )
    }
}

fn cols(w: &mut dyn Write, widths: &[f64]) -> io::Result<()> {
    w.write_all(b"<cols>")?;
    for (i, width) in widths.iter().enumerate() {
        write!(
            w,
            "<col min=\"{n}\" max=\"{n}\" width=\"{width}\" customWidth=\"1\"/>",
            n = i + 1
        )?;
    }
    w.write_all(b"</cols>")
}

/// Excel's serial number of a date (days since 1899-12-30).
fn serial(d: chrono::NaiveDate) -> i64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - epoch).num_days()
}

/// Writes the 问题清单 sheet. `sheets`: the register's sheet names as the findings give them →
/// their names in the workbook, for the links.
pub fn write_issue_list(
    w: &mut dyn Write,
    job: &Job,
    sheets: &HashMap<String, String>,
    header_xf: u32,
    date_xf: u32,
) -> io::Result<()> {
    let report = job.report;
    let reg = &report.register;
    let headers = [
        "代码",
        "严重程度",
        "编号",
        "村(社区)",
        "单元格",
        "问题",
        "应出具文书",
        "截止日期",
        "依据",
    ];
    let last = cell_ref(job.listed_len() as u32, headers.len() as u32 - 1);
    w.write_all(HEAD.as_bytes())?;
    write!(w, "<dimension ref=\"A1:{last}\"/>")?;
    w.write_all(b"<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>")?;
    cols(w, &[8.0, 10.0, 12.0, 14.0, 18.0, 60.0, 24.0, 12.0, 60.0])?;
    w.write_all(b"<sheetData>")?;
    let mut rows = Rows {
        w,
        row: 0,
        open: false,
    };
    rows.w.write_all(b"<row r=\"1\">")?;
    rows.open = true;
    for (c, h) in headers.iter().enumerate() {
        rows.text(c as u32, h, Some(header_xf))?;
    }
    for f in job.findings() {
        rows.next_row()?;
        rows.text(0, f.code, None)?;
        rows.text(1, f.severity.label(), None)?;
        rows.text(2, f.person.as_deref().unwrap_or(""), None)?;
        rows.text(3, f.unit.as_deref().unwrap_or(""), None)?;
        rows.text(4, &f.cell_names(reg).join("、"), None)?;
        rows.text(5, &job.ids.apply(&f.message), None)?;
        let docs: Vec<&str> = f.due.iter().map(|d| document_label(&d.0)).collect();
        rows.text(6, &docs.join("、"), None)?;
        if let Some(d) = f.due_date {
            rows.number(7, serial(d) as f64, Some(date_xf))?;
        }
        rows.text(8, &f.basis, None)?;
    }
    rows.end_row()?;
    let w = rows.w;
    w.write_all(b"</sheetData>")?;
    write!(w, "<autoFilter ref=\"A1:{last}\"/>")?;
    let mut links = job
        .findings()
        .enumerate()
        .filter_map(|(i, f)| {
            let (c, name) = job.first_cell(f)?;
            let sheet = sheets.get(name)?;
            Some((i, f, sheet, c.a1()))
        })
        .take(MAX_LINKS)
        .peekable();
    if links.peek().is_some() {
        w.write_all(b"<hyperlinks>")?;
        for (i, f, sheet, a1) in links {
            write!(
                w,
                "<hyperlink ref=\"{}\" location=\"{}\" display=\"{}\"/>",
                cell_ref(i as u32 + 1, 4),
                escape(&format!("'{}'!{a1}", sheet.replace('\'', "''"))),
                escape(&f.cell_names(reg).join("、"))
            )?;
        }
        w.write_all(b"</hyperlinks>")?;
    }
    w.write_all(MARGINS.as_bytes())?;
    w.write_all(b"</worksheet>")
}

/// Writes the 汇总 sheet.
pub fn write_summary(w: &mut dyn Write, job: &Job, header_xf: u32) -> io::Result<()> {
    let report = job.report;
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut by_unit: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for f in job.findings() {
        *by_code.entry(f.code).or_default() += 1;
        *by_sev.entry(f.severity).or_default() += 1;
        by_unit
            .entry(f.unit.as_deref().unwrap_or("（未注明）"))
            .or_default()[sev_index(f.severity)] += 1;
    }
    w.write_all(HEAD.as_bytes())?;
    cols(w, &[16.0, 30.0])?;
    w.write_all(b"<sheetData>")?;
    let h = Some(header_xf);
    let mut rows = Rows {
        w,
        row: 0,
        open: false,
    };
    rows.w.write_all(b"<row r=\"1\">")?;
    rows.open = true;
    rows.text(
        0,
        &format!("截止日期 {}，配置 {}", report.as_of, report.profile),
        h,
    )?;
    rows.skip(1)?;
    rows.next_row()?;
    for (c, t) in ["代码", "名称", "严重程度", "数量"].iter().enumerate() {
        rows.text(c as u32, t, h)?;
    }
    for (code, n) in &by_code {
        let info = rule_info(code);
        rows.next_row()?;
        rows.text(0, code, None)?;
        rows.text(1, info.map(|i| i.name).unwrap_or(""), None)?;
        rows.text(2, info.map(|i| i.severity.label()).unwrap_or(""), None)?;
        rows.number(3, *n as f64, None)?;
    }
    rows.skip(1)?;
    rows.next_row()?;
    for (c, t) in ["严重程度", "数量"].iter().enumerate() {
        rows.text(c as u32, t, h)?;
    }
    for (sev, n) in by_sev.iter().rev() {
        rows.next_row()?;
        rows.text(0, sev.label(), None)?;
        rows.number(1, *n as f64, None)?;
    }
    rows.skip(1)?;
    rows.next_row()?;
    for (c, t) in ["村(社区)", "错误", "严重违规", "警告", "提示", "合计"]
        .iter()
        .enumerate()
    {
        rows.text(c as u32, t, h)?;
    }
    for (unit, counts) in &by_unit {
        rows.next_row()?;
        rows.text(0, unit, None)?;
        for (i, n) in counts.iter().enumerate() {
            rows.number(i as u32 + 1, *n as f64, None)?;
        }
        rows.number(5, counts.iter().sum::<usize>() as f64, None)?;
    }
    rows.end_row()?;
    let w = rows.w;
    w.write_all(b"</sheetData>")?;
    w.write_all(MARGINS.as_bytes())?;
    w.write_all(b"</worksheet>")
}
