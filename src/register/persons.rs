//! Rows of 人员 → [`Person`] records (D001, D002, D003, D005 for 编号, D009, D010).

use super::build::{Builder, Rejected, Subject};
use super::rows::Row;
use super::values::{
    check_resident_id, date_of, number_text, parse_count, parse_date_text, DateCell, IdCheck, Kind,
    Slot, MEASURES, SEXES, STATUSES, YES_NO,
};
use crate::model::{DateOrText, Person, Sheet};

/// 期限(月) when the cell is empty.
pub const DEFAULT_TERM_MONTHS: u32 = 36;

impl Builder {
    /// One row of 人员. Rejected only when 编号 is missing (D001) or repeats (D005); on a
    /// register without 编号, when its 公民身份号码 repeats one read before (D005).
    pub fn person_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let unit = row
            .get("村(社区)")
            .name_value()
            .or_else(|| row.context.unit.clone())
            .unwrap_or_default();
        let mut subject = Subject {
            index: None,
            person: None,
            unit: unit.clone(),
        };
        let numbered = row.column("编号").is_some();
        let mut key = String::new();
        if numbered {
            row.get("编号").compact_into(&mut key);
            if key.is_empty() {
                self.missing(row, "编号", &subject, true);
                return Err(Rejected);
            }
        } else {
            let mut number = String::new();
            row.get("公民身份号码").compact_into(&mut number);
            number.make_ascii_uppercase();
            // A number that lost its digits (3.41071E+17) is no identity: many share it.
            let lost = matches!(
                check_resident_id(row.get("公民身份号码")),
                Some(IdCheck::LostDigits { .. })
            );
            if let (false, Some(&first)) = (lost, self.resident_ids.get(&number)) {
                return Err(self.repeated_person(row, "公民身份号码", &number, first, &subject));
            }
            key = if number.is_empty() || lost {
                let name = row.get("姓名").name_value().unwrap_or_default();
                generated_key(&format!("{name}@{unit}@{number}"))
            } else {
                generated_key(&number)
            };
            // Two numbers with one key (1 in 34 billion): the later gets a suffix.
            let stem = key.clone();
            let mut n = 1;
            while self.ids.contains_key(&key) {
                n += 1;
                key = format!("{stem}-{n}");
            }
        }
        subject.person = Some(key.clone());
        if let Some(&first) = self.ids.get(&key) {
            return Err(self.repeated_person(row, "编号", &key, first, &subject));
        }

        let mut p = Person {
            row: row.record_row,
            id: key.clone(),
            generated_id: !numbered,
            unit,
            term_months: DEFAULT_TERM_MONTHS,
            ..Person::default()
        };
        match row.get("姓名").name_value() {
            Some(n) => p.name = n,
            None => self.missing(row, "姓名", &subject, false),
        }
        p.sex = self
            .enumerated(row, "性别", &SEXES, &subject, false)
            .ok()
            .flatten();
        self.resident_id(row, &subject, &mut p);
        p.birth_date = self.date(row, "出生日期", &subject, false).ok().flatten();
        p.phone = row.get("联系电话").text_value();
        p.household_address = row.get("户籍地址").text_value();
        p.current_address = row.get("现住址").text_value();
        match row.get("乡镇(街道)").name_value() {
            Some(t) => p.town = t,
            None => self.missing(row, "乡镇(街道)", &subject, false),
        }
        if p.unit.is_empty() {
            self.missing(row, "村(社区)", &subject, false);
        }
        p.measure = self
            .required_enum(row, "措施类型", &MEASURES, &subject, false)
            .ok();
        p.decision_authority = row.get("决定机关").text_value();
        p.decision_number = row.get("决定书文号").text_value();
        p.decision_date = self.required_date(row, "决定日期", &subject, false).ok();
        p.served_date = self.date(row, "送达日期", &subject, false).ok().flatten();
        p.from_other_province = self
            .enumerated(row, "外省市人员", &YES_NO, &subject, false)
            .ok()
            .flatten()
            .unwrap_or(false);
        p.report_date = self.date(row, "报到日期", &subject, false).ok().flatten();
        p.agreement_date = self
            .date(row, "协议签订日期", &subject, false)
            .ok()
            .flatten();
        let term = row.get("期限(月)");
        if !term.is_empty() {
            match parse_count(term).filter(|m| (1..=MAX_TERM_MONTHS).contains(m)) {
                Some(m) => p.term_months = m,
                None => self.report(
                    "D009",
                    &subject,
                    row.cell("期限(月)"),
                    format!(
                        "期限(月)「{}」应为 1 至 {MAX_TERM_MONTHS} 之间的整数月数（空白按 {DEFAULT_TERM_MONTHS} 个月计）",
                        term.shown()
                    ),
                ),
            }
        }
        for field in PRINTED_FIELDS {
            self.no_control_characters(row, field, &subject);
        }
        p.status = self
            .enumerated(row, "状态", &STATUSES, &subject, false)
            .ok()
            .flatten();
        p.status_date = self.date(row, "状态日期", &subject, false).ok().flatten();
        p.social_worker = row.get("专职社工").name_value();
        p.group_leader = row.get("帮教小组组长").name_value();
        p.group_members = row
            .get("帮教小组成员")
            .text_value()
            .map(|t| split_names(&t))
            .unwrap_or_default();
        p.fixed_residence = self
            .enumerated(row, "固定住所", &YES_NO, &subject, false)
            .ok()
            .flatten();
        p.fixed_job = self
            .enumerated(row, "固定工作", &YES_NO, &subject, false)
            .ok()
            .flatten();
        p.fixed_contact = self
            .enumerated(row, "固定联系方式", &YES_NO, &subject, false)
            .ok()
            .flatten();
        p.special_circumstances = row.get("特殊情形").text_value();
        p.methadone = self
            .enumerated(row, "药物维持治疗", &YES_NO, &subject, false)
            .ok()
            .flatten();

