// Times the npm package (WebAssembly) in Node or in headless Chromium (the
// web demo's engine): best-of-N compress and decompress of each file at each
// level, in one process (one page), after init(); the loop is
// bench/wasm_timing.mjs in both.
// Usage: node bench/wasm_speed.mjs [--browser chromium] --levels 1,6 --repeat 3 [--scalar] FILE...
// Prints one JSON object per line:
// {file, level, simd, kernels, size, compressed, ctime, dtime, engine, yield_s}
// (yield_s: one of the package's setTimeout(0) yields, wasm_timing.mjs).
//
// With --browser chromium the package's browser entry and the files are served
// from 127.0.0.1 to a page in Debian's /usr/bin/chromium (CHROMIUM overrides)
// driven by playwright-core from web/node_modules (web/test-support/
// package-page.mjs, as the determinism matrix does); each file is fetched into
// the page once, before its timings. The calls run on the page's main thread,
// as in the matrix; the demo makes them from a Web Worker, bundled.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeLevels, yieldSeconds } from './wasm_timing.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const levels = option('--levels', '1').split(',').map(Number);
const repeat = Number(option('--repeat', '1'));
const browserName = option('--browser', null);
const scalarIndex = args.indexOf('--scalar');
const simd = scalarIndex < 0;
if (!simd) args.splice(scalarIndex, 1);
if (browserName !== null && browserName !== 'chromium') {
  console.error(`wasm_speed: --browser ${browserName}: only chromium is supported`);
  process.exit(2);
}

const print = (file, size, info, engine, yieldS, rows) => {
  for (const row of rows) {
    console.log(JSON.stringify({
      file: basename(file), level: row.level, simd: info.simd, kernels: info.kernels, size,
      compressed: row.compressed, ctime: row.ctime, dtime: row.dtime, engine, yield_s: yieldS,
    }));
  }
};

async function inNode() {
  const lmzip = await import('../npm/lib/node.mjs');
  const info = await lmzip.init({ simd });
  const yieldS = await yieldSeconds();
  for (const file of args) {
    const data = readFileSync(file);
    try {
      print(file, data.length, info, `node ${process.version}`, yieldS, await timeLevels(lmzip, data, levels, repeat));
    } catch (error) {
      throw new Error(`${file}: ${error.message}`);
    }
  }
}

async function inChromium() {
  const { missingPrerequisite, openPackagePage, sendFile } = await import('../web/test-support/package-page.mjs');
  const missing = missingPrerequisite();
  if (missing) {
    console.error(`wasm_speed: ${missing}`);
    process.exit(3);
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const inputs = (req, res, url) => {
    const m = /^\/input\/(\d+)$/.exec(url.pathname);
    if (!m || Number(m[1]) >= args.length) return false;
    sendFile(res, args[Number(m[1])]);
    return true;
  };
  const session = await openPackagePage({
    title: 'lmzip WebAssembly speed',
    routes: inputs,
    files: { '/bench/wasm_timing.mjs': join(here, 'wasm_timing.mjs') },
  });
  try {
    const engine = `chromium ${session.browser.version()}`;
    const info = await session.page.evaluate((simd) => window.lmzip.init({ simd }), simd);
    const yieldS = await session.page.evaluate(async () => (await import('/bench/wasm_timing.mjs')).yieldSeconds());
    for (const [i, file] of args.entries()) {
      const r = await session.page.evaluate(
        async ({ i, levels, repeat }) => {
          const { timeLevels } = await import('/bench/wasm_timing.mjs');
          const data = new Uint8Array(await (await fetch(`/input/${i}`)).arrayBuffer());
          try {
            return { size: data.length, rows: await timeLevels(window.lmzip, data, levels, repeat) };
          } catch (error) {
            return { error: error.message };
          }
        },
        { i, levels, repeat },
      );
      session.check();
      if (r.error) throw new Error(`${file}: ${r.error}`);
      // The round trip is checked against what the page received.
      if (r.size !== statSync(file).size) throw new Error(`${file}: the page received ${r.size} bytes`);
      print(file, r.size, info, engine, yieldS, r.rows);
    }
  } finally {
    await session.close();
  }
}

try {
  // Before any page opens: a missing file is then a plain error, not the server's.
  for (const file of args) statSync(file);
  await (browserName === 'chromium' ? inChromium() : inNode());
} catch (error) {
  // One line last: measure.py reports the last line of stderr.
  console.error(error.stack ?? error);
  console.error(`wasm_speed: ${error.message ?? error}`);
  process.exit(1);
}
