// lmzip for JavaScript: a thin shell over the C++ core compiled to
// WebAssembly. Every byte of the format is produced by the core; this file
// only moves bytes across the wasm boundary and adapts the streaming state to
// promises, push-style objects and WHATWG streams.
import createSimdModule from '../dist/lmzip-simd.mjs';
import createScalarModule from '../dist/lmzip-scalar.mjs';
import { fileLoader, hooks, setNativeModule } from './internal.mjs';
import { WorkerPool, resolveThreads } from './threads.mjs';

// lmzip::Status values (src/lmzip.h).
const NEEDS_INPUT = 0;
const NEEDS_OUTPUT = 1;
const DONE = 2;
const ERROR = 3;

// Input is copied into the wasm heap this many bytes at a time.
const STAGE_SIZE = 1 << 18;
// compress()/decompress() yield to the event loop after this much input (about
// 0.15 s at the neural levels in WebAssembly) so
// that progress, abort and the rest of the page keep running.
const YIELD_EVERY = 1 << 14;
const PROGRESS_INTERVAL_MS = 100;

/**
 * An lmzip failure. `code` is a stable identifier: one of the core's error
 * names (its error list, src/lmzip.h: `LMZ_ERR_CORRUPT_DATA`,
 * `LMZ_ERR_TRUNCATED`, `LMZ_ERR_MODEL_NOT_LOADED`, ...; also
 * `LMZ_ERR_INVALID_ARGUMENT` for bad JavaScript arguments) or one of the
 * wrapper's own: `LMZ_ERR_ABORTED` when an AbortSignal fired,
 * `LMZ_ERR_NOT_INITIALIZED` when a synchronous API is used before `init()`,
 * `LMZ_ERR_UNKNOWN` for a core code missing from its list (never expected).
 *
 * Properties beside `code`, where they apply: `modelNeeded` (with
 * LMZ_ERR_MODEL_MISMATCH or LMZ_ERR_MODEL_NOT_LOADED from a decompressor:
 * the id of the model the stream needs), `trailingData` (true with
 * LMZ_ERR_CORRUPT_DATA when a complete stream was followed by more bytes),
 * `detail` (the core's own words on what is wrong, e.g. with a model file),
 * `level` (from a decompressor that read a valid header start: the stream's
 * level).
 */
export class LmzipError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'LmzipError';
    /** @type {string} */
    this.code = code;
    /**
     * @type {number | undefined} the model id a stream needs
     * (LMZ_ERR_MODEL_MISMATCH, LMZ_ERR_MODEL_NOT_LOADED)
     */
    this.modelNeeded = undefined;
  }
}

// A WebAssembly module with one function returning a v128 (i8x16.splat):
// valid only where SIMD128 is supported.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // i32.const 0; i8x16.splat; end
]);

/** True when this JavaScript engine supports WebAssembly SIMD128. */
export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

let native = null; // the Embind module once loaded
let loading = null; // the promise of the first init()
let levelRows = null; // the core's level table (levels()), once loaded
let errorsByCode = null; // the core's error list: code -> {name, message}
// For the workers of the `threads` option: the compiled module, its build,
// and the bytes of the model loaded in each slot.
let compiledWasm = null;
let loadedSimd = false;
const slotBytes = new Map();
// The packaged models no level writes with, kept so that older streams that
// name them decode (lmzip 0.1's standard model): {slot, file, source,
// loading}, each loaded the first time a stream names a model other than its
// level's; `source` is init()'s keptModels option for the file.
let keptModels = [];

/**
 * Loads the WebAssembly module, and the neural models given as bytes or
 * URL; the package's own models load on first use of a level that needs
 * them ({@link prepareLevel}), or now for the levels `preload` names.
 * Optional (every async API calls it) and idempotent: later calls return
 * the first call's result.
 * @param {{wasm?: BufferSource | WebAssembly.Module | URL | string, simd?: boolean,
 *   model?: BufferSource | URL | string | null,
 *   largeModel?: BufferSource | URL | string | null,
 *   smallModel?: BufferSource | URL | string | null, preload?: 'all' | number[],
 *   keptModels?: Record<string, BufferSource | URL | string | null>}} [options]
 *   `simd`: force the SIMD (true) or scalar (false) build; by default SIMD
 *   when supported. `wasm`: the module's bytes, a compiled module or its URL,
 *   for hosts where the package's own file cannot be loaded. `model`: the
 *   standard neural model (the levels whose `model` is `'standard'` in
 *   {@link levels}), as bytes or URL (default: the package's file that the
 *   level table names, `dist/default.lmzm`); `largeModel`: the model of the
 *   levels whose `model` is `'large'` (default: `dist/large.lmzm`, 1.7 MB);
 *   `smallModel`: the model of the levels whose `model` is `'small'`
 *   (default: `dist/small.lmzm`, 1.8 MB, 1.4 MB gzipped).
 *   `null` loads none: the levels that need it fail with
 *   `LMZ_ERR_MODEL_NOT_LOADED` until {@link loadModel} gives one.
 *   `preload`: `'all'` or a list of levels whose packaged models to load
 *   now (default: none; each loads when first needed).
 *   `keptModels`: the models no level writes with, kept so that older
 *   streams that name them decode (`'default-0.1.lmzm'`: lmzip 0.1's
 *   standard model, 0.7 MB), by file name: bytes or URL (default: the
 *   package's file), or `null` (never loaded: those streams fail with
 *   `LMZ_ERR_MODEL_MISMATCH`). Each loads the first time a stream names a
 *   model other than its level's.
 * @returns {Promise<{simd: boolean, kernels: string, modelId: number, modelBytes: number,
 *   largeModelId: number, largeModelBytes: number, smallModelId: number, smallModelBytes: number}>}
 */
