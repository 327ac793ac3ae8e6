// The smaller promises of the API: init(), constants, progress reports,
// counters, the generator form of push (outputs()), disposal.
import {
  Compressor,
  Decompressor,
  LmzipError,
  compress,
  constants,
  decompress,
  init,
  memoryForLevel,
} from '../lib/node.mjs';
import { CHINESE, concat, expectBytes, pseudoText, utf8 } from './support/util.mjs';

const MiB = 1 << 20;

test('init() is idempotent and describes the loaded build', async () => {
  const [a, b] = await Promise.all([init(), init()]);
  const c = await init({ simd: false }); // later options are ignored: one build per process
  expect(b).toBe(a);
  expect(c).toBe(a);
  expect(typeof a.simd).toBe('boolean');
  expect(typeof a.kernels).toBe('string');
  expect(a.kernels.length).toBeGreaterThan(0);
});

test('constants() and memoryForLevel()', async () => {
  await init();
  expect(constants()).toMatchObject({ minLevel: 1, maxLevel: 9, defaultLevel: 6 });
  expect(constants().formatVersion).toBeGreaterThanOrEqual(1);
  const sizes = Array.from({ length: 9 }, (_, i) => memoryForLevel(i + 1));
  for (let i = 1; i < 9; i++) expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1]);
  expect(sizes[0]).toBeGreaterThan(16 * MiB);
  expect(sizes[8]).toBeLessThan(512 * MiB);
  expect(memoryForLevel(0)).toBe(0);
  expect(memoryForLevel(10)).toBe(0);
});

test('onProgress: monotonic, and the last report covers the whole input and output', async () => {
  const data = pseudoText(600 * 1024, 3);
  const reports = [];
  const c = await compress(data, { level: 1, onProgress: (p) => reports.push({ ...p }) });
  expect(reports.length).toBeGreaterThan(0);
  for (let i = 1; i < reports.length; i++) {
    expect(reports[i].bytesIn).toBeGreaterThanOrEqual(reports[i - 1].bytesIn);
    expect(reports[i].bytesOut).toBeGreaterThanOrEqual(reports[i - 1].bytesOut);
  }
  expect(reports.at(-1)).toEqual({ bytesIn: data.length, bytesOut: c.length, total: data.length });

  const back = [];
  expectBytes(await decompress(c, { onProgress: (p) => back.push({ ...p }) }), data);
  expect(back.at(-1)).toEqual({ bytesIn: c.length, bytesOut: data.length, total: c.length });
});

test('Compressor/Decompressor counters and the level read from the header', async () => {
  await init();
  const data = utf8(CHINESE);
  const c = new Compressor({ level: 2 });
  const d = new Decompressor();
  try {
    expect(d.level).toBe(0);
    const out = concat(c.push(data, true));
    expect(c.bytesIn).toBe(data.length);
    expect(c.bytesOut).toBe(out.length);
    expect(concat(d.push(out.subarray(0, 6), false)).length).toBe(0);
    expect(d.level).toBe(2);
    expectBytes(concat(d.push(out.subarray(6), true)), data);
    expect(d.bytesIn).toBe(out.length);
    expect(d.bytesOut).toBe(data.length);
  } finally {
    c.free();
    d.free();
  }
});

describe('outputs(): push as a generator', () => {
  test('yields the same bytes as push(), in pieces of at most 1 MiB', async () => {
    await init();
    const data = new Uint8Array(2 * MiB + 5).fill(0x7a); // expands ~2000x on the way back
    const reference = await compress(data, { level: 1 });
    const c = new Compressor({ level: 1 });
    const d = new Decompressor();
    try {
      expectBytes(concat([...c.outputs(data, true)]), reference);
      const parts = [...d.outputs(reference, true)];
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(MiB);
      expectBytes(concat(parts), data);
    } finally {
      c.free();
      d.free();
    }
  });

  test('push() while a generator is suspended is refused; free() while suspended ends it', async () => {
    await init();
    const data = new Uint8Array(MiB + MiB / 2).fill(1);
    const stream = await compress(data, { level: 1 });
    const d = new Decompressor();
    const it = d.outputs(stream, true);
    expect(it.next().done).toBe(false);
    expect(() => d.push(new Uint8Array(0), true)).toThrow(LmzipError);
    d.free();
    expect(it.next().done).toBe(true);
    expect(() => d.push(new Uint8Array(0), true)).toThrow(/free/);
  });
});
