// Unit tests of heatmap.mjs (no browser): UTF-8 grouping of the per-byte
// costs, the color classes, the blocks and the descriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDGES, LEGEND, blocks, characters, costClass, describe, heatmapHtml } from '../heatmap.mjs';

const utf8 = (s) => new TextEncoder().encode(s);
const ramp = (n) => Float32Array.from({ length: n }, (_, i) => i + 0.5);

test('a character costs the sum of its UTF-8 bytes', () => {
  const bytes = utf8('aé子😀\n');
  const c = characters(bytes, ramp(bytes.length));
  assert.deepEqual([...c.codePoint], [0x61, 0xe9, 0x5b50, 0x1f600, 0x0a]);
  assert.deepEqual([...c.start], [0, 1, 3, 6, 10]);
  assert.deepEqual([...c.bits], [0.5, 1.5 + 2.5, 3.5 + 4.5 + 5.5, 6.5 + 7.5 + 8.5 + 9.5, 10.5]);
  assert.equal(c.shownBytes, bytes.length);
  assert.equal(c.truncated, false);
});

test('bytes that are not valid UTF-8 are characters of their own', () => {
  // a lone continuation byte, an overlong form, a surrogate, a cut sequence
  const bytes = new Uint8Array([0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x41, 0xe4, 0xb8]);
  const c = characters(bytes, ramp(bytes.length));
  assert.equal(c.count, bytes.length);
  assert.deepEqual([...c.codePoint], [-1, -1, -1, -1, -1, -1, 0x41, -1, -1]);
  assert.match(describe(c, bytes, ramp(bytes.length), 0), /^byte 0x80 \(not UTF-8\) at byte 0: 0\.50 bits$/);
});

test('the limit stops before a character it would cut', () => {
  const bytes = utf8('ab子c');
  const costs = ramp(3); // as if only the first 3 bytes' costs were sent
  const c = characters(bytes, costs, 3);
  assert.equal(c.count, 2);
  assert.equal(c.shownBytes, 2);
  assert.equal(c.truncated, true);
});

test('color classes and legend', () => {
  assert.equal(costClass(0), 0);
  assert.equal(costClass(0.49), 0);
  assert.equal(costClass(0.5), 1);
  assert.equal(costClass(7.99), 6);
  assert.equal(costClass(100), EDGES.length);
  assert.equal(LEGEND.length, EDGES.length + 1);
  assert.deepEqual(LEGEND.map((l) => l.cls), Array.from({ length: 10 }, (_, i) => `h${i}`));
});

test('html: one span per character, escaped, newlines kept', () => {
  const bytes = utf8('<a>&\n\t\x01');
  const c = characters(bytes, new Float32Array(bytes.length).fill(1));
  const html = heatmapHtml(c);
  assert.equal((html.match(/<span /g) ?? []).length, c.count);
  assert.ok(html.includes('>&lt;<') && html.includes('>&gt;<') && html.includes('>&amp;<'));
  assert.ok(html.includes('↵</span>\n'));
  assert.ok(html.includes('class="h2 ctl" data-i="6">␁<'));
});

test('blocks end after a newline, or at 4x the target without one', () => {
  const text = ('x'.repeat(9) + '\n').repeat(10) + 'y'.repeat(100);
  const bytes = utf8(text);
  const c = characters(bytes, new Float32Array(bytes.length));
  const starts = blocks(c, 20);
  assert.equal(starts[0], 0);
  assert.equal(starts.at(-1), c.count);
  for (let k = 1; k < starts.length - 1; k++) {
    const after = c.codePoint[starts[k] - 1] === 0x0a;
    assert.ok(after || starts[k] - starts[k - 1] === 80, `block ${k} at ${starts[k]}`);
  }
  // The blocks' html, joined, is the whole heatmap.
  let joined = '';
  for (let k = 0; k < starts.length - 1; k++) joined += heatmapHtml(c, starts[k], starts[k + 1]);
  assert.equal(joined, heatmapHtml(c));
});
