// Issue 12: CRM stage histories through <stagecast-import> on the manager
// board: a HubSpot deals export with "Date entered" properties shows the
// stage -> milestone table (deals per stage, won / lost / open, outcomes,
// default milestones), a preview, and feeds the board; a current-stage-only
// export says, with counts, that its closed deals do not calibrate the model.
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

async function ready(page) {
  await page.locator('#board-status').filter({ hasText: 'deals:' }).waitFor({ timeout: 60000 });
}

const P = 'Sales Pipeline';
const STAGES = ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'Closed Won', 'Closed Lost'];
// One row per deal: how far it got (stages entered, days after 2026-01-01) and where it is now.
const DEALS = [
  ['1', 'Alpha', 'Closed Won', [0, 3, 8, 12, 20], 25],
  ['2', 'Beta', 'Closed Lost', [0, 4], 9],
  ['3', 'Gamma', 'Closed Won', [0, 2, 5, 9, 15], 18],
  ['4', 'Delta', 'Presentation Scheduled', [0, 6, 11], null],
  ['5', 'Epsilon', 'Closed Lost', [0, 3, 7], 10],
  ['6', 'Zeta', 'Qualified To Buy', [0, 5], null],
];
// Milestones each of the first five stages reaches by default (Contract sent: proposal and verbal yes).
const PER_STAGE = [1, 1, 1, 1, 2];
const dated = (without = -1) => DEALS.reduce((t, [, , , entered]) => t + PER_STAGE.slice(0, entered.length).reduce((a, n, i) => a + (i === without ? 0 : n), 0), 0);
const day = (n) => { const d = new Date(Date.UTC(2026, 0, 1 + n)); return d.toISOString().slice(0, 10); };

function hubspotHistory() {
  const cols = ['Record ID', 'Deal Name', 'Deal Stage', 'Pipeline', 'Amount', 'Close Date', 'Create Date', 'Deal owner'];
  for (const s of STAGES) cols.push(`Date entered "${s} (${P})"`, `Date exited "${s} (${P})"`, `Cumulative time in "${s} (${P})"`);
  const q = (v) => `"${String(v).replace(/"/g, '""')}"`;
  const lines = [cols.map(q).join(',')];
  for (const [id, name, stage, entered, closed] of DEALS) {
    const row = [id, name, stage, P, 1000, closed != null ? day(closed) : '', day(0), 'Ann Berg'];
    STAGES.forEach((s, i) => {
      let at = i < 5 ? entered[i] : null;
      if (s === stage && closed != null) at = closed;
      row.push(at != null ? `${day(at)} 10:00` : '', '', '');
    });
    lines.push(row.map(q).join(','));
  }
  return lines.join('\n') + '\n';
}

test('a HubSpot "Date entered" export: the stage table, counts, a preview, and the board runs on it', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const imp = page.locator('stagecast-import');
  await imp.locator('input[type=file]').setInputFiles({ name: 'hubspot.csv', mimeType: 'text/csv', buffer: Buffer.from(hubspotHistory()) });
  await imp.locator('[data-role="stage-table"]').waitFor();
  const row = (stage) => imp.locator(`tr[data-stage="${stage}"]`);
  const counts = async (stage) => Promise.all(['deals', 'won', 'lost', 'open'].map((r) => row(stage).locator(`[data-role="${r}"]`).textContent()));
  // Every deal entered "Appointment scheduled"; 2 won, 2 lost, 2 open.
  assert.deepEqual(await counts('Appointment Scheduled'), ['6', '2', '2', '2']);
  assert.deepEqual(await counts('Contract Sent'), ['2', '2', '0', '0']);
  // Outcome stages are outcomes, never milestones.
  assert.equal(await row('Closed Won').getAttribute('data-outcome'), 'won');
  assert.equal(await row('Closed Lost').getAttribute('data-outcome'), 'lost');
  assert.equal(await row('Closed Won').locator('select').first().inputValue(), '=won');
  // HubSpot's default pipeline defaults (the engine's defaultStageRules).
  assert.equal(await row('Qualified To Buy').locator('select').first().inputValue(), 'mobilizer_met');
  assert.deepEqual(await row('Contract Sent').locator('select').evaluateAll((s) => s.map((x) => x.value)), ['proposal_requested', 'verbal_yes', '']);
  assert.equal(await imp.locator('[data-role="format"]').textContent(), 'Format: HubSpot deals export with “Date entered” history');
  assert.equal(await imp.locator('[data-role="stage-preview"]').textContent(),
    `Preview: 6 deals, 4 closed deals with history calibrate the model, 2 open deals are forecast, ${dated()} dated milestones.`);
  assert.equal(await imp.locator('[data-notice="no_stage_history"]').count(), 0);
  // The board runs on the imported deals.
  await page.locator('#board-status').filter({ hasText: '6 deals: 4 closed' }).waitFor();
  // Editing the table previews; Apply sends it to the board.
  const sel = row('Presentation Scheduled').locator('select').first();
  await sel.selectOption('');
  await imp.locator('[data-role="stage-preview"]').filter({ hasText: `${dated(2)} dated milestones` }).waitFor();
  assert.equal(await row('Presentation Scheduled').locator('select').first().inputValue(), '');
  const applied = page.evaluate(() => new Promise((r) => document.getElementById('import').addEventListener('stagecast-change', (e) => r(e.detail.deals.length), { once: true })));
  await imp.locator('[data-action="apply-stages"]').click();
  assert.equal(await applied, 6);
  page.assertClean();
});

