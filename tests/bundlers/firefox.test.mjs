// The browser entry in Firefox (SpiderMonkey) without a bundler, the compact
// form of web/test/package-pages.test.mjs: the `npm pack` tarball unpacked
// into a fresh project served as static files, a plain
// <script type="module"> that imports './node_modules/lmzip/lib/lmzip.mjs'
// (no import map), in the page and in a module Web Worker, with and without
// a strict Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`).
// At level 1 and the default level the bytes must equal the native CLI's
// and decompression must give the text back. Debian's firefox-esr, driven by
// puppeteer-core over WebDriver BiDi.
//
//   cd tests/bundlers && npm ci && node --test firefox.test.mjs   (or `make test-bundlers`)
// LMZIP_PACKAGE_TGZ=/path/lmzip-x.tgz runs them against another tarball;
// FIREFOX=/path/firefox another browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { packedProject, serveStatic } from '../../web/test-support/packed.mjs';
import { FIREFOX, launch, MAIN, nativeCompress, runModule, runPage, TEXT, WORKER } from './support.mjs';

const T = { timeout: 180_000 };
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

let project;
let browser;
const native = {};

before(async () => {
  assert.ok(existsSync(FIREFOX), `${FIREFOX} missing (apt-get install firefox-esr, or set FIREFOX)`);
  project = packedProject({
    'index.html': '<!doctype html><meta charset="utf-8"><title>lmzip, no bundler</title><script type="module" src="./main.js"></script>\n',
    'run.js': runModule('./node_modules/lmzip/lib/lmzip.mjs'),
    'main.js': MAIN,
    'worker.js': WORKER,
    'favicon.ico': '', // what the browser asks for: no 404 on the console
  });
  for (const level of [1, 0]) native[level] = nativeCompress(TEXT, level);
  browser = await launch('firefox');
  process.stderr.write(`[lmzip tests] ${await browser.version()}\n`);
});

after(async () => {
  await browser?.close();
  project?.remove();
});

for (const [name, headers] of [
  ['a plain static page', {}],
  [`under a strict CSP (${STRICT_CSP})`, { 'Content-Security-Policy': STRICT_CSP }],
]) {
  test(`Firefox: ${name} imports the browser entry with no bundler; page and module worker write the native bytes`, T, async () => {
    const server = await serveStatic(project.dir, { headers });
    try {
      const result = await runPage(browser, `${server.base}/`);
      const { done } = result;
      assert.equal(done.error, undefined, `the page failed: ${done.error}; errors: ${result.errors.join('; ')}`);
      for (const where of ['page', 'worker']) {
        const r = done[where];
        assert.equal(r.error, undefined, `${where}: ${r.error}; page errors: ${result.errors.join('; ')}`);
        assert.equal(r.kernels.startsWith('simd128'), true, `${where}: the SIMD build (${r.kernels})`);
        for (const level of [1, 0]) {
          const what = `${where}, level ${level || 'default'}`;
          assert.equal(r[level].same, true, `${what}: decompress(compress(text)) is the text`);
          assert.deepEqual(r[level].bytes, native[level], `${what}: the bytes equal the native CLI's`);
        }
      }
      assert.deepEqual(result.violations, [], 'no CSP violation');
      assert.deepEqual(result.errors, [], 'no page errors');
    } finally {
      await server.close();
    }
  });
}
