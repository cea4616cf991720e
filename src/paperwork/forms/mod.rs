//! The forms: one table line per form, binding its YAML (`forms/<id>.yaml`: title, what it
//! is issued for, copies, numbering), its Typst template (`templates/<id>.typ`) and its
//! module here (`<id>.rs`: the data the template shows, and for per-event forms the events a
//! person has). A new form is its YAML, its template, its module and one line of [`FORMS`].

mod agreement;
mod archive_cover;
mod archive_index;
mod discharge_notice;
mod discharge_proposal;
mod group_pledge;
mod group_setup;
mod leave_approval;
mod quarterly_evaluation;
mod receipt_of_service;
mod register_table;
mod registration_form;
mod report_reminder;
mod resumption_notice;
mod self_report_record;
mod serious_breach_report;
mod suspension_notice;
mod talk_record;
mod termination_notice;
mod test_commission;
mod test_record;
mod total_evaluation;
mod transfer_application;
mod transfer_letter;
mod warning_letter;
mod work_notice;

/// What the form modules share.
mod prelude {
    pub use super::super::build::{
        or_blank, person_cells, programme, term_end, term_has_ended, town_of_unit, BuildContext,
        PersonRef, BLANK, DEFAULT_TERM_MONTHS,
    };
    pub use super::super::chinese::{date_cn, ordinal_cn};
    pub use super::super::documents::ground_text;
    pub use super::super::due;
    pub use super::super::plan::{quarter_bounds, Event};
    pub use super::super::{Cell, DataTable, DocData, Signature};
    pub use crate::model::Status;
    pub use chrono::{Months, NaiveDate};
}

use super::build::{BuildContext, PersonRef};
use super::plan::Event;
use super::DocData;
use serde::Deserialize;
use std::sync::OnceLock;

/// How a form's data is built.
#[derive(Clone, Copy)]
pub enum Builder {
    /// A document about one person (and, for per-event forms, one of their events).
    Person(fn(&mut DocData, &BuildContext, &PersonRef, &Event)),
    /// A document about a unit (村/社区, or 乡镇 for town documents).
    Unit(fn(&mut DocData, &BuildContext, &str, &Event)),
}

/// One form: its id, its embedded YAML and template, its builder and, for forms issued per
/// event, the events of a person it is made for when asked for by name.
pub struct FormEntry {
    pub id: &'static str,
    pub yaml: &'static str,
    /// The Typst source of `templates/<id>.typ`.
    pub template: &'static str,
    pub build: Builder,
    /// The events of person `i` (per-event forms asked for with `--form`).
    pub events: fn(&BuildContext, usize) -> Vec<Event>,
    /// Whether the form's ground holds for the person (Err: why not, in Chinese). A form that
    /// states facts the register does not support is refused, never printed.
    pub holds: fn(&BuildContext, &PersonRef, &Event) -> Result<(), String>,
    /// The date the document bears when it is not the day it is made (an agreement signed
    /// on the register's 协议签订日期): its number carries that year.
    pub dated: fn(&BuildContext, &PersonRef, &Event) -> Option<chrono::NaiveDate>,
}

/// One line of [`FORMS`]: `form!(id, Person|Unit)` embeds `forms/id.yaml` and
/// `templates/id.typ` and binds the module `id`'s `build`; `form!(id, Person, events, holds)`
/// also binds the module's `events`, `holds` and/or `dated` functions.
macro_rules! form {
    ($id:ident, $kind:ident $(, $extra:ident)*) => {{
        #[allow(unused_mut)]
        let mut entry = FormEntry {
            id: stringify!($id),
            yaml: include_str!(concat!("../../../forms/", stringify!($id), ".yaml")),
            template: include_str!(concat!("../../../templates/", stringify!($id), ".typ")),
            build: Builder::$kind($id::build),
            events: no_events,
            holds: always_holds,
            dated: made_today,
        };
        $( form!(@bind entry, $id, $extra); )*
        entry
    }};
    (@bind $entry:ident, $id:ident, events) => {
        $entry.events = $id::events;
    };
    (@bind $entry:ident, $id:ident, holds) => {
        $entry.holds = $id::holds;
    };
    (@bind $entry:ident, $id:ident, dated) => {
        $entry.dated = $id::dated;
    };
}

