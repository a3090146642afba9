// Issue 12: every ticked milestone of <stagecast-deal> has a date (today by
// default, editable); the order comes from the dates, so a forgotten step
// backdated takes its place; a CRM deal whose events are all dated stays
// ordered by date after a tick.
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
async function open(path) {
  const page = await env.open(path);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  return page;
}
const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const daysAgo = (n) => { const d = new Date(); d.setDate(d.getDate() - n); return iso(d); };

test('tick, then backdate a forgotten step: the same probability as in-order dated steps', async () => {
  const page = await open('/');
  await page.evaluate(() => { const c = document.getElementById('calculator'); c.deal = { id: 'd1', label: 'Dated', events: [] }; return c.updateComplete; });
  const calc = page.locator('stagecast-deal');
  await calc.locator('input[data-milestone="need_confirmed"]').check();
  // A ticked step gets a date input, today by default.
  assert.equal(await calc.locator('input[data-date="need_confirmed"]').inputValue(), daysAgo(0));
  await calc.locator('input[data-date="need_confirmed"]').fill(daysAgo(10));
  await calc.locator('input[data-milestone="solution_presented"]').check();
  // The forgotten step, ticked after "solution presented": out of order while dated today.
  await calc.locator('input[data-milestone="mobilizer_met"]').check();
  const outOfOrder = await calc.locator('[data-role="out-of-order"]').textContent();
  assert.notEqual(outOfOrder, 'None');
  const late = await calc.locator('[data-role="probability"]').textContent();
  // Backdated to its real day, between the other two.
  await calc.locator('input[data-date="mobilizer_met"]').fill(daysAgo(5));
  await page.waitForFunction(() => document.getElementById('calculator').value.events.find((e) => e.milestone === 'mobilizer_met').date !== undefined
    && document.getElementById('calculator').shadowRoot.querySelector('[data-role="out-of-order"]').textContent === 'None');
  const got = await page.evaluate(() => {
    const c = document.getElementById('calculator');
    return { value: c.value, shown: c.shadowRoot.querySelector('[data-role="probability"]').textContent, p: c.score.probability };
  });
  const exp = await page.evaluate(([a, b, c]) => {
    const el = document.getElementById('calculator');
    const model = Stagecast.validateModel(el.currentModel());
    const inOrder = [{ milestone: 'need_confirmed', date: a }, { milestone: 'mobilizer_met', date: b }, { milestone: 'solution_presented', date: c }];
    return Stagecast.scoreDeal(model, { id: 'x', events: inOrder }).probability;
  }, [daysAgo(10), daysAgo(5), daysAgo(0)]);
  // .value carries every date.
  assert.deepEqual(got.value.events, [
    { milestone: 'need_confirmed', date: daysAgo(10) },
    { milestone: 'solution_presented', date: daysAgo(0) },
    { milestone: 'mobilizer_met', date: daysAgo(5) },
  ]);
  assert.equal(got.p, exp);
  assert.notEqual(got.shown, late, 'backdating changes the probability shown');
  page.assertClean();
});

test('a CRM deal whose events are all dated stays ordered by date after a tick', async () => {
  const page = await open('/');
  const r = await page.evaluate(async () => {
    const c = document.getElementById('calculator');
    // Listed out of date order, as a CRM may: the dates decide.
    c.deal = { id: 'crm1', label: 'CRM deal', events: [{ milestone: 'mobilizer_met', date: '2026-01-10' }, { milestone: 'need_confirmed', date: '2026-01-05' }] };
    await c.updateComplete;
    return { before: c.score.outOfOrder };
  });
  assert.deepEqual(r.before, []);
  const calc = page.locator('stagecast-deal');
  await calc.locator('input[data-milestone="solution_presented"]').check();
  const got = await page.evaluate(() => {
    const c = document.getElementById('calculator');
    const model = Stagecast.validateModel(c.currentModel());
    const byDate = Stagecast.scoreDeal(model, { id: 'x', events: [
      { milestone: 'need_confirmed', date: '2026-01-05' }, { milestone: 'mobilizer_met', date: '2026-01-10' }, { milestone: 'solution_presented', date: c.value.events[2].date }] });
    const asListed = Stagecast.scoreDeal(model, { id: 'x', events: c.value.events.map((e) => ({ milestone: e.milestone })) });
    return { value: c.value, p: c.score.probability, late: c.score.outOfOrder, byDate: byDate.probability, asListed: asListed.probability };
  });
  // The tick is a dated event (today), so the deal is still ordered by date.
  assert.match(got.value.events[2].date, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(got.value.events.every((e) => e.date));
  assert.deepEqual(got.late, []);
  assert.equal(got.p, got.byDate);
  assert.notEqual(got.byDate, got.asListed, 'the listed order would score differently');
  assert.equal(await calc.locator('input[data-date="need_confirmed"]').inputValue(), '2026-01-05');
  page.assertClean();
});
