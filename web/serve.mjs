// A tiny static server for the demo: serves web/ (the page, and build/ with
// the bundled worker, the .wasm modules and the model) on localhost only.
//
//   node web/serve.mjs [PORT]     (or PORT=... ; default 8080; 0 = any free port)
//
// It runs build.mjs first, so the page always uses the current npm/dist/.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_DIR, build } from './build.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.lmzm': 'application/octet-stream',
  '.lmz': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

// Paths under web/ that are not part of the site.
const HIDDEN = /(^|\/)(node_modules|test|test-output)(\/|$)|(^|\/)\.|^(package(-lock)?\.json|serve\.mjs|build\.mjs)$/;

function resolvePath(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path.endsWith('/')) path += 'index.html';
  const relative = normalize(path).replace(/^([/\\])+/, '');
  if (relative.startsWith('..') || HIDDEN.test(relative.split(sep).join('/'))) return null;
  const file = join(WEB_DIR, relative);
  if (!file.startsWith(WEB_DIR + sep)) return null;
  return file;
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/**
 * Starts the server on 127.0.0.1.
 * @param {{port?: number, quiet?: boolean}} [options]
 * @returns {Promise<{server: import('node:http').Server, url: string}>}
 */
export async function startServer({ port = 8080, quiet = false } = {}) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    const url = new URL(req.url, 'http://localhost');
    const file = resolvePath(url.pathname);
    if (!file) return send(res, 404, 'not found\n');
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return send(res, 404, 'not found\n');
    }
    if (stat.isDirectory()) {
      res.writeHead(301, { Location: url.pathname + '/' });
      return res.end();
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-cache', // a development server: always revalidate
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  if (!quiet) console.log(`lmzip demo: ${url}  (Ctrl+C stops)`);
  return { server, url };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] || process.env.PORT || '8080';
  const port = Number(arg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: bad port ${arg}`);
    process.exit(2);
  }
  try {
    await build();
    await startServer({ port });
  } catch (error) {
    console.error(error.code === 'EADDRINUSE' ? `serve.mjs: port ${port} is in use (try: PORT=8081)` : error.message);
    process.exit(1);
  }
}
