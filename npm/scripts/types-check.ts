// Uses every export of the package through its declarations (lib/node.d.ts),
// so that a strict type check catches a declaration that no longer fits.
//   cd npm && npx -y -p typescript@5 tsc --noEmit --strict --target es2022 \
//     --module nodenext --moduleResolution nodenext --types node scripts/types-check.ts
// Compiled and run, it also checks that the declarations tell the truth.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  init,
  simdSupported,
  constants,
  levels,
  levelUsesModel,
  loadModel,
  peekHeader,
  memoryForLevel,
  compress,
  decompress,
  Compressor,
  Decompressor,
  CompressStream,
  DecompressStream,
  createCompress,
  createDecompress,
  LmzipError,
} from 'lmzip';
import type {
  CompressInput,
  CompressOptions,
  DecompressInput,
  DecompressOptions,
  InitOptions,
  InitResult,
  LevelInfo,
  LmzipConstants,
  LmzipErrorCode,
  ModelSlot,
  ProgressInfo,
  StreamHeader,
} from 'lmzip';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`types-check: ${what}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const text = 'the quick brown fox jumps over the lazy dog\n'.repeat(200);
const bytes: Uint8Array = new TextEncoder().encode(text);

// Synchronous APIs before init() fail with a code.
try {
  constants();
} catch (error) {
  check(error instanceof LmzipError && error.code === 'LMZ_ERR_NOT_INITIALIZED', 'not initialized');
}

const hasSimd: boolean = simdSupported();
const initOptions: InitOptions = { simd: hasSimd };
const loaded: InitResult = await init(initOptions);
check(loaded.simd === hasSimd && typeof loaded.kernels === 'string', 'init result');
const modelId: number = loaded.modelId;
const modelBytes: number = loaded.modelBytes;
check(modelId > 0 && modelBytes > 0, 'the default model is loaded');
const withoutModel: InitOptions = { model: null, wasm: new URL('https://example.invalid/x.wasm') };
void withoutModel;
const again: InitResult = await init({ simd: !hasSimd, wasm: new Uint8Array(0) }); // idempotent
check(again.kernels === loaded.kernels, 'init is idempotent');

const k: LmzipConstants = constants();
check(k.minLevel === 1 && k.maxLevel === 9 && k.defaultLevel === 6 && k.formatVersion >= 1, 'constants');
const memory: number = memoryForLevel(k.defaultLevel);
check(memory > 0 && memoryForLevel(0) === 0, 'memoryForLevel');

// The level table.
const table: LevelInfo[] = levels();
check(table.length === k.maxLevel - k.minLevel + 1, 'levels() has a row per level');
for (const row of table) {
  const slot: ModelSlot = row.model;
  const file: string | null = row.modelFile;
  check((slot === 'none') === (file === null) && levelUsesModel(row.level) === (slot !== 'none'), 'level row');
  check(row.memory === memoryForLevel(row.level) && typeof row.profile === 'string' && typeof row.summary === 'string', 'level row fields');
}
const defaultRow: LevelInfo | undefined = table.find((row) => row.isDefault);
check(defaultRow?.level === k.defaultLevel, 'isDefault');
const largeRow = table.find((row) => row.model === 'large');
if (largeRow) {
  const reloaded: { modelId: number } = await loadModel(
    new Uint8Array(await (await import('node:fs/promises')).readFile(new URL(`../dist/${largeRow.modelFile}`, import.meta.url))),
    { level: largeRow.level },
  );
  check(reloaded.modelId === loaded.largeModelId, 'loadModel');
}

// Promise API.
const progress: ProgressInfo[] = [];
const compressOptions: CompressOptions = {
  level: 3,
  onProgress: (p) => progress.push(p),
  signal: new AbortController().signal,
};
const packed: Uint8Array = await compress(text, compressOptions);
check(progress.length > 0 && progress[progress.length - 1].total === bytes.length, 'onProgress');
const buffer = new ArrayBuffer(bytes.length); // an ArrayBuffer, not a SharedArrayBuffer
new Uint8Array(buffer).set(bytes);
const inputs: CompressInput[] = [bytes, buffer, new DataView(buffer), new Uint16Array(buffer, 0, bytes.length >> 1), text];
for (const input of inputs) {
  const out = await compress(input, { level: 3 });
  const size = typeof input === 'string' ? bytes.length : input.byteLength;
  check((await decompress(out)).length === size, 'compress accepts every input type');
}
const header: StreamHeader = peekHeader(packed);
check(header.level === 3 && header.formatVersion === k.formatVersion && header.headerSize > 0, 'peekHeader');
const headerModel: number = header.modelId;
check(headerModel === loaded.modelId, 'peekHeader model id');
try {
  peekHeader(new Uint8Array(0));
  check(false, 'peekHeader of nothing');
} catch (error) {
  check(error instanceof LmzipError && error.code === 'LMZ_ERR_TRUNCATED', 'peekHeader error code');
}
const decompressOptions: DecompressOptions = { maxOutputLength: bytes.length };
const unpacked: Uint8Array = await decompress(packed, decompressOptions);
check(new TextDecoder().decode(unpacked) === text, 'round trip');

// Errors carry a code from a closed set.
try {
  await decompress(packed, { maxOutputLength: 10 });
  check(false, 'output limit');
} catch (error) {
  if (!(error instanceof LmzipError)) throw error;
  const code: LmzipErrorCode = error.code;
  check(code === 'LMZ_ERR_OUTPUT_LIMIT', `output limit code ${code}`);
  const needed: number | undefined = error.modelNeeded;
  const trailing: boolean | undefined = error.trailingData;
  const detail: string | undefined = error.detail;
  check(needed === undefined && trailing === undefined && detail === undefined, 'no extra properties');
}
try {
  await decompress(new Uint8Array([...packed, 0]));
  check(false, 'trailing data');
} catch (error) {
  check(error instanceof LmzipError && error.code === 'LMZ_ERR_CORRUPT_DATA' && error.trailingData === true, 'trailingData');
}
const notLoaded: LmzipErrorCode = 'LMZ_ERR_MODEL_NOT_LOADED';
void notLoaded;
const controller = new AbortController();
controller.abort(new Error('stop'));
await compress(text, { signal: controller.signal }).then(
  () => check(false, 'abort'),
  (error: unknown) => check(error instanceof LmzipError && error.code === 'LMZ_ERR_ABORTED', 'abort code'),
);
const made = new LmzipError('LMZ_ERR_CORRUPT_DATA', 'made by hand', { cause: 1 });
check(made.name === 'LmzipError' && made instanceof Error, 'LmzipError');

// Push API, with free() and with `using`.
const compressor = new Compressor({ level: 3 });
const pushed = concat([...compressor.push(bytes.subarray(0, 100)), ...compressor.push(bytes.subarray(100), true)]);
check(compressor.bytesIn === bytes.length && compressor.bytesOut === pushed.length, 'Compressor counts');
compressor.free();
compressor.free();
check(pushed.length === packed.length, 'push API gives the same bytes');
{
  using decompressor = new Decompressor({ maxOutputLength: bytes.length });
  const parts: Uint8Array[] = decompressor.push(pushed, true);
  const level: number = decompressor.level;
  check(level === 3 && concat(parts).length === bytes.length, 'Decompressor');
  const decompressorInput: DecompressInput = new Uint8Array(1);
  try {
    decompressor.push(decompressorInput);
  } catch (error) {
    check(error instanceof LmzipError, 'push after the end');
  }
}
{
  using compressor2 = new Compressor();
  compressor2.push(null, true);
}
{
  using streaming = new Decompressor();
  let total = 0;
  for (const part of streaming.outputs(pushed, true)) total += part.length;
  check(total === bytes.length, 'Decompressor.outputs()');
}

// WHATWG streams.
const compressed = new Response(
  new Blob([text]).stream().pipeThrough(new CompressStream({ level: 3 })),
);
const streamed = new Uint8Array(await compressed.arrayBuffer());
check(streamed.length === packed.length, 'CompressStream');
const restored = await new Response(
  new Blob([streamed]).stream().pipeThrough(new DecompressStream({ maxOutputLength: 1 << 20 })),
).text();
check(restored === text, 'DecompressStream');

// Node streams (Node only).
const sinkParts: Uint8Array[] = [];
const sink = new Writable({
  write(chunk: Uint8Array, _encoding, callback) {
    sinkParts.push(chunk);
    callback();
  },
});
await pipeline(
  Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
  createCompress({ level: 3, onProgress: (p) => check(p.bytesIn >= 0, 'progress') }),
  createDecompress({ maxOutputLength: bytes.length }),
  sink,
);
check(new TextDecoder().decode(concat(sinkParts)) === text, 'Node pipeline');

// Misuse the declarations must reject (type-checked, never run).
export function misuse(compressor: Compressor): void {
  // @ts-expect-error a level is a number
  void compress(text, { level: '6' });
  // @ts-expect-error the decompressor takes bytes, not strings
  void decompress('x');
  // @ts-expect-error not a code
  const badCode: LmzipErrorCode = 'LMZ_ERR_NOPE';
  void badCode;
  // @ts-expect-error not a model slot
  const badSlot: ModelSlot = 'huge';
  void badSlot;
  // @ts-expect-error the internal accessor is not part of the API
  void import('lmzip').then((m) => m.nativeModule);
  // @ts-expect-error no such option
  new Compressor({ maxOutputLength: 1 }).free();
  // @ts-expect-error read-only
  compressor.bytesIn = 1;
}

console.log('types-check: the declarations match the runtime');
