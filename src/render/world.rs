//! Our own `typst::World`: the only door between a compile and the outside.
//!
//! It serves the main source, the embedded templates (`/templates/*.typ`), the data files the
//! caller hands in (by virtual path, e.g. `/data.json`) and the embedded fonts. Every other
//! file is refused (and the refusal is recorded): no filesystem, no packages, no network.
//! `today()` is the as-of date, so output never depends on the clock.

use super::fonts::FontSet;
use super::templates;
use std::sync::{Mutex, OnceLock};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The standard library, built once per process.
fn library() -> &'static LazyHash<Library> {
    static LIB: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIB.get_or_init(|| LazyHash::new(Library::default()))
}

/// The file id of a project path such as `/main.typ`.
pub fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One document's world: main source, data files, embedded templates and fonts.
pub struct DocWorld<'a> {
    fonts: &'a FontSet,
    main_id: FileId,
    main: Source,
    files: Vec<(FileId, Bytes)>,
    today: Datetime,
    refused: Mutex<Vec<String>>,
}

impl<'a> DocWorld<'a> {
    /// A world whose main file (`/main.typ`) is `main`, with the given extra files
    /// (virtual path → bytes). Extra `.typ` files may be imported like templates.
    pub fn new(
        fonts: &'a FontSet,
        main: &str,
        files: &[(&str, &[u8])],
        today: Datetime,
    ) -> Result<DocWorld<'a>, String> {
        let main_id = file_id("/main.typ").ok_or("无效的路径 /main.typ")?;
        let mut served = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            let id = file_id(path).ok_or_else(|| format!("无效的虚拟路径: {path}"))?;
            served.push((id, Bytes::new(bytes.to_vec())));
        }
        Ok(DocWorld {
            fonts,
            main_id,
            main: Source::new(main_id, main.to_string()),
            files: served,
            today,
            refused: Mutex::new(Vec::new()),
        })
    }

    /// The paths the compile asked for and was refused, in request order.
    pub fn refused(&self) -> Vec<String> {
        match self.refused.lock() {
            Ok(list) => list.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn refuse(&self, id: FileId) -> FileError {
        let path = format!("{:?}", id.get());
        match self.refused.lock() {
            Ok(mut list) => list.push(path),
            Err(poisoned) => poisoned.into_inner().push(path),
        }
        FileError::AccessDenied
    }

    fn data(&self, id: FileId) -> Option<&Bytes> {
        self.files.iter().find(|(f, _)| *f == id).map(|(_, b)| b)
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main_id {
            return Ok(self.main.clone());
        }
        if let Some(source) = templates::source(id) {
            return Ok(source);
        }
        if let Some(bytes) = self.data(id) {
            let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
            return Ok(Source::new(id, text.to_string()));
        }
        Err(self.refuse(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.data(id) {
            return Ok(bytes.clone());
        }
        if let Some(text) = templates::text(id) {
            return Ok(Bytes::from_string(text));
        }
        Err(self.refuse(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
