// Where the wasm spends its time in one benchmark case, from Chromium's CPU
// profiler: self time grouped into wasm code, the JS glue wasm-bindgen
// generates (every JS value read or built crosses the boundary there), and
// other JS. `node bench/profile.mjs score-obj 10000` (after make build).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const [name = 'score-obj', n = '10000', impl = 'wasm', reps = '3'] = process.argv.slice(2);
const { server, url } = await startServer({ port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'stagecast-profile-'));
const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await context.newPage();
  // `attrs-lean` / `attrs-detail` (the attrs case: 9 attributes, 50,000
  // closed deals calibrate, an Engine scores n open deals): the first call
  // is profiled too (no warm-up).
  const attrsMode = name.startsWith('attrs') ? name.split('-')[1] || 'lean' : null;
  let once;
  if (attrsMode) {
    await page.goto(`${url}/bench/attrs.html`);
    await page.waitForFunction(() => window.attrsReady, null, { timeout: 120000 });
    const { model } = await page.evaluate(() => attrs.calibrate(50000, true));
    await page.evaluate(([m, k, i, d]) => attrs.prepare(m, k, true, i, d), [model, Number(n), impl, attrsMode === 'detail']);
    once = () => page.evaluate(() => attrs.run());
  } else {
    await page.goto(`${url}/bench/index.html`);
    await page.waitForFunction(() => window.benchReady, null, { timeout: 120000 });
    once = () => page.evaluate(([c, k, i]) => bench.run(c, k, i), [name, Number(n), impl]);
    await once(); // warm-up, data
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  for (let r = 0; r < Number(reps); r++) await once();
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) || 0) + (profile.timeDeltas[i] || 0)));
  let total = 0;
  const groups = { wasm: 0, glue: 0, js: 0, gc: 0, other: 0 };
  for (const node of profile.nodes) {
    const t = (dt.get(node.id) || 0) / 1000;
    if (!t) continue;
    const f = node.callFrame;
    const label = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
    self.set(label, (self.get(label) || 0) + t);
    total += t;
    if (f.url.startsWith('wasm://') || /^\$?wasm-function|^\$func/.test(f.functionName)) groups.wasm += t;
    else if (/__wbg|__wbindgen|getObject|addHeapObject|takeObject|passStringToWasm|getStringFromWasm|dropObject|handleError/.test(f.functionName)) groups.glue += t;
    else if (f.functionName === '(garbage collector)') groups.gc += t;
    else if (f.url) groups.js += t;
    else groups.other += t;
  }
  console.log(`${name} ${n} ${impl}: ${total.toFixed(0)} ms profiled over ${reps} calls`);
  for (const [g, t] of Object.entries(groups)) console.log(`  ${g.padEnd(6)} ${((100 * t) / total).toFixed(1)}%`);
  console.log('top self time:');
  for (const [label, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${label}`);
} finally {
  await context.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
