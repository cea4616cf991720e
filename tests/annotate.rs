//! The annotated copy (`check --annotate`) is the clerk's register plus notes: a register made
//! from `rehabdocs template` and filled as a clerk (or openpyxl) leaves it is annotated, and
//! its package is compared part by part before and after.

use calamine::{Data, Reader};
use quick_xml::events::Event;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Formula, Note};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2025-06-30";

fn rehabdocs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rehabdocs"))
        .args(args)
        .output()
        .expect("run rehabdocs")
}

/// `check REGISTER --as-of … --annotate OUT` and more arguments.
fn annotate(register: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "check",
        register.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--annotate",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    rehabdocs(&args)
}

fn valid_id(first17: &str) -> String {
    let c = rehabdocs::sample::resident_id::check_char(first17).expect("check char");
    format!("{first17}{c}")
}

fn wrong_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        rehabdocs::sample::resident_id::wrong_check_char(first17)
    )
}

/// A register made from the blank template and filled: three persons (one with a wrong ID
/// check digit and a note of the clerk's on it, one without 决定日期), one far below the
/// template's prepared rows without 姓名, a formula with its cached value, a defined name.
fn register(dir: &Path) -> PathBuf {
    let mut wb = rehabdocs::blank_template::template_workbook().expect("template");
    let text = Format::new()
        .set_num_format("@")
        .set_border(FormatBorder::Thin);
    let date = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_border(FormatBorder::Thin);
    let ws = wb.worksheet_from_name("人员").expect("人员");
    let day = |m, d| ExcelDateTime::from_ymd(2025, m, d).expect("date");
    let persons = [
        (2u32, "P001", "张三", valid_id("11010119800101123"), true),
        (3, "P002", "李四", wrong_id("11010119810202123"), true),
        (4, "P003", "王五", valid_id("11010119820303123"), false),
        (599, "P004", "", valid_id("11010119830404123"), true),
    ];
    for (r, id, name, resident, decided) in &persons {
        ws.write_string_with_format(*r, 0, *id, &text).unwrap();
        if !name.is_empty() {
            ws.write_string(*r, 1, *name).unwrap();
        }
        ws.write_string_with_format(*r, 3, resident, &text).unwrap();
        ws.write_string_with_format(*r, 5, "13800138000", &text)
            .unwrap();
        ws.write_string(*r, 8, "城关镇").unwrap();
        ws.write_string(*r, 9, "东村").unwrap();
        ws.write_string(*r, 10, "社区戒毒").unwrap();
        if *decided {
            ws.write_datetime_with_format(*r, 13, &day(1, 2), &date)
                .unwrap();
        }
        ws.write_datetime_with_format(*r, 14, &day(1, 3), &date)
            .unwrap();
        ws.write_datetime_with_format(*r, 16, &day(1, 6), &date)
            .unwrap();
    }
    // The clerk's own note on the cell a finding will rest on, and a formula with its value.
    ws.insert_note(3, 3, &Note::new("待派出所核实").set_author("文书"))
        .unwrap();
    ws.write_formula(2, 40, Formula::new("=1+2").set_result("3"))
        .unwrap();
    wb.define_name("名单", "=人员!$A$3:$B$6").unwrap();
    let path = dir.join("台帐.xlsx");
    wb.save(&path).expect("save");
    path
}

/// Every entry of a package: name → (content, CRC-32, compressed size).
fn parts(path: &Path) -> BTreeMap<String, (Vec<u8>, u32, u64)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let (crc, size) = (f.crc32(), f.compressed_size());
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(name, (bytes, crc, size));
    }
    out
}

fn text(parts: &BTreeMap<String, (Vec<u8>, u32, u64)>, name: &str) -> String {
    String::from_utf8(parts[name].0.clone()).unwrap()
}

/// The whole element `<name …>…</name>` (first one) of an XML text.
fn element<'t>(xml: &'t str, name: &str) -> &'t str {
    let start = xml
        .find(&format!("<{name}>"))
        .or_else(|| xml.find(&format!("<{name} ")))
        .unwrap_or_else(|| panic!("<{name}> missing"));
    let close = format!("</{name}>");
    match xml[start..].find(&close) {
        Some(e) => &xml[start..start + e + close.len()],
        None => &xml[start..start + xml[start..].find("/>").unwrap() + 2],
    }
}

