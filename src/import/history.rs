//! Stage histories from CRM exports: the shared shapes and the one pass that
//! reads a CSV for them.
//!
//! Three exports carry a deal's path through the stages, not only where it
//! stands today:
//! * **HubSpot** deals export with the `Date entered "<Stage> (<Pipeline>)"`
//!   properties ([`super::hubspot`]);
//! * **Salesforce** "Opportunity History" report, one row per change
//!   ([`super::salesforce`]);
//! * a **generic long format**, one row per stage change (`deal id, stage,
//!   date`), beside a deals file ([`super::long`]).
//!
//! Each reader turns its export into [`StagedDeal`]s: the deal's fields and
//! the stages it entered, with dates. [`super::stages`] then maps stages to
//! milestones in one explicit step. Everything the user is told is a code
//! with parameters ([`Problem`], [`Notice`], [`ImportError`]); the UI words
//! them.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::intern::Names;
use super::{detect_delimiter, parse_date_text, parse_number, parse_probability, Bad, DateOrder, Reader, MAX_CSV_BYTES, MAX_CSV_ROWS, MAX_LISTED_ERRORS};
use crate::deal::{self, Deal, Status};
use crate::model::MAX_TEXT_CHARS;

/// Which history export a text is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// HubSpot deals export; with `Date entered "..."` columns it carries
    /// the history, without them only the current stage.
    Hubspot,
    /// Salesforce "Opportunity History" report.
    Salesforce,
    /// One row per stage change (`deal id, stage, date`), beside a deals file.
    StageHistory,
}

impl Format {
    /// The preset name `csvPreview` gives this format.
    pub fn preset(self) -> &'static str {
        match self {
            Format::Hubspot => "hubspot_history",
            Format::Salesforce => "salesforce_history",
            Format::StageHistory => "stage_history",
        }
    }

    /// The format a preset name stands for (`"hubspot"` and `"salesforce"`,
    /// the plain deals and opportunities exports, are read the same way:
    /// without history columns they are current-stage-only exports).
    pub fn of_preset(name: &str) -> Option<Format> {
        match name.trim() {
            "hubspot" | "hubspot_history" => Some(Format::Hubspot),
            "salesforce" | "salesforce_history" => Some(Format::Salesforce),
            "stage_history" | "stage_history_deals" => Some(Format::StageHistory),
            _ => None,
        }
    }
}

/// Options of a history import. Everything is optional.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct HistoryOptions {
    /// How to read ambiguous dates like 03/04/2024.
    #[serde(default)]
    pub date_order: Option<DateOrder>,
    /// Stage -> milestone rules; absent: the format's defaults
    /// ([`super::stages::default_rules`]).
    #[serde(default)]
    pub stages: Option<Vec<super::stages::StageRule>>,
}

/// One stage entered, on a day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entered {
    /// The stage's number in [`StageHistory::names`].
    pub stage: u32,
    /// Days since 1970-01-01 (`deal::civil_from_days` writes it).
    pub day: i32,
}

/// A deal's path through the stages as an export shows it, before stages
/// become milestones (the deal's own fields are beside it, in
/// [`StageHistory::deals`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Path {
    /// Whether the deal's status came from a status column (else from
    /// stages).
    pub status_given: bool,
    /// The stage the deal is in now, if the export says (its number in
    /// [`StageHistory::names`]).
    pub stage: Option<u32>,
    /// Stages entered, in date order (first entry of each stage).
    pub entered: Vec<Entered>,
    /// The 1-based line the deal starts on.
    pub line: usize,
}

impl Path {
    /// The stage the deal ended in: the current stage, else the last entered.
    pub fn last_stage(&self) -> Option<u32> {
        self.stage.or_else(|| self.entered.last().map(|e| e.stage))
    }
}

