//! `rehabdocs serve`: the clerk's front door, a page in the browser served from this machine.
//!
//! - Loopback only (127.0.0.1), a free port unless `--port`.
//! - Every request needs the session token: printed in the address the program opens, then
//!   kept as an HttpOnly, SameSite=Strict cookie. The Host header must name the loopback
//!   address and port (a web page that rebinds its own name to 127.0.0.1 is refused), and a
//!   request that says it comes from another origin is refused.
//! - The page is static (HTML, CSS, JS embedded in the binary, no network) over a JSON API;
//!   register values reach the page only as JSON and are shown as text, never as markup.
//! - Uploads are held in memory; a job writes them into a run folder of its own (owner-only,
//!   in the system's temporary folder) that is removed when the job ends
//!   ([`crate::write_file::RunFolder`]). Everything the clerk keeps (annotated registers,
//!   documents, reports, the office's ledger of numbers) is written into the one folder the
//!   clerk chose, by the same writer as the command line.
//! - Long work runs as a job ([`jobs`]) the page polls for progress and may cancel; it calls
//!   the same library functions as the command line.

pub mod jobs;

use crate::profile::bundled_names;
use crate::register::MAX_INPUT_BYTES;
use jobs::{JobKind, JobRequest, Jobs, Upload};
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tiny_http::{Header, Method, Request, Response};

/// How `serve` is started.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// 0: any free port.
    pub port: u16,
    /// The folder everything the clerk keeps is written into.
    pub folder: PathBuf,
}

/// The cookie that carries the session token.
const COOKIE: &str = "rehabdocs_token";
/// The largest profile YAML accepted.
const MAX_PROFILE_BYTES: u64 = 1024 * 1024;
/// The largest JSON request body (a job's settings).
const MAX_JSON_BYTES: u64 = 64 * 1024;

/// The page and its assets, embedded.
const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");
/// The embedded font the page falls back on where the machine has no Chinese font.
const PAGE_FONT: &str = "NotoSansCJKsc-Regular.otf";

/// What one serving process holds: its token, the clerk's folder and uploads, the jobs.
pub struct State {
    token: String,
    port: u16,
    pub(crate) folder: Mutex<PathBuf>,
    pub(crate) register: Mutex<Option<Upload>>,
    pub(crate) profile: Mutex<Option<Upload>>,
    jobs: Jobs,
}

/// A started server: call [`Server::run`] to answer requests.
pub struct Server {
    http: tiny_http::Server,
    state: Arc<State>,
}

impl Server {
    /// Binds 127.0.0.1 (`opts.port`, or a free one) and makes the session token.
    pub fn start(opts: &ServeOptions) -> Result<Server, String> {
        let http = tiny_http::Server::http(("127.0.0.1", opts.port))
            .map_err(|e| format!("无法在本机端口 {} 上启动：{e}", opts.port))?;
        let port = http
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or("无法取得本机端口")?;
        let token = new_token()?;
        jobs::remove_dead_job_folders();
        Ok(Server {
            http,
            state: Arc::new(State {
                token,
                port,
                folder: Mutex::new(opts.folder.clone()),
                register: Mutex::new(None),
                profile: Mutex::new(None),
                jobs: Jobs::default(),
            }),
        })
    }

    /// The address to open: the page, with the session token.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?token={}",
            self.state.port, self.state.token
        )
    }

    /// Answers requests until the process ends; each request on a thread of its own.
    pub fn run(self) {
        for request in self.http.incoming_requests() {
            let state = self.state.clone();
            std::thread::spawn(move || handle(&state, request));
        }
    }
}

