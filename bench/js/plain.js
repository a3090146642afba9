// stagecast's algorithms written the way a CRM developer would write them in
// plain JavaScript: the baseline the wasm is measured against (wasmVsJs).
// Same algorithms as the Rust core, step for step: prior scoring (best
// credit, halved per missing prerequisite, out-of-order penalty), the
// hierarchical Beta-binomial back-off of calibration with leave-one-out
// offsets, the L2 logistic fit by Newton + conjugate gradients with 5-fold
// choice of strength, seller recalibration and skill counts, scoring of
// columns with a per-state cache, and the pipeline distribution on a grid by
// divide-and-conquer FFT products. Idiomatic JS: Maps, plain objects, typed
// arrays for the columns and the FFT. Milestone sets are 32-bit integers
// (models of up to 31 milestones, which is what a JS developer would do).
// Input checks are the basic ones (unknown milestone, bad date), not the
// wasm's field-path validation.

const MISSING_FACTOR = 0.5;
const OUT_OF_ORDER_FACTOR = 0.8;
const DEFAULT_BASE = 0.05;
const STATE_STRENGTH = 10;
const MIN_HISTORY = 30;
const THIN_STATE = 5;
// z of a central 90% interval (issue 16: terms widen the interval).
const Z90 = 1.6448536269514722;
const EFFECT_GRID = [512, 128, 32, 8, 2];
const ONE_FOLD_FROM = 50000;
const SELLER_STRENGTH = 20;
const MAX_VALUES = 256;
const EPS = 1e-6;

const popcount = (x) => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
};
function members(set) {
  const out = [];
  for (let i = 0; set; i++, set >>>= 1) if (set & 1) out.push(i);
  return out;
}
const lastMember = (set) => (set ? 31 - Math.clz32(set) : -1);

// ---------------------------------------------------------------- stats
export const sigmoid = (x) => 1 / (1 + Math.exp(-x));
export function logit(p) {
  p = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(p / (1 - p));
}
const LANCZOS = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
function lnGamma(x) {
  if (x < 0.5) return lnGamma(x + 1) - Math.log(x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let k = 1; k < 9; k++) a += LANCZOS[k] / (x + k);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
function betaCf(a, b, x) {
  const tiny = 1e-300;
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 200; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return h;
}
function betaCdf(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaCf(a, b, x)) / a : 1 - (front * betaCf(b, a, 1 - x)) / b;
}
/** Newton's method from the mean, kept inside a shrinking bracket. */
function betaQuantile(q, a, b) {
  const lnNorm = lnGamma(a + b) - lnGamma(a) - lnGamma(b);
  let lo = 0, hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 100; i++) {
    const f = betaCdf(x, a, b) - q;
    if (Math.abs(f) < 1e-12) break;
    if (f < 0) lo = x;
    else hi = x;
    const pdf = Math.exp(lnNorm + (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x));
    const next = x - f / pdf;
    x = pdf > 0 && next > lo && next < hi ? next : 0.5 * (lo + hi);
    if (hi - lo < 1e-12) break;
  }
  return x;
}
function betaInterval(a, b) {
  a = Math.max(a, 1e-3);
  b = Math.max(b, 1e-3);
  if (Math.min(a, b) >= 100) {
    const n = a + b, m = a / n;
    const sd = Math.sqrt((m * (1 - m)) / (n + 1));
    const z = 1.6448536269514722;
    return [Math.max(m - z * sd, 0), Math.min(m + z * sd, 1)];
  }
  return [betaQuantile(0.05, a, b), betaQuantile(0.95, a, b)];
}

// Rows: { offset, features: Int32Array, won, count }.
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
function linear(beta, r) {
  let s = r.offset;
  for (const f of r.features) s += beta[f];
  return s;
}
export function fitLogistic(rows, nf, lambda, weight, start) {
  const beta = start && start.length === nf ? Float64Array.from(start) : new Float64Array(nf);
  const curv = new Float64Array(rows.length);
  for (let it = 0; it < 30; it++) {
    const grad = new Float64Array(nf);
    const diag = new Float64Array(nf).fill(lambda);
    for (let f = 0; f < nf; f++) grad[f] = lambda * beta[f];
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      const c = weight(k, r);
      const p = sigmoid(linear(beta, r));
      const g = c * (p - (r.won ? 1 : 0));
      const h = c * p * (1 - p);
      for (const f of r.features) { grad[f] += g; diag[f] += h; }
      curv[k] = h;
    }
    const hv = (v) => {
      const out = new Float64Array(nf);
      for (let f = 0; f < nf; f++) out[f] = lambda * v[f];
      for (let k = 0; k < rows.length; k++) {
        const w = curv[k];
        if (w === 0) continue;
        const fs = rows[k].features;
        let s = 0;
        for (const f of fs) s += v[f];
        for (const f of fs) out[f] += w * s;
      }
      return out;
    };
    // Conjugate gradients preconditioned by the Hessian's diagonal.
    const step = new Float64Array(nf);
    const res = Float64Array.from(grad);
    const z = new Float64Array(nf);
    let rr = 0;
    for (let f = 0; f < nf; f++) { z[f] = res[f] / Math.max(diag[f], 1e-12); rr += res[f] * z[f]; }
    const dir = Float64Array.from(z);
    const tol = 1e-24 + 1e-16 * rr;
    for (let i = 0, iters = Math.min(Math.max(nf, 1), 200); i < iters; i++) {
      if (rr <= tol) break;
      const hd = hv(dir);
      let dhd = 0;
      for (let f = 0; f < nf; f++) dhd += dir[f] * hd[f];
      if (dhd <= 0) break;
      const alpha = rr / dhd;
      let rr2 = 0;
      for (let f = 0; f < nf; f++) {
        step[f] += alpha * dir[f];
        res[f] -= alpha * hd[f];
        z[f] = res[f] / Math.max(diag[f], 1e-12);
        rr2 += res[f] * z[f];
      }
      const ratio = rr2 / rr;
      for (let f = 0; f < nf; f++) dir[f] = z[f] + ratio * dir[f];
      rr = rr2;
    }
    let biggest = 0;
    for (let f = 0; f < nf; f++) {
      const s = Math.min(2, Math.max(-2, step[f]));
      beta[f] -= s;
      biggest = Math.max(biggest, Math.abs(s));
    }
    if (biggest < 1e-7) break;
  }
  return beta;
}
function logLoss(rows, beta, weight) {
  let loss = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const c = weight(k, r);
    if (c === 0) continue;
    const p = Math.min(1 - EPS, Math.max(EPS, sigmoid(linear(beta, r))));
    loss -= c * (r.won ? Math.log(p) : Math.log(1 - p));
  }
  return loss;
}

