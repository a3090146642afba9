// <stagecast-import>: CSV import. Choose a file or drop one; pick a column
// preset (HubSpot, Salesforce, Pipedrive, Maven, from the engine's
// csvPresets()) or map columns by hand; the file is parsed by the engine's
// parseCsv() in a Web Worker with a progress bar; bad rows are listed with
// their line numbers and the good rows are kept.
// A CRM's stage history (HubSpot's "Date entered" export, Salesforce's
// Opportunity History report, a long `deal id, stage, date` file beside its
// deals file; also a current-stage-only HubSpot or Salesforce export) is
// imported by the engine's importHistory(), with a stage -> milestone table
// (deal counts per stage, outcomes, editable milestones), a preview, and the
// engine's notices and problems worded in the user's language.
import { StagecastElement, el, MissingFunction } from './base.js';
import { parseInChunks, importHistory } from './csv-core.js';
import { startWorker, workerError } from './analysis-client.js';
import { formatNumber, wordCode, wordError, addStrings } from './i18n.js';

/** Presets whose files go through the stage-history import. */
const HISTORY = new Set(['hubspot', 'salesforce', 'hubspot_history', 'salesforce_history', 'stage_history', 'stage_history_deals']);
/** The engine's format name of a history preset. */
const formatOf = (name) => (name.startsWith('hubspot') ? 'hubspot' : name.startsWith('salesforce') ? 'salesforce' : 'stage_history');

/**
 * Talks to the CSV worker (its wasm has the csv feature); without a worker,
 * calls the API in this thread when it has the CSV functions.
 */
