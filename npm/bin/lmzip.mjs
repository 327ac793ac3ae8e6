#!/usr/bin/env node
// lmzip — the command-line tool of the npm package. It mirrors the native
// CLI (src/cli/main.cpp): the same flags, messages, exit statuses and file
// handling. It is a thin shell over the package's Node streams
// (createCompress/createDecompress): it reads and writes in bounded chunks and
// adds no compression logic of its own.
//
//   lmzip FILE...        compress each FILE to FILE.lmz, remove FILE
//   lmzip -d FILE.lmz... decompress to FILE, remove FILE.lmz
//   lmzip                stdin -> stdout
//
// Exit status (as gzip): 0 ok, 1 error, 2 warning (e.g. a skipped file).

import fs from 'node:fs';
import { isatty } from 'node:tty';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getSystemErrorMap } from 'node:util';
import {
  init, constants, createCompress, createDecompress, levelUsesModel, loadModel, LmzipError,
} from '../lib/node.mjs';

const PROGRAM = 'lmzip';
const SUFFIX = '.lmz';
const CHUNK_SIZE = 256 << 10; // input and output chunks
// Compressed input is fed in smaller pieces: the library decodes a whole
// piece per call and holds its output, which can be ~2800 times larger (a
// stream of zeros), so this bounds the memory that one call can take.
const DECODE_CHUNK_SIZE = 16 << 10;
const PROGRESS_THRESHOLD = 4000000; // bytes (4 MB)
const PROGRESS_INTERVAL_MS = 100;
// A --model file is read whole; the largest valid one (hidden 1024) is ~5 MB,
// so this only stops endless inputs (/dev/zero, a pipe).
const MAX_MODEL_FILE_BYTES = 16 << 20;
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;

// Set by main() from the core's constants once the module is loaded.
let K = { minLevel: 1, maxLevel: 9, defaultLevel: 6, formatVersion: 1 };

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

function reportError(name, cause) {
  clearProgress();
  writeStderr(`${PROGRAM}: ${name}: ${cause}\n`);
  setStatus(1);
}

// strerror() texts (glibc) for the errors a file tool meets; libuv's own
// description, capitalised, for any other.
const STRERROR = {
  EACCES: 'Permission denied',
  EAGAIN: 'Resource temporarily unavailable',
  EBADF: 'Bad file descriptor',
  EBUSY: 'Device or resource busy',
  EDQUOT: 'Disk quota exceeded',
  EEXIST: 'File exists',
  EFBIG: 'File too large',
  EINVAL: 'Invalid argument',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  EMFILE: 'Too many open files',
  ENAMETOOLONG: 'File name too long',
  ENFILE: 'Too many open files in system',
  ENODEV: 'No such device',
  ENOENT: 'No such file or directory',
  ENOMEM: 'Cannot allocate memory',
  ENOSPC: 'No space left on device',
  ENOTDIR: 'Not a directory',
  ENXIO: 'No such device or address',
  EPERM: 'Operation not permitted',
  EPIPE: 'Broken pipe',
  EROFS: 'Read-only file system',
  ETXTBSY: 'Text file busy',
  EXDEV: 'Invalid cross-device link',
};

function strerror(error) {
  const code = error?.code;
  if (code && STRERROR[code]) return STRERROR[code];
  const entry = typeof error?.errno === 'number' ? getSystemErrorMap().get(error.errno) : undefined;
  if (entry) return entry[1].charAt(0).toUpperCase() + entry[1].slice(1);
  return String(error?.message ?? error);
}

// `what` may be empty: then the cause is the errno text alone.
function reportErrno(name, what, error) {
  reportError(name, (what ? `${what}: ` : '') + strerror(error));
}

const hex32 = (id) => id.toString(16).padStart(8, '0');

