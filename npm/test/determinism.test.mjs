// Cross-platform determinism: the WASM SIMD build, the WASM scalar build and
// the native CLI write the same bytes for the same input and level, and each
// decodes the others' streams; the WASM output also matches the golden
// vectors of the native suite (tests/golden).
//
// init() loads one build per process, so this process uses the SIMD build
// (checked below) and the scalar build runs in a child process
// (test/support/lmzip-child.mjs, init({simd: false})).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compress, createDecompress, decompress, init, simdSupported } from '../lib/node.mjs';
import {
  CHINESE,
  ENGLISH,
  GOLDEN_DIR,
  TEST_DIR,
  bytesEqual,
  expectBytes,
  fnv1a64,
  goldenInputs,
  nativeCli,
  pseudoText,
  randomBytes,
  skipNote,
  testIf,
  utf8,
} from './support/util.mjs';

const LEVELS = [1, 3, 6, 9]; // each model once, as tests/golden/golden.txt
const CLI = nativeCli();
const HAS_SIMD = simdSupported();
if (!HAS_SIMD) skipNote('this engine has no WebAssembly SIMD: SIMD-vs-scalar comparisons are skipped');

// Golden-like inputs: the golden vectors of tests/test_golden.cpp, a few
// fixed texts and seeded random bytes, at levels 1, 3, 6 and 9; plus a
// multi-block pseudo-text (the model carries over block boundaries, so that
// has to agree too) at level 1 only, to keep the run short.
const INPUTS = {
  ...goldenInputs(),
  'mixed-text': utf8(`${ENGLISH}\n${CHINESE}\n${'Ünïcödé — ✓ 🚀 '.repeat(20)}\n`),
  'random-8k': randomBytes(8192, 0xd5eed),
  'pseudo-text-1.1MiB': pseudoText((1 << 20) + 100_000, 0x7e57),
};
const LEVELS_OF = { 'pseudo-text-1.1MiB': [1] };
const CASES = Object.entries(INPUTS).flatMap(([name, data]) =>
  (LEVELS_OF[name] ?? LEVELS).map((level) => ({ name, data, level })),
);
const key = ({ name, level }) => `${name}@${level}`;

