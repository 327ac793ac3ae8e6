// The npm package's browser entry as a page without a bundler uses it: the
// tarball of `npm pack` unpacked into a fresh project, served as static
// files, and `import ... from './node_modules/lmzip/lib/lmzip.mjs'` in a
// plain <script type="module"> (no import map), under a strict
// Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`: no code
// from strings, as in Manifest V3 extensions) and inside a module Web
// Worker. Each page compresses a paragraph, decompresses it, and the bytes
// must equal the native CLI's (`lmzip -c [-LEVEL] FILE`). Counting the
// responses, it also checks what a page downloads before its first result.
//
// LMZIP_PACKAGE_TGZ=/path/lmzip-x.tgz runs the pages against another
// tarball (an older build, to see these tests fail on it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test-support/chromium.mjs';
import { packedProject, serveStatic } from '../test-support/packed.mjs';

const CLI = process.env.LMZIP_NATIVE_CLI || fileURLToPath(new URL('../../build/lmzip', import.meta.url));
const T = { timeout: 120_000 };
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

// A paragraph, as a page would compress it (no corpus file).
const TEXT =
  'Lossless compression predicts each bit of its input and spends on it what the prediction deserves. ' +
  'This paragraph is compressed by a page that loads the package straight from node_modules, with no ' +
  'bundler and no import map, under a policy that forbids evaluating strings as code — and the bytes it ' +
  'writes must be the bytes the native command line writes. Ünïcödé, 中文, emoji 🙂 included.\n';

// The page's code: one round trip, reported on window.done (or posted by
// the worker). Shared by the page and the worker.
const RUN = `
import { compress, decompress, LmzipError } from './node_modules/lmzip/lib/lmzip.mjs';
export const TEXT = ${JSON.stringify(TEXT)};
export async function roundTrip(level) {
  try {
    const packed = await compress(TEXT, level ? { level } : {});
    const restored = new TextDecoder().decode(await decompress(packed));
    return { bytes: Array.from(packed), same: restored === TEXT };
  } catch (error) {
    return { error: String(error?.name) + ' ' + (error?.code ?? '') + ': ' + error?.message, lmzip: error instanceof LmzipError };
  }
}
`;
// The threads page's input: TEXT repeated, in frames of 4 KiB.
const THREADS_REPEAT = 40;
const THREADS_FRAME = 4096;
const LEVEL = `const level = Number(new URLSearchParams(location.search).get('level')) || undefined;`;
const FILES = {
  'run.mjs': RUN,
  'index.html': '<!doctype html><meta charset="utf-8"><title>lmzip, no bundler</title><script type="module" src="./main.mjs"></script>\n',
  'main.mjs': `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.violations = violations;
${LEVEL}
import('./run.mjs').then(({ roundTrip }) => roundTrip(level)).then(
  (result) => { window.done = result; },
  (error) => { window.done = { error: 'import failed: ' + error } },
);
`,
  'worker.html': '<!doctype html><meta charset="utf-8"><title>lmzip in a module worker</title><script type="module" src="./main-worker.mjs"></script>\n',
  'main-worker.mjs': `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.violations = violations;
const worker = new Worker(new URL('./worker.mjs' + location.search, import.meta.url), { type: 'module' });
worker.onmessage = (event) => { window.done = event.data; };
worker.onerror = (event) => { window.done = { error: 'worker ErrorEvent: ' + (event.message || '(no message)') }; };
`,
  'worker.mjs': `
import { roundTrip } from './run.mjs';
${LEVEL}
roundTrip(level).then((result) => self.postMessage(result));
`,
  // The threads option: frames in module Web Workers the package starts
  // (lib/worker-browser.mjs), a byte range, and an error from a worker.
  'threads.html': '<!doctype html><meta charset="utf-8"><title>lmzip threads</title><script type="module" src="./main-threads.mjs"></script>\n',
  'main-threads.mjs': `
import { compress, decompress, decompressRange, readSeekTable, LmzipError } from './node_modules/lmzip/lib/lmzip.mjs';
import { TEXT } from './run.mjs';
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.violations = violations;
const input = new TextEncoder().encode(TEXT.repeat(${THREADS_REPEAT}));
const options = { level: 1, frameSize: ${THREADS_FRAME} };
(async () => {
  const one = await compress(input, options);
  const same = [];
  for (const threads of [2, 4, 0]) {
    const packed = await compress(input, { ...options, threads });
    same.push(packed.length === one.length && packed.every((b, i) => b === one[i]));
  }
  const restored = await decompress(one, { threads: 2 });
  const roundTrip = restored.length === input.length && restored.every((b, i) => b === input[i]);
  const frames = readSeekTable(one);
  const range = await decompressRange(one, 1000, 9000);
  const rangeOk = range.length === 8000 && range.every((b, i) => b === input[1000 + i]);
  const bad = one.slice();
  bad[frames[1].compressedOffset + frames[1].compressedSize - 1] ^= 0x55; // its CRC-32
  let workerError = null;
  try {
    await decompress(bad, { threads: 2 });
  } catch (e) {
    workerError = { code: e.code, lmzip: e instanceof LmzipError };
  }
  window.done = { bytes: Array.from(one), frames: frames.length, same, roundTrip, rangeOk, workerError };
})().catch((e) => { window.done = { error: String(e?.name) + ' ' + (e?.code ?? '') + ': ' + e?.message }; });
`,
};

