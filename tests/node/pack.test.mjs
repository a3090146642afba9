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
