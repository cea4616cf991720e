//! Building a document: what every form shares (the context, the person it is about, the
//! common cells and helpers) and the dispatch to the form's own builder in [`super::forms`].
//! Every value is a plain string; the templates display it and never evaluate it.

use super::chinese::date_cn;
use super::due::Issued;
use super::forms::{Builder, FormDef};
use super::plan::{Event, Request};
use super::{Cell, DocData, Document, Office, RoleFonts};
use crate::finding::Finding;
use crate::model::{Measure, Person, Register};
use crate::profile::Profile;
use chrono::{Months, NaiveDate};

/// What every builder needs besides the request.
pub struct BuildContext<'a> {
    pub register: &'a Register,
    pub findings: &'a [Finding],
    pub profile: &'a Profile,
    pub office: &'a Office,
    pub as_of: NaiveDate,
    pub fonts: RoleFonts,
    /// Write dates as 二〇二五年三月一日 instead of 2025年3月1日.
    pub upper_dates: bool,
    /// The quarter of a quarterly evaluation asked for by name; None: the last one ended.
    pub quarter: Option<(i32, u8)>,
    /// The documents the office issued before (its ledger).
    pub issued: &'a [Issued],
}

impl BuildContext<'_> {
    /// The findings about person `i`.
    pub fn findings_of(&self, i: usize) -> impl Iterator<Item = &Finding> {
        let id = self.register.persons.get(i).map(|p| p.id.as_str());
        self.findings
            .iter()
            .filter(move |f| id.is_some() && f.person.as_deref() == id)
    }

    /// A date as the documents write it.
    pub fn date(&self, d: NaiveDate) -> String {
        if self.upper_dates {
            super::chinese::date_cn_upper(d)
        } else {
            date_cn(d)
        }
    }
    /// A date, or a line to fill by hand.
    pub fn opt_date(&self, d: Option<NaiveDate>) -> String {
        d.map(|d| self.date(d)).unwrap_or_else(|| BLANK.to_string())
    }
}

/// A line to fill by hand where the register has no value.

/// The person a document is about.
pub struct PersonRef<'a> {
    pub person: &'a Person,
    /// Index into `register.persons`.
    pub index: usize,
    /// 乡镇(街道) of the person.
    pub town: &'a str,
}

/// A line to fill by hand where the register has no value.
pub const BLANK: &str = "________";
/// The term when the register gives none (禁毒法 art. 33: three years).
pub const DEFAULT_TERM_MONTHS: u32 = 36;

/// A text value, or a line to fill by hand.
pub fn or_blank(v: &Option<String>) -> String {
    opt_text(v).unwrap_or_else(|| BLANK.to_string())
}

/// A text value trimmed, None when empty.
pub fn opt_text(v: &Option<String>) -> Option<String> {
    match v {
        Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn is_rehab(p: &Person) -> bool {
    p.measure == Some(Measure::Rehab)
}

/// 社区戒毒 or 社区康复.
pub fn programme(p: &Person) -> &'static str {
    p.measure.unwrap_or(Measure::Detox).label()
}

/// The last day of the term: report-in + term − 1 day.
pub fn term_end(p: &Person) -> Option<NaiveDate> {
    let months = if p.term_months == 0 {
        DEFAULT_TERM_MONTHS
    } else {
        p.term_months
    };
    p.report_date?
        .checked_add_months(Months::new(months))?
        .pred_opt()
}

/// Ok once the person's term has ended by the as-of date; else why the register does not
/// support a document that says it has.
pub fn term_has_ended(ctx: &BuildContext, p: &Person) -> Result<(), String> {
    match term_end(p) {
        None => Err("尚未报到（或报到日期未填），期限无从计算，不予出具".into()),
        Some(end) if ctx.as_of <= end => Err(format!(
            "期限至{}届满，截至{}尚未期满，不予出具",
            date_cn(end),
            date_cn(ctx.as_of)
        )),
        Some(_) => Ok(()),
    }
}

/// The cells that head a person's table forms.
pub fn person_cells(ctx: &BuildContext, p: &Person) -> Vec<Cell> {
    vec![
        Cell::label("姓名"),
        Cell::value(p.name.clone()),
        Cell::label("性别"),
        Cell::value(p.sex.map(|s| s.label()).unwrap_or("")),
        Cell::label("公民身份号码"),
        Cell::value(or_blank(&p.resident_id)).span(3),
        Cell::label("现住址"),
        Cell::value(or_blank(&p.current_address)).span(3),
        Cell::label("措施类型"),
        Cell::value(programme(p)),
        Cell::label("报到日期"),
        Cell::value(ctx.opt_date(p.report_date)),
    ]
}

/// Builds the document for a request. `number` is the 文号 from the ledger ("" if none).
pub fn build(req: &Request, ctx: &BuildContext, number: &str) -> Document {
    let reg = ctx.register;
    let form = req.form;
    let person = req.person.and_then(|i| reg.persons.get(i).map(|p| (i, p)));
    let town = person
        .map(|(_, p)| p.town.clone())
        .or_else(|| town_of_unit(reg, &req.unit))
        .unwrap_or_default();
    let rehab = person.map(|(_, p)| is_rehab(p)).unwrap_or(false);
    let mut d = DocData::new(form.title_for(rehab));
    d.number = number.to_string();
    d.office = ctx.office.name_for(&town);
    d.notes = form.notes.clone();
    d.numbered_pages = form.numbered_pages;
    d.landscape = form.landscape;
    d.fonts = ctx.fonts.clone();
    d.date = ctx.date(ctx.as_of);
    match (form.entry().build, person) {
        (Builder::Person(build), Some((index, person))) => {
            let who = PersonRef {
                person,
                index,
                town: &town,
            };
            build(&mut d, ctx, &who, &req.event)
        }
        (Builder::Unit(build), _) => build(&mut d, ctx, &req.unit, &req.event),
        (Builder::Person(_), None) => {
            d.paragraphs
                .push(format!("（{}：缺少人员信息）", form.title));
        }
    }
    Document {
        form: form.id.clone(),
        person_id: person.map(|(_, p)| p.id.clone()).unwrap_or_default(),
        name: person.map(|(_, p)| p.name.clone()).unwrap_or_default(),
        unit: req.unit.clone(),
        event: req.event.key(reg),
        label: req.event.label(reg),
        number: number.to_string(),
        copies: form.copies,
        data: d,
    }
}

/// The 乡镇(街道) of a 村(社区) (or of a town named as a unit), from the register.
pub fn town_of_unit(reg: &Register, unit: &str) -> Option<String> {
    reg.persons
        .iter()
        .find(|p| p.unit == unit || p.town == unit)
        .map(|p| p.town.clone())
        .or_else(|| {
            reg.units
                .iter()
                .find(|u| u.unit == unit)
                .map(|u| u.town.clone())
        })
}

/// The 送达回证 that goes with a served document.
pub fn receipt_request(doc: &Document, req: &Request) -> Option<Request> {
    if !req.form.served || req.person.is_none() {
        return None;
    }
    let form: &'static FormDef = super::forms::get("receipt_of_service")?;
    Some(Request {
        form,
        person: req.person,
        unit: req.unit.clone(),
        event: Event::Served {
            form: doc.form.clone(),
            event: doc.event.clone(),
            number: doc.number.clone(),
            title: doc.data.title.clone(),
            label: if doc.label.is_empty() {
                super::forms::short_name(&doc.form).to_string()
            } else {
                format!("{}_{}", super::forms::short_name(&doc.form), doc.label)
            },
        },
    })
}
