//! One pass over a sheet's XML that has findings: every event is written as it was read,
//! but the `<c>` of a marked cell gets a marked format (its own, with the severity's fill),
//! an empty marked cell gets a `<c>` (in a new `<row>` if needed), `<dimension>` and a row's
//! `spans` grow to cover them, and a `<legacyDrawing>` for the notes is added when the sheet
//! has none.

use super::styles::Styles;
use super::xml::{attr, cell_ref, local, parse_ref, prefix_for, prefix_of, start_tag, REL_NS};
use super::MarkedCell;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, Write};

/// What the pass found out.
pub struct SheetOutcome {
    /// The `r:id` of the sheet's own `<legacyDrawing>`, if it had one.
    pub legacy_drawing: Option<String>,
}

/// Elements that follow `legacyDrawing` in a worksheet: ours goes before the first of them.
const AFTER_LEGACY_DRAWING: &[&str] = &[
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
    "AlternateContent",
];

struct Pass<'a, W: Write> {
    out: quick_xml::Writer<W>,
    cells: &'a [MarkedCell],
    /// The next marked cell not yet written.
    next: usize,
    styles: &'a mut Styles,
    /// Prefix of the sheet's main namespace (`x:` or empty).
    prefix: String,
    /// Column formats: (first, last, format), 0-based.
    col_styles: Vec<(u32, u32, u32)>,
    /// The row being read: its index and the format its empty cells have.
    row: Option<(u32, Option<u32>)>,
    last_row: Option<u32>,
    last_col: Option<u32>,
    /// Whether `</sheetData>` has been passed.
    after_data: bool,
    /// The sheet's own `<legacyDrawing>` (its `r:id`), once seen.
    legacy_drawing: Option<String>,
    /// Whether ours has been written.
    drawing_done: bool,
    /// Prefix of the relationships namespace on `<worksheet>`, if declared there.
    rel_prefix: Option<String>,
    /// The `r:id` of ours.
    new_drawing: &'a str,
}

fn io(e: impl std::fmt::Display) -> String {
    format!("写入工作表出错：{e}")
}

/// Streams a sheet from `input` to `output` (see the module doc). `new_drawing`: the `r:id`
/// to give a `<legacyDrawing>` if the sheet has none.
pub fn annotate_sheet<R: BufRead, W: Write>(
    input: R,
    output: W,
    cells: &[MarkedCell],
    styles: &mut Styles,
    new_drawing: &str,
) -> Result<SheetOutcome, String> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut pass = Pass {
        out: quick_xml::Writer::new(output),
        cells,
        next: 0,
        styles,
        prefix: String::new(),
        col_styles: Vec::new(),
        row: None,
        last_row: None,
        last_col: None,
        after_data: false,
        legacy_drawing: None,
        drawing_done: false,
        rel_prefix: None,
        new_drawing,
    };
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut in_data = false;
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("工作表 XML 无法解析：{e}"))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                depth += 1;
                let name = local(e.name().as_ref()).to_string();
                match (depth, name.as_str()) {
                    (1, _) => {
                        pass.prefix = prefix_of(e.name().as_ref()).to_string();
                        pass.rel_prefix = prefix_for(&e, REL_NS);
                        pass.raw_event(Event::Start(e))?;
                    }
                    (2, "sheetData") => {
                        in_data = true;
                        pass.raw_event(Event::Start(e))?;
                    }
                    (3, "row") if in_data => pass.row_start(&e, false)?,
                    (4, "c") if pass.row.is_some() => pass.cell(&e, false)?,
                    (2, n) => {
                        pass.top_level(n, &e)?;
                        pass.raw_event(Event::Start(e))?;
                    }
                    _ => pass.raw_event(Event::Start(e))?,
                }
            }
            Event::Empty(e) => {
                let name = local(e.name().as_ref()).to_string();
                match (depth + 1, name.as_str()) {
                    (2, "dimension") => pass.dimension(&e)?,
                    (2, "sheetData") => {
                        let p = pass.prefix.clone();
                        pass.raw(&format!("<{p}sheetData>"))?;
                        pass.rows_before(u32::MAX)?;
                        pass.raw(&format!("</{p}sheetData>"))?;
                        pass.after_data = true;
                    }
                    (3, "col") => {
                        pass.col(&e);
                        pass.raw_event(Event::Empty(e))?;
                    }
                    (3, "row") if in_data => pass.row_start(&e, true)?,
                    (4, "c") if pass.row.is_some() => pass.cell(&e, true)?,
                    (2, n) => {
                        pass.top_level(n, &e)?;
                        pass.raw_event(Event::Empty(e))?;
                    }
                    _ => pass.raw_event(Event::Empty(e))?,
                }
            }
            Event::End(e) => {
                let name = local(e.name().as_ref()).to_string();
                match (depth, name.as_str()) {
                    (3, "row") if in_data => pass.row_end()?,
                    (2, "sheetData") => {
                        pass.rows_before(u32::MAX)?;
                        in_data = false;
                        pass.after_data = true;
                    }
                    (1, _) => pass.add_drawing()?,
                    _ => {}
                }
                pass.raw_event(Event::End(e))?;
                depth = depth.saturating_sub(1);
            }
            other => pass.raw_event(other)?,
        }
    }
    let legacy_drawing = pass.legacy_drawing.take();
    pass.out.into_inner().flush().map_err(io)?;
    Ok(SheetOutcome { legacy_drawing })
}

