// The CSV import worker's side. Its wasm is built with the `csv` feature
// (parseCsv, csvPreview, csvPresets, CsvImport, importHistory,
// importStageHistory), which the widget's own wasm leaves out to stay small.
// Messages, each answered in order:
//   { type: 'presets' }                     -> { type: 'presets', presets }
//   { type: 'preview', text }               -> { type: 'preview', preview }
//   { type: 'parse', text, mapping, model } -> { type: 'progress', rows, done, bytesRead, bytesTotal }*, { type: 'done', result }
//   { type: 'parse', ..., stream: true }    -> the same, each progress with its chunk's { deals, errors }
//                                              and a result without them (the page gathers them)
//   { type: 'history', text, format, deals?, options?, model? } -> { type: 'done', result } (a stage-history import)
// and { type: 'error', message, detail? } when something fails (`detail` is
// the engine's error as data, `{ code, ... }`, for the UI to word).
// A row-per-deal file is read once, start to end, by the engine's CsvImport
// in chunks of records, so progress can be shown and duplicate ids are found
// across the whole file; line numbers are the file's own.
const CHUNK_ROWS = 2000;

/**
 * Parses `text` in one pass, chunk by chunk; `progress(p, chunk)` after each
 * chunk. With `stream`, the deals and errors go out with each chunk (issue
 * 14.5: the page then reads a few thousand deals at a time, never all of
 * them in one task) and the result keeps only the counts.
 */
export function parseInChunks(api, text, mapping, model, progress, stream = false) {
  if (typeof api.CsvImport !== 'function') {
    const r = api.parseCsv(text, mapping, model || undefined);
    progress({ rows: r.rows, done: true }, r);
    return stream ? { deals: [], errors: [], rows: r.rows, skipped: r.skipped } : { deals: r.deals, errors: r.errors, rows: r.rows, skipped: r.skipped };
  }
  const out = { deals: [], errors: [], rows: 0, skipped: 0 };
  const imp = new api.CsvImport(text, mapping, model || undefined);
  try {
    for (;;) {
      const r = imp.nextChunk(CHUNK_ROWS);
      if (!stream) {
        for (const d of r.deals) out.deals.push(d);
        for (const e of r.errors) out.errors.push(e);
      }
      out.rows += r.rows;
      out.skipped += r.skipped;
      const p = imp.progress();
      progress({ rows: out.rows, done: r.done, bytesRead: p.bytesRead, bytesTotal: p.bytesTotal }, r);
      if (r.done) break;
    }
  } finally {
    imp.free();
  }
  return out;
}

/** A stage-history import (HubSpot, Salesforce, or the long format with its deals file). */
export function importHistory(api, m) {
  const options = m.options || undefined;
  const model = m.model || undefined;
  if (m.format === 'stage_history') return api.importStageHistory(String(m.text), m.deals == null ? undefined : String(m.deals), options, model);
  return api.importHistory(String(m.text), m.format, options, model);
}

export function handleCsvMessage(api, post) {
  return async (e) => {
    const m = e.data || {};
    try {
      await api.ready;
      if (m.type === 'presets') post({ type: 'presets', presets: api.csvPresets() });
      else if (m.type === 'preview') post({ type: 'preview', preview: api.csvPreview(String(m.text)) });
      else if (m.type === 'parse') {
        // { stream: true }: each progress message carries its chunk's deals and errors.
        const result = parseInChunks(api, String(m.text), m.mapping, m.model,
          (p, r) => post(m.stream ? { type: 'progress', ...p, deals: r.deals, errors: r.errors } : { type: 'progress', ...p }), !!m.stream);
        post({ type: 'done', result });
      } else if (m.type === 'history') post({ type: 'done', result: importHistory(api, m) });
      else throw new Error(`unknown message ${JSON.stringify(m.type)}`);
    } catch (err) {
      post({ type: 'error', message: err && err.message ? err.message : String(err), detail: err && err.detail && typeof err.detail === 'object' ? { ...err.detail } : undefined });
    }
  };
}
