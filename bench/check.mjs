// Checks that the plain-JS baseline computes what the Rust core computes, so
// the benchmark compares the same work: the calibration against the native
// build (examples/bench_native dump-calibration), scores and distributions
// against the wasm package (pkg/). Run by scripts/bench.sh before timing.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as gen from './js/gen.js';
import * as plain from './js/plain.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const model = JSON.parse(readFileSync(new URL('./model.json', import.meta.url)));
const native = process.argv[2] || `${ROOT}target/release/examples/bench_native`;
let failures = 0;
const close = (a, b, tol, what) => {
  if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)))) {
    failures++;
    if (failures < 20) console.error(`mismatch ${what}: js ${a} vs rust ${b}`);
  }
};

// 1. Calibration (columns and objects) against native.
const N = 3000;
const rust = JSON.parse(execFileSync(native, { input: `dump-calibration ${N}\n` }).toString());
const raw = gen.rawDeals(N, 1, true);
const c = gen.toColumns(raw);
const jsCol = plain.calibrateColumns(model, c.dictionaries, c.steps, c.offsets, c.ordered, c.outcome, c.codes, c.seller, c.sellerProbability).calibration;
const jsObj = plain.calibrate(model, gen.toDeals(raw, model)).calibration;
for (const [name, js] of [['columns', jsCol], ['objects', jsObj]]) {
  close(js.deals, rust.deals, 0, `${name} deals`);
  close(js.states.length, rust.states.length, 0, `${name} states`);
  const rs = new Map(rust.states.map((s) => [`${s.reached}|${s.outOfOrder}`, s]));
  for (const s of js.states) {
    const r = rs.get(`${s.reached}|${s.outOfOrder}`);
    if (!r) { failures++; console.error(`${name}: state ${s.reached} not in rust`); continue; }
    close(s.n, r.n, 0, `${name} state n`);
    close(s.won, r.won, 0, `${name} state won`);
  }
  // Issue 16's additive terms (milestone terms, the state rate's weight,
  // pairs) are not in the JS baseline: where the Rust calibration has them,
  // its effects are fitted beside them and differ from the JS ones, so they
  // are compared only without them (the JS calibrate then does less work).
  const additive = (rust.milestoneEffects || []).length || (rust.pairs || []).length || rust.stateWeight != null;
  if (!additive) {
    close(js.effectStrength, rust.effectStrength, 0, `${name} effect strength`);
    const re = new Map(rust.effects.map((e) => [`${e.attribute}=${e.value}`, e]));
    close(js.effects.length, rust.effects.length, 0, `${name} effects`);
    for (const e of js.effects) close(e.effect, re.get(`${e.attribute}=${e.value}`)?.effect ?? NaN, 1e-6, `${name} effect ${e.attribute}=${e.value}`);
  } else if (name === 'columns') {
    console.log(`calibration: effects not compared (Rust has ${(rust.milestoneEffects || []).length} milestone terms, ${(rust.pairs || []).length} pair cells, state weight ${rust.stateWeight ?? 1}; the JS baseline learns none)`);
  }
  // Both fits are iterative and stop at a gradient tolerance, so they agree
  // to about 1e-8, like the effects, not to the last bit.
  close(js.teamBias.a, rust.teamBias.a, 1e-6, `${name} team bias a`);
  close(js.sellerBias.length, rust.sellerBias.length, 0, `${name} seller bias`);
  const rb = new Map(rust.sellerBias.map((b) => [b.seller, b]));
  js.sellerBias.forEach((b) => close(b.b, rb.get(b.seller)?.b ?? NaN, 1e-6, `${name} seller ${b.seller} b`));
  close(js.skills.length, rust.skills.length, 0, `${name} skills`);
  const rk = new Map(rust.skills.map((s) => [`${s.seller}/${s.milestone}`, s]));
  js.skills.forEach((s) => close(s.advanced, rk.get(`${s.seller}/${s.milestone}`)?.advanced ?? NaN, 0, `${name} skill`));
}
console.log(`calibration: JS matches native on ${N} deals (${jsCol.states.length} states, ${jsCol.effects.length} effects)`);

