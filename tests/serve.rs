//! `rehabdocs serve` driven over HTTP: the binary is started on a free port and talked to
//! with plain HTTP/1.1, as a browser would. A second part drives the real page in headless
//! Chromium through chromedriver (WebDriver).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/sample.xlsx");
const AS_OF: &str = "2025-12-31";

/// A running `rehabdocs serve`, killed when dropped.
struct Served {
    child: Child,
    port: u16,
    token: String,
    folder: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    let folder = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["serve", "--no-browser", "--folder"])
        .arg(folder.path().join("文书存放"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // rehabdocs 操作页面已启动：http://127.0.0.1:PORT/?token=TOKEN
    let url = first.trim().rsplit('：').next().unwrap().to_string();
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap();
    let (port, token) = rest.split_once("/?token=").unwrap();
    Served {
        child,
        port: port.parse().unwrap(),
        token: token.to_string(),
        folder,
    }
}

/// An HTTP response: status, headers (names lower case), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request (`Connection: close`) with the given headers and body.
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    // Read by Content-Length when given: chromedriver keeps the connection open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let split = loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break split;
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed before the response head");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    match length {
        Some(length) => {
            while body.len() < length {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "connection closed inside the body");
                body.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut body).unwrap();
        }
    }
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = unchunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
}

impl Served {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn cookie(&self) -> String {
        format!("rehabdocs_token={}", self.token)
    }

    fn get(&self, path: &str) -> Reply {
        http(
            self.port,
            "GET",
            path,
            &[("Host", &self.host()), ("Cookie", &self.cookie())],
            b"",
        )
    }

    fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let host = self.host();
        let cookie = self.cookie();
        let mut all = vec![("Host", host.as_str()), ("Cookie", cookie.as_str())];
        all.extend_from_slice(headers);
        http(self.port, "POST", path, &all, body)
    }

    fn upload_sample(&self) {
        let reply = self.post(
            "/api/register",
            &[("X-File-Name", "%E5%8F%B0%E5%B8%90%20sample.xlsx")],
            &std::fs::read(SAMPLE).unwrap(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.json()["register"], "台帐 sample.xlsx");
    }

    /// Starts a job and waits for its end; the final status.
    fn job(&self, request: serde_json::Value) -> serde_json::Value {
        let reply = self.post(
            "/api/jobs",
            &[("Content-Type", "application/json")],
            request.to_string().as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        let id = reply.json()["id"].as_u64().unwrap();
        let start = Instant::now();
        loop {
            let status = self.get(&format!("/api/jobs/{id}")).json();
            if !matches!(status["state"].as_str(), Some("running" | "cancelling")) {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(600),
                "job never ended"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The job's file whose name contains `part`: its Content-Disposition and bytes.
    fn download(&self, status: &serde_json::Value, part: &str) -> (String, Vec<u8>) {
        let files = status["files"].as_array().unwrap();
        let file = files
            .iter()
            .find(|f| f["name"].as_str().unwrap().contains(part))
            .unwrap_or_else(|| panic!("no {part} in {files:?}"));
        let reply = self.get(&format!(
            "/api/jobs/{}/files/{}",
            status["id"], file["index"]
        ));
        assert_eq!(reply.status, 200);
        let disposition = reply.header("content-disposition").unwrap().to_string();
        (disposition, reply.body)
    }
}

#[test]
fn requests_without_the_token_or_from_another_host_or_origin_are_refused() {
    let s = serve();
    let host = s.host();
    // No token, a wrong token.
    let none = http(s.port, "GET", "/api/info", &[("Host", &host)], b"");
    assert_eq!(none.status, 403);
    assert!(none.text().contains("访问口令"), "{}", none.text());
    let wrong = http(
        s.port,
        "GET",
        "/api/info",
        &[("Host", &host), ("Cookie", "rehabdocs_token=0123")],
        b"",
    );
    assert_eq!(wrong.status, 403);
    let wrong_query = http(s.port, "GET", "/?token=abc", &[("Host", &host)], b"");
    assert_eq!(wrong_query.status, 403);
    // The right token, but a Host that is not the loopback address (DNS rebinding).
    let rebound = http(
        s.port,
        "GET",
        "/api/info",
        &[
            ("Host", &format!("evil.example:{}", s.port)),
            ("Cookie", &s.cookie()),
        ],
        b"",
    );
    assert_eq!(rebound.status, 421);
    assert!(rebound.text().contains("主机名"));
    // A form posted from another site's page.
    let cross = http(
        s.port,
        "POST",
        "/api/folder",
        &[
            ("Host", &host),
            ("Cookie", &s.cookie()),
            ("Origin", "http://evil.example"),
        ],
        b"{\"folder\":\"/tmp/x\"}",
    );
    assert_eq!(cross.status, 403);
    // Nothing of the page or its data was given away in any refusal.
    for r in [&none, &wrong, &wrong_query, &rebound, &cross] {
        assert!(!r.text().contains("folder") && !r.text().contains("<html"));
    }
    // The address printed at start sets the cookie and shows the page without the token.
    let first = http(
        s.port,
        "GET",
        &format!("/?token={}", s.token),
        &[("Host", &format!("localhost:{}", s.port))],
        b"",
    );
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location"), Some("/"));
    let cookie = first.header("set-cookie").unwrap();
    assert!(
        cookie.starts_with(&s.cookie())
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
    );
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("社区戒毒（康复）台帐工具"));
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));
    let info = s.get("/api/info").json();
    assert_eq!(info["profiles"][0], "standard");
    assert!(info["folder"].as_str().unwrap().ends_with("文书存放"));
}

#[test]
fn an_uploaded_sample_gives_the_findings_of_check_json() {
    let s = serve();
    s.upload_sample();
    let status = s.job(serde_json::json!({"kind": "check", "as_of": AS_OF, "profile": "standard"}));
    assert_eq!(status["state"], "done", "{status}");
    let cli = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["check", SAMPLE, "--format", "json", "--as-of", AS_OF])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(status["result"]["check"], cli);
    assert!(cli["findings"].as_array().unwrap().len() > 10);
    // The persons the page shows them by: names, and resident IDs masked.
    let persons = status["result"]["persons"].as_array().unwrap();
    assert_eq!(
        persons.len() as u64,
        cli["summary"]["persons"].as_u64().unwrap()
    );
    for p in persons {
        let id = p["resident_id"].as_str().unwrap_or("");
        assert!(id.is_empty() || id.contains("********"), "{id}");
    }
    // The breaches to report are those whose due documents include the report to the police.
    let to_report = status["result"]["to_report"].as_array().unwrap();
    assert_eq!(
        to_report.len() as u64,
        cli["summary"]["breaches_to_report"].as_u64().unwrap()
    );
    // The job's run folder (with the uploaded register) is gone.
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("rehabdocs-serve-{}-", s.child.id()))
        })
        .collect();
    assert!(leftovers.is_empty());
    // A chosen date gets no note; today's (the page's default) gets the command line's note
    // on checking as of today, as `check` without --as-of prints it.
    assert!(status["result"]["note"].is_null(), "{status}");
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let now = s.job(serde_json::json!({"kind": "check", "as_of": today}));
    let note = now["result"]["note"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let cli = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["check", SAMPLE])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&cli.stderr);
    assert!(!note.is_empty() && said.contains(&note), "{note} / {said}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_due_documents_download_merged_and_as_a_zip_and_numbers_stay_unique() {
    let s = serve();
    s.upload_sample();
    let merged = s.job(serde_json::json!({"kind": "generate", "as_of": AS_OF, "merge": true}));
    assert_eq!(merged["state"], "done", "{merged}");
    let documents = merged["result"]["documents"].as_u64().unwrap();
    assert!(documents > 0);
    let (disposition, pdf) = s.download(&merged, "文书合订");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merged.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = common::text_of(&path);
    assert!(text.contains("告诫书"), "{}", &text[..text.len().min(400)]);
    // The same batch again, one file per document in a zip: new numbers, never the same.
    let zipped = s.job(serde_json::json!({"kind": "generate", "as_of": AS_OF, "merge": false}));
    assert_eq!(zipped["state"], "done", "{zipped}");
    let (_, zip_bytes) = s.download(&zipped, ".zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|k| zip.by_index(k).unwrap().name().unwrap().to_string())
        .collect();
    assert!(names.iter().any(|n| n == "清单.csv"), "{names:?}");
    let pdfs = names.iter().filter(|n| n.ends_with(".pdf")).count();
    assert!(pdfs as u64 >= documents, "{pdfs} < {documents}");
    // Everything was written into the clerk's folder, owner-only; the ledger holds each
    // number once.
    let folder = s.folder.path().join("文书存放");
    let ledger = std::fs::read_to_string(folder.join("文号台帐.csv")).unwrap();
    let numbers: Vec<&str> = ledger
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').find(|c| c.contains('〔')))
        .collect();
    assert!(!numbers.is_empty());
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), numbers.len());
    #[cfg(unix)]
    {
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&folder.join("文号台帐.csv")), 0o600);
        let batches = folder.join("文书");
        for e in std::fs::read_dir(&batches).unwrap().flatten() {
            let want = if e.path().is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode(&e.path()), want, "{}", e.path().display());
        }
    }
}

