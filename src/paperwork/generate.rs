//! `generate`: plan the documents, number them from the ledger, check every character has a
//! glyph, render them over the cores and write the batch atomically with its print manifest
//! (清单.csv / 清单.pdf); the office's ledger (文号台帐.csv, beside the register) is updated
//! under its lock.

use super::build::{build, receipt_request, BuildContext, PersonRef};
use super::chinese::date_cn;
use super::due::{Held, Issued};
use super::forms::IssuedFor;
use super::ledger::{Ledger, LedgerError, LEDGER_FILE};
use super::plan::{find_person, find_persons, plan, Plan, PlanError, PlanOptions};
use super::{DataTable, DocData, Document, Office, OfficeFlags, RoleFonts};
use crate::finding::Finding;
use crate::model::Register;
use crate::profile::Profile;
use crate::render::batch::{merge, render_all, threads_for, Job};
use crate::render::engine::{evict_caches, pdf_bytes, PdfUse, RenderError};
use crate::render::fonts::{self, FontSet};
use crate::write_file::{
    create_private_dir_all, csv_bytes, lock_waiting, remove_dead_folders, same_file,
    starts_like_formula, write_new_private, LockFailure, OutputError, RunFolder,
};
use chrono::{Datelike, NaiveDate};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The manifest's file names inside the output directory.
pub const MANIFEST_CSV: &str = "清单.csv";
/// See [`MANIFEST_CSV`].
pub const MANIFEST_PDF: &str = "清单.pdf";
/// The longest file name written (bytes; file systems take 255).
const MAX_FILE_NAME_BYTES: usize = 200;
/// Documents per merged PDF (合订册) unless the run says otherwise. Each volume is rendered,
/// exported and written before the next one is laid out, so a run's memory is bounded by one
/// volume, not by the batch: 500 one-page notices with their receipts are a ream of paper.
pub const DEFAULT_VOLUME_DOCUMENTS: usize = 500;
/// Rows per manifest PDF; a longer manifest is written in volumes (清单_第1册.pdf, ...), for
/// the same reason (about 70 landscape pages each).
pub const MANIFEST_ROWS_PER_VOLUME: usize = 2000;
/// Prefix of the temporary directory a batch is written into before it is moved in place.
const TMP_PREFIX: &str = ".rehabdocs-tmp-";

/// What `generate` was asked for, besides the register and findings.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Which forms, persons, units (or everything due).
    pub plan: PlanOptions,
    /// Office name and number prefix.
    pub office: Office,
    /// The as-of date: document dates, `today()` in templates, PDF timestamps, number year.
    pub as_of: NaiveDate,
    /// One PDF for the whole batch (sorted by unit, then person), in volumes of at most
    /// `volume_size` documents.
    pub merge: bool,
    /// With `merge`: documents per volume; one person's documents are never split.
    pub volume_size: usize,
    /// Rows per manifest PDF ([`MANIFEST_ROWS_PER_VOLUME`]).
    pub manifest_volume_rows: usize,
    /// With `merge`: every document starts on an odd page.
    pub duplex: bool,
    /// Overwrite existing files.
    pub force: bool,
    /// 一人一档: the whole file of the one person of `plan.persons` as one PDF (cover, 卷内目录
    /// with page numbers, every document of the term that holds); `plan.forms` and `merge`
    /// are ignored.
    pub archive: bool,
    /// Dates as 二〇二五年三月一日.
    pub upper_dates: bool,
    /// Role fonts handed to the templates.
    pub fonts: RoleFonts,
    /// The role lists the office's own fonts on the machine were looked up for (None: embedded
    /// fonts only, output independent of the machine). Set with
    /// [`GenerateOptions::use_system_fonts`].
    pub system_fonts: Option<RoleFonts>,
    /// Threads to render with; 0: all cores.
    pub threads: usize,
    /// The office's document-number ledger (文号台帐.csv), shared by every output folder; the
    /// CLI's default is beside the register ([`Ledger::default_path`]). `generate` requires
    /// it (None is [`LedgerError::Missing`]); `preview` reads it when given, never writes it.
    pub ledger: Option<PathBuf>,
    /// How long `generate` waits for another run holding the ledger's lock before failing.
    pub ledger_wait: Duration,
}

impl GenerateOptions {
    /// Defaults for `as_of`: embedded fonts, one file per document, all cores.
    pub fn new(plan: PlanOptions, as_of: NaiveDate) -> GenerateOptions {
        GenerateOptions {
            plan,
            office: Office::default(),
            as_of,
            merge: false,
            volume_size: DEFAULT_VOLUME_DOCUMENTS,
            manifest_volume_rows: MANIFEST_ROWS_PER_VOLUME,
            duplex: false,
            force: false,
            archive: false,
            upper_dates: false,
            fonts: RoleFonts::embedded(),
            system_fonts: None,
            threads: 0,
            ledger: None,
            ledger_wait: Ledger::LOCK_WAIT,
        }
    }

    /// A batch of the office's: its name and 文号 prefix from the profile unless the clerk
    /// gave them (`flags`), its ledger, and the office's own fonts unless
    /// `embedded_fonts_only`. The command line and the local web page both start here.
    pub fn for_office(
        plan: PlanOptions,
        as_of: NaiveDate,
        profile: &Profile,
        flags: OfficeFlags,
        ledger: PathBuf,
        embedded_fonts_only: bool,
    ) -> GenerateOptions {
        let mut opts = GenerateOptions::new(plan, as_of);
        opts.office = Office::from_profile(&profile.office, flags);
        opts.ledger = Some(ledger);
        if !embedded_fonts_only {
            opts.use_system_fonts(profile);
        }
        opts
    }

    /// Uses the office's own fonts where the machine has them (the profile's `fonts:` first,
    /// then 仿宋, 小标宋, 黑体, 楷体 per `forms/fonts.yaml`), the embedded ones otherwise.
    /// Fonts are found once per process.
    pub fn use_system_fonts(&mut self, profile: &Profile) {
        let wanted = RoleFonts::defaults().with_preferred(&profile.fonts);
        self.fonts = wanted.resolve(fonts::with_system_for(&wanted));
        self.system_fonts = Some(wanted);
    }

    /// The font set documents are compiled against.
    fn font_set(&self) -> &'static FontSet {
        if let Some(wanted) = &self.system_fonts {
            fonts::with_system_for(wanted)
        } else {
            fonts::embedded()
        }
    }
}

/// One line of the print manifest (清单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub form: String,
    pub title: String,
    pub person_id: String,
    pub name: String,
    pub unit: String,
    pub number: String,
    /// Pages of one copy.
    pub pages: usize,
    pub copies: u32,
    /// The PDF the document is in (file name inside the output directory).
    pub file: String,
    /// First page inside `file` (1 for one file per document).
    pub first_page: usize,
}

/// What a run wrote.
#[derive(Debug, Clone)]
pub struct GenerateOutcome {
    pub rows: Vec<ManifestRow>,
    /// Persons given no document (data to fix) and forms refused, with the reasons.
    pub held: Vec<Held>,
    /// Every file written (the ledger when it changed, documents, manifest), full paths.
    pub written: Vec<PathBuf>,
    /// The ledger the numbers came from.
    pub ledger: PathBuf,
}

