// The demo's Web Worker. Everything lmzip does here is a call into the npm
// package (`lmzip` = its browser entry, bundled by build.mjs); this file only
// loads the models (each once, through the Cache API), times the calls and
// passes bytes to and from the page. Which model a level needs, and from
// which file, the package's level table says (levels()). It runs off the
// main thread, so the page stays responsive while the model works.
import {
  compress,
  compressWithCosts,
  constants,
  decompress,
  init,
  levels,
  loadModel as useModel,
  peekHeader,
  simdSupported,
} from 'lmzip';

const MODEL_CACHE = 'lmzip-demo-model';
// Cost recording takes 4 bytes per input byte; beyond this the demo compresses
// without it (and shows no heatmap).
const COSTS_LIMIT = 32 << 20;

let ready = null; // the promise of the loaded module's description
let manifest = null; // manifest.json: the build's files, sizes, hashes
const slotsReady = new Map(); // model slot of the level table -> the promise of its model
const running = new Map(); // request id -> AbortController

const post = (message, transfer = []) => self.postMessage(message, transfer);

function describe(error) {
  return {
    code: error?.code ?? (error instanceof RangeError ? 'RangeError' : undefined),
    name: error?.name ?? 'Error',
    message: String(error?.message ?? error),
  };
}

async function sha256(bytes) {
  if (!self.crypto?.subtle) return null; // not a secure context
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function openCache() {
  try {
    return self.caches ? await caches.open(MODEL_CACHE) : null;
  } catch {
    return null; // no Cache API here (an insecure context, a private window in some browsers)
  }
}

// A model file, from the cache when it holds the right one (its SHA-256 is
// in the manifest), else downloaded with progress reports and then cached.
async function loadModel(name, entry) {
  const url = new URL(`${name}?sha256=${entry.sha256}`, self.location.href).href;
  const cache = await openCache();
  if (cache) {
    const hit = await cache.match(url);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      const hash = await sha256(bytes);
      if (bytes.length === entry.bytes && (hash === null || hash === entry.sha256)) {
        return { bytes, source: 'cache' };
      }
      await cache.delete(url); // damaged: fetch it again
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load the model ${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('Content-Length')) || entry.bytes;
  const bytes = new Uint8Array(total);
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > bytes.length) throw new Error('the model download is longer than announced');
    bytes.set(value, loaded);
    loaded += value.length;
    post({ type: 'model-progress', name, loaded, total });
  }
  if (loaded !== entry.bytes) throw new Error(`the model download has ${loaded} bytes, expected ${entry.bytes}`);
  const hash = await sha256(bytes);
  if (hash !== null && hash !== entry.sha256) throw new Error('the downloaded model is damaged (SHA-256 differs)');
  if (!cache) return { bytes, source: 'network (this page cannot cache it here)' };
  for (const old of await cache.keys()) {
    if (old.url !== url && new URL(old.url).pathname === new URL(url).pathname) await cache.delete(old); // older versions
  }
  await cache.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
  return { bytes, source: 'network, now cached' };
}

// The levels that share the model slot `slot`, for the page's wording.
const levelsOf = (slot) => levels().filter((row) => row.model === slot).map((row) => row.level);

// Loads the model of `row`'s slot of the level table once (every level of
// the slot shares it): from the cache or the network, then into lmzip.
// Resolves to what the page shows about it; null for a level without one.
function ensureModel(row, { announceReady = true } = {}) {
  if (row.model === 'none') return null;
  let promise = slotsReady.get(row.model);
  if (!promise) {
    promise = (async () => {
      const name = row.modelFile;
      const entry = manifest.files[name];
      const about = { name, slot: row.model, levels: levelsOf(row.model), bytes: entry.bytes };
      post({ type: 'model-start', ...about });
      const model = await loadModel(name, entry);
      const { modelId } = await useModel(model.bytes, { level: row.level });
      const loaded = { ...about, source: model.source, modelId: modelId.toString(16).padStart(8, '0') };
      if (announceReady) post({ type: 'model-ready', ...loaded });
      return loaded;
    })().catch((error) => {
      slotsReady.delete(row.model); // try again next time
      throw error;
    });
    slotsReady.set(row.model, promise);
  }
  return promise;
}

