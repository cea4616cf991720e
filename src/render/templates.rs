//! The Typst templates embedded in the binary, served by virtual path `/templates/NAME.typ`.

use super::world::file_id;
use std::sync::OnceLock;
use typst::syntax::{FileId, Source};

/// The templates that belong to no form: (virtual path, text). The forms' own templates come
/// from their table lines ([`crate::paperwork::forms::FORMS`]).
static SHARED_TEMPLATES: &[(&str, &str)] = &[
    (
        "/templates/style.typ",
        include_str!("../../templates/style.typ"),
    ),
    (
        "/templates/form-table.typ",
        include_str!("../../templates/form-table.typ"),
    ),
];

/// Every embedded template: (virtual path, text).
fn all_templates() -> &'static [(String, &'static str)] {
    static ALL: OnceLock<Vec<(String, &'static str)>> = OnceLock::new();
    ALL.get_or_init(|| {
        SHARED_TEMPLATES
            .iter()
            .map(|(path, text)| (path.to_string(), *text))
            .chain(
                crate::paperwork::forms::FORMS
                    .iter()
                    .map(|f| (format!("/templates/{}.typ", f.id), f.template)),
            )
            .collect()
    })
}

struct Parsed {
    id: FileId,
    text: &'static str,
    source: Source,
}

fn parsed() -> &'static [Parsed] {
    static ALL: OnceLock<Vec<Parsed>> = OnceLock::new();
    ALL.get_or_init(|| {
        all_templates()
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
    all_templates().iter().any(|(p, _)| p == path)
}