/// Why a batch could not be generated. Nothing is written and no number is consumed when
/// any of these happens, except an [`GenerateError::Io`] while moving the documents in (the
/// ledger is already written then; see [`generate`]).
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("以下字符没有可用字体，无法打印（请核对台帐或改用其他写法）:\n{}", .0.join("\n"))]
    MissingGlyphs(Vec<String>),
    #[error("{file}: {error}")]
    Render { file: String, error: RenderError },
    #[error("以下文件已存在（用 --force 覆盖）:\n{}", .0.join("\n"))]
    Exists(Vec<String>),
    #[error(
        "输出文件夹 {path} 正被另一次生成文书使用，已等待 {waited} 秒：请等那一次完成后再运行"
    )]
    FolderBusy { path: String, waited: u64 },
    #[error("写入 {path} 失败: {msg}")]
    Io { path: String, msg: String },
    #[error("文件名「{0}…」过长或以“-”开头，无法写入：请缩短台帐中的村(社区)、编号或姓名")]
    BadFileName(String),
    #[error("文号前缀「{prefix}」以“{first}”开头，电子表格会把它当作公式：请用 --prefix 或配置 office.prefix 指定前缀，或改正乡镇(街道)名称「{town}」")]
    FormulaPrefix {
        prefix: String,
        first: String,
        town: String,
    },
    /// Nothing to make; the persons and forms held back, with the reasons.
    #[error("没有需要生成的文书")]
    Nothing(Vec<Held>),
    #[error("{0}")]
    Archive(String),
}

