// End-to-end tests of the web demo in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). They serve web/ with
// serve.mjs, use the page as a person would (examples, typing, file picker,
// drag and drop, keyboard, a phone-sized screen) and check what it shows
// against the native CLI: the downloaded .lmz must be byte for byte what
// `lmzip -c -LEVEL` writes for the same input.
//
//   cd web && npm ci && npm test      (or `make test-web` from the top)
// Environment: LMZIP_NATIVE_CLI (default ../build/lmzip), CHROMIUM
// (default /usr/bin/chromium).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from '../build.mjs';
import { startServer } from '../serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../test-support/chromium.mjs';
import { init as lmzipInit, levels as lmzipLevels } from '../../npm/lib/node.mjs';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(WEB, '..');
const CLI = process.env.LMZIP_NATIVE_CLI || join(ROOT, 'build', 'lmzip');
// The committed pictures are rewritten only on request (LMZIP_SCREENSHOTS=1):
// otherwise every test run would leave the checkout modified.
const SCREENSHOTS = join(WEB, process.env.LMZIP_SCREENSHOTS === '1' ? 'screenshots' : 'test-output');
const EXAMPLES = [
  { key: 'english', file: 'english.txt' },
  { key: 'chinese', file: 'chinese.txt' },
  { key: 'code', file: 'code.js' },
  { key: 'json', file: 'data.json' },
];
const T = { timeout: 180_000 };

let server;
let baseUrl;
let profile;
let context;
let page;
let manifest;
const pageErrors = [];
const timings = [];

// ------------------------------------------------------------------ helpers

