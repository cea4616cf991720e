//! The embedded fonts: subsets of Noto Serif/Sans CJK SC (OFL-1.1, see `fonts/README.md`),
//! parsed once per process and shared by every compile.

use std::sync::OnceLock;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// The embedded font files: (file name, bytes).
static EMBEDDED: &[(&str, &[u8])] = &[
    (
        "NotoSerifCJKsc-Regular.otf",
        include_bytes!("../../fonts/NotoSerifCJKsc-Regular.otf"),
    ),
    (
        "NotoSerifCJKsc-Bold.otf",
        include_bytes!("../../fonts/NotoSerifCJKsc-Bold.otf"),
    ),
    (
        "NotoSansCJKsc-Regular.otf",
        include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf"),
    ),
];

/// A parsed set of fonts and the book Typst selects them from.
pub struct FontSet {
    /// Typst's index of the fonts (families, variants, coverage).
    pub book: LazyHash<FontBook>,
    /// The fonts, in book order.
    pub fonts: Vec<Font>,
}

impl FontSet {
    /// Builds a set from already parsed fonts.
    pub fn new(fonts: Vec<Font>) -> FontSet {
        let book = LazyHash::new(FontBook::from_fonts(fonts.iter()));
        FontSet { book, fonts }
    }

    /// Whether some font of the set has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }

    /// The characters of `text` that no font of the set can draw, each once, in order of
    /// first appearance. Line breaks and tabs are not drawn and never reported.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for c in text.chars() {
            if matches!(c, '\n' | '\r' | '\t') || missing.contains(&c) {
                continue;
            }
            if !self.covers(c) {
                missing.push(c);
            }
        }
        missing
    }

    /// The family names in the set, sorted and deduplicated.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fonts.iter().map(|f| f.info().family.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The embedded fonts, parsed on first use and shared for the rest of the process.
pub fn embedded() -> &'static FontSet {
    static SET: OnceLock<FontSet> = OnceLock::new();
    SET.get_or_init(|| {
        let fonts = EMBEDDED
            .iter()
            .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
            .collect();
        FontSet::new(fonts)
    })
}

/// The names and sizes of the embedded font files.
pub fn embedded_files() -> impl Iterator<Item = (&'static str, usize)> {
    EMBEDDED.iter().map(|(name, data)| (*name, data.len()))
}

/// The glyph count of an OpenType font file (its `maxp` table), if the file has one.
pub fn glyph_count(data: &[u8]) -> Option<u16> {
    let be16 = |at: usize| Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]));
    let be32 = |at: usize| {
        Some(u32::from_be_bytes([
            *data.get(at)?,
            *data.get(at + 1)?,
            *data.get(at + 2)?,
            *data.get(at + 3)?,
        ]))
    };
    let tables = usize::from(be16(4)?);
    (0..tables).find_map(|k| {
        let rec = 12 + 16 * k;
        if data.get(rec..rec + 4)? == b"maxp" {
            be16(usize::try_from(be32(rec + 8)?).ok()? + 4)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_keep_glyph_ids_below_32768() {
        // Glyph ids above 32767 render blank in Typst 0.15 (see scripts/make-fonts.sh).
        for (name, data) in EMBEDDED {
            let n = glyph_count(data).unwrap_or(u16::MAX);
            assert!(n <= 32768, "{name}: {n} glyphs");
        }
    }

    #[test]
    fn embedded_fonts_parse_and_cover_rare_name_characters() {
        let set = embedded();
        assert_eq!(set.fonts.len(), 3);
        assert!(set.families().iter().any(|f| f == "Noto Serif CJK SC"));
        assert!(set.families().iter().any(|f| f == "Noto Sans CJK SC"));
        for c in [
            '张', '㛃', '堃', '喆', '赟', '〇', '〔', '〕', '①', '（', 'A', '—', '“',
        ] {
            assert!(set.covers(c), "{c} U+{:04X}", c as u32);
        }
        assert_eq!(set.missing_chars("张三\n𠀋"), vec!['𠀋']);
    }
}
