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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => join(root, ...p);
const cargo = readFileSync(at('Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];

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
    './elements': './elements.js',
    './analysis': { types: './analysis/stagecast.d.ts', default: './analysis/stagecast.js' },
    './stagecast_bg.wasm': './stagecast_bg.wasm',
    './package.json': './package.json',
  },
  files: ['index.js', 'index.d.ts', 'stagecast.js', 'stagecast.d.ts', 'stagecast_bg.wasm', 'stagecast_bg.wasm.d.ts', 'analysis/', 'csv/', ...uiModules],
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
export * from './stagecast.js';
export { default } from './stagecast.js';
export { defineElements };
/** Resolves once the wasm is instantiated (fetching it next to this file if needed). */
export function ready() { return init().then(() => api); }
let analysis;
/** Loads the analysis part (calibrate, evaluate, crossValidate, forecast,
 * learnTiming, sellerSkills, what-ifs: its own wasm, fetched on first use)
 * and resolves to its functions. Also importable as 'stagecast/analysis'. */
export function loadAnalysis() {
  return (analysis ||= import('./analysis/stagecast.js').then(async (m) => { await m.default(); return m; }).catch((e) => { analysis = null; throw e; }));
}
if (typeof customElements !== 'undefined') defineElements(api, ready, { worker: () => new Worker(new URL('./csv-worker.js', import.meta.url), { type: 'module' }), analysis: loadAnalysis });
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
/** Registers the <stagecast-*> custom elements (done on import where customElements exists); options.worker starts the CSV import worker. */
export function defineElements(api: typeof import('./stagecast.js'), ready: () => Promise<unknown>, options?: { worker?: (() => Worker) | null; analysis?: () => Promise<unknown> }): void;
`,
);

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
// The names the analysis part exports: stagecast.js defines them as
// functions that say to load it first.
const analysisNames = [...readFileSync(at('.build/pkg-analysis/stagecast.js'), 'utf8').matchAll(/^export function (\w+)/gm)]
  .map((m) => m[1]).filter((n) => n !== 'initSync' && n !== 'version');
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
  writeFileSync(at(out), js.replace(PLACEHOLDER, () => bytesLiteral(readFileSync(at(wasmFile)))));
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
