//! The form `archive_index`: 卷内目录, the documents of a person's file and the page each
//! starts on (see `forms/archive_index.yaml`). `generate --archive` fills the rows with
//! [`fill`] once the pages are known; asked for alone it is a blank list to fill by hand.

use super::prelude::*;

/// Blank rows of a list asked for alone.
const BLANK_ROWS: usize = 15;

/// One document of the file, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub title: String,
    pub number: String,
    pub date: String,
    /// 页号: `3` or `3-5`.
    pub pages: String,
}

pub fn build(d: &mut DocData, _ctx: &BuildContext, who: &PersonRef, _event: &Event) {
    let p = who.person;
    d.subtitle = match p.number() {
        "" => p.name.clone(),
        number => format!("{}　编号：{number}", p.name),
    };
    d.tables.push(DataTable {
        caption: String::new(),
        widths: vec![0.6, 4.4, 2.8, 2.8, 1.0],
        header: ["序号", "文书名称", "文号", "日期", "页号"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: (1..=BLANK_ROWS)
            .map(|k| {
                vec![
                    k.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect(),
        size: 10.5,
        ruled: false,
    });
    d.date = String::new();
}

/// Puts the file's documents in the list, numbered from 1.
pub fn fill(d: &mut DocData, entries: &[IndexEntry]) {
    let rows = entries
        .iter()
        .enumerate()
        .map(|(k, e)| {
            vec![
                (k + 1).to_string(),
                e.title.clone(),
                e.number.clone(),
                e.date.clone(),
                e.pages.clone(),
            ]
        })
        .collect();
    match d.tables.first_mut() {
        Some(t) => t.rows = rows,
        None => d.paragraphs.push("（卷内目录缺少表格）".into()),
    }
}
