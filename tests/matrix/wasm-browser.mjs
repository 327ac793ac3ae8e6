// The determinism matrix's WebAssembly-in-a-browser columns (tests/matrix/
// matrix.py runs it with --simd and with --scalar, in Chromium and in
// Firefox). It opens the npm package's browser entry in a headless browser
// (web/test-support/package-page.mjs: served from 127.0.0.1; Debian's
// /usr/bin/chromium driven by playwright-core from web/node_modules, or
// Debian's /usr/bin/firefox-esr driven over WebDriver BiDi by puppeteer-core
// from tests/bundlers/node_modules) and runs the jobs in the page: each
// job's input is fetched from the server and its result PUT back, which
// writes it to its path.
//
//   node tests/matrix/wasm-browser.mjs --simd|--scalar [--browser chromium|firefox] JOBS.json
//
// JOBS.json as for wasm-node.mjs. Prints {"simd", "kernels", "modelId",
// "seconds", "browser"} as JSON ("browser": e.g. chromium/156.0.8078.114,
// firefox/153.8.0). Environment: CHROMIUM (default /usr/bin/chromium),
// FIREFOX (default /usr/bin/firefox-esr).
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openPackagePage } from '../../web/test-support/package-page.mjs';

const argv = process.argv.slice(2);
let browser = 'chromium';
const at = argv.indexOf('--browser');
if (at >= 0) [, browser] = argv.splice(at, 2);
const [mode, jobsFile] = argv;
if (!['--simd', '--scalar'].includes(mode) || !jobsFile || !['chromium', 'firefox'].includes(browser)) {
  console.error('usage: node tests/matrix/wasm-browser.mjs --simd|--scalar [--browser chromium|firefox] JOBS.json');
  process.exit(2);
}
const { jobs } = JSON.parse(readFileSync(jobsFile, 'utf8'));

function jobRoutes(req, res, url) {
  const job = /^\/job\/(\d+)\/(input|output|error)$/.exec(url.pathname);
  if (!job) return false;
  const fail = (status, text) => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(text);
  };
  const j = jobs[Number(job[1])];
  if (!j) {
    fail(404, 'no such job');
  } else if (job[2] === 'input' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    createReadStream(j.input).pipe(res);
  } else if (req.method !== 'PUT') {
    fail(405, 'method');
  } else {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      mkdirSync(dirname(j.output), { recursive: true });
      writeFileSync(job[2] === 'output' ? j.output : `${j.output}.err`, Buffer.concat(parts));
      res.writeHead(204);
      res.end();
    });
  }
  return true;
}

let code = 0;
let session;
try {
  session = await openPackagePage({ title: 'lmzip determinism matrix', routes: jobRoutes, browser });
  const list = jobs.map((j, i) => ({ i, op: j.op, level: j.level, frameSize: j.frameSize }));
  const result = await session.page.evaluate(
    async ({ simd, list }) => {
      const { init, compress, decompress } = window.lmzip;
      const info = await init({ simd, preload: 'all' });
      const start = performance.now();
      for (const job of list) {
        const data = new Uint8Array(await (await fetch(`/job/${job.i}/input`)).arrayBuffer());
        let body;
        let kind = 'output';
        try {
          body = job.op === 'compress' ? await compress(data, { level: job.level, frameSize: job.frameSize }) : await decompress(data);
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
  session.check();
  result.browser = session.version;
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  console.error(`wasm-browser (${browser}): ${error.stack ?? error}`);
  code = 1;
} finally {
  await session?.close();
}
process.exit(code);
