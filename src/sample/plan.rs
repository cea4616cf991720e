//! The first pass of the generator: who the people are, their timelines, which rule breaks and
//! data errors they carry, and the units and staff. Small (one record per person); the event
//! histories are produced later, person by person, while writing ([`super::history`]).

use super::dates::{add_days, add_months, days_between, whole_months, whole_quarters};
use super::names;
use super::resident_id;
use super::rng::Rng;
use super::SampleOptions;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeSet, HashSet};

/// Days allowed between 送达 and 报到 (profile `standard`).
pub const REPORT_DAYS: i64 = 7;
/// The same for people from another province or city (外省市人员).
pub const REPORT_DAYS_OTHER_PROVINCE: i64 = 15;
/// Term in months.
pub const TERM_MONTHS: u32 = 36;
/// Users per full-time worker.
pub const USERS_PER_WORKER: u32 = 20;
/// Funding floor per user and in total (yuan).
pub const FUNDING_PER_USER: u32 = 1500;
pub const FUNDING_FLOOR: u32 = 10_000;
/// Share of registered users with a signed agreement a unit must reach.
pub const AGREEMENT_SHARE: f64 = 0.7;

/// Person rule codes the generator can inject.
pub const PERSON_CODES: [&str; 15] = [
    "P101", "P102", "P103", "P104", "P105", "P106", "P107", "P109", "P110", "P111", "P112", "P113",
    "P114", "P115", "P116",
];
/// Unit rule codes the generator can inject.
pub const UNIT_CODES: [&str; 4] = ["U201", "U202", "U203", "U204"];
/// Data error codes the generator injects.
pub const DATA_CODES: [&str; 6] = ["D001", "D002", "D003", "D004", "D006", "D009"];

/// Random streams (see [`Rng::derive`]).
const STREAM_TOWN: u64 = 0;
const STREAM_PERSON: u64 = 1;
const STREAM_BREACH: u64 = 2;
const STREAM_GROUP: u64 = 3;
/// Used by [`super::history`].
pub const STREAM_HISTORY: u64 = 4;
const STREAM_UNIT: u64 = 5;
/// Used by [`super::background`].
pub const STREAM_BACKGROUND: u64 = 6;

/// One person of the sample.
#[derive(Debug, Clone)]
pub struct PersonPlan {
    pub id: String,
    pub name: String,
    pub female: bool,
    pub resident_id: String,
    pub birth: NaiveDate,
    pub phone: String,
    pub household_address: String,
    pub current_address: String,
    pub unit: usize,
    pub measure: &'static str,
    pub authority: String,
    pub decision_number: String,
    pub decision: NaiveDate,
    pub served: NaiveDate,
    pub other_province: bool,
    pub report: Option<NaiveDate>,
    pub agreement: Option<NaiveDate>,
    pub status: &'static str,
    pub status_date: Option<NaiveDate>,
    /// Last day of the term (报到 + 36 months − 1 day).
    pub term_last: Option<NaiveDate>,
    /// Last day of the programme window (domain.md), `None` when never reported in.
    pub window_end: Option<NaiveDate>,
    pub social_worker: String,
    pub leader: String,
    pub members: String,
    pub fixed: [bool; 3],
    pub special: Option<&'static str>,
    pub methadone: bool,
    /// Injected rule breaks (what the history must contain).
    pub breaches: Vec<&'static str>,
    /// Codes the answer key lists for this person (breaches plus the ones they imply).
    pub expected: BTreeSet<&'static str>,
    /// An injected data error, if any.
    pub data_error: Option<&'static str>,
}

/// One staff member (工作人员).
#[derive(Debug, Clone)]
pub struct StaffPlan {
    pub name: String,
    pub female: bool,
    pub birth: NaiveDate,
    pub education: &'static str,
    pub full_time: bool,
    pub unit: usize,
}

/// One village or community (村/社区).
#[derive(Debug, Clone)]
pub struct UnitPlan {
    pub name: String,
    pub users: u32,
    pub budget: u32,
    pub funded: u32,
    /// Unit codes the answer key lists for this unit.
    pub expected: BTreeSet<&'static str>,
}

