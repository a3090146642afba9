// Issue 15, the manager board (www/manager.html): items 6-8 (cross-validated
// scoreboard, scenarios seeded from the data, CSV import messages).
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

const ready = async (page) => {
  await page.locator('#board-status').filter({ hasText: /8,800/ }).waitFor({ timeout: 60000 });
  await page.locator('stagecast-calibration [data-role="brier"]').waitFor();
};
const board = (page) => page.locator('stagecast-scenarios');

test('6. the scoreboard shows cross-validated figures and says so; thin history gets the notice', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const exp = await page.evaluate(() => {
    const c = document.getElementById('calibration');
    const cv = Stagecast.crossValidate(c.model, c.history, 5, {});
    return new Intl.NumberFormat('en', { maximumFractionDigits: 3 }).format(cv.brier);
  });
  assert.equal(await page.locator('stagecast-calibration [data-role="brier"]').textContent(), exp);
  assert.match(await page.locator('stagecast-calibration [data-role="method"]').textContent(), /cross-validat/i);
  await page.evaluate(() => {
    const c = document.getElementById('calibration');
    const few = c.history.slice(0, 12);
    c.model = Stagecast.calibrate(Stagecast.defaultModel(), few);
    c.history = few;
  });
  const notice = page.locator('stagecast-calibration [data-role="insufficient"]');
  await notice.waitFor();
  assert.match(await notice.textContent(), /12.*30/);
  page.assertClean();
});

test('7. scenarios: seeded from the data, typed values without caps, surplus wording, one tornado axis with every lever, a 13th add explained', async () => {
  const page = await env.open('/manager.html');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await ready(page);
  const rate = await page.evaluate(() => {
    const h = document.getElementById('calibration').history;
    return h.filter((d) => d.status === 'won').length / h.length;
  });
  await board(page).locator('[data-role="seeded"]').waitFor();
  assert.match(await board(page).locator('[data-role="seeded"]').textContent(), /imported data/);
  const base = await page.evaluate(() => document.getElementById('scenarios').scenarios[0]);
  assert.ok(Math.abs(base.winRate - rate) < 0.01, `${base.winRate} vs ${rate}`);
  assert.ok(base.averageMargin > 500 && base.averageMargin < 10000, String(base.averageMargin));
  // Typed values, beyond the old slider caps.
  const margin = board(page).locator('input[type=number][data-lever-input="averageMargin"]').first();
  await margin.fill('250000');
  await margin.press('Enter');
  const budget = board(page).locator('input[type=number][data-lever-input="marginBudget"]').first();
  await budget.fill('9000000');
  await budget.press('Enter');
  const s = await page.evaluate(() => document.getElementById('scenarios').scenarios[0]);
  assert.equal(s.averageMargin, 250000);
  assert.equal(s.marginBudget, 9000000);
  // A surplus is called a surplus, never a negative gap.
  await budget.fill('1000');
  await budget.press('Enter');
  const res = board(page).locator('fieldset').first().locator('[data-role="result"]');
  assert.match(await res.textContent(), /Surplus over budget/);
  assert.doesNotMatch(await res.textContent(), /-\$|−\$/);
  // Tornado: one shared axis (0-100 %) and every lever.
  const t = board(page).locator('svg[data-chart="tornado"]');
  assert.equal(await t.getAttribute('data-lo'), '0');
  assert.equal(await t.getAttribute('data-hi'), '1');
  const levers = await t.locator('rect[data-lever]').evaluateAll((rs) => rs.map((r) => r.dataset.lever).sort());
  assert.deepEqual(levers, ['averageMargin', 'marginBudget', 'meetingToOpportunity', 'meetingsPerWeek', 'weeks', 'winRate']);
  assert.ok((await t.locator('[data-role="axis"] text').count()) >= 3);
  // A 13th scenario cannot be added, and the board says why.
  const add = board(page).locator('[data-action="add"]');
  while ((await board(page).locator('fieldset').count()) < 12) await add.click();
  assert.equal(await add.isDisabled(), true);
  assert.match(await board(page).locator('[data-role="limit"]').textContent(), /12/);
  await page.evaluate(() => localStorage.clear());
  page.assertClean();
});

test('8. CSV import: errors name the column, short rows are rejected, .xlsx is not a CSV, the intro follows the data', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const imp = page.locator('stagecast-import');
  const csv = [
    'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value',
    'A1,Ann,GTX Pro,Acme,Won,2017-01-02,2017-02-01,1000',
    'A2,Ann,GTX Pro,Acme,Lost,2017-13-45,2017-02-01,0',
    'A3,Bob,MG Special',
    'A4,Bob,GTX Pro,Beta,Engaging,2017-03-01,,',
  ].join('\n');
  // The user's own file, chosen in the import.
  await imp.locator('input[type=file]').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const errors = imp.locator('[data-role="errors"] li');
  await errors.first().waitFor();
  const texts = await errors.allTextContents();
  assert.ok(texts.some((t) => /line 3/.test(t) && /engage_date/.test(t)), texts.join(' | '));
  assert.ok(texts.some((t) => /line 4/.test(t) && /3 of 8/.test(t)), texts.join(' | '));
  const ids = await page.evaluate(() => document.getElementById('import').deals.map((d) => d.id));
  assert.ok(!ids.includes('A3'), ids.join(','));
  await page.locator('#board-intro').filter({ hasText: /2 deals/ }).waitFor();
  assert.doesNotMatch(await page.locator('#board-intro').textContent(), /8,800/);
  // An Excel workbook is a zip file: say it is not a CSV file.
  await imp.locator('input[type=file]').setInputFiles({ name: 'deals.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000binary', 'binary') });
  await imp.locator('[data-role="import-error"]').filter({ hasText: /not a CSV file/ }).waitFor();
  page.assertClean();
});
