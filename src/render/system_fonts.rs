//! The office's own fonts: finds font files in the usual places of Windows, Linux and macOS
//! (plus the directories in `REHABDOCS_FONT_DIRS`) and loads only the faces whose family a
//! template role asks for (仿宋, 小标宋, 黑体, 楷体 and the like).
//!
//! Unreadable or malformed files are skipped, never fatal. Nothing here runs unless the caller
//! asks for system fonts; with `--embedded-fonts-only` output never depends on the machine.

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
/// regard to case). Files that cannot be read or parsed are skipped. The first file found
/// for a family and variant wins; later duplicates are dropped.
pub fn discover(dirs: &[PathBuf], wanted: &[String]) -> Vec<Font> {
    let wanted: Vec<String> = wanted.iter().map(|w| w.to_lowercase()).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<Font> = Vec::new();
    for path in font_files(dirs) {
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > MAX_FILE_BYTES)
            .unwrap_or(true);
        if too_big {
            continue;
        }
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        for font in Font::iter(Bytes::new(data)) {
            let info = font.info();
            let family = info.family.to_lowercase();
            let duplicate = found.iter().any(|f| {
                f.info().family.to_lowercase() == family && f.info().variant == info.variant
            });
            if wanted.contains(&family) && !duplicate {
                found.push(font);
            }
        }
    }
    found
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
        let found = discover(&dirs, &["noto sans cjk sc".to_string()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].info().family, "Noto Sans CJK SC");
        assert!(discover(&dirs, &["FangSong".to_string()]).is_empty());
        assert!(discover(&dirs, &[]).is_empty());
    }
}