fn out_err(path: &Path, e: OutputError) -> GenerateError {
    GenerateError::Io {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

fn io_err(path: &Path, e: std::io::Error) -> GenerateError {
    GenerateError::Io {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

/// The documents of a batch, and who was held back.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub docs: Vec<Document>,
    pub held: Vec<Held>,
}

/// The documents the ledger records as issued, for the planner (warnings counted, reminders
/// before reports, facts reported once).
fn issued_of(ledger: &Ledger) -> Vec<Issued> {
    ledger
        .entries()
        .iter()
        .map(|e| Issued {
            form: e.form.clone(),
            person: e.person.clone(),
            event: e.event.clone(),
            number: e.number.clone(),
            date: e.date,
        })
        .collect()
}

/// Plans and builds the documents, taking numbers from `ledger` (which is updated). A served
/// document is followed by its 送达回证.
pub fn prepare(
    register: &Register,
    findings: &[Finding],
    profile: &Profile,
    opts: &GenerateOptions,
    ledger: &mut Ledger,
) -> Result<Prepared, GenerateError> {
    let issued = issued_of(ledger);
    let ctx = BuildContext {
        register,
        findings,
        profile,
        office: &opts.office,
        as_of: opts.as_of,
        fonts: opts.fonts.clone(),
        upper_dates: opts.upper_dates,
        quarter: opts.plan.quarter,
        issued: &issued,
    };
    let Plan { requests, held } = plan(&ctx, &opts.plan)?;
    let mut docs = Vec::with_capacity(requests.len());
    for req in &requests {
        let person = req.person.and_then(|i| register.persons.get(i));
        let town = person
            .map(|p| p.town.clone())
            .unwrap_or_else(|| town_of(register, &req.unit));
        // The number carries the year of the date the document bears.
        let dated = person.and_then(|p| {
            let who = PersonRef {
                person: p,
                index: req.person.unwrap_or_default(),
                town: &town,
            };
            (req.form.entry().dated)(&ctx, &who, &req.event)
        });
        let prefix = opts.office.prefix_for(&town, &req.form.id);
        if req.form.numbering.is_some() && starts_like_formula(&prefix) {
            return Err(GenerateError::FormulaPrefix {
                first: prefix
                    .chars()
                    .next()
                    .map(|c| c.escape_debug().to_string())
                    .unwrap_or_default(),
                prefix: prefix.escape_debug().to_string(),
                town: town.clone(),
            });
        }
        let number = match &req.form.numbering {
            Some(_) => ledger.assign(
                &prefix,
                dated.unwrap_or(opts.as_of).year(),
                &req.form.id,
                person.map(|p| p.id.as_str()).unwrap_or(""),
                &if req.form.issued_for == IssuedFor::Unit && person.is_none() {
                    format!("{}{}", req.unit, req.event.key(register))
                } else {
                    req.event.key(register)
                },
            ),
            None => String::new(),
        };
        let doc = build(req, &ctx, &number);
        let receipt = receipt_request(&doc, req);
        docs.push(doc);
        if let Some(r) = receipt {
            docs.push(build(&r, &ctx, ""));
        }
    }
    Ok(Prepared { docs, held })
}

fn town_of(register: &Register, unit: &str) -> String {
    register
        .persons
        .iter()
        .find(|p| p.unit == unit || p.town == unit)
        .map(|p| p.town.clone())
        .unwrap_or_else(|| unit.to_string())
}

/// Every character of every document must have a glyph in `fonts`; otherwise an error line
/// per person and character: `P001 张㐀: “𠀋” (U+2000B)`.
pub fn check_glyphs(docs: &[Document], fonts: &FontSet) -> Result<(), GenerateError> {
    let mut problems: Vec<String> = Vec::new();
    for doc in docs {
        let mut missing: Vec<char> = Vec::new();
        for text in doc.data.texts() {
            for c in fonts.missing_chars(text) {
                if !missing.contains(&c) {
                    missing.push(c);
                }
            }
        }
        for c in missing {
            let who = if doc.person_id.is_empty() {
                doc.unit.clone()
            } else {
                format!("{} {}", doc.person_id, doc.name)
            };
            let line = format!("{who}（{}）: “{c}” (U+{:04X})", doc.data.title, c as u32);
            if !problems.contains(&line) {
                problems.push(line);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(GenerateError::MissingGlyphs(problems))
    }
}

/// The render job of a document.
pub fn job_of(doc: &Document) -> Job {
    Job {
        template: doc.form.clone(),
        // Serializing plain strings and numbers cannot fail.
        data: serde_json::to_vec(&doc.data).unwrap_or_default(),
    }
}

/// A stable PDF identifier for a document.
fn ident_of(doc: &Document) -> String {
    format!(
        "{}/{}/{}/{}",
        doc.form, doc.person_id, doc.event, doc.number
    )
}

/// The merged file's name: volume `k` (from 0) of `volumes`.
pub fn merged_name(as_of: NaiveDate, k: usize, volumes: usize) -> String {
    let date = as_of.format("%Y%m%d");
    if volumes > 1 {
        format!("文书合订_{date}_第{}册.pdf", k + 1)
    } else {
        format!("文书合订_{date}.pdf")
    }
}

/// The manifest PDF's name: volume `k` (from 0) of `volumes`.
pub fn manifest_pdf_name(k: usize, volumes: usize) -> String {
    if volumes > 1 {
        format!("清单_第{}册.pdf", k + 1)
    } else {
        MANIFEST_PDF.to_string()
    }
}

/// Splits the documents (sorted by unit, then person) into volumes of at most `size`
/// documents. One person's (or unit's) documents stay in one volume; a volume holds more than
/// `size` only when they alone are more.
pub fn volumes(docs: &[Document], size: usize) -> Vec<Range<usize>> {
    let size = size.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < docs.len() {
        let owner = (&docs[k].unit, &docs[k].person_id);
        let mut end = k + 1;
        while end < docs.len() && (&docs[end].unit, &docs[end].person_id) == owner {
            end += 1;
        }
        if end - start > size && k > start {
            out.push(start..k);
            start = k;
        }
        k = end;
    }
    if start < docs.len() {
        out.push(start..docs.len());
    }
    out
}

/// The manifest's columns after the document's title, the same in the CSV and the PDF.
const MANIFEST_DETAIL_COLUMNS: [&str; 8] = [
    "编号",
    "姓名",
    "村(社区)",
    "文号",
    "页数",
    "份数",
    "文件",
    "起始页",
];

impl ManifestRow {
    /// The values of [`MANIFEST_DETAIL_COLUMNS`].
    fn details(&self) -> [String; 8] {
        [
            self.person_id.clone(),
            self.name.clone(),
            self.unit.clone(),
            self.number.clone(),
            self.pages.to_string(),
            self.copies.to_string(),
            self.file.clone(),
            self.first_page.to_string(),
        ]
    }
}

/// The manifest as CSV (UTF-8 with BOM): the form's short name (告诫书) and the document's
/// title, then the detail columns.
pub fn manifest_csv(rows: &[ManifestRow]) -> Vec<u8> {
    let header: Vec<String> = ["文书", "标题"]
        .iter()
        .chain(&MANIFEST_DETAIL_COLUMNS)
        .map(|s| s.to_string())
        .collect();
    csv_bytes(std::iter::once(header).chain(rows.iter().map(|r| {
        [
            super::forms::short_name(&r.form).to_string(),
            r.title.clone(),
        ]
        .into_iter()
        .chain(r.details())
        .collect::<Vec<String>>()
    })))
}

/// One part of the printable manifest (landscape table): 序号 and title, then the detail
/// columns. `first` is the 0-based position of the first row in the whole manifest (for
/// 序号); `subtitle` is given for the part that opens a manifest volume, which carries the
/// title, and `None` for the parts that continue it.
fn manifest_data(
    rows: &[ManifestRow],
    first: usize,
    subtitle: Option<&str>,
    opts: &GenerateOptions,
) -> DocData {
    let mut d = DocData::new(if subtitle.is_some() {
        "文书打印清单"
    } else {
        ""
    });
    d.subtitle = subtitle.unwrap_or_default().to_string();
    d.landscape = true;
    d.fonts = opts.fonts.clone();
    d.tables.push(DataTable {
        caption: String::new(),
        widths: vec![0.6, 3.0, 1.2, 1.2, 1.6, 2.4, 0.6, 0.6, 4.0, 0.8],
        header: ["序号", "文书"]
            .iter()
            .chain(&MANIFEST_DETAIL_COLUMNS)
            .map(|s| s.to_string())
            .collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(k, r)| {
                [(first + k + 1).to_string(), r.title.clone()]
                    .into_iter()
                    .chain(r.details())
                    .collect()
            })
            .collect(),
        size: 9.0,
        ruled: true,
    });
    d
}

/// Files of a batch, written into a temporary directory first.
struct Staged {
    out_dir: PathBuf,
    /// This run's own staging folder, locked while the run lives.
    folder: RunFolder,
    /// (temporary file, final path), renamed in this order.
    files: Vec<(PathBuf, PathBuf)>,
    /// Files of an earlier run this batch replaces, removed after the renames.
    stale: Vec<PathBuf>,
}

impl Staged {
    fn new(out_dir: &Path) -> Result<Staged, GenerateError> {
        let folder = RunFolder::new(out_dir, TMP_PREFIX).map_err(|e| out_err(out_dir, e))?;
        Ok(Staged {
            out_dir: out_dir.to_path_buf(),
            folder,
            files: Vec::new(),
            stale: Vec::new(),
        })
    }

    fn dir(&self) -> &Path {
        self.folder.path()
    }

    fn write(&self, bytes: &[u8]) -> Result<PathBuf, GenerateError> {
        let tmp = self.dir().join(format!("extra-{}.part", self.files.len()));
        write_new_private(&tmp, bytes).map_err(|e| out_err(&tmp, e))?;
        Ok(tmp)
    }

    fn add(&mut self, bytes: &[u8], target: PathBuf) -> Result<(), GenerateError> {
        let tmp = self.write(bytes)?;
        self.files.push((tmp, target));
        Ok(())
    }

    /// Moves every file in place (in order) and removes the temporary directory.
    fn commit(self) -> Result<Vec<PathBuf>, GenerateError> {
        let mut written = Vec::with_capacity(self.files.len());
        for (tmp, target) in &self.files {
            std::fs::rename(tmp, target).map_err(|e| io_err(target, e))?;
            written.push(target.clone());
        }
        for old in &self.stale {
            let _ = std::fs::remove_file(old);
        }
        Ok(written)
    }
}

/// The lock file of an output folder: held by a run from start to finish.
pub const FOLDER_LOCK: &str = ".rehabdocs.lock";

/// Takes the output folder's lock, waiting up to `wait` for another run into it.
fn lock_output_folder(out_dir: &Path, wait: Duration) -> Result<std::fs::File, GenerateError> {
    let path = out_dir.join(FOLDER_LOCK);
    lock_waiting(&path, wait).map_err(|e| match e {
        LockFailure::Busy(waited) => GenerateError::FolderBusy {
            path: out_dir.display().to_string(),
            waited,
        },
        LockFailure::Io(e) => io_err(&path, e),
    })
}

/// Generates the batch into `out_dir`, numbering it from the office's ledger
/// (`opts.ledger`).
///
/// The ledger is locked ([`Ledger::lock`]) for the whole run: load, reserve the numbers the
/// register's 告诫 sheet already uses, assign, render, write. Nothing is written until every
/// document has rendered: the documents and the manifest are first written into a temporary
/// directory inside `out_dir`; then the ledger is written (atomically, beside the register);
/// then the documents are renamed into place, the manifest last; then the locks are released.
/// Once the batch has passed every check that needs no rendering (numbers, glyphs, file
/// names), the output folder is locked too ([`FOLDER_LOCK`]), so that runs into one folder
/// with different ledgers take turns.
///
/// Why this order never gives one number to two documents:
/// - another run cannot read the ledger between our load and our write (the lock), so it
///   starts from a ledger that holds every number we gave;
/// - a batch that fails before the ledger is written (a render or glyph error, an existing
///   file without `force`) leaves the ledger as it was, and none of its documents is visible;
///   its numbers were never on paper, so they may be given again;
/// - the ledger is written before any document becomes visible, so a document never exists
///   with a number the ledger does not hold. A run killed after the ledger write leaves
///   numbers whose documents are missing (a gap, never a duplicate); running it again gives
///   those same documents the same numbers.
pub fn generate(
    register: &Register,
    findings: &[Finding],
    profile: &Profile,
    out_dir: &Path,
    opts: &GenerateOptions,
) -> Result<GenerateOutcome, GenerateError> {
    // A person not found (or a name several have) stops the run before anything is made.
    find_persons(register, &opts.plan.persons)?;
    let archive_opts;
    let opts = if opts.archive {
        archive_opts = archive_options(register, opts)?;
        &archive_opts
    } else {
        opts
    };
    let ledger_path = opts.ledger.clone().ok_or(LedgerError::Missing)?;
    Ledger::check_path(&ledger_path, Path::new(&register.source))?;
    create_private_dir_all(out_dir).map_err(|e| out_err(out_dir, e))?;
    let _lock = Ledger::lock(&ledger_path, opts.ledger_wait)?;
    let mut ledger = Ledger::load(&ledger_path)?;
    let loaded = ledger.entries().len();
    // A ledger an earlier version kept in this output folder: its numbers are on paper.
    let old_in_folder = out_dir.join(LEDGER_FILE);
    if !same_file(&old_in_folder, &ledger_path) && old_in_folder.is_file() {
        ledger.adopt(&Ledger::load(&old_in_folder)?);
    }
    ledger.reserve_register_numbers(register);
    ledger.set_issue_date(opts.as_of);
    let Prepared { docs, held } = if opts.archive {
        prepare_archive(register, findings, profile, opts, &mut ledger)?
    } else {
        prepare(register, findings, profile, opts, &mut ledger)?
    };
    if docs.is_empty() {
        return Err(GenerateError::Nothing(held));
    }
    let fonts = opts.font_set();
    check_glyphs(&docs, fonts)?;
    let docs = if opts.archive {
        archive_order(docs)
    } else {
        docs
    };
    // File names are fixed before rendering; an existing file stops the run before any work.
    let volumes = if opts.merge {
        volumes(&docs, opts.volume_size)
    } else {
        Vec::new()
    };
    let names: Vec<String> = if opts.archive {
        vec![archive_name(&docs[0]); docs.len()]
    } else if opts.merge {
        let mut names = Vec::with_capacity(docs.len());
        for (k, range) in volumes.iter().enumerate() {
            names.extend(std::iter::repeat_n(
                merged_name(opts.as_of, k, volumes.len()),
                range.len(),
            ));
        }
        names
    } else {
        unique_names(&docs)
    };
    // A name no file system takes fails here, before anything is written or numbered.
    if let Some(bad) = names
        .iter()
        .find(|n| n.len() > MAX_FILE_NAME_BYTES || n.starts_with('-'))
    {
        let shown: String = bad.chars().take(40).collect();
        return Err(GenerateError::BadFileName(shown));
    }
    // The ledger first, then the folder (always in this order, so two runs never wait on
    // each other crosswise): runs into one folder with different ledgers take turns too. A
    // batch refused before this point has left the folder as it was.
    let _folder_lock = lock_output_folder(out_dir, opts.ledger_wait)?;
    // Under the locks: no other run into this folder is half-way.
    remove_dead_folders(out_dir, TMP_PREFIX);
    if !opts.force {
        let mut targets: Vec<&String> = names.iter().collect();
        targets.dedup();
        // The manifest of an earlier run is not replaced without --force either.
        let manifest = [MANIFEST_CSV.to_string(), MANIFEST_PDF.to_string()];
        targets.extend(manifest.iter());
        let existing: Vec<String> = targets
            .into_iter()
            .filter(|n| out_dir.join(n).exists())
            .map(|n| out_dir.join(n).display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(GenerateError::Exists(existing));
        }
    }
    let threads = if opts.threads == 0 {
        threads_for(docs.len())
    } else {
        opts.threads
    };
    let mut staged = Staged::new(out_dir)?;
    let result = if opts.archive {
        stage_archive(&docs, &names[0], threads, opts, &mut staged)
    } else {
        render_and_stage(&docs, &names, &volumes, threads, opts, &mut staged)
    };
    // A failure from here on drops `staged`: its folder and what it holds are removed.
    let rows = result?;
    staged.add(&manifest_csv(&rows), out_dir.join(MANIFEST_CSV))?;
    stage_manifest(&rows, opts, threads, &mut staged)?;
    // The ledger before the documents: see the doc comment.
    let mut written = Vec::new();
    if ledger.entries().len() != loaded || !ledger_path.exists() {
        ledger.save(&ledger_path)?;
        written.push(ledger_path.clone());
    }
    written.extend(staged.commit()?);
    Ok(GenerateOutcome {
        rows,
        held,
        written,
        ledger: ledger_path,
    })
}

/// The forms that open a person's file, in this order (一人一档).
const ARCHIVE_FIRST: [&str; 5] = [
    "archive_cover",
    "archive_index",
    "registration_form",
    "agreement",
    "report_reminder",
];
/// The forms that close a person's file, in this order; every other form of a person goes
/// between, in catalogue order.
const ARCHIVE_LAST: [&str; 4] = [
    "total_evaluation",
    "transfer_letter",
    "discharge_proposal",
    "discharge_notice",
];

/// A form's place in a person's file.
fn archive_rank(id: &str) -> usize {
    if let Some(k) = ARCHIVE_FIRST.iter().position(|f| *f == id) {
        return k;
    }
    if let Some(k) = ARCHIVE_LAST.iter().position(|f| *f == id) {
        return 20_000 + k;
    }
    10_000
        + super::forms::all()
            .iter()
            .position(|f| f.id == id)
            .unwrap_or(9_999)
}

/// The forms of a person's file (一人一档), in file order: every form about one person, the
/// receipts of service excepted (each follows the document it belongs to).
pub fn archive_forms() -> Vec<String> {
    let mut ids: Vec<&str> = super::forms::all()
        .iter()
        .filter(|f| matches!(f.entry().build, super::forms::Builder::Person(_)))
        .filter(|f| f.id != "receipt_of_service")
        .map(|f| f.id.as_str())
        .collect();
    ids.sort_by_key(|id| archive_rank(id));
    ids.into_iter().map(str::to_string).collect()
}

/// The options of an archive run: one person, every form of the file.
fn archive_options(
    register: &Register,
    opts: &GenerateOptions,
) -> Result<GenerateOptions, GenerateError> {
    let [person] = opts.plan.persons.as_slice() else {
        return Err(GenerateError::Archive(
            "一人一档（--archive）需要用 --person 指定一名人员（编号、身份证号或姓名）".into(),
        ));
    };
    let transferred = register.persons[find_person(register, person)?].status
        == Some(crate::model::Status::Transferred);
    let mut o = opts.clone();
    // The quarterly evaluations are asked for quarter by quarter (see `prepare_archive`).
    o.plan.forms = archive_forms()
        .into_iter()
        .filter(|f| f != QUARTERLY)
        // An application to change the place is filed when it is made; the file of a person
        // who has not changed it holds none (a blank one would state nothing).
        .filter(|f| f != "transfer_application" || transferred)
        .collect();
    o.plan.due = false;
    o.merge = false;
    Ok(o)
}

/// The quarterly evaluation: one per quarter of the term in a person's file.
const QUARTERLY: &str = "quarterly_evaluation";

/// The documents of a person's file: every form that holds for the person, and the
/// quarterly evaluation of every quarter of the term ended by the as-of date.
fn prepare_archive(
    register: &Register,
    findings: &[Finding],
    profile: &Profile,
    opts: &GenerateOptions,
    ledger: &mut Ledger,
) -> Result<Prepared, GenerateError> {
    let mut all = prepare(register, findings, profile, opts, ledger)?;
    let person = opts
        .plan
        .persons
        .first()
        .and_then(|given| find_person(register, given).ok())
        .and_then(|i| register.persons.get(i));
    let (Some(person), false) = (person, all.docs.is_empty()) else {
        return Ok(all);
    };
    reissue_earlier(
        register, findings, profile, opts, ledger, &person.id, &mut all,
    );
    for quarter in term_quarters(person, opts.as_of) {
        let mut o = opts.clone();
        o.plan.forms = vec![QUARTERLY.to_string()];
        o.plan.quarter = Some(quarter);
        let more = prepare(register, findings, profile, &o, ledger)?;
        all.docs.extend(more.docs);
        for h in more.held {
            if !all.held.contains(&h) {
                all.held.push(h);
            }
        }
    }
    Ok(all)
}

/// Forms a document of which states the facts as of the day it was issued: a person's file
/// holds every one the office issued (its ledger), not only the one due today.
const ISSUED_FORMS: [&str; 3] = ["report_reminder", "warning_letter", "serious_breach_report"];

/// Adds to a person's file the documents of [`ISSUED_FORMS`] the office's ledger records as
/// issued before the as-of date, each made again as of its own date with its own number
/// (with its receipt of service). Made against a copy of the ledger: a document the register
/// no longer gives with that number is never numbered anew, but listed as held back, to be
/// filed from the original.
fn reissue_earlier(
    register: &Register,
    findings: &[Finding],
    profile: &Profile,
    opts: &GenerateOptions,
    ledger: &Ledger,
    person: &str,
    all: &mut Prepared,
) {
    let mut earlier: Vec<(NaiveDate, super::ledger::LedgerEntry)> = ledger
        .entries()
        .iter()
        .filter(|e| e.person == person && ISSUED_FORMS.contains(&e.form.as_str()))
        .filter(|e| !all.docs.iter().any(|d| d.number == e.number))
        .filter_map(|e| e.date.filter(|d| *d < opts.as_of).map(|d| (d, e.clone())))
        .collect();
    earlier.sort_by_key(|(date, e)| (*date, e.seq));
    for (date, entry) in earlier {
        let mut o = opts.clone();
        o.as_of = date;
        o.plan.forms = vec![entry.form.clone()];
        o.plan.quarter = None;
        let mut scratch = ledger.clone();
        scratch.set_issue_date(date);
        let again = prepare(register, findings, profile, &o, &mut scratch)
            .ok()
            .and_then(|p| {
                let at = p
                    .docs
                    .iter()
                    .position(|d| d.form == entry.form && d.number == entry.number)?;
                let end = if p.docs.get(at + 1).is_some_and(Document::is_receipt) {
                    at + 2
                } else {
                    at + 1
                };
                Some(p.docs[at..end].to_vec())
            });
        match again {
            Some(docs) => all.docs.extend(docs),
            None => {
                let reason = format!(
                    "{}出具的{}（{}）依现在的台帐已无法重现，请将原件归入档案",
                    date_cn(date),
                    super::forms::short_name(&entry.form),
                    entry.number
                );
                let p = register
                    .person_index(person)
                    .and_then(|i| register.persons.get(i));
                all.held.push(match p {
                    Some(p) => Held::of(p, &entry.form, vec![reason]),
                    None => Held {
                        person_id: person.to_string(),
                        who: person.to_string(),
                        unit: String::new(),
                        form: entry.form.clone(),
                        reasons: vec![reason],
                    },
                });
            }
        }
    }
}

/// The quarters of a person's term that have ended by `as_of`, from the quarter of the
/// report-in to the quarter the measure ended in (its 状态日期 when closed, else the term's
/// end).
fn term_quarters(p: &crate::model::Person, as_of: NaiveDate) -> Vec<(i32, u8)> {
    use crate::model::Status;
    let Some(start) = p.report_date else {
        return Vec::new();
    };
    let closed = matches!(
        p.status_or_active(),
        Status::Discharged | Status::Terminated | Status::CompulsoryIsolation | Status::Transferred
    );
    let stop = match (closed, p.status_date) {
        (true, Some(d)) => Some(d),
        _ => super::build::term_end(p),
    }
    .map_or(as_of, |d| d.min(as_of));
    let mut out = Vec::new();
    let (mut year, mut quarter) = (start.year(), ((start.month() - 1) / 3 + 1) as u8);
    while let Some((first, last)) = super::plan::quarter_bounds(year, quarter) {
        if first > stop || last > as_of {
            break;
        }
        out.push((year, quarter));
        (year, quarter) = if quarter == 4 {
            (year + 1, 1)
        } else {
            (year, quarter + 1)
        };
    }
    out
}

/// The documents of a person's file in file order; a receipt of service stays after the
/// document it belongs to.
fn archive_order(docs: Vec<Document>) -> Vec<Document> {
    let mut groups: Vec<Vec<Document>> = Vec::new();
    for doc in docs {
        match groups.last_mut() {
            Some(group) if doc.is_receipt() => group.push(doc),
            _ => groups.push(vec![doc]),
        }
    }
    // Within a form, in time: by the date its event names (a warning's day, a leave's start,
    // a report's last fact), else by the event (quarters).
    let when = |d: &Document| -> String {
        d.label
            .rsplit('_')
            .find(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").is_ok())
            .unwrap_or(&d.label)
            .to_string()
    };
    groups.sort_by_cached_key(|g| (archive_rank(&g[0].form), when(&g[0])));
    groups.into_iter().flatten().collect()
}

/// The file name of a person's file: `{村(社区)}_{编号}_{姓名}_一人一档.pdf`.
pub fn archive_name(doc: &Document) -> String {
    let stem = [&doc.unit, &doc.person_id, &doc.name]
        .iter()
        .map(|p| super::safe_file_part(p))
        .filter(|p| !p.is_empty())
        .chain(["一人一档".to_string()])
        .collect::<Vec<_>>()
        .join("_");
    super::fit_file_name(&stem, "")
}

/// A document as the 卷内目录 names it: its title; where the file holds several of its form,
/// with its event (`社区戒毒人员季度评估表（2025年第1季度）`); a receipt with the document it
/// belongs to (`送达回证（告诫书）`, `送达回证（告诫书，2025年7月1日）`). `repeated`: the file
/// holds several documents of this form.
fn archive_title(doc: &Document, repeated: bool) -> String {
    let mut words: Vec<String> = doc
        .label
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match NaiveDate::parse_from_str(w, "%Y-%m-%d") {
            Ok(d) => date_cn(d),
            Err(_) => w.to_string(),
        })
        .collect();
    if !repeated {
        // A receipt keeps the document it belongs to; anything else needs no event.
        words.truncate(usize::from(doc.is_receipt()));
    }
    if words.is_empty() {
        doc.data.title.clone()
    } else {
        format!("{}（{}）", doc.data.title, words.join("，"))
    }
}

/// 页号 of a document: its first page, or first and last.
fn page_span(first: usize, pages: usize) -> String {
    if pages <= 1 {
        first.to_string()
    } else {
        format!("{first}-{}", first + pages - 1)
    }
}

/// A person's file as one PDF: every document rendered, the 卷内目录 filled with the page
/// each document starts on in the merged file (laid out again until its own length, which
/// moves the pages after it, no longer changes), then merged and staged under `name`.
fn stage_archive(
    docs: &[Document],
    name: &str,
    threads: usize,
    opts: &GenerateOptions,
    staged: &mut Staged,
) -> Result<Vec<ManifestRow>, GenerateError> {
    let fail = |error: RenderError| GenerateError::Render {
        file: name.to_string(),
        error,
    };
    let fonts = opts.font_set();
    let jobs: Vec<Job> = docs.iter().map(job_of).collect();
    let mut pages = Vec::with_capacity(docs.len());
    for r in render_all(fonts, &jobs, opts.as_of, threads) {
        pages.push(r.map_err(fail)?);
    }
    drop(jobs);
    if let Some(ix) = docs.iter().position(|d| d.form == "archive_index") {
        let mut index = docs[ix].clone();
        let mut settled = false;
        for _ in 0..5 {
            let list: Vec<&_> = pages.iter().collect();
            let (_, starts) = merge(&list, "", opts.duplex);
            let entries: Vec<super::forms::IndexEntry> = docs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.form != "archive_cover" && d.form != "archive_index")
                .map(|(k, d)| super::forms::IndexEntry {
                    title: archive_title(d, docs.iter().filter(|e| e.form == d.form).count() > 1),
                    number: d.number.clone(),
                    date: d.data.date.clone(),
                    pages: page_span(starts[k], pages[k].pages().len()),
                })
                .collect();
            super::forms::fill_archive_index(&mut index.data, &entries);
            let laid_out = crate::render::batch::render_job(fonts, &job_of(&index), opts.as_of)
                .map_err(fail)?;
            settled = laid_out.pages().len() == pages[ix].pages().len();
            pages[ix] = laid_out;
            if settled {
                break;
            }
        }
        if !settled {
            return Err(fail(RenderError::Input("卷内目录的页号无法确定".into())));
        }
    }
    let list: Vec<&_> = pages.iter().collect();
    let (merged, starts) = merge(&list, "一人一档", opts.duplex);
    let ident = format!("archive/{}/{}", opts.as_of, name);
    let bytes = pdf_bytes(&merged, &ident, opts.as_of, PdfUse::Print).map_err(fail)?;
    drop(merged);
    staged.add(&bytes, staged.out_dir.join(name))?;
    Ok(docs
        .iter()
        .enumerate()
        .map(|(k, doc)| row_of(doc, pages[k].pages().len(), name, starts[k]))
        .collect())
}

/// One file name per document ([`Document::stem`]): the event's label only where a person
/// (or unit) has several documents of one form in the batch; a receipt of service named
/// after the document it follows; names that would still clash (or clash once cut to
/// [`super::MAX_FILE_NAME_BYTES`]) made unique with `_2`, `_3`, ...
pub fn unique_names(docs: &[Document]) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let owner = |d: &Document| (d.unit.clone(), d.person_id.clone(), d.form.clone());
    let mut of_form: HashMap<(String, String, String), usize> = HashMap::new();
    for doc in docs.iter().filter(|d| !d.is_receipt()) {
        *of_form.entry(owner(doc)).or_default() += 1;
    }
    let mut used: HashSet<String> = HashSet::new();
    let mut names: Vec<String> = Vec::with_capacity(docs.len());
    for (k, doc) in docs.iter().enumerate() {
        let stem = if doc.is_receipt() {
            // The document served: the nearest one before it of the same person whose key
            // the receipt's event names (a receipt follows its document).
            let served = (0..k).rev().find(|&j| {
                let d = &docs[j];
                !d.is_receipt()
                    && d.unit == doc.unit
                    && d.person_id == doc.person_id
                    && (doc.event == d.form || doc.event == format!("{}-{}", d.form, d.event))
            });
            match served {
                Some(j) => format!(
                    "{}_{}",
                    names[j].strip_suffix(".pdf").unwrap_or(&names[j]),
                    super::forms::short_name(&doc.form)
                ),
                None => doc.stem(true),
            }
        } else {
            doc.stem(of_form.get(&owner(doc)).copied().unwrap_or(0) > 1)
        };
        let mut name = super::fit_file_name(&stem, "");
        let mut n = 2;
        while used.contains(&name) {
            name = super::fit_file_name(&stem, &format!("_{n}"));
            n += 1;
        }
        used.insert(name.clone());
        names.push(name);
    }
    names
}

/// Documents compiled per block in one file per document mode: their jobs (the JSON data
/// handed to Typst) are made block by block, not for the whole batch at once.
const FILE_BLOCK_DOCUMENTS: usize = 1000;

/// Renders every document into the staging directory and returns the manifest rows, block by
/// block (merged: a block is a volume), so that memory is bounded by a block.
fn render_and_stage(
    docs: &[Document],
    names: &[String],
    volumes: &[Range<usize>],
    threads: usize,
    opts: &GenerateOptions,
    staged: &mut Staged,
) -> Result<Vec<ManifestRow>, GenerateError> {
    let blocks: Vec<Range<usize>> = if opts.merge {
        volumes.to_vec()
    } else {
        (0..docs.len())
            .step_by(FILE_BLOCK_DOCUMENTS)
            .map(|start| start..(start + FILE_BLOCK_DOCUMENTS).min(docs.len()))
            .collect()
    };
    let mut rows = Vec::with_capacity(docs.len());
    for range in blocks {
        let block = Block {
            docs: &docs[range.clone()],
            names: &names[range.clone()],
            first: range.start,
        };
        let done = if opts.merge {
            stage_volume(&block, threads, opts, staged)?
        } else {
            stage_files(&block, threads, opts, staged)?
        };
        rows.extend(done);
    }
    Ok(rows)
}

/// Consecutive documents of a batch with their file names; `first` is the index of the first
/// in the batch (temporary file names).
struct Block<'a> {
    docs: &'a [Document],
    names: &'a [String],
    first: usize,
}

impl Block<'_> {
    fn fail(&self, k: usize, error: RenderError) -> GenerateError {
        GenerateError::Render {
            file: self.names.get(k).cloned().unwrap_or_default(),
            error,
        }
    }
}

