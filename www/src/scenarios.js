// <stagecast-scenarios>: the what-if board. Scenarios side by side, a
// labelled slider per lever, the engine's compareScenarios() numbers, a
// tornado chart; add / remove / rename; saved in localStorage; export and
// import of model + scenarios as a JSON file.
import { StagecastElement, el } from './base.js';
import { formatPercent, formatMoney, formatNumber } from './i18n.js';
import { tornadoChart } from './charts.js';
import { PREFIX, load, save, downloadJson } from './store.js';

const CSS = `
.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 0 0 12px; }
.bar label.file { position: relative; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0; padding: 10px 12px; min-width: 0; }
fieldset.active { border-color: var(--accent); }
legend { font-weight: 650; padding: 0 4px; overflow-wrap: anywhere; }
.lever { margin: 6px 0; }
.lever label { display: flex; justify-content: space-between; gap: 8px; font-size: .9em; }
.lever output { font-variant-numeric: tabular-nums; font-weight: 600; }
.lever .typed { display: flex; gap: 6px; align-items: center; }
.lever input[type=number] { width: 8.5em; }
.lever .field-msg { display: block; color: var(--warn); font-size: .85em; }
.lever .field-msg:empty { display: none; }
.seed { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.name input { width: 100%; }
dl.res { display: grid; grid-template-columns: auto auto; gap: 2px 10px; margin: 10px 0 6px; font-size: .9em; }
dl.res dt { color: var(--muted); } dl.res dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.tornado { margin-top: 14px; }
.tornado svg { max-width: 480px; }
p.status { margin: 0 0 8px; }
p.status:empty { display: none; }
`;

export const LEVERS = [
  { key: 'meetingsPerWeek', min: 0, max: 40, step: 1, kind: 'n' },
  { key: 'weeks', min: 1, max: 52, step: 1, kind: 'n' },
  { key: 'meetingToOpportunity', min: 0, max: 1, step: 0.01, kind: '%' },
  { key: 'winRate', min: 0, max: 1, step: 0.01, kind: '%' },
  { key: 'averageMargin', min: 0, max: 200000, step: 1000, kind: '$' },
  { key: 'marginBudget', min: 0, max: 5000000, step: 10000, kind: '$' },
];

export const DEFAULT_SCENARIOS = [
  { name: 'Today', meetingsPerWeek: 8, weeks: 12, meetingToOpportunity: 0.3, winRate: 0.25, averageMargin: 60000, marginBudget: 500000 },
  { name: 'More meetings', meetingsPerWeek: 11, weeks: 12, meetingToOpportunity: 0.3, winRate: 0.25, averageMargin: 60000, marginBudget: 500000 },
];

/** Throws unless `list` is a non-empty list of scenarios with every lever a finite number. */
export function checkScenarios(list) {
  if (!Array.isArray(list) || list.length === 0 || list.length > 12) throw new Error('scenarios: must be a list of 1 to 12 scenarios');
  return list.map((s, i) => {
    if (!s || typeof s !== 'object') throw new Error(`scenarios[${i}]: must be an object`);
    const out = { name: typeof s.name === 'string' && s.name.trim() ? s.name.slice(0, 80) : `Scenario ${i + 1}` };
    for (const l of LEVERS) {
      const v = s[l.key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (l.kind === '%' && v > 1)) throw new Error(`scenarios[${i}].${l.key}: must be a number${l.kind === '%' ? ' from 0 to 1' : ' >= 0'}`);
      out[l.key] = v;
    }
    return out;
  });
}

