// Builds what the browser loads, from wasm-bindgen's output in .build/pkg:
//  - pkg/: the npm package (ES modules: wasm-bindgen's glue, the element
//    definitions, an entry that registers them, package.json with exports);
//  - dist/stagecast.js: ONE classic script, wasm inlined as base64, which
//    defines the global `Stagecast` and registers the custom elements;
//  - dist/stagecast-analysis.js and dist/stagecast-csv.js, which it loads
//    from its own folder on first use (analysis part; CSV import worker).
// Prints raw and gzip sizes.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { bytesLiteral } from './src/bytes.js';
import { manifest } from './types/manifest.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => join(root, ...p);
const cargo = readFileSync(at('Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];

// --- TypeScript declarations ---------------------------------------------
// wasm-bindgen's stagecast.d.ts (tsify's types + the exports' signatures),
// made to say what the boundary does:
//  - an Option field that is always written is `null` when absent
//    (serde-wasm-bindgen writes None as null) and may be left out when read
//    (serde reads a missing Option as None): `name?: T | null`;
//  - maps cross as plain objects: `Record<string, T>`, not `Map`;
//  - a struct that flattens a tagged enum becomes an intersection (an
//    interface cannot extend a union);
//  - `Engine.scoreDeals` gets overloads: `Score[]` by default, `DealScore[]`
//    with `{ detail: true }`.
// Optional trailing parameters (`options?: X`) come from wasm-bindgen's
// `unchecked_optional_param_type` in src/wasm/mod.rs.
function fixDts(text, name) {
  const unions = new Set([...text.matchAll(/^export type (\w+) = .*\|/gm)].map((m) => m[1]));
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const ext = /^export interface (\w+) extends (\w+) \{$/.exec(lines[i]);
    if (ext && unions.has(ext[2])) {
      lines[i] = `export type ${ext[1]} = ${ext[2]} & {`;
      const end = lines.indexOf('}', i);
      if (end < 0) throw new Error(`${name}: no end to interface ${ext[1]}`);
      lines[end] = '};';
    }
  }
  let out = lines.join('\n')
    .replace(/^(\s+)(\w+): (.+) \| undefined;$/gm, '$1$2?: $3 | null;')
    .replace(/\bMap<string, /g, 'Record<string, ');
  const lean = '    scoreDeals(deals: Deal[], options?: ScoreOptions): Score[] | DealScore[];';
  if (out.includes('export class Engine')) {
    if (!out.includes(lean)) throw new Error(`${name}: Engine.scoreDeals' declaration changed; update fixDts in www/build.mjs`);
    out = out.replace(lean, [
      '    scoreDeals(deals: Deal[], options?: ScoreOptions & { detail?: false }): Score[];',
      '    scoreDeals(deals: Deal[], options: ScoreOptions & { detail: true }): DealScore[];',
      '    scoreDeals(deals: Deal[], options?: ScoreOptions): Score[] | DealScore[];',
    ].join('\n'));
  }
  return out;
}
for (const [from, to] of [['.build/pkg', 'pkg'], ['.build/pkg-analysis', 'pkg/analysis'], ['.build/pkg-csv', 'pkg/csv']]) {
  mkdirSync(at(to), { recursive: true });
  writeFileSync(at(to, 'stagecast.d.ts'), fixDts(readFileSync(at(from, 'stagecast.d.ts'), 'utf8'), `${to}/stagecast.d.ts`));
}
// The names the analysis part exports: stagecast.js defines them as
// functions that say to load it first.
const analysisNames = [...readFileSync(at('.build/pkg-analysis/stagecast.js'), 'utf8').matchAll(/^export function (\w+)/gm)]
  .map((m) => m[1]).filter((n) => n !== 'initSync' && n !== 'version');

// --- pkg/ -----------------------------------------------------------------
mkdirSync(at('pkg'), { recursive: true });
// The UI modules are plain ES modules with no imports outside www/src.
const uiModules = readdirSync(at('www/src')).filter((f) => f.endsWith('.js') && !f.startsWith('global'));
for (const f of uiModules) copyFileSync(at('www/src', f), at('pkg', f));
const pkgJson = {
  name: 'stagecast',
  version,
  description: 'Stage-based B2B deal probability, forecasts with ranges, meeting value and what-if scenarios. Runs in the browser; no data leaves the page.',
  license: 'MIT OR Apache-2.0',
  type: 'module',
  main: './index.js',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', default: './index.js' },
    './core': { types: './stagecast.d.ts', default: './stagecast.js' },
    './elements': { types: './elements.d.ts', default: './elements.js' },
    './analysis': { types: './analysis/stagecast.d.ts', default: './analysis/stagecast.js' },
    './csv': { types: './csv/stagecast.d.ts', default: './csv/stagecast.js' },
    './custom-elements.json': './custom-elements.json',
    './stagecast_bg.wasm': './stagecast_bg.wasm',
    './package.json': './package.json',
  },
  files: ['index.js', 'index.d.ts', 'elements.d.ts', 'custom-elements.json', 'stagecast.js', 'stagecast.d.ts', 'stagecast_bg.wasm', 'stagecast_bg.wasm.d.ts', 'analysis/', 'csv/', ...uiModules],
  customElements: 'custom-elements.json',
  sideEffects: ['./index.js'],
};
writeFileSync(at('pkg/package.json'), JSON.stringify(pkgJson, null, 2) + '\n');
writeFileSync(
  at('pkg/index.js'),
  `// ES entry: the wasm API, plus the custom elements where a DOM exists.
// Call \`await init()\` (browser, bundler) or \`initSync({ module: bytes })\`
// (Node) before calling the API; the elements initialise it themselves.
import init, * as api from './stagecast.js';
import { defineElements } from './elements.js';
import { AnalysisClient, asyncApi } from './analysis-client.js';
import { addStrings } from './i18n.js';
import { addScenariosView } from './scenarios.js';
import { withPacking, freeScoreDeals } from './pack.js';
export * from './stagecast.js';
/** The wasm \`Engine\`, with \`scoreDeals\`' fast path (pack.js): the same results. */
export const Engine = withPacking(api.Engine);
/** \`scoreDeals(model, deals)\`: a transient \`Engine\`'s detailed fast path (pack.js): the same results. */
export const scoreDeals = freeScoreDeals(Engine);
// The API with that Engine: what ready() resolves to and the elements use.
const packed = { ...api, Engine, scoreDeals };
export { default } from './stagecast.js';
export { defineElements };
/** Resolves once the wasm is instantiated (fetching it next to this file if needed). */
export function ready() { return init().then(() => packed); }
let analysis;
/** Loads the analysis part (calibrate, evaluate, crossValidate, forecast,
 * learnTiming, sellerSkills, what-ifs: its own wasm, fetched on first use)
 * and resolves to its functions. Also importable as 'stagecast/analysis'. */
export function loadAnalysis() {
  // With it, the period forecast's words (www/src/i18n-period.js) and the
  // what-if board's view and words (scenarios-view.js, i18n-scenarios.js).
  return (analysis ||= Promise.all([import('./analysis/stagecast.js').then(async (m) => { await m.default(); return m; }), import('./i18n-period.js').then((w) => addStrings(w.PERIOD)),
    import('./i18n-scenarios.js').then((w) => addStrings(w.SCENARIOS)), import('./scenarios-view.js').then((v) => addScenariosView(v.scenariosView))])
    .then(([m]) => m).catch((e) => { analysis = null; throw e; }));
}
let client;
const analysisClient = () => (client ||= new AnalysisClient(
  typeof Worker !== 'undefined' ? () => new Worker(new URL('./analysis-worker.js', import.meta.url), { type: 'module' }) : null,
  () => Promise.all([ready(), loadAnalysis()]).then(([w, a]) => ({ ...a, ...w }))));
let worker;
/** The analysis part in a Web Worker (one, shared): methods that return
 * promises (\`await (analysisWorker()).calibrate(model, history)\`), plus
 * \`call(fn, args, { onProgress })\` and \`score(model, deals, options)\`. */
export function analysisWorker() {
  return (worker ||= asyncApi(analysisClient(), ${JSON.stringify(analysisNames)}));
}
if (typeof customElements !== 'undefined') defineElements(packed, ready, { worker: () => new Worker(new URL('./csv-worker.js', import.meta.url), { type: 'module' }), analysis: loadAnalysis, analysisWorker: analysisClient });
`,
);
writeFileSync(
  at('pkg/index.d.ts'),
  `export * from './stagecast.js';
export { default } from './stagecast.js';
/** Resolves once the wasm is instantiated. */
export function ready(): Promise<typeof import('./stagecast.js')>;
/** Loads the analysis part (its own wasm) and resolves to its functions. */
export function loadAnalysis(): Promise<typeof import('./analysis/stagecast.js')>;
/** What every function and \`new Engine(...)\` throw: a JS \`Error\` whose message
 * starts with the bad field's path, with the error as data in \`detail\`. */
export interface StagecastError extends Error { detail: import('./stagecast.js').ErrorCode & { path: string } }
/** Progress of a long analysis call in the worker. */
export interface AnalysisProgress { stage: string; deals: number; done: boolean; ms?: number }
type Analysis = typeof import('./analysis/stagecast.js');
/** The analysis part in a Web Worker: each function, with its own types, returns a promise. */
export type AnalysisWorker = {
  [K in keyof Analysis]: Analysis[K] extends (...args: infer P) => infer R ? (...args: P) => Promise<R> : never;
} & {
  call<K extends keyof Analysis>(fn: K, args: Analysis[K] extends (...a: infer P) => unknown ? P : never, options?: { onProgress?: (p: AnalysisProgress) => void }): Promise<Analysis[K] extends (...a: never[]) => infer R ? R : never>;
  score(model: import('./stagecast.js').ProcessModel, deals: import('./stagecast.js').Deal[], options?: { detail?: boolean }): Promise<import('./stagecast.js').Score[] | import('./stagecast.js').DealScore[]>;
  terminate(): void;
};
export function analysisWorker(): AnalysisWorker;
// The <stagecast-*> elements (registered on import where customElements
// exists): their types, HTMLElementTagNameMap and the events' details.
export { defineElements } from './elements.js';
export type * from './elements.js';
`,
);
// The elements' hand-written declarations (www/types/) and the
// custom-elements manifest, for editors and framework tooling.
copyFileSync(at('www/types/elements.d.ts'), at('pkg/elements.d.ts'));
writeFileSync(at('pkg/custom-elements.json'), JSON.stringify(manifest(), null, 2) + '\n');

// --- dist/stagecast.js ------------------------------------------------------
// The wasm is inlined as a string with one character per byte (see
// www/src/bytes.js): esbuild bundles a placeholder, replaced afterwards so
// that its printer cannot re-escape the bytes.
const PLACEHOLDER = '__STAGECAST_WASM_BYTES__';
const inlineWasm = () => ({
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /^stagecast:wasm$/ }, () => ({ path: 'wasm', namespace: 'inline' }));
    b.onLoad({ filter: /.*/, namespace: 'inline' }, () => ({ contents: `export default ${JSON.stringify(PLACEHOLDER)};`, loader: 'js' }));
  },
});
mkdirSync(at('dist'), { recursive: true });
// dist/stagecast.d.ts declares the global `Stagecast` (www/types/global.d.ts)
// over the generated declarations and the elements', copied to dist/types/
// in the same layout as pkg/ (so elements.d.ts's imports resolve in both).
mkdirSync(at('dist/types/analysis'), { recursive: true });
mkdirSync(at('dist/types/csv'), { recursive: true });
for (const f of ['stagecast.d.ts', 'analysis/stagecast.d.ts', 'csv/stagecast.d.ts']) copyFileSync(at('pkg', f), at('dist/types', f));
copyFileSync(at('www/types/elements.d.ts'), at('dist/types/elements.d.ts'));
copyFileSync(at('www/types/global.d.ts'), at('dist/stagecast.d.ts'));
writeFileSync(at('dist/custom-elements.json'), JSON.stringify(manifest(), null, 2) + '\n');
for (const [entry, out, wasmFile, what] of [
  ['www/src/global.js', 'dist/stagecast.js', 'pkg/stagecast_bg.wasm', 'one-file build, wasm inlined'],
  ['www/src/global-analysis.js', 'dist/stagecast-analysis.js', 'pkg/analysis/stagecast_bg.wasm', 'analysis part, loaded by stagecast.js from the same folder on first use'],
  ['www/src/global-csv.js', 'dist/stagecast-csv.js', 'pkg/csv/stagecast_bg.wasm', 'CSV import worker, started by stagecast.js from the same folder'],
]) await build({
  entryPoints: [at(entry)],
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2020'],
  outfile: at(out),
  plugins: [inlineWasm()],
  // The glue's default wasm URL uses import.meta.url; the one-file script
  // always passes the inlined bytes, so that path is never taken.
  define: { 'import.meta.url': '"about:blank"', __ANALYSIS_NAMES__: JSON.stringify(analysisNames) },
  banner: { js: `/*! stagecast ${version} | ${what} | runs in the page, sends nothing */` },
  legalComments: 'none',
  logLevel: 'warning',
}).then(() => {
  const js = readFileSync(at(out), 'utf8');
  if (js.split(PLACEHOLDER).length !== 2) throw new Error(`${out}: the wasm placeholder must appear exactly once`);
  // UTF-8 with a byte order mark: browsers decode it as UTF-8 whatever the
  // host page's charset (the inlined bytes above 0x7F are not ASCII).
  writeFileSync(at(out), '\ufeff' + js.replace(PLACEHOLDER, () => bytesLiteral(readFileSync(at(wasmFile)))));
});

// dist/stagecast-worker.js (issue 14.5): the analysis worker; no wasm of its
// own (it loads stagecast.js and stagecast-analysis.js from its folder).
await build({
  entryPoints: [at('www/src/global-worker.js')],
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2020'],
  outfile: at('dist/stagecast-worker.js'),
  banner: { js: `/*! stagecast ${version} | analysis worker, started by stagecast.js from the same folder | runs in the page, sends nothing */` },
  legalComments: 'none',
  logLevel: 'warning',
});

const size = (p) => {
  const b = readFileSync(at(p));
  return `${p}: ${b.length.toLocaleString('en')} B raw, ${gzipSync(b, { level: 9 }).length.toLocaleString('en')} B gzip`;
};
console.log('[build] ' + size('pkg/stagecast_bg.wasm'));
console.log('[build] ' + size('dist/stagecast.js'));
console.log('[build] ' + size('pkg/analysis/stagecast_bg.wasm'));
console.log('[build] ' + size('dist/stagecast-analysis.js'));
console.log('[build] ' + size('pkg/csv/stagecast_bg.wasm'));
console.log('[build] ' + size('dist/stagecast-csv.js'));
console.log('[build] ' + size('dist/stagecast-worker.js'));
