// Language (issue 14, "Language" done-when): in nb, sv and da, no English
// made by the engine reaches the seller calculator or the manager board.
// Every text node of the page is read, shadow roots included, after the
// calculator has gone through many states (start, skipped steps, steps out of
// order, a calibrated model with attributes and a seller's estimate, too
// little history, a signed contract) and after the board's data has loaded.
// A text fails when it holds a piece of an English reason wording (every
// `why_`, `reason_` and `problem_` code of www/src/i18n.js) or one of a list
// of English words the engine's sentences are made of.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.mjs';
import { STRINGS, DEFAULT_LABELS } from '../../www/src/i18n.js';
import { IMPORT } from '../../www/src/i18n-import.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

// The literal pieces (between placeholders) of every English wording of an
// engine code, at least 10 characters long, and the default model's labels.
const PIECES = [
  ...Object.entries({ ...STRINGS.en, ...IMPORT.en })
    .filter(([k]) => /^(why_|reason_|problem_|notice_|warning_)/.test(k))
    .flatMap(([, v]) => v.split(/\{\w+\}/))
    .map((s) => s.trim())
    .filter((s) => s.length >= 10),
  ...Object.values(DEFAULT_LABELS),
];
// Words of the engine's English sentences (Rust's, before the codes).
const WORDS = /\b(the|deals?|milestones?|reached|history|Insufficient|closed|instead|starting|step|steps|points?|raises|lowers|seller's|comparison|outcome|Learned|Furthest|standing|missing|order)\b/;

/** Every non-empty text node under the body, shadow roots included. */
async function texts(page) {
  return page.evaluate(() => {
    const out = [];
    const walk = (root) => {
      const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
      for (let n = w.currentNode; n; n = w.nextNode()) {
        if (n.nodeType === Node.TEXT_NODE) {
          const p = n.parentElement;
          if (p && (p.closest('style, script') || p.closest('[data-test-user-data]'))) continue;
          const s = n.textContent.trim();
          if (s) out.push(s);
        } else if (n.shadowRoot) walk(n.shadowRoot);
      }
    };
    walk(document.body);
    return out;
  });
}

function english(list) {
  const bad = [];
  for (const s of list) {
    const piece = PIECES.find((p) => s.includes(p));
    const word = WORDS.exec(s);
    if (piece || word) bad.push(`${JSON.stringify(s)} (${piece ? `English wording "${piece}"` : `English word "${word[0]}"`})`);
  }
  return bad;
}

// User data the pages show as they are (the demo week's meeting and deal
// names, Maven's sellers): it is the user's, not the engine's.
const USER = [/^\d+\. /, /Nordic Logistics|Baltic Foods|Fjord Energi|Öresund Retail|Tallinn|Helsinki|Vilnius|Riga|Aarhus|Bergen/];
const fromUser = (s) => USER.some((r) => r.test(s));

const reasonCodes = (page) => page.evaluate(() => (document.getElementById('calculator').score.reasons || []).map((r) => r.code));

for (const lang of ['nb', 'sv', 'da']) {
  test(`${lang}: the seller calculator shows no English made by the engine`, async () => {
    const page = await env.open(`/?lang=${lang}`);
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${env.url}/?lang=${lang}`);
    await page.locator('stagecast-deal [data-role="probability"]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang, '<html lang> follows the language');
    const seen = new Set();
    const codes = new Set();
    const look = async () => {
      await page.evaluate(() => document.getElementById('calculator').updateComplete);
      for (const s of await texts(page)) seen.add(s);
      for (const c of await reasonCodes(page)) codes.add(c);
    };
    const tick = async (id) => {
      await page.locator(`stagecast-deal input[data-milestone="${id}"]`).click();
      await look();
    };
    // Clear what the page started with, then tick: start, a skipped
    // mandatory step, a step done out of order, an optional one.
    await page.evaluate(() => {
      const c = document.getElementById('calculator');
      c.deal = { ...c.deal, events: [] };
    });
    await look();
    for (const id of ['need_confirmed', 'solution_presented', 'mobilizer_met', 'budget_confirmed', 'proposal_requested']) await tick(id);
    // A calibrated model, a deal with attributes and a seller's estimate;
    // then too little history; then a signed contract.
    await page.evaluate(async () => {
      await Stagecast.loadAnalysis();
      const order = Stagecast.defaultModel().milestones.map((m) => m.id);
      const history = (n) => Array.from({ length: n }, (_, k) => ({
        id: `h${k}`,
        status: k % 3 === 0 ? 'won' : 'lost',
        events: order.slice(0, 1 + (k % 4)).map((milestone) => ({ milestone })),
        // Mostly won deals are public: an effect, not a leak (both outcomes have each value).
        attributes: { segment: (k % 3 === 0 ? k % 5 !== 0 : k % 4 === 0) ? 'public' : 'private' },
      }));
      const c = document.getElementById('calculator');
      window.__models = [Stagecast.calibrate(Stagecast.defaultModel(), history(120)), Stagecast.calibrate(Stagecast.defaultModel(), history(10))];
      c.model = window.__models[0];
      c.deal = { id: 'D-101', label: 'x', value: 1000, sellerProbability: 0.6, attributes: { segment: 'public' }, events: [{ milestone: 'need_confirmed' }, { milestone: 'mobilizer_met' }] };
    });
    await look();
    await tick('solution_presented');
    await page.evaluate(() => {
      const c = document.getElementById('calculator');
      c.deal = { ...c.deal, events: [{ milestone: 'need_confirmed' }, { milestone: 'verbal_yes' }] };
    });
    await look();
    await page.evaluate(() => { document.getElementById('calculator').model = window.__models[1]; });
    await look();
    await tick('contract_signed');
    const bad = english([...seen].filter((s) => !fromUser(s)));
    assert.deepEqual(bad, [], `English on the ${lang} calculator:\n${bad.join('\n')}`);
    // The states above reached these codes (so their wordings were read).
    for (const c of ['start', 'furthest_step', 'missing_prerequisites', 'learned_state', 'history_rate', 'attribute_effect', 'seller_estimate', 'insufficient_history', 'deal_won']) {
      assert.ok(codes.has(c), `the calculator went through a state with the reason "${c}" (${[...codes]})`);
    }
    assert.ok(codes.has('out_of_order') || codes.has('out_of_order_as_missing'), `a step out of order (${[...codes]})`);
    page.assertClean();
    await page.close();
  });

  test(`${lang}: the manager board shows no English made by the engine`, async () => {
    const page = await env.open(`/manager.html?lang=${lang}`);
    await page.locator('stagecast-calibration [data-role="brier"]').waitFor({ timeout: 30000 });
    await page.locator('stagecast-forecast [data-role="p50"]').first().waitFor({ state: 'attached' });
    await page.locator('stagecast-scenarios [data-role="seeded"]').waitFor({ timeout: 30000 });
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
    // A file the preset cannot read: the error is worded from its code.
    const imp = page.locator('stagecast-import');
    await imp.locator('input[type=file]').setInputFiles({ name: 'own.csv', mimeType: 'text/csv', buffer: Buffer.from('Deal,Owner\nD1,Eva\n') });
    await imp.locator('[data-role="import-error"]').waitFor({ timeout: 30000 });
    const first = await texts(page);
    // A Maven file with bad rows (an amount, a duplicate id, a short row):
    // the import lists them, worded from their codes.
    const csv = [
      'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value',
      'A1,Ann Berg,GTX Basic,Acme,Won,2017-01-02,2017-03-01,550',
      'A2,Bo Lind,GTX Basic,Acme,Lost,2017-01-05,2017-03-02,0',
      'A3,Ann Berg,GTX Basic,Acme,Won,2017-01-07,2017-03-05,lots',
      'A1,Bo Lind,GTX Pro,Beta,Lost,2017-01-09,2017-03-07,0',
      'A5,Bo Lind',
    ].join('\n');
    await imp.locator('input[type=file]').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await imp.locator('[data-role="errors"] li').nth(2).waitFor({ timeout: 30000 });
    const list = [...first, ...(await texts(page))].filter((s) => !fromUser(s));
    const bad = english(list);
    assert.deepEqual(bad, [], `English on the ${lang} manager board:\n${bad.join('\n')}`);
    const codes = await imp.locator('[data-role="errors"] [data-code]').evaluateAll((l) => l.map((n) => n.dataset.code));
    assert.deepEqual(codes, ['bad_amount', 'duplicate_id', 'short_row']);
    await page.close();
  });
}