export class StagecastScenarios extends StagecastElement {
  static json = ['model', 'scenarios'];
  static text = ['locale', 'currency', 'storage-key'];
  /**
   * Figures learned from the host's data, `{ winRate, averageMargin,
   * closed }`: the base scenario is seeded from them (and says so), unless
   * the user has saved scenarios of their own, which are kept; the board
   * then offers the figures.
   */
  get baseline() {
    return this._baseline;
  }
  set baseline(b) {
    this._baseline = b && Number.isFinite(b.winRate) && Number.isFinite(b.averageMargin) ? { ...b } : null;
    this._seedPending = !!this._baseline;
    // Once the board is on screen and the user has edited it, only the offer
    // changes: update it in place, never rebuild under the user's typing.
    if (this._list && this._seedBox && this._userEdited) {
      this._seed();
      this._seedBox.replaceChildren(...this._seedNote());
      return;
    }
    this.schedule();
  }
  static analysis = true; // compareScenarios
  static styles() {
    return [CSS];
  }
  get storageKey() {
    return this.prop('storage-key') || `${PREFIX}scenarios`;
  }
  get scenarios() {
    return this._list ? this._list.map((s) => ({ ...s })) : this.prop('scenarios');
  }
  set scenarios(v) {
    this._list = checkScenarios(v);
    this._persist();
    this.schedule();
  }
  /** The last compareScenarios() result. */
  get result() {
    return this._result;
  }

  _init() {
    if (this._list) return;
    const saved = load(this.storageKey, (v) => {
      this._savedSeed = !!(v && v.seeded);
      return checkScenarios(v && v.scenarios);
    });
    this._status = null;
    if (saved.value) {
      this._list = saved.value;
      this._seeded = saved.value.length && this._savedSeed;
    } else {
      if (saved.broken) this._status = { kind: 'error', text: this.t('brokenSaved', { key: saved.setAside || this.storageKey }) };
      if (saved.blocked) this._status = { kind: 'error', text: this.t('notSaved') };
      const given = this.prop('scenarios');
      // The built-in pair is named in the page's language.
      this._list = checkScenarios(given || DEFAULT_SCENARIOS.map((d, i) => ({ ...d, name: this.t(i ? 'scenarioMore' : 'scenarioToday') })));
    }
    this._userEdited = !!saved.value && !this._savedSeed;
    if (saved.broken || saved.blocked) {
      this.dispatchEvent(new CustomEvent('stagecast-storage', { detail: { ...saved }, bubbles: true, composed: true }));
    }
    this._active = 0;
  }

  _persist() {
    const r = save(this.storageKey, { version: 1, seeded: !!this._seeded, scenarios: this._list });
    if (!r.ok) this._status = { kind: 'error', text: this.t('notSaved') };
    else if (this._status && this._status.text === this.t('notSaved')) this._status = null;
    return r.ok;
  }

  render() {
    this._init();
    if (this._seedPending) this._seed();
    this.keepFocus(() => this._build());
    this._update();
  }

  /** Seeds the base scenario from the baseline, or offers it when the user's own scenarios are saved. */
  _seed(force) {
    this._seedPending = false;
    const b = this._baseline;
    if (!b) return;
    const rate = Math.min(1, Math.max(0, b.winRate));
    const margin = Math.max(0, Math.round(b.averageMargin));
    // Another tab may have saved the user's own scenarios since: never overwrite them.
    const stored = force ? null : load(this.storageKey, (v) => v).value;
    if (force || (!this._userEdited && !(stored && stored.seeded === false))) {
      // The data's pace, when the host gives it: new deals a week become
      // meetings at the scenario's meeting → opportunity rate (variants keep
      // their ratio to the base); the budget is what was won in as many weeks.
      const first = this._list[0];
      const scales = this._list.map((s) => (first.meetingsPerWeek > 0 ? s.meetingsPerWeek / first.meetingsPerWeek : 1));
      this._list.forEach((s, i) => {
        s.winRate = rate;
        s.averageMargin = margin;
        if (b.opportunitiesPerWeek > 0 && s.meetingToOpportunity > 0) {
          s.meetingsPerWeek = Math.round((b.opportunitiesPerWeek / s.meetingToOpportunity) * scales[i]);
        }
        if (b.wonPerWeek > 0) s.marginBudget = Math.round((b.wonPerWeek * s.weeks) / 10000) * 10000;
      });
      this._seeded = true;
      this._userEdited = false;
      this._offer = null;
      this._persist();
      return;
    }
    this._offer = { rate, margin };
  }

  fmt(kind, v) {
    const { tag } = this.loc;
    if (kind === '%') return formatPercent(tag, v);
    if (kind === '$') return formatMoney(tag, this.currency || 'EUR', v);
    return formatNumber(tag, v, 1);
  }

