// Injected into the CommonJS bundle (dist/node.cjs): import.meta.url for
// code written as ES modules.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
