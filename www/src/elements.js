// The custom elements, defined in JS over the wasm API (Rust cannot extend
// HTMLElement). Every element renders into its own shadow root, styles
// through a constructed stylesheet (allowed under a strict CSP, immune to the
// host page's global CSS), sets untrusted text with textContent only, and
// dispatches `stagecast-change` with the engine's result.
import { resolveLocale, t, formatPercent, formatMoney } from './i18n.js';

const BASE_CSS = `
:host { all: initial; display: block; box-sizing: border-box; --accent: var(--stagecast-accent, #0b6e4f); --muted: var(--stagecast-muted, #5b6573);
  --bg: var(--stagecast-bg, #ffffff); --line: var(--stagecast-line, #d9dee5); --warn: var(--stagecast-warn, #a4461b); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
/* Type is set inside the shadow root: a host page's \`* { font: ... !important }\` reaches the host element, never what is inside. */
.card { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--stagecast-text, #1d2530); text-align: left; letter-spacing: normal;
  background: var(--bg); border: 1px solid var(--line); border-radius: 10px; padding: 16px; }
h2 { font-size: 1.05em; margin: 0 0 10px; font-weight: 650; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: .9em; }
.error { color: var(--warn); font-weight: 600; overflow-wrap: anywhere; }
input[type=checkbox] { display: inline-block !important; width: 1.15em; height: 1.15em; margin: 0; accent-color: var(--accent); flex: none; visibility: visible !important; opacity: 1 !important; position: static !important; }
input:focus-visible, button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
`;

const DEAL_CSS = `
.grid { display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(0, 1fr); gap: 18px; }
@media (max-width: 640px) { .grid { grid-template-columns: 1fr; } }
fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
ol { list-style: none; margin: 0; padding: 0; }
li label { display: flex; gap: 10px; align-items: flex-start; padding: 7px 6px; border-radius: 6px; cursor: pointer; }
li label:hover { background: color-mix(in srgb, var(--accent) 7%, transparent); }
li .tag { font-size: .78em; color: var(--muted); margin-left: 4px; white-space: nowrap; }
li.missing .name { color: var(--warn); }
li.late .name::after { content: " ⤺"; color: var(--warn); }
.big { font-size: 2.6em; font-weight: 700; color: var(--accent); line-height: 1.1; font-variant-numeric: tabular-nums; }
.bar { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; margin: 8px 0 4px; }
.bar > span { display: block; height: 100%; background: var(--accent); width: 0; transition: width .2s; }
dl { margin: 12px 0 0; }
dt { font-weight: 600; font-size: .9em; margin-top: 10px; }
dd { margin: 2px 0 0; overflow-wrap: anywhere; }
ul.why { margin: 4px 0 0; padding-left: 18px; font-size: .9em; color: var(--muted); }
`;

function sheet(css) {
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  return s;
}

function el(tag, props, ...children) {
  const n = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'text') n.textContent = String(v);
      else if (k === 'className') n.className = v;
      else n.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children) if (c != null) n.append(c);
  return n;
}

function parseJsonAttr(value, name) {
  if (value == null || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new Error(`${name}: not valid JSON (${e.message})`);
  }
}

/** Base class: JSON attributes mirrored as properties, shadow root, locale, re-render on change. */
// In Node (no DOM) the classes extend an empty class, so importing the package is safe.
class StagecastElement extends (globalThis.HTMLElement || class {}) {
  static get observedAttributes() {
    return ['model', 'deal', 'history', 'locale', 'currency'];
  }
  constructor() {
    super();
    this._props = {};
    this._root = this.attachShadow({ mode: 'open' });
    this._root.adoptedStyleSheets = [sheet(BASE_CSS), ...this.constructor.styles().map(sheet)];
    this._scheduled = false;
  }
  static styles() {
    return [];
  }
  connectedCallback() {
    this._connected = true;
    this.schedule();
  }
  disconnectedCallback() {
    this._connected = false;
  }
  attributeChangedCallback() {
    this.schedule();
  }
  /** A property set from JS wins over the attribute of the same name. */
  prop(name) {
    if (name in this._props) return this._props[name];
    const raw = this.getAttribute(name);
    return ['model', 'deal', 'history'].includes(name) ? parseJsonAttr(raw, name) : raw;
  }
  setProp(name, v) {
    this._props[name] = v;
    this.schedule();
  }
  get locale() { return this.prop('locale'); }
  set locale(v) { this.setProp('locale', v); }
  get currency() { return this.prop('currency'); }
  set currency(v) { this.setProp('currency', v); }
  get loc() {
    const r = resolveLocale(this);
    if (this._props.locale) return { tag: this._props.locale, key: resolveLocale({ getAttribute: () => this._props.locale }).key };
    return r;
  }
  schedule() {
    if (this._scheduled) return;
    this._scheduled = true;
    queueMicrotask(async () => {
      this._scheduled = false;
      if (!this._connected) return;
      try {
        await StagecastElement.ready();
        this.render();
      } catch (e) {
        this.showError(e);
      }
    });
  }
  showError(e) {
    const { key } = this.loc;
    this._root.replaceChildren(
      el('div', { className: 'card', role: 'alert' }, el('p', { className: 'error', text: t(key, 'error') }), el('p', { className: 'muted', text: e && e.message ? e.message : String(e) })),
    );
    this.dispatchEvent(new CustomEvent('stagecast-error', { detail: { message: e && e.message ? e.message : String(e) }, bubbles: true, composed: true }));
  }
  emit(detail) {
    this.dispatchEvent(new CustomEvent('stagecast-change', { detail, bubbles: true, composed: true }));
  }
}

