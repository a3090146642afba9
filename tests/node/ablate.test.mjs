// bench/ablate.sh applies bench/ablate.patch to the committed tree; a change
// to src/columns.rs or bench/js/plain.js that breaks the patch should be
// noticed here, not the next time somebody measures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('bench/ablate.patch applies to the tree and cuts both kernels', () => {
  execFileSync('git', ['apply', '--check', 'bench/ablate.patch'], { cwd: ROOT, stdio: 'pipe' });
  const patch = readFileSync(join(ROOT, 'bench/ablate.patch'), 'utf8');
  for (const cut of ['io', 'nomath']) {
    assert.match(patch, new RegExp(`stagecast_ablate = "${cut}"`), `the Rust cut ${cut}`);
    assert.match(patch, new RegExp(`ABLATE === '${cut}'`), `the plain-JS cut ${cut}`);
  }
});
