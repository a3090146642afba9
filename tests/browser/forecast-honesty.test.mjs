// Issue 13, the manager board's period forecast (www/manager.html,
// <stagecast-forecast every="month">): "How honest were our forecasts?"
// over the Maven back-test, the three-part forecast for a picked period,
// and the manager's own target (typed, kept across reloads and imports,
// never defaulted, its chance never "-0%").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup, shot } from './harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const KEY = 'stagecast:target';
const fc = (page) => page.locator('stagecast-forecast');
/** The board has loaded Maven, forecast the next month and back-tested the past ones. */
const ready = async (page) => {
  await page.locator('#board-status').filter({ hasText: /^8,800 deals/ }).waitFor({ timeout: 60000 });
  await fc(page).locator('[data-role="period"]').waitFor({ timeout: 120000 });
  await fc(page).locator('[data-role="coverage"]').waitFor({ timeout: 120000 });
};
/** "$1,234,567" -> 1234567 (en, USD, no fractions). */
const amount = (text) => {
  const m = /^(-?)\$([\d,]+)$/.exec(text.trim());
  assert.ok(m, `not an amount: ${text}`);
  return Number(m[2].replace(/,/g, '')) * (m[1] ? -1 : 1);
};
const target = (page) => fc(page).locator('input[data-field="target"]');
const setTarget = async (page, v) => {
  await target(page).fill(String(v));
  await target(page).press('Enter');
  await target(page).blur();
};

test('the honesty chart shows 8 past months for Maven, with the coverage, MAPE and CRPS of backtest() stated', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const exp = await page.evaluate(() => {
    const f = document.getElementById('forecast');
    const b = Stagecast.backtest(f.model, f.deals, { every: 'month', measure: 'value', valueBy: 'product', from: '2017-04-30', to: '2017-11-30' });
    const pct = (v) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(v);
    const money = (v) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(v);
    const s = b.summary;
    return {
      same: JSON.stringify(f.result.backtest) === JSON.stringify(b),
      periods: b.periods.map((p) => [p.start.slice(0, 7), p.p10, p.p90, p.actual]),
      covered: s.covered,
      coverage: `The actual fell inside the P10–P90 range in ${s.covered} of ${s.periods} months (${pct(s.coverage)}); an honest 80% range holds it in about 8 of 10.`,
      scores: `Mean error (MAPE) ${pct(s.mape)}; CRPS ${money(s.crps)} (lower is better).`,
      rows: Object.fromEntries([['engine', s], ...b.peers.map((p) => [p.name, p.summary])].map(([k, x]) => [k, [pct(x.mape), money(x.crps)]])),
    };
  });
  assert.ok(exp.same, 'the board shows the engine’s backtest() of April-November 2017');
  assert.equal(exp.periods.length, 8);
  assert.ok(exp.covered >= 6, `covered ${exp.covered}`);
  const chart = fc(page).locator('svg[data-chart="honesty"]');
  assert.equal(await chart.locator('[data-role="band"]').count(), 8);
  assert.equal(await chart.locator('[data-role="actual"]').count(), 8);
  const shown = await chart.locator('g[data-period]').evaluateAll((gs) => gs.map((g) => {
    const band = g.querySelector('[data-role="band"]');
    return [g.dataset.period, Number(band.dataset.p10), Number(band.dataset.p90), Number(g.querySelector('[data-role="actual"]').dataset.value)];
  }));
  assert.deepEqual(shown, exp.periods);
  assert.deepEqual(await chart.locator('g[data-period]').evaluateAll((gs) => gs.map((g) => g.dataset.period)),
    ['2017-05', '2017-06', '2017-07', '2017-08', '2017-09', '2017-10', '2017-11', '2017-12']);
  // The actual is outside its band exactly as often as the coverage says.
  assert.equal(await chart.locator('[data-role="actual"][data-inside="true"]').count(), exp.covered);
  // The peers beside the bands: run-rate, seasonal naive, weighted pipeline.
  for (const peer of ['runRate', 'seasonalNaive', 'weightedPipeline']) {
    assert.ok((await chart.locator(`[data-peer="${peer}"]`).count()) >= 7, peer);
  }
  assert.equal(await fc(page).locator('[data-role="coverage"]').textContent(), exp.coverage);
  assert.equal(await fc(page).locator('[data-role="scores"]').textContent(), exp.scores);
  for (const [k, [mape, crps]] of Object.entries(exp.rows)) {
    const row = fc(page).locator(`tr[data-forecaster="${k}"]`);
    assert.equal(await row.locator('[data-role="mape"]').textContent(), mape, k);
    assert.equal(await row.locator('[data-role="crps"]').textContent(), crps, k);
  }
  assert.equal(await fc(page).locator('tr[data-forecaster="engine"] [data-role="inside"]').textContent(), `${exp.covered} of 8`);
  // Styling hooks.
  assert.equal(await fc(page).locator('[part~="honesty-chart"]').count(), 1);
  assert.equal(await fc(page).locator('[part~="period-parts"]').count(), 1);
  await shot(page, 'forecast-honesty');
  page.assertClean();
});

