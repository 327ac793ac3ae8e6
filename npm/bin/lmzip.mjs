#!/usr/bin/env node
// lmzip — the command-line tool of the npm package, the same tool as the
// native CLI (src/cli/main.cpp). Both are built on one definition of the
// command line (src/cli/spec.h, reached here through the WebAssembly
// module's cli* functions): the options and their parsing, the help and
// version texts, the level table (--levels), every message, the glibc errno
// texts, the library-error text with its model ids, and the -v, progress
// and -l lines. This file does only what is Node's: the file handling
// (temporary file, rename, metadata, signals, SIGPIPE) and the streams,
// through the package's createCompress/createDecompress.
//
//   lmzip FILE...        compress each FILE to FILE.lmz, remove FILE
//   lmzip -d FILE.lmz... decompress to FILE, remove FILE.lmz
//   lmzip -r DIR...      the same for every file under DIR
//   lmzip                stdin -> stdout
//
// Exit status (as gzip): 0 ok, 1 error, 2 warning (e.g. a skipped file).

import fs from 'node:fs';
import { isatty } from 'node:tty';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getSystemErrorMap } from 'node:util';
import {
  init, createCompress, createDecompress, levels, levelUsesModel, loadModel, LmzipError,
} from '../lib/node.mjs';
// The raw module and the workers of -T: package-internal, not part of the
// documented API.
import { hooks, nativeModule } from '../lib/internal.mjs';

const CHUNK_SIZE = 256 << 10; // input and output chunks
// Compressed input is fed in smaller pieces: the library decodes a whole
// piece per call and holds its output, which can be ~2800 times larger (a
// stream of zeros), so this bounds the memory that one call can take.
const DECODE_CHUNK_SIZE = 16 << 10;
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
// lmzip::Status values (src/lmzip.h), as StreamScanner.push returns them.
const DONE = 2;
const ERROR = 3;

// The WebAssembly module, once loaded: the CLI definition (cli* functions).
let M = null;
// The core's error list: name -> code, for cliLibraryError().
let errorCodes = new Map();

