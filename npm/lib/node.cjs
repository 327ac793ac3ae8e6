'use strict';
// The CommonJS entry. Where Node can require() an ES module (20.19+, 22.12+:
// process.features.require_module), it is the ES module entry itself, so a
// process that both imports and requires lmzip holds one copy: one
// WebAssembly instance, one set of models, one LmzipError class. Older Node
// gets dist/node.cjs, the same code bundled as CommonJS (a second copy).
module.exports = process.features.require_module ? require('./node.mjs') : require('../dist/node.cjs');
