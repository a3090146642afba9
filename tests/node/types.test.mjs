// The TypeScript declarations: `tsc --strict` compiles the README's
// examples against pkg/ (imported as 'stagecast', through its package.json
// exports map) and against dist/stagecast.d.ts (the global `Stagecast`),
// and refuses a misspelt field on a result. Also checks that no export is
// declared with `any`, and the custom-elements manifest against the
// element classes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, copyFileSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** A project in a temporary folder: node_modules/stagecast -> pkg/, dist/ -> dist/. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'stagecast-types-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(root, 'pkg'), join(dir, 'node_modules/stagecast'), 'dir');
  symlinkSync(join(root, 'node_modules/@types'), join(dir, 'node_modules/@types'), 'dir');
  symlinkSync(join(root, 'dist'), join(dir, 'dist'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const f of readdirSync(join(root, 'tests/node/types'))) copyFileSync(join(root, 'tests/node/types', f), join(dir, f));
  return dir;
}

function compile(dir, files) {
  const r = spawnSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'esnext,dom', '--types', 'node', '--pretty', 'false', ...files], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

// Two programs (tsc is slow on this machine): the ES module against pkg/,
// and the global script against dist/stagecast.d.ts (the two declare the
// same elements, so one program cannot hold both). Each holds the README's
// examples and a file of misspelt fields.
const PROGRAMS = [['readme-module.ts', 'misspelt.ts'], ['readme-global.ts', 'misspelt-global.ts']];
const results = [];
before(() => {
  const dir = project();
  try {
    for (const files of PROGRAMS) results.push({ files, ...compile(dir, files), sources: files.map((f) => readFileSync(join(dir, f), 'utf8')) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
/** tsc's error lines, by the file they are in (the declarations' own errors under their path). */
const errorsIn = (out, file) => out.split('\n').filter((l) => l.startsWith(`${file}(`));
const errorLines = (out) => out.split('\n').filter((l) => /^\S.*\(\d+,\d+\): error TS/.test(l));

test('tsc --strict compiles the README examples against pkg/ (ES module) and dist/stagecast.d.ts (global script)', () => {
  for (const { files, out } of results) {
    const readme = files[0];
    assert.deepEqual(errorsIn(out, readme), [], `${readme} must compile:\n${out}`);
    // The declarations themselves have no errors either (tsc checks them too).
    assert.deepEqual(errorLines(out).filter((l) => !files.some((f) => l.startsWith(`${f}(`))), [], out);
  }
});

test('a misspelt field on a result is a compile error, named by tsc (pkg/ and the global)', () => {
  for (const { files, code, out, sources } of results) {
    const f = files[1];
    const marked = sources[1].split('\n').flatMap((l, i) => { const m = /\/\/ MISSPELT (\w+)$/.exec(l); return m ? [{ line: i + 1, field: m[1] }] : []; });
    assert.ok(marked.length >= 3, f);
    assert.notEqual(code, 0, `${f} must not compile`);
    const errors = errorsIn(out, f);
    for (const { line, field } of marked) {
      assert.ok(errors.some((e) => e.startsWith(`${f}(${line},`) && e.includes(`'${field}'`)), `${f}:${line}: tsc must name '${field}'; got:\n${out}`);
    }
    // Nothing else fails: the errors are exactly the misspellings.
    assert.equal(errors.length, marked.length, out);
  }
});

test('no export is declared with any, and optional options are optional', () => {
  for (const f of ['pkg/stagecast.d.ts', 'pkg/analysis/stagecast.d.ts', 'pkg/csv/stagecast.d.ts']) {
    const text = readFileSync(join(root, f), 'utf8');
    // InitOutput (the raw wasm exports) is the one place `any` belongs.
    const api = text.replace(/export interface InitOutput \{[\s\S]*?\n\}/, '').replace(/\/\*[\s\S]*?\*\//g, '');
    assert.doesNotMatch(api, /\bany\b/, `${f} declares something as any`);
    assert.doesNotMatch(api, /\w: [^;?]*\| undefined\)/, `${f}: a parameter typed "| undefined" is still required`);
    assert.doesNotMatch(api, /\bMap</, `${f}: maps cross as plain objects`);
  }
  const core = readFileSync(join(root, 'pkg/stagecast.d.ts'), 'utf8');
  assert.match(core, /meetingValue\(model: ProcessModel, deal: Deal, milestoneId: string, options\?: ValueOptions\): MeetingValue;/);
});

test('the custom-elements manifest lists every element with its observed attributes, events and parts', async () => {
  const m = JSON.parse(readFileSync(join(root, 'pkg/custom-elements.json'), 'utf8'));
  assert.equal(m.schemaVersion, '1.0.0');
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'dist/custom-elements.json'), 'utf8')), m);
  const decls = m.modules.flatMap((x) => x.declarations.map((d) => ({ ...d, module: x.path })));
  const { ELEMENTS } = await import(join(root, 'pkg/elements.js'));
  assert.deepEqual(decls.map((d) => d.tagName).sort(), Object.keys(ELEMENTS).sort());
  for (const d of decls) {
    const cls = ELEMENTS[d.tagName];
    assert.equal(cls.name, d.name);
    assert.deepEqual(d.attributes.map((a) => a.name).sort(), [...cls.observedAttributes].sort(), d.tagName);
    for (const a of d.attributes) assert.ok(d.members.some((f) => f.name === a.fieldName), `${d.tagName}: no member for attribute ${a.name}`);
    assert.ok(d.members.some((f) => f.name === 'updateComplete'), d.tagName);
    assert.ok(d.events.some((e) => e.name === 'stagecast-error'), d.tagName);
    assert.ok(d.cssProperties.some((p) => p.name === '--stagecast-accent'), d.tagName);
    // Each part the manifest names is set by the element's source (or its
    // view, <module>-view.js, where the view ships with the analysis part).
    const view = join(root, 'www/src', d.module.replace(/\.js$/, '-view.js'));
    const src = readFileSync(join(root, 'www/src', d.module), 'utf8') + (existsSync(view) ? readFileSync(view, 'utf8') : '');
    for (const p of d.cssParts) assert.match(src, new RegExp(`part: '([\\w -]* )?${p.name}( [\\w -]*)?'`), `${d.tagName}: part ${p.name}`);
  }
});

test('the global declares what dist/stagecast.js defines: new Stagecast.Engine(model) works there', async () => {
  const vm = await import('node:vm');
  const ctx = vm.createContext({ URL, TextDecoder, TextEncoder, WebAssembly, FinalizationRegistry, console, Uint8Array });
  ctx.globalThis = ctx;
  vm.runInContext(readFileSync(join(root, 'dist/stagecast.js'), 'utf8'), ctx);
  const S = ctx.Stagecast;
  assert.throws(() => new S.Engine(S.defaultModel), /not ready yet/);
  await S.ready;
  const engine = new S.Engine(S.defaultModel());
  const lean = engine.scoreDeals([{ id: 'a', events: [{ milestone: 'need_confirmed' }] }]);
  assert.deepEqual(Object.keys(lean[0]).sort(), ['id', 'interval', 'probability']);
  const full = engine.scoreDeals([{ id: 'a' }], { detail: true });
  assert.ok(Array.isArray(full[0].next));
  engine.free();
  for (const name of ['ready', 'loadAnalysis', 'scriptUrl', 'i18n', 'store', 'defaultModel', 'scoreDeal', 'scoreDeals', 'meetingValue', 'rankMeetings', 'meetingPlan', 'validateModel', 'version', 'calibrate', 'forecast', 'evaluate']) {
    assert.ok(name in S, `Stagecast.${name}`);
  }
});
