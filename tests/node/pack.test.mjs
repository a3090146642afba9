// engine.scoreDeals' packed fast path (www/src/pack.js + src/packed.rs,
// issue 14) against the serde path it stands in for: the same objects, bit
// for bit, and the same errors, field paths included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as gen from '../../bench/js/gen.js';

const root = new URL('../../', import.meta.url);
const mod = await import(fileURLToPath(new URL('pkg/index.js', root)));
mod.initSync({ module: readFileSync(new URL('pkg/stagecast_bg.wasm', root)) });
const core = await import(fileURLToPath(new URL('pkg/stagecast.js', root)));
const an = await import(fileURLToPath(new URL('pkg/analysis/stagecast.js', root)));
an.initSync({ module: readFileSync(new URL('pkg/analysis/stagecast_bg.wasm', root)) });
const model = JSON.parse(readFileSync(new URL('bench/model.json', root), 'utf8'));
const calibrated = an.calibrate(model, gen.toAttrDeals(gen.rawAttrDeals(3000, 1, true), model, true));

/** The packed path (pkg's Engine) and the serde path (the wasm class itself). */
function both(m) {
  const packed = new mod.Engine(m);
  const serde = new core.Engine(m);
  assert.notEqual(mod.Engine, core.Engine, "pkg's Engine is the wrapper");
  let packedCalls = 0;
  const scorePacked = packed.scorePacked.bind(packed);
  packed.scorePacked = (...a) => {
    const out = scorePacked(...a);
    if (out.length) packedCalls++;
    return out;
  };
  return { packed, serde, calls: () => packedCalls };
}

const bits = (x) => (x === null ? null : Array.from(new Float64Array(Array.isArray(x) ? x : [x]).buffer.slice(0)).join());
function sameScores(a, b) {
  assert.equal(a.length, b.length);
  a.forEach((s, k) => {
    assert.deepEqual(Object.keys(s), Object.keys(b[k]), `deal ${k} keys`);
    assert.equal(s.id, b[k].id);
    assert.equal(Object.is(s.probability, b[k].probability), true, `deal ${k}: ${s.probability} vs ${b[k].probability}`);
    assert.equal(bits(s.interval), bits(b[k].interval), `deal ${k} interval`);
  });
}

test('lean scores from the packed path are the serde path\'s, bit for bit (priors, calibrated with 9 attributes, none)', () => {
  assert.ok(calibrated.calibration.effects.length > 20, 'the model has learned attribute effects');
  for (const m of [model, calibrated]) {
    for (const withAttributes of [true, false]) {
      const deals = gen.toAttrDeals(gen.rawAttrDeals(3000, 2, false), model, withAttributes);
      // Attribute keys in another order than the first deals: sorted by name in Rust.
      for (const d of deals.slice(0, 500)) if (d.attributes) d.attributes = Object.fromEntries(Object.entries(d.attributes).reverse());
      const { packed, serde, calls } = both(m);
      sameScores(packed.scoreDeals(deals), serde.scoreDeals(deals));
      sameScores(packed.scoreDeals(deals, { detail: false }), serde.scoreDeals(deals));
      assert.equal(calls(), 2, 'both calls took the packed path');
      packed.free();
      serde.free();
    }
  }
});

test('odd but valid deals: nulls, no id, an attribute named seller, empty seller, mixed dates, undated, the outcome', () => {
  const ms = model.milestones.map((m) => m.id);
  const deals = [
    {},
    { id: null, label: null, seller: null, value: null, margin: null, status: null, events: null, attributes: null, sellerProbability: null, closeDate: null, pipeline: null, slip: null },
    { id: 'a', value: 0, margin: 1e300, sellerProbability: 1, status: 'won', closeDate: '2024-02-29T10:00', pipeline: 'p', label: 'x'.repeat(200) },
    { id: 'b', seller: '', attributes: { region: 'r1', seller: 'seller-3' }, events: [{ milestone: ms[0] }] },
    { id: 'c', seller: 'seller-3', attributes: {}, events: [{ milestone: ms[1], date: '2026-03-01' }, { milestone: ms[0] }, { milestone: ms[2], date: '2026-01-01' }] },
    { id: 'd', seller: 'nobody', events: ms.map((milestone) => ({ milestone })) },
    { id: 'e', events: [{ milestone: ms[2], date: null }, { milestone: ms[2] }], extra: { ignored: true } },
    Object.assign(Object.create(null), { id: 'f', events: [{ milestone: ms[0], date: '2026-01-02' }] }),
    { id: 'g', attributes: { 'ÆØÅ': 'é', z: '', a: 'x' } },
  ];
  for (const m of [model, calibrated]) {
    const { packed, serde, calls } = both(m);
    sameScores(packed.scoreDeals(deals), serde.scoreDeals(deals));
    assert.deepEqual(packed.scoreDeals([]), []);
    assert.equal(calls(), 2);
  }
});