function native(args, input) {
  const r = spawnSync(CLI, args, { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${CLI} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

// From a file, not a pipe: the CLI then knows the size and sizes its tables
// as the page's compress() does.
function nativeCompress(bytes, level = 6, args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'lmzip-e2e-native-'));
  try {
    writeFileSync(join(dir, 'input'), bytes);
    return native(['-c', `-${level}`, ...args, join(dir, 'input')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const num = (text) => Number(text.replace(/[^0-9.]/g, ''));
const utf8 = (s) => new TextEncoder().encode(s);

// Real text of known provenance for the timing runs: this repository's own
// documentation and sources, concatenated (no corpus files).
function repoText(size) {
  const files = ['README.md', 'docs/FORMAT.md', 'docs/MODEL_FORMAT.md', 'npm/README.md'];
  for (const dir of ['src', 'src/cli', 'src/nn', 'npm/lib', 'tests', 'npm/test', 'bench', 'train']) {
    if (!existsSync(join(ROOT, dir))) continue;
    for (const f of readdirSync(join(ROOT, dir)).sort()) if (/\.(h|cpp|mjs|ts|py|sh)$/.test(f)) files.push(`${dir}/${f}`);
  }
  const all = Buffer.concat(files.filter((f) => existsSync(join(ROOT, f))).map((f) => readFileSync(join(ROOT, f))));
  assert.ok(all.length >= size, `only ${all.length} bytes of repository text`);
  let end = size;
  while ((all[end] & 0xc0) === 0x80) end--; // whole UTF-8 characters
  return all.subarray(0, end).toString('utf8').replace(/\r\n?/g, '\n');
}

// Runs `action` (a click, a drop...) and waits for the job it starts to end.
async function settle(action) {
  const before = await page.evaluate(() => Number(document.body.dataset.done ?? 0));
  await action();
  await page.waitForFunction(
    (b) => Number(document.body.dataset.done ?? 0) > b && document.body.dataset.busy === 'false',
    before,
    { timeout: 170_000 },
  );
}

// Puts `text` in the text box as a paste would (one input event):
// page.fill() types large texts far too slowly.
async function paste(text) {
  await page.evaluate((value) => {
    const box = document.getElementById('text');
    box.focus();
    box.value = value;
    box.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}

async function waitIdle() {
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && document.body.dataset.model === 'ready', null, {
    timeout: 170_000,
  });
}

async function shownMessage() {
  return (await page.locator('#message').isVisible()) ? page.locator('#message').textContent() : null;
}

async function results() {
  return page.evaluate(() => {
    const row = (id) => {
      const r = document.getElementById(id);
      const cell = (c) => r.querySelector(`.${c}`).textContent;
      return { bytes: cell('bytes'), ratio: cell('ratio'), bpb: cell('bpb'), time: cell('time'), ms: Number(r.dataset.ms) };
    };
    return {
      original: row('row-original'),
      lmzip: row('row-lmzip'),
      gzip: row('row-gzip'),
      deflateRaw: row('row-deflate-raw'),
      level: document.querySelector('#row-lmzip .level-tag').textContent,
    };
  });
}

async function download(selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), bytes: new Uint8Array(readFileSync(await dl.path())) };
}

// Checks what the page shows after compressing `input` at `level`, against
// the native CLI; returns the numbers.
async function checkCompression(input, level, name) {
  await waitIdle();
  assert.equal(await shownMessage(), null, 'no error shown');
  const shown = await results();
  const expected = nativeCompress(input, level);
  const lmz = await download('#download-lmz');
  assert.equal(lmz.name, `${name}.lmz`);
  assert.deepEqual(lmz.bytes, expected, 'the downloaded .lmz equals the native CLI output');
  // The figures on the page are those of these bytes.
  assert.equal(shown.level, `level ${level}`);
  assert.equal(num(shown.original.bytes), input.length);
  assert.equal(num(shown.lmzip.bytes), expected.length);
  assert.equal(shown.lmzip.ratio, `${(input.length / expected.length).toFixed(2)}×`);
  assert.equal(shown.lmzip.bpb, ((8 * expected.length) / input.length).toFixed(3));
  assert.ok(shown.lmzip.ms > 0 && /\d/.test(shown.lmzip.time));
  // The browser's gzip and deflate-raw: the sizes shown are what
  // CompressionStream makes of the same bytes, close to zlib's (Chromium has
  // its own zlib variant); the ratio shown is computed from the size shown.
  const browserSizes = await page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const size = async (format) =>
      (await new Response(new Blob([data]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer()).byteLength;
    return { gzip: await size('gzip'), deflateRaw: await size('deflate-raw') };
  }, Buffer.from(input).toString('base64'));
  for (const [row, browser, ref] of [
    [shown.gzip, browserSizes.gzip, zlib.gzipSync(input).length],
    [shown.deflateRaw, browserSizes.deflateRaw, zlib.deflateRawSync(input).length],
  ]) {
    const size = num(row.bytes);
    assert.equal(size, browser);
    assert.ok(Math.abs(size - ref) <= Math.max(16, ref * 0.1), `browser ${size} bytes vs zlib ${ref}`);
    assert.equal(row.ratio, `${(input.length / size).toFixed(2)}×`);
  }
  // The heatmap: one span per character, and the costs add up to the output.
  await page.waitForSelector('#heatmap[data-rendered="true"]');
  const heat = await page.evaluate(() => ({
    spans: document.querySelectorAll('#heatmap span[data-i]').length,
    chars: Number(document.getElementById('heatmap').dataset.chars),
    costBits: Number(document.getElementById('heatmap-summary').dataset.costBits),
    visible: !document.getElementById('heatmap-section').hidden,
  }));
  assert.ok(heat.visible);
  const text = new TextDecoder().decode(input);
  if (input.length <= 200_000) assert.equal(heat.spans, [...text].length, 'one heatmap cell per character');
  assert.equal(heat.chars, heat.spans);
  const costBytes = heat.costBits / 8;
  assert.ok(costBytes <= expected.length && costBytes >= expected.length * 0.99 - 40,
    `sum of costs ${costBytes.toFixed(1)} bytes vs ${expected.length} bytes of output`);
  return { shown, expected };
}

async function verifyRoundTrip(size) {
  await settle(() => page.click('#verify'));
  assert.match(await page.textContent('#verify-result'), new RegExp(`^identical, ${size} bytes`));
}

// A file dropped on the page, as a person would drag it from the desktop.
async function dropFile(name, bytes) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const bin = atob(base64);
      const data = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name));
      return dt;
    },
    { name, base64: Buffer.from(bytes).toString('base64') },
  );
  await page.dispatchEvent('#drop', 'dragenter', { dataTransfer });
  await page.dispatchEvent('#drop', 'dragover', { dataTransfer });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });
}

