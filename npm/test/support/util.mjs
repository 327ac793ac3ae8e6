// Shared helpers of the Jest suite: deterministic data (no Math.random),
// byte comparison that works across realms (Jest runs test files in a vm
// context, so a Buffer from Node core is not `instanceof` the test's
// Uint8Array), the golden inputs of tests/test_golden.cpp re-generated in JS,
// and where the corpus and the native CLI are.
import { accessSync, constants as fsConstants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NPM_DIR = resolve(TEST_DIR, '..');
export const REPO_DIR = resolve(NPM_DIR, '..');
export const LIB_NODE = resolve(NPM_DIR, 'lib/node.mjs');
export const GOLDEN_DIR = resolve(REPO_DIR, 'tests/golden');

// The benchmark corpus: LMZIP_CORPUS (the folder holding calgary/, zh/, ...)
// or ../shared/corpus/bench next to the checkout. Tests skip without it.
export const CORPUS_DIR = process.env.LMZIP_CORPUS
  ? resolve(process.env.LMZIP_CORPUS)
  : resolve(REPO_DIR, '../shared/corpus/bench');

/** Path of a corpus file, or null (with a message) when it is absent. */
export function corpusFile(relative) {
  const path = resolve(CORPUS_DIR, relative);
  if (existsSync(path)) return path;
  skipNote(`corpus file ${path} is absent (set LMZIP_CORPUS): tests on it are skipped`);
  return null;
}

/** The native CLI: $LMZIP_NATIVE_CLI (set by `make npm-test`) or ../build/lmzip. */
export function nativeCli() {
  const path = process.env.LMZIP_NATIVE_CLI
    ? resolve(process.env.LMZIP_NATIVE_CLI)
    : resolve(REPO_DIR, 'build/lmzip');
  try {
    accessSync(path, fsConstants.X_OK);
    return path;
  } catch {
    skipNote(
      `native CLI ${path} not found: native comparisons are skipped ` +
        '(build it with `make` in the repository root or set LMZIP_NATIVE_CLI)',
    );
    return null;
  }
}

const notes = new Set();
/** Prints why something is skipped, once per message. */
export function skipNote(message) {
  if (notes.has(message)) return;
  notes.add(message);
  process.stderr.write(`[lmzip tests] SKIP: ${message}\n`);
}

/** `test` when `condition` holds, else `test.skip`. */
export const testIf = (condition) => (condition ? test : test.skip);

/** The error `promise` rejects with; throws (failing the test) if it resolves. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

// ------------------------------------------------------------------ bytes

/** A Buffer over the same memory, whatever realm `bytes` comes from. */
export function view(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function bytesEqual(a, b) {
  return a.byteLength === b.byteLength && Buffer.compare(view(a), view(b)) === 0;
}

/**
 * Asserts two byte arrays are identical; on failure reports the lengths and
 * the first differing offset instead of dumping megabytes.
 */
export function expectBytes(actual, expected, what = 'bytes') {
  if (bytesEqual(actual, expected)) return;
  const a = view(actual);
  const b = view(expected);
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  throw new Error(
    `${what} differ: got ${a.length} bytes, expected ${b.length}; first difference at offset ${at} ` +
      `(got ${a.subarray(at, at + 8).toString('hex') || '<end>'}, ` +
      `expected ${b.subarray(at, at + 8).toString('hex') || '<end>'})`,
  );
}

export function concat(parts) {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(view(p), at);
    at += p.byteLength;
  }
  return out;
}

export const utf8 = (text) => new Uint8Array(Buffer.from(text, 'utf8'));

// ------------------------------------------------------------------ PRNGs

/** mulberry32: a fast seeded 32-bit generator for bulk test data. */
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function randomBytes(n, seed) {
  const next = mulberry32(seed);
  const out = new Uint8Array(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = next();
    out[i] = v;
    out[i + 1] = v >>> 8;
    out[i + 2] = v >>> 16;
    out[i + 3] = v >>> 24;
  }
  for (; i < n; i++) out[i] = next();
  return out;
}

/**
 * Cuts `total` bytes into seeded random chunk sizes that include 0-length
 * and 1-byte chunks, small ones and ones above the wrapper's 256 KiB staging
 * buffer. Returns the sizes (they sum to `total`).
 */
export function chunkSizes(total, seed) {
  const next = mulberry32(seed);
  const sizes = [0, Math.min(1, total)]; // always a 0-length and a 1-byte chunk first
  let left = total - sizes[1];
  while (left > 0) {
    const r = next() % 100;
    let size;
    if (r < 10) size = 0;
    else if (r < 25) size = 1;
    else if (r < 60) size = 2 + (next() % 64);
    else if (r < 90) size = 1 + (next() % 8192);
    else size = 1 + (next() % 300_000); // may exceed the 256 KiB stage
    size = Math.min(size, left);
    sizes.push(size);
    left -= size;
  }
  sizes.push(0);
  return sizes;
}

/** Splits `bytes` into subarrays along chunkSizes(bytes.length, seed). */
export function splitBytes(bytes, seed) {
  const parts = [];
  let at = 0;
  for (const size of chunkSizes(bytes.length, seed)) {
    parts.push(bytes.subarray(at, at + size));
    at += size;
  }
  return parts;
}

// splitmix64, exactly as tests/test_util.h (BigInt: slow, for small inputs).
const MASK64 = (1n << 64n) - 1n;
export class SplitMix64 {
  constructor(seed) {
    this.state = BigInt(seed) & MASK64;
  }
  next() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
  below(n) {
    return Number((this.next() >> 32n) % BigInt(n));
  }
  byte() {
    return Number(this.next() >> 56n);
  }
}

/** FNV-1a 64 as lowercase hex: the hash of tests/golden/golden.txt. */
export function fnv1a64(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of view(bytes)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h.toString(16).padStart(16, '0');
}

// ------------------------------------------------------------------ texts

// The same texts as tests/test_util.h (kEnglish, kChinese).
export const ENGLISH =
  'Compression is prediction in disguise. A model reads the data seen so far and guesses ' +
  'what comes next; an arithmetic coder then spends about minus log two of the probability ' +
  'on the symbol that actually arrives. The better the guess, the fewer the bits. Because ' +
  'the decoder runs the very same model on the very same history, it can rebuild every ' +
  'prediction and undo the coding, one bit at a time. Nothing may differ between the two ' +
  'sides: not a rounding, not a table, not the order in which numbers are added. That is ' +
  'why the coding path uses integers only, and why the tests keep golden vectors.\n';

export const CHINESE =
  '数据压缩的本质是预测。模型读取已经出现的内容，估计下一个字节的概率；' +
  '算术编码器再根据这个概率为实际出现的符号分配比特。预测越准确，所需的比特越少。' +
  '解码器运行完全相同的模型，处理完全相同的历史，因此能够逐位重建每一次预测并还原数据。' +
  '两端不能有任何差异：不能有不同的舍入，不能有不同的查找表，也不能有不同的求和顺序。' +
  '红楼梦、论语和现代技术文档都可以用来检验压缩器对中文文本的处理能力。\n';

// log_pattern() of tests/test_golden.cpp: 64 KB of log-like lines.
function logPattern(n) {
  const levelNames = ['INFO', 'INFO', 'INFO', 'WARN', 'DEBUG', 'ERROR'];
  const events = ['request served', 'cache miss', 'cache hit', 'connection closed', 'retrying', 'block flushed'];
  const rng = new SplitMix64(0x6c6f67);
  const lines = [];
  let size = 0;
  let t = 1700000000;
  while (size < n) {
    t += rng.below(5);
    let s = `${t} `;
    s += levelNames[rng.below(6)];
    s += ` worker-${rng.below(8)} `;
    s += events[rng.below(6)];
    s += ' id=';
    const id = rng.next() >> 40n;
    for (let k = 20n; k >= 0n; k -= 4n) s += '0123456789abcdef'[Number((id >> k) & 15n)];
    s += ` bytes=${rng.below(70000)}`;
    s += ` ms=${rng.below(300)}\n`;
    lines.push(s);
    size += s.length;
  }
  return utf8(lines.join('')).subarray(0, n);
}

/** The inputs of tests/test_golden.cpp, by name. */
export function goldenInputs() {
  const rng = new SplitMix64(0x4c4d5a0001n);
  const random4k = new Uint8Array(4096);
  for (let i = 0; i < random4k.length; i++) random4k[i] = rng.byte();
  return {
    empty: new Uint8Array(0),
    a: utf8('a'),
    english: utf8(ENGLISH),
    random4k,
    pattern64k: logPattern(65536),
    chinese: utf8(CHINESE),
  };
}

/**
 * Pseudo-text: words, numbers and punctuation from a seeded generator;
 * compresses like text without being a verbatim repeat.
 */
export function pseudoText(n, seed) {
  const words = [
    'the', 'of', 'and', 'a', 'to', 'in', 'is', 'model', 'coder', 'bit', 'byte', 'stream', 'block',
    'probability', 'context', 'mixer', 'which', 'that', 'it', 'for', 'with', 'every', 'decoder',
    'encoder', 'table', 'history', 'predicts', 'learns', 'river', 'mountain', '河流', '山', '模型',
  ];
  const next = mulberry32(seed);
  const parts = [];
  let size = 0;
  while (size < n) {
    let w = words[next() % words.length];
    const r = next() % 100;
    if (r < 6) w += '.\n';
    else if (r < 12) w += `, ${next() % 100000} `;
    else w += ' ';
    parts.push(w);
    size += Buffer.byteLength(w);
  }
  return utf8(parts.join('')).subarray(0, n);
}
