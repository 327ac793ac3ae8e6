// The declarations as TypeScript users get them: `npm pack`, unpacked into
// fresh projects, each compiled with `tsc --strict` (no skipLibCheck):
//   - Node ESM, module nodenext (.mts): the Node entry, with Node streams;
//   - Node CommonJS, module node16 (.cts): dist/node.d.cts;
//   - a browser project, moduleResolution bundler, lib DOM, no @types/node:
//     the browser entry's declarations need no Node types and offer no
//     createCompress/createDecompress (which the browser build lacks).
// LMZIP_PACKAGE_TGZ=/path/lmzip-x.tgz checks another tarball instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NPM_DIR } from './support/util.mjs';

const TSC = resolve(NPM_DIR, 'node_modules/typescript/bin/tsc');
let work;
let tarball;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lmzip-ts-'));
  if (process.env.LMZIP_PACKAGE_TGZ) {
    tarball = process.env.LMZIP_PACKAGE_TGZ;
  } else {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: NPM_DIR, encoding: 'utf8' });
    tarball = join(work, JSON.parse(out.slice(out.indexOf('['))).at(0).filename);
  }
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// A project with the package installed, @types/node when `nodeTypes`, the
// files given; returns tsc's exit status and output.
function compile(name, { files, compilerOptions, nodeTypes }) {
  const dir = join(work, name);
  const pkg = join(dir, 'node_modules', 'lmzip');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  if (nodeTypes) {
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(resolve(NPM_DIR, 'node_modules/@types/node'), join(dir, 'node_modules', '@types', 'node'));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', ...compilerOptions }, files: Object.keys(files) }),
  );
  const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('Node ESM (module nodenext, .mts): the Node entry, with Node streams', () => {
  const { status, output } = compile('esm', {
    nodeTypes: true,
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', types: ['node'] },
    files: {
      'index.mts': `
import { compress, decompress, createCompress, createDecompress, LmzipError, type LmzipErrorCode } from 'lmzip';
import { readSeekTable, decompressRange, type SeekEntry } from 'lmzip';
import type { Transform } from 'node:stream';
const packed: Uint8Array = await compress('some text', { level: 1 });
const restored: Uint8Array = await decompress(packed);
const streams: Transform[] = [createCompress({ level: 1 }), createDecompress()];
const code: LmzipErrorCode = 'LMZ_ERR_ABORTED';
console.log(restored.length, streams.length, code, new LmzipError(code, 'x').code);
const threaded: Uint8Array = await decompress(await compress('some text', { threads: 0, frameSize: 1024 }), { threads: 2 });
const frames: SeekEntry[] | null = readSeekTable(packed);
const range: Uint8Array = await decompressRange(packed, frames?.[0]?.originalOffset ?? 0, 4);
console.log(threaded.length, range.length);
`,
    },
  });
  expect(output).toBe('');
  expect(status).toBe(0);
});

test('Node CommonJS (module node16, .cts): dist/node.d.cts', () => {
  const { status, output } = compile('cjs', {
    nodeTypes: true,
    compilerOptions: { module: 'node16', moduleResolution: 'node16', types: ['node'] },
    files: {
      'index.cts': `
import { compress, createCompress, LmzipError } from 'lmzip';
async function main(): Promise<void> {
  const packed: Uint8Array = await compress('some text');
  createCompress({ level: 1 }).end(packed);
  console.log(new LmzipError('LMZ_ERR_ABORTED', 'x') instanceof Error);
}
void main();
`,
    },
  });
  expect(output).toBe('');
  expect(status).toBe(0);
});

test('a browser project (bundler, lib DOM, no @types/node, no skipLibCheck): no node:stream, no Node streams offered', () => {
  const { status, output } = compile('browser', {
    nodeTypes: false,
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'esnext.disposable'], types: [] },
    files: {
      'main.ts': `
import { compress, CompressStream, DecompressStream, decompressRange } from 'lmzip';
// @ts-expect-error: the browser entry has no createCompress (Node streams)
import { createCompress } from 'lmzip';
const packed: Uint8Array = await compress('some text', { level: 1, threads: 2 });
const part: Promise<Uint8Array> = decompressRange(packed, 0);
const readable: ReadableStream<Uint8Array> = new DecompressStream().readable;
void part;
document.title = String(packed.length) + String(readable instanceof ReadableStream) + String(new CompressStream() instanceof TransformStream) + typeof createCompress;
`,
    },
  });
  expect(output).toBe('');
  expect(status).toBe(0);
});
