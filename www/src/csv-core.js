// CSV import run in a worker: the text is cut into chunks of whole records
// (a newline inside quotes does not end a record), each chunk is parsed by
// the engine's parseCsv with the header line in front, and line numbers are
// moved back to the file's own. Progress is reported after every chunk.
const CHUNK = 256 * 1024;

/** Offsets where records end, about every CHUNK characters. */
function cuts(text, start) {
  const out = [];
  let quoted = false;
  let next = start + CHUNK;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted && i >= next) {
      out.push(i + 1);
      next = i + 1 + CHUNK;
    }
  }
  out.push(text.length);
  return out;
}

function lineCount(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Parses `text` with `parseCsv(text, mapping)` chunk by chunk.
 * Line numbers follow parseCsv's: line 1 is the header.
 */
export function parseInChunks(parseCsv, text, mapping, progress, model) {
  let headerEnd = text.indexOf('\n') + 1;
  if (headerEnd <= 0) headerEnd = text.length;
  const header = text.slice(0, headerEnd);
  const out = { deals: [], errors: [], rows: 0, skipped: 0 };
  let from = headerEnd;
  let firstLine = 2; // the file's line number of the chunk's first record
  for (const to of cuts(text, headerEnd)) {
    if (to <= from) continue;
    const part = text.slice(from, to);
    const r = model ? parseCsv(header + part, mapping, model) : parseCsv(header + part, mapping);
    out.deals.push(...(r.deals || []));
    for (const e of r.errors || []) out.errors.push({ ...e, line: e.line + firstLine - 2 });
    out.rows += r.rows || 0;
    out.skipped += r.skipped || 0;
    firstLine += lineCount(part);
    from = to;
    progress(to, text.length);
  }
  return out;
}

/** Answers one message { text, mapping } with progress messages, then { type: 'done', result } or { type: 'error', message }. */
export function handleCsvMessage(api, post) {
  return async (e) => {
    try {
      await api.ready;
      if (typeof api.parseCsv !== 'function') throw new Error('stagecast has no parseCsv() in this build');
      const { text, mapping, model } = e.data || {};
      const result = parseInChunks(api.parseCsv, String(text), mapping, (done, total) => post({ type: 'progress', done, total }), model);
      post({ type: 'done', result });
    } catch (err) {
      post({ type: 'error', message: err && err.message ? err.message : String(err) });
    }
  };
}
