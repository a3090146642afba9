// The custom elements, defined in JS over the wasm API (Rust cannot extend
// HTMLElement). Every element renders into its own shadow root, styles
// through constructed stylesheets (allowed under a strict CSP, immune to the
// host page's global CSS), sets untrusted text with textContent only, and
// dispatches `stagecast-change` with the engine's result.
import { StagecastElement, el, mirror } from './base.js';
import { formatPercent, formatMoney, wordCode, milestoneNamer, wordContributions } from './i18n.js';
import { funnelChart } from './charts.js';
import { StagecastScenarios } from './scenarios.js';
import { StagecastMeetings, StagecastForecast, StagecastCalibration } from './views.js';
import { StagecastImport } from './importer.js';
import { AnalysisClient } from './analysis-client.js';

const DEAL_CSS = `
.grid { display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(0, 1fr); gap: 18px; }
@media (max-width: 640px) { .grid { grid-template-columns: 1fr; } }
fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
li label { display: flex; gap: 10px; align-items: flex-start; padding: 7px 6px; border-radius: 6px; cursor: pointer; }
li label:hover { background: color-mix(in srgb, var(--accent) 7%, transparent); }
li .tag { font-size: .78em; color: var(--muted); margin-left: 4px; white-space: nowrap; }
li.missing .name { color: var(--warn); }
li.late .name::after { content: " ⤺"; color: var(--warn); }
li { display: flex; flex-wrap: wrap; align-items: center; gap: 0 8px; }
li > label { flex: 1 1 12em; }
li input[type=date] { padding: 3px 5px; border: 1px solid #b9c1cc; border-radius: 6px; background: #fff; font-size: .88em; }
.big { font-size: 2.6em; font-weight: 700; color: var(--accent); line-height: 1.1; font-variant-numeric: tabular-nums; }
.bar { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; margin: 8px 0 4px; }
.bar > span { display: block; height: 100%; background: var(--accent); width: 0; transition: width .2s; }
dl { margin: 12px 0 0; }
dt { font-weight: 600; font-size: .9em; margin-top: 10px; }
dd { margin: 2px 0 0; overflow-wrap: anywhere; }
.best { font-weight: 600; }
ul.gains li, ul.why li { margin: 2px 0; }
ul.why { padding-left: 18px; list-style: disc; font-size: .9em; color: var(--muted); }
.funnel { margin-top: 12px; }
.funnel svg { max-width: 380px; }
.summary { display: none; }
@media (max-width: 640px) {
  .summary { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; position: sticky; top: 0; z-index: 1; background: var(--bg);
    margin: 0 -16px 8px; padding: 8px 16px; border-bottom: 1px solid var(--line); box-shadow: 0 2px 4px rgba(0,0,0,.06); }
  .summary b { font-size: 1.6em; color: var(--accent); font-variant-numeric: tabular-nums; }
  .summary .snext { flex: 1 1 100%; }
}
`;

/** Today, YYYY-MM-DD in the user's time zone. */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** <stagecast-deal>: tick the milestones of a deal, see its probability and what the next step is worth. */
export class StagecastDeal extends StagecastElement {
  static styles() {
    return [DEAL_CSS];
  }
  get deal() { return this.prop('deal'); }
  set deal(v) { this._ticked = null; this._stale = true; this.setProp('deal', v); }
  set model(v) { this._stale = true; this.setProp('model', v); }
  get model() { return this.prop('model'); }
  attributeChanged(name) {
    if (name === 'deal') this._ticked = null;
    this._stale = true;
  }
  /**
   * The engine's result for the deal as it stands: fresh as soon as `.deal`
   * is set once the wasm is ready (computed on read), else after
   * `await element.updateComplete`.
   */
  get score() {
    if (this._stale && StagecastElement.isReady && this.api) {
      try {
        this._score = this.engine().scoreDeal(this.currentDeal());
        this._stale = false;
      } catch { /* render shows the error */ }
    }
    return this._score;
  }
  /**
   * The deal as the user has ticked it: events in the order ticked, each
   * with its date (YYYY-MM-DD). The engine orders them by date (src/deal.rs
   * `ordered`), so a backdated step takes its real place.
   */
  get value() { return this.currentDeal(); }

