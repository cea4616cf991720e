//! The form `total_evaluation`: the data its template shows (see `forms/total_evaluation.yaml`).
//!
//! The years follow the person's term (期限(月)): a 36-month term has three execution years
//! and the title the work plans give it (三年总评估表, 篇五 §三(二)4); any other term (社区康复
//! runs up to three years, 禁毒法 第四十八条) has as many years as it lasts, the last one cut at
//! the term's end, and the title says 期满总评估表. After the table come the total
//! evaluation's conclusion and the written opinions of the 帮教小组 and of the 乡镇（街道）,
//! each in a tall box to write in by hand, signed or sealed with the date by hand; the town's
//! seal line carries the office's full name.

use super::super::chinese::count_cn;
use super::prelude::*;

/// The term in months (the register's 期限(月), else the statutory three years).
fn term_months(p: &crate::model::Person) -> u32 {
    if p.term_months == 0 {
        DEFAULT_TERM_MONTHS
    } else {
        p.term_months
    }
}

/// A term's length in words: 36 → 三年, 24 → 两年, 30 → 两年六个月, 8 → 八个月.
pub fn term_words(months: u32) -> String {
    let (years, rest) = (months / 12, months % 12);
    let mut out = String::new();
    if years > 0 {
        out.push_str(&format!("{}年", count_cn(years)));
    }
    if rest > 0 {
        out.push_str(&format!("{}个月", count_cn(rest)));
    }
    out
}

/// The execution years of a term of `months` months from `report`: [from, to) for each, the
/// last one ending with the term.
pub fn execution_years(report: NaiveDate, months: u32) -> Vec<(NaiveDate, NaiveDate)> {
    let Some(end) = report.checked_add_months(Months::new(months)) else {
        return Vec::new();
    };
    (0..months.div_ceil(12))
        .filter_map(|k| {
            let from = report.checked_add_months(Months::new(12 * k))?;
            let to = report
                .checked_add_months(Months::new(12 * (k + 1)))?
                .min(end);
            Some((from, to))
        })
        .collect()
}

/// The lines of a box written in by hand: a blank opinion, then (bottom right) who signs or
/// seals and the date by hand. The template puts the first line at the top and the others at
/// the bottom right.
fn opinion_box(signer: String) -> Cell {
    Cell::lines(vec![String::new(), signer, "年　　月　　日".to_string()])
        .span(3)
        .tall(40)
}

pub fn build(d: &mut DocData, ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    let i = who.index;
    let reg = ctx.register;
    let months = term_months(p);
    if months != 36 {
        // The work plans' 三年总评估 is for a three-year term; any other says it ended.
        d.title = d.title.replace("三年总评估表", "期满总评估表");
    }
    d.cells = person_cells(ctx, p);
    d.cells.push(Cell::label("执行期限"));
    d.cells.push(Cell::value(term_words(months)));
    d.cells.push(Cell::label("期满日期"));
    d.cells.push(Cell::value(ctx.opt_date(term_end(p))));
    let mut rows = Vec::new();
    let mut sums = [0usize; 5];
    if let Some(report) = p.report_date {
        for (k, (from, to)) in execution_years(report, months).into_iter().enumerate() {
            let inside = |x: NaiveDate| x >= from && x < to;
            let tests = reg.tests_of(i).iter().filter(|t| inside(t.date)).count();
            let done = reg
                .tests_of(i)
                .iter()
                .filter(|t| inside(t.date) && t.result.was_done())
                .count();
            let talks = reg
                .contacts_of(i)
                .iter()
                .filter(|c| inside(c.date) && c.kind.is_face_to_face())
                .count();
            let evals = reg
                .evaluations_of(i)
                .iter()
                .filter(|e| inside(e.date) && e.period != crate::model::EvalPeriod::Total)
                .count();
            let warns = reg.warnings_of(i).iter().filter(|w| inside(w.date)).count();
            for (s, n) in sums.iter_mut().zip([done, tests, talks, evals, warns]) {
                *s += n;
            }
            rows.push(vec![
                format!("第{}年", ordinal_cn(k as u32 + 1)),
                format!(
                    "{}至{}",
                    ctx.date(from),
                    to.pred_opt().map(|x| ctx.date(x)).unwrap_or_default()
                ),
                format!("{done}/{tests}"),
                talks.to_string(),
                evals.to_string(),
                warns.to_string(),
            ]);
        }
        rows.push(vec![
            "合计".into(),
            String::new(),
            format!("{}/{}", sums[0], sums[1]),
            sums[2].to_string(),
            sums[3].to_string(),
            sums[4].to_string(),
        ]);
    }
    d.tables.push(DataTable {
        caption: "执行情况（按执行年度）".into(),
        widths: vec![1.0, 4.6, 1.6, 0.9, 1.1, 0.9],
        header: vec![
            "年度".into(),
            "期间".into(),
            "检测(实检/安排)".into(),
            "面谈".into(),
            "季度评估".into(),
            "告诫".into(),
        ],
        rows,
        size: 11.0,
        ruled: false,
    });
    // After the table (the template starts a second grid at the label 总评估结论): the
    // conclusion, then the group's and the town's opinions, written and signed by hand.
    let total = reg
        .evaluations_of(i)
        .iter()
        .find(|e| e.period == crate::model::EvalPeriod::Total);
    let conclusion = match total {
        Some(e) => {
            let mut s = format!("{}（{}评估", e.conclusion.label(), ctx.date(e.date));
            if let Some(by) = e
                .evaluator
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                s.push_str(&format!("，评估人：{by}"));
            }
            s.push('）');
            s
        }
        None => "□良好　　□一般　　□较差".to_string(),
    };
    d.cells.push(Cell::label("总评估结论"));
    d.cells.push(Cell::value(conclusion).span(3));
    d.cells
        .push(Cell::lines(vec!["帮教小组".into(), "意见".into()]));
    if let Some(c) = d.cells.last_mut() {
        c.label = true;
    }
    d.cells
        .push(opinion_box("帮教小组组长（签名）：　　　　　　　　".into()));
    d.cells
        .push(Cell::lines(vec!["乡镇（街道）".into(), "意见".into()]));
    if let Some(c) = d.cells.last_mut() {
        c.label = true;
    }
    d.cells.push(opinion_box(format!(
        "{}（盖章）",
        ctx.office.seal_for(who.town)
    )));
    // Signed in the boxes: no signature block, no seal line below.
    d.signatures = Vec::new();
    d.seal = String::new();
}

/// Made only once the term has ended: before, the register does not support it.
pub fn holds(ctx: &BuildContext, who: &PersonRef, _event: &Event) -> Result<(), String> {
    term_has_ended(ctx, who.person)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_years_follow_the_term_and_the_last_one_ends_with_it() {
        assert_eq!(term_words(36), "三年");
        assert_eq!(term_words(24), "两年");
        assert_eq!(term_words(30), "两年六个月");
        assert_eq!(term_words(8), "八个月");
        let years = execution_years(d(2024, 2, 29), 24);
        assert_eq!(
            years,
            vec![
                (d(2024, 2, 29), d(2025, 2, 28)),
                (d(2025, 2, 28), d(2026, 2, 28))
            ]
        );
        let years = execution_years(d(2025, 3, 1), 30);
        assert_eq!(years.len(), 3);
        assert_eq!(years[2], (d(2027, 3, 1), d(2027, 9, 1)));
        assert_eq!(execution_years(d(2025, 3, 1), 36).len(), 3);
    }
}
