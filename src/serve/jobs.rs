//! The web page's jobs: each runs one command's library calls on a thread of its own, in a
//! run folder of its own that holds the uploads while it lasts, reporting its progress through
//! a [`Watch`] the page polls, and cancellable between documents.

use super::file_name;
use crate::check::{check_file, today_note, CheckReport, Selection};
use crate::output::{render_json, Ids};
use crate::paperwork::generate::{generate, GenerateError, GenerateOptions, MANIFEST_CSV};
use crate::paperwork::ledger::LEDGER_FILE;
use crate::paperwork::plan::PlanOptions;
use crate::paperwork::OfficeFlags;
use crate::profile::Profile;
use crate::progress::{watch_this_thread, Watch};
use crate::register::values::parse_date_text;
use crate::write_file::{
    create_private_dir_all, remove_dead_folders, unused_path, write_bytes_atomically,
    write_new_private, RunFolder,
};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The profile choice that means "the YAML the clerk uploaded".
pub const UPLOADED_PROFILE: &str = "上传的配置";
/// Run folders of jobs in the system's temporary folder start with this.
const JOB_FOLDER_PREFIX: &str = "rehabdocs-serve-";
/// The preview's pixels per point (about 108 dpi: a page fits a 768-pixel-high screen twice).
const PREVIEW_SCALE: f64 = 1.5;

/// What a job gives: the result for the page and the files it wrote.
type JobResult = Result<(serde_json::Value, Vec<PathBuf>), String>;

/// A file the clerk uploaded, held in memory.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
}

/// What a job does: one command of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// `check`
    #[default]
    Check,
    /// `check --annotate`
    Annotate,
    /// `generate --due` (all, or the ticked persons and forms)
    Generate,
    /// `report`
    Report,
    /// `preview` (answered at once, never started as a job)
    Preview,
}

impl JobKind {
    fn label(self) -> &'static str {
        match self {
            JobKind::Check => "检查台帐",
            JobKind::Annotate => "标注台帐",
            JobKind::Generate => "生成文书",
            JobKind::Report => "年终考核报告",
            JobKind::Preview => "预览文书",
        }
    }
}

/// The page's settings for a job.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct JobRequest {
    pub kind: JobKind,
    /// Empty: today.
    pub as_of: String,
    /// A bundled profile's name, or [`UPLOADED_PROFILE`].
    pub profile: String,
    /// 编号s (generate, preview); empty: everyone.
    pub persons: Vec<String>,
    /// Forms (generate, preview); empty: every form due.
    pub forms: Vec<String>,
    /// generate: one merged PDF (true) or one file per document in a zip (false).
    pub merge: bool,
    /// generate: every document starts on an odd page.
    pub duplex: bool,
    /// report: the appraisal year.
    pub year: Option<i32>,
}

/// Where a job stands.
#[derive(Debug, Clone)]
enum Outcome {
    Running,
    Done {
        result: serde_json::Value,
        files: Vec<PathBuf>,
    },
    Failed(String),
    Cancelled,
}

/// One job: its settings, progress and outcome.
pub struct Job {
    id: usize,
    kind: JobKind,
    watch: Arc<Watch>,
    outcome: Mutex<Outcome>,
}

impl Job {
    /// What the page polls: state, progress, and when done the result and the files.
    pub fn status(&self) -> serde_json::Value {
        let now = self.watch.now();
        let outcome = self
            .outcome
            .lock()
            .map(|o| o.clone())
            .unwrap_or(Outcome::Failed("任务状态不可读".into()));
        let mut status = serde_json::json!({
            "id": self.id,
            "kind": self.kind.label(),
            "phase": now.label,
            "done": now.done,
            "total": now.total,
            "message": now.message,
        });
        let (state, extra) = match outcome {
            Outcome::Running if self.watch.is_cancelled() => ("cancelling", serde_json::json!({})),
            Outcome::Running => ("running", serde_json::json!({})),
            Outcome::Done { result, files } => (
                "done",
                serde_json::json!({
                    "result": result,
                    "files": files.iter().enumerate().map(|(k, f)| serde_json::json!({
                        "index": k,
                        "name": file_name(f),
                        "bytes": f.metadata().map(|m| m.len()).unwrap_or(0),
                    })).collect::<Vec<_>>(),
                }),
            ),
            Outcome::Failed(e) => ("failed", serde_json::json!({ "error": e })),
            Outcome::Cancelled => ("cancelled", serde_json::json!({})),
        };
        status["state"] = state.into();
        if let (Some(map), serde_json::Value::Object(extra)) = (status.as_object_mut(), extra) {
            map.extend(extra);
        }
        status
    }

    /// Asks the job to stop (between documents; a batch stopped writes nothing).
    pub fn cancel(&self) {
        self.watch.cancel();
    }