function packageVersion() {
  try {
    return JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------- messages

let status = 0; // 0 ok, 1 error, 2 warning; an error wins
let stdoutFailed = false; // writing to stdout failed: stop everything
let currentProgress = null;

function writeStderr(text) {
  try {
    fs.writeSync(STDERR, text);
  } catch {
    // nowhere left to report it
  }
}

function writeStdout(text) {
  try {
    fs.writeSync(STDOUT, text);
  } catch {
    // as printf: a failed --help is not an error
  }
}

function setStatus(s) {
  if (s === 1 || status === 0) status = s;
}

function clearProgress() {
  currentProgress?.clear();
}

// A message of the CLI definition, by its identifier (LMZIP_CLI_MESSAGES).
function message(id, args = {}) {
  return M.cliMessage(id, args);
}

function reportError(name, cause) {
  clearProgress();
  writeStderr(`${M.cliReportLine(name, cause)}\n`);
  setStatus(1);
}

// The errno text of a Node system error: the definition's (glibc's wording)
// for its symbolic code, else libuv's description, capitalised.
function errnoText(error) {
  const text = typeof error?.code === 'string' ? M.cliErrnoText(error.code) : '';
  if (text) return text;
  const entry = typeof error?.errno === 'number' ? getSystemErrorMap().get(error.errno) : undefined;
  if (entry) return entry[1].charAt(0).toUpperCase() + entry[1].slice(1);
  return String(error?.message ?? error);
}

// "WHAT: STRERROR" (the errno text alone when `what` is empty).
function withErrno(what, error) {
  return M.cliWithErrno(what, errnoText(error));
}

function reportErrno(name, what, error) {
  reportError(name, withErrno(what, error));
}

// A library failure, worded by the definition with the model ids: the one
// the stream needs, and (decompressing) the --model file's, `o.modelId`.
function reportLibrary(name, error, o) {
  const code = errorCodes.get(error.code);
  if (code === undefined) {
    // One of the wrapper's own codes (LMZ_ERR_ABORTED, ...): not expected here.
    reportError(name, `${error.message} (${error.code})`);
    return;
  }
  const given = o.mode !== 'compress' ? (o.modelId ?? 0) : 0;
  reportError(name, M.cliLibraryError(code, error.modelNeeded ?? 0, given, error.level ?? 0));
}

function reportWarning(name, cause, o) {
  if (!o.quiet) {
    clearProgress();
    writeStderr(`${M.cliReportLine(name, cause)}\n`);
  }
  setStatus(2);
}

// ---------------------------------------------------------------- progress

// One status line on stderr (the definition's progress line), redrawn at
// most every cliProgressIntervalMs and erased when done.
class Progress {
  #enabled;
  #total;
  #name;
  #start = Date.now();
  #last = this.#start;
  #shown = 0; // width of the line on screen; 0 = nothing shown

  constructor(name, total, enabled) {
    this.#enabled = enabled;
    this.#total = total;
    this.#name = name;
  }

  // `pos`: input bytes consumed (of total); `bytes`: uncompressed bytes so
  // far, for the speed.
  update(pos, bytes) {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < M.cliProgressIntervalMs) return;
    this.#last = now;
    const secs = (now - this.#start) / 1000;
    const mbs = secs > 0 ? bytes / 1e6 / secs : 0;
    const line = M.cliProgressLine(this.#name, pos, this.#total, mbs);
    writeStderr(`\r${line}${' '.repeat(Math.max(0, this.#shown - line.length))}`);
    this.#shown = Math.max(this.#shown, line.length);
  }

  clear() {
    if (!this.#shown) return;
    writeStderr(`\r${' '.repeat(this.#shown)}\r`);
    this.#shown = 0;
  }
}

// ------------------------------------------------ temporary output, signals

// The temporary output file being written, removed if a signal ends us.
// (Node ignores SIGPIPE and SIGXFSZ: the write fails, EPIPE or EFBIG, and
// the temporary file is discarded as after any write error.)
let tempPath = null;

function installSignalHandlers() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGXCPU']) {
    process.once(signal, () => {
      if (tempPath) {
        try {
          fs.unlinkSync(tempPath);
        } catch {
          // already gone
        }
      }
      // The last listener is gone: the default action applies again.
      process.kill(process.pid, signal);
    });
  }
}

// The native tool dies of SIGPIPE when the reader of its output goes away
// (`lmzip -dc x.lmz | head`); Node ignores SIGPIPE, so restore the default
// action (adding and removing a listener does) and raise it. Should the
// signal not end the process, the write error is reported instead.
function dieOfSigpipe() {
  const ignore = () => {};
  process.on('SIGPIPE', ignore);
  process.off('SIGPIPE', ignore);
  clearProgress();
  process.kill(process.pid, 'SIGPIPE');
}

// ---------------------------------------------------------------- raw I/O

// An error of the file tool's own I/O, reported as `name: what: strerror`.
class IoError extends Error {
  constructor(name, what, cause) {
    super(`${what}: ${cause.message}`, { cause });
    this.fileName = name;
    this.what = what;
  }
}

// Reads a file descriptor in pieces of `size` bytes; never closes it.
class FdSource extends Readable {
  #fd;
  #name;
  #size;

  constructor(fd, name, size) {
    super({ highWaterMark: size });
    this.#fd = fd;
    this.#name = name;
    this.#size = size;
  }

  _read() {
    const size = this.#size;
    const buffer = Buffer.allocUnsafe(size);
    fs.read(this.#fd, buffer, 0, size, null, (error, n) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          setTimeout(() => this._read(), 5); // a non-blocking descriptor
          return;
        }
        this.destroy(new IoError(this.#name, message('read_error'), error));
        return;
      }
      if (n === 0) this.push(null);
      else this.push(n < size / 2 ? Buffer.from(buffer.subarray(0, n)) : buffer.subarray(0, n));
    });
  }
}

// Writes to a file descriptor (-1: discards, for -t); never closes it.
class FdSink extends Writable {
  #fd;
  #name;

  constructor(fd, name) {
    super({ highWaterMark: CHUNK_SIZE });
    this.#fd = fd;
    this.#name = name;
  }

  _write(chunk, _encoding, callback) {
    if (this.#fd < 0 || chunk.length === 0) {
      callback();
      return;
    }
    let offset = 0;
    const step = () => {
      fs.write(this.#fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        if (error) {
          if (error.code === 'EAGAIN') {
            setTimeout(step, 5);
            return;
          }
          if (error.code === 'EPIPE') dieOfSigpipe();
          if (this.#fd === STDOUT) stdoutFailed = true;
          callback(new IoError(this.#name, message('write_error'), error));
          return;
        }
        offset += written;
        if (offset < chunk.length) step();
        else callback();
      });
    };
    step();
  }
}

function progressWanted(src, sink, o) {
  if (o.quiet || !(src.size > M.cliProgressThreshold) || !isatty(STDERR)) return false;
  // Do not scribble over data going to the same terminal.
  return !(sink.fd === STDOUT && isatty(STDOUT));
}

// ---------------------------------------------------------------- streaming

// Reads up to `size` bytes into `buffer`; resolves to the count (0 at the
// end), retrying a non-blocking descriptor.
function readSome(fd, buffer, size) {
  return new Promise((resolve, reject) => {
    const attempt = () =>
      fs.read(fd, buffer, 0, size, null, (error, n) => {
        if (error?.code === 'EAGAIN') setTimeout(attempt, 5);
        else if (error) reject(error);
        else resolve(n);
      });
    attempt();
  });
}

// lmzip -l: what the listing has shown so far.
const listing = { files: 0, compressed: 0, uncompressed: 0 };

// Prints the stream's row of the listing (the header before the first),
// with -v its frames' rows under it: the core's StreamScanner walks its
// structure without decoding it.
async function listStream(src, verbose) {
  const scanner = new M.StreamScanner();
  const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  const stage = M._malloc(CHUNK_SIZE);
  try {
    for (;;) {
      let got;
      try {
        got = await readSome(src.fd, buffer, CHUNK_SIZE);
      } catch (error) {
        reportErrno(src.name, message('read_error'), error);
        return false;
      }
      M.HEAPU8.set(buffer.subarray(0, got), stage);
      const status = scanner.push(stage, got, got === 0);
      if (status === ERROR) {
        const { modelId, level } = scanner.info();
        reportError(src.name, M.cliLibraryError(scanner.error(), modelId, 0, level));
        return false;
      }
      if (status !== DONE) continue;
      let trailing = scanner.consumed() < got;
      if (!trailing) trailing = (await readSome(src.fd, buffer, 1).catch(() => 0)) > 0;
      if (trailing) {
        reportError(src.name, message('trailing_data'));
        return false;
      }
      const info = scanner.info();
      if (listing.files++ === 0) writeStdout(M.cliListHeader());
      writeStdout(scanner.listRow(src.name));
      if (verbose) writeStdout(scanner.listFrameRows());
      listing.compressed += info.compressedSize;
      listing.uncompressed += info.originalSize;
      return true;
    }
  } finally {
    M._free(stage);
    scanner.delete();
  }
}

// ---------------------------------------------------------------- threads (-T)

// Reads exactly `size` bytes at `position` (pread); an IoError otherwise.
async function readAt(src, position, size) {
  const buffer = new Uint8Array(size);
  let got = 0;
  while (got < size) {
    const n = await new Promise((resolve, reject) =>
      fs.read(src.fd, buffer, got, size - got, position + got, (error, count) => (error ? reject(error) : resolve(count))),
    );
    if (n === 0) throw new IoError(src.name, message('read_error'), Object.assign(new Error('file changed while read'), { code: 'EIO' }));
    got += n;
  }
  return buffer;
}

// Writes all of `bytes` to the sink (-1: discards, for -t).
function writeAll(sink, bytes) {
  if (sink.fd < 0 || bytes.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let offset = 0;
    const step = () =>
      fs.write(sink.fd, bytes, offset, bytes.length - offset, null, (error, written) => {
        if (error) {
          if (error.code === 'EAGAIN') return setTimeout(step, 5);
          if (error.code === 'EPIPE') dieOfSigpipe();
          if (sink.fd === STDOUT) stdoutFailed = true;
          return reject(new IoError(sink.name, message('write_error'), error));
        }
        offset += written;
        if (offset < bytes.length) step();
        else resolve();
      });
    step();
  });
}

// The frames of a named regular file that ends with a seek table and holds
// nothing else, read from its end; null for anything else (which streams).
async function framesOfFile(src) {
  const FOOTER = 12; // lmzip::kSeekFooterSize
  if (src.fd === STDIN || !(src.size >= FOOTER)) return null;
  const footer = await readAt(src, src.size - FOOTER, FOOTER).catch(() => null);
  if (!footer) return null;
  const at = M._malloc(FOOTER);
  let tableSize;
  try {
    M.HEAPU8.set(footer, at);
    tableSize = M.seekTableSize(at);
  } finally {
    M._free(at);
  }
  if (tableSize === 0 || tableSize > src.size) return null;
  const table = await readAt(src, src.size - tableSize, tableSize).catch(() => null);
  if (!table) return null;
  const tat = M._malloc(tableSize);
  let result;
  try {
    M.HEAPU8.set(table, tat);
    result = M.readSeekTable(tat, tableSize, src.size);
  } finally {
    M._free(tat);
  }
  // A damaged table: the streaming decoder says what is wrong.
  if (result.error !== 0 || result.frames[0].compressedOffset !== 0) return null;
  return result.frames;
}

// -T N (N != 1): a regular file of more than one frame compressed N frames
// at once, in worker threads (the bytes of one thread: the frames are the
// core's, joined in order); its frames read with pread, so that memory
// stays bounded by N frames. Decompression likewise for a file that ends
// with a seek table. Resolves to {bytesIn, bytesOut}, or null when the
// input is not such a file (it then streams, on this thread).
async function runParallel(src, sink, o, progress) {
  if (o.mode === 'compress') {
    const frameSize = o.frameSize;
    if (src.fd === STDIN || src.size === undefined || frameSize === 0 || src.size <= frameSize) return null;
    const count = Math.ceil(src.size / frameSize);
    let bytesIn = 0;
    let bytesOut = 0;
    await hooks.compressFrames({
      level: o.level,
      size: src.size,
      frameSize,
      threads: o.threads,
      count,
      framed: true,
      input: (k) => readAt(src, k * frameSize, Math.min(frameSize, src.size - k * frameSize)),
      write: async (bytes) => {
        await writeAll(sink, bytes);
        bytesOut += bytes.length;
      },
      onFrame: (entry) => {
        bytesIn += entry.originalSize;
        progress.update(bytesIn, bytesIn);
      },
    });
    return { bytesIn, bytesOut };
  }
  const frames = await framesOfFile(src);
  if (!frames) return null;
  const head = await readAt(src, 0, Math.min(src.size, 64));
  const at = M._malloc(head.length);
  let header;
  try {
    M.HEAPU8.set(head, at);
    header = M.peekHeader(at, head.length);
  } finally {
    M._free(at);
  }
  let bytesIn = 0;
  let bytesOut = 0;
  try {
    await hooks.decompressFrames({
      frames,
      threads: o.threads,
      header,
      maxOutput: o.maxOutput ?? Infinity,
      input: (k) => readAt(src, frames[k].compressedOffset, frames[k].compressedSize),
      write: async (bytes, k) => {
        await writeAll(sink, bytes);
        bytesIn = frames[k].compressedOffset + frames[k].compressedSize;
        bytesOut += bytes.length;
        progress.update(bytesIn, bytesOut);
      },
    });
  } catch (error) {
    if (error instanceof LmzipError && error.level === undefined && header.error === 0) error.level = header.level;
    throw error;
  }
  return { bytesIn: src.size, bytesOut };
}

// Runs the stream for the mode; prints the -v line on success.
async function runStream(src, sink, o) {
  if (o.mode === 'list') return listStream(src, o.verbose);
  const start = Date.now();
  const compressing = o.mode === 'compress';
  const progress = new Progress(src.name, src.size, progressWanted(src, sink, o));
  let counts = { bytesIn: 0, bytesOut: 0 };
  if (o.threads !== 1) {
    currentProgress = progress;
    let parallel;
    try {
      parallel = await runParallel(src, sink, o, progress);
    } catch (error) {
      if (error instanceof IoError) reportErrno(error.fileName, error.what, error.cause);
      else if (error instanceof LmzipError) reportLibrary(src.name, error, o);
      else reportError(src.name, String(error?.message ?? error));
      return false;
    } finally {
      progress.clear();
      currentProgress = null;
    }
    if (parallel) return verboseLine(src, o, start, compressing, parallel);
  }
  const onProgress = (p) => {
    counts = p;
    // pos: input consumed; speed: uncompressed bytes.
    progress.update(p.bytesIn, compressing ? p.bytesIn : p.bytesOut);
  };
  const transform = compressing
    ? createCompress({ level: o.level, size: src.size, frameSize: o.frameSize, onProgress })
    : createDecompress({ maxOutputLength: o.maxOutput, onProgress });
  currentProgress = progress;
  try {
    await pipeline(
      new FdSource(src.fd, src.name, compressing ? CHUNK_SIZE : DECODE_CHUNK_SIZE),
      transform,
      new FdSink(sink.fd, sink.name),
    );
  } catch (error) {
    if (error instanceof IoError) {
      reportErrno(error.fileName, error.what, error.cause);
    } else if (error instanceof LmzipError && error.trailingData) {
      reportError(src.name, message('trailing_data'));
    } else if (error instanceof LmzipError) {
      reportLibrary(src.name, error, o);
    } else {
      reportError(src.name, String(error?.message ?? error));
    }
    return false;
  } finally {
    progress.clear();
    currentProgress = null;
  }
  return verboseLine(src, o, start, compressing, counts);
}

// The -v line of a stream that went well; true.
function verboseLine(src, o, start, compressing, counts) {
  if (!o.verbose) return true;
  const secs = (Date.now() - start) / 1000;
  const uncompressed = compressing ? counts.bytesIn : counts.bytesOut;
  const compressed = compressing ? counts.bytesOut : counts.bytesIn;
  writeStderr(`${M.cliVerboseLine(src.name, o.mode, uncompressed, compressed, secs)}\n`);
  return true;
}

// ---------------------------------------------------------------- files

async function processStdin(o) {
  const src = { fd: STDIN, name: '(stdin)', size: undefined };
  try {
    const st = fs.fstatSync(STDIN);
    if (st.isFile()) src.size = st.size; // the read position is not known here
  } catch {
    // size unknown
  }
  await runStream(src, { fd: o.mode === 'test' ? -1 : STDOUT, name: '(stdout)' }, o);
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;

// Gives the output the input's owner (when allowed), mode and times.
function copyMetadata(fd, st, target, o) {
  let mode = Number(st.mode) & 0o7777;
  try {
    fs.fchownSync(fd, Number(st.uid), Number(st.gid));
  } catch {
    mode &= ~(S_ISUID | S_ISGID);
    try {
      fs.fchownSync(fd, -1, Number(st.gid));
    } catch {
      mode &= ~S_ISGID;
    }
  }
  try {
    fs.fchmodSync(fd, mode);
  } catch (error) {
    reportWarning(target, withErrno(message('cannot_set_mode'), error), o);
  }
  const seconds = (ns) => Number(ns / 1000000000n) + Number(ns % 1000000000n) / 1e9;
  try {
    fs.futimesSync(fd, seconds(st.atimeNs), seconds(st.mtimeNs));
  } catch (error) {
    reportWarning(target, withErrno(message('cannot_set_times'), error), o);
  }
}

// The temporary output's name in the target's directory: this and 6
// random characters (as the native CLI's mkstemp template .lmzXXXXXX).
const TEMP_PREFIX = '.lmz';
const TEMP_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// mkstemp(): `prefix` + 6 random characters, created exclusively, mode 0600.
function makeTemp(prefix) {
  for (let attempt = 0; ; ++attempt) {
    let name = prefix;
    for (let i = 0; i < 6; ++i) name += TEMP_CHARS[Math.floor(Math.random() * TEMP_CHARS.length)];
    try {
      const { O_RDWR, O_CREAT, O_EXCL, O_CLOEXEC = 0 } = fs.constants;
      return { fd: fs.openSync(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600), path: name };
    } catch (error) {
      if (error.code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}

// Moves the finished temporary file to `target`; throws the system error
// (EEXIST: the target exists). Unless `replace`, an existing target is never
// replaced, not even one created while the output was being written (the
// lstat check before is only a shortcut): Node has no renameat2, so link()
// (which never replaces) and unlink(); where the file system has no hard
// links, the name claimed with O_EXCL, then renamed over.
function placeOutput(temp, target, replace) {
  if (replace) {
    fs.renameSync(temp, target);
    return;
  }
  try {
    fs.linkSync(temp, target);
    try {
      fs.unlinkSync(temp);
    } catch {
      // the output is in place; a second name is all that is left
    }
    return;
  } catch (error) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(error.code)) throw error;
  }
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW = 0 } = fs.constants;
  fs.closeSync(fs.openSync(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600));
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.unlinkSync(target);
    } catch {
      // already gone
    }
    throw error;
  }
}

