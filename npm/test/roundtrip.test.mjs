// Round trips of every input class through every API shape. The one-shot
// promise API gives the reference stream of each input; every other shape
// (and every input type: Uint8Array, ArrayBuffer, DataView, Buffer, string)
// must produce exactly those bytes, and decode them back to the input.
import { readFileSync } from 'node:fs';
import {
  CompressStream,
  DecompressStream,
  compress,
  createCompress,
  createDecompress,
  decompress,
  init,
} from '../lib/node.mjs';
import {
  CHINESE,
  bytesEqual,
  corpusFile,
  expectBytes,
  randomBytes,
  splitBytes,
  utf8,
} from './support/util.mjs';
import {
  nodeCompress,
  nodeDecompress,
  pushCompress,
  pushDecompress,
  viaNode,
  viaWeb,
  webCompress,
  webDecompress,
} from './support/shapes.mjs';

// Invalid UTF-8 of every kind (lone continuation bytes, overlong forms, a
// UTF-16 surrogate, truncated sequences, bytes that never occur in UTF-8)
// between ASCII, repeated so that the model sees it more than once.
const INVALID_UTF8 = (() => {
  const pieces = [
    [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xfe], [0xff], [0xc3, 0x28], [0xe6, 0x95], [0xf0, 0x9f, 0x98],
  ];
  const out = [];
  for (let round = 0; round < 24; round++) {
    for (const [i, piece] of pieces.entries()) {
      out.push(...utf8(`abc ${round}:${i} `), ...piece);
    }
  }
  return new Uint8Array(out);
})();

