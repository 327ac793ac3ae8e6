// Node: the .wasm files are read from the package folder.
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Reads the packaged WebAssembly module.
 * @param {boolean} simd the SIMD build (true) or the scalar build (false)
 * @returns {Promise<Uint8Array>}
 */
export async function loadWasm(simd) {
  const url = simd
    ? new URL('../dist/lmzip-simd.wasm', import.meta.url)
    : new URL('../dist/lmzip-scalar.wasm', import.meta.url);
  return new Uint8Array(await readFile(url));
}

// The model files the package ships, by the name the level table gives
// (modelFile); literal URLs, as for the .wasm files above.
const MODEL_FILES = {
  'default.lmzm': () => new URL('../dist/default.lmzm', import.meta.url),
  'large.lmzm': () => new URL('../dist/large.lmzm', import.meta.url),
  'small.lmzm': () => new URL('../dist/small.lmzm', import.meta.url),
  'default-0.1.lmzm': () => new URL('../dist/default-0.1.lmzm', import.meta.url),
};

/**
 * Reads a neural model shipped in the package.
 * @param {string} file its name in the level table (`modelFile`), e.g. 'default.lmzm'
 * @returns {Promise<Uint8Array>}
 */
export async function loadDefaultModel(file) {
  const url = MODEL_FILES[file]?.();
  if (!url) throw new Error(`the package ships no model file ${file}`);
  return new Uint8Array(await readFile(url));
}

/**
 * Starts a package worker thread (lib/worker-node.mjs) for the `threads`
 * option: a handle with post(message, transfer), onMessage(callback),
 * onError(callback) and terminate(). The worker thread does not keep the
 * process alive on its own once the call that started it has ended.
 * @returns {{post: Function, onMessage: Function, onError: Function, terminate: Function}}
 */
export function createWorker() {
  const worker = new Worker(new URL('../lib/worker-node.mjs', import.meta.url));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (callback) => worker.on('message', callback),
    onError: (callback) => {
      worker.on('error', callback);
      worker.on('exit', (code) => callback(new Error(`the worker thread exited with code ${code}`)));
    },
    terminate: () => worker.terminate(),
  };
}

/** The cores this process may use: what `threads: 0` means. */
export function hardwareConcurrency() {
  return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length || 1;
}
