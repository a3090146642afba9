// <stagecast-meetings> on the calculator page: the plan (budget -> required
// margin per meeting) and the week's meetings ranked by value, with the
// quality checks and their reasons, equal to the engine's.
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

const week = (page) => page.locator('stagecast-meetings');

const expected = (page) =>
  page.evaluate(() => {
    const el = document.getElementById('week');
    const model = Stagecast.defaultModel();
    const budget = Number(el.shadowRoot.querySelector('[data-field="marginBudget"]').value);
    const plan = Stagecast.meetingPlan({ ...el.plan, marginBudget: budget });
    const ranked = Stagecast.rankMeetings(model, el.meetings, { deals: [], requiredMarginPerMeeting: plan.requiredMarginPerMeeting });
    const money = (v) => new Intl.NumberFormat(el.locale || 'en', { style: 'currency', currency: el.currency, maximumFractionDigits: 0 }).format(v);
    return { required: money(plan.requiredMarginPerMeeting), order: ranked.map((r) => r.index), values: ranked.map((r) => money(r.value)), checks: ranked.map((r) => ['rightCustomer', 'rightPeople', 'prepared'].map((k) => `${k}:${r.checks[k].status}:${r.checks[k].reason.code}`)) };
  });

test('the plan and the ranked meetings equal meetingPlan and rankMeetings; changing the budget updates them', async () => {
  const page = await open('/');
  await week(page).locator('[data-role="required"]').waitFor();
  await week(page).locator('li[data-meeting]').first().waitFor();
  let exp = await expected(page);
  assert.equal(await week(page).locator('[data-role="required"]').textContent(), exp.required);
  const order = await week(page).locator('li[data-meeting]').evaluateAll((ls) => ls.map((l) => Number(l.dataset.meeting)));
  assert.deepEqual(order, exp.order);
  assert.deepEqual(await week(page).locator('li[data-meeting] [data-role="value"]').allTextContents(), exp.values);
  // Each meeting shows its three checks with the engine's status and reason
  // code, worded in English (no code shown as such).
  assert.equal(await week(page).locator('li[data-meeting] [data-check]').count(), 3 * exp.order.length);
  const shown = await week(page).locator('li[data-meeting] [data-check]').evaluateAll((ls) => ls.map((l) => `${l.dataset.check}:${l.dataset.status}:${l.dataset.code}`));
  assert.deepEqual(shown, exp.checks.flat());
  const texts = await week(page).locator('li[data-meeting] [data-check]').allTextContents();
  for (const [i, text] of texts.entries()) {
    const [check, status] = exp.checks.flat()[i].split(':');
    const icon = { pass: '✓', fail: '✗', unknown: '?' }[status];
    const head = { rightCustomer: 'Right customer', rightPeople: 'Right people', prepared: 'Prepared' }[check];
    assert.ok(text.startsWith(`${icon}${head}${status === 'unknown' ? ' (not checked)' : ''}: `), text);
    assert.doesNotMatch(text, /[a-z]_[a-z]|undefined|\{/, text);
  }
  // week.json: Kari, a decision maker, attends the Fjord Energi review; no
  // ideal customer profile is given, so no fit is shown as a pass.
  assert.ok(texts.includes('✓Right people: A decision maker attends: the people who move the deal are in the room.'), texts.join('\n'));
  assert.ok(!exp.checks.flat().some((c) => c.startsWith('rightCustomer:pass')));
  // Budget: labelled input; the event carries the engine's result.
  const got = page.evaluate(() => new Promise((r) => document.getElementById('week').addEventListener('stagecast-change', (e) => r(e.detail), { once: true })));
  const budget = week(page).getByRole('spinbutton', { name: 'Margin budget' });
  await budget.fill('900000');
  await budget.press('Enter');
  await budget.blur();
  const detail = await got;
  exp = await expected(page);
  assert.equal(await week(page).locator('[data-role="required"]').textContent(), exp.required);
  assert.equal(detail.ranked.length, exp.order.length);
  assert.ok(detail.plan.requiredMarginPerMeeting > 0);
  await shot(page, 'calculator-meetings-desktop');
  page.assertClean();
});

test('Norwegian: the calculator page in nb shows the meetings in Norwegian with NOK', async () => {
  const page = await open('/');
  await week(page).locator('[data-role="required"]').waitFor();
  await page.selectOption('#deal-locale', 'nb');
  await page.selectOption('#deal-currency', 'NOK');
  await week(page).locator('h2', { hasText: 'Møteplan' }).waitFor();
  assert.match(await week(page).locator('[data-role="required"]').textContent(), /kr/);
  assert.equal(await week(page).locator('h3').textContent(), 'Ukens møter, rangert etter verdi');
  assert.equal(await page.locator('stagecast-deal .muted').first().textContent(), 'Sannsynlighet for å vinne');
  // The checks' reasons are worded in Norwegian too.
  await week(page).locator('[data-check="rightPeople"]', { hasText: 'beslutningstaker deltar' }).first().waitFor();
  const checks = await week(page).locator('li[data-meeting] [data-check]').allTextContents();
  assert.ok(checks.every((c) => !/Right|attends|meeting/.test(c)), checks.join('\n'));
  page.assertClean();
});

test('an XSS payload in a meeting label is shown as text', async () => {
  const page = await open('/');
  await week(page).locator('[data-role="required"]').waitFor();
  await page.evaluate(() => {
    const el = document.getElementById('week');
    el.meetings = [{ label: '<img src=x onerror="window.__xss=4">', targetMilestone: 'need_confirmed', deal: { id: 'x', value: 1000, margin: 300, events: [] } }];
  });
  await week(page).locator('li[data-meeting] b', { hasText: '<img' }).waitFor();
  assert.equal(await week(page).locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  page.assertClean();
});

test('before a plan is given the meetings element says what it needs instead of showing an error', async () => {
  const page = await env.open('/embed.html');
  await page.evaluate(() => Stagecast.ready);
  await page.evaluate(() => {
    const m = document.createElement('stagecast-meetings');
    m.id = 'fresh';
    document.body.append(m);
  });
  const prompt = page.locator('#fresh [data-role="enter-budget"]');
  await prompt.waitFor();
  // embed.html is lang="nb": the prompt follows the page's language.
  assert.match(await prompt.textContent(), /møteplan/);
  assert.equal(await page.locator('#fresh [data-role="error"]').count(), 0);
  // Once the host hands over a plan, it plans: 200,000 over 20 meetings.
  await page.evaluate(() => {
    document.getElementById('fresh').plan = { marginBudget: 200000, meetingsPerWeek: 5, weeks: 4 };
  });
  const required = page.locator('#fresh [data-role="required"]');
  await required.waitFor();
  assert.match(await required.textContent(), /10[\s\u00a0.,]?000/);
  page.assertClean();
});
