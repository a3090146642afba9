// `make bench`: times wasm (in headless Chromium), the plain-JS baseline (same
// page, same data) and the same Rust compiled natively (examples/bench_native,
// release profile = the wasm's opt-level "z", and opt-level 3), alternating
// one call of each per round: wasm, js, native, native-o3, wasm, js, ...
// Ratios are medians of the per-round ratios; a ratio above 1 means wasm is
// faster. Writes bench/results.json and bench/RESULTS.md.
//
// BENCH_QUICK=1: fewer rounds (3, and 1 at a million deals).
// BENCH_ONLY=score-col,dist: only those cases.
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = !!process.env.BENCH_QUICK;
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--js-flags=--max-old-space-size=8192'];

// name, sizes, rounds (full, quick) per size.
const PLAN = [
  ['calibrate-col', [1e4, 1e5, 1e6]],
  ['calibrate-obj', [1e4, 1e5]],
  ['score-obj', [1e4, 1e5, 1e6]],
  ['score-col', [1e4, 1e5, 1e6]],
  ['score-col-free', [1e4, 1e5, 1e6]],
  ['dist', [1e2, 1e3, 1e4, 1e5]],
  ['whatif', [1e4]],
];
const rounds = (n, name) => (n >= 1e6 ? (name.startsWith('calibrate') || name.endsWith('-obj') ? 1 : QUICK ? 1 : 3) : n >= 1e5 ? (QUICK ? 3 : 5) : QUICK ? 5 : 11);
// Calibrating a million deals takes seconds per implementation: once each.
const skipInQuick = () => false;
const COLD_RUNS = QUICK ? 5 : 9;
const LABEL = {
  'calibrate-col': 'calibrate (columns)',
  'calibrate-obj': 'calibrate (objects)',
  'score-obj': 'scoreDeals (objects)',
  'score-col': 'ColumnScorer.scoreColumns (columns, compiled once)',
  'score-col-free': 'scoreColumns (columns, compiled per call)',
  dist: 'distribution',
  whatif: 'what-if recompute',
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtN = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`);

/** A native timing process: one `case n` line in, one JSON line out. */
function nativeRunner(bin) {
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.resolve(JSON.parse(l)));
  const fail = (e) => waiting.splice(0).forEach((w) => w.reject(e));
  child.on('error', fail);
  child.on('exit', (code) => fail(new Error(`${bin} exited (${code})`)));
  return {
    run(name, n) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${name} ${n}\n`);
      }).then((r) => r.ms);
    },
    close() {
      child.stdin.end();
    },
  };
}

function machine(chromiumVersion) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model;
  const mhz = /cpu MHz\s*:\s*(.*)/.exec(cpuinfo)?.[1];
  let load = '';
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {}
  return {
    nproc: Number(execFileSync('nproc').toString().trim()),
    cpu: model,
    mhz: mhz ? Number(mhz) : undefined,
    chromium: chromiumVersion,
    node: process.version,
    rustc: execFileSync('rustc', ['--version']).toString().trim(),
    loadAverageAtStart: load,
    date: new Date().toISOString(),
    quick: QUICK,
  };
}

