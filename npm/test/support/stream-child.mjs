// A long stream through Node's stream.pipeline, in a process of its own so
// that its resident memory is its own (a Jest worker carries the heaps of
// every test file it ran before):
//
//   generated text -> createCompress({level}) -> createDecompress() -> hash
//
// Usage: node stream-child.mjs MEGABYTES [LEVEL]. The input (MEGABYTES MiB
// of log-like text from a seeded generator: repetitive, not trivial) is
// made on the fly and never held whole. Prints one JSON line: the lengths
// and SHA-256 of what went in and what came out, the compressed length,
// peak RSS (sampled every 50 ms and on every output chunk) and the time.
import { createHash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompress, createDecompress, init } from '../../lib/node.mjs';

const megabytes = Number(process.argv[2] ?? 200);
const level = Number(process.argv[3] ?? 1);
const total = Math.round(megabytes * 1024 * 1024);
const CHUNK = 64 * 1024;

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};
const sampler = setInterval(sample, 50);

// mulberry32: seeded, fast.
let seed = 0x10c5;
const next = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
};
const LEVELS = ['INFO', 'INFO', 'INFO', 'WARN', 'DEBUG', 'ERROR'];
const EVENTS = ['request served', 'cache miss', 'cache hit', 'connection closed', 'retrying', 'block flushed', '请求完成', '缓存未命中'];
const PATHS = ['/api/v1/items', '/api/v1/users', '/static/app.js', '/healthz', '/api/v2/search?q=lmzip', '/'];
let clock = 1700000000;
let pending = Buffer.alloc(0);
function line() {
  clock += next() % 3;
  return (
    `${clock} ${LEVELS[next() % 6]} worker-${next() % 8} ${EVENTS[next() % EVENTS.length]} ` +
    `path=${PATHS[next() % PATHS.length]} id=${(next() & 0xffffff).toString(16).padStart(6, '0')} ` +
    `bytes=${next() % 70000} ms=${next() % 300}\n`
  );
}

let produced = 0;
const inputHash = createHash('sha256');
const source = new Readable({
  highWaterMark: CHUNK,
  read() {
    if (produced >= total) {
      this.push(null);
      return;
    }
    const lines = [];
    let size = pending.length;
    while (size < CHUNK) {
      const l = line();
      lines.push(l);
      size += Buffer.byteLength(l);
    }
    let chunk = Buffer.concat([pending, Buffer.from(lines.join(''))]);
    const want = Math.min(CHUNK, total - produced);
    pending = chunk.subarray(want);
    chunk = chunk.subarray(0, want);
    produced += chunk.length;
    inputHash.update(chunk);
    this.push(chunk);
  },
});

let compressedBytes = 0;
const countCompressed = new Transform({
  transform(chunk, _encoding, callback) {
    compressedBytes += chunk.length;
    callback(null, chunk);
  },
});

let outputBytes = 0;
const outputHash = createHash('sha256');
const sink = new Writable({
  write(chunk, _encoding, callback) {
    outputBytes += chunk.length;
    outputHash.update(chunk);
    sample();
    callback();
  },
});

const info = await init();
const started = Date.now();
await pipeline(source, createCompress({ level }), countCompressed, createDecompress(), sink);
const elapsedMs = Date.now() - started;
clearInterval(sampler);
sample();
process.stdout.write(
  `${JSON.stringify({
    megabytes,
    level,
    simd: info.simd,
    inputBytes: produced,
    inputSha256: inputHash.digest('hex'),
    compressedBytes,
    outputBytes,
    outputSha256: outputHash.digest('hex'),
    peakRssBytes: peakRss,
    elapsedMs,
  })}\n`,
);
