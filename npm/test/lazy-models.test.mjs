// The packaged models load on first use of a level that needs them: init()
// loads none, level 1 needs none, the default level loads the standard
// model only, the large model loads for its levels only; decompress() and
// the streams load what the stream's header names. (The byte counts a page
// fetches: web/test/package-pages.test.mjs.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  init, levels, compress, decompress, prepareLevel, Compressor, DecompressStream, createDecompress, LmzipError,
} from '../lib/node.mjs';
import { nativeModule } from '../lib/internal.mjs';
import { nativeCli, view } from './support/util.mjs';

const TEXT = 'A paragraph of text, compressed at one level and then another. '.repeat(8);
let rows;
const loaded = (slot) => nativeModule().modelId(rows.find((r) => r.model === slot).level) !== 0;
const slotOf = (pred) => rows.find(pred);

beforeAll(async () => {
  const info = await init();
  rows = levels();
  expect(info).toMatchObject({ modelBytes: 0, largeModelBytes: 0, smallModelBytes: 0 });
});

test('init() loads no model; level 1 compresses without one', async () => {
  for (const slot of ['standard', 'large', 'small']) expect(loaded(slot)).toBe(false);
  expect(rows.find((r) => r.level === 1).model).toBe('none');
  const packed = await compress(TEXT, { level: 1 });
  expect(view(await decompress(packed))).toEqual(view(new TextEncoder().encode(TEXT)));
  for (const slot of ['standard', 'large', 'small']) expect(loaded(slot)).toBe(false);
});

test('a Compressor of a level whose model is not loaded yet says to call prepareLevel()', async () => {
  const row = slotOf((r) => r.isDefault);
  expect(() => new Compressor({ level: row.level })).toThrow(LmzipError);
  expect(() => new Compressor({ level: row.level })).toThrow(/prepareLevel/);
  await prepareLevel(row.level);
  expect(loaded(row.model)).toBe(true);
  const compressor = new Compressor({ level: row.level });
  compressor.free();
});

test('the default level loads its model only; the large model waits for its levels', async () => {
  await compress(TEXT); // default level
  const def = slotOf((r) => r.isDefault);
  expect(loaded(def.model)).toBe(true);
  if (def.model !== 'large' && rows.some((r) => r.model === 'large')) expect(loaded('large')).toBe(false);
});

test('decompress(), DecompressStream and createDecompress load the model the stream names', async () => {
  const large = slotOf((r) => r.model === 'large');
  const cli = nativeCli();
  if (!large || !cli) return;
  expect(loaded('large')).toBe(false);
  // A stream of the large model's level, written by the native CLI (compressing here would load the model).
  const dir = mkdtempSync(join(tmpdir(), 'lmzip-lazy-'));
  let packed;
  try {
    writeFileSync(join(dir, 'input'), TEXT);
    packed = new Uint8Array(execFileSync(cli, ['-c', `-${large.level}`, join(dir, 'input')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The stream, split inside its header: the gate waits for the whole header.
  const chunks = [packed.subarray(0, 3), packed.subarray(3, 7), packed.subarray(7)];
  const out = [];
  await pipeline(Readable.from(chunks), createDecompress(), async function* (source) {
    for await (const part of source) out.push(...part);
  });
  expect(Buffer.from(out).toString()).toBe(TEXT);
  expect(loaded('large')).toBe(true);
  const restored = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressStream())).text();
  expect(restored).toBe(TEXT);
  expect(new TextDecoder().decode(await decompress(packed))).toBe(TEXT);
});
