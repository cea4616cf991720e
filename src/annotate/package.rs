//! The register's package (zip of XML parts) and its annotated copy: untouched entries copied
//! raw in their order, then the touched and new parts (see the module doc of `annotate`).

use super::notes::{self, Comments};
use super::sheet::annotate_sheet;
use super::styles::Styles;
use super::xml::{attr, escape, local, prefix_for, Edit, Spans, REL_NS};
use super::{lists, safe_sheet_name, Job, MarkedCell};
use quick_xml::events::Event;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Why a package could not be opened for editing.
#[derive(Debug)]
pub enum OpenError {
    /// It is readable but unusual (no styles, strict OOXML…): make a fresh copy instead.
    NotEditable(String),
    Failed(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::NotEditable(e) | OpenError::Failed(e) => f.write_str(e),
        }
    }
}

const CONTENT_TYPES: &str = "[Content_Types].xml";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const WORKSHEET_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const VML_TYPE: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";

/// One relationship of a part.
#[derive(Debug, Clone)]
struct Rel {
    id: String,
    /// The last segment of its type (`worksheet`, `comments`, `vmlDrawing`…).
    kind: String,
    /// The part it points to (a zip entry name), `None` for external targets.
    target: Option<String>,
}

/// A worksheet of the workbook.
struct SheetPart {
    name: String,
    path: String,
}

pub struct Package<R: Read + Seek> {
    zip: ZipArchive<R>,
    content_types: Vec<u8>,
    workbook_path: String,
    workbook: Vec<u8>,
    workbook_rels_path: String,
    workbook_rels: Vec<u8>,
    workbook_rel_ids: Vec<String>,
    styles_path: String,
    styles: Styles,
    /// Every sheet name of the workbook, in order (chart sheets too).
    sheet_names: Vec<String>,
    worksheets: Vec<SheetPart>,
    /// Register sheet name → name in this package (fresh copies rename unsafe names).
    renamed: HashMap<String, String>,
}

/// Reads a whole entry; `None` when absent.
fn read_entry<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let Some(i) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let mut f = zip.by_index(i).map_err(|e| format!("{name}：{e}"))?;
    let mut out = Vec::new();
    f.read_to_end(&mut out)
        .map_err(|e| format!("{name}：{e}"))?;
    Ok(Some(out))
}

/// The folder of a part (`xl/worksheets/sheet1.xml` → `xl/worksheets/`).
fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// The relationships part of a part.
fn rels_path(part: &str) -> String {
    let dir = dir_of(part);
    format!("{dir}_rels/{}.rels", &part[dir.len()..])
}

