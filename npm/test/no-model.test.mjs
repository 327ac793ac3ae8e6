// Without the neural models (init({model: null, largeModel: null, smallModel: null})): the
// levels that need one fail with LMZ_ERR_MODEL_NOT_LOADED, distinct from
// LMZ_ERR_MODEL_MISMATCH (a model is at hand, but not the stream's), and
// name the model a stream needs; loadModel() then makes them work. (Each
// Jest test file has its own module instance: no other file sees this one.)
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  Compressor,
  LmzipError,
  compress,
  constants,
  decompress,
  init,
  levels,
  loadModel,
  peekHeader,
} from '../lib/node.mjs';
import {
  ENGLISH, GOLDEN_DIR, NPM_DIR, expectBytes, goldenInputs, rejection, skipNote, testIf, utf8,
} from './support/util.mjs';

const text = utf8(ENGLISH);
const hex32 = (n) => n.toString(16).padStart(8, '0');

async function lmzipRejection(promise) {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(LmzipError);
  return error;
}

// The golden streams of the native suite whose level uses a model, if present.
const goldenFiles = ['chinese-6.lmz', 'random4k-9.lmz'].map((f) => resolve(GOLDEN_DIR, f)).filter((f) => existsSync(f));
if (goldenFiles.length === 0) skipNote(`no golden streams in ${GOLDEN_DIR}: decoding without a model is not tested`);

test('the synchronous APIs need init() first', () => {
  for (const fn of [() => levels(), () => constants(), () => peekHeader(new Uint8Array(10)), () => new Compressor()]) {
    let error = null;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LmzipError);
    expect(error.code).toBe('LMZ_ERR_NOT_INITIALIZED');
  }
});

test('init() with no models; compressing at a level that needs one: LMZ_ERR_MODEL_NOT_LOADED', async () => {
  const info = await init({ model: null, largeModel: null, smallModel: null });
  expect(info).toMatchObject({ modelId: 0, modelBytes: 0, largeModelId: 0, largeModelBytes: 0, smallModelId: 0, smallModelBytes: 0 });
  for (const row of levels()) {
    if (row.model === 'none') {
      expectBytes(await decompress(await compress(text, { level: row.level })), text);
    } else {
      const error = await lmzipRejection(compress(text, { level: row.level }));
      expect(error.code).toBe('LMZ_ERR_MODEL_NOT_LOADED');
      expect(error.modelNeeded).toBeUndefined();
      expect(error.message).toMatch(/loadModel\(\)/);
    }
  }
});

testIf(goldenFiles.length > 0)('decompressing a stream whose model is not loaded names the model it needs', async () => {
  await init({ model: null, largeModel: null, smallModel: null });
  const inputs = goldenInputs();
  const loaded = new Set();
  // Slot by slot, in the order of the files: load the slot's model from
  // the package (the file the level table names), then the stream decodes.
  for (const file of goldenFiles) {
    const stream = new Uint8Array(readFileSync(file));
    const header = peekHeader(stream);
    const row = levels().find((r) => r.level === header.level);
    expect(row.model).not.toBe('none');
    expect(header.modelId).not.toBe(0);
    if (!loaded.has(row.model)) {
      const error = await lmzipRejection(decompress(stream));
      // No model of this slot is loaded (another slot's may be): not loaded, not a mismatch.
      expect(error.code).toBe('LMZ_ERR_MODEL_NOT_LOADED');
      expect(error.modelNeeded).toBe(header.modelId);
      expect(error.message).toContain(hex32(header.modelId));
      const { modelId } = await loadModel(readFileSync(resolve(NPM_DIR, 'dist', row.modelFile)), { level: row.level });
      expect(modelId).toBe(header.modelId);
      loaded.add(row.model);
    }
    const name = file.replace(/^.*\//, '').replace(/-\d+\.lmz$/, '');
    expectBytes(await decompress(stream), inputs[name], `decompress ${file}`);
  }
});

test('a stream naming another model than the loaded one: LMZ_ERR_MODEL_MISMATCH', async () => {
  await init({ model: null, largeModel: null, smallModel: null });
  const row = levels().find((r) => r.isDefault);
  expect(row.model).not.toBe('none');
  const { modelId } = await loadModel(readFileSync(resolve(NPM_DIR, 'dist', row.modelFile)), { level: row.level });
  const stream = await compress(text, { level: row.level });
  expect(peekHeader(stream).modelId).toBe(modelId);
  const other = stream.slice();
  other[6] ^= 0x5a; // the model id (header bytes 6..9, docs/FORMAT.md)
  const error = await lmzipRejection(decompress(other));
  expect(error.code).toBe('LMZ_ERR_MODEL_MISMATCH');
  expect(error.modelNeeded).toBe(peekHeader(other).modelId);
  expect(error.message).toContain(`loaded: ${hex32(modelId)}`);
  expectBytes(await decompress(stream), text);
});