/// The cells of a sheet: reference → (attributes, inner XML).
fn cells(xml: &str) -> BTreeMap<String, (HashMap<String, String>, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = BTreeMap::new();
    let mut current: Option<(String, HashMap<String, String>)> = None;
    let mut inner = String::new();
    loop {
        let e = reader.read_event().unwrap();
        match &e {
            Event::Eof => break,
            Event::Start(s) | Event::Empty(s) if s.name().as_ref() == "c" => {
                let attrs: HashMap<String, String> = s
                    .attributes()
                    .flatten()
                    .map(|a| (a.key.as_ref().to_string(), a.value.to_string()))
                    .collect();
                let r = attrs["r"].clone();
                if matches!(e, Event::Empty(_)) {
                    out.insert(r, (attrs, String::new()));
                } else {
                    current = Some((r, attrs));
                    inner.clear();
                }
            }
            Event::End(s) if s.name().as_ref() == "c" => {
                if let Some((r, attrs)) = current.take() {
                    out.insert(r, (attrs, inner.clone()));
                }
            }
            other if current.is_some() => {
                let mut w = quick_xml::Writer::new(Vec::new());
                w.write_event(other.borrow()).unwrap();
                inner.push_str(&String::from_utf8(w.into_inner()).unwrap());
            }
            _ => {}
        }
    }
    out
}

/// The cell formats (`<xf>` of cellXfs) of a styles.xml: attributes and inner XML.
fn cell_formats(styles: &str) -> Vec<(HashMap<String, String>, String)> {
    let xfs = element(styles, "cellXfs");
    let mut out = Vec::new();
    let mut rest = &xfs[xfs.find('>').unwrap() + 1..];
    while let Some(at) = rest.find("<xf ") {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..=tag_end];
        let (inner, next) = if tag.ends_with("/>") {
            (String::new(), tag_end + 1)
        } else {
            let close = rest.find("</xf>").unwrap();
            (rest[tag_end + 1..close].to_string(), close + 5)
        };
        let e = quick_xml::events::BytesStart::from_content(
            tag.trim_start_matches('<')
                .trim_end_matches('>')
                .trim_end_matches('/'),
            2,
        );
        let attrs = e
            .attributes()
            .flatten()
            .map(|a| (a.key.as_ref().to_string(), a.value.to_string()))
            .collect();
        out.push((attrs, inner));
        rest = &rest[next..];
    }
    out
}

