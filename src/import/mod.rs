//! CSV import: an RFC 4180 reader and a column mapping that turns CRM export
//! rows into [`Deal`]s. No dependencies and no float formatting, so it stays
//! small in the wasm build.
//!
//! Rules (what the UI should tell the user):
//! * **CSV**: fields separated by `,` `;` or tab, detected from the header
//!   line (the most frequent outside quotes; `,` on a tie) unless the mapping
//!   names one. Quoted fields may hold separators, newlines and doubled quotes
//!   (`""`); text after a closing quote is kept as is. CRLF, LF and CR line
//!   ends; a UTF-8 byte-order mark is ignored; blank lines are skipped. The
//!   first non-blank record is the header.
//! * **Numbers** (`value`, `margin`, `sellerProbability`): currency symbols or
//!   codes before or after the number are ignored (`$1,234.50`, `1 234,50 kr`,
//!   `EUR 99`); spaces and apostrophes group digits. When both `.` and `,`
//!   appear, the last one is the decimal mark. When only one of them appears:
//!   several times, it groups digits; once and followed by exactly three
//!   digits (after a number other than 0), it groups digits (`1,234` and
//!   `1.234` are 1234); otherwise it is the decimal mark (`1,5` is 1.5).
//!   At most 18 digits.
//! * **Probabilities**: a number with `%`, any number above 1, or any number
//!   in a column whose header contains `%`, is a percentage.
//! * **Dates**: `YYYY-MM-DD` (also with `/` or `.`), `DD.MM.YYYY` (a dot
//!   always means day first), and `A/B/YYYY` or `A-B-YYYY`, which is read as
//!   day/month when A > 12, month/day when B > 12, and is otherwise an error
//!   unless the mapping sets `dateOrder` (`"dmy"` or `"mdy"`). A time after a
//!   space or `T` is ignored. Two-digit years are errors.
//! * **Status**: the `statusMap` of the mapping first (case-insensitive),
//!   then any word `won` means won, any word `lost` means lost, anything else
//!   is open. Without a status column, the stage column is read this way.
//! * **Close date**: the first non-empty cell of the `closeDate` columns, kept
//!   only for won or lost deals (an open deal's close date is a plan).
//! * **Stage**: the stage column's value is looked up in `stageMap`; a value
//!   that is not there is an error for the row (so no stage is silently
//!   read as "no milestone"), unless `stageMap` is empty.
//! * **Milestone columns**: a cell that is a date reaches the milestone on
//!   that date; `yes`, `y`, `true`, `x`, `1`, `done`, `ja`, `j` reach it
//!   undated; an empty cell, `no`, `n`, `false`, `0`, `nej`, `nei` do not;
//!   anything else is an error for the row.
//! * Headers, stage values and status values match case-insensitively (ASCII)
//!   after trimming.
//!
//! A bad row is listed in `errors` with its 1-based line number and skipped;
//! it never stops the import. A bad mapping or header is an error for the
//! whole call.

pub mod chunked;
pub mod history;
pub mod hubspot;
pub mod intern;
pub mod long;
pub mod salesforce;
pub mod stages;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::deal::{self, Deal, Event, Status};
use history::Problem;
use crate::error::{self, Error, Result};
use crate::model::{Process, MAX_TEXT_CHARS};

/// Largest CSV text accepted, in bytes of UTF-8 (50 MiB).
pub const MAX_CSV_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows one import reads.
pub const MAX_CSV_ROWS: usize = 1_000_000;
/// Most columns a CSV may have.
pub const MAX_CSV_COLUMNS: usize = 1000;
/// Longest cell, in bytes of UTF-8.
pub const MAX_CELL_BYTES: usize = 65_536;
/// Most row errors listed; `skipped` still counts them all.
pub const MAX_LISTED_ERRORS: usize = 1000;
/// Rows `preview` returns after the header.
pub const PREVIEW_ROWS: usize = 10;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Mdy,
}

/// Which CSV column feeds which deal field. Every name is a header of the
/// CSV; a name that is not in the header is an error for the whole import.
/// Unknown fields (a preset's `name`, `label`) are ignored.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ColumnMapping {
    /// Deal id; without it (or when the cell is empty) the id is `line N`.
    pub id: Option<String>,
    pub label: Option<String>,
    pub seller: Option<String>,
    pub value: Option<String>,
    pub margin: Option<String>,
    /// Won/lost/open; without it, the stage column is read for status.
    pub status: Option<String>,
    /// Columns tried in order; the first non-empty cell is the close date.
    /// A single column name is accepted too.
    #[serde(default, deserialize_with = "one_or_many")]
    pub close_date: Vec<String>,
    pub seller_probability: Option<String>,
    /// Column whose value names the furthest stage reached.
    pub stage: Option<String>,
    /// Stage value -> milestone ids it means reached.
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub stage_map: BTreeMap<String, Vec<String>>,
    /// Column -> milestone id: reached when the cell is yes/true/a date.
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub milestone_columns: BTreeMap<String, String>,
    /// Columns copied into `attributes`, keyed by header.
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub attributes: Vec<String>,
    /// Status value -> status, before the won/lost word rule.
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub status_map: BTreeMap<String, Status>,
    /// How to read ambiguous dates like 03/04/2024.
    pub date_order: Option<DateOrder>,
    /// `","`, `";"`, `"\t"` or `"|"`; detected when absent.
    pub delimiter: Option<String>,
}

/// A column name or a list of them (`"Close Date"` or `["Won", "Lost"]`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    struct Names;
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a column name or a list of column names")
        }
        fn visit_str<E>(self, v: &str) -> std::result::Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_unit<E>(self) -> std::result::Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> std::result::Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(name) = seq.next_element::<String>()? {
                if out.len() >= MAX_CSV_COLUMNS {
                    return Err(serde::de::Error::custom("too many columns"));
                }
                out.push(name);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Names)
}

