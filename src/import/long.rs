//! The generic long format: one row per stage change, beside a deals file,
//! for CRMs that export history separately.
//!
//! History file (indispensable columns): `deal id` (also `deal_id`, `id`),
//! `stage` (also `to stage`), `date` (also `changed at`, `date entered`).
//! Deals file (optional; indispensable column `deal id`): `name`, `seller`
//! (or `owner`), `value` (or `amount`), `status`, `stage`, `close date`,
//! `pipeline`, `probability`. Without a deals file, deals are the ids of
//! the history file and their status comes from their last stage.
//! A history row whose deal the deals file lacks is listed and skipped.

use std::borrow::Cow;

use super::history::{self, enter, Format, HistoryOptions, ImportResult, Problem, Row, Sheet, Path, StageHistory};
use super::intern::FxMap;
use crate::deal::{Deal, Status};

const ID: &[&str] = &["deal id", "deal_id", "dealid", "id"];
const STAGE: &[&str] = &["stage", "to stage", "to_stage"];
const DATE: &[&str] = &["date", "changed at", "changed_at", "date entered", "entered"];

/// Whether a header is a long-format history file.
pub fn is_history(header: &[String]) -> bool {
    let has = |names: &[&str]| names.iter().any(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)));
    has(ID) && has(STAGE) && has(DATE) && header.len() <= 6
}

/// Whether a header is a long-format deals file (an id and a status or
/// stage, no change date).
pub fn is_deals(header: &[String]) -> bool {
    let has = |names: &[&str]| names.iter().any(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)));
    has(&["deal id", "deal_id"]) && has(&["status", "stage"]) && !has(DATE)
}

pub fn read(history_text: &str, deals_text: Option<&str>, options: &HistoryOptions, progress: &mut dyn FnMut(usize, usize)) -> ImportResult<StageHistory> {
    let mut out = StageHistory { format: Some(Format::StageHistory), has_history: true, ..StageHistory::default() };
    // Deal ids (borrowed from the texts) -> place in `out.deals`.
    let mut index: FxMap<Cow<str>, usize> = FxMap::default();
    if let Some(text) = deals_text {
        read_deals(text, options, &mut out, &mut index)?;
    }
    let known = deals_text.is_some();
    let mut sheet = Sheet::open(history_text)?;
    let id = sheet.required(ID)?;
    let stage = sheet.required(STAGE)?;
    let when = sheet.required(DATE)?;
    let mut first = true;
    let mut previous: Option<usize> = None;
    while let Some(line) = out.next_row(&mut sheet, first, progress) {
        first = false;
        let read = || -> history::CellResult<i32> {
            for i in [id, stage] {
                history::check_text(&sheet, i)?.ok_or((i, Problem::EmptyCell))?;
            }
            history::date(&sheet, Some(when), options.date_order)?.ok_or((when, Problem::EmptyCell))
        };
        match read() {
            Ok(day) => {
                let key = sheet.cell(Some(id));
                // Files list a deal's changes together: the previous row's
                // deal first, then the index.
                let found = match previous.filter(|&p| out.deals.get(p).is_some_and(|d| d.id == key)) {
                    Some(p) => Some(p),
                    None => index.get(key).copied(),
                };
                let at = match found {
                    Some(at) => at,
                    None if known => {
                        out.issue(line, sheet.name(id), Problem::UnknownDeal { id: key.to_string() });
                        continue;
                    }
                    None => {
                        index.insert(sheet.cell_cow(id), out.deals.len());
                        out.push(Deal { id: key.to_string(), ..Deal::default() }, Path { line, ..Path::default() });
                        out.deals.len() - 1
                    }
                };
                previous = Some(at);
                let name = out.names.intern(sheet.cell(Some(stage)));
                if let Some(s) = out.paths.get_mut(at) {
                    enter(&mut s.entered, &out.names, name, day);
                }
            }
            Err(e) => out.cell_issue(&sheet, line, e),
        }
    }
    let (a, b) = sheet.progress();
    progress(a, b);
    // Without a status column, the status is the last stage's (by the stage
    // rules, later); the current stage is the last one entered.
    Ok(out)
}

fn read_deals<'a>(text: &'a str, options: &HistoryOptions, out: &mut StageHistory, index: &mut FxMap<Cow<'a, str>, usize>) -> ImportResult<()> {
    let mut sheet = Sheet::open(text)?;
    let id = sheet.required(ID)?;
    let label = sheet.column(&["name", "deal name", "label", "title"]);
    let seller = sheet.column(&["seller", "owner", "deal owner"]);
    let value = sheet.column(&["value", "amount"]);
    let status = sheet.column(&["status"]);
    let stage = sheet.column(&["stage", "current stage"]);
    let close = sheet.column(&["close date", "close_date", "closed"]);
    let pipeline = sheet.column(&["pipeline"]);
    let prob = sheet.column(&["probability", "probability (%)"]);
    while let Some(r) = sheet.next() {
        let line = match r {
            Row::Ok(line) => line,
            Row::Bad(line, p) => {
                out.issue(line, None, p);
                continue;
            }
            Row::Limit(line) => {
                out.note(line, None, Problem::TooManyRows { max: super::MAX_CSV_ROWS });
                break;
            }
        };
        let read = || -> history::CellResult<(Deal, Path)> {
            let key = history::text(&sheet, Some(id))?.ok_or((id, Problem::EmptyCell))?;
            let mut d = Deal {
                id: key,
                label: history::text(&sheet, label)?,
                seller: history::text(&sheet, seller)?,
                value: history::amount(&sheet, value)?,
                pipeline: history::text(&sheet, pipeline)?,
                seller_probability: history::probability(&sheet, prob)?,
                ..Deal::default()
            };
            // The current stage (named after the read, when the names may grow).
            if let Some(i) = stage {
                history::check_text(&sheet, i)?;
            }
            let given = status.is_some();
            d.status = match status {
                Some(_) => history::status_word(sheet.cell(status)),
                None => history::status_word(sheet.cell(stage)),
            };
            if d.status != Status::Open {
                d.close_date = history::date(&sheet, close, options.date_order)?.map(history::iso_day);
            }
            Ok((d, Path { status_given: given, line, ..Path::default() }))
        };
        match read() {
            Ok((d, mut s)) => {
                if let Some(&at) = index.get(d.id.as_str()) {
                    let first = out.paths.get(at).map_or(0, |p| p.line);
                    out.issue(line, sheet.name(id), Problem::DuplicateId { id: d.id, first_line: first });
                } else {
                    let current = sheet.cell(stage);
                    s.stage = (!current.is_empty()).then(|| out.names.intern(current));
                    index.insert(sheet.cell_cow(id), out.deals.len());
                    out.push(d, s);
                }
            }
            Err(e) => out.cell_issue(&sheet, line, e),
        }
    }
    Ok(())
}
