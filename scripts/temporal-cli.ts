// Finds the `temporal` CLI (TEMPORAL_CLI, then PATH, then the tools cache) or builds it with `go install`.
// No npm package ships the CLI and the SDK's download cannot reach its host here, so we bring our own.
import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** The tools cache outside the repository: `$KANFLOW_CACHE` or `~/.cache/kanflow`. */
export function toolsCacheDir(): string {
  return process.env.KANFLOW_CACHE ?? path.join(os.homedir(), '.cache', 'kanflow');
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, name)))) return path.join(dir, name);
  }
  return undefined;
}

/** Absolute path of a usable `temporal` binary, building it into the cache when there is none. */
export async function findOrBuildTemporalCli(log: (line: string) => void = () => {}): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    if (await isExecutable(explicit)) return path.resolve(explicit);
    throw new Error(`TEMPORAL_CLI=${explicit} is not an executable file`);
  }
  const found = await onPath('temporal');
  if (found) return found;
  const binDir = path.join(toolsCacheDir(), 'bin');
  const cached = path.join(binDir, 'temporal');
  if (await isExecutable(cached)) return cached;

  log(`temporal CLI not found; building ${TEMPORAL_CLI_MODULE} into ${binDir} (a few minutes, once)`);
  await mkdir(binDir, { recursive: true });
  const started = Date.now();
  await run('go', ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  log(`built temporal CLI in ${Math.round((Date.now() - started) / 1000)}s`);
  return cached;
}

// `node dist/scripts/temporal-cli.js` prints the path (building if needed): handy for CI and humans.
if (import.meta.url === `file://${process.argv[1]}`) {
  findOrBuildTemporalCli((line) => console.error(line)).then(
    (cli) => console.log(cli),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
