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
  for (const key of ['probability', 'interval', 'reached', 'missingMandatory', 'outOfOrder', 'next', 'explanation']) assert.ok(key in result, key);
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
