// The CSV import worker's side. Its wasm is built with the `csv` feature
// (parseCsv, csvPreview, csvPresets), which the widget's own wasm leaves out
// to stay small. Messages, each answered in order:
//   { type: 'presets' }                    -> { type: 'presets', presets }
//   { type: 'preview', text }              -> { type: 'preview', preview }
//   { type: 'parse', text, mapping, model } -> { type: 'progress', done, total }*, { type: 'done', result }
// and { type: 'error', message } when something fails.
// Big files are cut into chunks of records (parseCsv's offsetRows/maxRows),
// so progress can be shown; line numbers are the file's own.
const CHUNK_ROWS = 2000;

/** Parses `text` chunk by chunk; `progress(rowsDone, rowsSeen)` after each chunk. */
export function parseInChunks(api, text, mapping, model, progress) {
  const out = { deals: [], errors: [], rows: 0, skipped: 0 };
  for (let offset = 0; ; offset += CHUNK_ROWS) {
    const r = api.parseCsv(text, mapping, model || undefined, { offsetRows: offset, maxRows: CHUNK_ROWS });
    out.deals.push(...r.deals);
    out.errors.push(...r.errors);
    out.rows += r.rows;
    out.skipped += r.skipped;
    progress(out.rows, r.done);
    if (r.done || r.rows === 0) break;
  }
  return out;
}

export function handleCsvMessage(api, post) {
  return async (e) => {
    const m = e.data || {};
    try {
      await api.ready;
      if (m.type === 'presets') post({ type: 'presets', presets: api.csvPresets() });
      else if (m.type === 'preview') post({ type: 'preview', preview: api.csvPreview(String(m.text)) });
      else if (m.type === 'parse') {
        const result = parseInChunks(api, String(m.text), m.mapping, m.model, (rows, done) => post({ type: 'progress', rows, done }));
        post({ type: 'done', result });
      } else throw new Error(`unknown message ${JSON.stringify(m.type)}`);
    } catch (err) {
      post({ type: 'error', message: err && err.message ? err.message : String(err), detail: err && err.detail && typeof err.detail === 'object' ? { ...err.detail } : undefined });
    }
  };
}
