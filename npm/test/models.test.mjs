// The two default models: levels 3-8 use dist/default.lmzm, level 9 the large
// dist/large.lmzm; loadModel() swaps either; decompression finds a loaded
// model by the id the stream names, and names the missing one otherwise.
// (Each Jest test file has its own module instance, so the swaps here reach
// no other file.)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LmzipError, compress, decompress, init, levelUsesModel, loadModel } from '../lib/node.mjs';
import { ENGLISH, NPM_DIR, expectBytes, utf8 } from './support/util.mjs';

const standardFile = readFileSync(resolve(NPM_DIR, 'dist/default.lmzm'));
const largeFile = readFileSync(resolve(NPM_DIR, 'dist/large.lmzm'));
const text = utf8(ENGLISH);
const hex32 = (n) => n.toString(16).padStart(8, '0');
// The model id in a stream header: bytes 6..9, little-endian (docs/FORMAT.md).
const streamModelId = (s) => (s[6] | (s[7] << 8) | (s[8] << 16) | (s[9] << 24)) >>> 0;

async function rejectsWith(promise, code, pattern) {
  const error = await promise.then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe(code);
  if (pattern) expect(error.message).toMatch(pattern);
}

test('init() loads both packaged models; level 9 streams name the large one', async () => {
  const info = await init();
  expect(info.modelBytes).toBe(standardFile.length);
  expect(info.largeModelBytes).toBe(largeFile.length);
  expect(info.modelId).not.toBe(0);
  expect(info.largeModelId).not.toBe(0);
  expect(info.largeModelId).not.toBe(info.modelId);
  const s6 = await compress(text, { level: 6 });
  const s9 = await compress(text, { level: 9 });
  expect(streamModelId(s6)).toBe(info.modelId);
  expect(streamModelId(s9)).toBe(info.largeModelId);
  expect(s9.length).toBeLessThan(s6.length); // the larger model predicts better
  expectBytes(await decompress(s6), text);
  expectBytes(await decompress(s9), text);
});

test('loadModel() replaces a level\'s model; a stream needing an absent model names it', async () => {
  const info = await init();
  const s9 = await compress(text, { level: 9 });
  // Level 9 with the standard model: its streams name that model.
  expect(await loadModel(standardFile, { level: 9 })).toEqual({ modelId: info.modelId });
  const s9standard = await compress(text, { level: 9 });
  expect(streamModelId(s9standard)).toBe(info.modelId);
  expectBytes(await decompress(s9standard), text);
  // The large model is no longer loaded: its streams fail and say which model they need.
  await rejectsWith(decompress(s9), 'LMZ_ERR_MODEL_MISMATCH', new RegExp(hex32(info.largeModelId)));
  await expect(decompress(s9)).rejects.toMatchObject({ modelNeeded: info.largeModelId });
  expect(await loadModel(largeFile, { level: 9 })).toEqual({ modelId: info.largeModelId });
  expectBytes(await decompress(s9), text);
});

test('levelUsesModel(): levels 3-9', async () => {
  await init();
  expect([0, 1, 2, 3, 6, 8, 9, 10, 2.5].map(levelUsesModel))
    .toEqual([false, false, false, true, true, true, true, false, false]);
});

test('loadModel() rejects bad arguments', async () => {
  await init();
  await rejectsWith(loadModel(standardFile, { level: 1 }), 'LMZ_ERR_INVALID_ARGUMENT', /uses no neural model/);
  await rejectsWith(loadModel(standardFile, { level: 10 }), 'LMZ_ERR_INVALID_ARGUMENT');
  await rejectsWith(loadModel(new Uint8Array(100), { level: 6 }), 'LMZ_ERR_INVALID_ARGUMENT', /invalid model file/);
  await rejectsWith(loadModel(null), 'LMZ_ERR_INVALID_ARGUMENT');
  // The failed loads left the models as they were.
  expectBytes(await decompress(await compress(text, { level: 6 })), text);
});
