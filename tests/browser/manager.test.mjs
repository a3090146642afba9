// The manager board (www/manager.html): the Maven example data is loaded on
// first visit through the CSV worker; the forecast and calibration show the
// engine's numbers; a CSV with a bad row lists its line and keeps the good
// rows; phone width works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, shot } from './harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const ready = async (page) => {
  await page.locator('#board-status').filter({ hasText: /^8,800 deals/ }).waitFor({ timeout: 30000 });
  await page.locator('stagecast-calibration [data-role="brier"]').waitFor();
  await page.locator('stagecast-forecast [data-role="period"]').waitFor({ timeout: 60000 });
};

test('first visit loads the Maven pipeline in the CSV worker: forecast and calibration match the engine', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  assert.match(await page.locator('#board-status').textContent(), /^8,800 deals: 6,711 closed \(calibration\), 2,089 open \(forecast\)\.$/);
  assert.equal(await page.locator('stagecast-import [data-role="summary"]').textContent(), 'Deals loaded: 8800. Rows skipped because of errors: 0.');
  // The import ran in the worker file next to stagecast.js.
  const worker = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('stagecast-csv.js')));
  assert.deepEqual(worker, ['/dist/stagecast-csv.js']);
  // calibrate came from the analysis part, loaded from next to stagecast.js.
  const analysis = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('stagecast-analysis.js')));
  assert.deepEqual(analysis, ['/dist/stagecast-analysis.js']);
  assert.equal(await page.evaluate(() => typeof Stagecast.parseCsv), 'undefined', 'the widget wasm leaves the CSV import out');

  const exp = await page.evaluate(async () => {
    await Stagecast.loadAnalysis(); // loaded already by the page (calibrate): resolves at once
    const f = document.getElementById('forecast');
    const c = document.getElementById('calibration');
    const money = (v) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(v);
    const pct = (v) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(v);
    const b3 = (v) => new Intl.NumberFormat('en', { maximumFractionDigits: 3 }).format(v);
    // The next month's forecast from all the deals (open and closed).
    const d = Stagecast.periodForecast(f.model, f.deals, { every: 'month', measure: 'value', valueBy: 'product' }).total;
    // A calibrated model on 6,711 closed deals: the scoreboard is cross-validated (5 folds).
    const ev = Stagecast.crossValidate(c.model, c.history, 5, {});
    // Sellers stronger or weaker than the team, by sellerSkills.
    const label = (id) => c.model.milestones.find((m) => m.id === id).label;
    const skills = Object.fromEntries(Stagecast.sellerSkills(c.model).map((x) => [x.seller, x.milestones.filter((m) => m.verdict !== 'similar')
      .map((m) => `${m.verdict === 'better' ? '▲' : '▼'} ${label(m.milestone)} ${pct(m.rate)} (team ${pct(m.teamRate)})`).join('; ')]));
    return {
      forecast: { expected: money(d.expected), p10: money(d.p10), p90: money(d.p90) }, n8800: f.deals.length,
      brier: b3(ev.brier), priors: b3(ev.versus.priors.brier), calibrated: !!c.model.calibration, n: c.history.length, skills,
    };
  });
  for (const [role, text] of Object.entries(exp.forecast)) {
    assert.equal(await page.locator(`stagecast-forecast tr[data-part="total"] [data-role="${role}"]`).textContent(), text, role);
  }
  assert.equal(exp.n8800, 8800);
  assert.equal(exp.calibrated, true);
  assert.equal(exp.n, 6711);
  assert.equal(await page.locator('stagecast-calibration [data-role="brier"]').textContent(), exp.brier);
  assert.equal(await page.locator('stagecast-calibration [data-role="brier-priors"]').textContent(), exp.priors);
  assert.equal(await page.locator('stagecast-calibration tr[data-seller]').count(), 30);
  const shown = {};
  for (const row of await page.locator('stagecast-calibration tr[data-seller]').all()) shown[await row.getAttribute('data-seller')] = await row.locator('[data-role="skills"]').textContent();
  assert.deepEqual(shown, exp.skills);
  assert.ok(Object.values(shown).filter(Boolean).length >= 2, 'some sellers differ from the team');
  assert.ok((await page.locator('stagecast-calibration svg[data-chart="reliability"] circle').count()) >= 1);
  // P10/P50/P90 are marked; no target is, since none was typed (none is made up).
  for (const m of ['P10', 'P50', 'P90']) assert.equal(await page.locator(`stagecast-forecast svg [data-mark="${m}"]`).count(), 1, m);
  assert.equal(await page.locator('stagecast-forecast svg [data-mark="target"]').count(), 0);
  await shot(page, 'manager-desktop');
  page.assertClean();
});

