//! Turning a stream of cells (row-major, as calamine's streaming reader or a CSV reader gives
//! them) into header detection followed by typed rows of [`Slot`]s.

use super::headers::{
    describe_headers, event_column_of, fields, title_under_group, unit_from_names, EventColumn,
    HeaderMatch, HeaderRow, HEADER_MIN_MATCHES, HEADER_SCAN_ROWS,
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
/// else the upper row's (titles merged down over both rows sit in the upper row). A lower
/// title under a group title merged across it (`检测情况` over `日期` and `结果`) is read
/// with the group's words when it names nothing alone ([`title_under_group`]).
pub fn stack_header_rows(
    sheet: Sheet,
    above: &[(u32, String)],
    below: &[(u32, String)],
) -> HeaderRow {
    let mut cells: HeaderRow = below
        .iter()
        .map(|(col, text)| {
            // The group: the last upper title at or left of this column.
            let group = above.iter().rev().find(|(c, _)| c <= col);
            match group {
                Some((_, g)) => (*col, title_under_group(sheet, g, text)),
                None => (*col, text.clone()),
            }
        })
        .collect();
    for (col, text) in above {
        if !below.iter().any(|(c, _)| c == col) {
            cells.push((*col, text.clone()));
        }
    }
    cells.sort_by_key(|(c, _)| *c);
    cells
}

/// How a sheet's rows hold its records.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Shape {
    /// One record per row (the template's layout).
    #[default]
    Rows,
    /// Events in columns of their own: a month-by-month table (`1月` … `12月`, each cell the
    /// month's dates) or a 谈话 row with a date column per kind (面谈, 家访 …). Each column
    /// with the header it had.
    Events(Vec<(u32, EventColumn)>),
}

impl Shape {
    /// Record rows per sheet row.
    pub fn span(&self) -> u32 {
        match self {
            Shape::Rows => 1,
            Shape::Events(cols) => (cols.len() as u32).max(1),
        }
    }
}

/// What the header rows say about a sheet besides its columns.
#[derive(Debug, Clone, Default)]
pub struct SheetContext {
    /// The sheet's name in its workbook.
    pub name: String,
    /// The 村(社区) the sheet is about (its name or title), when it has no such column.
    pub unit: Option<String>,
    /// The text of the rows above the header (titles), joined.
    pub titles: String,
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
    /// The workbook sheet among those the register sheet is read from (`CellRef::part`).
    pub part: u16,
    /// 0-based sheet row.
    pub row: u32,
    /// The record row of the row's (first) record (see `model::SheetPart`).
    pub record_row: u32,
    pub slots: &'a [Slot],
    /// Column of each field (`None` when the sheet lacks it).
    pub columns: &'a [Option<u32>],
    /// For [`Shape::Events`]: one slot per event column, in the order of the shape.
    pub events: &'a [Slot],
    pub shape: &'a Shape,
    pub context: &'a SheetContext,
}

/// The header of a workbook sheet, as found: part `part` of register sheet `sheet`.
pub struct HeaderFound<'a> {
    pub sheet: Sheet,
    pub part: u16,
    pub header: &'a HeaderMatch,
    pub shape: &'a Shape,
    pub context: &'a SheetContext,
}

