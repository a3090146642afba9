// The CSV worker of the ES package (pkg/csv-worker.js, a module worker):
// it loads the csv-feature wasm from pkg/csv/.
import init, * as glue from './csv/stagecast.js';
import { handleCsvMessage } from './csv-core.js';
import { IMPORT } from './i18n-import.js';

const api = { ...glue, ready: init() };
self.onmessage = handleCsvMessage(api, (m) => self.postMessage(m));
// The import's words first (i18n-import.js): the importer adds them.
self.postMessage({ type: 'strings', strings: IMPORT });