test('typing a target computes the chance of reaching it and fires stagecast-change with it', async () => {
  const page = await env.open('/manager.html');
  await page.evaluate(() => localStorage.removeItem('stagecast:target'));
  await ready(page);
  const got = page.evaluate(() => new Promise((r) => document.getElementById('forecast').addEventListener('stagecast-change', (e) => r(e.detail), { once: true })));
  const input = page.locator('stagecast-forecast').getByRole('spinbutton', { name: 'Your target for the period' });
  await input.fill('500000');
  await input.press('Enter');
  await input.blur();
  const detail = await got;
  assert.equal(detail.target, 500000);
  assert.ok(detail.pAtLeastTarget > 0 && detail.pAtLeastTarget < 1, String(detail.pAtLeastTarget));
  // Half the time or less: the total's median is below 500,000 here.
  assert.ok(detail.period.total.p50 < 500000 === detail.pAtLeastTarget < 0.5);
  assert.equal(await page.locator('stagecast-forecast [data-role="p-target"]').textContent(), new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(detail.pAtLeastTarget));
  assert.equal(await page.locator('stagecast-forecast svg [data-mark="target"]').count(), 1);
  await page.evaluate(() => localStorage.removeItem('stagecast:target'));
  page.assertClean();
});

const CSV = [
  'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value',
  'A1,Ann Berg,GTX Basic,Acme,Won,2017-01-02,2017-03-01,550',
  'A2,Bo Lind,GTX Basic,Acme,Lost,2017-01-05,2017-03-02,0',
  'A3,Ann Berg,GTX Basic,Acme,Engaging,2017-02-01,,',
  'A4,Bo Lind,GTX Basic,Acme,Won,2017-01-07,2017-03-05,lots',
  'A5,"<img src=x onerror=window.__xss=3>",GTX Pro,Beta,Lost,2017-01-09,2017-03-07,0',
  'A6,Bo Lind,GTX Pro,Beta,Engaging,2017-02-03,,',
].join('\n');

test('a CSV with a bad row: its line number is listed, the good rows are loaded, labels stay text', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const imp = page.locator('stagecast-import');
  await imp.locator('input[type=file]').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await imp.locator('[data-role="summary"]').filter({ hasText: 'Deals loaded: 5.' }).waitFor();
  assert.equal(await imp.locator('[data-role="summary"]').textContent(), 'Deals loaded: 5. Rows skipped because of errors: 1.');
  assert.equal(await imp.locator('[data-role="errors"] li').count(), 1);
  assert.equal(await imp.locator('[data-role="errors"] li').getAttribute('data-line'), '5');
  assert.match(await imp.locator('[data-role="errors"] li').textContent(), /^line 5.*close_value|^line 5/);
  assert.equal(await imp.locator('progress').isHidden(), true);
  // The board now runs on the imported deals.
  await page.locator('#board-status').filter({ hasText: '5 deals: 3 closed' }).waitFor();
  await page.locator('stagecast-calibration tr[data-seller]').nth(2).waitFor();
  const sellers = await page.locator('stagecast-calibration tr[data-seller] td:first-child').allTextContents();
  assert.ok(sellers.includes('<img src=x onerror=window.__xss=3>'), sellers.join('|'));
  assert.equal(await page.locator('stagecast-calibration img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  page.assertClean();
});

test('phone width: the board fits in 390 px', async () => {
  const page = await env.open('/manager.html', { viewport: { width: 390, height: 844 } });
  await ready(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(page, 'manager-phone');
  page.assertClean();
});

test('columns mapped by hand; a file the preset cannot read keeps what was loaded', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const imp = page.locator('stagecast-import');
  const csv = 'Deal,Owner,Outcome,Amount\nD1,Eva,won,1200\nD2,Eva,lost,800\nD3,Nils,open,500\n';
  await imp.locator('input[type=file]').setInputFiles({ name: 'own.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await imp.locator('[data-role="import-error"]').waitFor();
  // The Maven data is still what the board shows.
  assert.match(await page.locator('#board-status').textContent(), /^8,800 deals/);
  await imp.getByRole('combobox', { name: 'Column preset' }).selectOption({ label: 'Map by hand' });
  for (const [field, column] of [['id', 'Deal'], ['seller', 'Owner'], ['status', 'Outcome'], ['value', 'Amount']]) {
    await imp.getByRole('combobox', { name: field, exact: true }).selectOption(column);
  }
  await imp.getByRole('button', { name: 'Load' }).click();
  await imp.locator('[data-role="summary"]').filter({ hasText: 'Deals loaded: 3.' }).waitFor();
  await page.locator('#board-status').filter({ hasText: '3 deals: 2 closed (calibration), 1 open (forecast).' }).waitFor();
  page.assertClean();
});
