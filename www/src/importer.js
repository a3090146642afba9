// <stagecast-import>: CSV import. Choose a file or drop one; pick a column
// preset (HubSpot, Salesforce, Pipedrive, Maven, from the engine's
// csvPresets()) or map columns by hand; the file is parsed by the engine's
// parseCsv() in a Web Worker with a progress bar; bad rows are listed with
// their line numbers and the good rows are kept.
import { StagecastElement, el, MissingFunction } from './base.js';
import { parseInChunks } from './csv-core.js';
import { wordCode, wordError } from './i18n.js';

/**
 * Talks to the CSV worker (its wasm has the csv feature); without a worker,
 * calls the API in this thread when it has the CSV functions.
 */
class CsvClient {
  constructor(api, make) {
    this.api = api;
    this.q = [];
    try {
      this.w = make ? make() : null;
    } catch {
      this.w = null;
    }
    if (!this.w) return;
    this.w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'progress') return this.q[0] && this.q[0].progress(m);
      const job = this.q.shift();
      if (!job) return;
      if (m.type === 'error') job.reject(Object.assign(new Error(m.message), m.detail ? { detail: m.detail } : {}));
      else job.resolve(m);
    };
    this.w.onerror = (e) => {
      e.preventDefault();
      for (const job of this.q.splice(0)) job.reject(new Error(e.message || 'the CSV worker failed to start'));
    };
  }
  call(msg, progress = () => {}) {
    if (this.w) {
      return new Promise((resolve, reject) => {
        this.q.push({ resolve, reject, progress });
        this.w.postMessage(msg);
      });
    }
    const need = { presets: 'csvPresets', preview: 'csvPreview', parse: 'parseCsv' }[msg.type];
    if (typeof this.api[need] !== 'function') return Promise.reject(new MissingFunction(need));
    return new Promise((resolve) => {
      if (msg.type === 'presets') resolve({ presets: this.api.csvPresets() });
      else if (msg.type === 'preview') resolve({ preview: this.api.csvPreview(msg.text) });
      else resolve({ result: parseInChunks(this.api, msg.text, msg.mapping, msg.model, progress) });
    });
  }
}

const CSS = `
.drop { border: 2px dashed var(--line); border-radius: 8px; padding: 14px; margin: 0 0 10px; }
.drop.over { border-color: var(--accent); background: color-mix(in srgb, var(--accent) 6%, transparent); }
.row { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 8px 0; }
.row label { display: flex; flex-direction: column; gap: 3px; font-size: .88em; color: var(--muted); }
progress { width: 100%; height: 10px; accent-color: var(--accent); display: block !important; }
progress[hidden] { display: none !important; }
ol.bad { list-style: none; font-size: .9em; max-height: 14em; overflow: auto; }
ol.bad li { border-top: 1px solid var(--line); padding: 3px 0; overflow-wrap: anywhere; }
ol.bad b { color: var(--warn); margin-right: 6px; }
`;

/** The engine's presets `[{ name, title, ...mapping }]` as [{ name, title, mapping }]. */
function presetList(p) {
  return (p || []).map(({ name, title, ...mapping }) => ({ name, title: title || name, mapping }));
}
/**
 * Why `head` (the first bytes of a file) is not CSV text: 'excel' for a
 * workbook (.xlsx is a zip file, .xls an OLE file), 'binary' for other
 * binary data, '' when it may be CSV.
 */
export function notCsv(head, name) {
  if (/\.(xlsx|xlsm|xls|ods|numbers)$/i.test(name) || head.startsWith('PK\u0003\u0004') || head.startsWith('\u00d0\u00cf\u0011\u00e0')) return 'excel';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001a]/.test(head)) return 'binary';
  return '';
}

/** Columns a user can map by hand (closeDate takes a list of columns). */
const FIELDS = ['id', 'label', 'seller', 'value', 'margin', 'status', 'closeDate', 'sellerProbability'];

