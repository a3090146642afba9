// A CRM-like page that only adds <script src="/dist/stagecast.js">, served
// under a strict CSP, with hostile global CSS and an XSS payload in the
// deal label.
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

test('the one-file script works under the strict CSP, with no request to another origin', async () => {
  const page = await env.open('/embed.html');
  assert.equal(page.response.headers()['content-security-policy'], "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");
  const result = await page.evaluate(async () => {
    await Stagecast.ready;
    const deal = { id: 'x', events: [{ milestone: 'need_confirmed' }, { milestone: 'mobilizer_met' }] };
    return Stagecast.scoreDeal(Stagecast.defaultModel(), deal);
  });
  assert.equal(result.id, 'x');
  assert.ok(result.probability > 0 && result.probability < 1);
  assert.deepEqual(result.reached, ['need_confirmed', 'mobilizer_met']);
  for (const key of ['probability', 'interval', 'reached', 'missingMandatory', 'outOfOrder', 'next', 'reasons']) assert.ok(key in result, key);
  page.assertClean();
});

test('hostile global CSS does not hide the checkboxes; an XSS label is shown as text', async () => {
  const page = await env.open('/embed.html');
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  const box = page.locator('stagecast-deal input[data-milestone="need_confirmed"]');
  assert.equal(await box.isVisible(), true);
  assert.equal(await box.isChecked(), true);
  const title = await page.locator('stagecast-deal [data-role="title"]').textContent();
  assert.match(title, /<img src=x onerror=/);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('stagecast-deal img').count(), 0);
  // The host hears about changes.
  await page.locator('stagecast-deal input[data-milestone="solution_presented"]').check();
  await page.waitForFunction(() => document.getElementById('crm-log').textContent.includes('solution_presented'));
  await shot(page, 'embed-desktop');
  page.assertClean();
});

test('loading the script twice is harmless', async () => {
  const page = await env.open('/embed.html');
  await page.evaluate(() => Stagecast.ready);
  const before = await page.evaluate(() => ((window.__first = Stagecast), Stagecast.version()));
  await page.addScriptTag({ url: '/dist/stagecast.js' });
  const same = await page.evaluate(() => window.__first === Stagecast && !!customElements.get('stagecast-deal'));
  assert.equal(same, true);
  assert.equal(await page.evaluate(() => Stagecast.version()), before);
  page.assertClean();
});

test('bad input throws an Error naming the field, and the module keeps working', async () => {
  const page = await env.open('/embed.html');
  const out = await page.evaluate(async () => {
    await Stagecast.ready;
    const m = Stagecast.defaultModel();
    const errors = [];
    for (const deal of [
      { id: 'a', value: NaN },
      { id: 'a', events: [{ milestone: 'need_confirmed' }, { milestone: 'nope' }] },
      { id: 'a', status: 'maybe' },
      { id: 'a', events: [{ milestone: 'need_confirmed', date: '2023-02-30' }] },
    ]) {
      try {
        Stagecast.scoreDeal(m, deal);
        errors.push('no error');
      } catch (e) {
        errors.push(`${e instanceof Error}:${e.message}`);
      }
    }
    const ok = Stagecast.scoreDeal(m, { id: 'b' }).probability;
    return { errors, ok };
  });
  assert.deepEqual(out.errors, [
    'true:deal.value: must be a finite number >= 0',
    'true:deal.events[1].milestone: unknown milestone "nope"',
    'true:deal.status: unknown value "maybe", expected one of open, won, lost',
    'true:deal.events[0].date: must be a date YYYY-MM-DD (got "2023-02-30")',
  ]);
  assert.ok(out.ok > 0);
  page.assertClean();
});

