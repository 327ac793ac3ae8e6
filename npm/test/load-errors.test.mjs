// Loading the module where a host gets in the way: every failure to load the
// WebAssembly module or a model is an LmzipError (LMZ_ERR_LOAD_FAILED, the
// host's error as `cause`), never a raw CompileError, TypeError or a
// promise that never settles; and the Embind glue runs in a context that
// forbids code from strings (what a strict Content-Security-Policy, a
// Manifest V3 extension and Cloudflare Workers impose: V8's
// `codeGeneration: {strings: false}`).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import vm from 'node:vm';
import { init, LmzipError } from '../lib/node.mjs';
import { NPM_DIR } from './support/util.mjs';

async function loadError(options) {
  try {
    await init(options);
  } catch (error) {
    return error;
  }
  throw new Error(`init(${JSON.stringify(Object.keys(options))}) did not fail`);
}

const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

test('bytes that are no WebAssembly: LMZ_ERR_LOAD_FAILED, cause CompileError', async () => {
  const error = await loadError({ wasm: new Uint8Array([1, 2, 3, 4]) });
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_LOAD_FAILED');
  expect(error.cause?.name).toBe('CompileError');
  expect(error.message).toMatch(/^lmzip: cannot load the WebAssembly module/);
});

test('a valid module that is not lmzip\'s (nothing to link): LMZ_ERR_LOAD_FAILED, and init() settles', async () => {
  const error = await loadError({ wasm: new WebAssembly.Module(EMPTY_MODULE) });
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_LOAD_FAILED');
  expect(error.cause).toBeDefined();
}, 20_000);

test('a URL that cannot be fetched: LMZ_ERR_LOAD_FAILED with the fetch error as cause', async () => {
  const error = await loadError({ wasm: 'http://127.0.0.1:9/lmzip-simd.wasm' });
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_LOAD_FAILED');
  expect(error.cause?.name).toBe('TypeError'); // fetch failed (another realm's TypeError)
});

test('a model URL that cannot be fetched: LMZ_ERR_LOAD_FAILED naming the model', async () => {
  const error = await loadError({ model: 'http://127.0.0.1:9/default.lmzm' });
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_LOAD_FAILED');
  expect(error.message).toMatch(/default\.lmzm/);
});

test('after failed loads, init() succeeds (a failure is not remembered)', async () => {
  const info = await init();
  expect(typeof info.kernels).toBe('string');
});

// The glue of each build, in a V8 context without code generation from
// strings: registering the Embind classes and calling into them must not
// need eval/new Function (built with -sDYNAMIC_EXECUTION=0).
test.each(['simd', 'scalar'])('the %s glue runs where code from strings is forbidden', async (build) => {
  const glue = await readFile(resolve(NPM_DIR, `dist/lmzip-${build}.mjs`), 'utf8');
  const compiled = await WebAssembly.compile(await readFile(resolve(NPM_DIR, `dist/lmzip-${build}.wasm`)));
  const context = vm.createContext(
    { WebAssembly, TextDecoder, TextEncoder, console, setTimeout, clearTimeout, performance },
    { codeGeneration: { strings: false, wasm: true } },
  );
  // The context forbids it indeed.
  expect(() => vm.runInContext('new Function("return 1")', context)).toThrow(/Code generation from strings disallowed/);
  const module = new vm.SourceTextModule(glue, {
    context,
    identifier: `file:///lmzip-${build}.mjs`,
    initializeImportMeta(meta) {
      meta.url = `file:///lmzip-${build}.mjs`;
    },
  });
  await module.link(() => {
    throw new Error('the glue imports nothing');
  });
  await module.evaluate();
  context.compiled = compiled;
  context.factory = module.namespace.default;
  const rows = await vm.runInContext(
    `factory({
       locateFile: (path) => path,
       instantiateWasm(imports, receive) {
         WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled));
         return {};
       },
     }).then((m) => {
       const encoder = new m.StreamEncoder(1, -1, -1);
       encoder.delete();
       return m.levelTable().length;
     })`,
    context,
  );
  expect(rows).toBeGreaterThan(1);
});