/** Runs jobs in a child process with init({simd}); resolves to {init, results}. */
function runChild(simd, jobs) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(TEST_DIR, 'support/lmzip-child.mjs')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`lmzip-child exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const reply = JSON.parse(Buffer.concat(out).toString('utf8'));
      reply.results = reply.results.map((r) => (r.data !== undefined ? { data: new Uint8Array(Buffer.from(r.data, 'base64')) } : r));
      resolvePromise(reply);
    });
    child.stdin.end(
      JSON.stringify({
        simd,
        jobs: jobs.map((j) => ({ ...j, data: Buffer.from(j.data).toString('base64') })),
      }),
    );
  });
}

function cli(args, input) {
  const r = spawnSync(CLI, ['-q', ...args], { input, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${CLI} ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

// name@level -> {simd, scalar, native} compressed streams.
const streams = new Map();
for (const c of CASES) streams.set(key(c), {});

let simdInfo;
beforeAll(async () => {
  simdInfo = await init();
  for (const c of CASES) streams.get(key(c)).simd = await compress(c.data, { level: c.level });
});

test('this process runs the SIMD build', () => {
  if (!HAS_SIMD) return;
  expect(simdInfo.simd).toBe(true);
  expect(simdInfo.kernels).toMatch(/simd/i);
});

describe('golden vectors of the native suite (tests/golden)', () => {
  const goldenTxt = resolve(GOLDEN_DIR, 'golden.txt');
  const present = existsSync(goldenTxt);
  if (!present) skipNote(`${goldenTxt} is absent: golden-vector checks are skipped`);
  const expectedInputs = new Map();
  const expectedStreams = new Map();
  if (present) {
    for (const line of readFileSync(goldenTxt, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0] === '#' && f[1] === 'input') expectedInputs.set(f[2], { size: Number(f[3]), hash: f[4] });
      else if (f.length === 4 && !line.startsWith('#')) expectedStreams.set(`${f[0]}@${f[1]}`, { size: Number(f[2]), hash: f[3] });
    }
  }

  testIf(present)('the JS generators reproduce the golden inputs', () => {
    expect(expectedInputs.size).toBeGreaterThan(0);
    const got = [...expectedInputs.keys()].map((name) => ({ name, size: INPUTS[name]?.length, hash: INPUTS[name] && fnv1a64(INPUTS[name]) }));
    const want = [...expectedInputs].map(([name, w]) => ({ name, ...w }));
    expect(got).toEqual(want);
  });

  testIf(present)('WASM streams have the size and FNV-1a-64 recorded in golden.txt', () => {
    expect(expectedStreams.size).toBeGreaterThan(0);
    // All vectors in one comparison, so that a failure lists every mismatch.
    const got = [...expectedStreams.keys()].map((k) => {
      const stream = streams.get(k)?.simd;
      return `${k} ${stream?.length} ${stream && fnv1a64(stream)}`;
    });
    const want = [...expectedStreams].map(([k, w]) => `${k} ${w.size} ${w.hash}`);
    expect(got).toEqual(want);
  });

  testIf(present)('WASM decodes the checked-in .lmz streams and re-encodes them byte for byte', async () => {
    const files = [
      ['english', 1],
      ['chinese', 6],
      ['random4k', 9],
    ];
    const failures = [];
    for (const [name, level] of files) {
      const path = resolve(GOLDEN_DIR, `${name}-${level}.lmz`);
      const stream = new Uint8Array(readFileSync(path));
      try {
        expectBytes(await decompress(stream), INPUTS[name], `decompress ${path}`);
      } catch (error) {
        failures.push(`decompress ${path}: ${error.code ?? ''} ${error.message}`);
      }
      try {
        expectBytes(await compress(INPUTS[name], { level }), stream, `compress ${name} at level ${level} vs ${path}`);
      } catch (error) {
        failures.push(error.message);
      }
    }
    expect(failures).toEqual([]);
  });

  // Through decompress() and the Node stream, whose header gate loads the
  // model the stream's level needs, and lmzip 0.1's standard model (kept) for
  // the level-6 streams, which name it.
  testIf(present)('WASM decodes the streams of format versions 1, 2 and 3, promise and Node stream', async () => {
    const failures = [];
    for (const version of [1, 2, 3]) {
      for (const [name, level] of [['english', 1], ['chinese', 6], ['random4k', 9]]) {
        const path = resolve(GOLDEN_DIR, `format${version}`, `${name}-${level}.lmz`);
        const stream = new Uint8Array(readFileSync(path));
        try {
          expectBytes(await decompress(stream), INPUTS[name], `decompress ${path}`);
          const parts = [];
          await pipeline(Readable.from([stream]), createDecompress(), async function* (source) {
            for await (const part of source) parts.push(part);
          });
          expectBytes(new Uint8Array(Buffer.concat(parts)), INPUTS[name], `createDecompress ${path}`);
        } catch (error) {
          failures.push(`${path}: ${error.code ?? ''} ${error.message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('SIMD, scalar and native produce identical bytes and decode each other', () => {
  let scalar; // the child's reply
  let scalarDecodes; // decode results of the scalar child, by job index

  beforeAll(async () => {
    if (!HAS_SIMD) return;
    scalar = await runChild(false, CASES.map((c) => ({ op: 'compress', level: c.level, data: c.data })));
    CASES.forEach((c, i) => {
      const r = scalar.results[i];
      if (r.error) throw new Error(`scalar compress ${key(c)} failed: ${r.error} ${r.message}`);
      streams.get(key(c)).scalar = r.data;
    });
    if (CLI) {
      // From a file, not a pipe: its size is known, so the CLI sizes the
      // tables as compress() does.
      const dir = mkdtempSync(join(tmpdir(), 'lmzip-determinism-'));
      try {
        for (const c of CASES) {
          const path = join(dir, 'input');
          writeFileSync(path, c.data);
          streams.get(key(c)).native = cli(['-c', `-${c.level}`, path]);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 300_000);

  testIf(HAS_SIMD)('the child runs the scalar build', () => {
    expect(scalar.init.simd).toBe(false);
    expect(scalar.init.kernels).not.toBe(simdInfo.kernels);
  });

  testIf(HAS_SIMD)('WASM SIMD = WASM scalar at levels 1, 3, 6, 9', () => {
    for (const c of CASES) {
      const s = streams.get(key(c));
      expectBytes(s.scalar, s.simd, `scalar vs SIMD, ${key(c)}`);
    }
  });

  testIf(HAS_SIMD && CLI)('WASM = native CLI at levels 1, 3, 6, 9', () => {
    for (const c of CASES) {
      const s = streams.get(key(c));
      expectBytes(s.native, s.simd, `native vs SIMD, ${key(c)}`);
    }
  });

  // Each build decodes the distinct streams the other builds wrote (when all
  // agree that is one stream per case, decoded once per build).
  function othersOf(build, c) {
    const s = streams.get(key(c));
    const distinct = [];
    for (const [name, stream] of Object.entries(s)) {
      if (name === build || !stream) continue;
      if (!distinct.some((d) => bytesEqual(d.stream, stream))) distinct.push({ from: name, stream });
    }
    return distinct;
  }

  testIf(HAS_SIMD)('WASM SIMD decodes the scalar and native streams', async () => {
    for (const c of CASES) {
      for (const { from, stream } of othersOf('simd', c)) {
        expectBytes(await decompress(stream), c.data, `SIMD decoding ${from} ${key(c)}`);
      }
    }
  });

  testIf(HAS_SIMD)('WASM scalar decodes the SIMD and native streams', async () => {
    const jobs = [];
    for (const c of CASES) {
      for (const o of othersOf('scalar', c)) jobs.push({ c, from: o.from, op: 'decompress', data: o.stream });
    }
    const reply = await runChild(false, jobs);
    expect(reply.init.simd).toBe(false);
    jobs.forEach((job, i) => {
      const r = reply.results[i];
      if (r.error) throw new Error(`scalar decoding ${job.from} ${key(job.c)}: ${r.error} ${r.message}`);
      expectBytes(r.data, job.c.data, `scalar decoding ${job.from} ${key(job.c)}`);
    });
  }, 300_000);

  testIf(HAS_SIMD && CLI)('the native CLI decodes the SIMD and scalar streams', () => {
    for (const c of CASES) {
      for (const { from, stream } of othersOf('native', c)) {
        expectBytes(cli(['-d', '-c'], stream), c.data, `native decoding ${from} ${key(c)}`);
      }
    }
  });
});
