// Type declarations of lib/lmzip.mjs, the browser entry (browsers, workers,
// bundlers, Deno, Bun, edge runtimes): no Node types needed. lib/node.d.ts
// adds the Node entry's createCompress and createDecompress;
// dist/node.d.cts (CommonJS) is made from the two by scripts/build-types.mjs.
/// <reference lib="esnext.disposable" />

/**
 * The stable identifiers carried by {@link LmzipError.code}: the names of the
 * core's error list (`LMZIP_ERROR_LIST` in src/lmzip.h, without `LMZ_OK`;
 * `LMZ_ERR_INVALID_ARGUMENT` also for bad JavaScript arguments) plus the
 * JavaScript wrapper's own: `LMZ_ERR_ABORTED`, `LMZ_ERR_NOT_INITIALIZED`,
 * `LMZ_ERR_LOAD_FAILED` and `LMZ_ERR_UNKNOWN`. A test (npm/test/types.test.mjs) checks that this union
 * is exactly that set.
 */
export type LmzipErrorCode =
  /** Bad level, bad argument type, a stream used after free() or after it finished, an invalid model file. */
  | 'LMZ_ERR_INVALID_ARGUMENT'
  /** The magic bytes do not match: not an lmzip stream. */
  | 'LMZ_ERR_NOT_LMZIP'
  /** Written by a newer lmzip (format version not supported). */
  | 'LMZ_ERR_UNSUPPORTED_VERSION'
  /** Header fields out of range or unknown flags. */
  | 'LMZ_ERR_CORRUPT_HEADER'
  /** A neural model is loaded for the stream's level, but not the one whose id the stream names. */
  | 'LMZ_ERR_MODEL_MISMATCH'
  /** The level (or the stream) needs a neural model and none is loaded for it. */
  | 'LMZ_ERR_MODEL_NOT_LOADED'
  /** Block structure or coded payload invalid; also data after the end of the stream (`trailingData`). */
  | 'LMZ_ERR_CORRUPT_DATA'
  /** The CRC-32 of the decompressed data differs from the trailer's. */
  | 'LMZ_ERR_CHECKSUM_MISMATCH'
  /** The length in the trailer differs from the decompressed length. */
  | 'LMZ_ERR_LENGTH_MISMATCH'
  /** The input ended before the stream did (or, for {@link peekHeader}, before its header did). */
  | 'LMZ_ERR_TRUNCATED'
  /** The decompressed size exceeds `maxOutputLength`. */
  | 'LMZ_ERR_OUTPUT_LIMIT'
  /** The model tables (or a staging buffer) could not be allocated in WebAssembly memory. */
  | 'LMZ_ERR_OUT_OF_MEMORY'
  /** JavaScript only: an error number missing from the core's list (should not happen). */
  | 'LMZ_ERR_UNKNOWN'
  /** JavaScript only: the AbortSignal passed in the options fired; `cause` is its reason. */
  | 'LMZ_ERR_ABORTED'
  /** JavaScript only: a synchronous API (Compressor, Decompressor, constants, levels, peekHeader, memoryForLevel, levelUsesModel) was used before `await init()`. */
  | 'LMZ_ERR_NOT_INITIALIZED'
  /** JavaScript only: the WebAssembly module or a model file could not be loaded (network or file error, compile or link error, a host that refuses to run it); `cause` is the underlying error. */
  | 'LMZ_ERR_LOAD_FAILED';

/**
 * An lmzip failure. `code` is a stable identifier (see {@link LmzipErrorCode});
 * `message` is a sentence for humans and may change between versions.
 */