// The first `n` bytes of a UTF-8 file, cut before a character boundary.
function utf8Prefix(bytes, n) {
  let end = Math.min(n, bytes.length);
  while (end > 0 && end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

function corpusInput(relative, maxBytes, level) {
  const path = corpusFile(relative);
  if (!path) return { name: `corpus ${relative}`, skip: true };
  const bytes = utf8Prefix(new Uint8Array(readFileSync(path)), maxBytes);
  return {
    name: `corpus ${relative} (${bytes.length} bytes)`,
    bytes,
    text: Buffer.from(bytes).toString('utf8'),
    level,
  };
}

const MiB = 1 << 20;

// level: the default level (6, with the neural model: ~130 KB/s in WASM) for
// the small inputs; 1 or 2 (no neural model, ~1 MB/s) for the large ones,
// which also make one round trip at the default level where that is quick.
// text: the input as a JS string, where it is valid UTF-8.
const INPUTS = [
  { name: 'empty', bytes: new Uint8Array(0), text: '', level: undefined },
  { name: '1 byte', bytes: Uint8Array.of(0x42), text: 'B', level: undefined },
  { name: 'every byte value 0..255', bytes: Uint8Array.from({ length: 256 }, (_, i) => i), level: 9 },
  // Over 1 MiB: two blocks, the first one stored (incompressible).
  { name: '1 MB pseudo-random (2 blocks)', bytes: randomBytes(MiB + 12_345, 0x5eed), level: 1 },
  { name: '1 MiB run of one byte', bytes: new Uint8Array(MiB).fill(0x61), text: 'a'.repeat(MiB), level: 1 },
  { name: 'Chinese UTF-8 text', bytes: utf8(CHINESE.repeat(3)), text: CHINESE.repeat(3), level: undefined },
  { name: 'invalid UTF-8', bytes: INVALID_UTF8, level: undefined },
  corpusInput('canterbury/alice29.txt', Infinity, 2),
  corpusInput('zh/hongloumeng.txt', 128 * 1024, 1),
];

beforeAll(async () => {
  await init();
});

test('the invalid UTF-8 input really is invalid UTF-8', () => {
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(INVALID_UTF8)).toThrow();
});

// A text as string chunks cut at code-point boundaries (so that the UTF-8
// of the chunks concatenates to the UTF-8 of the text), seeded sizes.
function stringChunks(text, seed) {
  const codePoints = Array.from(text);
  const chunks = [];
  let at = 0;
  for (const part of splitBytes(new Uint8Array(codePoints.length), seed)) {
    chunks.push(codePoints.slice(at, at + part.length).join(''));
    at += part.length;
  }
  return chunks;
}

const arrayBufferOf = (bytes) => bytes.slice().buffer;

describe.each(INPUTS)('round trip: $name', (input) => {
  if (input.skip) {
    test.skip('corpus absent', () => {});
    return;
  }
  const { bytes, text, level } = input;
  const options = { level };
  let reference; // compress(bytes) with the promise API

  beforeAll(async () => {
    reference = await compress(bytes, options);
  });

  test('promise compress/decompress (Uint8Array, ArrayBuffer, DataView, Buffer, string)', async () => {
    expect(reference).toBeInstanceOf(Uint8Array);
    // The container's own bound (docs/FORMAT.md): header 6 (+ 4 with a
    // model id, flag bit 0), 3 per block of 1 MiB, trailer (varint length +
    // CRC-32).
    const header = 6 + (reference[5] & 1 ? 4 : 0);
    const blocks = Math.max(1, Math.ceil(bytes.length / MiB));
    const varint = Math.max(1, Math.ceil(Math.log2(bytes.length + 1) / 7));
    expect(reference.length).toBeLessThanOrEqual(header + 3 * blocks + bytes.length + varint + 4);
    expectBytes(await decompress(reference), bytes, 'decompress(Uint8Array)');
    expectBytes(await decompress(arrayBufferOf(reference)), bytes, 'decompress(ArrayBuffer)');

    expectBytes(await compress(arrayBufferOf(bytes), options), reference, 'compress(ArrayBuffer)');
    if (bytes.length < MiB) {
      expectBytes(await compress(Buffer.from(bytes), options), reference, 'compress(Buffer)');
      // A view with an offset into a larger buffer.
      const backing = new Uint8Array(bytes.length + 7);
      backing.set(bytes, 3);
      const dv = new DataView(backing.buffer, 3, bytes.length);
      expectBytes(await compress(dv, options), reference, 'compress(DataView)');
      expectBytes(await compress(backing.subarray(3, 3 + bytes.length), options), reference, 'compress(subarray)');
    }
    if (text !== undefined) {
      expectBytes(await compress(text, options), reference, 'compress(string)');
    }
    if (level !== undefined && bytes.length <= 256 * 1024) {
      // And at the default level.
      expectBytes(await decompress(await compress(bytes)), bytes, 'round trip at the default level');
    }
  });

  test('Compressor/Decompressor push with seeded random chunk sizes = one-shot bytes', async () => {
    // The size compress() passes: the same tables, so the same bytes.
    const sized = { ...options, size: bytes.length };
    for (const seed of bytes.length < MiB ? [1, 2] : [1]) {
      const chunks = splitBytes(bytes, seed);
      expect(chunks.some((c) => c.length === 0)).toBe(true);
      // seed 1 finishes with an empty final push, seed 2 with data.
      const feed = seed === 1 ? chunks : chunks.filter((c, i) => i < 2 || c.length > 0);
      expectBytes(await pushCompress(feed, sized), reference, `Compressor, seed ${seed}`);
      const compressedChunks = splitBytes(reference, seed + 100);
      expectBytes(await pushDecompress(compressedChunks), bytes, `Decompressor, seed ${seed}`);
    }
    // The whole input in one final push; the compressed stream one byte per
    // push where it is small enough for that to be quick.
    expectBytes(await pushCompress([bytes], sized), reference, 'Compressor, one push');
    if (reference.length <= 64 * 1024) {
      const bytewise = Array.from(reference, (b) => Uint8Array.of(b));
      expectBytes(await pushDecompress(bytewise), bytes, 'Decompressor, 1-byte chunks');
    }
    if (bytes.length < MiB) {
      const buffers = splitBytes(bytes, 3).map(arrayBufferOf);
      expectBytes(await pushCompress(buffers, sized), reference, 'Compressor, ArrayBuffer chunks');
    }
    if (text !== undefined && bytes.length < MiB) {
      expectBytes(await pushCompress(stringChunks(text, 4), sized), reference, 'Compressor, string chunks');
    }
  });

  test('CompressStream/DecompressStream via pipeThrough = one-shot bytes', async () => {
    // The size compress() passes: the same tables, so the same bytes.
    const sized = { ...options, size: bytes.length };
    expectBytes(await webCompress(splitBytes(bytes, 5), sized), reference, 'CompressStream');
    expectBytes(await webDecompress(splitBytes(reference, 6)), bytes, 'DecompressStream');
    if (bytes.length < MiB) {
      const chained = await viaWeb(
        splitBytes(bytes, 7).map(arrayBufferOf),
        new CompressStream(sized),
        new DecompressStream(),
      );
      expectBytes(chained, bytes, 'CompressStream -> DecompressStream, ArrayBuffer chunks');
    }
    if (text !== undefined && bytes.length < MiB) {
      expectBytes(await webCompress(stringChunks(text, 8), sized), reference, 'CompressStream, string chunks');
    }
  });

  test('Node createCompress/createDecompress with stream.pipeline = one-shot bytes', async () => {
    // The size compress() passes: the same tables, so the same bytes.
    const sized = { ...options, size: bytes.length };
    expectBytes(await nodeCompress(splitBytes(bytes, 9), sized), reference, 'createCompress');
    expectBytes(await nodeDecompress(splitBytes(reference, 10)), bytes, 'createDecompress');
    if (bytes.length < MiB) {
      const chained = await viaNode(splitBytes(bytes, 11), createCompress(sized), createDecompress());
      expectBytes(chained, bytes, 'createCompress -> createDecompress');
    }
    if (text !== undefined && bytes.length < MiB) {
      expectBytes(await nodeCompress(stringChunks(text, 12), sized), reference, 'createCompress, string chunks');
    }
  });
});

test('different levels give different streams that all decode (level is in the header)', async () => {
  const bytes = utf8(CHINESE.repeat(4));
  const streams = [];
  for (let level = 1; level <= 9; level++) {
    const c = await compress(bytes, { level });
    expect(c[4]).toBe(level);
    expectBytes(await decompress(c), bytes, `level ${level}`);
    streams.push(c);
  }
  // Levels that share a model (docs/FORMAT.md) may coincide; 1 and 9 do not.
  expect(bytesEqual(streams[0], streams[8])).toBe(false);
});
