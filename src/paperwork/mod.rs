//! The paperwork: which documents are due, for whom, with which data and number.
//!
//! - [`chinese`]: dates (2025年3月1日, 二〇二五年三月一日), 文号, money in capitals.
//! - [`obligations`]: the obligations an agreement lists (from the profile).
//! - [`plan`]: which documents to make (by form / person / unit, or what findings make due).
//! - [`forms`]: one table line per form (its YAML, template and builder module).
//! - [`build`]: the data a template shows, built from the register (strings, never code).
//! - [`ledger`]: the office's document numbers (文号).
//!
//! Rendering and writing are in [`crate::render`] (engine) and [`crate::render::batch`].

pub mod build;
pub mod chinese;
pub mod documents;
pub mod due;
pub mod forms;
pub mod generate;
pub mod ledger;
pub mod obligations;
pub mod plan;

use crate::model::{Person, Register};
use crate::profile::OfficeSettings;
use serde::Serialize;

/// Who issues the paperwork and to whom it goes: the office's name, seal and number
/// prefixes, the organs it reports to, its testing body, its address and phone. Built from
/// the profile's `office:` section and the command line ([`Office::from_profile`]); what
/// neither gives comes from the register or is left as a line to fill, never guessed.
#[derive(Debug, Clone, Default)]
pub struct Office {
    /// The profile's settings, with the command line's name and prefix applied.
    pub settings: OfficeSettings,
}

/// What the command line sets about the office (`--office`, `--prefix`); each overrides the
/// profile.
#[derive(Debug, Clone, Default)]
pub struct OfficeFlags {
    pub name: Option<String>,
    pub prefix: Option<String>,
}