function closeQuietly(fd) {
  try {
    fs.closeSync(fd);
  } catch {
    // nothing to do
  }
}

// FILE.lmz: a name that decompresses to FILE (the bare ".lmz" does not).
function hasLmzipName(path) {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.endsWith(M.cliSuffix) && base.length > M.cliSuffix.length;
}

async function processFile(path, o) {
  if (path === '-') {
    await processStdin(o);
    return;
  }
  const toFile = o.mode !== 'test' && o.mode !== 'list' && !o.toStdout;
  const SUFFIX = M.cliSuffix;

  let target = '';
  if (toFile) {
    if (o.mode === 'decompress') {
      // A skipped file, like every other: a warning (gzip's status 2).
      if (!hasLmzipName(path)) {
        reportWarning(path, message('unknown_suffix'), o);
        return;
      }
      target = path.slice(0, path.length - SUFFIX.length);
    } else {
      target = path + SUFFIX;
    }
  }

  let st;
  try {
    st = fs.lstatSync(path);
  } catch (error) {
    reportErrno(path, '', error);
    return;
  }
  if (st.isSymbolicLink()) {
    if (toFile && !o.force) {
      reportWarning(path, message('symbolic_link'), o);
      return;
    }
    try {
      st = fs.statSync(path);
    } catch (error) {
      reportErrno(path, '', error);
      return;
    }
  }
  if (st.isDirectory()) {
    reportWarning(path, message('directory'), o);
    return;
  }
  if (!st.isFile() && toFile) {
    reportWarning(path, message('not_regular_file'), o);
    return;
  }
  if (toFile && o.mode === 'compress' && path.endsWith(SUFFIX) && !o.force) {
    reportWarning(path, message('has_suffix'), o);
    return;
  }
  if (toFile && !o.keep && !o.force && st.nlink > 1) {
    reportWarning(path, message('other_links', { count: String(st.nlink - 1) }), o);
    return;
  }
  if (toFile && !o.force) {
    let exists = true;
    try {
      fs.lstatSync(target);
    } catch {
      exists = false;
    }
    if (exists) {
      reportError(target, message('exists'));
      return;
    }
  }

  let inFd;
  try {
    inFd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NOCTTY ?? 0));
  } catch (error) {
    reportErrno(path, '', error);
    return;
  }
  try {
    st = fs.fstatSync(inFd, { bigint: true });
  } catch (error) {
    reportErrno(path, '', error);
    closeQuietly(inFd);
    return;
  }
  if (toFile && !st.isFile()) {
    // changed since lstat
    reportWarning(path, message('not_regular_file'), o);
    closeQuietly(inFd);
    return;
  }
  const src = { fd: inFd, name: path, size: st.isFile() ? Number(st.size) : undefined };

  if (!toFile) {
    await runStream(src, { fd: o.mode === 'test' ? -1 : STDOUT, name: '(stdout)' }, o);
    closeQuietly(inFd);
    return;
  }

  // Write beside the target, move into place only when all went well. The
  // temporary name is short and fixed-length (not the target's name plus a
  // suffix), so that any target name that fits NAME_MAX can be written.
  let out;
  try {
    out = makeTemp(`${target.slice(0, target.lastIndexOf('/') + 1)}${TEMP_PREFIX}`);
  } catch (error) {
    reportErrno(target, message('cannot_create'), error);
    closeQuietly(inFd);
    return;
  }
  tempPath = out.path;
  const discard = () => {
    try {
      fs.unlinkSync(out.path);
    } catch {
      // already gone
    }
    tempPath = null;
  };

  let ok = await runStream(src, { fd: out.fd, name: target }, o);
  closeQuietly(inFd);
  if (ok) copyMetadata(out.fd, st, target, o);
  try {
    fs.closeSync(out.fd);
  } catch (error) {
    if (ok) {
      reportErrno(target, message('write_error'), error);
      ok = false;
    }
  }
  if (!ok) {
    discard();
    return;
  }
  try {
    placeOutput(out.path, target, o.force);
  } catch (error) {
    if (error.code === 'EEXIST' && !o.force) reportError(target, message('exists'));
    else reportErrno(target, message('cannot_rename'), error);
    discard();
    return;
  }
  tempPath = null;
  if (!o.keep) {
    try {
      fs.unlinkSync(path);
    } catch (error) {
      reportWarning(path, withErrno(message('cannot_remove'), error), o);
    }
  }
}