// A file chosen with the file picker.
async function pickFile(name, bytes) {
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
}

// --------------------------------------------------------------- lifecycle

before(async () => {
  assert.ok(existsSync(CLI), `native CLI ${CLI} (make)`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`);
  manifest = await build({ quiet: true });
  ({ server, url: baseUrl } = await startServer({ port: 0, quiet: true }));
  profile = mkdtempSync(join(tmpdir(), 'lmzip-web-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (timings.length) {
    const lines = [
      'Compression time in headless Chromium (level 6, compressWithCosts in a Web Worker, WebAssembly ' +
        `${timings[0].simd ? 'SIMD' : 'scalar'}) vs the native CLI (process included):`,
      '  input      lmzip bytes   bits/byte   browser                 native CLI   longest main-thread stall',
      ...timings.map(
        (t) =>
          `  ${String(t.label).padEnd(9)}  ${String(t.bytes).padStart(11)}   ${t.bpb.padStart(9)}   ` +
          `${(t.ms.toFixed(0) + ' ms').padStart(8)} ${(`(${t.kbps} KB/s)`).padStart(12)}   ${(t.nativeMs.toFixed(0) + ' ms').padStart(10)}   ` +
          `${t.maxMainThreadGapMs} ms`,
      ),
    ];
    console.log(lines.join('\n'));
    mkdirSync(join(WEB, 'test-output'), { recursive: true });
    writeFileSync(join(WEB, 'test-output', 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
  }
});

// -------------------------------------------------------------------- tests

test('the page loads the model once, says how big it is, then takes it from the cache', T, async () => {
  const modelBytes = manifest.files['default.lmzm'].bytes;
  // As the page writes sizes: KB below 1 MiB, else MB with one decimal.
  const sizeText = modelBytes < 1 << 20 ? `${Math.round(modelBytes / 1024)} KB` : `${(modelBytes / (1 << 20)).toFixed(1)} MB`;
  // Record every status line the page shows while it starts.
  await page.addInitScript(() => {
    window.__statusLog = [];
    document.addEventListener('DOMContentLoaded', () => {
      const status = document.getElementById('model-status');
      new MutationObserver(() => window.__statusLog.push(status.textContent)).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
  });
  const modelRequests = [];
  page.on('request', (r) => {
    if (r.url().includes('default.lmzm')) modelRequests.push(r.url());
  });

  await page.goto(baseUrl);
  await page.waitForSelector('body[data-model="ready"]');
  const log = await page.evaluate(() => window.__statusLog);
  assert.ok(log.some((s) => s.startsWith(`Loading the neural model (${sizeText})`)), `status lines: ${log.join(' | ')}`);
  let status = await page.textContent('#model-status');
  assert.match(status, new RegExp(`^Model ready: ${sizeText} \\(id ${manifest.files['default.lmzm'].modelId}\\), loaded from the network, now cached`));
  assert.equal(modelRequests.length, 1);

  await page.reload();
  await page.waitForSelector('body[data-model="ready"]');
  status = await page.textContent('#model-status');
  assert.match(status, new RegExp(`^Model ready: ${sizeText} .*loaded from the browser cache`));
  assert.equal(modelRequests.length, 1, 'the model was not downloaded again');
  assert.equal(await page.inputValue('#level'), '6', 'default level');
});

for (const { key, file } of EXAMPLES) {
  test(`example ${key}: one click compresses it to the native CLI's bytes; decompress verifies`, T, async () => {
    const input = new Uint8Array(readFileSync(join(WEB, 'examples', file)));
    await settle(() => page.click(`[data-example="${key}"]`));
    assert.equal(await page.inputValue('#text'), new TextDecoder().decode(input), 'the text box holds the example');
    await checkCompression(input, 6, file);
    await verifyRoundTrip(input.length);
  });
}

