//! rehabdocs: community drug rehabilitation registers (社区戒毒 / 社区康复台帐) in, checked data,
//! statutory paperwork and year-end appraisal reports out.
//!
//! The flow runs one way (see `shared/design.md`):
//! workbook → [`register`] → [`model::Register`] → [`check`] ([`rules`], driven by a
//! [`profile::Profile`]) → [`finding::Finding`]s → paperwork and reports.
//! Files are read only by [`register`] and written only at the right edge; everything in
//! between is a pure function of (register, profile, as-of date).

pub mod annotate;
pub mod blank_template;
pub mod check;
pub mod demo;
pub mod finding;
pub mod model;
pub mod output;
pub mod paperwork;
pub mod profile;
pub mod progress;
pub mod register;
pub mod render;
pub mod report;
pub mod rules;
pub mod sample;
pub mod serve;
pub mod write_file;
pub mod yaml_error;
