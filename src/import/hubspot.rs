//! HubSpot deals export, with or without the per-stage history properties.
//!
//! Columns (HubSpot's own labels, matched case-insensitively):
//! * `Deal Stage` (indispensable): the stage the deal is in now;
//! * `Record ID`, `Deal Name`, `Pipeline`, `Amount`, `Close Date`,
//!   `Create Date`, `Deal owner` (optional);
//! * `Date entered "<Stage> (<Pipeline>)"`, one per stage and pipeline: the
//!   date the deal entered that stage. Matched by this pattern, never by a
//!   list of stage names, so custom stages and pipelines import as they
//!   are. Their siblings `Date exited "..."` and `Cumulative time in "..."`
//!   are not read.
//!
//! Without any `Date entered` column the export is current-stage-only: the
//! import says so and keeps its closed deals out of calibration
//! ([`super::stages`]).

use super::history::{self, enter, Format, HistoryOptions, ImportResult, Problem, Sheet, Path, StageHistory};
use super::intern::FxMap;
use crate::deal::Deal;

/// The `Date entered` columns: (column, stage, pipeline).
pub fn stage_columns(header: &[String]) -> Vec<(usize, String, Option<String>)> {
    header.iter().enumerate().filter_map(|(i, h)| parse_entered(h).map(|(s, p)| (i, s, p))).collect()
}

/// `Date entered "Qualified To Buy (Sales Pipeline)"` -> (`Qualified To
/// Buy`, `Sales Pipeline`). The quotes are optional; without a pipeline in
/// parentheses the whole name is the stage.
pub fn parse_entered(header: &str) -> Option<(String, Option<String>)> {
    let h = header.trim();
    let prefix = "date entered";
    let head = h.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = h.get(prefix.len()..)?.trim();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
    let name = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(rest).trim();
    if name.is_empty() {
        return None;
    }
    if let Some(inner) = name.strip_suffix(')') {
        if let Some(at) = inner.rfind(" (") {
            let stage = inner.get(..at).unwrap_or("").trim();
            let pipeline = inner.get(at + 2..).unwrap_or("").trim();
            if !stage.is_empty() && !pipeline.is_empty() {
                return Some((stage.to_string(), Some(pipeline.to_string())));
            }
        }
    }
    Some((name.to_string(), None))
}

/// Whether a header is a HubSpot deals export with history columns.
pub fn is_history(header: &[String]) -> bool {
    let has = |n: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n));
    has("Deal Stage") && header.iter().any(|h| parse_entered(h).is_some())
}

/// Reads the export in one pass. `progress(bytesRead, bytesTotal)` is
/// called every few thousand rows.
pub fn read(text: &str, options: &HistoryOptions, progress: &mut dyn FnMut(usize, usize)) -> ImportResult<StageHistory> {
    let mut sheet = Sheet::open(text)?;
    let stage = sheet.required(&["Deal Stage"])?;
    let id = sheet.column(&["Record ID", "Deal ID", "Deal id"]);
    let label = sheet.column(&["Deal Name"]);
    let pipeline = sheet.column(&["Pipeline"]);
    let amount = sheet.column(&["Amount"]);
    let close = sheet.column(&["Close Date"]);
    let owner = sheet.column(&["Deal owner"]);
    let columns = stage_columns(&sheet.header);
    let mut out = StageHistory { format: Some(Format::Hubspot), has_history: !columns.is_empty(), ..StageHistory::default() };
    // Each column's stage, by its number in the names.
    let stages: Vec<(usize, u32)> = columns.into_iter().map(|(i, name, _)| (i, out.names.intern(&name))).collect();
    let mut seen: FxMap<String, usize> = FxMap::default();
    while let Some(line) = out.next_row(&mut sheet, false, progress) {
        let names = &out.names;
        let read = || -> history::CellResult<(Deal, Path)> {
            let mut d = Deal {
                id: history::text(&sheet, id)?.unwrap_or_else(|| format!("line {line}")),
                label: history::text(&sheet, label)?,
                seller: history::text(&sheet, owner)?,
                value: history::amount(&sheet, amount)?,
                pipeline: history::text(&sheet, pipeline)?,
                ..Deal::default()
            };
            // The current stage (named after the read, when the names may grow).
            history::check_text(&sheet, stage)?;
            d.status = history::status_word(sheet.cell(Some(stage)));
            let mut s = Path { line, ..Path::default() };
            if d.status != crate::Status::Open {
                d.close_date = history::date(&sheet, close, options.date_order)?.map(history::iso_day);
            }
            for &(i, name) in &stages {
                if let Some(day) = history::date(&sheet, Some(i), options.date_order)? {
                    enter(&mut s.entered, names, name, day);
                }
            }
            Ok((d, s))
        };
        match read() {
            Ok((d, mut s)) => {
                let current = sheet.cell(Some(stage));
                s.stage = (!current.is_empty()).then(|| out.names.intern(current));
                if let Some(&first) = seen.get(&d.id) {
                    out.issue(line, id.and_then(|i| sheet.name(i)), Problem::DuplicateId { id: d.id, first_line: first });
                } else {
                    seen.insert(d.id.clone(), line);
                    out.push(d, s);
                }
            }
            Err(e) => out.cell_issue(&sheet, line, e),
        }
    }
    let (a, b) = sheet.progress();
    progress(a, b);
    Ok(out)
}