async function main() {
  const natives = {
    native: nativeRunner(join(ROOT, 'target/release/examples/bench_native')),
    nativeO3: nativeRunner(join(ROOT, 'target/bench-o3/examples/bench_native')),
  };
  const { server, url } = await startServer({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'stagecast-bench-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const browserVersion = context.browser()?.version() ?? execFileSync(CHROMIUM, ['--version']).toString().trim();
  const results = { machine: machine(browserVersion), wasmVsJs: {}, wasmVsNative: {}, wasmVsNativeO3: {}, cases: {}, growth: {}, whatif: {}, coldStart: {}, attrs: {}, skipped: [] };
  try {
    // Cold start first, on fresh pages (no-store: the script is fetched every time).
    const cold = [];
    for (let i = 0; i < (ONLY && !ONLY.includes('cold') ? 0 : COLD_RUNS); i++) {
      const page = await context.newPage();
      await page.goto(`${url}/bench/cold.html`);
      await page.waitForFunction(() => window.coldStart, null, { timeout: 60000 });
      cold.push(await page.evaluate(() => window.coldStart));
      await page.close();
    }
    if (cold.some((c) => c.error)) throw new Error(`cold start failed: ${cold.find((c) => c.error).error}`);
    if (cold.length) results.coldStart = {
      fromNavigationMs: median(cold.map((c) => c.fromNavigation)),
      fromScriptStartMs: median(cold.map((c) => c.fromScriptStart)),
      n: cold.length,
      all: cold.map((c) => [round(c.fromNavigation), round(c.fromScriptStart)]),
    };
    if (cold.length) console.log(`cold start: ${results.coldStart.fromNavigationMs.toFixed(1)} ms from navigation, ${results.coldStart.fromScriptStartMs.toFixed(1)} ms from script start (median of ${cold.length})`);

    let page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const openBench = async () => {
      await page.goto(`${url}/bench/index.html`);
      await page.waitForFunction(() => window.benchReady, null, { timeout: 120000 });
    };
    await openBench();
    const available = await page.evaluate(() => bench.available());
    for (const [name, sizes] of PLAN) {
      if (ONLY && !ONLY.includes(name)) continue;
      if (!available.includes(name)) {
        results.skipped.push({ case: name, why: 'the wasm build has no export for it' });
        console.log(`${name}: skipped (no wasm export)`);
        continue;
      }
      for (const n of sizes) {
        const key = `${name}/${fmtN(n)}`;
        if (skipInQuick(name, n)) {
          results.skipped.push({ case: key, why: 'left out by BENCH_QUICK=1' });
          continue;
        }
        const R = rounds(n, name);
        const times = { wasm: [], js: [], native: [], nativeO3: [] };
        const impls = ['wasm', 'js', 'native', 'nativeO3'];
        const once = async (impl) => {
          if (impl === 'wasm' || impl === 'js') return page.evaluate(([c, k, i]) => bench.run(c, k, i), [name, n, impl]);
          return natives[impl].run(name, n);
        };
        try {
          // Warm-up (JIT, caches), not recorded; data is generated outside
          // the timing anyway. None at a million deals (one call is seconds).
          if (n < 1e6) for (const impl of impls) await once(impl);
          for (let r = 0; r < R; r++) for (const impl of impls) times[impl].push(await once(impl));
        } catch (e) {
          console.log(`${key}: failed (${e.message.split('\n')[0]})`);
          results.skipped.push({ case: key, why: e.message.split('\n')[0] });
          page = await context.newPage();
          await openBench();
          continue;
        }
        const ratio = (other) => median(times[other].map((t, i) => t / times.wasm[i]));
        const entry = { n, rounds: R };
        for (const impl of impls) entry[impl] = { medianMs: median(times[impl]), all: times[impl].map(round) };
        entry.wasmVsJs = ratio('js');
        entry.wasmVsNative = ratio('native');
        entry.wasmVsNativeO3 = ratio('nativeO3');
        results.cases[key] = entry;
        results.wasmVsJs[key] = round(entry.wasmVsJs);
        results.wasmVsNative[key] = round(entry.wasmVsNative);
        results.wasmVsNativeO3[key] = round(entry.wasmVsNativeO3);
        console.log(`${key.padEnd(20)} wasm ${entry.wasm.medianMs.toFixed(2).padStart(10)} ms  js ${entry.js.medianMs.toFixed(2).padStart(10)} ms  native ${entry.native.medianMs.toFixed(2).padStart(10)} ms  native-O3 ${entry.nativeO3.medianMs.toFixed(2).padStart(10)} ms  wasmVsJs ${entry.wasmVsJs.toFixed(2)}  wasmVsNative ${entry.wasmVsNative.toFixed(2)} (O3 ${entry.wasmVsNativeO3.toFixed(2)})  n=${R}`);
        await page.evaluate((k) => bench.forget(k), n);
      }
      // Growth: per-deal time at each size and the log-log slope (1 = linear).
      const pts = sizes.map((n) => results.cases[`${name}/${fmtN(n)}`]).filter(Boolean);
      if (pts.length >= 2 && name !== 'whatif') {
        const g = {};
        for (const impl of ['wasm', 'js', 'native']) {
          const xs = pts.map((p) => Math.log(p.n));
          const ys = pts.map((p) => Math.log(p[impl].medianMs));
          const mx = xs.reduce((a, b) => a + b) / xs.length;
          const my = ys.reduce((a, b) => a + b) / ys.length;
          let sxy = 0, sxx = 0;
          xs.forEach((x, i) => { sxy += (x - mx) * (ys[i] - my); sxx += (x - mx) ** 2; });
          g[impl] = { usPerDeal: Object.fromEntries(pts.map((p) => [fmtN(p.n), round((p[impl].medianMs * 1000) / p.n, 4)])), slope: round(sxy / sxx) };
        }
        results.growth[name] = g;
      }
    }
    if (!ONLY || ONLY.includes('attrs')) results.attrs = await attrsCase(url);
    const w = results.cases['whatif/10k'];
    if (w) results.whatif = { deals: 10000, wasmMs: w.wasm.medianMs, budgetMs: 16, withinBudget: w.wasm.medianMs <= 16 };
  } finally {
    await context.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    natives.native.close();
    natives.nativeO3.close();
  }
  if (ONLY) {
    // A partial run (BENCH_ONLY) updates its cases in the existing results.
    try {
      const old = JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8'));
      for (const k of ['wasmVsJs', 'wasmVsNative', 'wasmVsNativeO3', 'cases', 'growth']) results[k] = { ...old[k], ...results[k] };
      if (!ONLY.includes('whatif')) results.whatif = old.whatif;
      if (!ONLY.includes('attrs')) results.attrs = old.attrs || {};
      results.coldStart = old.coldStart;
      results.machine.partialRuns = [...(old.machine.partialRuns || []), { date: results.machine.date, only: ONLY, loadAverageAtStart: results.machine.loadAverageAtStart }];
      results.machine.date = old.machine.date;
      results.machine.loadAverageAtStart = old.machine.loadAverageAtStart;
    } catch {}
  }
  writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(ROOT, 'bench/RESULTS.md'), markdown(results));
  console.log('wrote bench/results.json and bench/RESULTS.md');
}

// ------------------------------------------------------------- attrs ----
// Issue 14's real shape: 50,000 closed deals with 9 categorical attributes
// (3 to 12 levels) calibrate in the analysis part, then `new
// Engine(model).scoreDeals(deals)` scores 20,000 open deals with those
// attributes. Every first call is made in a fresh browser context (a fresh
// page, a fresh wasm instance), and reported beside the median of the later
// calls in the same page; the same with no attributes, the detailed path
// (`{ detail: true }`), and the plain-JS twin (bench/js/plain.js Engine).
const ATTRS_HISTORY = 50000;
const ATTRS_OPEN = 20000;
const ATTRS_FRESH = QUICK ? 2 : 3;
const ATTRS_LATER = QUICK ? 5 : 9;

async function attrsCase(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const fresh = async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${url}/bench/attrs.html`);
    await page.waitForFunction(() => window.attrsReady, null, { timeout: 120000 });
    return { page, close: () => context.close() };
  };
  const out = { history: ATTRS_HISTORY, open: ATTRS_OPEN, freshPages: ATTRS_FRESH, laterCalls: ATTRS_LATER, calibrate: {}, cases: {} };
  try {
    const models = {};
    for (const shape of ['attrs', 'none']) {
      const { page, close } = await fresh();
      const c = await page.evaluate(([n, w]) => attrs.calibrate(n, w), [ATTRS_HISTORY, shape === 'attrs']);
      await close();
      models[shape] = c.model;
      out.calibrate[shape] = { ms: round(c.ms), effects: c.effects, states: c.states };
      console.log(`attrs: calibrate ${ATTRS_HISTORY / 1000}k closed deals (${shape === 'attrs' ? '9 attributes' : 'no attributes'}, wasm): ${c.ms.toFixed(0)} ms, ${c.effects} effects, ${c.states} states`);
    }
    const combos = [];
    for (const mode of ['lean', 'detail']) for (const shape of ['attrs', 'none']) for (const impl of ['wasm', 'js']) combos.push([mode, shape, impl]);
    const raw = {};
    for (let rep = 0; rep < ATTRS_FRESH; rep++) {
      for (const [mode, shape, impl] of combos) {
        const { page, close } = await fresh();
        try {
          const construct = await page.evaluate(([m, n, w, i, d]) => attrs.prepare(m, n, w, i, d), [models[shape], ATTRS_OPEN, shape === 'attrs', impl, mode === 'detail']);
          const first = await page.evaluate(() => attrs.run());
          const later = [];
          for (let r = 0; r < ATTRS_LATER; r++) later.push(await page.evaluate(() => attrs.run()));
          const e = ((raw[`${mode}/${shape}`] ||= {})[impl] ||= { construct: [], first: [], later: [] });
          e.construct.push(construct);
          e.first.push(first);
          e.later.push(median(later));
        } finally {
          await close();
        }
      }
    }
    const us = (msx) => round((msx * 1000) / ATTRS_OPEN, 3);
    for (const [key, impls] of Object.entries(raw)) {
      const c = {};
      for (const [impl, e] of Object.entries(impls)) {
        c[impl] = {
          firstUsPerDeal: us(median(e.first)),
          laterUsPerDeal: us(median(e.later)),
          constructMs: round(median(e.construct)),
          firstAll: e.first.map((x) => us(x)),
          laterAll: e.later.map((x) => us(x)),
        };
      }
      c.wasmVsJsFirst = round(c.js.firstUsPerDeal / c.wasm.firstUsPerDeal);
      c.wasmVsJsLater = round(c.js.laterUsPerDeal / c.wasm.laterUsPerDeal);
      out.cases[key] = c;
    }
    for (const mode of ['lean', 'detail']) {
      const a = out.cases[`${mode}/attrs`].wasm, n = out.cases[`${mode}/none`].wasm;
      out[`${mode}AttrsVsNone`] = { first: round(a.firstUsPerDeal / n.firstUsPerDeal), later: round(a.laterUsPerDeal / n.laterUsPerDeal) };
    }
    const lean = out.cases['lean/attrs'].wasm;
    out.targets = { firstAtMost10us: lean.firstUsPerDeal <= 10, laterAtMost5us: lean.laterUsPerDeal <= 5, attrsAtMost2xNone: out.leanAttrsVsNone.later <= 2 };
    for (const [key, c] of Object.entries(out.cases)) {
      console.log(`attrs ${key.padEnd(12)} wasm first ${c.wasm.firstUsPerDeal.toFixed(2).padStart(8)} µs/deal, later ${c.wasm.laterUsPerDeal.toFixed(2).padStart(7)}  js first ${c.js.firstUsPerDeal.toFixed(2).padStart(7)}, later ${c.js.laterUsPerDeal.toFixed(2).padStart(7)}  wasmVsJs later ${c.wasmVsJsLater.toFixed(2)}`);
    }
    console.log(`attrs: lean with/without attributes ${out.leanAttrsVsNone.later}x later, ${out.leanAttrsVsNone.first}x first; targets ${JSON.stringify(out.targets)}`);
  } finally {
    await browser.close();
  }
  return out;
}

function round(x, d = 3) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export function markdown(r) {
  const m = r.machine;
  const out = [];
  out.push('# Benchmark results', '');
  out.push(`Generated by \`make bench\`${m.quick ? ' (BENCH_QUICK=1)' : ''} on ${m.date}: ${m.nproc} cores, ${m.cpu}, ${m.chromium ? `Chromium ${m.chromium}` : ''}, Node ${m.node}, ${m.rustc}; load average at start ${m.loadAverageAtStart}. The machine is shared, so absolute times are noisy; ratios are medians of per-round ratios (wasm, JS, native, native -O3 timed one after the other in each round).`, '');
  if (m.partialRuns) out.push(`Cases re-run afterwards (after a change, same machine): ${m.partialRuns.map((p) => `${p.only.join(', ')} at ${p.date} (load ${p.loadAverageAtStart})`).join('; ')}.`, '');
  out.push('Times are medians in milliseconds. **vs JS** and **vs native** are how many times faster wasm is (above 1: wasm is faster). "native" is the same Rust built natively with the release profile the wasm uses (opt-level "z"); "-O3" with opt-level 3.', '');
  out.push('| case | deals | wasm | plain JS | native | native -O3 | vs JS | vs native | vs -O3 | rounds |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [key, c] of Object.entries(r.cases)) {
    const name = key.split('/')[0];
    out.push(`| ${LABEL[name] ?? name} | ${fmtN(c.n)} | ${ms(c.wasm.medianMs)} | ${ms(c.js.medianMs)} | ${ms(c.native.medianMs)} | ${ms(c.nativeO3.medianMs)} | ${c.wasmVsJs.toFixed(2)} | ${c.wasmVsNative.toFixed(2)} | ${c.wasmVsNativeO3.toFixed(2)} | ${c.rounds} |`);
  }
  out.push('');
  if (r.coldStart.n) out.push(`**Cold start** (fresh page, one-file script fetched without cache, compiled, instantiated, first \`scoreDeal\`): ${ms(r.coldStart.fromNavigationMs)} ms from navigation start, ${ms(r.coldStart.fromScriptStartMs)} ms from the script tag (median of ${r.coldStart.n}).`, '');
  if (r.whatif.deals) out.push(`**What-if** (a slider moves one milestone's prior on a calibrated model: rescore 10,000 deals through the columnar path and recompute the distribution against a target): ${ms(r.whatif.wasmMs)} ms in wasm, budget 16 ms: ${r.whatif.withinBudget ? 'met' : 'missed'}.`, '');
  if (r.attrs && r.attrs.cases) {
    const a = r.attrs;
    out.push(`**Real-shaped attributes** (issue 14): ${a.history.toLocaleString('en')} closed deals with 9 categorical attributes (3 to 12 levels, 58 values) calibrate in the analysis part (wasm, objects: ${ms(a.calibrate.attrs.ms)} ms, ${a.calibrate.attrs.effects} effects; without attributes ${ms(a.calibrate.none.ms)} ms, ${a.calibrate.none.effects} effects, the sellers'), then \`new Engine(model).scoreDeals(deals)\` scores ${a.open.toLocaleString('en')} open deals. **First** is the first call in a fresh browser context (median over ${a.freshPages} fresh pages); **later** the median of the next ${a.laterCalls} calls in the same page. Microseconds per deal; plain JS is bench/js/plain.js's \`Engine\` (the same work, compiled once too).`, '');
    out.push('| path | attributes | wasm first | wasm later | plain JS first | plain JS later | vs JS (later) | engine construction (wasm) |', '|---|---|---:|---:|---:|---:|---:|---:|');
    for (const [key, c] of Object.entries(a.cases)) {
      const [mode, shape] = key.split('/');
      out.push(`| ${mode === 'lean' ? 'lean' : '`{ detail: true }`'} | ${shape === 'attrs' ? '9' : 'none'} | ${c.wasm.firstUsPerDeal.toFixed(2)} | ${c.wasm.laterUsPerDeal.toFixed(2)} | ${c.js.firstUsPerDeal.toFixed(2)} | ${c.js.laterUsPerDeal.toFixed(2)} | ${c.wasmVsJsLater.toFixed(2)} | ${ms(c.wasm.constructMs)} ms |`);
    }
    out.push('', `With 9 attributes against none (wasm, lean): ${a.leanAttrsVsNone.later}x later, ${a.leanAttrsVsNone.first}x on the first call (detailed: ${a.detailAttrsVsNone.later}x, ${a.detailAttrsVsNone.first}x). Targets (lean, 9 attributes): first call <= 10 µs/deal ${a.targets.firstAtMost10us ? 'met' : 'missed'}, later <= 5 µs/deal ${a.targets.laterAtMost5us ? 'met' : 'missed'}, at most 2x no attributes ${a.targets.attrsAtMost2xNone ? 'met' : 'missed'}.`, '');
  }
  if (Object.keys(r.growth).length) {
    out.push('**Growth** (microseconds per deal at each size; slope of log time against log deals, 1 = linear):', '');
    out.push('| case | impl | µs per deal | slope |', '|---|---|---|---:|');
    for (const [name, g] of Object.entries(r.growth)) {
      for (const [impl, v] of Object.entries(g)) out.push(`| ${LABEL[name] ?? name} | ${impl} | ${Object.entries(v.usPerDeal).map(([k, x]) => `${k}: ${x}`).join(', ')} | ${v.slope} |`);
    }
    out.push('');
  }
  if (r.skipped.length) out.push(`Not measured: ${r.skipped.map((s) => `${s.case} (${s.why})`).join('; ')}.`, '');
  // The hand-written reading of the numbers (targets met or missed, and why).
  try {
    out.push(readFileSync(join(ROOT, 'bench/ANALYSIS.md'), 'utf8'));
  } catch {}
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--markdown') {
  // Rewrites bench/RESULTS.md from bench/results.json (after editing ANALYSIS.md).
  writeFileSync(join(ROOT, 'bench/RESULTS.md'), markdown(JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8'))));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
