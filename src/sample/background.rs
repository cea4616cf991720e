//! The 信息登记表's background of a sample person (民族, 文化程度, 婚姻状况, 职业, 工作单位,
//! drug history, a relative to contact, 违法犯罪记录), drawn from a random stream of its own so
//! that it changes nothing else in the sample. Some people leave some of it empty, as real
//! registers do: the forms print a line to fill there.

use super::names;
use super::plan::{PersonPlan, STREAM_BACKGROUND};
use super::rng::Rng;
use chrono::{Datelike, NaiveDate};

/// When a person first used drugs: a date, or only the year as a clerk often records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstUse {
    Date(NaiveDate),
    /// `2012年`.
    Year(String),
}

#[derive(Debug, Clone, Default)]
pub struct Background {
    pub ethnicity: &'static str,
    pub education: &'static str,
    pub marital: &'static str,
    pub occupation: &'static str,
    pub employer: String,
    pub first_use: Option<FirstUse>,
    pub drugs: &'static str,
    pub family_name: String,
    pub family_relation: &'static str,
    pub family_phone: String,
    pub record: String,
}

const ETHNICITIES: &[&str] = &[
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "回族",
    "壮族",
    "苗族",
    "土家族",
];
const EDUCATION: &[&str] = &["小学", "初中", "初中", "初中", "高中", "中专", "大专"];
const JOBS: &[&str] = &[
    "务工",
    "务工",
    "个体经营",
    "农民",
    "驾驶员",
    "服务员",
    "厨师",
    "保安",
];
const EMPLOYER_STEMS: &[&str] = &["鑫达", "华泰", "宏远", "恒通", "顺发", "金源", "永兴"];
const EMPLOYER_KINDS: &[&str] = &["物流有限公司", "建材厂", "餐饮店", "机械厂", "保安服务公司"];
const DRUGS: &[&str] = &[
    "甲基苯丙胺（冰毒）",
    "甲基苯丙胺（冰毒）",
    "海洛因",
    "氯胺酮",
    "冰毒、麻古",
    "大麻",
];

/// The background of person `index` of the plan.
pub fn build(p: &PersonPlan, index: usize, seed: u64) -> Background {
    let mut r = Rng::derive(seed, STREAM_BACKGROUND, index as u64);
    let age = p.decision.years_since(p.birth).unwrap_or(30);
    let marital = if age < 24 {
        "未婚"
    } else {
        r.pick_str(&["未婚", "已婚", "已婚", "离异", "丧偶"])
    };
    let (occupation, employer) = if !p.fixed[1] {
        ("无业", String::new())
    } else {
        let job = r.pick_str(JOBS);
        let employer = match job {
            "个体经营" | "农民" => String::new(),
            _ => format!(
                "{}{}",
                r.pick_str(EMPLOYER_STEMS),
                r.pick_str(EMPLOYER_KINDS)
            ),
        };
        (job, employer)
    };
    // First use between the 16th birthday and the year before the decision.
    let from = p.birth.year() + 16;
    let to = (p.decision.year() - 1).max(from);
    let year = r.range(i64::from(from), i64::from(to)) as i32;
    let first_use = if r.chance(0.1) {
        None
    } else if r.chance(0.5) {
        Some(FirstUse::Year(format!("{year}年")))
    } else {
        NaiveDate::from_ymd_opt(year, r.range(1, 12) as u32, r.range(1, 28) as u32)
            .filter(|d| *d < p.decision && *d > p.birth)
            .map(FirstUse::Date)
    };
    let relation = match marital {
        "已婚" if r.chance(0.6) => "配偶",
        _ if age < 40 => r.pick_str(&["父亲", "母亲", "兄弟", "姐妹"]),
        _ => r.pick_str(&["兄弟", "姐妹", "儿子", "女儿"]),
    };
    let surname: String = p.name.chars().take(1).collect();
    let family_name = match relation {
        "配偶" => names::person_name(&mut r, !p.female),
        "母亲" => names::person_name(&mut r, true),
        rel => {
            let female = matches!(rel, "姐妹" | "女儿");
            let given: String = names::person_name(&mut r, female).chars().skip(1).collect();
            format!("{surname}{given}")
        }
    };
    let family_phone = names::phone(&mut r);
    let (family_name, family_relation, family_phone) = if r.chance(0.15) {
        (String::new(), "", String::new())
    } else {
        (family_name, relation, family_phone)
    };
    let record = if r.chance(0.65) {
        "无".to_string()
    } else {
        let when = r.range(i64::from(year.min(to)), i64::from(p.decision.year()));
        let what = r.pick_str(&[
            "因吸食毒品被公安机关行政拘留十日",
            "因吸食毒品被公安机关行政拘留十五日",
            "因盗窃罪被判处有期徒刑一年",
            "因容留他人吸毒被行政拘留十五日",
        ]);
        format!("{when}年{what}")
    };
    Background {
        ethnicity: if r.chance(0.1) {
            ""
        } else {
            r.pick_str(ETHNICITIES)
        },
        education: r.pick_str(EDUCATION),
        marital,
        occupation,
        employer,
        first_use,
        drugs: r.pick_str(DRUGS),
        family_name,
        family_relation,
        family_phone,
        record,
    }
}
