//! The embedded fonts: subsets of Noto Serif/Sans CJK SC (OFL-1.1, see `fonts/README.md`),
//! parsed once per process and shared by every compile; the role font lists
//! (`forms/fonts.yaml`) and the run's font set with the office's own fonts when asked for.

use super::system_fonts;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
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
    /// Other family names of the fonts (lower case, e.g. 仿宋) → the family Typst knows them by
    /// (FangSong).
    pub aliases: Vec<(String, String)>,
}

impl FontSet {
    /// Builds a set from already parsed fonts.
    pub fn new(fonts: Vec<Font>) -> FontSet {
        let book = LazyHash::new(FontBook::from_fonts(fonts.iter()));
        FontSet {
            book,
            fonts,
            aliases: Vec::new(),
        }
    }

    /// The family Typst knows `name` by: itself when some font has that family, else the
    /// family of a font that also carries `name` (compared without regard to case).
    pub fn family_of(&self, name: &str) -> Option<String> {
        let lower = name.to_lowercase();
        if self
            .fonts
            .iter()
            .any(|f| f.info().family.to_lowercase() == lower)
        {
            return Some(name.to_string());
        }
        self.aliases
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map(|(_, family)| family.clone())
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

/// The embedded fonts followed by the faces of the font files below `dirs` whose family one
/// of the `roles` lists asks for. Families the embedded fonts already have are never taken
/// from the machine, so the guaranteed fallback is always the embedded face.
pub fn with_system_from(dirs: &[PathBuf], roles: &RoleFonts) -> FontSet {
    let base = embedded();
    let own = base.families();
    let wanted: Vec<String> = roles
        .all()
        .filter(|w| !own.iter().any(|f| f.eq_ignore_ascii_case(w)))
        .cloned()
        .collect();
    let mut fonts = base.fonts.clone();
    let mut aliases = Vec::new();
    for (font, names) in system_fonts::discover(dirs, &wanted) {
        let family = font.info().family.clone();
        for name in names {
            if name != family.to_lowercase() && !aliases.iter().any(|(a, _)| *a == name) {
                aliases.push((name, family.clone()));
            }
        }
        fonts.push(font);
    }
    let mut set = FontSet::new(fonts);
    set.aliases = aliases;
    set
}

/// The embedded fonts plus the office's own fonts found on this machine for the default role
/// lists (see [`system_fonts::font_dirs`]), found and parsed once per process.
pub fn with_system() -> &'static FontSet {
    with_system_for(RoleFonts::defaults())
}

/// The same for other role lists (a profile's own fonts first): found and parsed once per
/// process and set of lists; a run uses one profile, so this is one set in practice.
pub fn with_system_for(roles: &RoleFonts) -> &'static FontSet {
    type Sets = Vec<(RoleFonts, &'static FontSet)>;
    static SETS: std::sync::Mutex<Sets> = std::sync::Mutex::new(Vec::new());
    let mut sets = SETS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, set)) = sets.iter().find(|(r, _)| r == roles) {
        return set;
    }
    // Kept for the rest of the process, as the embedded set is.
    let set: &'static FontSet = Box::leak(Box::new(with_system_from(
        &system_fonts::font_dirs(),
        roles,
    )));
    sets.push((roles.clone(), set));
    set
}

/// The role lists of `forms/fonts.yaml`, embedded in the binary.
const ROLE_FONTS_YAML: &str = include_str!("../../forms/fonts.yaml");

/// A profile's own font families per role (`fonts:` in the profile YAML), tried before the
/// lists of `forms/fonts.yaml`; a role left out keeps those lists.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PreferredFonts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kaiti: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<Vec<String>>,
}

/// Role fonts passed to the templates: each role's family list, first found wins.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RoleFonts {
    /// Titles (小标宋).
    pub title: Vec<String>,
    /// Body text (仿宋).
    pub body: Vec<String>,
    /// Headings (黑体).
    pub heading: Vec<String>,
    /// Second-level headings and notes (楷体).
    pub kaiti: Vec<String>,
    /// Table cells.
    pub table: Vec<String>,
}

impl RoleFonts {
    /// The embedded fonts only (tests, `--embedded-fonts-only`).
    pub fn embedded() -> RoleFonts {
        RoleFonts {
            title: vec!["Noto Serif CJK SC".into()],
            body: vec!["Noto Serif CJK SC".into()],
            heading: vec!["Noto Sans CJK SC".into()],
            kaiti: vec!["Noto Serif CJK SC".into()],
            table: vec!["Noto Sans CJK SC".into()],
        }
    }