export function init(options = {}) {
  if (!loading) {
    loading = instantiate(options).catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

// An LmzipError (LMZ_ERR_LOAD_FAILED) for a failure to load `what` (the
// WebAssembly module, a model file): `cause` is the underlying error (a
// network or file error, a CompileError, an EvalError of a host that
// forbids code from strings, ...). LmzipErrors pass through as they are.
function loadFailed(what, cause) {
  if (cause instanceof LmzipError) return cause;
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new LmzipError('LMZ_ERR_LOAD_FAILED', `lmzip: cannot load ${what}: ${why}`, { cause });
}

async function fetchBytes(source) {
  const response = await fetch(source);
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${source}`);
  return new Uint8Array(await response.arrayBuffer());
}

// A model option: undefined = the packaged file `file` (the level table's
// modelFile), null = none.
async function modelBytesOf(source, file) {
  if (source === null) return null;
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) return toBytes(source);
  try {
    return source === undefined ? await fileLoader().loadDefaultModel(file) : await fetchBytes(source);
  } catch (error) {
    throw loadFailed(`the model ${source === undefined ? file : source}`, error);
  }
}

// The init() option that gives the model of each slot of the level table.
const MODEL_OPTIONS = { standard: 'model', large: 'largeModel', small: 'smallModel' };

// The model slots of a level table: each slot that some level uses, with its
// file and the first level that uses it (a level to load it through).
function modelSlots(rows) {
  const slots = [];
  for (const row of rows) {
    if (row.model !== 'none' && !slots.some((s) => s.slot === row.model)) {
      slots.push({ slot: row.model, file: row.modelFile, level: row.level });
    }
  }
  return slots;
}

function readLevelTable(m) {
  return m.levelTable().map((row) => ({
    level: row.level,
    model: row.model,
    modelFile: row.modelFile || null,
    profile: row.profile,
    memory: row.memory,
    summary: row.summary,
    isDefault: row.isDefault,
  }));
}

function readErrorList(m) {
  const byCode = new Map();
  for (const row of m.errorList()) byCode.set(row.code, { name: row.name, message: row.message });
  return byCode;
}

// The Embind module over the compiled WebAssembly module of `useSimd`'s
// build; every failure (fetch, compile, link, the glue) an LmzipError.
async function loadModule(wasm, useSimd) {
  const what = `the WebAssembly module (${useSimd ? 'SIMD' : 'scalar'} build)`;
  try {
    let source = wasm ?? (await fileLoader().loadWasm(useSimd));
    if (typeof source === 'string' || source instanceof URL) source = await fetchBytes(source);
    const compiled =
      source instanceof WebAssembly.Module ? source : await WebAssembly.compile(toBytes(source));
    const factory = useSimd ? createSimdModule : createScalarModule;
    return await new Promise((resolve, reject) => {
      factory({
        locateFile: (path) => path, // the glue must not resolve its own URL
        instantiateWasm(imports, receive) {
          WebAssembly.instantiate(compiled, imports)
            .then((instance) => {
              compiledWasm = compiled;
              return receive(instance, compiled);
            })
            .catch(reject);
          return {};
        },
      }).then(resolve, reject);
    });
  } catch (error) {
    throw loadFailed(what, error);
  }
}

async function instantiate(options = {}) {
  const { wasm, simd } = options;
  const useSimd = simd ?? simdSupported();
  if (useSimd && !simdSupported()) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: this engine has no WebAssembly SIMD');
  }
  const loaded = await loadModule(wasm, useSimd);
  // Which models to load, and from which files, the level table says. A
  // model given as bytes or URL is loaded now; a packaged one (the option
  // left out) on first use of a level that needs it, or now if `preload`
  // names such a level.
  const table = readLevelTable(loaded);
  const slots = modelSlots(table);
  const preload = preloadSlots(options.preload, table);
  const sourceOf = (s) => (MODEL_OPTIONS[s.slot] ? options[MODEL_OPTIONS[s.slot]] : undefined);
  const files = await Promise.all(
    slots.map((s) => (sourceOf(s) === undefined && !preload.has(s.slot) ? null : modelBytesOf(sourceOf(s), s.file))),
  );
  const loadedBytes = {};
  lazySlots = new Map();
  slotBytes.clear();
  const keptSources = options.keptModels ?? {};
  keptModels = loaded.keptModels().map((row) => ({ slot: row.slot, file: row.file, source: keptSources[row.file], loading: null }));
  for (const file of Object.keys(keptSources)) {
    if (!keptModels.some((kept) => kept.file === file)) {
      throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: keptModels: no kept model file ${file}`);
    }
  }
  slots.forEach((s, i) => {
    if (files[i]) {
      setModel(loaded, files[i], s.level);
      slotBytes.set(s.slot, files[i].slice());
    }
    else if (sourceOf(s) === undefined) lazySlots.set(s.slot, null);
    loadedBytes[s.slot] = files[i] ? files[i].length : 0;
  });
  native = loaded;
  loadedSimd = useSimd;
  levelRows = table;
  errorsByCode = readErrorList(loaded);
  setNativeModule(loaded);
  const idOf = (slot) => {
    const level = slotLevel(slot);
    return level === undefined ? 0 : native.modelId(level);
  };
  return {
    simd: useSimd,
    kernels: native.kernels(),
    modelId: idOf('standard'),
    modelBytes: loadedBytes.standard ?? 0,
    largeModelId: idOf('large'),
    largeModelBytes: loadedBytes.large ?? 0,
    smallModelId: idOf('small'),
    smallModelBytes: loadedBytes.small ?? 0,
  };
}

// The model slots whose packaged files init({preload}) loads at once:
// 'all', or those of the levels listed.
function preloadSlots(preload, table) {
  if (preload === undefined) return new Set();
  if (preload !== 'all' && !(Array.isArray(preload) && preload.every(Number.isInteger))) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', "lmzip: preload must be 'all' or an array of levels");
  }
  return new Set(table.filter((row) => row.model !== 'none' && (preload === 'all' || preload.includes(row.level))).map((row) => row.model));
}

// Model slots whose packaged file loads on first use: slot -> null (not
// requested yet) or the promise of its loading; a slot leaves the map once
// its model is in.
let lazySlots = new Map();

/**
 * Loads the neural model that `level` needs, when it is a packaged model
 * not loaded yet (`init()` loads none of them: each is fetched the first
 * time a level needs it). The promise APIs and the streams call it
 * themselves; call it before using `new Compressor({level})` or
 * `new Decompressor()` on data of that level. Resolves at once for a level
 * without a model or whose model is loaded (or was set to `null` in
 * `init()`, or given by {@link loadModel}).
 * @param {number} level
 * @returns {Promise<void>}
 */
export async function prepareLevel(level) {
  await init();
  const row = levelRows.find((r) => r.level === level);
  if (!row || !lazySlots.has(row.model)) return;
  let pending = lazySlots.get(row.model);
  if (!pending) {
    const slotRow = levelRows.find((r) => r.model === row.model);
    pending = modelBytesOf(undefined, slotRow.modelFile).then(
      (bytes) => {
        // Unless loadModel() filled the slot meanwhile.
        if (lazySlots.get(row.model) === pending) {
          setModel(native, bytes, slotRow.level);
          slotBytes.set(row.model, bytes.slice());
          lazySlots.delete(row.model);
        }
      },
      (error) => {
        if (lazySlots.get(row.model) === pending) lazySlots.set(row.model, null); // try again next time
        throw error;
      },
    );
    lazySlots.set(row.model, pending);
  }
  await pending;
}