/// 32 random bytes from the operating system, in hex.
fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("无法生成访问口令：{e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The default folder for what the clerk keeps: `文档/rehabdocs` (Documents) in the home
/// folder, else `rehabdocs` in it, else in the current folder.
pub fn default_folder() -> PathBuf {
    let home = std::env::var_os("USERPROFILE")
        .or_else(|| std::env::var_os("HOME"))
        .map(PathBuf::from);
    match home {
        Some(home) if home.join("Documents").is_dir() => home.join("Documents").join("rehabdocs"),
        Some(home) => home.join("rehabdocs"),
        None => PathBuf::from("rehabdocs"),
    }
}

/// Opens `url` in the default browser; false when no browser could be started.
pub fn open_browser(url: &str) -> bool {
    #[cfg(windows)]
    let mut command = {
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    };
    #[cfg(target_os = "macos")]
    let mut command = {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    };
    #[cfg(not(any(windows, target_os = "macos")))]
    let mut command = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

/// A response: status, content type, body, and headers of its own.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Body,
    headers: Vec<(&'static str, String)>,
}

enum Body {
    Bytes(Vec<u8>),
    File(std::fs::File),
}

impl Answer {
    fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Answer {
        Answer {
            status,
            content_type,
            body: Body::Bytes(body),
            headers: Vec::new(),
        }
    }

    fn json(status: u16, value: &serde_json::Value) -> Answer {
        Answer::bytes(
            status,
            "application/json; charset=utf-8",
            value.to_string().into_bytes(),
        )
    }

    /// An error for the page: `{"error": "…"}` (Chinese, personal numbers masked).
    fn error(status: u16, message: &str) -> Answer {
        Answer::json(
            status,
            &serde_json::json!({ "error": crate::output::mask_personal_numbers(message) }),
        )
    }

    fn with_header(mut self, name: &'static str, value: String) -> Answer {
        self.headers.push((name, value));
        self
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Sends `answer` with the headers every response carries: no caching, no sniffing, no
/// framing, no referrer, and a content policy that allows only the page's own files.
fn send(request: Request, answer: Answer) {
    let mut headers: Vec<Header> = [
        ("Content-Type", answer.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
        ("Referrer-Policy", "no-referrer".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; \
             connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
                .to_string(),
        ),
    ]
    .iter()
    .chain(answer.headers.iter())
    .filter_map(|(n, v)| header(n, v))
    .collect();
    let status = tiny_http::StatusCode(answer.status);
    let result = match answer.body {
        Body::Bytes(bytes) => {
            let mut response = Response::from_data(bytes).with_status_code(status);
            for h in headers.drain(..) {
                response.add_header(h);
            }
            request.respond(response)
        }
        Body::File(file) => {
            let mut response = Response::from_file(file).with_status_code(status);
            for h in headers.drain(..) {
                response.add_header(h);
            }
            request.respond(response)
        }
    };
    // A browser that went away is not an error of ours.
    let _ = result;
}

/// The request's header `name` (case-insensitive), if any.
fn request_header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Whether `text` names this server: `127.0.0.1:PORT` or `localhost:PORT`.
fn is_our_host(text: &str, port: u16) -> bool {
    text == format!("127.0.0.1:{port}") || text == format!("localhost:{port}")
}

/// Path and query parameters of a request URL.
fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let params = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (path, params)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Compares two tokens in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The token the request carries: in its cookie, or as `?token=`.
fn carried_token<'a>(request: &'a Request, params: &'a [(String, String)]) -> Option<&'a str> {
    let from_cookie = request_header(request, "Cookie").and_then(|cookies| {
        cookies.split(';').find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == COOKIE).then_some(v)
        })
    });
    from_cookie.or_else(|| param(params, "token"))
}

/// Why a request is refused before it is read, if it is: a Host that is not this server, no
/// or a wrong token, or a request from another origin.
fn refusal(state: &State, request: &Request, params: &[(String, String)]) -> Option<Answer> {
    let host_ok = request_header(request, "Host").is_some_and(|h| is_our_host(h, state.port));
    if !host_ok {
        return Some(Answer::bytes(
            421,
            "text/plain; charset=utf-8",
            "请求的主机名不是本机地址，已拒绝。请使用程序启动时显示的网址（http://127.0.0.1:…）。"
                .as_bytes()
                .to_vec(),
        ));
    }
    let token_ok = carried_token(request, params).is_some_and(|t| same_token(t, &state.token));
    if !token_ok {
        return Some(Answer::bytes(
            403,
            "text/plain; charset=utf-8",
            "缺少或错误的访问口令，已拒绝。请使用程序启动时显示的网址打开本页（网址中含口令）。"
                .as_bytes()
                .to_vec(),
        ));
    }
    let origin_ok = request_header(request, "Origin").is_none_or(|o| {
        o.strip_prefix("http://")
            .is_some_and(|h| is_our_host(h, state.port))
    });
    let cross_site = request_header(request, "Sec-Fetch-Site")
        .is_some_and(|s| s.eq_ignore_ascii_case("cross-site"));
    if !origin_ok || cross_site {
        return Some(Answer::error(403, "来自其他网页的请求，已拒绝。"));
    }
    None
}

fn handle(state: &State, mut request: Request) {
    let (path, params) = split_url(request.url());
    if let Some(refused) = refusal(state, &request, &params) {
        send(request, refused);
        return;
    }
    // The address printed at start carries the token: keep it as a cookie and show the page
    // under a clean address (no token in the history or on screen).
    if path == "/" && param(&params, "token").is_some() {
        let cookie = format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            state.token
        );
        let answer = Answer::bytes(303, "text/plain; charset=utf-8", Vec::new())
            .with_header("Set-Cookie", cookie)
            .with_header("Location", "/".to_string());
        send(request, answer);
        return;
    }
    let answer = route(state, &mut request, &path, &params);
    send(request, answer);
}

fn route(state: &State, request: &mut Request, path: &str, params: &[(String, String)]) -> Answer {
    let method = request.method().clone();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (&method, segments.as_slice()) {
        (Method::Get, [""]) => Answer::bytes(
            200,
            "text/html; charset=utf-8",
            INDEX_HTML.as_bytes().to_vec(),
        ),
        (Method::Get, ["app.js"]) => Answer::bytes(
            200,
            "text/javascript; charset=utf-8",
            APP_JS.as_bytes().to_vec(),
        ),
        (Method::Get, ["app.css"]) => {
            Answer::bytes(200, "text/css; charset=utf-8", APP_CSS.as_bytes().to_vec())
        }
        (Method::Get, ["sans.otf"]) => match crate::render::fonts::embedded_file(PAGE_FONT) {
            Some(font) => Answer::bytes(200, "font/otf", font.to_vec()),
            None => Answer::error(404, "没有这个字体"),
        },
        (Method::Get, ["api", "info"]) => info(state),
        (Method::Post, ["api", "folder"]) => set_folder(state, request),
        (Method::Post, ["api", "register"]) => upload(state, request, Uploaded::Register),
        (Method::Post, ["api", "profile"]) => upload(state, request, Uploaded::Profile),
        (Method::Post, ["api", "jobs"]) => start_job(state, request),
        (Method::Get, ["api", "jobs", id]) => match state.jobs.get(id) {
            Some(job) => Answer::json(200, &job.status()),
            None => Answer::error(404, "没有这项任务"),
        },
        (Method::Post, ["api", "jobs", id, "cancel"]) => match state.jobs.get(id) {
            Some(job) => {
                job.cancel();
                Answer::json(200, &job.status())
            }
            None => Answer::error(404, "没有这项任务"),
        },
        (Method::Get, ["api", "jobs", id, "files", k]) => download(state, id, k),
        (Method::Get, ["api", "preview"]) => preview(state, params),
        _ => Answer::error(404, "没有这个页面"),
    }
}

/// What the page shows at start: the folder, the bundled profiles, today, the uploads.
fn info(state: &State) -> Answer {
    let folder = state.folder.lock().map(|f| f.clone()).unwrap_or_default();
    let upload_name = |u: &Mutex<Option<Upload>>| {
        u.lock()
            .ok()
            .and_then(|u| u.as_ref().map(|u| u.name.clone()))
    };
    Answer::json(
        200,
        &serde_json::json!({
            "folder": folder.display().to_string(),
            "profiles": bundled_names(),
            "forms": crate::paperwork::forms::all().iter().map(|f| serde_json::json!({
                "id": f.id,
                "short": f.short,
                "title": f.title,
            })).collect::<Vec<_>>(),
            "today": chrono::Local::now().date_naive().format("%Y-%m-%d").to_string(),
            "register": upload_name(&state.register),
            "profile": upload_name(&state.profile),
            "version": env!("CARGO_PKG_VERSION"),
        }),
    )
}

/// Reads a request body of at most `limit` bytes.
fn read_body(request: &mut Request, limit: u64, what: &str) -> Result<Vec<u8>, Answer> {
    let too_large = || {
        Answer::error(
            413,
            &format!("{what}太大（上限 {} MB）", limit.div_ceil(1024 * 1024)),
        )
    };
    if request.body_length().is_some_and(|n| n as u64 > limit) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    request
        .as_reader()
        .take(limit + 1)
        .read_to_end(&mut body)
        .map_err(|e| Answer::error(400, &format!("读取上传内容失败：{e}")))?;
    if body.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(body)
}

fn read_json<T: for<'de> Deserialize<'de>>(request: &mut Request) -> Result<T, Answer> {
    let body = read_body(request, MAX_JSON_BYTES, "请求")?;
    serde_json::from_slice(&body).map_err(|e| Answer::error(400, &format!("请求格式有误：{e}")))
}

#[derive(Deserialize)]
struct FolderRequest {
    folder: String,
}

/// Sets the folder everything is written into: an absolute path, made owner-only when new.
fn set_folder(state: &State, request: &mut Request) -> Answer {
    let asked: FolderRequest = match read_json(request) {
        Ok(r) => r,
        Err(a) => return a,
    };
    let folder = PathBuf::from(asked.folder.trim());
    if !folder.is_absolute() {
        return Answer::error(
            400,
            "请填写完整的文件夹路径（如 D:\\戒毒文书 或 /home/用户/戒毒文书）",
        );
    }
    if folder.exists() && !folder.is_dir() {
        return Answer::error(400, &format!("{} 不是文件夹", folder.display()));
    }
    if let Err(e) = crate::write_file::create_private_dir_all(&folder) {
        return Answer::error(400, &e.to_string());
    }
    if let Ok(mut f) = state.folder.lock() {
        *f = folder;
    }
    info(state)
}

#[derive(Clone, Copy)]
enum Uploaded {
    Register,
    Profile,
}

/// The uploaded file's name, from the `X-File-Name` header (percent-encoded UTF-8): its last
/// path component only.
fn upload_name(request: &Request) -> Option<String> {
    let raw = request_header(request, "X-File-Name")?;
    let name = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    let name = name.rsplit(['/', '\\']).next()?.trim().to_string();
    (!name.is_empty() && name != "." && name != ".." && !name.chars().any(char::is_control))
        .then_some(name)
}

/// Takes an uploaded register or profile into memory. A profile is loaded once to check it
/// (its errors go back to the page at once).
fn upload(state: &State, request: &mut Request, what: Uploaded) -> Answer {
    let Some(name) = upload_name(request) else {
        return Answer::error(400, "上传缺少文件名");
    };
    let (limit, label) = match what {
        Uploaded::Register => (MAX_INPUT_BYTES, "台帐"),
        Uploaded::Profile => (MAX_PROFILE_BYTES, "配置文件"),
    };
    let bytes = match read_body(request, limit, label) {
        Ok(b) => b,
        Err(a) => return a,
    };
    if bytes.is_empty() {
        return Answer::error(400, &format!("{label}「{name}」是空文件"));
    }
    let upload = Upload {
        name,
        bytes: Arc::new(bytes),
    };
    match what {
        Uploaded::Register => {
            if let Ok(mut r) = state.register.lock() {
                *r = Some(upload);
            }
        }
        Uploaded::Profile => {
            if let Err(e) = jobs::check_profile(&upload) {
                return Answer::error(400, &e);
            }
            if let Ok(mut p) = state.profile.lock() {
                *p = Some(upload);
            }
        }
    }
    info(state)
}

fn start_job(state: &State, request: &mut Request) -> Answer {
    let asked: JobRequest = match read_json(request) {
        Ok(r) => r,
        Err(a) => return a,
    };
    let Some(register) = state.register.lock().ok().and_then(|r| r.clone()) else {
        return Answer::error(400, "请先选择台帐文件");
    };
    let profile = if asked.profile == jobs::UPLOADED_PROFILE {
        match state.profile.lock().ok().and_then(|p| p.clone()) {
            Some(p) => Some(p),
            None => return Answer::error(400, "请先上传配置文件"),
        }
    } else {
        None
    };
    if asked.kind == JobKind::Report && asked.year.is_none_or(|y| !(2000..=2100).contains(&y)) {
        return Answer::error(400, "请填写 2000 到 2100 之间的考核年度");
    }
    let folder = state.folder.lock().map(|f| f.clone()).unwrap_or_default();
    let job = state.jobs.start(asked, register, profile, folder);
    Answer::json(200, &job.status())
}

/// A file a job wrote, for the browser to save.
fn download(state: &State, id: &str, k: &str) -> Answer {
    let Some(job) = state.jobs.get(id) else {
        return Answer::error(404, "没有这项任务");
    };
    let Some(path) = k.parse::<usize>().ok().and_then(|k| job.file(k)) else {
        return Answer::error(404, "没有这个文件");
    };
    let name = file_name(&path);
    match std::fs::File::open(&path) {
        Ok(file) => Answer {
            status: 200,
            content_type: content_type(&name),
            body: Body::File(file),
            headers: vec![("Content-Disposition", attachment(&name))],
        },
        Err(e) => Answer::error(404, &format!("无法读取 {name}：{e}")),
    }
}

/// The last component of `path`, as text (a file's name for the page and for downloads).
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsm" => "application/vnd.ms-excel.sheet.macroEnabled.12",
        "zip" => "application/zip",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// `Content-Disposition` for a download: an ASCII stand-in name, and the real (Chinese) name
/// as RFC 5987 UTF-8.
fn attachment(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The first page of one document as PNG (short: answered at once, not as a job).
fn preview(state: &State, params: &[(String, String)]) -> Answer {
    let Some(register) = state.register.lock().ok().and_then(|r| r.clone()) else {
        return Answer::error(400, "请先选择台帐文件");
    };
    let profile_name = param(params, "profile").unwrap_or("standard");
    let profile = if profile_name == jobs::UPLOADED_PROFILE {
        state.profile.lock().ok().and_then(|p| p.clone())
    } else {
        None
    };
    let asked = JobRequest {
        kind: JobKind::Preview,
        as_of: param(params, "as_of").unwrap_or("").to_string(),
        profile: profile_name.to_string(),
        forms: param(params, "form")
            .map(str::to_string)
            .into_iter()
            .collect(),
        persons: param(params, "person")
            .map(str::to_string)
            .into_iter()
            .collect(),
        ..JobRequest::default()
    };
    let folder = state.folder.lock().map(|f| f.clone()).unwrap_or_default();
    match jobs::preview_png(&asked, &register, profile.as_ref(), &folder) {
        Ok(png) => Answer::bytes(200, "image/png", png),
        Err(e) => Answer::error(400, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_loopback_names_are_our_host() {
        assert!(is_our_host("127.0.0.1:8080", 8080));
        assert!(is_our_host("localhost:8080", 8080));
        assert!(!is_our_host("127.0.0.1:8081", 8080));
        assert!(!is_our_host("evil.example:8080", 8080));
        assert!(!is_our_host("127.0.0.1", 8080));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("ab12", "ab12"));
        assert!(!same_token("ab12", "ab13"));
        assert!(!same_token("ab12", "ab1"));
        assert!(!same_token("", "a"));
    }

    #[test]
    fn a_download_keeps_its_chinese_name() {
        assert_eq!(
            attachment("告诫书 张三.pdf"),
            "attachment; filename=\"______.pdf\"; \
             filename*=UTF-8''%E5%91%8A%E8%AF%AB%E4%B9%A6%20%E5%BC%A0%E4%B8%89%2Epdf"
        );
        assert_eq!(content_type("a.xlsx").len(), 65);
    }

    #[test]
    fn urls_split_into_path_and_decoded_parameters() {
        let (path, params) = split_url("/api/preview?form=%E5%91%8A%E8%AF%AB%E4%B9%A6&person=R1");
        assert_eq!(path, "/api/preview");
        assert_eq!(param(&params, "form"), Some("告诫书"));
        assert_eq!(param(&params, "person"), Some("R1"));
        assert_eq!(param(&params, "x"), None);
    }
}