// lmzip -r: an entry found in a directory, as in the native CLI. Directories
// are walked (never through a symbolic link: no loops, nothing outside the
// tree); a symbolic link is what it would be on the command line (skipped
// without -f); devices, FIFOs and sockets are skipped, so that a FIFO
// cannot block -c or -t. Decompressing, testing and listing take only the
// FILE.lmz files, as gzip -r does: the others are no concern of the run.
async function processEntry(path, o) {
  let st;
  try {
    st = fs.lstatSync(path);
  } catch (error) {
    reportErrno(path, '', error);
    return;
  }
  if (st.isDirectory()) {
    await processDirectory(path, o);
    return;
  }
  if (o.mode !== 'compress' && !hasLmzipName(path)) return;
  if (!st.isFile() && !st.isSymbolicLink()) {
    reportWarning(path, message('not_regular_file'), o);
    return;
  }
  await processFile(path, o);
}

// Every entry of `dir` in the byte order of their (UTF-8) names, as the
// native CLI sorts them, listed before the first is processed, so that the
// outputs written meanwhile are not visited.
async function processDirectory(dir, o) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    reportErrno(dir, '', error);
    return;
  }
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  for (const name of names) {
    if (stdoutFailed) return;
    await processEntry(prefix + name, o);
  }
}

