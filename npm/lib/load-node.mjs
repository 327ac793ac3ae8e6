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
 * Reads the neural model shipped in the package.
 * @returns {Promise<Uint8Array>}
 */
export async function loadDefaultModel() {
  return new Uint8Array(await readFile(new URL('../dist/default.lmzm', import.meta.url)));
}
