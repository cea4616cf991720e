//! Compiling one document: Typst source + data files → pages → PDF or PNG.
//!
//! The simple entry point is [`compile_pdf`]. Fonts are the embedded ones, parsed once per
//! process; each call is one Typst compile in its own [`DocWorld`].

use super::fonts::{self, FontSet};
use super::world::DocWorld;
use chrono::{Datelike, NaiveDate};
use std::fmt;
use typst::diag::{SourceDiagnostic, Warned};
use typst::ecow::EcoVec;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The Typst compile failed; the messages of its errors.
    Compile(Vec<String>),
    /// PDF export failed.
    Pdf(Vec<String>),
    /// PNG export failed or the page does not exist.
    Image(String),
    /// Bad input to the engine itself (e.g. an invalid virtual path or date).
    Input(String),
    /// The clerk cancelled the run (a job of the local web page) before this document.
    Cancelled,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Compile(m) => write!(f, "排版失败: {}", m.join("; ")),
            RenderError::Pdf(m) => write!(f, "生成 PDF 失败: {}", m.join("; ")),
            RenderError::Image(m) => write!(f, "生成图片失败: {m}"),
            RenderError::Input(m) => write!(f, "排版输入有误: {m}"),
            RenderError::Cancelled => write!(f, "已取消"),
        }
    }
}

impl std::error::Error for RenderError {}

fn messages(diags: &EcoVec<SourceDiagnostic>) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let mut m = d.message.to_string();
            for h in &d.hints {
                m.push_str(&format!(" (提示: {})", h.v));
            }
            m
        })
        .collect()
}

/// A date as Typst's `Datetime`.
pub fn typst_date(date: NaiveDate) -> Result<Datetime, RenderError> {
    let month = u8::try_from(date.month()).map_err(|_| RenderError::Input(date.to_string()))?;
    let day = u8::try_from(date.day()).map_err(|_| RenderError::Input(date.to_string()))?;
    Datetime::from_ymd(date.year(), month, day)
        .ok_or_else(|| RenderError::Input(format!("无效日期 {date}")))
}

/// A compiled document and what the compile tried to read but was refused.
pub struct Compiled {
    /// The laid-out pages.
    pub document: PagedDocument,
    /// Virtual paths the compile asked for and was refused (empty for a well-formed template).
    pub refused: Vec<String>,
}

/// Compiles `main` (the text of `/main.typ`) with extra files (virtual path such as
/// `/data.json` → bytes) against the embedded templates and fonts. `today` is what Typst's
/// `datetime.today()` returns.
pub fn compile_with(
    fonts: &FontSet,
    main: &str,
    files: &[(&str, &[u8])],
    today: NaiveDate,
) -> Result<Compiled, RenderError> {
    let world =
        DocWorld::new(fonts, main, files, typst_date(today)?).map_err(RenderError::Input)?;
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|e| RenderError::Compile(messages(&e)))?;
    Ok(Compiled {
        document,
        refused: world.refused(),
    })
}

/// [`compile_with`] on the embedded fonts.
pub fn compile(
    main: &str,
    files: &[(&str, &[u8])],
    today: NaiveDate,
) -> Result<Compiled, RenderError> {
    compile_with(fonts::embedded(), main, files, today)
}

/// Whether a PDF carries the structure tags of accessible (tagged) PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfUse {
    /// A document kept in the person's archive (一人一档): tagged, so screen readers and
    /// text extraction follow its structure.
    Archive,
    /// A print job (merged volumes, the print manifest): untagged, which exports faster and
    /// prints the same pages.
    Print,
}

/// Exports pages to PDF deterministically: the creation date is `date` (00:00 UTC) and the
/// document identifier is derived from `ident` (e.g. the form, person and number).
pub fn pdf_bytes(
    document: &PagedDocument,
    ident: &str,
    date: NaiveDate,
    usage: PdfUse,
) -> Result<Vec<u8>, RenderError> {
    let stamp = Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
        .ok_or_else(|| RenderError::Input(format!("无效日期 {date}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("rehabdocs".to_string())),
        timestamp: Some(Timestamp::new_utc(stamp)),
        tagged: usage == PdfUse::Archive,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|e| RenderError::Pdf(messages(&e)))
}

/// Compiles `main` with the given data files and returns PDF bytes: the one-call API.
///
/// ```no_run
/// let main = "#import \"/templates/style.typ\": *\n#let d = json(\"/data.json\")\n#d.title";
/// let pdf = rehabdocs::render::compile_pdf(
///     main,
///     &[("/data.json", r#"{"title": "年终考核"}"#.as_bytes())],
///     chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
/// ).unwrap();
/// ```
pub fn compile_pdf(
    main: &str,
    files: &[(&str, &[u8])],
    as_of: NaiveDate,
) -> Result<Vec<u8>, RenderError> {
    let compiled = compile(main, files, as_of)?;
    let mut ident = String::from(main);
    for (path, _) in files {
        ident.push_str(path);
    }
    pdf_bytes(&compiled.document, &ident, as_of, PdfUse::Archive)
}

/// Renders one page (0-based) of a compiled document to PNG at `pixel_per_pt` (2.0 ≈ 144 dpi).
pub fn png_page(
    document: &PagedDocument,
    page: usize,
    pixel_per_pt: f64,
) -> Result<Vec<u8>, RenderError> {
    let page = document
        .pages()
        .get(page)
        .ok_or_else(|| RenderError::Image(format!("第 {} 页不存在", page + 1)))?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixel_per_pt),
        ..typst_render::RenderOptions::default()
    };
    typst_render::render(page, &options)
        .encode_png()
        .map_err(|e| RenderError::Image(e.to_string()))
}

/// Drops Typst's memoization caches that were not used in the last `max_age` compiles.
/// Call between documents of a long batch to keep memory flat.
pub fn evict_caches(max_age: usize) {
    typst::comemo::evict(max_age);
}
