// Issue 15, the seller calculator (www/index.html) tried as a new user would:
// items 1-5 (next mandatory step, "Contract signed", inputs, phone, meetings).
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

const deal = (page) => page.locator('stagecast-deal');
const tick = (page, id) => deal(page).locator(`input[data-milestone="${id}"]`).check();
async function fresh(page) {
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await deal(page).locator('[data-role="probability"]').waitFor();
}

test('1. the next mandatory step is always shown with its worth, and Mobilizer comes before Budget', async () => {
  const page = await env.open('/');
  await fresh(page);
  await tick(page, 'need_confirmed');
  // After Need the mandatory Mobilizer step is the best next step, not the optional Budget.
  assert.equal(await deal(page).locator('[data-role="next"]').getAttribute('data-milestone'), 'mobilizer_met');
  await tick(page, 'budget_confirmed');
  const best = deal(page).locator('[data-role="next"]');
  assert.equal(await best.getAttribute('data-milestone'), 'mobilizer_met');
  assert.match(await best.textContent(), /Mobilizer identified and met.*(€|EUR)/);
  // Budget before Mobilizer: the skipped mandatory step is named as missing.
  assert.match(await deal(page).locator('[data-role="missing"]').textContent(), /Mobilizer identified and met/);
  // A model where the next mandatory step adds nothing now: it is still shown, with its worth.
  await page.evaluate(() => {
    const c = document.getElementById('calculator');
    c.model = { milestones: [
      { id: 'a', label: 'Step A', mandatory: true, probability: 0.2 },
      { id: 'x', label: 'Option X', after: ['a'], probability: 0.9 },
      { id: 'b', label: 'Step B', mandatory: true, probability: 0.5 },
      { id: 'c', label: 'Signed', mandatory: true, probability: 0.95 },
    ] };
    c.deal = { ...c.deal, events: [{ milestone: 'a' }, { milestone: 'x' }] };
  });
  const mand = deal(page).locator('[data-role="next-mandatory"]');
  await mand.waitFor();
  assert.equal(await mand.getAttribute('data-milestone'), 'b');
  assert.match(await mand.textContent(), /Step B.*(€|EUR)\s?0/);
  page.assertClean();
});

test('2. "Contract signed" is the outcome: ticked it means won, 100 %, and it says so', async () => {
  const page = await env.open('/');
  await fresh(page);
  await tick(page, 'contract_signed');
  assert.equal(await deal(page).locator('[data-role="probability"]').textContent(), '100%');
  assert.match(await deal(page).locator('[data-role="outcome"]').textContent(), /won/i);
  const model = await page.evaluate(() => Stagecast.defaultModel());
  for (const m of model.milestones) await tick(page, m.id);
  assert.equal(await deal(page).locator('[data-role="probability"]').textContent(), '100%');
  // One step before the signature, the signature is worth the rest.
  await deal(page).locator('input[data-milestone="contract_signed"]').uncheck();
  assert.match(await deal(page).locator('[data-role="next"]').textContent(), /Contract signed.*100%/);
  page.assertClean();
});

test('3. bad inputs get a message at the field and lose nothing', async () => {
  const page = await env.open('/');
  await fresh(page);
  const calc = () => page.evaluate(() => document.getElementById('calculator').deal);
  await page.fill('#deal-margin', '');
  assert.match(await page.locator('#deal-margin-msg').textContent(), /\S/);
  await page.fill('#deal-margin', '120000');
  await page.fill('#deal-value', '-5000');
  assert.match(await page.locator('#deal-value-msg').textContent(), /0/);
  assert.equal(await page.locator('#deal-value').getAttribute('aria-invalid'), 'true');
  assert.equal((await calc()).value, 400000, 'the last good value is kept');
  await page.fill('#deal-value', '1e308');
  assert.match(await page.locator('#deal-value-msg').textContent(), /\S/);
  assert.equal((await calc()).value, 400000);
  assert.ok((await deal(page).textContent()).length < 5000);
  await page.fill('#deal-value', '500000');
  assert.equal(await page.locator('#deal-value-msg').textContent(), '');
  assert.equal((await calc()).value, 500000);
  await page.fill('#deal-label', '');
  assert.match(await page.locator('#deal-label-msg').textContent(), /\S/);
  assert.doesNotMatch(await deal(page).locator('[data-role="title"]').textContent(), /calculator/);
  page.assertClean();
});