#[test]
fn annotate_preview_and_report_come_from_the_same_library_calls() {
    let s = serve();
    s.upload_sample();
    let annotated = s.job(serde_json::json!({"kind": "annotate", "as_of": AS_OF}));
    assert_eq!(annotated["state"], "done", "{annotated}");
    let (disposition, xlsx) = s.download(&annotated, "（已标注）.xlsx");
    assert!(
        disposition.contains("%E5%B7%B2%E6%A0%87%E6%B3%A8"),
        "{disposition}"
    );
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    assert!(calamine::Reader::sheet_names(&mut book).contains(&"问题清单".to_string()));

    let png = s.get(&format!("/api/preview?form=warning_letter&as_of={AS_OF}"));
    assert_eq!(png.status, 200, "{}", png.text());
    assert!(png.body.starts_with(b"\x89PNG"));
    let unknown = s.get(&format!(
        "/api/preview?form=warning_letter&person=NOBODY&as_of={AS_OF}"
    ));
    assert_eq!(unknown.status, 400);
    assert!(rehabdocs::output::has_chinese(
        &unknown.json()["error"].to_string()
    ));

    let report = s.job(serde_json::json!({"kind": "report", "year": 2025}));
    assert_eq!(report["state"], "done", "{report}");
    let (_, pdf) = s.download(&report, "报告-2025.pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let (_, xlsx) = s.download(&report, ".xlsx");
    assert!(xlsx.starts_with(b"PK"));
    let bad_year = s.post(
        "/api/jobs",
        &[("Content-Type", "application/json")],
        br#"{"kind":"report","year":1999}"#,
    );
    assert_eq!(bad_year.status, 400);
}

#[test]
fn a_bad_upload_gets_a_chinese_reason() {
    let s = serve();
    // A profile with an error: refused at upload, with the line.
    let bad = s.post(
        "/api/profile",
        &[("X-File-Name", "county.yaml")],
        b"extends: standard\nschedule: [1, 2\n",
    );
    assert_eq!(bad.status, 400);
    let error = bad.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("county.yaml") && !error.contains("rehabdocs-serve-"),
        "{error}"
    );
    // A job before any register.
    let early = s.post("/api/jobs", &[], br#"{"kind":"check"}"#);
    assert_eq!(early.status, 400);
    assert!(early.json()["error"].as_str().unwrap().contains("台帐"));
    // A picture uploaded as a register: the check fails with the reader's reason.
    let png = s.post(
        "/api/register",
        &[("X-File-Name", "scan.xlsx")],
        b"\x89PNG\r\n\x1a\n0000",
    );
    assert_eq!(png.status, 200);
    let status = s.job(serde_json::json!({"kind": "check", "as_of": AS_OF}));
    assert_eq!(status["state"], "failed");
    let error = status["error"].as_str().unwrap();
    assert!(
        error.contains("scan.xlsx") && !error.contains("rehabdocs-serve-"),
        "{error}"
    );
}

// ---- the page in headless Chromium

/// chromedriver and chromium, when installed. `.ci/run` installs them and sets
/// `REHABDOCS_BROWSER_TEST=require`, so that CI never skips this test.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let find = |names: &[&str]| names.iter().map(PathBuf::from).find(|p| p.is_file());
    let driver = find(&["/usr/bin/chromedriver"]);
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    match (driver, chromium) {
        (Some(d), Some(c)) => Some((d, c)),
        _ => {
            assert!(
                std::env::var("REHABDOCS_BROWSER_TEST").as_deref() != Ok("require"),
                "chromium and chromium-driver are required (REHABDOCS_BROWSER_TEST=require)"
            );
            eprintln!("skipped: chromium / chromium-driver not installed");
            None
        }
    }
}

