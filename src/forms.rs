//! Form definitions: one YAML file a form under `forms/` (embedded in the binary).
//!
//! A form says its id (equal to the constants in [`crate::finding::forms`]), its title (and
//! the 社区康复 variant), what it is issued for (a person, an event, a unit), how many copies,
//! its numbering prefix (`告` → `东禁告〔2025〕3号`), its template and whether a 送达回证
//! accompanies it.

use serde::Deserialize;
use std::sync::OnceLock;

/// The embedded form files: (id, YAML text).
static FORM_FILES: &[(&str, &str)] = &[
    ("agreement", include_str!("../forms/agreement.yaml")),
    (
        "test_commission",
        include_str!("../forms/test_commission.yaml"),
    ),
    (
        "warning_letter",
        include_str!("../forms/warning_letter.yaml"),
    ),
    (
        "quarterly_evaluation",
        include_str!("../forms/quarterly_evaluation.yaml"),
    ),
    (
        "total_evaluation",
        include_str!("../forms/total_evaluation.yaml"),
    ),
    (
        "serious_breach_report",
        include_str!("../forms/serious_breach_report.yaml"),
    ),
    (
        "report_reminder",
        include_str!("../forms/report_reminder.yaml"),
    ),
    (
        "leave_approval",
        include_str!("../forms/leave_approval.yaml"),
    ),
    (
        "transfer_letter",
        include_str!("../forms/transfer_letter.yaml"),
    ),
    (
        "discharge_proposal",
        include_str!("../forms/discharge_proposal.yaml"),
    ),
    (
        "discharge_notice",
        include_str!("../forms/discharge_notice.yaml"),
    ),
    (
        "registration_form",
        include_str!("../forms/registration_form.yaml"),
    ),
    (
        "receipt_of_service",
        include_str!("../forms/receipt_of_service.yaml"),
    ),
    (
        "register_table",
        include_str!("../forms/register_table.yaml"),
    ),
];

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
pub struct Numbering {
    /// Added after the office prefix: `告` gives `东禁告〔2025〕3号`.
    pub prefix: String,
}

/// One form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FormDef {
    pub id: String,
    /// The title (社区戒毒 wording).
    pub title: String,
    /// The title for a person in 社区康复, when it differs.
    #[serde(default)]
    pub title_rehab: Option<String>,
    pub issued_for: IssuedFor,
    /// Copies to print (一式两份 → 2).
    #[serde(default = "one")]
    pub copies: u32,
    /// None: the form carries no document number.
    #[serde(default)]
    pub numbering: Option<Numbering>,
    /// Template stem under `templates/`.
    pub template: String,
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
}

/// Every form, parsed once. A form file that does not parse is a build defect caught by the
/// unit test below; it is skipped (with the error kept) rather than panicking at run time.
fn parsed() -> &'static (Vec<FormDef>, Vec<String>) {
    static ALL: OnceLock<(Vec<FormDef>, Vec<String>)> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut forms = Vec::new();
        let mut errors = Vec::new();
        for (id, text) in FORM_FILES {
            match serde_norway::from_str::<FormDef>(text) {
                Ok(f) => forms.push(f),
                Err(e) => errors.push(format!("forms/{id}.yaml: {e}")),
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

/// The ids of all forms, for help texts and error messages.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|f| f.id.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::forms as ids_const;

    #[test]
    fn every_form_file_parses_and_matches_its_id() {
        assert!(load_errors().is_empty(), "{:?}", load_errors());
        assert_eq!(all().len(), FORM_FILES.len());
        for (id, _) in FORM_FILES {
            let f = get(id).unwrap();
            assert_eq!(f.id, *id);
            assert!(crate::render::templates::exists(&format!(
                "/templates/{}.typ",
                f.template
            )));
        }
    }

    #[test]
    fn finding_form_constants_all_exist() {
        for id in [
            ids_const::WARNING_LETTER,
            ids_const::SERIOUS_BREACH_REPORT,
            ids_const::REPORT_REMINDER,
            ids_const::DISCHARGE_PROPOSAL,
            ids_const::DISCHARGE_NOTICE,
            ids_const::TOTAL_EVALUATION,
            ids_const::QUARTERLY_EVALUATION,
            ids_const::AGREEMENT,
        ] {
            assert!(get(id).is_some(), "{id}");
        }
        assert_eq!(get("agreement").unwrap().title_for(true), "社区康复协议书");
        assert_eq!(get("agreement").unwrap().copies, 2);
    }
}