test('the heatmap shows each character\'s cost on hover and with the keyboard; screenshot', T, async () => {
  const input = new Uint8Array(readFileSync(join(WEB, 'examples', 'english.txt')));
  await settle(() => page.click('[data-example="english"]'));
  await checkCompression(input, 6, 'english.txt');
  // Hover: the 5th character of "It is a truth" is 's'.
  await page.hover('#heatmap span[data-i="4"]');
  await page.waitForSelector('#tip:not([hidden])');
  const tip = await page.textContent('#tip');
  assert.match(tip, /^“s” U\+0073 at byte 4: \d+\.\d\d bits$/);
  assert.equal(await page.textContent('#heat-readout'), tip);
  // Keyboard: focus the heatmap, move with the arrow keys.
  await page.focus('#heatmap');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#heat-readout'), /^“ ”|^space U\+0020 at byte 2: /);
  await page.keyboard.press('End');
  assert.match(await page.textContent('#heat-readout'), /^newline U\+000A at byte 1,196: /);
  // The legend has every color class.
  assert.equal(await page.locator('#legend li').count(), 10);
  // The screenshot for the README: the heatmap on real text, a value hovered.
  await page.evaluate(() => document.activeElement.blur());
  await page.hover('#heatmap span[data-i="160"]');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'heatmap.png'), fullPage: true });
});

test('Chinese: a character\'s cost is the sum of its three UTF-8 bytes', T, async () => {
  await settle(() => page.click('[data-example="chinese"]'));
  await page.hover('#heatmap span[data-i="0"]');
  const tip = await page.textContent('#heat-readout');
  const m = tip.match(/^“子” U\+5B50 at byte 0: (\d+\.\d\d) bits \(3 bytes: (\d+\.\d\d) \+ (\d+\.\d\d) \+ (\d+\.\d\d)\)$/);
  assert.ok(m, tip);
  const sum = Number(m[2]) + Number(m[3]) + Number(m[4]);
  assert.ok(Math.abs(sum - Number(m[1])) <= 0.015, tip);
});

test('the level selector describes each level from the package\'s level table', T, async () => {
  await lmzipInit({ model: null, largeModel: null, smallModel: null });
  const table = lmzipLevels();
  const options = await page.$$eval('#level option', (list) => list.map((o) => [o.value, o.textContent]));
  assert.deepEqual(options, table.map((r) => [String(r.level), `${r.level}${r.isDefault ? ' (default)' : ''}`]));
  const startSlot = table.find((r) => r.isDefault).model;
  for (const row of table) {
    await page.selectOption('#level', String(row.level));
    const text = await page.textContent('#level-info');
    assert.ok(text.startsWith(row.summary), `level ${row.level}: ${text}`);
    assert.match(text, /MB of memory$/);
    // The models of other slots than the start one are loaded on first use.
    const later = row.model !== 'none' && row.model !== startSlot;
    assert.equal(text.includes('loads on first use'), later, `level ${row.level}: ${text}`);
  }
  await page.selectOption('#level', String(table.find((r) => r.isDefault).level));
});

