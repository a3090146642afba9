// Errors as data (issue 14): every error the engine throws is a JS Error
// whose message starts with the field's path, and whose `detail` is the
// error as a code with its parameters and the path, which the UI words in
// en, nb, sv and da (www/src/i18n.js wordError) — never the English message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wordError, addStrings } from '../../www/src/i18n.js';
import { PERIOD } from '../../www/src/i18n-period.js';
import { IMPORT } from '../../www/src/i18n-import.js';

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
    [() => new mod.Engine({ milestones: [] }), 'model.milestones: must list at least one milestone', { code: 'required', path: 'model.milestones' }],
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
  // A check without a code of its own (the shape of the sliders' two
  // parallel arrays, which code writes, not a user) is named by its field.
  const an = await load('analysis/');
  const shape = thrown(() => an.distributionArrays(new Float64Array([1]), new Float64Array([])));
  assert.deepEqual({ ...shape.detail }, { code: 'invalid', path: 'probabilities' });
  assert.equal(wordError(loc('sv', 'sv-SE'), shape), 'Värdet vid ”probabilities” är inte giltigt.');
  for (const [lang, text] of Object.entries(words)) if (lang !== 'en') assert.ok(!text.includes('must be'), text);
});

// Task "codes": the checks that were `invalid` have codes of their own. Each
// new code is raised through the real export and worded in every language
// from its own words (the widget's in i18n.js, the analysis part's with the
// period words, the CSV import's with the import words), never the
// "is not valid" fallback.
const LANGS = [loc('en', 'en'), loc('nb', 'nb-NO'), loc('sv', 'sv-SE'), loc('da', 'da-DK')];
const FALLBACK = { en: 'The value at', nb: 'Verdien ved', sv: 'Värdet vid', da: 'Værdien ved' };
function worded(e, detail, english) {
  assert.ok(e instanceof Error, String(e));
  assert.deepEqual({ ...e.detail }, detail, e.message);
  assert.ok(e.message.startsWith(`${detail.path}: `), e.message);
  const seen = new Set();
  for (const l of LANGS) {
    const text = wordError(l, e);
    assert.ok(!text.startsWith(FALLBACK[l.key]) && !/[{}]/.test(text), `${l.key}: ${text}`);
    assert.ok(text.includes(detail.path), `${l.key}: ${text}`);
    if (l.key === 'en') assert.equal(text, english);
    seen.add(text);
  }
  assert.equal(seen.size, 4, [...seen].join(' | '));
}

test('the widget raises and words range, either, not_found, cycle and reserved', async () => {
  const mod = await load();
  const engine = new mod.Engine(mod.defaultModel());
  const cases = [
    [() => new mod.Engine({ milestones: [{ id: 'a', after: ['a'] }] }), { code: 'cycle', path: 'model.milestones[0].after[0]' }, '“model.milestones[0].after[0]”: the order goes in a circle.'],
    [() => mod.meetingPlan({ marginBudget: 1, meetingsPerWeek: 3, weeks: 1e9 }), { code: 'range', min: 0, max: 33333, path: 'weeks' }, '“weeks” must be between 0 and 33,333.'],
    [() => engine.rankMeetings([{ dealId: 'a', deal: { id: 'a' } }], { deals: [{ id: 'a' }] }), { code: 'either', other: 'deal', path: 'meetings[0].dealId' }, 'Give “meetings[0].dealId” or “deal”, not both.'],
    [() => engine.rankMeetings([{ dealId: 'zz' }], { deals: [{ id: 'a' }] }), { code: 'not_found', value: 'zz', path: 'meetings[0].dealId' }, '“meetings[0].dealId”: no “zz”.'],
    [() => engine.scoreDeal(JSON.parse('{"id":"d","attributes":{"__proto__":"x"}}')), { code: 'reserved', value: '__proto__', path: 'deal.attributes.__proto__' }, '“deal.attributes.__proto__”: “__proto__” is not allowed.'],
  ];
  for (const [f, detail, english] of cases) worded(thrown(f), detail, english);
  // Reused codes for checks that had none.
  assert.deepEqual({ ...thrown(() => engine.rankMeetings([{}], {})).detail }, { code: 'required', path: 'meetings[0].dealId' });
  assert.deepEqual({ ...thrown(() => engine.meetingValue({ id: 'd', margin: 1 }, 7)).detail }, { code: 'wrong_type', path: 'milestoneId' });
  assert.deepEqual({ ...thrown(() => engine.scoreDeal({ id: 'd', label: () => 1 })).detail }, { code: 'wrong_type', path: 'deal.label' });
  assert.deepEqual({ ...thrown(() => mod.meetingPlan({ marginBudget: 1, meetingsPerWeek: 1, weeks: 1, meetingToOpportunity: 0.5 })).detail }, { code: 'required', path: 'winRate' });
});

