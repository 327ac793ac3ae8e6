'use strict';
// The CommonJS entry. Where Node can require() an ES module (20.19+, 22.12+:
// process.features.require_module), it is the ES module entry itself, so a
// process that both imports and requires lmzip holds one copy: one
// WebAssembly instance, one set of models, one LmzipError class. Elsewhere,
// and in module systems of their own that cannot load an ES module through
// require() though Node could (Jest's), it is dist/node.cjs: the same code
// bundled as CommonJS (a second copy if the process also imports lmzip).
function load() {
  if (process.features.require_module) {
    try {
      return require('./node.mjs');
    } catch (error) {
      const esmRefused = error?.name === 'SyntaxError' || error?.code === 'ERR_REQUIRE_ESM';
      if (!esmRefused) throw error;
    }
  }
  return require('../dist/node.cjs');
}
module.exports = load();
