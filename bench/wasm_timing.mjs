// The timing loop of bench/wasm_speed.mjs, in one place for both engines: Node
// imports it, and the Chromium page loads this same file from the script's
// server, so the two columns of the report time exactly the same calls. It
// uses nothing but the package's API and performance.now() (no Node modules).

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Best-of-`repeat` compress() and decompress() of `data` at each level, the
 * round trip checked (a mismatch throws: a speed of wrong output means nothing).
 * @param {{compress: Function, decompress: Function}} lmzip the package, after init()
 * @returns {Promise<{level: number, compressed: number, ctime: number, dtime: number}[]>}
 *   seconds
 */
export async function timeLevels(lmzip, data, levels, repeat) {
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
  const rows = [];
  for (const level of levels) {
    const c = await best(() => lmzip.compress(data, { level }));
    const d = await best(() => lmzip.decompress(c.result));
    if (!same(d.result, data)) throw new Error(`WebAssembly round trip differs at level ${level}`);
    rows.push({ level, compressed: c.result.length, ctime: c.time, dtime: d.time });
  }
  return rows;
}

/**
 * Seconds of one setTimeout(0) wait when chained as compress() and
 * decompress() chain theirs (they yield to the event loop every few KiB of
 * input): part of their time that is the engine's timers, not WebAssembly.
 * Chromium clamps nested timeouts to 4 ms, Node does not.
 */
export async function yieldSeconds(count = 50) {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const start = performance.now();
  for (let i = 0; i < count; ++i) await tick();
  return (performance.now() - start) / 1000 / count;
}
