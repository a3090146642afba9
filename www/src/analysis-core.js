// The analysis worker's side (issue 14.5): runs the analysis part (calibrate,
// evaluate, crossValidate, forecast, distribution, sellerSkills...) and the
// widget's scoring off the page's main thread. A small promise-based RPC:
//   { id, fn, args }                  -> { id, value }
//                                     or { id, error: { message, name, detail? } }
//   long calls also send               { id, progress: { stage, deals, done } }
// `score(model, deals, options)` scores with an Engine compiled once per
// model (kept for the next calls with the same model).
const ENGINES = 4;

/** Names the worker answers besides the analysis part's own functions. */
export const WORKER_EXTRA = ['score', 'scoreboard', 'scoreDeal', 'scoreDeals', 'validateModel', 'defaultModel'];

/** Arrays the page sent once, by id (analysis-client.js's REF); the last few are kept. */
const KEPT = 8;
const REF = '__stagecastRef';

export function serveAnalysis(api, post) {
  const kept = new Map();
  const deref = (a) => {
    if (!a || typeof a !== 'object' || !(REF in a)) return a;
    if ('value' in a) {
      kept.delete(a[REF]);
      kept.set(a[REF], a.value);
      while (kept.size > KEPT) kept.delete(kept.keys().next().value);
      return a.value;
    }
    const v = kept.get(a[REF]);
    if (!v) {
      const e = new Error('the analysis worker no longer has this data: send it again');
      e.name = 'StagecastStaleRef'; // the client sends the data again
      throw e;
    }
    kept.delete(a[REF]);
    kept.set(a[REF], v);
    return v;
  };
  const engines = new Map(); // model JSON -> Engine, most recent last
  const engineFor = (model) => {
    const key = JSON.stringify(model ?? null);
    let e = engines.get(key);
    if (e) {
      engines.delete(key);
    } else {
      e = new api.Engine(model);
      while (engines.size >= ENGINES) {
        const [k, old] = engines.entries().next().value;
        engines.delete(k);
        old.free();
      }
    }
    engines.set(key, e);
    return e;
  };
  const progress = (id, p) => post({ id, progress: p });
  const run = (id, fn, args) => {
    if (fn === 'score') {
      const [model, deals, options] = args;
      return engineFor(model).scoreDeals(deals, options);
    }
    if (fn === 'scoreboard') {
      // The calibration scoreboard in one message (the history is sent
      // once): cross-validated figures when asked, the in-sample evaluation
      // with each seller's figures (the model read once), the sellers' skills.
      const [model, history, { k = 5, crossValidate = false, skills = false } = {}] = args;
      const deals = Array.isArray(history) ? history.length : 0;
      if (crossValidate) progress(id, { stage: 'crossValidate', deals, done: false });
      const t0 = Date.now();
      const cv = crossValidate ? api.crossValidate(model, history, k, {}) : null;
      if (crossValidate) progress(id, { stage: 'crossValidate', deals, done: true, ms: Date.now() - t0 });
      return { crossValidated: cv, evaluation: api.evaluate(model, history, { bySeller: true }), skills: skills ? api.sellerSkills(model) : [] };
    }
    if (fn === 'calibrate' || fn === 'crossValidate' || fn === 'calibratePipelines' || fn === 'backtest') {
      const deals = Array.isArray(args[1]) ? args[1].length : 0;
      progress(id, { stage: fn, deals, done: false });
      const t0 = Date.now();
      const value = api[fn](...args);
      progress(id, { stage: fn, deals, done: true, ms: Date.now() - t0 });
      return value;
    }
    const f = api[fn];
    if (typeof f !== 'function' || fn === 'Engine' || fn === 'ColumnScorer' || fn === 'default' || fn.startsWith('init')) throw new Error(`the analysis worker has no ${fn}()`);
    return f(...args);
  };
  return async (e) => {
    const { id, fn, args } = e.data || {};
    try {
      await api.ready;
      post({ id, value: run(id, String(fn), Array.isArray(args) ? args.map(deref) : []) });
    } catch (err) {
      const error = { message: err && err.message ? err.message : String(err), name: (err && err.name) || 'Error' };
      if (err && err.detail !== undefined) error.detail = err.detail;
      post({ id, error });
    }
  };
}
