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

use std::collections::HashMap;

use super::history::{self, enter, Format, HistoryOptions, ImportResult, Problem, Sheet, StageHistory, StagedDeal};
use crate::deal::{civil_from_days, Deal, Slip, Status};

/// Whether a header is an Opportunity History report.
pub fn is_history(header: &[String]) -> bool {
    let has = |names: &[&str]| names.iter().any(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)));
    has(&["Opportunity ID", "Opportunity Name"])
        && has(&["Stage", "Stage Name", "To Stage"])
        && has(&["Last Modified", "Last Modified Date", "Edit Date"])
}

struct Change {
    day: i32,
    seq: usize,
    /// Index into the stage names.
    stage: u32,
    close: Option<i32>,
}

struct Group {
    deal: Deal,
    line: usize,
    /// Day and row order of the row the deal's fields came from.
    latest: (i32, usize),
    changes: Vec<Change>,
}

/// Day of the change, expected close day, amount, probability.
type Cells = (i32, Option<i32>, Option<f64>, Option<f64>);

/// Sets a text field, reusing its buffer.
fn set(field: &mut Option<String>, v: Option<&str>) {
    match (field.as_mut(), v) {
        (Some(f), Some(v)) => {
            f.clear();
            f.push_str(v);
        }
        (_, v) => *field = v.map(str::to_string),
    }
}

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
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut name_index: HashMap<String, u32> = HashMap::new();
    // Whether the file lists each opportunity's changes newest first.
    let (mut rising, mut falling) = (0usize, 0usize);
    while let Some(line) = out.next_row(&mut sheet, false, progress) {
        let seq = out.rows;
        let read = || -> history::CellResult<Cells> {
            for (i, v) in [(id, sheet.cell(Some(id))), (stage, sheet.cell(Some(stage)))] {
                if v.is_empty() {
                    return Err((i, Problem::EmptyCell));
                }
                if v.chars().count() > crate::model::MAX_TEXT_CHARS {
                    return Err((i, Problem::TooLong));
                }
            }
            for i in [label, owner].into_iter().flatten() {
                history::text(&sheet, Some(i))?;
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
                let st = sheet.cell(Some(stage));
                let stage_at = match name_index.get(st) {
                    Some(&k) => k,
                    None => {
                        let k = u32::try_from(names.len()).unwrap_or(u32::MAX);
                        names.push(st.to_string());
                        name_index.insert(st.to_string(), k);
                        k
                    }
                };
                let change = Change { day, seq, stage: stage_at, close: close_day };
                let key = sheet.cell(Some(id));
                let group = match index.get(key) {
                    Some(&at) => groups.get_mut(at),
                    None => {
                        index.insert(key.to_string(), groups.len());
                        let deal = Deal { id: key.to_string(), ..Deal::default() };
                        groups.push(Group { deal, line, latest: (i32::MIN, 0), changes: Vec::new() });
                        groups.last_mut()
                    }
                };
                if let Some(g) = group {
                    if let Some(last) = g.changes.last() {
                        if change.day > last.day {
                            rising += 1;
                        } else if change.day < last.day {
                            falling += 1;
                        }
                    }
                    if (change.day, change.seq) >= g.latest {
                        g.latest = (change.day, change.seq);
                        let cell = |i: Option<usize>| Some(sheet.cell(i)).filter(|v| !v.is_empty());
                        set(&mut g.deal.label, cell(label));
                        set(&mut g.deal.seller, cell(owner));
                        g.deal.value = value;
                        g.deal.seller_probability = probability;
                    }
                    g.changes.push(change);
                }
            }
            Err((i, p)) => {
                let column = sheet.name(i).map(str::to_string);
                out.issue(line, column.as_deref(), p);
            }
        }
    }
    let newest_first = falling > rising;
    for g in groups {
        out.deals.push(finish(g, newest_first, &names, when.is_some()));
    }
    let (a, b) = sheet.progress();
    progress(a, b);
    Ok(out)
}

fn finish(mut g: Group, newest_first: bool, names: &[String], dated: bool) -> StagedDeal {
    if newest_first {
        g.changes.reverse();
    }
    // Stable: same-day changes keep their (oldest first) order.
    g.changes.sort_by_key(|c| c.day);
    let name = |k: u32| names.get(k as usize).map_or("", String::as_str);
    let mut s = StagedDeal { line: g.line, ..StagedDeal::default() };
    let mut slip = Slip::default();
    let mut prev_stage: Option<u32> = None;
    let mut prev_close: Option<i32> = None;
    for c in g.changes.iter().filter(|_| dated) {
        if !prev_stage.is_some_and(|p| p == c.stage || name(p).eq_ignore_ascii_case(name(c.stage))) {
            enter(&mut s.entered, name(c.stage), c.day);
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
    let last = g.changes.last();
    s.stage = last.map(|c| name(c.stage).to_string());
    let mut d = g.deal;
    d.status = history::status_word(s.stage.as_deref().unwrap_or(""));
    if d.status != Status::Open {
        d.close_date = last.and_then(|c| c.close.or(dated.then_some(c.day))).map(civil_from_days);
    }
    if dated && g.changes.iter().any(|c| c.close.is_some()) {
        d.slip = Some(slip);
    }
    s.deal = d;
    s
}
