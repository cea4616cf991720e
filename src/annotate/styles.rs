//! styles.xml: the register's cell formats stay, and additions follow them — one fill per
//! severity and one grey header fill, a bold copy of the default font, a `yyyy-mm-dd` number
//! format, and cell formats: the 问题清单's header and date formats, then for every (format,
//! severity) a marked cell needs, a copy of the cell's own format with the severity's fill.

use super::xml::{attr, local, start_tag, Edit, Spans};
use super::{fill_rgb, sev_index, SEVERITIES};
use crate::finding::Severity;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::ops::Range;

/// A container of styles.xml (`fonts`, `fills`, `cellXfs`, `numFmts`) as found.
struct Container {
    /// The start tag (or the whole element when written `<x/>`).
    start: Range<usize>,
    empty: bool,
    /// Where its end tag starts (== `start.end` when empty).
    end: usize,
    /// Spans of its child elements.
    children: Vec<Range<usize>>,
}

/// The register's styles.xml and the formats added to it.
pub struct Styles {
    bytes: Vec<u8>,
    /// Just after the `<styleSheet …>` start tag (where `numFmts` goes when absent).
    after_root: usize,
    num_fmts: Option<Container>,
    fonts: Container,
    fills: Container,
    cell_xfs: Container,
    /// The highest number-format id in use.
    max_num_fmt: u32,
    /// (format, severity index) → added cell format, in order of need.
    marked: Vec<(u32, usize)>,
    marked_index: HashMap<(u32, usize), u32>,
}

/// Ids given to custom number formats start here (below are Excel's built-in ones).
const FIRST_CUSTOM_NUM_FMT: u32 = 164;

