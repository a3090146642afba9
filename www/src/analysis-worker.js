// The analysis worker of the ES package (pkg/analysis-worker.js, a module
// worker; issue 14.5): the widget's wasm (Engine, scoring) and the analysis
// part's wasm (pkg/analysis/), each fetched next to its module.
import init, * as widget from './stagecast.js';
import initAnalysis, * as analysis from './analysis/stagecast.js';
import { serveAnalysis } from './analysis-core.js';
import { withPacking, freeScoreDeals } from './pack.js';

// The Engine with scoreDeals' fast path (pack.js), as on the page.
const Engine = withPacking(widget.Engine);
const api = { ...analysis, ...widget, Engine, scoreDeals: freeScoreDeals(Engine) };
api.ready = Promise.all([init(), initAnalysis()]);
self.onmessage = serveAnalysis(api, (m) => self.postMessage(m));
