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

/**
 * Reads a neural model shipped in the package.
 * @param {'default' | 'large'} name the model of levels 3-8 or of level 9
 * @returns {Promise<Uint8Array>}
 */
export async function loadDefaultModel(name) {
  const url =
    name === 'large'
      ? new URL('../dist/large.lmzm', import.meta.url)
      : new URL('../dist/default.lmzm', import.meta.url);
  return new Uint8Array(await readFile(url));
}
