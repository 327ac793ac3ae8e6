// The determinism matrix's WebAssembly-in-Chromium column (tests/matrix/
// matrix.py runs it once with --simd and once with --scalar). It serves the
// npm package's browser entry (npm/lib, npm/dist) on 127.0.0.1, opens a page
// in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core
// from web/node_modules) that imports it with an import map for
// '#wasm-loader', and runs the jobs in the page: each job's input is fetched
// from the server and its result PUT back, which writes it to its path.
//
//   node tests/matrix/wasm-chromium.mjs --simd|--scalar JOBS.json
//
// JOBS.json as for wasm-node.mjs. Prints {"simd", "kernels", "modelId",
// "seconds", "browser"} as JSON. Environment: CHROMIUM (default
// /usr/bin/chromium).
import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../../web/test-support/chromium.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [mode, jobsFile] = process.argv.slice(2);
if (!['--simd', '--scalar'].includes(mode) || !jobsFile) {
  console.error('usage: node tests/matrix/wasm-chromium.mjs --simd|--scalar JOBS.json');
  process.exit(2);
}
const { jobs } = JSON.parse(readFileSync(jobsFile, 'utf8'));
const require = createRequire(join(ROOT, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>lmzip determinism matrix</title>
<script type="importmap">{"imports": {"#wasm-loader": "/npm/lib/load-browser.mjs"}}</script>
<script type="module">
  import * as lmzip from '/npm/lib/lmzip.mjs';
  window.lmzip = lmzip;
  window.ready = true;
</script>
`;
const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

function serve(req, res) {
  const url = new URL(req.url, 'http://x');
  const fail = (status, text) => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(text);
  };
  if (url.pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE);
    return;
  }
  const job = /^\/job\/(\d+)\/(input|output|error)$/.exec(url.pathname);
  if (job) {
    const j = jobs[Number(job[1])];
    if (!j) return fail(404, 'no such job');
    if (job[2] === 'input' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      createReadStream(j.input).pipe(res);
      return;
    }
    if (req.method !== 'PUT') return fail(405, 'method');
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      mkdirSync(dirname(j.output), { recursive: true });
      writeFileSync(job[2] === 'output' ? j.output : `${j.output}.err`, Buffer.concat(parts));
      res.writeHead(204);
      res.end();
    });
    return;
  }
  // The package's browser files only.
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
  if (!/^npm\/(lib|dist)\/[\w.-]+$/.test(rel.split(sep).join('/'))) return fail(404, 'not found');
  const file = join(ROOT, rel);
  if (!existsSync(file) || !statSync(file).isFile()) return fail(404, 'not found');
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

const server = createServer(serve);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
let code = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
  const list = jobs.map((j, i) => ({ i, op: j.op, level: j.level }));
  const result = await page.evaluate(
    async ({ simd, list }) => {
      const { init, compress, decompress } = window.lmzip;
      const info = await init({ simd });
      const start = performance.now();
      for (const job of list) {
        const data = new Uint8Array(await (await fetch(`/job/${job.i}/input`)).arrayBuffer());
        let body;
        let kind = 'output';
        try {
          body = job.op === 'compress' ? await compress(data, { level: job.level }) : await decompress(data);
        } catch (error) {
          kind = 'error';
          body = `${error.code ?? ''} ${error.message}\n`;
        }
        const put = await fetch(`/job/${job.i}/${kind}`, { method: 'PUT', body });
        if (!put.ok) throw new Error(`PUT job ${job.i}: HTTP ${put.status}`);
      }
      return { ...info, seconds: (performance.now() - start) / 1000, agent: navigator.userAgent };
    },
    { simd: mode === '--simd', list },
  );
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  result.browser = browser.version();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  console.error(`wasm-chromium: ${error.stack ?? error}`);
  code = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(code);
