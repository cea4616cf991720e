//! Rows of the event sheets (检测, 谈话, 请假, 告诫, 评估, 帮扶) and of 工作人员 and 单位.
//! An event row is rejected, with its finding, when its 编号 is missing or unknown or a
//! required value is missing, unreadable or outside its allowed set.

use super::build::{Builder, Rejected, Subject};
use super::rows::Row;
use super::values::{
    parse_amount, parse_count, parse_eval_period, CONCLUSIONS, CONTACT_KINDS, SEXES, STAFF_KINDS,
    TEST_RESULTS, WARNING_KINDS, YES_NO,
};
use crate::model::{
    method_is_unannounced, Contact, Evaluation, Help, Leave, Staff, Test, Unit, Warning,
};

impl Builder {
    pub fn test_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let person = self.person_of(row)?;
        let s = self.subject_of(person);
        let date = self.required_date(row, "检测日期", &s, true);
        let result = self.required_enum(row, "结果", &TEST_RESULTS, &s, true);
        // An unreadable 是否突击 would read as "announced" and could make a surprise-test
        // shortfall (P105): reject rather than guess.
        let flagged = self.enumerated(row, "是否突击", &YES_NO, &s, true);
        let (date, result, flagged) = (date?, result?, flagged?);
        let method = row.get("检测方式").text_value();
        let unannounced =
            flagged == Some(true) || method.as_deref().is_some_and(method_is_unannounced);
        self.register.tests.push(Test {
            row: row.record_row,
            person,
            date,
            method,
            result,
            lab: row.get("检测单位").text_value(),
            tester: row.get("检测人").name_value(),
            unannounced,
        });
        Ok(())
    }

    pub fn contact_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let person = self.person_of(row)?;
        let s = self.subject_of(person);
        let date = self.required_date(row, "日期", &s, true);
        let kind = self.required_enum(row, "形式", &CONTACT_KINDS, &s, true);
        let (date, kind) = (date?, kind?);
        self.register.contacts.push(Contact {
            row: row.record_row,
            person,
            date,
            kind,
            worker: row.get("工作人员").name_value(),
            summary: row.get("摘要").text_value(),
        });
        Ok(())
    }

    pub fn leave_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let person = self.person_of(row)?;
        let s = self.subject_of(person);
        let leave_date = self.required_date(row, "离开日期", &s, true);
        // An unreadable 返回日期 would read as "still away": reject rather than guess.
        let return_date = self.date(row, "返回日期", &s, true);
        // Likewise 准假至: unreadable, it could neither show a late return nor clear one.
        let approved_until = self.date(row, "准假至", &s, true);
        let approved = self.required_enum(row, "是否批准", &YES_NO, &s, true);
        let (leave_date, return_date, approved_until, approved) =
            (leave_date?, return_date?, approved_until?, approved?);
        self.register.leaves.push(Leave {
            row: row.record_row,
            person,
            leave_date,
            return_date,
            approved_until,
            destination: row.get("去向").text_value(),
            reason: row.get("事由").text_value(),
            approved,
            approver: row.get("批准人").name_value(),
        });
        Ok(())
    }

    pub fn warning_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let person = self.person_of(row)?;
        let s = self.subject_of(person);
        let date = self.required_date(row, "日期", &s, true);
        let kind = self.required_enum(row, "类型", &WARNING_KINDS, &s, true);
        let (date, kind) = (date?, kind?);
        self.register.warnings.push(Warning {
            row: row.record_row,
            person,
            date,
            kind,
            reason: row.get("事由").text_value(),
            number: row.get("文号").text_value(),
        });
        Ok(())
    }

    pub fn evaluation_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let person = self.person_of(row)?;
        let s = self.subject_of(person);
        let date = self.required_date(row, "评估日期", &s, true);
        let period = self.eval_period(row, &s);
        let conclusion = self.required_enum(row, "结论", &CONCLUSIONS, &s, true);
        let (date, period, conclusion) = (date?, period?, conclusion?);
        self.register.evaluations.push(Evaluation {
            row: row.record_row,
            person,
            date,
            period,
            conclusion,
            evaluator: row.get("评估人").name_value(),
        });
        Ok(())
    }

    fn eval_period(
        &mut self,
        row: &Row<'_>,
        s: &Subject,
    ) -> Result<crate::model::EvalPeriod, Rejected> {
        let slot = row.get("评估期");
        if slot.is_empty() {
            self.missing(row, "评估期", s, true);
            return Err(Rejected);
        }
        let mut key = String::new();
        slot.compact_into(&mut key);
        parse_eval_period(&key).ok_or_else(|| {
            self.report(
                "D009",
                s,
                row.cell("评估期"),
                format!(
                    "评估期「{}」无法识别（可写 2025Q1、2025年第一季度 或 总评估），本行未使用",
                    slot.shown()
                ),
            );
            Rejected
        })
    }

    pub fn help_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let person = self.person_of(row)?;
        let s = self.subject_of(person);
        let date = self.required_date(row, "日期", &s, true);
        let kind = row.get("类型").text_value();
        if kind.is_none() {
            self.missing(row, "类型", &s, true);
        }
        let (date, kind) = (date?, kind.ok_or(Rejected)?);
        self.register.help.push(Help {
            row: row.record_row,
            person,
            date,
            kind,
        });
        Ok(())
    }

    pub fn staff_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let unit = row.get("村(社区)").name_value();
        let town = row.get("乡镇(街道)").name_value();
        let s = Subject {
            index: None,
            person: None,
            unit: unit.clone().or_else(|| town.clone()).unwrap_or_default(),
        };
        let name = row.get("姓名").name_value();
        if name.is_none() {
            self.missing(row, "姓名", &s, true);
        }
        let kind = self.required_enum(row, "类型", &STAFF_KINDS, &s, true);
        let (name, kind) = (name.ok_or(Rejected)?, kind?);
        let sex = self
            .enumerated(row, "性别", &SEXES, &s, false)
            .ok()
            .flatten();
        let birth_date = self.date(row, "出生日期", &s, false).ok().flatten();
        self.register.staff.push(Staff {
            row: row.record_row,
            name,
            sex,
            birth_date,
            education: row.get("学历").text_value(),
            kind,
            town,
            unit,
        });
        Ok(())
    }

    pub fn unit_row(&mut self, row: &Row<'_>) -> Result<(), Rejected> {
        let unit = row.get("村(社区)").name_value();
        let town = row.get("乡镇(街道)").name_value();
        let s = Subject {
            index: None,
            person: None,
            unit: unit.clone().or_else(|| town.clone()).unwrap_or_default(),
        };
        if town.is_none() {
            self.missing(row, "乡镇(街道)", &s, true);
        }
        if unit.is_none() {
            self.missing(row, "村(社区)", &s, true);
        }
        let users_slot = row.get("实有吸毒人员数");
        let users = if users_slot.is_empty() {
            self.missing(row, "实有吸毒人员数", &s, true);
            None
        } else {
            let n = parse_count(users_slot);
            if n.is_none() {
                self.report(
                    "D009",
                    &s,
                    row.cell("实有吸毒人员数"),
                    format!(
                        "实有吸毒人员数「{}」应为非负整数，本行未使用",
                        users_slot.shown()
                    ),
                );
            }
            n
        };
        let budget = self.amount(row, "经费预算(元)", &s);
        let funded = self.amount(row, "经费到位(元)", &s);
        let (Some(town), Some(unit), Some(registered_users)) = (town, unit, users) else {
            return Err(Rejected);
        };
        self.register.units.push(Unit {
            row: row.record_row,
            town,
            unit,
            registered_users,
            budget,
            funded,
        });
        Ok(())
    }

    /// An optional amount of money: D009 (row kept) when not a number.
    fn amount(&mut self, row: &Row<'_>, field: &str, s: &Subject) -> Option<f64> {
        let slot = row.get(field);
        if slot.is_empty() {
            return None;
        }
        let v = parse_amount(slot).filter(|v| *v >= 0.0);
        if v.is_none() {
            self.report(
                "D009",
                s,
                row.cell(field),
                format!("{field}「{}」应为金额（元）", slot.shown()),
            );
        }
        v
    }
}
