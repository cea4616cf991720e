//! The form `group_setup`: the data its template shows (see `forms/group_setup.yaml`): the
//! person's 帮教小组 as the register names it (帮教小组组长, 帮教小组成员, 专职社工), each
//! member signing by hand. What the register does not say (units, phones, the date the group
//! was set up) is left to fill.

use super::prelude::*;
use crate::model::{Person, Register, Sex};

/// The group's members as the register names them: (role, name), leader first, then the
/// members, then the 专职社工 (each name once).
pub fn members(p: &Person) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut push = |role: &'static str, name: &str| {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|(_, n)| n == name) {
            out.push((role, name.to_string()));
        }
    };
    if let Some(l) = &p.group_leader {
        push("组长", l);
    }
    for m in &p.group_members {
        push("成员", m);
    }
    if let Some(w) = &p.social_worker {
        push("专职社工", w);
    }
    out
}

/// The unit a member works in, from the 工作人员 sheet when the name is there once.
fn staff_unit(reg: &Register, name: &str) -> String {
    let hits: Vec<_> = reg.staff.iter().filter(|s| s.name == name).collect();
    match hits.as_slice() {
        [one] => format!(
            "{}{}",
            one.town.clone().unwrap_or_default(),
            one.unit.clone().unwrap_or_default()
        ),
        _ => String::new(),
    }
}

/// Made only when the register names the group's leader or members.
pub fn holds(_ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    let p = who.person;
    let named = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if named(&p.group_leader) || p.group_members.iter().any(|m| !m.trim().is_empty()) {
        Ok(())
    } else {
        Err("台帐未填帮教小组组长和帮教小组成员：帮教小组的组成台帐不支持，不予出具".into())
    }
}

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let prog = programme(p);
    d.columns = 4;
    d.cells = person_cells(ctx, p);
    d.paragraphs.push(format!(
        "根据{}的规定，为帮助{}戒除毒瘾、回归社会，成立{prog}帮教小组，具体实施{prog}。帮教小组成员如下：",
        ground_text(&["work_group".to_string(), "local_plan".to_string()], p.measure),
        p.name
    ));
    let mut rows: Vec<Vec<String>> = members(p)
        .into_iter()
        .map(|(role, name)| {
            let unit = staff_unit(ctx.register, &name);
            vec![role.to_string(), name, unit, String::new(), String::new()]
        })
        .collect();
    // Room for the members the register does not list (家庭成员、社区民警、社区医务人员).
    for _ in 0..2 {
        rows.push(vec![
            "成员".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(k, mut r)| {
            r.insert(0, (k + 1).to_string());
            r
        })
        .collect();
    d.tables.push(DataTable {
        caption: "帮教小组成员".into(),
        widths: vec![0.6, 1.1, 1.2, 2.4, 1.6, 1.3],
        header: vec![
            "序号".into(),
            "职务".into(),
            "姓名".into(),
            "工作单位及职务".into(),
            "联系电话".into(),
            "本人签名".into(),
        ],
        rows,
        size: 11.0,
        ruled: false,
    });
    d.closing
        .push("帮教小组成立日期：　　　　年　　月　　日".to_string());
    if p.sex == Some(Sex::Female) {
        d.closing.push(format!(
            "{}为女性，帮教小组中至少应有一名女性工作人员（本地社区戒毒（康复）工作实施方案）。",
            p.name
        ));
    }
    d.seal = ctx.office.seal_for(who.town);
    d.date = String::new();
}