/// A history export, read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageHistory {
    pub format: Option<Format>,
    /// False when the export has no history at all (no stage-date columns):
    /// a current-stage-only export.
    pub has_history: bool,
    /// The deals' own fields (no events yet; status from the status column
    /// when the export has one, else open).
    pub deals: Vec<Deal>,
    /// The path of each deal, by the same index.
    pub paths: Vec<Path>,
    /// The stage names the deals' numbers stand for, as spelled.
    pub names: Names,
    pub issues: Vec<Issue>,
    /// Data rows read.
    pub rows: usize,
    /// Rows left out because of a problem.
    pub skipped: usize,
}

impl StageHistory {
    pub(crate) fn push(&mut self, deal: Deal, path: Path) {
        self.deals.push(deal);
        self.paths.push(path);
    }

    pub(crate) fn issue(&mut self, line: usize, column: Option<&str>, problem: Problem) {
        self.skipped += 1;
        self.note(line, column, problem);
    }

    /// A row left out for a problem with one of its cells (column `i` of
    /// `sheet`).
    pub(crate) fn cell_issue(&mut self, sheet: &Sheet, line: usize, (i, problem): (usize, Problem)) {
        self.issue(line, sheet.name(i), problem);
    }

    /// Lists a problem without counting a skipped row.
    pub(crate) fn note(&mut self, line: usize, column: Option<&str>, problem: Problem) {
        if self.issues.len() < MAX_LISTED_ERRORS {
            self.issues.push(Issue { line, column: column.map(str::to_string), problem });
        }
    }

    /// The line of `sheet`'s next readable row. Every row read counts in
    /// `rows`; a bad row is listed and passed over; the row limit ends the
    /// file with a note. Progress is reported every 4,096 rows, and on this
    /// row too when `first`.
    pub(crate) fn next_row(&mut self, sheet: &mut Sheet, first: bool, progress: &mut dyn FnMut(usize, usize)) -> Option<usize> {
        while let Some(r) = sheet.next() {
            match r {
                Row::Ok(line) => {
                    self.rows += 1;
                    if self.rows % 4096 == 0 || first {
                        let (a, b) = sheet.progress();
                        progress(a, b);
                    }
                    return Some(line);
                }
                Row::Bad(line, p) => {
                    self.rows += 1;
                    self.issue(line, None, p);
                }
                Row::Limit(line) => {
                    self.note(line, None, Problem::TooManyRows { max: super::MAX_CSV_ROWS });
                    return None;
                }
            }
        }
        None
    }
}

/// A problem with one row (or one cell), by line.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// 1-based line of the file where the row starts.
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(flatten)]
    pub problem: Problem,
}

/// What is wrong with a row. `value` is the cell, cut to 40 characters.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Problem {
    /// Not a date (YYYY-MM-DD, DD.MM.YYYY or MM/DD/YYYY).
    BadDate { value: String },
    /// A date like 03/04/2024: set `dateOrder`.
    AmbiguousDate { value: String },
    /// Not an amount >= 0.
    BadAmount { value: String },
    /// Not a probability (0-1 or 0-100%).
    BadProbability { value: String },
    /// The deal id was already used on `firstLine`.
    DuplicateId { id: String, first_line: usize },
    /// A history row for a deal the deals file does not have.
    UnknownDeal { id: String },
    /// The id (or the stage, or the date of a change) is empty.
    EmptyCell,
    /// Longer than 200 characters.
    TooLong,
    /// More columns than the limit.
    TooManyColumns,
    /// A cell longer than the limit.
    CellTooLong,
    /// A quoted cell is not closed before the end of the file.
    Unterminated,
    /// The deal fails the model's checks (`path` names the field).
    InvalidDeal { path: String },
    /// More rows than the limit: the rest of the file was not read.
    TooManyRows { max: usize },
    /// Fewer cells than the header has columns: a cut or broken line.
    ShortRow { cells: usize, columns: usize },
    /// The stage is not in the mapping's stage map.
    StageNotInMap { value: String },
    /// A milestone column's cell is neither yes/no nor a date.
    NotYesNoOrDate { value: String },
}

