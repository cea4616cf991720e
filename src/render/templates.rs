//! The Typst templates embedded in the binary, served by virtual path `/templates/NAME.typ`.

use super::world::file_id;
use std::sync::OnceLock;
use typst::syntax::{FileId, Source};

/// Every embedded template: (virtual path, text).
pub static TEMPLATES: &[(&str, &str)] = &[
    (
        "/templates/style.typ",
        include_str!("../../templates/style.typ"),
    ),
    (
        "/templates/agreement.typ",
        include_str!("../../templates/agreement.typ"),
    ),
    (
        "/templates/test_commission.typ",
        include_str!("../../templates/test_commission.typ"),
    ),
    (
        "/templates/warning_letter.typ",
        include_str!("../../templates/warning_letter.typ"),
    ),
    (
        "/templates/quarterly_evaluation.typ",
        include_str!("../../templates/quarterly_evaluation.typ"),
    ),
    (
        "/templates/total_evaluation.typ",
        include_str!("../../templates/total_evaluation.typ"),
    ),
    (
        "/templates/serious_breach_report.typ",
        include_str!("../../templates/serious_breach_report.typ"),
    ),
    (
        "/templates/report_reminder.typ",
        include_str!("../../templates/report_reminder.typ"),
    ),
    (
        "/templates/leave_approval.typ",
        include_str!("../../templates/leave_approval.typ"),
    ),
    (
        "/templates/transfer_letter.typ",
        include_str!("../../templates/transfer_letter.typ"),
    ),
    (
        "/templates/discharge_proposal.typ",
        include_str!("../../templates/discharge_proposal.typ"),
    ),
    (
        "/templates/discharge_notice.typ",
        include_str!("../../templates/discharge_notice.typ"),
    ),
    (
        "/templates/registration_form.typ",
        include_str!("../../templates/registration_form.typ"),
    ),
    (
        "/templates/receipt_of_service.typ",
        include_str!("../../templates/receipt_of_service.typ"),
    ),
    (
        "/templates/register_table.typ",
        include_str!("../../templates/register_table.typ"),
    ),
];

struct Parsed {
    id: FileId,
    text: &'static str,
    source: Source,
}

fn parsed() -> &'static [Parsed] {
    static ALL: OnceLock<Vec<Parsed>> = OnceLock::new();
    ALL.get_or_init(|| {
        TEMPLATES
            .iter()
            .filter_map(|(path, text)| {
                let id = file_id(path)?;
                Some(Parsed {
                    id,
                    text,
                    source: Source::new(id, text.to_string()),
                })
            })
            .collect()
    })
}

/// The parsed source of an embedded template.
pub fn source(id: FileId) -> Option<Source> {
    parsed()
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.source.clone())
}

/// The raw text of an embedded template.
pub fn text(id: FileId) -> Option<&'static str> {
    parsed().iter().find(|p| p.id == id).map(|p| p.text)
}

/// Whether a template with this virtual path is embedded.
pub fn exists(path: &str) -> bool {
    TEMPLATES.iter().any(|(p, _)| *p == path)
}
