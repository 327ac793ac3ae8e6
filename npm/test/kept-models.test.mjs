// init()'s keptModels option: the models no level writes with, kept so that
// older streams decode (lmzip 0.1's standard model, dist/default-0.1.lmzm).
// An unknown file name is refused; `null` never loads the model, so a stream
// that names it fails with LMZ_ERR_MODEL_MISMATCH while the levels' own
// streams still decode. (The default, the package's file loaded on first
// need, is tested by determinism.test.mjs on the format 1-3 golden streams.)
// Each Jest test file has its own module instance: no other file sees this one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LmzipError, compress, decompress, init, peekHeader } from '../lib/node.mjs';
import { ENGLISH, GOLDEN_DIR, expectBytes, goldenInputs, rejection, utf8 } from './support/util.mjs';

const KEPT_ID = 0x55c460db; // lmzip 0.1's standard model

test('keptModels: an unknown file is refused, and init() can be called again', async () => {
  const error = await rejection(init({ keptModels: { 'no-such.lmzm': null } }));
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_INVALID_ARGUMENT');
  expect(error.message).toMatch(/no-such\.lmzm/);
});

test('keptModels null: a stream of the kept model fails with LMZ_ERR_MODEL_MISMATCH; others decode', async () => {
  await init({ keptModels: { 'default-0.1.lmzm': null } });
  const old = new Uint8Array(readFileSync(resolve(GOLDEN_DIR, 'format3', 'chinese-6.lmz')));
  expect(peekHeader(old).modelId).toBe(KEPT_ID);
  const error = await rejection(decompress(old));
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_MODEL_MISMATCH');
  // A second try does not load it either.
  expect((await rejection(decompress(old))).code).toBe('LMZ_ERR_MODEL_MISMATCH');
  const text = utf8(ENGLISH);
  expectBytes(await decompress(await compress(text)), text, 'the default level round trip');
  const current = new Uint8Array(readFileSync(resolve(GOLDEN_DIR, 'chinese-6.lmz')));
  expectBytes(await decompress(current), goldenInputs().chinese, 'the current golden stream');
});
