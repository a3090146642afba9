//! Salesforce "Opportunity History" report: one row per change of an
//! opportunity, grouped into one deal per opportunity.
//!
//! Columns (the report's labels, matched case-insensitively):
//! * indispensable: `Opportunity ID` (or, without it, `Opportunity Name`),
//!   `Stage` (or `Stage Name`, `To Stage`) and `Last Modified` (the date of
//!   the change; also `Last Modified Date`, `Edit Date`, `Created Date`);
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

use super::history::{self, enter, Format, HistoryOptions, ImportResult, Problem, Row, Sheet, StageHistory, StagedDeal};
use crate::deal::{Deal, Slip, Status};

/// Whether a header is an Opportunity History report.
pub fn is_history(header: &[String]) -> bool {
    let has = |names: &[&str]| names.iter().any(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)));
    has(&["Opportunity ID", "Opportunity Name"])
        && has(&["Stage", "Stage Name", "To Stage"])
        && has(&["Last Modified", "Last Modified Date", "Edit Date"])
}

struct Change {
    day: i32,
    date: String,
    seq: usize,
    stage: String,
    close: Option<(String, i32)>,
}

struct Group {
    deal: Deal,
    line: usize,
    /// Row order (seq) and day of the row the deal's fields came from.
    latest: (i32, usize),
    changes: Vec<Change>,
}

pub fn read(text: &str, options: &HistoryOptions, progress: &mut dyn FnMut(usize, usize)) -> ImportResult<StageHistory> {
    let mut sheet = Sheet::open(text)?;
    let id = sheet.required(&["Opportunity ID", "Opportunity Name"])?;
    let stage = sheet.required(&["Stage", "Stage Name", "To Stage"])?;
    let when = sheet.required(&["Last Modified", "Last Modified Date", "Edit Date", "Created Date"])?;
    let label = sheet.column(&["Opportunity Name"]);
    let amount = sheet.column(&["Amount"]);
    let prob = sheet.column(&["Probability (%)", "Probability"]);
    let close = sheet.column(&["Close Date"]);
    let owner = sheet.column(&["Opportunity Owner"]);
    let mut out = StageHistory { format: Some(Format::Salesforce), has_history: true, ..StageHistory::default() };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    // Whether the file lists each opportunity's changes newest first.
    let (mut rising, mut falling) = (0usize, 0usize);
    while let Some(r) = sheet.next() {
        let line = match r {
            Row::Ok(line) => line,
            Row::Bad(line, p) => {
                out.rows += 1;
                out.issue(line, None, p);
                continue;
            }
            Row::Limit(line) => {
                out.note(line, None, Problem::TooManyRows { max: super::MAX_CSV_ROWS });
                break;
            }
        };
        out.rows += 1;
        if out.rows % 4096 == 0 {
            let (a, b) = sheet.progress();
            progress(a, b);
        }
        let seq = out.rows;
        let read = || -> history::CellResult<(String, Deal, Change)> {
            let key = history::text(&sheet, Some(id))?.ok_or((id, Problem::EmptyCell))?;
            let st = history::text(&sheet, Some(stage))?.ok_or((stage, Problem::EmptyCell))?;
            let (date, day) = history::date(&sheet, Some(when), options.date_order)?.ok_or((when, Problem::EmptyCell))?;
            let d = Deal {
                id: key.clone(),
                label: history::text(&sheet, label)?,
                seller: history::text(&sheet, owner)?,
                value: history::amount(&sheet, amount)?,
                seller_probability: history::probability(&sheet, prob)?,
                ..Deal::default()
            };
            let c = history::date(&sheet, close, options.date_order)?;
            Ok((key, d, Change { day, date, seq, stage: st, close: c }))
        };
        match read() {
            Ok((key, d, change)) => {
                let at = *index.entry(key).or_insert(groups.len());
                match groups.get_mut(at) {
                    Some(g) => {
                        if let Some(last) = g.changes.last() {
                            if change.day > last.day {
                                rising += 1;
                            } else if change.day < last.day {
                                falling += 1;
                            }
                        }
                        if (change.day, change.seq) >= g.latest {
                            g.latest = (change.day, change.seq);
                            g.deal = d;
                        }
                        g.changes.push(change);
                    }
                    None => groups.push(Group { deal: d, line, latest: (change.day, change.seq), changes: vec![change] }),
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
        out.deals.push(finish(g, newest_first));
    }
    let (a, b) = sheet.progress();
    progress(a, b);
    Ok(out)
}

fn finish(mut g: Group, newest_first: bool) -> StagedDeal {
    if newest_first {
        g.changes.reverse();
    }
    // Stable: same-day changes keep their (oldest first) order.
    g.changes.sort_by_key(|c| c.day);
    let mut s = StagedDeal { line: g.line, ..StagedDeal::default() };
    let mut slip = Slip::default();
    let mut prev_stage: Option<&str> = None;
    let mut prev_close: Option<i32> = None;
    for c in &g.changes {
        if !prev_stage.is_some_and(|p| p.eq_ignore_ascii_case(&c.stage)) {
            enter(&mut s.entered, &c.stage, (c.date.clone(), c.day));
        }
        prev_stage = Some(&c.stage);
        if let Some((_, day)) = &c.close {
            if let Some(before) = prev_close {
                if *day != before {
                    slip.changes += 1;
                }
                if *day > before {
                    slip.pushes += 1;
                    slip.days_pushed += i64::from(*day - before);
                }
            }
            prev_close = Some(*day);
        }
    }
    let last = g.changes.last();
    s.stage = last.map(|c| c.stage.clone());
    let mut d = g.deal;
    d.status = history::status_word(s.stage.as_deref().unwrap_or(""));
    if d.status != Status::Open {
        d.close_date = last.map(|c| c.close.as_ref().map_or_else(|| c.date.clone(), |(iso, _)| iso.clone()));
    }
    if slip.changes > 0 || g.changes.iter().any(|c| c.close.is_some()) {
        d.slip = Some(slip);
    }
    s.deal = d;
    s
}