class CsvClient {
  constructor(api, make) {
    this.api = api;
    this.q = [];
    this.w = startWorker(make);
    if (!this.w) return;
    this.w.onmessage = (e) => {
      const m = e.data;
      // The import's words, posted first by the worker (i18n-import.js).
      if (m.type === 'strings') return addStrings(m.strings);
      if (m.type === 'progress') return this.q[0] && this.q[0].progress(m);
      const job = this.q.shift();
      if (!job) return;
      if (m.type === 'error') job.reject(workerError(m.message, m.detail));
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
    const need = { presets: 'csvPresets', preview: 'csvPreview', parse: 'parseCsv', history: 'importHistory' }[msg.type];
    if (typeof this.api[need] !== 'function') return Promise.reject(new MissingFunction(need));
    return new Promise((resolve) => {
      if (msg.type === 'presets') resolve({ presets: this.api.csvPresets() });
      else if (msg.type === 'preview') resolve({ preview: this.api.csvPreview(msg.text) });
      else if (msg.type === 'history') resolve({ result: importHistory(this.api, msg) });
      else resolve({ result: parseInChunks(this.api, msg.text, msg.mapping, msg.model, progress) });
    });
  }
}

const CSS = `
.drop { border: 2px dashed var(--line); border-radius: 8px; padding: 14px; margin: 0 0 10px; }
.drop.over { border-color: var(--accent); background: color-mix(in srgb, var(--accent) 6%, transparent); }
.row { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 8px 0; }
.row label { display: flex; flex-direction: column; gap: 3px; font-size: .88em; color: var(--muted); }
.row label { min-width: 0; max-width: 100%; }
.row select { max-width: 100%; width: auto; }
progress { width: 100%; height: 10px; accent-color: var(--accent); display: block !important; }
progress[hidden] { display: none !important; }
ol.bad { list-style: none; font-size: .9em; max-height: 14em; overflow: auto; }
ol.bad li { border-top: 1px solid var(--line); padding: 3px 0; overflow-wrap: anywhere; }
ol.bad b { color: var(--warn); margin-right: 6px; }
table.stages select { padding: 3px 5px; margin: 1px 4px 1px 0; }
table.stages tr.unmapped td:first-child { color: var(--warn); }
table.stages .outcome { color: var(--muted); font-style: italic; }
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
    const want = this.presetName();
    const sel = el('select', { id: `${u}s`, 'data-field': 'preset' });
    // The engine's preset titles are English: the UI's own, by name, when it has one.
    for (const p of this._presets) sel.append(el('option', { value: p.name, text: this.t(`preset.${p.name}`) === `preset.${p.name}` ? p.title : this.t(`preset.${p.name}`), selected: p.name === want }));
    for (const f of ['hubspot', 'salesforce', 'stage_history']) {
      const name = f === 'stage_history' ? f : `${f}_history`;
      sel.append(el('option', { value: name, text: this.t(`format_${f}`), selected: name === want || (want === 'stage_history_deals' && name === 'stage_history') }));
    }
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

  /** The preset in use: the user's choice, else the one the file's columns name, else the `preset` attribute. */
  presetName() {
    return this._preset ?? this._guess ?? (this.prop('preset') || (this._presets && this._presets[0] && this._presets[0].name) || '');
  }

  currentMapping() {
    if (this._preset === '' && this._manual) {
      // By hand: plain columns, without a stage map (the status column decides won / lost).
      const m = {};
      for (const [k, v] of Object.entries(this._manual)) if (v) m[k] = k === 'closeDate' ? [v] : v;
      return m;
    }
    // The host's mapping, unless the file's columns name another preset.
    if (this._preset == null && this.prop('mapping') && (!this._guess || this._guess === this.prop('preset'))) return this.prop('mapping');
    const name = this.presetName();
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
      // Each file's own columns name its preset (a HubSpot export on a page
      // set up for Maven is read as HubSpot); the user's choice wins.
      this._guess = pv && pv.preset ? pv.preset : null;
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
    const name = this._preset === '' ? (this._guess || '') : this.presetName();
    if (HISTORY.has(name)) return this._history(name, null);
    const text = this._text;
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    this._progress.hidden = false;
    this._progress.value = 0;
    try {
      // From the worker the deals come chunk by chunk (stream), each chunk
      // read in its own task; gathered here.
      const deals = [];
      const errors = [];
      const m = await this._client.call({ type: 'parse', text, mapping: this.currentMapping(), model: this.prop('model'), stream: !!this._client.w }, (p) => {
        if (p.deals) for (const d of p.deals) deals.push(d);
        if (p.errors) for (const x of p.errors) errors.push(x);
        this._progress.value = p.done ? 1 : p.bytesTotal ? p.bytesRead / p.bytesTotal : Math.min(1, p.rows / Math.max(1, lines));
      });
      if (this._client.w) m.result = { ...m.result, deals, errors };
      this._result = m.result;
      this._show(m.result);
      if (this._user) this.emit(m.result);
      this._user = false;
      return { type: 'done', result: m.result };
    } catch (e) {
      return this._failed(e);
    } finally {
      this._progress.hidden = true;
    }
  }

  /** A failed import, worded from the engine's `detail` when it has one. */
  _failed(e) {
    const message = this.errorText(e);
    this._out.replaceChildren(el('p', { className: 'error', role: 'alert', 'data-role': 'import-error', text: message }));
    this.dispatchEvent(new CustomEvent('stagecast-error', { detail: { message, code: e.detail && e.detail.code }, bubbles: true, composed: true }));
    return { type: 'error', message };
  }

  errorText(e) {
    const d = e && e.detail;
    // An engine error (it has a path) is worded by wordError; a history
    // import's file error (no path) by the import's own words.
    if (!d || typeof d.code !== 'string' || d.path != null) return wordError(this.loc, e);
    const n = (v) => formatNumber(this.loc.tag, v);
    const alts = d.alternatives && d.alternatives.length ? this.t('err_or', { names: d.alternatives.map((a) => `“${a}”`).join(', ') }) : '';
    const text = this.t(`err_${d.code}`, { ...d, alts, maxBytes: d.maxBytes != null ? n(d.maxBytes) : '' });
    return text === `err_${d.code}` ? wordError(this.loc, e) : text;
  }

  /**
   * A stage-history import: `name` is the preset (hubspot_history, ...),
   * `rules` the stage -> milestone rules (null: the format's defaults).
   * `apply` false only previews (no `stagecast-change`).
   */
  async _history(name, rules, apply = true) {
    if (name === 'stage_history_deals') {
      // The long format's deals file: kept until its history file comes.
      this._dealsText = this._text;
      let rows = 0;
      for (let i = this._text.indexOf('\n'); i >= 0; i = this._text.indexOf('\n', i + 1)) if (i + 1 < this._text.length) rows++;
      this._out.replaceChildren(el('p', { className: 'notice', role: 'status', 'data-role': 'deals-file', text: this.t('dealsFileKept', { n: formatNumber(this.loc.tag, rows) }) }));
      return { type: 'pending' };
    }
    const format = formatOf(name);
    this._progress.hidden = false;
    this._progress.removeAttribute('value'); // indeterminate: read in one call
    try {
      const msg = { type: 'history', text: this._text, format, model: this.prop('model'), options: rules ? { stages: rules } : undefined };
      if (format === 'stage_history' && this._dealsText != null) msg.deals = this._dealsText;
      const m = await this._client.call(msg);
      this._historyName = name;
      this._rules = rules;
      this._result = m.result;
      this._applied = apply;
      this._show(m.result);
      if (apply && this._user) this.emit(m.result);
      this._user = this._user && !apply;
      return { type: 'done', result: m.result };
    } catch (e) {
      return this._failed(e);
    } finally {
      this._progress.hidden = true;
      this._progress.value = 0;
    }
  }

  /** The rules the stage table shows now. */
  tableRules() {
    return (this._result.stages || []).map((r) => ({ pipeline: r.pipeline, stage: r.stage, milestones: r.outcome ? [] : r.milestones, outcome: r.outcome }));
  }

  /** The stage -> milestone table of a history import: counts, outcomes, editable milestones. */
  _stageTable(r) {
    const model = this.currentModel();
    const ms = model.milestones || [];
    const label = (id) => (ms.find((m) => m.id === id) || {}).label || id;
    const n = (v) => formatNumber(this.loc.tag, v);
    const pipelines = new Set(r.stages.map((s) => s.pipeline || ''));
    const showPipeline = pipelines.size > 1 || !pipelines.has('');
    const head = el('tr', null, ...['stageCol', ...(showPipeline ? ['pipelineCol'] : []), 'dealsCol', 'wonCol', 'lostCol', 'openCol', 'milestonesCol']
      .map((k, i) => el('th', { className: i > (showPipeline ? 1 : 0) && k !== 'milestonesCol' ? 'num' : null, text: this.t(k) })));
    const body = el('tbody');
    r.stages.forEach((s, i) => {
      const cell = el('td', { 'data-role': 'milestones' });
      // One select per milestone the stage reaches, and one more to add
      // another; the first can also make the stage an outcome.
      const picks = s.outcome ? [`=${s.outcome}`] : [...s.milestones, ''];
      picks.forEach((v, j) => {
        if (j > 0 && (v === '' && picks[j - 1] === '')) return;
        const sel = el('select', { 'data-stage': s.stage, 'data-pipeline': s.pipeline || null, 'data-slot': j, 'aria-label': `${s.stage}: ${this.t(j ? 'alsoMilestone' : 'milestonesCol')}` });
        sel.append(el('option', { value: '', text: this.t('noMilestone') }));
        for (const m of ms) sel.append(el('option', { value: m.id, text: label(m.id) }));
        if (j === 0) for (const o of ['won', 'lost']) sel.append(el('option', { value: `=${o}`, text: this.t(`outcome_${o}`) }));
        sel.value = v;
        sel.addEventListener('change', () => this._edit(i, j, sel.value));
        cell.append(sel);
      });
      if (s.closedOnly) cell.append(el('span', { className: 'outcome', 'data-role': 'closed-only', text: ` ${this.t('closedOnly')}` }));
      body.append(el('tr', { 'data-stage': s.stage, 'data-pipeline': s.pipeline || null, 'data-outcome': s.outcome || null, className: s.mapped || s.outcome ? null : 'unmapped' },
        el('td', { text: s.stage }), showPipeline ? el('td', { text: s.pipeline || '' }) : null,
        el('td', { className: 'num', 'data-role': 'deals', text: n(s.deals) }), el('td', { className: 'num', 'data-role': 'won', text: n(s.won) }),
        el('td', { className: 'num', 'data-role': 'lost', text: n(s.lost) }), el('td', { className: 'num', 'data-role': 'open', text: n(s.open) }), cell));
    });
    const apply = el('button', { type: 'button', className: 'primary', 'data-action': 'apply-stages', text: this.t('applyStages'), disabled: this._applied, onclick: () => { this._user = true; return this._history(this._historyName, this._rules, true); } });
    const reset = el('button', { type: 'button', 'data-action': 'reset-stages', text: this.t('resetStages'), onclick: () => this._history(this._historyName, null, false) });
    return el('div', { 'data-role': 'stage-table' }, el('h3', { text: this.t('stageTable') }), el('p', { className: 'muted', text: this.t('stageLead') }),
      el('div', { className: 'scroll' }, el('table', { className: 'stages' }, el('thead', null, head), body)), el('div', { className: 'row' }, apply, reset));
  }

  /** An edit in the stage table: re-imports as a preview (Apply emits it). */
  _edit(i, slot, value) {
    const rules = this.tableRules();
    const rule = rules[i];
    if (!rule) return;
    if (slot === 0 && value.startsWith('=')) {
      rule.outcome = value.slice(1);
      rule.milestones = [];
    } else {
      if (slot === 0) delete rule.outcome;
      const list = rule.milestones.slice();
      if (value) list[slot] = value;
      else list.splice(slot, 1);
      rule.milestones = [...new Set(list.filter(Boolean))];
    }
    this._user = true;
    const r = this._result.stages[i];
    const sel = `select[data-stage="${globalThis.CSS.escape(r.stage)}"][data-slot="${slot}"]`;
    return this._history(this._historyName, rules, false).then((x) => {
      (this._root.querySelector(sel) || this._root.querySelector(`select[data-stage="${globalThis.CSS.escape(r.stage)}"]`))?.focus();
      return x;
    });
  }

  /** One line per notice of a history import. */
  noticeText(x) {
    const n = (v) => formatNumber(this.loc.tag, v);
    const vars = { ...x };
    for (const k of ['won', 'lost', 'open', 'deals']) if (x[k] != null) vars[k] = n(x[k]);
    vars.pipeline = x.pipeline ? ` (${x.pipeline})` : '';
    return this.t(`notice_${x.code}`, vars);
  }

  /** A row problem of a history import, worded. */
  problemText(x) {
    const vars = { ...x };
    if (x.max != null) vars.max = formatNumber(this.loc.tag, x.max);
    return this.t(`problem_${x.code}`, vars);
  }

  _show(r) {
    if (r.stages) return this._showHistory(r);
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

  _showHistory(r) {
    const n = (v) => formatNumber(this.loc.tag, v);
    const closed = r.deals.filter((d) => d.status === 'won' || d.status === 'lost');
    const events = r.deals.reduce((t, d) => t + (d.events || []).filter((e) => e.date).length, 0);
    const format = this.t(r.hasHistory ? `format_${r.format}` : `format_${r.format}_flat`);
    const notices = el('div', { 'data-role': 'notices' });
    for (const x of r.notices || []) notices.append(el('p', { className: 'notice', role: 'status', 'data-notice': x.code, text: this.noticeText(x) }));
    const bad = el('ol', { className: 'bad', 'data-role': 'errors' });
    for (const e of (r.issues || []).slice(0, 500)) {
      const where = e.column ? `${this.t('line', { n: e.line })}, ${this.t('columnIs', { c: e.column })}:` : `${this.t('line', { n: e.line })}:`;
      bad.append(el('li', { 'data-line': e.line, 'data-column': e.column || null, 'data-code': e.code }, el('b', { text: where }), el('span', { text: this.problemText(e) })));
    }
    const nb = (r.issues || []).length;
    this._out.replaceChildren(
      el('p', { 'data-role': 'summary', text: this.t('loaded', { n: r.deals.length + (r.closedWithoutHistory || []).length, bad: nb, skipped: r.skipped || 0 }) }),
      el('p', { className: 'muted', 'data-role': 'format', text: this.t('historyFormat', { format }) }),
      notices,
      this._stageTable(r),
      el('p', { 'data-role': 'stage-preview', text: this.t('stagePreview', { deals: n(r.deals.length + (r.closedWithoutHistory || []).length), calibrate: n(closed.length), open: n(r.deals.length - closed.length), events: n(events) }) }),
      ...(nb ? [el('h3', { text: this.t('badRows') }), bad] : []));
  }
}