        // The 信息登记表's background: free text, never an error (an empty or odd value is
        // a line to fill on the form).
        p.ethnicity = row.get("民族").text_value();
        p.education = row.get("学历").text_value();
        p.marital_status = row.get("婚姻状况").text_value();
        p.occupation = row.get("职业").text_value();
        p.employer = row.get("工作单位").text_value();
        p.first_drug_use = date_or_text(row.get("初次吸毒时间"));
        p.drugs = row.get("吸食毒品种类").text_value();
        p.family_name = row.get("家属姓名").name_value();
        p.family_relation = row.get("家属关系").text_value();
        p.family_phone = row.get("家属电话").text_value();
        p.criminal_record = row.get("违法犯罪记录").text_value();

        let index = self.register.persons.len();
        self.ids.insert(key, index);
        if let Some(number) = &p.resident_id {
            self.resident_ids.entry(number.clone()).or_insert(index);
        }
        if !p.name.is_empty() {
            self.names.entry(p.name.clone()).or_default().push(index);
        }
        self.register.persons.push(p);
        Ok(())
    }

    /// D005 for a person row whose `field` (编号, or 公民身份号码 on a register without 编号)
    /// repeats the one of person `first`; the row is not used.
    fn repeated_person(
        &mut self,
        row: &Row<'_>,
        field: &str,
        shown: &str,
        first: usize,
        subject: &Subject,
    ) -> Rejected {
        let first_row = self.register.persons[first].row;
        let first_cell = self.register.cell(Sheet::Persons, first_row, field);
        let first_name = self.register.cell_name(&first_cell);
        self.report(
            "D005",
            subject,
            row.cell(field),
            format!("{field}「{shown}」与 {first_name} 重复，本行未使用"),
        );
        Rejected
    }

    /// 公民身份号码: D001 when empty, D003 when malformed, D010 when digits were lost.
    fn resident_id(&mut self, row: &Row<'_>, subject: &Subject, p: &mut Person) {
        let field = "公民身份号码";
        let cell = row.cell(field);
        match check_resident_id(row.get(field)) {
            None => self.missing(row, field, subject, false),
            Some(IdCheck::Valid { id, .. }) => {
                p.resident_id = Some(id);
                p.resident_id_valid = true;
            }
            Some(IdCheck::Malformed { id, reason }) => {
                self.report("D003", subject, cell, format!("{field}「{id}」{reason}"));
                p.resident_id = Some(id);
            }
            Some(IdCheck::BadCheck { id, expected }) => {
                self.report(
                    "D003",
                    subject,
                    cell,
                    format!("{field}「{id}」的校验位错误（应为 {expected}）"),
                );
                p.resident_id = Some(id);
            }
            Some(IdCheck::LostDigits { shown }) => {
                self.report(
                    "D010",
                    subject,
                    cell,
                    format!(
                        "{field} 以数字格式保存，末几位已丢失（显示为 {shown}）：请将该列设为文本格式后按证件重新录入"
                    ),
                );
                p.resident_id = Some(shown);
            }
        }
    }
}