/// One merged volume: its pages are kept until it is exported, then dropped (with Typst's
/// caches) before the next volume is laid out.
fn stage_volume(
    block: &Block,
    threads: usize,
    opts: &GenerateOptions,
    staged: &mut Staged,
) -> Result<Vec<ManifestRow>, GenerateError> {
    let jobs: Vec<Job> = block.docs.iter().map(job_of).collect();
    let rendered = render_all(opts.font_set(), &jobs, opts.as_of, threads);
    drop(jobs);
    let mut pages = Vec::with_capacity(rendered.len());
    for (k, r) in rendered.into_iter().enumerate() {
        pages.push(r.map_err(|e| block.fail(k, e))?);
    }
    let name = &block.names[0];
    let mut list = Vec::new();
    let mut owners = Vec::new();
    for (k, doc) in block.docs.iter().enumerate() {
        for _ in 0..doc.copies.max(1) {
            list.push(&pages[k]);
            owners.push(k);
        }
    }
    let (merged, starts) = merge(&list, "文书合订", opts.duplex);
    let mut first_of = vec![0usize; block.docs.len()];
    for (owner, start) in owners.iter().zip(&starts).rev() {
        first_of[*owner] = *start;
    }
    let ident = format!("merged/{}/{}", opts.as_of, name);
    let bytes =
        pdf_bytes(&merged, &ident, opts.as_of, PdfUse::Print).map_err(|e| block.fail(0, e))?;
    let rows = block
        .docs
        .iter()
        .enumerate()
        .map(|(k, doc)| row_of(doc, pages[k].pages().len(), name, first_of[k]))
        .collect();
    drop(merged);
    drop(pages);
    evict_caches(0);
    staged.add(&bytes, staged.out_dir.join(name))?;
    Ok(rows)
}

