// Runs lmzip jobs in a process of its own, so that a test can use the build
// this process was told to load (init() picks one build per process and is
// idempotent). Protocol: a JSON object on stdin
//   {simd: boolean, jobs: [{op: 'compress' | 'decompress', level?, data: base64}]}
// and a JSON object on stdout
//   {init: {simd, kernels}, results: [{data: base64} | {error: code, message}]}.
import { init, compress, decompress } from '../../lib/node.mjs';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const info = await init({ simd: request.simd });
const results = [];
for (const job of request.jobs) {
  const data = Buffer.from(job.data, 'base64');
  try {
    const out =
      job.op === 'compress' ? await compress(data, { level: job.level }) : await decompress(data);
    results.push({ data: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64') });
  } catch (error) {
    results.push({ error: error.code ?? String(error), message: error.message });
  }
}
process.stdout.write(JSON.stringify({ init: info, results }));
