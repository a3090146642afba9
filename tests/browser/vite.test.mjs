// pkg/ is importable from a bundler: a tiny app imports 'stagecast' (resolved
// through node_modules and the package's exports map), Vite builds it, and
// the built app scores a deal in Chromium with the wasm Vite emitted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { setup } from './harness.mjs';

const PKG = fileURLToPath(new URL('../../pkg/', import.meta.url));
let env, app, server, base;

before(async () => {
  app = mkdtempSync(join(tmpdir(), 'stagecast-vite-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(PKG, join(app, 'node_modules', 'stagecast'), 'dir');
  writeFileSync(join(app, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><stagecast-deal id="w"></stagecast-deal><stagecast-scenarios locale="nb" storage-key="vite:scenarios"></stagecast-scenarios><output id="out"></output><script type="module" src="./main.js"></script></body></html>');
  writeFileSync(
    join(app, 'main.js'),
    `import init, { defaultModel, scoreDeal, ready, loadAnalysis, analysisWorker } from 'stagecast';
     await init();
     await ready();
     const m = defaultModel();
     const s = scoreDeal(m, { id: 'v', events: [{ milestone: m.milestones[0].id }] });
     // The analysis part: a dynamic import Vite splits into its own chunk, with its own wasm.
     const analysis = await loadAnalysis();
     const ids = m.milestones.map((x) => x.id);
     const history = Array.from({ length: 120 }, (_, i) => ({ id: 'h' + i, status: i % 3 ? 'lost' : 'won', events: ids.slice(0, 1 + (i % 4)).map((milestone) => ({ milestone })) }));
     const c = analysis.calibrate(m, history);
     // The analysis worker (pkg/analysis-worker.js, a module worker Vite bundles): same model, progress, errors as Errors.
     const w = analysisWorker();
     const progress = [];
     const cw = await w.call('calibrate', [m, history], { onProgress: (p) => progress.push(p) });
     const scored = await w.score(cw, history.slice(0, 4));
     let error = null;
     try { await w.evaluate(m, [{ id: 'x', status: 'won', value: -1, events: [] }]); } catch (e) { error = e instanceof Error ? e.message : 'not an Error'; }
     document.getElementById('out').textContent = JSON.stringify({ p: s.probability, el: !!customElements.get('stagecast-deal'), states: c.calibration.states.length, calibrated: scoreDeal(c, history[3]).source,
       workerSame: JSON.stringify(cw) === JSON.stringify(c), progress, scored: scored.map((x) => x.probability), direct: history.slice(0, 4).map((d) => scoreDeal(c, d).probability), error });`,
  );
  await build({ root: app, logLevel: 'silent', build: { outDir: join(app, 'dist'), target: 'es2022' } });
  const dist = join(app, 'dist');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  server = createServer((req, res) => {
    const p = req.url === '/' ? '/index.html' : req.url.split('?')[0];
    try {
      const body = readFileSync(join(dist, p));
      res.writeHead(200, { 'content-type': types[extname(p)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  env = await setup();
});

after(async () => {
  await env?.close();
  server?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

test('Vite bundles the package, emits the wasm, and the app scores a deal', async () => {
  const assets = readdirSync(join(app, 'dist', 'assets'));
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 3, `the widget's, the analysis part's and the CSV worker's wasm: ${assets}`);
  const page = await env.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(base + '/');
  await page.waitForFunction(() => document.getElementById('out').textContent !== '');
  const out = JSON.parse(await page.locator('#out').textContent());
  assert.ok(out.p > 0 && out.p < 1);
  assert.equal(out.el, true);
  assert.ok(out.states > 0, JSON.stringify(out));
  assert.equal(out.calibrated, 'history', JSON.stringify(out));
  // Issue 14.5: the same model from the worker, its progress, lean scores from its Engine, and errors as Errors with the engine's message.
  assert.equal(out.workerSame, true, JSON.stringify(out));
  assert.deepEqual(out.progress.map((p) => [p.stage, p.deals, p.done]), [['calibrate', 120, false], ['calibrate', 120, true]]);
  assert.deepEqual(out.scored, out.direct);
  assert.match(String(out.error), /^deals\[0\]\.value: /);
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  assert.deepEqual(errors, []);
});

// The what-if board's view and words come with the package's loadAnalysis()
// (scenarios-view.js, i18n-scenarios.js), which the board calls before it renders.
test('the package\'s what-if board renders its view in Norwegian', async () => {
  const page = await env.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  const board = page.locator('stagecast-scenarios');
  await board.locator('[data-role="result"] [data-key="pHitBudget"]').first().waitFor();
  assert.equal(await board.locator('h2').textContent(), 'Hva-om-scenarier');
  assert.equal(await board.locator('fieldset').count(), 2);
  await board.locator('[data-role="tornado"] svg[data-chart="tornado"]').waitFor();
  assert.equal(await page.getByRole('slider', { name: 'Møter per uke' }).count(), 2);
  assert.deepEqual(errors, []);
  await page.close();
});