/// A trimmed, non-empty value.
fn set(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Office {
    /// The office of a profile's `office:` section, with the command line's flags over it.
    pub fn from_profile(settings: &OfficeSettings, flags: OfficeFlags) -> Office {
        let mut settings = settings.clone();
        if let Some(n) = set(&flags.name) {
            settings.name = Some(n);
        }
        if let Some(p) = set(&flags.prefix) {
            settings.prefix = Some(p);
        }
        Office { settings }
    }

    /// The office's name for a person or unit of `town`.
    pub fn name_for(&self, town: &str) -> String {
        set(&self.settings.name)
            .unwrap_or_else(|| format!("{}社区戒毒(康复)工作办公室", town.trim()))
    }

    /// The seal text: `office.seal`, else the name.
    pub fn seal_for(&self, town: &str) -> String {
        set(&self.settings.seal).unwrap_or_else(|| self.name_for(town))
    }

    /// The office's number prefix for `town`: `--prefix` or `office.prefix`, else e.g.
    /// 东城镇 → 东禁.
    pub fn office_prefix(&self, town: &str) -> String {
        set(&self.settings.prefix).unwrap_or_else(|| match town.trim().chars().next() {
            Some(c) => format!("{c}禁"),
            None => "禁".to_string(),
        })
    }

    /// The full number prefix of form `form_id` for `town`: the office's prefix, then
    /// `office.form_prefixes[form_id]` or the form YAML's `numbering.prefix` (东禁告).
    pub fn prefix_for(&self, town: &str, form_id: &str) -> String {
        // A key may name the form as a clerk does (告诫书) or by its id.
        let own = self.settings.form_prefixes.get(form_id).or_else(|| {
            self.settings
                .form_prefixes
                .iter()
                .find(|(k, _)| forms::find(k).is_some_and(|f| f.id == form_id))
                .map(|(_, v)| v)
        });
        let form = match own {
            Some(p) => p.trim().to_string(),
            None => forms::get(form_id)
                .and_then(|f| f.numbering.as_ref())
                .map(|n| n.prefix.clone())
                .unwrap_or_default(),
        };
        format!("{}{form}", self.office_prefix(town))
    }

    /// The public security organ a report about `person` goes to: `office.police`, else the
    /// person's 决定机关 from the register, else a line to fill. Never a guessed 派出所.
    pub fn police_for(&self, person: Option<&Person>) -> String {
        set(&self.settings.police)
            .or_else(|| person.and_then(|p| set(&p.decision_authority)))
            .unwrap_or_else(|| build::BLANK.to_string())
    }

    /// The organ that issues the discharge notice for `person`: `office.discharge_police`,
    /// else as [`Office::police_for`].
    pub fn discharge_police_for(&self, person: Option<&Person>) -> String {
        set(&self.settings.discharge_police).unwrap_or_else(|| self.police_for(person))
    }

    /// The 派出所 that carries out tests: `office.police_station`, else a line to fill
    /// (`________派出所`).
    pub fn police_station(&self) -> String {
        set(&self.settings.police_station).unwrap_or_else(|| format!("{}派出所", build::BLANK))
    }

    /// The body commissioned for urine tests in `town`: `office.testing_body`, else the
    /// register's 检测单位 of the town's tests when there is exactly one (a 派出所 or other
    /// police organ testing itself is not a commissioned body), else a line to fill.
    pub fn testing_body(&self, register: &Register, town: &str) -> String {
        if let Some(b) = set(&self.settings.testing_body) {
            return b;
        }
        let mut labs: Vec<String> = register
            .tests
            .iter()
            .filter(|t| {
                register
                    .persons
                    .get(t.person)
                    .is_some_and(|p| p.town == town)
            })
            .filter_map(|t| set(&t.lab))
            .filter(|l| !l.ends_with("派出所") && !l.contains("公安"))
            .collect();
        labs.sort();
        labs.dedup();
        match labs.as_slice() {
            [one] => one.clone(),
            _ => build::BLANK.to_string(),
        }
    }

    /// Where and how to reach the office, for notices served on a person
    /// (`地址：…，联系电话：…`); None when the profile gives neither.
    pub fn contact_line(&self) -> Option<String> {
        let parts: Vec<String> = [
            set(&self.settings.address).map(|a| format!("地址：{a}")),
            set(&self.settings.phone).map(|p| format!("联系电话：{p}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("，"))
    }
}

/// One cell of a form laid out as a grid (label or value).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cell {
    /// Lines of text.
    pub text: Vec<String>,
    pub label: bool,
    pub colspan: u32,
    pub rowspan: u32,
    /// Minimum height in mm (0: as tall as the text).
    pub height: u32,
    /// Lines printed at the bottom right of the cell, under room to write: a signature line
    /// and its hand date (年　月　日). Empty for most cells.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foot: Vec<String>,
}

impl Cell {
    /// A label cell (centred).
    pub fn label(text: impl Into<String>) -> Cell {
        Cell {
            text: vec![text.into()],
            label: true,
            colspan: 1,
            rowspan: 1,
            height: 0,
            foot: Vec::new(),
        }
    }
    /// A value cell.
    pub fn value(text: impl Into<String>) -> Cell {
        Cell {
            text: vec![text.into()],
            label: false,
            colspan: 1,
            rowspan: 1,
            height: 0,
            foot: Vec::new(),
        }
    }
    /// A value cell of several lines.
    pub fn lines(lines: Vec<String>) -> Cell {
        Cell {
            text: lines,
            label: false,
            colspan: 1,
            rowspan: 1,
            height: 0,
            foot: Vec::new(),
        }
    }
    /// Spans `n` columns.
    pub fn span(mut self, n: u32) -> Cell {
        self.colspan = n;
        self
    }
    /// At least `mm` millimetres tall.
    pub fn tall(mut self, mm: u32) -> Cell {
        self.height = mm;
        self
    }
    /// Spans `n` rows.
    pub fn rows(mut self, n: u32) -> Cell {
        self.rowspan = n;
        self
    }
    /// Lines at the bottom right of the cell (a signature line, a hand date).
    pub fn foot(mut self, lines: Vec<String>) -> Cell {
        self.foot = lines;
        self
    }
}

/// A data table with a repeating header.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct DataTable {
    pub caption: String,
    /// Relative column widths (fr).
    pub widths: Vec<f64>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Type size in pt.
    pub size: f64,
    /// A ruled list (rules between rows, no cell grid) instead of a full grid: for long lists
    /// such as the print manifest, where it lays out about twice as fast.
    pub ruled: bool,
}

/// One signing party.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Signature {
    pub party: String,
    pub name: String,
    pub date: String,
}

pub use crate::render::fonts::RoleFonts;

/// Everything a template shows. Every value is plain text; templates display it, never run it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocData {
    pub title: String,
    pub subtitle: String,
    /// 文号, e.g. 东禁告〔2025〕3号; empty when the form has none.
    pub number: String,
    pub office: String,
    /// `张三：` line before the body.
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub cells: Vec<Cell>,
    pub columns: u32,
    pub tables: Vec<DataTable>,
    pub closing: Vec<String>,
    pub signatures: Vec<Signature>,
    /// Seal line (office name), printed right-aligned above the date.
    pub seal: String,
    pub date: String,
    pub notes: Vec<String>,
    pub numbered_pages: bool,
    pub landscape: bool,
    pub fonts: RoleFonts,
}

