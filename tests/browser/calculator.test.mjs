// The seller calculator (www/index.html): ticking milestones shows the
// probability the engine computes, and the first mandatory steps in order
// raise it.
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
// The calculator keeps its deal in localStorage: each test starts afresh.
async function open(path, opts) {
  const page = await env.open(path, opts);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  return page;
}

const shown = (page) => page.locator('stagecast-deal [data-role="probability"]').textContent();

/** What the page's own engine says for the deal the widget holds, formatted like the widget. */
const expected = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('stagecast-deal');
    const s = Stagecast.scoreDeal(Stagecast.defaultModel(), el.value);
    return { text: new Intl.NumberFormat(el.locale || 'en', { style: 'percent', maximumFractionDigits: 0 }).format(s.probability), p: s.probability };
  });

test('ticking mandatory milestones in order raises the displayed probability, which matches scoreDeal', async () => {
  const page = await open('/');
  await page.evaluate(() => Stagecast.ready);
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  const first = await expected(page);
  assert.equal(await shown(page), first.text);
  let last = first.p;
  const model = await page.evaluate(() => Stagecast.defaultModel());
  // The seller's page needs only the widget part: the analysis part stays unloaded.
  assert.deepEqual(await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.includes('stagecast-analysis'))), []);
  await assert.rejects(page.evaluate(() => Stagecast.calibrate(Stagecast.defaultModel(), [])), /Stagecast.calibrate is in the analysis part: await Stagecast.loadAnalysis\(\) first/);
  const mandatory = model.milestones.filter((m) => m.mandatory).slice(0, 4);
  for (const m of mandatory) {
    const box = page.locator(`stagecast-deal input[type=checkbox][data-milestone="${m.id}"]`);
    await box.check();
    assert.equal(await box.isChecked(), true);
    const now = await expected(page);
    assert.equal(await shown(page), now.text, `after ticking ${m.id}`);
    assert.ok(now.p > last, `${m.id}: ${now.p} should be above ${last}`);
    last = now.p;
  }
  // Unticking takes it back down.
  await page.locator(`stagecast-deal input[data-milestone="${mandatory[3].id}"]`).uncheck();
  assert.ok((await expected(page)).p < last);
  await shot(page, 'calculator-desktop');
  page.assertClean();
});

test('every milestone has a labelled checkbox and the result is announced', async () => {
  const page = await open('/');
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  const model = await page.evaluate(() => Stagecast.defaultModel());
  for (const m of model.milestones) {
    await page.getByRole('checkbox', { name: m.label }).waitFor();
  }
  assert.equal(await page.locator('stagecast-deal [aria-live="polite"]').count(), 1);
  page.assertClean();
});

test('skipping a mandatory step shows it as missing and the next step with its value', async () => {
  const page = await open('/');
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  await page.locator('stagecast-deal input[data-milestone="need_confirmed"]').check();
  await page.locator('stagecast-deal input[data-milestone="solution_presented"]').check();
  const missing = await page.locator('stagecast-deal [data-role="missing"]').textContent();
  assert.match(missing, /Mobilizer identified and met/);
  const next = await page.locator('stagecast-deal [data-role="next"]').textContent();
  assert.match(next, /Mobilizer identified and met/);
  assert.match(next, /€|EUR/);
  page.assertClean();
});

test('phone width renders the calculator in one column', async () => {
  const page = await open('/', { viewport: { width: 390, height: 844 } });
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(page, 'calculator-phone');
  page.assertClean();
});
