// <stagecast-scenarios> on the manager board: labelled sliders with visible
// values, the engine's compareScenarios() numbers, the tornado, add / rename
// / remove, and the persistence rules (saved, garbage set aside, storage
// blocked, bad import changes nothing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const KEY = 'stagecast:scenarios';
const board = (page) => page.locator('stagecast-scenarios');

/** What the page's engine says for the element's scenarios, formatted like the element. */
const expected = (page) =>
  page.evaluate(async () => {
    await Stagecast.loadAnalysis(); // compareScenarios is in the analysis part (the board loaded it already)
    const el = document.querySelector('stagecast-scenarios');
    const [base, ...variants] = el.scenarios;
    const out = Stagecast.compareScenarios(base, variants);
    const pct = (v) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(v);
    const money = (v) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(v);
    return out.map((r) => ({ p: pct(r.pHitBudget), margin: money(r.expectedMargin), raw: r }));
  });

const shownResults = (page) =>
  page.evaluate(() =>
    [...document.querySelector('stagecast-scenarios').shadowRoot.querySelectorAll('[data-role="result"]')].map((dl) => ({
      p: dl.querySelector('[data-key="pHitBudget"]').textContent,
      margin: dl.querySelector('[data-key="expectedMargin"]').textContent,
    })),
  );

test('sliders are labelled, show their values, and the results match compareScenarios', async () => {
  const page = await env.open('/manager.html');
  await board(page).locator('[data-role="result"] [data-key="pHitBudget"]').first().waitFor();
  // The base is seeded from the Maven data once it is loaded.
  await board(page).locator('[data-role="seeded"]').waitFor({ timeout: 60000 });
  for (const name of ['Meetings per week', 'Weeks', 'Meeting → opportunity', 'Win rate', 'Average margin', 'Budget']) {
    assert.equal(await page.getByRole('slider', { name }).count(), 2, name);
  }
  let exp = await expected(page);
  assert.deepEqual(await shownResults(page), exp.map(({ p, margin }) => ({ p, margin })));
  // Keyboard: focus the first scenario's meetings slider and press ArrowRight three times.
  const slider = page.getByRole('slider', { name: 'Meetings per week' }).first();
  const start = Number(await slider.inputValue());
  const events = page.evaluate(() => new Promise((r) => document.querySelector('stagecast-scenarios').addEventListener('stagecast-change', (e) => r(e.detail), { once: true })));
  await slider.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  const detail = await events;
  assert.equal(await slider.inputValue(), String(start + 3));
  assert.equal(await board(page).locator('output[data-value="meetingsPerWeek"]').first().textContent(), new Intl.NumberFormat('en').format(start + 3));
  exp = await expected(page);
  assert.equal(detail[0].name, 'Today');
  assert.deepEqual(await shownResults(page), exp.map(({ p, margin }) => ({ p, margin })));
  // The tornado has a bar per lever: the engine's sensitivity, plus Weeks and Budget.
  assert.equal(await board(page).locator('svg[data-chart="tornado"] rect[data-lever]').count(), exp[0].raw.sensitivity.length + 2);
  await page.evaluate(() => localStorage.clear());
  page.assertClean();
});

