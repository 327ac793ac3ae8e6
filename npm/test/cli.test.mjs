// The npm CLI (bin/lmzip.mjs) against the native one: scripts/cli-check.sh
// compares their bytes, exit statuses, stdout and stderr (errors, --help,
// -V, --levels, -l listings, --model messages) and runs the repository's
// CLI test suite (tests/cli_test.sh) against the Node CLI. Skipped without
// the native CLI (`make` builds it; `make npm-test` passes LMZIP_NATIVE_CLI).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { NPM_DIR, nativeCli, testIf } from './support/util.mjs';

const NATIVE = nativeCli();

testIf(NATIVE !== null)('the Node CLI behaves as the native CLI (scripts/cli-check.sh)', async () => {
  const output = [];
  const code = await new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [resolve(NPM_DIR, 'scripts/cli-check.sh')], {
      env: { ...process.env, LMZIP_NATIVE_CLI: NATIVE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', reject);
    child.on('close', resolvePromise);
  });
  const text = Buffer.concat(output).toString('utf8');
  process.stderr.write(`[lmzip tests] ${text.trim().split('\n').at(-1)}\n`);
  if (code !== 0) throw new Error(`cli-check.sh exited with ${code}:\n${text}`);
}, 1_200_000);
