//! The office's own fonts: finds font files in the usual places of Windows, Linux and macOS
//! (plus the directories in `REHABDOCS_FONT_DIRS`) and loads only the faces whose family a
//! template role asks for (仿宋, 小标宋, 黑体, 楷体 and the like).
//!
//! Unreadable or malformed files are skipped, never fatal. Nothing here runs unless the caller
//! asks for system fonts; with `--embedded-fonts-only` output never depends on the machine.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use typst::foundations::Bytes;
use typst::text::Font;

/// Environment variable with extra font directories (separated like `PATH`).
pub const FONT_DIRS_ENV: &str = "REHABDOCS_FONT_DIRS";

/// How deep below a font directory files are looked for (vendors nest them a few levels).
const MAX_DEPTH: usize = 6;

/// Font files larger than this are not read (no font a role wants is anywhere near it).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The directories searched for fonts on this machine, in order: `REHABDOCS_FONT_DIRS` first,
/// then the system and per-user font directories of Windows, Linux and macOS that exist.
pub fn font_dirs() -> Vec<PathBuf> {
    let env = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(extra) = std::env::var_os(FONT_DIRS_ENV) {
        dirs.extend(std::env::split_paths(&extra).filter(|p| !p.as_os_str().is_empty()));
    }
    if let Some(windir) = env("WINDIR").or_else(|| env("SystemRoot")) {
        dirs.push(windir.join("Fonts"));
    }
    if let Some(local) = env("LOCALAPPDATA") {
        dirs.push(local.join("Microsoft").join("Windows").join("Fonts"));
    }
    for fixed in [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/Library/Fonts",
        "/System/Library/Fonts",
    ] {
        dirs.push(PathBuf::from(fixed));
    }
    if let Some(home) = env("HOME").or_else(|| env("USERPROFILE")) {
        dirs.push(home.join(".local").join("share").join("fonts"));
        dirs.push(home.join(".fonts"));
        dirs.push(home.join("Library").join("Fonts"));
    }
    let mut seen = Vec::new();
    dirs.retain(|d| {
        let keep = d.is_dir() && !seen.contains(d);
        seen.push(d.clone());
        keep
    });
    dirs
}

/// Whether a path names a font file we read (.ttf, .otf, .ttc, .otc; any case).
pub fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| {
            let e = e.to_ascii_lowercase();
            matches!(e.as_str(), "ttf" | "otf" | "ttc" | "otc")
        })
        .unwrap_or(false)
}

/// The font files below `dirs`, sorted per directory so that discovery is repeatable.
pub fn font_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                if depth < MAX_DEPTH {
                    walk(&path, depth + 1, out);
                }
            } else if is_font_file(&path) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        walk(dir, 0, &mut out);
    }
    out
}

/// The faces of the font files below `dirs` whose family is one of `wanted` (compared without
/// regard to case), by the name Typst knows it by (the English one) or by any other family
/// name in the font (仿宋 for FangSong), each with its family names in every language (lower
/// case). Files that cannot be read or parsed are skipped. The first file found for a family
/// and variant wins; later duplicates are dropped.
pub fn discover(dirs: &[PathBuf], wanted: &[String]) -> Vec<(Font, Vec<String>)> {
    let wanted: Vec<String> = wanted.iter().map(|w| w.to_lowercase()).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(Font, Vec<String>)> = Vec::new();
    for path in font_files(dirs) {
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > MAX_FILE_BYTES)
            .unwrap_or(true);
        if too_big {
            continue;
        }
        // Most files are not wanted: look at their name tables before reading them whole.
        let names = face_family_names(&path);
        if let Some(names) = &names {
            if !names.iter().flatten().any(|n| wanted.contains(n)) {
                continue;
            }
        }
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        for font in Font::iter(Bytes::new(data)) {
            let info = font.info();
            let family = info.family.to_lowercase();
            let others = names
                .as_ref()
                .and_then(|n| n.get(font.index() as usize))
                .cloned()
                .unwrap_or_default();
            let duplicate = found.iter().any(|(f, _)| {
                f.info().family.to_lowercase() == family && f.info().variant == info.variant
            });
            let asked = wanted.contains(&family) || others.iter().any(|n| wanted.contains(n));
            if asked && !duplicate {
                found.push((font, others));
            }
        }
    }
    found
}

