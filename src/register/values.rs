//! Cell values: normalising text (full-width → half-width, stray spaces), dates in every form
//! clerks type, resident IDs (GB 11643), enums, yes/no and numbers.

use crate::model::{
    Conclusion, ContactKind, EvalPeriod, Measure, Sex, StaffKind, Status, TestResult, WarningKind,
};
use chrono::{Datelike, NaiveDate};

/// A cell value as it comes out of a workbook or CSV file, borrowed where possible.
#[derive(Debug, Clone, Copy)]
pub enum CellIn<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A real date cell (Excel date format or ODS date).
    Date(NaiveDate),
    /// An error cell (#N/A, #VALUE! …).
    Error,
}

/// What kind of value a [`Slot`] holds for the current row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Empty,
    Text,
    Number,
    Bool,
    Date,
    Error,
}

/// One field of the current row, reused from row to row so that reading allocates little.
#[derive(Debug, Clone, Default)]
pub struct Slot {
    pub kind: Kind,
    pub text: String,
    pub num: f64,
    pub date: Option<NaiveDate>,
}

impl Slot {
    pub fn clear(&mut self) {
        self.kind = Kind::Empty;
        self.text.clear();
    }

    /// Stores a cell value; blank text counts as empty.
    pub fn set(&mut self, v: CellIn<'_>) {
        match v {
            CellIn::Text(s) => {
                if s.chars().all(char::is_whitespace) {
                    self.clear();
                } else {
                    self.kind = Kind::Text;
                    self.text.clear();
                    self.text.push_str(s);
                }
            }
            CellIn::Number(n) => {
                self.kind = Kind::Number;
                self.num = n;
            }
            CellIn::Bool(b) => {
                self.kind = Kind::Bool;
                self.num = if b { 1.0 } else { 0.0 };
            }
            CellIn::Date(d) => {
                self.kind = Kind::Date;
                self.date = Some(d);
            }
            CellIn::Error => self.kind = Kind::Error,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kind == Kind::Empty
    }

    /// The value as a clerk would read it, for messages.
    pub fn shown(&self) -> String {
        match self.kind {
            Kind::Empty => String::new(),
            Kind::Text => self.text.trim().to_string(),
            Kind::Number => number_text(self.num),
            Kind::Bool => if self.num != 0.0 { "TRUE" } else { "FALSE" }.to_string(),
            Kind::Date => self.date.map(|d| d.to_string()).unwrap_or_default(),
            Kind::Error => "#错误值".to_string(),
        }
    }

    /// Writes the value into `out` as normalised text with all whitespace removed
    /// (for keys, codes, enums). Numbers are written without a fraction when integral.
    pub fn compact_into(&self, out: &mut String) {
        out.clear();
        match self.kind {
            Kind::Text => compact_into(&self.text, out),
            Kind::Number => out.push_str(&number_text(self.num)),
            Kind::Date => {
                if let Some(d) = self.date {
                    out.push_str(&d.to_string());
                }
            }
            Kind::Bool => out.push_str(if self.num != 0.0 { "是" } else { "否" }),
            Kind::Empty | Kind::Error => {}
        }
    }

    /// The value as a name (person, worker, 村(社区), 乡镇(街道)): half-width, with every
    /// space removed (clerks pad two-character names: `张  三`), `None` when empty.
    pub fn name_value(&self) -> Option<String> {
        let mut out = String::new();
        match self.kind {
            Kind::Empty | Kind::Error => {}
            _ => self.compact_into(&mut out),
        }
        (!out.is_empty()).then_some(out)
    }

    /// The value as free text (trimmed, half-width), `None` when empty.
    pub fn text_value(&self) -> Option<String> {
        match self.kind {
            Kind::Empty | Kind::Error => None,
            Kind::Text => {
                let t = clean(&self.text);
                (!t.is_empty()).then_some(t)
            }
            _ => Some(self.shown()),
        }
    }
}

/// `12` for 12.0, `12.5` for 12.5.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Full-width ASCII (U+FF01–FF5E) → ASCII, ideographic space → space.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Trimmed, half-width text.
pub fn clean(s: &str) -> String {
    let folded: String = s.chars().map(fold_char).collect();
    folded.trim().to_string()
}

/// Half-width text without any whitespace, appended to `out`.
pub fn compact_into(s: &str, out: &mut String) {
    out.extend(s.chars().map(fold_char).filter(|c| !c.is_whitespace()));
}

/// Half-width text without any whitespace.
pub fn compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    compact_into(s, &mut out);
    out
}

