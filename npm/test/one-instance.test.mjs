// One copy per process: where Node can require() an ES module, `require('lmzip')`
// is the ES module entry itself (lib/node.cjs), so `import` and `require` in
// one process share the WebAssembly instance, the models and LmzipError.
// Where it cannot (Node before 20.19 / 22.12, simulated here with
// --no-experimental-require-module), the CommonJS bundle still works, as a
// second copy (the README says so); and in a module system of its own whose
// require() cannot load an ES module though Node could (Jest's, in a CommonJS
// test), the bundle is what loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NPM_DIR, TEST_DIR } from './support/util.mjs';

let project;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'lmzip-one-instance-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(NPM_DIR, join(project, 'node_modules', 'lmzip'), 'dir');
  copyFileSync(resolve(TEST_DIR, 'support/one-instance-child.mjs'), join(project, 'child.mjs'));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

function run(nodeFlags) {
  const out = execFileSync(process.execPath, [...nodeFlags, join(project, 'child.mjs')], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const canRequireModule = Boolean(process.features.require_module);

(canRequireModule ? test : test.skip)('import and require give one copy (Node with require(esm))', () => {
  const r = run([]);
  expect(r).toEqual({
    requireModule: true,
    sameErrorClass: true,
    sameFunctions: true,
    requiredErrorIsImportedClass: true,
    errorCode: 'LMZ_ERR_NOT_LMZIP',
    sameBytes: true,
    roundTrip: true,
  });
}, 60_000);

(canRequireModule ? test : test.skip)('without require(esm) the CommonJS bundle works, as a second copy', () => {
  const r = run(['--no-experimental-require-module']);
  expect(r).toEqual({
    requireModule: false,
    sameErrorClass: false,
    sameFunctions: false,
    requiredErrorIsImportedClass: false,
    errorCode: 'LMZ_ERR_NOT_LMZIP',
    sameBytes: true,
    roundTrip: true,
  });
}, 60_000);

test('a CommonJS Jest test can require the package (Jest cannot require an ES module)', () => {
  writeFileSync(join(project, 'package.json'), '{"name": "one-instance-jest", "private": true}\n');
  writeFileSync(
    join(project, 'roundtrip.test.js'),
    `const { compress, decompress, LmzipError } = require('lmzip');
test('round trip', async () => {
  const packed = await compress('required from a CommonJS Jest test');
  expect(new TextDecoder().decode(await decompress(packed))).toBe('required from a CommonJS Jest test');
  expect(typeof LmzipError).toBe('function');
});
`,
  );
  const jest = resolve(NPM_DIR, 'node_modules/jest/bin/jest.js');
  // Throws (the test fails) when Jest's run fails; its report goes to stderr.
  execFileSync(process.execPath, [jest, '--rootDir', project, '--ci', 'roundtrip.test.js'], {
    cwd: project,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 60_000);