impl DocData {
    /// An empty document with a title.
    pub fn new(title: impl Into<String>) -> DocData {
        DocData {
            title: title.into(),
            subtitle: String::new(),
            number: String::new(),
            office: String::new(),
            addressee: String::new(),
            paragraphs: Vec::new(),
            cells: Vec::new(),
            columns: 4,
            tables: Vec::new(),
            closing: Vec::new(),
            signatures: Vec::new(),
            seal: String::new(),
            date: String::new(),
            notes: Vec::new(),
            numbered_pages: false,
            landscape: false,
            fonts: RoleFonts::embedded(),
        }
    }

    /// Every string the document shows, for the glyph check.
    pub fn texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![
            &self.title,
            &self.subtitle,
            &self.number,
            &self.office,
            &self.addressee,
            &self.seal,
            &self.date,
        ];
        out.extend(self.paragraphs.iter().map(String::as_str));
        out.extend(self.closing.iter().map(String::as_str));
        out.extend(self.notes.iter().map(String::as_str));
        for c in &self.cells {
            out.extend(c.text.iter().map(String::as_str));
            out.extend(c.foot.iter().map(String::as_str));
        }
        for t in &self.tables {
            out.push(&t.caption);
            out.extend(t.header.iter().map(String::as_str));
            for r in &t.rows {
                out.extend(r.iter().map(String::as_str));
            }
        }
        for s in &self.signatures {
            out.extend([s.party.as_str(), s.name.as_str(), s.date.as_str()]);
        }
        out
    }
}

/// One document ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Form id (`warning_letter`).
    pub form: String,
    /// The person's 编号 ("" for unit documents).
    pub person_id: String,
    /// The person's name ("" for unit documents).
    pub name: String,
    /// 村(社区), or the town for town-level documents.
    pub unit: String,
    /// The event's stable key (`告诫@2025-03-01`, `2025Q1`; the ledger's); "" for one per
    /// person or unit.
    pub event: String,
    /// The event as a file name shows it (`2025-03-01`, `2025年第1季度`); for a receipt of
    /// service, the document it belongs to (`告诫书_2025-03-01`).
    pub label: String,
    /// 文号; "" when the form has none.
    pub number: String,
    /// Copies to print.
    pub copies: u32,
    pub data: DocData,
}

/// The longest file name a document gets, in bytes: file systems allow 255, and archive
/// tools and copies (`… (2).pdf`) need some room.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// The form whose documents are named after the document they belong to.
const RECEIPT_FORM: &str = "receipt_of_service";

