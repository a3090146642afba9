// <stagecast-deal> with a calibrated model: the interval and the count of
// closed deals; the best next step with its value in money and the other
// steps that gain, all equal to the engine's; the milestone funnel.
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
// The calculator keeps its deal in localStorage: each test starts afresh.
async function open(path, opts) {
  const page = await env.open(path, opts);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  return page;
}

test('calibrated model: interval, source and next steps in money match scoreDeal', async () => {
  const page = await open('/');
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  await page.locator('stagecast-deal input[data-milestone="need_confirmed"]').check();
  const exp = await page.evaluate(async () => {
    const calc = document.getElementById('calculator');
    const steps = Stagecast.defaultModel().milestones.map((m) => m.id);
    const history = [];
    for (let i = 0; i < 300; i++) {
      const n = 1 + (i % 6);
      history.push({ id: `h${i}`, status: (i * 37) % 100 < n * 14 ? 'won' : 'lost', events: steps.slice(0, n).filter((s) => s !== 'decision_process_mapped' && s !== 'budget_confirmed').map((milestone) => ({ milestone })) });
    }
    await Stagecast.loadAnalysis(); // calibrate is in the analysis part
    const model = Stagecast.calibrate(Stagecast.defaultModel(), history);
    // A model set from code fires no event: the host awaits the render.
    calc.model = model;
    await calc.updateComplete;
    const detail = calc.score;
    const s = Stagecast.scoreDeal(model, calc.value);
    const pct = (v) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(v);
    const money = (v) => new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(v);
    const gains = s.next.filter((n) => n.gain > 0).sort((a, b) => b.gain - a.gain);
    const margin = calc.value.margin;
    return {
      detail, s,
      interval: `Likely range: ${pct(s.interval[0])}–${pct(s.interval[1])}`,
      source: `Learned from ${s.count} closed deals`,
      best: `${gains[0].label}: raises it to ${pct(gains[0].probability)} (worth ${money(gains[0].gain * margin)})`,
      others: gains.slice(1).map((n) => `${n.label}: raises it to ${pct(n.probability)} (worth ${money(n.gain * margin)})`),
    };
  });
  assert.equal(exp.s.source, 'history');
  assert.deepEqual(exp.detail.probability, exp.s.probability);
  const deal = page.locator('stagecast-deal');
  assert.equal(await deal.locator('[data-role="interval"]').textContent(), exp.interval);
  assert.equal(await deal.locator('[data-role="source"]').textContent(), exp.source);
  assert.equal(await deal.locator('[data-role="next"]').textContent(), exp.best);
  assert.deepEqual(await deal.locator('[data-role="others"] li').allTextContents(), exp.others);
  // The funnel: a bar per mandatory milestone, reached ones filled.
  assert.equal(await deal.locator('svg[data-chart="funnel"] rect').count(), 6);
  assert.equal(await deal.locator('svg[data-chart="funnel"] rect[fill="var(--accent)"]').count(), exp.s.reached.length);
  page.assertClean();
});

test('Danish via the locale property; keyboard ticking keeps focus on the checkbox', async () => {
  const page = await open('/');
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  // The page sets the locale as a property (which wins over the attribute), so set it the same way.
  await page.evaluate(() => { document.getElementById('calculator').locale = 'da'; });
  await page.locator('stagecast-deal legend', { hasText: 'Milepæle bekræftet af kunden' }).waitFor();
  const box = page.locator('stagecast-deal input[data-milestone="need_confirmed"]');
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
  assert.equal(await page.evaluate(() => document.getElementById('calculator').shadowRoot.activeElement?.dataset.milestone), 'need_confirmed');
  assert.match(await page.locator('stagecast-deal [data-role="probability"]').textContent(), /\u00a0%$/);
  page.assertClean();
});
