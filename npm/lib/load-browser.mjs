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
  if (!response.ok) throw new Error(`lmzip: cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Fetches a neural model shipped in the package.
 * @param {'default' | 'large'} name the model of levels 3-8 or of level 9
 * @returns {Promise<Uint8Array>}
 */
export async function loadDefaultModel(name) {
  const url =
    name === 'large'
      ? new URL('../dist/large.lmzm', import.meta.url)
      : new URL('../dist/default.lmzm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`lmzip: cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
