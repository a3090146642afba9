// pkg/ as an npm package: importable from Node 20 with initSync, with an
// exports map, and the same API as the one-file script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

test('package.json has an exports map pointing at files that exist', () => {
  const pkg = JSON.parse(readFileSync(new URL('pkg/package.json', root), 'utf8'));
  assert.equal(pkg.name, 'stagecast');
  assert.equal(pkg.type, 'module');
  for (const target of Object.values(pkg.exports)) {
    const file = typeof target === 'string' ? target : target.default;
    assert.ok(readFileSync(new URL(`pkg/${file}`, root)).length > 0, file);
  }
});

test('Node 20 loads the ES module with initSync({ module: bytes }) and scores a deal', async () => {
  const mod = await import(fileURLToPath(new URL('pkg/index.js', root)));
  mod.initSync({ module: readFileSync(new URL('pkg/stagecast_bg.wasm', root)) });
  const model = mod.defaultModel();
  assert.ok(model.milestones.length >= 6);
  const a = mod.scoreDeal(model, { id: 'd', events: [{ milestone: model.milestones[0].id }] });
  const b = mod.scoreDeal(model, { id: 'd', events: model.milestones.slice(0, 2).map((m) => ({ milestone: m.id })) });
  assert.ok(b.probability > a.probability);
  assert.throws(() => mod.scoreDeal(model, { id: 'd', value: Infinity }), { name: 'Error', message: 'deal.value: must be a finite number >= 0' });
  assert.throws(() => mod.scoreDeals(model, [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd', value: -5 }]), { message: 'deals[3].value: must be a finite number >= 0' });
  // Still answers after errors.
  assert.equal(mod.scoreDeals(model, [{ id: 'a' }, { id: 'b' }]).length, 2);
});

test('the analysis part (stagecast/analysis) loads on its own and its calibrated model scores in the widget part', async () => {
  const pkg = JSON.parse(readFileSync(new URL('pkg/package.json', root), 'utf8'));
  assert.equal(pkg.exports['./analysis'].default, './analysis/stagecast.js');
  const mod = await import(fileURLToPath(new URL('pkg/index.js', root)));
  mod.initSync({ module: readFileSync(new URL('pkg/stagecast_bg.wasm', root)) });
  const an = await import(fileURLToPath(new URL('pkg/analysis/stagecast.js', root)));
  an.initSync({ module: readFileSync(new URL('pkg/analysis/stagecast_bg.wasm', root)) });
  assert.equal(typeof mod.calibrate, 'undefined', 'calibrate is not in the widget part');
  assert.equal(typeof an.scoreDeal, 'undefined', 'scoring is not in the analysis part');
  const model = mod.defaultModel();
  const ids = model.milestones.map((m) => m.id);
  const history = [];
  for (let i = 0; i < 200; i++) {
    const n = 1 + (i % 5);
    history.push({ id: `h${i}`, status: (i * 37) % 100 < n * 15 ? 'won' : 'lost', events: ids.slice(0, n).map((milestone) => ({ milestone })) });
  }
  const calibrated = an.calibrate(model, history);
  assert.ok(calibrated.calibration && calibrated.calibration.states.length > 0);
  const deal = { id: 'x', events: ids.slice(0, 3).map((milestone) => ({ milestone })) };
  const s = mod.scoreDeal(calibrated, deal);
  assert.ok(s.interval[0] < s.probability && s.probability < s.interval[1], JSON.stringify(s.interval));
  assert.notEqual(s.probability, mod.scoreDeal(model, deal).probability);
  const ev = an.evaluate(calibrated, history);
  assert.equal(ev.n, 200);
  assert.throws(() => an.calibrate(model, [{ id: 'a', status: 'won', value: -1 }]), { message: 'history[0].value: must be a finite number >= 0' });
  assert.equal(typeof mod.loadAnalysis, 'function');
});

test('a CSV column named __proto__ is refused by name, never set as a prototype or silently dropped', async () => {
  const csv = await import(fileURLToPath(new URL('pkg/csv/stagecast.js', root)));
  csv.initSync({ module: readFileSync(new URL('pkg/csv/stagecast_bg.wasm', root)) });
  const text = 'id,stage,__proto__\nd1,won,x\n';
  assert.throws(() => csv.parseCsv(text, { id: 'id', stage: 'stage', stageMap: { won: [] }, attributes: ['__proto__'] }),
    { message: /^mapping\.attributes\[0\]: "__proto__" cannot be an attribute name/ });
  // The module keeps working, and the same file imports without that column.
  const out = csv.parseCsv(text, { id: 'id', stage: 'stage', stageMap: { won: [] }, attributes: [] });
  assert.equal(out.deals.length, 1);
  assert.equal(Object.getPrototypeOf(out.deals[0]), Object.prototype);
});