/// An Excel serial day number (1900 date system) as a date.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts the non-existent 1900-02-29 (serial 60): no date at all.
    if days == EXCEL_PHANTOM_SERIAL {
        return None;
    }
    let base = if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// Excel's serial day 60, the 1900-02-29 that never was.
const EXCEL_PHANTOM_SERIAL: i64 = 60;

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

/// A date typed as text: 2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日, 20250301 (full-width
/// digits and stray spaces allowed; a trailing time of day is ignored).
pub fn parse_date_text(raw: &str) -> Option<NaiveDate> {
    parse_date_text_any_year(raw).filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&d.year()))
}

/// [`parse_date_text`] without the 1900–2100 bound (to tell an out-of-range date from text
/// that is no date).
fn parse_date_text_any_year(raw: &str) -> Option<NaiveDate> {
    match date_fields(raw)? {
        DateFields::Ymd(y, m, d) => NaiveDate::from_ymd_opt(y, m, d),
        DateFields::Serial(f) => excel_serial_date(f),
    }
}

/// What a date typed as text says, before it is checked to be a real day.
enum DateFields {
    /// Year, month and day as written (the month may be 13, the day 31 in a 30-day month).
    Ymd(i32, u32, u32),
    /// An Excel serial day.
    Serial(f64),
}

/// The fields of a date typed as text, in any form [`parse_date_text`] accepts.
fn date_fields(raw: &str) -> Option<DateFields> {
    let folded: String = raw.chars().map(fold_char).collect();
    let mut s = folded.trim();
    // "2025-03-01 00:00:00" or "2025-03-01T00:00:00": drop the time.
    if let Some(pos) = s.find([' ', 'T']) {
        if s[pos..].contains(':') {
            s = &s[..pos];
        }
    }
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.len() {
            8 => ymd_fields(&s[0..4], &s[4..6], &s[6..8]),
            5 => Some(DateFields::Serial(s.parse::<f64>().ok()?)),
            _ => None,
        };
    }
    // Serial with a fraction, as exported to CSV ("45717.5").
    if let Ok(f) = s.parse::<f64>() {
        return (10_000.0..100_000.0)
            .contains(&f)
            .then_some(DateFields::Serial(f));
    }
    let mut groups: Vec<&str> = Vec::with_capacity(3);
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() {
            if start.is_none() {
                start = Some(i);
            }
        } else if matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | '号') {
            if let Some(st) = start.take() {
                groups.push(&s[st..i]);
            }
        } else {
            return None;
        }
    }
    if let Some(st) = start {
        groups.push(&s[st..]);
    }
    if groups.len() != 3 || groups[0].len() != 4 || groups[1].len() > 2 || groups[2].len() > 2 {
        return None;
    }
    ymd_fields(groups[0], groups[1], groups[2])
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m.parse().ok()?, d.parse().ok()?)
}

fn ymd_fields(y: &str, m: &str, d: &str) -> Option<DateFields> {
    Some(DateFields::Ymd(
        y.parse().ok()?,
        m.parse().ok()?,
        d.parse().ok()?,
    ))
}

/// Why text written as a date is no day: the month or the day does not exist.
fn impossible_date(raw: &str) -> Option<BadDate> {
    match date_fields(raw)? {
        DateFields::Ymd(_, m, _) if !(1..=12).contains(&m) => Some(BadDate::NoSuchMonth),
        DateFields::Ymd(y, m, d) if NaiveDate::from_ymd_opt(y, m, d).is_none() => {
            Some(BadDate::NoSuchDay)
        }
        _ => None,
    }
}

/// The result of reading a date cell.
#[derive(Debug, Clone, PartialEq)]
pub enum DateCell {
    Empty,
    Date(NaiveDate),
    /// Not a usable date; holds what the cell showed and why.
    Bad(String, BadDate),
}

/// Why a date cell holds no usable date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDate {
    /// Not a date in any form the reader knows.
    Unreadable,
    /// A date before 1900-01-01 or after 2100-12-31.
    OutOfRange,
    /// Excel's serial day 60, "1900-02-29", which never was.
    ExcelPhantom,
    /// Written as a date, but the month is not 1–12 (`2025.13.01`).
    NoSuchMonth,
    /// Written as a date, but the month has no such day (`2025-02-30`).
    NoSuchDay,
}

