// The npm package in the JavaScript runtimes that are not Node: Bun
// (JavaScriptCore), Deno (V8 with its own module loader) and Cloudflare's
// workerd (through miniflare; the worker bundled by esbuild, the .wasm a
// compiled module as Workers give it, no code generation from strings),
// each running a fresh project with the `npm pack` tarball in
// node_modules/lmzip. Each
// compresses a text at level 1 and the default level, decompresses it, and
// the bytes must equal the native CLI's (`lmzip -c [-LEVEL] FILE`).
// The runtimes come from the npm registry (tests/runtimes/package.json).
//
//   cd tests/runtimes && npm ci && node --test    (or `make test-runtimes`)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { packedProject } from '../../web/test-support/packed.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CLI = process.env.LMZIP_NATIVE_CLI || fileURLToPath(new URL('../../build/lmzip', import.meta.url));
const BIN = (name) => join(HERE, 'node_modules', '.bin', name);
const TEXT =
  'A text compressed in another JavaScript runtime: the bytes must be the native command line\'s. ' +
  'Ünïcödé, 中文, emoji 🙂.\n'.repeat(3);
// The runtime's side: compress at each level, decompress, print the bytes.
const CHECK = `
import { compress, decompress } from 'lmzip';
import { readFileSync } from 'node:fs';
const input = readFileSync(new URL('./input.txt', import.meta.url));
const out = {};
for (const level of [1, 0]) {
  const packed = await compress(input, level ? { level } : {});
  const restored = await decompress(packed);
  out[level] = { bytes: Buffer.from(packed).toString('base64'), same: Buffer.from(restored).equals(input) };
}
console.log(JSON.stringify(out));
`;

// A Cloudflare Worker as its docs have one: the .wasm imported (a compiled
// WebAssembly.Module in workerd), the model bundled as bytes.
const WORKER = `
import { init, compress, decompress, LmzipError } from 'lmzip';
import wasm from './lmzip-simd.wasm'; // beside the bundle (wrangler copies it so)
import model from './node_modules/lmzip/dist/default.lmzm';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      if (url.searchParams.has('bare')) {
        await init(); // the package's own files: workerd has no URL to fetch them from
        return new Response('init() without options worked');
      }
      await init({ wasm, model });
      const text = await request.text();
      const level = Number(url.searchParams.get('level')) || undefined;
      const packed = await compress(text, level ? { level } : {});
      const same = new TextDecoder().decode(await decompress(packed)) === text;
      return new Response(packed, { headers: { 'x-same': String(same) } });
    } catch (error) {
      return new Response(String(error?.name) + ' ' + error?.code + ': ' + error?.message, {
        status: 500,
        headers: { 'x-lmzip-error': String(error instanceof LmzipError) },
      });
    }
  },
};
`;

const project = packedProject({ 'check.mjs': CHECK, 'input.txt': TEXT, 'worker.mjs': WORKER });
after(() => project.remove());

function nativeBytes(level) {
  const r = spawnSync(CLI, ['-c', ...(level ? [`-${level}`] : []), join(project.dir, 'input.txt')]);
  if (r.status !== 0) throw new Error(`${CLI}: exit ${r.status}: ${r.stderr}`);
  return r.stdout.toString('base64');
}

const RUNTIMES = [
  { name: 'Bun (JavaScriptCore)', bin: 'bun', args: ['check.mjs'] },
  { name: 'Deno', bin: 'deno', args: ['run', '--allow-read', '--allow-env', 'check.mjs'] },
];
for (const { name, bin, args } of RUNTIMES) {
  test(`${name}: round trip, and the bytes of level 1 and the default level equal the native CLI's`, { timeout: 120_000 }, () => {
    assert.ok(existsSync(BIN(bin)), `${BIN(bin)} missing: cd tests/runtimes && npm ci`);
    const r = spawnSync(BIN(bin), args, { cwd: project.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, `${bin} failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
    for (const level of [1, 0]) {
      assert.equal(out[level].same, true, `level ${level || 'default'}: decompress(compress(x)) is x`);
      assert.equal(out[level].bytes, nativeBytes(level), `level ${level || 'default'}: the native CLI's bytes`);
    }
  });
}

test('workerd (miniflare, esbuild bundle): the .wasm as a compiled module, the bytes of the native CLI; init() without it is an LmzipError', { timeout: 120_000 }, async () => {
  const out = join(project.dir, 'out');
  await build({
    entryPoints: [join(project.dir, 'worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker'],
    external: ['*.wasm'],
    loader: { '.lmzm': 'binary' },
    outdir: out,
    logLevel: 'warning',
  });
  copyFileSync(join(project.dir, 'node_modules/lmzip/dist/lmzip-simd.wasm'), join(out, 'lmzip-simd.wasm'));
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(out, 'worker.js'),
    modulesRoot: out,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-01-01',
  });
  try {
    const bare = await mf.dispatchFetch('http://worker/?bare=1');
    const why = await bare.text();
    assert.equal(bare.status, 500, why);
    assert.equal(bare.headers.get('x-lmzip-error'), 'true', `an LmzipError: ${why}`);
    assert.match(why, /LMZ_ERR_LOAD_FAILED/);
    for (const level of [1, 0]) {
      const r = await mf.dispatchFetch(`http://worker/?level=${level}`, { method: 'POST', body: TEXT });
      const body = Buffer.from(await r.arrayBuffer());
      assert.equal(r.status, 200, `level ${level || 'default'}: ${body}`);
      assert.equal(r.headers.get('x-same'), 'true', 'decompress(compress(x)) is x');
      assert.equal(body.toString('base64'), nativeBytes(level), `level ${level || 'default'}: the native CLI's bytes`);
    }
  } finally {
    await mf.dispose();
  }
});
