// The demo page. It only draws: every lmzip operation runs in the Web Worker
// (build/worker.js, from worker.mjs), which calls the npm package.
import { LEGEND, blocks, characters, describe, heatmapHtml } from './heatmap.mjs';

// The heatmap shows at most the first this many bytes of the input.
const HEATMAP_BYTES = 200_000;
// After Cancel, the worker gets this long to stop before it is replaced.
const CANCEL_GRACE_MS = 3000;

const $ = (id) => document.getElementById(id);
const el = {
  status: $('model-status'),
  text: $('text'),
  textInfo: $('text-info'),
  drop: $('drop'),
  file: $('file'),
  fileInfo: $('file-info'),
  fileName: $('file-name'),
  fileSize: $('file-size'),
  fileClear: $('file-clear'),
  level: $('level'),
  levelInfo: $('level-info'),
  compress: $('compress'),
  cancel: $('cancel'),
  progressRow: $('progress-row'),
  progress: $('progress'),
  progressText: $('progress-text'),
  message: $('message'),
  results: $('results'),
  caption: $('results-caption'),
  verify: $('verify'),
  downloadLmz: $('download-lmz'),
  verifyResult: $('verify-result'),
  opened: $('opened'),
  openedInfo: $('opened-info'),
  downloadOriginal: $('download-original'),
  heatSection: $('heatmap-section'),
  legend: $('legend'),
  heatSummary: $('heatmap-summary'),
  readout: $('heat-readout'),
  heatmap: $('heatmap'),
  tip: $('tip'),
};
const exampleButtons = [...document.querySelectorAll('[data-example]')];

