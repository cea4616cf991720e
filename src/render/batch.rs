//! Rendering many documents: one Typst compile per document, spread over the cores, the
//! embedded fonts shared; optionally merged into one PDF (each document starting on an odd
//! page for duplex printing).

use super::engine::{compile_with, RenderError};
use super::fonts::FontSet;
use super::world::file_id;
use chrono::NaiveDate;
use typst::ecow::EcoVec;
use typst::foundations::{Content, Smart};
use typst::layout::{Abs, Frame, Sides};
use typst::model::DocumentInfo;
use typst_layout::{Page, PagedDocument};

/// One document to render: a template and its data (JSON), never code built from data.
#[derive(Debug, Clone)]
pub struct Job {
    /// Template stem under `templates/` (e.g. `warning_letter`).
    pub template: String,
    /// The document's data as JSON, served to the template as `/data.json`.
    pub data: Vec<u8>,
}

/// The main source of a document: imports the template and hands it the data file.
pub fn main_source(template: &str) -> Result<String, RenderError> {
    let path = format!("/templates/{template}.typ");
    if file_id(&path).is_none() || !super::templates::exists(&path) {
        return Err(RenderError::Input(format!("没有模板 {path}")));
    }
    Ok(format!(
        "#import \"{path}\": render\n#render(json(\"/data.json\"))\n"
    ))
}

/// Compiles one job.
pub fn render_job(
    fonts: &FontSet,
    job: &Job,
    as_of: NaiveDate,
) -> Result<PagedDocument, RenderError> {
    let main = main_source(&job.template)?;
    let compiled = compile_with(fonts, &main, &[("/data.json", job.data.as_slice())], as_of)?;
    if !compiled.refused.is_empty() {
        return Err(RenderError::Input(format!(
            "模板试图读取未提供的文件: {}",
            compiled.refused.join(", ")
        )));
    }
    Ok(compiled.document)
}

/// How many threads a batch uses: the available cores, at most `jobs`.
pub fn threads_for(jobs: usize) -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, jobs.max(1))
}

/// Compiles every job, in parallel over `threads` threads, results in job order. Typst's
/// caches are trimmed as the batch goes so that memory stays flat on long batches.
pub fn render_all(
    fonts: &FontSet,
    jobs: &[Job],
    as_of: NaiveDate,
    threads: usize,
) -> Vec<Result<PagedDocument, RenderError>> {
    render_each(fonts, jobs, as_of, threads, &|_, doc| Ok(doc))
}

/// Compiles every job in parallel and hands each compiled document, with its job index, to
/// `each` on the worker thread (e.g. to export and write it at once, so that a long batch
/// never holds all documents in memory). Results in job order.
pub fn render_each<R: Send>(
    fonts: &FontSet,
    jobs: &[Job],
    as_of: NaiveDate,
    threads: usize,
    each: &(dyn Fn(usize, PagedDocument) -> Result<R, RenderError> + Sync),
) -> Vec<Result<R, RenderError>> {
    let threads = threads.clamp(1, jobs.len().max(1));
    let chunk = jobs.len().div_ceil(threads).max(1);
    let mut out: Vec<Result<R, RenderError>> = Vec::with_capacity(jobs.len());
    let progress = crate::progress::Phase::bar("排版文书", jobs.len() as u64);
    let progress = &progress;
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                scope.spawn(move || {
                    let mut done = Vec::with_capacity(part.len());
                    for (k, job) in part.iter().enumerate() {
                        let index = c * chunk + k;
                        if progress.cancelled() {
                            done.push(Err(RenderError::Cancelled));
                            continue;
                        }
                        done.push(render_job(fonts, job, as_of).and_then(|d| each(index, d)));
                        progress.inc();
                        if k % 32 == 31 {
                            super::engine::evict_caches(4);
                        }
                    }
                    done
                })
            })
            .collect();
        for (h, part) in handles.into_iter().zip(jobs.chunks(chunk)) {
            match h.join() {
                Ok(done) => out.extend(done),
                Err(_) => out.extend(
                    part.iter()
                        .map(|_| Err(RenderError::Compile(vec!["排版线程异常退出".to_string()]))),
                ),
            }
        }
    });
    super::engine::evict_caches(4);
    out
}

/// A blank page of the given size (the back of an odd page in duplex printing).
fn blank_page(like: &Page) -> Page {
    Page {
        frame: Frame::soft(like.frame.size()),
        bleed: Sides::splat(Abs::zero()),
        fill: Smart::Auto,
        numbering: None,
        supplement: Content::empty(),
        number: 0,
    }
}

/// Concatenates documents into one; with `duplex` every document starts on an odd page (a
/// blank page is inserted after a document with an odd number of pages). Returns the merged
/// document and the first page (1-based) of each input.
pub fn merge(docs: &[&PagedDocument], title: &str, duplex: bool) -> (PagedDocument, Vec<usize>) {
    let mut pages: EcoVec<Page> = EcoVec::new();
    let mut starts = Vec::with_capacity(docs.len());
    for doc in docs {
        if duplex && pages.len() % 2 == 1 {
            if let Some(last) = pages.last() {
                let blank = blank_page(last);
                pages.push(blank);
            }
        }
        starts.push(pages.len() + 1);
        for p in doc.pages() {
            pages.push(p.clone());
        }
    }
    let info = DocumentInfo {
        title: Some(title.into()),
        ..DocumentInfo::default()
    };
    (PagedDocument::new(pages, info), starts)
}
