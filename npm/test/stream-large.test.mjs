// A long stream (default 200 MiB; LMZIP_STREAM_MB to change it) through
// stream.pipeline(): generated text -> createCompress({level: 1}) ->
// createDecompress() -> SHA-256, with resident memory bounded.
//
// It runs in a child process (test/support/stream-child.mjs): the RSS of a
// Jest worker also holds whatever the test files before it left behind, so
// only a fresh process measures what the stream itself needs. The child
// samples process.memoryUsage.rss() every 50 ms and on every output chunk.
//
// Time: about 0.85-1.3 MiB of input per second on this 2-core machine (both
// directions run in one thread), so 200 MiB takes roughly 2.5-4 minutes.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TEST_DIR } from './support/util.mjs';

const MEGABYTES = Number(process.env.LMZIP_STREAM_MB ?? 200);
const MAX_RSS_MB = Number(process.env.LMZIP_STREAM_MAX_RSS_MB ?? 400);
const LEVEL = 1;

function runChild() {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(TEST_DIR, 'support/stream-child.mjs'), String(MEGABYTES), String(LEVEL)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`stream-child exited with ${code ?? signal}: ${Buffer.concat(err).toString()}`));
      } else {
        resolvePromise(JSON.parse(Buffer.concat(out).toString('utf8')));
      }
    });
  });
}

test(
  `${MEGABYTES} MiB through pipeline(createCompress, createDecompress): same bytes, peak RSS < ${MAX_RSS_MB} MB`,
  async () => {
    const r = await runChild();
    const mibPerS = r.inputBytes / 2 ** 20 / (r.elapsedMs / 1000);
    process.stderr.write(
      `[lmzip tests] stream: ${MEGABYTES} MiB at level ${LEVEL} in ${(r.elapsedMs / 1000).toFixed(1)} s ` +
        `(${mibPerS.toFixed(2)} MiB/s of input, compress + decompress), ` +
        `compressed to ${(r.compressedBytes / 2 ** 20).toFixed(1)} MiB, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB\n`,
    );
    expect(r.inputBytes).toBe(Math.round(MEGABYTES * 2 ** 20));
    expect(r.outputBytes).toBe(r.inputBytes);
    expect(r.outputSha256).toBe(r.inputSha256);
    // The text compresses, but is not a trivial repeat.
    expect(r.compressedBytes).toBeLessThan(r.inputBytes / 3);
    expect(r.compressedBytes).toBeGreaterThan(r.inputBytes / 100);
    expect(r.peakRssBytes).toBeLessThan(MAX_RSS_MB * 1e6);
  },
  // Generous: about 4 s per MiB on a loaded machine, plus start-up.
  MEGABYTES * 4000 + 60_000,
);
