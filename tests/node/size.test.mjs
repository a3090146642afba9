// Size budget: the widget lives inside other people's pages. Deterministic
// (gzip -9 of the built files), so it is a test, not a benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../../', import.meta.url);
const gz = (p) => gzipSync(readFileSync(new URL(p, root)), { level: 9 }).length;

test('pkg/stagecast_bg.wasm is at most 60 KiB gzip', () => {
  const n = gz('pkg/stagecast_bg.wasm');
  assert.ok(n <= 60 * 1024, `${n} B gzip > ${60 * 1024}`);
});

test('dist/stagecast.js (UI + inlined wasm) is at most 120 KiB gzip', () => {
  const n = gz('dist/stagecast.js');
  assert.ok(n <= 120 * 1024, `${n} B gzip > ${120 * 1024}`);
});

test('the wasm ships without its debug name section', () => {
  const bytes = readFileSync(new URL('pkg/stagecast_bg.wasm', root));
  const m = new WebAssembly.Module(bytes);
  assert.deepEqual(WebAssembly.Module.customSections(m, 'name'), []);
});
