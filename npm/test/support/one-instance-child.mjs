// Loads the package by name both ways in one process (run by
// one-instance.test.mjs from a project whose node_modules/lmzip is the
// package) and reports, as JSON, whether the two are one copy.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('lmzip');
const cjs = require('lmzip');
const text = new TextEncoder().encode('import and require, one instance. '.repeat(200));
const [a, b] = [await esm.compress(text), await cjs.compress(text)];
let error = null;
try {
  await cjs.decompress(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
} catch (e) {
  error = e;
}
console.log(
  JSON.stringify({
    requireModule: Boolean(process.features.require_module),
    sameErrorClass: esm.LmzipError === cjs.LmzipError,
    sameFunctions: esm.compress === cjs.compress && esm.init === cjs.init,
    requiredErrorIsImportedClass: error instanceof esm.LmzipError,
    errorCode: error?.code ?? null,
    sameBytes: a.length === b.length && a.every((x, i) => x === b[i]),
    roundTrip: new TextDecoder().decode(await cjs.decompress(a)) === new TextDecoder().decode(text),
  }),
);