/// One file per document: each is exported and written on its worker thread as soon as it is
/// compiled.
fn stage_files(
    block: &Block,
    threads: usize,
    opts: &GenerateOptions,
    staged: &mut Staged,
) -> Result<Vec<ManifestRow>, GenerateError> {
    let jobs: Vec<Job> = block.docs.iter().map(job_of).collect();
    let dir = staged.dir().to_path_buf();
    let written = crate::render::batch::render_each(
        opts.font_set(),
        &jobs,
        opts.as_of,
        threads,
        &|k, document| {
            let doc = &block.docs[k];
            let bytes = pdf_bytes(&document, &ident_of(doc), opts.as_of, PdfUse::Archive)?;
            let tmp = dir.join(format!("{}.pdf.part", block.first + k));
            write_new_private(&tmp, &bytes)
                .map_err(|e| RenderError::Input(format!("写入 {} 失败: {e}", tmp.display())))?;
            Ok((tmp, document.pages().len()))
        },
    );
    let mut rows = Vec::with_capacity(written.len());
    for (k, r) in written.into_iter().enumerate() {
        let (tmp, pages) = r.map_err(|e| block.fail(k, e))?;
        rows.push(row_of(&block.docs[k], pages, &block.names[k], 1));
        staged
            .files
            .push((tmp, staged.out_dir.join(&block.names[k])));
    }
    Ok(rows)
}