/// The whole first pass.
#[derive(Debug, Clone)]
pub struct Plan {
    pub town: &'static str,
    pub authority: String,
    pub persons: Vec<PersonPlan>,
    pub staff: Vec<StaffPlan>,
    pub units: Vec<UnitPlan>,
}

/// Builds the plan for `opts`.
pub fn build(opts: &SampleOptions) -> Plan {
    let mut rng = Rng::derive(opts.seed, STREAM_TOWN, 0);
    let town = names::town(&mut rng);
    let n = opts.persons as usize;
    // About one village or community per 15 people, at least two (unless there is one person).
    let unit_count = n.div_ceil(15).max(2).min(n.max(1));
    let unit_names = names::villages(&mut rng, unit_count);
    let county = town_county(&mut rng);
    let authority = format!("{county}公安局");

    let mut used_ids = HashSet::new();
    let mut persons: Vec<PersonPlan> = (0..n)
        .map(|i| {
            person(
                opts,
                i,
                unit_count,
                town,
                &unit_names,
                &authority,
                &mut used_ids,
            )
        })
        .collect();

    // Rule breaks: exactly round(P × N) people, chosen by a shuffle.
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let breach_count = ((opts.breaches * n as f64).round() as usize).min(n);
    for &i in &order[..breach_count] {
        let mut r = Rng::derive(opts.seed, STREAM_BREACH, i as u64);
        inject_breaches(&mut persons[i], opts.as_of, &mut r);
    }
    // Data errors on people without breaks: at least one of each code when N ≥ 40.
    let clean: Vec<usize> = order[breach_count..].to_vec();
    let error_count = if !opts.data_errors {
        0
    } else if n >= 40 {
        (n / 20).max(DATA_CODES.len())
    } else {
        (n / 8).min(DATA_CODES.len())
    }
    .min(clean.len());
    for (k, &i) in clean[..error_count].iter().enumerate() {
        let code = DATA_CODES[k % DATA_CODES.len()];
        apply_data_error(&mut persons[i], code);
    }

    let mut units = plan_units(opts, &persons, &unit_names, &mut rng);
    let staff = plan_staff(opts, &units, &mut rng);
    let index = StaffIndex::new(&staff, unit_count);
    for (i, p) in persons.iter_mut().enumerate() {
        let mut r = Rng::derive(opts.seed, STREAM_GROUP, i as u64);
        assign_group(p, &index, &mut r);
    }
    settle_unit_codes(&mut units, &persons, &staff, opts.as_of);
    Plan {
        town,
        authority,
        persons,
        staff,
        units,
    }
}

fn town_county(rng: &mut Rng) -> &'static str {
    rng.pick_str(&["江北区", "临川县", "平阳县", "河西区", "安宁市", "清远县"])
}

