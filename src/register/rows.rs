//! Turning a stream of cells (row-major, as calamine's streaming reader or a CSV reader gives
//! them) into header detection followed by typed rows of [`Slot`]s.

use super::headers::{
    describe_headers, fields, find_header, HeaderMatch, HeaderRow, HEADER_SCAN_ROWS,
};
use super::values::{CellIn, Slot};
use super::ReadError;
use crate::model::Sheet;

/// Receives the cells of one sheet in row-major order.
pub trait CellSink {
    /// One non-empty cell. Returns `false` to stop reading the sheet.
    fn cell(&mut self, row: u32, col: u32, value: CellIn<'_>) -> bool;
    /// The sheet has ended.
    fn end(&mut self);
}

/// The cells of a two-row header read as one row: the lower row's title where it has one,
/// else the upper row's (titles merged down over both rows sit in the upper row).
pub fn stack_header_rows(above: &[(u32, String)], below: &[(u32, String)]) -> HeaderRow {
    let mut cells: HeaderRow = below.to_vec();
    for (col, text) in above {
        if !below.iter().any(|(c, _)| c == col) {
            cells.push((*col, text.clone()));
        }
    }
    cells.sort_by_key(|(c, _)| *c);
    cells
}

/// A cell merged down over several rows: its value (in `first_row`) stands for every row
/// down to `last_row`, as the clerk sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedDown {
    pub col: u32,
    pub first_row: u32,
    pub last_row: u32,
}

/// Fills the empty cells of vertical merges with the value of their first row.
#[derive(Default)]
struct MergeFill {
    /// Sorted by first row.
    merges: Vec<MergedDown>,
    /// The value of each merge's first cell, once seen.
    values: Vec<Option<Slot>>,
    /// The next merge (in `merges`) not yet active.
    next: usize,
    /// Merges whose rows are being read.
    active: Vec<usize>,
}

impl MergeFill {
    /// Records the value of a merge's first cell.
    fn seen(&mut self, row: u32, col: u32, slot: &Slot) {
        // Merges are few; a linear search over the active ones and the next few is cheap.
        self.advance(row);
        for &k in &self.active {
            let m = self.merges[k];
            if m.first_row == row && m.col == col {
                self.values[k] = Some(slot.clone());
            }
        }
    }

    /// Makes the merges that start at or before `row` active and drops the finished ones.
    fn advance(&mut self, row: u32) {
        while self.next < self.merges.len() && self.merges[self.next].first_row <= row {
            self.active.push(self.next);
            self.next += 1;
        }
        let merges = &self.merges;
        self.active.retain(|&k| merges[k].last_row >= row);
    }
}

/// A data row after the header: one slot per field of the sheet.
pub struct Row<'a> {
    pub sheet: Sheet,
    /// 0-based sheet row.
    pub row: u32,
    pub slots: &'a [Slot],
    /// Column of each field (`None` when the sheet lacks it).
    pub columns: &'a [Option<u32>],
}

/// Handles the data rows of a sheet.
pub trait RowHandler {
    fn row(&mut self, row: &Row<'_>);
}

/// Collects the first rows of a sheet as header text (for guessing which sheet it is).
#[derive(Default)]
pub struct HeaderPeek {
    pub rows: Vec<(u32, HeaderRow)>,
}

impl CellSink for HeaderPeek {
    fn cell(&mut self, row: u32, col: u32, value: CellIn<'_>) -> bool {
        if row >= HEADER_SCAN_ROWS {
            return false;
        }
        if let CellIn::Text(t) = value {
            match self.rows.last_mut() {
                Some((r, cells)) if *r == row => cells.push((col, t.to_string())),
                _ => self.rows.push((row, vec![(col, t.to_string())])),
            }
        }
        true
    }
    fn end(&mut self) {}
}

enum Phase {
    /// Looking for the header; the rows seen so far.
    Header(Vec<(u32, HeaderRow)>),
    Data {
        /// Column → field index, for columns up to the last mapped one.
        col_to_field: Vec<Option<usize>>,
        current: Option<u32>,
    },
    Failed,
}

/// Finds the header of one sheet, then hands every non-blank data row to a [`RowHandler`].
pub struct SheetAssembler<'h, H: RowHandler> {
    sheet: Sheet,
    /// The sheet's name in the workbook (for messages).
    name: String,
    phase: Phase,
    slots: Vec<Slot>,
    columns: Vec<Option<u32>>,
    row_has_value: bool,
    merge: MergeFill,
    handler: &'h mut H,
    /// The header found, once found.
    pub header: Option<HeaderMatch>,
    /// Why the sheet cannot be used, if it cannot.
    pub error: Option<ReadError>,
}

