// Type declarations of lib/node.mjs, the Node entry: everything of the
// browser entry (lib/lmzip.d.ts) plus Node streams.
import type { Transform } from 'node:stream';
import type { CompressOptions, DecompressOptions } from './lmzip.js';

export * from './lmzip.js';

/**
 * A Node `stream.Transform` that compresses, for
 * `stream.pipeline()`. It loads the module itself on its first chunk.
 */
export function createCompress(options?: CompressOptions): Transform;

/**
 * A Node `stream.Transform` that decompresses, for
 * `stream.pipeline()`.
 */
export function createDecompress(options?: DecompressOptions): Transform;
