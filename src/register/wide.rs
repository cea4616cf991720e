//! Events kept in columns of their own: month-by-month tables (one row per person and year,
//! `1月` … `12月`, each cell the month's dates: `3.27`, `3.5、3.19`, `3.27阳性`) and 谈话
//! rows with a date column per kind (面谈, 家访, 本人报告). Each cell gives zero or more
//! events, each keeping its cell (record row `row.record_row + k`, see `model::SheetPart`);
//! a cell that cannot be read whole is a D002 at that cell and gives none.

use super::build::{Builder, Subject};
use super::headers::EventColumn;
use super::rows::{Row, Shape};
use super::values::{
    compact, date_of, number_text, parse_date_text, DateCell, Kind, Slot, CONTACT_KIND_WORDS,
};
use crate::model::{method_is_unannounced, Contact, ContactKind, Sheet, Test, TestResult};
use chrono::NaiveDate;

/// One event read from a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellEvent {
    pub date: NaiveDate,
    /// A result written beside the date (阳性, 拒绝 …); none means 阴性 on a test table.
    pub result: Option<TestResult>,
    /// A kind written beside the date (家访 …).
    pub kind: Option<ContactKind>,
    /// A method written beside the date (尿检, 毛发, 突击 …).
    pub method: Option<String>,
}

/// What a cell holds besides dates: results, kinds ([`CONTACT_KIND_WORDS`]) and methods,
/// longest words first.
const RESULT_WORDS: &[(&str, TestResult)] = &[
    ("阴性", TestResult::Negative),
    ("阳性", TestResult::Positive),
    ("拒绝", TestResult::Refused),
    ("拒检", TestResult::Refused),
    ("逃避", TestResult::Evaded),
    ("未到", TestResult::NoShow),
    ("阴", TestResult::Negative),
    ("阳", TestResult::Positive),
];
const METHOD_WORDS: &[&str] = &["尿检", "毛发", "血检", "随机", "突击"];
/// A cell that says "nothing this month".
const NOTHING: &[&str] = &["无", "/", "-", "—", "——", "未", "0"];

/// Why a cell could not be read.
pub type Unreadable = String;

/// The events of one cell. `year` and `month`: what the column (or the row's 年度) says, for
/// short forms (`3.27` needs a year, `27` or `27日` a month too).
pub fn parse_event_cell(
    slot: &Slot,
    year: Option<i32>,
    month: Option<u32>,
) -> Result<Vec<CellEvent>, Unreadable> {
    let plain = |date| CellEvent {
        date,
        result: None,
        kind: None,
        method: None,
    };
    match slot.kind {
        Kind::Empty => Ok(Vec::new()),
        Kind::Date | Kind::Bool | Kind::Error => match date_of(slot) {
            DateCell::Date(d) => Ok(vec![plain(d)]),
            DateCell::Bad(..) | DateCell::Empty => Err("不是可识别的日期".into()),
        },
        Kind::Number => {
            let n = slot.num;
            // 3.1 typed into a number cell may have been 3.10: Excel drops the zero.
            let text = number_text(n);
            if n.fract() != 0.0 && n < 13.0 {
                if let Some((_, day)) = text.split_once('.') {
                    if day.len() == 1 && matches!(day, "1" | "2" | "3") {
                        return Err(format!(
                            "是数字 {text}，可能是{m}月{day}日，也可能是{m}月{day}0日（数字格式会去掉末尾的 0）：请写成文本或完整日期",
                            m = n.trunc()
                        ));
                    }
                }
            }
            if n >= 1000.0 {
                return match date_of(slot) {
                    DateCell::Date(d) => Ok(vec![plain(d)]),
                    _ => Err("不是可识别的日期".into()),
                };
            }
            piece_event(&text, year, month).map(|e| vec![e])
        }
        Kind::Text => {
            let text = compact_keep_spaces(&slot.text);
            let mut events: Vec<CellEvent> = Vec::new();
            for token in text.split(is_separator).filter(|t| !t.is_empty()) {
                if NOTHING.contains(&token) {
                    continue;
                }
                // A word alone (`3.27 阳性`) belongs to the date before it.
                let (rest, result, kind, method) = strip_words(token);
                if rest.is_empty() {
                    match events.last_mut() {
                        Some(e) if result.is_some() || kind.is_some() || method.is_some() => {
                            e.result = result.or(e.result);
                            e.kind = kind.or(e.kind);
                            e.method = method.or(e.method.take());
                            continue;
                        }
                        _ => return Err(format!("「{token}」没有日期")),
                    }
                }
                let mut e = piece_event(&rest, year, month)?;
                e.result = result;
                e.kind = kind;
                e.method = method;
                events.push(e);
            }
            Ok(events)
        }
    }
}