// Whether `level`'s model is a packaged one that prepareLevel() has not loaded yet.
function waitsForModel(level) {
  const row = levelRows.find((r) => r.level === level);
  return row !== undefined && lazySlots.has(row.model);
}

// The first level of the level table that uses the model slot `slot`.
function slotLevel(slot) {
  return levelRows.find((row) => row.model === slot)?.level;
}

// The ids of the models loaded now, one per slot.
function loadedModelIds() {
  return modelSlots(levelRows).map((s) => native.modelId(s.level)).filter(Boolean);
}

// Loads the kept models (see keptModels), once.
async function prepareKeptModels() {
  await Promise.all(
    keptModels.map((kept) => {
      if (kept.source === null) return (kept.loading ??= Promise.resolve());
      kept.loading ??= modelBytesOf(kept.source, kept.file).then(
        (bytes) => setModel(native, bytes, (m, at, size) => m.setKeptModel(at, size, kept.slot)),
        (error) => {
          kept.loading = null; // try again next time
          throw error;
        },
      );
      return kept.loading;
    }),
  );
}

// Whether every kept model has been asked for.
function keptModelsRequested() {
  return keptModels.every((kept) => kept.loading);
}

// Loads what decoding a stream with this header needs: its level's model
// and, when the stream names another one, the kept models.
async function prepareStream(header) {
  if (!header) return;
  await prepareLevel(header.level);
  if (header.modelId !== native.modelId(header.level)) await prepareKeptModels();
}

// Makes `bytes` the model of `level` (or, with a function for `level`, the
// model that function sets from its pointer and size).
function setModel(m, bytes, level) {
  const at = m._malloc(Math.max(1, bytes.length));
  if (!at) throw new LmzipError('LMZ_ERR_OUT_OF_MEMORY', 'lmzip: out of WebAssembly memory');
  try {
    m.HEAPU8.set(bytes, at);
    const why = typeof level === 'function' ? level(m, at, bytes.length) : m.setModel(at, bytes.length, level);
    if (why) {
      const error = new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: invalid model file: ${why}`);
      error.detail = why;
      throw error;
    }
  } finally {
    m._free(at);
  }
}

/**
 * Makes a neural model the one `level` uses (and every level that shares its
 * model slot in {@link levels}) for streams created from now on, e.g. the
 * large model after `init({largeModel: null})`, or a model of your own.
 * Decompression finds a loaded model by the id the stream names.
 * @param {BufferSource | URL | string} source the model file's bytes or URL
 * @param {{level?: number}} [options] default: the default level
 *   (`constants().defaultLevel`), i.e. the standard model's slot
 * @returns {Promise<{modelId: number}>}
 */
export async function loadModel(source, options = {}) {
  await init();
  const level = options.level ?? native.defaultLevel;
  if (source === null || source === undefined) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: loadModel() needs the model bytes or URL');
  }
  if (!levelUsesModel(level)) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: level ${level} uses no neural model`);
  }
  const bytes = await modelBytesOf(source);
  setModel(native, bytes, level);
  const slot = levelRows.find((r) => r.level === level).model;
  slotBytes.set(slot, bytes.slice());
  lazySlots.delete(slot);
  return { modelId: native.modelId(level) };
}

function requireNative() {
  if (!native) {
    throw new LmzipError(
      'LMZ_ERR_NOT_INITIALIZED',
      'lmzip: call `await init()` before using Compressor/Decompressor synchronously',
    );
  }
  return native;
}

/**
 * The level table of the core (src/levels.cpp), one row per level from
 * `minLevel` to `maxLevel`: which neural model the level uses (`model`:
 * `'none'`, `'standard'`, `'large'` or `'small'`, and `modelFile`, the package's file
 * of that model, null for none), its predictor profile (`'fast'`, `'cm'`,
 * `'neural'` or `'max'`), the bytes of memory its encoder or decoder allocates, a
 * one-line summary, and whether it is the default level. Fresh objects on
 * every call. Synchronous: throws LMZ_ERR_NOT_INITIALIZED before `init()`.
 * @returns {{level: number, model: 'none' | 'standard' | 'large', modelFile: string | null,
 *   profile: string, memory: number, summary: string, isDefault: boolean}[]}
 */
export function levels() {
  requireNative();
  return levelRows.map((row) => ({ ...row }));
}

/** Format constants, available after `init()`. */
export function constants() {
  const m = requireNative();
  return {
    minLevel: m.minLevel,
    maxLevel: m.maxLevel,
    defaultLevel: m.defaultLevel,
    formatVersion: m.formatVersion,
    defaultFrameSize: m.defaultFrameSize,
    minFrameSize: m.minFrameSize,
    maxFrameSize: m.maxFrameSize,
    maxThreads: m.maxThreads,
  };
}

/**
 * Bytes of memory the model of `level` allocates (encoder and decoder alike).
 * @param {number} level
 */
export function memoryForLevel(level) {
  return requireNative().memoryForLevel(level);
}

/**
 * Whether streams of `level` are predicted with a neural model (its `model`
 * in {@link levels} is not `'none'`); false for an invalid level.
 * @param {number} level
 */
export function levelUsesModel(level) {
  requireNative();
  const row = Number.isInteger(level) ? levelRows.find((r) => r.level === level) : undefined;
  return row !== undefined && row.model !== 'none';
}

// An LmzipError for a code of the core's error list.
function coreError(code) {
  const entry = errorsByCode.get(code) ?? { name: 'LMZ_ERR_UNKNOWN', message: `unknown error ${code}` };
  return new LmzipError(entry.name, `lmzip: ${entry.message}`);
}

function codeNamed(name) {
  for (const [code, entry] of errorsByCode) if (entry.name === name) return code;
  return undefined;
}

// The header is a few bytes; a longer input is copied whole only if the core
// asks for more.
const PEEK_BYTES = 64;

/**
 * Reads the header at the start of an lmzip stream without decoding
 * anything (the core's peek_header): the format version, the level, the
 * flags, the id of the neural model the stream needs (0 for none) and the
 * header's size in bytes. Throws an LmzipError with the code the decoder
 * would report for a bad header (LMZ_ERR_NOT_LMZIP,
 * LMZ_ERR_UNSUPPORTED_VERSION, LMZ_ERR_CORRUPT_HEADER) or LMZ_ERR_TRUNCATED
 * when `data` is shorter than the header. Synchronous: throws
 * LMZ_ERR_NOT_INITIALIZED before `init()`.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @returns {{formatVersion: number, level: number, flags: number, modelId: number, headerSize: number,
 *   framed: boolean, tableLog: number}}
 */
