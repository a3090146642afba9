//! Salesforce "Opportunity History" report: one row per change of an
//! opportunity, grouped into one deal per opportunity.
//!
//! Columns (the report's labels, matched case-insensitively):
//! * indispensable: `Opportunity ID` (or, without it, `Opportunity Name`)
//!   and `Stage` (or `Stage Name`, `To Stage`);
//! * `Last Modified` (the date of the change; also `Last Modified Date`,
//!   `Edit Date`, `Created Date`): without it the file is a plain
//!   opportunities export, current stage only (no history);
//! * optional: `Opportunity Name`, `Amount`, `Probability (%)`,
//!   `Close Date`, `Opportunity Owner`.
//!
//! The rows of an opportunity are put in date order (same-day rows keep the
//! file's order, unless the file is newest first, which is detected). Each
//! change to a new stage is that stage entered on the change's date. The
//! amount, probability, owner and name come from the latest row. The stage
//! of the latest row is the current stage. Changes of `Close Date` between
//! rows become the deal's [`Slip`]: how often it changed, how often and by
//! how many days in all it moved later.

use std::borrow::Cow;

use super::history::{self, enter, Format, HistoryOptions, ImportResult, Problem, Sheet, Path, StageHistory};
use super::intern::{FxMap, Names};
use crate::deal::{Deal, Slip, Status};

/// Whether a header is an Opportunity History report.
pub fn is_history(header: &[String]) -> bool {
    let has = |names: &[&str]| names.iter().any(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)));
    has(&["Opportunity ID", "Opportunity Name"])
        && has(&["Stage", "Stage Name", "To Stage"])
        && has(&["Last Modified", "Last Modified Date", "Edit Date"])
}

/// One row: a change of an opportunity. The changes of all opportunities
/// sit in one list; each opportunity's are chained by `next`.
#[derive(Clone, Copy)]
struct Change {
    day: i32,
    /// The stage's number in the names.
    stage: u32,
    close: Option<i32>,
    /// The opportunity's next change (`NONE`: the last).
    next: u32,
}

const NONE: u32 = u32::MAX;

/// An opportunity while the file is read: its fields from the latest row,
/// borrowed from the text, and its chain of changes.
struct Group<'a> {
    id: Cow<'a, str>,
    label: Cow<'a, str>,
    seller: Cow<'a, str>,
    value: Option<f64>,
    probability: Option<f64>,
    line: usize,
    /// Day and row order of the row the fields came from.
    latest: (i32, u32),
    first: u32,
    last: u32,
}

/// Day of the change, expected close day, amount, probability.
type Cells = (i32, Option<i32>, Option<f64>, Option<f64>);

