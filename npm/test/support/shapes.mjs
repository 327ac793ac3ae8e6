// The four API shapes of the package, each driven the same way: chunks in,
// the concatenated output back as one Uint8Array.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Compressor,
  Decompressor,
  CompressStream,
  DecompressStream,
  createCompress,
  createDecompress,
  init,
} from '../../lib/node.mjs';
import { concat } from './util.mjs';

/**
 * Push-style: every chunk with final=false except the last, which carries
 * final=true (pass a trailing empty chunk to finish with an empty push).
 */
export async function viaPush(make, chunks) {
  await init();
  const stream = make();
  const out = [];
  try {
    chunks.forEach((chunk, i) => out.push(...stream.push(chunk, i === chunks.length - 1)));
    if (chunks.length === 0) out.push(...stream.push(new Uint8Array(0), true));
  } finally {
    stream.free();
  }
  return concat(out);
}

export const pushCompress = (chunks, options) => viaPush(() => new Compressor(options), chunks);
export const pushDecompress = (chunks, options) => viaPush(() => new Decompressor(options), chunks);

/** A ReadableStream that enqueues `chunks` one per pull. */
export function readableOf(chunks) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

export async function collectReadable(readable) {
  const out = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.push(value);
  }
  return concat(out);
}

/** WHATWG streams: readable.pipeThrough(...transforms), collected. */
export function viaWeb(chunks, ...transforms) {
  let readable = readableOf(chunks);
  for (const t of transforms) readable = readable.pipeThrough(t);
  return collectReadable(readable);
}

export const webCompress = (chunks, options) => viaWeb(chunks, new CompressStream(options));
export const webDecompress = (chunks, options) => viaWeb(chunks, new DecompressStream(options));

/** Node streams: stream.pipeline(Readable.from(chunks), ...transforms, sink). */
export async function viaNode(chunks, ...transforms) {
  const out = [];
  await pipeline(Readable.from(chunks), ...transforms, async (source) => {
    for await (const chunk of source) out.push(chunk);
  });
  return concat(out);
}

export const nodeCompress = (chunks, options) => viaNode(chunks, createCompress(options));
export const nodeDecompress = (chunks, options) => viaNode(chunks, createDecompress(options));