    /// The default lists of `forms/fonts.yaml` (the embedded-only lists should that file
    /// ever fail to parse; a unit test keeps it parsing).
    pub fn defaults() -> &'static RoleFonts {
        static LISTS: OnceLock<RoleFonts> = OnceLock::new();
        LISTS.get_or_init(|| {
            serde_norway::from_str(ROLE_FONTS_YAML).unwrap_or_else(|_| RoleFonts::embedded())
        })
    }

    /// These lists with a profile's own families put first, role by role.
    pub fn with_preferred(&self, preferred: &PreferredFonts) -> RoleFonts {
        let first = |own: &Option<Vec<String>>, list: &[String]| -> Vec<String> {
            own.iter().flatten().chain(list).cloned().collect()
        };
        RoleFonts {
            title: first(&preferred.title, &self.title),
            body: first(&preferred.body, &self.body),
            heading: first(&preferred.heading, &self.heading),
            kaiti: first(&preferred.kaiti, &self.kaiti),
            table: first(&preferred.table, &self.table),
        }
    }

    /// Every family named by some role, in role order (may repeat).
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.title
            .iter()
            .chain(&self.body)
            .chain(&self.heading)
            .chain(&self.kaiti)
            .chain(&self.table)
    }

    /// The lists narrowed to the families `set` has, each by the name Typst knows it by (a
    /// font asked for by another of its family names, such as 仿宋 for FangSong, counts;
    /// compared without regard to case), each ending with the role's embedded family, so a template always finds a font. With the
    /// embedded set alone this gives exactly [`RoleFonts::embedded`].
    pub fn resolve(&self, set: &FontSet) -> RoleFonts {
        let fallback = RoleFonts::embedded();
        let narrow = |list: &[String], last: &[String]| {
            let mut out: Vec<String> = Vec::new();
            for family in list.iter().chain(last).filter_map(|n| set.family_of(n)) {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(&family)) {
                    out.push(family);
                }
            }
            out
        };
        RoleFonts {
            title: narrow(&self.title, &fallback.title),
            body: narrow(&self.body, &fallback.body),
            heading: narrow(&self.heading, &fallback.heading),
            kaiti: narrow(&self.kaiti, &fallback.kaiti),
            table: narrow(&self.table, &fallback.table),
        }
    }
}

/// The font set and role lists of one run: the embedded fonts only, or the office's own fonts
/// found on the machine first and the embedded ones as fallback.
pub fn for_run(system: bool) -> (&'static FontSet, RoleFonts) {
    if system {
        let set = with_system();
        (set, RoleFonts::defaults().resolve(set))
    } else {
        (embedded(), RoleFonts::embedded())
    }
}

/// The names and sizes of the embedded font files.
pub fn embedded_files() -> impl Iterator<Item = (&'static str, usize)> {
    EMBEDDED.iter().map(|(name, data)| (*name, data.len()))
}

/// The bytes of the embedded font file `name` (the web page uses the sans face as its last
/// fallback, for machines without a Chinese system font).
pub fn embedded_file(name: &str) -> Option<&'static [u8]> {
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, data)| *data)
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

    #[test]
    fn default_role_lists_parse_and_end_with_the_embedded_families() {
        let lists = RoleFonts::defaults();
        assert!(lists.body.iter().any(|f| f == "FangSong"), "{lists:?}");
        assert!(lists.title.iter().any(|f| f == "FZXiaoBiaoSong-B05S"));
        assert!(lists.heading.iter().any(|f| f == "SimHei"));
        assert!(lists.kaiti.iter().any(|f| f == "KaiTi"));
        let embedded = RoleFonts::embedded();
        assert_eq!(lists.body.last(), embedded.body.last());
        assert_eq!(lists.title.last(), embedded.title.last());
        assert_eq!(lists.heading.last(), embedded.heading.last());
        assert_eq!(lists.kaiti.last(), embedded.kaiti.last());
        assert_eq!(lists.table.last(), embedded.table.last());
        // Without office fonts the lists narrow to exactly the embedded ones.
        assert_eq!(lists.resolve(super::embedded()), embedded);
        assert_eq!(for_run(false).1, embedded);
    }

    #[test]
    fn office_font_found_on_the_machine_comes_first() {
        // A copy of an embedded face stands in for the office's 仿宋: its family is requested
        // by a test-only body list, ahead of the embedded family.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("simfang.ttf"),
            include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("corrupt.ttf"), [0u8, 1, 0, 0, 0, 9, 9])
            .unwrap_or_else(|e| panic!("{e}"));
        // The embedded serif is the only one known, so the machine's "Noto Sans CJK SC" is the
        // office font here; the embedded set without it stands in for the bare build.
        let mut roles = RoleFonts::embedded();
        roles.body = vec![
            "FangSong".into(),
            "noto sans cjk sc".into(),
            "Noto Serif CJK SC".into(),
        ];
        let found = system_fonts::discover(&[dir.path().to_path_buf()], &roles.body);
        assert_eq!(found.len(), 1);
        let mut fonts: Vec<Font> = embedded()
            .fonts
            .iter()
            .filter(|f| f.info().family != "Noto Sans CJK SC")
            .cloned()
            .collect();
        let bare = FontSet::new(fonts.clone());
        fonts.extend(found.into_iter().map(|(font, _)| font));
        let set = FontSet::new(fonts);
        assert_eq!(
            roles.resolve(&set).body,
            vec![
                "noto sans cjk sc".to_string(),
                "Noto Serif CJK SC".to_string()
            ]
        );
        assert_eq!(
            roles.resolve(&bare).body,
            vec!["Noto Serif CJK SC".to_string()]
        );
        // Embedded families are never taken from the machine.
        let with = with_system_from(&[dir.path().to_path_buf()], &roles);
        assert_eq!(with.fonts.len(), embedded().fonts.len());
    }

    #[test]
    fn font_dirs_include_the_env_directories() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::env::set_var(system_fonts::FONT_DIRS_ENV, dir.path());
        let dirs = system_fonts::font_dirs();
        std::env::remove_var(system_fonts::FONT_DIRS_ENV);
        assert_eq!(dirs.first().map(|d| d.as_path()), Some(dir.path()));
    }
}