test('the built-in scenarios are named in the page\'s language', async () => {
  for (const [lang, names] of [['nb', ['I dag', 'Flere møter']], ['sv', ['I dag', 'Fler möten']], ['da', ['I dag', 'Flere møder']], ['en', ['Today', 'More meetings']]]) {
    const page = await env.open(`/manager.html?lang=${lang}`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await board(page).locator('[data-role="result"]').first().waitFor();
    assert.deepEqual(await board(page).locator('legend').allTextContents(), names, lang);
    assert.deepEqual((await page.evaluate(() => document.querySelector('stagecast-scenarios').scenarios)).map((x) => x.name), names, lang);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  }
});

test('the tornado says why when several levers each swing the chance of the budget from 0 % to 100 %', async () => {
  const page = await env.open('/manager.html');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await board(page).locator('[data-role="seeded"]').waitFor({ timeout: 60000 });
  // The Maven base (hundreds of meetings a week) has little spread: a cliff.
  const seeded = await page.evaluate(async () => {
    const el = document.querySelector('stagecast-scenarios');
    const sens = el.result[0].sensitivity;
    return { full: sens.filter((x) => Math.abs(x.highPHitBudget - x.lowPHitBudget) > 0.95).length, note: el.shadowRoot.querySelector('[data-role="tornado-cliff"]')?.textContent };
  });
  assert.ok(seeded.full >= 2, JSON.stringify(seeded));
  assert.match(seeded.note, /^Several levers each swing the chance from 0% to 100%: .* expected margin \(\$[\d,]+\) clears the budget \(\$[\d,]+\)\.$/);
  // A plan with spread (8 meetings a week): no such note.
  const spread = await page.evaluate(async () => {
    const el = document.createElement('stagecast-scenarios');
    el.setAttribute('storage-key', 'stagecast:test-tornado');
    el.scenarios = [{ name: 'A', meetingsPerWeek: 8, weeks: 12, meetingToOpportunity: 0.3, winRate: 0.25, averageMargin: 60000, marginBudget: 500000 }];
    document.body.append(el);
    await el.updateComplete;
    const sens = el.result[0].sensitivity;
    return { full: sens.filter((x) => Math.abs(x.highPHitBudget - x.lowPHitBudget) > 0.95).length, note: !!el.shadowRoot.querySelector('[data-role="tornado-cliff"]') };
  });
  assert.deepEqual(spread, { full: 0, note: false });
  await page.evaluate(() => localStorage.clear());
  page.assertClean();
});

test('add, rename and remove scenarios; the board is saved in localStorage and restored', async () => {
  const page = await env.open('/manager.html');
  await board(page).locator('[data-role="result"]').first().waitFor();
  await board(page).getByRole('button', { name: 'Add scenario' }).click();
  assert.equal(await board(page).locator('fieldset').count(), 3);
  const name = board(page).getByRole('textbox', { name: 'Name' }).nth(2);
  await name.fill('Bigger deals <b>x</b>');
  await board(page).getByRole('slider', { name: 'Average margin' }).nth(2).fill('90000');
  const saved = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), KEY);
  assert.equal(saved.scenarios.length, 3);
  assert.equal(saved.scenarios[2].name, 'Bigger deals <b>x</b>');
  assert.equal(saved.scenarios[2].averageMargin, 90000);
  assert.equal(await board(page).locator('legend').nth(2).textContent(), 'Bigger deals <b>x</b>');
  await page.reload();
  await board(page).locator('[data-role="result"]').nth(2).waitFor();
  assert.equal(await board(page).getByRole('textbox', { name: 'Name' }).nth(2).inputValue(), 'Bigger deals <b>x</b>');
  await board(page).getByRole('button', { name: 'Remove: Bigger deals <b>x</b>' }).click();
  assert.equal(await board(page).locator('fieldset').count(), 2);
  assert.equal((await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), KEY)).scenarios.length, 2);
  await page.evaluate((k) => localStorage.removeItem(k), KEY);
  page.assertClean();
});

test('garbage in localStorage is reported and set aside, never wiped', async () => {
  const page = await env.open('/manager.html');
  // The first load has finished with storage (its board seeded and saved)
  // before the garbage is written: else it races with the write.
  await page.locator('#board-status').filter({ hasText: /8,800/ }).waitFor({ timeout: 60000 });
  await page.evaluate((k) => localStorage.setItem(k, '{"scenarios": [{"name": "x", "weeks": "many"'), KEY);
  await page.reload();
  const status = board(page).locator('[data-role="status"]');
  await status.filter({ hasText: 'could not be read' }).waitFor();
  const aside = await page.evaluate((k) => Object.keys(localStorage).filter((x) => x.startsWith(`${k}:broken:`)).map((x) => localStorage.getItem(x)), KEY);
  assert.deepEqual(aside, ['{"scenarios": [{"name": "x", "weeks": "many"']);
  assert.match(await status.textContent(), /stagecast:scenarios:broken:/);
  // The defaults are shown and work.
  await board(page).locator('[data-role="result"]').first().waitFor();
  assert.equal(await board(page).locator('fieldset').count(), 2);
  await page.evaluate(() => localStorage.clear());
  page.assertClean();
});