  currentDeal() {
    const base = this.deal || { id: this.id || 'deal' };
    if (!this._ticked) this._ticked = (base.events || []).map((e) => ({ ...e }));
    return { ...base, events: this._ticked };
  }

  /**
   * One line per reason of the engine (`score.reasons`, `{ code, ...params }`),
   * worded in the element's language; milestones by their labels.
   */
  reasonText(r, model = this.currentModel()) {
    return typeof r === 'string' ? r : wordCode(this.loc, r, 'why_', milestoneNamer(this.loc.key, model));
  }

  render() {
    const engine = this.engine();
    const model = this.engineModel();
    const deal = this.currentDeal();
    const score = engine.scoreDeal(deal);
    this._score = score;
    this._stale = false;
    const { tag } = this.loc;
    const currency = this.currency || 'EUR';
    const pct = (p) => formatPercent(tag, p);
    const money = (v) => formatMoney(tag, currency, v);
    const reached = new Set(score.reached);
    const missing = new Set(score.missingMandatory);
    const late = new Set(score.outOfOrder);
    const nameOf = milestoneNamer(this.loc.key, model);
    const labels = new Map(model.milestones.map((m) => [m.id, nameOf(m.id)]));
    const last = model.milestones[model.milestones.length - 1];
    const won = score.probability >= 1 && last && last.mandatory && reached.has(last.id);

    const list = el('ol', { part: 'milestones' });
    model.milestones.forEach((m, i) => {
      const inputId = `${this._uid}m${i}`;
      const box = el('input', { type: 'checkbox', id: inputId, 'data-milestone': m.id });
      box.checked = reached.has(m.id);
      box.addEventListener('change', () => this.toggle(m.id, box.checked));
      const tagText = m.mandatory ? this.t('mandatory') : this.t('optional');
      // Every ticked step has its date: today when ticked, editable, so a
      // forgotten step can be backdated and take its place by date.
      const ev = deal.events.find((e) => e.milestone === m.id);
      let date = null;
      if (ev) {
        date = el('input', { type: 'date', 'data-date': m.id, part: 'date', 'aria-label': this.t('doneOn', { label: m.label || m.id }) });
        date.value = ev.date || '';
        date.addEventListener('change', () => this.setDate(m.id, date.value));
      }
      list.append(el('li', { part: 'milestone', className: missing.has(m.id) ? 'missing' : late.has(m.id) ? 'late' : null },
        el('label', { for: inputId }, box, el('span', null, el('span', { className: 'name', text: labels.get(m.id) }), el('span', { className: 'tag', text: tagText }))), date));
    });

    const bar = el('span');
    bar.style.width = `${(score.probability * 100).toFixed(1)}%`;
    const amount = deal.margin != null ? deal.margin : deal.value;
    // The engine lists the next steps with their gain in probability; the
    // best is the one with the largest gain, shown with its value in money.
    // The next mandatory step is always shown, even when it adds nothing now.
    const steps = (score.next || []).slice().sort((a, b) => b.gain - a.gain);
    const gains = steps.filter((n) => n.gain > 0);
    const mandatory = steps.find((n) => n.mandatory);
    const best = gains[0];
    const stepText = (n) => {
      let s = `${labels.get(n.milestone) || n.label}: ${this.t(n.gain > 0 ? 'nextRaises' : n.gain < 0 ? 'nextLowers' : 'nextKeeps')} ${pct(n.probability)}`;
      if (amount != null) s += ` (${this.t('nextWorth')} ${money(Math.max(0, n.gain) * amount)})`;
      return s;
    };
    const others = el('ul', { className: 'gains', 'data-role': 'others' });
    for (const n of gains.filter((n) => n !== best)) others.append(el('li', { 'data-milestone': n.milestone, text: stepText(n) }));
    const namesOf = (ids) => (ids.length ? ids.map((id) => labels.get(id) || id).join(', ') : this.t('none'));
    const why = el('ul', { className: 'why' });
    for (const r of score.reasons || []) why.append(el('li', { 'data-code': r.code, text: this.reasonText(r, model) }));
    // Issue 16: the number as a sum, its largest terms worded.
    const parts = el('ul', { className: 'why', 'data-role': 'contributions', part: 'contributions' });
    if (!won) for (const line of wordContributions(this.loc, score.contributions, nameOf)) parts.append(el('li', { 'data-kind': line.kind, text: line.text }));
    const interval = score.interval && score.source === 'history' && !won ? score.interval : null;
    // The next mandatory step has its own line unless it is the best step.
    const showMandatory = mandatory && mandatory !== best;

    const result = el('section', { className: 'result', 'aria-live': 'polite', 'aria-atomic': 'true', part: 'result' },
      el('div', { className: 'muted', text: this.t('probability') }),
      el('div', { className: 'big', 'data-role': 'probability', part: 'probability', text: pct(score.probability) }),
      el('div', { className: 'bar', 'aria-hidden': 'true' }, bar),
      won ? el('p', { className: 'ok', 'data-role': 'outcome', text: this.t('outcome', { label: labels.get(last.id) }) }) : null,
      interval ? el('div', { 'data-role': 'interval', text: `${this.t('interval')}: ${pct(interval[0])}–${pct(interval[1])}` }) : null,
      el('div', { className: 'muted', 'data-role': 'source', text: score.source === 'history' ? this.t('basedOnHistory', { n: score.count }) : this.t('basedOnPrior') }),
      el('dl', null,
        won || (!best && mandatory) ? null : el('dt', { text: this.t('nextBest') }),
        won || (!best && mandatory) ? null : el('dd', { className: 'best', 'data-role': 'next', part: 'next', 'data-milestone': best ? best.milestone : null, text: best ? stepText(best) : this.t('none') }),
        showMandatory ? el('dt', { text: this.t('nextMandatory') }) : null,
        showMandatory ? el('dd', { 'data-role': 'next-mandatory', part: 'next-mandatory', 'data-milestone': mandatory.milestone, text: `${stepText(mandatory)}; ${this.t('mandatoryNote')}` }) : null,
        others.children.length ? el('dt', { text: this.t('othersGain') }) : null, others.children.length ? el('dd', null, others) : null,
        el('dt', { text: this.t('missing') }), el('dd', { 'data-role': 'missing', text: namesOf(score.missingMandatory) }),
        el('dt', { text: this.t('outOfOrder') }), el('dd', { 'data-role': 'out-of-order', text: namesOf(score.outOfOrder) }),
        score.sellerProbability != null ? el('dt', { text: this.t('sellerSays') }) : null,
        score.sellerProbability != null ? el('dd', { 'data-role': 'seller', text: pct(score.sellerProbability) }) : null,
        parts.children.length ? el('dt', { text: this.t('contributions') }) : null, parts.children.length ? el('dd', null, parts) : null,
        el('dt', { text: this.t('why') }), el('dd', null, why)));

    // A summary that stays in view on a phone while the milestones are ticked.
    const summary = el('div', { className: 'summary', 'aria-hidden': 'true', part: 'summary' },
      el('span', { className: 'muted', text: this.t('probability') }),
      el('b', { 'data-role': 'summary-probability', text: pct(score.probability) }),
      el('span', { className: 'muted snext', text: won ? '' : best ? `${this.t('nextBest')}: ${labels.get(best.milestone) || best.label}` : mandatory ? `${this.t('nextMandatory')}: ${labels.get(mandatory.milestone) || mandatory.label}` : '' }));

    const title = deal.label || this.t('untitled');
    this._root.replaceChildren(
      el('div', { className: 'card', part: 'card' },
        el('h2', { 'data-role': 'title', part: 'title', text: title }),
        summary,
        el('div', { className: 'grid' },
          el('div', null, el('fieldset', null, el('legend', { text: this.t('milestones') }), list),
            el('div', { className: 'funnel', part: 'chart funnel' }, this.funnel(model, deal, score, pct))),
          result)),
    );
  }