impl Document {
    /// The file name of the document's PDF, in the words a clerk uses:
    /// `{村(社区)}_{编号}_{姓名}_{简称}_{事项}.pdf` (`北街村_SQ00008_张新建_告诫书_2025-03-01.pdf`);
    /// a receipt of service is named after the document it belongs to
    /// (`…_告诫书_2025-03-01_送达回证.pdf`). At most [`MAX_FILE_NAME_BYTES`] bytes, never
    /// starting with `-` or `.`. A batch drops the 事项 where a person has one document of the
    /// form (see `generate`).
    pub fn file_name(&self) -> String {
        fit_file_name(&self.stem(true), "")
    }

    /// The file name without `.pdf` and before fitting; `with_label`: the event's label
    /// (`2025-03-01`, `2025年第1季度`) follows the form's short name. A receipt always names
    /// the document it belongs to.
    pub fn stem(&self, with_label: bool) -> String {
        // Each part is cut on its own, so that a long name leaves room for the form.
        let part = |s: &str| cut_bytes(&safe_file_part(s), MAX_PART_BYTES).to_string();
        let mut parts: Vec<String> = [&self.unit, &self.person_id, &self.name]
            .iter()
            .map(|p| part(p))
            .filter(|p| !p.is_empty())
            .collect();
        let short = part(forms::short_name(&self.form));
        let label = safe_file_part(&self.label);
        if self.form == RECEIPT_FORM {
            if !label.is_empty() {
                parts.push(label);
            }
            parts.push(short);
        } else {
            parts.push(short);
            if with_label && !label.is_empty() {
                parts.push(label);
            }
        }
        parts.join("_")
    }

    /// Whether the document is a receipt of service (named after its document).
    pub fn is_receipt(&self) -> bool {
        self.form == RECEIPT_FORM
    }
}

