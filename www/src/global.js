// Entry of dist/stagecast.js, the one-file classic script: defines the
// global `Stagecast` (the same functions as the ES module, plus `ready` and
// `scriptUrl`) and registers the custom elements. Loading it twice is
// harmless. The CSV import runs in a Web Worker started from
// stagecast-csv.js next to this script (a strict CSP blocks blob: workers,
// but allows a same-origin script URL).
import init, * as glue from '../../.build/pkg/stagecast.js';
import WASM_BASE64 from 'stagecast:wasm';
import { decodeBase64 } from './base64.js';
import { defineElements } from './elements.js';

(function install(g) {
  if (g.Stagecast && g.Stagecast.__stagecast) return;
  const script = typeof document !== 'undefined' ? document.currentScript : null;
  const api = { __stagecast: true, scriptUrl: script && script.src ? script.src : null };
  let loaded = false;
  for (const [name, fn] of Object.entries(glue)) {
    if (typeof fn !== 'function' || name === 'default' || name === 'initSync') continue;
    api[name] = function (...args) {
      if (!loaded) throw new Error('Stagecast is not ready yet: await Stagecast.ready first');
      return fn(...args);
    };
  }
  api.ready = init({ module_or_path: decodeBase64(WASM_BASE64) }).then(() => {
    loaded = true;
    return api;
  });
  g.Stagecast = api;
  if (typeof customElements !== 'undefined') {
    const csvUrl = api.scriptUrl ? new URL('stagecast-csv.js', api.scriptUrl).href : null;
    defineElements(api, () => api.ready, { worker: csvUrl ? () => new Worker(csvUrl) : null });
  }
})(globalThis);