/// Which part of the file one call reads, for chunked imports from a worker.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ImportOptions {
    /// Data rows to pass over before importing.
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub offset_rows: usize,
    /// Most data rows to read in this call.
    pub max_rows: Option<usize>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RowError {
    /// 1-based line of the file where the row starts (0: the whole file).
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What is wrong, as a code with parameters (`{ code: "bad_amount", value }`).
    #[serde(flatten)]
    pub problem: Problem,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Import {
    pub deals: Vec<Deal>,
    pub errors: Vec<RowError>,
    /// Data rows read in this call (after `offsetRows`).
    pub rows: usize,
    /// Rows left out because of an error.
    pub skipped: usize,
    /// True when the end of the file was reached.
    pub done: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub header: Vec<String>,
    /// The first rows after the header (cells cut to 200 characters).
    pub rows: Vec<Vec<String>>,
    pub delimiter: String,
    /// The preset whose columns the header has, if any.
    pub preset: Option<String>,
}

/// The built-in mappings, as a JSON array of `ColumnMapping`s with a `name`
/// and a `label`. Their `stageMap`s name the milestones of the default model;
/// the user edits them for another model.
pub const PRESETS_JSON: &str = include_str!("presets.json");

/// Header columns that identify each preset, in the order they are tried.
pub const PRESET_SIGNATURES: &[(&str, &[&str])] = &[
    ("hubspot", &["Deal Name", "Deal Stage"]),
    ("salesforce", &["Opportunity Name", "Stage"]),
    ("pipedrive", &["Deal - Title", "Deal - Stage"]),
    ("maven", &["opportunity_id", "deal_stage"]),
];

/// The preset whose signature columns are all in the header.
pub fn guess_preset<S: AsRef<str>>(header: &[S]) -> Option<&'static str> {
    PRESET_SIGNATURES
        .iter()
        .find(|(_, cols)| cols.iter().all(|c| header.iter().any(|h| same(h.as_ref(), c))))
        .map(|(name, _)| *name)
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

// ---------------------------------------------------------------- reader

/// Why a record could not be read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bad {
    TooManyColumns,
    CellTooLong(usize),
    Unterminated,
}

/// An RFC 4180 record reader over the whole text. Cells borrow from the
/// text unless they hold doubled quotes.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delim: u8,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, delim: u8) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Reader { text, pos: 0, line: 1, delim }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    fn slice(&self, a: usize, b: usize) -> &'a str {
        self.text.get(a..b).unwrap_or("")
    }

    /// Reads the next non-blank record into `cells`; returns the line it
    /// starts on and what went wrong, or None at the end of the text.
    fn next(&mut self, cells: &mut Vec<Cow<'a, str>>) -> Option<(usize, Option<Bad>)> {
        loop {
            self.byte(self.pos)?;
            let r = self.record(cells);
            let blank = cells.len() == 1 && cells.first().is_some_and(|c| c.is_empty()) && r.1.is_none();
            if !blank {
                return Some(r);
            }
        }
    }

    fn record(&mut self, cells: &mut Vec<Cow<'a, str>>) -> (usize, Option<Bad>) {
        cells.clear();
        let start = self.line;
        let mut bad = None;
        loop {
            let (cell, problem) = self.field();
            if problem.is_some() && bad.is_none() {
                bad = problem;
            }
            if cell.len() > MAX_CELL_BYTES {
                bad = bad.or(Some(Bad::CellTooLong(cells.len())));
            }
            if cells.len() >= MAX_CSV_COLUMNS {
                bad = bad.or(Some(Bad::TooManyColumns));
            } else if cell.len() > MAX_CELL_BYTES {
                cells.push(Cow::Borrowed(""));
            } else {
                cells.push(cell);
            }
            match self.byte(self.pos) {
                Some(b) if b == self.delim => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if self.byte(self.pos) == Some(b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    return (start, bad);
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return (start, bad);
                }
                _ => return (start, bad),
            }
        }
    }

    /// Reads one field, leaving `pos` on the delimiter, line end or end.
    fn field(&mut self) -> (Cow<'a, str>, Option<Bad>) {
        if self.byte(self.pos) != Some(b'"') {
            let a = self.pos;
            self.skip_unquoted();
            return (Cow::Borrowed(self.slice(a, self.pos)), None);
        }
        self.pos += 1;
        let mut seg = self.pos;
        let mut owned: Option<String> = None;
        let mut problem = None;
        loop {
            match self.byte(self.pos) {
                None => {
                    problem = Some(Bad::Unterminated);
                    break;
                }
                Some(b'"') if self.byte(self.pos + 1) == Some(b'"') => {
                    let piece = self.slice(seg, self.pos + 1);
                    owned.get_or_insert_with(String::new).push_str(piece);
                    self.pos += 2;
                    seg = self.pos;
                }
                Some(b'"') => break,
                Some(b) => {
                    if b == b'\n' {
                        self.line += 1;
                    }
                    self.pos += 1;
                }
            }
        }
        let piece = self.slice(seg, self.pos);
        let mut cell = match owned {
            Some(mut s) => {
                s.push_str(piece);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(piece),
        };
        if problem.is_none() {
            self.pos += 1; // the closing quote
            let a = self.pos;
            self.skip_unquoted();
            let rest = self.slice(a, self.pos);
            if !rest.is_empty() {
                cell.to_mut().push_str(rest);
            }
        }
        (cell, problem)
    }

    fn skip_unquoted(&mut self) {
        let delim = self.delim;
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or(&[]);
        self.pos += rest.iter().position(|&b| b == delim || b == b'\n' || b == b'\r').unwrap_or(rest.len());
    }
}

/// The delimiter among `,` `;` tab that appears most in the first line
/// outside quotes; `,` on a tie.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if quoted => {}
            b',' => counts[0] += 1,
            b';' => counts[1] += 1,
            b'\t' => counts[2] += 1,
            _ => {}
        }
    }
    let [c, s, t] = counts;
    if s > c && s >= t {
        b';'
    } else if t > c && t > s {
        b'\t'
    } else {
        b','
    }
}

fn delimiter_of(text: &str, mapping: &ColumnMapping) -> Result<u8> {
    match mapping.delimiter.as_deref() {
        None | Some("") => Ok(detect_delimiter(text)),
        Some(",") => Ok(b','),
        Some(";") => Ok(b';'),
        Some("\t") => Ok(b'\t'),
        Some("|") => Ok(b'|'),
        Some(d) => {
            let code = error::ErrorCode::UnknownValue { value: d.chars().take(40).collect(), expected: [",", ";", "\t", "|"].map(String::from).to_vec() };
            Err(Error::coded("mapping.delimiter", code, "must be \",\", \";\", \"\\t\" or \"|\""))
        }
    }
}