/// A compliant person: timeline, identity, address. Group is assigned later.
fn person(
    opts: &SampleOptions,
    i: usize,
    unit_count: usize,
    town: &str,
    unit_names: &[String],
    authority: &str,
    used_ids: &mut HashSet<String>,
) -> PersonPlan {
    let mut r = Rng::derive(opts.seed, STREAM_PERSON, i as u64);
    let as_of = opts.as_of;
    let female = r.chance(0.18);
    let name = names::person_name(&mut r, female);
    let unit = if i < unit_count {
        i
    } else {
        r.below(unit_count as u64) as usize
    };

    // Identity.
    let (region_code, region) = *r.pick(names::REGIONS);
    let (birth, resident_id) = loop {
        let birth = NaiveDate::from_ymd_opt(r.range(1960, 2004) as i32, r.range(1, 12) as u32, 1)
            .map(|d| add_days(d, r.range(0, 27)))
            .unwrap_or(as_of);
        let seq = r.range(0, 99) * 10
            + if female {
                r.range(0, 4) * 2
            } else {
                r.range(0, 4) * 2 + 1
            };
        let body = format!("{region_code}{}{seq:03}", birth.format("%Y%m%d"));
        let check = resident_id::check_char(&body).unwrap_or('0');
        let id = format!("{body}{check}");
        if used_ids.insert(id.clone()) {
            break (birth, id);
        }
    };

    // Timeline: report-in between 25 days and ~4.5 years before the as-of date, most people
    // in term year 1 (as in real registers, and so that 20,000 people stay within Excel's
    // row limit), then years 2 and 3, and some whose term has ended. The term's end is kept
    // at least 10 days away from the as-of date (no borderline cases).
    let bucket = r.unit();
    let days_back = if bucket < 0.55 {
        r.range(25, 360)
    } else if bucket < 0.77 {
        r.range(370, 725)
    } else if bucket < 0.90 {
        r.range(735, 1090)
    } else {
        r.range(1105, 1640)
    };
    let mut report = add_days(as_of, -days_back);
    let mut term_last = add_days(add_months(report, TERM_MONTHS), -1);
    if days_between(term_last, as_of).abs() < 10 {
        report = add_days(report, -30);
        term_last = add_days(add_months(report, TERM_MONTHS), -1);
    }
    let other_province = r.chance(0.1);
    let served = add_days(report, -r.range(0, if other_province { 12 } else { 5 }));
    let decision = add_days(served, -r.range(0, 4));
    let agreement = add_days(report, r.range(0, 3)).min(as_of);
    let (mut status, mut status_date, mut window_end) = if term_last < as_of {
        ("已解除", Some(term_last), term_last)
    } else {
        ("执行中", None, as_of)
    };
    // A few people left the programme early: moved away or sentenced (window ends then).
    let span = days_between(report, as_of);
    if status == "执行中" && span >= 150 && r.chance(0.05) {
        let date = add_days(report, r.range(60, span - 30));
        status = r.pick_str(&["已变更执行地", "终止"]);
        status_date = Some(date);
        window_end = date;
    }
    let measure = if r.chance(0.7) {
        "社区戒毒"
    } else {
        "社区康复"
    };
    let decision_number = format!(
        "{}公(禁)决字〔{}〕{}号",
        &authority[..authority.char_indices().nth(2).map(|(b, _)| b).unwrap_or(0)],
        decision.year(),
        r.range(1, 400)
    );
    let young_woman = female && as_of.years_since(birth).is_some_and(|age| age < 42);
    let special = if young_woman && r.chance(0.12) {
        Some(r.pick_str(&["怀孕", "哺乳"]))
    } else if r.chance(0.06) {
        Some(r.pick_str(&["严重疾病", "残疾"]))
    } else {
        None
    };
    PersonPlan {
        id: person_id(i),
        name,
        female,
        resident_id,
        birth,
        phone: names::phone(&mut r),
        household_address: names::household_address(&mut r, region),
        current_address: names::current_address(&mut r, town, &unit_names[unit]),
        unit,
        measure,
        authority: authority.to_string(),
        decision_number,
        decision,
        served,
        other_province,
        report: Some(report),
        agreement: Some(agreement),
        status,
        status_date,
        term_last: Some(term_last),
        window_end: Some(window_end),
        social_worker: String::new(),
        leader: String::new(),
        members: String::new(),
        fixed: [r.chance(0.92), r.chance(0.8), r.chance(0.95)],
        special,
        methadone: r.chance(0.05),
        breaches: Vec::new(),
        expected: BTreeSet::new(),
        data_error: None,
    }
}

/// The 编号 of person `i` (0-based).
pub fn person_id(i: usize) -> String {
    format!("SQ{:05}", i + 1)
}

/// Whether `code` can be injected into `p` without ambiguity.
fn eligible(p: &PersonPlan, code: &str, as_of: NaiveDate) -> bool {
    let (Some(report), Some(end), Some(term_last)) = (p.report, p.window_end, p.term_last) else {
        return false;
    };
    let span = days_between(report, end);
    let ended = term_last < add_days(as_of, -10);
    match code {
        "P101" | "P102" | "P103" => true,
        "P104" | "P116" => ended,
        "P105" => span >= 200,
        "P106" | "P107" => !whole_months(report, end).is_empty(),
        "P109" => !whole_quarters(report, end).is_empty(),
        "P110" | "P112" => span >= 10,
        "P111" => span >= 60,
        "P113" => whole_months(report, end)
            .iter()
            .any(|&m| days_between(report, m) >= 40),
        "P114" => span >= 20,
        "P115" => p.female,
        _ => false,
    }
}

