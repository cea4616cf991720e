//! Writing the report files into a folder, atomically (temporary file + rename), never
//! overwriting without `force`, owner-only permissions.

use std::path::{Path, PathBuf};

/// A file that could not be written; the message is Chinese and names the file.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WriteError(pub String);

/// The three output files' contents.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// (file name, bytes), written in this order.
    pub files: Vec<(String, Vec<u8>)>,
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let target = dir.join(name);
    crate::write_file::write_bytes_atomically(&target, true, bytes)
        .map_err(|e| WriteError(e.to_string()))?;
    Ok(target)
}

/// Refuses when one of the files exists in `dir` and `force` is false.
pub fn check_free(dir: &Path, files: &ReportFiles, force: bool) -> Result<(), WriteError> {
    if force {
        return Ok(());
    }
    for (name, _) in &files.files {
        let p = dir.join(name);
        if p.exists() {
            return Err(WriteError(format!(
                "{} 已存在；如需覆盖请加 --force",
                p.display()
            )));
        }
    }
    Ok(())
}

/// Writes every file into `dir` (created if missing). Refuses, before writing anything,
/// when a file exists and `force` is false.
pub fn write_report(
    dir: &Path,
    files: &ReportFiles,
    force: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    check_free(dir, files, force)?;
    crate::write_file::create_private_dir_all(dir)
        .map_err(|e| WriteError(format!("无法创建输出目录 {}: {e}", dir.display())))?;
    files
        .files
        .iter()
        .map(|(name, bytes)| write_atomic(dir, name, bytes))
        .collect()
}
