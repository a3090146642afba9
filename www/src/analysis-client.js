// The page's side of the analysis worker (issue 14.5; the worker's side is
// analysis-core.js): `client.call(fn, args, { onProgress })` resolves to
// what the worker's function returned, or rejects with a JS Error carrying
// the engine's message (and its `detail`, when it has one). Without a worker
// (none given, or it could not start), the same calls run on this thread
// through `fallback()`, a promise of an object with the functions.
let seq = 0;
/** Arrays this long or longer are sent once (see `call`). */
const BIG = 500;
/** The key of a reference to an array already in the worker. */
export const REF = '__stagecastRef';

/** A worker from `make()`, or null when there is none or it cannot start. */
export function startWorker(make) {
  try {
    return make ? make() : null;
  } catch {
    return null;
  }
}

/** A worker's error as a JS Error, with the engine's error as data (`detail`) when it sent one. */
export function workerError(message, detail) {
  const err = new Error(message);
  if (detail !== undefined && detail !== null) err.detail = detail;
  return err;
}

export class AnalysisClient {
  constructor(make, fallback) {
    this.fallback = fallback;
    this.jobs = new Map();
    this.sent = new WeakMap();
    this.w = startWorker(make);
    if (!this.w) return;
    this.w.onmessage = (e) => {
      const m = e.data || {};
      const job = this.jobs.get(m.id);
      if (!job) return;
      this.started = true;
      if (m.progress) return job.onProgress && job.onProgress(m.progress);
      this.jobs.delete(m.id);
      if (m.error && m.error.name === 'StagecastStaleRef') {
        // The worker let go of an array it was sent before: send it again.
        for (const a of job.args) this.forget(a);
        this.call(job.fn, job.args, job).then(job.resolve, job.reject);
        return;
      }
      if (m.error) job.reject(workerError(m.error.message, m.error.detail));
      else job.resolve(m.value);
    };
    this.w.onerror = (e) => {
      e.preventDefault?.();
      // The worker did not start (its file missing, say): run here instead.
      const broken = !this.started;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      this.sent = new WeakMap();
      if (broken) {
        this.w.terminate();
        this.w = null;
        for (const j of jobs) this.call(j.fn, j.args, j).then(j.resolve, j.reject);
      } else for (const j of jobs) j.reject(new Error(e.message || 'the analysis worker failed'));
    };
  }

  /**
   * Runs `fn(...args)` in the worker; `onProgress({ stage, deals, done })`
   * for long calls. A big array (deals, history) is copied to the worker
   * once: sent again, the same array (same object, same length) is named
   * by reference, which saves the page a copy of thousands of deals.
   * `forget(array)` after changing one in place.
   */
  call(fn, args = [], { onProgress } = {}) {
    if (this.w) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        this.jobs.set(id, { fn, args, resolve, reject, onProgress });
        this.w.postMessage({ id, fn, args: args.map((a) => this._ref(a)) });
      });
    }
    return Promise.resolve(this.fallback ? this.fallback() : null).then((api) => {
      if (fn === 'score') {
        const [model, deals, options] = args;
        const e = new api.Engine(model);
        try {
          return e.scoreDeals(deals, options);
        } finally {
          e.free();
        }
      }
      if (fn === 'scoreboard') {
        const [model, history, { k = 5, crossValidate = false, skills = false } = {}] = args;
        return {
          crossValidated: crossValidate ? api.crossValidate(model, history, k, {}) : null,
          evaluation: api.evaluate(model, history, { bySeller: true }),
          skills: skills ? api.sellerSkills(model) : [],
        };
      }
      if (!api || typeof api[fn] !== 'function') throw new Error(`stagecast has no ${fn}() in this build`);
      const deals = Array.isArray(args[1]) ? args[1].length : 0;
      const long = ['calibrate', 'crossValidate', 'calibratePipelines', 'backtest'].includes(fn);
      if (long && onProgress) onProgress({ stage: fn, deals, done: false });
      const value = api[fn](...args);
      if (long && onProgress) onProgress({ stage: fn, deals, done: true });
      return value;
    });
  }

  _ref(a) {
    if (!Array.isArray(a) || a.length < BIG) return a;
    const known = this.sent.get(a);
    if (known && known.length === a.length) return { [REF]: known.id };
    const id = ++seq;
    this.sent.set(a, { id, length: a.length });
    return { [REF]: id, value: a };
  }

  /** The worker copies `array` afresh next time (call after changing it in place). */
  forget(array) {
    if (array && typeof array === 'object') this.sent.delete(array);
  }

  terminate() {
    this.w?.terminate();
    this.w = null;
  }
}

/**
 * An object with one async method per name (`await worker.calibrate(model,
 * history)`), plus `call(fn, args, { onProgress })` and `score(model, deals,
 * options)` (an Engine per model, kept in the worker).
 */
export function asyncApi(client, names) {
  const o = { call: (fn, args, opts) => client.call(fn, args, opts), terminate: () => client.terminate() };
  for (const n of new Set([...names, 'score', 'scoreboard', 'scoreDeal', 'scoreDeals', 'validateModel'])) o[n] = (...args) => client.call(n, args);
  return o;
}