export function peekHeader(data) {
  const m = requireNative();
  const bytes = toBytes(data);
  let size = Math.min(bytes.length, PEEK_BYTES);
  for (;;) {
    const at = m._malloc(Math.max(1, size));
    if (!at) throw new LmzipError('LMZ_ERR_OUT_OF_MEMORY', 'lmzip: out of WebAssembly memory');
    let header;
    try {
      m.HEAPU8.set(bytes.subarray(0, size), at);
      header = m.peekHeader(at, size);
    } finally {
      m._free(at);
    }
    if (header.error === codeNamed('LMZ_ERR_TRUNCATED') && size < bytes.length) {
      size = bytes.length;
      continue;
    }
    if (header.error !== 0) throw coreError(header.error);
    return {
      formatVersion: header.formatVersion,
      level: header.level,
      flags: header.flags,
      modelId: header.modelId,
      headerSize: header.headerSize,
      framed: header.framed,
      tableLog: header.tableLog,
    };
  }
}

const encoder = new TextEncoder();

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUE = new Map([...BASE64URL].map((c, i) => [c, i]));

/**
 * Bytes as base64url text (RFC 4648 section 5: `A-Z a-z 0-9 - _`, no
 * padding), safe in URLs, file names, cookies and localStorage: e.g.
 * `toBase64Url(await compress(text))` for a link that carries a document.
 * Synchronous; needs no `init()`.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @returns {string}
 */
export function toBase64Url(data) {
  const bytes = toBytes(data);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; ++k) out += BASE64URL[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/**
 * The bytes of base64url text (as {@link toBase64Url} writes it; `=`
 * padding at the end is accepted). Throws LMZ_ERR_INVALID_ARGUMENT for any
 * other character or an impossible length. Synchronous; needs no `init()`.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function fromBase64Url(text) {
  if (typeof text !== 'string') throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: fromBase64Url() takes a string');
  const body = text.replace(/={1,2}$/, '');
  if (body.length % 4 === 1 || (body.length !== text.length && (text.length % 4 !== 0))) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: not base64url: length ${text.length}`);
  }
  const out = new Uint8Array(Math.floor((body.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < body.length; ++i) {
    const v = BASE64URL_VALUE.get(body[i]);
    if (v === undefined) {
      throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: not base64url: ${JSON.stringify(body[i])} at ${i}`);
    }
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * @param {unknown} data
 * @returns {Uint8Array}
 */
function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new LmzipError(
    'LMZ_ERR_INVALID_ARGUMENT',
    'lmzip: data must be a Uint8Array, ArrayBuffer, ArrayBufferView or string',
  );
}

const hex32 = (id) => id.toString(16).padStart(8, '0');

const disposeSymbol = Symbol.dispose ?? Symbol.for('nodejs.dispose');

// The part of Compressor and Decompressor that moves bytes through the core.
class Stream {
  #stream;
  #stage;
  #finished = false;
  #busy = false; // suspended in outputs(): the stage still holds input

  constructor(stream) {
    this.#stream = stream;
    this.#stage = native._malloc(STAGE_SIZE);
    if (!this.#stage) {
      stream.delete();
      throw new LmzipError('LMZ_ERR_OUT_OF_MEMORY', 'lmzip: out of WebAssembly memory');
    }
  }

  /** Bytes consumed so far. */
  get bytesIn() {
    return this.#stream ? this.#stream.bytesIn() : 0;
  }

  /** Bytes produced so far. */
  get bytesOut() {
    return this.#stream ? this.#stream.bytesOut() : 0;
  }

  _native() {
    return this.#stream;
  }

