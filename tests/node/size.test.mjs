// Size: the widget lives inside other people's pages. Deterministic (gzip -9
// of the built files), so it is a test, not a benchmark.
//
// The budget of issue 8 is 60 KiB gzip for the wasm and 120 KiB for
// dist/stagecast.js. It is NOT met yet (README, "Size"): the wasm carries
// calibration, forecasting, meetings and scenarios and is ~141 KiB. Until it
// is, these tests hold the line where it is, so that nothing grows it
// unnoticed; lower the ceilings as the size comes down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../../', import.meta.url);
const gz = (p) => gzipSync(readFileSync(new URL(p, root)), { level: 9 }).length;
const KiB = 1024;
export const TARGET = { wasm: 60 * KiB, dist: 120 * KiB };
const CEILING = { wasm: 150 * KiB, dist: 215 * KiB };

test(`pkg/stagecast_bg.wasm stays under its current ceiling of ${CEILING.wasm / KiB} KiB gzip (target ${TARGET.wasm / KiB} KiB, not met)`, () => {
  const n = gz('pkg/stagecast_bg.wasm');
  assert.ok(n <= CEILING.wasm, `${n} B gzip > ${CEILING.wasm}`);
});

test(`dist/stagecast.js stays under its current ceiling of ${CEILING.dist / KiB} KiB gzip (target ${TARGET.dist / KiB} KiB, not met)`, () => {
  const n = gz('dist/stagecast.js');
  assert.ok(n <= CEILING.dist, `${n} B gzip > ${CEILING.dist}`);
});

test('the UI JavaScript itself (dist minus the inlined wasm) is at most 45 KiB gzip', () => {
  const dist = readFileSync(new URL('dist/stagecast.js', root), 'utf8');
  const b64 = readFileSync(new URL('pkg/stagecast_bg.wasm', root)).toString('base64');
  assert.ok(dist.includes(b64), 'the wasm is inlined as base64');
  const ui = gzipSync(Buffer.from(dist.replace(b64, '')), { level: 9 }).length;
  assert.ok(ui <= 45 * KiB, `${ui} B gzip`);
});

test('the wasm ships without its debug name section', () => {
  const m = new WebAssembly.Module(readFileSync(new URL('pkg/stagecast_bg.wasm', root)));
  assert.deepEqual(WebAssembly.Module.customSections(m, 'name'), []);
});
