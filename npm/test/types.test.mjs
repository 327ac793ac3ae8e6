// The error codes, three ways: the union type LmzipErrorCode in
// lib/lmzip.d.ts (parsed from its text), the core's error list
// (LMZIP_ERROR_LIST in src/lmzip.h, as errorList() of the module) plus the
// wrapper's documented own codes, and the table of npm/README.md. Each
// fails if one side gains a code the others lack.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { init } from '../lib/node.mjs';
import { nativeModule } from '../lib/internal.mjs';
import { NPM_DIR } from './support/util.mjs';

// The wrapper's own codes, documented in lmzip.d.ts and the README.
const JS_ONLY_CODES = ['LMZ_ERR_ABORTED', 'LMZ_ERR_NOT_INITIALIZED', 'LMZ_ERR_LOAD_FAILED', 'LMZ_ERR_UNKNOWN'];

const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

function declaredCodes() {
  const dts = stripComments(readFileSync(resolve(NPM_DIR, 'lib/lmzip.d.ts'), 'utf8'));
  const union = /export\s+type\s+LmzipErrorCode\s*=([^;]*);/.exec(dts);
  expect(union).not.toBeNull();
  const members = union[1].split('|').map((m) => m.trim()).filter(Boolean);
  for (const m of members) expect(m).toMatch(/^'LMZ_[A-Z_]+'$/);
  return members.map((m) => m.slice(1, -1)).sort();
}

async function coreCodes() {
  await init();
  // LMZ_OK (code 0) is no failure: an LmzipError never carries it.
  return nativeModule().errorList().filter((e) => e.code !== 0).map((e) => e.name);
}

test('LmzipErrorCode in lmzip.d.ts = the core\'s error list + the wrapper\'s own codes', async () => {
  const declared = declaredCodes();
  const core = await coreCodes();
  expect(new Set(declared).size).toBe(declared.length);
  expect(declared).toEqual([...core, ...JS_ONLY_CODES].sort());
  // The wrapper's own codes are not also the core's.
  for (const code of JS_ONLY_CODES) expect(core).not.toContain(code);
});

test('the core\'s error list has distinct codes and names', async () => {
  await init();
  const list = nativeModule().errorList();
  expect(new Set(list.map((e) => e.code)).size).toBe(list.length);
  expect(new Set(list.map((e) => e.name)).size).toBe(list.length);
  expect(list.find((e) => e.code === 0)?.name).toBe('LMZ_OK');
  for (const e of list) expect(typeof e.message).toBe('string');
});

test('every code the JavaScript sources write is declared', () => {
  const declared = new Set(declaredCodes());
  const dirs = ['lib', 'bin'];
  for (const dir of dirs) {
    for (const file of readdirSync(resolve(NPM_DIR, dir)).filter((f) => f.endsWith('.mjs'))) {
      const source = stripComments(readFileSync(resolve(NPM_DIR, dir, file), 'utf8'));
      for (const [, code] of source.matchAll(/'(LMZ_ERR_[A-Z_]+)'/g)) {
        expect(`${dir}/${file}: ${code} ${declared.has(code) ? 'declared' : 'NOT declared'}`).toBe(`${dir}/${file}: ${code} declared`);
      }
    }
  }
});

test('the README\'s table of errors lists exactly the declared codes', () => {
  const readme = readFileSync(resolve(NPM_DIR, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `(LMZ_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  expect([...rows].sort()).toEqual(declaredCodes());
});
