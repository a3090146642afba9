// Issue 14: the analysis part's ColumnScorer (a model compiled once for
// typed-array columns) returns what the scoreColumns shorthand returns,
// the same numbers as scoring the deals as objects, and errors that name
// the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const widget = await import(fileURLToPath(new URL('pkg/index.js', root)));
widget.initSync({ module: readFileSync(new URL('pkg/stagecast_bg.wasm', root)) });
const an = await import(fileURLToPath(new URL('pkg/analysis/stagecast.js', root)));
an.initSync({ module: readFileSync(new URL('pkg/analysis/stagecast_bg.wasm', root)) });

const model = widget.defaultModel();
const ids = model.milestones.map((m) => m.id);
const REGIONS = ['north', 'south', 'east'];
const SIZES = ['small', 'large'];

/** `n` deals (closed when `closed`) and the same deals as columns. */
function deals(n, closed, seed) {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const list = [];
  for (let i = 0; i < n; i++) {
    const reach = rnd();
    const steps = ids.map((_, k) => k).filter((k) => rnd() < reach * (1 - k / (ids.length + 1)) + 0.15);
    if (steps.length >= 2 && rnd() < 0.15) [steps[0], steps[1]] = [steps[1], steps[0]];
    const region = Math.floor(rnd() * 3), size = Math.floor(rnd() * 2);
    const z = -2 + (3 * steps.length) / ids.length + [0, 0.5, -0.5][region];
    const d = { id: `d${i}`, events: steps.map((k) => ({ milestone: ids[k] })), attributes: { region: REGIONS[region], size: SIZES[size] } };
    if (closed) d.status = rnd() < 1 / (1 + Math.exp(-z)) ? 'won' : 'lost';
    list.push(d);
  }
  const offsets = new Uint32Array(n + 1);
  const all = [];
  const codes = new Uint32Array(n * 2);
  list.forEach((d, r) => {
    for (const e of d.events) all.push(ids.indexOf(e.milestone));
    offsets[r + 1] = all.length;
    codes[r * 2] = REGIONS.indexOf(d.attributes.region) + 1;
    codes[r * 2 + 1] = SIZES.indexOf(d.attributes.size) + 1;
  });
  return { list, dictionaries: { attributes: ['region', 'size'], values: [REGIONS, SIZES] }, steps: Uint8Array.from(all), offsets, codes };
}

test('ColumnScorer.scoreColumns returns what scoreColumns returns, and what scoreDeals says of each deal', () => {
  const calibrated = an.calibrate(model, deals(1500, true, 7).list);
  assert.ok(calibrated.calibration.effects.length > 0, 'the history teaches attribute effects');
  const open = deals(400, false, 11);
  for (const m of [calibrated, model]) {
    const scorer = new an.ColumnScorer(m);
    const a = scorer.scoreColumns(open.dictionaries, open.steps, open.offsets, open.codes);
    assert.ok(a instanceof Float64Array);
    assert.equal(a.length, 3 * open.list.length);
    // Again on the same scorer (the states it keeps), and the shorthand: the same numbers.
    assert.deepEqual(scorer.scoreColumns(open.dictionaries, open.steps, open.offsets, open.codes), a);
    assert.deepEqual(an.scoreColumns(m, open.dictionaries, open.steps, open.offsets, open.codes), a);
    scorer.free();
    const objects = widget.scoreDeals(m, open.list);
    objects.forEach((s, k) => {
      const [lo, hi] = s.interval ?? [s.probability, s.probability];
      for (const [got, want] of [[a[3 * k], s.probability], [a[3 * k + 1], lo], [a[3 * k + 2], hi]]) {
        assert.ok(Math.abs(got - want) < 1e-12, `${s.id}: ${a.slice(3 * k, 3 * k + 3)} vs ${s.probability} ${s.interval}`);
      }
    });
    // Won outright (the last milestone): 1.
    const won = objects.findIndex((s) => s.probability === 1);
    assert.ok(won >= 0 && a[3 * won] === 1);
  }
});

test('ColumnScorer errors name the field', () => {
  assert.throws(() => new an.ColumnScorer({ milestones: [{ id: 'a', probability: 2 }] }), { message: /^model\.milestones\[0\]\.probability: / });
  const s = new an.ColumnScorer(model);
  const dict = { attributes: ['region', 'size'], values: [REGIONS, SIZES] };
  const steps = Uint8Array.from([0, 1, 0, 1, 2, 3, 0]);
  const offsets = Uint32Array.from([0, 2, 3, 6, 7]);
  const codes = new Uint32Array(8).fill(1);
  assert.equal(s.scoreColumns(dict, steps, offsets, codes).length, 12);
  assert.throws(() => s.scoreColumns(dict, steps, offsets, codes.subarray(1)), { message: 'codes: must have 8 entries (got 7)' });
  assert.throws(() => s.scoreColumns(dict, steps, Uint32Array.from([0, 2, 1, 6, 7]), codes), { message: /^offsets\[2\]: / });
  assert.throws(() => s.scoreColumns(dict, steps, Uint32Array.from([0, 2, 3, 6]), codes.subarray(2)), { message: /^offsets: / });
  const bad = codes.slice();
  bad[5] = 3;
  assert.throws(() => s.scoreColumns(dict, steps, offsets, bad), { message: 'codes[5]: must be 0 or a value number up to 2' });
  assert.throws(() => s.scoreColumns(dict, Uint8Array.from([0, 1, 0, 1, 2, 30, 0]), offsets, codes), { message: 'steps[5]: no milestone has index 30' });
  assert.throws(() => s.scoreColumns({ attributes: ['region'], values: [REGIONS, SIZES] }, steps, offsets, codes.subarray(4)), { message: /^values: / });
  assert.throws(() => s.scoreColumns({ attributes: 'region' }, steps, offsets, codes), { message: /^dictionaries\.attributes: / });
  // Still answers after errors; a freed scorer says so.
  assert.equal(s.scoreColumns(dict, steps, offsets, codes).length, 12);
  s.free();
  assert.throws(() => s.scoreColumns(dict, steps, offsets, codes));
});