  /**
   * The funnel of this deal: each mandatory step with the chance of reaching
   * it from where the deal stands (1 once done; for a step ahead, the deal's
   * probability now over its probability once there), so the rows narrow
   * downwards and the last one is the deal's own probability.
   */
  funnel(model, deal, score, pct) {
    const reached = new Set(score.reached);
    const done = [];
    const rows = [];
    let here = null;
    for (const m of model.milestones) {
      if (!m.mandatory) continue;
      done.push(m.id);
      let chance = 1;
      if (!reached.has(m.id)) {
        here ??= m.id;
        const events = [...deal.events, ...done.filter((id) => !reached.has(id)).map((milestone) => ({ milestone }))];
        const there = this.engine().scoreDeal({ ...deal, events }).probability;
        chance = there > 0 ? Math.min(1, score.probability / there) : 0;
      }
      rows.push({ id: m.id, label: milestoneNamer(this.loc.key, model)(m.id), chance, done: reached.has(m.id) });
    }
    // Never wider below than above (priors are not always consistent).
    for (let i = 1; i < rows.length; i++) rows[i].chance = Math.min(rows[i].chance, rows[i - 1].chance);
    return funnelChart(rows, here, { title: this.t('funnelDeal'), pct, doneText: this.t('funnelDone'), hereText: this.t('funnelHere') });
  }