// A command-line argument: with -r a directory is walked, anything else
// (a symbolic link to a directory included) is a file.
async function processArgument(path, o) {
  if (o.recursive && path !== '-') {
    let directory = false;
    try {
      directory = fs.lstatSync(path).isDirectory();
    } catch {
      // processFile reports it
    }
    if (directory) {
      await processDirectory(path, o);
      return;
    }
  }
  await processFile(path, o);
}

// ---------------------------------------------------------------- models

// The levels through which each model slot of the level table is loaded:
// the first level of each slot.
function slotLevels() {
  const seen = new Map();
  for (const row of levels()) if (row.model !== 'none' && !seen.has(row.model)) seen.set(row.model, row);
  return [...seen.values()];
}

// Loads the --model file where the chosen mode looks for a model: the
// compression level's slot (any slot, only to check the file, at a level
// without a model), or (to decompress) every slot, so that only this model
// decodes, as in the native CLI. False (reported) if it is unusable.
async function useModelFile(o) {
  const max = M.cliMaxModelFileBytes;
  const unusable = (why) => {
    reportError(o.modelPath, message('bad_model_file', { why }));
    return false;
  };
  const chunks = [];
  let size = 0;
  let fd;
  try {
    fd = fs.openSync(o.modelPath, 'r');
  } catch (error) {
    return unusable(withErrno(message('model_cannot_open'), error));
  }
  try {
    for (let got; size <= max; size += got) {
      const chunk = Buffer.alloc(1 << 16);
      got = fs.readSync(fd, chunk);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
    }
  } catch (error) {
    return unusable(withErrno(message('read_error'), error));
  } finally {
    fs.closeSync(fd);
  }
  if (size > max) return unusable(message('model_too_large'));
  const bytes = Buffer.concat(chunks);
  const targets = o.mode !== 'compress' ? slotLevels().map((row) => row.level)
    : [levelUsesModel(o.level) ? o.level : slotLevels()[0].level];
  try {
    for (const level of targets) o.modelId = (await loadModel(bytes, { level })).modelId;
  } catch (error) {
    if (!(error instanceof LmzipError) || error.detail === undefined) throw error;
    return unusable(error.detail);
  }
  return true;
}