impl<'h, H: RowHandler> SheetAssembler<'h, H> {
    pub fn new(sheet: Sheet, name: &str, handler: &'h mut H) -> Self {
        let n = fields(sheet).len();
        SheetAssembler {
            sheet,
            name: name.to_string(),
            phase: Phase::Header(Vec::new()),
            slots: vec![Slot::default(); n],
            columns: vec![None; n],
            row_has_value: false,
            merge: MergeFill::default(),
            handler,
            header: None,
            error: None,
        }
    }

    /// The sheet's vertical merges (see [`MergedDown`]).
    pub fn set_merged_down(&mut self, mut merges: Vec<MergedDown>) {
        merges.sort_by_key(|m| (m.first_row, m.col));
        self.merge = MergeFill {
            values: vec![None; merges.len()],
            merges,
            next: 0,
            active: Vec::new(),
        };
    }

    /// Decides on the header from the rows seen so far; `false` when none qualifies.
    fn decide_header(&mut self, rows: &[(u32, HeaderRow)], final_try: bool) -> bool {
        let Some(m) = find_header(self.sheet, rows) else {
            if final_try && rows.is_empty() {
                // An empty sheet: no rows, nothing to complain about.
                self.phase = Phase::Failed;
            } else if final_try {
                let seen = rows
                    .iter()
                    .max_by_key(|(_, c)| c.len())
                    .map(|(_, c)| describe_headers(c))
                    .unwrap_or_else(|| "（空表）".into());
                let wanted: Vec<&str> = fields(self.sheet)
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| f.name)
                    .collect();
                self.error = Some(ReadError(format!(
                    "工作表「{}」的前{}行中找不到表头（应含 {}；实际有 {}）",
                    self.name,
                    HEADER_SCAN_ROWS,
                    wanted.join("、"),
                    seen
                )));
                self.phase = Phase::Failed;
            }
            return false;
        };
        let mut m = m;
        let missing = m.missing_required(self.sheet);
        if !missing.is_empty() {
            // A two-row header (a group title such as 基本情况 over 性别/公民身份号码, the
            // other titles merged down): read the two rows as one.
            match rows.iter().find(|(r, _)| *r == m.header_row + 1) {
                Some((r2, below)) => {
                    let above = rows
                        .iter()
                        .find(|(r, _)| *r == m.header_row)
                        .map_or(&[][..], |(_, c)| c.as_slice());
                    let two =
                        HeaderMatch::of_row(self.sheet, *r2, &stack_header_rows(above, below));
                    if two.missing_required(self.sheet).is_empty() {
                        m = two;
                    }
                }
                // Wait for the next row before judging.
                None if !final_try => return false,
                None => {}
            }
        }
        let missing = m.missing_required(self.sheet);
        if !missing.is_empty() {
            let seen = rows
                .iter()
                .find(|(r, _)| *r == m.header_row)
                .map(|(_, c)| describe_headers(c))
                .unwrap_or_default();
            self.error = Some(ReadError(format!(
                "工作表「{}」第{}行的表头缺少必需的列：{}（表头为：{}）",
                self.name,
                m.header_row + 1,
                missing.join("、"),
                seen
            )));
            self.phase = Phase::Failed;
            return false;
        }
        let max_col = m.columns.iter().flatten().copied().max().unwrap_or(0) as usize;
        let mut col_to_field = vec![None; max_col + 1];
        for (i, c) in m.columns.iter().enumerate() {
            if let Some(c) = c {
                col_to_field[*c as usize] = Some(i);
            }
        }
        self.columns = m.columns.clone();
        self.header = Some(m);
        self.phase = Phase::Data {
            col_to_field,
            current: None,
        };
        true
    }

    fn flush_row(&mut self, row: u32) {
        if self.row_has_value && !self.merge.merges.is_empty() {
            self.fill_merged(row);
        }
        if self.row_has_value {
            self.handler.row(&Row {
                sheet: self.sheet,
                row,
                slots: &self.slots,
                columns: &self.columns,
            });
        }
        for s in &mut self.slots {
            s.clear();
        }
        self.row_has_value = false;
    }
}