/// Refuses a CSV of more than `MAX_CSV_BYTES` (`len`: its size in bytes,
/// or the wasm's bound on it before the text is copied in).
pub fn check_size(len: usize) -> Result<()> {
    if len > MAX_CSV_BYTES {
        Err(Error::coded("text", error::ErrorCode::TooLarge { max_bytes: error::count(MAX_CSV_BYTES) }, format!("the CSV is larger than {} MB", MAX_CSV_BYTES / (1024 * 1024))))
    } else {
        Ok(())
    }
}

fn bad_problem(bad: Bad) -> Problem {
    match bad {
        Bad::TooManyColumns => Problem::TooManyColumns,
        Bad::CellTooLong(_) => Problem::CellTooLong,
        Bad::Unterminated => Problem::Unterminated,
    }
}

fn bad_message(bad: Bad) -> String {
    match bad {
        Bad::TooManyColumns => format!("more than {MAX_CSV_COLUMNS} columns"),
        Bad::CellTooLong(_) => format!("a cell is longer than {MAX_CELL_BYTES} bytes"),
        Bad::Unterminated => "a quoted cell is not closed before the end of the file".to_string(),
    }
}

fn header_of<'a>(reader: &mut Reader<'a>) -> Result<Vec<Cow<'a, str>>> {
    let mut header = Vec::new();
    match reader.next(&mut header) {
        None => Err(Error::coded("text", error::ErrorCode::NoHeader, "the CSV has no header line")),
        Some((line, Some(bad))) => Err(Error::coded("text", error::ErrorCode::BadHeader, format!("header (line {line}): {}", bad_message(bad)))),
        Some((_, None)) => Ok(header),
    }
}

/// The header, the delimiter, the first rows and the guessed preset, so a UI
/// can offer a column mapping.
pub fn csv_preview(text: &str) -> Result<Preview> {
    check_size(text.len())?;
    let delim = detect_delimiter(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut reader = Reader::new(text, delim);
    let header = header_of(&mut reader)?;
    let short = |c: &Cow<str>| -> String { c.chars().take(MAX_TEXT_CHARS).collect() };
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    while rows.len() < PREVIEW_ROWS {
        let Some(_) = reader.next(&mut cells) else { break };
        rows.push(cells.iter().map(short).collect());
    }
    let header: Vec<String> = header.iter().map(short).collect();
    Ok(Preview {
        preset: stages::guess_any(&header).map(str::to_string),
        header,
        rows,
        delimiter: char::from(delim).to_string(),
    })
}

// ---------------------------------------------------------------- mapping

/// The mapping resolved to column indices.
struct Plan<'m> {
    id: Option<usize>,
    label: Option<usize>,
    seller: Option<usize>,
    value: Option<usize>,
    margin: Option<usize>,
    status: Option<usize>,
    stage: Option<usize>,
    close: Vec<usize>,
    probability: Option<(usize, bool)>,
    milestones: Vec<(usize, &'m str, &'m str)>,
    attributes: Vec<(usize, &'m str)>,
}

fn find(header: &[Cow<str>], name: &str, path: &str) -> Result<usize> {
    header
        .iter()
        .position(|h| h.trim() == name.trim())
        .or_else(|| header.iter().position(|h| same(h, name)))
        .ok_or_else(|| {
            let shown: String = name.chars().take(MAX_TEXT_CHARS).collect();
            let message = format!("no column {} in the CSV header", quoted(&shown));
            Error::coded(path, error::ErrorCode::NoColumn { column: shown }, message)
        })
}

fn plan<'m>(header: &[Cow<str>], m: &'m ColumnMapping, process: Option<&Process>) -> Result<Plan<'m>> {
    let col = |name: &Option<String>, field: &str| -> Result<Option<usize>> {
        match name {
            Some(n) if !n.trim().is_empty() => find(header, n, &error::join("mapping", field)).map(Some),
            _ => Ok(None),
        }
    };
    let mut close = Vec::new();
    for (k, n) in m.close_date.iter().enumerate() {
        close.push(find(header, n, &error::index("mapping.closeDate", k))?);
    }
    let probability =
        col(&m.seller_probability, "sellerProbability")?.map(|i| (i, header.get(i).is_some_and(|h| h.contains('%'))));
    error::at_most("mapping.attributes", &m.attributes, deal::MAX_ATTRIBUTES, "attributes")?;
    let mut attributes = Vec::new();
    for (k, n) in m.attributes.iter().enumerate() {
        let path = error::index("mapping.attributes", k);
        error::text(&path, n, MAX_TEXT_CHARS)?;
        deal::attribute_name(&path, n)?;
        attributes.push((find(header, n, &path)?, n.as_str()));
    }
    let known = |id: &str, path: &str| -> Result<()> {
        match process {
            Some(p) if p.find(id).is_none() => {
                let shown: String = id.chars().take(MAX_TEXT_CHARS).collect();
                let message = format!("unknown milestone {}", quoted(&shown));
                Err(Error::coded(path, error::ErrorCode::UnknownMilestone { milestone: shown }, message))
            }
            _ => Ok(()),
        }
    };
    error::at_most("mapping.milestoneColumns", &m.milestone_columns.iter().collect::<Vec<_>>(), MAX_CSV_COLUMNS, "milestone columns")?;
    let mut milestones = Vec::new();
    for (c, id) in &m.milestone_columns {
        let path = format!("mapping.milestoneColumns.{c}");
        known(id, &path)?;
        milestones.push((find(header, c, &path)?, c.as_str(), id.as_str()));
    }
    for (v, ids) in &m.stage_map {
        error::at_most(&format!("mapping.stageMap.{v}"), ids, deal::MAX_EVENTS, "milestones")?;
        for (k, id) in ids.iter().enumerate() {
            known(id, &format!("mapping.stageMap.{v}[{k}]"))?;
        }
    }
    Ok(Plan {
        id: col(&m.id, "id")?,
        label: col(&m.label, "label")?,
        seller: col(&m.seller, "seller")?,
        value: col(&m.value, "value")?,
        margin: col(&m.margin, "margin")?,
        status: col(&m.status, "status")?,
        stage: col(&m.stage, "stage")?,
        close,
        probability,
        milestones,
        attributes,
    })
}