    /// The `k`th file the job wrote.
    pub fn file(&self, k: usize) -> Option<PathBuf> {
        match &*self.outcome.lock().ok()? {
            Outcome::Done { files, .. } => files.get(k).cloned(),
            _ => None,
        }
    }
}

/// The jobs of this serving process, numbered from 1.
#[derive(Default)]
pub struct Jobs(Mutex<Vec<Arc<Job>>>);

impl Jobs {
    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        let id: usize = id.parse().ok()?;
        self.0.lock().ok()?.get(id.checked_sub(1)?).cloned()
    }

    /// Starts a job on a thread of its own.
    pub fn start(
        &self,
        asked: JobRequest,
        register: Upload,
        profile: Option<Upload>,
        folder: PathBuf,
    ) -> Arc<Job> {
        let job = {
            let mut jobs = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let job = Arc::new(Job {
                id: jobs.len() + 1,
                kind: asked.kind,
                watch: Arc::new(Watch::default()),
                outcome: Mutex::new(Outcome::Running),
            });
            jobs.push(job.clone());
            job
        };
        let running = job.clone();
        std::thread::spawn(move || {
            watch_this_thread(Some(running.watch.clone()));
            let outcome = match run(&asked, &register, profile.as_ref(), &folder) {
                _ if running.watch.is_cancelled() => Outcome::Cancelled,
                Ok((result, files)) => Outcome::Done { result, files },
                Err(e) => Outcome::Failed(e),
            };
            watch_this_thread(None);
            if let Ok(mut o) = running.outcome.lock() {
                *o = outcome;
            }
        });
        job
    }
}

/// Removes the run folders of jobs of servers that were killed.
pub fn remove_dead_job_folders() {
    remove_dead_folders(&std::env::temp_dir(), JOB_FOLDER_PREFIX);
}

/// A job's inputs on disk, in its own run folder (removed when dropped).
struct Inputs {
    folder: RunFolder,
    register: PathBuf,
    /// A bundled profile's name or the uploaded YAML's path.
    profile: String,
}

impl Inputs {
    fn new(
        register: &Upload,
        profile_name: &str,
        profile: Option<&Upload>,
    ) -> Result<Inputs, String> {
        let folder =
            RunFolder::new(&std::env::temp_dir(), JOB_FOLDER_PREFIX).map_err(|e| e.to_string())?;
        let register_path = folder.path().join(&register.name);
        write_new_private(&register_path, &register.bytes).map_err(|e| e.to_string())?;
        let profile = match profile {
            Some(p) => {
                let path = folder.path().join(&p.name);
                write_new_private(&path, &p.bytes).map_err(|e| e.to_string())?;
                path.display().to_string()
            }
            None if profile_name.is_empty() => "standard".to_string(),
            None => profile_name.to_string(),
        };
        Ok(Inputs {
            folder,
            register: register_path,
            profile,
        })
    }

    /// A message with the run folder's path taken out (the clerk knows the file by its name).
    fn clean(&self, message: impl std::fmt::Display) -> String {
        let mut prefix = self.folder.path().display().to_string();
        prefix.push(std::path::MAIN_SEPARATOR);
        message.to_string().replace(&prefix, "")
    }

    fn load_profile(&self) -> Result<Profile, String> {
        Profile::load(&self.profile).map_err(|e| self.clean(e))
    }

    /// The register checked as the page asked: on its as-of date, with its profile.
    fn check(&self, asked: &JobRequest) -> Result<Checked, String> {
        let (as_of, today) = as_of_of(asked)?;
        let profile = self.load_profile()?;
        let report = check_file(&self.register, &profile, as_of, &Selection::default())
            .map_err(|e| self.clean(e))?;
        Ok(Checked {
            as_of,
            today,
            profile,
            report,
        })
    }
}

/// A checked register, with the date and profile it was checked on.
struct Checked {
    as_of: NaiveDate,
    /// The as-of date is today's (the page's default).
    today: bool,
    profile: Profile,
    report: CheckReport,
}

/// Loads an uploaded profile once, for its errors.
pub fn check_profile(profile: &Upload) -> Result<(), String> {
    let dummy = Upload {
        name: "台帐.csv".into(),
        bytes: Arc::new(Vec::new()),
    };
    let inputs = Inputs::new(&dummy, "", Some(profile))?;
    inputs.load_profile().map(|_| ())
}

/// The as-of date the page sent (empty: today), and whether it is today: the page fills in
/// today by default, so that is the clerk's "no date chosen", which gets the command line's
/// note on what checking as of today means.
fn as_of_of(asked: &JobRequest) -> Result<(NaiveDate, bool), String> {
    let today = chrono::Local::now().date_naive();
    let text = asked.as_of.trim();
    let as_of = if text.is_empty() {
        today
    } else {
        parse_date_text(text).ok_or_else(|| format!("检查日期「{text}」不是可识别的日期"))?
    };
    Ok((as_of, as_of == today))
}

