// toBase64Url / fromBase64Url: bytes <-> URL- and storage-safe text,
// checked against Node's own base64url for every length up to 300 and
// round-tripped through compress()/decompress().
import { compress, decompress, fromBase64Url, LmzipError, toBase64Url } from '../lib/node.mjs';
import { view } from './support/util.mjs';

// Deterministic bytes (a linear congruential generator, no Math.random).
function bytesOf(length, seed) {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; ++i) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

test('every length 0..300: the same text as Buffer base64url, and back', () => {
  for (let n = 0; n <= 300; ++n) {
    const bytes = bytesOf(n, n + 1);
    const text = toBase64Url(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64url'));
    expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(view(fromBase64Url(text))).toEqual(view(bytes));
  }
});

test('all 256 byte values, ArrayBuffer and other views, padded input', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  expect(view(fromBase64Url(toBase64Url(all.buffer)))).toEqual(view(all));
  expect(toBase64Url(new DataView(all.buffer, 1, 4))).toBe(toBase64Url(all.subarray(1, 5)));
  expect(view(fromBase64Url('AQI='))).toEqual(view(new Uint8Array([1, 2])));
  expect(view(fromBase64Url('AQ=='))).toEqual(view(new Uint8Array([1])));
});

test('not base64url: LMZ_ERR_INVALID_ARGUMENT', () => {
  for (const bad of ['A', 'AB+C', 'AB/C', 'AB C', 'ABCDE', 'A=', 'AB=C']) {
    expect(() => fromBase64Url(bad)).toThrow(LmzipError);
    try {
      fromBase64Url(bad);
    } catch (error) {
      expect(error.code).toBe('LMZ_ERR_INVALID_ARGUMENT');
    }
  }
  expect(() => fromBase64Url(42)).toThrow(LmzipError);
});

test('a compressed text survives a URL', async () => {
  const text = 'A document in a link: ünïcödé, 中文. '.repeat(20);
  const link = new URL(`https://example.org/#${toBase64Url(await compress(text, { level: 1 }))}`);
  const restored = await decompress(fromBase64Url(link.hash.slice(1)));
  expect(new TextDecoder().decode(restored)).toBe(text);
});
