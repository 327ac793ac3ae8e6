// Byte ranges: readSeekTable() and decompressRange() (the core's
// lmzip::read_seek_table and lmzip::decompress_range through the binding).
// Every result is compared with a slice of the original.
import { compress, decompressRange, init, readSeekTable, LmzipError } from '../lib/node.mjs';
import { expectBytes, pseudoText, rejection } from './support/util.mjs';

const FRAME = 4096;
const INPUT = pseudoText(7 * FRAME + 1234, 0x5eed);
const N = INPUT.length;

let file; // 8 frames at level 1
let frames;

beforeAll(async () => {
  await init();
  file = await compress(INPUT, { level: 1, frameSize: FRAME });
  frames = readSeekTable(file);
});

test('readSeekTable: one entry per frame, contiguous, ending at the table', () => {
  expect(frames).toHaveLength(Math.ceil(N / FRAME));
  let compressed = 0;
  let original = 0;
  for (const f of frames) {
    expect(f.compressedOffset).toBe(compressed);
    expect(f.originalOffset).toBe(original);
    expect(f.originalSize).toBe(Math.min(FRAME, N - original));
    compressed += f.compressedSize;
    original += f.originalSize;
  }
  expect(original).toBe(N);
  // The table: magic, 8 bytes per frame, count, CRC-32, magic.
  expect(file.length - compressed).toBe(4 + 8 * frames.length + 12);
  // An ArrayBuffer and a DataView work too.
  expect(readSeekTable(file.slice().buffer)).toEqual(frames);
});

const CASES = [
  ['empty at the start', 0, 0],
  ['empty inside', 5000, 5000],
  ['empty at the end', N, N],
  ['one byte', 17, 18],
  ['inside one frame', 100, 4000],
  ['a whole frame', FRAME, 2 * FRAME],
  ['across a frame boundary', FRAME - 1, FRAME + 1],
  ['across three frames', FRAME + 5, 4 * FRAME - 5],
  ['the last byte', N - 1, N],
  ['the last frame, short', 7 * FRAME, N],
  ['everything', 0, N],
];

test.each(CASES)('%s: [%i, %i) equals the slice', async (_what, start, end) => {
  expectBytes(await decompressRange(file, start, end), INPUT.slice(start, end));
});

test('end left out: to the end of the content', async () => {
  expectBytes(await decompressRange(file, 3 * FRAME + 7), INPUT.slice(3 * FRAME + 7));
});

test('random ranges equal their slices', async () => {
  let seed = 12345;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let i = 0; i < 20; ++i) {
    const start = next(N + 1);
    const end = start + next(N - start + 1);
    expectBytes(await decompressRange(file, start, end), INPUT.slice(start, end), `[${start}, ${end})`);
  }
});

test.each([
  ['ends past the content', 0, N + 1],
  ['starts past the content', N + 1, N + 5],
  ['empty past the content', N + 1, N + 1],
  ['ends before it starts', 10, 5],
  ['a negative start', -1, 5],
  ['a fractional end', 0, 2.5],
  ['a string start', '0', 5],
])('%s: LMZ_ERR_INVALID_ARGUMENT', async (_what, start, end) => {
  const error = await rejection(decompressRange(file, start, end));
  expect(error).toBeInstanceOf(LmzipError);
  expect(error.code).toBe('LMZ_ERR_INVALID_ARGUMENT');
});

test('only the frames that cover the range are decoded', async () => {
  // Frame 1 damaged: its ranges fail, the others decode.
  const bad = file.slice();
  bad[frames[1].compressedOffset + 30] ^= 0x40;
  expectBytes(await decompressRange(bad, 0, FRAME), INPUT.slice(0, FRAME));
  expectBytes(await decompressRange(bad, 2 * FRAME, N), INPUT.slice(2 * FRAME));
  const error = await rejection(decompressRange(bad, FRAME + 10, FRAME + 20));
  expect(error).toBeInstanceOf(LmzipError);
  expect(['LMZ_ERR_CORRUPT_DATA', 'LMZ_ERR_CHECKSUM_MISMATCH']).toContain(error.code);
});

test('a file without a seek table (one frame): null, and ranges decode it whole', async () => {
  const small = INPUT.subarray(0, 3000);
  const single = await compress(small, { level: 1, frameSize: FRAME });
  expect(readSeekTable(single)).toBeNull();
  const whole = await compress(INPUT, { level: 1, frameSize: 0 });
  expect(readSeekTable(whole)).toBeNull();
  expectBytes(await decompressRange(single, 100, 2000), small.slice(100, 2000));
  expectBytes(await decompressRange(whole, FRAME - 3, 3 * FRAME), INPUT.slice(FRAME - 3, 3 * FRAME));
  expectBytes(await decompressRange(single, 3000, 3000), new Uint8Array(0));
  expect((await rejection(decompressRange(single, 0, 3001))).code).toBe('LMZ_ERR_INVALID_ARGUMENT');
});

test('files before the framed one: ranges of the concatenation', async () => {
  const first = await compress(INPUT.subarray(0, 300), { level: 1 });
  const both = new Uint8Array(first.length + file.length);
  both.set(first);
  both.set(file, first.length);
  const table = readSeekTable(both);
  expect(table[0].compressedOffset).toBe(first.length);
  const content = new Uint8Array(300 + N);
  content.set(INPUT.subarray(0, 300));
  content.set(INPUT, 300);
  expectBytes(await decompressRange(both, 290, 310), content.slice(290, 310));
  expectBytes(await decompressRange(both, 300 + FRAME, 300 + 2 * FRAME + 1), content.slice(300 + FRAME, 300 + 2 * FRAME + 1));
  expect((await rejection(decompressRange(both, 0, content.length + 1))).code).toBe('LMZ_ERR_INVALID_ARGUMENT');
});

test('a damaged seek table: LMZ_ERR_CORRUPT_DATA', async () => {
  const bad = file.slice();
  bad[bad.length - 14] ^= 0xff; // inside the table (before its footer)
  expect(() => readSeekTable(bad)).toThrow(expect.objectContaining({ code: 'LMZ_ERR_CORRUPT_DATA' }));
  expect((await rejection(decompressRange(bad, 0, 10))).code).toBe('LMZ_ERR_CORRUPT_DATA');
});

test('not lmzip data: no table, LMZ_ERR_NOT_LMZIP', async () => {
  expect(readSeekTable(INPUT)).toBeNull();
  expect(readSeekTable(new Uint8Array(3))).toBeNull();
  expect((await rejection(decompressRange(INPUT, 0, 10))).code).toBe('LMZ_ERR_NOT_LMZIP');
});

test('a neural level: its model is loaded for the range', async () => {
  const text = INPUT.subarray(0, 3 * FRAME);
  const six = await compress(text, { level: 3, frameSize: FRAME });
  expect(readSeekTable(six)).toHaveLength(3);
  expectBytes(await decompressRange(six, FRAME - 100, FRAME + 100), text.slice(FRAME - 100, FRAME + 100));
});