/// Reads the CSV with the mapping. With a process, every deal is also
/// checked against it (and its events put in process order), and the
/// mapping's milestone ids must exist in it.
pub fn parse_csv(text: &str, mapping: &ColumnMapping, process: Option<&Process>, options: ImportOptions) -> Result<Import> {
    check_size(text.len())?;
    let delim = delimiter_of(text.strip_prefix('\u{feff}').unwrap_or(text), mapping)?;
    let mut reader = Reader::new(text, delim);
    let header = header_of(&mut reader)?;
    let plan = plan(&header, mapping, process)?;
    let mut out = Import::default();
    // Ids seen so far, with the line each was first seen on.
    let mut seen = chunked::IdSet::default();
    let mut cells = Vec::new();
    let mut index = 0usize;
    loop {
        let Some((line, bad)) = reader.next(&mut cells) else {
            out.done = true;
            break;
        };
        index += 1;
        if index > MAX_CSV_ROWS {
            // Listed even past MAX_LISTED_ERRORS: the user must see it.
            out.errors.push(RowError { line, column: None, problem: Problem::TooManyRows { max: MAX_CSV_ROWS } });
            out.done = true;
            break;
        }
        if index <= options.offset_rows {
            continue;
        }
        if options.max_rows.is_some_and(|m| out.rows >= m) {
            // A row is left for the next call.
            break;
        }
        out.rows += 1;
        let result = match row_fault(bad, &header, cells.len()) {
            Some(fault) => Err(fault),
            None => row(&plan, mapping, process, &header, &cells, line),
        };
        match result {
            Ok(d) => {
                if let Some(first_line) = seen.insert(&d.id, line) {
                    let column = plan.id.and_then(|i| header.get(i)).map(|h| h.to_string());
                    push_error(&mut out, line, column, Problem::DuplicateId { id: d.id, first_line });
                    out.skipped += 1;
                } else {
                    out.deals.push(d);
                }
            }
            Err((column, problem)) => {
                push_error(&mut out, line, column, problem);
                out.skipped += 1;
            }
        }
    }
    Ok(out)
}

/// Why a record cannot be a deal before its cells are read, if it cannot:
/// it could not be read whole (the column, for a cell too long), or it has
/// fewer cells than the header (a cut or broken line, never an open deal
/// with empty columns).
fn row_fault(bad: Option<Bad>, header: &[Cow<str>], cells: usize) -> Option<(Option<String>, Problem)> {
    match bad {
        Some(b) => {
            let column = match b {
                Bad::CellTooLong(i) => header.get(i).map(|h| h.to_string()),
                _ => None,
            };
            Some((column, bad_problem(b)))
        }
        None if cells < header.len() => Some((None, Problem::ShortRow { cells, columns: header.len() })),
        None => None,
    }
}

fn push_error(out: &mut Import, line: usize, column: Option<String>, problem: Problem) {
    if out.errors.len() < MAX_LISTED_ERRORS {
        out.errors.push(RowError { line, column, problem });
    }
}

type RowResult<T> = std::result::Result<T, (Option<String>, Problem)>;

fn row(
    plan: &Plan,
    m: &ColumnMapping,
    process: Option<&Process>,
    header: &[Cow<str>],
    cells: &[Cow<str>],
    line: usize,
) -> RowResult<Deal> {
    let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
    let name = |i: usize| header.get(i).map(|h| h.to_string());
    let fail = |i: usize, problem: Problem| (name(i), problem);
    let text = |i: Option<usize>| -> RowResult<Option<String>> {
        let Some(i) = i else { return Ok(None) };
        let v = cell(i);
        if v.is_empty() {
            Ok(None)
        } else if error::text("", v, MAX_TEXT_CHARS).is_err() {
            Err(fail(i, Problem::TooLong))
        } else {
            Ok(Some(v.to_string()))
        }
    };
    let number = |i: Option<usize>| -> RowResult<Option<f64>> {
        let Some(i) = i else { return Ok(None) };
        let v = cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        match parse_number(v) {
            Some(x) if x >= 0.0 => Ok(Some(x)),
            _ => Err(fail(i, Problem::BadAmount { value: short(v) })),
        }
    };
    let date = |i: usize| -> RowResult<Option<String>> {
        let v = cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        parse_date_text(v, m.date_order).map(Some).map_err(|e| {
            fail(i, if e.starts_with("ambiguous") { Problem::AmbiguousDate { value: short(v) } } else { Problem::BadDate { value: short(v) } })
        })
    };

    let mut d = Deal {
        id: text(plan.id)?.unwrap_or_else(|| format!("line {line}")),
        label: text(plan.label)?,
        seller: text(plan.seller)?,
        value: number(plan.value)?,
        margin: number(plan.margin)?,
        ..Deal::default()
    };
    if let Some((i, percent_header)) = plan.probability {
        let v = cell(i);
        if !v.is_empty() {
            d.seller_probability =
                Some(parse_probability(v, percent_header).ok_or_else(|| fail(i, Problem::BadProbability { value: short(v) }))?);
        }
    }
    let stage = plan.stage.map(cell).unwrap_or("");
    d.status = match plan.status {
        Some(i) => status_of(cell(i), &m.status_map),
        None => status_of(stage, &m.status_map),
    };
    if d.status != Status::Open {
        for &i in &plan.close {
            if let Some(v) = date(i)? {
                d.close_date = Some(v);
                break;
            }
        }
    }
    // Events: the stage's milestones, then the milestone columns; a milestone
    // named twice keeps its first place and the first date given.
    if let Some(i) = plan.stage {
        // Without a stage map the stage column only feeds the status.
        if !stage.is_empty() && !m.stage_map.is_empty() {
            let ids = m
                .stage_map
                .iter()
                .find(|(k, _)| same(k, stage))
                .map(|(_, ids)| ids)
                .ok_or_else(|| fail(i, Problem::StageNotInMap { value: short(stage) }))?;
            for id in ids {
                add_event(&mut d.events, id, None);
            }
        }
    }
    for &(i, _, id) in &plan.milestones {
        let v = cell(i);
        if v.is_empty() || is_no(v) {
            continue;
        }
        if is_yes(v) {
            add_event(&mut d.events, id, None);
        } else {
            let day = parse_date_text(v, m.date_order)
                .map_err(|_| fail(i, Problem::NotYesNoOrDate { value: short(v) }))?;
            add_event(&mut d.events, id, Some(day));
        }
    }
    for &(i, key) in &plan.attributes {
        if let Some(v) = text(Some(i))? {
            d.attributes.insert(key.to_string(), v);
        }
    }
    if let Some(p) = process {
        // Process order; an insertion sort, as a generic sort would cost
        // kilobytes of wasm for lists this short.
        let rank = |e: &Event| p.find(&e.milestone).unwrap_or(usize::MAX);
        for k in 1..d.events.len() {
            let mut j = k;
            while j > 0 && d.events.get(j - 1).map(rank) > d.events.get(j).map(rank) {
                d.events.swap(j - 1, j);
                j -= 1;
            }
        }
        d.check(p).map_err(|e| (None, Problem::InvalidDeal { path: e.path }))?;
    }
    Ok(d)
}

