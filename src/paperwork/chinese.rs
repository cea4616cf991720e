//! Chinese conventions for official documents: dates, document numbers (文号), money in
//! capitals. Small pure functions.

use chrono::{Datelike, NaiveDate};

/// 2025年3月1日: Arabic numerals, no padding (GB/T 9704-2012).
pub fn date_cn(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// The digits 〇一二…九 (〇, never 0 or O).
const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A number 1–31 in Chinese characters as used in dates: 十, 十一, 二十, 三十一.
fn small_number(n: u32) -> String {
    let tens = n / 10;
    let ones = n % 10;
    let mut s = String::new();
    match tens {
        0 => {}
        1 => s.push('十'),
        t => {
            s.push(DIGITS[t as usize % 10]);
            s.push('十');
        }
    }
    if ones != 0 || tens == 0 {
        s.push(DIGITS[ones as usize]);
    }
    s
}

/// 二〇二五年三月一日: the year digit by digit with 〇, month and day as numbers.
pub fn date_cn_upper(date: NaiveDate) -> String {
    let year: String = date
        .year()
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).map(|d| DIGITS[d as usize]))
        .collect();
    format!(
        "{year}年{}月{}日",
        small_number(date.month()),
        small_number(date.day())
    )
}

/// A document number: `东禁告〔2025〕3号` (full year in 〔〕, no 第, no leading zeros).
pub fn doc_number(prefix: &str, year: i32, seq: u32) -> String {
    format!("{prefix}〔{year}〕{seq}号")
}

/// Money in capitals: 15000 → 壹万伍仟元整, 1234.56 → 壹仟贰佰叁拾肆元伍角陆分, 0 → 零元整.
/// Amounts are rounded to the fen; negative amounts get 负; amounts of a trillion yuan or
/// more are beyond a form and return `None`.
pub fn money_upper(amount: f64) -> Option<String> {
    if !amount.is_finite() {
        return None;
    }
    let fen_total = (amount.abs() * 100.0).round() as u64;
    let yuan = fen_total / 100;
    if yuan >= 1_000_000_000_000 {
        return None;
    }
    let jiao = (fen_total / 10) % 10;
    let fen = fen_total % 10;
    const D: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNIT: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUP: [&str; 3] = ["", "万", "亿"];
    let mut out = String::new();
    if amount < 0.0 && fen_total > 0 {
        out.push('负');
    }
    if yuan > 0 {
        // Split into groups of four digits, most significant first.
        let groups = [yuan / 100_000_000, (yuan / 10_000) % 10_000, yuan % 10_000];
        let mut pending_zero = false;
        let mut started = false;
        for (gi, &g) in groups.iter().enumerate() {
            let group_name = GROUP[2 - gi];
            if g == 0 {
                if started {
                    pending_zero = true;
                }
                continue;
            }
            if started && g < 1000 {
                pending_zero = true;
            }
            let digits = [g / 1000, (g / 100) % 10, (g / 10) % 10, g % 10];
            let mut inner_started = false;
            for (pos, &dgt) in digits.iter().enumerate() {
                if dgt == 0 {
                    if inner_started {
                        pending_zero = true;
                    }
                    continue;
                }
                if pending_zero && (started || inner_started) {
                    out.push('零');
                }
                pending_zero = false;
                out.push(D[dgt as usize]);
                out.push_str(UNIT[3 - pos]);
                inner_started = true;
            }
            out.push_str(group_name);
            started = true;
            // Zeros at the end of a group carry over as one 零 before the next digit.
            pending_zero = g % 10 == 0;
        }
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            out.push(D[j as usize]);
            out.push_str("角整");
        }
        (j, f) => {
            if j == 0 {
                if yuan > 0 {
                    out.push('零');
                }
            } else {
                out.push(D[j as usize]);
                out.push('角');
            }
            out.push(D[f as usize]);
            out.push('分');
        }
    }
    Some(out)
}

/// Money in figures with two decimals and thousands separators: 15,000.00元.
pub fn money_figures(amount: f64) -> String {
    let fen = (amount.abs() * 100.0).round() as u64;
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0.0 && fen > 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}元", fen % 100)
}