// ---------------------------------------------------------------- model
/** Compiles a model: lookups, prerequisite sets, priors, calibration. */
export function compile(model) {
  const ms = model.milestones;
  const base = model.baseProbability ?? DEFAULT_BASE;
  const index = new Map();
  ms.forEach((m, i) => {
    if (index.has(m.id)) throw new Error(`milestones[${i}].id: duplicate milestone id "${m.id}"`);
    index.set(m.id, i);
  });
  const n = ms.length;
  const after = new Int32Array(n);
  const mandatoryBefore = new Int32Array(n);
  let mandatory = 0;
  ms.forEach((m, i) => {
    mandatoryBefore[i] = mandatory;
    if (m.mandatory) mandatory |= 1 << i;
    for (const a of m.after || []) {
      const j = index.get(a);
      if (j === undefined) throw new Error(`milestones[${i}].after: unknown milestone "${a}"`);
      after[i] |= 1 << j;
    }
  });
  const requiredBefore = new Int32Array(n);
  for (let i = 0; i < n; i++) requiredBefore[i] = after[i] | (ms[i].mandatory ? mandatoryBefore[i] : 0);
  // Priors: interpolated where missing, non-decreasing along the mandatory ladder.
  const filled = [];
  let prev = [-1, base];
  for (let i = 0; i < n; i++) {
    if (ms[i].probability != null) {
      filled.push(ms[i].probability);
      prev = [i, ms[i].probability];
      continue;
    }
    let next = [n, Math.max(0.9, prev[1])];
    for (let j = i + 1; j < n; j++) if (ms[j].probability != null) { next = [j, ms[j].probability]; break; }
    filled.push(prev[1] + ((i - prev[0]) / (next[0] - prev[0])) * (next[1] - prev[1]));
  }
  const prior = new Float64Array(n);
  let floor = base;
  for (let i = 0; i < n; i++) {
    prior[i] = Math.max(filled[i], floor);
    if (ms[i].mandatory) floor = prior[i];
  }
  const p = { model, ms, n, base, index, after, mandatoryBefore, mandatory, requiredBefore, prior, fitted: null };
  p.label = (i) => ms[i].label || ms[i].id;
  if (model.calibration) p.fitted = fit(p, model.calibration);
  return p;
}

// ---------------------------------------------------------------- deals
function parseDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  if (!m) throw new Error(`must be a date YYYY-MM-DD (got "${s}")`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  if (d.getUTCDate() !== +m[3] || d.getUTCMonth() !== +m[2] - 1) throw new Error(`must be a date YYYY-MM-DD (got "${s}")`);
  return t / 86400000;
}

/** { reached, sequence, missing, outOfOrder } of a list of milestone indices in completion order. */
function finish(p, st) {
  let soFar = 0, early = 0;
  for (const i of st.sequence) {
    if (p.requiredBefore[i] & ~soFar & st.reached) early |= 1 << i;
    soFar |= 1 << i;
  }
  st.outOfOrder = early;
  let missing = 0;
  const furthest = lastMember(st.reached & p.mandatory);
  if (furthest >= 0) missing |= p.mandatoryBefore[furthest] & ~st.reached;
  for (const i of members(st.reached)) missing |= p.after[i] & ~st.reached;
  st.missing = missing;
  return st;
}
function stateOfSteps(p, steps) {
  const st = { reached: 0, sequence: [] };
  for (const i of steps) {
    if (st.reached & (1 << i)) continue;
    st.reached |= 1 << i;
    st.sequence.push(i);
  }
  return finish(p, st);
}
// The checks the Rust core makes on every deal it scores (Deal::check), in
// its order, with its messages: the same work. `path()` makes the deal's
// path only when a check fails, as the core does.
const MAX_TEXT = 200;
function checkDeal(deal, path) {
  const fail = (f, m) => {
    throw new Error(`${path()}.${f}: ${m}`);
  };
  const text = (f, s) => {
    if (s.length > MAX_TEXT && [...s].length > MAX_TEXT) fail(f, `must be at most ${MAX_TEXT} characters`);
  };
  text('id', deal.id ?? '');
  for (const f of ['label', 'seller', 'pipeline']) if (deal[f] != null) text(f, deal[f]);
  for (const f of ['value', 'margin']) if (deal[f] != null && !(Number.isFinite(deal[f]) && deal[f] >= 0)) fail(f, 'must be a finite number >= 0');
  const sp = deal.sellerProbability;
  if (sp != null && !(sp >= 0 && sp <= 1)) fail('sellerProbability', 'must be a number between 0 and 1');
  if (deal.closeDate != null) {
    try {
      parseDate(deal.closeDate);
    } catch (e) {
      fail('closeDate', e.message);
    }
  }
  const attrs = deal.attributes ? Object.entries(deal.attributes) : [];
  if (attrs.length > 32) fail('attributes', 'at most 32 attributes are supported');
  for (const [k, v] of attrs) {
    if (k === '__proto__') fail(`attributes.${k}`, '"__proto__" cannot be an attribute name');
    text(`attributes.${k}`, k);
    text(`attributes.${k}`, v);
  }
  if ((deal.events || []).length > 1024) fail('events', 'at most 1024 events are supported');
}
export function dealState(p, deal, path) {
  const at = typeof path === 'function' ? path : () => path;
  checkDeal(deal, at);
  const events = deal.events || [];
  let steps = events.map((e, k) => {
    const i = p.index.get(e.milestone);
    if (i === undefined) throw new Error(`${at()}.events[${k}].milestone: unknown milestone "${e.milestone}"`);
    return { i, day: e.date == null ? null : parseDate(e.date) };
  });
  // The core's order (deal::ordered): an undated event counts as done on
  // the latest date listed before it; then by day, stably.
  if (steps.length > 1 && steps.some((s) => s.day !== null)) {
    let latest = -Infinity;
    const day = steps.map((s) => (s.day === null ? latest : ((latest = Math.max(latest, s.day)), s.day)));
    steps = steps.map((s, k) => k).sort((a, b) => (day[a] < day[b] ? -1 : day[a] > day[b] ? 1 : a - b)).map((k) => steps[k]);
  }
  return stateOfSteps(p, steps.map((s) => s.i));
}
function withStep(p, st, i) {
  if (st.reached & (1 << i)) return st;
  return finish(p, { reached: st.reached | (1 << i), sequence: [...st.sequence, i] });
}
const ids = (p, set) => members(set).map((i) => p.ms[i].id);
/** The mandatory milestones a reached milestone waits for (the core's missing_before): the state's missing steps plus each reached milestone's gate. */
function missingBefore(p, st) {
  let missing = st.missing;
  for (const i of members(st.reached)) missing |= (p.requiredBefore[i] | p.mandatoryBefore[i]) & ~st.reached;
  return missing;
}
// Rust's f64::round: half away from zero (Math.round rounds -2.5 to -2).
const roundAway = (x) => (x < 0 ? -Math.round(-x) : Math.round(x));

// ---------------------------------------------------------------- prior scoring
function bestCredit(p, reached) {
  const base = p.base;
  let best = base, bestI = -1, bestMissing = 0;
  for (const i of members(reached)) {
    // The gate, as the Rust core's: prerequisites and every mandatory milestone listed before.
    const missing = popcount((p.requiredBefore[i] | p.mandatoryBefore[i]) & ~reached);
    const credit = base + (p.prior[i] - base) * Math.pow(MISSING_FACTOR, missing);
    if (credit > best || (bestI < 0 && credit >= best)) {
      best = credit;
      bestI = i;
      bestMissing = missing;
    }
  }
  return [best, bestI, bestMissing];
}
/** The steps completed after a milestone that required them. */
function lateSteps(p, st) {
  let needed = 0, late = 0;
  for (const i of st.sequence) {
    if (needed & (1 << i)) late |= 1 << i;
    needed |= p.requiredBefore[i];
  }
  return late;
}
export function priorProbability(p, st, why) {
  const base = p.base;
  let [best, bestI, bestMissing] = bestCredit(p, st.reached);
  if (why) {
    if (bestI < 0) why.push({ code: 'start', probability: base });
    else if (bestMissing === 0) why.push({ code: 'furthest_step', milestone: p.ms[bestI].id, probability: p.prior[bestI] });
    else why.push({ code: 'missing_prerequisites', milestone: p.ms[bestI].id, missing: bestMissing, probability: best, prior: p.prior[bestI] });
  }
  if (st.outOfOrder) {
    const before = best;
    best = base + (best - base) * OUT_OF_ORDER_FACTOR;
    // Doing a skipped step late never scores below not doing it.
    const late = lateSteps(p, st);
    const floor = bestCredit(p, st.reached & ~late)[0];
    if (floor > best) {
      if (why) why.push({ code: 'out_of_order_as_missing', milestones: ids(p, st.outOfOrder), late: ids(p, late), probability: floor, before: best });
      best = floor;
    } else if (why) why.push({ code: 'out_of_order', milestones: ids(p, st.outOfOrder), probability: best, before });
  }
  return Math.min(1, Math.max(0, best));
}