test('the analysis part raises exceeds, not_before, less_than, few_mandatory and whole_number, worded with its words', async () => {
  const mod = await load();
  const an = await load('analysis/');
  addStrings(PERIOD);
  const model = mod.defaultModel();
  const ids = model.milestones.map((m) => m.id);
  const events = (k) => ids.slice(0, k).map((milestone, i) => ({ milestone, date: `2024-01-0${i + 1}` }));
  const history = [
    { id: 'w', status: 'won', events: events(ids.length) },
    { id: 'l', status: 'lost', events: events(1) },
    { id: 'w2', status: 'won', events: events(ids.length) },
  ];
  const calibrated = an.calibrate(model, history);
  const bad = { ...calibrated, calibration: { ...calibrated.calibration, won: 99 } };
  const three = { milestones: [{ id: 'a', mandatory: true }, { id: 'b' }] };
  const cases = [
    [() => an.evaluate(bad, history), { code: 'exceeds', other: 'deals', path: 'model.calibration.won' }, '“model.calibration.won” must not be more than “deals”.'],
    [() => an.forecast(model, [{ id: 'o', value: 1 }], { periodEnd: '2024-01-01', asOf: '2024-01-09', history }), { code: 'not_before', other: 'options.asOf', path: 'options.periodEnd' }, '“options.periodEnd” must not be before “options.asOf”.'],
    [() => an.lifetimeValue({ annualMargin: 1, retention: 1, discountRate: 0 }), { code: 'less_than', max: 1, path: 'retention' }, '“retention” must be less than 1.'],
    [() => an.specialisationWhatIf(three, { skills: [], pipeline: [] }), { code: 'few_mandatory', min: 2, path: 'model' }, '“model” needs at least 2 mandatory milestones.'],
    [() => an.specialisationWhatIf(model, { skills: [], pipeline: [], capacity: 1.5 }), { code: 'whole_number', max: 100000, path: 'capacity' }, '“capacity” must be a whole number from 0 to 100,000.'],
    [() => an.crossValidate(model, history, 1), { code: 'range', min: 2, max: 3, path: 'k' }, '“k” must be between 2 and 3.'],
  ];
  for (const [f, detail, english] of cases) worded(thrown(f), detail, english);
  // A share as a bound keeps its decimals.
  const points = thrown(() => an.retentionWhatIf({ annualMargin: 1, retention: 0.75, discountRate: 0.1, retentionPoints: 0.5 }));
  assert.equal(wordError(loc('nb', 'nb-NO'), points), '«retentionPoints» må være mellom 0 og 0,25.');
});

test('the CSV import raises no_column, too_large, no_header and bad_header, worded with its words', async () => {
  const csv = await load('csv/');
  addStrings(IMPORT);
  const cases = [
    [() => csv.parseCsv('a,b\n1,2\n', { value: 'Amount' }), { code: 'no_column', column: 'Amount', path: 'mapping.value' }, '“mapping.value”: the file has no column “Amount”.'],
    [() => csv.csvPreview(''), { code: 'no_header', path: 'text' }, '“text”: the file has no header line.'],
    [() => csv.csvPreview('"open\n'), { code: 'bad_header', path: 'text' }, '“text”: the header line cannot be read.'],
    [() => csv.csvPreview('a\n'.repeat(26214401)), { code: 'too_large', maxBytes: 52428800, path: 'text' }, '“text”: the file is larger than 52,428,800 bytes.'],
  ];
  for (const [f, detail, english] of cases) worded(thrown(f), detail, english);
  const delim = thrown(() => csv.parseCsv('a\n1\n', { delimiter: 'x' }));
  assert.deepEqual({ ...delim.detail }, { code: 'unknown_value', value: 'x', expected: [',', ';', '\t', '|'], path: 'mapping.delimiter' });
  const format = thrown(() => csv.importHistory('a\n', 'pipedrive'));
  assert.deepEqual({ ...format.detail }, { code: 'unknown_value', value: 'pipedrive', expected: ['hubspot', 'salesforce', 'stage_history'], path: 'format' });
});