  toggle(id, on) {
    this.currentDeal();
    const events = this._ticked;
    if (on) {
      // Ticked now: done today (a dated event, so a dated CRM deal stays
      // ordered by date); the date input next to it backdates it.
      if (!events.some((e) => e.milestone === id)) events.push({ milestone: id, date: today() });
    } else {
      this._ticked = events.filter((e) => e.milestone !== id);
    }
    this._changed(`input[data-milestone="${CSS.escape(id)}"]`);
  }

  /** Sets the day a ticked step was done ('' leaves it undated). */
  setDate(id, day) {
    this.currentDeal();
    const ev = this._ticked.find((e) => e.milestone === id);
    if (!ev) return;
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) ev.date = day;
    else delete ev.date;
    this._changed(`input[data-date="${CSS.escape(id)}"]`);
  }

  _changed(focus) {
    this._stale = true;
    try {
      this.render();
    } catch (e) {
      this.showError(e);
      return;
    }
    this._root.querySelector(focus)?.focus();
    // A user change: the one event it fires.
    this.emit(this._score);
  }
}

export const ELEMENTS = {
  'stagecast-deal': StagecastDeal,
  'stagecast-meetings': StagecastMeetings,
  'stagecast-scenarios': StagecastScenarios,
  'stagecast-forecast': StagecastForecast,
  'stagecast-calibration': StagecastCalibration,
  'stagecast-import': StagecastImport,
};
for (const cls of Object.values(ELEMENTS)) mirror(cls);

/**
 * Registers the elements over an API object (the wasm exports) and a function
 * returning a promise that resolves once the wasm is ready. `options.worker`
 * is a function that starts the CSV worker (null: parse on the main thread);
 * `options.analysis` a function returning a promise of the analysis part's
 * functions (calibrate, evaluate, forecast...), called on first need.
 * Registering twice is harmless.
 */
export function defineElements(api, ready, options = {}) {
  if (!StagecastElement.api) {
    StagecastElement.api = api;
    StagecastElement.worker = options.worker || null;
    let p;
    StagecastElement.ready = () => (p ||= Promise.resolve(ready()).then((v) => {
      StagecastElement.isReady = true;
      return v;
    }));
    StagecastElement.ready().catch(() => {});
    // The analysis part (calibrate, evaluate, forecast...), loaded on first
    // need; without options.analysis, elements that need it say so.
    let a;
    StagecastElement.analysisApi = null;
    StagecastElement.loadAnalysis = () => (a ||= Promise.resolve(options.analysis ? options.analysis() : null)
      .then((part) => (StagecastElement.analysisApi = part))
      .catch((e) => { a = null; throw e; }));
    // Issue 14.5: the analysis worker's client (calibrate, evaluate,
    // forecast... off the main thread); without options.analysisWorker, the
    // same calls run on this thread through the analysis part.
    let c;
    StagecastElement.analysisClient = options.analysisWorker
      || (() => (c ||= new AnalysisClient(null, () => Promise.all([StagecastElement.ready(), StagecastElement.loadAnalysis()]).then(([, part]) => ({ ...api, ...part })))));
  }
  for (const [name, cls] of Object.entries(ELEMENTS)) {
    if (!customElements.get(name)) customElements.define(name, cls);
  }
}
