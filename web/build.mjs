// Builds the demo's browser files into web/build/ from the npm package:
//   worker.js        the Web Worker: web/worker.mjs with the package's browser
//                    entry (npm/lib/lmzip.mjs) bundled in by esbuild
//   lmzip-simd.wasm, lmzip-scalar.wasm, default.lmzm   copied from npm/dist/
//   manifest.json    sizes and SHA-256 of those files (the model cache key)
// The page (index.html, app.mjs, heatmap.mjs) is served as written.
//
//   node web/build.mjs        (serve.mjs and the tests call build() themselves)
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = here;
export const NPM_DIR = join(here, '..', 'npm');
export const BUILD_DIR = join(here, 'build');
const DIST = join(NPM_DIR, 'dist');
const LEVEL_MODELS = ['default.lmzm', 'large.lmzm', 'small.lmzm'];
// Models no level writes with, kept so that older streams decode (the
// manifest marks them `kept`; the worker hands their URLs to init()).
const KEPT_MODELS = ['default-0.1.lmzm'];
const MODELS = [...LEVEL_MODELS, ...KEPT_MODELS];
const ASSETS = ['lmzip-simd.wasm', 'lmzip-scalar.wasm', ...MODELS];

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

// The CRC-32 of the model file is its model id (docs/MODEL_FORMAT.md).
function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (~crc >>> 0).toString(16).padStart(8, '0');
}

/**
 * Bundles the worker and copies the package's files; returns the manifest.
 * @param {{quiet?: boolean}} [options]
 */
export async function build({ quiet = false } = {}) {
  const missing = [...ASSETS, 'lmzip-simd.mjs', 'lmzip-scalar.mjs'].filter((f) => !existsSync(join(DIST, f)));
  if (missing.length) {
    throw new Error(`web/build.mjs: npm/dist/ lacks ${missing.join(', ')}: run \`make wasm\` first`);
  }
  let esbuild;
  try {
    // esbuild is a devDependency of the npm package (installed by `make wasm`).
    esbuild = createRequire(join(NPM_DIR, 'package.json'))('esbuild');
  } catch (error) {
    throw new Error('web/build.mjs: esbuild not found in npm/node_modules: run `make wasm` first', { cause: error });
  }
  mkdirSync(BUILD_DIR, { recursive: true });

  // `import ... from 'lmzip'` in worker.mjs means the package's browser entry,
  // exactly what a bundler picks from its package.json "exports".
  const pkg = JSON.parse(readFileSync(join(NPM_DIR, 'package.json'), 'utf8'));
  const browserEntry = join(NPM_DIR, pkg.exports['.'].browser);
  const lmzipPackage = {
    name: 'lmzip-package',
    setup(b) {
      b.onResolve({ filter: /^lmzip$/ }, () => ({ path: browserEntry }));
    },
  };
  await esbuild.build({
    entryPoints: [join(here, 'worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'firefox114', 'safari16'],
    outfile: join(BUILD_DIR, 'worker.js'),
    plugins: [lmzipPackage],
    sourcemap: true,
    logLevel: quiet ? 'error' : 'warning',
  });

  const manifest = { package: { name: pkg.name, version: pkg.version }, files: {} };
  for (const name of ASSETS) {
    const bytes = readFileSync(join(DIST, name));
    copyFileSync(join(DIST, name), join(BUILD_DIR, name));
    manifest.files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
  }
  for (const name of MODELS) manifest.files[name].modelId = crc32(readFileSync(join(DIST, name)));
  for (const name of KEPT_MODELS) manifest.files[name].kept = true;
  writeFileSync(join(BUILD_DIR, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (!quiet) console.log(`web: built ${BUILD_DIR} (lmzip ${pkg.version}, model ${manifest.files['default.lmzm'].modelId})`);
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  build().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
