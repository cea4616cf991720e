//! The obligations an agreement (协议书) lists.
//!
//! They belong to the rule profile; until the profile carries them (the rules work is
//! rewriting `Profile`), [`obligations`] returns the national floor plus the seeds' local
//! rules. It takes the profile so that callers need not change when it does.

use crate::model::Measure;
use crate::profile::Profile;

/// The obligations the person accepts, in the order the agreement lists them.
pub fn obligations(profile: &Profile, measure: Option<Measure>) -> Vec<String> {
    let _ = profile;
    let programme = measure.unwrap_or(Measure::Detox).label();
    vec![
        format!("遵守法律、法规，自觉履行本协议，接受{programme}工作小组的帮教和管理。"),
        "每月主动向帮教小组报告本人情况不少于两次，每月接受帮教小组面对面谈话一次。".to_string(),
        "按照要求按时接受尿液检测，不得逃避或者拒绝检测。".to_string(),
        "不得擅自离开执行地；确需离开的，应当书面请假并作出保证，经批准后方可离开，请假时间一般不超过三日；离开执行地所在县（市、区）三日以上的，须书面报告。".to_string(),
        "变更现住址或者联系方式的，应当及时告知帮教小组；变更执行地的，应当在规定期限内到新执行地报到。".to_string(),
        "不得吸食、注射毒品，不得与吸毒人员交往，不得出入易涉毒场所。".to_string(),
        "参加社区组织的戒毒康复、职业技能培训和公益活动。".to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obligations_name_the_programme() {
        let o = obligations(&Profile::standard(), Some(Measure::Rehab));
        assert!(o[0].contains("社区康复"));
        assert!(o.iter().any(|s| s.contains("尿液检测")));
    }
}