fn add_event(events: &mut Vec<Event>, id: &str, date: Option<String>) {
    if let Some(e) = events.iter_mut().find(|e| e.milestone == id) {
        if e.date.is_none() {
            e.date = date;
        }
    } else {
        events.push(Event { milestone: id.to_string(), date });
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// `s` in double quotes, `"` and `\` escaped with a backslash: what `{:?}`
/// wrote for plain text, without pulling Debug's char escaping into the wasm.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn status_of(v: &str, map: &BTreeMap<String, Status>) -> Status {
    if let Some((_, s)) = map.iter().find(|(k, _)| same(k, v)) {
        return *s;
    }
    let mut words = v.split(|c: char| !c.is_ascii_alphanumeric());
    if words.clone().any(|w| w.eq_ignore_ascii_case("won")) {
        Status::Won
    } else if words.any(|w| w.eq_ignore_ascii_case("lost")) {
        Status::Lost
    } else {
        Status::Open
    }
}

fn is_yes(v: &str) -> bool {
    ["yes", "y", "true", "x", "1", "done", "ja", "j"].iter().any(|w| v.eq_ignore_ascii_case(w))
}

fn is_no(v: &str) -> bool {
    ["no", "n", "false", "0", "nej", "nei"].iter().any(|w| v.eq_ignore_ascii_case(w))
}

// ---------------------------------------------------------------- values

/// Parses an amount by the rules in the module documentation. None when
/// the text is not a number.
pub fn parse_number(s: &str) -> Option<f64> {
    let is_num = |c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+');
    // Most cells start and end with a digit: nothing to trim.
    let ends = |b: Option<&u8>| b.is_some_and(u8::is_ascii_digit);
    let core = if ends(s.as_bytes().first()) && ends(s.as_bytes().last()) { s } else { s.trim_matches(|c: char| !is_num(c)) };
    let (negative, core) = match core.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, core.strip_prefix('+').unwrap_or(core)),
    };
    // At most 18 digits are kept (more is not a number): no allocation.
    let mut buf = [0u8; 18];
    let mut count = 0usize;
    let (mut dots, mut commas, mut last_sep) = (0usize, 0usize, None);
    for c in core.chars() {
        match c {
            '0'..='9' => {
                if let Some(d) = buf.get_mut(count) {
                    *d = c as u8 - b'0';
                }
                count += 1;
            }
            '.' | ',' => {
                if c == '.' {
                    dots += 1;
                } else {
                    commas += 1;
                }
                last_sep = Some((c, count));
            }
            ' ' | '\u{a0}' | '\u{202f}' | '\'' | '\u{2019}' => {}
            _ => return None,
        }
    }
    if count == 0 || count > 18 {
        return None;
    }
    let digits = buf.get(..count)?;
    // Where the decimal mark is, as the count of digits before it.
    let decimal_at = match last_sep {
        None => None,
        Some((sep, at)) => {
            let count = if sep == '.' { dots } else { commas };
            let other = if sep == '.' { commas } else { dots };
            let grouping = count > 1 || (digits.len() - at == 3 && digits.iter().take(at).any(|&d| d != 0));
            if other > 0 && count > 1 {
                return None;
            } else if other == 0 && grouping {
                None
            } else {
                Some(at)
            }
        }
    };
    let mantissa = digits.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
    let frac = decimal_at.map_or(0, |at| digits.len() - at);
    let v = mantissa as f64 / 10f64.powi(frac as i32);
    Some(if negative { -v } else { v })
}

/// A probability in [0, 1]: percentages by the rules in the module
/// documentation.
pub fn parse_probability(s: &str, percent_header: bool) -> Option<f64> {
    let v = parse_number(s)?;
    let p = if percent_header || s.contains('%') || v > 1.0 { v / 100.0 } else { v };
    (0.0..=1.0).contains(&p).then_some(p)
}

