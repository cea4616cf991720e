//! Notes of a sheet: its comments part (the text) and its legacy VML drawing (the boxes that
//! show the text on hover). A sheet without notes gets both new; a sheet with the clerk's own
//! notes keeps them: a finding on a cell that has a note adds its lines to that note, the
//! others become new notes after the clerk's, and the drawing gets boxes for the new ones.

use super::xml::{attr, cell_ref, escape, local, parse_ref, Edit, Spans};
use super::{note_text, Job, MarkedCell};
use quick_xml::events::Event;
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// The author the program's notes carry.
const AUTHOR: &str = "rehabdocs";

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The clerk's comments part of a sheet, as found.
pub struct Comments {
    bytes: Vec<u8>,
    /// Cells that have a note, and where the note's `</text>` starts.
    text_ends: HashMap<(u32, u32), usize>,
    /// Number of authors and where `</authors>` starts (or the `<authors/>` span).
    authors: usize,
    authors_end: AuthorsEnd,
    /// The index of our author, when the part already names it.
    ours: Option<usize>,
    /// Where `</commentList>` starts, or the span of `<commentList/>`.
    list_end: ListEnd,
}

enum AuthorsEnd {
    Close(usize),
    Empty(std::ops::Range<usize>),
}

enum ListEnd {
    Close(usize),
    Empty(std::ops::Range<usize>),
}

