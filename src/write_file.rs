//! Writing output files atomically (temp file beside the target, then rename), owner-only on
//! Unix, refusing to overwrite without `--force`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output file could not be written (messages for the clerk, in Chinese).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("文件已存在: {0}（如需覆盖请加 --force）")]
    Exists(PathBuf),
    #[error("无法写入 {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("生成工作簿失败: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("{0}")]
    Invalid(String),
}

/// A folder maker for owner-only folders (0700 on Unix; on Windows a new folder takes the
/// permissions of its parent, the user's own folders).
fn private_dir_builder() -> fs::DirBuilder {
    #[allow(unused_mut)]
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
}

/// Creates `dir` and its missing parents owner-only (0700 on Unix); folders that exist are
/// left as they are.
pub fn create_private_dir_all(dir: &Path) -> Result<(), OutputError> {
    private_dir_builder()
        .recursive(true)
        .create(dir)
        .map_err(|source| OutputError::Io {
            path: dir.to_path_buf(),
            source,
        })
}

/// Creates the new folder `dir` owner-only (0700 on Unix), its missing parents too; fails
/// if `dir` exists (a link planted there is never written through).
fn create_private_dir(dir: &Path) -> Result<(), OutputError> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir_all(parent)?;
    }
    private_dir_builder()
        .create(dir)
        .map_err(|source| OutputError::Io {
            path: dir.to_path_buf(),
            source,
        })
}

