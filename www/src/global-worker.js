// Entry of dist/stagecast-worker.js (issue 14.5): the analysis worker of the
// one-file build. stagecast.js starts it with new Worker(<its own
// folder>/stagecast-worker.js), a same-origin script a strict CSP
// (script-src 'self') allows; it loads stagecast.js (the widget's wasm:
// Engine, scoring) and stagecast-analysis.js (calibrate, evaluate,
// forecast...) from the same folder, and answers analysis-core.js's messages.
import { serveAnalysis } from './analysis-core.js';

const here = self.location.href;
const api = {};
try {
  importScripts(new URL('stagecast.js', here).href, new URL('stagecast-analysis.js', here).href);
  api.ready = Promise.all([self.Stagecast.ready, self.StagecastAnalysis]).then(([widget, analysis]) => {
    for (const [k, v] of Object.entries(widget)) if (typeof v === 'function') api[k] = v;
    for (const [k, v] of Object.entries(analysis)) if (typeof v === 'function') api[k] = v;
  });
} catch (err) {
  api.ready = Promise.reject(err);
  api.ready.catch(() => {});
}
self.onmessage = serveAnalysis(api, (m) => self.postMessage(m));