/// The value of the attribute whose name ends in `suffix` (`r:id` under any prefix).
fn attr_with_suffix(e: &BytesStart, suffix: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref().ends_with(suffix))
        .map(|a| a.value.to_string())
}

impl<W: Write> Pass<'_, W> {
    fn raw_event(&mut self, e: Event) -> Result<(), String> {
        self.out.write_event(e).map_err(io)
    }

    fn raw(&mut self, text: &str) -> Result<(), String> {
        self.out.get_mut().write_all(text.as_bytes()).map_err(io)
    }

    fn dimension(&mut self, e: &BytesStart) -> Result<(), String> {
        let Some(area) = attr(e, "ref") else {
            return self.raw(&start_tag(e, &[], true));
        };
        let mut corners: Vec<(u32, u32)> = area
            .split(':')
            .filter_map(|r| parse_ref(r.as_bytes()))
            .collect();
        corners.extend(self.cells.iter().map(|c| (c.row, c.col)));
        let top = corners.iter().map(|c| c.0).min().unwrap_or(0);
        let left = corners.iter().map(|c| c.1).min().unwrap_or(0);
        let bottom = corners.iter().map(|c| c.0).max().unwrap_or(0);
        let right = corners.iter().map(|c| c.1).max().unwrap_or(0);
        let area = if (top, left) == (bottom, right) {
            cell_ref(top, left)
        } else {
            format!("{}:{}", cell_ref(top, left), cell_ref(bottom, right))
        };
        self.raw(&start_tag(e, &[("ref", &area)], true))
    }

    fn col(&mut self, e: &BytesStart) {
        let num = |k| attr(e, k).and_then(|v| v.parse::<u32>().ok());
        if let (Some(min), Some(max), Some(style)) = (num("min"), num("max"), num("style")) {
            if min >= 1 && max >= min {
                self.col_styles.push((min - 1, max - 1, style));
            }
        }
    }

    /// The format a cell of `col` without a `<c>` has, in a row whose own format is `row_xf`.
    fn empty_cell_xf(&self, row_xf: Option<u32>, col: u32) -> u32 {
        row_xf
            .or_else(|| {
                self.col_styles
                    .iter()
                    .find(|(a, b, _)| (*a..=*b).contains(&col))
                    .map(|c| c.2)
            })
            .unwrap_or(0)
    }

    /// Writes new rows for the marked cells in rows before `row`.
    fn rows_before(&mut self, row: u32) -> Result<(), String> {
        while let Some(first) = self.cells.get(self.next).filter(|c| c.row < row).copied() {
            let p = self.prefix.clone();
            self.raw(&format!("<{p}row r=\"{}\">", first.row + 1))?;
            self.cells_before(first.row, None, u32::MAX)?;
            self.raw(&format!("</{p}row>"))?;
        }
        Ok(())
    }

    /// Writes `<c>`s for the marked cells of `row` left of `col` (absent from the sheet).
    fn cells_before(&mut self, row: u32, row_xf: Option<u32>, col: u32) -> Result<(), String> {
        while let Some(cell) = self
            .cells
            .get(self.next)
            .filter(|c| c.row == row && c.col < col)
            .copied()
        {
            let xf = self.empty_cell_xf(row_xf, cell.col);
            let xf = self.styles.marked_xf(xf, cell.severity);
            let p = self.prefix.clone();
            self.raw(&format!(
                "<{p}c r=\"{}\" s=\"{xf}\"/>",
                cell_ref(cell.row, cell.col)
            ))?;
            self.next += 1;
        }
        Ok(())
    }

    fn row_start(&mut self, e: &BytesStart, empty: bool) -> Result<(), String> {
        let row = match attr(e, "r").and_then(|r| r.parse::<u32>().ok()) {
            Some(r) if r >= 1 => r - 1,
            _ => self.last_row.map_or(0, |r| r + 1),
        };
        self.rows_before(row)?;
        self.last_row = Some(row);
        self.last_col = None;
        let custom = attr(e, "customFormat").is_some_and(|v| v == "1" || v == "true");
        let row_xf = if custom {
            attr(e, "s").and_then(|s| s.parse().ok())
        } else {
            None
        };
        let marked: Vec<u32> = self.cells[self.next..]
            .iter()
            .take_while(|c| c.row == row)
            .map(|c| c.col)
            .collect();
        let r = (row + 1).to_string();
        let mut set: Vec<(&str, &str)> = Vec::new();
        if attr(e, "r").is_none() {
            set.push(("r", &r));
        }
        let spans;
        if let (false, Some(old)) = (marked.is_empty(), attr(e, "spans")) {
            let mut bounds: Vec<u32> = old
                .split([' ', ':'])
                .filter_map(|n| n.parse().ok())
                .collect();
            bounds.extend(marked.iter().map(|c| c + 1));
            let lo = bounds.iter().min().copied().unwrap_or(1);
            let hi = bounds.iter().max().copied().unwrap_or(1);
            spans = format!("{lo}:{hi}");
            set.push(("spans", &spans));
        }
        if empty && !marked.is_empty() {
            // `<row/>` with marked cells: opened, filled and closed here.
            self.raw(&start_tag(e, &set, false))?;
            self.cells_before(row, row_xf, u32::MAX)?;
            let p = self.prefix.clone();
            return self.raw(&format!("</{p}row>"));
        }
        if set.is_empty() {
            self.raw_event(if empty {
                Event::Empty(e.borrow())
            } else {
                Event::Start(e.borrow())
            })?;
        } else {
            self.raw(&start_tag(e, &set, empty))?;
        }
        if !empty {
            self.row = Some((row, row_xf));
        }
        Ok(())
    }

    fn row_end(&mut self) -> Result<(), String> {
        if let Some((row, row_xf)) = self.row.take() {
            self.cells_before(row, row_xf, u32::MAX)?;
        }
        Ok(())
    }

    fn cell(&mut self, e: &BytesStart, empty: bool) -> Result<(), String> {
        let Some((row, row_xf)) = self.row else {
            return self.raw_event(Event::Empty(e.borrow()));
        };
        let r = attr(e, "r");
        let col = match r.as_deref().and_then(|r| parse_ref(r.as_bytes())) {
            Some((_, c)) => c,
            None => self.last_col.map_or(0, |c| c + 1),
        };
        self.last_col = Some(col);
        self.cells_before(row, row_xf, col)?;
        let a1 = cell_ref(row, col);
        let mut set: Vec<(&str, &str)> = Vec::new();
        if r.is_none() {
            set.push(("r", &a1));
        }
        let xf;
        if let Some(cell) = self
            .cells
            .get(self.next)
            .filter(|c| c.row == row && c.col == col)
            .copied()
        {
            let own = attr(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
            xf = self.styles.marked_xf(own, cell.severity).to_string();
            set.push(("s", &xf));
            self.next += 1;
        }
        if set.is_empty() {
            self.raw_event(if empty {
                Event::Empty(e.borrow())
            } else {
                Event::Start(e.borrow())
            })
        } else {
            self.raw(&start_tag(e, &set, empty))
        }
    }

    /// A child of `<worksheet>` but `sheetData`: notes the sheet's own drawing, or puts ours
    /// before the first element that follows `legacyDrawing`.
    fn top_level(&mut self, name: &str, e: &BytesStart) -> Result<(), String> {
        if name == "legacyDrawing" {
            self.legacy_drawing = attr_with_suffix(e, ":id");
            Ok(())
        } else if self.after_data && AFTER_LEGACY_DRAWING.contains(&name) {
            self.add_drawing()
        } else {
            Ok(())
        }
    }

    /// Writes our `<legacyDrawing>`, unless written already or the sheet has its own.
    fn add_drawing(&mut self) -> Result<(), String> {
        if self.drawing_done || self.legacy_drawing.is_some() {
            return Ok(());
        }
        self.drawing_done = true;
        let (p, id) = (self.prefix.clone(), self.new_drawing);
        let text = match &self.rel_prefix {
            Some(r) => format!("<{p}legacyDrawing {r}:id=\"{id}\"/>"),
            None => format!("<{p}legacyDrawing xmlns:r=\"{REL_NS}\" r:id=\"{id}\"/>"),
        };
        self.raw(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    const STYLES: &str = r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="2"><fill/><fill/></fills><cellXfs count="3"><xf fontId="0"/><xf fontId="0"/><xf fontId="0"/></cellXfs></styleSheet>"#;

    fn marked(row: u32, col: u32, severity: Severity) -> MarkedCell {
        MarkedCell {
            row,
            col,
            severity,
            start: 0,
            len: 1,
        }
    }

    fn run(sheet: &str, cells: &[MarkedCell]) -> (String, SheetOutcome) {
        let mut styles = Styles::parse(STYLES.as_bytes().to_vec()).unwrap();
        let mut out = Vec::new();
        let outcome =
            annotate_sheet(sheet.as_bytes(), &mut out, cells, &mut styles, "rIdN").unwrap();
        (String::from_utf8(out).unwrap(), outcome)
    }

    #[test]
    fn marked_cells_change_format_and_missing_ones_are_added_in_order() {
        let sheet = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:C2"/><cols><col min="5" max="6" width="9" style="2" customWidth="1"/></cols><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="C1"><f>A1+1</f><v>2</v></c></row><row r="3" s="1" customFormat="1"><c r="A3"><v>1</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells><pageMargins left="0.7"/><tableParts count="0"/></worksheet>"#;
        let cells = [
            marked(0, 0, Severity::Error),
            marked(0, 1, Severity::Warning),
            marked(0, 2, Severity::Warning),
            marked(1, 5, Severity::Info),
            marked(2, 3, Severity::Error),
            marked(6, 0, Severity::Breach),
        ];
        let (out, outcome) = run(sheet, &cells);
        assert!(outcome.legacy_drawing.is_none());
        // xf 3 header, 4 date, then marked formats in order of need.
        assert!(out.contains(r#"<dimension ref="A1:F7"/>"#), "{out}");
        assert!(
            out.contains(r#"<row r="1" spans="1:3"><c r="A1" s="5" t="s"><v>0</v></c><c r="B1" s="6"/><c r="C1" s="6"><f>A1+1</f><v>2</v></c></row>"#),
            "{out}"
        );
        // Row 2 is new; its cell in a column with a format keeps that format's look.
        assert!(
            out.contains(r#"<row r="2"><c r="F2" s="7"/></row>"#),
            "{out}"
        );
        // Row 3's own format stands for its empty cells.
        assert!(
            out.contains(
                r#"<row r="3" s="1" customFormat="1"><c r="A3"><v>1</v></c><c r="D3" s="5"/></row>"#
            ),
            "{out}"
        );
        assert!(
            out.contains(r#"<row r="7"><c r="A7" s="8"/></row></sheetData>"#),
            "{out}"
        );
        assert!(
            out.contains(
                r#"<pageMargins left="0.7"/><legacyDrawing r:id="rIdN"/><tableParts count="0"/>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>"#));
    }

    #[test]
    fn a_sheet_with_its_own_drawing_and_a_prefix() {
        let sheet = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c/></x:row></x:sheetData><x:legacyDrawing rel:id="rId7"/></x:worksheet>"#;
        let (out, outcome) = run(sheet, &[marked(0, 1, Severity::Error)]);
        assert_eq!(outcome.legacy_drawing.as_deref(), Some("rId7"));
        assert_eq!(
            out,
            r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" s="5"/></x:row></x:sheetData><x:legacyDrawing rel:id="rId7"/></x:worksheet>"#
        );
        let (out, _) = run(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#,
            &[marked(1, 1, Severity::Error)],
        );
        assert!(out.contains(r#"<sheetData><row r="2"><c r="B2" s="5"/></row></sheetData><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdN"/></worksheet>"#), "{out}");
    }
}