test('blocked localStorage (private mode) does not break the board, and the user is told', async () => {
  const page = await env.context.newPage();
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${env.url}/manager.html`);
  await board(page).locator('[data-role="result"]').first().waitFor();
  assert.match(await board(page).locator('[data-role="status"]').textContent(), /Could not save in this browser/);
  await board(page).getByRole('slider', { name: 'Weeks' }).first().fill('20');
  assert.equal(await board(page).locator('output[data-value="weeks"]').first().textContent(), '20');
  assert.deepEqual(errors, []);
  await page.close();
});

test('full localStorage (quota exceeded): the change stays on the page and the user is told', async () => {
  const page = await env.open('/manager.html');
  await board(page).locator('[data-role="result"]').first().waitFor();
  await board(page).locator('[data-role="seeded"]').waitFor({ timeout: 60000 });
  const saved = await page.evaluate((k) => localStorage.getItem(k), KEY);
  await page.evaluate(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await board(page).getByRole('slider', { name: 'Weeks' }).first().fill('25');
  await board(page).locator('[data-role="status"]').filter({ hasText: 'Could not save in this browser' }).waitFor();
  assert.equal(await board(page).locator('output[data-value="weeks"]').first().textContent(), '25');
  // What was saved before the storage filled up is still there, unchanged.
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), saved);
  page.assertClean();
});

test('import: a bad file changes nothing; a good export round-trips', async () => {
  const page = await env.open('/manager.html');
  await board(page).locator('[data-role="result"]').first().waitFor();
  // Seeding from the data comes later and rewrites the base: wait for it.
  await board(page).locator('[data-role="seeded"]').waitFor({ timeout: 60000 });
  await board(page).getByRole('slider', { name: 'Weeks' }).first().fill('30');
  const before = await page.evaluate((k) => localStorage.getItem(k), KEY);
  const file = board(page).locator('input[type=file]');
  await file.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"scenarios": [{"name": "a", "winRate": 7}]}') });
  await board(page).locator('[data-role="status"]').filter({ hasText: 'could not be imported' }).waitFor();
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), before);
  assert.equal(await board(page).locator('output[data-value="weeks"]').first().textContent(), '30');
  // Export, then import the exported file on a fresh board.
  const download = page.waitForEvent('download');
  await board(page).getByRole('button', { name: 'Export JSON' }).click();
  const path = await (await download).path();
  const exported = JSON.parse(await (await import('node:fs/promises')).readFile(path, 'utf8'));
  assert.equal(exported.scenarios[0].weeks, 30);
  assert.ok(exported.model.milestones.length > 0);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await board(page).locator('[data-role="result"]').first().waitFor();
  assert.equal(await board(page).locator('output[data-value="weeks"]').first().textContent(), '12');
  await board(page).locator('input[type=file]').setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await board(page).locator('[data-role="status"]').filter({ hasText: 'Imported' }).waitFor();
  assert.equal(await board(page).locator('output[data-value="weeks"]').first().textContent(), '30');
  assert.equal(JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY)).scenarios[0].weeks, 30);
  await page.evaluate(() => localStorage.clear());
  page.assertClean();
});

test('Swedish labels when the element says locale="sv"', async () => {
  const page = await env.open('/manager.html');
  await board(page).locator('[data-role="result"]').first().waitFor();
  await page.evaluate(() => document.querySelector('stagecast-scenarios').setAttribute('locale', 'sv'));
  await page.getByRole('slider', { name: 'Möten per vecka' }).first().waitFor();
  assert.equal(await board(page).locator('h2').textContent(), 'Vad-händer-om-scenarier');
  const p = await board(page).locator('[data-key="pHitBudget"]').first().textContent();
  assert.match(p, /\u00a0%$/); // Swedish percent: "42 %"
  page.assertClean();
});

// The board's view and words ship with the analysis part
// (stagecast-analysis.js). A seller's page never fetches them; when the part
// cannot load, the board shows an error card, keeps what the host set before
// the element was defined, and leaves the user's saved scenarios alone.
test('without the analysis part the board shows an error card and keeps the saved scenarios', async () => {
  const page = await env.context.newPage();
  const saved = JSON.stringify({ version: 1, seeded: false, scenarios: [{ name: 'Mine', meetingsPerWeek: 5, weeks: 10, meetingToOpportunity: 0.2, winRate: 0.3, averageMargin: 1000, marginBudget: 9000 }] });
  await page.addInitScript(([k, v]) => localStorage.setItem(k, v), [KEY, saved]);
  await page.route('**/dist/stagecast-analysis.js', (r) => r.abort());
  await page.route(`${env.url}/no-analysis.html`, (r) => r.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="nb"><body>
    <stagecast-scenarios id="s"></stagecast-scenarios>
    <script>document.getElementById('s').currency = 'NOK';</script>
    <script src="/dist/stagecast.js"></script></body></html>` }));
  await page.goto(`${env.url}/no-analysis.html`);
  const card = board(page).locator('[data-role="error"]');
  await card.waitFor();
  assert.equal(await card.getAttribute('role'), 'alert');
  assert.ok((await card.textContent()).trim().length > 0, 'the card says something');
  assert.equal(await board(page).locator('fieldset').count(), 0);
  assert.equal(await page.evaluate(() => document.getElementById('s').currency), 'NOK');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), saved);
  await page.close();
});