/** <stagecast-deal>: tick the milestones of a deal, see its probability and what the next step is worth. */
class StagecastDeal extends StagecastElement {
  static styles() {
    return [DEAL_CSS];
  }
  get model() { return this.prop('model'); }
  set model(v) { this.setProp('model', v); }
  get deal() { return this.prop('deal'); }
  set deal(v) { this._ticked = null; this.setProp('deal', v); }
  get history() { return this.prop('history'); }
  set history(v) { this.setProp('history', v); }
  /** The last result, as dispatched in `stagecast-change`. */
  get score() { return this._score; }
  /** The deal as the user has ticked it (events in the order ticked). */
  get value() { return this.currentDeal(); }

  currentModel() {
    return this.model || StagecastElement.api.defaultModel();
  }
  currentDeal() {
    const base = this.deal || { id: this.id || 'deal' };
    if (!this._ticked) this._ticked = (base.events || []).map((e) => ({ ...e }));
    return { ...base, events: this._ticked };
  }

  render() {
    const api = StagecastElement.api;
    const model = this.currentModel();
    const deal = this.currentDeal();
    const score = api.scoreDeal(model, deal);
    this._score = score;
    const { tag, key } = this.loc;
    const currency = this.currency || 'EUR';
    const reached = new Set(score.reached);
    const missing = new Set(score.missingMandatory);
    const late = new Set(score.outOfOrder);
    const labels = new Map(model.milestones.map((m) => [m.id, m.label || m.id]));

    const list = el('ol');
    model.milestones.forEach((m, i) => {
      const inputId = `m${i}`;
      const box = el('input', { type: 'checkbox', id: inputId, 'data-milestone': m.id });
      box.checked = reached.has(m.id);
      box.addEventListener('change', () => this.toggle(m.id, box.checked));
      const name = el('span', { className: 'name', text: m.label || m.id });
      const tagText = m.mandatory ? t(key, 'mandatory') : t(key, 'optional');
      const item = el('li', { className: missing.has(m.id) ? 'missing' : late.has(m.id) ? 'late' : null },
        el('label', { for: inputId }, box, el('span', null, name, el('span', { className: 'tag', text: tagText }))));
      list.append(item);
    });

    const pct = formatPercent(tag, score.probability);
    const bar = el('span');
    bar.style.width = `${(score.probability * 100).toFixed(1)}%`;
    const amount = deal.margin != null ? deal.margin : deal.value;
    const next = score.next && score.next[0];
    let nextText = t(key, 'none');
    if (next) {
      nextText = `${next.label}: ${t(key, 'nextRaises')} ${formatPercent(tag, next.probability)}`;
      if (amount != null) nextText += ` (${t(key, 'nextWorth')} ${formatMoney(tag, currency, next.gain * amount)})`;
    }
    const namesOf = (ids) => (ids.length ? ids.map((id) => labels.get(id) || id).join(', ') : t(key, 'none'));
    const why = el('ul', { className: 'why' });
    for (const line of score.explanation) why.append(el('li', { text: line }));

    const result = el('section', { className: 'result', 'aria-live': 'polite', 'aria-atomic': 'true' },
      el('div', { className: 'muted', text: t(key, 'probability') }),
      el('div', { className: 'big', 'data-role': 'probability', text: pct }),
      el('div', { className: 'bar', 'aria-hidden': 'true' }, bar),
      el('div', { className: 'muted', 'data-role': 'source', text: score.source === 'history' ? t(key, 'basedOnHistory', { n: score.count }) : t(key, 'basedOnPrior') }),
      score.interval ? el('div', { 'data-role': 'interval', text: `${t(key, 'interval')}: ${formatPercent(tag, score.interval[0])}–${formatPercent(tag, score.interval[1])}` }) : null,
      el('dl', null,
        el('dt', { text: t(key, 'next') }), el('dd', { 'data-role': 'next', text: nextText }),
        el('dt', { text: t(key, 'missing') }), el('dd', { 'data-role': 'missing', text: namesOf(score.missingMandatory) }),
        el('dt', { text: t(key, 'outOfOrder') }), el('dd', { 'data-role': 'out-of-order', text: namesOf(score.outOfOrder) }),
        score.sellerProbability != null ? el('dt', { text: t(key, 'sellerSays') }) : null,
        score.sellerProbability != null ? el('dd', { text: formatPercent(tag, score.sellerProbability) }) : null,
        el('dt', { text: t(key, 'why') }), el('dd', null, why)));

    const title = deal.label || deal.id;
    this._root.replaceChildren(
      el('div', { className: 'card' },
        title ? el('h2', { 'data-role': 'title', text: title }) : null,
        el('div', { className: 'grid' }, el('fieldset', null, el('legend', { text: t(key, 'milestones') }), list), result)),
    );
    this.emit(score);
  }

  toggle(id, on) {
    const events = this._ticked || [];
    if (on) {
      if (!events.some((e) => e.milestone === id)) events.push({ milestone: id });
    } else {
      this._ticked = events.filter((e) => e.milestone !== id);
    }
    const focused = id;
    this.render();
    const again = this._root.querySelector(`input[data-milestone="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

export const ELEMENTS = { 'stagecast-deal': StagecastDeal };

/**
 * Registers the elements over an API object (the wasm exports) and a function
 * returning a promise that resolves once the wasm is ready. Registering twice
 * is harmless.
 */
export function defineElements(api, ready) {
  if (!StagecastElement.api) {
    StagecastElement.api = api;
    let p;
    StagecastElement.ready = () => (p ||= Promise.resolve(ready()));
  }
  for (const [name, cls] of Object.entries(ELEMENTS)) {
    if (!customElements.get(name)) customElements.define(name, cls);
  }
}
