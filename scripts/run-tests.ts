// The test command: starts one Temporal dev server for the whole run (unless TEMPORAL_ADDRESS is set), then
// runs every compiled test file with node's test runner. `node dist/scripts/run-tests.js [unit|workflows|replay|e2e]…`
// limits the run to those folders.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from './temporal-dev-server.js';

const distTest = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test');
const SUITES = ['unit', 'workflows', 'replay', 'e2e'];

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(full);
      return Promise.resolve(entry.name.endsWith('.test.js') ? [full] : []);
    }),
  );
  return nested.flat().sort();
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const suites = requested.length > 0 ? requested : SUITES;
  const files = (await Promise.all(suites.map((suite) => testFiles(path.join(distTest, suite))))).flat();
  if (files.length === 0) {
    console.error(`no test files found for ${suites.join(', ')} under ${distTest}`);
    return 1;
  }
  const server = await startDevServer({ readyTimeoutMs: 120_000, log: (line) => console.log(line) });
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--test', '--test-concurrency=1', '--test-timeout=600000', '--test-reporter=spec', '--enable-source-maps', ...files],
        { stdio: 'inherit', env: { ...process.env, TEMPORAL_ADDRESS: server.address } },
      );
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
