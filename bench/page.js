// The browser side of `make bench`: one timed call at a time, so that
// bench/run.mjs can alternate wasm, plain JS and native (A, B, C, A, B, C...).
// Data comes from bench/js/gen.js (the same draws as the Rust generator) and
// is prepared outside the timing; each implementation calibrates its own
// model once (on 10,000 closed deals) for the scoring cases.
import * as gen from './js/gen.js';
import * as plain from './js/plain.js';

const HISTORY_SEED = 1;
const OPEN_SEED = 2;
const CALIBRATION_HISTORY = 10000;
const model = await (await fetch('/bench/model.json')).json();
await Stagecast.ready;
// calibrate and calibrateColumns are in the analysis part, loaded on first use.
await Stagecast.loadAnalysis();
const W = Stagecast;

const cache = new Map();
function memo(key, make) {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}
const history = (n) => memo(`history ${n}`, () => gen.rawDeals(n, HISTORY_SEED, true));
const open = (n) => memo(`open ${n}`, () => gen.rawDeals(n, OPEN_SEED, false));
const historyDeals = (n) => memo(`historyDeals ${n}`, () => gen.toDeals(history(n), model));
const historyCols = (n) => memo(`historyCols ${n}`, () => gen.toColumns(history(n)));
const openDeals = (n) => memo(`openDeals ${n}`, () => gen.toDeals(open(n), model));
const openCols = (n) => memo(`openCols ${n}`, () => gen.toColumns(open(n)));
const calibrated = (impl) => memo(`calibrated ${impl}`, () => {
  const c = historyCols(CALIBRATION_HISTORY);
  const api = impl === 'wasm' ? W : plain;
  return api.calibrateColumns(model, c.dictionaries, c.steps, c.offsets, c.ordered, c.outcome, c.codes, c.seller, c.sellerProbability);
});
const scorer = (impl) => memo(`scorer ${impl}`, () => new (impl === 'wasm' ? W : plain).ColumnScorer(calibrated(impl)));
const items = (n) => memo(`items ${n}`, () => {
  const list = open(n).map((d) => ({ amount: d.value, probability: Math.min(0.95, 0.05 + 0.09 * d.steps.length) }));
  let total = 0;
  for (const i of list) total += i.amount;
  return { list, target: 0.3 * total };
});

let slider = 0;
const CASES = {
  'calibrate-obj': (api, n) => {
    const h = historyDeals(n);
    return () => api.calibrate(model, h);
  },
  'calibrate-col': (api, n) => {
    const c = historyCols(n);
    return () => api.calibrateColumns(model, c.dictionaries, c.steps, c.offsets, c.ordered, c.outcome, c.codes, c.seller, c.sellerProbability);
  },
  'score-obj': (api, n, impl) => {
    const d = openDeals(n);
    const m = calibrated(impl);
    return () => api.scoreDeals(m, d);
  },
  // Issue 14: the model compiled once (a ColumnScorer on both sides, made
  // outside the timing and kept, as an app holds one per model).
  'score-col': (api, n, impl) => {
    const c = openCols(n);
    const s = scorer(impl);
    return () => s.scoreColumns(c.dictionaries, c.steps, c.offsets, c.codes);
  },
  // The shorthand: the model read and compiled on every call.
  'score-col-free': (api, n, impl) => {
    const c = openCols(n);
    const m = calibrated(impl);
    return () => api.scoreColumns(m, c.dictionaries, c.steps, c.offsets, c.codes);
  },
  dist: (api, n) => {
    const { list, target } = items(n);
    return () => api.distribution(list, { target });
  },
  // A slider moves one milestone's prior: new model, rescore the pipeline
  // (columns), recompute its distribution against the target.
  whatif: (api, n, impl) => {
    const c = openCols(n);
    const m = calibrated(impl);
    let total = 0;
    for (const v of c.value) total += v;
    const target = 0.3 * total;
    return () => {
      slider++;
      const milestones = m.milestones.map((x, i) => (i === 6 ? { ...x, probability: slider % 2 ? 0.6 : 0.55 } : x));
      const scores = api.scoreColumns({ ...m, milestones }, c.dictionaries, c.steps, c.offsets, c.codes);
      if (typeof api.distributionArrays === 'function') {
        // The slider fast path: two Float64Arrays, no object per deal.
        const probabilities = new Float64Array(c.n);
        for (let r = 0; r < c.n; r++) probabilities[r] = scores[r * 3];
        return api.distributionArrays(c.value, probabilities, target);
      }
      const list = new Array(c.n);
      for (let r = 0; r < c.n; r++) list[r] = { amount: c.value[r], probability: scores[r * 3] };
      return api.distribution(list, { target });
    };
  },
};

const NEEDS = { 'calibrate-obj': 'calibrate', 'calibrate-col': 'calibrateColumns', 'score-obj': 'scoreDeals', 'score-col': 'ColumnScorer', 'score-col-free': 'scoreColumns', dist: 'distribution', whatif: 'distribution' };

window.bench = {
  /** Which cases the loaded wasm can run (exports present). */
  available() {
    return Object.keys(CASES).filter((c) => typeof W[NEEDS[c]] === 'function' && (c !== 'whatif' || typeof W.scoreColumns === 'function') && (!c.startsWith('score') || typeof W.calibrateColumns === 'function'));
  },
  /** Times one call of `impl` ('wasm' or 'js') on case `name` with `n` deals, in ms. */
  run(name, n, impl) {
    const api = impl === 'wasm' ? W : plain;
    const call = memo(`call ${name} ${n} ${impl}`, () => CASES[name](api, n, impl));
    const t0 = performance.now();
    const out = call();
    const t1 = performance.now();
    if (!out) throw new Error(`${name} returned nothing`);
    return t1 - t0;
  },
  /** Drops cached data (and so memory) of other sizes. */
  forget(n) {
    for (const k of [...cache.keys()]) if (!k.endsWith(` ${n}`) && !k.includes(` ${n} `) && !k.startsWith('calibrated') && !k.startsWith('scorer') && !k.startsWith(`history ${CALIBRATION_HISTORY}`) && !k.startsWith(`historyCols ${CALIBRATION_HISTORY}`)) cache.delete(k);
  },
  chromium: navigator.userAgent,
  whatifPath: () => (typeof W.distributionArrays === 'function' ? 'scoreColumns + distributionArrays' : 'scoreColumns + distribution'),
};
window.benchReady = true;