test('a deal the checks refuse throws the serde path\'s error, field path first; the engine keeps working', () => {
  const ms = model.milestones.map((m) => m.id);
  const good = gen.toAttrDeals(gen.rawAttrDeals(10, 2, false), model, true);
  const bad = [
    { value: -1 },
    { value: Infinity },
    { margin: NaN },
    { value: '5' },
    { id: 7 },
    { label: 'x'.repeat(201) },
    { sellerProbability: 1.5 },
    { status: 'maybe' },
    { closeDate: '2026-02-30' },
    { closeDate: 20260101 },
    { events: [{ milestone: 'nope' }] },
    { events: [{ date: '2026-01-01' }] },
    { events: [{ milestone: ms[0], date: '2026-13-01' }] },
    { events: [{ milestone: ms[0], date: new Date(0) }] },
    { events: {} },
    { attributes: { region: 3 } },
    { attributes: JSON.parse('{"__proto__": "x"}') },
    { attributes: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, 'v'])) },
    { attributes: { region: 'x'.repeat(201) } },
    { seller: 'x'.repeat(201) },
    { seller: 'a\u0000b' },
    { slip: { changes: 1, pushes: 1, daysPushed: 3 } },
  ];
  const { packed, serde } = both(calibrated);
  for (const b of bad) {
    const deals = good.map((d) => ({ ...d }));
    Object.assign(deals[3], b);
    let expected = null;
    try {
      expected = serde.scoreDeals(deals);
    } catch (e) {
      assert.throws(() => packed.scoreDeals(deals), { name: 'Error', message: e.message }, JSON.stringify(b));
      assert.match(e.message, /^deals\[3\]/);
      continue;
    }
    // Accepted by the serde path (a NUL in a seller, a slip, a Date): the same scores.
    sameScores(packed.scoreDeals(deals), expected);
  }
  assert.throws(() => packed.scoreDeals([{}, null]), { message: /^deals\[1\]/ });
  assert.throws(() => packed.scoreDeals('x'), { name: 'Error' });
  sameScores(packed.scoreDeals(good), serde.scoreDeals(good));
});

// ---- `{ detail: true }` and the free scoreDeals(model, deals) (issue 14):
// the packed path names the wasm's numbers (pack.js) into the serde path's
// objects: deep-equal, keys in the same order, numbers bit for bit.

/** Counts the calls that took the detailed packed path. */
function detailCalls(engine) {
  let n = 0;
  const f = engine.scorePackedDetail.bind(engine);
  engine.scorePackedDetail = (...a) => {
    const out = f(...a);
    if (out.length) n++;
    return out;
  };
  return () => n;
}

function sameDetail(a, b) {
  assert.deepStrictEqual(a, b);
  assert.equal(JSON.stringify(a), JSON.stringify(b), 'the same keys in the same order');
  a.forEach((s, k) => {
    assert.equal(bits(s.probability), bits(b[k].probability), `deal ${k}`);
    (s.contributions || []).forEach((c, j) => assert.equal(bits(c.value), bits(b[k].contributions[j].value)));
    s.next.forEach((x, j) => assert.equal(bits(x.gain), bits(b[k].next[j].gain)));
  });
}

// Deals in every state the detail knows: out of order (by date and as
// listed), mandatory steps missing, an optional step before a missing
// mandatory one, won, nothing done, a seller's estimate, attributes the
// calibration does not know, an empty attribute value, duplicates.
function oddDeals() {
  const ms = model.milestones.map((m) => m.id);
  const attrs = (k) => Object.fromEntries(gen.ATTRIBUTES.map(([a, n], i) => [a, `${a}-${(k * 7 + i) % n}`]));
  const ev = (...ids) => ids.map((milestone) => ({ milestone }));
  const list = [
    { id: 'late', events: [{ milestone: 'presented', date: '2026-01-05' }, { milestone: 'need', date: '2026-01-01' }, { milestone: 'mobilizer', date: '2026-02-01' }] },
    { id: 'listed-late', events: ev('need', 'presented', 'mobilizer', 'mapped') },
    { id: 'skipped', events: ev('need', 'proposal'), sellerProbability: 0.7 },
    { id: 'optional-early', events: ev('need', 'budget') },
    { id: 'legal-only', events: ev('legal') },
    { id: 'won', events: ev('need', 'signed'), sellerProbability: 0 },
    { id: 'all', events: ev(...ms) },
    { id: 'none' },
    { id: 'dup', events: ev('need', 'need', 'mobilizer', 'budget', 'mobilizer') },
    { id: 'unknown-values', events: ev('need'), attributes: { industry: 'nope', zeta: 'x', '': 'empty name' }, seller: 'seller-1' },
    { id: 'empty-value', events: ev('need', 'mobilizer'), attributes: { z: '', channel: 'channel-0' } },
    { id: 'seller-attr', events: ev('need', 'mobilizer', 'presented'), attributes: { seller: 'seller-2' }, seller: 'seller-9' },
  ];
  for (let k = 0; k < 40; k++) list.push({ ...list[k % list.length], id: `x${k}`, attributes: { ...attrs(k), ...(list[k % list.length].attributes || {}) }, seller: k % 3 ? `seller-${k % 20}` : undefined });
  return list;
}