test('forecast and calibration in the CRM page: Norwegian from the page lang, engine numbers, untrusted seller names as text, events heard', async () => {
  const page = await env.open('/embed.html');
  await page.locator('stagecast-calibration [data-role="brier"]').waitFor();
  await page.locator('stagecast-forecast [data-role="p50"]').waitFor();
  assert.equal(await page.locator('stagecast-forecast h2').textContent(), 'Prognosespenn');
  assert.equal(await page.locator('stagecast-calibration h2').textContent(), 'Kalibrering');
  // The hostile `input { display: none !important }` does not reach the target input.
  assert.equal(await page.locator('stagecast-forecast').getByRole('spinbutton', { name: 'Mål' }).isVisible(), true);
  const exp = await page.evaluate(async () => {
    await Stagecast.loadAnalysis(); // evaluate is in the analysis part
    const f = document.getElementById('pipeline');
    const c = document.getElementById('team');
    // The CRM calibrates a model on its closed deals; wait for it and the render.
    while (!f.model || !f.model.calibration) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([f.updateComplete, c.updateComplete]);
    const m = f.model;
    const s = Stagecast.scoreDeals(m, f.deals);
    const d = Stagecast.distribution(f.deals.map((x, i) => ({ amount: x.margin ?? x.value, probability: s[i].probability })), { target: 900000 });
    // 60 closed deals and a calibrated model: the scoreboard is cross-validated.
    const ev = Stagecast.crossValidate(m, c.history, 5, {});
    const nok = (v) => new Intl.NumberFormat('nb', { style: 'currency', currency: 'NOK', maximumFractionDigits: 0 }).format(v);
    // The model against the sellers' own estimates, from forecast() on the same deals.
    const fc = Stagecast.forecast(m, f.deals.map((x) => (x.margin == null ? { ...x, margin: x.value } : x)), { measure: 'margin', target: 900000 });
    const row = (v) => [nok(v.expected), nok(v.p10), nok(v.p50), nok(v.p90), new Intl.NumberFormat('nb', { style: 'percent', maximumFractionDigits: 0 }).format(v.pAtLeastTarget)];
    return {
      p50: nok(d.p50), p90: nok(d.p90), brier: new Intl.NumberFormat('nb', { maximumFractionDigits: 3 }).format(ev.brier), sellers: ev.versus.sellerProbability != null,
      versus: { model: row(fc.model), sellersRaw: row(fc.sellersRaw) }, hopeful: fc.sellersRaw.expected > fc.model.expected,
    };
  });
  assert.equal(await page.locator('stagecast-forecast [data-role="p50"]').textContent(), exp.p50);
  assert.equal(await page.locator('stagecast-forecast [data-role="p90"]').textContent(), exp.p90);
  for (const view of ['model', 'sellersRaw']) {
    assert.deepEqual(await page.locator(`stagecast-forecast tr[data-view="${view}"] td`).allTextContents(), exp.versus[view], view);
  }
  assert.equal(await page.locator('stagecast-forecast tr[data-view="sellersCorrected"]').count(), 1, 'the learned seller bias on the calibrated model');
  assert.equal(exp.hopeful, true, 'the demo sellers are hopeful');
  assert.equal(await page.locator('stagecast-forecast tr[data-view="sellersRaw"] th').textContent(), 'Selgernes egne anslag');
  assert.equal(await page.locator('stagecast-calibration [data-role="brier"]').textContent(), exp.brier);
  assert.equal(exp.sellers, true);
  assert.equal(await page.locator('stagecast-calibration [data-role="brier-sellers"]').count(), 1);
  const names = await page.locator('stagecast-calibration tr[data-seller] td:first-child').allTextContents();
  assert.deepEqual(names, ['Kari Nordmann', 'Ola <img src=x onerror="window.__xss=2">']);
  assert.equal(await page.locator('stagecast-calibration img, stagecast-forecast img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.waitForFunction(() => /forecast: P50=\d+/.test(document.getElementById('crm-log').textContent) && /calibration: brier=0\.\d+/.test(document.getElementById('crm-log').textContent));
  page.assertClean();
});

test('phone width: the CRM page with the widgets fits in 390 px', async () => {
  const page = await env.open('/embed.html', { viewport: { width: 390, height: 844 } });
  await page.locator('stagecast-calibration [data-role="brier"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(page, 'embed-phone');
  page.assertClean();
});