  /**
   * Feeds a chunk to the core and yields the output as it is produced (at
   * most 1 MiB at a time), so that a caller can stop to let it drain.
   * @param {Uint8Array} bytes
   * @param {boolean} final
   * @param {(status: number, used: number, size: number) => void} [check]
   *   inspects each step (the decompressor rejects data after the end)
   * @returns {Generator<Uint8Array>}
   */
  *_outputs(bytes, final, check) {
    const stream = this.#stream;
    if (!stream) throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: used after free()');
    if (this.#busy) throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: push() while the previous output is being read');
    if (this.#finished) throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: stream already finished');
    let offset = 0;
    do {
      const size = Math.min(bytes.length - offset, STAGE_SIZE);
      native.HEAPU8.set(bytes.subarray(offset, offset + size), this.#stage);
      const last = final && offset + size === bytes.length;
      let used = 0;
      let status;
      for (;;) {
        status = stream.push(this.#stage + used, size - used, last);
        used += stream.consumed();
        const produced = stream.outputSize();
        // Copied out before yielding: the heap may move while the caller waits.
        const part = produced > 0 ? native.HEAPU8.slice(stream.outputPointer(), stream.outputPointer() + produced) : null;
        if (status === ERROR) this._fail(stream.error());
        if (part) {
          this.#busy = true;
          try {
            yield part;
          } finally {
            this.#busy = false;
          }
          if (!this.#stream) return;
        }
        if (status !== NEEDS_OUTPUT) break;
      }
      if (check) check(status, used, size);
      offset += size;
    } while (offset < bytes.length);
    if (final) this.#finished = true;
  }

  _fail(code) {
    this.#finished = true;
    const error = coreError(code);
    const needed = this.#stream.modelId ? this.#stream.modelId() : 0;
    const level = this.#stream.level ? this.#stream.level() : 0;
    if (level) error.level = level;
    // After a valid header start, the only header fault left is the model id.
    if (error.code === 'LMZ_ERR_CORRUPT_HEADER' && level && !needed && levelUsesModel(level)) {
      error.detail = `the stream names no model (id 0), but level ${level} needs one`;
      error.message += ` (${error.detail})`;
    }
    if (error.code === 'LMZ_ERR_MODEL_MISMATCH' && needed) {
      const loaded = loadedModelIds();
      error.message += ` (the data needs model ${hex32(needed)}; loaded: ${loaded.length ? loaded.map(hex32).join(', ') : 'none'})`;
    } else if (error.code === 'LMZ_ERR_MODEL_NOT_LOADED') {
      error.message += needed
        ? ` (the data needs model ${hex32(needed)}; see loadModel())`
        : ' (this level needs a neural model and none is loaded; see loadModel())';
    }
    if ((error.code === 'LMZ_ERR_MODEL_MISMATCH' || error.code === 'LMZ_ERR_MODEL_NOT_LOADED') && needed) {
      error.modelNeeded = needed;
    }
    throw error;
  }

  /** Releases the WebAssembly memory of this stream; safe to call twice. */
  free() {
    if (!this.#stream) return;
    this.#stream.delete();
    native._free(this.#stage);
    this.#stream = null;
  }

  [disposeSymbol]() {
    this.free();
  }
}

function checkLevel(level) {
  const m = requireNative();
  if (level === undefined) return m.defaultLevel;
  if (!Number.isInteger(level) || level < m.minLevel || level > m.maxLevel) {
    throw new LmzipError(
      'LMZ_ERR_INVALID_ARGUMENT',
      `lmzip: level must be an integer from ${m.minLevel} to ${m.maxLevel}, got ${level}`,
    );
  }
  return level;
}

function checkLimit(maxOutputLength) {
  if (maxOutputLength === undefined) return -1;
  if (!Number.isSafeInteger(maxOutputLength) || maxOutputLength < 0) {
    throw new LmzipError(
      'LMZ_ERR_INVALID_ARGUMENT',
      `lmzip: maxOutputLength must be a non-negative integer, got ${maxOutputLength}`,
    );
  }
  return maxOutputLength;
}

// A byte count option: -1 when not given (the core then uses its default;
// it rejects frame sizes outside minFrameSize..maxFrameSize but 0).
function checkCount(value, name) {
  if (value === undefined) return -1;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: ${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/**
 * Push-style compressor. Requires `await init()` first. Free it with
 * `free()` (or `using`) when done; a finished or failed compressor stays
 * allocated until then.
 */
export class Compressor extends Stream {
  /**
   * @param {{level?: number, costs?: boolean, size?: number, frameSize?: number}} [options]
   *   `costs`: record what each input byte costs (see takeCosts()); `size`:
   *   the input's length when known (tables sized to it; the bytes depend
   *   on it); `frameSize`: input bytes per independent frame (0: one frame)
   */
  constructor({ level, costs = false, size, frameSize } = {}) {
    const m = requireNative();
    const checked = checkLevel(level);
    if (waitsForModel(checked)) {
      throw new LmzipError(
        'LMZ_ERR_MODEL_NOT_LOADED',
        `lmzip: level ${checked} needs a neural model that is loaded on first use: call \`await prepareLevel(${checked})\` first`,
      );
    }
    const stream = new m.StreamEncoder(
      checked,
      checkCount(size, 'size'),
      checkCount(frameSize, 'frameSize'),
    );
    if (costs) stream.recordCosts();
    super(stream);
  }

  /**
   * The bits each input byte cost in the output, for the bytes whose block
   * is written since the last call (all of them after the final push):
   * -log2 of the probabilities the coder used for the byte's 8 bits, or 8
   * for a byte of a block stored as is. Needs `{costs: true}`.
   * @returns {Float32Array}
   */
  takeCosts() {
    const stream = this._native();
    if (!stream) throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', 'lmzip: used after free()');
    const count = stream.takeCosts();
    const at = stream.costsPointer() >>> 1;
    const bits = new Float32Array(count);
    const units = native.HEAPU16.subarray(at, at + count);
    for (let i = 0; i < count; ++i) bits[i] = units[i] / 256;
    return bits;
  }

  /**
   * Compresses a chunk; `final` = no more input follows.
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView | string} chunk
   * @param {boolean} [final]
   * @returns {Uint8Array[]} compressed output available so far
   */
  push(chunk, final = false) {
    return [...this.outputs(chunk, final)];
  }

  /**
   * Like push(), but yields each piece of output as soon as it exists (at
   * most 1 MiB each), so a stream can wait for its reader in between.
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView | string} chunk
   * @param {boolean} [final]
   * @returns {Generator<Uint8Array>}
   */
  outputs(chunk, final = false) {
    return this._outputs(toBytes(chunk ?? new Uint8Array(0)), final);
  }
}

/**
 * Push-style decompressor. Requires `await init()` first. Input after the end
 * of the stream is an error (LMZ_ERR_CORRUPT_DATA, with `trailingData`
 * true).
 */
export class Decompressor extends Stream {
  #done = false;

  /** @param {{maxOutputLength?: number}} [options] */
  constructor({ maxOutputLength } = {}) {
    const m = requireNative();
    super(new m.StreamDecoder(checkLimit(maxOutputLength)));
  }

  /**
   * Decompresses a chunk; `final` = no more input follows (a stream that is
   * not complete then fails with LMZ_ERR_TRUNCATED).
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} chunk
   * @param {boolean} [final]
   * @returns {Uint8Array[]} decompressed output available so far
   */
  push(chunk, final = false) {
    return [...this.outputs(chunk, final)];
  }

  /**
   * Like push(), but yields each piece of output as soon as it exists (at
   * most 1 MiB each): a small input can expand enormously.
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} chunk
   * @param {boolean} [final]
   * @returns {Generator<Uint8Array>}
   */
  outputs(chunk, final = false) {
    const bytes = toBytes(chunk ?? new Uint8Array(0));
    if (this.#done && bytes.length > 0) this.#trailing();
    return this._outputs(bytes, final, (status, used, size) => {
      if (status === DONE) {
        this.#done = true;
        if (used < size) this.#trailing();
      }
    });
  }

  /** The level recorded in the stream (0 before the header was read). */
  get level() {
    const stream = this._native();
    return stream ? stream.level() : 0;
  }

  #trailing() {
    const error = new LmzipError('LMZ_ERR_CORRUPT_DATA', 'lmzip: data after the end of the compressed stream');
    error.trailingData = true;
    throw error;
  }
}

function abortError(signal) {
  return new LmzipError('LMZ_ERR_ABORTED', 'lmzip: aborted', { cause: signal.reason });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function progressReporter(onProgress, total) {
  if (!onProgress) return () => {};
  let last = 0;
  return (stream, force) => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress({ bytesIn: stream.bytesIn, bytesOut: stream.bytesOut, total });
  };
}

async function runWhole(stream, data, { onProgress, signal }, afterPush = () => {}) {
  const report = progressReporter(onProgress, data.length);
  const parts = [];
  try {
    let offset = 0;
    do {
      if (signal?.aborted) throw abortError(signal);
      const end = Math.min(offset + YIELD_EVERY, data.length);
      parts.push(...stream.push(data.subarray(offset, end), end === data.length));
      afterPush();
      offset = end;
      report(stream, offset === data.length);
      if (offset < data.length) await tick();
    } while (offset < data.length);
  } finally {
    stream.free();
  }
  return concat(parts);
}

/**
 * @param {Uint8Array[]} parts
 * @returns {Uint8Array}
 */
function concat(parts) {
  if (parts.length === 1) return parts[0];
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Compresses `data` (a string is encoded as UTF-8).
 * `threads`: frames compressed at once, each in a worker (Node
 * worker_threads, browser module Web Workers; 0: one per core; default 1,
 * no worker). The bytes depend on `frameSize` only, never on `threads`; an
 * input that fits one frame is compressed on the calling thread.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView | string} data
 * @param {{level?: number, frameSize?: number, threads?: number, onProgress?: (p: {bytesIn: number, bytesOut: number, total?: number}) => void, signal?: AbortSignal}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function compress(data, options = {}) {
  await prepareLevel(options.level ?? (await init(), native.defaultLevel));
  const bytes = toBytes(data);
  const threads = checkThreads(options.threads);
  if (options.signal?.aborted) throw abortError(options.signal);
  const frameSize = options.frameSize ?? native.defaultFrameSize;
  if (threads !== 1 && Number.isSafeInteger(frameSize) && frameSize > 0 && bytes.length > frameSize) {
    return compressInWorkers(bytes, checkLevel(options.level), checkFrameSize(frameSize), threads, options);
  }
  return runWhole(new Compressor({ level: options.level, size: bytes.length, frameSize: options.frameSize }), bytes, options);
}

/**
 * Compresses `data` and reports what each of its bytes cost in the output
 * (for visualisations such as a heatmap).
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView | string} data
 * @param {{level?: number, onProgress?: (p: {bytesIn: number, bytesOut: number, total?: number}) => void, signal?: AbortSignal}} [options]
 * @returns {Promise<{compressed: Uint8Array, costs: Float32Array}>} `costs[i]`:
 *   bits spent on byte i of the input (UTF-8 bytes for a string)
 */
export async function compressWithCosts(data, options = {}) {
  await prepareLevel(options.level ?? (await init(), native.defaultLevel));
  const bytes = toBytes(data);
  if (options.signal?.aborted) throw abortError(options.signal);
  const compressor = new Compressor({ level: options.level, costs: true, size: bytes.length, frameSize: options.frameSize });
  const parts = [];
  const compressed = await runWhole(compressor, bytes, options, () => parts.push(compressor.takeCosts()));
  const costs = new Float32Array(bytes.length);
  let at = 0;
  for (const part of parts) {
    costs.set(part, at);
    at += part.length;
  }
  return { compressed, costs };
}

/**
 * Decompresses a complete lmzip stream.
 * `threads`: frames decoded at once, each in a worker (0: one per core;
 * default 1), when `data` is one framed file that ends with its seek table;
 * other data is decoded on the calling thread. Errors are the same
 * LmzipErrors either way.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @param {{maxOutputLength?: number, threads?: number, onProgress?: (p: {bytesIn: number, bytesOut: number, total?: number}) => void, signal?: AbortSignal}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function decompress(data, options = {}) {
  await init();
  const bytes = toBytes(data);
  const threads = checkThreads(options.threads);
  const header = headerOf(bytes);
  await prepareStream(header);
  // The workers load the levels' models only.
  if (threads !== 1 && header?.modelId === native.modelId(header.level)) {
    const frames = framesFromStart(bytes);
    if (frames) return decompressInWorkers(bytes, frames, threads, options);
  }
  for (;;) {
    if (options.signal?.aborted) throw abortError(options.signal);
    try {
      return await runWhole(new Decompressor({ maxOutputLength: options.maxOutputLength }), bytes, options);
    } catch (error) {
      // A later stream of concatenated ones, at a level whose model is
      // still to load, or naming a kept model: load it, decode again.
      if (error?.code === 'LMZ_ERR_MODEL_NOT_LOADED' && waitsForModel(error.level)) await prepareLevel(error.level);
      else if (error?.code === 'LMZ_ERR_MODEL_MISMATCH' && !keptModelsRequested()) await prepareKeptModels();
      else throw error;
    }
  }
}

// The header at the start of `bytes`; undefined when there is no valid
// header (the decompressor then reports why).
function headerOf(bytes) {
  try {
    return peekHeader(bytes);
  } catch {
    return undefined;
  }
}

/*
 * For the decompressing streams: holds the input back until the first
 * header is complete, then loads the model its level needs
 * ({@link prepareLevel}) and lets the bytes through. Returns a function of
 * each chunk (and whether it is the last) that resolves to the bytes to
 * push now (null: wait for more).
 */
function headerGate() {
  let head = null;
  return async (chunk, final) => {
    const bytes = toBytes(chunk);
    if (head === undefined) return bytes; // open
    head = head ? concat([head, bytes]) : bytes;
    let header;
    try {
      header = peekHeader(head);
    } catch (error) {
      if (error?.code === 'LMZ_ERR_TRUNCATED' && !final) return null;
    }
    await prepareStream(header);
    const out = head;
    head = undefined;
    return out;
  };
}

hooks.headerGate = headerGate;

// The shared body of the two TransformStreams. A compressor's `level`
// has its model loaded first; a decompressor's input goes through a
// headerGate() (held back until the header tells which model to load).
function transformer(makeStream, { onProgress, signal } = {}, { level, decompressing = false } = {}) {
  const gate = decompressing ? headerGate() : null;
  const gated = async (chunk, final) => (gate ? (await gate(chunk, final)) ?? new Uint8Array(0) : chunk);
  let stream = null;
  let onAbort = null;
  const release = () => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    stream?.free();
  };
  const report = progressReporter(onProgress, undefined);
  const emit = (controller, parts) => {
    for (const part of parts) controller.enqueue(part);
  };
  const guard = () => {
    if (signal?.aborted) {
      stream?.free();
      throw abortError(signal);
    }
  };
  return {
    async start(controller) {
      await init();
      if (!gate) await prepareLevel(level ?? native.defaultLevel);
      guard();
      stream = makeStream();
      // An abort also ends a stream that is waiting for input.
      if (signal) {
        onAbort = () => {
          stream.free();
          controller.error(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
    },
    async transform(chunk, controller) {
      guard();
      try {
        emit(controller, stream.push(await gated(chunk, false), false));
        report(stream, false);
      } catch (error) {
        release();
        throw error;
      }
    },
    async flush(controller) {
      guard();
      try {
        emit(controller, stream.push(await gated(new Uint8Array(0), true), true));
        report(stream, true);
      } finally {
        release();
      }
    },
    // The reader or writer gave up: release the model memory now.
    cancel: release,
  };
}

/**
 * Compressing TransformStream: `readable.pipeThrough(new CompressStream())`.
 * Named so as not to shadow the platform's CompressionStream.
 */
export class CompressStream extends TransformStream {
  /** @param {{level?: number, size?: number, frameSize?: number, onProgress?: Function, signal?: AbortSignal}} [options] */
  constructor(options = {}) {
    super(
      transformer(
        () => new Compressor({ level: options.level, size: options.size, frameSize: options.frameSize }),
        options,
        { level: options.level },
      ),
    );
  }
}

/** Decompressing TransformStream. */
export class DecompressStream extends TransformStream {
  /** @param {{maxOutputLength?: number, onProgress?: Function, signal?: AbortSignal}} [options] */
  constructor(options = {}) {
    super(
      transformer(() => new Decompressor({ maxOutputLength: options.maxOutputLength }), options, { decompressing: true }),
    );
  }
}

// ---------------------------------------------------------------- threads

function checkThreads(threads) {
  if (threads === undefined) return 1;
  const max = requireNative().maxThreads;
  if (!Number.isInteger(threads) || threads < 0 || threads > max) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: threads must be an integer from 0 to ${max}, got ${threads}`);
  }
  return threads;
}

function checkFrameSize(frameSize) {
  const m = requireNative();
  if (!Number.isSafeInteger(frameSize) || (frameSize !== 0 && (frameSize < m.minFrameSize || frameSize > m.maxFrameSize))) {
    throw new LmzipError(
      'LMZ_ERR_INVALID_ARGUMENT',
      `lmzip: frameSize must be 0 or from ${m.minFrameSize} to ${m.maxFrameSize}, got ${frameSize}`,
    );
  }
  return frameSize;
}

// An LmzipError from a worker's reply (or its failure), of this copy's class.
function workerError(code, message, cause) {
  return new LmzipError(code, message, cause === undefined ? undefined : { cause });
}

/*
 * `threads` workers loaded with this module and the models loaded here (a
 * caller prepares the levels it needs first). Close it in a finally.
 */
function startPool(threads, tasks) {
  const count = Math.max(1, Math.min(resolveThreads(threads, fileLoader().hardwareConcurrency(), native.maxThreads), tasks));
  const options = { wasm: compiledWasm, simd: loadedSimd };
  for (const [slot, name] of Object.entries(MODEL_OPTIONS)) options[name] = slotBytes.get(slot) ?? null;
  return new WorkerPool(count, fileLoader(), options, workerError);
}

/*
 * Compresses `count` frames in workers and hands each compressed frame, in
 * order, to `write`, then (for a framed file) the seek table: the bytes of
 * the Encoder with these options (lmzip::compress_frame). `input(k)` gives
 * frame k's input (called in order of k); `size`: the input's length or -1
 * when unknown; `framed`: more than one frame. Package-internal (the CLI
 * uses it through hooks).
 */
async function compressFrames({ level, size, frameSize, threads, count, framed, input, write, signal, onFrame }) {
  const pool = startPool(threads, count);
  const entries = [];
  try {
    await pool.run(
      count,
      async (k) => {
        const bytes = await input(k);
        entries[k] = { compressedSize: 0, originalSize: bytes.length };
        return {
          message: { type: 'compress', bytes, level, size, frameSize, index: k, framed },
          transfer: bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer] : [],
        };
      },
      async (k, reply) => {
        entries[k].compressedSize = reply.bytes.length;
        await write(reply.bytes);
        onFrame?.(entries[k]);
      },
      signal,
      abortError,
    );
  } finally {
    pool.close();
  }
  if (framed) await write(seekTableOf(entries));
}

hooks.compressFrames = compressFrames;

// The seek table of frames of these sizes (lmzip::write_seek_table).
function seekTableOf(entries) {
  const coder = new native.FrameCoder();
  try {
    const code = coder.seekTable(entries);
    if (code !== 0) throw coreError(code);
    return native.HEAPU8.slice(coder.outputPointer(), coder.outputPointer() + coder.outputSize());
  } finally {
    coder.delete();
  }
}

async function compressInWorkers(bytes, level, frameSize, threads, options) {
  const count = Math.ceil(bytes.length / frameSize);
  const parts = [];
  let bytesIn = 0;
  let bytesOut = 0;
  const report = progressReporter(options.onProgress, bytes.length);
  const counts = { get bytesIn() { return bytesIn; }, get bytesOut() { return bytesOut; } };
  await compressFrames({
    level,
    size: bytes.length,
    frameSize,
    threads,
    count,
    framed: true,
    input: (k) => bytes.slice(k * frameSize, Math.min(bytes.length, (k + 1) * frameSize)),
    write: (part) => {
      parts.push(part);
      bytesOut += part.length;
    },
    signal: options.signal,
    onFrame: (entry) => {
      bytesIn += entry.originalSize;
      report(counts, false);
    },
  });
  report(counts, true);
  return concat(parts);
}

/*
 * Decodes the frames `frames` (a seek table's entries, offsets into
 * `bytes`) in workers; hands each frame's output, in order, to `write`.
 * Stops after the frame that crosses `maxOutput` (then LMZ_ERR_OUTPUT_LIMIT,
 * as lmzip::decompress_frames). Package-internal (the CLI uses it through
 * hooks).
 */
async function decompressFrames({ frames, threads, input, write, maxOutput = Infinity, signal, header }) {
  let reach = 0;
  let needed = 0;
  while (needed < frames.length && reach <= maxOutput) reach += frames[needed++].originalSize;
  const pool = startPool(threads, needed);
  let written = 0;
  try {
    await pool.run(
      needed,
      async (k) => {
        const bytes = await input(k);
        return {
          message: { type: 'decompress', bytes, originalSize: frames[k].originalSize },
          transfer: bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer] : [],
        };
      },
      async (k, reply) => {
        const room = maxOutput - written;
        const part = reply.bytes.length > room ? reply.bytes.subarray(0, room) : reply.bytes;
        written += part.length;
        await write(part, k);
      },
      signal,
      abortError,
    );
  } catch (error) {
    if (header && (error.code === 'LMZ_ERR_MODEL_MISMATCH' || error.code === 'LMZ_ERR_MODEL_NOT_LOADED')) {
      error.level = header.level;
      if (header.modelId) error.modelNeeded = header.modelId;
    }
    throw error;
  } finally {
    pool.close();
  }
  if (reach > maxOutput) throw coreError(codeNamed('LMZ_ERR_OUTPUT_LIMIT'));
}

hooks.decompressFrames = decompressFrames;

// The frames of a framed file that is all of `bytes` (its seek table ends
// it, its frames start at 0); null otherwise (one frame, files before it,
// a damaged table: the sequential decoder then says what is wrong).
function framesFromStart(bytes) {
  let frames;
  try {
    frames = readSeekTable(bytes);
  } catch {
    return null;
  }
  return frames && frames[0].compressedOffset === 0 ? frames : null;
}

async function decompressInWorkers(bytes, frames, threads, options) {
  const header = peekHeader(bytes);
  await prepareLevel(header.level);
  const limit = checkLimit(options.maxOutputLength);
  const maxOutput = limit < 0 ? Infinity : limit;
  let total = 0;
  for (const f of frames) if (total <= maxOutput) total += f.originalSize;
  const out = new Uint8Array(Math.min(total, maxOutput));
  const report = progressReporter(options.onProgress, bytes.length);
  let bytesIn = 0;
  let bytesOut = 0;
  const counts = { get bytesIn() { return bytesIn; }, get bytesOut() { return bytesOut; } };
  await decompressFrames({
    frames,
    threads,
    header,
    input: (k) => bytes.slice(frames[k].compressedOffset, frames[k].compressedOffset + frames[k].compressedSize),
    write: (part, k) => {
      out.set(part, frames[k].originalOffset);
      bytesIn += frames[k].compressedSize;
      bytesOut += part.length;
      report(counts, false);
    },
    maxOutput,
    signal: options.signal,
  });
  bytesIn = bytes.length;
  report(counts, true);
  return out;
}

// ---------------------------------------------------------------- byte ranges

/**
 * The frames of the framed file that ends `data`, from its seek table
 * (lmzip::read_seek_table): one entry per frame, `compressedOffset` (in
 * `data`: 0 for the first frame unless other files come before it),
 * `compressedSize`, `originalOffset` (in that file's content) and
 * `originalSize`. `null` when `data` ends with no seek table: a file of
 * one frame (one that fits one `frameSize`, or `frameSize: 0`), or not
 * lmzip data. Throws LMZ_ERR_CORRUPT_DATA when the table is damaged or its
 * frames do not fit in `data`. Only the table is read (and its CRC-32
 * checked); the frames are checked when they are decoded. Synchronous:
 * throws LMZ_ERR_NOT_INITIALIZED before `init()`.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @returns {{compressedOffset: number, compressedSize: number, originalOffset: number, originalSize: number}[] | null}
 */
export function readSeekTable(data) {
  const m = requireNative();
  const bytes = toBytes(data);
  const footerSize = 12; // lmzip::kSeekFooterSize: count, CRC-32, magic
  if (bytes.length < footerSize) return null;
  let size = footerSize;
  let result;
  for (;;) {
    const tail = bytes.subarray(bytes.length - size);
    const at = m._malloc(size);
    if (!at) throw new LmzipError('LMZ_ERR_OUT_OF_MEMORY', 'lmzip: out of WebAssembly memory');
    try {
      m.HEAPU8.set(tail, at);
      const tableSize = size === footerSize ? m.seekTableSize(at + size - footerSize) : size;
      if (tableSize === 0) return null;
      if (tableSize > size && tableSize <= bytes.length) {
        size = tableSize; // read the whole table
        continue;
      }
      result = m.readSeekTable(at, size, bytes.length);
    } finally {
      m._free(at);
    }
    break;
  }
  if (result.error === codeNamed('LMZ_ERR_NOT_LMZIP')) return null;
  if (result.error !== 0) throw coreError(result.error);
  return result.frames.map((f) => ({
    compressedOffset: f.compressedOffset,
    compressedSize: f.compressedSize,
    originalOffset: f.originalOffset,
    originalSize: f.originalSize,
  }));
}

// The content's length without decoding (the core's StreamScanner walks
// the structure); throws what the walk finds wrong.
function contentLength(m, at, length) {
  const scanner = new m.StreamScanner();
  try {
    const status = scanner.push(at, length, true);
    if (status === ERROR) throw coreError(scanner.error());
    return scanner.info().originalSize;
  } finally {
    scanner.delete();
  }
}

function checkOffset(value, name) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: ${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/**
 * The original bytes [start, end) of a compressed file, like
 * `(await decompress(data)).slice(start, end)` but decoding only the
 * frames that cover the range when the file ends with a seek table (a file
 * of several frames: lmzip::decompress_range). A file without one (a
 * single frame; or other files before the framed one) is decoded whole,
 * and the range cut from it. `end` defaults to the end of the content.
 * Throws LMZ_ERR_INVALID_ARGUMENT when `start` > `end` or the range ends
 * past the content (the length is known from the seek table, or from a walk
 * of the stream's structure that decodes nothing); an empty range within
 * the content decodes nothing. Decoding runs on the calling thread, the
 * data copied into WebAssembly memory.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @param {number} start
 * @param {number} [end]
 * @returns {Promise<Uint8Array>}
 */
export async function decompressRange(data, start, end) {
  await init();
  const bytes = toBytes(data);
  checkOffset(start, 'start');
  if (end !== undefined) checkOffset(end, 'end');
  if (end !== undefined && end < start) {
    throw new LmzipError('LMZ_ERR_INVALID_ARGUMENT', `lmzip: the range ${start}..${end} ends before it starts`);
  }
  const frames = readSeekTable(bytes);
  const m = native;
  // The levels of the frames decoded: the first file's, and the framed file's.
  await prepareStream(headerOf(bytes));
  if (frames) await prepareStream(headerOf(bytes.subarray(frames[0].compressedOffset)));
  const at = m._malloc(Math.max(1, bytes.length));
  if (!at) throw new LmzipError('LMZ_ERR_OUT_OF_MEMORY', 'lmzip: out of WebAssembly memory');
  const coder = new m.FrameCoder();
  try {
    m.HEAPU8.set(bytes, at);
    const size =
      frames && frames[0].compressedOffset === 0
        ? frames[frames.length - 1].originalOffset + frames[frames.length - 1].originalSize
        : contentLength(m, at, bytes.length);
    const stop = end ?? size;
    if (stop > size) {
      const error = new LmzipError(
        'LMZ_ERR_INVALID_ARGUMENT',
        `lmzip: the range ${start}..${stop} ends past the end of the content (${size} bytes)`,
      );
      throw error;
    }
    if (start === stop) return new Uint8Array(0);
    for (let attempt = 0; ; ++attempt) {
      const code = coder.decompressRange(at, bytes.length, start, stop - start, -1);
      if (code === 0) break;
      // A later file's level whose packaged model is still to load.
      const lazy = levelRows.filter((row) => waitsForModel(row.level));
      if (code !== codeNamed('LMZ_ERR_MODEL_NOT_LOADED') || attempt > 0 || lazy.length === 0) throw coreError(code);
      for (const row of lazy) await prepareLevel(row.level);
    }
    return m.HEAPU8.slice(coder.outputPointer(), coder.outputPointer() + coder.outputSize());
  } finally {
    coder.delete();
    m._free(at);
  }
}