function nextSteps(p, st, now, prob) {
  const mandMissing = p.mandatory & ~st.reached;
  const firstMandatory = mandMissing ? 31 - Math.clz32(mandMissing & -mandMissing) : -1;
  const steps = [];
  for (let i = 0; i < p.n; i++) {
    if (st.reached & (1 << i)) continue;
    const mand = !!(p.mandatory & (1 << i));
    if (!(i === firstMandatory || (!mand && (p.after[i] & ~st.reached) === 0))) continue;
    const q = prob(withStep(p, st, i));
    const s = { milestone: p.ms[i].id, label: p.label(i), mandatory: mand, probability: q, gain: q - now };
    let at = steps.findIndex((o) => s.gain > o.gain);
    if (at < 0) at = steps.length;
    steps.splice(at, 0, s);
  }
  return steps;
}

// ---------------------------------------------------------------- calibrated scoring
/** What scoring needs from a calibration: pooled counts of every back-off node. */
function fit(p, c) {
  const f = { deals: c.deals, won: c.won, insufficient: c.deals < MIN_HISTORY, nodes: new Map(), optionalMasks: [0], effects: new Map(), memo: new Map() };
  let mask = 0;
  for (let i = 0; i < p.n; i++) if (!p.ms[i].mandatory) { mask |= 1 << i; f.optionalMasks.push(mask); }
  for (const s of c.states) {
    let reached = 0;
    for (const id of s.reached) {
      const i = p.index.get(id);
      if (i === undefined) throw new Error(`calibration.states: unknown milestone "${id}"`);
      reached |= 1 << i;
    }
    for (const node of chain(p, f, reached, s.outOfOrder)) {
      const e = f.nodes.get(node);
      if (e) { e[0] += s.n; e[1] += s.won; } else f.nodes.set(node, [s.n, s.won]);
    }
  }
  // Issue 16 (src/calibration/additive.rs): each effect carries its
  // variance, 1 / (n w + strength / 4), which widens the interval. The JS
  // baseline reads effects, milestone terms, the state rate's weight and
  // the ignored milestones; not pair cells (its calibrate learns none, and
  // the bench's calibrations have none: bench/check.mjs says so if they do).
  const rate = c.deals > 0 ? c.won / c.deals : 0.5;
  const w = Math.max(rate * (1 - rate), 0.01);
  const variance = (n, strength) => 1 / Math.max(n * w + (strength || 0) / 4, 1e-9);
  f.effectVar = new Map();
  for (const e of c.effects || []) {
    f.effects.set(`${e.attribute}\u0000${e.value}`, e.effect);
    f.effectVar.set(`${e.attribute}\u0000${e.value}`, variance(e.n, c.effectStrength));
  }
  f.milestones = new Float64Array(p.n);
  f.milestoneVar = new Float64Array(p.n);
  for (const m of c.milestoneEffects || []) {
    const i = p.index.get(m.milestone);
    f.milestones[i] = m.effect;
    f.milestoneVar[i] = variance(m.n, c.effectStrength);
  }
  f.weight = c.stateWeight ?? 1;
  f.intercept = c.intercept || 0;
  f.ignored = 0;
  for (const id of c.ignoredMilestones || []) f.ignored |= 1 << p.index.get(id);
  return f;
}
/** The state's interval around p, moved to logit z and widened by the terms' variance (additive::moved_interval). */
function movedInterval(p, interval, weight, z, v) {
  const lp = logit(p);
  const extra = Z90 * Z90 * v;
  const below = Math.sqrt((weight * (lp - logit(interval[0]))) ** 2 + extra);
  const above = Math.sqrt((weight * (logit(interval[1]) - lp)) ** 2 + extra);
  return [sigmoid(z - below), sigmoid(z + above)];
}
/** A state as the calibration sees it, [reached, out of order], without its ignored milestones (leakage::view). */
function view(p, f, st) {
  if (!f.ignored) return [st.reached, st.outOfOrder !== 0];
  const reached = st.reached & ~f.ignored;
  let soFar = 0, ooo = false;
  for (const i of st.sequence) {
    if (f.ignored & (1 << i)) continue;
    if (p.requiredBefore[i] & ~soFar & reached) ooo = true;
    soFar |= 1 << i;
  }
  return [reached, ooo];
}
/** [base, variance] of a state on the logit: its rate's logit weighted against the intercept, plus its milestone terms (Terms::state_base). */
function stateBase(f, rate, reached) {
  let m = 0, v = 0;
  for (const i of members(reached)) {
    m += f.milestones[i];
    v += f.milestoneVar[i];
  }
  return [f.weight * logit(rate) + (1 - f.weight) * f.intercept + m, v];
}
function varianceOf(f, attrs) {
  let v = 0;
  for (const [k, x] of attrs) v += f.effectVar.get(`${k}\u0000${x}`) ?? 0;
  return v;
}
// Node keys: level * 2^32 + milestone set (exact in a double).
function chain(p, f, reached, ooo) {
  const mand = reached & p.mandatory;
  const out = [lastMember(mand) + 1];
  const m = f.optionalMasks;
  for (let t = 0; t < m.length; t++) out.push((1 + t) * 4294967296 + ((mand | (reached & m[t])) >>> 0));
  out.push((1 + m.length + (ooo ? 1 : 0)) * 4294967296 + (reached >>> 0));
  return out;
}
function root(p, reached) {
  const last = lastMember(reached & p.mandatory);
  return last < 0 ? p.base : p.prior[last];
}
/** { probability, interval, n, won } of a state; `minus` removes one deal's outcome (leave-one-out). */
function estimate(p, f, reached, ooo, minus, withInterval = true) {
  reached &= ~f.ignored;
  const memoKey = reached * 2 + (ooo ? 1 : 0);
  if (minus === undefined && withInterval) {
    const hit = f.memo.get(memoKey);
    if (hit) return hit;
  }
  const dn = minus === undefined ? 0 : 1;
  const dw = minus === true ? 1 : 0;
  let q = root(p, reached);
  let a = STATE_STRENGTH * q, b = STATE_STRENGTH * (1 - q), nLeaf = 0, wLeaf = 0;
  for (const k of chain(p, f, reached, ooo)) {
    const e = f.nodes.get(k);
    const n = Math.max((e ? e[0] : 0) - dn, 0);
    const w = Math.min(Math.max((e ? e[1] : 0) - dw, 0), n);
    a = w + STATE_STRENGTH * q;
    b = n - w + STATE_STRENGTH * (1 - q);
    q = a / (a + b);
    nLeaf = n;
    wLeaf = w;
  }
  if (!withInterval) return q;
  const est = { probability: q, interval: betaInterval(a, b), n: Math.round(nLeaf), won: Math.round(wLeaf) };
  if (minus === undefined) f.memo.set(memoKey, est);
  return est;
}
function features(deal) {
  // Attributes in name order (as the Rust core keeps them), then the seller.
  const v = Object.entries(deal.attributes || {}).sort((x, y) => (x[0] < y[0] ? -1 : 1));
  if (deal.seller && !(deal.attributes && 'seller' in deal.attributes)) v.push(['seller', deal.seller]);
  return v;
}
function effectsOf(f, attrs) {
  const out = [];
  for (const [k, v] of attrs) {
    const b = f.effects.get(`${k}\u0000${v}`);
    if (b !== undefined) out.push([k, v, b]);
  }
  return out;
}
function calibratedProbability(p, f, st, attrs, why) {
  const [reached, ooo] = view(p, f, st);
  const e = estimate(p, f, reached, ooo);
  if (e.n >= THIN_STATE) why.push({ code: 'learned_state', deals: e.n, won: e.won });
  else why.push({ code: 'thin_state', deals: e.n });
  why.push({ code: 'history_rate', probability: e.probability, low: e.interval[0], high: e.interval[1] });
  const [base, mv] = stateBase(f, e.probability, reached);
  // The number as a sum in log-odds (issue 16's contributions): the
  // state's base, then each attribute's effect.
  const state = { kind: 'state' };
  if (reached) state.reached = ids(p, reached);
  if (ooo) state.outOfOrder = true;
  const contributions = [{ term: state, value: base }];
  let total = 0, v = 0;
  for (const [k, x] of attrs) {
    const key = `${k}\u0000${x}`;
    const b = f.effects.get(key);
    if (b === undefined) continue;
    total += b;
    v += f.effectVar.get(key);
    const term = { kind: 'attribute' };
    if (k) term.attribute = k;
    if (x) term.value = x;
    contributions.push({ term, value: b });
  }
  const z = base + total;
  const q = sigmoid(z);
  for (let j = 1; j < contributions.length; j++) {
    const { term, value } = contributions[j];
    const points = roundAway((q - sigmoid(z - value)) * 100);
    if (points !== 0) why.push({ code: 'attribute_effect', attribute: term.attribute ?? '', value: term.value ?? '', points });
  }
  return [q, movedInterval(e.probability, e.interval, f.weight, z, mv + v), e.n, contributions];
}
function calibratedPoint(p, f, st, attrs) {
  const [reached, ooo] = view(p, f, st);
  let total = 0;
  for (const x of effectsOf(f, attrs)) total += x[2];
  return sigmoid(stateBase(f, estimate(p, f, reached, ooo, undefined, false), reached)[0] + total);
}
function sellerNote(deal, why) {
  if (deal.sellerProbability != null) why.push({ code: 'seller_estimate', probability: deal.sellerProbability });
}