/// Rows per part of the manifest PDF: the parts are compiled in parallel and merged, since
/// one Typst table of tens of thousands of rows lays out slowly on one core.
const MANIFEST_ROWS_PER_PART: usize = 300;

/// The print manifest as PDF, in volumes of at most `manifest_volume_rows` rows, each
/// staged before the next is laid out. Manifest volumes of an earlier, longer run are removed
/// when the batch is committed.
fn stage_manifest(
    rows: &[ManifestRow],
    opts: &GenerateOptions,
    threads: usize,
    staged: &mut Staged,
) -> Result<(), GenerateError> {
    let per_volume = opts.manifest_volume_rows.max(1);
    let count = rows.len().div_ceil(per_volume).max(1);
    for k in 0..count {
        let first = (k * per_volume).min(rows.len());
        let volume = &rows[first..(first + per_volume).min(rows.len())];
        let name = manifest_pdf_name(k, count);
        let mut subtitle = format!("（{}，共{}件", date_cn(opts.as_of), rows.len());
        if count > 1 {
            subtitle.push_str(&format!("，第{}册／共{}册", k + 1, count));
        }
        subtitle.push('）');
        let bytes =
            render_manifest_volume(volume, first, subtitle, opts, threads).map_err(|error| {
                GenerateError::Render {
                    file: name.clone(),
                    error,
                }
            })?;
        staged.add(&bytes, staged.out_dir.join(&name))?;
    }
    staged
        .stale
        .extend(stale_manifest_volumes(&staged.out_dir, count));
    Ok(())
}