test('detailed scores from the packed path are the serde path\'s: priors, calibrated with 9 attributes, thin history, no attributes', () => {
  const c = calibrated.calibration;
  assert.ok(c.effects.length > 20 && (c.milestoneEffects || []).length > 0, 'learned attribute effects and milestone terms');
  const thin = { ...model, calibration: { ...c, deals: 20, won: 5 } };
  for (const m of [model, calibrated, thin]) {
    for (const withAttributes of [true, false]) {
      const deals = [...gen.toAttrDeals(gen.rawAttrDeals(2000, 2, false), model, withAttributes), ...oddDeals()];
      for (const d of deals.slice(0, 300)) if (d.attributes) d.attributes = Object.fromEntries(Object.entries(d.attributes).reverse());
      const packed = new mod.Engine(m);
      const serde = new core.Engine(m);
      const calls = detailCalls(packed);
      const want = serde.scoreDeals(deals, { detail: true });
      sameDetail(packed.scoreDeals(deals, { detail: true }), want);
      assert.equal(calls(), 1, 'the call took the packed path');
      // The same as scoreDeal, deal by deal.
      deals.slice(-12).forEach((d, k) => assert.deepStrictEqual(packed.scoreDeal(d), want[deals.length - 12 + k]));
      if (m === calibrated) {
        assert.ok(want.some((s) => s.contributions?.length > 5), 'contributions');
        assert.ok(want.some((s) => s.reasons.some((r) => r.code === 'thin_state')) && want.some((s) => s.reasons.some((r) => r.code === 'learned_state')));
        assert.ok(want.some((s) => s.reasons.some((r) => r.code === 'deal_won')) && want.some((s) => s.sellerProbability === 0.7));
      }
      if (m === model) assert.ok(want.some((s) => s.reasons.some((r) => r.code.startsWith('out_of_order'))) && want.some((s) => s.reasons.some((r) => r.code === 'missing_prerequisites')));
      if (m === thin) assert.ok(want.every((s) => s.source === 'prior') && want.some((s) => s.reasons.some((r) => r.code === 'insufficient_history')));
      packed.free();
      serde.free();
    }
  }
});

test('pairs (two attributes, an attribute at a state) and ignored milestones are named as the serde path names them', () => {
  const c = calibrated.calibration;
  const cell = (a, v, w, x, effect) => ({ attribute: a, value: v, withAttribute: w, withValue: x, effect, n: 40 });
  const atState = (a, v, state, outOfOrder, effect) => ({ attribute: a, value: v, state, outOfOrder, effect, n: 40 });
  const pairs = [
    cell('industry', 'industry-1', 'country', 'country-2', 0.4),
    cell('tier', 'tier-0', 'channel', 'channel-1', -0.3),
    cell('z', '', 'channel', 'channel-0', 0.25),
    cell('seller', 'seller-4', 'size', 'size-1', 0.2),
    atState('size', 'size-2', ['need'], false, 0.5),
    atState('industry', 'industry-3', [], false, -0.2),
    atState('currency', 'currency-1', ['need', 'mobilizer', 'mapped', 'presented'], true, 0.35),
  ];
  for (const extra of [{}, { ignoredMilestones: ['budget'] }]) {
    const m = { ...model, calibration: { ...c, pairs, pairStrength: 16, ...extra } };
    const deals = [...gen.toAttrDeals(gen.rawAttrDeals(1500, 3, false), model, true), ...oddDeals()];
    for (const d of deals.slice(0, 200)) d.attributes = { ...d.attributes, z: '' };
    const packed = new mod.Engine(m);
    const calls = detailCalls(packed);
    const want = new core.Engine(m).scoreDeals(deals, { detail: true });
    const terms = want.flatMap((s) => s.contributions || []).map((x) => x.term);
    assert.ok(terms.some((t) => t.kind === 'pair' && t.withAttribute) && terms.some((t) => t.kind === 'pair' && !t.withAttribute), 'both kinds of pair');
    assert.ok(terms.some((t) => t.kind === 'pair' && t.attribute === 'z' && !('value' in t)), 'an empty value is left out');
    assert.ok(want.some((s) => s.reasons.some((r) => r.code === 'pair_effect')));
    sameDetail(packed.scoreDeals(deals, { detail: true }), want);
    assert.equal(calls(), 1);
    packed.free();
  }
});