/// Reads a date in one of the accepted formats and returns it as
/// `YYYY-MM-DD`, or a message saying why not.
pub fn parse_date_text(s: &str, order: Option<DateOrder>) -> std::result::Result<String, String> {
    let bad = || format!("not a date (YYYY-MM-DD, DD.MM.YYYY or MM/DD/YYYY): {}", quoted(&short(s)));
    let day = s.split([' ', 'T']).next().unwrap_or("");
    let sep = day.chars().find(|c| matches!(c, '-' | '/' | '.')).ok_or_else(bad)?;
    let parts: Vec<&str> = day.split(sep).collect();
    let [a, b, c] = parts.as_slice() else { return Err(bad()) };
    let num = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse().ok()
        }
    };
    let (Some(x), Some(y), Some(z)) = (num(a), num(b), num(c)) else { return Err(bad()) };
    let (year, month, dayn) = if a.len() == 4 {
        (x, y, z)
    } else if c.len() == 4 {
        if sep == '.' || x > 12 {
            (z, y, x)
        } else if y > 12 || x == y {
            (z, x, y)
        } else {
            match order {
                Some(DateOrder::Dmy) => (z, y, x),
                Some(DateOrder::Mdy) => (z, x, y),
                None => {
                    return Err(format!(
                        "ambiguous date {}: set dateOrder to \"dmy\" or \"mdy\"",
                        quoted(&short(s))
                    ))
                }
            }
        }
    } else {
        return Err(bad());
    };
    let iso = format!("{year:04}-{month:02}-{dayn:02}");
    deal::parse_date("", &iso).map(|_| iso).map_err(|_| bad())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(usize, Vec<String>, Option<Bad>)> {
        let mut r = Reader::new(text, detect_delimiter(text));
        let mut cells = Vec::new();
        let mut out = Vec::new();
        while let Some((line, bad)) = r.next(&mut cells) {
            out.push((line, cells.iter().map(|c| c.to_string()).collect(), bad));
        }
        out
    }

    #[test]
    fn reads_rfc4180() {
        let r = records("\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n\"multi\nline\",,\"\"\n4,5,6");
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].1, vec!["a", "b", "c"]);
        assert_eq!(r[1].1, vec!["1", "x, \"y\"", "3"]);
        assert_eq!((r[2].0, r[2].1.clone()), (4, vec!["multi\nline".to_string(), String::new(), String::new()]));
        assert_eq!(r[3].0, 6);
        assert_eq!(records("a;b\n1;2")[1].1, vec!["1", "2"]);
        assert_eq!(records("a\tb\tc;d\n1\t2")[1].1, vec!["1", "2"]);
        assert_eq!(records("x,\"open\n")[0].2, Some(Bad::Unterminated));
        assert_eq!(records("\"a\"b,c")[0].1, vec!["ab", "c"]);
    }

    #[test]
    fn numbers_follow_the_documented_rule() {
        let cases = [
            ("1 234,50", 1234.5),
            ("1,234.50", 1234.5),
            ("$1,234.50", 1234.5),
            ("1.234,50 €", 1234.5),
            ("1,234", 1234.0),
            ("1.234", 1234.0),
            ("1,5", 1.5),
            ("0,125", 0.125),
            ("1.234.567", 1_234_567.0),
            ("SEK 99", 99.0),
            ("1'000", 1000.0),
            ("12", 12.0),
            ("-5", -5.0),
        ];
        for (s, v) in cases {
            assert_eq!(parse_number(s), Some(v), "{s}");
        }
        for s in ["", "abc", "1a2", "kr", "1234567890123456789"] {
            assert_eq!(parse_number(s), None, "{s}");
        }
        assert_eq!(parse_probability("40", true), Some(0.4));
        assert_eq!(parse_probability("0.4", false), Some(0.4));
        assert_eq!(parse_probability("40%", false), Some(0.4));
        assert_eq!(parse_probability("140", false), None);
    }

    #[test]
    fn dates_follow_the_documented_rule() {
        let ok = |s: &str, o| parse_date_text(s, o).unwrap();
        assert_eq!(ok("2024-03-01", None), "2024-03-01");
        assert_eq!(ok("2024-03-01 10:22:33", None), "2024-03-01");
        assert_eq!(ok("2024/3/1", None), "2024-03-01");
        assert_eq!(ok("01.03.2024", None), "2024-03-01");
        assert_eq!(ok("13/03/2024", None), "2024-03-13");
        assert_eq!(ok("03/13/2024 10:00 AM", None), "2024-03-13");
        assert_eq!(ok("03/03/2024", None), "2024-03-03");
        assert_eq!(ok("03/04/2024", Some(DateOrder::Mdy)), "2024-03-04");
        assert_eq!(ok("03/04/2024", Some(DateOrder::Dmy)), "2024-04-03");
        assert!(parse_date_text("03/04/2024", None).unwrap_err().contains("ambiguous"));
        for s in ["2023-02-30", "1/2/24", "yesterday", "2024-03", "31.02.2024", "2024-1-1-1"] {
            assert!(parse_date_text(s, None).is_err(), "{s}");
        }
    }

    #[test]
    fn messages_quote_without_debug_formatting() {
        assert_eq!(quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quoted("Åsa"), "\"Åsa\"", "no escapes beyond quote and backslash");
        let m = ColumnMapping {
            id: Some("id".into()),
            value: Some("value".into()),
            stage: Some("stage".into()),
            stage_map: BTreeMap::from([("Demo".to_string(), vec![])]),
            ..ColumnMapping::default()
        };
        let csv = "id,value,stage\n\"a\"\"1\",1,Demo\n\"a\"\"1\",2,Demo\nb,\"x\"\"y\",Demo\nc,1,Nope\n";
        let out = parse_csv(csv, &m, None, ImportOptions::default()).unwrap();
        let problems: Vec<&Problem> = out.errors.iter().map(|e| &e.problem).collect();
        assert_eq!(
            problems,
            vec![
                &Problem::DuplicateId { id: "a\"1".into(), first_line: 2 },
                &Problem::BadAmount { value: "x\"y".into() },
                &Problem::StageNotInMap { value: "Nope".into() }
            ]
        );
        assert_eq!(out.errors.iter().map(|e| e.column.as_deref()).collect::<Vec<_>>(), vec![Some("id"), Some("value"), Some("stage")]);
        assert_eq!(parse_date_text("x", None).unwrap_err(), r#"not a date (YYYY-MM-DD, DD.MM.YYYY or MM/DD/YYYY): "x""#);
        assert_eq!(parse_date_text("03/04/2024", None).unwrap_err(), r#"ambiguous date "03/04/2024": set dateOrder to "dmy" or "mdy""#);
    }

    #[test]
    fn status_words() {
        let none = BTreeMap::new();
        assert_eq!(status_of("Closed Won", &none), Status::Won);
        assert_eq!(status_of("closedwon", &none), Status::Open);
        assert_eq!(status_of("Lost", &none), Status::Lost);
        assert_eq!(status_of("Negotiation", &none), Status::Open);
        let map = BTreeMap::from([("Signed".to_string(), Status::Won)]);
        assert_eq!(status_of("signed", &map), Status::Won);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod val_tests {
    use super::*;
    use crate::model::default_model;
    use crate::testing::camel_json;

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
        crate::testing::read(text, "p")
    }

    /// The built-in presets, as the worker's JS passes them (with their
    /// `name` and `title`, unknown to `ColumnMapping`).
    fn presets() -> Vec<serde_json::Value> {
        serde_json::from_str(PRESETS_JSON).unwrap()
    }

    fn preset(name: &str) -> ColumnMapping {
        let v = presets().into_iter().find(|p| p["name"] == name).unwrap();
        serde_json::from_value(v).unwrap()
    }

    fn process() -> Process {
        Process::new(default_model()).unwrap()
    }


    /// The import and its parts are written as serde writes them.
    fn same_import(out: &Import) {
        camel_json(out);
        for d in &out.deals {
            camel_json(d);
        }
        for e in &out.errors {
            camel_json(e);
        }
    }

    #[test]
    fn date_order_reads_its_two_spellings() {
        assert_eq!(read::<DateOrder>(r#""dmy""#).unwrap(), DateOrder::Dmy);
        assert_eq!(read::<DateOrder>(r#""mdy""#).unwrap(), DateOrder::Mdy);
        for t in [r#""ymd""#, r#""DMY""#, "3", "true", "null", "[]", "{}"] {
            assert!(read::<DateOrder>(t).unwrap_err().to_string().starts_with("p: "), "{t}");
        }
        for d in [DateOrder::Dmy, DateOrder::Mdy] {
            assert_eq!(serde_json::from_value::<DateOrder>(camel_json(&d)).unwrap(), d);
        }
    }

    const FULL_MAPPING: &str = r#"{"id":"Id","label":"Name","seller":"Owner","value":"Amount","margin":"GM",
        "status":"State","closeDate":["Won at","Lost at"],"sellerProbability":"Prob (%)","stage":"Stage",
        "stageMap":{"Demo":["need_confirmed","mobilizer_met"],"New":[]},"milestoneColumns":{"Met":"mobilizer_met","RFP":"proposal_requested"},
        "attributes":["Region","Source"],"statusMap":{"Signed":"won","Dead":"lost","On hold":"open"},"dateOrder":"mdy",
        "delimiter":";","name":"mine","extra":{"deep":[1,null]}}"#;

    #[test]
    fn column_mappings_read_and_round_trip() {
        let mut texts: Vec<String> = presets().iter().map(|p| serde_json::to_string(p).unwrap()).collect();
        texts.extend(
            [
                "{}",
                FULL_MAPPING,
                r#"{"closeDate":"Close Date"}"#,
                r#"{"closeDate":[]}"#,
                r#"{"closeDate":null,"id":null,"label":null,"seller":null,"value":null,"margin":null,"status":null,
                   "sellerProbability":null,"stage":null,"dateOrder":null,"delimiter":null}"#,
                r#"{"stageMap":{},"milestoneColumns":{},"attributes":[],"statusMap":{},"delimiter":""}"#,
                r#"{"stageMap":{"":["a"],"a.b":["c"],"[x":[]}}"#,
            ]
            .map(str::to_string),
        );
        for t in &texts {
            let m = read::<ColumnMapping>(t).unwrap();
            assert_eq!(serde_json::from_value::<ColumnMapping>(camel_json(&m)).unwrap(), m, "round trip {t}");
        }
        let full = read::<ColumnMapping>(FULL_MAPPING).unwrap();
        assert_eq!(full.close_date, vec!["Won at", "Lost at"]);
        assert_eq!(full.status_map["On hold"], Status::Open);
        assert_eq!(full.date_order, Some(DateOrder::Mdy));
        assert_eq!(read::<ColumnMapping>(r#"{"closeDate":"Close Date"}"#).unwrap().close_date, vec!["Close Date"]);
    }

    #[test]
    fn column_mapping_errors_name_the_field() {
        let too_many = format!(r#"{{"closeDate":[{}]}}"#, vec![r#""c""#; MAX_CSV_COLUMNS + 1].join(","));
        let cases = [
            ("[1]", "p[0]: "),
            ("3", "p: "),
            ("null", "p: "),
            (r#"{"id":1}"#, "p.id: "),
            (r#"{"label":true}"#, "p.label: "),
            (r#"{"delimiter":[","]}"#, "p.delimiter: "),
            (r#"{"closeDate":1}"#, "p.closeDate: "),
            (r#"{"closeDate":true}"#, "p.closeDate: "),
            (r#"{"closeDate":{"a":"b"}}"#, "p.closeDate: "),
            (r#"{"closeDate":["a",2]}"#, "p.closeDate[1]: "),
            (&too_many, "p.closeDate: too many columns"),
            (r#"{"stageMap":[]}"#, "p.stageMap: "),
            (r#"{"stageMap":{"x":"a"}}"#, "p.stageMap.x: "),
            (r#"{"stageMap":{"x":["a",1]}}"#, "p.stageMap.x[1]: "),
            (r#"{"milestoneColumns":{"a":1}}"#, "p.milestoneColumns.a: "),
            (r#"{"milestoneColumns":["a"]}"#, "p.milestoneColumns: "),
            (r#"{"attributes":"a"}"#, "p.attributes: "),
            (r#"{"attributes":[1]}"#, "p.attributes[0]: "),
            (r#"{"statusMap":{"a":"maybe"}}"#, "p.statusMap.a: unknown variant `maybe`"),
            (r#"{"statusMap":{"a":"Won"}}"#, "p.statusMap.a: "),
            (r#"{"statusMap":1}"#, "p.statusMap: "),
            (r#"{"dateOrder":"ymd"}"#, "p.dateOrder: "),
            (r#"{"dateOrder":3}"#, "p.dateOrder: "),
        ];
        for (t, start) in cases {
            let e = read::<ColumnMapping>(t).unwrap_err().to_string();
            assert!(e.starts_with(start), "{t}: {e}");
        }
    }

    /// `null` for a map or list field is its default, as for a missing one.
    #[test]
    fn column_mapping_null_collections_are_empty() {
        for t in [r#"{"stageMap":null}"#, r#"{"milestoneColumns":null}"#, r#"{"attributes":null}"#, r#"{"statusMap":null}"#] {
            assert_eq!(read::<ColumnMapping>(t).unwrap(), ColumnMapping::default(), "{t}");
        }
    }

    #[test]
    fn import_options_read() {
        for t in ["{}", r#"{"offsetRows":5,"maxRows":10}"#, r#"{"maxRows":null}"#, r#"{"offsetRows":0,"chunk":1}"#, r#"{"maxRows":0}"#, r#"{"offsetRows":null}"#] {
            let o = read::<ImportOptions>(t).unwrap();
            assert_eq!(serde_json::from_value::<ImportOptions>(camel_json(&o)).unwrap(), o);
        }
        assert_eq!(read::<ImportOptions>(r#"{"offsetRows":5,"maxRows":10}"#).unwrap(), ImportOptions { offset_rows: 5, max_rows: Some(10) });
        for t in ["[1]", "2", r#"{"offsetRows":-1}"#, r#"{"offsetRows":1.5}"#, r#"{"offsetRows":"1"}"#, r#"{"maxRows":"a"}"#, r#"{"maxRows":-2}"#] {
            assert!(read::<ImportOptions>(t).is_err(), "{t}");
        }
    }

    #[test]
    fn row_errors_are_written_like_serde() {
        let j = camel_json(&RowError { line: 3, column: Some("Amount".into()), problem: Problem::BadAmount { value: "x".into() } });
        assert_eq!(j, serde_json::json!({ "line": 3, "column": "Amount", "code": "bad_amount", "value": "x" }));
        let j = camel_json(&RowError { line: 9, column: None, problem: Problem::ShortRow { cells: 2, columns: 5 } });
        assert_eq!(j, serde_json::json!({ "line": 9, "code": "short_row", "cells": 2, "columns": 5 }));
    }

    /// Exports as the presets meet them (tests/import.rs has the same), with
    /// good and bad rows, with and without a model.
    #[test]
    fn imports_and_previews_are_written_like_serde() {
        let p = process();
        let hubspot = "\u{feff}Deal Name,Deal Stage,Amount,Close Date,Deal owner,Create Date,Pipeline\r\n\
                       \"Acme, Inc.\",Closed won,\"$1,234.50\",2024-03-01 10:00,Ann,2024-01-01,Sales Pipeline\r\n\
                       \"Big \"\"Co\"\"\",Contract sent,99,2024-12-01,Bob,,Sales Pipeline\r\n\
                       Gamma,Closed lost,,03/15/2024,Cid,,Sales Pipeline\r\n\
                       Delta,Somewhere,5,,Dee,,\r\n";
        let salesforce = "Opportunity Name;Stage;Amount;Close Date;Opportunity Owner;Probability (%);Account Name;Type;Lead Source\n\
                          X;Closed Won;1 234,50 kr;01.03.2024;Åsa;100;Acme;New;Web\n\
                          Y;Negotiation/Review;5.000;13.04.2024;Björn;75;Beta;;\n\
                          Z;Prospecting;-3;;Cecilia;12,5;Gamma;;\n\
                          W;Prospecting;3;;Cecilia;lots;Gamma;;\n";
        let pipedrive = "Deal - Title\tDeal - Value\tDeal - Stage\tDeal - Status\tDeal - Owner\tDeal - Expected close date\tDeal - Won time\tDeal - Lost time\tOrganization - Name\n\
                         A\t100\tProposal Made\twon\tAnn\t2024-05-01\t2024-04-03 10:22:11\t\tAcme\n\
                         B\t\tQualified\tlost\tBob\t\t\t2024-04-04 09:00:00\t\"multi\nline\"\n\
                         C\t7\tNo Such Stage\topen\tBob\t\t\t\t\n\
                         D\t8\tLead In\topen\tBob\t\t\t\t\"open\n";
        let mine = "Id;Name;Owner;Amount;GM;State;Won at;Lost at;Prob (%);Stage;Met;RFP;Region;Source\n\
                    1;One;Ann;1000;250;Signed;2024-02-03;;40;Demo;2024-01-05;yes;North;Web\n\
                    2;Two;Bob;10;;Dead;;02/04/2024;;New;no;;;\n\
                    1;Again;Bob;10;;;;;;New;;;;\n\
                    3;Three;Cid;10;;Open;;;;Demo;maybe;;;\n\
                    4;;;;;On hold;;;;;;2024-13-01;;\n";
        let mine_map = read::<ColumnMapping>(FULL_MAPPING).unwrap();
        let cases = [
            (hubspot, preset("hubspot")),
            (salesforce, preset("salesforce")),
            (pipedrive, preset("pipedrive")),
            (mine, mine_map),
        ];
        let (mut with_column, mut without) = (0, 0);
        for (csv, m) in &cases {
            for process in [Some(&p), None] {
                let out = parse_csv(csv, m, process, ImportOptions::default()).unwrap();
                assert!(!out.deals.is_empty() && !out.errors.is_empty(), "{out:?}");
                with_column += out.errors.iter().filter(|e| e.column.is_some()).count();
                without += out.errors.iter().filter(|e| e.column.is_none()).count();
                same_import(&out);
                let part = parse_csv(csv, m, process, ImportOptions { offset_rows: 1, max_rows: Some(2) }).unwrap();
                assert!(!part.done);
                same_import(&part);
            }
            camel_json(&csv_preview(csv).unwrap());
        }
        let out = parse_csv(mine, &cases[3].1, Some(&p), ImportOptions::default()).unwrap();
        let one = &out.deals[0];
        assert!(one.margin.is_some() && one.seller_probability.is_some() && !one.attributes.is_empty());
        assert!(one.events.iter().any(|e| e.date.is_some()) && one.events.iter().any(|e| e.date.is_none()));
        assert!(with_column > 0 && without > 0, "row errors with and without a column");
        // An empty import and previews with and without a preset.
        same_import(&parse_csv("a,b\n", &ColumnMapping::default(), None, ImportOptions::default()).unwrap());
        camel_json(&csv_preview("a;b\n").unwrap());
        assert_eq!(csv_preview(hubspot).unwrap().preset.as_deref(), Some("hubspot"));
        assert_eq!(csv_preview(mine).unwrap().preset, None);
    }

    fn data(file: &str) -> Option<String> {
        let path = format!("{}/../shared/data/{file}", env!("CARGO_MANIFEST_DIR"));
        // Fails loudly: a test that passes when its data is missing proves nothing.
        Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e} (the real data sets live in ../shared/data)")))
    }

    /// The real Maven CRM and Salvirt exports, whole.
    #[test]
    fn real_exports_are_written_like_serde() {
        let p = process();
        if let Some(text) = data("maven_crm/sales_pipeline.csv") {
            let out = parse_csv(&text, &preset("maven"), Some(&p), ImportOptions::default()).unwrap();
            assert_eq!(out.rows, 8800);
            same_import(&out);
            camel_json(&csv_preview(&text).unwrap());
        }
        if let Some(text) = data("salvirt_b2b/B2B_dataset.csv") {
            let m = read::<ColumnMapping>(
                r#"{"seller":"Seller","status":"Status","attributes":["Product","Comp_size","Source"],
                    "milestoneColumns":{"Needs_def":"need_confirmed","Purch_dept":"decision_process_mapped","RFP":"proposal_requested"}}"#,
            )
            .unwrap();
            let out = parse_csv(&text, &m, Some(&p), ImportOptions::default()).unwrap();
            assert!(out.deals.len() > 300 && !out.errors.is_empty(), "{} deals, {} errors", out.deals.len(), out.errors.len());
            same_import(&out);
            camel_json(&csv_preview(&text).unwrap());
        }
    }
}
