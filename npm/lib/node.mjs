// The Node entry point: everything of the browser entry, plus Node streams.
import { Transform } from 'node:stream';
import { init, prepareLevel, constants, Compressor, Decompressor, LmzipError } from './lmzip.mjs';
import { hooks, setFileLoader } from './internal.mjs';
import * as nodeFiles from './load-node.mjs';

// Node reads the package's files from its folder (fetch() takes no file: URL).
setFileLoader(nodeFiles);

export * from './lmzip.mjs';

// A stream.Transform over a Compressor or Decompressor, created once the
// module is loaded (the first chunk waits for init()).
// A compressor's `level` has its model loaded first; a decompressor's input
// goes through the header gate (see lib/lmzip.mjs) that loads its model.
function nodeTransform(makeStream, { onProgress, signal } = {}, { level, decompressing = false } = {}) {
  const gate = decompressing ? hooks.headerGate() : null;
  let stream = null;
  let lastReport = 0;
  const report = (force) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    onProgress({ bytesIn: stream.bytesIn, bytesOut: stream.bytesOut });
  };
  // Resolved when the reader asks for more (Transform calls _read).
  let wantMore = null;
  const run = async (chunk, final, transform) => {
    try {
      await init();
      if (gate) chunk = (await gate(chunk, final)) ?? new Uint8Array(0);
      else await prepareLevel(level ?? constants().defaultLevel);
      if (transform.destroyed) return null; // destroyed while loading: allocate nothing
      if (signal?.aborted) {
        throw new LmzipError('LMZ_ERR_ABORTED', 'lmzip: aborted', { cause: signal.reason });
      }
      stream ??= makeStream();
      for (const part of stream.outputs(chunk, final)) {
        if (!transform.push(part)) await new Promise((resolve) => (wantMore = resolve));
        if (transform.destroyed) return null;
      }
      report(final);
      if (final) stream.free();
      return null;
    } catch (error) {
      stream?.free();
      return error;
    }
  };
  const transform = new Transform({
    transform(chunk, _encoding, callback) {
      run(chunk, false, this).then((error) => callback(error));
    },
    flush(callback) {
      run(new Uint8Array(0), true, this).then((error) => callback(error));
    },
    destroy(error, callback) {
      stream?.free();
      callback(error);
    },
  });
  const read = transform._read.bind(transform);
  transform._read = (size) => {
    const resolve = wantMore;
    wantMore = null;
    resolve?.();
    read(size);
  };
  const onAbort = () =>
    transform.destroy(new LmzipError('LMZ_ERR_ABORTED', 'lmzip: aborted', { cause: signal.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  transform.once('close', () => {
    signal?.removeEventListener('abort', onAbort);
    wantMore?.();
  });
  return transform;
}

/**
 * A Node `stream.Transform` that compresses, for `stream.pipeline()`.
 * @param {{level?: number, size?: number, frameSize?: number, onProgress?: Function, signal?: AbortSignal}} [options]
 *   `size`: the input's length when known (as compress() passes it: the
 *   same bytes as compress() then)
 * @returns {import('node:stream').Transform}
 */
export function createCompress(options = {}) {
  return nodeTransform(
    () => new Compressor({ level: options.level, size: options.size, frameSize: options.frameSize }),
    options,
    { level: options.level },
  );
}

/**
 * A Node `stream.Transform` that decompresses, for `stream.pipeline()`.
 * @param {{maxOutputLength?: number, onProgress?: Function, signal?: AbortSignal}} [options]
 * @returns {import('node:stream').Transform}
 */
export function createDecompress(options = {}) {
  return nodeTransform(
    () => new Decompressor({ maxOutputLength: options.maxOutputLength }),
    options,
    { decompressing: true },
  );
}