/** The outcome milestone (the last, mandatory, prior >= 0.95): reaching it is winning. */
function outcome(p) {
  const i = p.n - 1;
  return i >= 0 && p.ms[i].mandatory && p.prior[i] >= 0.95 ? i : -1;
}
const signed = (p, st) => outcome(p) >= 0 && (st.reached & (1 << outcome(p))) !== 0;

function scoreState(p, deal, st) {
  const f = p.fitted;
  const why = [];
  if (signed(p, st)) {
    const learned = !!(f && !f.insufficient);
    why.push({ code: 'deal_won', milestone: p.ms[p.n - 1].id });
    sellerNote(deal, why);
    const out = { id: deal.id || '', probability: 1, interval: learned ? [1, 1] : null, count: 0, source: learned ? 'history' : 'prior', reached: ids(p, st.reached), missingMandatory: ids(p, missingBefore(p, st)), outOfOrder: ids(p, st.outOfOrder), next: [], reasons: why };
    if (deal.sellerProbability != null) out.sellerProbability = deal.sellerProbability;
    return out;
  }
  if (f && !f.insufficient) {
    const attrs = features(deal);
    const [q, interval, count, contributions] = calibratedProbability(p, f, st, attrs, why);
    sellerNote(deal, why);
    const out = { id: deal.id || '', probability: q, interval, count, source: 'history', reached: ids(p, st.reached), missingMandatory: ids(p, missingBefore(p, st)), outOfOrder: ids(p, st.outOfOrder), next: nextSteps(p, st, q, (s) => (signed(p, s) ? 1 : calibratedPoint(p, f, s, attrs))), reasons: why };
    if (deal.sellerProbability != null) out.sellerProbability = deal.sellerProbability;
    out.contributions = contributions;
    return out;
  }
  const q = priorProbability(p, st, why);
  if (f) why.push({ code: 'insufficient_history', deals: f.deals, needed: MIN_HISTORY });
  sellerNote(deal, why);
  const out = { id: deal.id || '', probability: q, interval: null, count: 0, source: 'prior', reached: ids(p, st.reached), missingMandatory: ids(p, missingBefore(p, st)), outOfOrder: ids(p, st.outOfOrder), next: nextSteps(p, st, q, (s) => (signed(p, s) ? 1 : priorProbability(p, s))), reasons: why };
  if (deal.sellerProbability != null) out.sellerProbability = deal.sellerProbability;
  return out;
}

export function scoreDeal(model, deal) {
  const p = compile(model);
  return scoreState(p, deal, dealState(p, deal, 'deal'));
}
export function scoreDeals(model, deals) {
  const p = compile(model);
  return deals.map((d, k) => scoreState(p, d, dealState(p, d, `deals[${k}]`)));
}

/** A deal's number without the detail (Engine.scoreDeals' default): the same number as scoreState. */
function scoreLean(p, deal, st) {
  const f = p.fitted;
  if (signed(p, st)) return { id: deal.id || '', probability: 1, interval: f && !f.insufficient ? [1, 1] : null };
  if (f && !f.insufficient) {
    const [reached, ooo] = view(p, f, st);
    const e = estimate(p, f, reached, ooo);
    const [base, mv] = stateBase(f, e.probability, reached);
    let total = 0;
    const attrs = features(deal);
    for (const x of effectsOf(f, attrs)) total += x[2];
    const z = base + total;
    return { id: deal.id || '', probability: sigmoid(z), interval: movedInterval(e.probability, e.interval, f.weight, z, mv + varianceOf(f, attrs)) };
  }
  return { id: deal.id || '', probability: priorProbability(p, st), interval: null };
}

/** The plain-JS twin of the wasm `Engine`: the model compiled once. */
export class Engine {
  constructor(model) {
    this.p = compile(model);
  }
  scoreDeal(deal) {
    return scoreState(this.p, deal, dealState(this.p, deal, 'deal'));
  }
  scoreDeals(deals, options) {
    const p = this.p;
    if (options && options.detail) return deals.map((d, k) => scoreState(p, d, dealState(p, d, () => `deals[${k}]`)));
    return deals.map((d, k) => scoreLean(p, d, dealState(p, d, () => `deals[${k}]`)));
  }
}

// ---------------------------------------------------------------- columns
/** Every state a row is evidence for: after each step when `path`, else the final one. */
function statesOf(p, steps, a, b, path, out) {
  out.length = 0;
  let reached = 0;
  const seq = [];
  const state = () => {
    for (let k = 0; k < seq.length; k += 2) if (p.requiredBefore[seq[k]] & ~seq[k + 1] & reached) return true;
    return false;
  };
  if (path) out.push(0, false);
  for (let k = a; k < b; k++) {
    const i = steps[k];
    if (reached & (1 << i)) continue;
    seq.push(i, reached);
    reached |= 1 << i;
    if (path) out.push(reached, state());
  }
  if (!path) out.push(reached, state());
}

/**
 * The plain-JS twin of the wasm `ColumnScorer` (issue 14): the model
 * compiled once, and what each milestone state needs (its numbers, its
 * logit and the squared logit distances to its interval's ends) computed
 * the first time it is met and kept, as the Rust keeps it (the state's
 * base: its rate weighted against the intercept plus its milestone terms;
 * no pair cells, which this baseline never reads). A row: its final state
 * in one pass (no array), its codes' effects, three sigmoids and two square
 * roots (the Rust works on the odds instead; see src/columns.rs).
 */
