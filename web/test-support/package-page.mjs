// The npm package's browser entry in a headless Chromium (or Firefox) page,
// for scripts that run lmzip in the browser outside the web demo (the
// determinism matrix's Chromium and Firefox columns, bench/wasm_speed.mjs
// --browser chromium). The package is served as published (npm/lib,
// npm/dist) from 127.0.0.1 and imported as a plain ES module; the page puts
// the module on window.lmzip.
//
//   const session = await openPackagePage({ title, routes, files, browser });
//   await session.page.evaluate(...);  // window.lmzip: the package
//   session.check();                   // throws on uncaught page errors
//   session.version                    // the browser's name/version
//   await session.close();
//
// browser: 'chromium' (default; Debian's /usr/bin/chromium driven by
// playwright-core from web/node_modules) or 'firefox' (Debian's
// /usr/bin/firefox-esr, or $FIREFOX, driven over WebDriver BiDi by
// puppeteer-core from tests/bundlers/node_modules: playwright drives only
// its own patched Firefox builds). session.page is the driver's page; both
// have evaluate(fn, arg).
//
// routes(req, res, url): the caller's own requests; return true when handled.
// files: {'/url/path': '/file/path'}, more files served as they are (e.g. a
// module the page imports).
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const page = (title) => `<!doctype html>
<meta charset="utf-8">
<title>${title}</title>
<script type="module">
  import * as lmzip from '/npm/lib/lmzip.mjs';
  window.lmzip = lmzip;
  window.ready = true;
</script>
`;

/** playwright-core from web/node_modules (the web demo's dev dependency). */
export function playwrightChromium() {
  return createRequire(join(ROOT, 'web', 'package.json'))('playwright-core').chromium;
}

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

/** puppeteer-core from tests/bundlers/node_modules (that suite's dev dependency). */
export function puppeteerCore() {
  return createRequire(join(ROOT, 'tests', 'bundlers', 'package.json'))('puppeteer-core');
}

/** Why the page cannot be opened here (a line to print), or null when it can. */
export function missingPrerequisite(browser = 'chromium') {
  if (browser === 'firefox') {
    if (!existsSync(FIREFOX)) return `${FIREFOX} not found (apt-get install firefox-esr, or set FIREFOX)`;
    if (!existsSync(join(ROOT, 'tests', 'bundlers', 'node_modules', 'puppeteer-core'))) {
      return 'tests/bundlers/node_modules/puppeteer-core missing (cd tests/bundlers && npm ci)';
    }
  } else {
    if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM)`;
    if (!existsSync(join(ROOT, 'web', 'node_modules', 'playwright-core'))) {
      return 'web/node_modules/playwright-core missing (cd web && npm ci)';
    }
  }
  if (!existsSync(join(ROOT, 'npm', 'dist', 'lmzip-simd.wasm'))) return 'npm/dist missing (make wasm)';
  return null;
}

export function sendFile(res, file) {
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

export async function openPackagePage({ title = 'lmzip', routes = () => false, files = {}, browser: kind = 'chromium' } = {}) {
  const serve = (req, res) => {
    const url = new URL(req.url, 'http://x');
    const fail = (status, text) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(text);
    };
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page(title));
      return;
    }
    if (routes(req, res, url)) return;
    if (Object.hasOwn(files, url.pathname)) return sendFile(res, files[url.pathname]);
    // The package's browser files only.
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (!/^npm\/(lib|dist)\/[\w.-]+$/.test(rel.split(sep).join('/'))) return fail(404, 'not found');
    const file = join(ROOT, rel);
    if (!existsSync(file) || !statSync(file).isFile()) return fail(404, 'not found');
    sendFile(res, file);
  };
  const server = createServer(serve);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    let version;
    if (kind === 'firefox') {
      browser = await puppeteerCore().launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
      version = await browser.version(); // e.g. firefox/153.8.0
    } else if (kind === 'chromium') {
      browser = await playwrightChromium().launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      version = `chromium/${browser.version()}`;
    } else {
      throw new Error(`openPackagePage: unknown browser ${kind}`);
    }
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    await tab.goto(`${base}/`);
    const ready = () => window.ready === true;
    await (kind === 'firefox' ? tab.waitForFunction(ready, { timeout: 60_000 }) : tab.waitForFunction(ready, null, { timeout: 60_000 }));
    return {
      page: tab,
      browser,
      version,
      base,
      check() {
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      },
      async close() {
        await browser.close();
        server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
