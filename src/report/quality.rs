//! What the report's figures rest on (数据质量说明): which rows were left out of the count or
//! counted with a doubt, why, and at which cells — and the stated rule for each case.
//!
//! The rules ([`COUNTING_RULES`]), applied to the error-level findings of reading and `check`:
//! - **the same person twice** (D005 on 公民身份号码: two rows with one valid resident ID): the
//!   first row counts; the later row and everything recorded under its 编号 do not;
//! - **a row not read** (the reader's findings that end in “本行未使用”: 编号 empty or repeated,
//!   an event row whose 编号 is not in 人员, an event date that cannot be read): counts nowhere;
//! - **an unreadable 报到日期**: the person's time in the programme is unknown, so the person
//!   is not counted in 在册 and owes and has done nothing in the figures;
//! - **an unreadable 措施类型**: the person counts in 在册 as 措施不明 and owes what the profile
//!   requires of both measures;
//! - **any other unreadable value**: taken as empty; the rest of the row counts (doubtful).
//!
//! Every such finding becomes one [`QualityNote`], resident IDs masked.

use crate::finding::{Finding, Severity};
use crate::model::{Register, Sheet};
use crate::output::mask_personal_numbers;
use crate::rules::rule_info;
use serde::Serialize;

/// The counting rules as the report states them.
pub const COUNTING_RULES: [&str; 5] = [
    "同一公民身份号码登记两次以上的，视为同一人，只按先登记的一行统计；后登记的一行及其编号名下的检测、谈话等记录不计入。",
    "读取台帐时未能使用的行（编号为空或重复、编号不在人员表中、必填日期无法识别等）不计入任何统计。",
    "报到日期无法识别的人员，无法确定其在册期间，不计入在册人数，应做和已做次数均不计。",
    "措施类型无法识别的人员计入在册人数（列为“措施不明”），应做次数按社区戒毒、社区康复共同的要求计算。",
    "其他无法识别的单元格按空白处理，所在行的其余内容照常统计，列为存疑。",
];

/// How a data error was treated in the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Left out of every figure.
    Excluded,
    /// Counted as far as it could be read.
    Doubtful,
}

impl Treatment {
    pub fn label(self) -> &'static str {
        match self {
            Treatment::Excluded => "未计入",
            Treatment::Doubtful => "存疑",
        }
    }
}

/// One row or cell the figures leave out or rest on with a doubt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityNote {
    pub treatment: Treatment,
    pub town: String,
    pub unit: String,
    /// The person's 编号 ("" when the row names none).
    pub person: String,
    /// The problem's name (人员重复, 日期无法识别, …).
    pub problem: String,
    /// What it does to the figures, in words.
    pub effect: String,
    /// The finding's message, resident IDs masked.
    pub message: String,
    /// The cells (`人员!E7`).
    pub cells: Vec<String>,
}

/// The 数据质量说明: the rules, the notes and their counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DataQuality {
    pub rules: Vec<String>,
    /// Persons left out as the later row of a duplicate.
    pub duplicate_persons: u32,
    /// Persons left out for an unreadable 报到日期.
    pub persons_without_report_date: u32,
    /// Persons counted as 措施不明.
    pub persons_unknown_measure: u32,
    /// Rows the reader did not use.
    pub rows_not_read: u32,
    /// Other unreadable values.
    pub other_values: u32,
    pub notes: Vec<QualityNote>,
}

impl DataQuality {
    /// Notes left out of the figures.
    pub fn excluded(&self) -> usize {
        self.notes
            .iter()
            .filter(|n| n.treatment == Treatment::Excluded)
            .count()
    }

    /// One sentence for the summary; None when the figures rest on clean data.
    pub fn sentence(&self) -> Option<String> {
        if self.notes.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        let mut say = |n: u32, what: &str, unit: &str| {
            if n > 0 {
                parts.push(format!("{what}{n}{unit}"));
            }
        };
        say(self.duplicate_persons, "重复登记的人员（未重复计算）", "名");
        say(
            self.persons_without_report_date,
            "报到日期无法识别、未计入在册的人员",
            "名",
        );
        say(self.persons_unknown_measure, "措施类型不明的人员", "名");
        say(self.rows_not_read, "未读入的行", "行");
        say(self.other_values, "其他无法识别的单元格", "处");
        Some(format!(
            "台帐中有数据错误{}处，其中{}，统计规则和涉及的单元格见“数据质量说明”。",
            self.notes.len(),
            parts.join("、")
        ))
    }
}