/// Half-width text with line breaks and spaces kept as separators.
fn compact_keep_spaces(s: &str) -> String {
    s.split_whitespace()
        .map(compact)
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_separator(c: char) -> bool {
    matches!(c, '、' | ',' | ';' | '，' | '；' | ' ')
}

/// A token without its words (results, kinds, methods, brackets) and the words found.
fn strip_words(
    token: &str,
) -> (
    String,
    Option<TestResult>,
    Option<ContactKind>,
    Option<String>,
) {
    let mut rest: String = token
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】'))
        .collect();
    let mut method = None;
    for w in METHOD_WORDS {
        if rest.contains(w) {
            method = Some((*w).to_string());
            rest = rest.replace(w, "");
        }
    }
    let mut kind = None;
    for (w, k) in CONTACT_KIND_WORDS {
        if rest.contains(w) {
            kind = Some(*k);
            rest = rest.replace(w, "");
        }
    }
    let mut result = None;
    for (w, r) in RESULT_WORDS {
        if rest.contains(w) {
            result = Some(*r);
            rest = rest.replace(w, "");
        }
    }
    (rest, result, kind, method)
}

/// One date: a full date, `3.27` / `3-27` / `3/27` / `3月27日` with the year, or `27` /
/// `27日` / `27号` with the year and month of the column.
fn piece_event(text: &str, year: Option<i32>, month: Option<u32>) -> Result<CellEvent, Unreadable> {
    let date = |d| CellEvent {
        date: d,
        result: None,
        kind: None,
        method: None,
    };
    if let Some(d) = parse_date_text(text) {
        return Ok(date(d));
    }
    let digits: Vec<&str> = text
        .split(|c: char| matches!(c, '.' | '-' | '/' | '月' | '日' | '号'))
        .filter(|g| !g.is_empty())
        .collect();
    let only_known = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '月' | '日' | '号'));
    let numbers: Option<Vec<u32>> = digits
        .iter()
        .map(|g| (g.len() <= 2).then(|| g.parse().ok()).flatten())
        .collect();
    let unreadable =
        || format!("「{text}」不是可识别的日期（按月登记表中可写 3.27、3月27日、27日 或完整日期）");
    let (Some(numbers), true) = (numbers, only_known) else {
        return Err(unreadable());
    };
    let (m, d) = match numbers.as_slice() {
        [m, d] => (*m, *d),
        [d] if month.is_some() && !text.contains('月') => (month.unwrap_or(0), *d),
        _ => return Err(unreadable()),
    };
    let Some(y) = year else {
        return Err(format!(
            "「{text}」没有年份：请在本行填写年度，或在表头写明年份（如 2025年1月）"
        ));
    };
    NaiveDate::from_ymd_opt(y, m, d)
        .map(date)
        .ok_or_else(|| format!("「{text}」不是有效日期（{y}年{m}月{d}日不存在）"))
}

/// A year written in a title or a sheet name (`2025年尿检登记表`).
pub fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).find_map(|w| {
        let y: String = w[..4].iter().collect();
        (w[4] == '年')
            .then(|| y.parse::<i32>().ok())
            .flatten()
            .filter(|y| (1900..=2100).contains(y))
    })
}

/// The kind of contact a month table of 谈话 holds when a cell does not say: from the sheet's
/// name or title (家访, 电话, 报告), else 面谈.
fn default_kind(words: &str) -> ContactKind {
    CONTACT_KIND_WORDS
        .iter()
        .find(|(w, _)| words.contains(w))
        .map_or(ContactKind::FaceToFace, |(_, k)| *k)
}

impl Builder {
    /// One row of a month-by-month table or of 谈话 with a date column per kind.
    pub fn event_cells_row(&mut self, row: &Row<'_>) {
        let Shape::Events(columns) = row.shape else {
            return;
        };
        let person = match self.person_of(row) {
            Ok(i) => i,
            Err(_) => {
                self.count(row.sheet, false);
                return;
            }
        };
        let subject = self.subject_of(person);
        let year = self.row_year(row, &subject);
        let words = format!("{} {}", row.context.name, row.context.titles);
        let mut all_read = true;
        for (k, ((col, column), slot)) in columns.iter().zip(row.events).enumerate() {
            if slot.is_empty() {
                continue;
            }
            let (year, month, kind) = match column {
                EventColumn::Month { year: y, month } => (y.or(year), Some(*month), None),
                EventColumn::Kind(kind) => (year, None, Some(*kind)),
            };
            let cell = row.cell_at(*col);
            let record_row = row.record_row + k as u32;
            match parse_event_cell(slot, year, month) {
                Ok(events) => {
                    for e in events {
                        self.push_cell_event(row.sheet, person, record_row, e, kind, &words);
                    }
                }
                Err(why) => {
                    all_read = false;
                    let header = column.label();
                    self.report(
                        "D002",
                        &subject,
                        cell,
                        format!("{header}「{}」{why}，本格未使用", slot.shown()),
                    );
                    self.register
                        .mark_rejected_row(person, row.sheet, record_row);
                }
            }
        }
        self.count(row.sheet, all_read);
    }