  /** The note on the seeded base, or the offer of the data's figures (a list of nodes). */
  _seedNote() {
    const b = this._baseline;
    const fmtSeed = (rate, margin) => ({ rate: this.fmt('%', rate), margin: this.fmt('$', margin), n: formatNumber(this.loc.tag, (b && b.closed) || 0) });
    let seedNote = null;
    if (this._offer) {
      seedNote = el('p', { className: 'seed muted', 'data-role': 'seed-offer' }, el('span', { text: this.t('seedOffer', fmtSeed(this._offer.rate, this._offer.margin)) }),
        el('button', { type: 'button', 'data-action': 'seed', text: this.t('seedApply'), onclick: () => { this._seed(true); this.render(); } }));
    } else if (b && this._seeded) {
      const first = this._list[0];
      const pace = b.opportunitiesPerWeek > 0 && b.wonPerWeek > 0
        ? this.t('seededPace', { opps: formatNumber(this.loc.tag, b.opportunitiesPerWeek, 0), won: this.fmt('$', b.wonPerWeek * first.weeks), weeks: formatNumber(this.loc.tag, first.weeks) })
        : this.t('seededNoPace');
      seedNote = el('p', { className: 'muted', 'data-role': 'seeded', text: `${this.t('seeded', fmtSeed(b.winRate, b.averageMargin))} ${pace}` });
    }
    return seedNote ? [seedNote] : [];
  }