export class LmzipError extends Error {
  /**
   * @param code the stable identifier
   * @param message a sentence for humans
   * @param options `cause`: the underlying reason (an abort reason, for example)
   */
  constructor(code: LmzipErrorCode, message: string, options?: { cause?: unknown });
  /** Always `'LmzipError'`. */
  name: string;
  /** The stable identifier of the failure. */
  code: LmzipErrorCode;
  /**
   * With `LMZ_ERR_MODEL_MISMATCH` or `LMZ_ERR_MODEL_NOT_LOADED` from a
   * decompressor: the id of the model the stream needs (load it with
   * {@link loadModel}); otherwise undefined.
   */
  modelNeeded?: number;
  /**
   * With `LMZ_ERR_CORRUPT_DATA` from a decompressor: `true` when the stream
   * itself was complete and valid and more bytes followed it; otherwise
   * undefined.
   */
  trailingData?: boolean;
  /**
   * The core's own words on what is wrong, where it has some: with
   * `LMZ_ERR_INVALID_ARGUMENT` from {@link init} or {@link loadModel}, why
   * the model file was rejected; with `LMZ_ERR_CORRUPT_HEADER` from a
   * decompressor, that the stream names no model (id 0) at a level that
   * needs one; otherwise undefined.
   */
  detail?: string;
  /**
   * From a decompressor that had read a valid header start (magic, version,
   * level, flags): the level the stream records; otherwise undefined.
   */
  level?: number;
}

/** Input accepted by the compressor: bytes, or a string (encoded as UTF-8). */
export type CompressInput = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** Input accepted by the decompressor: the bytes of an lmzip stream. */
export type DecompressInput = Uint8Array | ArrayBuffer | ArrayBufferView;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The WebAssembly module to use instead of the package's own file: its
   * bytes, a compiled `WebAssembly.Module`, or its URL (fetched with
   * `fetch()`). It must be the build that `simd` selects
   * (`dist/lmzip-simd.wasm` or `dist/lmzip-scalar.wasm`).
   */
  wasm?: BufferSource | WebAssembly.Module | URL | string;
  /**
   * `true`: the SIMD128 build (fails with LMZ_ERR_INVALID_ARGUMENT where the
   * engine lacks SIMD); `false`: the scalar build. Default: SIMD when
   * {@link simdSupported}. Both produce the same bytes.
   */
  simd?: boolean;
  /**
   * The standard neural model (`.lmzm`): the model of the levels whose
   * `model` is `'standard'` in {@link levels}. Its bytes or its URL (fetched
   * with `fetch()`), loaded by `init()`. Default: the package's file that
   * the level table names (`modelFile`: `dist/default.lmzm`, 1.6 MB),
   * loaded the first time a level needs it (see {@link prepareLevel} and
   * `preload`). `null` loads no model: those
   * levels then fail with LMZ_ERR_MODEL_NOT_LOADED, and so does
   * decompressing streams written with them, until {@link loadModel} gives
   * one. An invalid file fails with LMZ_ERR_INVALID_ARGUMENT.
   */
  model?: BufferSource | URL | string | null;
  /**
   * The large neural model, of the levels whose `model` is `'large'`,
   * likewise. Default: the package's `dist/large.lmzm` (1.7 MB); `null`
   * skips it (saves the download in browsers that never use those levels).
   */
  largeModel?: BufferSource | URL | string | null;
  /**
   * The small neural model, of the levels whose `model` is `'small'`,
   * likewise. Default: the package's `dist/small.lmzm` (1.8 MB, 1.4 MB gzipped); `null`
   * skips it.
   */
  smallModel?: BufferSource | URL | string | null;
  /**
   * The packaged models to load now rather than on first use: `'all'`, or
   * those of the levels listed. Default: none (a level's model is fetched
   * the first time the level is used; level 1 needs none).
   */
  preload?: 'all' | number[];
  /**
   * The models no level writes with, kept so that older streams that name
   * them decode, by file name: `'default-0.1.lmzm'` (lmzip 0.1's standard
   * model, 0.7 MB). Bytes or URL; default: the package's file; `null`:
   * never loaded (streams that name it fail with LMZ_ERR_MODEL_MISMATCH).
   * Each loads the first time a stream names a model other than its
   * level's. An unknown file name fails with LMZ_ERR_INVALID_ARGUMENT.
   */
  keptModels?: Record<string, BufferSource | URL | string | null>;
}