test('typed text and other levels (1 and 9) match the native CLI', T, async () => {
  const text = 'The quick brown fox jumps over the lazy dog. 敏捷的棕色狐狸跳过了懒狗。\n'.repeat(3) + 'Ünïcödé ✓ 🚀\n';
  await page.fill('#text', '');
  await page.type('#text', text.slice(0, 40)); // typed as keystrokes
  await page.fill('#text', text);
  for (const level of [1, 9]) {
    await page.selectOption('#level', String(level));
    assert.match(await page.textContent('#level-info'), /MB of memory/);
    await settle(() => page.click('#compress'));
    await checkCompression(utf8(text), level, 'text.txt');
    await verifyRoundTrip(utf8(text).length);
    // Its model, if it needed one, is loaded now.
    assert.doesNotMatch(await page.textContent('#level-info'), /loads on first use/);
  }
  assert.match(await page.textContent('#model-status'), / · large neural model of levels 8–9 loaded \(network, now cached\)$/);
  await page.selectOption('#level', '6');
});

test('any file: a binary file from the picker compresses to the native bytes', T, async () => {
  const bytes = new Uint8Array(6000);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = i % 3 === 0 ? x >>> 24 : 'abc\x00\xff'.charCodeAt(i % 5); // some structure, some noise
  }
  await settle(() => pickFile('sample.bin', bytes));
  await checkCompression(bytes, 6, 'sample.bin');
  assert.equal(await page.textContent('#file-name'), 'sample.bin');
  assert.ok(await page.locator('#text').isDisabled());
  await verifyRoundTrip(bytes.length);
  await page.click('#file-clear');
  assert.ok(await page.locator('#text').isEnabled());
});

test('dropping a .lmz written by the native CLI decompresses it and offers the original', T, async () => {
  const original = new Uint8Array(readFileSync(join(WEB, 'examples', 'data.json')));
  const lmz = nativeCompress(original, 4);
  await settle(() => dropFile('data.json.lmz', lmz));
  assert.equal(await shownMessage(), null);
  await page.waitForSelector('#opened:not([hidden])');
  assert.match(await page.textContent('#opened-info'), new RegExp(`^data\\.json\\.lmz: ${lmz.length.toLocaleString('en-US')} bytes → ${original.length.toLocaleString('en-US')} bytes \\(level 4\\)`));
  const out = await download('#download-original');
  assert.equal(out.name, 'data.json');
  assert.deepEqual(out.bytes, original);
  // It is now the input: Compress gives the heatmap.
  await settle(() => page.click('#compress'));
  await checkCompression(original, 6, 'data.json');
  await page.click('#file-clear');
});

test('a .lmz of lmzip 0.1\'s standard model (kept) decodes: the page fetches that model once, then', T, async () => {
  const original = new Uint8Array(readFileSync(join(WEB, 'examples', 'english.txt')));
  const lmz = nativeCompress(original, 6, ['--model', join(WEB, '..', 'models', 'default-0.1.lmzm')]);
  const kept = manifest.files['default-0.1.lmzm'];
  assert.equal(kept.kept, true);
  assert.equal(lmz.subarray(6, 10).reduce((id, b, i) => id + b * 2 ** (8 * i), 0).toString(16).padStart(8, '0'), kept.modelId);
  const requests = [];
  const onRequest = (r) => r.url().includes('default-0.1.lmzm') && requests.push(r.url());
  page.on('request', onRequest);
  try {
    for (const name of ['old.txt.lmz', 'again.txt.lmz']) {
      await settle(() => dropFile(name, lmz));
      assert.equal(await shownMessage(), null);
      await page.waitForSelector('#opened:not([hidden])');
      const out = await download('#download-original');
      assert.deepEqual(out.bytes, original);
      await page.click('#file-clear');
    }
  } finally {
    page.off('request', onRequest);
  }
  assert.equal(requests.length, 1, requests.join(' '));
});