/// What the user should know about the import as a whole.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Notice {
    /// The export has no stage history (a current-stage-only export): closed
    /// deals show only their outcome, so they are kept out of calibration;
    /// open deals carry their current stage's milestones, undated.
    NoStageHistory { won: usize, lost: usize, open: usize },
    /// Closed deals whose history shows no stage before the outcome: kept
    /// out of calibration (their progress is unknown, and is never guessed
    /// from how they ended).
    ClosedWithoutHistory { won: usize, lost: usize },
    /// A stage has no rule: it reaches no milestone.
    StageNotMapped {
        stage: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pipeline: Option<String>,
        deals: usize,
    },
    /// A rule maps an outcome stage to milestones: ignored, an outcome is
    /// never a milestone.
    OutcomeStageMapped {
        stage: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pipeline: Option<String>,
    },
}

/// Why a whole import failed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ImportError {
    /// The file needs this column (`alternatives` are accepted names too).
    MissingColumn {
        column: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        alternatives: Vec<String>,
    },
    /// The text has no header line.
    NoHeader,
    /// The header line cannot be read.
    BadHeader,
    /// The text is larger than `maxBytes`.
    TooLarge { max_bytes: usize },
    /// A stage rule names a milestone the model does not have.
    UnknownMilestone { milestone: String, stage: String },
}

impl From<ImportError> for crate::Error {
    /// For callers that speak `crate::Error`: the path is the column (or
    /// `text`), the message the code.
    fn from(e: ImportError) -> Self {
        use crate::error::ErrorCode;
        let (path, code, message) = match e {
            ImportError::MissingColumn { column, .. } => (column.clone(), ErrorCode::NoColumn { column }, "missing_column"),
            ImportError::NoHeader => ("text".to_string(), ErrorCode::NoHeader, "no_header"),
            ImportError::BadHeader => ("text".to_string(), ErrorCode::BadHeader, "bad_header"),
            ImportError::TooLarge { max_bytes } => ("text".to_string(), ErrorCode::TooLarge { max_bytes: crate::error::count(max_bytes) }, "too_large"),
            ImportError::UnknownMilestone { stage, milestone } => (stage, ErrorCode::UnknownMilestone { milestone }, "unknown_milestone"),
        };
        crate::Error::coded(path, code, message)
    }
}

pub type ImportResult<T> = std::result::Result<T, ImportError>;

// ---------------------------------------------------------------- reading

/// A CSV opened for one pass: the header and a reader on the first row.
pub(crate) struct Sheet<'a> {
    reader: Reader<'a>,
    pub header: Vec<String>,
    cells: Vec<Cow<'a, str>>,
    /// Data rows read so far.
    pub index: usize,
}

pub(crate) enum Row {
    /// A record was read into `cells`, starting on this line.
    Ok(usize),
    /// A record that cannot be read whole.
    Bad(usize, Problem),
    /// Past `MAX_CSV_ROWS`: stop.
    Limit(usize),
}

impl<'a> Sheet<'a> {
    pub fn open(text: &'a str) -> ImportResult<Sheet<'a>> {
        if text.len() > MAX_CSV_BYTES {
            return Err(ImportError::TooLarge { max_bytes: MAX_CSV_BYTES });
        }
        let delim = detect_delimiter(text.strip_prefix('\u{feff}').unwrap_or(text));
        let mut reader = Reader::new(text, delim);
        let mut cells = Vec::new();
        let header = match reader.next(&mut cells) {
            None => return Err(ImportError::NoHeader),
            Some((_, Some(_))) => return Err(ImportError::BadHeader),
            Some((_, None)) => cells.iter().map(|c| c.trim().to_string()).collect(),
        };
        Ok(Sheet { reader, header, cells, index: 0 })
    }

    /// The first column with one of these names (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.header.iter().position(|h| h.eq_ignore_ascii_case(n.trim())))
    }

