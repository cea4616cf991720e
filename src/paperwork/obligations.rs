//! The obligations an agreement (协议书) lists, and the serious breaches it warns of, worded
//! from the profile in force: every count, period and number of days comes from the profile
//! (its schedule for the person's measure, `surprise_tests`, `leave.max_days`,
//! `serious_breach`) or from the person's term, never from this file. The only numbers
//! written here are the law's own (《戒毒条例》第十九条第三项, 第二十二条).

use super::build::DEFAULT_TERM_MONTHS;
use super::chinese::{count_cn, ordinal_cn};
use crate::model::{Measure, Person};
use crate::profile::{EventKind, Period, Profile, ScheduleItem, WarningWord};

/// 《戒毒条例》第十九条第三项: leaving the county for this many days or more needs a written
/// report.
pub const WRITTEN_REPORT_DAYS: u32 = 3;
/// 《戒毒条例》第二十二条: days to report to the new place after a change of execution place.
pub const TRANSFER_REPORT_DAYS: u32 = 15;

/// The obligations person `p` accepts, in the order the agreement lists them.
pub fn obligations(profile: &Profile, p: &Person) -> Vec<String> {
    let measure = p.measure.unwrap_or(Measure::Detox);
    let programme = measure.label();
    let years = term_years(p);
    let items = |kind: EventKind| -> Vec<&ScheduleItem> {
        if !profile.enabled(kind.rule_code()) {
            return Vec::new();
        }
        profile
            .schedule
            .iter()
            .filter(|i| i.kind == kind && i.measure.applies(Some(measure)))
            .filter(|i| i.term_years.is_empty() || i.term_years.iter().any(|&k| k <= years))
            .collect()
    };
    let counted = |kind: EventKind, what: &str, fallback: &str| -> String {
        let list = items(kind);
        if list.is_empty() {
            return fallback.to_string();
        }
        list.iter()
            .map(|i| format!("{}{what}不少于{}次", when(i, years), count_cn(i.min)))
            .collect::<Vec<_>>()
            .join("，")
    };

    let mut out = vec![format!(
        "遵守法律、法规，自觉履行本协议，在{}的{programme}期限内接受{programme}工作小组的帮教和管理。",
        term_text(p)
    )];
    out.push(format!(
        "{}；{}。",
        counted(
            EventKind::SelfReports,
            "主动向帮教小组报告本人情况",
            "按规定主动向帮教小组报告本人情况"
        ),
        counted(
            EventKind::Talks,
            "接受帮教小组面对面谈话",
            "按规定接受帮教小组面对面谈话"
        )
    ));
    if !items(EventKind::Evaluations).is_empty() {
        out.push(format!(
            "{}，如实反映戒毒康复情况。",
            counted(EventKind::Evaluations, "接受帮教小组评估", "")
        ));
    }
    let mut tests: Vec<String> = items(EventKind::Tests)
        .iter()
        .map(|i| format!("{}不少于{}次", when(i, years), count_cn(i.min)))
        .collect();
    if profile.enabled("P105") && profile.surprise_tests.per_year > 0 {
        // Unannounced tests are a requirement of their own and count toward the schedule.
        tests.push(format!(
            "{}每年接受突击检测不少于{}次",
            if tests.is_empty() { "" } else { "其中" },
            count_cn(profile.surprise_tests.per_year)
        ));
    }
    out.push(if tests.is_empty() {
        "按照要求按时接受尿液检测，不得逃避或者拒绝检测。".to_string()
    } else {
        format!(
            "按照要求按时接受尿液检测（{}），不得逃避或者拒绝检测。",
            tests.join("，")
        )
    });
    let report = format!(
        "离开执行地所在县（市、区）{}日以上的，须书面报告。",
        count_cn(WRITTEN_REPORT_DAYS)
    );
    out.push(if profile.enabled("P114") && profile.leave.max_days > 0 {
        format!(
            "不得擅自离开执行地；确需离开的，应当书面请假并作出保证，经批准后方可离开，请假时间一般不超过{}日；{report}",
            days_cn(profile.leave.max_days)
        )
    } else {
        format!("不得擅自离开执行地所在县（市、区）；{report}")
    });
    out.push(format!(
        "变更现住址或者联系方式的，应当及时告知帮教小组；变更执行地的，应当自执行地变更之日起{}日内到新执行地报到。",
        count_cn(TRANSFER_REPORT_DAYS)
    ));
    out.push("不得吸食、注射毒品，不得与吸毒人员交往，不得出入易涉毒场所。".to_string());
    out.push("参加社区组织的戒毒康复、职业技能培训和公益活动。".to_string());
    out
}