/// The forms a date may be written in, for messages.
pub const DATE_FORMS: &str = "2025-03-01、2025/3/1、2025.3.1、2025年3月1日 或 20250301";

impl BadDate {
    /// What is wrong, for a clerk.
    pub fn text(self) -> &'static str {
        match self {
            BadDate::Unreadable => {
                "不是可识别的日期（可写 2025-03-01、2025/3/1、2025.3.1、2025年3月1日 或 20250301）"
            }
            BadDate::NoSuchMonth => {
                "月份不对：月份应为 1 至 12（日期可写 2025-03-01、2025/3/1、2025.3.1、2025年3月1日 或 20250301）"
            }
            BadDate::NoSuchDay => "该月没有这一天：请核对日（如 2 月只有 28 或 29 日）",
            BadDate::OutOfRange => "超出范围（应在1900年1月1日至2100年12月31日之间）",
            BadDate::ExcelPhantom => "是 Excel 不存在的日期（1900年2月29日）",
        }
    }
}

/// Reads a date cell: a real date, an Excel serial number or text.
pub fn date_of(slot: &Slot) -> DateCell {
    let bad = |why| DateCell::Bad(slot.shown(), why);
    let d = match slot.kind {
        Kind::Empty => return DateCell::Empty,
        Kind::Date => slot.date,
        // 20250301 typed into a number cell, or an Excel serial day.
        Kind::Number if (19_000_101.0..=21_001_231.0).contains(&slot.num) => {
            parse_date_text_any_year(&number_text(slot.num))
        }
        Kind::Number if slot.num.floor() as i64 == EXCEL_PHANTOM_SERIAL => {
            return bad(BadDate::ExcelPhantom)
        }
        Kind::Number if slot.num.is_finite() && slot.num >= 2_958_466.0 => {
            return bad(BadDate::OutOfRange)
        }
        Kind::Number => excel_serial_date(slot.num),
        Kind::Text => parse_date_text_any_year(&slot.text),
        Kind::Bool | Kind::Error => None,
    };
    match d {
        Some(d) if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) => DateCell::Date(d),
        Some(_) => bad(BadDate::OutOfRange),
        None => {
            let written = match slot.kind {
                Kind::Text => Some(slot.text.to_string()),
                Kind::Number => Some(number_text(slot.num)),
                _ => None,
            };
            bad(written
                .and_then(|t| impossible_date(&t))
                .unwrap_or(BadDate::Unreadable))
        }
    }
}

/// What a resident ID cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum IdCheck {
    /// A valid 18-character ID.
    Valid {
        id: String,
        birth: NaiveDate,
        sex: Sex,
    },
    /// Malformed (D003): the ID as read and why.
    Malformed { id: String, reason: String },
    /// The check character is wrong (D003).
    BadCheck { id: String, expected: char },
    /// Stored as a number and digits were lost (D010): what the cell showed.
    LostDigits { shown: String },
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS: &[u8; 11] = b"10X98765432";
/// Province-level region codes (first two digits of the region code).
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83", "91",
];

/// The ISO 7064 MOD 11-2 check character of the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    char::from(ID_CHECK_CHARS[(sum % 11) as usize])
}

/// Checks a resident ID cell (GB 11643-1999).
pub fn check_resident_id(slot: &Slot) -> Option<IdCheck> {
    match slot.kind {
        Kind::Empty => None,
        Kind::Error => Some(IdCheck::Malformed {
            id: "公式错误".to_string(),
            reason: "不是号码：单元格是公式错误（如 #VALUE!、#REF!），请按证件以文本格式重新录入"
                .to_string(),
        }),
        Kind::Number => {
            if slot.num.abs() >= 1e15 || slot.num.fract() != 0.0 {
                Some(IdCheck::LostDigits {
                    shown: format!("{}", slot.num),
                })
            } else {
                Some(check_id_text(&number_text(slot.num)))
            }
        }
        _ => {
            let mut s = String::new();
            slot.compact_into(&mut s);
            Some(check_id_text(&s))
        }
    }
}

