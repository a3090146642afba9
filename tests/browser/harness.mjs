// Shared set-up of the browser tests: the demo server on a free port and a
// fresh headless Chromium (Debian's, driven by playwright-core). If Chromium
// cannot start, the tests fail: they are never skipped.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts server + browser. Returns { url, context, open, close }. */
export async function setup() {
  const { server, url } = await startServer({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'stagecast-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  } catch (e) {
    server.close();
    throw new Error(`Chromium could not start (${CHROMIUM}); browser tests cannot be skipped: ${e.message}`);
  }
  const origin = new URL(url).origin;
  /** Opens a page and records console errors, page errors and requests to other origins. */
  async function open(path, { viewport } = {}) {
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) problems.push(`request to another origin: ${r.url()}`);
    });
    const response = await page.goto(url + path);
    page.problems = problems;
    page.response = response;
    page.assertClean = () => assert.deepEqual(problems, [], problems.join('\n'));
    return page;
  }
  async function close() {
    await context.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { url, origin, context, open, close };
}

/** Saves a screenshot under tests/browser/screenshots/ (git-ignored) for people to look at. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