/// Gives `p` one or two rule breaks and changes the fields those breaks live in.
fn inject_breaches(p: &mut PersonPlan, as_of: NaiveDate, r: &mut Rng) {
    let candidates: Vec<&'static str> = PERSON_CODES
        .iter()
        .copied()
        .filter(|c| eligible(p, c, as_of))
        .collect();
    let first = r.pick_str(&candidates);
    let mut codes = vec![first];
    if first != "P102" && r.chance(0.3) {
        let rest: Vec<&'static str> = candidates
            .iter()
            .copied()
            .filter(|&c| c != first && c != "P102")
            .collect();
        if !rest.is_empty() {
            codes.push(r.pick_str(&rest));
        }
    }
    codes.sort_unstable();
    for &code in &codes {
        match code {
            "P101" => {
                if let Some(report) = p.report {
                    p.other_province = false;
                    p.served = add_days(report, -(REPORT_DAYS + r.range(2, 6)));
                    p.decision = add_days(p.served, -r.range(0, 4));
                }
            }
            "P102" => {
                // Served long enough ago that both deadlines have passed; nothing after.
                p.other_province = false;
                p.report = None;
                p.agreement = None;
                p.status = "执行中";
                p.status_date = None;
                p.term_last = None;
                p.window_end = None;
                p.served = p
                    .served
                    .min(add_days(as_of, -(REPORT_DAYS_OTHER_PROVINCE + 10)));
                p.decision = add_days(p.served, -r.range(0, 4));
            }
            "P103" => p.agreement = None,
            "P104" => {
                p.status = "执行中";
                p.status_date = None;
            }
            _ => {}
        }
        p.expected.insert(code);
        if code == "P113" {
            // The month without self-reports after the second warning is also a P107 month.
            p.expected.insert("P107");
        }
    }
    p.breaches = codes;
}

/// Changes the person's fields for a data error (D001 and D006 live in extra event rows).
fn apply_data_error(p: &mut PersonPlan, code: &'static str) {
    match code {
        "D003" => {
            let body = &p.resident_id[..17];
            p.resident_id = format!("{body}{}", resident_id::wrong_check_char(body));
        }
        "D009" => {
            p.measure = if p.measure == "社区戒毒" {
                "社区戒独"
            } else {
                "社区康附"
            }
        }
        _ => {}
    }
    p.data_error = Some(code);
}

/// People per unit, and people with a signed agreement per unit.
fn unit_counts(persons: &[PersonPlan], count: usize) -> (Vec<u32>, Vec<u32>) {
    let mut members = vec![0u32; count];
    let mut signed = vec![0u32; count];
    for p in persons {
        if let Some(m) = members.get_mut(p.unit) {
            *m += 1;
        }
        if p.agreement.is_some() {
            if let Some(s) = signed.get_mut(p.unit) {
                *s += 1;
            }
        }
    }
    (members, signed)
}