/// A WebDriver session on a chromedriver of its own.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            &[("Host", "127.0.0.1")],
            b"",
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    fn start(driver: &Path, chromium: &Path, downloads: &Path, profile: &Path) -> Browser {
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--window-size=1366,768",
                         format!("--user-data-dir={}", profile.display())],
                "prefs": {"download.default_directory": downloads,
                          "download.prompt_for_download": false}
            }
        }}});
        let mut browser = Browser {
            driver: child,
            port,
            session: String::new(),
        };
        let reply = browser.call("POST", "/session", caps);
        browser.session = reply["sessionId"].as_str().unwrap().to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        let path = if self.session.is_empty() {
            path.to_string()
        } else {
            format!("/session/{}{path}", self.session)
        };
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let reply = http(
            self.port,
            method,
            &path,
            &[("Host", "127.0.0.1"), ("Content-Type", "application/json")],
            &body,
        );
        let value = reply.json()["value"].clone();
        assert_eq!(reply.status, 200, "{method} {path}: {value}");
        value
    }

    fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            serde_json::json!({"using": "css selector", "value": css}),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap()
            .to_string()
    }

    fn script(&self, js: &str) -> serde_json::Value {
        self.call(
            "POST",
            "/execute/sync",
            serde_json::json!({"script": js, "args": []}),
        )
    }

    /// Waits until `js` (a function body returning a value) gives something truthy.
    fn wait_for(&self, js: &str, what: &str) -> serde_json::Value {
        eprintln!("browser: waiting for {what}");
        let start = Instant::now();
        loop {
            let v = self.script(js);
            if !(v.is_null() || v == false || v == 0 || v == "") {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "waited in vain for {what}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn screenshot(&self, to: &Path) {
        self.wait_for(
            "return document.fonts.status === 'loaded'",
            "the page's fonts",
        );
        let b64 = self.call("GET", "/screenshot", serde_json::Value::Null);
        std::fs::write(to, decode_base64(b64.as_str().unwrap())).unwrap();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, c)| n | (value(*c) as u32) << (18 - 6 * k));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn the_page_in_chromium_checks_the_sample_and_downloads_the_merged_pdf() {
    let Some((driver, chromium)) = browser_tools() else {
        return;
    };
    let s = serve();
    let work = tempfile::tempdir().unwrap();
    let downloads = work.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    let b = Browser::start(&driver, &chromium, &downloads, &work.path().join("profile"));
    b.call(
        "POST",
        "/url",
        serde_json::json!({"url": format!("http://127.0.0.1:{}/?token={}", s.port, s.token)}),
    );
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    // The address lost its token; the folder is shown.
    b.wait_for(
        "return document.getElementById('folder-shown').textContent.includes('文书存放')",
        "the page",
    );
    assert_eq!(
        b.call("GET", "/url", serde_json::Value::Null),
        format!("http://127.0.0.1:{}/", s.port)
    );
    b.script("document.getElementById('as-of').value = '2025-12-31'; return 1;");
    b.screenshot(&shots.join("1-register.png"));
    // Choose the sample: the check runs and the findings table fills.
    let input = b.element("#register-file");
    b.call(
        "POST",
        &format!("/element/{input}/value"),
        serde_json::json!({"text": SAMPLE}),
    );
    let rows = b.wait_for(
        "return document.querySelectorAll('#groups table.findings tbody tr').length",
        "the findings table",
    );
    let cli = Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(["check", SAMPLE, "--format", "json", "--as-of", AS_OF])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(
        rows.as_u64().unwrap(),
        cli["findings"].as_array().unwrap().len() as u64
    );
    let first_message = cli["findings"][0]["message"].as_str().unwrap();
    let page_text = b
        .script("return document.getElementById('groups').innerText")
        .to_string();
    assert!(page_text.contains(first_message), "{first_message}");
    b.screenshot(&shots.join("2-findings.png"));
    // Print: the merged PDF, downloaded by the browser.
    b.script("document.querySelector('[data-tab=tab-print]').click(); return 1;");
    b.script("document.getElementById('run-generate').click(); return 1;");
    b.wait_for(
        "return document.querySelector('#generate-result a') !== null",
        "the download link",
    );
    b.screenshot(&shots.join("3-print.png"));
    b.script("document.querySelector('#generate-result a').click(); return 1;");
    let start = Instant::now();
    let pdf = loop {
        let done: Vec<PathBuf> = std::fs::read_dir(&downloads)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        if let Some(p) = done.first() {
            break p.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no download");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        pdf.file_name().unwrap().to_string_lossy().contains("合订"),
        "{}",
        pdf.display()
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    // Year-end report.
    b.script("document.querySelector('[data-tab=tab-report]').click(); document.getElementById('year').value = '2025'; document.getElementById('run-report').click(); return 1;");
    b.wait_for(
        "return document.querySelector('#report-result a') !== null",
        "the report",
    );
    b.screenshot(&shots.join("4-report.png"));
}
