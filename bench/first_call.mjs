// The first compress() at a level against the later ones (npm README,
// "first call"): in a fresh Node process, init(), prepareLevel(LEVEL), then
// three compressions of a 1-byte input, each timed.
// Usage: node bench/first_call.mjs LEVEL   (after `make wasm`)
import * as lmzip from '../npm/lib/node.mjs';

const level = Number(process.argv[2]);
await lmzip.init();
await lmzip.prepareLevel(level);
const times = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  await lmzip.compress(new Uint8Array([65]), { level });
  times.push((performance.now() - start).toFixed(1));
}
console.log(`level ${level}: ${times.join(' / ')} ms`);
