// The fast path of `engine.scoreDeals(deals)` (issue 14): the deal objects
// are walked once here, every milestone id, date, attribute name and value
// and seller is interned into one string table, and each deal is written
// as integers (layout: src/packed.rs). The wasm then resolves each distinct
// string once per call instead of copying ~45 strings per deal across the
// boundary. Same results as the serde path: anything this walk does not
// fully understand, and every deal the checks would refuse, goes through
// `scoreDeals` itself, which names the bad field as it always has.
// `{ detail: true }` packs the same way: the wasm returns every deal's
// detail as numbers (milestone indices, string-table indices), named here
// into the objects `scoreDeal` returns (deep-equal). Any other options take
// the serde path.

const NONE = -1; // stored as 0xFFFFFFFF: no string
const MAX = 200; // MAX_TEXT_CHARS: a longer string is left to the checks

const plain = (o, p) => o !== null && typeof o === 'object' && ((p = Object.getPrototypeOf(o)) === Object.prototype || p === null);
const absent = (v) => v === undefined || v === null;
const text = (v) => absent(v) || (typeof v === 'string' && v.length <= MAX);
const upTo = (v, hi) => absent(v) || (typeof v === 'number' && v >= 0 && v <= hi);

/** `{ strings (joined by NUL), data }` for `Engine.scorePacked`, or null: use the serde path. */
export function pack(deals) {
  if (!Array.isArray(deals) || deals.length > 2e6) return null;
  const index = new Map();
  const strings = [];
  let bad = false; // a string with NUL (the table's separator)
  const sid = (s) => {
    let i = index.get(s);
    if (i === undefined) {
      index.set(s, (i = strings.push(s) - 1));
      bad ||= s.includes('\0');
    }
    return i;
  };
  let data = new Uint32Array(deals.length * 24 + 64);
  let at = 0;
  for (let k = 0; k < deals.length; k++) {
    const d = deals[k];
    if (!plain(d) || !text(d.id) || !text(d.label) || !text(d.pipeline) || !upTo(d.value, Number.MAX_VALUE) || !upTo(d.margin, Number.MAX_VALUE) || !upTo(d.sellerProbability, 1) || !absent(d.slip)) return null;
    const { status, events, attributes: a, seller, closeDate } = d;
    if (!(absent(status) || status === 'open' || status === 'won' || status === 'lost') || !text(seller) || !(absent(closeDate) || typeof closeDate === 'string')) return null;
    const ne = absent(events) ? 0 : Array.isArray(events) && events.length <= 1024 ? events.length : -1;
    if (ne < 0 || !(absent(a) || plain(a))) return null;
    // The most this deal can write: events, up to 32 attributes, counts.
    if (at + ne * 2 + 68 > data.length) {
      const grown = new Uint32Array(Math.max(data.length * 2, at + ne * 2 + 68));
      grown.set(data);
      data = grown;
    }
    data[at++] = ne;
    for (let j = 0; j < ne; j++) {
      const e = events[j];
      if (!plain(e) || typeof e.milestone !== 'string') return null;
      const date = e.date;
      if (!absent(date) && typeof date !== 'string') return null;
      data[at++] = sid(e.milestone);
      data[at++] = absent(date) ? NONE : sid(date);
    }
    const count = at++;
    let na = 0;
    if (a) {
      for (const name in a) {
        const v = a[name];
        if (typeof v !== 'string' || ++na > 32) return null;
        data[at++] = sid(name);
        data[at++] = sid(v);
      }
    }
    data[count] = na;
    data[at++] = absent(seller) ? NONE : sid(seller);
    data[at++] = absent(closeDate) ? NONE : sid(closeDate);
  }
  return bad ? null : { strings: strings.join('\0'), list: strings, data: data.subarray(0, at) };
}

const SELLER = 0xffffffff; // a name index: the deal's seller
const names = new WeakMap(); // engine -> its milestones' { ids, labels, mandatory }