/// Chinese ordinal for list items: 1 → 一, 12 → 十二 (up to 99).
pub fn ordinal_cn(n: u32) -> String {
    if n < 100 {
        small_number(n)
    } else {
        n.to_string()
    }
}

/// A count before a measure word (次, 日, 个月): 1 → 一, 2 → 两, 12 → 十二, 22 → 二十二,
/// 30 → 三十 (up to 99; larger counts in figures).
pub fn count_cn(n: u32) -> String {
    match n {
        0 => "零".to_string(),
        2 => "两".to_string(),
        n if n < 100 => small_number(n),
        n => n.to_string(),
    }
}

/// The value of a Chinese numeral up to 九十九 (十五 → 15, 二十三 → 23), None otherwise.
pub fn parse_small_cn(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [a] => digit(*a),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_are_unpadded() {
        assert_eq!(date_cn(d(2025, 3, 1)), "2025年3月1日");
        assert_eq!(date_cn(d(2025, 12, 31)), "2025年12月31日");
    }

    #[test]
    fn upper_dates_use_ling_circle() {
        assert_eq!(date_cn_upper(d(2025, 3, 1)), "二〇二五年三月一日");
        assert_eq!(date_cn_upper(d(2020, 10, 20)), "二〇二〇年十月二十日");
        assert_eq!(date_cn_upper(d(2008, 11, 31 - 1)), "二〇〇八年十一月三十日");
        assert_eq!(date_cn_upper(d(2025, 12, 31)), "二〇二五年十二月三十一日");
    }

    #[test]
    fn document_numbers() {
        assert_eq!(doc_number("东禁告", 2025, 3), "东禁告〔2025〕3号");
        assert_eq!(doc_number("东禁", 2025, 12), "东禁〔2025〕12号");
    }

    #[test]
    fn money_in_capitals() {
        let cases = [
            (15000.0, "壹万伍仟元整"),
            (10000.0, "壹万元整"),
            (1500.0, "壹仟伍佰元整"),
            (1200.0, "壹仟贰佰元整"),
            (1234.56, "壹仟贰佰叁拾肆元伍角陆分"),
            (1005.0, "壹仟零伍元整"),
            (100_010.0, "壹拾万零壹拾元整"),
            (10_000_001.0, "壹仟万零壹元整"),
            (100_000_000.0, "壹亿元整"),
            (105_000_000.0, "壹亿零伍佰万元整"),
            (0.0, "零元整"),
            (0.5, "伍角整"),
            (0.05, "伍分"),
            (12.05, "壹拾贰元零伍分"),
            (20.3, "贰拾元叁角整"),
        ];
        for (amount, text) in cases {
            assert_eq!(money_upper(amount).as_deref(), Some(text), "{amount}");
        }
        assert_eq!(money_upper(f64::NAN), None);
    }

    #[test]
    fn money_in_figures() {
        assert_eq!(money_figures(15000.0), "15,000.00元");
        assert_eq!(money_figures(1234.5), "1,234.50元");
        assert_eq!(money_figures(999.0), "999.00元");
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal_cn(1), "一");
        assert_eq!(ordinal_cn(10), "十");
        assert_eq!(ordinal_cn(12), "十二");
        assert_eq!(ordinal_cn(21), "二十一");
    }

    #[test]
    fn counts() {
        assert_eq!(count_cn(1), "一");
        assert_eq!(count_cn(2), "两");
        assert_eq!(count_cn(3), "三");
        assert_eq!(count_cn(12), "十二");
        assert_eq!(count_cn(22), "二十二");
        assert_eq!(count_cn(30), "三十");
        assert_eq!(count_cn(0), "零");
        assert_eq!(count_cn(120), "120");
    }

    #[test]
    fn small_numerals_read_back() {
        for n in [1, 9, 10, 15, 20, 38, 48, 99] {
            assert_eq!(parse_small_cn(&ordinal_cn(n)), Some(n), "{n}");
        }
        assert_eq!(parse_small_cn("百"), None);
    }
}
