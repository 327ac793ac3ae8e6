// The level table (levels()) and peekHeader(): what the core says about a
// level and about a stream's header, without decoding.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  Compressor,
  Decompressor,
  LmzipError,
  compress,
  constants,
  init,
  levelUsesModel,
  levels,
  memoryForLevel,
  peekHeader,
} from '../lib/node.mjs';
import { ENGLISH, NPM_DIR, concat, utf8 } from './support/util.mjs';

const text = utf8(ENGLISH);

function codeOf(fn) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LmzipError);
    expect(error.message).toMatch(/^lmzip: /);
    return error.code;
  }
  throw new Error('expected an LmzipError');
}

describe('levels()', () => {
  test('one row per level, minLevel to maxLevel, one of them the default', async () => {
    await init({ preload: 'all' });
    const k = constants();
    const rows = levels();
    expect(rows.map((r) => r.level)).toEqual(
      Array.from({ length: k.maxLevel - k.minLevel + 1 }, (_, i) => k.minLevel + i),
    );
    expect(rows.filter((r) => r.isDefault).map((r) => r.level)).toEqual([k.defaultLevel]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['isDefault', 'level', 'memory', 'model', 'modelFile', 'profile', 'summary']);
      expect(['none', 'standard', 'large', 'small']).toContain(row.model);
      expect(['fast', 'cm', 'neural', 'max']).toContain(row.profile);
      expect(row.memory).toBe(memoryForLevel(row.level));
      expect(row.summary.length).toBeGreaterThan(0);
      // A level has a model exactly when its profile runs one; the file is the package's.
      expect(['neural', 'max'].includes(row.profile)).toBe(row.model !== 'none');
      expect(levelUsesModel(row.level)).toBe(row.model !== 'none');
      if (row.model === 'none') expect(row.modelFile).toBeNull();
      else expect(existsSync(resolve(NPM_DIR, 'dist', row.modelFile))).toBe(true);
    }
    // The levels of a slot share one file, and a file one slot.
    const fileOf = new Map();
    for (const row of rows.filter((r) => r.model !== 'none')) {
      expect(fileOf.get(row.model) ?? row.modelFile).toBe(row.modelFile);
      fileOf.set(row.model, row.modelFile);
    }
    expect(new Set(fileOf.values()).size).toBe(fileOf.size);
  });

  test('returns fresh objects', async () => {
    await init({ preload: 'all' });
    const rows = levels();
    rows[0].model = 'changed';
    rows.pop();
    expect(levels()[0].model).not.toBe('changed');
    expect(levels().length).toBe(rows.length + 1);
  });
});

describe('peekHeader()', () => {
  test('reads the level, the model id and the header size of a stream of every level', async () => {
    const info = await init({ preload: 'all' });
    const k = constants();
    const ids = { none: 0, standard: info.modelId, large: info.largeModelId, small: info.smallModelId };
    for (const row of levels()) {
      const stream = await compress(text, { level: row.level });
      const header = peekHeader(stream);
      expect(header).toEqual({
        formatVersion: k.formatVersion,
        level: row.level,
        flags: expect.any(Number),
        modelId: ids[row.model],
        headerSize: expect.any(Number),
        framed: false,
        tableLog: 13, // a short text: the smallest tables (kMinTableLog)
      });
      expect(header.headerSize).toBeGreaterThan(0);
      expect(header.headerSize).toBeLessThan(stream.length);
      // The header alone is enough; one byte less is not.
      expect(peekHeader(stream.subarray(0, header.headerSize))).toEqual(header);
      expect(codeOf(() => peekHeader(stream.subarray(0, header.headerSize - 1)))).toBe('LMZ_ERR_TRUNCATED');
      // Any view of the bytes.
      const copy = stream.slice();
      expect(peekHeader(copy.buffer)).toEqual(header);
      expect(peekHeader(new DataView(copy.buffer))).toEqual(header);
    }
  });

  test('agrees with the decoder, and works on a long input', async () => {
    await init({ preload: 'all' });
    const data = new Uint8Array(3 << 20).map((_, i) => (i * 2654435761) >>> 24);
    const stream = await compress(data, { level: 1 });
    expect(peekHeader(stream).level).toBe(1);
    const d = new Decompressor();
    try {
      concat(d.push(stream.subarray(0, peekHeader(stream).headerSize)));
      expect(d.level).toBe(peekHeader(stream).level);
    } finally {
      d.free();
    }
  });

  test('bad headers fail with the code the decoder reports', async () => {
    await init({ preload: 'all' });
    const stream = await compress(text, { level: 2 });
    const withByte = (at, value) => {
      const copy = stream.slice();
      copy[at] = value;
      return copy;
    };
    expect(codeOf(() => peekHeader(new Uint8Array(0)))).toBe('LMZ_ERR_TRUNCATED');
    expect(codeOf(() => peekHeader(stream.subarray(0, 2)))).toBe('LMZ_ERR_TRUNCATED');
    expect(codeOf(() => peekHeader(utf8('just some text, not lmzip')))).toBe('LMZ_ERR_NOT_LMZIP');
    expect(codeOf(() => peekHeader(withByte(3, constants().formatVersion + 1)))).toBe('LMZ_ERR_UNSUPPORTED_VERSION');
    expect(codeOf(() => peekHeader(withByte(4, 0)))).toBe('LMZ_ERR_CORRUPT_HEADER');
    expect(codeOf(() => peekHeader(withByte(5, 0xfc)))).toBe('LMZ_ERR_CORRUPT_HEADER'); // table code 63
    // The library still works.
    const c = new Compressor({ level: 1 });
    c.free();
  });
});
