// Issue 15, embedding (www/embed.html and the README's snippets): items 9-12
// (property upgrade, events on user changes only, a calibrated forecast,
// styling parts).
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

test('9. a .deal set before the element is defined is kept, and later assignments still render', async () => {
  const page = await env.context.newPage();
  await page.route(`${env.url}/upgrade-test.html`, (r) => r.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en"><body>
    <stagecast-deal id="w"></stagecast-deal><stagecast-forecast id="f"></stagecast-forecast>
    <script>
      document.getElementById('w').deal = { id: 'early', label: 'Early deal', events: [{ milestone: 'need_confirmed' }] };
      document.getElementById('w').currency = 'NOK';
      document.getElementById('f').deals = [{ id: 'o1', value: 1000 }];
    </script>
    <script src="/dist/stagecast.js"></script></body></html>` }));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}/upgrade-test.html`);
  const title = page.locator('stagecast-deal [data-role="title"]');
  await title.filter({ hasText: 'Early deal' }).waitFor();
  assert.equal(await page.locator('stagecast-deal input[data-milestone="need_confirmed"]').isChecked(), true);
  await page.evaluate(() => { document.getElementById('w').deal = { id: 'late', label: 'Later deal', events: [] }; });
  await title.filter({ hasText: 'Later deal' }).waitFor();
  await page.locator('stagecast-forecast [data-role="p50"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('10. stagecast-change fires on user changes only, once each; a host can await the fresh result', async () => {
  const page = await env.context.newPage();
  await page.addInitScript(() => {
    window.__events = [];
    document.addEventListener('stagecast-change', (e) => window.__events.push({ tag: e.target.localName, id: e.detail && e.detail.id }), true);
  });
  await page.goto(`${env.url}/embed.html`);
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  await page.locator('stagecast-forecast [data-role="p50"]').waitFor({ timeout: 30000 });
  await page.locator('stagecast-calibration [data-role="brier"]').waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.__events), [], 'nothing fires before the user acts');
  // Setting .deal from code: no event; the score is fresh at once and after updateComplete.
  const fresh = await page.evaluate(async () => {
    const w = document.getElementById('widget');
    w.deal = { id: 'code', events: [{ milestone: 'need_confirmed' }, { milestone: 'mobilizer_met' }] };
    await Stagecast.ready;
    const right = w.score.id;
    w.deal = { id: 'code2', events: [] };
    const done = await w.updateComplete;
    return { right, after: w.score.id, done: done === true, shown: w.shadowRoot.querySelector('[data-role="probability"]').textContent, expected: new Intl.NumberFormat('nb', { style: 'percent', maximumFractionDigits: 0 }).format(w.score.probability) };
  });
  assert.equal(fresh.right, 'code');
  assert.equal(fresh.after, 'code2');
  assert.equal(fresh.done, true);
  assert.equal(fresh.shown, fresh.expected);
  await page.waitForTimeout(200);
  assert.deepEqual(await page.evaluate(() => window.__events), []);
  // One user tick: exactly one event.
  await page.locator('stagecast-deal input[data-milestone="need_confirmed"]').check();
  await page.waitForTimeout(200);
  assert.deepEqual(await page.evaluate(() => window.__events), [{ tag: 'stagecast-deal', id: 'code2' }]);
  // A handler that writes back to .deal does not loop.
  await page.evaluate(() => {
    const w = document.getElementById('widget');
    w.addEventListener('stagecast-change', () => { w.deal = { ...w.value }; });
  });
  await page.locator('stagecast-deal input[data-milestone="mobilizer_met"]').check();
  await page.waitForTimeout(300);
  assert.equal((await page.evaluate(() => window.__events)).length, 2);
  // The user changes the forecast's target: one event.
  const target = page.locator('stagecast-forecast input[data-field="target"]');
  await target.fill('800000');
  await target.dispatchEvent('change');
  await page.waitForTimeout(300);
  assert.deepEqual((await page.evaluate(() => window.__events)).map((e) => e.tag), ['stagecast-deal', 'stagecast-deal', 'stagecast-forecast']);
  await page.close();
});

test('11. the CRM demo forecast uses a calibrated model: the sellers corrected by their track record are shown', async () => {
  const page = await env.open('/embed.html');
  const row = page.locator('stagecast-forecast tr[data-view="sellersCorrected"]');
  await row.waitFor({ timeout: 30000 });
  assert.equal(await page.evaluate(() => !!document.getElementById('pipeline').model.calibration), true);
  page.assertClean();
});

test('12. the main pieces carry part attributes that a host can style', async () => {
  const page = await env.open('/embed.html');
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  await page.locator('stagecast-forecast [data-role="p50"]').waitFor({ timeout: 30000 });
  for (const [tag, part] of [['stagecast-deal', 'probability'], ['stagecast-deal', 'milestones'], ['stagecast-deal', 'next'], ['stagecast-deal', 'chart'], ['stagecast-forecast', 'chart'], ['stagecast-calibration', 'chart']]) {
    assert.ok(await page.locator(`${tag} [part~="${part}"]`).count() >= 1, `${tag} part ${part}`);
  }
  // The strict CSP blocks inline <style>; adoptedStyleSheets are allowed.
  const viaSheet = await page.evaluate(() => {
    const sh = new CSSStyleSheet();
    sh.replaceSync('stagecast-deal::part(probability) { color: rgb(1, 2, 3); }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sh];
    return getComputedStyle(document.getElementById('widget').shadowRoot.querySelector('[part~="probability"]')).color;
  });
  assert.equal(viaSheet, 'rgb(1, 2, 3)');
  page.assertClean();
});