// `o.modelId`: the --model file's id, if one was given.
function reportLibrary(name, error, o) {
  let message = error.message.startsWith(`${PROGRAM}: `)
    ? error.message.slice(PROGRAM.length + 2)
    : error.message;
  if (error.modelNeeded && o.modelId !== undefined) {
    message = message.replace(/ \(the data needs model .*\)$/, '') +
      `: the data needs model ${hex32(error.modelNeeded)}, the --model file is ${hex32(o.modelId)}`;
  }
  reportError(name, `${message} (${error.code})`);
}

function reportWarning(name, cause, o) {
  if (!o.quiet) {
    clearProgress();
    writeStderr(`${PROGRAM}: ${name}: ${cause}\n`);
  }
  setStatus(2);
}

function usageError(message) {
  writeStderr(`${PROGRAM}: ${message}\nTry '${PROGRAM} --help' for more information.\n`);
}

// ---------------------------------------------------------------- progress

// One status line on stderr ("name: 42%  1.23 MB/s"), redrawn at most every
// 100 ms and erased when done.
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
    // Keep the line short enough not to wrap (which would defeat '\r').
    this.#name = name.length > 40 ? `...${name.slice(name.length - 37)}` : name;
  }

  // `pos`: input bytes consumed (of total); `bytes`: uncompressed bytes so
  // far, for the speed.
  update(pos, bytes) {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < PROGRESS_INTERVAL_MS) return;
    this.#last = now;
    const secs = (now - this.#start) / 1000;
    const mbs = secs > 0 ? bytes / 1e6 / secs : 0;
    const percent = this.#total ? Math.min(100, Math.floor((pos * 100) / this.#total)) : 0;
    const line = `${this.#name}: ${String(percent).padStart(3)}%  ${mbs.toFixed(2)} MB/s`;
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
let tempPath = null;

function installSignalHandlers() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
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
        this.destroy(new IoError(this.#name, 'read error', error));
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
          callback(new IoError(this.#name, 'write error', error));
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
  if (o.quiet || src.size <= PROGRESS_THRESHOLD || !isatty(STDERR)) return false;
  // Do not scribble over data going to the same terminal.
  return !(sink.fd === STDOUT && isatty(STDOUT));
}

// ---------------------------------------------------------------- streaming

// Runs the stream for the mode; prints the -v line on success.
async function runStream(src, sink, o) {
  const start = Date.now();
  const compressing = o.mode === 'compress';
  const progress = new Progress(src.name, src.size, progressWanted(src, sink, o));
  let counts = { bytesIn: 0, bytesOut: 0 };
  const onProgress = (p) => {
    counts = p;
    // pos: input consumed; speed: uncompressed bytes.
    progress.update(p.bytesIn, compressing ? p.bytesIn : p.bytesOut);
  };
  const transform = compressing
    ? createCompress({ level: o.level, onProgress })
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
    } else if (
      error instanceof LmzipError &&
      error.message === 'lmzip: data after the end of the compressed stream'
    ) {
      reportError(src.name, 'trailing data after lmzip stream');
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
  if (!o.verbose) return true;
  const secs = (Date.now() - start) / 1000;
  const uncompressed = compressing ? counts.bytesIn : counts.bytesOut;
  const compressed = compressing ? counts.bytesOut : counts.bytesIn;
  let line = `${src.name}: ${compressing ? uncompressed : compressed} -> ${
    compressing ? compressed : uncompressed
  } bytes, `;
  if (uncompressed > 0 && compressed > 0) {
    line += `${(uncompressed / compressed).toFixed(2)}:1, ${((8 * compressed) / uncompressed).toFixed(3)} bits/byte, `;
  } else {
    line += 'n/a:1, n/a bits/byte, ';
  }
  const mbs = secs > 0 ? uncompressed / 1e6 / secs : 0;
  line += `${mbs.toFixed(2)} MB/s, ${secs.toFixed(2)} s${o.mode === 'test' ? ', OK' : ''}`;
  writeStderr(`${line}\n`);
  return true;
}

// ---------------------------------------------------------------- files

async function processStdin(o) {
  const src = { fd: STDIN, name: '(stdin)', size: 0 };
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
    reportWarning(target, `cannot set mode: ${strerror(error)}`, o);
  }
  const seconds = (ns) => Number(ns / 1000000000n) + Number(ns % 1000000000n) / 1e9;
  try {
    fs.futimesSync(fd, seconds(st.atimeNs), seconds(st.mtimeNs));
  } catch (error) {
    reportWarning(target, `cannot set times: ${strerror(error)}`, o);
  }
}

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

function closeQuietly(fd) {
  try {
    fs.closeSync(fd);
  } catch {
    // nothing to do
  }
}

async function processFile(path, o) {
  if (path === '-') {
    await processStdin(o);
    return;
  }
  const toFile = o.mode !== 'test' && !o.toStdout;

  let target = '';
  if (toFile) {
    if (o.mode === 'decompress') {
      const base = path.slice(path.lastIndexOf('/') + 1);
      if (!base.endsWith(SUFFIX) || base.length === SUFFIX.length) {
        reportError(path, `unknown suffix (expected ${SUFFIX}) -- ignored`);
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
      reportWarning(path, 'is a symbolic link -- ignored (use -f to follow it)', o);
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
    reportWarning(path, 'is a directory -- ignored', o);
    return;
  }
  if (!st.isFile() && toFile) {
    reportWarning(path, 'is not a regular file -- ignored', o);
    return;
  }
  if (toFile && o.mode === 'compress' && path.endsWith(SUFFIX) && !o.force) {
    reportWarning(path, `already has ${SUFFIX} suffix -- unchanged`, o);
    return;
  }
  if (toFile && !o.keep && !o.force && st.nlink > 1) {
    reportWarning(path, `has ${st.nlink - 1} other link(s) -- unchanged (use -k or -f)`, o);
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
      reportError(target, 'already exists; not overwritten (use -f to overwrite)');
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
    reportWarning(path, 'is not a regular file -- ignored', o);
    closeQuietly(inFd);
    return;
  }
  const src = { fd: inFd, name: path, size: st.isFile() ? Number(st.size) : 0 };

  if (!toFile) {
    await runStream(src, { fd: o.mode === 'test' ? -1 : STDOUT, name: '(stdout)' }, o);
    closeQuietly(inFd);
    return;
  }

  // Write beside the target, rename into place only when all went well.
  let out;
  try {
    out = makeTemp(`${target}.tmp.`);
  } catch (error) {
    reportErrno(target, 'cannot create output file', error);
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
      reportErrno(target, 'write error', error);
      ok = false;
    }
  }
  if (!ok) {
    discard();
    return;
  }
  try {
    fs.renameSync(out.path, target);
  } catch (error) {
    reportErrno(target, 'cannot rename temporary file into place', error);
    discard();
    return;
  }
  tempPath = null;
  if (!o.keep) {
    try {
      fs.unlinkSync(path);
    } catch (error) {
      reportWarning(path, `cannot remove input: ${strerror(error)}`, o);
    }
  }
}

// ---------------------------------------------------------------- arguments

function printHelp() {
  writeStdout(
    `Usage: ${PROGRAM} [OPTION]... [FILE]...\n` +
      'Compress or decompress FILEs with lmzip (context mixing; by default in place:\n' +
      'FILE becomes FILE.lmz). With no FILE, or when FILE is -, read standard input.\n' +
      '\n' +
      '  -d, --decompress    decompress (FILE.lmz -> FILE)\n' +
      '  -c, --stdout        write to standard output, keep input files\n' +
      '  -t, --test          decompress and verify, write nothing\n' +
      "  -k, --keep          keep (don't delete) input files\n" +
      '  -f, --force         overwrite existing output files; compress to a terminal;\n' +
      '                      follow symbolic links; compress files with .lmz suffix\n' +
      `  -${K.minLevel} ... -${K.maxLevel}           level: -${K.minLevel} fastest, -${K.maxLevel} best (default ${K.defaultLevel})\n` +
      '      --level=N       the same as -N\n' +
      `      --fast, --best  the same as -${K.minLevel} and -${K.maxLevel}\n` +
      '      --max-output=N  decompression fails beyond N bytes of output per file\n' +
      '                      (suffixes K, M, G, T: powers of 1024)\n' +
      '      --model=FILE    neural model file (.lmzm) instead of the built-in ones:\n' +
      '                      compress levels 3-9 with it; decompress data made with it\n' +
      '  -v, --verbose       print sizes, ratio, bits/byte and speed for each file\n' +
      '  -q, --quiet         suppress warnings and the progress bar\n' +
      '  -h, --help          show this help and exit\n' +
      '  -V, --version       show the version and exit\n' +
      '\n' +
      'Exit status: 0 success, 1 error, 2 warning (e.g. a file was skipped).\n',
  );
}

function printVersion() {
  writeStdout(
    `${PROGRAM} ${packageVersion()} (format version ${K.formatVersion}, levels ${K.minLevel}-${K.maxLevel})\n`,
  );
}

function isLevelDigit(c) {
  return c.length === 1 && c >= String(K.minLevel) && c <= String(K.maxLevel);
}

// Decimal number with an optional K/M/G/T suffix (powers of 1024; "KiB",
// "KB" and "k" accepted too). Returns a BigInt, or null when invalid or
// beyond 2^64 - 1 (as the native tool).
function parseSize(s) {
  const m = /^([0-9]+)(?:([kKmMgGtT])(B|iB)?)?$/.exec(s);
  if (!m) return null;
  const shift = { k: 10n, m: 20n, g: 30n, t: 40n }[m[2]?.toLowerCase()] ?? 0n;
  const value = BigInt(m[1]) << shift;
  return value > 0xffffffffffffffffn ? null : value;
}

function parseArgs(argv, o, files) {
  let optionsDone = false;
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (optionsDone || arg.length < 2 || arg[0] !== '-') {
      files.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsDone = true;
      continue;
    }
    if (arg.startsWith('--')) {
      let name = arg.slice(2);
      let value = '';
      let hasValue = false;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
        hasValue = true;
      }
      if (name === 'level' || name === 'max-output' || name === 'model') {
        if (!hasValue) {
          if (i + 1 >= argv.length) {
            usageError(`option '--${name}' requires an argument`);
            return 'exit_error';
          }
          value = argv[++i];
        }
        if (name === 'model') {
          o.modelPath = value;
        } else if (name === 'level') {
          if (!isLevelDigit(value)) {
            usageError(`invalid level '${value}' (must be ${K.minLevel}..${K.maxLevel})`);
            return 'exit_error';
          }
          o.level = Number(value);
        } else {
          const size = parseSize(value);
          if (size === null) {
            usageError(`invalid size '${value}' for --max-output`);
            return 'exit_error';
          }
          // Beyond 2^53 bytes no stream can reach the limit: no limit.
          o.maxOutput = size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : undefined;
        }
        continue;
      }
      if (hasValue) {
        usageError(`option '--${name}' doesn't allow an argument`);
        return 'exit_error';
      }
      if (name === 'decompress' || name === 'uncompress') o.mode = 'decompress';
      else if (name === 'stdout' || name === 'to-stdout') o.toStdout = true;
      else if (name === 'test') o.mode = 'test';
      else if (name === 'keep') o.keep = true;
      else if (name === 'force') o.force = true;
      else if (name === 'fast') o.level = K.minLevel;
      else if (name === 'best') o.level = K.maxLevel;
      else if (name === 'verbose') {
        o.verbose = true;
        o.quiet = false;
      } else if (name === 'quiet' || name === 'silent') {
        o.quiet = true;
        o.verbose = false;
      } else if (name === 'help') {
        printHelp();
        return 'exit_ok';
      } else if (name === 'version') {
        printVersion();
        return 'exit_ok';
      } else {
        usageError(`unrecognized option '${arg}'`);
        return 'exit_error';
      }
      continue;
    }
    for (const c of arg.slice(1)) {
      // a cluster of short flags: -dkc, -9v
      switch (c) {
        case 'd': o.mode = 'decompress'; break;
        case 'c': o.toStdout = true; break;
        case 't': o.mode = 'test'; break;
        case 'k': o.keep = true; break;
        case 'f': o.force = true; break;
        case 'v': o.verbose = true; o.quiet = false; break;
        case 'q': o.quiet = true; o.verbose = false; break;
        case 'h': printHelp(); return 'exit_ok';
        case 'V': printVersion(); return 'exit_ok';
        default:
          if (isLevelDigit(c)) {
            o.level = Number(c);
            break;
          }
          usageError(`invalid option -- '${c}'`);
          return 'exit_error';
      }
    }
  }
  return 'ok';
}

// Loads the --model file where the chosen mode looks for a model: the
// compression level's slot, or (to decompress) every slot, so that only this
// model decodes, as in the native CLI. False (reported) if it is unusable.
async function useModelFile(o) {
  const chunks = [];
  let size = 0;
  let fd;
  try {
    fd = fs.openSync(o.modelPath, 'r');
  } catch (error) {
    reportError(o.modelPath, `not a usable model file: cannot open: ${strerror(error)}`);
    return false;
  }
  try {
    for (let got; size <= MAX_MODEL_FILE_BYTES; size += got) {
      const chunk = Buffer.alloc(1 << 16);
      got = fs.readSync(fd, chunk);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
    }
  } catch (error) {
    reportError(o.modelPath, `not a usable model file: read error: ${strerror(error)}`);
    return false;
  } finally {
    fs.closeSync(fd);
  }
  if (size > MAX_MODEL_FILE_BYTES) {
    reportError(o.modelPath, 'not a usable model file: larger than any model file (16 MiB)');
    return false;
  }
  const bytes = Buffer.concat(chunks);
  const levels = o.mode !== 'compress' ? [K.defaultLevel, K.maxLevel]
    : [levelUsesModel(o.level) ? o.level : K.defaultLevel];
  try {
    for (const level of levels) o.modelId = (await loadModel(bytes, { level })).modelId;
  } catch (error) {
    if (!(error instanceof LmzipError)) throw error;
    reportError(o.modelPath, `not a usable model file: ${error.message.replace(/^lmzip: invalid model file: /, '')}`);
    return false;
  }
  return true;
}

async function main(argv) {
  try {
    await init();
    K = constants();
  } catch (error) {
    writeStderr(`${PROGRAM}: cannot load the WebAssembly module: ${error?.message ?? error}\n`);
    return 1;
  }
  const o = {
    mode: 'compress', // 'compress' | 'decompress' | 'test'
    toStdout: false,
    keep: false,
    force: false,
    verbose: false,
    quiet: false,
    level: K.defaultLevel,
    maxOutput: undefined, // no limit
    modelPath: undefined, // --model
    modelId: undefined, // its id once loaded
  };
  const files = [];
  switch (parseArgs(argv, o, files)) {
    case 'exit_ok': return 0;
    case 'exit_error': return 1;
    default: break;
  }
  if (o.modelPath !== undefined && !(await useModelFile(o))) return 1;

  const usesStdin = files.length === 0 || files.includes('-');
  const writesStdout = o.mode !== 'test' && (o.toStdout || usesStdin);
  if (o.mode === 'compress' && writesStdout && !o.force && isatty(STDOUT)) {
    writeStderr(
      `${PROGRAM}: compressed data not written to a terminal. Use -f to force compression.\n` +
        `For help, type: ${PROGRAM} -h\n`,
    );
    return 1;
  }
  if (o.mode !== 'compress' && usesStdin && !o.force && isatty(STDIN)) {
    writeStderr(
      `${PROGRAM}: compressed data not read from a terminal. Use -f to force decompression.\n` +
        `For help, type: ${PROGRAM} -h\n`,
    );
    return 1;
  }

  installSignalHandlers();
  if (files.length === 0) {
    await processStdin(o);
  } else {
    for (const f of files) {
      if (stdoutFailed) break;
      await processFile(f, o);
    }
  }
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    clearProgress();
    writeStderr(`${PROGRAM}: internal error: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
