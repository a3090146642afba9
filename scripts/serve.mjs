// A small static server for the demo and the browser tests: www/ is the site
// root, dist/ and pkg/ are served at /dist/ and /pkg/, bench/ at /bench/. Every HTML page gets
// the strict CSP a CRM host would set, so the demo proves the widget works
// under it. No dependencies.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const MOUNTS = [
  ['/dist/', join(ROOT, 'dist')],
  ['/pkg/', join(ROOT, 'pkg')],
  ['/bench/', join(ROOT, 'bench')], // the benchmark pages (make bench)
  ['/', join(ROOT, 'www')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

async function resolveFile(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  for (const [prefix, dir] of MOUNTS) {
    if (!p.startsWith(prefix)) continue;
    let file = normalize(join(dir, p.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
      return file;
    } catch {
      return null;
    }
  }
  return null;
}

/** Starts the server; resolves to { server, url }. Port 0 picks a free port. */
export function startServer({ port = 8080, host = '127.0.0.1', log = false } = {}) {
  const server = createServer(async (req, res) => {
    const file = await resolveFile(req.url || '/');
    if (log) console.log(`${req.method} ${req.url} ${file ? 200 : 404}`);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    const type = TYPES[extname(file)] || 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (type.startsWith('text/html')) headers['content-security-policy'] = CSP;
    res.writeHead(200, headers);
    res.end(await readFile(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({ server, url: `http://${host}:${p}` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8080);
  const { url } = await startServer({ port, log: !!process.env.LOG });
  console.log(`stagecast demo: ${url}/  (seller calculator)`);
  console.log(`                ${url}/manager.html  (manager board)`);
  console.log(`                ${url}/embed.html  (CRM embedding, strict CSP)`);
  console.log('Ctrl-C stops it.');
}