impl Comments {
    pub fn parse(bytes: Vec<u8>) -> Result<Comments, String> {
        let mut spans = Spans::new(&bytes);
        let mut text_ends = HashMap::new();
        let mut authors = 0;
        let mut authors_end = None;
        let mut ours = None;
        let mut list_end = None;
        let mut current: Option<(u32, u32)> = None;
        let mut in_author = false;
        let mut depth = 0usize;
        while let Some((event, span)) = spans.next()? {
            match event {
                Event::Start(e) => {
                    depth += 1;
                    match local(e.name().as_ref()) {
                        "comment" if depth == 3 => {
                            current = attr(&e, "ref").and_then(|r| parse_ref(r.as_bytes()));
                        }
                        "author" if depth == 3 => in_author = true,
                        _ => {}
                    }
                }
                Event::Empty(e) => match local(e.name().as_ref()) {
                    "authors" if depth == 1 => authors_end = Some(AuthorsEnd::Empty(span)),
                    "commentList" if depth == 1 => list_end = Some(ListEnd::Empty(span)),
                    "author" if depth == 2 => authors += 1,
                    _ => {}
                },
                Event::Text(t) if in_author => {
                    if &*t == AUTHOR {
                        ours = Some(authors);
                    }
                }
                Event::End(e) => {
                    match local(e.name().as_ref()) {
                        "author" if depth == 3 => {
                            in_author = false;
                            authors += 1;
                        }
                        "authors" if depth == 2 => {
                            authors_end = Some(AuthorsEnd::Close(span.start))
                        }
                        "commentList" if depth == 2 => list_end = Some(ListEnd::Close(span.start)),
                        "text" if depth == 4 => {
                            if let Some(cell) = current {
                                text_ends.insert(cell, span.start);
                            }
                        }
                        "comment" if depth == 3 => current = None,
                        _ => {}
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        match (authors_end, list_end) {
            (Some(authors_end), Some(list_end)) => Ok(Comments {
                bytes,
                text_ends,
                authors,
                authors_end,
                ours,
                list_end,
            }),
            _ => Err("批注部件缺少 authors 或 commentList".into()),
        }
    }

    /// Whether the cell has a note of the clerk's.
    pub fn has(&self, cell: &MarkedCell) -> bool {
        self.text_ends.contains_key(&(cell.row, cell.col))
    }

    /// Writes the part with the findings added.
    pub fn write_merged(
        &self,
        w: &mut dyn Write,
        cells: &[MarkedCell],
        job: &Job,
    ) -> std::io::Result<()> {
        let author = match self.ours {
            Some(i) => i,
            None => self.authors,
        };
        let mut edits = Vec::new();
        if self.ours.is_none() {
            let ours = format!("<author>{AUTHOR}</author>");
            match &self.authors_end {
                AuthorsEnd::Close(at) => edits.push(Edit::insert(*at, ours)),
                AuthorsEnd::Empty(span) => edits.push(Edit::replace(
                    span.clone(),
                    format!("<authors>{ours}</authors>"),
                )),
            }
        }
        for cell in cells {
            if let Some(at) = self.text_ends.get(&(cell.row, cell.col)) {
                let text = note_text(&job.marks.of(cell, job.report), job.ids);
                edits.push(Edit::insert(
                    *at,
                    format!("<r><t xml:space=\"preserve\">\n{}</t></r>", escape(&text)),
                ));
            }
        }
        let (head_end, tail_start, open, close) = match &self.list_end {
            ListEnd::Close(at) => (*at, *at, "", ""),
            ListEnd::Empty(span) => (span.start, span.end, "<commentList>", "</commentList>"),
        };
        let (head_edits, tail_edits): (Vec<Edit>, Vec<Edit>) =
            edits.into_iter().partition(|e| e.at < head_end);
        w.write_all(&super::xml::splice(&self.bytes[..head_end], head_edits))?;
        w.write_all(open.as_bytes())?;
        for cell in cells.iter().filter(|c| !self.has(c)) {
            write_comment(w, cell, author, job)?;
        }
        w.write_all(close.as_bytes())?;
        let tail: Vec<Edit> = tail_edits
            .into_iter()
            .map(|mut e| {
                e.at -= tail_start;
                e
            })
            .collect();
        w.write_all(&super::xml::splice(&self.bytes[tail_start..], tail))
    }
}

/// Writes a new comments part with a note for every marked cell.
pub fn write_new_comments(
    w: &mut dyn Write,
    cells: &[MarkedCell],
    job: &Job,
) -> std::io::Result<()> {
    w.write_all(XML_DECL.as_bytes())?;
    w.write_all(
        format!("<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors><author>{AUTHOR}</author></authors><commentList>").as_bytes(),
    )?;
    for cell in cells {
        write_comment(w, cell, 0, job)?;
    }
    w.write_all(b"</commentList></comments>")
}

fn write_comment(
    w: &mut dyn Write,
    cell: &MarkedCell,
    author: usize,
    job: &Job,
) -> std::io::Result<()> {
    let text = note_text(&job.marks.of(cell, job.report), job.ids);
    write!(
        w,
        "<comment ref=\"{}\" authorId=\"{author}\"><text><t xml:space=\"preserve\">{}</t></text></comment>",
        cell_ref(cell.row, cell.col),
        escape(&text)
    )
}

/// The VML shape type of a note box, declared once per drawing.
const NOTE_SHAPETYPE: &str = "<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>\n";

/// Shape ids come in blocks of this many (one `o:idmap` number each).
pub const SHAPE_BLOCK: u32 = 1024;

/// Blocks of shape ids needed for `shapes` new boxes.
pub fn blocks_for(shapes: usize) -> u32 {
    (shapes as u32 + 1) / SHAPE_BLOCK + 1
}

/// The `o:idmap` blocks a VML drawing uses.
pub fn idmap_blocks(vml: &[u8]) -> Vec<u32> {
    let text = String::from_utf8_lossy(vml);
    let Some(at) = text.find("<o:idmap") else {
        return Vec::new();
    };
    let tag = &text[at..text[at..].find('>').map_or(text.len(), |e| at + e)];
    let Some(data) = tag.find("data=\"").map(|i| &tag[i + 6..]) else {
        return Vec::new();
    };
    let data = &data[..data.find('"').unwrap_or(data.len())];
    data.split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

/// Writes a new VML drawing with a box for every marked cell, shape ids from `first_block`.
pub fn write_new_vml(
    w: &mut dyn Write,
    cells: &[MarkedCell],
    first_block: u32,
) -> std::io::Result<()> {
    let blocks = blocks_list(first_block, blocks_for(cells.len()));
    write!(
        w,
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\n<o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{blocks}\"/></o:shapelayout>\n{NOTE_SHAPETYPE}"
    )?;
    write_shapes(w, cells.iter(), first_block)?;
    w.write_all(b"</xml>")
}

fn blocks_list(first: u32, count: u32) -> String {
    (first..first + count)
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes the clerk's VML drawing with boxes added for the marked cells that have no note of
/// the clerk's (`skip`), shape ids from `first_block`.
pub fn write_merged_vml(
    w: &mut dyn Write,
    vml: &[u8],
    cells: &[MarkedCell],
    skip: &HashSet<(u32, u32)>,
    first_block: u32,
) -> std::io::Result<()> {
    let new: Vec<&MarkedCell> = cells
        .iter()
        .filter(|c| !skip.contains(&(c.row, c.col)))
        .collect();
    let text = String::from_utf8_lossy(vml);
    let end = text.rfind("</xml>").unwrap_or(text.len());
    let mut edits = Vec::new();
    // Extend the id map by the new blocks.
    if let Some(at) = text.find("<o:idmap") {
        let tag_end = text[at..].find('>').map_or(text.len(), |e| at + e);
        if let Some(d) = text[at..tag_end].find("data=\"") {
            let from = at + d + 6;
            let to = text[from..tag_end].find('"').map_or(tag_end, |q| from + q);
            let old = &text[from..to];
            let added = blocks_list(first_block, blocks_for(new.len()));
            let data = if old.trim().is_empty() {
                added
            } else {
                format!("{old},{added}")
            };
            edits.push(Edit::replace(from..to, data));
        }
    }
    let mut added = Vec::new();
    if !text.contains("id=\"_x0000_t202\"") {
        added.extend_from_slice(NOTE_SHAPETYPE.as_bytes());
    }
    write_shapes(&mut added, new.into_iter(), first_block)?;
    edits.push(Edit::insert(end, added));
    w.write_all(&super::xml::splice(vml, edits))
}

fn write_shapes<'c>(
    w: &mut dyn Write,
    cells: impl Iterator<Item = &'c MarkedCell>,
    first_block: u32,
) -> std::io::Result<()> {
    for (k, cell) in cells.enumerate() {
        let id = first_block * SHAPE_BLOCK + 1 + k as u32;
        let lines = cell.len.max(2);
        let (row, col) = (cell.row, cell.col);
        let top = row.saturating_sub(1);
        write!(
            w,
            "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:{left}pt;margin-top:{mtop}pt;width:270pt;height:{height}pt;z-index:{z};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{c1}, 15, {top}, 10, {c2}, 15, {bottom}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>\n",
            left = (col + 1) * 48 + 11,
            mtop = top * 15 + 2,
            height = 30 + 30 * lines,
            z = k + 1,
            c1 = col + 1,
            c2 = col + 5,
            bottom = top + 2 + 2 * lines,
        )?;
    }
    Ok(())
}
