// Node: the .wasm files are read from the package folder.
import { readFile } from 'node:fs/promises';

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