/// Checks an ID typed as text (already half-width, without spaces or not).
pub fn check_id_text(raw: &str) -> IdCheck {
    let id = compact(raw).to_ascii_uppercase();
    let b = id.as_bytes();
    // "3.41071E+17": a number Excel displayed in scientific notation.
    if id.contains("E+")
        || (id.contains('.') && id.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
    {
        return IdCheck::LostDigits { shown: id };
    }
    if b.len() == 15 && b.iter().all(u8::is_ascii_digit) {
        return IdCheck::Malformed {
            reason: "是15位旧号码，应换为18位公民身份号码".into(),
            id,
        };
    }
    if b.len() != 18 {
        return IdCheck::Malformed {
            reason: format!("应为18位，实为{}位", id.chars().count()),
            id,
        };
    }
    if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return IdCheck::Malformed {
            reason: "含有数字和X以外的字符".into(),
            id,
        };
    }
    if !PROVINCES.contains(&&id[0..2]) {
        return IdCheck::Malformed {
            reason: format!("地区码 {} 不存在", &id[0..6]),
            id,
        };
    }
    let Some(birth) = ymd(&id[6..10], &id[10..12], &id[12..14]) else {
        return IdCheck::Malformed {
            reason: format!("出生日期 {} 无效", &id[6..14]),
            id,
        };
    };
    let expected = id_check_char(&b[..17]);
    if char::from(b[17]) != expected {
        // Twelve significant digits then zeros: a number that lost its last digits.
        if id.ends_with("000") {
            return IdCheck::LostDigits { shown: id };
        }
        return IdCheck::BadCheck { id, expected };
    }
    let sex = if (b[16] - b'0') % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    IdCheck::Valid { id, birth, sex }
}

/// An enum value read from a cell: its parse and the allowed set for the D009 message.
pub struct EnumSpec<T: 'static> {
    pub allowed: &'static [(&'static str, T)],
}

impl<T: Copy> EnumSpec<T> {
    /// Parses compact text (no spaces, half-width) against the allowed set.
    pub fn parse(&self, compact: &str) -> Option<T> {
        self.allowed
            .iter()
            .find(|(label, _)| *label == compact)
            .map(|(_, v)| *v)
    }
    /// The allowed labels joined with `、`, without duplicates.
    pub fn allowed_text(&self) -> String {
        let mut labels: Vec<&str> = Vec::new();
        for (l, _) in self.allowed {
            if !labels.contains(l) {
                labels.push(l);
            }
        }
        labels.join("、")
    }
}

pub const MEASURES: EnumSpec<Measure> = EnumSpec {
    allowed: &[("社区戒毒", Measure::Detox), ("社区康复", Measure::Rehab)],
};
pub const STATUSES: EnumSpec<Status> = EnumSpec {
    allowed: &[
        ("执行中", Status::Active),
        ("已解除", Status::Discharged),
        ("中止", Status::Suspended),
        ("终止", Status::Terminated),
        ("强制隔离戒毒", Status::CompulsoryIsolation),
        ("已变更执行地", Status::Transferred),
    ],
};
pub const SEXES: EnumSpec<Sex> = EnumSpec {
    allowed: &[("男", Sex::Male), ("女", Sex::Female)],
};
pub const YES_NO: EnumSpec<bool> = EnumSpec {
    allowed: &[("是", true), ("否", false)],
};
pub const TEST_RESULTS: EnumSpec<TestResult> = EnumSpec {
    allowed: &[
        ("阴性", TestResult::Negative),
        ("阳性", TestResult::Positive),
        ("拒绝", TestResult::Refused),
        ("逃避", TestResult::Evaded),
        ("未到", TestResult::NoShow),
    ],
};
pub const CONTACT_KINDS: EnumSpec<ContactKind> = EnumSpec {
    allowed: &[
        ("面谈", ContactKind::FaceToFace),
        ("家访", ContactKind::HomeVisit),
        ("电话", ContactKind::Phone),
        ("本人报告", ContactKind::SelfReport),
    ],
};
/// Words that name a kind of contact in a header (`家访日期`) or beside a date in a cell
/// (`3.5家访`), longest first (so that 本人报告 is found before 报告).
pub const CONTACT_KIND_WORDS: &[(&str, ContactKind)] = &[
    ("本人报告", ContactKind::SelfReport),
    ("定期报告", ContactKind::SelfReport),
    ("个别谈话", ContactKind::FaceToFace),
    ("电话联系", ContactKind::Phone),
    ("面谈", ContactKind::FaceToFace),
    ("家访", ContactKind::HomeVisit),
    ("走访", ContactKind::HomeVisit),
    ("电话", ContactKind::Phone),
    ("报告", ContactKind::SelfReport),
];
pub const WARNING_KINDS: EnumSpec<WarningKind> = EnumSpec {
    allowed: &[("口头", WarningKind::Oral), ("书面", WarningKind::Written)],
};
pub const CONCLUSIONS: EnumSpec<Conclusion> = EnumSpec {
    allowed: &[
        ("良好", Conclusion::Good),
        ("一般", Conclusion::Fair),
        ("较差", Conclusion::Poor),
    ],
};
pub const STAFF_KINDS: EnumSpec<StaffKind> = EnumSpec {
    allowed: &[("专职", StaffKind::FullTime), ("兼职", StaffKind::PartTime)],
};