test('4. phone: the probability stays in view while ticking; the funnel names the steps and shows this deal, narrowing downwards', async () => {
  const page = await env.open('/', { viewport: { width: 390, height: 844 } });
  await fresh(page);
  const summary = deal(page).locator('[data-role="summary-probability"]');
  for (const id of ['need_confirmed', 'mobilizer_met', 'proposal_requested', 'contract_signed']) {
    await tick(page, id);
    const box = await summary.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 844, `summary in view after ${id}: ${JSON.stringify(box)}`);
    assert.equal(await summary.textContent(), await deal(page).locator('[data-role="probability"]').textContent());
  }
  await deal(page).locator('input[data-milestone="contract_signed"]').uncheck();
  const funnel = deal(page).locator('svg[data-chart="funnel"]');
  const text = await funnel.textContent();
  assert.match(text, /Need confirmed by the customer/);
  assert.match(text, /Contract signed/);
  assert.equal(await funnel.locator('[data-role="here"]').count(), 1);
  const widths = await funnel.locator('rect[data-milestone]').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
  assert.ok(widths.length >= 4);
  for (let i = 1; i < widths.length; i++) assert.ok(widths[i] <= widths[i - 1] + 1e-9, `funnel narrows downwards: ${widths}`);
  assert.ok(widths[0] > widths[widths.length - 1]);
  page.assertClean();
});

test('5. meetings: unchecked fit is not a pass, budget 0/negative handled, linked to the deal above, calculator kept on reload', async () => {
  const page = await env.open('/');
  await fresh(page);
  const week = page.locator('stagecast-meetings');
  await week.locator('li[data-meeting]').first().waitFor();
  const fit = week.locator('li[data-meeting] [data-check="rightCustomer"]').first();
  assert.notEqual(await fit.getAttribute('class'), 'pass');
  assert.match(await fit.textContent(), /not checked/);
  const budget = week.locator('[data-field="marginBudget"]');
  for (const v of ['0', '-100']) {
    await budget.fill(v);
    await budget.dispatchEvent('change');
    assert.match(await week.locator('[data-role="budget-msg"]').textContent(), /above 0/);
    assert.equal(await week.getByText('worth the time').count(), 0);
  }
  await budget.fill('600000');
  await budget.dispatchEvent('change');
  // The Nordic deal in the calculator is the one in the meetings: ticking above changes it below.
  const nordic = week.locator('li[data-deal="D-101"] [data-check="prepared"]');
  assert.equal(await nordic.getAttribute('class'), 'pass');
  await tick(page, 'need_confirmed');
  await tick(page, 'mobilizer_met');
  await tick(page, 'solution_presented');
  await week.locator('li[data-deal="D-101"] [data-check="prepared"].fail').waitFor();
  await page.fill('#deal-value', '420000');
  await page.reload();
  await deal(page).locator('[data-role="probability"]').waitFor();
  assert.equal(await page.inputValue('#deal-value'), '420000');
  assert.equal(await deal(page).locator('input[data-milestone="solution_presented"]').isChecked(), true);
  // Garbage in the saved copy: the page still works and the copy is set aside.
  await page.evaluate(() => localStorage.setItem('stagecast:calculator', '{"events": [oops'));
  await page.reload();
  await deal(page).locator('[data-role="probability"]').waitFor();
  assert.equal(await page.inputValue('#deal-value'), '400000');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('stagecast:calculator:broken:')).length), 1);
  await page.evaluate(() => localStorage.clear());
  page.assertClean();
});
