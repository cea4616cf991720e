//! `rehabdocs template`: a blank register for clerks in the contract layout
//! (`docs/register.md`): every sheet and header (required ones marked in red, with a note),
//! dropdown lists for enumerated columns and date validation down to the sheet's last row, a
//! date format for date columns and text format for IDs and phone numbers on the whole column,
//! frozen header rows, column widths, about 500 bordered rows, and a 填表说明 sheet that
//! explains every sheet and column.

use crate::sample::layout::{self, ColumnKind, SheetLayout};
use crate::sample::writer::{excel_date, fixed_properties, Formats, DATE_FORMAT};
use crate::write_file::{self as output, OutputError};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Note, Workbook,
    Worksheet, XlsxError,
};
use std::path::Path;

/// Data rows drawn with borders under each header (formats and validations go further:
/// [`LAST_ROW`]).
pub const TEMPLATE_ROWS: u32 = 500;
/// The last row (0-based) the dropdowns and validations cover: the sheet's last row (Excel's
/// 1,048,576th), so a register of any size keeps them (a county's 谈话 sheet passes 10,000
/// rows).
pub const LAST_ROW: u32 = 1_048_575;
/// Name of the instructions sheet.
pub const INSTRUCTIONS_SHEET: &str = "填表说明";

/// First data row (0-based): row 1 is the title, row 2 the header.
const FIRST_DATA_ROW: u32 = 2;

/// Writes the blank register to `path` atomically (not over an existing file unless `force`).
pub fn write_template(path: &Path, force: bool) -> Result<(), OutputError> {
    output::check_overwrite(path, force)?;
    let mut workbook = template_workbook()?;
    output::write_atomically(path, force, |tmp| {
        workbook.save(tmp)?;
        Ok(())
    })
}

/// The blank register as a workbook (deterministic: fixed document properties).
pub fn template_workbook() -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let fixed = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    workbook.set_properties(&fixed_properties(
        fixed,
        "社区戒毒(康复)人员登记台帐（空白模板）",
    )?);
    let formats = Formats::new();
    for sheet_layout in layout::SHEETS {
        let sheet = workbook.add_worksheet();
        fill_sheet(sheet, sheet_layout, &formats)?;
    }
    let sheet = workbook.add_worksheet();
    fill_instructions(sheet)?;
    Ok(workbook)
}

fn fill_sheet(sheet: &mut Worksheet, l: &SheetLayout, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(l.name)?;
    let last_col = l.columns.len().saturating_sub(1) as u16;
    let title = l.title.replace("{town}", "");
    sheet.merge_range(0, 0, 0, last_col, &title, &f.title)?;
    sheet.set_row_height(0, 24)?;
    let last_row = FIRST_DATA_ROW + TEMPLATE_ROWS - 1;
    let date_cell = Format::new()
        .set_num_format(DATE_FORMAT)
        .set_border(FormatBorder::Thin);
    let text_cell = Format::new()
        .set_num_format("@")
        .set_border(FormatBorder::Thin);
    let plain_cell = Format::new().set_border(FormatBorder::Thin);
    for (c, column) in l.columns.iter().enumerate() {
        let col = c as u16;
        sheet.set_column_width(
            col,
            column.width.max(column.name.chars().count() as f64 * 2.2),
        )?;
        let (header_format, note_text) = if column.required {
            (&f.required_header, format!("必填。{}", column.help))
        } else {
            (&f.header, column.help.to_string())
        };
        sheet.write_string_with_format(1, col, column.name, header_format)?;
        sheet.insert_note(1, col, &Note::new(note_text).set_author("rehabdocs"))?;
        let cell_format = match column.kind {
            ColumnKind::Date => &date_cell,
            ColumnKind::TextId => &text_cell,
            _ => &plain_cell,
        };
        for row in FIRST_DATA_ROW..=last_row {
            sheet.write_blank(row, col, cell_format)?;
        }
        // The whole column keeps the number format (text IDs, dates) past the drawn rows.
        match column.kind {
            ColumnKind::Date => {
                sheet.set_column_format(col, &Format::new().set_num_format(DATE_FORMAT))?;
            }
            ColumnKind::TextId => {
                sheet.set_column_format(col, &Format::new().set_num_format("@"))?;
            }
            _ => {}
        }
        if let Some(validation) = validation_for(column.kind, column.name)? {
            sheet.add_data_validation(FIRST_DATA_ROW, col, LAST_ROW, col, &validation)?;
        }
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    Ok(())
}

/// The data validation for a column kind, if any.
fn validation_for(kind: ColumnKind, name: &str) -> Result<Option<DataValidation>, XlsxError> {
    let v = match kind {
        ColumnKind::Choice(values) => DataValidation::new()
            .allow_list_strings(values)?
            .set_error_title("取值不在列表中")?
            .set_error_message(format!("{name} 只能填：{}", values.join("、")))?,
        ColumnKind::Date => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                excel_date(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default())?,
                excel_date(NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or_default())?,
            ))
            .set_input_title("日期")?
            .set_input_message("请填写日期，如 2025-03-01")?
            .set_error_title("不是日期")?
            .set_error_message(format!("{name} 应为日期，如 2025-03-01"))?,
        ColumnKind::Number if name == "期限(月)" => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(1, 60))
            .set_error_message("期限(月) 应为 1 到 60 之间的整数，空白按 36 计")?,
        ColumnKind::Number => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_message(format!("{name} 应为不小于 0 的数"))?,
        ColumnKind::Text | ColumnKind::TextId => return Ok(None),
    };
    Ok(Some(v))
}