  _build() {
    const u = this._uid;
    const file = el('input', { type: 'file', id: `${u}imp`, accept: '.json,application/json', className: 'visually-file' });
    file.addEventListener('change', () => file.files[0] && this._import(file.files[0]));
    const toolbar = el('div', { className: 'bar' },
      el('button', { type: 'button', id: `${u}add`, 'data-action': 'add', text: this.t('addScenario'), onclick: () => this._add() }),
      el('button', { type: 'button', id: `${u}exp`, 'data-action': 'export', text: this.t('exportJson'), onclick: () => this._export() }),
      el('label', { for: `${u}imp`, className: 'muted', text: `${this.t('importJson')}: ` }), file);
    const full = this._list.length >= 12;
    if (full) toolbar.querySelector('[data-action="add"]').disabled = true;
    const limit = full ? el('p', { className: 'muted', role: 'status', 'data-role': 'limit', text: this.t('limit') }) : null;
    this._seedBox = el('div', { 'data-role': 'seed' }, ...this._seedNote());
    this._status_el = el('p', { className: 'status', role: 'status', 'aria-live': 'polite', 'data-role': 'status' });
    const cols = el('div', { className: 'cols' });
    this._results = [];
    this._list.forEach((s, i) => {
      const name = el('input', { type: 'text', id: `${u}n${i}`, value: s.name, maxlength: 80, 'data-field': 'name' });
      const legend = el('legend', { text: s.name });
      name.addEventListener('input', () => {
        s.name = name.value.slice(0, 80) || `${this.t('scenario')} ${i + 1}`;
        legend.textContent = s.name;
        this._changed(i);
      });
      const fs = el('fieldset', { 'data-scenario': i, className: i === this._active ? 'active' : null }, legend,
        el('div', { className: 'name' }, el('label', { for: `${u}n${i}`, className: 'muted', text: this.t('name') }), name));
      for (const l of LEVERS) {
        const id = `${u}${i}${l.key}`;
        const v = s[l.key];
        // The slider covers a sensible range (and grows with the value); the
        // typed field takes any value >= 0 (a rate: 0-100 %), without a cap.
        const pctKind = l.kind === '%';
        const max = pctKind ? 1 : Math.max(l.max, v * 2);
        const range = el('input', { type: 'range', id, min: l.min, max, step: l.step, value: v, 'data-lever': l.key });
        const out = el('output', { for: id, 'data-value': l.key, text: this.fmt(l.kind, v) });
        const typedId = `${id}t`;
        const typed = el('input', { type: 'number', id: typedId, min: pctKind ? 0 : l.min, max: pctKind ? 100 : null, step: pctKind ? 1 : l.step, value: pctKind ? Math.round(v * 1000) / 10 : v,
          'data-lever-input': l.key, 'aria-label': `${this.t(l.key)}${pctKind ? ' (%)' : ''}`, 'aria-describedby': `${typedId}m` });
        const msg = el('span', { className: 'field-msg', id: `${typedId}m`, 'aria-live': 'polite' });
        range.addEventListener('input', () => {
          s[l.key] = Number(range.value);
          out.textContent = this.fmt(l.kind, s[l.key]);
          typed.value = pctKind ? Math.round(s[l.key] * 1000) / 10 : s[l.key];
          msg.textContent = '';
          typed.removeAttribute('aria-invalid');
          this._changed(i);
        });
        typed.addEventListener('change', () => {
          const n = Number(typed.value);
          const ok = typed.value !== '' && Number.isFinite(n) && n >= l.min && (!pctKind || n <= 100) && (l.key !== 'weeks' || n >= 1);
          if (!ok) {
            msg.textContent = pctKind ? this.t('leverBad', { min: 0, max: 100 }) : this.t('leverBadOpen', { min: l.key === 'weeks' ? 1 : l.min });
            typed.setAttribute('aria-invalid', 'true');
            return;
          }
          msg.textContent = '';
          typed.removeAttribute('aria-invalid');
          s[l.key] = pctKind ? n / 100 : n;
          if (!pctKind && s[l.key] > Number(range.max)) range.max = String(s[l.key] * 2);
          range.value = String(s[l.key]);
          out.textContent = this.fmt(l.kind, s[l.key]);
          this._changed(i);
        });
        fs.append(el('div', { className: 'lever' }, el('label', { for: id }, el('span', { text: this.t(l.key) }), out), range,
          el('div', { className: 'typed' }, typed, pctKind ? el('span', { className: 'muted', text: '%' }) : null), msg));
      }
      const res = el('dl', { className: 'res', 'data-role': 'result' });
      this._results.push(res);
      fs.append(res);
      if (this._list.length > 1) {
        fs.append(el('button', { type: 'button', id: `${u}rm${i}`, 'data-action': 'remove', 'aria-label': `${this.t('remove')}: ${s.name}`, text: this.t('remove'), onclick: () => this._remove(i) }));
      }
      fs.addEventListener('focusin', () => {
        if (this._active !== i) {
          this._active = i;
          for (const f of cols.children) f.classList.toggle('active', f.dataset.scenario === String(i));
          this._update();
        }
      });
      cols.append(fs);
    });
    this._tornado = el('div', { className: 'tornado', 'data-role': 'tornado' });
    this._live = el('p', { className: 'muted', 'aria-live': 'polite', 'data-role': 'summary' });
    this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('scenarios') }), toolbar, limit, this._seedBox, this._status_el, cols, this._live, this._tornado));
  }

  _changed(i) {
    this._active = i;
    this._userEdited = true;
    this._seeded = false;
    this._persist();
    this._update(true);
  }

  /** Recomputes with the engine and fills the results and the tornado in place. */
  _update(user = false) {
    this._status_el.textContent = this._status ? this._status.text : '';
    this._status_el.className = `status ${this._status && this._status.kind === 'error' ? 'error' : 'muted'}`;
    let out;
    try {
      const [base, ...variants] = this._list;
      out = this.fn('compareScenarios')(base, variants);
    } catch (e) {
      this.showError(e, this._tornado);
      return;
    }
    this._result = out;
    out.forEach((r, i) => {
      const dl = this._results[i];
      if (!dl) return;
      dl.replaceChildren();
      for (const [k, kind] of [['pHitBudget', '%'], ['expectedMargin', '$'], ['gap', '$'], ['expectedWins', 'n'], ['opportunities', 'n'], ['requiredPerMeeting', '$']]) {
        const v = k === 'requiredPerMeeting' ? r.requiredMarginPerMeeting : r[k];
        // A negative gap is a surplus: named so, shown as a positive amount.
        const label = k === 'gap' && v != null && v < 0 ? 'surplus' : k;
        dl.append(el('dt', { text: this.t(label) }), el('dd', { 'data-key': k, text: v == null ? '–' : this.fmt(kind, k === 'gap' ? Math.abs(v) : v) }));
      }
    });
    const a = out[this._active] || out[0];
    this._live.textContent = `${a.name}: ${this.t('pHitBudget')} ${this.fmt('%', a.pHitBudget)}, ${this.t('expectedMargin')} ${this.fmt('$', a.expectedMargin)}`;
    const bars = (a.sensitivity || []).map((b) => ({ lever: b.lever, low: b.lowPHitBudget, high: b.highPHitBudget }));
    // The engine moves four levers; Weeks and Budget are moved the same way
    // (−10 % / +10 %) and scored by the engine too.
    const s = this._list[this._active] || this._list[0];
    try {
      const moved = [];
      for (const key of ['weeks', 'marginBudget']) {
        if (bars.some((b) => b.lever === key)) continue;
        moved.push({ ...s, name: `${key}-`, [key]: s[key] * 0.9 }, { ...s, name: `${key}+`, [key]: s[key] * 1.1 });
      }
      if (moved.length) {
        const r = this.fn('compareScenarios')(s, moved);
        for (let k = 0; k < moved.length; k += 2) bars.push({ lever: moved[k].name.slice(0, -1), low: r[k + 1].pHitBudget, high: r[k + 2].pHitBudget });
      }
    } catch { /* the four engine levers are still shown */ }
    bars.sort((x, y) => Math.abs(y.high - y.low) - Math.abs(x.high - x.low));
    // A plan with many meetings has little spread: its chance of hitting the
    // budget is a cliff, and several levers each swing it from 0 % to 100 %.
    // The chart alone cannot rank those levers, so it says why.
    const cliff = bars.filter((b) => Math.abs(b.high - b.low) > 0.95).length >= 2;
    this._tornado.replaceChildren(el('h3', { text: `${this.t('tornado')}: ${a.name}` }),
      cliff ? el('p', { className: 'muted', 'data-role': 'tornado-cliff', text: this.t('tornadoCliff', { expected: this.fmt('$', a.expectedMargin), budget: this.fmt('$', s.marginBudget) }) }) : null,
      el('div', { part: 'chart tornado-chart' }, tornadoChart(bars, { title: this.t('tornado'), base: a.pHitBudget, fmt: (v) => this.fmt('%', v), lever: (k) => this.t(k), axis: [0, 1], axisLabel: this.t('tornadoAxis') })));
    // Fired for the user's changes only (a lever, a name, add, remove, import), once each.
    if (user) this.emit(out);
  }

  _add() {
    if (this._list.length >= 12) return;
    const from = this._list[this._active] || this._list[0];
    this._list.push({ ...from, name: `${this.t('scenario')} ${this._list.length + 1}` });
    this._active = this._list.length - 1;
    this._userEdited = true;
    this._seeded = false;
    this._persist();
    this.render();
    this.emit(this._result);
    this._root.getElementById(`${this._uid}n${this._active}`)?.focus();
  }

  _remove(i) {
    if (this._list.length <= 1) return;
    this._list.splice(i, 1);
    this._active = Math.min(this._active, this._list.length - 1);
    this._userEdited = true;
    this._persist();
    this.render();
    this.emit(this._result);
    this._root.getElementById(`${this._uid}add`)?.focus();
  }

  _export() {
    downloadJson('stagecast-scenarios.json', { stagecast: 1, model: this.currentModel(), scenarios: this.scenarios });
  }

  /** Reads a JSON file; replaces the state (and the saved copy) only when all of it is valid. */
  async _import(file) {
    try {
      const data = JSON.parse(await file.text());
      if (!data || typeof data !== 'object') throw new Error('not a stagecast export');
      const list = checkScenarios(data.scenarios);
      const [base, ...variants] = list;
      this.fn('compareScenarios')(base, variants); // the engine checks every field
      const model = data.model != null ? this.api.validateModel(data.model) : null;
      this._list = list;
      // The model is for this session (the page decides what scores with it); the file keeps it.
      if (model) this._props.model = model;
      this._status = { kind: 'ok', text: this.t('imported') };
      this._persist();
      this._active = 0;
      this.render();
      this.dispatchEvent(new CustomEvent('stagecast-import', { detail: { model, scenarios: this.scenarios }, bubbles: true, composed: true }));
    } catch (e) {
      this._status = { kind: 'error', text: this.t('importBad', { msg: e.message }) };
      this._update();
    }
  }
}
