//! Rendering: embedded Typst with embedded fonts and templates, no file access.
//!
//! - [`fonts`]: the embedded CJK fonts, parsed once per process; glyph coverage.
//! - [`system_fonts`]: the office's own fonts (仿宋, 小标宋, ...) found on the machine.
//! - [`world`]: our `typst::World` (main source, data files, templates, fonts; nothing else).
//! - [`templates`]: the embedded `templates/*.typ`.
//! - [`engine`]: compile to pages, PDF and PNG; [`compile_pdf`] is the one-call API.
//! - [`escape`]: Typst string-literal escaping, for the rare value that must go into code.

pub mod batch;
pub mod engine;
pub mod escape;
pub mod fonts;
pub mod system_fonts;
pub mod templates;
pub mod world;

pub use engine::{
    compile, compile_pdf, evict_caches, pdf_bytes, png_page, Compiled, PdfUse, RenderError,
};
pub use typst_layout::PagedDocument;