// 2. Scores and distributions against the wasm package.
// Both parts of the package: scoreDeals is the widget's, scoreColumns and
// distribution the analysis part's.
const widget = await import(`${ROOT}pkg/stagecast.js`);
widget.initSync({ module: readFileSync(`${ROOT}pkg/stagecast_bg.wasm`) });
const analysis = await import(`${ROOT}pkg/analysis/stagecast.js`);
analysis.initSync({ module: readFileSync(`${ROOT}pkg/analysis/stagecast_bg.wasm`) });
const wasm = { ...widget, ...analysis };
const calibrated = { ...model, calibration: jsCol };
const open = gen.rawDeals(2000, 2, false);
const deals = gen.toDeals(open, model);
// The reasons as codes: the same codes and text parameters, numbers within 1e-12.
function sameReasons(x, y) {
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  return x.every((r, i) => {
    const keys = Object.keys(r).sort();
    if (JSON.stringify(keys) !== JSON.stringify(Object.keys(y[i]).sort())) return false;
    return keys.every((k) => (typeof r[k] === 'number' ? Math.abs(r[k] - y[i][k]) <= 1e-12 : JSON.stringify(r[k]) === JSON.stringify(y[i][k])));
  });
}
// A detailed score: the same fields; ids, codes, labels and text the same;
// every number within 1e-12 (reasons, next steps, contributions).
function sameNumbers(x, y) {
  if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x), Math.abs(y));
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => sameNumbers(v, y[i]));
  if (x && y && typeof x === 'object' && typeof y === 'object') {
    const kx = Object.keys(x).sort(), ky = Object.keys(y).sort();
    return JSON.stringify(kx) === JSON.stringify(ky) && kx.every((k) => sameNumbers(x[k], y[k]));
  }
  return x === y;
}
function sameDetail(a, b, what) {
  if (a.length !== b.length) {
    failures++;
    console.error(`${what}: ${a.length} scores vs ${b.length}`);
    return;
  }
  a.forEach((s, k) => {
    if (!sameNumbers(s, b[k])) {
      failures++;
      if (failures < 20) console.error(`${what} ${k} differs:\n${JSON.stringify(s)}\n${JSON.stringify(b[k])}`);
    }
  });
}
for (const m of [model, calibrated]) {
  const a = plain.scoreDeals(m, deals);
  const b = wasm.scoreDeals(m, deals);
  a.forEach((s, k) => {
    close(s.probability, b[k].probability, 1e-12, `score ${k}`);
    if (!sameReasons(s.reasons, b[k].reasons) || s.next.length !== b[k].next.length) {
      failures++;
      if (failures < 20) console.error(`score ${k} differs:\n${JSON.stringify(s)}\n${JSON.stringify(b[k])}`);
    }
    s.next.forEach((x, j) => close(x.gain, b[k].next[j].gain, 1e-12, `next ${k}`));
  });
  // Everything else too (ids, next steps, contributions): the same work.
  sameDetail(a, b, `scoreDeals ${m.calibration ? 'calibrated' : 'priors'}`);
  const oc = gen.toColumns(open);
  const x = plain.scoreColumns(m, oc.dictionaries, oc.steps, oc.offsets, oc.codes);
  const y = wasm.scoreColumns(m, oc.dictionaries, oc.steps, oc.offsets, oc.codes);
  x.forEach((v, k) => close(v, y[k], 1e-12, `columns ${k}`));
  // Issue 14: the compiled ColumnScorer on both sides (called twice: the
  // states it keeps give the same numbers), the same as the shorthand, and
  // the same numbers as scoring the deals as objects (won rows included).
  const js = new plain.ColumnScorer(m);
  const ws = new wasm.ColumnScorer(m);
  for (let call = 0; call < 2; call++) {
    const u = js.scoreColumns(oc.dictionaries, oc.steps, oc.offsets, oc.codes);
    const w = ws.scoreColumns(oc.dictionaries, oc.steps, oc.offsets, oc.codes);
    u.forEach((v, k) => close(v, w[k], 1e-12, `ColumnScorer ${k}`));
    w.forEach((v, k) => close(v, y[k], 0, `ColumnScorer vs scoreColumns ${k}`));
  }
  ws.free();
  b.forEach((s, k) => {
    const [lo, hi] = s.interval ?? [s.probability, s.probability];
    close(y[3 * k], s.probability, 1e-12, `columns vs objects ${k}`);
    close(y[3 * k + 1], lo, 1e-12, `columns vs objects lo ${k}`);
    close(y[3 * k + 2], hi, 1e-12, `columns vs objects hi ${k}`);
  });
}
console.log('scoring: JS matches wasm (objects, columns and ColumnScorer, priors and calibrated); columns match objects');
{
  // Issue 14: the ColumnScorer on a calibration with milestone terms and a
  // state rate's weight (the native one; its pair cells left out, which
  // plain JS does not read), against plain JS and the object path.
  const m = { ...model, calibration: { ...rust, pairs: [], pairStrength: 0 } };
  const oc = gen.toColumns(open);
  const u = new plain.ColumnScorer(m).scoreColumns(oc.dictionaries, oc.steps, oc.offsets, oc.codes);
  const ws = new wasm.ColumnScorer(m);
  const w = ws.scoreColumns(oc.dictionaries, oc.steps, oc.offsets, oc.codes);
  ws.free();
  u.forEach((v, k) => close(v, w[k], 1e-12, `ColumnScorer (milestone terms) ${k}`));
  wasm.scoreDeals(m, deals).forEach((s, k) => {
    close(w[3 * k], s.probability, 1e-12, `ColumnScorer (milestone terms) vs objects ${k}`);
    close(w[3 * k + 1], s.interval[0], 1e-12, `ColumnScorer (milestone terms) vs objects lo ${k}`);
    close(w[3 * k + 2], s.interval[1], 1e-12, `ColumnScorer (milestone terms) vs objects hi ${k}`);
  });
  console.log(`ColumnScorer: JS matches wasm and the object path on a calibration with ${(rust.milestoneEffects || []).length} milestone terms and state weight ${rust.stateWeight ?? 1}`);
}
{
  // The attrs case as the bench runs it: the wasm calibrates 50,000 closed
  // deals with 9 attributes (milestone terms and all), then an Engine
  // scores, lean and detailed, against plain.js's Engine on the same model.
  const hist = gen.toAttrDeals(gen.rawAttrDeals(50000, 1, true), model, true);
  const cal = wasm.calibrate(model, hist);
  const c = cal.calibration;
  const pairs = (c.pairs || []).length;
  console.log(`attrs calibration (wasm, 50k deals): ${c.effects.length} effects, ${(c.milestoneEffects || []).length} milestone terms, ${pairs} pair cells, state weight ${c.stateWeight ?? 1}, ${(c.ignoredMilestones || []).length} ignored milestones`);
  if (pairs) {
    failures++;
    console.error(`the bench's calibration has ${pairs} pair cells, which plain.js does not read: its scores differ from the wasm's`);
  }
  const open = gen.toAttrDeals(gen.rawAttrDeals(2000, 2, false), model, true);
  const js = new plain.Engine(cal);
  // pkg's Engine: scoreDeals' packed fast paths (www/src/pack.js), as the page's.
  const { Engine } = await import(`${ROOT}pkg/index.js`);
  const engine = new Engine(cal);
  const a = js.scoreDeals(open);
  const b = engine.scoreDeals(open);
  a.forEach((s, k) => {
    close(s.probability, b[k].probability, 1e-12, `lean ${k}`);
    if (s.id !== b[k].id || !s.interval !== !b[k].interval) failures++;
    if (s.interval) s.interval.forEach((x, j) => close(x, b[k].interval[j], 1e-12, `lean interval ${k}`));
  });
  sameDetail(js.scoreDeals(open, { detail: true }), engine.scoreDeals(open, { detail: true }), 'detail');
  engine.free();
  console.log(`engine: JS matches wasm (lean and detailed with contributions, 9 attributes, ${c.effects.length} effects)`);
}
{
  for (const n of [100, 1000, 10000]) {
    const items = gen.rawDeals(n, 2, false).map((d) => ({ amount: d.value, probability: Math.min(0.95, 0.05 + 0.09 * d.steps.length) }));
    const target = 0.3 * items.reduce((s, i) => s + i.amount, 0);
    const a = plain.distribution(items, { target });
    const b = wasm.distribution(items, { target });
    for (const k of ['expected', 'p10', 'p50', 'p90', 'pAtLeastTarget', 'expectedShortfall', 'gridStep', 'maxError']) close(a[k], b[k], 1e-9, `distribution ${n} ${k}`);
    close(a.points.length, b.points.length, 0, `distribution ${n} points`);
    const c = plain.distributionArrays(Float64Array.from(items, (i) => i.amount), Float64Array.from(items, (i) => i.probability), target);
    const d = wasm.distributionArrays(Float64Array.from(items, (i) => i.amount), Float64Array.from(items, (i) => i.probability), target);
    for (const k of ['p10', 'p50', 'p90', 'pAtLeastTarget']) close(c[k], d[k], 1e-9, `distributionArrays ${n} ${k}`);
  }
  console.log('distribution: JS matches wasm');
}
if (failures) {
  console.error(`${failures} mismatches`);
  process.exit(1);
}
