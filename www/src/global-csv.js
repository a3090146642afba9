// Entry of dist/stagecast-csv.js: the CSV import worker of the one-file
// build. stagecast.js starts it with new Worker(<its own folder>/stagecast-csv.js):
// a same-origin script URL, which a strict CSP (script-src 'self') allows
// where a blob: worker is blocked. Its wasm (inlined) has the csv feature.
import init, * as glue from '../../.build/pkg-csv/stagecast.js';
import WASM_BYTES from 'stagecast:wasm';
import { decodeBytes } from './bytes.js';
import { handleCsvMessage } from './csv-core.js';
import { IMPORT } from './i18n-import.js';

const api = { ...glue, ready: init({ module_or_path: decodeBytes(WASM_BYTES) }) };
self.onmessage = handleCsvMessage(api, (m) => self.postMessage(m));
// The import's words first (i18n-import.js): the importer adds them.
self.postMessage({ type: 'strings', strings: IMPORT });