test('the free scoreDeals(model, deals) is the serde path\'s, errors included', () => {
  const deals = [...gen.toAttrDeals(gen.rawAttrDeals(500, 2, false), model, true), ...oddDeals()];
  assert.notEqual(mod.scoreDeals, core.scoreDeals, "pkg's scoreDeals is the wrapper");
  for (const m of [model, calibrated]) sameDetail(mod.scoreDeals(m, deals), core.scoreDeals(m, deals));
  for (const [m, ds] of [[{ milestones: [] }, deals], [null, deals], [model, [{}, { value: -1 }]], [model, 'x']]) {
    let message = null;
    try {
      core.scoreDeals(m, ds);
    } catch (e) {
      message = e.message;
    }
    assert.ok(message, 'the serde path refuses it');
    assert.throws(() => mod.scoreDeals(m, ds), { message });
  }
});

test('{ detail: true } on deals the checks refuse, and odd options: the serde path\'s errors and results', () => {
  const good = gen.toAttrDeals(gen.rawAttrDeals(10, 2, false), model, true);
  const packed = new mod.Engine(calibrated);
  const serde = new core.Engine(calibrated);
  for (const b of [{ value: -1 }, { events: [{ milestone: 'nope' }] }, { attributes: { region: 3 } }, { sellerProbability: 2 }, { seller: 'a\u0000b' }, { closeDate: '2026-02-30' }]) {
    const deals = good.map((d) => ({ ...d }));
    Object.assign(deals[3], b);
    let expected = null;
    try {
      expected = serde.scoreDeals(deals, { detail: true });
    } catch (e) {
      assert.throws(() => packed.scoreDeals(deals, { detail: true }), { message: e.message }, JSON.stringify(b));
      continue;
    }
    sameDetail(packed.scoreDeals(deals, { detail: true }), expected);
  }
  for (const o of [{ detail: 'yes' }, { detail: 1 }, 5]) {
    let message = null;
    try {
      serde.scoreDeals(good, o);
    } catch (e) {
      message = e.message;
    }
    if (message) assert.throws(() => packed.scoreDeals(good, o), { message });
    else assert.deepStrictEqual(packed.scoreDeals(good, o), serde.scoreDeals(good, o));
  }
  sameDetail(packed.scoreDeals([], { detail: true }), []);
});

test('{ detail: true } on more deals than one part (50,000): the same, in order; a bad deal in the second part names its index', () => {
  const deals = gen.toAttrDeals(gen.rawAttrDeals(52000, 4, false), model, false);
  const packed = new mod.Engine(calibrated);
  const serde = new core.Engine(calibrated);
  const calls = detailCalls(packed);
  // JSON: the same keys in the same order and the same numbers (shortest
  // round-trip form), cheaper than a deep comparison of 52,000 scores.
  assert.equal(JSON.stringify(packed.scoreDeals(deals, { detail: true })), JSON.stringify(serde.scoreDeals(deals, { detail: true })));
  assert.equal(calls(), 2, 'two parts');
  deals[51000] = { ...deals[51000], value: -1 };
  assert.throws(() => packed.scoreDeals(deals, { detail: true }), { message: /^deals\[51000\]\.value/ });
  packed.free();
  serde.free();
});

// The wire format itself, as tests/data/packed-layout.json states it:
// src/packed.rs's unit test holds the Rust twin (packed::pack) and the
// reader to the same file.
test('pack.js writes the layout tests/data/packed-layout.json states', async () => {
  const { pack } = await import(fileURLToPath(new URL('pkg/pack.js', root)));
  const golden = JSON.parse(readFileSync(new URL('tests/data/packed-layout.json', root), 'utf8'));
  const out = pack(golden.deals);
  assert.ok(out, 'the deals pack');
  assert.deepEqual(out.list, golden.strings);
  assert.equal(out.strings, golden.strings.join('\0'));
  assert.deepEqual(Array.from(out.data), golden.data);
});