/// What the profile's schedule asks of `kind` for person `p`, as a phrase: `每月{what}不少于
/// 一次` (items of several periods joined with ，); None when the profile sets no schedule for
/// it (or switches its rule off).
pub fn schedule_phrase(
    profile: &Profile,
    p: &Person,
    kind: EventKind,
    what: &str,
) -> Option<String> {
    let measure = p.measure.unwrap_or(Measure::Detox);
    let years = term_years(p);
    if !profile.enabled(kind.rule_code()) {
        return None;
    }
    let list: Vec<String> = profile
        .schedule
        .iter()
        .filter(|i| i.kind == kind && i.measure.applies(Some(measure)))
        .filter(|i| i.term_years.is_empty() || i.term_years.iter().any(|&k| k <= years))
        .map(|i| format!("{}{what}不少于{}次", when(i, years), count_cn(i.min)))
        .collect();
    (!list.is_empty()).then(|| list.join("，"))
}

/// The serious breaches of the agreement under the profile, as one phrase:
/// `逃避或者拒绝接受检测三次以上、擅自离开执行地所在县（市、区）三次以上或者累计超过三十日、
/// 拒不报告本人情况经两次书面告诫仍不改正` (the last only where the profile's P113 is on).
pub fn serious_breaches(profile: &Profile) -> String {
    let sb = &profile.serious_breach;
    let mut s = format!(
        "逃避或者拒绝接受检测{}次以上、擅自离开执行地所在县（市、区）{}次以上或者累计超过{}日",
        count_cn(sb.tests.count),
        count_cn(sb.departures.count),
        days_cn(sb.departures.days_over)
    );
    if profile.enabled("P113") && sb.warnings.count > 0 {
        let written = sb.warnings.kinds == [WarningWord::Written];
        s.push_str(&format!(
            "、拒不报告本人情况经{}次{}告诫仍不改正",
            count_cn(sb.warnings.count),
            if written { "书面" } else { "" }
        ));
    }
    s
}

/// Days in Chinese (negative days are not a setting any profile has; shown as zero).
fn days_cn(days: i64) -> String {
    count_cn(u32::try_from(days).unwrap_or(0))
}

/// The person's term in months (期限(月); the statutory three years when not given).
fn term_months(p: &Person) -> u32 {
    if p.term_months == 0 {
        DEFAULT_TERM_MONTHS
    } else {
        p.term_months
    }
}

/// Term years the person's term touches (36 months: 3; 30 months: 3).
fn term_years(p: &Person) -> u32 {
    term_months(p).div_ceil(12)
}

/// 三年, 十八个月.
fn term_text(p: &Person) -> String {
    let m = term_months(p);
    if m % 12 == 0 {
        format!("{}年", count_cn(m / 12))
    } else {
        format!("{}个月", count_cn(m))
    }
}

