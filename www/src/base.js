// Shared machinery of the custom elements: the base class (shadow root,
// constructed stylesheets, JSON attributes mirrored as properties, locale,
// re-render on change, events) and small DOM/SVG builders that set untrusted
// text with textContent only.
import { resolveLocale, t, wordError } from './i18n.js';

export const BASE_CSS = `
:host { all: initial; display: block; box-sizing: border-box; --accent: var(--stagecast-accent, #0b6e4f); --muted: var(--stagecast-muted, #5b6573);
  --bg: var(--stagecast-bg, #ffffff); --line: var(--stagecast-line, #d9dee5); --warn: var(--stagecast-warn, #a4461b); --text: var(--stagecast-text, #1d2530); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
/* Type is set inside the shadow root: a host page's \`* { font: ... !important }\` reaches the host element, never what is inside. */
.card { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); text-align: left; letter-spacing: normal;
  background: var(--bg); border: 1px solid var(--line); border-radius: 10px; padding: 16px; min-width: 0; }
h2 { font-size: 1.05em; margin: 0 0 10px; font-weight: 650; overflow-wrap: anywhere; }
h3 { font-size: .95em; margin: 14px 0 6px; font-weight: 650; }
.muted { color: var(--muted); font-size: .9em; }
.error { color: var(--warn); font-weight: 600; overflow-wrap: anywhere; }
.ok { color: var(--accent); }
input, select, button, output, label, span, div, li, td, th, p { color: inherit; font: inherit; letter-spacing: normal; }
input, select, button { display: inline-block !important; visibility: visible !important; opacity: 1 !important; position: static !important; }
input[type=checkbox] { width: 1.15em; height: 1.15em; margin: 0; accent-color: var(--accent); flex: none; }
input[type=range] { width: 100%; accent-color: var(--accent); margin: 2px 0; }
input[type=text], input[type=number], select { padding: 5px 7px; border: 1px solid #b9c1cc; border-radius: 6px; background: #fff; min-width: 0; max-width: 100%; }
button { padding: 6px 12px; border: 1px solid var(--accent); border-radius: 6px; background: var(--bg); color: var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
input:focus-visible, button:focus-visible, select:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
ol, ul { margin: 0; padding: 0; list-style: none; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
svg { display: block; width: 100%; height: auto; max-width: 100%; overflow: visible; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.kpis { display: flex; flex-wrap: wrap; gap: 10px 22px; margin: 6px 0 10px; }
.kpi { min-width: 7em; }
.kpi b { display: block; font-size: 1.35em; color: var(--accent); font-variant-numeric: tabular-nums; }
.notice { border-left: 4px solid var(--warn); padding: 6px 10px; margin: 8px 0; background: color-mix(in srgb, var(--warn) 7%, transparent); }
.status { min-height: 1.2em; }
`;

export function sheet(css) {
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  return s;
}

/** An HTML element; `text` is set with textContent (never parsed as HTML). */
export function el(tag, props, ...children) {
  const n = document.createElement(tag);
  setProps(n, props);
  for (const c of children) if (c != null && c !== false) n.append(c);
  return n;
}

const SVG = 'http://www.w3.org/2000/svg';
/** An SVG element, built with createElementNS. */
export function svg(tag, props, ...children) {
  const n = document.createElementNS(SVG, tag);
  setProps(n, props);
  for (const c of children) if (c != null && c !== false) n.append(c);
  return n;
}

function setProps(n, props) {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'text') n.textContent = String(v);
    else if (k === 'className') n.setAttribute('class', v);
    else if (k.startsWith('on') && typeof v === 'function') n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : String(v));
  }
}

function parseJsonAttr(value, name) {
  if (value == null || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new Error(`${name}: not valid JSON (${e.message})`);
  }
}

/** Thrown when the wasm build lacks a function a view needs. */
export class MissingFunction extends Error {
  constructor(fn) {
    super(`stagecast has no ${fn}() in this build`);
    this.fn = fn;
  }
}

let uid = 0;

/**
 * Base class. Subclasses list their JSON attributes in `static json` and
 * their text attributes in `static text`; each is mirrored as a property
 * (a property set from JS wins over the attribute) and a change re-renders
 * once per microtask.
 */
