// Times the npm package (WebAssembly) in Node: best-of-N compress and
// decompress of each file at each level, in one process, after init().
// Usage: node bench/wasm_speed.mjs --levels 1,6 --repeat 3 [--scalar] FILE...
// Prints one JSON object per line: {file, level, simd, size, compressed, ctime, dtime}.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { init, compress, decompress } from '../npm/lib/node.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const levels = option('--levels', '1').split(',').map(Number);
const repeat = Number(option('--repeat', '1'));
const scalarIndex = args.indexOf('--scalar');
const simd = scalarIndex < 0;
if (!simd) args.splice(scalarIndex, 1);

const info = await init({ simd });
const best = async (fn) => {
  let time = Infinity;
  let result;
  for (let i = 0; i < repeat; ++i) {
    const start = performance.now();
    result = await fn();
    time = Math.min(time, (performance.now() - start) / 1000);
  }
  return { time, result };
};
for (const file of args) {
  const data = readFileSync(file);
  for (const level of levels) {
    const c = await best(() => compress(data, { level }));
    const d = await best(() => decompress(c.result));
    if (Buffer.compare(Buffer.from(d.result), data) !== 0) {
      throw new Error(`${file}: WebAssembly round trip differs at level ${level}`);
    }
    console.log(JSON.stringify({
      file: basename(file), level, simd: info.simd, kernels: info.kernels, size: data.length,
      compressed: c.result.length, ctime: c.time, dtime: d.time,
    }));
  }
}