/// General rules shown at the top of the instructions sheet.
const GENERAL_NOTES: &[&str] = &[
    "本工作簿是社区戒毒(康复)登记台帐的空白模板，各表按表头文字识别，可以增加列，但请不要修改表头文字。",
    "红色表头为必填列；其余列尽量填写。把鼠标停在表头上可看到该列的说明。",
    "日期请填写为日期格式，如 2025-03-01；也可写 2025/3/1、2025年3月1日。",
    "公民身份号码、编号、联系电话已设为文本格式，请勿改为数字，否则18位身份证号后几位会丢失。",
    "带下拉箭头的列请从列表中选择。",
    "各表中的编号须与人员表中的编号一致，一个人在各表中用同一编号。",
    "评估期：季度评估写 2025Q1（或 2025年第一季度），期满总评估写 总评估。",
    "帮教小组成员用、分隔；成员为女性而未列入工作人员表时，可写作 姓名(女)。",
];

fn fill_instructions(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name(INSTRUCTIONS_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_border(FormatBorder::Thin);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let section = Format::new().set_bold().set_font_color(0x1F4E79);
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 18)?;
    sheet.set_column_width(2, 8)?;
    sheet.set_column_width(3, 12)?;
    sheet.set_column_width(4, 70)?;
    sheet.write_string_with_format(0, 0, "社区戒毒(康复)登记台帐填表说明", &title)?;
    let mut row = 2;
    for note in GENERAL_NOTES {
        sheet.write_string(row, 0, *note)?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["工作表", "列名", "是否必填", "填写形式", "说明"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(row, c as u16, *h, &head)?;
    }
    row += 1;
    for l in layout::SHEETS {
        sheet.write_string_with_format(row, 0, l.name, &section)?;
        sheet.write_string_with_format(row, 4, l.help, &wrap)?;
        row += 1;
        for column in l.columns {
            let form = match column.kind {
                ColumnKind::Text => "文字".to_string(),
                ColumnKind::TextId => "文本(不要存为数字)".to_string(),
                ColumnKind::Date => "日期".to_string(),
                ColumnKind::Number => "数字".to_string(),
                ColumnKind::Choice(values) => values.join(" | "),
            };
            sheet.write_string_with_format(row, 0, l.name, &wrap)?;
            sheet.write_string_with_format(row, 1, column.name, &wrap)?;
            sheet.write_string_with_format(
                row,
                2,
                if column.required { "必填" } else { "" },
                &wrap,
            )?;
            sheet.write_string_with_format(row, 3, &form, &wrap)?;
            sheet.write_string_with_format(row, 4, column.help, &wrap)?;
            row += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}