export class ColumnScorer {
  constructor(model) {
    this.p = compile(model);
    this.f = this.p.fitted && !this.p.fitted.insufficient ? this.p.fitted : null;
    const o = outcome(this.p);
    this.outcome = o >= 0 ? 1 << o : 0;
    this.states = new Map();
  }
  /** `[p, lo, hi]` per row, flat. */
  scoreColumns(dict, steps, offsets, codes) {
    const { p, f } = this;
    const na = dict.attributes.length;
    const n = offsets.length - 1;
    const effects = dict.attributes.map((a, col) => Float64Array.from(dict.values[col], (v) => (f ? f.effects.get(`${a}\u0000${v}`) ?? 0 : 0)));
    const vars = dict.attributes.map((a, col) => Float64Array.from(dict.values[col], (v) => (f ? f.effectVar.get(`${a}\u0000${v}`) ?? 0 : 0)));
    const states = this.states;
    const req = p.requiredBefore;
    const ignored = f ? f.ignored : 0;
    const out = new Float64Array(n * 3);
    for (let r = 0; r < n; r++) {
      const a = offsets[r], b = offsets[r + 1];
      // The final state: a step done while a step done before it required
      // it is late; the milestones the calibration ignores are left out.
      let all = 0, reached = 0, needed = 0, late = 0;
      for (let k = a; k < b; k++) {
        const i = steps[k], bit = 1 << i;
        if (all & bit) continue;
        all |= bit;
        if (ignored & bit) continue;
        if (needed & bit) late |= bit;
        needed |= req[i];
        reached |= bit;
      }
      if (all & this.outcome) {
        out[r * 3] = out[r * 3 + 1] = out[r * 3 + 2] = 1;
        continue;
      }
      // Calibrated states by (reached, out of order); the priors' floor depends on the late steps.
      const key = f ? reached * 2 + (late ? 1 : 0) : late ? `${reached},${late}` : reached * 2;
      let st = states.get(key);
      if (!st) {
        if (f) {
          // [p, lo, hi, base logit, squared distances to the ends, milestone terms' variance, plain]
          const e = estimate(p, f, reached, late !== 0);
          const z = logit(e.probability);
          const [base, mv] = stateBase(f, e.probability, reached);
          st = [e.probability, e.interval[0], e.interval[1], base, (f.weight * (z - logit(e.interval[0]))) ** 2, (f.weight * (logit(e.interval[1]) - z)) ** 2, mv, base === z && mv === 0];
        } else {
          const q = priorProbability(p, stateOfSteps(p, Array.from(steps.subarray(a, b))));
          st = [q, q, q, 0, 0, 0, 0, true];
        }
        states.set(key, st);
      }
      let shift = 0, v = 0;
      for (let col = 0; col < na; col++) {
        const c = codes[r * na + col];
        if (c > 0) { shift += effects[col][c - 1]; v += vars[col][c - 1]; }
      }
      v += st[6];
      if (st[7] && shift === 0 && v === 0) {
        out[r * 3] = st[0]; out[r * 3 + 1] = st[1]; out[r * 3 + 2] = st[2];
      } else {
        const z = st[3] + shift;
        const extra = Z90 * Z90 * v;
        out[r * 3] = sigmoid(z);
        out[r * 3 + 1] = sigmoid(z - Math.sqrt(st[4] + extra));
        out[r * 3 + 2] = sigmoid(z + Math.sqrt(st[5] + extra));
      }
    }
    return out;
  }
}

/** `[p, lo, hi]` per row, flat: `new ColumnScorer(model).scoreColumns(...)`. */
export function scoreColumns(model, dict, steps, offsets, codes) {
  return new ColumnScorer(model).scoreColumns(dict, steps, offsets, codes);
}

// ---------------------------------------------------------------- calibration
/** Deals to columns (what `calibrate` does first), `paths: auto`. */
export function tableFromDeals(p, deals) {
  const attrIndex = new Map();
  const valueIndex = [];
  const sellerIndex = new Map();
  const rows = [];
  const steps = [];
  const n = deals.length;
  const offsets = new Uint32Array(n + 1);
  const ordered = new Uint8Array(n);
  const outcome = new Uint8Array(n);
  const seller = new Uint32Array(n);
  const sellerProbability = new Float64Array(n);
  deals.forEach((d, k) => {
    if (d.status !== 'won' && d.status !== 'lost') throw new Error(`history[${k}].status: must be won or lost: history holds closed deals only`);
    const st = dealState(p, d, `history[${k}]`);
    for (const i of st.sequence) steps.push(i);
    offsets[k + 1] = steps.length;
    const ev = d.events || [];
    ordered[k] = ev.length > 0 && ev.every((e) => e.date != null) ? 1 : 0;
    outcome[k] = d.status === 'won' ? 1 : 0;
    sellerProbability[k] = d.sellerProbability ?? NaN;
    let s = 0;
    if (d.seller) {
      s = sellerIndex.get(d.seller);
      if (s === undefined) sellerIndex.set(d.seller, (s = sellerIndex.size + 1));
    }
    seller[k] = s;
    const row = [];
    const add = (name, value) => {
      let a = attrIndex.get(name);
      if (a === undefined) { attrIndex.set(name, (a = attrIndex.size)); valueIndex.push(new Map()); }
      const vi = valueIndex[a];
      let c = vi.get(value);
      if (c === undefined) vi.set(value, (c = vi.size + 1));
      row.push(a, c);
    };
    for (const name of Object.keys(d.attributes || {}).sort()) add(name, d.attributes[name]);
    if (d.seller && !(d.attributes && 'seller' in d.attributes)) add('seller', d.seller);
    rows.push(row);
  });
  const na = attrIndex.size;
  const codes = new Uint32Array(n * na);
  rows.forEach((row, r) => { for (let k = 0; k < row.length; k += 2) codes[r * na + row[k]] = row[k + 1]; });
  return {
    dictionaries: { attributes: [...attrIndex.keys()], values: valueIndex.map((vi) => [...vi.keys()]), sellers: [...sellerIndex.keys()] },
    steps: Uint8Array.from(steps), offsets, ordered, outcome, codes, seller, sellerProbability,
  };
}

export function calibrate(model, history) {
  const p = compile({ ...model, calibration: undefined });
  const t = tableFromDeals(p, history);
  return { ...model, calibration: calibrateTable(p, t) };
}
export function calibrateColumns(model, dict, steps, offsets, ordered, outcome, codes, seller, sellerProbability) {
  const p = compile({ ...model, calibration: undefined });
  return { ...model, calibration: calibrateTable(p, { dictionaries: dict, steps, offsets, ordered, outcome, codes, seller, sellerProbability }) };
}