fn run(
    asked: &JobRequest,
    register: &Upload,
    profile: Option<&Upload>,
    folder: &Path,
) -> JobResult {
    let inputs = Inputs::new(register, &asked.profile, profile)?;
    match asked.kind {
        JobKind::Check => check_job(asked, &inputs),
        JobKind::Annotate => annotate_job(asked, &inputs, folder),
        JobKind::Generate => generate_job(asked, &inputs, folder),
        JobKind::Report => report_job(asked, &inputs, folder),
        JobKind::Preview => Err("预览不作为任务运行".into()),
    }
}

/// `check`: the findings exactly as `check --format json` gives them (IDs masked), the
/// persons to show them by, and the date note when the as-of date was today.
fn check_job(asked: &JobRequest, inputs: &Inputs) -> JobResult {
    let Checked {
        as_of,
        today,
        report,
        ..
    } = inputs.check(asked)?;
    let check: serde_json::Value =
        serde_json::from_str(&render_json(&report, Ids::Masked)).map_err(|e| e.to_string())?;
    let persons: Vec<serde_json::Value> = report
        .register
        .persons
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id,
                "name": p.name,
                "unit": p.unit,
                "town": p.town,
                "resident_id": p.resident_id.as_deref().map(crate::output::mask_personal_numbers),
            })
        })
        .collect();
    let note = today.then(|| today_note(&report.register, as_of));
    // Indices (into the findings) of the serious breaches to report to the police.
    let to_report: Vec<usize> = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| crate::output::is_breach_to_report(f))
        .map(|(k, _)| k)
        .collect();
    Ok((
        serde_json::json!({
            "check": check,
            "persons": persons,
            "to_report": to_report,
            "note": note,
        }),
        Vec::new(),
    ))
}

/// `check --annotate`: the annotated copy in the clerk's folder, `（已标注）` after the name.
fn annotate_job(asked: &JobRequest, inputs: &Inputs, folder: &Path) -> JobResult {
    let Checked { report, .. } = inputs.check(asked)?;
    create_private_dir_all(folder).map_err(|e| e.to_string())?;
    // Named as the command line names it (`台帐（已标注）.xlsx`, .xlsm for a register with
    // macros), in the clerk's folder, never over an earlier copy.
    let named = crate::annotate::default_output(&inputs.register);
    let out = unused_path(&folder.join(file_name(&named)));
    crate::annotate::write_annotated(&report, &out, Ids::Masked).map_err(|e| inputs.clean(e))?;
    Ok((
        serde_json::json!({ "findings": report.findings.len() }),
        vec![out],
    ))
}

/// The options of a batch from the page's settings: the due documents (all, or the ticked
/// persons and forms), numbered from the ledger in the clerk's folder.
fn batch_options(
    asked: &JobRequest,
    profile: &Profile,
    as_of: NaiveDate,
    folder: &Path,
) -> GenerateOptions {
    GenerateOptions::for_office(
        PlanOptions {
            forms: asked.forms.clone(),
            persons: asked.persons.clone(),
            units: Vec::new(),
            due: asked.kind != JobKind::Preview,
            quarter: None,
        },
        as_of,
        profile,
        OfficeFlags::default(),
        folder.join(LEDGER_FILE),
        false,
    )
}

