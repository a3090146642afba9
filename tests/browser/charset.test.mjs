// The one-file script inlines the wasm as one raw character per byte, in a
// UTF-8 file that starts with a byte order mark. A CRM page in another
// charset, serving the script with no charset, must still read it as UTF-8
// (the BOM wins over the page's charset): otherwise the wasm bytes above 0x7F
// would be garbled and the widget would never load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup } from './harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

test('a windows-1252 page loads dist/stagecast.js served without a charset, and scores a deal', async () => {
  const js = readFileSync(new URL('../../dist/stagecast.js', import.meta.url));
  assert.deepEqual([...js.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the script starts with a UTF-8 byte order mark');
  const page = await env.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/legacy-crm.html', (r) =>
    r.fulfill({ status: 200, headers: { 'content-type': 'text/html; charset=windows-1252' }, body: Buffer.from('<!doctype html><meta charset="windows-1252"><title>CRM \xe6\xf8\xe5</title><script src="/legacy/stagecast.js"></script>', 'latin1') }));
  await page.route('**/legacy/stagecast.js', (r) => r.fulfill({ status: 200, headers: { 'content-type': 'text/javascript' }, body: js }));
  await page.goto(`${env.url}/legacy-crm.html`);
  assert.equal(await page.evaluate(() => document.characterSet), 'windows-1252');
  const p = await page.evaluate(async () => {
    await Stagecast.ready;
    return Stagecast.scoreDeal(Stagecast.defaultModel(), { id: 'x', events: [{ milestone: 'need_confirmed' }] }).probability;
  });
  assert.ok(p > 0 && p < 1, String(p));
  assert.deepEqual(errors, []);
  await page.close();
});