function calibrateTable(p, t) {
  const n = t.outcome.length;
  const dict = t.dictionaries;
  const na = dict.attributes.length;
  // 1. State counts.
  const counts = new Map();
  const finals = new Float64Array(n * 2);
  const buf = [];
  let deals = 0, wonTotal = 0;
  for (let r = 0; r < n; r++) {
    const out = t.outcome[r];
    if (out > 1) continue;
    const won = out === 1;
    deals++;
    if (won) wonTotal++;
    const path = t.ordered[r] === 1;
    statesOf(p, t.steps, t.offsets[r], t.offsets[r + 1], path, buf);
    for (let k = 0; k < buf.length; k += 2) {
      const key = buf[k] * 2 + (buf[k + 1] ? 1 : 0);
      const e = counts.get(key);
      if (e) { e[0]++; if (won) e[1]++; } else counts.set(key, [1, won ? 1 : 0]);
    }
    const last = path ? buf.length - 2 : 0;
    finals[r * 2] = buf[last];
    finals[r * 2 + 1] = buf[last + 1] ? 1 : 0;
  }
  const cal = {
    deals, won: wonTotal, paths: 'auto', strength: STATE_STRENGTH, effectStrength: 0,
    states: [...counts.keys()].sort((a, b) => a - b).map((key) => {
      const [cn, cw] = counts.get(key);
      return { reached: ids(p, Math.floor(key / 2)), outOfOrder: key % 2 === 1, n: cn, won: cw };
    }),
    effects: [], sellerBias: [], skills: [],
  };
  const f = fit(p, cal);
  if (f.insufficient) return cal;
  // Offsets for the effects come from the final states only (one per deal).
  const finalCounts = new Map();
  for (let r = 0; r < n; r++) {
    if (t.outcome[r] > 1) continue;
    const key = finals[r * 2] * 2 + finals[r * 2 + 1];
    const e = finalCounts.get(key);
    if (e) { e[0]++; e[1] += t.outcome[r]; } else finalCounts.set(key, [1, t.outcome[r]]);
  }
  const finalFit = fit(p, { ...cal, states: [...finalCounts].map(([key, [cn, cw]]) => ({ reached: ids(p, Math.floor(key / 2)), outOfOrder: key % 2 === 1, n: cn, won: cw })) });
  // 2. Attribute effects on leave-one-out offsets.
  // Features: every (attribute, value code) seen on a closed row, in that order.
  const seen = new Set();
  for (let r = 0; r < n; r++) {
    if (t.outcome[r] > 1) continue;
    for (let a = 0; a < na; a++) {
      const c = t.codes[r * na + a];
      if (c > 0 && c <= MAX_VALUES) seen.add(a * 2 ** 32 + c);
    }
  }
  const featureOf = new Map();
  const featureList = [];
  for (const key of [...seen].sort((x, y) => x - y)) {
    featureOf.set(key, featureList.length);
    featureList.push([Math.floor(key / 2 ** 32), key % 2 ** 32]);
  }
  const nf = featureList.length;
  if (nf > 0) {
    // Feature combinations interned as a trie (combo 0 = none), rows keyed
    // by (combo, won, out of order, milestones) and fitted in that order:
    // the order decides which deals fall in which cross-validation fold.
    const combos = new Map();
    const comboFeatures = [[]];
    const agg = new Map();
    for (let r = 0; r < n; r++) {
      const out = t.outcome[r];
      if (out > 1) continue;
      let combo = 0;
      for (let a = 0; a < na; a++) {
        const id = featureOf.get(a * 2 ** 32 + t.codes[r * na + a]);
        if (id === undefined) continue;
        const ck = combo * 2 ** 32 + id;
        let next = combos.get(ck);
        if (next === undefined) {
          next = combos.size + 1;
          combos.set(ck, next);
          comboFeatures.push([...comboFeatures[combo], id]);
        }
        combo = next;
      }
      const reached = finals[r * 2], ooo = finals[r * 2 + 1];
      const key = `${combo},${out},${ooo},${reached}`;
      const e = agg.get(key);
      if (e) e.count++;
      else agg.set(key, { combo, reached, ooo: ooo === 1, won: out === 1, count: 1 });
    }
    const cache = new Map();
    const rows = [];
    for (const e of agg.values()) {
      const ck = `${e.reached},${e.ooo},${e.won}`;
      let offset = cache.get(ck);
      if (offset === undefined) cache.set(ck, (offset = logit(estimate(p, finalFit, e.reached, e.ooo, e.won, false))));
      rows.push({ offset, features: Int32Array.from(comboFeatures[e.combo]), won: e.won, count: e.count, ooo: e.ooo, reached: e.reached });
    }
    // The engine's content order (features, outcome, offset's bits, state),
    // so that the folds do not depend on the order of the history.
    const bits = (x) => { F64[0] = x; return U64[0]; };
    rows.sort((x, y) => {
      const n = Math.min(x.features.length, y.features.length);
      for (let i = 0; i < n; i++) if (x.features[i] !== y.features[i]) return x.features[i] - y.features[i];
      if (x.features.length !== y.features.length) return x.features.length - y.features.length;
      if (x.won !== y.won) return x.won ? 1 : -1;
      const bx = bits(x.offset), by = bits(y.offset);
      if (bx !== by) return bx < by ? -1 : 1;
      return x.ooo - y.ooo || x.reached - y.reached;
    });
    const chosen = chooseStrength(rows, nf);
    if (chosen !== null) {
      const beta = fitLogistic(rows, nf, chosen / 4, (_, r) => r.count);
      const nOf = new Uint32Array(nf);
      for (const r of rows) for (const fi of r.features) nOf[fi] += r.count;
      cal.effectStrength = chosen;
      featureList.forEach(([a, c], id) => {
        if (Math.abs(beta[id]) < 1e-4) return;
        cal.effects.push({ attribute: dict.attributes[a], value: dict.values[a][c - 1], effect: beta[id], n: nOf[id] });
      });
    }
  }
  // 3. Seller bias and 4. skill.
  sellerBias(t, cal);
  cal.skills = skills(p, t, finals);
  return cal;
}

function chooseStrength(rows, nf) {
  const K = 5;
  const share = (k, r, fold) => {
    const pos = (fold + K - (k % K)) % K;
    return Math.floor((r.count + K - 1 - pos) / K);
  };
  let total = 0;
  for (const r of rows) total += r.count;
  const folds = total >= ONE_FOLD_FROM ? 1 : K;
  const zero = new Float64Array(nf);
  let base = 0;
  for (let fold = 0; fold < folds; fold++) base += logLoss(rows, zero, (k, r) => share(k, r, fold));
  let best = null;
  const warm = new Array(folds).fill(null);
  for (const e of EFFECT_GRID) {
    let loss = 0;
    for (let fold = 0; fold < folds; fold++) {
      const beta = fitLogistic(rows, nf, e / 4, (k, r) => r.count - share(k, r, fold), warm[fold]);
      loss += logLoss(rows, beta, (k, r) => share(k, r, fold));
      warm[fold] = beta;
    }
    if (loss < base && (best === null || loss < best[0])) best = [loss, e];
  }
  return best === null ? null : best[1];
}

