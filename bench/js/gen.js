// Deterministic synthetic deals, the same in JS (this file) and Rust
// (benches/common/gen.rs): a mulberry32 PRNG, and every draw made in the same
// order whatever its outcome, so both languages see identical data.
// 10 milestones (bench/model.json), 3 attributes (region, segment, product)
// plus the seller, 70% of deals dated (paths), 50% with a seller estimate.

export const REGIONS = ['north', 'south', 'east', 'west', 'central'];
export const SEGMENTS = ['smb', 'mid', 'enterprise', 'public'];
export const PRODUCTS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
export const SELLERS = Array.from({ length: 20 }, (_, i) => `seller-${i}`);
export const MILESTONES = 10;
const MANDATORY = [true, false, true, false, true, false, true, false, true, true];

export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (x) => (x < 10 ? '0' + x : '' + x);
/** Day number (days since 1970-01-01) to YYYY-MM-DD. */
export function isoDay(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * One raw deal per row, as plain numbers: { steps: [milestone index, in
 * completion order], days: [day numbers] | null, won, region, segment,
 * product, seller, sellerProbability (NaN for none), value }.
 * `closed`: history (won/lost) when true, open deals when false.
 */
export function rawDeals(n, seed, closed) {
  const rnd = mulberry32(seed);
  const out = new Array(n);
  for (let r = 0; r < n; r++) {
    const q = rnd();
    const region = Math.floor(rnd() * 5);
    const segment = Math.floor(rnd() * 4);
    const product = Math.floor(rnd() * 8);
    const seller = Math.floor(rnd() * 20);
    const steps = [];
    let going = true;
    for (let i = 0; i < MILESTONES; i++) {
      const u = rnd();
      if (!going) continue;
      if (MANDATORY[i]) {
        if (u < 0.55 + 0.4 * q) steps.push(i);
        else going = false;
      } else if (u < 0.25 + 0.5 * q) steps.push(i);
    }
    const swap = rnd();
    if (swap < 0.1 && steps.length >= 2) {
      const k = Math.floor(swap * 10 * (steps.length - 1));
      const t = steps[k]; steps[k] = steps[k + 1]; steps[k + 1] = t;
    }
    const dated = rnd() < 0.7;
    let day = 19000 + Math.floor(rnd() * 700);
    const days = [];
    for (let k = 0; k < MILESTONES; k++) {
      const gap = 1 + Math.floor(rnd() * 20);
      if (k < steps.length) { day += gap; days.push(day); }
    }
    const lift = [0, 0.05, -0.05, 0.02, -0.02][region] + [0, 0.03, 0.06, -0.04][segment] + (product - 3.5) * 0.01 + (seller % 5 - 2) * 0.02;
    const pWin = Math.min(0.97, Math.max(0.01, 0.03 + 0.9 * (steps.length / MILESTONES) * Math.sqrt(steps.length / MILESTONES) + lift));
    const won = rnd() < pWin;
    const sp = rnd();
    const hasSp = rnd() < 0.5;
    const sellerProbability = hasSp ? Math.round(Math.min(0.99, Math.max(0.01, pWin + (sp - 0.3) * 0.4)) * 100) / 100 : NaN;
    const value = 10000 + Math.floor(rnd() * 490000);
    out[r] = { steps, days: dated && steps.length > 0 ? days : null, won: closed ? won : null, region, segment, product, seller, sellerProbability, value };
  }
  return out;
}

/** The raw deals as the object API takes them. */
export function toDeals(raw, model) {
  const ids = model.milestones.map((m) => m.id);
  return raw.map((d, r) => {
    const deal = {
      id: `D${r}`,
      seller: SELLERS[d.seller],
      value: d.value,
      status: d.won === null ? 'open' : d.won ? 'won' : 'lost',
      events: d.steps.map((s, k) => (d.days ? { milestone: ids[s], date: isoDay(d.days[k]) } : { milestone: ids[s] })),
      attributes: { region: REGIONS[d.region], segment: SEGMENTS[d.segment], product: PRODUCTS[d.product] },
    };
    if (!Number.isNaN(d.sellerProbability)) deal.sellerProbability = d.sellerProbability;
    return deal;
  });
}

/**
 * The raw deals as columns (calibrateColumns / scoreColumns): the seller is
 * also the 4th attribute column, as the object API adds it.
 */
export function toColumns(raw) {
  const n = raw.length;
  let total = 0;
  for (const d of raw) total += d.steps.length;
  const steps = new Uint8Array(total);
  const offsets = new Uint32Array(n + 1);
  const ordered = new Uint8Array(n);
  const outcome = new Uint8Array(n);
  const codes = new Uint32Array(n * 4);
  const seller = new Uint32Array(n);
  const sellerProbability = new Float64Array(n);
  const value = new Float64Array(n);
  let at = 0;
  for (let r = 0; r < n; r++) {
    const d = raw[r];
    // Dated deals are listed in date order, which is completion order.
    for (const s of d.steps) steps[at++] = s;
    offsets[r + 1] = at;
    ordered[r] = d.days ? 1 : 0;
    outcome[r] = d.won === null ? 2 : d.won ? 1 : 0;
    codes[r * 4] = d.region + 1;
    codes[r * 4 + 1] = d.segment + 1;
    codes[r * 4 + 2] = d.product + 1;
    codes[r * 4 + 3] = d.seller + 1;
    seller[r] = d.seller + 1;
    sellerProbability[r] = d.sellerProbability;
    value[r] = d.value;
  }
  const dictionaries = { attributes: ['region', 'segment', 'product', 'seller'], values: [REGIONS, SEGMENTS, PRODUCTS, SELLERS], sellers: SELLERS };
  return { n, dictionaries, steps, offsets, ordered, outcome, codes, seller, sellerProbability, value };
}

// ------------------------------------------------ real-shaped attributes
// The `attrs` case of `make bench` (issue 14): 9 categorical attributes of 3
// to 12 levels each (58 values), as in a real CRM export, that move the
// outcome. The base deal is rawDeals'; a second stream draws the attribute
// values and, for closed deals, redraws the outcome with their lift.
export const ATTRIBUTES = [
  ['industry', 12], ['country', 10], ['size', 5], ['source', 6], ['product_line', 8],
  ['channel', 4], ['tier', 3], ['currency', 3], ['territory', 7],
];
export const ATTRIBUTE_VALUES = ATTRIBUTES.map(([name, levels]) => Array.from({ length: levels }, (_, k) => `${name}-${k}`));
const attrLift = (a, code) => ((((code * 7 + a * 3) % 5) - 2) * 0.03);

/** rawDeals plus `attrs` (one value index per attribute). */
export function rawAttrDeals(n, seed, closed) {
  const raw = rawDeals(n, seed, closed);
  const rnd = mulberry32(seed ^ 0x5bd1e995);
  for (const d of raw) {
    d.attrs = ATTRIBUTES.map(([, levels]) => Math.floor(rnd() * levels));
    let lift = 0;
    d.attrs.forEach((c, a) => (lift += attrLift(a, c)));
    const x = d.steps.length / MILESTONES;
    const pWin = Math.min(0.97, Math.max(0.01, 0.03 + 0.9 * x * Math.sqrt(x) + lift));
    const u = rnd();
    if (closed) d.won = u < pWin;
  }
  return raw;
}

/** The deals as the object API takes them: with the 9 attributes, or none. */
export function toAttrDeals(raw, model, withAttributes) {
  const deals = toDeals(raw, model);
  deals.forEach((deal, r) => {
    if (withAttributes) deal.attributes = Object.fromEntries(ATTRIBUTES.map(([name], a) => [name, ATTRIBUTE_VALUES[a][raw[r].attrs[a]]]));
    else delete deal.attributes;
  });
  return deals;
}