function nativeCompress(text, level, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'lmzip-pages-native-'));
  try {
    writeFileSync(join(dir, 'input'), text);
    const r = spawnSync(CLI, ['-c', ...(level ? [`-${level}`] : []), ...extra, join(dir, 'input')], { maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`${CLI}: exit ${r.status}: ${r.stderr}`);
    return [...r.stdout];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let project;
let browser;

before(async () => {
  project = packedProject(FILES);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  project?.remove();
});

// Opens `page` (index.html or worker.html) at `level` from a server with
// `options` (serveStatic's), waits for the round trip; returns it with the
// page's errors, CSP violations and the server's responses.
async function runPage(page, level, options = {}) {
  const server = await serveStatic(project.dir, options);
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(String(error)));
  tab.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  try {
    await tab.goto(`${server.base}/${page}${level ? `?level=${level}` : ''}`);
    await tab.waitForFunction(() => window.done !== undefined, null, { timeout: 60_000 });
    const done = await tab.evaluate(() => window.done);
    const violations = await tab.evaluate(() => window.violations);
    return { ...done, errors, violations, responses: server.responses };
  } finally {
    await context.close();
    await server.close();
  }
}

function checkRoundTrip(result, level) {
  assert.equal(result.error, undefined, `the page failed: ${result.error} (page errors: ${result.errors.join('; ')})`);
  assert.equal(result.same, true, 'decompress(compress(text)) is the text');
  assert.deepEqual(result.bytes, nativeCompress(TEXT, level), `level ${level ?? 'default'}: the bytes equal the native CLI's`);
}

for (const level of [1, undefined]) {
  const name = level ? `level ${level}` : 'the default level';
  test(`a plain static page imports the browser entry with no bundler and no import map (${name})`, T, async () => {
    const result = await runPage('index.html', level);
    checkRoundTrip(result, level);
  });

  test(`under a strict CSP (script-src 'self' 'wasm-unsafe-eval'), no code from strings (${name})`, T, async () => {
    const result = await runPage('index.html', level, { headers: { 'Content-Security-Policy': STRICT_CSP } });
    checkRoundTrip(result, level);
    assert.deepEqual(result.violations, [], 'no CSP violation');
  });

  test(`in a module Web Worker under the strict CSP (${name})`, T, async () => {
    const result = await runPage('worker.html', level, { headers: { 'Content-Security-Policy': STRICT_CSP } });
    checkRoundTrip(result, level);
    assert.deepEqual(result.violations, [], 'no CSP violation');
  });
}

test('threads: frames in module Web Workers under the strict CSP: the native -T2 bytes, a round trip, a range, a worker\'s error', T, async () => {
  const result = await runPage('threads.html', undefined, { headers: { 'Content-Security-Policy': STRICT_CSP } });
  assert.equal(result.error, undefined, `the page failed: ${JSON.stringify(result.error)} (page errors: ${result.errors.join('; ')})`);
  assert.ok(result.frames > 1, 'several frames');
  assert.deepEqual(result.same, [true, true, true], 'threads 2, 4 and 0 write the bytes of threads 1');
  assert.deepEqual(
    result.bytes,
    nativeCompress(TEXT.repeat(THREADS_REPEAT), 1, [`--frame-size=${THREADS_FRAME}`, '-T2']),
    'the bytes equal the native CLI -T2',
  );
  assert.equal(result.roundTrip, true, 'decompress with threads: 2 round-trips');
  assert.equal(result.rangeOk, true, 'decompressRange is the slice');
  assert.deepEqual(result.workerError, { code: 'LMZ_ERR_CHECKSUM_MISMATCH', lmzip: true }, 'a damaged frame, from a worker');
  assert.deepEqual(result.violations, [], 'no CSP violation');
});

// What a page downloads before its first result, as a production server
// sends it (gzip for the code and the .wasm; the models as they are): the
// whole page, its JavaScript, one .wasm and the models the level needs.
// The default level's limit was 1,000,000 with the 0.7 MB GRU-256, then
// 2,300,000 with the 2.0 MB gru-ngram-bittree-256; model file version 2
// (sparse n-gram tables) and the 1.6 MB standard model bring it to
// 1,900,000 (models/MODEL.md).
const BUDGET = [
  { level: 1, limit: 300_000, models: [] },
  { level: undefined, limit: 1_900_000, models: ['default.lmzm'] },
];
for (const { level, limit, models } of BUDGET) {
  const name = level ? `level ${level}` : 'the default level';
  test(`a page fetches at most ${limit / 1000} KB before its first ${name} result, and only the models it needs`, T, async () => {
    const result = await runPage('index.html', level, { gzip: true });
    checkRoundTrip(result, level);
    const ok = result.responses.filter((r) => r.status === 200);
    const sent = ok.reduce((sum, r) => sum + r.bytes, 0);
    const raw = ok.reduce((sum, r) => sum + r.size, 0);
    process.stderr.write(
      `[lmzip tests] ${name}: ${sent} bytes fetched before the first result (${raw} uncompressed): ` +
        `${ok.map((r) => `${r.path.replace('/node_modules/lmzip/', '')} ${r.bytes}`).join(', ')}\n`,
    );
    const fetchedModels = ok.filter((r) => r.path.endsWith('.lmzm')).map((r) => r.path.split('/').pop());
    assert.deepEqual(fetchedModels, models, 'the models fetched');
    assert.equal(ok.filter((r) => r.path.endsWith('.wasm')).length, 1, 'one .wasm');
    assert.ok(sent <= limit, `${sent} bytes > ${limit}`);
  });
}
