// The `threads` option measured: compress() and decompress() of one file at
// threads 1 and 2 (or those given), each run in a child process of its own
// so that its peak resident memory (maxRSS: the main thread and its workers
// together) is its own. Checks that every run writes the same bytes (and,
// with LMZIP_NATIVE_CLI, the native CLI's -T2 bytes).
//
//   node scripts/bench-threads.mjs FILE [--level N] [--frame-size BYTES] [--threads 1,2]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, mode, input, output, level, frameSize, threads] = args;
  const { compress, decompress, init } = await import('../lib/node.mjs');
  await init({ preload: [Number(level)] });
  const data = new Uint8Array(readFileSync(input));
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result =
    mode === 'compress'
      ? await compress(data, { level: Number(level), frameSize: Number(frameSize), threads: Number(threads) })
      : await decompress(data, { threads: Number(threads) });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  writeFileSync(output, result);
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds, bytes: result.length, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const file = args[0];
const level = Number(option('--level', '6'));
const frameSize = Number(option('--frame-size', String(2 << 20)));
const threadList = option('--threads', '1,2').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'lmzip-bench-threads-'));
const self = fileURLToPath(import.meta.url);
const run = (mode, input, output, threads) => {
  const r = spawnSync(process.execPath, [self, '--child', mode, input, output, level, frameSize, threads], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode} threads ${threads} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
try {
  const size = readFileSync(file).length;
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}, ${cpus().length} cores`);
  console.log(`${file}: ${size} bytes, level ${level}, frame size ${frameSize} (${Math.ceil(size / frameSize)} frames), Node ${process.version}`);
  const packed = {};
  const rows = [];
  for (const threads of threadList) {
    const out = join(dir, `c${threads}.lmz`);
    const c = run('compress', file, out, threads);
    packed[threads] = readFileSync(out);
    const d = run('decompress', out, join(dir, `d${threads}`), threads);
    const same = Buffer.compare(readFileSync(join(dir, `d${threads}`)), readFileSync(file)) === 0;
    rows.push({ threads, c, d, same });
  }
  const first = packed[threadList[0]];
  for (const t of threadList) if (Buffer.compare(packed[t], first) !== 0) throw new Error(`threads ${t} wrote other bytes`);
  if (process.env.LMZIP_NATIVE_CLI) {
    const r = spawnSync(process.env.LMZIP_NATIVE_CLI, [`-${level}`, '-c', `--frame-size=${frameSize}`, '-T2', file], { maxBuffer: 1 << 30 });
    console.log(`native -T2 bytes ${Buffer.compare(r.stdout, first) === 0 ? 'equal' : 'DIFFER'}`);
  }
  const base = rows[0];
  // CPU s: of the process and its workers; CPU/wall near the thread count
  // means the workers ran at once, below it that the cores were busy.
  console.log('| threads | compress s | KB/s | speed-up | CPU s | CPU/wall | peak RSS MiB | decompress s | KB/s | speed-up | CPU s | CPU/wall | peak RSS MiB | round trip |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { threads, c, d, same } of rows) {
    console.log(
      `| ${threads} | ${c.seconds.toFixed(1)} | ${(size / 1000 / c.seconds).toFixed(0)} | ${(base.c.seconds / c.seconds).toFixed(2)}x | ${c.cpuSeconds.toFixed(1)} | ${(c.cpuSeconds / c.seconds).toFixed(2)} | ${(c.maxRssKiB / 1024).toFixed(0)} ` +
        `| ${d.seconds.toFixed(1)} | ${(size / 1000 / d.seconds).toFixed(0)} | ${(base.d.seconds / d.seconds).toFixed(2)}x | ${d.cpuSeconds.toFixed(1)} | ${(d.cpuSeconds / d.seconds).toFixed(2)} | ${(d.maxRssKiB / 1024).toFixed(0)} | ${same ? 'ok' : 'FAILED'} |`,
    );
  }
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`compressed: ${first.length} bytes (${((first.length * 8) / size).toFixed(3)} bits/byte)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
