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
        super::check_size(text.len())?;
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
        // bytes), so the list is not copied as it grows; and, once rows
        // have been read, for the ids of the whole file at their length.
        out.deals.reserve(max_rows.min(self.text.len().saturating_sub(self.pos) / 2 + 1).min(1 << 16));
        if self.rows > 0 && self.pos > 0 {
            self.seen.reserve((self.rows.saturating_mul(self.text.len()) / self.pos).min(MAX_CSV_ROWS));
        }
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
/// so that a million of them stay cheap and a lookup touches little memory:
/// the ids live end to end in one string, their places in a list in the
/// order seen, and an open-addressing table of 4-byte slots (11 bits of the
/// id's hash, and its place in the list) finds them. A lookup compares the
/// text only when the 11 bits match, so the answer is always exact. Ids
/// past what the slots can number (2 million) or the string can hold
/// (4 GiB) go to a plain map.
#[derive(Default)]
pub struct IdSet {
    arena: String,
    /// (where in `arena`, length, first line) of each id, in the order seen.
    ids: Vec<(u32, u32, u32)>,
    /// 0: empty; else the hash's tag (top 11 bits) and the place + 1 in `ids`.
    slots: Vec<u32>,
    spill: FxMap<String, usize>,
}

const PLACE_BITS: u32 = 21;
const PLACE_MASK: u32 = (1 << PLACE_BITS) - 1;

impl IdSet {
    /// Room for `n` ids in all without growing the table.
    pub fn reserve(&mut self, n: usize) {
        let n = n.min(PLACE_MASK as usize);
        self.ids.reserve(n.saturating_sub(self.ids.len()));
        if Self::room(self.slots.len()) < n {
            let mut size = self.slots.len().max(16);
            while Self::room(size) < n {
                size *= 2;
            }
            self.rebuild(size);
        }
    }

    /// Ids a table of `size` slots holds (7/8 full at most).
    fn room(size: usize) -> usize {
        size / 8 * 7
    }

    fn tag(hash: u64) -> u32 {
        (hash >> (64 - (32 - PLACE_BITS))) as u32
    }

    fn rebuild(&mut self, size: usize) {
        self.slots = vec![0; size];
        let mask = size - 1;
        for (k, &(at, len, _)) in self.ids.iter().enumerate() {
            let id = self.arena.get(at as usize..(at + len) as usize).unwrap_or("");
            let hash = super::intern::hash_str(id);
            let mut i = hash as usize & mask;
            while self.slots.get(i).is_some_and(|&s| s != 0) {
                i = (i + 1) & mask;
            }
            if let Some(slot) = self.slots.get_mut(i) {
                *slot = Self::tag(hash) << PLACE_BITS | (k as u32 + 1);
            }
        }
    }

    /// Adds `id`, first seen on `line`; when it was already there, the line
    /// it was first seen on.
    pub fn insert(&mut self, id: &str, line: usize) -> Option<usize> {
        let hash = super::intern::hash_str(id);
        let tag = Self::tag(hash);
        let size = self.slots.len();
        let mut free = None;
        if size > 0 {
            let mut i = hash as usize & (size - 1);
            loop {
                match self.slots.get(i) {
                    Some(0) | None => {
                        free = Some(i);
                        break;
                    }
                    Some(&s) if s >> PLACE_BITS == tag => {
                        if let Some(&(at, len, first)) = self.ids.get((s & PLACE_MASK) as usize - 1) {
                            if self.arena.get(at as usize..(at + len) as usize) == Some(id) {
                                return Some(first as usize);
                            }
                        }
                    }
                    Some(_) => {}
                }
                i = (i + 1) & (size - 1);
            }
        }
        let place = self.ids.len() + 1;
        let (Ok(at), Ok(len), Ok(first)) = (u32::try_from(self.arena.len()), u32::try_from(id.len()), u32::try_from(line)) else {
            return self.spill_insert(id, line);
        };
        if place > PLACE_MASK as usize || at.checked_add(len).is_none() {
            return self.spill_insert(id, line);
        }
        if place > Self::room(size) {
            self.reserve(place.max(size));
            return self.insert(id, line);
        }
        if let Some(slot) = free.and_then(|i| self.slots.get_mut(i)) {
            *slot = tag << PLACE_BITS | place as u32;
            self.ids.push((at, len, first));
            self.arena.push_str(id);
            return None;
        }
        self.spill_insert(id, line)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The set answers as a map from id to its first line does, as it grows
    /// and with ids that share tags.
    #[test]
    fn id_set_is_a_first_line_map() {
        let mut set = IdSet::default();
        let mut map: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut x = 12345u64;
        for line in 0..60_000usize {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = format!("{}", x % 40_000);
            let want = map.get(&id).copied();
            if want.is_none() {
                map.insert(id.clone(), line);
            }
            assert_eq!(set.insert(&id, line), want, "{id}");
        }
        let mut reserved = IdSet::default();
        reserved.reserve(100);
        assert_eq!(reserved.slots.len(), 128);
        assert_eq!((reserved.insert("", 1), reserved.insert("", 2), reserved.insert("a", 3)), (None, Some(1), None));
    }
}