/** What {@link init} loaded. */
export interface InitResult {
  /** Whether the SIMD128 build was loaded. */
  simd: boolean;
  /** The kernel variants the loaded build runs (neural model and mixer): `'simd128'` or `'scalar'`. */
  kernels: string;
  /** The id of the loaded standard neural model (the CRC-32 of its file), 0 when none is loaded. */
  modelId: number;
  /** The size of the loaded standard model file in bytes, 0 when none is loaded. */
  modelBytes: number;
  /** The id of the loaded large model, 0 when none is loaded. */
  largeModelId: number;
  /** The size of the loaded large model file in bytes, 0 when none is loaded. */
  largeModelBytes: number;
  /** The id of the loaded small model, 0 when none is loaded. */
  smallModelId: number;
  /** The size of the loaded small model file in bytes, 0 when none is loaded. */
  smallModelBytes: number;
}

/** The neural model a level uses: none, or one of the package's three models. */
export type ModelSlot = 'none' | 'standard' | 'large' | 'small';

/** One row of the core's level table (see {@link levels}). */
export interface LevelInfo {
  /** The level, from `minLevel` to `maxLevel`. */
  level: number;
  /** The neural model the level uses; every level naming the same slot shares one model. */
  model: ModelSlot;
  /** The package's file of that model (`'default.lmzm'`, `'large.lmzm'`, `'small.lmzm'` in `dist/`), null for `'none'`. */
  modelFile: string | null;
  /**
   * The predictor profile: `'fast'` (one mixer over few contexts), `'cm'`
   * (six hashed contexts, mixer network and APM stages), `'neural'` (cm plus
   * the neural model as mixer inputs, with mixers and APMs keyed by it) or
   * `'max'` (neural with three more hashed contexts).
   */
  profile: string;
  /** Bytes of memory the level's compressor or decompressor allocates (as {@link memoryForLevel}). */
  memory: number;
  /** One line for humans, e.g. `'standard neural model, large tables'`. */
  summary: string;
  /** Whether this is the level used when none is given (`constants().defaultLevel`). */
  isDefault: boolean;
}

/** What {@link peekHeader} reads from the start of a stream. */
export interface StreamHeader {
  /** The format version the stream was written in. */
  formatVersion: number;
  /** The level it was compressed at. */
  level: number;
  /** The header's flag bits (docs/FORMAT.md). */
  flags: number;
  /** The id of the neural model the stream needs; 0 when its level uses none. */
  modelId: number;
  /** Bytes of the header; the first block follows. */
  headerSize: number;
  /** Whether the stream is one of a framed file's frames (a seek table ends it). */
  framed: boolean;
  /** Its tables are sized for 2^tableLog input bytes; 0: the level's full tables. */
  tableLog: number;
}

/** The format constants of the loaded core (see {@link constants}). */
export interface LmzipConstants {
  /** Fastest level (1 in this version's level table). */
  minLevel: number;
  /** Best level (9 in this version's level table). */
  maxLevel: number;
  /** The level used when none is given (6 in this version's level table). */
  defaultLevel: number;
  /** The format version this build writes and the newest it reads. */
  formatVersion: number;
  /** Input bytes per independent frame when no `frameSize` is given (8 MiB). */
  defaultFrameSize: number;
  /** The smallest `frameSize` other than 0 (1 KiB). */
  minFrameSize: number;
  /** The largest `frameSize` (1 GiB). */
  maxFrameSize: number;
  /** The largest `threads` (256). */
  maxThreads: number;
}

/** A progress report: bytes consumed and produced so far. */
export interface ProgressInfo {
  /** Input bytes consumed so far. */
  bytesIn: number;
  /** Output bytes produced so far. */
  bytesOut: number;
  /** Total input length, where known ({@link compress} and {@link decompress} only). */
  total?: number;
}

/** Called at most every 100 ms while data flows, and once at the end. */
export type ProgressCallback = (progress: ProgressInfo) => void;