/** The milestone ids of a set given as two numbers (bits 0-31, 32-63), a fresh array. */
function setOf(cache, ids, lo, hi) {
  const key = hi ? `${lo}:${hi}` : lo;
  let out = cache.get(key);
  if (!out) {
    out = [];
    for (let i = 0; i < ids.length; i++) if (i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1) out.push(ids[i]);
    cache.set(key, out);
  }
  return out.slice();
}

/** Names `Engine.scorePackedDetail`'s numbers (layout: src/packed.rs) as `scoreDeal` does. */
function detailed(out, deals, list, m) {
  const { ids, labels, mandatory } = m;
  const cache = new Map();
  const str = (k) => (k === SELLER ? 'seller' : list[k]);
  const history = out[out.length - 1] === 1;
  const source = history ? 'history' : 'prior';
  const scores = new Array(deals.length);
  let r = 0;
  for (let k = 0; k < deals.length; k++) {
    const d = deals[k];
    const probability = out[r];
    const s = {
      id: d.id ?? '',
      probability,
      interval: history ? [out[r + 1], out[r + 2]] : null,
      count: out[r + 3],
      source,
      reached: setOf(cache, ids, out[r + 4], out[r + 5]),
      missingMandatory: setOf(cache, ids, out[r + 6], out[r + 7]),
      outOfOrder: setOf(cache, ids, out[r + 8], out[r + 9]),
      next: null,
      reasons: [],
    };
    r += 10;
    // Terms (serde leaves empty fields out).
    const terms = new Array(out[r++]);
    for (let j = 0; j < terms.length; j++) {
      const kind = out[r];
      const term = { kind: kind === 0 ? 'state' : kind === 1 ? 'attribute' : 'pair' };
      if (kind === 0 || kind === 2) {
        const at = kind === 0 ? r + 1 : r + 3;
        if (out[at] || out[at + 1]) term.reached = setOf(cache, ids, out[at], out[at + 1]);
        if (out[at + 2]) term.outOfOrder = true;
      }
      if (kind !== 0) {
        const a = str(out[r + 1]), v = str(out[r + 2]);
        if (a) term.attribute = a;
        if (v) term.value = v;
      }
      if (kind === 3) {
        const a = str(out[r + 3]), v = str(out[r + 4]);
        if (a) term.withAttribute = a;
        if (v) term.withValue = v;
      }
      r += kind === 0 ? 4 : kind === 1 ? 3 : kind === 2 ? 6 : 5;
      terms[j] = { term, value: out[r++] };
    }
    // Reasons, by code (the order of probability::Why).
    const reasons = s.reasons;
    for (let j = out[r++]; j > 0; j--) {
      const c = out[r];
      let why;
      if (c === 0) why = { code: 'start', probability: out[r + 1] };
      else if (c === 1) why = { code: 'furthest_step', milestone: ids[out[r + 1]], probability: out[r + 2] };
      else if (c === 2) why = { code: 'missing_prerequisites', milestone: ids[out[r + 1]], missing: out[r + 2], probability: out[r + 3], prior: out[r + 4] };
      else if (c === 3) why = { code: 'out_of_order', milestones: setOf(cache, ids, out[r + 1], out[r + 2]), probability: out[r + 3], before: out[r + 4] };
      else if (c === 4) why = { code: 'out_of_order_as_missing', milestones: setOf(cache, ids, out[r + 1], out[r + 2]), late: setOf(cache, ids, out[r + 3], out[r + 4]), probability: out[r + 5], before: out[r + 6] };
      else if (c === 5) why = { code: 'learned_state', deals: out[r + 1], won: out[r + 2] };
      else if (c === 6) why = { code: 'thin_state', deals: out[r + 1] };
      else if (c === 7) why = { code: 'history_rate', probability: out[r + 1], low: out[r + 2], high: out[r + 3] };
      else if (c === 8) {
        const t = terms[out[r + 1]].term;
        if (t.kind === 'attribute') why = { code: 'attribute_effect', attribute: t.attribute ?? '', value: t.value ?? '', points: out[r + 2] };
        else {
          why = { code: 'pair_effect', attribute: t.attribute ?? '', value: t.value ?? '' };
          if (t.withAttribute) why.withAttribute = t.withAttribute;
          if (t.withValue) why.withValue = t.withValue;
          why.points = out[r + 2];
        }
      } else if (c === 9) why = { code: 'insufficient_history', deals: out[r + 1], needed: out[r + 2] };
      else why = { code: 'deal_won', milestone: ids[out[r + 1]] };
      r += WHY_LEN[c];
      reasons.push(why);
    }
    const next = (s.next = new Array(out[r++]));
    for (let j = 0; j < next.length; j++, r += 2) {
      const i = out[r], q = out[r + 1];
      next[j] = { milestone: ids[i], label: labels[i], mandatory: mandatory[i], probability: q, gain: q - probability };
    }
    const sp = d.sellerProbability;
    if (!absent(sp)) {
      reasons.push({ code: 'seller_estimate', probability: sp });
      s.sellerProbability = sp;
    }
    if (terms.length) s.contributions = terms;
    scores[k] = s;
  }
  return scores;
}
// Numbers per reason, code included (src/packed.rs's WHY_LEN).
const WHY_LEN = [2, 3, 5, 5, 7, 3, 2, 4, 3, 3, 2];
// Deals per call of the detailed path.
const CHUNK = 50000;