async function load({ simd = simdSupported() } = {}) {
  const t0 = performance.now();
  const response = await fetch(new URL('manifest.json', self.location.href), { cache: 'no-cache' });
  if (!response.ok) throw new Error(`cannot load manifest.json: HTTP ${response.status}`);
  manifest = await response.json();
  const wasm = new URL(simd ? 'lmzip-simd.wasm' : 'lmzip-scalar.wasm', self.location.href).href;
  // The models come through this worker's cache, not from init(): the one of
  // the default level now, any other when a level first needs it. The kept
  // ones (lmzip 0.1's standard model) the package fetches itself, only for a
  // stream that names one.
  const keptModels = Object.fromEntries(
    Object.entries(manifest.files)
      .filter(([, entry]) => entry.kept)
      .map(([name, entry]) => [name, new URL(`${name}?sha256=${entry.sha256}`, self.location.href).href]),
  );
  const info = await init({ simd, wasm, model: null, largeModel: null, smallModel: null, keptModels });
  const table = levels();
  const model = await ensureModel(table.find((row) => row.isDefault), { announceReady: false });
  return {
    simd: info.simd,
    kernels: info.kernels,
    modelId: model?.modelId,
    modelBytes: model?.bytes ?? 0,
    modelSource: model?.source,
    modelSlot: model?.slot,
    constants: constants(),
    levels: table.map((row) => ({ ...row, modelBytes: row.modelFile ? manifest.files[row.modelFile].bytes : 0 })),
    version: manifest.package.version,
    ms: performance.now() - t0,
  };
}

// The model of `level`, loaded on first use (compressing at that level, or
// decompressing a stream whose header names it).
function ensureModelFor(level) {
  const row = levels().find((r) => r.level === level);
  return row ? ensureModel(row) : null;
}

// The level a stream's header names, or undefined when it has no valid
// header (decompress() then reports why).
function streamLevel(bytes) {
  try {
    return peekHeader(bytes).level;
  } catch {
    return undefined;
  }
}

// The size of the platform's own compression of the same bytes, for comparison.
async function platformCompress(format, bytes) {
  if (typeof CompressionStream !== 'function') return null;
  try {
    const t0 = performance.now();
    const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(format));
    const size = (await new Response(stream).arrayBuffer()).byteLength;
    return { bytes: size, ms: performance.now() - t0 };
  } catch {
    return null; // a format this browser lacks
  }
}

async function run(message) {
  const { id, type } = message;
  const controller = new AbortController();
  running.set(id, controller);
  const options = {
    signal: controller.signal,
    onProgress: ({ bytesIn, bytesOut, total }) => post({ type: 'progress', id, bytesIn, bytesOut, total }),
  };
  try {
    await ready;
    const bytes = new Uint8Array(message.bytes);
    const level = type === 'compress' ? message.level : streamLevel(bytes);
    await ensureModelFor(level);
    if (type === 'compress') {
      const withCosts = bytes.length <= COSTS_LIMIT;
      const t0 = performance.now();
      const result = withCosts
        ? await compressWithCosts(bytes, { ...options, level: message.level })
        : { compressed: await compress(bytes, { ...options, level: message.level }), costs: null };
      const ms = performance.now() - t0;
      let costBits = null;
      let costs = null;
      if (result.costs) {
        costBits = 0;
        for (const c of result.costs) costBits += c;
        costs = result.costs.slice(0, message.costsWanted ?? result.costs.length);
      }
      const gzip = await platformCompress('gzip', bytes);
      const deflateRaw = await platformCompress('deflate-raw', bytes);
      const compressed = result.compressed.slice(); // its own buffer, to transfer
      post(
        { type: 'compressed', id, compressed, costs, costBits, ms, level: message.level, gzip, deflateRaw },
        [compressed.buffer, ...(costs ? [costs.buffer] : [])],
      );
    } else {
      const t0 = performance.now();
      const output = (await decompress(bytes, options)).slice();
      post({ type: 'decompressed', id, output, level, ms: performance.now() - t0 }, [output.buffer]);
    }
  } catch (error) {
    post({ type: 'failed', id, error: describe(error) });
  } finally {
    running.delete(id);
  }
}

self.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'init':
      ready ??= load({ simd: message.simd ?? undefined });
      ready.then(
        (info) => post({ type: 'ready', info }),
        (error) => {
          ready = null; // a later 'init' tries again
          post({ type: 'init-failed', error: describe(error) });
        },
      );
      break;
    case 'compress':
    case 'decompress':
      run(message);
      break;
    case 'cancel':
      running.get(message.id)?.abort();
      break;
  }
};

self.addEventListener('unhandledrejection', (event) => {
  post({ type: 'worker-error', error: describe(event.reason) });
});
