// Starts `temporal server start-dev` on a free loopback port with kanflow's search attributes, waits for it
// with a deadline suited to a slow 2-core machine, and stops it. TEMPORAL_ADDRESS means: use that server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/messages.js';
import { findOrBuildTemporalCli } from './temporal-cli.js';

export interface DevServer {
  address: string;
  namespace: string;
  /** Temporal UI address, when the UI runs. */
  uiAddress?: string;
  /** Whether this process started it (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  namespace?: string;
  ui?: boolean;
  /** Fixed ports; free ones otherwise. */
  port?: number;
  uiPort?: number;
  /** SQLite file for state that survives restarts; in memory otherwise. */
  dbFile?: string;
  readyTimeoutMs?: number;
  /** Extra `--dynamic-config-value` pairs, e.g. `limit.historyCount.suggestContinueAsNew=2000`. */
  dynamicConfig?: string[];
  log?: (line: string) => void;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls the frontend's health check until SERVING or the deadline. */
export async function waitForTemporal(address: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        const health = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
        if (health.status === 1) return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`Temporal at ${address} was not ready within ${Math.round(timeoutMs / 1000)}s${reason}`);
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const namespace = options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  const log = options.log ?? (() => {});
  if (process.env.TEMPORAL_ADDRESS) {
    const address = process.env.TEMPORAL_ADDRESS;
    await waitForTemporal(address, options.readyTimeoutMs ?? 60_000);
    return { address, namespace, owned: false, stop: async () => {} };
  }
  const cli = await findOrBuildTemporalCli(log);
  const port = options.port ?? (await freeLoopbackPort());
  const uiPort = options.ui ? (options.uiPort ?? (await freeLoopbackPort())) : undefined;
  // A server already on a requested port would answer the readiness check in place of ours.
  for (const wanted of [options.port, options.ui ? options.uiPort : undefined]) {
    if (wanted !== undefined && !(await isPortFree(wanted))) {
      throw new Error(`port ${wanted} on 127.0.0.1 is already in use (another Temporal server?); choose another port`);
    }
  }
  const stateDir = path.join(os.tmpdir(), 'kanflow-temporal');
  await mkdir(stateDir, { recursive: true });
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'warn', '--log-format', 'json');
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const attr of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${attr.name}=${attr.type}`);
  for (const pair of options.dynamicConfig ?? []) args.push('--dynamic-config-value', pair);

  const logFile = path.join(stateDir, `server-${port}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForTemporal(address, options.readyTimeoutMs ?? 60_000, child);
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)} (server log: ${logFile})`, { cause: err });
  }
  log(`Temporal dev server ready at ${address}${uiPort ? `, UI http://127.0.0.1:${uiPort}` : ''}`);
  return { address, namespace, uiAddress: uiPort ? `http://127.0.0.1:${uiPort}` : undefined, owned: true, stop };
}
