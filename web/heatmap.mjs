// The per-character cost heatmap. The costs are the coder's own: costs[i] is
// what compressWithCosts() reported for input byte i (-log2 of the
// probabilities the arithmetic coder used for its 8 bits). A character's cost
// is the sum of its UTF-8 bytes' costs; a byte that is not part of valid UTF-8
// is shown as its own character (U+FFFD).

/** Upper edges (bits per character) of the color classes h0 .. h9. */
export const EDGES = [0.5, 1, 2, 3, 4, 6, 8, 12, 16];

/** The legend: one entry per color class. */
export const LEGEND = EDGES.map((edge, i) => ({
  cls: `h${i}`,
  label: i === 0 ? `< ${edge}` : `${EDGES[i - 1]}–${edge}`,
})).concat([{ cls: `h${EDGES.length}`, label: `≥ ${EDGES.at(-1)}` }]);

export function costClass(bits) {
  let i = 0;
  while (i < EDGES.length && bits >= EDGES[i]) i++;
  return i;
}

// Length of the valid UTF-8 sequence at bytes[i] and its code point, or
// [1, -1] for a byte that does not start one.
function utf8At(bytes, i) {
  const b = bytes[i];
  if (b < 0x80) return [1, b];
  let len;
  let cp;
  let min;
  if (b >= 0xc2 && b <= 0xdf) [len, cp, min] = [2, b & 0x1f, 0x80];
  else if (b >= 0xe0 && b <= 0xef) [len, cp, min] = [3, b & 0x0f, 0x800];
  else if (b >= 0xf0 && b <= 0xf4) [len, cp, min] = [4, b & 0x07, 0x10000];
  else return [1, -1];
  if (i + len > bytes.length) return [1, -1];
  for (let k = 1; k < len; k++) {
    const c = bytes[i + k];
    if ((c & 0xc0) !== 0x80) return [1, -1];
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [1, -1];
  return [len, cp];
}

// What a character looks like in the heatmap.
function glyph(cp) {
  if (cp === -1) return '\ufffd';
  if (cp === 0x0a) return '↵';
  if (cp === 0x09) return '\t';
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp); // ␀ .. ␟
  if (cp === 0x7f) return '␡';
  return String.fromCodePoint(cp);
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escape = (s) => s.replace(/[&<>]/g, (c) => ESCAPES[c]);

/**
 * Splits `bytes` into characters (at most the first `limit` bytes) and sums
 * each one's byte costs.
 * @param {Uint8Array} bytes the input
 * @param {Float32Array} costs bits per input byte (at least as many as shown)
 * @param {number} limit bytes to show
 */
export function characters(bytes, costs, limit = bytes.length) {
  const end = Math.min(bytes.length, limit, costs.length);
  const start = [];
  const cps = [];
  const bits = [];
  for (let i = 0; i < end; ) {
    const [len, cp] = utf8At(bytes, i);
    if (i + len > costs.length) break; // a character cut by the limit
    let sum = 0;
    for (let k = 0; k < len; k++) sum += costs[i + k];
    start.push(i);
    cps.push(cp);
    bits.push(sum);
    i += len;
  }
  return {
    count: start.length,
    start: Uint32Array.from(start),
    codePoint: Int32Array.from(cps),
    bits: Float64Array.from(bits),
    shownBytes: start.length ? start.at(-1) + utf8At(bytes, start.at(-1))[0] : 0,
    truncated: end < bytes.length,
  };
}

/**
 * Where to cut the heatmap into blocks of about `target` characters (after a
 * newline where there is one), so that the page can render it a block at a
 * time and skip the layout of the blocks out of view.
 * @returns {number[]} the first character of each block, then `count`
 */
export function blocks(chars, target = 1500) {
  const starts = [0];
  let from = 0;
  for (let i = 0; i < chars.count; i++) {
    const length = i + 1 - from;
    if ((length >= target && chars.codePoint[i] === 0x0a) || length >= 4 * target) {
      from = i + 1;
      if (from < chars.count) starts.push(from);
    }
  }
  starts.push(chars.count);
  return starts;
}

/** The HTML of characters [from, to): one span each, `data-i` = its index. */
export function heatmapHtml(chars, from = 0, to = chars.count) {
  const parts = new Array(to - from);
  for (let i = from; i < to; i++) {
    const cp = chars.codePoint[i];
    const cls = `h${costClass(chars.bits[i])}${cp === 0x0a ? ' nl' : ''}${cp === -1 || (cp < 0x20 && cp !== 0x0a && cp !== 0x09) || cp === 0x7f ? ' ctl' : ''}`;
    parts[i - from] = `<span class="${cls}" data-i="${i}">${escape(glyph(cp))}</span>${cp === 0x0a ? '\n' : ''}`;
  }
  return parts.join('');
}

/** A sentence describing character `i`: what it is, where, what it cost. */
export function describe(chars, bytes, costs, i) {
  const cp = chars.codePoint[i];
  const at = chars.start[i];
  const len = cp === -1 ? 1 : utf8At(bytes, at)[0];
  const name =
    cp === -1
      ? `byte 0x${bytes[at].toString(16).padStart(2, '0')} (not UTF-8)`
      : cp === 0x0a
        ? 'newline U+000A'
        : cp === 0x20
          ? 'space U+0020'
          : `“${glyph(cp)}” U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  let text = `${name} at byte ${at.toLocaleString('en-US')}: ${chars.bits[i].toFixed(2)} bits`;
  if (len > 1) {
    const each = [];
    for (let k = 0; k < len; k++) each.push(costs[at + k].toFixed(2));
    text += ` (${len} bytes: ${each.join(' + ')})`;
  }
  return text;
}
