// The default models: the level table (levels()) says which model slot each
// level uses and which packaged file holds it (dist/default.lmzm,
// dist/large.lmzm, dist/small.lmzm); loadModel() swaps any; decompression finds a loaded
// model by the id the stream names, and names the missing one otherwise.
// (Each Jest test file has its own module instance, so the swaps here reach
// no other file.)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LmzipError, compress, constants, decompress, init, levelUsesModel, levels, loadModel } from '../lib/node.mjs';
import { ENGLISH, NPM_DIR, expectBytes, utf8 } from './support/util.mjs';

const text = utf8(ENGLISH);
const hex32 = (n) => n.toString(16).padStart(8, '0');
// The model id in a stream header: bytes 6..9, little-endian (docs/FORMAT.md).
const streamModelId = (s) => (s[6] | (s[7] << 8) | (s[8] << 16) | (s[9] << 24)) >>> 0;
const fileOf = (row) => readFileSync(resolve(NPM_DIR, 'dist', row.modelFile));

async function rejectsWith(promise, code, pattern) {
  const error = await promise.then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe(code);
  if (pattern) expect(error.message).toMatch(pattern);
  return error;
}

// The first level of each model slot in the level table.
async function slots() {
  await init({ preload: 'all' });
  const first = {};
  for (const row of levels()) if (row.model !== 'none') first[row.model] ??= row;
  return first;
}

// The fields of init()'s result that describe each slot's model.
const INFO_FIELDS = {
  standard: ['modelId', 'modelBytes'],
  large: ['largeModelId', 'largeModelBytes'],
  small: ['smallModelId', 'smallModelBytes'],
};

test('init() loads the packaged model of each slot; the levels of a slot name its model', async () => {
  const info = await init({ preload: 'all' });
  const first = await slots();
  const ids = {};
  for (const [slot, row] of Object.entries(first)) {
    const [idField, bytesField] = INFO_FIELDS[slot];
    expect(`${slot}: ${info[bytesField]}`).toBe(`${slot}: ${fileOf(row).length}`);
    expect(info[idField]).not.toBe(0);
    ids[slot] = info[idField];
  }
  expect(new Set(Object.values(ids)).size).toBe(Object.keys(ids).length); // every slot its own model
  const { large } = first;
  for (const row of levels().filter((r) => r.model !== 'none')) {
    const stream = await compress(text, { level: row.level });
    expect(`${row.level}: ${hex32(streamModelId(stream))}`).toBe(`${row.level}: ${hex32(ids[row.model])}`);
    expectBytes(await decompress(stream), text);
  }
  // The larger model predicts better than the standard one at the default level.
  const sLarge = await compress(text, { level: large.level });
  const sDefault = await compress(text, { level: constants().defaultLevel });
  expect(sLarge.length).toBeLessThan(sDefault.length);
});

test('loadModel() replaces a slot\'s model; a stream needing an absent model names it', async () => {
  const info = await init({ preload: 'all' });
  const { standard, large } = await slots();
  const sLarge = await compress(text, { level: large.level });
  // The large slot with the standard model: its streams name that model.
  expect(await loadModel(fileOf(standard), { level: large.level })).toEqual({ modelId: info.modelId });
  const sLargeStandard = await compress(text, { level: large.level });
  expect(streamModelId(sLargeStandard)).toBe(info.modelId);
  expectBytes(await decompress(sLargeStandard), text);
  // The large model is no longer loaded, another model is: its streams fail
  // with a mismatch and say which model they need.
  const error = await rejectsWith(decompress(sLarge), 'LMZ_ERR_MODEL_MISMATCH', new RegExp(hex32(info.largeModelId)));
  expect(error.modelNeeded).toBe(info.largeModelId);
  expect(await loadModel(fileOf(large), { level: large.level })).toEqual({ modelId: info.largeModelId });
  expectBytes(await decompress(sLarge), text);
});

test('loadModel() without a level: the default level\'s slot', async () => {
  const info = await init({ preload: 'all' });
  const row = levels().find((r) => r.isDefault);
  expect(await loadModel(fileOf(row))).toEqual({ modelId: info.modelId });
});

test('levelUsesModel() agrees with the level table', async () => {
  await init({ preload: 'all' });
  const k = constants();
  for (const row of levels()) expect(levelUsesModel(row.level)).toBe(row.model !== 'none');
  for (const bad of [k.minLevel - 1, k.maxLevel + 1, k.minLevel + 0.5, NaN, '6']) expect(levelUsesModel(bad)).toBe(false);
});

test('loadModel() rejects bad arguments', async () => {
  await init({ preload: 'all' });
  const k = constants();
  const { standard } = await slots();
  const noModel = levels().find((r) => r.model === 'none');
  await rejectsWith(loadModel(fileOf(standard), { level: noModel.level }), 'LMZ_ERR_INVALID_ARGUMENT', /uses no neural model/);
  await rejectsWith(loadModel(fileOf(standard), { level: k.maxLevel + 1 }), 'LMZ_ERR_INVALID_ARGUMENT');
  const invalid = await rejectsWith(loadModel(new Uint8Array(100), { level: standard.level }), 'LMZ_ERR_INVALID_ARGUMENT', /invalid model file/);
  expect(typeof invalid.detail).toBe('string');
  expect(invalid.message).toContain(invalid.detail);
  await rejectsWith(loadModel(null), 'LMZ_ERR_INVALID_ARGUMENT');
  // The failed loads left the models as they were.
  expectBytes(await decompress(await compress(text, { level: k.defaultLevel })), text);
});