test('the three parts add up to the total shown, for the month ahead and for a past month', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const exp = await page.evaluate(() => {
    const f = document.getElementById('forecast');
    const p = Stagecast.periodForecast(f.model, f.deals, { every: 'month', measure: 'value', valueBy: 'product' });
    const money = (v) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(v);
    return { start: p.start, total: money(p.total.expected), p10: money(p.total.p10), p90: money(p.total.p90), open: money(p.open.expected), news: money(p.newBusiness.expected) };
  });
  // The month after the data's last day (2017-12-31).
  assert.equal(exp.start, '2018-01-01');
  const view = fc(page).locator('[data-role="period"]');
  assert.equal(await view.getAttribute('data-start'), '2018-01-01');
  assert.equal(await fc(page).locator('select[data-field="period"]').inputValue(), '2018-01-01');
  const parts = async () => {
    const v = {};
    for (const part of ['won', 'open', 'new', 'total']) v[part] = amount(await view.locator(`tr[data-part="${part}"] [data-role="expected"]`).textContent());
    return v;
  };
  const check = (v) => {
    // Whole dollars, each rounded: at most 2 apart.
    assert.ok(Math.abs(v.won + v.open + v.new - v.total) <= 2, JSON.stringify(v));
    assert.ok(v.open > 0 && v.new > 0 && v.total > 0, JSON.stringify(v));
  };
  const ahead = await parts();
  check(ahead);
  assert.equal(await view.locator('tr[data-part="total"] [data-role="expected"]').textContent(), exp.total);
  assert.equal(await view.locator('tr[data-part="total"] [data-role="p10"]').textContent(), exp.p10);
  assert.equal(await view.locator('tr[data-part="total"] [data-role="p90"]').textContent(), exp.p90);
  assert.equal(await view.locator('tr[data-part="open"] [data-role="expected"]').textContent(), exp.open);
  assert.equal(await view.locator('tr[data-part="new"] [data-role="expected"]').textContent(), exp.news);
  // A past month, as it was forecast at the end of the month before, with what was won.
  await fc(page).locator('select[data-field="period"]').selectOption('2017-09-01');
  await fc(page).locator('[data-role="period"][data-start="2017-09-01"]').waitFor();
  const past = await parts();
  check(past);
  assert.notDeepEqual(past, ahead);
  const actual = await page.evaluate(() => document.getElementById('forecast').result.backtest.periods.find((p) => p.start === '2017-09-01').actual);
  assert.equal(amount(await view.locator('[data-role="actual"]').textContent()), Math.round(actual));
  assert.equal(await view.locator('[data-role="p-target"]').count(), 0, 'no chance for a month that is over');
  page.assertClean();
});