    /// Like `column`, but the column is indispensable.
    pub fn required(&self, names: &[&str]) -> ImportResult<usize> {
        self.column(names).ok_or_else(|| {
            let mut all = names.iter().map(|s| s.to_string());
            ImportError::MissingColumn { column: all.next().unwrap_or_default(), alternatives: all.collect() }
        })
    }

    pub fn next(&mut self) -> Option<Row> {
        let (line, bad) = self.reader.next(&mut self.cells)?;
        self.index += 1;
        if self.index > MAX_CSV_ROWS {
            return Some(Row::Limit(line));
        }
        Some(match bad {
            None => Row::Ok(line),
            Some(Bad::TooManyColumns) => Row::Bad(line, Problem::TooManyColumns),
            Some(Bad::CellTooLong(_)) => Row::Bad(line, Problem::CellTooLong),
            Some(Bad::Unterminated) => Row::Bad(line, Problem::Unterminated),
        })
    }

    /// The trimmed cell of column `i` in the current row ("" when absent).
    pub fn cell(&self, i: Option<usize>) -> &str {
        i.and_then(|i| self.cells.get(i)).map_or("", |c| trim(c))
    }

    /// The trimmed cell of column `i`, borrowed from the text where the
    /// cell is (so it can outlive the row without a copy).
    pub fn cell_cow(&self, i: usize) -> Cow<'a, str> {
        match self.cells.get(i) {
            Some(Cow::Borrowed(c)) => Cow::Borrowed(trim(c)),
            Some(Cow::Owned(c)) => Cow::Owned(trim(c).to_string()),
            None => Cow::Borrowed(""),
        }
    }

    pub fn name(&self, i: usize) -> Option<&str> {
        self.header.get(i).map(String::as_str)
    }

    /// Bytes read so far and in all, for progress.
    pub fn progress(&self) -> (usize, usize) {
        (self.reader.pos, self.reader.text.len())
    }
}

/// `s.trim()`, without decoding characters when `s` starts and ends with
/// a printable ASCII character (then there is nothing to trim: every
/// whitespace character is either ASCII up to the space or not ASCII).
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let plain = |c: Option<&u8>| c.is_some_and(|&c| c > b' ' && c < 0x7f);
    if plain(b.first()) && plain(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// A cell problem: the column's name and what is wrong.
pub(crate) type CellResult<T> = std::result::Result<T, (usize, Problem)>;

pub(crate) fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A text cell: empty is None; longer than the limit is a problem.
pub(crate) fn text(sheet: &Sheet, i: Option<usize>) -> CellResult<Option<String>> {
    let v = sheet.cell(i);
    match i {
        Some(_) if v.is_empty() => Ok(None),
        Some(i) if v.chars().count() > MAX_TEXT_CHARS => Err((i, Problem::TooLong)),
        Some(_) => Ok(Some(v.to_string())),
        None => Ok(None),
    }
}

/// Checks a text cell without copying it: Some(()) when not empty.
pub(crate) fn check_text(sheet: &Sheet, i: usize) -> CellResult<Option<()>> {
    let v = sheet.cell(Some(i));
    if v.is_empty() {
        Ok(None)
    } else if v.len() > MAX_TEXT_CHARS && v.chars().count() > MAX_TEXT_CHARS {
        Err((i, Problem::TooLong))
    } else {
        Ok(Some(()))
    }
}

pub(crate) fn amount(sheet: &Sheet, i: Option<usize>) -> CellResult<Option<f64>> {
    let v = sheet.cell(i);
    match i {
        Some(i) if !v.is_empty() => match parse_number(v) {
            Some(x) if x >= 0.0 => Ok(Some(x)),
            _ => Err((i, Problem::BadAmount { value: short(v) })),
        },
        _ => Ok(None),
    }
}

pub(crate) fn probability(sheet: &Sheet, i: Option<usize>) -> CellResult<Option<f64>> {
    let v = sheet.cell(i);
    match i {
        Some(i) if !v.is_empty() => {
            let percent = sheet.name(i).is_some_and(|h| h.contains('%'));
            parse_probability(v, percent).map(Some).ok_or((i, Problem::BadProbability { value: short(v) }))
        }
        _ => Ok(None),
    }
}

/// A date cell as a day number (days since 1970-01-01), None when empty.
pub(crate) fn date(sheet: &Sheet, i: Option<usize>, order: Option<DateOrder>) -> CellResult<Option<i32>> {
    let v = sheet.cell(i);
    let Some(i) = i else { return Ok(None) };
    if v.is_empty() {
        return Ok(None);
    }
    day_of(v, order).map(Some).map_err(|p| (i, p))
}

pub(crate) fn day_of(v: &str, order: Option<DateOrder>) -> std::result::Result<i32, Problem> {
    // `YYYY-MM-DD` (with a time or not) without allocating: most exports.
    let b = v.as_bytes();
    if b.len() >= 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') && b.get(..4).is_some_and(|y| y.iter().all(u8::is_ascii_digit)) {
        if let Ok(day) = deal::parse_date("", v) {
            return Ok(day);
        }
    }
    match parse_date_text(v, order) {
        Ok(iso) => match deal::parse_date("", &iso) {
            Ok(day) => Ok(day),
            Err(_) => Err(Problem::BadDate { value: short(v) }),
        },
        Err(m) if m.starts_with("ambiguous") => Err(Problem::AmbiguousDate { value: short(v) }),
        Err(_) => Err(Problem::BadDate { value: short(v) }),
    }
}