/// `generate --due`: the batch in `文书/日期` (a new folder each time) in the clerk's folder,
/// merged for printing or one PDF per document in a zip, with the print manifest.
fn generate_job(asked: &JobRequest, inputs: &Inputs, folder: &Path) -> JobResult {
    let Checked {
        as_of,
        profile,
        report,
        ..
    } = inputs.check(asked)?;
    let documents = folder.join("文书");
    create_private_dir_all(&documents).map_err(|e| e.to_string())?;
    let out = unused_path(&documents.join(as_of.format("%Y-%m-%d").to_string()));
    let mut opts = batch_options(asked, &profile, as_of, folder);
    opts.merge = asked.merge;
    opts.duplex = asked.duplex;
    let held_json = |held: &[crate::paperwork::due::Held]| -> Vec<serde_json::Value> {
        held.iter()
            .map(|h| {
                serde_json::json!({
                    "person": h.person_id,
                    "who": crate::output::mask_personal_numbers(&h.who),
                    "unit": h.unit,
                    "form": crate::paperwork::forms::short_name(&h.form),
                    "reasons": h.reasons.iter().map(|r| crate::output::mask_personal_numbers(r)).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    let done = match generate(&report.register, &report.findings, &profile, &out, &opts) {
        Ok(done) => done,
        Err(GenerateError::Nothing(held)) => {
            return Ok((
                serde_json::json!({ "documents": 0, "pages": 0, "held": held_json(&held) }),
                Vec::new(),
            ))
        }
        Err(e) => return Err(inputs.clean(e)),
    };
    let pages: usize = done
        .rows
        .iter()
        .map(|r| r.pages * r.copies.max(1) as usize)
        .sum();
    let documents_written: Vec<PathBuf> = done
        .written
        .iter()
        .filter(|p| **p != done.ledger)
        .cloned()
        .collect();
    let files = if asked.merge {
        documents_written
    } else {
        let zip = zip_folder_files(&out, &documents_written)?;
        let zip_path =
            unused_path(&documents.join(format!("{}（每件一个文件）.zip", file_name(&out))));
        write_bytes_atomically(&zip_path, false, &zip).map_err(|e| e.to_string())?;
        let manifest: Vec<PathBuf> = documents_written
            .iter()
            .filter(|p| file_name(p) == MANIFEST_CSV)
            .cloned()
            .collect();
        std::iter::once(zip_path).chain(manifest).collect()
    };
    Ok((
        serde_json::json!({
            "documents": done.rows.len(),
            "pages": pages,
            "folder": out.display().to_string(),
            "ledger": done.ledger.display().to_string(),
            "held": held_json(&done.held),
        }),
        files,
    ))
}

/// A zip (deflated) of `files`, named by their paths below `base`, in the order given.
fn zip_folder_files(base: &Path, files: &[PathBuf]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o600);
    for file in files {
        let name = file
            .strip_prefix(base)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(file).map_err(|e| format!("无法读取 {name}：{e}"))?;
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    zip.finish()
        .map(|c| c.into_inner())
        .map_err(|e| e.to_string())
}

/// `report`: the year-end report (PDF, XLSX, JSON) in `考核报告/年度` of the clerk's folder,
/// numbered from the same ledger as the documents.
fn report_job(asked: &JobRequest, inputs: &Inputs, folder: &Path) -> JobResult {
    let year = asked.year.ok_or("请填写考核年度")?;
    let reports = folder.join("考核报告");
    create_private_dir_all(&reports).map_err(|e| e.to_string())?;
    let out = unused_path(&reports.join(year.to_string()));
    let ledger = folder.join(LEDGER_FILE);
    let request = crate::report::ReportRequest {
        register: &inputs.register,
        year,
        profile: &inputs.profile,
        compare: None,
        ledger: Some(&ledger),
    };
    let done = crate::report::run_report(&request, &out, false).map_err(|e| inputs.clean(e))?;
    let files: Vec<PathBuf> = done.written.into_iter().filter(|p| *p != ledger).collect();
    Ok((
        serde_json::json!({
            "folder": out.display().to_string(),
            "warnings": done.warnings.iter().map(|w| inputs.clean(w)).collect::<Vec<_>>(),
        }),
        files,
    ))
}

/// `preview`: the first page of one document as PNG, its number as the ledger in the clerk's
/// folder has or would give it (read, never written).
pub fn preview_png(
    asked: &JobRequest,
    register: &Upload,
    profile: Option<&Upload>,
    folder: &Path,
) -> Result<Vec<u8>, String> {
    if asked.forms.len() != 1 || asked.persons.len() > 1 {
        return Err("预览需要选一件文书，最多一名人员".into());
    }
    let inputs = Inputs::new(register, &asked.profile, profile)?;
    let Checked {
        as_of,
        profile,
        report,
        ..
    } = inputs.check(asked)?;
    let opts = batch_options(asked, &profile, as_of, folder);
    crate::paperwork::generate::preview(
        &report.register,
        &report.findings,
        &profile,
        &opts,
        PREVIEW_SCALE,
    )
    .map_err(|e| match e {
        GenerateError::Nothing(held) => {
            let reasons: Vec<String> = held
                .iter()
                .flat_map(|h| h.reasons.iter().cloned())
                .collect();
            if reasons.is_empty() {
                "这名人员没有这件文书可出具".to_string()
            } else {
                format!("暂不出具：{}", reasons.join("；"))
            }
        }
        e => inputs.clean(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jobs_inputs_are_private_and_gone_when_it_ends() {
        let upload = Upload {
            name: "东城 台帐.csv".into(),
            bytes: Arc::new(b"a,b\n".to_vec()),
        };
        let inputs = Inputs::new(&upload, "", None).unwrap();
        let dir = inputs.folder.path().to_path_buf();
        assert_eq!(std::fs::read(&inputs.register).unwrap(), b"a,b\n");
        assert_eq!(inputs.profile, "standard");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
            assert_eq!(
                std::fs::metadata(&inputs.register)
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777,
                0o600
            );
        }
        assert_eq!(
            inputs.clean(format!("无法读取 {}", inputs.register.display())),
            "无法读取 东城 台帐.csv"
        );
        drop(inputs);
        assert!(!dir.exists());
    }
}
