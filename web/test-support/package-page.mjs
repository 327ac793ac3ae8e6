// The npm package's browser entry in a headless Chromium page, for scripts
// that run lmzip in the browser outside the web demo (the determinism
// matrix's Chromium column, bench/wasm_speed.mjs --browser chromium). The
// package is served as published (npm/lib, npm/dist) from 127.0.0.1 and
// imported as a plain ES module; the page puts the module on window.lmzip.
//
//   const session = await openPackagePage({ title, routes, files });
//   await session.page.evaluate(...);  // window.lmzip: the package
//   session.check();                   // throws on uncaught page errors
//   await session.close();
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

/** Why the page cannot be opened here (a line to print), or null when it can. */
export function missingPrerequisite() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM)`;
  if (!existsSync(join(ROOT, 'web', 'node_modules', 'playwright-core'))) {
    return 'web/node_modules/playwright-core missing (cd web && npm ci)';
  }
  if (!existsSync(join(ROOT, 'npm', 'dist', 'lmzip-simd.wasm'))) return 'npm/dist missing (make wasm)';
  return null;
}

export function sendFile(res, file) {
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

export async function openPackagePage({ title = 'lmzip', routes = () => false, files = {} } = {}) {
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
    browser = await playwrightChromium().launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    await tab.goto(`${base}/`);
    await tab.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
    return {
      page: tab,
      browser,
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