/// Every form, in catalogue order (the order of a person's documents in a batch).
pub static FORMS: &[FormEntry] = &[
    form!(agreement, Person, dated),
    form!(test_commission, Unit),
    form!(warning_letter, Person),
    form!(quarterly_evaluation, Person, events, holds),
    form!(total_evaluation, Person, holds),
    form!(serious_breach_report, Person),
    form!(report_reminder, Person),
    form!(leave_approval, Person, events, holds),
    form!(transfer_letter, Person, holds),
    form!(discharge_proposal, Person, holds),
    form!(discharge_notice, Person, holds),
    // The forms a term needs besides (issue 10): 状态 notices, monthly records, the test
    // record, the change of place, the help group.
    form!(suspension_notice, Person, events, holds),
    form!(termination_notice, Person, events, holds),
    form!(resumption_notice, Person, events, holds),
    form!(transfer_application, Person, events, holds),
    form!(talk_record, Person, events, holds),
    form!(self_report_record, Person, events, holds),
    form!(test_record, Person, holds),
    form!(group_setup, Person, holds),
    form!(group_pledge, Person, holds),
    form!(registration_form, Person),
    form!(receipt_of_service, Person),
    form!(work_notice, Unit),
    form!(register_table, Unit),
    form!(archive_cover, Person),
    form!(archive_index, Person),
];

pub use archive_index::{fill as fill_archive_index, IndexEntry};

/// A form that asserts nothing about the person's situation always holds.
fn always_holds(_: &BuildContext, _: &PersonRef, _: &Event) -> Result<(), String> {
    Ok(())
}

/// A document bears the day it is made.
fn made_today(_: &BuildContext, _: &PersonRef, _: &Event) -> Option<chrono::NaiveDate> {
    None
}

fn no_events(_: &BuildContext, _: usize) -> Vec<Event> {
    Vec::new()
}

/// What one document of a form is issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuedFor {
    /// One per person (协议书, 登记表).
    Person,
    /// One per event of a person (a warning, a quarter, a leave).
    Event,
    /// One per unit (村/社区 or 乡镇).
    Unit,
}

/// How a form's documents are numbered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// Added after the office prefix: `告` gives `东禁告〔2025〕3号`.
    pub prefix: String,
}

/// One form's definition (its YAML).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    pub id: String,
    /// The title (社区戒毒 wording).
    pub title: String,
    /// The title for a person in 社区康复, when it differs.
    #[serde(default)]
    pub title_rehab: Option<String>,
    /// The short name a clerk uses (告诫书), in summaries and labels.
    pub short: String,
    /// When the form is due, in one short Chinese sentence for clerks (`rehabdocs forms`);
    /// forms made only on request say so (按需出具).
    #[serde(default)]
    pub due: String,
    pub issued_for: IssuedFor,
    /// Copies to print (一式两份 → 2).
    #[serde(default = "one")]
    pub copies: u32,
    /// None: the form carries no document number.
    #[serde(default)]
    pub numbering: Option<Numbering>,
    /// Whether the document is served on the person (a 送达回证 goes with it).
    #[serde(default)]
    pub served: bool,
    /// Page numbers in the footer (long forms).
    #[serde(default)]
    pub numbered_pages: bool,
    /// Landscape pages (the register table).
    #[serde(default)]
    pub landscape: bool,
    /// The fields the form shows (documentation).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Closing notes printed at the end (一式两份 …).
    #[serde(default)]
    pub notes: Vec<String>,
}

fn one() -> u32 {
    1
}

impl FormDef {
    /// The title for a person in the given measure (社区康复 wording when the form has one).
    pub fn title_for(&self, rehab: bool) -> &str {
        match (&self.title_rehab, rehab) {
            (Some(t), true) => t,
            _ => &self.title,
        }
    }

    /// The form's table entry (builder, template).
    pub fn entry(&self) -> &'static FormEntry {
        // Every definition is parsed from an entry of FORMS, so the lookup cannot fail.
        FORMS.iter().find(|e| e.id == self.id).unwrap_or(&FORMS[0])
    }

    /// The virtual path of the form's template.
    pub fn template_path(&self) -> String {
        format!("/templates/{}.typ", self.id)
    }
}