/// Registered users and funding per unit; some units get a unit-level break.
fn plan_units(
    opts: &SampleOptions,
    persons: &[PersonPlan],
    names: &[String],
    rng: &mut Rng,
) -> Vec<UnitPlan> {
    let count = names.len();
    let mut broken: Vec<Option<&'static str>> = vec![None; count];
    if opts.breaches > 0.0 {
        let k = ((count as f64 * opts.breaches / 2.0).round() as usize).clamp(1, count);
        let mut order: Vec<usize> = (0..count).collect();
        rng.shuffle(&mut order);
        let offset = rng.below(UNIT_CODES.len() as u64) as usize;
        for (j, &u) in order[..k].iter().enumerate() {
            broken[u] = Some(UNIT_CODES[(j + offset) % UNIT_CODES.len()]);
        }
    }
    let (members, signed) = unit_counts(persons, count);
    (0..count)
        .map(|u| {
            let mut r = Rng::derive(opts.seed, STREAM_UNIT, u as u64);
            let (members, signed) = (members[u], signed[u]);
            let mut expected = BTreeSet::new();
            let users = if broken[u] == Some("U204") {
                expected.insert("U204");
                members.max(signed * 2)
            } else {
                // A few users who are not in a programme, as long as the share holds.
                let mut users = members + r.range(0, 3) as u32;
                while users > members && f64::from(signed) < AGREEMENT_SHARE * f64::from(users) {
                    users -= 1;
                }
                users
            };
            let floor = (FUNDING_PER_USER * users).max(FUNDING_FLOOR);
            let (budget, funded) = if broken[u] == Some("U203") {
                expected.insert("U203");
                let low = (floor * 6 / 10) / 100 * 100;
                (low, low)
            } else {
                let budget = (floor + r.range(0, 20) as u32 * 500).div_ceil(1000) * 1000;
                (budget, budget)
            };
            if let Some(code) = broken[u] {
                expected.insert(code);
            }
            UnitPlan {
                name: names[u].clone(),
                users,
                budget,
                funded,
                expected,
            }
        })
        .collect()
}

/// Staff per unit: enough full-time workers for the ratio, two or three part-time ones (at
/// least one man and one woman); broken units lack staff (U201) or have an unqualified
/// full-time worker (U202).
fn plan_staff(opts: &SampleOptions, units: &[UnitPlan], rng: &mut Rng) -> Vec<StaffPlan> {
    let as_of = opts.as_of;
    let mut used = HashSet::new();
    let mut staff = Vec::new();
    let qualified = ["高中", "中专", "大专", "本科", "本科", "大专", "硕士"];
    for (u, unit) in units.iter().enumerate() {
        if unit.expected.contains("U201") {
            continue;
        }
        let full_time = unit.users.div_ceil(USERS_PER_WORKER).max(1);
        let part_time = 2 + rng.below(2) as u32;
        for k in 0..(full_time + part_time) {
            let is_full = k < full_time;
            let female = match k.checked_sub(full_time) {
                Some(0) => true,
                Some(1) => false,
                _ => rng.chance(0.45),
            };
            let age = rng.range(27, 53);
            staff.push(StaffPlan {
                name: unique_name(rng, female, &mut used),
                female,
                birth: birth_for_age(as_of, age, rng),
                education: rng.pick_str(&qualified),
                full_time: is_full,
                unit: u,
            });
        }
        if unit.expected.contains("U202") {
            let female = rng.chance(0.3);
            let (age, education) = if rng.chance(0.5) {
                (58, rng.pick_str(&qualified))
            } else {
                (rng.range(30, 50), "初中")
            };
            staff.push(StaffPlan {
                name: unique_name(rng, female, &mut used),
                female,
                birth: birth_for_age(as_of, age, rng),
                education,
                full_time: true,
                unit: u,
            });
        }
    }
    staff
}

fn unique_name(rng: &mut Rng, female: bool, used: &mut HashSet<String>) -> String {
    loop {
        let name = names::person_name(rng, female);
        if used.insert(name.clone()) {
            return name;
        }
    }
}

/// A birth date giving `age` full years on `as_of` (at least 20 days away from a birthday).
fn birth_for_age(as_of: NaiveDate, age: i64, rng: &mut Rng) -> NaiveDate {
    // Day clamped to 28 so that a 29 February as-of date has a date in every year.
    let years_back = NaiveDate::from_ymd_opt(
        as_of.year() - age as i32,
        as_of.month(),
        as_of.day().min(28),
    )
    .unwrap_or(as_of);
    add_days(years_back, -rng.range(20, 340))
}

/// Staff looked up per unit and by name, built once (the plan must stay linear in N).
struct StaffIndex<'a> {
    all: &'a [StaffPlan],
    by_unit: Vec<Vec<&'a StaffPlan>>,
    names: HashSet<&'a str>,
}