function recalibrate(rows, to, lambda) {
  let a = to[0], b = to[1];
  for (let it = 0; it < 50; it++) {
    let ga = lambda * (a - to[0]), gb = lambda * (b - to[1]);
    let haa = lambda, hab = 0, hbb = lambda;
    for (const [, x, won, c] of rows) {
      const q = sigmoid(a + b * x);
      const y = won ? 1 : 0;
      ga += c * (q - y);
      gb += c * (q - y) * x;
      const w = c * q * (1 - q);
      haa += w; hab += w * x; hbb += w * x * x;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= Math.min(2, Math.max(-2, da));
    b -= Math.min(2, Math.max(-2, db));
    if (Math.max(Math.abs(da), Math.abs(db)) < 1e-9) break;
  }
  return [a, b];
}
function sellerBias(t, cal) {
  // seller code -> stated probability -> [lost, won] counts
  const agg = new Map();
  const n = t.outcome.length;
  for (let r = 0; r < n; r++) {
    const out = t.outcome[r];
    const q = t.sellerProbability[r];
    if (out > 1 || Number.isNaN(q)) continue;
    let m = agg.get(t.seller[r]);
    if (!m) agg.set(t.seller[r], (m = new Map()));
    let c = m.get(q);
    if (!c) m.set(q, (c = [0, 0]));
    c[out]++;
  }
  if (agg.size === 0) return;
  // Rows (stated probability, its logit, won, count).
  const collect = (s) => {
    const rows = [];
    for (const [code, m] of agg) {
      if (s !== undefined && code !== s) continue;
      for (const [q, c] of m) {
        const x = logit(Math.min(0.99, Math.max(0.01, q)));
        if (c[0]) rows.push([q, x, false, c[0]]);
        if (c[1]) rows.push([q, x, true, c[1]]);
      }
    }
    return rows;
  };
  const summary = (seller, rows, ab) => {
    let nn = 0, stated = 0, corrected = 0, observed = 0;
    for (const r of rows) {
      nn += r[3];
      stated += r[0] * r[3];
      corrected += sigmoid(ab[0] + ab[1] * r[1]) * r[3];
      if (r[2]) observed += r[3];
    }
    return { seller, a: ab[0], b: ab[1], n: nn, stated: stated / nn, corrected: Math.min(1, Math.max(0, corrected / nn)), observed: observed / nn };
  };
  const all = collect(undefined);
  const team = recalibrate(all, [0, 1], 1);
  cal.teamBias = summary('', all, team);
  const sellers = t.dictionaries.sellers;
  for (let k = 0; k < sellers.length; k++) {
    const rows = collect(k + 1);
    if (!rows.length) continue;
    cal.sellerBias.push(summary(sellers[k], rows, recalibrate(rows, team, SELLER_STRENGTH / 4)));
  }
}

function skills(p, t, finals) {
  const agg = new Map();
  const n = t.outcome.length;
  for (let r = 0; r < n; r++) {
    const out = t.outcome[r];
    const s = t.seller[r];
    if (out > 1 || s === 0) continue;
    const reached = finals[r * 2];
    for (const i of members(reached)) {
      const further = out === 1 || reached >>> i > 1;
      const key = s * 64 + i;
      const e = agg.get(key);
      if (e) { e[0]++; if (further) e[1]++; } else agg.set(key, [1, further ? 1 : 0]);
    }
  }
  const out = [];
  for (const [key, [cn, adv]] of agg) out.push({ key, seller: t.dictionaries.sellers[Math.floor(key / 64) - 1], milestone: p.ms[key % 64].id, reached: cn, advanced: adv });
  // In (seller number, milestone) order.
  out.sort((x, y) => x.key - y.key);
  for (const o of out) delete o.key;
  return out;
}

// ---------------------------------------------------------------- distribution
const BINS = 4096;
const TAIL = 1e-10;
const DIRECT = 32;
const LEAF = 16;
const MAX_POINTS = 200;
const ETA = 1e-6;
const LN_ETA = Math.log(2 / ETA) / 2;
const GROUP = 8;

/** Deals with the same grid amount k (GROUP or more) as one count distribution spread on multiples of k. */
function grouped(kk, qq, m, t) {
  const singlesK = [], singlesQ = [];
  const polys = [];
  for (let i = 0; i < kk.length; ) {
    let j = i;
    while (j < kk.length && kk[j] === kk[i]) j++;
    if (j - i < GROUP || kk[i] === 0) {
      for (let x = i; x < j; x++) { singlesK.push(kk[x]); singlesQ.push(qq[x]); }
    } else {
      const k = kk[i];
      let cap = 1;
      while (cap < j - i + 1) cap *= 2;
      cap = Math.min(cap, t.size);
      const counts = product(new Int32Array(j - i).fill(1), qq.subarray(i, j), 0, j - i, cap, t);
      const spread = new Float64Array(Math.min((counts.length - 1) * k + 1, m));
      for (let c = 0; c < counts.length; c++) {
        const o = (c * k) % m;
        if (o < spread.length) spread[o] += counts[c];
      }
      polys.push(spread);
    }
    i = j;
  }
  polys.push(product(Int32Array.from(singlesK), Float64Array.from(singlesQ), 0, singlesK.length, m, t));
  return combine(polys, m, t);
}
/** The product of several polynomials modulo z^m by one product of transforms (two real inputs per complex FFT). */
function combine(polys, m, t) {
  if (polys.length === 0) return new Float64Array([1]);
  if (polys.length === 1) return polys[0];
  if (polys.length === 2) return convolve(polys[0], polys[1], m, t);
  let full = 1;
  for (const p of polys) full += p.length - 1;
  let n = 1;
  while (n < full) n *= 2;
  n = Math.min(n, m);
  const ar = new Float64Array(n).fill(1), ai = new Float64Array(n);
  const zr = new Float64Array(n), zi = new Float64Array(n);
  for (let pi = 0; pi < polys.length; pi += 2) {
    zr.fill(0);
    zi.fill(0);
    const a = polys[pi], b = polys[pi + 1];
    for (let j = 0; j < a.length; j++) zr[j % n] += a[j];
    if (b) for (let j = 0; j < b.length; j++) zi[j % n] += b[j];
    fft(t, zr, zi, n, false);
    for (let k = 0; k < n; k++) {
      const k2 = (n - k) % n;
      const far = (zr[k] + zr[k2]) / 2, fai = (zi[k] - zi[k2]) / 2;
      let fbr = 1, fbi = 0;
      if (b) { fbr = (zi[k] + zi[k2]) / 2; fbi = -(zr[k] - zr[k2]) / 2; }
      // acc *= fa * fb
      const xr = far * fbr - fai * fbi, xi = far * fbi + fai * fbr;
      const nr = ar[k] * xr - ai[k] * xi, ni = ar[k] * xi + ai[k] * xr;
      ar[k] = nr;
      ai[k] = ni;
    }
  }
  fft(t, ar, ai, n, true);
  const len = Math.min(full, n);
  const out = new Float64Array(len);
  for (let k = 0; k < len; k++) out[k] = ar[k] / n;
  return out;
}

function fftTable(size) {
  const re = new Float64Array(size / 2), im = new Float64Array(size / 2);
  for (let j = 0; j < size / 2; j++) {
    const a = (-2 * Math.PI * j) / size;
    re[j] = Math.cos(a);
    im[j] = Math.sin(a);
  }
  return { size, re, im };
}
/** In place, unscaled, radix 2, on split real/imaginary arrays. */
function fft(t, xr, xi, n, inverse) {
  if (n < 2) return;
  const bits = 31 - Math.clz32(n);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) j = (j << 1) | (x & 1);
    if (j > i) {
      let tmp = xr[i]; xr[i] = xr[j]; xr[j] = tmp;
      tmp = xi[i]; xi[i] = xi[j]; xi[j] = tmp;
    }
  }
  const sign = inverse ? -1 : 1;
  for (let len = 2; len <= n; len *= 2) {
    const half = len / 2;
    const stride = t.size / len;
    for (let s = 0; s < n; s += len) {
      for (let k = 0; k < half; k++) {
        const wr = t.re[k * stride], wi = sign * t.im[k * stride];
        const u = s + k, v = u + half;
        const tr = xr[v] * wr - xi[v] * wi;
        const ti = xr[v] * wi + xi[v] * wr;
        xr[v] = xr[u] - tr; xi[v] = xi[u] - ti;
        xr[u] += tr; xi[u] += ti;
      }
    }
  }
}
function timesBinomial(a, k, q, m) {
  const n = Math.min(a.length + k, m);
  const out = new Float64Array(n);
  for (let j = 0; j < a.length; j++) {
    if (j < n) out[j] += (1 - q) * a[j];
    const o = (j + k) % m;
    if (o < n) out[o] += q * a[j];
  }
  return out;
}
function convolve(a, b, m, t) {
  const full = a.length + b.length - 1;
  if (Math.min(a.length, b.length) <= DIRECT) {
    const out = new Float64Array(Math.min(full, m));
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      for (let j = 0; j < b.length; j++) {
        const o = (i + j) % m;
        if (o < out.length) out[o] += x * b[j];
      }
    }
    return out;
  }
  let n = 1;
  while (n < full) n *= 2;
  n = Math.min(n, m);
  // Both real inputs in one complex transform: z = a + i b.
  const zr = new Float64Array(n), zi = new Float64Array(n);
  zr.set(a.length > n ? a.subarray(0, n) : a);
  zi.set(b.length > n ? b.subarray(0, n) : b);
  fft(t, zr, zi, n, false);
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const k2 = (n - k) % n;
    const ar = (zr[k] + zr[k2]) / 2, ai = (zi[k] - zi[k2]) / 2;
    const dr = (zr[k] - zr[k2]) / 2, di = (zi[k] + zi[k2]) / 2;
    const br = di, bi = -dr;
    cr[k] = ar * br - ai * bi;
    ci[k] = ar * bi + ai * br;
  }
  fft(t, cr, ci, n, true);
  const len = Math.min(full, n);
  const out = new Float64Array(len);
  for (let k = 0; k < len; k++) out[k] = cr[k] / n;
  return out;
}
function product(ks, qs, lo, hi, m, t) {
  if (hi - lo <= LEAF) {
    let a = new Float64Array([1]);
    for (let j = lo; j < hi; j++) a = timesBinomial(a, ks[j], qs[j], m);
    return a;
  }
  const mid = lo + Math.floor((hi - lo) / 2);
  return convolve(product(ks, qs, lo, mid, m, t), product(ks, qs, mid, hi, m, t), m, t);
}

