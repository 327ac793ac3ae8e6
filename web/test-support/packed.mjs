// The npm package as a user gets it, for the tests that run it where
// JavaScript runs (plain pages, strict CSP, module workers, ...): `npm pack`
// of npm/ (or the tarball $LMZIP_PACKAGE_TGZ, e.g. an older release, to see
// a test fail on it), unpacked into node_modules/lmzip of a fresh temporary
// project. The package has no dependencies, so unpacking is what
// `npm install ./lmzip-x.tgz` does; nothing is downloaded.
//
// And a static file server over such a project that logs every response
// (path, status, bytes sent), optionally gzip-encoded as a production
// server would send it, with the headers a test asks for (a CSP, say).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NPM_DIR = join(ROOT, 'npm');

let tarball = null; // this process's `npm pack`, made once

/** The package tarball: $LMZIP_PACKAGE_TGZ, or `npm pack` of npm/ (once per process). */
export function packageTarball() {
  if (process.env.LMZIP_PACKAGE_TGZ) return process.env.LMZIP_PACKAGE_TGZ;
  if (tarball && existsSync(tarball)) return tarball;
  const dir = mkdtempSync(join(tmpdir(), 'lmzip-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: NPM_DIR, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
  tarball = join(dir, filename);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return tarball;
}

/**
 * A fresh project folder with the packed package in node_modules/lmzip and
 * the given files ({'relative/path': text}).
 * @returns {{dir: string, remove(): void}}
 */
export function packedProject(files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lmzip-project-'));
  const pkg = join(dir, 'node_modules', 'lmzip');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', packageTarball(), '-C', pkg, '--strip-components=1']);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
// What a production server compresses (the models are left alone: gzip
// does not shrink them, and servers do not compress octet-streams).
const COMPRESSIBLE = new Set(['.html', '.mjs', '.js', '.wasm', '.json']);

/**
 * Serves `root` on 127.0.0.1. `headers`: sent with every response;
 * `gzip`: compress the compressible types when the client accepts it.
 * `responses` lists each response: {path, status, bytes (as sent), size (of the file)}.
 */
export async function serveStatic(root, { headers = {}, gzip = false } = {}) {
  const responses = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const rel = normalize(path).replace(/^[/\\]+/, '');
    const file = join(root, rel === '' ? 'index.html' : rel);
    const send = (status, type, body, { encoding, size = body.length } = {}) => {
      const head = { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store', ...headers };
      if (encoding) head['Content-Encoding'] = encoding;
      res.writeHead(status, head);
      res.end(body);
      responses.push({ path, status, bytes: body.length, size });
    };
    if (rel.split(sep).includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      return send(404, 'text/plain', Buffer.from('not found'));
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const body = readFileSync(file);
    if (gzip && COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      return send(200, type, zlib.gzipSync(body, { level: 9 }), { encoding: 'gzip', size: body.length });
    }
    send(200, type, body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    responses,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
