// Package-internal: how the package's files are loaded, and the raw Embind module, for the package's own command
// line (bin/lmzip.mjs imports this file by its relative path). It is not
// part of the API: package.json "exports" does not expose it and
// lib/lmzip.d.ts does not declare it; it may change in any release.
//
// The module's CLI functions (cliParseArgs, cliMessage, cliLibraryError, ...,
// bindings/embind.cpp) are the one definition of the command line that the
// native tool compiles in too (src/cli/spec.h).

import * as browserLoader from './load-browser.mjs';

let loaded = null;
// How the package's own files are read: fetch() by default (browsers,
// workers, Deno, Bun); lib/node.mjs sets the file-reading loader. A plain
// relative import, so the browser entry needs no bundler and no import map.
let loader = browserLoader;

/**
 * @internal
 * Sets how the package's .wasm and model files are read.
 * @param {{loadWasm: (simd: boolean) => Promise<Uint8Array>, loadDefaultModel: (file: string) => Promise<Uint8Array>}} files
 */
export function setFileLoader(files) {
  loader = files;
}

/**
 * @internal
 * Functions lib/lmzip.mjs shares with lib/node.mjs without exporting them:
 * `headerGate()` (see there).
 */
export const hooks = {};

/**
 * @internal
 * The loader set by {@link setFileLoader} (load-browser.mjs by default).
 */
export function fileLoader() {
  return loader;
}

/**
 * @internal
 * Called by lib/lmzip.mjs once init() has loaded the module.
 * @param {object} module
 */
export function setNativeModule(module) {
  loaded = module;
}

/**
 * @internal
 * The Embind module that init() loaded, or null before.
 * @returns {object | null}
 */
export function nativeModule() {
  return loaded;
}
