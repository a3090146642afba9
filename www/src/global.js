// Entry of dist/stagecast.js, the one-file classic script: defines the
// global `Stagecast` (the same functions as the ES module, plus `ready`,
// `loadAnalysis` and `scriptUrl`) and registers the custom elements. Loading
// it twice is harmless. Two parts load later, from files next to this
// script (a strict CSP blocks blob: URLs but allows same-origin scripts):
//  - stagecast-analysis.js, on first use: calibrate, evaluate, forecast...
//    (`await Stagecast.loadAnalysis()`; elements that need it load it);
//  - stagecast-csv.js, the CSV import's Web Worker.
import init, * as glue from '../../.build/pkg/stagecast.js';
import WASM_BYTES from 'stagecast:wasm';
import { decodeBytes } from './bytes.js';
import { defineElements } from './elements.js';
import { addScenariosView } from './scenarios.js';
import { withPacking, freeScoreDeals } from './pack.js';
import { t, translatePage, formatMoney, formatPercent, formatNumber, wordCode, wordError, milestoneName, addStrings, wordContributions } from './i18n.js';
import { load, save } from './store.js';
import { AnalysisClient, asyncApi } from './analysis-client.js';

/* global __ANALYSIS_NAMES__ */
(function install(g) {
  if (g.Stagecast && g.Stagecast.__stagecast) return;
  const script = typeof document !== 'undefined' ? document.currentScript : null;
  const api = { __stagecast: true, scriptUrl: script && script.src ? script.src : null };
  let loaded = false;
  for (const [name, fn] of Object.entries(glue)) {
    if (typeof fn !== 'function' || name === 'default' || name === 'initSync') continue;
    // A class (Engine): a subclass that checks readiness, so that
    // `new Stagecast.Engine(model)` works and instanceof holds.
    if (/^class\b/.test(Function.prototype.toString.call(fn))) {
      // Engine.scoreDeals packs its deals first (pack.js).
      api[name] = class extends (name === 'Engine' ? withPacking(fn) : fn) {
        constructor(...args) {
          if (!loaded) throw new Error('Stagecast is not ready yet: await Stagecast.ready first');
          super(...args);
        }
      };
      continue;
    }
    api[name] = function (...args) {
      if (!loaded) throw new Error('Stagecast is not ready yet: await Stagecast.ready first');
      // `new Stagecast.Engine(model)`: classes are constructed, not called.
      return new.target ? new fn(...args) : fn(...args);
    };
  }
  // scoreDeals(model, deals) through a transient Engine's packed fast path
  // (pack.js; the same results).
  api.scoreDeals = freeScoreDeals(api.Engine);
  // Until the analysis part is loaded, its functions say how to get them.
  for (const name of __ANALYSIS_NAMES__) {
    api[name] = function () {
      throw new Error(`Stagecast.${name} is in the analysis part: await Stagecast.loadAnalysis() first`);
    };
  }
  api.ready = init({ module_or_path: decodeBytes(WASM_BYTES) }).then(() => {
    loaded = true;
    return api;
  });

  let analysis = null;
  /**
   * Loads stagecast-analysis.js (from `url`, by default next to this script)
   * and adds its functions to `Stagecast`. Resolves to `Stagecast`; a failed
   * load can be retried.
   */
  api.loadAnalysis = function (url) {
    if (analysis) return analysis;
    analysis = new Promise((resolve, reject) => {
      if (g.StagecastAnalysis) return resolve(g.StagecastAnalysis);
      const base = url || (api.scriptUrl ? new URL('stagecast-analysis.js', api.scriptUrl).href : null);
      if (!base || typeof document === 'undefined') {
        return reject(new Error('Stagecast.loadAnalysis: cannot tell where stagecast-analysis.js is; pass its URL'));
      }
      api.__analysisLoaded = resolve;
      const s = document.createElement('script');
      s.src = base;
      s.async = true;
      s.onerror = () => reject(new Error(`Stagecast.loadAnalysis: could not load ${base}`));
      document.head.appendChild(s);
    })
      .then((part) => Promise.all([api.ready, part]))
      .then(([, part]) => {
        for (const [name, fn] of Object.entries(part)) if (name !== 'version') api[name] = fn;
        return api;
      })
      .catch((e) => {
        analysis = null;
        throw e;
      });
    return analysis;
  };

  // For the demo pages' own text and saved state: the same words (en, nb,
  // sv, da) and the same tolerant storage as the elements.
  api.i18n = { t, translatePage, formatMoney, formatPercent, formatNumber, wordCode, wordError, milestoneName, addStrings, wordContributions };
  api.store = { load, save };
  // For stagecast-analysis.js: the what-if board's view ships with it (scenarios-view.js).
  api.__addScenariosView = addScenariosView;

  // Issue 14.5: the analysis part in a Web Worker (stagecast-worker.js, next
  // to this script; it loads this script and stagecast-analysis.js itself),
  // so long calibrations never block the page. `Stagecast.analysisWorker()`
  // is one shared worker whose methods return promises (`await
  // w.calibrate(model, history)`, `w.call('calibrate', [model, history], {
  // onProgress })`, `w.score(model, deals)`); without a worker the same
  // calls run on the page's thread.
  const workerUrl = api.scriptUrl && typeof Worker !== 'undefined' ? new URL('stagecast-worker.js', api.scriptUrl).href : null;
  let client = null;
  const analysisClient = () => (client ||= new AnalysisClient(workerUrl ? () => new Worker(workerUrl) : null, () => api.loadAnalysis()));
  let worker = null;
  api.analysisWorker = () => (worker ||= asyncApi(analysisClient(), __ANALYSIS_NAMES__));

  g.Stagecast = api;
  if (typeof customElements !== 'undefined') {
    const csvUrl = api.scriptUrl ? new URL('stagecast-csv.js', api.scriptUrl).href : null;
    defineElements(api, () => api.ready, { worker: csvUrl ? () => new Worker(csvUrl) : null, analysis: () => api.loadAnalysis(), analysisWorker: analysisClient });
  }
})(globalThis);
