// What the bundler and Firefox tests share: the browsers (Debian's
// /usr/bin/chromium and /usr/bin/firefox-esr, both driven by puppeteer-core:
// Chromium over CDP, Firefox over WebDriver BiDi), a page run that waits for
// `window.done`, and the native CLI's bytes to compare with.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../web/test-support/chromium.mjs';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const CLI = process.env.LMZIP_NATIVE_CLI || fileURLToPath(new URL('../../build/lmzip', import.meta.url));

/** Starts headless `kind` ('chromium' or 'firefox'). */
export function launch(kind) {
  if (kind === 'firefox') {
    return puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  }
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens `url` in a fresh browser context of `browser`, waits until the page
 * sets `window.done`; returns it with the page's uncaught errors, console
 * errors, `window.violations` (CSP, where the page collects them) and the
 * URLs the page (not its workers) requested.
 */
export async function runPage(browser, url, { timeout = 90_000 } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('request', (request) => requests.push(request.url()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.done !== undefined, { timeout, polling: 100 });
    const done = await page.evaluate(() => window.done);
    const violations = await page.evaluate(() => window.violations ?? []);
    return { done, errors, violations, requests };
  } finally {
    await context.close();
  }
}

/** The bytes of `lmzip -c [-LEVEL]` on `text` (level 0: the default level), as an array. */
export function nativeCompress(text, level) {
  const dir = mkdtempSync(join(tmpdir(), 'lmzip-bundlers-native-'));
  try {
    writeFileSync(join(dir, 'input'), text);
    const r = spawnSync(CLI, ['-c', ...(level ? [`-${level}`] : []), join(dir, 'input')], { maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`${CLI}: exit ${r.status}: ${r.stderr}`);
    return [...r.stdout];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The code a consumer project runs, in the page and in its module worker:
// compress TEXT at level 1 and at the default level, decompress, report.
// `specifier` is how it imports the package ('lmzip' with a bundler).
export const TEXT =
  'A paragraph compressed by a page that a bundler built from the npm package: the bytes it writes ' +
  'must be the bytes the native command line writes, in the page and in its module worker. ' +
  'Ünïcödé, 中文, emoji 🙂 included.\n';

export function runModule(specifier) {
  return `
import { compress, decompress, init, LmzipError } from ${JSON.stringify(specifier)};
export const TEXT = ${JSON.stringify(TEXT)};
export async function roundTrips() {
  const out = {};
  try {
    const { kernels } = await init();
    out.kernels = kernels;
    for (const level of [1, 0]) {
      const packed = await compress(TEXT, level ? { level } : {});
      const restored = new TextDecoder().decode(await decompress(packed));
      out[level] = { bytes: Array.from(packed), same: restored === TEXT };
    }
  } catch (error) {
    out.error = String(error?.name) + ' ' + (error?.code ?? '') + ': ' + error?.message + ' ' + (error?.cause ?? '');
    out.lmzip = error instanceof LmzipError;
  }
  return out;
}
`;
}

// The page: round trips in the page, then the same in a module worker
// (`new Worker(new URL(...), {type: 'module'})`, the form bundlers rewrite).
// The page imports run.js dynamically, so that a package that fails to load
// (or to evaluate: say, code from a string under a strict CSP) is reported
// on window.done at once instead of leaving the page without a result.
export const MAIN = `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.violations = violations;
function inWorker() {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => { resolve(event.data); worker.terminate(); };
    worker.onerror = (event) => resolve({ error: 'worker ErrorEvent: ' + (event.message || '(no message)') });
  });
}
(async () => {
  const { roundTrips } = await import('./run.js');
  const page = await roundTrips();
  const worker = await inWorker();
  window.done = { page, worker };
})().catch((error) => { window.done = { error: 'import or run failed: ' + error }; });
`;

export const WORKER = `
import { roundTrips } from './run.js';
roundTrips().then((result) => self.postMessage(result));
`;
