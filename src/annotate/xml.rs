//! Small helpers for editing OOXML parts: escaping, cell references, rewriting one start tag
//! while keeping every other attribute as it was written, splicing additions into a part.

use quick_xml::events::BytesStart;

/// The namespace of relationship ids (`r:id`).
pub const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Text as XML element content or attribute value: `& < > "` escaped, characters XML 1.0
/// does not allow (control characters but tab and line breaks) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `D4` for 0-based row 3, column 3.
pub fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", crate::model::column_letters(col), row + 1)
}

/// The 0-based (row, column) of a reference like `D4` (`$` signs allowed).
pub fn parse_ref(text: &[u8]) -> Option<(u32, u32)> {
    let mut col: u32 = 0;
    let mut row: u32 = 0;
    let mut letters = 0;
    let mut digits = 0;
    for &b in text.iter().filter(|b| **b != b'$') {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' if digits == 0 => {
                col = col
                    .checked_mul(26)?
                    .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
                letters += 1;
            }
            b'0'..=b'9' if letters > 0 => {
                row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
                digits += 1;
            }
            _ => return None,
        }
    }
    if letters == 0 || digits == 0 || row == 0 {
        return None;
    }
    Some((row - 1, col - 1))
}

/// The value of attribute `key` of a start tag, unescaped.
pub fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The namespace prefix (with its colon, or empty) of a qualified name.
pub fn prefix_of(qname: &str) -> &str {
    match qname.find(':') {
        Some(i) => &qname[..=i],
        None => "",
    }
}

/// The local part of a qualified name.
pub fn local(qname: &str) -> &str {
    match qname.find(':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

/// The prefix bound to namespace `uri` on element `e` (`xmlns:p="uri"` → `p`).
pub fn prefix_for(e: &BytesStart, uri: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let p = a.key.as_ref().strip_prefix("xmlns:")?;
        (a.value.as_ref() == uri).then(|| p.to_string())
    })
}

/// A start tag written again: every attribute as it was, those named in `set` given their
/// new (already escaped) value in place, the others of `set` added at the end.
pub fn start_tag(e: &BytesStart, set: &[(&str, &str)], empty: bool) -> String {
    let mut out = String::with_capacity(e.len() + 32);
    out.push('<');
    out.push_str(e.name().as_ref());
    let mut done = vec![false; set.len()];
    for a in e.attributes().with_checks(false).flatten() {
        out.push(' ');
        out.push_str(a.key.as_ref());
        match set.iter().position(|(k, _)| *k == a.key.as_ref()) {
            Some(i) => {
                done[i] = true;
                out.push_str("=\"");
                out.push_str(set[i].1);
                out.push('"');
            }
            None => {
                let q = if a.value.contains('"') { '\'' } else { '"' };
                out.push('=');
                out.push(q);
                out.push_str(&a.value);
                out.push(q);
            }
        }
    }
    for ((k, v), done) in set.iter().zip(done) {
        if !done {
            out.push_str(&format!(" {k}=\"{v}\""));
        }
    }
    out.push_str(if empty { "/>" } else { ">" });
    out
}

/// `bytes` with the `edits` made (positions in the original).
pub fn splice(bytes: &[u8], mut edits: Vec<Edit>) -> Vec<u8> {
    edits.sort_by_key(|e| (e.at, e.order));
    let mut out =
        Vec::with_capacity(bytes.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut from = 0;
    for e in edits {
        let at = e.at.max(from).min(bytes.len());
        out.extend_from_slice(&bytes[from..at]);
        out.extend_from_slice(&e.text);
        from = (at + e.remove).min(bytes.len()).max(at);
    }
    out.extend_from_slice(&bytes[from..]);
    out
}

/// One change of [`splice`]: at byte `at`, `remove` bytes replaced by `text`; edits at the
/// same place come in `order`.
pub struct Edit {
    pub at: usize,
    pub remove: usize,
    pub text: Vec<u8>,
    pub order: usize,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<Vec<u8>>) -> Edit {
        Edit {
            at,
            remove: 0,
            text: text.into(),
            order: 0,
        }
    }
    pub fn replace(range: std::ops::Range<usize>, text: impl Into<Vec<u8>>) -> Edit {
        Edit {
            at: range.start,
            remove: range.end - range.start,
            text: text.into(),
            order: 0,
        }
    }
}

/// The events of a part held in memory, each with its byte span.
pub struct Spans<'a> {
    reader: quick_xml::Reader<&'a [u8]>,
}

impl<'a> Spans<'a> {
    pub fn new(bytes: &'a [u8]) -> Spans<'a> {
        Spans {
            reader: quick_xml::Reader::from_reader(bytes),
        }
    }

    /// The next event and its span; `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(
        &mut self,
    ) -> Result<Option<(quick_xml::events::Event<'a>, std::ops::Range<usize>)>, String> {
        let from = self.reader.buffer_position() as usize;
        match self.reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => Ok(None),
            Ok(e) => Ok(Some((e, from..self.reader.buffer_position() as usize))),
            Err(e) => Err(format!("XML 无法解析（第 {from} 字节）：{e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_ref(b"A1"), Some((0, 0)));
        assert_eq!(parse_ref(b"AB12"), Some((11, 27)));
        assert_eq!(parse_ref(b"$D$4"), Some((3, 3)));
        assert_eq!(parse_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref(b"A0"), None);
        assert_eq!(parse_ref(b"12"), None);
        assert_eq!(parse_ref(b"A1B"), None);
        assert_eq!(cell_ref(11, 27), "AB12");
    }

    #[test]
    fn a_start_tag_keeps_its_other_attributes() {
        let e = BytesStart::from_content(r#"c r="D4" s="7" t='s"x'"#, 1);
        let out = start_tag(&e, &[("s", "12"), ("cm", "1")], true);
        assert_eq!(out, r#"<c r="D4" s="12" t='s"x' cm="1"/>"#);
    }

    #[test]
    fn escaping_drops_what_xml_cannot_hold() {
        assert_eq!(escape("a<b & \"c\"\u{1}\n"), "a&lt;b &amp; &quot;c&quot;\n");
    }
}