/// Manifest volumes in `out_dir` beyond the `count` this run writes (or all of them when it
/// writes a single 清单.pdf).
fn stale_manifest_volumes(out_dir: &Path, count: usize) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let n: usize = name
                .strip_prefix("清单_第")?
                .strip_suffix("册.pdf")?
                .parse()
                .ok()?;
            (count == 1 || n > count).then(|| e.path())
        })
        .collect();
    stale.sort();
    stale
}

/// One manifest PDF for `rows`, numbered from `first` + 1.
fn render_manifest_volume(
    rows: &[ManifestRow],
    first: usize,
    subtitle: String,
    opts: &GenerateOptions,
    threads: usize,
) -> Result<Vec<u8>, RenderError> {
    let fonts = opts.font_set();
    let as_document = |data: DocData| Document {
        form: "register_table".into(),
        person_id: String::new(),
        name: String::new(),
        unit: String::new(),
        event: String::new(),
        label: String::new(),
        number: String::new(),
        copies: 1,
        data,
    };
    // An empty manifest is one part with no rows.
    let chunks: Vec<&[ManifestRow]> = if rows.is_empty() {
        vec![rows]
    } else {
        rows.chunks(MANIFEST_ROWS_PER_PART).collect()
    };
    let jobs: Vec<Job> = chunks
        .iter()
        .enumerate()
        .map(|(part, chunk)| {
            let opening = (part == 0).then_some(subtitle.as_str());
            let data = manifest_data(chunk, first + part * MANIFEST_ROWS_PER_PART, opening, opts);
            job_of(&as_document(data))
        })
        .collect();
    // A few parts at a time, clearing Typst's memo caches in between: the layout caches of
    // big tables are what a long manifest would otherwise pile up.
    let mut parts = Vec::with_capacity(jobs.len());
    for batch in jobs.chunks(threads.max(1) * 2) {
        for r in render_all(fonts, batch, opts.as_of, threads) {
            parts.push(r?);
        }
        evict_caches(0);
    }
    let list: Vec<&_> = parts.iter().collect();
    let (doc, _) = merge(&list, "文书打印清单", false);
    pdf_bytes(
        &doc,
        &format!("manifest/{first}"),
        opts.as_of,
        PdfUse::Print,
    )
}

fn row_of(doc: &Document, pages: usize, file: &str, first_page: usize) -> ManifestRow {
    ManifestRow {
        form: doc.form.clone(),
        title: doc.data.title.clone(),
        person_id: doc.person_id.clone(),
        name: doc.name.clone(),
        unit: doc.unit.clone(),
        number: doc.number.clone(),
        pages,
        copies: doc.copies,
        file: file.to_string(),
        first_page,
    }
}