impl<H: RowHandler> SheetAssembler<'_, H> {
    /// Gives the empty fields of `row` that lie under a vertical merge the merge's value.
    fn fill_merged(&mut self, row: u32) {
        self.merge.advance(row);
        let Phase::Data { col_to_field, .. } = &self.phase else {
            return;
        };
        for &k in &self.merge.active {
            let m = self.merge.merges[k];
            if m.first_row >= row {
                continue;
            }
            let Some(i) = col_to_field.get(m.col as usize).copied().flatten() else {
                continue;
            };
            if let (true, Some(v)) = (self.slots[i].is_empty(), &self.merge.values[k]) {
                self.slots[i].clone_from(v);
            }
        }
    }
}

impl<H: RowHandler> CellSink for SheetAssembler<'_, H> {
    fn cell(&mut self, row: u32, col: u32, value: CellIn<'_>) -> bool {
        match &mut self.phase {
            Phase::Failed => false,
            Phase::Header(rows) => {
                let complete_rows_end = rows.last().is_some_and(|(r, _)| *r != row);
                if complete_rows_end {
                    let seen = std::mem::take(rows);
                    let found = self.decide_header(&seen, row >= HEADER_SCAN_ROWS);
                    if !found {
                        if let Phase::Header(rows) = &mut self.phase {
                            *rows = seen;
                        } else {
                            return false;
                        }
                    }
                    if found {
                        return self.cell(row, col, value);
                    }
                }
                if row >= HEADER_SCAN_ROWS {
                    let seen = match &mut self.phase {
                        Phase::Header(rows) => std::mem::take(rows),
                        _ => Vec::new(),
                    };
                    if !self.decide_header(&seen, true) {
                        return false;
                    }
                    return self.cell(row, col, value);
                }
                if let Phase::Header(rows) = &mut self.phase {
                    if let CellIn::Text(t) = value {
                        if !t.trim().is_empty() {
                            match rows.last_mut() {
                                Some((r, cells)) if *r == row => cells.push((col, t.to_string())),
                                _ => rows.push((row, vec![(col, t.to_string())])),
                            }
                        }
                    }
                }
                true
            }
            Phase::Data {
                col_to_field,
                current,
            } => {
                let header_row = self.header.as_ref().map_or(0, |h| h.header_row);
                if row <= header_row {
                    return true;
                }
                let field = col_to_field.get(col as usize).copied().flatten();
                if *current != Some(row) {
                    let prev = current.replace(row);
                    if let Some(prev) = prev {
                        self.flush_row(prev);
                    }
                }
                let blank = match value {
                    CellIn::Text(t) => t.chars().all(char::is_whitespace),
                    _ => false,
                };
                // Only values in known columns make a row: a pre-numbered 序号 column or a
                // stray note far to the right does not turn an empty row into a data row.
                if !blank {
                    if let Some(i) = field {
                        self.row_has_value = true;
                        self.slots[i].set(value);
                        if !self.merge.merges.is_empty() {
                            self.merge.seen(row, col, &self.slots[i]);
                        }
                    }
                }
                true
            }
        }
    }

    fn end(&mut self) {
        match &mut self.phase {
            Phase::Header(rows) => {
                let seen = std::mem::take(rows);
                self.decide_header(&seen, true);
            }
            Phase::Data { current, .. } => {
                if let Some(prev) = current.take() {
                    self.flush_row(prev);
                }
            }
            Phase::Failed => {}
        }
    }
}
