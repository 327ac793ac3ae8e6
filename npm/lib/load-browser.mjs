// Browsers and bundlers: `new URL('...', import.meta.url)` with a literal path
// is the pattern Vite, webpack 5, Rollup and esbuild rewrite to an asset URL.

/**
 * Fetches the packaged WebAssembly module.
 * @param {boolean} simd the SIMD build (true) or the scalar build (false)
 * @returns {Promise<Uint8Array>}
 */
export async function loadWasm(simd) {
  const url = simd
    ? new URL('../dist/lmzip-simd.wasm', import.meta.url)
    : new URL('../dist/lmzip-scalar.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  return new Uint8Array(await response.arrayBuffer());
}

// The model files the package ships, by the name the level table gives
// (modelFile); literal URLs, which bundlers rewrite.
const MODEL_FILES = {
  'default.lmzm': () => new URL('../dist/default.lmzm', import.meta.url),
  'large.lmzm': () => new URL('../dist/large.lmzm', import.meta.url),
  'small.lmzm': () => new URL('../dist/small.lmzm', import.meta.url),
  'default-0.1.lmzm': () => new URL('../dist/default-0.1.lmzm', import.meta.url),
};

/**
 * Fetches a neural model shipped in the package.
 * @param {string} file its name in the level table (`modelFile`), e.g. 'default.lmzm'
 * @returns {Promise<Uint8Array>}
 */
export async function loadDefaultModel(file) {
  const url = MODEL_FILES[file]?.();
  if (!url) throw new Error(`the package ships no model file ${file}`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Starts a package module Web Worker (lib/worker-browser.mjs) for the
 * `threads` option: a handle with post(message, transfer),
 * onMessage(callback), onError(callback) and terminate(). The literal
 * `new Worker(new URL(...), {type: 'module'})` is the pattern bundlers
 * (webpack 5, Vite, Rollup, esbuild) rewrite to the worker's own chunk.
 * @returns {{post: Function, onMessage: Function, onError: Function, terminate: Function}}
 */
export function createWorker() {
  const worker = new Worker(new URL('./worker-browser.mjs', import.meta.url), { type: 'module' });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (callback) => worker.addEventListener('message', (event) => callback(event.data)),
    onError: (callback) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault?.();
        callback(event.error ?? new Error(event.message || 'the worker failed to start (its script did not load)'));
      });
      worker.addEventListener('messageerror', () => callback(new Error('a message to or from the worker could not be read')));
    },
    terminate: () => worker.terminate(),
  };
}

/** The logical cores of this machine as the browser reports them (1 if unknown): what `threads: 0` means. */
export function hardwareConcurrency() {
  return (typeof navigator === 'object' && navigator.hardwareConcurrency) || 1;
}