test('the target: never defaulted, typed, kept across a reload and a re-import; its chance is never "-0%"', async () => {
  const page = await env.open('/manager.html');
  await page.evaluate((k) => localStorage.removeItem(k), KEY);
  await page.reload();
  await ready(page);
  // No target until the manager types one: no chance shown, none made up.
  assert.equal(await target(page).inputValue(), '');
  assert.equal(await fc(page).locator('[data-role="no-target"]').count(), 1);
  assert.equal(await fc(page).locator('[data-role="p-target"]').count(), 0);
  const total = await page.evaluate(() => document.getElementById('forecast').result.period.total);
  const chance = () => fc(page).locator('[data-role="p-target"]').textContent();
  const texts = [];
  // The median is reached half the time, P10 nine times in ten: read off the engine's CDF.
  await setTarget(page, Math.round(total.p50));
  assert.match(texts[texts.push(await chance()) - 1], /^(49|50|51)%$/);
  await setTarget(page, Math.round(total.p10));
  assert.match(texts[texts.push(await chance()) - 1], /^(89|90|91)%$/);
  // Beyond anything the total can be: exactly 0. Far in the tail: "< 1%", never 0%.
  await setTarget(page, 1e12);
  assert.equal(texts[texts.push(await chance()) - 1], '0%');
  await setTarget(page, Math.round(total.p90 * 1.6));
  assert.equal(texts[texts.push(await chance()) - 1], '< 1%');
  await setTarget(page, 0);
  assert.equal(texts[texts.push(await chance()) - 1], '100%');
  for (const t of texts) assert.doesNotMatch(t, /[-−]0/);
  await setTarget(page, 450000);
  const before = await chance();
  assert.deepEqual(JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY)), { version: 1, target: 450000 });
  // A reload keeps it.
  await page.reload();
  await ready(page);
  assert.equal(await target(page).inputValue(), '450000');
  assert.equal(await chance(), before);
  // A re-import (the same export, chosen again) keeps it.
  const csv = readFileSync(new URL('../../www/data/sales_pipeline.csv', import.meta.url));
  const stale = await fc(page).locator('[data-role="coverage"]').elementHandle();
  await page.locator('stagecast-import input[type=file]').setInputFiles({ name: 'sales_pipeline.csv', mimeType: 'text/csv', buffer: csv });
  await page.locator('#board-intro').filter({ hasText: /^Your import/ }).waitFor({ timeout: 60000 });
  await page.waitForFunction((el) => !el.isConnected, stale, { timeout: 60000 });
  await ready(page);
  assert.equal(await target(page).inputValue(), '450000');
  assert.equal(await chance(), before);
  // Cleared, it is gone for good (and nothing is shown in its place).
  await setTarget(page, '');
  assert.equal(await fc(page).locator('[data-role="no-target"]').count(), 1);
  await page.reload();
  await ready(page);
  assert.equal(await target(page).inputValue(), '');
  const all = await fc(page).evaluate((el) => el.shadowRoot.textContent);
  assert.doesNotMatch(all, /[-−]0\s?%/);
  page.assertClean();
});

test('a saved target that is garbage is set aside; full or blocked storage keeps the target on the page and says so', async () => {
  let page = await env.open('/manager.html');
  // The garbage is written once this first load has read the storage (its
  // forecast reads the target when the analysis part has loaded; writing
  // earlier would let this page, not the reloaded one, set it aside).
  await ready(page);
  await page.evaluate((k) => localStorage.setItem(k, '{"target": "lots"'), KEY);
  await page.reload();
  await ready(page);
  assert.equal(await target(page).inputValue(), '');
  assert.match(await fc(page).locator('[data-role="target-msg"]').textContent(), /could not be read; it was set aside under “stagecast:target:broken:/);
  const aside = await page.evaluate((k) => Object.keys(localStorage).filter((x) => x.startsWith(`${k}:broken:`)).map((x) => localStorage.getItem(x)), KEY);
  assert.deepEqual(aside, ['{"target": "lots"']);
  // Full: typed, used, not saved, and the manager is told.
  await page.evaluate(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await setTarget(page, 500000);
  await fc(page).locator('[data-role="p-target"]').waitFor();
  assert.match(await fc(page).locator('[data-role="target-msg"]').textContent(), /Could not save the target/);
  page.assertClean();
  await page.evaluate(() => Object.keys(localStorage).forEach((k) => k.startsWith('stagecast:target') && localStorage.removeItem(k)));
  await page.close();
  // Blocked (private mode): the board works and says the target is not kept.
  page = await env.context.newPage();
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${env.url}/manager.html`);
  await ready(page);
  assert.match(await fc(page).locator('[data-role="target-msg"]').textContent(), /Could not save the target/);
  await setTarget(page, 500000);
  await fc(page).locator('[data-role="p-target"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the period forecast in Norwegian (nb), with Intl numbers', async () => {
  const page = await env.open('/manager.html?lang=nb');
  await page.locator('#board-status').filter({ hasText: /^8\s800 salg/ }).waitFor({ timeout: 60000 });
  await fc(page).locator('[data-role="coverage"]').waitFor({ timeout: 120000 });
  assert.equal(await fc(page).locator('h2').textContent(), 'Prognose for en periode');
  assert.match(await fc(page).locator('[data-role="coverage"]').textContent(), /^Det faktiske utfallet lå innenfor spennet P10–P90 i \d av 8 måneder \(\d+\s%\)/);
  assert.match(await fc(page).locator('tr[data-part="total"] [data-role="expected"]').textContent(), /^\d{3}\s\d{3}\sUSD$/);
  assert.match(await fc(page).locator('select[data-field="period"] option').first().textContent(), /^januar 2018 \(prognose\)$/);
  page.assertClean();
});
