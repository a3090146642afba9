// The browser side of the `attrs` case of `make bench` (issue 14): closed
// deals with 9 categorical attributes calibrate (analysis part), then an
// engine scores open deals with those attributes. bench/run.mjs opens this
// page in a fresh browser context for every first call, so the first call
// is what a user meets: a fresh wasm instance, nothing warmed up.
import * as gen from './js/gen.js';
import * as plain from './js/plain.js';

const HISTORY_SEED = 1;
const OPEN_SEED = 2;
const model = await (await fetch('/bench/model.json')).json();
await Stagecast.ready;

let deals = null;
let engine = null;
let options;

window.attrs = {
  /** Calibrates on `n` closed deals (wasm, analysis part): { model, ms }. */
  async calibrate(n, withAttributes) {
    await Stagecast.loadAnalysis();
    const history = gen.toAttrDeals(gen.rawAttrDeals(n, HISTORY_SEED, true), model, withAttributes);
    const t0 = performance.now();
    const m = Stagecast.calibrate(model, history);
    const ms = performance.now() - t0;
    return { model: m, ms, effects: m.calibration.effects.length, states: m.calibration.states.length };
  },
  /** Builds `n` open deals and the engine (`impl` 'wasm' or 'js'); returns the engine's construction time in ms. */
  prepare(calibrated, n, withAttributes, impl, detail) {
    deals = gen.toAttrDeals(gen.rawAttrDeals(n, OPEN_SEED, false), model, withAttributes);
    options = detail ? { detail: true } : undefined;
    const t0 = performance.now();
    engine = impl === 'wasm' ? new Stagecast.Engine(calibrated) : new plain.Engine(calibrated);
    return performance.now() - t0;
  },
  /** One timed `engine.scoreDeals(deals)` call, in ms. */
  run() {
    const t0 = performance.now();
    const out = engine.scoreDeals(deals, options);
    const t1 = performance.now();
    if (!out || out.length !== deals.length) throw new Error('scoreDeals returned the wrong number of scores');
    return t1 - t0;
  },
};
window.attrsReady = true;