test('corrupt, truncated, wrong-model and non-lmzip files show clear errors', T, async () => {
  const good = nativeCompress(readFileSync(join(WEB, 'examples', 'english.txt')), 6);
  const cases = [];
  const flipped = good.slice();
  flipped[Math.floor(flipped.length / 2)] ^= 0x55;
  cases.push({ name: 'corrupt.txt.lmz', bytes: flipped, re: /^The file is corrupt: .*\[LMZ_ERR_(CHECKSUM_MISMATCH|CORRUPT_DATA|LENGTH_MISMATCH)\]$/ });
  cases.push({ name: 'cut.txt.lmz', bytes: good.slice(0, good.length - 7), re: /^The file is truncated: .*\[LMZ_ERR_TRUNCATED\]$/ });
  const otherModel = good.slice();
  otherModel[6] ^= 0xff; // the model id (docs/FORMAT.md): as if written with another model
  cases.push({
    name: 'other-model.lmz',
    bytes: otherModel,
    re: /^This file was compressed with a different neural model than the one this page uses \(model [0-9a-f]{8}\).*\[LMZ_ERR_MODEL_MISMATCH\]$/,
  });
  cases.push({ name: 'notes.lmz', bytes: utf8('just some text, not lmzip'), re: /^This is not an lmzip file.*\[LMZ_ERR_NOT_LMZIP\]$/ });
  for (const [i, c] of cases.entries()) {
    await settle(() => (i % 2 ? pickFile(c.name, c.bytes) : dropFile(c.name, c.bytes)));
    const message = await shownMessage();
    assert.match(message, c.re, `${c.name}: ${message}`);
    assert.equal(await page.getAttribute('#message', 'role'), 'alert');
  }
  // The page still works after the errors.
  await settle(() => page.click('[data-example="code"]'));
  assert.equal(await shownMessage(), null);
});

test('compression times for 1 KB, 10 KB and 100 KB; the page stays responsive', T, async () => {
  for (const [label, size] of [['1 KB', 1024], ['10 KB', 10 * 1024], ['100 KB', 100 * 1024]]) {
    const text = repoText(size);
    const input = utf8(text);
    await paste(text);
    // Count main-thread stalls while the worker compresses.
    await page.evaluate(() => {
      window.__gaps = { last: performance.now(), max: 0 };
      window.__timer = setInterval(() => {
        const now = performance.now();
        window.__gaps.max = Math.max(window.__gaps.max, now - window.__gaps.last);
        window.__gaps.last = now;
      }, 20);
    });
    await settle(() => page.click('#compress'));
    const { shown, expected } = await checkCompression(input, 6, 'text.txt');
    const maxGap = await page.evaluate(() => {
      clearInterval(window.__timer);
      return window.__gaps.max;
    });
    const t0 = performance.now();
    nativeCompress(input, 6);
    const nativeMs = performance.now() - t0;
    const simd = (await page.textContent('#model-status')).includes('SIMD');
    timings.push({
      label,
      input: input.length,
      bytes: expected.length,
      bpb: shown.lmzip.bpb,
      ms: shown.lmzip.ms,
      kbps: Math.round(input.length / 1024 / (shown.lmzip.ms / 1000)),
      nativeMs,
      simd,
      maxMainThreadGapMs: Math.round(maxGap),
    });
    // The heatmap (innerHTML of up to 100k spans) is the page's only long
    // task; the compression itself never blocks it.
    assert.ok(maxGap < 2000, `main thread blocked for ${maxGap.toFixed(0)} ms`);
    await verifyRoundTrip(input.length);
  }
});

test('Cancel stops a long compression; progress is shown', T, async () => {
  const text = repoText(300 * 1024);
  await paste(text);
  await page.click('#compress');
  await page.waitForSelector('#cancel:not([hidden])');
  assert.ok(await page.locator('#progress-row').isVisible());
  // The first progress report comes after the first 64 KB.
  await page.waitForFunction(() => document.getElementById('progress').value > 0, null, { timeout: 60_000 });
  assert.match(await page.textContent('#progress-text'), /^Compressing: \d+(\.\d)? KB of \d+ KB/);
  const t0 = Date.now();
  await settle(() => page.click('#cancel'));
  assert.ok(Date.now() - t0 < 5000, `cancel took ${Date.now() - t0} ms`);
  assert.equal(await shownMessage(), 'Cancelled.');
  // Escape cancels too; and the worker still works afterwards.
  await page.click('#compress');
  await page.waitForSelector('#cancel:not([hidden])');
  await settle(() => page.keyboard.press('Escape'));
  assert.equal(await shownMessage(), 'Cancelled.');
  await page.fill('#text', 'after cancelling');
  await settle(() => page.click('#compress'));
  await checkCompression(utf8('after cancelling'), 6, 'text.txt');
});