/** Options of {@link compress}, {@link CompressStream} and {@link createCompress}. */
export interface CompressOptions {
  /**
   * An integer from `minLevel` (fastest) to `maxLevel` (best); default
   * `defaultLevel` (see {@link constants} and {@link levels}).
   */
  level?: number;
  /**
   * Input bytes per independent frame (decodable alone; a seek table ends a
   * file of several): 0 for one frame, else `minFrameSize`..`maxFrameSize`;
   * default `defaultFrameSize`. The native CLI's `--frame-size`.
   */
  frameSize?: number;
  /**
   * Streams only (compress() knows it): the input's length when known, so
   * that the tables are sized to it and the bytes equal compress()'s.
   */
  size?: number;
  /**
   * {@link compress} only (the streams ignore it): compress this many
   * frames at once, each in a worker of its own (Node `worker_threads`,
   * module Web Workers in browsers); 0: one per core
   * (`os.availableParallelism()`, `navigator.hardwareConcurrency`); default
   * 1 (no worker). The bytes are the same for every value: they depend on
   * `frameSize` only, so an input that fits one frame is compressed on the
   * calling thread whatever `threads` says. Memory: each worker holds the
   * level's tables sized to a frame, a frame of input and its output; at
   * most 2 x threads frames are in flight.
   */
  threads?: number;
  /** Progress reports (see {@link ProgressCallback}). */
  onProgress?: ProgressCallback;
  /** Aborting it fails the operation with LMZ_ERR_ABORTED. */
  signal?: AbortSignal;
}

/** Options of {@link decompress}, {@link DecompressStream} and {@link createDecompress}. */
export interface DecompressOptions {
  /**
   * Fail with LMZ_ERR_OUTPUT_LIMIT once the decompressed data would exceed
   * this many bytes (a non-negative safe integer). Default: no limit.
   */
  maxOutputLength?: number;
  /**
   * {@link decompress} only (the streams ignore it): decode this many
   * frames at once, each in a worker of its own; 0: one per core; default
   * 1. Used when the data is one framed file that ends with its seek table
   * (what `compress` writes for an input longer than `frameSize`); other
   * data (one frame, concatenated files, a damaged table) is decoded on the
   * calling thread. Worker errors reject with the same {@link LmzipError}
   * codes.
   */
  threads?: number;
  /** Progress reports (see {@link ProgressCallback}). */
  onProgress?: ProgressCallback;
  /** Aborting it fails the operation with LMZ_ERR_ABORTED. */
  signal?: AbortSignal;
}

/** One frame of a framed file, from its seek table (see {@link readSeekTable}). */
export interface SeekEntry {
  /** Offset of the frame's header in the data (the first frame's is 0 unless other files come before it). */
  compressedOffset: number;
  /** Bytes of the frame, header to trailer. */
  compressedSize: number;
  /** Offset of its first byte in the file's content. */
  originalOffset: number;
  /** Bytes it decodes to. */
  originalSize: number;
}

/** True when this JavaScript engine supports WebAssembly SIMD128. */
export function simdSupported(): boolean;

/**
 * Loads the WebAssembly module and the neural model. Optional (every
 * asynchronous API calls it) and idempotent: later calls return the first
 * call's promise, whatever their options. A failed load may be retried.
 */
export function init(options?: InitOptions): Promise<InitResult>;

/**
 * Loads the packaged neural model that `level` needs, if it has one that is
 * not loaded yet (the packaged models load on first use). The promise APIs
 * and the streams call it themselves; call it before `new Compressor({level})`,
 * or before `new Decompressor()` for data of that level. Fails with
 * LMZ_ERR_LOAD_FAILED when the file cannot be loaded.
 */
export function prepareLevel(level: number): Promise<void>;

/**
 * Bytes as base64url text (RFC 4648 section 5: `A-Z a-z 0-9 - _`, no
 * padding), safe in URLs, file names, cookies and localStorage. Needs no
 * `init()`.
 */
export function toBase64Url(data: Uint8Array | ArrayBuffer | ArrayBufferView): string;

/**
 * The bytes of base64url text (trailing `=` padding accepted). Throws
 * LMZ_ERR_INVALID_ARGUMENT for other characters or an impossible length.
 * Needs no `init()`.
 */
export function fromBase64Url(text: string): Uint8Array;