test('a current-stage-only HubSpot export: its closed deals are not calibrated from their outcome, and the user is told so', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const csv = [
    'Deal Name,Deal Stage,Amount,Close Date,Deal owner,Create Date',
    'Alpha,Closed won,1000,2026-02-01,Ann Berg,2026-01-01',
    'Beta,Closed lost,500,2026-02-03,Bo Lind,2026-01-02',
    'Gamma,Closed won,800,2026-02-05,Ann Berg,2026-01-03',
    'Delta,Presentation scheduled,1200,2026-03-01,Bo Lind,2026-01-04',
    'Epsilon,Appointment scheduled,300,2026-03-02,Ann Berg,2026-01-05',
  ].join('\n');
  const imp = page.locator('stagecast-import');
  await imp.locator('input[type=file]').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const notice = imp.locator('[data-notice="no_stage_history"]');
  await notice.waitFor();
  assert.equal(await notice.textContent(),
    'This export has no stage history, only each deal’s current stage: its 2 won and 1 lost deals are not used to calibrate the model, because how far they got is unknown and is never guessed from how they ended. The 2 open deals keep their current stage’s milestones, undated. Export the “Date entered” properties (or the stage history) to use them.');
  assert.equal(await imp.locator('[data-role="import-error"]').count(), 0);
  assert.equal(await imp.locator('[data-role="format"]').textContent(), 'Format: HubSpot deals export without stage history (current stage only)');
  assert.deepEqual(await imp.locator('tr[data-stage="Closed won"] [data-role="won"]').textContent(), '2');
  assert.equal(await imp.locator('[data-role="stage-preview"]').textContent(),
    'Preview: 5 deals, 0 closed deals with history calibrate the model, 2 open deals are forecast, 0 dated milestones.');
  // The board: only the open deals; nothing closed calibrates.
  await page.locator('#board-status').filter({ hasText: '2 deals: 0 closed' }).waitFor();
  page.assertClean();
});

test('the long format: the deals file, then the history file (deal id, stage, date)', async () => {
  const page = await env.open('/manager.html');
  await ready(page);
  const imp = page.locator('stagecast-import');
  const deals = ['deal id,name,owner,amount,status,close date', 'D1,One,Ann,100,won,2026-02-01', 'D2,Two,Bo,200,lost,2026-02-02', 'D3,Three,Ann,300,open,'].join('\n');
  const history = ['deal id,stage,date', 'D1,Discovery,2026-01-02', 'D1,Demo,2026-01-10', 'D2,Discovery,2026-01-03', 'D3,Discovery,2026-01-04', 'D3,Demo,2026-01-12', 'D9,Discovery,2026-01-05'].join('\n');
  await imp.locator('input[type=file]').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(deals) });
  assert.equal(await imp.locator('[data-role="deals-file"]').textContent(), 'Deals file read (3 rows): now choose the stage history file (deal id, stage, date).');
  await imp.locator('input[type=file]').setInputFiles({ name: 'history.csv', mimeType: 'text/csv', buffer: Buffer.from(history) });
  await imp.locator('[data-role="stage-table"]').waitFor();
  assert.equal(await imp.locator('[data-role="format"]').textContent(), 'Format: stage history (one row per stage change)');
  assert.deepEqual(await Promise.all(['deals', 'won', 'lost', 'open'].map((r) => imp.locator(`tr[data-stage="Discovery"] [data-role="${r}"]`).textContent())), ['3', '1', '1', '1']);
  // The long format has no default stages: each stage is unmapped until the user maps it.
  assert.equal(await imp.locator('tr[data-stage="Demo"] select').first().inputValue(), '');
  // A history row of a deal the deals file lacks is listed by line, worded.
  assert.equal(await imp.locator('[data-role="errors"] li[data-code="unknown_deal"]').textContent(), 'line 7, column deal id:Deal “D9” is not in the deals file.');
  await imp.locator('tr[data-stage="Demo"] select').first().selectOption('solution_presented');
  await imp.locator('[data-role="stage-preview"]').filter({ hasText: '2 dated milestones' }).waitFor();
  page.assertClean();
});
