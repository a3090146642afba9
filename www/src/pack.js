// The fast path of `engine.scoreDeals(deals)` (issue 14): the deal objects
// are walked once here, every milestone id, date, attribute name and value
// and seller is interned into one string table, and each deal is written
// as integers (layout: src/packed.rs). The wasm then resolves each distinct
// string once per call instead of copying ~45 strings per deal across the
// boundary. Same results as the serde path: anything this walk does not
// fully understand, and every deal the checks would refuse, goes through
// `scoreDeals` itself, which names the bad field as it always has.
// `{ detail: true }` and any other options take that path too.

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
  return bad ? null : { strings: strings.join('\0'), data: data.subarray(0, at) };
}

/** `Engine` with the packed fast path in `scoreDeals` (lean, no options). */
export function withPacking(Engine) {
  return class extends Engine {
    scoreDeals(deals, options) {
      const lean = absent(options) || (plain(options) && (absent(options.detail) || options.detail === false));
      const packed = lean ? pack(deals) : null;
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