/// `YYYY-MM-DD` of a day number: `deal::civil_from_days`, written without
/// the formatting machinery for four-digit years (an import writes one
/// per event).
pub(crate) fn iso_day(day: i32) -> String {
    let (y, m, d) = deal::civil(day);
    let (Ok(y), Ok(m), Ok(d)) = (u32::try_from(y), u32::try_from(m), u32::try_from(d)) else {
        return deal::civil_from_days(day);
    };
    if y > 9999 {
        return deal::civil_from_days(day);
    }
    let mut s = String::with_capacity(10);
    for (v, width) in [(y, 4), (m, 2), (d, 2)] {
        if width == 2 {
            s.push('-');
        }
        for p in (0..width).rev() {
            s.push(char::from(b'0' + (v / 10u32.pow(p) % 10) as u8));
        }
    }
    s
}

/// A status column's value: won, lost or open by the word rule.
pub(crate) fn status_word(v: &str) -> Status {
    super::status_of(v, &std::collections::BTreeMap::new())
}

/// Records a stage (its number in `names`) entered on a day, keeping the
/// first entry of each stage (names equal but for ASCII case are one stage)
/// and the list in date order (stable for same-day entries).
pub(crate) fn enter(entered: &mut Vec<Entered>, names: &Names, stage: u32, day: i32) {
    if let Some(e) = entered.iter_mut().find(|e| names.same(e.stage, stage)) {
        if day < e.day {
            e.day = day;
        } else {
            return;
        }
    } else {
        entered.push(Entered { stage, day });
    }
    // Insertion sort: lists are short and mostly in order already.
    for k in 1..entered.len() {
        let mut j = k;
        while j > 0 && entered.get(j - 1).map(|e| e.day) > entered.get(j).map(|e| e.day) {
            entered.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn iso_day_writes_what_civil_from_days_writes() {
        // Years 0001 to 9999 (written by hand), and beyond (formatted).
        for day in (-719_162..=2_932_896).step_by(97).chain([-719_163, -719_162, 0, 2_932_896, 2_932_897, -800_000, 3_000_000]) {
            assert_eq!(iso_day(day), deal::civil_from_days(day), "{day}");
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for s in ["", " ", "a", " a", "a ", "\ta\n", "a b", "\u{a0}x\u{a0}", "x\u{2003}", "é", " é ", "\u{85}a"] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