/**
 * Makes a neural model the one `level` uses (and every level sharing its
 * model slot in {@link levels}; default: the default level's) for streams
 * created from now on: e.g. the large model after `init({largeModel:
 * null})`, or a model of your own. Decompression finds a loaded model by
 * the id the stream names. Fails with LMZ_ERR_INVALID_ARGUMENT for an
 * invalid file (`detail` says why) or a level without a model.
 */
export function loadModel(
  source: BufferSource | URL | string,
  options?: { level?: number },
): Promise<{ modelId: number }>;

/**
 * The format constants. Synchronous: throws LMZ_ERR_NOT_INITIALIZED before
 * `await init()`.
 */
export function constants(): LmzipConstants;

/**
 * The core's level table: one row per level, `minLevel` to `maxLevel` (which
 * model it uses and from which file, its profile, memory and summary).
 * Fresh objects on every call. Synchronous: throws LMZ_ERR_NOT_INITIALIZED
 * before `await init()`.
 */
export function levels(): LevelInfo[];

/**
 * Reads the header at the start of an lmzip stream without decoding it: its
 * format version, level, flags, model id and size. Throws an
 * {@link LmzipError} with the code the decoder would report for that header
 * (LMZ_ERR_NOT_LMZIP, LMZ_ERR_UNSUPPORTED_VERSION, LMZ_ERR_CORRUPT_HEADER),
 * or LMZ_ERR_TRUNCATED when `data` ends inside the header. Synchronous:
 * throws LMZ_ERR_NOT_INITIALIZED before `await init()`.
 */
export function peekHeader(data: DecompressInput): StreamHeader;

/**
 * Bytes of memory the model of `level` allocates (the same for compressor and
 * decompressor); 0 for an invalid level. Synchronous: throws
 * LMZ_ERR_NOT_INITIALIZED before `await init()`.
 */
export function memoryForLevel(level: number): number;

/**
 * Whether streams of `level` are predicted with a neural model (its `model`
 * in {@link levels} is not `'none'`; false for an invalid level).
 * Synchronous: throws LMZ_ERR_NOT_INITIALIZED before `await init()`.
 */
export function levelUsesModel(level: number): boolean;

/**
 * Compresses `data` (a string is encoded as UTF-8) into one lmzip stream.
 * Yields to the event loop while it runs, so `onProgress` and `signal` work.
 */
export function compress(data: CompressInput, options?: CompressOptions): Promise<Uint8Array>;

/**
 * Compresses `data` (a string as UTF-8) and reports what each input byte
 * cost in the output: `costs[i]` is -log2 of the probabilities the coder used
 * for byte i's 8 bits (the ideal code length, which the coder's output is
 * within about 0.3 % of), or 8 for a byte of a block stored as is. For
 * visualisations; `compressed` equals what {@link compress} returns.
 */
export function compressWithCosts(
  data: CompressInput,
  options?: CompressOptions,
): Promise<{ compressed: Uint8Array; costs: Float32Array }>;

/**
 * Decompresses one complete lmzip stream. Rejects with an {@link LmzipError}
 * when the data is not a valid, complete stream, or has bytes after its end.
 */
export function decompress(data: DecompressInput, options?: DecompressOptions): Promise<Uint8Array>;

/**
 * The frames of the framed file that ends `data`, from its seek table (only
 * the table is read; its CRC-32 is checked, the frames are checked when
 * decoded). `null` when `data` ends with no seek table: a file of one frame
 * (an input that fits one `frameSize`, or `frameSize: 0`), or not lmzip
 * data. Throws LMZ_ERR_CORRUPT_DATA when the table is damaged or its frames
 * do not fit in `data`. Synchronous: throws LMZ_ERR_NOT_INITIALIZED before
 * `await init()`.
 */
export function readSeekTable(data: DecompressInput): SeekEntry[] | null;

/**
 * The original bytes [start, end) (`end` default: the end of the content),
 * decoding only the frames that cover them when the data ends with a seek
 * table; data without one (one frame, or files before the framed one) is
 * decoded whole and the range cut from it. Throws LMZ_ERR_INVALID_ARGUMENT
 * when `start` or `end` is not a non-negative integer, `end` < `start`, or
 * the range ends past the content; an empty range within the content
 * decodes nothing. Decodes on the calling thread.
 */