/** The engine's milestones (ids, labels, mandatory), read once. */
function milestonesOf(engine) {
  let m = names.get(engine);
  if (!m) {
    const t = engine.milestoneNames().split('\0');
    m = { ids: [], labels: [], mandatory: [] };
    for (let i = 0; i + 2 < t.length; i += 3) {
      m.ids.push(t[i]);
      m.labels.push(t[i + 1]);
      m.mandatory.push(t[i + 2] === '1');
    }
    names.set(engine, m);
  }
  return m;
}

/** `Engine` with the packed fast path in `scoreDeals` (lean by default, and `{ detail: true }`). */
export function withPacking(Engine) {
  return class extends Engine {
    scoreDeals(deals, options) {
      const o = absent(options) || plain(options) ? options?.detail : undefined;
      if (o === true && Array.isArray(deals)) {
        // In parts, so the numbers of a million deals never sit in memory at once.
        const scores = [];
        for (let at = 0; at < deals.length || at === 0; at += CHUNK) {
          const part = deals.length > CHUNK ? deals.slice(at, at + CHUNK) : deals;
          const packed = pack(part);
          const out = packed && this.scorePackedDetail(packed.strings, packed.data);
          if (!out || !out.length) return super.scoreDeals(deals, options);
          const named = detailed(out, part, packed.list, milestonesOf(this));
          if (part === deals) return named;
          for (const x of named) scores.push(x);
        }
        return scores;
      }
      const packed = absent(options) || (plain(options) && (absent(o) || o === false)) ? pack(deals) : null;
      const out = packed && this.scorePacked(packed.strings, packed.data);
      if (!out || !out.length) return super.scoreDeals(deals, options);
      const n = deals.length;
      const intervals = out[n * 3] === 1;
      const scores = new Array(n);
      for (let k = 0, r = 0; k < n; k++, r += 3) {
        scores[k] = { id: deals[k].id ?? '', probability: out[r], interval: intervals ? [out[r + 1], out[r + 2]] : null };
      }
      return scores;
    }
  };
}

/** `scoreDeals(model, deals)`, the free shorthand, through a transient packed `Engine` (the same results). */
export function freeScoreDeals(Engine) {
  return function scoreDeals(model, deals) {
    const engine = new Engine(model);
    try {
      return engine.scoreDeals(deals, { detail: true });
    } finally {
      engine.free();
    }
  };
}
