// The demo's Web Worker. Everything lmzip does here is a call into the npm
// package (`lmzip` = its browser entry, bundled by build.mjs); this file only
// loads the model (once, through the Cache API), times the calls and passes
// bytes to and from the page. It runs off the main thread, so the page stays
// responsive while the model works.
import {
  compress,
  compressWithCosts,
  constants,
  decompress,
  init,
  loadModel as useModel,
  memoryForLevel,
  simdSupported,
} from 'lmzip';

const MODEL_CACHE = 'lmzip-demo-model';
// Cost recording takes 4 bytes per input byte; beyond this the demo compresses
// without it (and shows no heatmap).
const COSTS_LIMIT = 32 << 20;

let ready = null; // the promise of the loaded module's description
let manifest = null; // manifest.json: the build's files, sizes, hashes
let largeReady = null; // the promise of the large model, once level 9 needed it
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

async function load({ simd = simdSupported() } = {}) {
  const t0 = performance.now();
  const response = await fetch(new URL('manifest.json', self.location.href), { cache: 'no-cache' });
  if (!response.ok) throw new Error(`cannot load manifest.json: HTTP ${response.status}`);
  manifest = await response.json();
  const modelEntry = manifest.files['default.lmzm'];
  post({ type: 'model-start', name: 'default.lmzm', bytes: modelEntry.bytes });
  const model = await loadModel('default.lmzm', modelEntry);
  const wasm = new URL(simd ? 'lmzip-simd.wasm' : 'lmzip-scalar.wasm', self.location.href).href;
  // The large model of level 9 (1.7 MB) is fetched only when level 9 is used.
  const info = await init({ simd, wasm, model: model.bytes, largeModel: null });
  const c = constants();
  const levels = [];
  for (let level = c.minLevel; level <= c.maxLevel; level++) levels.push({ level, memory: memoryForLevel(level) });
  return {
    ...info,
    modelId: info.modelId.toString(16).padStart(8, '0'),
    modelSource: model.source,
    constants: c,
    levels,
    version: manifest.package.version,
    ms: performance.now() - t0,
  };
}

// Level 9 uses the large model: loaded on first use (compressing at level 9,
// or decompressing a stream whose header, byte 4, says level 9).
function ensureModelFor(level) {
  if (level !== constants().maxLevel) return null;
  largeReady ??= (async () => {
    const entry = manifest.files['large.lmzm'];
    post({ type: 'model-start', name: 'large.lmzm', bytes: entry.bytes });
    const model = await loadModel('large.lmzm', entry);
    await useModel(model.bytes, { level });
    post({ type: 'model-ready', name: 'large.lmzm', source: model.source });
  })().catch((error) => {
    largeReady = null; // try again next time
    throw error;
  });
  return largeReady;
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
    await ensureModelFor(type === 'compress' ? message.level : bytes[4]);
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
      post({ type: 'decompressed', id, output, ms: performance.now() - t0 }, [output.buffer]);
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
