// Errors as data (issue 14): every error the engine throws is a JS Error
// whose message starts with the field's path, and whose `detail` is the
// error as a code with its parameters and the path, which the UI words in
// en, nb, sv and da (www/src/i18n.js wordError) — never the English message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wordError } from '../../www/src/i18n.js';

const root = new URL('../../', import.meta.url);
const load = async (dir = '') => {
  const mod = await import(fileURLToPath(new URL(`pkg/${dir}${dir ? 'stagecast.js' : 'index.js'}`, root)));
  mod.initSync({ module: readFileSync(new URL(`pkg/${dir}stagecast_bg.wasm`, root)) });
  return mod;
};
const thrown = (f) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
};
const loc = (key, tag) => ({ key, tag });

test('the widget throws Errors with the code, its parameters and the path as data', async () => {
  const mod = await load();
  const model = mod.defaultModel();
  const engine = new mod.Engine(model);
  const cases = [
    [() => engine.scoreDeal({ id: 'd', value: -1 }), 'deal.value: must be a finite number >= 0', { code: 'non_negative', path: 'deal.value' }],
    [() => engine.scoreDeals([{ id: 'a' }, { id: 'b', sellerProbability: 2 }]), 'deals[1].sellerProbability: must be a number between 0 and 1', { code: 'probability', path: 'deals[1].sellerProbability' }],
    [() => engine.scoreDeal({ id: 'd', events: [{ milestone: 'nope' }] }), 'deal.events[0].milestone: unknown milestone "nope"', { code: 'unknown_milestone', milestone: 'nope', path: 'deal.events[0].milestone' }],
    [() => engine.scoreDeal({ id: 'd', events: [{ milestone: model.milestones[0].id, date: '2024-02-30' }] }), 'deal.events[0].date: must be a date YYYY-MM-DD (got "2024-02-30")', { code: 'not_a_date', value: '2024-02-30', path: 'deal.events[0].date' }],
    [() => engine.scoreDeal({ id: 'd', status: 'maybe' }), null, { code: 'unknown_value', value: 'maybe', expected: ['open', 'won', 'lost'], path: 'deal.status' }],
    [() => engine.scoreDeal({ id: 7 }), null, { code: 'wrong_type', path: 'deal.id' }],
    [() => engine.scoreDeal({ id: 'x'.repeat(201) }), 'deal.id: must be at most 200 characters', { code: 'too_long', max: 200, path: 'deal.id' }],
    [() => engine.scoreDeal(undefined), 'deal: is required', { code: 'required', path: 'deal' }],
    [() => new mod.Engine({ milestones: [{ id: 'a' }, { id: 'a' }] }), 'model.milestones[1].id: duplicate milestone id "a"', { code: 'duplicate', path: 'model.milestones[1].id' }],
    [() => new mod.Engine({ milestones: [] }), 'model.milestones: must list at least one milestone', { code: 'invalid', path: 'model.milestones' }],
  ];
  for (const [f, message, detail] of cases) {
    const e = thrown(f);
    assert.ok(e instanceof Error, String(e));
    if (message) assert.equal(e.message, message);
    assert.ok(e.message.startsWith(`${detail.path}: `), e.message);
    assert.deepEqual({ ...e.detail }, detail, e.message);
  }
  // The module still answers.
  assert.equal(engine.scoreDeals([{ id: 'a' }]).length, 1);
});

test('the analysis part codes its errors too (a history with an open deal)', async () => {
  await load();
  const an = await load('analysis/');
  const { defaultModel } = await load();
  const e = thrown(() => an.calibrate(defaultModel(), [{ id: 'a', status: 'won' }, { id: 'b' }]));
  assert.deepEqual({ ...e.detail }, { code: 'not_closed', path: 'history[1].status' });
});

test('the UI words an engine error from its code in every language, never its English message', async () => {
  const mod = await load();
  const engine = new mod.Engine(mod.defaultModel());
  const e = thrown(() => engine.scoreDeal({ id: 'd', value: -1 }));
  const words = {
    en: wordError(loc('en', 'en'), e),
    nb: wordError(loc('nb', 'nb-NO'), e),
    sv: wordError(loc('sv', 'sv-SE'), e),
    da: wordError(loc('da', 'da-DK'), e),
  };
  assert.equal(words.en, '“deal.value” must be a number of 0 or more.');
  assert.equal(words.nb, '«deal.value» må være et tall på 0 eller mer.');
  assert.equal(words.sv, '”deal.value” måste vara ett tal på 0 eller mer.');
  assert.equal(words.da, '»deal.value« skal være et tal på 0 eller mere.');
  const long = thrown(() => engine.scoreDeal({ id: 'x'.repeat(201) }));
  assert.equal(wordError(loc('nb', 'nb-NO'), long), '«deal.id» er lengre enn 200 tegn.');
  const status = thrown(() => engine.scoreDeal({ id: 'd', status: 'maybe' }));
  assert.equal(wordError(loc('da', 'da-DK'), status), '»deal.status«: »maybe« er ikke en af open, won, lost.');
  // A check without a code of its own is named by its field.
  const empty = thrown(() => new mod.Engine({ milestones: [] }));
  assert.equal(wordError(loc('sv', 'sv-SE'), empty), 'Värdet vid ”model.milestones” är inte giltigt.');
  for (const [lang, text] of Object.entries(words)) if (lang !== 'en') assert.ok(!text.includes('must be'), text);
});