/// A relationship target as a zip entry name.
fn resolve(base_dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{base_dir}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The relationships of a part (`rels` is its .rels file).
fn parse_rels(rels: &[u8], part: &str) -> Result<Vec<Rel>, String> {
    let mut out = Vec::new();
    let mut spans = Spans::new(rels);
    while let Some((event, _)) = spans.next()? {
        if let Event::Empty(e) | Event::Start(e) = event {
            if local(e.name().as_ref()) != "Relationship" {
                continue;
            }
            let kind = attr(&e, "Type").unwrap_or_default();
            let kind = kind.rsplit('/').next().unwrap_or("").to_string();
            let external = attr(&e, "TargetMode").is_some_and(|m| m == "External");
            let target = attr(&e, "Target")
                .filter(|_| !external)
                .map(|t| resolve(dir_of(part), &t));
            out.push(Rel {
                id: attr(&e, "Id").unwrap_or_default(),
                kind,
                target,
            });
        }
    }
    Ok(out)
}

/// A relationship id not among `taken` (and taken from now on).
fn fresh_id(taken: &mut Vec<String>) -> String {
    let mut k = taken.len() + 1;
    loop {
        let id = format!("rId{k}");
        if !taken.contains(&id) {
            taken.push(id.clone());
            return id;
        }
        k += 1;
    }
}

fn relationship(id: &str, kind: &str, target: &str) -> String {
    format!(
        "<Relationship Id=\"{id}\" Type=\"{REL_TYPE}/{kind}\" Target=\"/{}\"/>",
        escape(target)
    )
}

/// `bytes` with `added` put before the root's end tag `</name>`.
fn append_to_root(bytes: &[u8], name: &str, added: &str) -> Result<Vec<u8>, String> {
    let text = String::from_utf8_lossy(bytes);
    let close = format!("</{name}>");
    if let Some(at) = text.rfind(&close) {
        return Ok(super::xml::splice(bytes, vec![Edit::insert(at, added)]));
    }
    // `<Name …/>`: opened and closed.
    let open = text
        .rfind(&format!("<{name}"))
        .ok_or_else(|| format!("找不到 <{name}>"))?;
    let end = text[open..]
        .find("/>")
        .map(|e| open + e)
        .ok_or_else(|| format!("<{name}> 无法解析"))?;
    Ok(super::xml::splice(
        bytes,
        vec![Edit::replace(end..end + 2, format!(">{added}{close}"))],
    ))
}

fn not_editable(e: impl std::fmt::Display) -> OpenError {
    OpenError::NotEditable(e.to_string())
}

impl<R: Read + Seek> Package<R> {
    /// Opens a package for editing; `renamed` maps register sheet names to the package's.
    pub fn open(input: R, renamed: &HashMap<String, String>) -> Result<Package<R>, OpenError> {
        let mut zip = ZipArchive::new(input)
            .map_err(|e| OpenError::Failed(format!("无法打开工作簿：{e}")))?;
        let content_types = read_entry(&mut zip, CONTENT_TYPES)
            .map_err(not_editable)?
            .ok_or_else(|| not_editable("缺少 [Content_Types].xml"))?;
        let root_rels = read_entry(&mut zip, "_rels/.rels")
            .map_err(not_editable)?
            .ok_or_else(|| not_editable("缺少 _rels/.rels"))?;
        if String::from_utf8_lossy(&root_rels).contains("purl.oclc.org") {
            return Err(not_editable("严格 OOXML"));
        }
        let workbook_path = parse_rels(&root_rels, "")
            .map_err(not_editable)?
            .into_iter()
            .find(|r| r.kind == "officeDocument")
            .and_then(|r| r.target)
            .ok_or_else(|| not_editable("找不到工作簿部件"))?;
        let workbook = read_entry(&mut zip, &workbook_path)
            .map_err(not_editable)?
            .ok_or_else(|| not_editable("缺少工作簿部件"))?;
        let workbook_rels_path = rels_path(&workbook_path);
        let workbook_rels = read_entry(&mut zip, &workbook_rels_path)
            .map_err(not_editable)?
            .ok_or_else(|| not_editable("缺少工作簿关系"))?;
        let rels = parse_rels(&workbook_rels, &workbook_path).map_err(not_editable)?;
        let styles_path = rels
            .iter()
            .find(|r| r.kind == "styles")
            .and_then(|r| r.target.clone())
            .ok_or_else(|| not_editable("缺少样式表"))?;
        let styles = read_entry(&mut zip, &styles_path)
            .map_err(not_editable)?
            .ok_or_else(|| not_editable("缺少样式表"))?;
        let styles = Styles::parse(styles).map_err(not_editable)?;
        let mut sheet_names = Vec::new();
        let mut worksheets = Vec::new();
        let mut spans = Spans::new(&workbook);
        while let Some((event, _)) = spans.next().map_err(not_editable)? {
            if let Event::Empty(e) | Event::Start(e) = event {
                if local(e.name().as_ref()) != "sheet" {
                    continue;
                }
                let name = attr(&e, "name").unwrap_or_default();
                let id = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .find(|a| a.key.as_ref().ends_with(":id"))
                    .map(|a| a.value.to_string());
                let rel = id.and_then(|id| rels.iter().find(|r| r.id == id));
                if let Some(Rel {
                    kind,
                    target: Some(path),
                    ..
                }) = rel
                {
                    if kind == "worksheet" {
                        worksheets.push(SheetPart {
                            name: name.clone(),
                            path: path.clone(),
                        });
                    }
                }
                sheet_names.push(name);
            }
        }
        Ok(Package {
            zip,
            content_types,
            workbook_path,
            workbook,
            workbook_rels_path,
            workbook_rels,
            workbook_rel_ids: rels.into_iter().map(|r| r.id).collect(),
            styles_path,
            styles,
            sheet_names,
            worksheets,
            renamed: renamed.clone(),
        })
    }

    /// Whether the workbook holds macros (.xlsm): its copy must be named .xlsm too.
    pub fn has_macros(&self) -> bool {
        String::from_utf8_lossy(&self.content_types).contains("macroEnabled")
    }

    /// The package's name of a register sheet.
    fn package_name<'n>(&'n self, name: &'n str) -> &'n str {
        self.renamed.get(name).map_or(name, String::as_str)
    }

    /// Writes the annotated package to `out` and returns it.
    pub fn annotate<W: Write + Seek>(&mut self, job: &Job, out: W) -> Result<W, String> {
        let zerr = |e: zip::result::ZipError| format!("写入工作簿出错：{e}");
        let ioerr = |e: std::io::Error| format!("写入工作簿出错：{e}");
        // Entry names by index (an unreadable name stays empty and is copied raw).
        let names: Vec<String> = (0..self.zip.len())
            .map(|i| {
                self.zip
                    .name_for_index(i)
                    .and_then(Result::ok)
                    .map(|n| n.into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let mut used: HashSet<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let mut fresh_part = |stem: &str, ext: &str| -> String {
            let mut n = 1;
            loop {
                let name = format!("{stem}{n}.{ext}");
                if used.insert(name.to_ascii_lowercase()) {
                    return name;
                }
                n += 1;
            }
        };
        let base = dir_of(&self.workbook_path).to_string();

        // The sheets with findings, in workbook order, and what they need.
        let mut touched: Vec<Touched> = Vec::new();
        let mut deferred: BTreeSet<String> = BTreeSet::new();
        for sheet in &self.worksheets {
            let Some((_, cells)) = job
                .marks
                .sheets
                .iter()
                .find(|(name, _)| self.package_name(name) == sheet.name)
            else {
                continue;
            };
            let rels_path = rels_path(&sheet.path);
            let rels_bytes = read_entry(&mut self.zip, &rels_path)?;
            let rels = match &rels_bytes {
                Some(b) => parse_rels(b, &sheet.path)?,
                None => Vec::new(),
            };
            let comments = rels
                .iter()
                .find(|r| r.kind == "comments")
                .and_then(|r| r.target.clone());
            deferred.insert(sheet.path.clone());
            deferred.insert(rels_path.clone());
            for r in &rels {
                if let (Some(t), "comments" | "vmlDrawing") = (&r.target, r.kind.as_str()) {
                    deferred.insert(t.clone());
                }
            }
            let mut ids: Vec<String> = rels.iter().map(|r| r.id.clone()).collect();
            let vml_id = fresh_id(&mut ids);
            let comments_id = fresh_id(&mut ids);
            touched.push(Touched {
                path: sheet.path.clone(),
                cells: cells.as_slice(),
                rels_path,
                rels_bytes,
                rels,
                new_comments: match comments {
                    Some(_) => None,
                    None => Some(fresh_part(&format!("{base}comments"), "xml")),
                },
                comments,
                new_vml: fresh_part(&format!("{base}drawings/vmlDrawing"), "vml"),
                vml_id,
                comments_id,
            });
        }
        let list_path = fresh_part(&format!("{base}worksheets/sheet"), "xml");
        let summary_path = fresh_part(&format!("{base}worksheets/sheet"), "xml");

        // Shape ids of new note boxes: blocks no drawing of the package uses.
        let mut next_block = 1;
        for name in names
            .iter()
            .filter(|n| n.to_ascii_lowercase().ends_with(".vml"))
        {
            if let Some(vml) = read_entry(&mut self.zip, name)? {
                if let Some(max) = notes::idmap_blocks(&vml).into_iter().max() {
                    next_block = next_block.max(max + 1);
                }
            }
        }

        let mut zout = ZipWriter::new(out);
        let big = job.listed_len() > 2_000_000;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .large_file(big);

        // [Content_Types].xml first, as Office writes it.
        let mut types = String::new();
        for part in [&list_path, &summary_path] {
            types += &format!("<Override PartName=\"/{part}\" ContentType=\"{WORKSHEET_TYPE}\"/>");
        }
        for t in &touched {
            if let Some(c) = &t.new_comments {
                types += &format!("<Override PartName=\"/{c}\" ContentType=\"{COMMENTS_TYPE}\"/>");
            }
        }
        let ct_text = String::from_utf8_lossy(&self.content_types).to_ascii_lowercase();
        if !touched.is_empty() && !ct_text.contains("extension=\"vml\"") {
            types += &format!("<Default Extension=\"vml\" ContentType=\"{VML_TYPE}\"/>");
        }
        zout.start_file(CONTENT_TYPES, options).map_err(zerr)?;
        zout.write_all(&append_to_root(&self.content_types, "Types", &types)?)
            .map_err(ioerr)?;

        // Everything else the findings do not touch, raw, in its order.
        let rewritten = [
            CONTENT_TYPES,
            self.workbook_path.as_str(),
            self.workbook_rels_path.as_str(),
            self.styles_path.as_str(),
        ];
        let mut index_of: HashMap<String, usize> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            index_of.insert(name.clone(), i);
            if rewritten.contains(&name.as_str()) || deferred.contains(name) {
                continue;
            }
            let f = self
                .zip
                .by_index_raw(i)
                .map_err(|e| format!("{name}：{e}"))?;
            zout.raw_copy_file(f).map_err(zerr)?;
        }

        // The sheets with findings, their notes and relationships.
        for t in &touched {
            let outcome = {
                let i = *index_of.get(&t.path).ok_or("找不到工作表部件")?;
                let f = self
                    .zip
                    .by_index(i)
                    .map_err(|e| format!("{}：{e}", t.path))?;
                let size = f.size();
                zout.start_file(t.path.as_str(), options.large_file(big || size > 3 << 30))
                    .map_err(zerr)?;
                let mut w = BufWriter::with_capacity(1 << 16, &mut zout);
                let outcome = annotate_sheet(
                    BufReader::with_capacity(1 << 16, f),
                    &mut w,
                    t.cells,
                    &mut self.styles,
                    &t.vml_id,
                )?;
                w.flush().map_err(ioerr)?;
                outcome
            };
            let mut added_rels = String::new();
            // Comments.
            let clerks = match &t.comments {
                Some(path) => {
                    let bytes = read_entry(&mut self.zip, path)?.ok_or("找不到批注部件")?;
                    Some((path.clone(), Comments::parse(bytes)?))
                }
                None => None,
            };
            let skip: HashSet<(u32, u32)> = match &clerks {
                Some((_, c)) => t
                    .cells
                    .iter()
                    .filter(|cell| c.has(cell))
                    .map(|cell| (cell.row, cell.col))
                    .collect(),
                None => HashSet::new(),
            };
            match (&clerks, &t.new_comments) {
                (Some((path, c)), _) => {
                    zout.start_file(path.as_str(), options).map_err(zerr)?;
                    let mut w = BufWriter::new(&mut zout);
                    c.write_merged(&mut w, t.cells, job).map_err(ioerr)?;
                    w.flush().map_err(ioerr)?;
                }
                (None, Some(path)) => {
                    zout.start_file(path.as_str(), options).map_err(zerr)?;
                    let mut w = BufWriter::new(&mut zout);
                    notes::write_new_comments(&mut w, t.cells, job).map_err(ioerr)?;
                    w.flush().map_err(ioerr)?;
                    added_rels += &relationship(&t.comments_id, "comments", path);
                }
                (None, None) => {}
            }
            // The drawing.
            let new_boxes = t.cells.len() - skip.len();
            let first_block = next_block;
            next_block += notes::blocks_for(new_boxes);
            let clerks_vml = outcome
                .legacy_drawing
                .as_ref()
                .and_then(|id| t.rels.iter().find(|r| &r.id == id))
                .and_then(|r| r.target.clone());
            match clerks_vml {
                Some(path) => {
                    let vml = read_entry(&mut self.zip, &path)?.ok_or("找不到批注图形部件")?;
                    zout.start_file(path.as_str(), options).map_err(zerr)?;
                    let mut w = BufWriter::new(&mut zout);
                    notes::write_merged_vml(&mut w, &vml, t.cells, &skip, first_block)
                        .map_err(ioerr)?;
                    w.flush().map_err(ioerr)?;
                    deferred.remove(&path);
                }
                None => {
                    zout.start_file(t.new_vml.as_str(), options).map_err(zerr)?;
                    let mut w = BufWriter::new(&mut zout);
                    notes::write_new_vml(&mut w, t.cells, first_block).map_err(ioerr)?;
                    w.flush().map_err(ioerr)?;
                    added_rels += &relationship(&t.vml_id, "vmlDrawing", &t.new_vml);
                }
            }
            if let Some((path, _)) = &clerks {
                deferred.remove(path);
            }
            deferred.remove(&t.path);
            // Relationships: the clerk's file as it was unless something was added.
            if !added_rels.is_empty() {
                let rels = match &t.rels_bytes {
                    Some(b) => append_to_root(b, "Relationships", &added_rels)?,
                    None => format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{added_rels}</Relationships>"
                    )
                    .into_bytes(),
                };
                zout.start_file(t.rels_path.as_str(), options)
                    .map_err(zerr)?;
                zout.write_all(&rels).map_err(ioerr)?;
                deferred.remove(&t.rels_path);
            }
        }
        // Deferred parts left as they were (another drawing of a touched sheet, a rels file
        // nothing was added to).
        for name in &deferred {
            if let Some(i) = index_of.get(name) {
                let f = self
                    .zip
                    .by_index_raw(*i)
                    .map_err(|e| format!("{name}：{e}"))?;
                zout.raw_copy_file(f).map_err(zerr)?;
            }
        }

        // 问题清单 and 汇总.
        let mut taken = self.sheet_names.clone();
        let list_name = safe_sheet_name(super::LIST_SHEET, &taken);
        taken.push(list_name.clone());
        let summary_name = safe_sheet_name(super::SUMMARY_SHEET, &taken);
        // Links from the 问题清单 to the sheets the workbook has.
        let mut links: HashMap<String, String> = HashMap::new();
        for f in job.findings() {
            let Some((_, name)) = job.first_cell(f) else {
                continue;
            };
            if !links.contains_key(name) {
                let own = self.package_name(name);
                if self.sheet_names.iter().any(|s| s == own) {
                    links.insert(name.to_string(), own.to_string());
                }
            }
        }
        zout.start_file(list_path.as_str(), options).map_err(zerr)?;
        {
            let mut w = BufWriter::with_capacity(1 << 16, &mut zout);
            lists::write_issue_list(
                &mut w,
                job,
                &links,
                self.styles.header_xf(),
                self.styles.date_xf(),
            )
            .map_err(ioerr)?;
            w.flush().map_err(ioerr)?;
        }
        zout.start_file(summary_path.as_str(), options)
            .map_err(zerr)?;
        {
            let mut w = BufWriter::new(&mut zout);
            lists::write_summary(&mut w, job, self.styles.header_xf()).map_err(ioerr)?;
            w.flush().map_err(ioerr)?;
        }

        // Styles, workbook and its relationships.
        zout.start_file(self.styles_path.as_str(), options)
            .map_err(zerr)?;
        zout.write_all(&self.styles.finish()?).map_err(ioerr)?;
        let mut ids = self.workbook_rel_ids.clone();
        let list_id = fresh_id(&mut ids);
        let summary_id = fresh_id(&mut ids);
        let filter_rows = job.listed_len() + 1;
        let workbook = self.workbook_with(&[
            (list_name.as_str(), list_id.as_str(), Some(filter_rows)),
            (summary_name.as_str(), summary_id.as_str(), None),
        ])?;
        zout.start_file(self.workbook_path.as_str(), options)
            .map_err(zerr)?;
        zout.write_all(&workbook).map_err(ioerr)?;
        let rels = append_to_root(
            &self.workbook_rels,
            "Relationships",
            &(relationship(&list_id, "worksheet", &list_path)
                + &relationship(&summary_id, "worksheet", &summary_path)),
        )?;
        zout.start_file(self.workbook_rels_path.as_str(), options)
            .map_err(zerr)?;
        zout.write_all(&rels).map_err(ioerr)?;
        zout.finish().map_err(zerr)
    }

    /// workbook.xml with sheets added (name, relationship id, rows of its filter if any).
    fn workbook_with(&self, sheets: &[(&str, &str, Option<usize>)]) -> Result<Vec<u8>, String> {
        let bytes = &self.workbook;
        let mut spans = Spans::new(bytes);
        let mut depth = 0usize;
        let mut prefix = String::new();
        let mut rel_prefix = None;
        let mut sheets_end = None;
        let mut names_after = None;
        let mut names_end = None;
        let mut max_id = 0u32;
        while let Some((event, span)) = spans.next()? {
            match event {
                Event::Start(e) => {
                    depth += 1;
                    if depth == 1 {
                        prefix = super::xml::prefix_of(e.name().as_ref()).to_string();
                        rel_prefix = prefix_for(&e, REL_NS);
                    }
                }
                Event::Empty(e) => {
                    let qname = e.name();
                    let name = local(qname.as_ref());
                    if name == "sheet" {
                        if let Some(id) = attr(&e, "sheetId").and_then(|v| v.parse::<u32>().ok()) {
                            max_id = max_id.max(id);
                        }
                    }
                    if depth == 1
                        && matches!(name, "sheets" | "functionGroups" | "externalReferences")
                    {
                        names_after = Some(span.end);
                    }
                }
                Event::End(e) => {
                    if depth == 2 {
                        match local(e.name().as_ref()) {
                            "sheets" => {
                                sheets_end = Some(span.start);
                                names_after = Some(span.end);
                            }
                            "functionGroups" | "externalReferences" => names_after = Some(span.end),
                            "definedNames" => names_end = Some(span.start),
                            _ => {}
                        }
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        let sheets_end = sheets_end.ok_or("workbook.xml 没有 sheets")?;
        let p = prefix;
        let r = match &rel_prefix {
            Some(r) => format!("{r}:id"),
            None => format!("xmlns:r=\"{REL_NS}\" r:id"),
        };
        let mut added = String::new();
        let mut names = String::new();
        for (k, (name, id, filter)) in sheets.iter().enumerate() {
            added += &format!(
                "<{p}sheet name=\"{}\" sheetId=\"{}\" {r}=\"{id}\"/>",
                escape(name),
                max_id + 1 + k as u32
            );
            if let Some(rows) = filter {
                names += &format!(
                    "<{p}definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{}\" hidden=\"1\">{}!$A$1:$I${rows}</{p}definedName>",
                    self.sheet_names.len() + k,
                    escape(&format!("'{}'", name.replace('\'', "''")))
                );
            }
        }
        let mut edits = vec![Edit::insert(sheets_end, added)];
        match (names_end, names_after) {
            (Some(at), _) => edits.push(Edit::insert(at, names)),
            (None, Some(at)) => edits.push(Edit::insert(
                at,
                format!("<{p}definedNames>{names}</{p}definedNames>"),
            )),
            (None, None) => {}
        }
        Ok(super::xml::splice(bytes, edits))
    }
}

/// A sheet with findings and the parts its notes go in.
struct Touched<'m> {
    path: String,
    cells: &'m [MarkedCell],
    rels_path: String,
    rels_bytes: Option<Vec<u8>>,
    rels: Vec<Rel>,
    /// The clerk's comments part, if any.
    comments: Option<String>,
    /// The comments part to make when the clerk has none.
    new_comments: Option<String>,
    /// The drawing to make when the sheet has none, and the relationship ids of new parts.
    new_vml: String,
    vml_id: String,
    comments_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_like_paths() {
        assert_eq!(
            resolve("xl/worksheets/", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(resolve("xl/", "/xl/styles.xml"), "xl/styles.xml");
        assert_eq!(
            resolve("xl/", "./worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            rels_path("xl/worksheets/sheet1.xml"),
            "xl/worksheets/_rels/sheet1.xml.rels"
        );
        assert_eq!(rels_path("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
    }

    #[test]
    fn roots_get_children_appended() {
        let out = append_to_root(b"<Types a=\"1\"><Default/></Types>", "Types", "<X/>").unwrap();
        assert_eq!(out, b"<Types a=\"1\"><Default/><X/></Types>");
        let out = append_to_root(b"<Relationships xmlns=\"x\"/>", "Relationships", "<X/>").unwrap();
        assert_eq!(out, b"<Relationships xmlns=\"x\"><X/></Relationships>");
    }
}