/// Handles the data rows of a sheet.
pub trait RowHandler {
    /// The header is found: data rows follow.
    fn header(&mut self, found: &HeaderFound<'_>) {
        let _ = found;
    }
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
    /// One slot per event column ([`Shape::Events`]).
    events: Vec<Slot>,
    row_has_value: bool,
    merge: MergeFill,
    handler: &'h mut H,
    /// The workbook sheet's part number and first record row (see `model::SheetPart`).
    part: u16,
    base: u32,
    /// The header found, once found.
    pub header: Option<HeaderMatch>,
    pub shape: Shape,
    pub context: SheetContext,
    /// The last data row handed over.
    pub last_row: Option<u32>,
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
            events: Vec::new(),
            row_has_value: false,
            merge: MergeFill::default(),
            handler,
            part: 0,
            base: 0,
            header: None,
            shape: Shape::Rows,
            context: SheetContext::default(),
            last_row: None,
            error: None,
        }
    }

    /// Where the sheet's records go: its part number and first record row.
    pub fn set_place(&mut self, part: u16, base: u32) {
        self.part = part;
        self.base = base;
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

    /// Decides on the header from the rows seen so far; `false` when none qualifies (yet).
    ///
    /// The header is the first row that names enough columns of the sheet (or, on 检测 and
    /// 谈话, a person and event columns: months, or 面谈/家访 …); a row that lacks required
    /// columns is read together with the row below it (a two-row header with group titles).
    fn decide_header(&mut self, rows: &[(u32, HeaderRow)], final_try: bool) -> bool {
        for (i, (r, cells)) in rows.iter().enumerate() {
            let titles: Vec<&str> = rows[..i]
                .iter()
                .flat_map(|(_, c)| c.iter().map(|(_, t)| t.as_str()))
                .collect();
            let unit = unit_from_names(&self.name, &titles);
            let one = HeaderMatch::of_row(self.sheet, *r, cells);
            let one_events = self.event_columns(&one, cells);
            // A row naming one column may be the upper row of a two-row header whose group
            // titles (检测情况 over 日期/结果) name nothing alone.
            if one.matched() == 0 && one_events.is_empty() {
                continue;
            }
            let header_like = one.matched() >= HEADER_MIN_MATCHES || !one_events.is_empty();
            let complete = |m: &HeaderMatch| {
                m.matched() >= HEADER_MIN_MATCHES
                    && m.missing_required_given(self.sheet, unit.is_some())
                        .is_empty()
            };
            let mut chosen = None;
            if complete(&one) {
                chosen = Some((one.clone(), Shape::Rows));
            } else if !one_events.is_empty() {
                chosen = Some((one.clone(), Shape::Events(one_events)));
            } else {
                match rows.get(i + 1) {
                    Some((r2, below)) if *r2 == r + 1 => {
                        let stacked = stack_header_rows(self.sheet, cells, below);
                        let two = HeaderMatch::of_row(self.sheet, *r2, &stacked);
                        let two_events = self.event_columns(&two, &stacked);
                        if complete(&two) {
                            chosen = Some((two, Shape::Rows));
                        } else if !two_events.is_empty() {
                            chosen = Some((two, Shape::Events(two_events)));
                        }
                    }
                    // Wait for the next row before judging.
                    None if !final_try => return false,
                    _ => {}
                }
            }
            if chosen.is_none() && !header_like {
                continue;
            }
            let Some((m, shape)) = chosen else {
                let missing = one.missing_required_given(self.sheet, unit.is_some());
                self.error = Some(ReadError(format!(
                    "工作表「{}」第{}行的表头缺少必需的列：{}（表头为：{}）",
                    self.name,
                    r + 1,
                    missing.join("、"),
                    describe_headers(cells)
                )));
                self.phase = Phase::Failed;
                return false;
            };
            let no_unit_column = !m.has(self.sheet, "村(社区)");
            self.context = SheetContext {
                name: self.name.clone(),
                unit: unit.filter(|_| no_unit_column),
                titles: titles.join(" "),
            };
            self.accept(m, shape);
            return true;
        }
        if final_try {
            if rows.is_empty() {
                // An empty sheet: no rows, nothing to complain about.
                self.phase = Phase::Failed;
                return false;
            }
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
        false
    }

    /// The event columns of a header row of 检测 or 谈话 that names its person (编号,
    /// 公民身份号码 or 姓名): at least two month columns, or (谈话) a kind's date column.
    /// Empty when the row is no such header.
    fn event_columns(&self, m: &HeaderMatch, cells: &[(u32, String)]) -> Vec<(u32, EventColumn)> {
        if !matches!(self.sheet, Sheet::Tests | Sheet::Contacts) {
            return Vec::new();
        }
        let names_person = ["编号", "公民身份号码", "姓名"]
            .iter()
            .any(|f| m.has(self.sheet, f));
        if !names_person {
            return Vec::new();
        }
        let cols: Vec<(u32, EventColumn)> = cells
            .iter()
            .filter(|(c, _)| !m.columns.contains(&Some(*c)))
            .filter_map(|(c, t)| event_column_of(t).map(|e| (*c, e)))
            .filter(|(_, e)| {
                self.sheet == Sheet::Contacts || matches!(e, EventColumn::Month { .. })
            })
            .collect();
        let months = cols
            .iter()
            .filter(|(_, e)| matches!(e, EventColumn::Month { .. }))
            .count();
        let kinds = cols.len() - months;
        if months >= 2 || (kinds >= 1 && months == 0) {
            cols
        } else {
            Vec::new()
        }
    }

    /// Starts reading data rows under header `m`.
    fn accept(&mut self, m: HeaderMatch, shape: Shape) {
        let nfields = m.columns.len();
        let mut max_col = m.columns.iter().flatten().copied().max().unwrap_or(0) as usize;
        if let Shape::Events(cols) = &shape {
            max_col = max_col.max(cols.iter().map(|(c, _)| *c as usize).max().unwrap_or(0));
            self.events = vec![Slot::default(); cols.len()];
        }
        let mut col_to_field = vec![None; max_col + 1];
        for (i, c) in m.columns.iter().enumerate() {
            if let Some(c) = c {
                col_to_field[*c as usize] = Some(i);
            }
        }
        if let Shape::Events(cols) = &shape {
            for (k, (c, _)) in cols.iter().enumerate() {
                col_to_field[*c as usize] = Some(nfields + k);
            }
        }
        self.columns = m.columns.clone();
        self.handler.header(&HeaderFound {
            sheet: self.sheet,
            part: self.part,
            header: &m,
            shape: &shape,
            context: &self.context,
        });
        self.header = Some(m);
        self.shape = shape;
        self.phase = Phase::Data {
            col_to_field,
            current: None,
        };
    }

    fn flush_row(&mut self, row: u32) {
        if self.row_has_value && !self.merge.merges.is_empty() {
            self.fill_merged(row);
        }
        if self.row_has_value {
            self.last_row = Some(row);
            self.handler.row(&Row {
                sheet: self.sheet,
                part: self.part,
                row,
                record_row: self.base + row * self.shape.span(),
                slots: &self.slots,
                columns: &self.columns,
                events: &self.events,
                shape: &self.shape,
                context: &self.context,
            });
        }
        for s in self.slots.iter_mut().chain(self.events.iter_mut()) {
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
            if i >= self.slots.len() {
                // An event cell (a month) is its own: never filled from above.
                continue;
            }
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
                        let slot = match self.slots.get_mut(i) {
                            Some(slot) => slot,
                            None => &mut self.events[i - self.slots.len()],
                        };
                        slot.set(value);
                        if !self.merge.merges.is_empty() {
                            self.merge.seen(row, col, slot);
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
