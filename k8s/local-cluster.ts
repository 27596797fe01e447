/**
 * Start/inspect kanflow's local Kubernetes control plane (scripts/k8s-local.sh):
 * etcd + kube-apiserver + kube-controller-manager + kube-scheduler + the hostlet
 * node agent, all on 127.0.0.1. See docs/local-cluster.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalCluster {
  /** Path of an admin kubeconfig for the local API server. */
  kubeconfigPath: string;
  /** True when this call started the cluster (false when it was already running). */
  startedHere: boolean;
  /**
   * Releases this process's use of the cluster. The cluster is stopped when the last
   * process using it releases it and it was started by `startLocalCluster()` (a cluster
   * started by hand with `npm run cluster:start` is left running), or always with
   * `force`. `KANFLOW_K8S_KEEP=1` keeps it running for the next test run.
   */
  stop(opts?: { force?: boolean }): Promise<void>;
}

export interface LocalClusterStatus {
  running: boolean;
  kubeconfigPath: string;
  output: string;
}

/** Repository root: works from both the TS sources and dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'k8s-local.sh'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find scripts/k8s-local.sh above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function runScript(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = resolve(repoRoot(), 'scripts', 'k8s-local.sh');
  return new Promise((res) => {
    execFile(
      'bash',
      [script, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        res({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

async function kubeconfigPath(): Promise<string> {
  const r = await runScript(['kubeconfig'], 10_000);
  return r.stdout.trim();
}

export async function localClusterStatus(): Promise<LocalClusterStatus> {
  const r = await runScript(['status'], 30_000);
  return { running: r.code === 0, kubeconfigPath: await kubeconfigPath(), output: r.stdout + r.stderr };
}

/**
 * Starts the local cluster, or reuses it when it is already running. A cold
 * start builds the binaries first (tens of minutes on 2 cores), so the default
 * timeout is generous; a cached start takes well under a minute.
 */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts the local cluster, or reuses it when it is already running. A cold
 * start builds the binaries first (~10 min on 2 cores), so the default
 * timeout is generous; a cached start takes well under a minute.
 * Several test processes may call this at once: the script serializes starts,
 * and users are counted (one marker file per process under `<state>/users/`).
 */
export async function startLocalCluster(opts: { timeoutMs?: number } = {}): Promise<LocalCluster> {
  const before = await localClusterStatus();
  const state = dirname(before.kubeconfigPath);
  let startedHere = false;
  if (!before.running) {
    const r = await runScript(['start'], opts.timeoutMs ?? 75 * 60_000);
    if (r.code !== 0) {
      throw new Error(`scripts/k8s-local.sh start failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
    }
    startedHere = !/already running/.test(r.stderr);
    if (startedHere) writeFileSync(join(state, 'started-by-helper'), `${process.pid}\n`);
  }
  const users = join(state, 'users');
  mkdirSync(users, { recursive: true });
  const me = join(users, String(process.pid));
  writeFileSync(me, '');
  return {
    kubeconfigPath: before.kubeconfigPath,
    startedHere,
    async stop(stopOpts = {}) {
      try {
        unlinkSync(me);
      } catch {
        /* already released */
      }
      if (!stopOpts.force) {
        if (process.env.KANFLOW_K8S_KEEP === '1') return;
        if (!existsSync(join(state, 'started-by-helper'))) return;
        const others = readdirSync(users).filter((f) => /^\d+$/.test(f) && pidAlive(Number(f)));
        if (others.length > 0) return;
      }
      await runScript(['stop'], 60_000);
    },
  };
}