    /// The year of a row: its 年度 cell, else a year in the sheet's title or name. A 年度
    /// that is no year is a D009 (the month headers may still carry years).
    fn row_year(&mut self, row: &Row<'_>, subject: &Subject) -> Option<i32> {
        let slot = row.get("年度");
        if !slot.is_empty() {
            let text = match slot.kind {
                Kind::Number => number_text(slot.num),
                _ => compact(&slot.text),
            };
            let digits = text.trim_end_matches('年').trim_end_matches("年度");
            match digits.parse::<i32>() {
                Ok(y) if (1900..=2100).contains(&y) => return Some(y),
                _ => {
                    self.report(
                        "D009",
                        subject,
                        row.cell("年度"),
                        format!("年度「{}」应为四位年份（如 2025）", slot.shown()),
                    );
                    return None;
                }
            }
        }
        year_in(&row.context.titles).or_else(|| year_in(&row.context.name))
    }

    fn push_cell_event(
        &mut self,
        sheet: Sheet,
        person: usize,
        row: u32,
        e: CellEvent,
        column_kind: Option<ContactKind>,
        words: &str,
    ) {
        match sheet {
            Sheet::Tests => {
                let unannounced = e.method.as_deref().is_some_and(method_is_unannounced);
                self.register.tests.push(Test {
                    row,
                    person,
                    date: e.date,
                    method: e.method,
                    result: e.result.unwrap_or(TestResult::Negative),
                    lab: None,
                    tester: None,
                    unannounced,
                });
            }
            _ => self.register.contacts.push(Contact {
                row,
                person,
                date: e.date,
                kind: e
                    .kind
                    .or(column_kind)
                    .unwrap_or_else(|| default_kind(words)),
                worker: None,
                summary: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::values::CellIn;

    fn cell(v: CellIn) -> Slot {
        let mut s = Slot::default();
        s.set(v);
        s
    }
    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, dd).unwrap()
    }

    #[test]
    fn month_cells_in_every_form() {
        let dates = |v: CellIn| -> Vec<(NaiveDate, Option<TestResult>)> {
            parse_event_cell(&cell(v), Some(2025), Some(3))
                .unwrap()
                .into_iter()
                .map(|e| (e.date, e.result))
                .collect()
        };
        assert_eq!(dates(CellIn::Text("3.27")), vec![(d(3, 27), None)]);
        assert_eq!(
            dates(CellIn::Text("3.5、3.19")),
            vec![(d(3, 5), None), (d(3, 19), None)]
        );
        assert_eq!(
            dates(CellIn::Text("3月5日，3.19(阳性)")),
            vec![(d(3, 5), None), (d(3, 19), Some(TestResult::Positive))]
        );
        assert_eq!(
            dates(CellIn::Text("3.27 阳性")),
            vec![(d(3, 27), Some(TestResult::Positive))]
        );
        assert_eq!(dates(CellIn::Text("27日")), vec![(d(3, 27), None)]);
        assert_eq!(dates(CellIn::Text("2025-03-27")), vec![(d(3, 27), None)]);
        assert_eq!(dates(CellIn::Number(3.27)), vec![(d(3, 27), None)]);
        assert_eq!(dates(CellIn::Date(d(3, 27))), vec![(d(3, 27), None)]);
        assert_eq!(dates(CellIn::Text("无")), vec![]);
        let bad = |v: CellIn| parse_event_cell(&cell(v), Some(2025), Some(3)).unwrap_err();
        assert!(bad(CellIn::Number(3.1)).contains("3月10日"));
        assert!(bad(CellIn::Text("3.32")).contains("不存在"));
        assert!(bad(CellIn::Text("已检")).contains("不是可识别的日期"));
        assert!(bad(CellIn::Text("阳性")).contains("没有日期"));
        let no_year = parse_event_cell(&cell(CellIn::Text("3.27")), None, Some(3)).unwrap_err();
        assert!(no_year.contains("年份"), "{no_year}");
    }

    #[test]
    fn years_in_titles() {
        assert_eq!(year_in("2025年尿检登记表"), Some(2025));
        assert_eq!(year_in("尿检登记表"), None);
    }
}