/// 评估期: `2025Q1`, `2025-Q1`, `2025年第一季度`, `2025年一季度`, `2025年第1季度`, or `总评估`.
pub fn parse_eval_period(compact: &str) -> Option<EvalPeriod> {
    if compact == "总评估" || compact == "三年总评估" {
        return Some(EvalPeriod::Total);
    }
    let s = compact.to_ascii_uppercase();
    let year: i32 = s.get(0..4)?.parse().ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    let rest = s[4..].trim_start_matches(['-', '年']);
    let q = if let Some(n) = rest.strip_prefix('Q') {
        n
    } else {
        let n = rest.strip_prefix('第').unwrap_or(rest);
        n.strip_suffix("季度")?
    };
    let quarter = match q {
        "1" | "一" => 1,
        "2" | "二" => 2,
        "3" | "三" => 3,
        "4" | "四" => 4,
        _ => return None,
    };
    Some(EvalPeriod::Quarter { year, quarter })
}

/// A whole number ≥ 0 typed as a number or as text (`36`, `36个月`, `1,500元`).
pub fn parse_count(slot: &Slot) -> Option<u32> {
    let n = parse_amount(slot)?;
    (n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX)).then_some(n as u32)
}

/// An amount typed as a number or as text (`1,500`, `1500元`, `1.5万`).
pub fn parse_amount(slot: &Slot) -> Option<f64> {
    match slot.kind {
        Kind::Number => Some(slot.num),
        Kind::Text => {
            let s: String = compact(&slot.text).chars().filter(|c| *c != ',').collect();
            let s = s
                .strip_suffix("个月")
                .or_else(|| s.strip_suffix('月'))
                .or_else(|| s.strip_suffix('元'))
                .or_else(|| s.strip_suffix('人'))
                .unwrap_or(&s);
            if let Some(w) = s.strip_suffix('万') {
                return w.parse::<f64>().ok().map(|v| v * 10_000.0);
            }
            s.parse::<f64>().ok().filter(|v| v.is_finite())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn text_dates_in_every_form() {
        for s in [
            "2025-03-01",
            "2025/3/1",
            "2025.3.1",
            "2025年3月1日",
            "20250301",
            "２０２５年３月１日",
            " 2025 - 03 - 01\u{3000}",
            "2025-03-01 00:00:00",
            "45717",
        ] {
            assert_eq!(parse_date_text(s), Some(d(2025, 3, 1)), "{s}");
        }
        for s in [
            "2025-02-30",
            "2025",
            "明天",
            "25-3-1",
            "2025/13/1",
            "3/1/2025",
        ] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
    }

    #[test]
    fn numbers_in_date_columns() {
        let mut slot = Slot::default();
        slot.set(CellIn::Number(20250301.0));
        assert_eq!(date_of(&slot), DateCell::Date(d(2025, 3, 1)));
        slot.set(CellIn::Number(45717.0));
        assert_eq!(date_of(&slot), DateCell::Date(d(2025, 3, 1)));
        // Month 13 is told as such.
        slot.set(CellIn::Number(20251301.0));
        assert_eq!(
            date_of(&slot),
            DateCell::Bad("20251301".into(), BadDate::NoSuchMonth)
        );
        slot.set(CellIn::Number(-5.0));
        assert_eq!(
            date_of(&slot),
            DateCell::Bad("-5".into(), BadDate::Unreadable)
        );
        // A formula error where an ID belongs says so, not "应为18位，实为0位".
        slot.set(CellIn::Error);
        match check_resident_id(&slot) {
            Some(IdCheck::Malformed { reason, .. }) => assert!(reason.contains("公式错误")),
            other => panic!("{other:?}"),
        }
        // Excel's 1900-02-29, and dates outside 1900–2100, written as text or numbers.
        slot.set(CellIn::Number(60.0));
        assert_eq!(
            date_of(&slot),
            DateCell::Bad("60".into(), BadDate::ExcelPhantom)
        );
        slot.set(CellIn::Text("2101-01-01"));
        assert_eq!(
            date_of(&slot),
            DateCell::Bad("2101-01-01".into(), BadDate::OutOfRange)
        );
        slot.set(CellIn::Number(1_000_000.0));
        assert_eq!(
            date_of(&slot),
            DateCell::Bad("1000000".into(), BadDate::OutOfRange)
        );
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_date(45717.0), Some(d(2025, 3, 1)));
        assert_eq!(excel_serial_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(excel_serial_date(60.0), None);
        assert_eq!(excel_serial_date(-3.0), None);
    }

    #[test]
    fn resident_ids() {
        // 11010519491231002X is the GB 11643 example.
        match check_id_text("11010519491231002x") {
            IdCheck::Valid { birth, sex, id } => {
                assert_eq!(id, "11010519491231002X");
                assert_eq!(birth, d(1949, 12, 31));
                assert_eq!(sex, Sex::Female);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check_id_text("110105194912310021"),
            IdCheck::BadCheck { expected: 'X', .. }
        ));
        assert!(matches!(
            check_id_text("3.41071E+17"),
            IdCheck::LostDigits { .. }
        ));
        assert!(matches!(
            check_id_text("341071199403157000"),
            IdCheck::LostDigits { .. }
        ));
        assert!(matches!(
            check_id_text("110105491231002"),
            IdCheck::Malformed { .. }
        ));
        assert!(matches!(
            check_id_text("110105194913310021"),
            IdCheck::Malformed { .. }
        ));
        assert!(matches!(
            check_id_text("990105194912310021"),
            IdCheck::Malformed { .. }
        ));
        let mut slot = Slot::default();
        slot.set(CellIn::Number(3.410701994031571e17));
        assert!(matches!(
            check_resident_id(&slot),
            Some(IdCheck::LostDigits { .. })
        ));
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "",
            " ",
            "年月日",
            "２０２５年",
            "99999999999999999999",
            "-1",
            "1e308",
            "NaN",
            "inf",
            "2025-1-1-1",
            "2025年13月",
            "🙂🙂🙂🙂🙂🙂",
            "身份证身份证身份证",
            "1101051949123100２Ｘ",
            "20251301",
            "2025/02/29",
            "0000-00-00",
            "2025Q",
            "总",
            "年第一季度",
        ] {
            let _ = parse_date_text(s);
            let _ = check_id_text(s);
            let _ = parse_eval_period(s);
            let mut slot = Slot::default();
            slot.set(CellIn::Text(s));
            let _ = (date_of(&slot), parse_amount(&slot), parse_count(&slot));
            let _ = check_resident_id(&slot);
        }
        for n in [
            f64::NAN,
            f64::INFINITY,
            -1e300,
            1e300,
            0.0,
            60.0,
            2_958_466.0,
        ] {
            let mut slot = Slot::default();
            slot.set(CellIn::Number(n));
            let _ = (date_of(&slot), parse_count(&slot), check_resident_id(&slot));
        }
    }

    #[test]
    fn eval_periods() {
        let q = |year, quarter| Some(EvalPeriod::Quarter { year, quarter });
        assert_eq!(parse_eval_period("2025Q1"), q(2025, 1));
        assert_eq!(parse_eval_period("2025-q2"), q(2025, 2));
        assert_eq!(parse_eval_period("2025年第三季度"), q(2025, 3));
        assert_eq!(parse_eval_period("2025年四季度"), q(2025, 4));
        assert_eq!(parse_eval_period("总评估"), Some(EvalPeriod::Total));
        assert_eq!(parse_eval_period("2025Q5"), None);
    }

    #[test]
    fn enums_are_strict() {
        assert_eq!(MEASURES.parse("社区康复"), Some(Measure::Rehab));
        assert_eq!(MEASURES.parse("社区戒独"), None);
        assert_eq!(MEASURES.allowed_text(), "社区戒毒、社区康复");
    }
}