/// Renders the first page of one document (form, person) as PNG: `preview`. Its number is
/// the one the office's ledger (`opts.ledger`, read without being written) has or would give.
pub fn preview(
    register: &Register,
    findings: &[Finding],
    profile: &Profile,
    opts: &GenerateOptions,
    pixel_per_pt: f64,
) -> Result<Vec<u8>, GenerateError> {
    // The number the document has or would get; the ledger is read, never written.
    let mut ledger = match &opts.ledger {
        Some(path) => Ledger::load(path)?,
        None => Ledger::new(),
    };
    ledger.reserve_register_numbers(register);
    ledger.set_issue_date(opts.as_of);
    let Prepared { docs, held } = prepare(register, findings, profile, opts, &mut ledger)?;
    let Some(doc) = docs.first() else {
        return Err(GenerateError::Nothing(held));
    };
    let fonts = opts.font_set();
    check_glyphs(std::slice::from_ref(doc), fonts)?;
    let pages =
        crate::render::batch::render_job(fonts, &job_of(doc), opts.as_of).map_err(|error| {
            GenerateError::Render {
                file: doc.file_name(),
                error,
            }
        })?;
    crate::render::engine::png_page(&pages, 0, pixel_per_pt).map_err(|error| {
        GenerateError::Render {
            file: doc.file_name(),
            error,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(unit: &str, person: &str) -> Document {
        Document {
            form: "warning_letter".into(),
            person_id: person.into(),
            name: String::new(),
            unit: unit.into(),
            event: String::new(),
            label: String::new(),
            number: String::new(),
            copies: 1,
            data: DocData::new("告诫书"),
        }
    }

    fn named(
        form: &str,
        unit: &str,
        person: &str,
        name: &str,
        event: &str,
        label: &str,
    ) -> Document {
        Document {
            form: form.into(),
            person_id: person.into(),
            name: name.into(),
            unit: unit.into(),
            event: event.into(),
            label: label.into(),
            number: String::new(),
            copies: 1,
            data: DocData::new(""),
        }
    }

    #[test]
    fn file_names_are_chinese_with_a_readable_event_only_where_a_form_repeats() {
        let receipt = |served: &str, event: &str, label: &str| {
            let key = if event.is_empty() {
                served.to_string()
            } else {
                format!("{served}-{event}")
            };
            named(
                "receipt_of_service",
                "北街村",
                "SQ00008",
                "张新建",
                &key,
                label,
            )
        };
        let docs = [
            named("agreement", "北街村", "SQ00008", "张新建", "", ""),
            named(
                "warning_letter",
                "北街村",
                "SQ00008",
                "张新建",
                "告诫@2025-07-01",
                "2025-07-01",
            ),
            receipt("warning_letter", "告诫@2025-07-01", "告诫书_2025-07-01"),
            named(
                "quarterly_evaluation",
                "北街村",
                "SQ00008",
                "张新建",
                "2025Q1",
                "2025年第1季度",
            ),
            named(
                "quarterly_evaluation",
                "北街村",
                "SQ00008",
                "张新建",
                "2025Q2",
                "2025年第2季度",
            ),
            named("discharge_notice", "北街村", "SQ00008", "张新建", "", ""),
            receipt("discharge_notice", "", "解除通知书"),
            named("work_notice", "北街村", "", "", "提醒-派出所", "派出所"),
        ];
        let names = unique_names(&docs);
        assert_eq!(
            names,
            [
                "北街村_SQ00008_张新建_协议书.pdf",
                "北街村_SQ00008_张新建_告诫书.pdf",
                "北街村_SQ00008_张新建_告诫书_送达回证.pdf",
                "北街村_SQ00008_张新建_季度评估表_2025年第1季度.pdf",
                "北街村_SQ00008_张新建_季度评估表_2025年第2季度.pdf",
                "北街村_SQ00008_张新建_解除通知书.pdf",
                "北街村_SQ00008_张新建_解除通知书_送达回证.pdf",
                "北街村_工作提醒单.pdf",
            ]
        );
        // Alone, a document names its event.
        assert_eq!(
            docs[2].file_name(),
            "北街村_SQ00008_张新建_告诫书_2025-07-01_送达回证.pdf"
        );
        assert_eq!(
            docs[1].file_name(),
            "北街村_SQ00008_张新建_告诫书_2025-07-01.pdf"
        );
        for n in &names {
            assert!(
                !n.contains("warning") && !n.contains('@') && !n.contains("P1"),
                "{n}"
            );
        }
    }

    #[test]
    fn long_or_hostile_names_are_cut_on_a_character_never_start_with_a_dash_and_stay_unique() {
        let long = "很长的村名".repeat(30);
        let docs = [
            named(
                "warning_letter",
                &long,
                "P1",
                "张三",
                "告诫@2025-07-01",
                "2025-07-01",
            ),
            receipt_of(&long),
            named("agreement", &long, "P1", "张三", "", ""),
            named("agreement", &long, "P1", "张三", "", ""),
            named("agreement", "-rf", "../P2", "--help", "", ""),
        ];
        let names = unique_names(&docs);
        for n in &names {
            assert!(n.len() <= crate::paperwork::MAX_FILE_NAME_BYTES, "{n}");
            assert!(n.ends_with(".pdf"), "{n}");
            assert!(!n.starts_with('-') && !n.starts_with('.'), "{n}");
            assert!(!n.contains('/'), "{n}");
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names[3].ends_with("_2.pdf"), "{names:?}");
        assert_eq!(names[4], "rf_-P2_--help_协议书.pdf");
        // A long unit keeps the person and the form in the name.
        assert!(names[0].contains("_P1_张三_告诫书"), "{names:?}");
        assert!(
            names[1].ends_with("_P1_张三_告诫书_送达回证.pdf"),
            "{names:?}"
        );
    }

    fn receipt_of(unit: &str) -> Document {
        named(
            "receipt_of_service",
            unit,
            "P1",
            "张三",
            "warning_letter-告诫@2025-07-01",
            "告诫书_2025-07-01",
        )
    }

    #[test]
    fn volumes_are_bounded_and_keep_each_persons_documents_together() {
        let docs = [
            doc("东风社区", "P1"),
            doc("东风社区", "P1"),
            doc("东风社区", "P2"),
            doc("幸福村", "P2"),
            doc("幸福村", "P3"),
            doc("幸福村", "P3"),
            doc("幸福村", "P3"),
            doc("幸福村", "P4"),
        ];
        // P3 alone is more than a volume: it gets one of its own, never split.
        assert_eq!(volumes(&docs, 2), vec![0..2, 2..4, 4..7, 7..8]);
        assert_eq!(volumes(&docs, 3), vec![0..3, 3..4, 4..7, 7..8]);
        assert_eq!(volumes(&docs, 4), vec![0..4, 4..8]);
        assert_eq!(volumes(&docs, 100), vec![0..8]);
        assert_eq!(volumes(&docs, 0), volumes(&docs, 1));
        assert!(volumes(&[], 5).is_empty());
    }
}