test('phone-sized screen and keyboard only: nothing overflows; Tab reaches the controls', T, async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await page.waitForSelector('body[data-model="ready"]');
  // Keyboard only: skip link -> text box, type, Ctrl+Enter compresses.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#text');
  await page.focus('#text');
  await page.keyboard.type('Keyboard only, on a small screen. Keyboard only, on a small screen.');
  await settle(() => page.keyboard.press('Control+Enter'));
  await checkCompression(utf8('Keyboard only, on a small screen. Keyboard only, on a small screen.'), 6, 'text.txt');
  // Every control is reachable with Tab, in order.
  const reached = new Set();
  await page.focus('#text');
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement.id || document.activeElement.dataset.example || document.activeElement.tagName));
  }
  for (const id of ['file', 'level', 'compress', 'verify', 'download-lmz', 'heatmap']) assert.ok(reached.has(id), `Tab reaches #${id}: ${[...reached]}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 375 px screen`);
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the scalar WebAssembly build (?simd=0) writes the same bytes', T, async () => {
  const main = page;
  page = await context.newPage();
  try {
    await page.goto(`${baseUrl}?simd=0`);
    await page.waitForSelector('body[data-model="ready"]');
    assert.match(await page.textContent('#model-status'), /WebAssembly scalar/);
    const input = new Uint8Array(readFileSync(join(WEB, 'examples', 'chinese.txt')));
    await settle(() => page.click('[data-example="chinese"]'));
    await checkCompression(input, 6, 'chinese.txt');
    await verifyRoundTrip(input.length);
  } finally {
    await page.close();
    page = main;
  }
});

test('out of memory: a tab with too little WebAssembly memory says so; a lower level still works', T, async () => {
  // A browser whose wasm memories may not exceed 1200 pages (75 MiB): level 9
  // needs 173 MB for a long input (its tables are sized to the input: a
  // short one fits), level 1 at most 21 MB.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--js-flags=--wasm-max-mem-pages=1200'],
  });
  const small = await browser.newPage();
  try {
    const errors = [];
    small.on('pageerror', (error) => errors.push(String(error)));
    await small.goto(baseUrl);
    await small.waitForSelector('body[data-model="ready"]');
    const run = async (level) => {
      await small.selectOption('#level', String(level));
      const before = await small.evaluate(() => Number(document.body.dataset.done ?? 0));
      await small.click('#compress');
      await small.waitForFunction((b) => Number(document.body.dataset.done ?? 0) > b && document.body.dataset.busy === 'false', before);
    };
    await small.fill('#text', 'A long text for a tab without much memory. '.repeat(80_000));
    await run(9);
    assert.match(
      await small.textContent('#message'),
      /^Out of memory: level 9 needs up to 173\.\d MB of WebAssembly memory, more than this browser tab could get\. .*\[LMZ_ERR_OUT_OF_MEMORY\]$/,
    );
    assert.ok(await small.locator('#results').isHidden());
    await small.fill('#text', 'Not much memory in this tab.');
    await run(1);
    assert.ok(await small.locator('#message').isHidden());
    assert.equal(num(await small.textContent('#row-lmzip .bytes')), nativeCompress(utf8('Not much memory in this tab.'), 1).length);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('no script errors on the page', () => {
  assert.deepEqual(pageErrors, []);
});
