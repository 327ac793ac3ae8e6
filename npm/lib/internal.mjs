// Package-internal: the raw Embind module, for the package's own command
// line (bin/lmzip.mjs imports this file by its relative path). It is not
// part of the API: package.json "exports" does not expose it and
// lib/lmzip.d.ts does not declare it; it may change in any release.
//
// The module's CLI functions (cliParseArgs, cliMessage, cliLibraryError, ...,
// bindings/embind.cpp) are the one definition of the command line that the
// native tool compiles in too (src/cli/spec.h).

let loaded = null;

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
