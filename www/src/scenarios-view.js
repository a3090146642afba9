// The view of <stagecast-scenarios> (the what-if board): building and
// updating its DOM, seeding from the host's baseline, export and import of
// JSON, the tornado chart, and its styles. It ships with the analysis part,
// which the board needs anyway (compareScenarios): dist/stagecast-analysis.js
// (www/src/global-analysis.js) and the ES entry's loadAnalysis() call
// scenarios.js's addScenariosView(scenariosView), which gives it what it uses
// of the main bundle (the DOM builders, the formatters: one copy of each, the
// dictionaries the words were added to) and adds its methods to the class.
// Untrusted text (scenario names, a file's error) is set with textContent only.
import { downloadJson } from './store.js';

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

let SHEET = null;
function sheetOf(text) {
  const s = new CSSStyleSheet();
  s.replaceSync(text);
  return s;
}

export const DEFAULT_SCENARIOS = [
  { name: 'Today', meetingsPerWeek: 8, weeks: 12, meetingToOpportunity: 0.3, winRate: 0.25, averageMargin: 60000, marginBudget: 500000 },
  { name: 'More meetings', meetingsPerWeek: 11, weeks: 12, meetingToOpportunity: 0.3, winRate: 0.25, averageMargin: 60000, marginBudget: 500000 },
];

/**
 * The view's methods, for StagecastScenarios.prototype. `kit`: `el`, `svg`,
 * `axisText`, `formatPercent`, `formatMoney`, `formatNumber`,
 * `checkScenarios`, `LEVERS` and store.js's `load` (scenarios.js and the
 * modules it imports: one copy of each; `downloadJson`, which only the view
 * uses, it imports itself).
 */
export function scenariosView(kit) {
  const { el, svg, axisText, formatPercent, formatMoney, formatNumber, checkScenarios, LEVERS, load } = kit;
  const W = 320;
  const r1 = (v) => Math.round(v * 10) / 10;

  /**
   * Tornado: each lever's low/high value of a measure around the base value,
   * bars sorted as given. Every chart shares one axis, `axis` [lo, hi]
   * (0-100 % for a probability), so a 98-100 % swing looks as small as it is.
   */
  function tornadoChart(bars, { title, base, fmt, lever, axis = [0, 1], axisLabel }) {
    const rowH = 36, T = 4, L = 6, R = 10, A = 30;
    const [lo, hi] = axis;
    const span = hi - lo || 1;
    const x = (v) => L + ((Math.min(hi, Math.max(lo, v)) - lo) / span) * (W - L - R);
    const H = T + rowH * bars.length;
    const root = svg('svg', { viewBox: `0 0 ${W} ${H + A}`, role: 'img', 'aria-label': title, 'data-chart': 'tornado', 'data-lo': lo, 'data-hi': hi });
    root.append(svg('title', { text: title }));
    bars.forEach((b, i) => {
      const yy = T + i * rowH;
      const min = Math.min(b.low, b.high), max = Math.max(b.low, b.high);
      // The lever's name and its range on one line, the bar under it: no overlap at any width.
      root.append(svg('text', { x: L, y: yy + 11, 'text-anchor': 'start', text: `${lever(b.lever)}: ${fmt(min)} – ${fmt(max)}` }));
      root.append(svg('rect', { x: r1(x(min)), y: yy + 16, width: r1(Math.max(1.5, x(max) - x(min))), height: 14, rx: 2, fill: 'var(--accent)', 'fill-opacity': 0.8, 'data-lever': b.lever }));
      // The base case's mark crosses the bar only, never the label above it.
      root.append(svg('line', { x1: r1(x(base)), y1: yy + 14, x2: r1(x(base)), y2: yy + 32, stroke: 'var(--text)', 'stroke-width': 1.5, 'data-role': 'base' }));
    });
    // The shared axis, with ticks at every quarter.
    const g = svg('g', { 'data-role': 'axis' });
    g.append(svg('line', { x1: x(lo), y1: H + 2, x2: x(hi), y2: H + 2, stroke: 'var(--muted)' }));
    for (let k = 0; k <= 4; k++) {
      const v = lo + (span * k) / 4;
      g.append(svg('line', { x1: r1(x(v)), y1: H, x2: r1(x(v)), y2: H + 6, stroke: 'var(--muted)' }));
      g.append(axisText(x(v), H + 17, fmt(v), k === 0 ? 'start' : k === 4 ? 'end' : 'middle'));
    }
    if (axisLabel) g.append(axisText(W / 2, H + 29, axisLabel));
    root.append(g);
    return root;
  }

  return class ScenariosView {
    /** The view's render (the element's render() calls it). */
    _draw() {
      // The view's styles join the element's on its first draw.
      if (!this._viewStyled) {
        this._viewStyled = true;
        this._root.adoptedStyleSheets = [...this._root.adoptedStyleSheets, (SHEET ||= sheetOf(CSS))];
      }
      this._init();
      if (this._seedPending) this._seed();
      this.keepFocus(() => this._build());
      this._update();
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
        if (saved.broken) this._status = { kind: 'error', key: 'brokenSaved', vars: { key: saved.setAside || this.storageKey } };
        if (saved.blocked) this._status = { kind: 'error', key: 'notSaved' };
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
      this._status_el.textContent = this._status ? this.t(this._status.key, this._status.vars) : '';
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
        this._status = { kind: 'ok', key: 'imported' };
        this._persist();
        this._active = 0;
        this.render();
        this.dispatchEvent(new CustomEvent('stagecast-import', { detail: { model, scenarios: this.scenarios }, bubbles: true, composed: true }));
      } catch (e) {
        this._status = { kind: 'error', key: 'importBad', vars: { msg: e.message } };
        this._update();
      }
    }
  };
}
