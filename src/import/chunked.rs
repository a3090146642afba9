//! A linear, complete chunked import of a row-per-deal CSV.
//!
//! [`super::parse_csv`] with `offsetRows` re-reads the file from the start
//! for every chunk (quadratic) and only sees the ids of its own chunk, so a
//! duplicate id in two chunks goes unreported. A [`ChunkedImport`] owns the
//! text, keeps a byte cursor and the ids seen so far: each call reads the
//! next rows from where the last stopped, and a duplicate anywhere in the
//! file is reported on the later row.

use std::borrow::Cow;

use super::{delimiter_of, header_of, plan, push_error, row, row_fault, ColumnMapping, Import, Reader, RowError, MAX_CSV_ROWS};
use super::history::Problem;
use super::intern::FxMap;
use crate::error::Result;
use crate::model::Process;

/// Where a chunked import stands.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Bytes of the text read so far, and in all.
    pub bytes_read: usize,
    pub bytes_total: usize,
    /// Data rows read so far.
    pub rows: usize,
    pub done: bool,
}

pub struct ChunkedImport {
    text: String,
    delim: u8,
    /// Byte offset of the next record, and its line.
    pos: usize,
    line: usize,
    header: Vec<String>,
    mapping: ColumnMapping,
    process: Option<Process>,
    /// The ids seen so far, over the whole file.
    seen: IdSet,
    rows: usize,
    done: bool,
}

impl ChunkedImport {
    /// Reads the header and checks the mapping against it (and against the
    /// process, when given).
    pub fn new(text: String, mapping: ColumnMapping, process: Option<Process>) -> Result<ChunkedImport> {
        super::check_size(&text)?;
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let delim = delimiter_of(body, &mapping)?;
        let (header, pos, line) = {
            let mut reader = Reader::new(&text, delim);
            let header = header_of(&mut reader)?;
            plan(&header, &mapping, process.as_ref())?;
            (header.iter().map(|c| c.to_string()).collect::<Vec<_>>(), reader.pos, reader.line)
        };
        // `Reader::new` strips the byte-order mark: keep the text as it sees
        // it (a copy only when there is a mark to strip).
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        Ok(ChunkedImport { text, delim, pos, line, header, mapping, process, seen: IdSet::default(), rows: 0, done: false })
    }

    pub fn progress(&self) -> Progress {
        Progress { bytes_read: self.pos, bytes_total: self.text.len(), rows: self.rows, done: self.done }
    }

    /// Reads up to `max_rows` more rows. `done` is true once the end of the
    /// file is reached; calls after that return nothing.
    pub fn next_chunk(&mut self, max_rows: usize) -> Result<Import> {
        let mut out = Import::default();
        if self.done {
            out.done = true;
            return Ok(out);
        }
        // Room for the chunk's deals up front (a row takes at least two
        // bytes), so the list is not copied as it grows.
        out.deals.reserve(max_rows.min(self.text.len().saturating_sub(self.pos) / 2 + 1).min(1 << 16));
        let header: Vec<Cow<str>> = self.header.iter().map(|h| Cow::Borrowed(h.as_str())).collect();
        let plan = plan(&header, &self.mapping, self.process.as_ref())?;
        let mut reader = Reader { text: &self.text, pos: self.pos, line: self.line, delim: self.delim };
        let mut cells = Vec::new();
        while out.rows < max_rows {
            let Some((line, bad)) = reader.next(&mut cells) else {
                self.done = true;
                break;
            };
            self.rows += 1;
            if self.rows > MAX_CSV_ROWS {
                out.errors.push(RowError { line, column: None, problem: Problem::TooManyRows { max: MAX_CSV_ROWS } });
                self.done = true;
                break;
            }
            out.rows += 1;
            let result = match row_fault(bad, &header, cells.len()) {
                Some(fault) => Err(fault),
                None => row(&plan, &self.mapping, self.process.as_ref(), &header, &cells, line),
            };
            match result {
                Ok(d) => {
                    if let Some(first_line) = self.seen.insert(&d.id, line) {
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
        if reader.byte(reader.pos).is_none() {
            self.done = true;
        }
        self.pos = reader.pos;
        self.line = reader.line;
        out.done = self.done;
        Ok(out)
    }
}

/// The ids seen so far with the line each was first seen on, kept compact
/// so that a million of them stay cheap: the ids live end to end in one
/// string, the table maps a 64-bit hash to where the id is. Two different
/// ids with the same hash (practically never) go to a plain map, so the
/// answer is always exact.
#[derive(Default)]
pub struct IdSet {
    arena: String,
    table: FxMap<u64, (u32, u32, usize)>,
    spill: FxMap<String, usize>,
}

impl IdSet {
    /// Adds `id`, first seen on `line`; when it was already there, the line
    /// it was first seen on.
    pub fn insert(&mut self, id: &str, line: usize) -> Option<usize> {
        let key = super::intern::hash_str(id);
        let (Ok(at), Ok(len)) = (u32::try_from(self.arena.len()), u32::try_from(id.len())) else {
            return self.spill_insert(id, line);
        };
        match self.table.entry(key) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((at, len, line));
                self.arena.push_str(id);
                None
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let (a, l, first_line) = *o.get();
                if self.arena.get(a as usize..(a + l) as usize) == Some(id) {
                    Some(first_line)
                } else {
                    self.spill_insert(id, line)
                }
            }
        }
    }

    fn spill_insert(&mut self, id: &str, line: usize) -> Option<usize> {
        match self.spill.get(id) {
            Some(&first) => Some(first),
            None => {
                self.spill.insert(id.to_string(), line);
                None
            }
        }
    }
}