/// Every form, parsed once. A form file that does not parse is a build defect caught by the
/// unit test below; it is skipped (with the error kept) rather than panicking at run time.
fn parsed() -> &'static (Vec<FormDef>, Vec<String>) {
    static ALL: OnceLock<(Vec<FormDef>, Vec<String>)> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut forms = Vec::new();
        let mut errors = Vec::new();
        for entry in FORMS {
            match serde_norway::from_str::<FormDef>(entry.yaml) {
                Ok(f) if f.id == entry.id => forms.push(f),
                Ok(f) => errors.push(format!("forms/{}.yaml: id 为 {}", entry.id, f.id)),
                Err(e) => errors.push(format!("forms/{}.yaml: {e}", entry.id)),
            }
        }
        (forms, errors)
    })
}

/// Every form definition, in catalogue order.
pub fn all() -> &'static [FormDef] {
    &parsed().0
}

/// Errors in the embedded form files (empty in a correct build).
pub fn load_errors() -> &'static [String] {
    &parsed().1
}

/// A form by id.
pub fn get(id: &str) -> Option<&'static FormDef> {
    all().iter().find(|f| f.id == id)
}

/// A form by what a clerk types: its id, its title (either wording) or its short name.
pub fn find(name: &str) -> Option<&'static FormDef> {
    let name = name.trim();
    all().iter().find(|f| {
        f.id == name || f.short == name || f.title == name || f.title_rehab.as_deref() == Some(name)
    })
}

/// The short name of a form id, for summaries (the id itself when unknown).
pub fn short_name(id: &str) -> &str {
    get(id).map(|f| f.short.as_str()).unwrap_or(id)
}

/// The forms as a clerk chooses them: `告诫书（warning_letter）`, for help texts and errors.
pub fn choices() -> String {
    all()
        .iter()
        .map(|f| format!("{}（{}）", f.short, f.id))
        .collect::<Vec<_>>()
        .join("、")
}

/// The forms as `rehabdocs forms` lists them: per form its id, short name, title (both
/// wordings where they differ) and when it is due.
pub fn list_text() -> String {
    let mut out = String::from("文书清单（--form 可填编号、简称或标题，如 --form 告诫书）：\n");
    for (k, f) in all().iter().enumerate() {
        out.push_str(&format!("\n{}. {}（{}）\n", k + 1, f.short, f.id));
        match f.title_rehab.as_deref().filter(|t| *t != f.title) {
            Some(rehab) => out.push_str(&format!(
                "   标题：{}（社区戒毒）／{}（社区康复）\n",
                f.title, rehab
            )),
            None => out.push_str(&format!("   标题：{}\n", f.title)),
        }
        let due = if f.due.trim().is_empty() {
            "按需出具"
        } else {
            f.due.trim()
        };
        out.push_str(&format!("   何时出具：{due}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_file_parses_and_matches_its_id() {
        assert!(load_errors().is_empty(), "{:?}", load_errors());
        assert_eq!(all().len(), FORMS.len());
        for entry in FORMS {
            let f = get(entry.id).unwrap();
            assert_eq!(f.entry().id, entry.id);
            assert!(crate::render::templates::exists(&f.template_path()));
        }
        assert_eq!(get("agreement").unwrap().title_for(true), "社区康复协议书");
        assert_eq!(get("agreement").unwrap().copies, 3);
    }

    #[test]
    fn every_form_says_when_it_is_due_and_the_list_shows_it() {
        let list = list_text();
        for f in all() {
            assert!(!f.due.trim().is_empty(), "forms/{}.yaml: no due", f.id);
            assert!(list.contains(&format!("{}（{}）", f.short, f.id)), "{list}");
            assert!(list.contains(&f.title), "{list}");
            assert!(list.contains(f.due.trim()), "{list}");
            if let Some(rehab) = &f.title_rehab {
                assert!(list.contains(&format!("{rehab}（社区康复）")), "{list}");
            }
        }
        assert!(list.contains("按需出具：本人请假外出时"), "{list}");
    }

    #[test]
    fn a_form_is_found_by_id_title_or_short_name() {
        assert_eq!(find("告诫书").unwrap().id, "warning_letter");
        assert_eq!(find("社区康复告诫书").unwrap().id, "warning_letter");
        assert_eq!(find("warning_letter").unwrap().id, "warning_letter");
        assert!(find("告诫").is_none());
        let mut shorts: Vec<&str> = all().iter().map(|f| f.short.as_str()).collect();
        shorts.sort();
        shorts.dedup();
        assert_eq!(shorts.len(), all().len(), "short names are unique");
    }
}
