// The published package: `npm pack`, install the tarball into a fresh
// project, then `import` (ESM) and `require` (CJS) it and round-trip data;
// the tarball is small and holds only what it should.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compress } from '../lib/node.mjs';
import { CHINESE, NPM_DIR, view } from './support/util.mjs';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The four models are about 4.8 MB of it gzipped (1.6 + 1.7 + 1.8 + 0.7 MB
// files, 1.3 + 1.5 + 1.4 + 0.6 MB gzipped), the code, declarations (three: browser, Node, CommonJS) and
// WebAssembly about 0.2 MB (0.7 MB unpacked). Raised from 2,650,000 when the
// small model became gru-ngram-128 (models/MODEL.md: 9 % fewer bits/byte than
// the GRU-128 it replaced), from 3,850,000 when the standard model became
// gru-ngram-bittree-256 and lmzip 0.1's standard model stayed beside it for
// decoding, from 5,000,000 (4,948,324 bytes then) when the standard model
// gained a 32,768-row trigram table (0.18 MB more gzipped).
const MAX_TARBALL_BYTES = 5_300_000;
// Everything but the models, before gzip: bounds their share of the tarball.
// Raised from 1,000,000 when the threads option, its workers and the byte
// ranges came (their code in lib/, the FrameCoder binding in both .wasm
// builds, the CommonJS bundle, the README's sections): 1,085,881 bytes then.
const MAX_CODE_BYTES_UNPACKED = 1_150_000;

// What the tarball may hold (paths relative to the package root).
const ALLOWED = [
  /^package\.json$/,
  /^README(\.md)?$/i,
  /^LICEN[SC]E(\.md|\.txt)?$/i,
  /^lib\/[\w.-]+\.(mjs|cjs|d\.ts)$/,
  /^bin\/[\w.-]+\.mjs$/,
  /^dist\/lmzip-(simd|scalar)\.(mjs|wasm)$/,
  /^dist\/node\.cjs$/,
  /^dist\/node\.d\.cts$/,
  /^dist\/[\w.-]+\.lmzm$/,
];
// What it must hold whatever package.json says.
const REQUIRED = [
  'package.json',
  'lib/lmzip.mjs',
  'lib/node.mjs',
  'lib/node.cjs',
  'lib/load-node.mjs',
  'lib/load-browser.mjs',
  'dist/lmzip-simd.mjs',
  'dist/lmzip-simd.wasm',
  'dist/lmzip-scalar.mjs',
  'dist/lmzip-scalar.wasm',
  'dist/node.cjs',
  'dist/node.d.cts',
  'lib/lmzip.d.ts',
  'lib/node.d.ts',
  'LICENSE',
];

// Every file path package.json points at (exports, imports, main, module,
// types, bin), without the leading './'.
function referencedPaths(pkg) {
  const paths = new Set();
  const walk = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./')) paths.add(value.slice(2));
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(pkg.exports);
  walk(pkg.imports);
  for (const field of ['main', 'module', 'types', 'typings', 'browser']) {
    if (typeof pkg[field] === 'string') paths.add(pkg[field].replace(/^\.\//, ''));
  }
  walk(typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin);
  return [...paths].map((p) => p.replace(/^\.\//, ''));
}

let work; // temp folder
let packed; // npm pack --json entry
let pkg; // the package.json that was packed
let project; // the consumer project with the tarball installed

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lmzip-pack-'));
  pkg = JSON.parse(await readFile(join(NPM_DIR, 'package.json'), 'utf8'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work], {
    cwd: NPM_DIR,
    maxBuffer: 16 << 20,
  });
  // npm may print lifecycle output before the JSON.
  packed = JSON.parse(stdout.slice(stdout.indexOf('['))).at(0);

  project = join(work, 'consumer');
  await run('mkdir', ['-p', project]);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await run(npm, ['install', join(work, packed.filename), '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project,
    maxBuffer: 16 << 20,
  });
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the tarball is small: code at most 1.15 MB unpacked, with the models at most 3.85 MB', async () => {
  const { size } = await stat(join(work, packed.filename));
  const codeBytes = packed.files
    .filter((f) => !f.path.endsWith('.lmzm'))
    .reduce((sum, f) => sum + f.size, 0);
  process.stderr.write(`[lmzip tests] pack: ${packed.filename} is ${size} bytes (${packed.unpackedSize} unpacked, ${codeBytes} of it not models, ${packed.files.length} files)\n`);
  expect(size).toBe(packed.size);
  expect(size).toBeLessThanOrEqual(MAX_TARBALL_BYTES);
  expect(codeBytes).toBeLessThanOrEqual(MAX_CODE_BYTES_UNPACKED);
});

test('the tarball lists only the expected files', () => {
  const files = packed.files.map((f) => f.path).sort();
  const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  expect(unexpected).toEqual([]);
  for (const f of REQUIRED) expect(files).toContain(f);
  // No source maps, tests, build scripts, tarballs or node_modules.
  expect(files.filter((f) => /\.map$|^test\/|^scripts\/|\.tgz$|node_modules/.test(f))).toEqual([]);
});

test('every file package.json points at or lists is in the tarball', () => {
  const files = new Set(packed.files.map((f) => f.path));
  const referenced = referencedPaths(pkg);
  const listed = (pkg.files ?? []).filter((f) => !f.endsWith('/') && !/[*?]/.test(f));
  const missing = [...new Set([...referenced, ...listed])].filter((p) => !files.has(p));
  expect(missing).toEqual([]);
});

// The same stream the working tree writes, to compare against.
const SAMPLE = `lmzip from a tarball. ${CHINESE}`;
let expectedHex;
beforeAll(async () => {
  const c = await compress(SAMPLE, { level: 1 });
  expectedHex = view(c).toString('hex');
});

const ESM_SCRIPT = `
import * as lmzip from 'lmzip';
const text = process.argv[1];
const c = await lmzip.compress(text, { level: 1 });
const d = await lmzip.decompress(c);
const ok = new TextDecoder().decode(d) === text;
const info = await lmzip.init();
console.log(JSON.stringify({ ok, hex: Buffer.from(c).toString('hex'), simd: info.simd,
  resolved: import.meta.resolve ? import.meta.resolve('lmzip') : null,
  api: ['compress', 'decompress', 'Compressor', 'Decompressor', 'CompressStream', 'DecompressStream',
        'createCompress', 'createDecompress', 'LmzipError', 'init'].filter((k) => !(k in lmzip)) }));
`;

const CJS_SCRIPT = `
const lmzip = require('lmzip');
const text = process.argv[1];
(async () => {
  const c = await lmzip.compress(text, { level: 1 });
  const d = await lmzip.decompress(c);
  const ok = new TextDecoder().decode(d) === text;
  let code = null;
  try { await lmzip.decompress(Buffer.from('not lmzip data')); } catch (e) { code = e.code; }
  console.log(JSON.stringify({ ok, hex: Buffer.from(c).toString('hex'), code,
    resolved: require.resolve('lmzip'),
    api: ['compress', 'decompress', 'Compressor', 'Decompressor', 'CompressStream', 'DecompressStream',
          'createCompress', 'createDecompress', 'LmzipError', 'init'].filter((k) => !(k in lmzip)) }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('import (ESM) of the installed package works and round-trips', async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', ESM_SCRIPT, SAMPLE], { cwd: project });
  const r = JSON.parse(stdout);
  expect(r.api).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.hex).toBe(expectedHex);
  if (r.resolved) expect(r.resolved).toMatch(/node_modules\/lmzip\/lib\/node\.mjs$/);
});

test('require (CJS) of the installed package works and round-trips', async () => {
  const { stdout } = await run(process.execPath, ['-e', CJS_SCRIPT, SAMPLE], { cwd: project });
  const r = JSON.parse(stdout);
  expect(r.api).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.hex).toBe(expectedHex);
  expect(r.code).toBe('LMZ_ERR_NOT_LMZIP');
  expect(r.resolved).toMatch(/node_modules\/lmzip\/lib\/node\.cjs$/);
});

test('the installed bin compresses like the library', async () => {
  if (!pkg.bin) return;
  const bin = join(project, 'node_modules', '.bin', 'lmzip');
  expect(existsSync(bin)).toBe(true);
  // A file, whose size the bin passes on as compress() does (a pipe's is unknown).
  await writeFile(join(project, 'sample.txt'), SAMPLE, 'utf8');
  const child = execFile(bin, ['-c', '-1', 'sample.txt'], { cwd: project, encoding: 'buffer', maxBuffer: 16 << 20 });
  const done = new Promise((resolve, reject) => {
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`bin exited with ${code}`))));
  });
  child.stdin.end();
  expect((await done).toString('hex')).toBe(expectedHex);
});