const encoder = new TextEncoder();
const fmtInt = (n) => n.toLocaleString('en-US');
const fmtKB = (n) => (n < 1024 ? `${n} bytes` : n < 1 << 20 ? `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`);
const fmtMs = (ms) => (ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`);

let worker = null;
let info = null; // what the worker loaded (its 'ready' message)
let nextId = 1;
let jobsDone = 0; // shown as <body data-done>, for tests that wait for a result
let job = null; // the request in flight: {id, resolve, reject, onProgress}
let source = { kind: 'text', name: 'text.txt' }; // or {kind: 'file', name, bytes}
let last = null; // the last compression: {input, compressed, name}
let heat = null; // the heatmap's data: {chars, bytes, costs, cursor, starts}
let heatRender = 0; // the heatmap being drawn (a newer result stops an older one)
const blobUrls = {};

// ---------------------------------------------------------------- the worker

function startWorker() {
  info = null;
  document.body.dataset.model = 'loading';
  updateControls();
  worker = new Worker(new URL('build/worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => onWorkerMessage(data);
  worker.onerror = (event) => {
    event.preventDefault();
    const message = event.message || 'the worker script could not be loaded';
    setStatus(`lmzip could not start: ${message}. Reload the page to try again.`, 'failed');
    failJob({ code: 'WORKER', message });
  };
  // ?simd=0 forces the scalar WebAssembly build (as on engines without SIMD).
  const simd = new URLSearchParams(location.search).get('simd');
  worker.postMessage({ type: 'init', simd: simd === '0' ? false : undefined });
}

function onWorkerMessage(m) {
  switch (m.type) {
    case 'model-start':
      modelNames.set(m.name, modelName(m));
      setStatus(`Loading the ${modelNames.get(m.name)} (${fmtKB(m.bytes)})…`, 'loading');
      break;
    case 'model-progress':
      setStatus(`Loading the ${modelNames.get(m.name)} (${fmtKB(m.total)})… ${Math.floor((100 * m.loaded) / m.total)} %`, 'loading');
      break;
    case 'model-ready': // a model a level needed after the start (its slot's first use)
      loadedSlots.add(m.slot);
      setStatus(`${el.status.dataset.readyText} · ${modelNames.get(m.name)} loaded (${m.source})`, 'ready');
      updateLevelInfo();
      break;
    case 'ready':
      onReady(m.info);
      break;
    case 'init-failed':
      setStatus(`The model could not be loaded: ${m.error.message}. Reload the page to try again.`, 'failed');
      document.body.dataset.model = 'failed';
      break;
    case 'progress':
      if (job?.id === m.id) job.onProgress?.(m);
      break;
    case 'compressed':
    case 'decompressed':
      if (job?.id === m.id) finishJob().resolve(m);
      break;
    case 'failed':
      if (job?.id === m.id) finishJob().reject(Object.assign(new Error(m.error.message), m.error));
      break;
    case 'worker-error':
      showMessage(`Unexpected error in the worker: ${m.error.message}`);
      break;
  }
}

function onReady(loaded) {
  info = loaded;
  loadedSlots.clear();
  if (loaded.modelSlot) loadedSlots.add(loaded.modelSlot);
  const from = loaded.modelSource === 'cache' ? 'from the browser cache' : `from the ${loaded.modelSource}`;
  el.status.dataset.readyText =
    `Model ready: ${fmtKB(loaded.modelBytes)} (id ${loaded.modelId}), loaded ${from} in ${fmtMs(loaded.ms)} · ` +
    `WebAssembly ${loaded.simd ? 'SIMD' : 'scalar'} · lmzip ${loaded.version}`;
  setStatus(el.status.dataset.readyText, 'ready');
  el.status.dataset.source = loaded.modelSource === 'cache' ? 'cache' : 'network';
  if (!el.level.options.length) {
    for (const { level, isDefault } of loaded.levels) {
      el.level.add(new Option(`${level}${isDefault ? ' (default)' : ''}`, String(level)));
    }
    el.level.value = String(loaded.constants.defaultLevel);
  }
  updateLevelInfo();
  document.body.dataset.model = 'ready';
  updateControls();
}

function request(type, fields, transfer, onProgress) {
  return new Promise((resolve, reject) => {
    job = { id: nextId++, resolve, reject, onProgress, timer: null };
    worker.postMessage({ type, id: job.id, ...fields }, transfer);
    updateControls();
  });
}

function finishJob() {
  const done = job;
  clearTimeout(done.timer);
  job = null;
  document.body.dataset.done = String(++jobsDone);
  updateControls();
  return done;
}

function failJob(error) {
  if (job) finishJob().reject(Object.assign(new Error(error.message), error));
}

function cancel() {
  if (!job) return;
  const current = job;
  worker.postMessage({ type: 'cancel', id: current.id });
  el.progressText.textContent = 'Cancelling…';
  // lmzip checks the signal between 64 KB steps; a worker that does not stop
  // in time is replaced (the model then comes from the cache).
  current.timer = setTimeout(() => {
    if (job !== current) return;
    worker.terminate();
    failJob({ code: 'LMZ_ERR_ABORTED', message: 'cancelled' });
    startWorker();
  }, CANCEL_GRACE_MS);
}

// ------------------------------------------------------------------ the page

// "level N" or "levels A–B": a run of consecutive levels of the level table.
const levelsText = (list) => (list.length === 1 ? `level ${list[0]}` : `levels ${list[0]}–${list.at(-1)}`);
// How the page names a model: the one loaded at the start is "the neural
// model"; another is named by its slot and the levels that use it.
const modelName = ({ slot, levels }) =>
  info === null || slot === info.modelSlot ? 'neural model' : `${slot} neural model of ${levelsText(levels)}`;
const modelNames = new Map(); // model file -> its name on the page
const loadedSlots = new Set(); // the model slots of the level table loaded so far

function setStatus(text, state) {
  el.status.textContent = text;
  el.status.className = `model-status ${state}`;
}

function showMessage(text, kind = 'error') {
  el.message.textContent = text;
  el.message.className = `message ${kind === 'info' ? 'info' : ''}`;
  el.message.dataset.kind = kind;
  el.message.hidden = false;
}

function hideMessage() {
  el.message.hidden = true;
  el.message.textContent = '';
}

function updateControls() {
  const busy = job !== null;
  const ready = info !== null;
  document.body.dataset.busy = String(busy);
  el.compress.disabled = busy || !ready;
  el.level.disabled = busy || !ready;
  el.file.disabled = busy || !ready;
  el.verify.disabled = busy || !ready || !last;
  for (const b of exampleButtons) b.disabled = busy || !ready;
  el.cancel.hidden = !busy;
  el.progressRow.hidden = !busy;
}

// The selected level's row of the level table: its summary, whether its
// model is still to be loaded, its memory.
function updateLevelInfo() {
  const option = el.level.selectedOptions[0];
  if (!option || !info) return;
  const row = info.levels.find((r) => r.level === Number(option.value));
  const later = row.model !== 'none' && !loadedSlots.has(row.model) ? ` (its ${fmtKB(row.modelBytes)} model loads on first use)` : '';
  el.levelInfo.textContent = `${row.summary}${later}, up to ${fmtKB(row.memory)} of memory`;
}

function updateTextInfo() {
  const value = el.text.value;
  let chars = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) chars++; // count a surrogate pair once
  }
  el.textInfo.textContent = `${fmtInt(chars)} characters, ${fmtInt(encoder.encode(value).length)} bytes (UTF-8)`;
}

function showFileInfo() {
  const isFile = source.kind === 'file';
  el.fileInfo.hidden = !isFile;
  el.text.disabled = isFile;
  if (isFile) {
    el.fileName.textContent = source.name;
    el.fileSize.textContent = `(${fmtInt(source.bytes.length)} bytes)`;
  }
}

function useText(name = 'text.txt') {
  source = { kind: 'text', name };
  showFileInfo();
}

function inputBytes() {
  return source.kind === 'file' ? source.bytes : encoder.encode(el.text.value);
}

function setDownload(link, key, bytes, name) {
  if (blobUrls[key]) URL.revokeObjectURL(blobUrls[key]);
  blobUrls[key] = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  link.href = blobUrls[key];
  link.download = name;
  link.textContent = `Download ${name}`;
}

function progressReporter(verb) {
  const t0 = performance.now();
  el.progress.value = 0;
  el.progress.removeAttribute('value'); // indeterminate until the first report
  el.progressText.textContent = `${verb}…`;
  return ({ bytesIn, total }) => {
    if (!total) return;
    el.progress.value = bytesIn / total;
    el.progressText.textContent = `${verb}: ${fmtKB(bytesIn)} of ${fmtKB(total)} · ${fmtMs(performance.now() - t0)}`;
  };
}

// What an error means for the person using the page.
function explain(error, { level, decompressing } = {}) {
  const code = error.code;
  const memory = level && info ? info.levels.find((l) => l.level === level)?.memory : undefined;
  let text;
  switch (code) {
    case 'LMZ_ERR_ABORTED':
      return 'Cancelled.';
    case 'LMZ_ERR_MODEL_MISMATCH':
      text =
        `This file was compressed with a different neural model than the one this page uses (model ${info?.modelId}), ` +
        'so it cannot be decompressed here. Use the lmzip (same version and model) that wrote it.';
      break;
    case 'LMZ_ERR_MODEL_NOT_LOADED':
      text = 'This needs a neural model that this page has not loaded (its download failed?). Reload the page to try again.';
      break;
    case 'LMZ_ERR_OUT_OF_MEMORY':
    case 'RangeError':
      text =
        'Out of memory: ' +
        (memory ? `level ${level} needs up to ${fmtKB(memory)} of WebAssembly memory, ` : '') +
        'more than this browser tab could get. Try a lower level, a smaller input, or close other tabs.';
      break;
    case 'LMZ_ERR_NOT_LMZIP':
      text = 'This is not an lmzip file: it does not start with the "LMZ" bytes of the format.';
      break;
    case 'LMZ_ERR_UNSUPPORTED_VERSION':
      text = 'This file was written by a newer lmzip: this page cannot read its format version.';
      break;
    case 'LMZ_ERR_TRUNCATED':
      text = 'The file is truncated: it ends before the compressed stream does (an incomplete download?).';
      break;
    case 'LMZ_ERR_CORRUPT_HEADER':
    case 'LMZ_ERR_CORRUPT_DATA':
    case 'LMZ_ERR_CHECKSUM_MISMATCH':
    case 'LMZ_ERR_LENGTH_MISMATCH':
      text = 'The file is corrupt: it was damaged after it was written, and cannot be decompressed.';
      break;
    case 'WORKER':
      text = 'The compression worker stopped unexpectedly.';
      break;
    default:
      text = decompressing ? 'Decompression failed.' : 'Compression failed.';
  }
  const detail = error.message ? ` (${error.message.replace(/^lmzip: /, '')})` : '';
  return `${text}${detail}${code && code !== 'WORKER' && code !== 'RangeError' ? ` [${code}]` : ''}`;
}

function showError(error, context) {
  showMessage(explain(error, context), error.code === 'LMZ_ERR_ABORTED' ? 'info' : 'error');
}

// ----------------------------------------------------------------- compress

async function compressInput() {
  if (job || !info) return;
  const bytes = inputBytes();
  const level = Number(el.level.value);
  const name = source.name;
  hideMessage();
  el.verifyResult.textContent = '';
  el.verifyResult.className = 'verify-result';
  const copy = bytes.slice();
  try {
    const r = await request(
      'compress',
      { bytes: copy.buffer, level, costsWanted: HEATMAP_BYTES },
      [copy.buffer],
      progressReporter('Compressing'),
    );
    last = { input: bytes, compressed: r.compressed, name };
    showResults(r, bytes, name);
    showHeatmap(bytes, r);
  } catch (error) {
    // The results on the page were of an earlier input.
    el.results.hidden = true;
    el.heatSection.hidden = true;
    hideTip();
    showError(error, { level });
  } finally {
    updateControls();
  }
}

function fillRow(row, size, original, ms) {
  row.querySelector('.bytes').textContent = fmtInt(size);
  row.querySelector('.ratio').textContent = original > 0 && size > 0 ? `${(original / size).toFixed(2)}×` : '–';
  row.querySelector('.bpb').textContent = original > 0 ? ((8 * size) / original).toFixed(3) : '–';
  if (ms !== undefined) {
    const cell = row.querySelector('.time');
    cell.textContent = fmtMs(ms);
    if (ms > 0 && original > 0) {
      const speed = document.createElement('span');
      speed.className = 'speed';
      speed.textContent = ` · ${fmtKB(Math.round((original / ms) * 1000))}/s`;
      cell.append(speed);
    }
    row.dataset.ms = String(ms);
  }
  row.dataset.bytes = String(size);
}

function showResults(r, input, name) {
  const n = input.length;
  $('row-original').querySelector('.bytes').textContent = fmtInt(n);
  $('row-original').dataset.bytes = String(n);
  fillRow($('row-lmzip'), r.compressed.length, n, r.ms);
  $('row-lmzip').querySelector('.level-tag').textContent = `level ${r.level}`;
  for (const [id, result] of [['row-gzip', r.gzip], ['row-deflate-raw', r.deflateRaw]]) {
    const row = $(id);
    if (result) fillRow(row, result.bytes, n, result.ms);
    else for (const cell of row.querySelectorAll('td')) cell.textContent = 'not supported here';
  }
  el.caption.textContent = `${name}, compressed in this browser (WebAssembly ${info.simd ? 'SIMD' : 'scalar'})`;
  setDownload(el.downloadLmz, 'lmz', r.compressed, `${name}.lmz`);
  el.results.hidden = false;
  el.opened.hidden = true;
}

// --------------------------------------------------------------- decompress

async function verify() {
  if (job || !last) return;
  const { input, compressed } = last;
  const copy = compressed.slice();
  el.verifyResult.textContent = '';
  try {
    const r = await request('decompress', { bytes: copy.buffer }, [copy.buffer], progressReporter('Decompressing'));
    const out = r.output;
    let diff = out.length === input.length ? -1 : Math.min(out.length, input.length);
    for (let i = 0; diff < 0 && i < out.length; i++) if (out[i] !== input[i]) diff = i;
    if (diff < 0) {
      el.verifyResult.textContent = `identical, ${out.length} bytes (decompressed in ${fmtMs(r.ms)})`;
      el.verifyResult.className = 'verify-result ok';
    } else {
      el.verifyResult.textContent = `DIFFERENT from the input at byte ${diff} (${out.length} bytes decompressed, ${input.length} expected)`;
      el.verifyResult.className = 'verify-result bad';
    }
  } catch (error) {
    el.verifyResult.textContent = explain(error, { decompressing: true });
    el.verifyResult.className = 'verify-result bad';
  }
}

function isLmz(name, bytes) {
  // "LMZ": the magic bytes of the format (docs/FORMAT.md).
  return /\.lmz$/i.test(name) || (bytes[0] === 0x4c && bytes[1] === 0x4d && bytes[2] === 0x5a);
}

async function openLmz(name, bytes) {
  hideMessage();
  el.opened.hidden = true;
  const copy = bytes.slice();
  try {
    const r = await request('decompress', { bytes: copy.buffer }, [copy.buffer], progressReporter('Decompressing'));
    let outName = name.replace(/\.lmz$/i, '');
    if (!outName || outName === name) outName = `${name}.out`;
    el.openedInfo.textContent =
      `${name}: ${fmtInt(bytes.length)} bytes → ${fmtInt(r.output.length)} bytes ` +
      `(level ${r.level}), decompressed in ${fmtMs(r.ms)}.`; // the level its header names
    el.openedInfo.dataset.bytes = String(r.output.length);
    setDownload(el.downloadOriginal, 'original', r.output, outName);
    source = { kind: 'file', name: outName, bytes: r.output };
    showFileInfo();
    el.results.hidden = true;
    el.heatSection.hidden = true;
    el.opened.hidden = false;
  } catch (error) {
    showError(error, { decompressing: true });
  }
}

async function takeFile(file) {
  if (job || !info || !file) return;
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    showMessage(`Could not read ${file.name}: ${error.message}${error instanceof RangeError ? ' (out of memory: the file is too large for this tab)' : ''}`);
    return;
  }
  if (isLmz(file.name, bytes)) return openLmz(file.name, bytes);
  source = { kind: 'file', name: file.name, bytes };
  showFileInfo();
  return compressInput();
}

// ------------------------------------------------------------------ heatmap

function showHeatmap(bytes, r) {
  hideTip();
  if (!r.costs) {
    heat = null;
    heatRender++;
    el.heatSection.hidden = false;
    el.heatmap.textContent = '';
    el.heatSummary.textContent = 'No heatmap for inputs this large (the per-byte costs were not recorded).';
    return;
  }
  const chars = characters(bytes, r.costs, HEATMAP_BYTES);
  const starts = blocks(chars);
  heat = { chars, bytes, costs: r.costs, cursor: -1, starts };
  el.heatmap.textContent = '';
  el.heatmap.classList.toggle('large', starts.length > 9);
  el.heatmap.dataset.chars = String(chars.count);
  el.heatmap.dataset.rendered = 'false';
  // A block at a time, about one frame's worth per task, so that a large
  // heatmap never blocks the page.
  const render = ++heatRender;
  let k = 0;
  const step = () => {
    if (render !== heatRender) return;
    const t0 = performance.now();
    while (k < starts.length - 1 && performance.now() - t0 < 12) {
      const block = document.createElement('div');
      block.className = 'block';
      block.innerHTML = heatmapHtml(chars, starts[k], starts[k + 1]);
      el.heatmap.append(block);
      k++;
    }
    if (k < starts.length - 1) setTimeout(step, 0);
    else el.heatmap.dataset.rendered = 'true';
  };
  step();
  let shownBits = 0;
  for (const b of chars.bits) shownBits += b;
  const perChar = chars.count ? shownBits / chars.count : 0;
  const perByte = chars.shownBytes ? shownBits / chars.shownBytes : 0;
  el.heatSummary.textContent =
    `${fmtInt(chars.count)} characters${chars.truncated ? ` (the first ${fmtKB(chars.shownBytes)} of the input)` : ''}: ` +
    `${perChar.toFixed(2)} bits per character, ${perByte.toFixed(3)} bits per byte on average. ` +
    `Sum of all the bytes' costs: ${fmtInt(Math.round(r.costBits / 8))} bytes; the .lmz file: ${fmtInt(r.compressed.length)} bytes ` +
    '(it adds the header, the block headers and the trailer).';
  el.heatSummary.dataset.costBits = String(r.costBits);
  el.heatSection.hidden = false;
}