export class StagecastImport extends StagecastElement {
  static json = ['model', 'mapping'];
  static text = ['locale', 'preset'];
  static styles() {
    return [CSS];
  }
  /** The deals loaded so far (the last good import). */
  get deals() {
    return this._result ? this._result.deals : [];
  }
  get result() {
    return this._result;
  }
  render() {
    const u = this._uid;
    const file = el('input', { type: 'file', id: `${u}f`, accept: '.csv,text/csv', 'data-field': 'file' });
    file.addEventListener('change', () => file.files[0] && this._load(file.files[0], true));
    const drop = el('div', { className: 'drop', 'data-role': 'drop' }, el('label', { for: `${u}f`, text: this.t('chooseFile') }), el('div', null, file));
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const f = e.dataTransfer && e.dataTransfer.files[0];
      if (f) this._load(f, true);
    });
    this._mapRow = el('div', { className: 'row' });
    this._progress = el('progress', { max: 1, value: 0, id: `${u}p`, hidden: true, 'aria-label': this.t('parsing') });
    this._out = el('section', { 'aria-live': 'polite', 'data-role': 'import-result' });
    this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('importCsv') }), drop, this._mapRow, this._progress, this._out));
    this._client ||= new CsvClient(this.api, StagecastElement.worker);
    if (this._presets) this._mapping();
    else {
      this._presetsP ||= this._client.call({ type: 'presets' }).then((m) => (this._presets = presetList(m.presets)));
      this._presetsP.then(() => this._mapping(), (e) => this.showError(e, this._out));
    }
    if (this._result) this._show(this._result);
  }

  /** The preset select, and one select per field when mapping by hand. */
  _mapping() {
    const u = this._uid;
    const want = this._preset ?? (this.prop('preset') || (this._presets[0] && this._presets[0].name));
    const sel = el('select', { id: `${u}s`, 'data-field': 'preset' });
    // The engine's preset titles are English: the UI's own, by name, when it has one.
    for (const p of this._presets) sel.append(el('option', { value: p.name, text: this.t(`preset.${p.name}`) === `preset.${p.name}` ? p.title : this.t(`preset.${p.name}`), selected: p.name === want }));
    sel.append(el('option', { value: '', text: this.t('custom'), selected: want === '' }));
    sel.addEventListener('change', () => {
      this._preset = sel.value;
      this.keepFocus(() => this._mapping());
    });
    const rows = [el('label', { for: `${u}s`, text: this.t('preset') }, sel)];
    if (want === '' && this._headers) {
      this._manual ||= {};
      FIELDS.forEach((f, i) => {
        const s = el('select', { id: `${u}c${i}`, 'data-map': f });
        s.append(el('option', { value: '', text: this.t('notMapped') }));
        for (const h of this._headers) s.append(el('option', { value: h, text: h, selected: this._manual[f] === h }));
        s.addEventListener('change', () => { this._manual[f] = s.value || undefined; });
        rows.push(el('label', { for: `${u}c${i}`, text: f }, s));
      });
    }
    if (this._text != null) rows.push(el('button', { type: 'button', className: 'primary', 'data-action': 'load', text: this.t('load'), onclick: () => this._parse() }));
    this._mapRow.replaceChildren(...rows);
  }

  currentMapping() {
    if (this._preset === '' && this._manual) {
      // By hand: plain columns, without a stage map (the status column decides won / lost).
      const m = {};
      for (const [k, v] of Object.entries(this._manual)) if (v) m[k] = k === 'closeDate' ? [v] : v;
      return m;
    }
    if (this._preset == null && this.prop('mapping')) return this.prop('mapping');
    const name = this._preset || this.prop('preset') || this._guess || (this._presets && this._presets[0] && this._presets[0].name);
    const p = (this._presets || []).find((x) => x.name === name);
    return p ? p.mapping : {};
  }

  /**
   * Reads a File (or a string) and parses it with the current mapping.
   * Resolves to { type: 'done', result } or { type: 'error', message }. A
   * call from code fires no `stagecast-change` (the user's own file does).
   */
  loadFile(f) {
    return this._load(f, false);
  }

  async _load(f, user) {
    await StagecastElement.ready();
    if (!this._mapRow) this.render();
    this._user = user;
    // A spreadsheet or other binary file: say so rather than look for columns in it.
    const what = typeof f === 'string' ? notCsv(f.slice(0, 512), '') : notCsv(await f.slice(0, 512).text(), f.name || '');
    if (what) {
      const message = this.t('notCsv', { what: this.t(what) });
      this._out.replaceChildren(el('p', { className: 'error', role: 'alert', 'data-role': 'import-error', text: message }));
      this.dispatchEvent(new CustomEvent('stagecast-error', { detail: { message, code: 'not_csv' }, bubbles: true, composed: true }));
      return { type: 'error', message };
    }
    this._text = typeof f === 'string' ? f : await f.text();
    try {
      await this._presetsP;
      const pv = (await this._client.call({ type: 'preview', text: this._text.slice(0, 64 * 1024) })).preview;
      this._headers = pv ? pv.header : null;
      if (pv && pv.preset && this._preset == null && !this.prop('preset')) this._guess = this._preset = pv.preset;
    } catch (e) {
      this._headers = null;
      if (e instanceof MissingFunction) {
        this.showError(e, this._out);
        return { type: 'error', message: e.message };
      }
    }
    this._mapping();
    return this._parse();
  }

  /** Parses the loaded text; a failure keeps what was loaded before. */
  async _parse() {
    const text = this._text;
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    this._progress.hidden = false;
    this._progress.value = 0;
    try {
      const m = await this._client.call({ type: 'parse', text, mapping: this.currentMapping(), model: this.prop('model') }, (p) => {
        this._progress.value = p.done ? 1 : Math.min(1, p.rows / Math.max(1, lines));
      });
      this._result = m.result;
      this._show(m.result);
      if (this._user) this.emit(m.result);
      this._user = false;
      return { type: 'done', result: m.result };
    } catch (e) {
      this._out.replaceChildren(el('p', { className: 'error', role: 'alert', 'data-role': 'import-error', text: wordError(this.loc, e) }));
      this.dispatchEvent(new CustomEvent('stagecast-error', { detail: { message: e.message, code: e.detail && e.detail.code }, bubbles: true, composed: true }));
      return { type: 'error', message: e.message };
    } finally {
      this._progress.hidden = true;
    }
  }

  _show(r) {
    const bad = el('ol', { className: 'bad', 'data-role': 'errors' });
    // Each error with its line and, when the engine names it, its column.
    for (const e of (r.errors || []).slice(0, 500)) {
      const where = e.column ? `${this.t('line', { n: e.line })}, ${this.t('columnIs', { c: e.column })}:` : `${this.t('line', { n: e.line })}:`;
      bad.append(el('li', { 'data-line': e.line, 'data-column': e.column || null }, el('b', { text: where }), el('span', { 'data-code': e.code || null, text: e.code ? wordCode(this.loc, e, 'problem_') : e.message })));
    }
    const n = (r.errors || []).length;
    this._out.replaceChildren(el('p', { 'data-role': 'summary', text: this.t('loaded', { n: r.deals.length, bad: n, skipped: r.skipped || 0 }) }),
      ...(n ? [el('h3', { text: this.t('badRows') }), bad] : []));
  }
}