impl<'a> StaffIndex<'a> {
    fn new(all: &'a [StaffPlan], unit_count: usize) -> StaffIndex<'a> {
        let mut by_unit = vec![Vec::new(); unit_count];
        for s in all {
            if let Some(list) = by_unit.get_mut(s.unit) {
                list.push(s);
            }
        }
        let names = all.iter().map(|s| s.name.as_str()).collect();
        StaffIndex {
            all,
            by_unit,
            names,
        }
    }

    /// The unit's staff, or the next unit's when it has none (U201 units borrow).
    fn local(&self, unit: usize) -> &[&'a StaffPlan] {
        let n = self.by_unit.len();
        (0..n)
            .map(|step| &self.by_unit[(unit + step) % n])
            .find(|list| !list.is_empty())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// 专职社工, group leader and members. A woman's group includes a woman (a female staff
/// member, or a relative written `姓名(女)`), except for an injected P115.
fn assign_group(p: &mut PersonPlan, index: &StaffIndex, r: &mut Rng) {
    let local = index.local(p.unit);
    let full: Vec<&StaffPlan> = local.iter().copied().filter(|s| s.full_time).collect();
    let part_men: Vec<&StaffPlan> = local
        .iter()
        .copied()
        .filter(|s| !s.full_time && !s.female)
        .collect();
    let part_women: Vec<&StaffPlan> = local
        .iter()
        .copied()
        .filter(|s| !s.full_time && s.female)
        .collect();
    let pick_name = |r: &mut Rng, list: &[&StaffPlan]| -> String {
        if list.is_empty() {
            String::new()
        } else {
            r.pick(list).name.clone()
        }
    };
    if p.breaches.contains(&"P115") {
        let men: Vec<&StaffPlan> = local.iter().copied().filter(|s| !s.female).collect();
        let all_men: Vec<&StaffPlan> = index.all.iter().filter(|s| !s.female).collect();
        let men = if men.len() >= 2 { men } else { all_men };
        p.social_worker = pick_name(r, &men);
        p.leader = p.social_worker.clone();
        let mut members = vec![pick_name(r, &men)];
        let other = pick_name(r, &men);
        if !members.contains(&other) {
            members.push(other);
        }
        p.members = members.join("、");
        return;
    }
    p.social_worker = pick_name(r, &full);
    p.leader = p.social_worker.clone();
    let mut members = vec![pick_name(r, &part_men)];
    if p.female && r.chance(0.3) {
        let relative = names::person_name(r, true);
        if !index.names.contains(relative.as_str()) {
            members.push(format!("{relative}(女)"));
        } else {
            members.push(pick_name(r, &part_women));
        }
    } else {
        members.push(pick_name(r, &part_women));
    }
    members.retain(|m| !m.is_empty());
    p.members = members.join("、");
}

/// Unit codes that follow from the data whether injected or not (e.g. U204 when a small unit
/// has several people without agreements), so the answer key stays true.
fn settle_unit_codes(
    units: &mut [UnitPlan],
    persons: &[PersonPlan],
    staff: &[StaffPlan],
    as_of: NaiveDate,
) {
    let (_, signed) = unit_counts(persons, units.len());
    let index = StaffIndex::new(staff, units.len());
    for (u, unit) in units.iter_mut().enumerate() {
        if f64::from(signed[u]) < AGREEMENT_SHARE * f64::from(unit.users) {
            unit.expected.insert("U204");
        }
        let workers = &index.by_unit[u];
        let full = workers.iter().filter(|s| s.full_time).count() as u32;
        let short = if unit.users >= USERS_PER_WORKER {
            full < unit.users.div_ceil(USERS_PER_WORKER)
        } else {
            workers.is_empty()
        };
        if short {
            unit.expected.insert("U201");
        }
        let unqualified = workers.iter().any(|s| {
            s.full_time && {
                let age = as_of.years_since(s.birth).unwrap_or(0);
                !(25..=55).contains(&age) || s.education == "初中"
            }
        });
        if unqualified {
            unit.expected.insert("U202");
        }
        if unit.funded < (FUNDING_PER_USER * unit.users).max(FUNDING_FLOOR) {
            unit.expected.insert("U203");
        }
    }
}