/// How the count treats one error.
enum Effect {
    DuplicatePerson,
    RowNotRead,
    NoReportDate,
    UnknownMeasure,
    Other,
}

/// Which persons (by index) the figures leave out, and the 数据质量说明.
pub struct Assessment {
    pub excluded: Vec<bool>,
    pub quality: DataQuality,
}

/// Sorts every error-level data finding into the count's treatment (see the module doc).
pub fn assess(register: &Register, findings: &[Finding]) -> Assessment {
    let mut excluded = vec![false; register.persons.len()];
    let mut q = DataQuality {
        rules: COUNTING_RULES.iter().map(|s| s.to_string()).collect(),
        ..DataQuality::default()
    };
    for f in findings {
        if f.severity != Severity::Error || !f.code.starts_with('D') {
            continue;
        }
        let index = f.person.as_deref().and_then(|id| register.person_index(id));
        let first = f.cells.first().copied();
        // The finding is about the person's own 人员 row (not a rejected row naming the same 编号).
        let own_row = |field: &str| match (index, first) {
            (Some(pi), Some(c)) => {
                let p = &register.persons[pi];
                c.sheet == Sheet::Persons
                    && c.row == p.row
                    && (field.is_empty() || c == register.cell(Sheet::Persons, p.row, field))
            }
            _ => false,
        };
        let effect = if f.code == "D005" && own_row("") {
            Effect::DuplicatePerson
        } else if f.code == "D006" || f.message.ends_with("本行未使用") {
            Effect::RowNotRead
        } else if own_row("报到日期")
            && index.is_some_and(|i| register.persons[i].report_date.is_none())
        {
            Effect::NoReportDate
        } else if own_row("措施类型")
            && index.is_some_and(|i| register.persons[i].measure.is_none())
        {
            Effect::UnknownMeasure
        } else {
            Effect::Other
        };
        let (treatment, text) = match effect {
            Effect::DuplicatePerson => {
                if let Some(pi) = index {
                    if !excluded[pi] {
                        excluded[pi] = true;
                        q.duplicate_persons += 1;
                    }
                }
                (
                    Treatment::Excluded,
                    "同一人登记两次：按先登记的一行统计，本行及其编号名下的记录不计入",
                )
            }
            Effect::RowNotRead => {
                q.rows_not_read += 1;
                (Treatment::Excluded, "该行未读入，不计入任何统计")
            }
            Effect::NoReportDate => {
                q.persons_without_report_date += 1;
                (
                    Treatment::Excluded,
                    "在册期间无法确定：不计入在册人数，应做和已做次数均不计",
                )
            }
            Effect::UnknownMeasure => {
                q.persons_unknown_measure += 1;
                (
                    Treatment::Doubtful,
                    "计入在册人数（措施不明），应做次数按两类人员共同的要求计算",
                )
            }
            Effect::Other => {
                q.other_values += 1;
                (
                    Treatment::Doubtful,
                    "该值按空白处理，所在行的其余内容照常统计",
                )
            }
        };
        let person = index.map(|i| &register.persons[i]);
        q.notes.push(QualityNote {
            treatment,
            town: person.map(|p| p.town.clone()).unwrap_or_default(),
            unit: person
                .map(|p| p.unit.clone())
                .or_else(|| f.unit.clone())
                .unwrap_or_default(),
            person: f.person.clone().unwrap_or_default(),
            problem: rule_info(f.code)
                .map(|r| r.name.to_string())
                .unwrap_or_else(|| f.code.to_string()),
            effect: text.to_string(),
            message: mask_personal_numbers(&f.message),
            cells: f.cell_names(register),
        });
    }
    q.notes.sort_by(|a, b| {
        (a.treatment, &a.town, &a.unit, &a.person, &a.cells).cmp(&(
            b.treatment,
            &b.town,
            &b.unit,
            &b.person,
            &b.cells,
        ))
    });
    Assessment {
        excluded,
        quality: q,
    }
}
