// The CSV worker of the ES package (pkg/csv-worker.js, a module worker next
// to the wasm glue). The one-file script acts as its own worker instead.
import init, * as glue from './stagecast.js';
import { handleCsvMessage } from './csv-core.js';

const api = { ...glue, ready: init() };
self.onmessage = handleCsvMessage(api, (m) => self.postMessage(m));
