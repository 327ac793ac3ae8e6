// The npm package in the two bundlers most pages are built with, as a user
// gets it: the tarball of `npm pack` of npm/ in node_modules/lmzip of a fresh
// project (web/test-support/packed.mjs), an app that imports 'lmzip' in the
// page and in a module Web Worker, built for production by
//   - Vite (its JavaScript API: build(), then served by preview(); and its
//     dev server, with no configuration: the package goes through the
//     dependency optimizer), and
//   - webpack 5 (its Node API, mode 'production', no configuration for the
//     package; served as static files),
// and run in headless Chromium and in headless Firefox ESR (Debian's
// chromium and firefox-esr, both driven by puppeteer-core); the production
// builds are served under a strict Content-Security-Policy (`script-src
// 'self' 'wasm-unsafe-eval'`, as in Manifest V3 extensions). At level 1 and
// the default level, in the page and in the worker, the bytes must equal the
// native CLI's (`lmzip -c [-LEVEL] FILE`) and decompression must give the
// text back. The server has only the build's output, so every file the
// package needs (glue, .wasm, model) must have been emitted by the bundler;
// the test also looks for the package's .wasm and model among the build's
// files (by content: webpack names them by hash).
//
//   cd tests/bundlers && npm ci && node --test bundlers.test.mjs   (or `make test-bundlers`)
// LMZIP_PACKAGE_TGZ=/path/lmzip-x.tgz runs them against another tarball.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { build as viteBuild, createServer as viteDevServer, preview as vitePreview, version as viteVersion } from 'vite';
import webpack from 'webpack';
import { packedProject, serveStatic } from '../../web/test-support/packed.mjs';
import { launch, MAIN, nativeCompress, runModule, runPage, TEXT, WORKER } from './support.mjs';

const T = { timeout: 300_000 };
// The production builds are served under the policy of Manifest V3
// extension pages: no code from strings, from this origin only.
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const INDEX = '<!doctype html><meta charset="utf-8"><title>lmzip, bundled</title><script type="module" src="./src/main.js"></script>\n';

let project;
const browsers = {}; // kind -> promise of the browser, started on first use
const native = {};

before(() => {
  project = packedProject({
    'index.html': INDEX,
    'src/run.js': runModule('lmzip'),
    'src/main.js': MAIN,
    'src/worker.js': WORKER,
    'public/favicon.ico': '', // what the browser asks for (Vite copies public/): no 404 on the console
  });
  for (const level of [1, 0]) native[level] = nativeCompress(TEXT, level);
  process.stderr.write(`[lmzip tests] vite ${viteVersion}, webpack ${webpack.version}\n`);
});

after(async () => {
  for (const b of Object.values(browsers)) await (await b.catch(() => null))?.close();
  project?.remove();
});

async function browser(kind) {
  browsers[kind] ??= launch(kind).then(async (b) => {
    process.stderr.write(`[lmzip tests] ${kind}: ${await b.version()}\n`);
    return b;
  });
  return browsers[kind];
}

function once(fn) {
  let promise;
  return () => (promise ??= fn());
}

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

/** The page's and the worker's round trips: no error, the text back, the native bytes. */
function checkResult(result, { built = true } = {}) {
  assert.equal(result.done.error, undefined, `the page failed: ${result.done.error}; errors: ${result.errors.join('; ')}`);
  for (const where of ['page', 'worker']) {
    const r = result.done[where];
    assert.equal(r.error, undefined, `${where}: ${r.error}; page errors: ${result.errors.join('; ')}`);
    for (const level of [1, 0]) {
      const name = `${where}, level ${level || 'default'}`;
      assert.equal(r[level].same, true, `${name}: decompress(compress(text)) is the text`);
      assert.deepEqual(r[level].bytes, native[level], `${name}: the bytes equal the native CLI's`);
    }
  }
  assert.deepEqual(result.errors, [], 'no page errors');
  if (built) {
    assert.deepEqual(result.violations, [], 'no CSP violation');
    const fromPackage = result.requests.filter((url) => url.includes('node_modules'));
    assert.deepEqual(fromPackage, [], 'nothing fetched from node_modules');
  }
}