// The package's own models, loaded only when the run needs them (--help,
// --levels, -l and the levels without a model need none): compression the
// level's, decompression and -t every slot's, for the stream says which.
// False (reported) if a file cannot be read.
async function usePackagedModels(o) {
  let rows = [];
  if (o.mode === 'compress') {
    const slot = levels().find((row) => row.level === o.level)?.model;
    rows = slotLevels().filter((row) => row.model === slot);
  } else if (o.mode !== 'list') {
    rows = slotLevels();
  }
  for (const row of rows) {
    const url = new URL(`../dist/${row.modelFile}`, import.meta.url);
    let bytes;
    try {
      bytes = fs.readFileSync(url);
    } catch (error) {
      reportErrno(url.pathname, message('model_cannot_open'), error);
      return false;
    }
    await loadModel(bytes, { level: row.level });
  }
  return true;
}

async function main(argv) {
  try {
    // The models come later, when the run needs them.
    await init({ model: null, largeModel: null, smallModel: null });
    M = nativeModule();
  } catch (error) {
    writeStderr(`lmzip: cannot load the WebAssembly module: ${error?.message ?? error}\n`);
    return 1;
  }
  errorCodes = new Map(M.errorList().map((entry) => [entry.name, entry.code]));
  const invocation = M.cliParseArgs(argv, packageVersion());
  if (invocation.action === 'print') {
    writeStdout(invocation.text);
    return 0;
  }
  if (invocation.action === 'usage_error') {
    writeStderr(invocation.text);
    return 1;
  }
  const parsed = invocation.options;
  const o = {
    ...parsed, // mode ('compress' | 'decompress' | 'test' | 'list'), toStdout, keep, force, verbose, quiet, level
    // -1: no limit; beyond 2^53 bytes no stream can reach the limit either.
    maxOutput: parsed.maxOutput >= 0 && parsed.maxOutput <= Number.MAX_SAFE_INTEGER ? parsed.maxOutput : undefined,
    modelId: undefined, // the --model file's id once loaded
  };
  const files = invocation.files;
  if (o.modelPath !== null) {
    if (!(await useModelFile(o))) return 1;
  } else if (!(await usePackagedModels(o))) {
    return 1;
  }

  const usesStdin = files.length === 0 || files.includes('-');
  const writesStdout = o.mode === 'compress' && (o.toStdout || usesStdin);
  if (o.mode === 'compress' && writesStdout && !o.force && isatty(STDOUT)) {
    writeStderr(`${M.cliProgram}: ${message('not_to_terminal')}\n`);
    return 1;
  }
  if (o.mode !== 'compress' && usesStdin && !o.force && isatty(STDIN)) {
    writeStderr(`${M.cliProgram}: ${message('not_from_terminal')}\n`);
    return 1;
  }

  installSignalHandlers();
  if (files.length === 0) {
    await processStdin(o);
  } else {
    for (const f of files) {
      if (stdoutFailed) break;
      await processArgument(f, o);
    }
  }
  if (listing.files > 1) writeStdout(M.cliListTotals(listing.files, listing.compressed, listing.uncompressed));
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    clearProgress();
    writeStderr(`lmzip: internal error: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
