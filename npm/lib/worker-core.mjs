// Package-internal: the body of a worker of the `threads` option (Node
// worker_threads, browser module Web Workers). It loads its own copy of
// the WebAssembly module (the compiled module and the model files are sent
// by the caller, so it fetches nothing), then compresses or decompresses
// one frame per message through the core's lmzip::compress_frame and
// lmzip::decompress_frames (bindings/embind.cpp). Its memory: the level's
// tables sized to a frame, the frame's input and its output.
import { init } from './lmzip.mjs';
import { nativeModule } from './internal.mjs';

/**
 * @param {(message: object, transfer?: Transferable[]) => void} post
 * @param {(handler: (message: object) => void) => void} listen
 */
export function serve(post, listen) {
  let ready = null;
  let coder = null;
  let errorNames = null;
  const fail = (id, code, message) => post({ id, error: { code, message } });
  listen(async (message) => {
    const { id } = message;
    try {
      if (message.type === 'init') {
        ready = init(message.options);
        await ready;
        const m = nativeModule();
        coder = new m.FrameCoder();
        errorNames = new Map(m.errorList().map((row) => [row.code, row]));
        post({ id, ready: true });
        return;
      }
      await ready;
      const m = nativeModule();
      const { bytes } = message;
      const at = m._malloc(Math.max(1, bytes.length));
      if (!at) {
        fail(id, 'LMZ_ERR_OUT_OF_MEMORY', 'lmzip: out of memory');
        return;
      }
      let code;
      try {
        m.HEAPU8.set(bytes, at);
        if (message.type === 'compress') {
          const { level, size, frameSize, index, framed } = message;
          code = coder.compressFrame(at, bytes.length, level, size, frameSize, index, framed);
        } else {
          const entry = { compressedOffset: 0, compressedSize: bytes.length, originalOffset: 0, originalSize: message.originalSize };
          code = coder.decompressFrames(at, bytes.length, [entry], -1);
        }
      } finally {
        m._free(at);
      }
      if (code !== 0) {
        const row = errorNames.get(code) ?? { name: 'LMZ_ERR_UNKNOWN', message: `unknown error ${code}` };
        coder.clear();
        fail(id, row.name, `lmzip: ${row.message}`);
        return;
      }
      const out = m.HEAPU8.slice(coder.outputPointer(), coder.outputPointer() + coder.outputSize());
      coder.clear();
      post({ id, bytes: out }, [out.buffer]);
    } catch (error) {
      fail(id, error?.code ?? 'LMZ_ERR_LOAD_FAILED', error?.message ?? String(error));
    }
  });
}