/// When a schedule item applies: `每月`, `第二年每两个月`, `第一年`, `每年`.
fn when(item: &ScheduleItem, years: u32) -> String {
    let mut in_years: Vec<u32> = item
        .term_years
        .iter()
        .copied()
        .filter(|&k| k <= years)
        .collect();
    in_years.sort_unstable();
    in_years.dedup();
    let prefix = in_years
        .iter()
        .map(|k| format!("第{}年", ordinal_cn(*k)))
        .collect::<Vec<_>>()
        .join("、");
    let period = match item.period {
        Period::Months(1) => "每月".to_string(),
        Period::Months(3) => "每季度".to_string(),
        Period::Months(6) => "每半年".to_string(),
        Period::Months(12) => "每年".to_string(),
        Period::Months(n) => format!("每{}个月", count_cn(n)),
        Period::TermYear if prefix.is_empty() => "每年".to_string(),
        Period::TermYear => String::new(),
    };
    format!("{prefix}{period}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(measure: Measure, months: u32) -> Person {
        Person {
            measure: Some(measure),
            term_months: months,
            ..Person::default()
        }
    }

    #[test]
    fn standard_obligations_state_the_standard_numbers() {
        let o = obligations(&Profile::standard(), &person(Measure::Rehab, 36));
        assert!(o[0].contains("社区康复") && o[0].contains("三年"), "{o:?}");
        let text = o.join("\n");
        assert!(
            text.contains("每月主动向帮教小组报告本人情况不少于两次"),
            "{text}"
        );
        assert!(
            text.contains("每月接受帮教小组面对面谈话不少于一次"),
            "{text}"
        );
        assert!(text.contains("每季度接受帮教小组评估不少于一次"), "{text}");
        assert!(
            text.contains("第一年不少于六次，第二年不少于四次，第三年不少于两次"),
            "{text}"
        );
        assert!(text.contains("请假时间一般不超过三日"), "{text}");
        assert!(text.contains("自执行地变更之日起十五日内"), "{text}");
    }

    #[test]
    fn a_county_schedule_and_a_short_term_change_the_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("county.yaml");
        std::fs::write(
            &file,
            "extends: standard\nschedule:\n  - { kind: self_reports, period: 1, min: 1, basis: x }\n  - { kind: tests, measure: 社区戒毒, period: 2, term_years: [2, 3], min: 1, basis: y }\n  - { kind: tests, measure: 社区康复, period: 3, min: 1, basis: y }\nsurprise_tests: { per_year: 2 }\nleave: { max_days: 5 }\n",
        )
        .unwrap();
        let county = Profile::load(file.to_str().unwrap()).unwrap();
        let text = obligations(&county, &person(Measure::Detox, 18)).join("\n");
        assert!(text.contains("十八个月"), "{text}");
        assert!(
            text.contains("每月主动向帮教小组报告本人情况不少于一次"),
            "{text}"
        );
        // No talks item any more: no number either.
        assert!(text.contains("按规定接受帮教小组面对面谈话"), "{text}");
        assert!(!text.contains("评估"), "{text}");
        // Term year 3 lies beyond an 18-month term.
        assert!(
            text.contains("第二年每两个月不少于一次，其中每年接受突击检测不少于两次"),
            "{text}"
        );
        assert!(
            !text.contains("社区康复") && !text.contains("每季度"),
            "{text}"
        );
        assert!(
            text.contains("不超过五日") && !text.contains("不超过三日"),
            "{text}"
        );
    }

    #[test]
    fn the_national_profile_states_only_the_law() {
        let national = Profile::load("national").unwrap();
        let text = obligations(&national, &person(Measure::Detox, 36)).join("\n");
        assert!(!text.contains("不少于"), "{text}");
        assert!(!text.contains("请假"), "{text}");
        assert!(text.contains("三日以上的，须书面报告"), "{text}");
        assert!(!serious_breaches(&national).contains("告诫"));
        assert_eq!(
            serious_breaches(&Profile::standard()),
            "逃避或者拒绝接受检测三次以上、擅自离开执行地所在县（市、区）三次以上或者累计超过三十日、拒不报告本人情况经两次书面告诫仍不改正"
        );
    }
}