pub fn read(text: &str, options: &HistoryOptions, progress: &mut dyn FnMut(usize, usize)) -> ImportResult<StageHistory> {
    let mut sheet = Sheet::open(text)?;
    let id = sheet.required(&["Opportunity ID", "Opportunity Name"])?;
    let stage = sheet.required(&["Stage", "Stage Name", "To Stage"])?;
    // Without the date of each change, the file is a plain opportunities
    // export: one row per opportunity, its current stage only.
    let when = sheet.column(&["Last Modified", "Last Modified Date", "Edit Date", "Created Date"]);
    let label = sheet.column(&["Opportunity Name"]);
    let amount = sheet.column(&["Amount"]);
    let prob = sheet.column(&["Probability (%)", "Probability"]);
    let close = sheet.column(&["Close Date"]);
    let owner = sheet.column(&["Opportunity Owner"]);
    let mut out = StageHistory { format: Some(Format::Salesforce), has_history: when.is_some(), ..StageHistory::default() };
    let mut index: FxMap<Cow<str>, usize> = FxMap::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    let mut previous: Option<u32> = None;
    // Whether the file lists each opportunity's changes newest first.
    let (mut rising, mut falling) = (0usize, 0usize);
    let body = sheet.progress().0;
    while let Some(line) = out.next_row(&mut sheet, false, progress) {
        let seq = u32::try_from(out.rows).unwrap_or(NONE);
        if out.rows == 1 {
            // Room for as many changes as the file holds rows at the first
            // row's length (and opportunities for a quarter of them), so
            // the lists are rarely copied as they grow.
            let (at, total) = sheet.progress();
            let rows = (total / at.saturating_sub(body).max(1)).min(super::MAX_CSV_ROWS);
            changes.reserve(rows);
            groups.reserve(rows / 4);
            index.reserve(rows / 4);
        }
        let read = || -> history::CellResult<Cells> {
            for i in [id, stage] {
                history::check_text(&sheet, i)?.ok_or((i, Problem::EmptyCell))?;
            }
            for i in [label, owner].into_iter().flatten() {
                history::check_text(&sheet, i)?;
            }
            let day = match when {
                Some(w) => history::date(&sheet, Some(w), options.date_order)?.ok_or((w, Problem::EmptyCell))?,
                None => 0,
            };
            let c = history::date(&sheet, close, options.date_order)?;
            Ok((day, c, history::amount(&sheet, amount)?, history::probability(&sheet, prob)?))
        };
        match read() {
            Ok((day, close_day, value, probability)) => {
                let stage_at = out.names.intern(sheet.cell(Some(stage)));
                let at = u32::try_from(changes.len()).unwrap_or(NONE);
                let key = sheet.cell_cow(id);
                // Reports list an opportunity's changes together: the
                // previous row's opportunity first, then the index.
                let known = match previous.and_then(|k| groups.get(k as usize)) {
                    Some(g) if g.id == key => previous,
                    _ => index.get(&key).map(|&g| u32::try_from(g).unwrap_or(NONE)),
                };
                let g = match known {
                    Some(g) => {
                        previous = Some(g);
                        groups.get_mut(g as usize)
                    }
                    None => {
                        let k = u32::try_from(groups.len()).unwrap_or(NONE);
                        index.insert(key.clone(), groups.len());
                        previous = Some(k);
                        let empty = Cow::Borrowed("");
                        groups.push(Group { id: key, label: empty.clone(), seller: empty, value: None, probability: None, line, latest: (i32::MIN, 0), first: at, last: NONE });
                        groups.last_mut()
                    }
                };
                let Some(g) = g else { continue };
                if let Some(last) = changes.get_mut(g.last as usize) {
                    if day > last.day {
                        rising += 1;
                    } else if day < last.day {
                        falling += 1;
                    }
                    last.next = at;
                }
                g.last = at;
                if (day, seq) >= g.latest {
                    g.latest = (day, seq);
                    g.label = label.map_or(Cow::Borrowed(""), |i| sheet.cell_cow(i));
                    g.seller = owner.map_or(Cow::Borrowed(""), |i| sheet.cell_cow(i));
                    g.value = value;
                    g.probability = probability;
                }
                changes.push(Change { day, stage: stage_at, close: close_day, next: NONE });
            }
            Err(e) => out.cell_issue(&sheet, line, e),
        }
    }
    drop(index);
    let newest_first = falling > rising;
    out.deals.reserve_exact(groups.len());
    out.paths.reserve_exact(groups.len());
    let mut chain = Vec::new();
    // The status each stage's name means, by number, once worked out.
    let mut status = Vec::new();
    for g in groups {
        chain.clear();
        let mut k = g.first;
        while let Some(c) = changes.get(k as usize) {
            chain.push(*c);
            k = c.next;
        }
        let (deal, path) = finish(g, &mut chain, newest_first, (&out.names, &mut status), when.is_some());
        out.push(deal, path);
    }
    let (a, b) = sheet.progress();
    progress(a, b);
    Ok(out)
}

/// The deal and its path. `names`: the stage names, and the status each
/// means (filled in as met).
fn finish(g: Group, changes: &mut [Change], newest_first: bool, (names, status): (&Names, &mut Vec<Option<Status>>), dated: bool) -> (Deal, Path) {
    if newest_first {
        changes.reverse();
    }
    // Stable: same-day changes keep their (oldest first) order.
    changes.sort_by_key(|c| c.day);
    let mut s = Path { line: g.line, entered: Vec::with_capacity(if dated { changes.len() } else { 0 }), ..Path::default() };
    let mut slip = Slip::default();
    let mut prev_stage: Option<u32> = None;
    let mut prev_close: Option<i32> = None;
    for c in changes.iter().filter(|_| dated) {
        if !prev_stage.is_some_and(|p| names.same(p, c.stage)) {
            enter(&mut s.entered, names, c.stage, c.day);
        }
        prev_stage = Some(c.stage);
        if let Some(day) = c.close {
            if let Some(before) = prev_close {
                if day != before {
                    slip.changes += 1;
                }
                if day > before {
                    slip.pushes += 1;
                    slip.days_pushed += i64::from(day - before);
                }
            }
            prev_close = Some(day);
        }
    }
    let last = changes.last();
    s.stage = last.map(|c| c.stage);
    let text = |c: Cow<str>| (!c.is_empty()).then(|| c.into_owned());
    let mut d = Deal { id: g.id.into_owned(), label: text(g.label), seller: text(g.seller), value: g.value, seller_probability: g.probability, ..Deal::default() };
    d.status = match s.stage {
        Some(k) => {
            if status.len() < names.len() {
                status.resize(names.len(), None);
            }
            match status.get_mut(k as usize) {
                Some(known) => *known.get_or_insert_with(|| history::status_word(names.name(k))),
                None => history::status_word(names.name(k)),
            }
        }
        None => history::status_word(""),
    };
    if d.status != Status::Open {
        d.close_date = last.and_then(|c| c.close.or(dated.then_some(c.day))).map(history::iso_day);
    }
    if dated && changes.iter().any(|c| c.close.is_some()) {
        d.slip = Some(slip);
    }
    (d, s)
}