/// Reads `len` bytes at `at`.
fn read_at(file: &mut File, at: u64, len: usize) -> Option<Vec<u8>> {
    file.seek(SeekFrom::Start(at)).ok()?;
    let mut buf = vec![0u8; len];
    file.read_exact(&mut buf).ok()?;
    Some(buf)
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn be32(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ])))
}

/// The family names (name ids 1 and 16, every platform and language, lower case) of each
/// face in a font file, in face order, read from the name tables only. `None` when the
/// file's structure is not understood, in which case the caller reads and parses the file in
/// full.
pub fn face_family_names(path: &Path) -> Option<Vec<Vec<String>>> {
    let mut file = File::open(path).ok()?;
    let head = read_at(&mut file, 0, 12)?;
    let faces: Vec<u64> = if head.get(0..4)? == b"ttcf" {
        let count = usize::try_from(be32(&head, 8)?).ok()?.min(256);
        let offsets = read_at(&mut file, 12, 4 * count)?;
        (0..count)
            .map(|k| be32(&offsets, 4 * k))
            .collect::<Option<_>>()?
    } else {
        vec![0]
    };
    let mut all = Vec::with_capacity(faces.len());
    for face in faces {
        let mut names = Vec::new();
        all.push(Vec::new());
        let dir = read_at(&mut file, face, 12)?;
        let tables = be16(&dir, 4)?;
        let records = read_at(&mut file, face + 12, 16 * tables)?;
        let Some(rec) = (0..tables).find(|k| records.get(16 * k..16 * k + 4) == Some(b"name"))
        else {
            continue;
        };
        let offset = be32(&records, 16 * rec + 8)?;
        let length = usize::try_from(be32(&records, 16 * rec + 12)?).ok()?;
        if length > 1 << 20 {
            return None;
        }
        let table = read_at(&mut file, offset, length)?;
        let count = be16(&table, 2)?;
        let storage = be16(&table, 4)?;
        for k in 0..count {
            let r = 6 + 12 * k;
            let (platform, name_id) = (be16(&table, r)?, be16(&table, r + 6)?);
            if name_id != 1 && name_id != 16 {
                continue;
            }
            let len = be16(&table, r + 8)?;
            let start = storage + be16(&table, r + 10)?;
            let Some(raw) = table.get(start..start + len) else {
                continue;
            };
            let name = if platform == 1 {
                raw.iter().map(|&b| char::from(b)).collect::<String>()
            } else {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            };
            let name = name.to_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if let Some(last) = all.last_mut() {
            *last = names;
        }
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_font_extensions_are_read() {
        assert!(is_font_file(Path::new("/x/simfang.TTF")));
        assert!(is_font_file(Path::new("a.otc")));
        assert!(is_font_file(Path::new("simsun.ttc")));
        assert!(!is_font_file(Path::new("fonts.dir")));
        assert!(!is_font_file(Path::new("simfang")));
    }

    #[test]
    fn discovery_finds_wanted_family_and_skips_corrupt_files() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let nested = dir.path().join("cjk");
        std::fs::create_dir_all(&nested).unwrap_or_else(|e| panic!("{e}"));
        let sans = include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf");
        std::fs::write(nested.join("office-font.otf"), sans).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("broken.ttf"), b"not a font at all")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("empty.ttc"), b"").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("readme.txt"), b"x").unwrap_or_else(|e| panic!("{e}"));
        let dirs = vec![dir.path().to_path_buf()];

        assert_eq!(font_files(&dirs).len(), 3, "{:?}", font_files(&dirs));
        let names = face_family_names(&nested.join("office-font.otf")).unwrap_or_default();
        assert_eq!(names.len(), 1, "one face");
        assert!(
            names[0].contains(&"noto sans cjk sc".to_string()),
            "{names:?}"
        );
        assert_eq!(face_family_names(&dir.path().join("broken.ttf")), None);
        let found = discover(&dirs, &["noto sans cjk sc".to_string()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.info().family, "Noto Sans CJK SC");
        assert!(discover(&dirs, &["FangSong".to_string()]).is_empty());
        assert!(discover(&dirs, &[]).is_empty());
    }
}