export function decompressRange(data: DecompressInput, start: number, end?: number): Promise<Uint8Array>;

/**
 * Push-style compressor over the streaming core. Requires `await init()`
 * first. Its model stays allocated in WebAssembly memory until {@link free}
 * (or the end of a `using` block), even after it finished or failed.
 */
export class Compressor implements Disposable {
  /** @throws {LmzipError} LMZ_ERR_NOT_INITIALIZED, LMZ_ERR_INVALID_ARGUMENT (bad level), LMZ_ERR_OUT_OF_MEMORY */
  constructor(options?: { level?: number; costs?: boolean; size?: number; frameSize?: number });
  /**
   * With `{costs: true}`: the bits each input byte cost, for the bytes whose
   * block was written since the last call (all of them after the final push).
   */
  takeCosts(): Float32Array;
  /**
   * Compresses a chunk; `final` = no more input follows (the stream is then
   * completed and the compressor cannot be pushed again). Output may lag the
   * input by up to one 1 MiB block.
   * @returns the compressed bytes available so far (possibly none)
   */
  push(chunk: CompressInput | null | undefined, final?: boolean): Uint8Array[];
  /**
   * Like {@link push}, but yields each piece of output (at most 1 MiB) as
   * soon as it exists, so a stream can wait for its reader in between. Do not
   * push again before the generator is done.
   */
  outputs(chunk: CompressInput | null | undefined, final?: boolean): Generator<Uint8Array, void, undefined>;
  /** Input bytes consumed so far (0 after free()). */
  readonly bytesIn: number;
  /** Output bytes produced so far (0 after free()). */
  readonly bytesOut: number;
  /** Releases the WebAssembly memory of this compressor; safe to call twice. */
  free(): void;
  /** The same as {@link free}, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * Push-style decompressor over the streaming core. Requires `await init()`
 * first. Input after the end of the stream fails with LMZ_ERR_CORRUPT_DATA
 * (with `trailingData` set).
 * Free it with {@link free} (or `using`) when done.
 */
export class Decompressor implements Disposable {
  /** @throws {LmzipError} LMZ_ERR_NOT_INITIALIZED, LMZ_ERR_INVALID_ARGUMENT (bad limit), LMZ_ERR_OUT_OF_MEMORY */
  constructor(options?: { maxOutputLength?: number });
  /**
   * Decompresses a chunk; `final` = no more input follows (a stream that is
   * not complete then fails with LMZ_ERR_TRUNCATED). All the output of the
   * chunk is returned at once: use {@link outputs} where a small chunk may
   * expand a lot.
   * @returns the decompressed bytes available so far (possibly none)
   */
  push(chunk: DecompressInput | null | undefined, final?: boolean): Uint8Array[];
  /**
   * Like {@link push}, but yields each piece of output (at most 1 MiB) as
   * soon as it exists. Do not push again before the generator is done.
   */
  outputs(chunk: DecompressInput | null | undefined, final?: boolean): Generator<Uint8Array, void, undefined>;
  /** The level recorded in the stream header (0 before the header was read). */
  readonly level: number;
  /** Input bytes consumed so far (0 after free()). */
  readonly bytesIn: number;
  /** Output bytes produced so far (0 after free()). */
  readonly bytesOut: number;
  /** Releases the WebAssembly memory of this decompressor; safe to call twice. */
  free(): void;
  /** The same as {@link free}, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * A compressing WHATWG TransformStream:
 * `readable.pipeThrough(new CompressStream())`. Named so as not to shadow the
 * platform's CompressionStream. Chunks may be bytes or strings (UTF-8).
 */
export class CompressStream extends TransformStream<CompressInput, Uint8Array> {
  constructor(options?: CompressOptions);
}

/** A decompressing WHATWG TransformStream. */
export class DecompressStream extends TransformStream<DecompressInput, Uint8Array> {
  constructor(options?: DecompressOptions);
}
