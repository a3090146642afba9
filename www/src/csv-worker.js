// The CSV worker of the ES package (pkg/csv-worker.js, a module worker):
// it loads the csv-feature wasm from pkg/csv/.
import init, * as glue from './csv/stagecast.js';
import { handleCsvMessage } from './csv-core.js';

const api = { ...glue, ready: init() };
self.onmessage = handleCsvMessage(api, (m) => self.postMessage(m));