/// Writes `bytes` to a new file `path` created owner-only (0600 on Unix), flushed to disk;
/// fails if `path` exists. For files staged in a run's own private folder and renamed into
/// place later; a final file goes through [`write_bytes_atomically`].
pub fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let io = |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = create_private(path)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Opens the lock file `path` for locking (`File::try_lock`), creating it owner-only (0600 on
/// Unix) when missing; its content is never written. Every lock file the program makes
/// (the ledger's, a staging folder's) is opened here.
pub fn open_lock_file(path: &Path) -> std::io::Result<fs::File> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Why [`lock_waiting`] did not get its lock.
#[derive(Debug)]
pub enum LockFailure {
    /// Another process held the lock for the whole wait (seconds waited).
    Busy(u64),
    /// The lock file could not be opened or locked.
    Io(std::io::Error),
}

/// Takes an exclusive lock on the lock file `path` (made by [`open_lock_file`]), waiting up
/// to `wait` while another process holds it. The lock lasts as long as the returned file is
/// open; the lock file itself is never removed (removing it would let a third process lock a
/// new file while a second waits on the old one).
pub fn lock_waiting(path: &Path, wait: std::time::Duration) -> Result<fs::File, LockFailure> {
    let file = open_lock_file(path).map_err(LockFailure::Io)?;
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) => {
                if start.elapsed() >= wait {
                    return Err(LockFailure::Busy(start.elapsed().as_secs()));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(fs::TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
        }
    }
}

/// A folder of one run's own: owner-only, named `{prefix}{pid}-{nanos}` in `parent`, with a
/// lock file inside held for as long as the run lives, so that another run can tell it from
/// the leftovers of a killed run ([`remove_dead_folders`]). Removed, with what it holds, when
/// dropped. Staging folders of `generate` and the web page's job folders are made here.
#[derive(Debug)]
pub struct RunFolder {
    dir: PathBuf,
    lock: Option<fs::File>,
}

/// The lock file inside a [`RunFolder`].
const RUN_FOLDER_LOCK: &str = ".lock";
/// How old a run folder must be before another run may judge it dead: a run locks its folder
/// the moment after making it, and must not lose it in between.
const RUN_FOLDER_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

impl RunFolder {
    pub fn new(parent: &Path, prefix: &str) -> Result<RunFolder, OutputError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let dir = parent.join(format!("{prefix}{}-{nanos}", std::process::id()));
        let io = |source| OutputError::Io {
            path: dir.clone(),
            source,
        };
        // New, never an existing folder (a planted one could be another user's).
        private_dir_builder().create(&dir).map_err(io)?;
        let lock = open_lock_file(&dir.join(RUN_FOLDER_LOCK)).map_err(io)?;
        lock.try_lock().map_err(|e| match e {
            fs::TryLockError::Error(e) => io(e),
            fs::TryLockError::WouldBlock => io(std::io::ErrorKind::WouldBlock.into()),
        })?;
        Ok(RunFolder {
            dir,
            lock: Some(lock),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        drop(self.lock.take());
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Removes the run folders (`prefix`…) in `parent` left by killed runs: a folder whose lock
/// nobody holds (its run is gone), or an old one without a lock file (from an earlier
/// version, or a run killed before it made its lock). A live run's folder is never touched.
pub fn remove_dead_folders(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with(prefix) {
            continue;
        }
        let dir = e.path();
        let age = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .unwrap_or_default();
        let dead = age > RUN_FOLDER_GRACE
            && match fs::File::open(dir.join(RUN_FOLDER_LOCK)) {
                Ok(lock) => lock.try_lock().is_ok(),
                Err(_) => age > 10 * RUN_FOLDER_GRACE,
            };
        if dead {
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

/// Whether two paths name one file (false when either does not exist): the same path after
/// resolving symlinks, or (on Unix) the same file under another name (a hard link).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) if x == y => true,
        #[cfg(unix)]
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            match (fs::metadata(x), fs::metadata(y)) {
                (Ok(m), Ok(n)) => m.dev() == n.dev() && m.ino() == n.ino(),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Fails when `out` is the input file `input`: the program never writes over its input,
/// not even with `--force`.
pub fn refuse_input(out: &Path, input: &Path) -> Result<(), OutputError> {
    if same_file(out, input) {
        return Err(OutputError::Invalid(format!(
            "{} 是输入的台帐文件，不能被覆盖：请换一个输出文件名",
            out.display()
        )));
    }
    Ok(())
}

/// Fails with [`OutputError::Exists`] when `path` exists and `force` is false.
pub fn check_overwrite(path: &Path, force: bool) -> Result<(), OutputError> {
    if !force && path.exists() {
        return Err(OutputError::Exists(path.to_path_buf()));
    }
    Ok(())
}

/// The temporary path used while writing `path`.
fn temp_path(path: &Path) -> PathBuf {
    let (dir, name) = folder_and_name(path);
    dir.join(format!(".{name}.tmp{}", std::process::id()))
}

/// The folder `path` is in (`.` for a bare name) and its own name (`output` if it has none):
/// where this module puts what it writes beside `path`, and what it names it after.
fn folder_and_name(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    (dir, name)
}

/// `path` if nothing has its name, else the first of `name（2）.ext`, `name（3）.ext` … that is
/// free: a new name for a copy the program names itself, never over an earlier one.
pub fn unused_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = path.to_path_buf();
    let mut n = 2;
    while candidate.exists() {
        candidate = path.with_file_name(format!("{stem}（{n}）{ext}"));
        n += 1;
    }
    candidate
}

/// Calls `write` with a temporary path beside `path`, then renames it into place.
pub fn write_atomically<F>(path: &Path, force: bool, write: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), OutputError>,
{
    check_overwrite(path, force)?;
    let tmp = temp_path(path);
    // A leftover of a killed run with our process id, or a link planted there: removed (a
    // link itself, never what it points to), so that nothing is written through it.
    let _ = fs::remove_file(&tmp);
    let result = write(&tmp).and_then(|()| {
        restrict_permissions(&tmp)?;
        fs::rename(&tmp, path).map_err(|source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        })
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    remove_stale_temps(path);
    result
}

/// Writes a folder of files all or nothing: `write` fills a staging folder inside a
/// [`RunFolder`] of this run beside `dir` (`.{name}.run{pid}-…`, owner-only, locked while the
/// run lives, removed when it ends; a killed run's is removed by the next one); only when it
/// has written every file does the folder come into place: renamed to `dir` when `dir` does
/// not exist, or, when it does (the caller was given `--force`), its files moved in one by
/// one, each replacing the file of its name and every other file of `dir` left as it was. A
/// failing `write` leaves nothing behind. Returns the files in place, in name order.
pub fn write_folder_atomically<F>(
    dir: &Path,
    force: bool,
    write: F,
) -> Result<Vec<PathBuf>, OutputError>
where
    F: FnOnce(&Path) -> Result<(), OutputError>,
{
    check_overwrite(dir, force)?;
    let (parent, name) = folder_and_name(dir);
    let prefix = format!(".{name}.run");
    remove_dead_folders(&parent, &prefix);
    let run = RunFolder::new(&parent, &prefix)?;
    let staging = run.path().join("out");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OutputError::Io { path, source }
    };
    create_private_dir(&staging)?;
    write(&staging)?;
    let mut names: Vec<std::ffi::OsString> = fs::read_dir(&staging)
        .map_err(io(&staging))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .map_err(io(&staging))?;
    names.sort();
    if dir.exists() {
        for name in &names {
            let target = dir.join(name);
            fs::rename(staging.join(name), &target).map_err(io(&target))?;
        }
    } else {
        fs::rename(&staging, dir).map_err(io(dir))?;
    }
    Ok(names.iter().map(|n| dir.join(n)).collect())
}

/// How old a temporary file of another run must be to count as left by a killed run: no
/// single file takes this long to write.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the temporary files that killed runs left beside `path` (`.{name}.tmp{pid}`, an
/// hour old or more).
fn remove_stale_temps(path: &Path) {
    let (dir, name) = folder_and_name(path);
    let prefix = format!(".{name}.tmp");
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let is_temp = file
            .strip_prefix(&prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_TEMP_AGE);
        if is_temp && old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Creates the file `tmp` for writing: new (never through a link; for the temporary file of
/// [`write_atomically`], which has removed whatever was at that path first) and owner-only
/// (0600 on Unix) from the start.
pub fn create_private(tmp: &Path) -> Result<fs::File, OutputError> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(tmp).map_err(|source| OutputError::Io {
        path: tmp.to_path_buf(),
        source,
    })
}

/// Writes `bytes` to `path` atomically: the temporary file is created new (never through a
/// link) and owner-only from the start, and flushed to disk before the rename.
pub fn write_bytes_atomically(path: &Path, force: bool, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomically(path, force, |tmp| write_new_private(tmp, bytes))
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> Result<(), OutputError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> Result<(), OutputError> {
    Ok(())
}

/// Whether a text would start a formula when a spreadsheet opens it (OWASP CSV injection:
/// `=`, `+`, `-`, `@`, tab, carriage return).
pub fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A CSV cell as written: one that would start a formula gets a leading `'`, so that a
/// spreadsheet shows it as text. [`csv_cell_read`] undoes it.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A cell of a CSV this program wrote, as it was before [`csv_cell`].
pub fn csv_cell_read(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => text,
    }
}

/// Rows as a CSV file: UTF-8 with a BOM (so that Excel shows the Chinese), every cell
/// written by [`csv_cell`]. Every CSV the program writes is made here.
pub fn csv_bytes<R, C>(rows: R) -> Vec<u8>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| csv_cell(c.as_ref()).into_owned())
            .collect();
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&cells);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn an_unused_path_never_names_an_existing_file_or_folder() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("台帐（已标注）.xlsx");
        assert_eq!(unused_path(&copy), copy);
        std::fs::write(&copy, "").unwrap();
        std::fs::write(dir.path().join("台帐（已标注）（2）.xlsx"), "").unwrap();
        assert_eq!(
            unused_path(&copy),
            dir.path().join("台帐（已标注）（3）.xlsx")
        );
        let batch = dir.path().join("2025-12-31");
        std::fs::create_dir(&batch).unwrap();
        assert_eq!(unused_path(&batch), dir.path().join("2025-12-31（2）"));
    }

    #[test]
    fn a_killed_runs_old_temporary_file_is_removed_a_fresh_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("报告.xlsx");
        let old = dir.path().join(".报告.xlsx.tmp4242");
        let fresh = dir.path().join(".报告.xlsx.tmp4343");
        let other = dir.path().join(".其他.xlsx.tmp4242");
        for p in [&old, &fresh, &other] {
            fs::write(p, b"half").unwrap();
        }
        let hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for p in [&old, &other] {
            fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hours_ago)
                .unwrap();
        }
        write_bytes_atomically(&out, false, b"done").unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"done");
        assert!(!old.exists());
        assert!(fresh.exists(), "another run may still be writing it");
        assert!(other.exists(), "another file's");
    }

    #[test]
    fn cells_that_would_start_a_formula_are_written_as_text_and_read_back_whole() {
        let payloads = [
            "=HYPERLINK(\"http://x\",\"y\")",
            "@cmd|'/Ccalc'!A0",
            "+1",
            "-2",
            "\t=1+1",
            "\r=1",
            "=SUM(1)镇",
        ];
        let bytes = csv_bytes([payloads.to_vec(), vec!["张三", "'quoted", "2025-03-01"]]);
        let text = String::from_utf8(bytes).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        for (cell, payload) in rows[0].iter().zip(payloads) {
            assert!(cell.starts_with('\''), "{cell:?}");
            assert_eq!(csv_cell_read(cell), payload);
        }
        assert_eq!(rows[1], ["张三", "'quoted", "2025-03-01"]);
        assert_eq!(csv_cell_read("'quoted"), "'quoted");
    }
}