impl Styles {
    /// Reads styles.xml; an error when it lacks the parts every workbook has.
    pub fn parse(bytes: Vec<u8>) -> Result<Styles, String> {
        let mut spans = Spans::new(&bytes);
        let mut depth = 0usize;
        let mut after_root = None;
        let mut open: Option<(String, Container)> = None;
        let mut found: HashMap<String, Container> = HashMap::new();
        let mut child_start = 0;
        let mut max_num_fmt = FIRST_CUSTOM_NUM_FMT - 1;
        while let Some((event, span)) = spans.next()? {
            match event {
                Event::Start(e) => {
                    depth += 1;
                    let name = local(e.name().as_ref()).to_string();
                    match depth {
                        1 => after_root = Some(span.end),
                        2 => {
                            open = Some((
                                name,
                                Container {
                                    start: span.clone(),
                                    empty: false,
                                    end: span.end,
                                    children: Vec::new(),
                                },
                            ))
                        }
                        3 => child_start = span.start,
                        _ => {}
                    }
                }
                Event::Empty(e) => {
                    let name = local(e.name().as_ref()).to_string();
                    // Ids of formats in dxfs too: one id space.
                    if name == "numFmt" {
                        if let Some(id) = attr(&e, "numFmtId").and_then(|v| v.parse().ok()) {
                            max_num_fmt = max_num_fmt.max(id);
                        }
                    }
                    if depth == 1 {
                        found.insert(
                            name,
                            Container {
                                start: span.clone(),
                                empty: true,
                                end: span.start,
                                children: Vec::new(),
                            },
                        );
                    } else if depth == 2 {
                        if let Some((_, c)) = open.as_mut() {
                            c.children.push(span.clone());
                        }
                    }
                }
                Event::End(_) => {
                    match depth {
                        2 => {
                            if let Some((name, mut c)) = open.take() {
                                c.end = span.start;
                                found.insert(name, c);
                            }
                        }
                        3 => {
                            if let Some((_, c)) = open.as_mut() {
                                c.children.push(child_start..span.end);
                            }
                        }
                        _ => {}
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        let after_root = after_root.ok_or("styles.xml 没有根元素")?;
        let mut take = |name: &str| {
            found
                .remove(name)
                .ok_or_else(|| format!("styles.xml 缺少 {name}"))
        };
        let fonts = take("fonts")?;
        let fills = take("fills")?;
        let cell_xfs = take("cellXfs")?;
        if fonts.children.is_empty() || cell_xfs.children.is_empty() {
            return Err("styles.xml 没有字体或单元格格式".into());
        }
        let num_fmts = found.remove("numFmts");
        Ok(Styles {
            bytes,
            after_root,
            num_fmts,
            fonts,
            fills,
            cell_xfs,
            max_num_fmt,
            marked: Vec::new(),
            marked_index: HashMap::new(),
        })
    }

    fn xf_count(&self) -> u32 {
        self.cell_xfs.children.len() as u32
    }

    /// The cell format of the 问题清单's and 汇总's header row.
    pub fn header_xf(&self) -> u32 {
        self.xf_count()
    }

    /// The cell format of dates in the 问题清单.
    pub fn date_xf(&self) -> u32 {
        self.xf_count() + 1
    }

    /// The cell format of a marked cell whose own format is `xf`.
    pub fn marked_xf(&mut self, xf: u32, severity: Severity) -> u32 {
        let xf = if xf < self.xf_count() { xf } else { 0 };
        let key = (xf, sev_index(severity));
        if let Some(i) = self.marked_index.get(&key) {
            return *i;
        }
        let i = self.xf_count() + 2 + self.marked.len() as u32;
        self.marked.push(key);
        self.marked_index.insert(key, i);
        i
    }

    fn fill_of(&self, sev: usize) -> usize {
        // Fills are added in SEVERITIES order; sev_index counts from the most serious.
        self.fills.children.len() + (SEVERITIES.len() - 1 - sev)
    }

    fn header_fill(&self) -> usize {
        self.fills.children.len() + SEVERITIES.len()
    }

    /// A cell format of the register's again, with some attributes set.
    fn xf_copy(&self, xf: u32, set: &[(&str, &str)]) -> Result<String, String> {
        let span = self.cell_xfs.children[xf as usize].clone();
        let raw = &self.bytes[span.clone()];
        let mut spans = Spans::new(raw);
        let Some((event, head)) = spans.next()? else {
            return Err("styles.xml 的单元格格式为空".into());
        };
        let tag = match &event {
            Event::Start(e) => start_tag(e, set, false),
            Event::Empty(e) => start_tag(e, set, true),
            _ => return Err("styles.xml 的单元格格式无法解析".into()),
        };
        Ok(tag + &String::from_utf8_lossy(&raw[head.end..]))
    }

    /// styles.xml with the additions.
    pub fn finish(&self) -> Result<Vec<u8>, String> {
        let mut edits = Vec::new();
        // Number format.
        let date_fmt = self.max_num_fmt + 1;
        let num_fmt = format!("<numFmt numFmtId=\"{date_fmt}\" formatCode=\"yyyy-mm-dd\"/>");
        match &self.num_fmts {
            Some(c) => add_children(&self.bytes, c, &num_fmt, 1, &mut edits)?,
            None => edits.push(Edit::insert(
                self.after_root,
                format!("<numFmts count=\"1\">{num_fmt}</numFmts>"),
            )),
        }
        // Bold font: the default font with <b/>.
        let font0 = &self.bytes[self.fonts.children[0].clone()];
        let font0 = String::from_utf8_lossy(font0);
        let bold = match font0.find('>') {
            Some(i) if font0[..i].ends_with('/') => format!("{}><b/></font>", &font0[..i - 1]),
            Some(i) => format!("{}<b/>{}", &font0[..=i], &font0[i + 1..]),
            None => return Err("styles.xml 的字体无法解析".into()),
        };
        add_children(&self.bytes, &self.fonts, &bold, 1, &mut edits)?;
        let bold_font = self.fonts.children.len().to_string();
        // Fills.
        let mut fills = String::new();
        for sev in SEVERITIES {
            fills.push_str(&solid_fill(fill_rgb(sev)));
        }
        fills.push_str(&solid_fill("FFD9D9D9"));
        add_children(
            &self.bytes,
            &self.fills,
            &fills,
            SEVERITIES.len() + 1,
            &mut edits,
        )?;
        // Cell formats.
        let header_fill = self.header_fill().to_string();
        let date_fmt = date_fmt.to_string();
        let mut xfs = self.xf_copy(
            0,
            &[
                ("fontId", &bold_font),
                ("fillId", &header_fill),
                ("applyFont", "1"),
                ("applyFill", "1"),
            ],
        )?;
        xfs += &self.xf_copy(0, &[("numFmtId", &date_fmt), ("applyNumberFormat", "1")])?;
        for (xf, sev) in &self.marked {
            let fill = self.fill_of(*sev).to_string();
            xfs += &self.xf_copy(*xf, &[("fillId", &fill), ("applyFill", "1")])?;
        }
        add_children(
            &self.bytes,
            &self.cell_xfs,
            &xfs,
            2 + self.marked.len(),
            &mut edits,
        )?;
        Ok(super::xml::splice(&self.bytes, edits))
    }
}

fn solid_fill(rgb: &str) -> String {
    format!(
        "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"{rgb}\"/><bgColor indexed=\"64\"/></patternFill></fill>"
    )
}

/// Edits that append `children` (`added` elements) to a container and raise its count.
fn add_children(
    bytes: &[u8],
    c: &Container,
    children: &str,
    added: usize,
    edits: &mut Vec<Edit>,
) -> Result<(), String> {
    let raw = &bytes[c.start.clone()];
    let mut spans = Spans::new(raw);
    let Some((Event::Start(e) | Event::Empty(e), _)) = spans.next()? else {
        return Err("styles.xml 无法解析".into());
    };
    let count = (c.children.len() + added).to_string();
    let name = e.name().as_ref().to_string();
    let tag = start_tag(&e, &[("count", &count)], false);
    if c.empty {
        edits.push(Edit::replace(
            c.start.clone(),
            format!("{tag}{children}</{name}>"),
        ));
    } else {
        edits.push(Edit::replace(c.start.clone(), tag));
        edits.push(Edit::insert(c.end, children));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment wrapText="1"/></xf></cellXfs></styleSheet>"#;

    #[test]
    fn marked_formats_copy_the_cells_own_format_with_a_fill() {
        let mut s = Styles::parse(STYLES.as_bytes().to_vec()).unwrap();
        assert_eq!(s.header_xf(), 2);
        assert_eq!(s.date_xf(), 3);
        assert_eq!(s.marked_xf(1, Severity::Error), 4);
        assert_eq!(s.marked_xf(0, Severity::Warning), 5);
        assert_eq!(s.marked_xf(1, Severity::Error), 4);
        assert_eq!(
            s.marked_xf(99, Severity::Warning),
            5,
            "unknown format: the default's"
        );
        let out = String::from_utf8(s.finish().unwrap()).unwrap();
        assert!(out.contains(r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><fonts"#), "{out}");
        assert!(out.contains(r#"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/>"#), "{out}");
        assert!(out.contains(r#"<fills count="7">"#), "{out}");
        // Fills 2..=5 are info, warning, breach, error; 6 the header's.
        assert!(out.contains(r#"<cellXfs count="6">"#), "{out}");
        assert!(out.contains(r#"<xf numFmtId="49" fontId="0" fillId="5" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"><alignment wrapText="1"/></xf>"#), "{out}");
        assert!(
            out.contains(
                r#"<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<xf numFmtId="0" fontId="1" fillId="6" borderId="0" xfId="0" applyFont="1" applyFill="1"/>"#), "{out}");
        assert!(out.contains("FFFF9999") && out.contains("FFFFEB9C"));
    }
}