function showTip(i, span) {
  if (!heat) return;
  const text = describe(heat.chars, heat.bytes, heat.costs, i);
  el.readout.textContent = text;
  el.tip.textContent = text;
  el.tip.hidden = false;
  const rect = span.getBoundingClientRect();
  const width = el.tip.offsetWidth;
  const left = Math.max(4, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 4));
  el.tip.style.left = `${left}px`;
  el.tip.style.top = `${rect.bottom + window.scrollY + 4}px`;
}

function hideTip() {
  el.tip.hidden = true;
}

// The span of character i (null while its block is not drawn yet).
function spanOf(i) {
  if (!heat || i < 0) return null;
  let lo = 0;
  let hi = heat.starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (heat.starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return el.heatmap.children[lo]?.children[i - heat.starts[lo]] ?? null;
}

function moveCursor(i) {
  if (!heat || heat.chars.count === 0) return;
  i = Math.max(0, Math.min(heat.chars.count - 1, i));
  const span = spanOf(i);
  if (!span) return;
  spanOf(heat.cursor)?.classList.remove('cur');
  heat.cursor = i;
  span.classList.add('cur');
  span.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  showTip(i, span);
}

// ------------------------------------------------------------------- wiring

for (const entry of LEGEND) {
  const li = document.createElement('li');
  li.className = entry.cls;
  li.textContent = entry.label;
  el.legend.append(li);
}

for (const button of exampleButtons) {
  button.addEventListener('click', async () => {
    if (job || !info) return;
    try {
      const response = await fetch(new URL(`examples/${button.dataset.file}`, import.meta.url));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      el.text.value = await response.text();
    } catch (error) {
      showMessage(`Could not load the example: ${error.message}`);
      return;
    }
    useText(button.dataset.file);
    updateTextInfo();
    compressInput();
  });
}

el.text.addEventListener('input', () => {
  source.name = 'text.txt';
  updateTextInfo();
});
el.text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    compressInput();
  }
});
el.compress.addEventListener('click', compressInput);
el.cancel.addEventListener('click', cancel);
el.verify.addEventListener('click', verify);
el.level.addEventListener('change', updateLevelInfo);
el.fileClear.addEventListener('click', () => {
  useText();
  el.text.focus();
});
el.file.addEventListener('change', () => {
  const file = el.file.files[0];
  el.file.value = ''; // the same file can be picked again
  takeFile(file);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && job) cancel();
});

// Files can be dropped anywhere on the page.
const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
document.addEventListener('dragover', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = job || !info ? 'none' : 'copy';
  el.drop.classList.add('over');
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) el.drop.classList.remove('over');
});
document.addEventListener('drop', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  el.drop.classList.remove('over');
  takeFile(event.dataTransfer.files[0]);
});

el.heatmap.addEventListener('mouseover', (event) => {
  const span = event.target.closest('span[data-i]');
  if (span) showTip(Number(span.dataset.i), span);
});
el.heatmap.addEventListener('mouseleave', hideTip);
el.heatmap.addEventListener('blur', hideTip);
el.heatmap.addEventListener('keydown', (event) => {
  if (!heat) return;
  const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, PageDown: 100, PageUp: -100 };
  let to;
  if (event.key in steps) to = (heat.cursor < 0 ? 0 : heat.cursor + steps[event.key]);
  else if (event.key === 'Home') to = 0;
  else if (event.key === 'End') to = heat.chars.count - 1;
  else return;
  event.preventDefault();
  moveCursor(to);
});

updateTextInfo();
startWorker();