/// The findings of a check (`--format json`), as (code, cells).
fn findings(register: &Path, more: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut args = vec![
        "check",
        register.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    args.extend_from_slice(more);
    let out = rehabdocs(&args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_annotated_copy_is_the_register_plus_notes() {
    let dir = tempfile::tempdir().unwrap();
    let reg = register(dir.path());
    let out = dir.path().join("标注.xlsx");
    // The schedule rules (missing tests, talks, evaluations) rest on the event sheets' cells:
    // left out here, so that every finding is on 人员 and the parts that change are known.
    let only_persons = ["--ignore", "P105,P106,P107,P108,P109"];
    let run = annotate(&reg, &out, &only_persons);
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let found = findings(&reg, &only_persons);
    let marked: BTreeSet<String> = found
        .iter()
        .flat_map(|(_, cells)| cells.iter().cloned())
        .collect();
    // The cases this test is about are among the findings.
    for cell in ["人员!D4", "人员!N5", "人员!B600"] {
        assert!(marked.contains(cell), "{cell} not marked: {found:?}");
    }
    assert!(
        marked.iter().all(|c| c.starts_with("人员!")),
        "only 人员 has findings: {marked:?}"
    );

    let before = parts(&reg);
    let after = parts(&out);
    // 人员 is the first sheet, with the first comments and drawing of the template.
    let touched = [
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
    ];
    for (name, (bytes, crc, size)) in &before {
        let (a_bytes, a_crc, a_size) = after.get(name).unwrap_or_else(|| panic!("{name} lost"));
        if touched.contains(&name.as_str()) {
            assert_ne!(bytes, a_bytes, "{name} should carry the findings");
        } else {
            // Copied raw: same content, same compressed entry.
            assert!(
                bytes == a_bytes && crc == a_crc && size == a_size,
                "{name} changed"
            );
        }
    }
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(
        added,
        ["xl/worksheets/sheet11.xml", "xl/worksheets/sheet12.xml"],
        "only 问题清单 and 汇总 are new"
    );

    // 人员: everything the clerk made is still there.
    let (old, new) = (
        text(&before, "xl/worksheets/sheet1.xml"),
        text(&after, "xl/worksheets/sheet1.xml"),
    );
    for name in [
        "dataValidations",
        "mergeCells",
        "cols",
        "sheetViews",
        "pageMargins",
    ] {
        assert_eq!(element(&old, name), element(&new, name), "<{name}> changed");
    }
    assert!(element(&old, "dataValidations").contains("<dataValidation "));
    assert!(element(&old, "sheetViews").contains("<pane "));
    assert_eq!(
        element(&old, "legacyDrawing"),
        element(&new, "legacyDrawing"),
        "the clerk's drawing kept"
    );
    let (old_cells, new_cells) = (cells(&old), cells(&new));
    let (old_xfs, new_xfs) = (
        cell_formats(&text(&before, "xl/styles.xml")),
        cell_formats(&text(&after, "xl/styles.xml")),
    );
    assert_eq!(
        new_xfs[..old_xfs.len()],
        old_xfs[..],
        "the clerk's formats kept"
    );
    let styles_after = text(&after, "xl/styles.xml");
    let fills = element(&styles_after, "fills");
    let format_of = |attrs: &HashMap<String, String>, xfs: &[(HashMap<String, String>, String)]| {
        let s: usize = attrs.get("s").map_or(0, |s| s.parse().unwrap());
        xfs[s].clone()
    };
    for (r, (attrs, inner)) in &old_cells {
        let (new_attrs, new_inner) = new_cells.get(r).unwrap_or_else(|| panic!("人员!{r} lost"));
        assert_eq!(inner, new_inner, "人员!{r}: value or formula changed");
        assert_eq!(attrs.get("t"), new_attrs.get("t"), "人员!{r}: type changed");
        let (was, is) = (format_of(attrs, &old_xfs), format_of(new_attrs, &new_xfs));
        if marked.contains(&format!("人员!{r}")) {
            // The cell's own format with a fill: number format, font, border, alignment stay.
            for key in ["numFmtId", "fontId", "borderId", "xfId"] {
                assert_eq!(was.0.get(key), is.0.get(key), "人员!{r}: {key}");
            }
            assert_eq!(was.1, is.1, "人员!{r}: alignment/protection");
            let fill: usize = is.0["fillId"].parse().unwrap();
            let nth = fills.split("<fill>").nth(fill + 1).unwrap();
            assert!(nth.contains("solid"), "人员!{r}: fill {nth}");
        } else {
            assert_eq!(
                attrs.get("s"),
                new_attrs.get("s"),
                "人员!{r}: format changed"
            );
        }
    }
    // The formula keeps its cached value; the text-formatted ID stays text-formatted.
    assert_eq!(new_cells["AO3"].1, "<f>1+2</f><v>3</v>");
    let id_format = &format_of(&new_cells["D4"].0, &new_xfs).0["numFmtId"];
    assert!(
        id_format == "49"
            || styles_after.contains(&format!(
                "<numFmt numFmtId=\"{id_format}\" formatCode=\"@\"/>"
            )),
        "ID cell no longer text-formatted: {id_format}"
    );
    // Cells a finding rests on but the clerk left empty get a fill too, even far below.
    for r in ["N5", "B600"] {
        let (attrs, _) = &new_cells[r];
        let xf = format_of(attrs, &new_xfs);
        assert_ne!(xf.0["fillId"], "0", "{r}");
    }

    // Notes: the clerk's kept, the findings' added (appended on the clerk's D4).
    let (old_notes, new_notes) = (
        text(&before, "xl/comments1.xml"),
        text(&after, "xl/comments1.xml"),
    );
    let note_refs = |xml: &str| -> Vec<String> {
        xml.split("<comment ref=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    };
    let (old_refs, new_refs) = (note_refs(&old_notes), note_refs(&new_notes));
    for r in &old_refs {
        assert!(new_refs.contains(r), "the clerk's note on {r} lost");
    }
    let old_text = element(&old_notes, "commentList");
    for note in old_text.split("<comment ").skip(1) {
        let body = &note[..note.find("</text>").unwrap()];
        assert!(new_notes.contains(body), "the clerk's note changed: {body}");
    }
    assert!(new_notes.contains("待派出所核实"));
    for cell in &marked {
        let a1 = cell.trim_start_matches("人员!");
        assert!(new_refs.iter().any(|r| r == a1), "no note on {cell}");
    }
    let d4 = &new_notes[new_notes.find("<comment ref=\"D4\"").unwrap()..];
    let d4 = &d4[..d4.find("</comment>").unwrap()];
    assert!(d4.contains("待派出所核实") && d4.contains("D003"), "{d4}");
    assert_eq!(new_refs.len(), old_refs.len() + marked.len() - 1);
    // One note box a note.
    let vml = text(&after, "xl/drawings/vmlDrawing1.vml");
    assert_eq!(
        vml.matches("<x:ClientData ObjectType=\"Note\"").count(),
        new_refs.len()
    );

    // Read back: the register's values and defined name as they were, the two new sheets.
    let mut old_book: calamine::Xlsx<_> = calamine::open_workbook(&reg).unwrap();
    let mut new_book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let mut names = old_book.sheet_names();
    names.extend(["问题清单".to_string(), "汇总".to_string()]);
    assert_eq!(new_book.sheet_names(), names);
    for sheet in old_book.sheet_names() {
        assert_eq!(
            old_book.worksheet_range(&sheet).unwrap(),
            new_book.worksheet_range(&sheet).unwrap(),
            "{sheet}"
        );
    }
    assert!(new_book
        .defined_names()
        .iter()
        .any(|(n, f)| n == "名单" && f.contains("$A$3:$B$6")));
    let list = new_book.worksheet_range("问题清单").unwrap();
    assert_eq!(list.height(), found.len() + 1);
    assert_eq!(list.get_value((0, 0)), Some(&Data::String("代码".into())));
    let codes: Vec<String> = list.rows().skip(1).map(|r| r[0].to_string()).collect();
    let expected: Vec<String> = found.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(codes, expected);
    let summary = new_book.worksheet_range("汇总").unwrap();
    assert!(summary
        .rows()
        .any(|r| r[0] == Data::String("D003".into()) && r[3] == Data::Float(1.0)));

    // The same register and findings give the same bytes.
    let again = dir.path().join("again.xlsx");
    annotate(&reg, &again, &only_persons);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());

    // With every rule on, the findings on the event sheets (a missing test points at the 检测
    // sheet) are marked there too: each sheet with findings gets its notes.
    let all = dir.path().join("all.xlsx");
    annotate(&reg, &all, &[]);
    let found_all = findings(&reg, &[]);
    let on_tests = found_all
        .iter()
        .flat_map(|(_, cells)| cells.iter())
        .find(|c| c.starts_with("检测!"))
        .expect("a finding on 检测")
        .clone();
    let parts_all = parts(&all);
    let sheet_of_tests = "xl/worksheets/sheet2.xml";
    assert_ne!(
        text(&before, sheet_of_tests),
        text(&parts_all, sheet_of_tests),
        "{on_tests} marked on 检测"
    );
    let parts_persons_only = parts(&out);
    let more_notes = parts_all
        .iter()
        .filter(|(k, _)| k.starts_with("xl/comments"))
        .any(|(k, v)| parts_persons_only.get(k).map(|p| &p.0) != Some(&v.0));
    assert!(more_notes, "the notes of {on_tests} are written");
}

#[test]
fn annotating_onto_the_register_itself_is_refused_and_leaves_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let reg = register(dir.path());
    let original = std::fs::read(&reg).unwrap();
    let link = dir.path().join("链接.xlsx");
    std::os::unix::fs::symlink(&reg, &link).unwrap();
    let hard = dir.path().join("硬链接.xlsx");
    std::fs::hard_link(&reg, &hard).unwrap();
    std::fs::create_dir(dir.path().join("子")).unwrap();
    let roundabout = dir.path().join("子").join("..").join("台帐.xlsx");
    for target in [&reg, &link, &hard, &roundabout] {
        let out = annotate(&reg, target, &["--force"]);
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("是输入的台帐文件，不能被覆盖"), "{err}");
        assert!(!err.is_ascii() && !err.contains("Error"), "{err}");
        assert!(out.stdout.is_empty(), "nothing checked before the refusal");
        assert_eq!(
            std::fs::read(&reg).unwrap(),
            original,
            "the register changed"
        );
    }
    // The library refuses too (the demo and other callers).
    let outcome = rehabdocs::register::read_register(&reg).unwrap();
    let report = rehabdocs::check::check_loaded(
        outcome.register,
        outcome.findings,
        &rehabdocs::profile::Profile::load("standard").unwrap(),
        chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
        &Default::default(),
    );
    let err = rehabdocs::annotate::write_annotated(&report, &link, rehabdocs::output::Ids::Masked)
        .unwrap_err();
    assert!(err.contains("不能被覆盖"), "{err}");
    assert_eq!(std::fs::read(&reg).unwrap(), original);
}

#[test]
fn a_register_with_macros_keeps_them_only_under_an_xlsm_name() {
    let dir = tempfile::tempdir().unwrap();
    let reg = register(dir.path());
    // The same package declared macro-enabled, as Excel saves an .xlsm.
    let xlsm = dir.path().join("台帐.xlsm");
    {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&reg).unwrap()).unwrap();
        let mut w = zip::ZipWriter::new(std::fs::File::create(&xlsm).unwrap());
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name == "[Content_Types].xml" {
                bytes = String::from_utf8(bytes)
                    .unwrap()
                    .replace(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                    )
                    .into_bytes();
            }
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, &bytes).unwrap();
        }
        w.finish().unwrap();
    }
    let args = |out: &str| annotate(&xlsm, &dir.path().join(out), &[]);
    let refused = args("标注.xlsx");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8(refused.stderr).unwrap().contains(".xlsm"));
    assert!(!dir.path().join("标注.xlsx").exists());
    let kept = args("标注.xlsm");
    assert!(matches!(kept.status.code(), Some(0 | 1)));
    let ct = text(&parts(&dir.path().join("标注.xlsm")), "[Content_Types].xml");
    assert!(ct.contains("macroEnabled"));
}
