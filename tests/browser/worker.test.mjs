// The CSV workers: dist/stagecast-csv.js (started by the one-file script)
// and pkg/csv-worker.js (module worker of the ES package). Presets for
// HubSpot, Salesforce, Pipedrive and Maven; big files parsed in chunks with
// progress, bad rows reported with the file's own line numbers.
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

/** Runs messages through a worker in the page; returns every reply. */
const run = (page, url, type, messages) =>
  page.evaluate(
    ({ url, type, messages }) =>
      new Promise((resolve, reject) => {
        const w = new Worker(url, type ? { type } : undefined);
        const replies = [];
        let pending = messages.length;
        w.onerror = (e) => reject(new Error(e.message));
        w.onmessage = (e) => {
          replies.push(e.data);
          // Progress and the import's words (posted first) answer no message.
          if (e.data.type !== 'progress' && e.data.type !== 'strings' && --pending === 0) {
            w.terminate();
            resolve(replies);
          }
        };
        for (const m of messages) w.postMessage(m);
      }),
    { url, type, messages },
  );

function bigCsv(rows, badAt) {
  const lines = ['opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value'];
  for (let i = 0; i < rows; i++) {
    const line = lines.length + 1; // the file line this row lands on
    lines.push(`X${i},Seller ${i % 9},GTX Basic,Acme,${i % 3 ? 'Won' : 'Lost'},2017-01-02,2017-03-01,${line === badAt ? 'n/a' : 550}`);
  }
  return lines.join('\n') + '\n';
}

for (const [name, url, type] of [['one-file script worker', '/dist/stagecast-csv.js', null], ['ES package module worker', '/pkg/csv-worker.js', 'module']]) {
  test(`${name}: presets, and a 5,000-row file in chunks with progress and the bad row's line`, async () => {
    const page = await env.open('/embed.html');
    const mapping = { id: 'opportunity_id', seller: 'sales_agent', value: 'close_value', stage: 'deal_stage', closeDate: ['close_date'], stageMap: { Won: [], Lost: [] } };
    const replies = await run(page, url, type, [{ type: 'presets' }, { type: 'parse', text: bigCsv(5000, 4321), mapping }]);
    // The import's words come first, for the importer to add (i18n-import.js).
    assert.equal(replies[0].type, 'strings');
    for (const lang of ['en', 'nb', 'sv', 'da']) assert.ok(replies[0].strings[lang].stageTable, lang);
    const presets = replies.find((r) => r.type === 'presets').presets.map((p) => p.name);
    for (const p of ['hubspot', 'salesforce', 'pipedrive', 'maven']) assert.ok(presets.includes(p), `${p} in ${presets}`);
    const progress = replies.filter((r) => r.type === 'progress');
    assert.ok(progress.length >= 3, `progress messages: ${progress.length}`);
    const done = replies.find((r) => r.type === 'done').result;
    assert.equal(done.deals.length, 4999);
    assert.deepEqual(done.errors.map((e) => e.line), [4321]);
    page.assertClean();
  });
}