// In Node (no DOM) the classes extend an empty class, so importing the package is safe.
export class StagecastElement extends (globalThis.HTMLElement || class {}) {
  static json = ['model', 'deal', 'history'];
  static text = ['locale', 'currency'];
  /** True for elements that need the analysis part of the wasm. */
  static analysis = false;
  static get observedAttributes() {
    return [...this.json, ...this.text];
  }
  static styles() {
    return [];
  }
  constructor() {
    super();
    this._props = {};
    this._uid = `s${++uid}`;
    this._root = this.attachShadow({ mode: 'open' });
    this._root.adoptedStyleSheets = [sheet(BASE_CSS), ...this.constructor.styles().map(sheet)];
    this._scheduled = false;
  }
  connectedCallback() {
    this._connected = true;
    this._upgrade();
    this.schedule();
  }
  /**
   * The property-upgrade pattern: a property a host set before the element
   * was defined (a framework that renders first, an async script) is an own
   * property of the instance that shadows the class's setter. Take it off and
   * set it again through the setter, so it is used and later sets work.
   */
  _upgrade() {
    for (const k of Object.keys(this)) {
      if (k.startsWith('_')) continue;
      let proto = Object.getPrototypeOf(this);
      let d;
      while (proto && !(d = Object.getOwnPropertyDescriptor(proto, k))) proto = Object.getPrototypeOf(proto);
      if (!d || !d.set) continue;
      const v = this[k];
      delete this[k];
      this[k] = v;
    }
  }
  disconnectedCallback() {
    this._connected = false;
    this.freeEngine();
  }
  attributeChangedCallback(name, old, now) {
    if (old !== now) {
      if (name === 'model') this._engineDirty = true;
      this.attributeChanged?.(name);
      this.schedule();
    }
  }
  prop(name) {
    if (name in this._props) return this._props[name];
    const raw = this.getAttribute(name);
    return this.constructor.json.includes(name) ? parseJsonAttr(raw, name) : raw;
  }
  setProp(name, v) {
    // The same array set again may have changed in place: the analysis
    // worker gets a fresh copy of it.
    if (this._props[name] === v && StagecastElement.analysisClient) StagecastElement.analysisClient().forget(v);
    this._props[name] = v;
    if (name === 'model') this._engineDirty = true;
    this.schedule();
  }
  /** { tag, key }: the BCP 47 tag for Intl and the key of the UI strings. */
  get loc() {
    const own = this._props.locale;
    return resolveLocale(own ? { getAttribute: () => own } : this);
  }
  t(name, vars) {
    return t(this.loc.key, name, vars);
  }
  get api() {
    return StagecastElement.api;
  }
  /** The wasm function `name` (of the widget's part, or of the analysis part
   * once loaded), or a MissingFunction error when this build lacks it. */
  fn(name) {
    const f = (this.api && this.api[name]) || (StagecastElement.analysisApi && StagecastElement.analysisApi[name]);
    if (typeof f !== 'function') throw new MissingFunction(name);
    return f;
  }
  currentModel() {
    return this.prop('model') || (StagecastElement.defaultModel ||= this.api.defaultModel());
  }
  /**
   * The element's one `Engine` (issue 14.1): the current model checked and
   * compiled once, built again only when `model` is set (property or
   * attribute), the old one freed. Throws naming the bad field.
   */
  engine() {
    if (this._engine && !this._engineDirty) return this._engine;
    const e = new this.api.Engine(this.currentModel());
    this.freeEngine();
    this._engine = e;
    this._engineDirty = false;
    return e;
  }
  /** The engine's model, checked and normalised (read from the engine once). */
  engineModel() {
    const e = this.engine();
    if (this._engineModelOf !== e) {
      this._engineModel = e.model;
      this._engineModelOf = e;
    }
    return this._engineModel;
  }
  freeEngine() {
    if (this._engine) this._engine.free();
    this._engine = null;
    this._engineModelOf = null;
  }
  /**
   * Runs `fn(...args)` of the analysis part in the analysis Web Worker
   * (issue 14.5; on this thread when there is none) and resolves to its
   * result; `fn` 'score' scores with an Engine kept in the worker per model.
   */
  analysis(fn, args, options) {
    return StagecastElement.analysisClient().call(fn, args, options);
  }
  /** Renders after the wasm is ready, at most once per microtask. */
  schedule() {
    if (this._scheduled) return;
    this._scheduled = true;
    let done;
    this._pending = new Promise((r) => (done = r));
    queueMicrotask(async () => {
      this._scheduled = false;
      if (!this._connected) return done(false);
      let ok = true;
      try {
        await StagecastElement.ready();
        // Elements that call calibrate/evaluate/forecast... load the analysis part first.
        if (this.constructor.analysis) await StagecastElement.loadAnalysis();
        // A later change scheduled another render: that one resolves the wait.
        if (this._scheduled) return this._pending.then(done);
        // An element whose work runs in the analysis worker renders
        // asynchronously: wait for it (a newer render supersedes it).
        await this.render();
        if (this._scheduled) return this._pending.then(done);
      } catch (e) {
        ok = false;
        this.showError(e);
      }
      done(ok);
    });
  }
  /**
   * A promise that resolves once the element has rendered what was set so
   * far (true), or could not (false: an error is shown and
   * `stagecast-error` fired). Read `score` / `result` after it.
   */
  get updateComplete() {
    return this._pending || Promise.resolve(true);
  }
  /** A card with the error (or the missing function) instead of the view. */
  showError(e, into = this._root) {
    const message = e && e.message ? e.message : String(e);
    const missing = e instanceof MissingFunction;
    into.replaceChildren(
      el('div', { className: 'card', role: missing ? 'status' : 'alert', 'data-role': missing ? 'missing-function' : 'error' },
        el('p', { className: 'error', text: missing ? this.t('missingFn', { fn: e.fn }) : this.t('error') }),
        // The engine's message is English for developers (in the event's
        // detail); the user reads it worded from its code or field path.
        missing ? null : el('p', { className: 'muted', 'data-role': 'error-detail', title: message, text: wordError(this.loc, e) })),
    );
    this.dispatchEvent(new CustomEvent('stagecast-error', { detail: { message, missingFunction: missing ? e.fn : undefined }, bubbles: true, composed: true }));
  }
  /** `stagecast-change`: only for a change the user made, once per change (never for a property set from code). */
  emit(detail) {
    this.dispatchEvent(new CustomEvent('stagecast-change', { detail, bubbles: true, composed: true }));
  }
  /** Re-focuses the element with this id after a re-render (keyboard use). */
  keepFocus(render) {
    const id = this._root.activeElement && this._root.activeElement.id;
    render();
    if (id) this._root.getElementById(id)?.focus();
  }
}

/** Defines a getter/setter for each attribute of `cls`. */
export function mirror(cls) {
  for (const name of [...cls.json, ...cls.text]) {
    if (Object.getOwnPropertyDescriptor(cls.prototype, name)) continue;
    Object.defineProperty(cls.prototype, name, {
      get() { return this.prop(name); },
      set(v) { this.setProp(name, v); },
      configurable: true,
    });
  }
  return cls;
}
