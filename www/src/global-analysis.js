// Entry of dist/stagecast-analysis.js: the analysis part of the one-file
// build (calibrate, evaluate, crossValidate, forecast, learnTiming,
// sellerSkills and the specialisation/retention/lifetime what-ifs), which
// managers need and the seller's calculator does not. stagecast.js loads it
// from its own folder on first use (Stagecast.loadAnalysis(), or an element
// that needs it), so the widget's first load stays small. Its wasm is
// inlined here; a same-origin script, which a strict CSP (script-src 'self')
// allows.
import init, * as glue from '../../.build/pkg-analysis/stagecast.js';
import WASM_BYTES from 'stagecast:wasm';
import { decodeBytesAsync } from './bytes.js';
import { PERIOD } from './i18n-period.js';
import { SCENARIOS } from './i18n-scenarios.js';
import { scenariosView } from './scenarios-view.js';

(function install(g) {
  if (g.StagecastAnalysis) return;
  // The period forecast's and the what-if board's words, into the elements'
  // dictionaries (stagecast.js's), and the board's view into its class.
  if (g.Stagecast && g.Stagecast.i18n && g.Stagecast.i18n.addStrings) {
    g.Stagecast.i18n.addStrings(PERIOD);
    g.Stagecast.i18n.addStrings(SCENARIOS);
  }
  if (g.Stagecast && typeof g.Stagecast.__addScenariosView === 'function') g.Stagecast.__addScenariosView(scenariosView);
  const api = {};
  for (const [name, fn] of Object.entries(glue)) {
    if (typeof fn === 'function' && name !== 'default' && name !== 'initSync') api[name] = fn;
  }
  // Decoded a slice per task: loaded while the page runs, it never blocks it for long.
  const ready = decodeBytesAsync(WASM_BYTES).then((bytes) => init({ module_or_path: bytes })).then(() => api);
  g.StagecastAnalysis = ready;
  if (g.Stagecast && typeof g.Stagecast.__analysisLoaded === 'function') g.Stagecast.__analysisLoaded(ready);
})(globalThis);