/// The key of a person on a register without 编号: `R` and seven letters or digits made from
/// the 公民身份号码 (or, without one, from 姓名 and 村(社区)) by a fixed hash (FNV-1a), so
/// that it stays the same from run to run — the document ledger keys on it — and shows
/// nothing of the number.
pub fn generated_key(source: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // Crockford's base 32: no I, L, O or U to misread.
    const DIGITS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut key = String::from("R");
    for k in 0..7 {
        key.push(char::from(DIGITS[((hash >> (5 * k)) & 31) as usize]));
    }
    key
}

/// The longest term (months) a register may give: the law sets three years (禁毒法 art. 33,
/// 48); anything past ten years is a typing error, not a term.
const MAX_TERM_MONTHS: u32 = 120;

/// The person's fields that the documents print: a control character in one of them would
/// stop the batch at rendering, so it is a D009 at its cell first (the person is then held
/// back like every person with a data error).
const PRINTED_FIELDS: [&str; 7] = [
    "姓名",
    "户籍地址",
    "现住址",
    "决定机关",
    "决定书文号",
    "乡镇(街道)",
    "村(社区)",
];

/// A cell that is a full date when it holds one (a date cell, or text in a date form), else
/// its text as written: a year (2015, typed as a number or text) or 2015年3月 stays text.
pub fn date_or_text(slot: &Slot) -> Option<DateOrText> {
    match slot.kind {
        Kind::Empty | Kind::Error => None,
        // A bare year typed as a number is a year, not an Excel serial day.
        Kind::Number if (1900.0..=2100.0).contains(&slot.num) && slot.num.fract() == 0.0 => {
            Some(DateOrText::Text(number_text(slot.num)))
        }
        Kind::Number | Kind::Date => match date_of(slot) {
            DateCell::Date(d) => Some(DateOrText::Date(d)),
            _ => slot.text_value().map(DateOrText::Text),
        },
        _ => {
            let text = slot.text_value()?;
            Some(match parse_date_text(&text) {
                Some(d) => DateOrText::Date(d),
                None => DateOrText::Text(text),
            })
        }
    }
}

/// 帮教小组成员: names separated by 、 , ; or spaces.
pub fn split_names(s: &str) -> Vec<String> {
    s.split(|c: char| matches!(c, '、' | ',' | ';' | '，' | '；' | '/') || c.is_whitespace())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::values::CellIn;
    use chrono::NaiveDate;

    fn slot(v: CellIn) -> Slot {
        let mut s = Slot::default();
        s.set(v);
        s
    }

    #[test]
    fn first_use_is_a_date_only_when_the_cell_gives_a_full_one() {
        let date = NaiveDate::from_ymd_opt(2015, 3, 1).unwrap();
        assert_eq!(
            date_or_text(&slot(CellIn::Date(date))),
            Some(DateOrText::Date(date))
        );
        assert_eq!(
            date_or_text(&slot(CellIn::Text("2015年3月1日"))),
            Some(DateOrText::Date(date))
        );
        assert_eq!(
            date_or_text(&slot(CellIn::Number(2015.0))),
            Some(DateOrText::Text("2015".into()))
        );
        assert_eq!(
            date_or_text(&slot(CellIn::Text(" 2015年3月 "))),
            Some(DateOrText::Text("2015年3月".into()))
        );
        assert_eq!(
            date_or_text(&slot(CellIn::Text("约十年前"))),
            Some(DateOrText::Text("约十年前".into()))
        );
        assert_eq!(date_or_text(&slot(CellIn::Text("  "))), None);
        assert_eq!(date_or_text(&slot(CellIn::Error)), None);
    }
}
