// The npm package in the JavaScript runtimes that are not Node: Bun
// (JavaScriptCore) and Deno (V8 with its own module loader), each running
// a fresh project with the `npm pack` tarball in node_modules/lmzip. Each
// compresses a text at level 1 and the default level, decompresses it, and
// the bytes must equal the native CLI's (`lmzip -c [-LEVEL] FILE`).
// The runtimes come from the npm registry (tests/runtimes/package.json).
//
//   cd tests/runtimes && npm ci && node --test    (or `make test-runtimes`)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const project = packedProject({ 'check.mjs': CHECK, 'input.txt': TEXT });
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