/// The most bytes one part of a file name (unit, 编号, name, form) keeps.
const MAX_PART_BYTES: usize = 45;

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut_bytes(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `stem` + `suffix` + `.pdf` in at most [`MAX_FILE_NAME_BYTES`] bytes: the stem is cut on a
/// character boundary; a name never starts with `-` (read as an option) or `.` (hidden).
pub fn fit_file_name(stem: &str, suffix: &str) -> String {
    let tail = format!("{suffix}.pdf");
    let stem = stem.trim_start_matches(|c: char| c == '-' || c == '.' || c.is_whitespace());
    let cut = cut_bytes(stem, MAX_FILE_NAME_BYTES.saturating_sub(tail.len()))
        .trim_end_matches(|c: char| c == '.' || c == '_' || c.is_whitespace());
    let cut = if cut.is_empty() { "文书" } else { cut };
    format!("{cut}{tail}")
}

/// Replaces characters that are unsafe in file names on Windows or Unix by `-`.
pub fn safe_file_part(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '!' | '@' => '-',
            c if c.is_control() => '-',
            c => c,
        })
        .collect::<String>()
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Test, TestResult};
    use chrono::NaiveDate;

    fn person(town: &str, authority: Option<&str>) -> Person {
        Person {
            town: town.into(),
            decision_authority: authority.map(str::to_string),
            ..Person::default()
        }
    }

    #[test]
    fn reports_go_to_the_profiles_police_else_the_deciding_organ_else_a_blank() {
        let decided = person("东城镇", Some("某县公安局"));
        let unknown = person("东城镇", Some("  "));
        let office = Office::default();
        assert_eq!(office.police_for(Some(&decided)), "某县公安局");
        assert_eq!(office.police_for(Some(&unknown)), build::BLANK);
        assert_eq!(office.police_for(None), build::BLANK);
        assert_eq!(office.discharge_police_for(Some(&decided)), "某县公安局");
        assert_eq!(office.police_station(), format!("{}派出所", build::BLANK));
        let own = Office::from_profile(
            &OfficeSettings {
                police: Some("某县公安局禁毒大队".into()),
                discharge_police: Some("某县公安局东城派出所".into()),
                police_station: Some("东城派出所".into()),
                ..OfficeSettings::default()
            },
            OfficeFlags::default(),
        );
        assert_eq!(own.police_for(Some(&decided)), "某县公安局禁毒大队");
        assert_eq!(own.police_for(None), "某县公安局禁毒大队");
        assert_eq!(
            own.discharge_police_for(Some(&decided)),
            "某县公安局东城派出所"
        );
        assert_eq!(own.police_station(), "东城派出所");
    }

    #[test]
    fn names_seals_and_prefixes_come_from_flags_then_profile_then_the_town() {
        let settings = OfficeSettings {
            name: Some("东城镇禁毒办".into()),
            seal: Some("东城镇禁毒委员会办公室".into()),
            prefix: Some("城禁".into()),
            form_prefixes: [("warning_letter".to_string(), "诫".to_string())].into(),
            ..OfficeSettings::default()
        };
        let plain = Office::default();
        assert_eq!(plain.name_for("东城镇"), "东城镇社区戒毒(康复)工作办公室");
        assert_eq!(plain.seal_for("东城镇"), plain.name_for("东城镇"));
        assert_eq!(plain.prefix_for("东城镇", "warning_letter"), "东禁告");
        assert_eq!(plain.prefix_for("东城镇", "agreement"), "东禁协");
        let own = Office::from_profile(&settings, OfficeFlags::default());
        assert_eq!(own.name_for("东城镇"), "东城镇禁毒办");
        assert_eq!(own.seal_for("东城镇"), "东城镇禁毒委员会办公室");
        assert_eq!(own.prefix_for("东城镇", "warning_letter"), "城禁诫");
        assert_eq!(own.prefix_for("东城镇", "agreement"), "城禁协");
        let by_short_name = Office::from_profile(
            &OfficeSettings {
                form_prefixes: [("协议书".to_string(), "议".to_string())].into(),
                ..OfficeSettings::default()
            },
            OfficeFlags::default(),
        );
        assert_eq!(by_short_name.prefix_for("东城镇", "agreement"), "东禁议");
        assert_eq!(
            by_short_name.prefix_for("东城镇", "warning_letter"),
            "东禁告"
        );
        let flagged = Office::from_profile(
            &settings,
            OfficeFlags {
                name: Some("东城街道办".into()),
                prefix: Some("东街禁".into()),
            },
        );
        assert_eq!(flagged.name_for("东城镇"), "东城街道办");
        assert_eq!(flagged.prefix_for("东城镇", "warning_letter"), "东街禁诫");
        assert_eq!(plain.contact_line(), None);
        let reach = Office::from_profile(
            &OfficeSettings {
                address: Some("东城镇人民路1号".into()),
                phone: Some("0577-1234567".into()),
                ..OfficeSettings::default()
            },
            OfficeFlags::default(),
        );
        assert_eq!(
            reach.contact_line().as_deref(),
            Some("地址：东城镇人民路1号，联系电话：0577-1234567")
        );
    }

    #[test]
    fn the_testing_body_is_the_registers_one_lab_never_a_police_station() {
        let mut reg = Register::default();
        reg.persons.push(person("东城镇", None));
        reg.persons.push(person("西城镇", None));
        let test = |person: usize, lab: &str| Test {
            row: 1,
            person,
            date: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            method: None,
            result: TestResult::Negative,
            lab: Some(lab.into()),
            tester: None,
            unannounced: false,
        };
        reg.tests.push(test(0, "东城镇卫生院"));
        reg.tests.push(test(0, "东城派出所"));
        reg.tests.push(test(1, "西城医院"));
        reg.tests.push(test(1, "西城镇卫生院"));
        let office = Office::default();
        assert_eq!(office.testing_body(&reg, "东城镇"), "东城镇卫生院");
        assert_eq!(office.testing_body(&reg, "西城镇"), build::BLANK);
        assert_eq!(office.testing_body(&reg, "南城镇"), build::BLANK);
        let own = Office::from_profile(
            &OfficeSettings {
                testing_body: Some("县疾控中心".into()),
                ..OfficeSettings::default()
            },
            OfficeFlags::default(),
        );
        assert_eq!(own.testing_body(&reg, "西城镇"), "县疾控中心");
    }
}