/** The bundler emitted the package's files (under any name): the SIMD .wasm and the standard model. */
function checkEmitted(outDir, list) {
  const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const emitted = new Set(list.map((f) => digest(join(outDir, f))));
  for (const file of ['lmzip-simd.wasm', 'default.lmzm']) {
    const packaged = join(project.dir, 'node_modules', 'lmzip', 'dist', file);
    assert.ok(emitted.has(digest(packaged)), `the package's dist/${file} is in the build: ${list.join(', ')}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// `vite build` with no configuration file, once for both browsers.
const viteOutput = once(async () => {
  const outDir = join(project.dir, 'dist-vite');
  const started = Date.now();
  await viteBuild({ root: project.dir, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const list = files(outDir);
  process.stderr.write(`[lmzip tests] vite build: ${Date.now() - started} ms: ${list.join(', ')}\n`);
  checkEmitted(outDir, list);
  return outDir;
});

// webpack 5, mode 'production', nothing configured for the package.
const webpackOutput = once(async () => {
  const outDir = join(project.dir, 'dist-webpack');
  const started = Date.now();
  const stats = await new Promise((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        context: project.dir,
        entry: './src/main.js',
        output: { path: outDir, filename: 'main.js', clean: true },
        performance: { hints: false },
        devtool: false,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  assert.equal(stats.hasErrors(), false, stats.toString({ all: false, errors: true }));
  if (stats.hasWarnings()) process.stderr.write(`[lmzip tests] webpack warnings: ${stats.toString({ all: false, warnings: true })}\n`);
  // The bundle's page (webpack writes no HTML without a plugin).
  writeFileSync(join(outDir, 'index.html'), INDEX.replace('./src/main.js', './main.js'));
  writeFileSync(join(outDir, 'favicon.ico'), '');
  const list = files(outDir);
  process.stderr.write(`[lmzip tests] webpack build: ${Date.now() - started} ms: ${list.join(', ')}\n`);
  checkEmitted(outDir, list);
  return outDir;
});

for (const kind of ['chromium', 'firefox']) {
  const name = kind === 'chromium' ? 'headless Chromium' : 'headless Firefox ESR';

  test(`Vite production build (vite build, vite preview) in ${name}: page and module worker write the native bytes`, T, async () => {
    const outDir = await viteOutput();
    const server = await vitePreview({
      root: project.dir,
      configFile: false,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: await freePort(), strictPort: true, open: false, headers: { 'Content-Security-Policy': STRICT_CSP } },
    });
    try {
      const result = await runPage(await browser(kind), server.resolvedUrls.local[0]);
      process.stderr.write(`[lmzip tests] vite, ${kind}: kernels ${result.done.page?.kernels} (page), ${result.done.worker?.kernels} (worker)\n`);
      checkResult(result);
    } finally {
      await server.close();
    }
  });

  test(`webpack 5 production build (no configuration for the package) in ${name}: page and module worker write the native bytes`, T, async () => {
    const outDir = await webpackOutput();
    const server = await serveStatic(outDir, { headers: { 'Content-Security-Policy': STRICT_CSP } });
    try {
      const result = await runPage(await browser(kind), `${server.base}/`);
      checkResult(result);
      const missing = server.responses.filter((r) => r.status !== 200);
      assert.deepEqual(missing, [], 'every request served from the build');
    } finally {
      await server.close();
    }
  });
}

test('Vite dev server (no configuration: the package pre-bundled by the dependency optimizer) in headless Chromium: page and module worker write the native bytes', T, async () => {
  const server = await viteDevServer({
    root: project.dir,
    configFile: false,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: await freePort(), strictPort: true, open: false },
  });
  try {
    await server.listen();
    const result = await runPage(await browser('chromium'), server.resolvedUrls.local[0]);
    checkResult(result, { built: false });
    const optimized = result.requests.filter((url) => url.includes('/node_modules/.vite/deps/lmzip'));
    assert.ok(optimized.length > 0, `the page imported the pre-bundled package: ${result.requests.join(', ')}`);
  } finally {
    await server.close();
  }
});