/** `distribution` over two Float64Arrays: the slider fast path. */
export function distributionArrays(amounts, probabilities, target) {
  return distributionOf(amounts.length, (j) => amounts[j], (j) => probabilities[j], target);
}
/** The distribution of the total of `items: [{ amount, probability }]`. */
export function distribution(items, options = {}) {
  return distributionOf(items.length, (j) => items[j].amount, (j) => items[j].probability, options.target);
}
function distributionOf(count, amountOf, probabilityOf, target) {
  let offset = 0, expected = 0;
  const ra = [], rp = [];
  for (let j = 0; j < count; j++) {
    const a = amountOf(j), q = probabilityOf(j);
    if (!(a >= 0) || !(q >= 0 && q <= 1)) throw new Error('items: amount must be >= 0 and probability in [0, 1]');
    expected += q * a;
    if (a <= 0 || q <= 0) continue;
    if (q >= 1) offset += a;
    else { ra.push(a); rp.push(q); }
  }
  if (!ra.length) return summary({ offset, step: 0, pmf: new Float64Array([1]), expected, maxError: 0, worstError: 0, cdfError: 0, exact: true }, target);
  let total = 0, sumsq = 0, integral = true;
  for (const a of ra) { total += a; sumsq += a * a; if (a % 1 !== 0) integral = false; }
  const exact = total <= BINS - 1 && integral;
  const ln = Math.log(2 / TAIL) / 2;
  let step = exact ? 1 : Math.min(2 * Math.sqrt(sumsq * ln), total) / (BINS - 8);
  let ks = new Int32Array(ra.length);
  let window = [0, 0], aliased = false;
  for (let it = 0; it < 60; it++) {
    let kTotal = 0, ksq = 0, mean = 0;
    for (let j = 0; j < ra.length; j++) {
      const k = Math.round(ra[j] / step);
      ks[j] = k;
      kTotal += k;
      ksq += k * k;
      mean += k * rp[j];
    }
    if (kTotal < BINS) { window = [0, kTotal]; aliased = false; break; }
    const tt = Math.sqrt(ksq * ln);
    const lo = Math.max(Math.floor(mean - tt), 0);
    const hi = Math.min(Math.ceil(mean + tt), kTotal);
    const need = Math.max(hi - lo, 0) + 1;
    if (need <= BINS) { window = [lo, hi]; aliased = true; break; }
    step *= (need / (BINS - 8)) * 1.001;
  }
  // Rounding errors: the worst case, and (when smaller) the mean error
  // shifted out plus a Hoeffding spread that fails with probability ETA.
  const errs = new Float64Array(ra.length);
  let up = 0, down = 0, shift = 0, sq = 0;
  for (let j = 0; j < ra.length; j++) {
    const e = ra[j] - ks[j] * step;
    errs[j] = e;
    if (e > 0) up += e;
    else if (e < 0) down -= e;
    shift += rp[j] * e;
    sq += e * e;
  }
  let worstError = Math.max(up, down);
  const spread = Math.sqrt(sq * LN_ETA);
  const worstShifted = Math.max(up - shift, down + shift);
  let maxError, eta;
  if (spread < worstShifted) {
    maxError = spread;
    worstError = worstShifted;
    eta = ETA;
  } else {
    maxError = worstError;
    eta = 0;
    shift = 0;
  }
  // Terms with k > 0, sorted by k (stable).
  const order = [];
  for (let j = 0; j < ra.length; j++) if (ks[j] > 0) order.push(j);
  order.sort((x, y) => ks[x] - ks[y]);
  const kk = new Int32Array(order.length), qq = new Float64Array(order.length);
  order.forEach((j, i) => { kk[i] = ks[j]; qq[i] = rp[j]; });
  const len = window[1] - window[0] + 1;
  let m = 1;
  while (m < len) m *= 2;
  m = Math.min(m, BINS);
  let largest = 0;
  for (let i = 0, run = 0; i < kk.length; i++) {
    run = i > 0 && kk[i] === kk[i - 1] ? run + 1 : 1;
    largest = Math.max(largest, run);
  }
  let size = 1;
  while (size < largest + 1) size *= 2;
  const t = fftTable(Math.max(m, size));
  const poly = grouped(kk, qq, m, t);
  const pmf = new Float64Array(len);
  let sum = 0;
  for (let i = 0; i < len; i++) {
    const at = (window[0] + i) % m;
    if (at < poly.length) pmf[i] = Math.max(poly[at], 0);
    sum += pmf[i];
  }
  if (sum > 0) for (let i = 0; i < len; i++) pmf[i] /= sum;
  return summary({ offset: offset + window[0] * step + shift, step, pmf, expected, maxError: exact ? 0 : maxError, worstError: exact ? 0 : worstError, cdfError: (aliased ? TAIL : 0) + (exact ? 0 : eta), exact }, target);
}

function summary(g, target) {
  const n = g.pmf.length;
  const amount = (i) => g.offset + i * g.step;
  const cdf = new Float64Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) { c += g.pmf[i]; cdf[i] = Math.min(c, 1); }
  const quantile = (q) => {
    for (let i = 0; i < n; i++) if (cdf[i] >= q - 1e-9) return amount(i);
    return amount(n - 1);
  };
  let lo = cdf.findIndex((x) => x >= 1e-4);
  if (lo < 0) lo = 0;
  let hi = cdf.findIndex((x) => x >= 1 - 1e-4);
  if (hi < 0) hi = n - 1;
  hi = Math.max(hi, lo);
  const stride = Math.max(Math.ceil((hi - lo + 1) / (MAX_POINTS - 1)), 1);
  const points = [];
  for (let i = lo; i <= hi; i += stride) points.push({ amount: amount(i), cdf: cdf[i] });
  if (points[points.length - 1].amount !== amount(hi)) points.push({ amount: amount(hi), cdf: cdf[hi] });
  const out = { expected: g.expected, p10: quantile(0.1), p50: quantile(0.5), p90: quantile(0.9), pAtLeastTarget: null, expectedShortfall: null, gridStep: g.step, maxError: g.maxError, worstError: g.worstError, cdfError: g.cdfError, exact: g.exact, points };
  if (target != null) {
    const tol = 1e-12 * Math.max(Math.abs(target), 1);
    let at = 0, short = 0;
    for (let i = 0; i < n; i++) {
      const x = amount(i);
      if (x >= target - tol) at += g.pmf[i];
      short += g.pmf[i] * Math.max(target - x, 0);
    }
    out.pAtLeastTarget = Math.min(1, Math.max(0, at));
    out.expectedShortfall = short;
  }
  return out;
}
