// The `threads` option of compress() and decompress(): frames compressed
// and decoded in worker threads (lib/threads.mjs, lib/worker-core.mjs).
// The bytes depend on the frame size only: threads 1, 2, 4 and 0 write the
// same file, and so does the native CLI with -T N at the same level and
// frame size; errors inside a worker arrive as LmzipErrors with the codes
// of the decoder on the calling thread.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress, decompress, init, readSeekTable, LmzipError } from '../lib/node.mjs';
import { expectBytes, nativeCli, pseudoText, rejection, testIf } from './support/util.mjs';

const CLI = nativeCli();
const FRAME = 8192;
// Five frames, the last one short.
const INPUT = pseudoText(4 * FRAME + 3000, 0x7e1);

let dir;
beforeAll(async () => {
  await init();
  dir = mkdtempSync(join(tmpdir(), 'lmzip-threads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([1, 6])('level %i', (level) => {
  let one;
  beforeAll(async () => {
    one = await compress(INPUT, { level, frameSize: FRAME });
  }, 120_000);

  test('the input spans several frames', () => {
    const frames = readSeekTable(one);
    expect(frames).not.toBeNull();
    expect(frames.length).toBe(Math.ceil(INPUT.length / FRAME));
  });

  test.each([2, 4, 0])('threads: %i writes the bytes of threads: 1', async (threads) => {
    expectBytes(await compress(INPUT, { level, frameSize: FRAME, threads }), one, `threads ${threads}`);
  }, 120_000);

  testIf(CLI !== null)('the native CLI -T 1, -T 2 and -T 4 write the same bytes', () => {
    const file = join(dir, `input-${level}`);
    writeFileSync(file, INPUT);
    for (const t of [1, 2, 4]) {
      const r = spawnSync(CLI, [`-${level}`, '-c', `--frame-size=${FRAME}`, `-T${t}`, file]);
      expect(r.status).toBe(0);
      expectBytes(new Uint8Array(r.stdout), one, `native -T${t}`);
    }
  }, 120_000);

  test.each([1, 2, 3])('decompress with threads: %i round-trips', async (threads) => {
    expectBytes(await decompress(one, { threads }), INPUT, `decompress threads ${threads}`);
  }, 120_000);
});

describe('errors inside a worker', () => {
  let file;
  let frames;
  beforeAll(async () => {
    file = await compress(INPUT, { level: 1, frameSize: FRAME, threads: 2 });
    frames = readSeekTable(file);
  });

  // The byte `at` of frame k flipped.
  const damaged = (k, at) => {
    const copy = file.slice();
    copy[frames[k].compressedOffset + at] ^= 0x55;
    return copy;
  };

  test.each([
    ['a CRC-32 of frame 2', () => damaged(2, frames[2].compressedSize - 1), 'LMZ_ERR_CHECKSUM_MISMATCH'],
    ['a coded byte of frame 1', () => damaged(1, 40), null],
    ['the header of frame 3', () => damaged(3, 0), null],
  ])('%s: the code of the decoder on the calling thread', async (_what, make, code) => {
    const bad = make();
    const alone = await rejection(decompress(bad));
    const threaded = await rejection(decompress(bad, { threads: 2 }));
    expect(threaded).toBeInstanceOf(LmzipError);
    expect(alone).toBeInstanceOf(LmzipError);
    expect(threaded.code).toBe(alone.code);
    if (code) expect(threaded.code).toBe(code);
    expect(threaded.code).not.toBe('LMZ_ERR_LOAD_FAILED');
  }, 60_000);

  test('maxOutputLength: LMZ_ERR_OUTPUT_LIMIT, as on one thread', async () => {
    for (const threads of [1, 2]) {
      const error = await rejection(decompress(file, { threads, maxOutputLength: FRAME + 10 }));
      expect(error.code).toBe('LMZ_ERR_OUTPUT_LIMIT');
    }
    expectBytes(await decompress(file, { threads: 2, maxOutputLength: INPUT.length }), INPUT);
  });

  test('a missing model: LMZ_ERR_MODEL_MISMATCH names the model, as on one thread', async () => {
    // Level 6 data whose model id is changed in every frame header.
    const six = await compress(INPUT, { level: 6, frameSize: FRAME });
    const bad = six.slice();
    for (const f of readSeekTable(six)) bad[f.compressedOffset + 6] ^= 1;
    const alone = await rejection(decompress(bad));
    const threaded = await rejection(decompress(bad, { threads: 2 }));
    expect(threaded.code).toBe(alone.code);
    expect(threaded.modelNeeded).toBe(alone.modelNeeded);
  }, 60_000);

  test('abort: LMZ_ERR_ABORTED', async () => {
    const controller = new AbortController();
    const big = pseudoText(6 * FRAME, 9);
    const pending = compress(big, { level: 6, frameSize: FRAME, threads: 2, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const error = await rejection(pending);
    expect(error.code).toBe('LMZ_ERR_ABORTED');
  }, 60_000);

  test.each([-1, 1.5, 257, '2'])('threads: %p is LMZ_ERR_INVALID_ARGUMENT', async (threads) => {
    expect((await rejection(compress(INPUT, { threads }))).code).toBe('LMZ_ERR_INVALID_ARGUMENT');
    expect((await rejection(decompress(file, { threads }))).code).toBe('LMZ_ERR_INVALID_ARGUMENT');
  });

  test('an input of one frame: the bytes of threads: 1 (no worker needed)', async () => {
    const small = INPUT.subarray(0, 5000);
    expectBytes(await compress(small, { level: 1, frameSize: FRAME, threads: 4 }), await compress(small, { level: 1, frameSize: FRAME }));
  });

  test('progress reaches the total', async () => {
    const seen = [];
    await compress(INPUT, { level: 1, frameSize: FRAME, threads: 2, onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ bytesIn: INPUT.length, bytesOut: file.length, total: INPUT.length });
  });
});
