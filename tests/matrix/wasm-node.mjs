// The determinism matrix's WebAssembly-in-Node column (tests/matrix/matrix.py
// runs it once with --simd and once with --scalar: init() loads one build per
// process).
//
//   node tests/matrix/wasm-node.mjs --simd|--scalar JOBS.json
//
// JOBS.json: {outDir, jobs: [{op: 'compress', level, input, output} |
// {op: 'decompress', input, output}]} (paths). Writes every result to its
// output path (an error to output + '.err') and prints
// {"simd", "kernels", "modelId", "seconds"} as JSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [mode, jobsFile] = process.argv.slice(2);
if (!['--simd', '--scalar'].includes(mode) || !jobsFile) {
  console.error('usage: node tests/matrix/wasm-node.mjs --simd|--scalar JOBS.json');
  process.exit(2);
}
const { init, compress, decompress } = await import(join(ROOT, 'npm', 'lib', 'node.mjs'));
const info = await init({ simd: mode === '--simd', preload: 'all' });
const { jobs } = JSON.parse(readFileSync(jobsFile, 'utf8'));
const start = process.hrtime.bigint();
for (const job of jobs) {
  mkdirSync(dirname(job.output), { recursive: true });
  const data = readFileSync(job.input);
  try {
    const out = job.op === 'compress' ? await compress(data, { level: job.level, frameSize: job.frameSize }) : await decompress(data);
    writeFileSync(job.output, out);
  } catch (error) {
    writeFileSync(`${job.output}.err`, `${error.code ?? ''} ${error.message}\n`);
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${JSON.stringify({ ...info, seconds })}\n`);
