// `npm run bench`: kanflow's engine overhead and scale, on the real dev server.
//  1. N actions with no-op hooks through kanflow vs a plain workflow with the same number of no-op activities,
//     same worker, same run: actions/s for both and the ratio (target ≥ 0.9).
//  2. A policy run over 1,000 namespaces: wall time, worker peak RSS, largest history (targets ≤ 60 s,
//     ≤ 500 MB, ≤ 10,000 events); 3. the same at 10,000 namespaces (must complete).
// Options: --actions N (default 200), --namespaces a,b (default 1000,10000), --concurrency C (default 200).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { KanflowClient } from '../client/index.js';
import { startDevServer } from './temporal-dev-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    actions: { type: 'string', default: '200' },
    namespaces: { type: 'string', default: '1000,10000' },
    concurrency: { type: 'string', default: '200' },
  },
});

const hooks = {
  preHook: { blueprint: 'hook-blueprint', actionName: 'pre' },
  onSuccess: { blueprint: 'hook-blueprint', actionName: 'post' },
  onFailure: { blueprint: 'hook-blueprint', actionName: 'failed' },
};

const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Peak resident set size of a process, from /proc (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

async function startWorker(address: string, taskQueue: string, bundle: string, namespaces: number): Promise<ChildProcess> {
  const child = fork(path.join(here, 'bench', 'worker.js'), [], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, BENCH_TASK_QUEUE: taskQueue, BENCH_BUNDLE: bundle, BENCH_NAMESPACES: String(namespaces) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function throughput(client: Client, kanflow: KanflowClient, taskQueue: string, n: number) {
  const runKanflow = async () => {
    const started = Date.now();
    const handles = await Promise.all(
      Array.from({ length: n }, (_, i) => kanflow.startAction({ kind: 'backup', namespace: `ns-${i}`, hooks }, { workflowId: `bench-kanflow-${Date.now()}-${i}` })),
    );
    await Promise.all(handles.map((h) => h.result()));
    return n / ((Date.now() - started) / 1000);
  };
  const runPlain = async () => {
    const started = Date.now();
    const handles = await Promise.all(
      Array.from({ length: n }, (_, i) => client.workflow.start('plainWorkflow', { taskQueue, workflowId: `bench-plain-${Date.now()}-${i}`, args: [] })),
    );
    await Promise.all(handles.map((h) => h.result()));
    return n / ((Date.now() - started) / 1000);
  };
  return { runKanflow, runPlain };
}

async function maxHistoryLength(client: Client, query: string): Promise<{ max: number; workflows: number }> {
  let max = 0;
  let workflows = 0;
  for await (const wf of client.workflow.list({ query })) {
    workflows++;
    max = Math.max(max, wf.historyLength);
  }
  return { max, workflows };
}

async function main(): Promise<void> {
  const server = await startDevServer({ readyTimeoutMs: 120_000 });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const bundlePath = path.join(os.tmpdir(), 'kanflow-bench-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(here, 'bench', 'workflows.js'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  writeFileSync(bundlePath, code);
  const lines: string[] = [`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    // 1. Throughput, alternating rounds so both see the same server state.
    const n = Number(args.actions);
    const taskQueue = `bench-${Date.now()}`;
    // One namespace per action: the namespace lock (S4) would otherwise serialise them.
    const worker = await startWorker(server.address, taskQueue, bundlePath, n);
    const kanflow = new KanflowClient(client, taskQueue);
    const { runKanflow, runPlain } = await throughput(client, kanflow, taskQueue, n);
    await runPlain(); // warm-up: bundle load, connections, SQLite pages
    // Interleaved rounds, median of each: a busy 2-core machine makes single rounds noisy.
    const kanflowRates: number[] = [];
    const plainRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plainRates.push(await runPlain());
      kanflowRates.push(await runKanflow());
    }
    await stopWorker(worker);
    const k = median(kanflowRates);
    const p = median(plainRates);
    say(`actions: ${n} per round, ${ROUNDS} interleaved rounds, medians`);
    say(`kanflow actions/s: ${k.toFixed(1)}  (rounds: ${kanflowRates.map((r) => r.toFixed(1)).join(', ')})`);
    say(`plain workflow (6 no-op activities) /s: ${p.toFixed(1)}  (rounds: ${plainRates.map((r) => r.toFixed(1)).join(', ')})`);
    say(`ratio kanflow/plain: ${(k / p).toFixed(2)}  (target ≥ 0.90)`);

    // 2, 3. Policy runs.
    for (const size of String(args.namespaces).split(',').map(Number).filter((x) => x > 0)) {
      const queue = `bench-policy-${size}-${Date.now()}`;
      const policyWorker = await startWorker(server.address, queue, bundlePath, size);
      const policyClient = new KanflowClient(client, queue);
      const name = `bench-${size}-${Date.now()}`;
      const started = Date.now();
      const handle = await policyClient.startPolicyRun({
        name,
        selector: { namespaces: Array.from({ length: size }, (_, i) => `ns-${i}`) },
        actions: [{ action: 'backup', hooks }],
        concurrency: Number(args.concurrency),
      });
      const result = await policyClient.policyRunResult(handle.workflowId);
      const seconds = (Date.now() - started) / 1000;
      const rss = peakRssMb(policyWorker.pid!);
      await stopWorker(policyWorker);
      await new Promise((r) => setTimeout(r, 2000)); // let visibility catch up
      const children = await maxHistoryLength(client, `KanflowPolicy = '${name}' AND WorkflowType = 'actionWorkflow'`);
      const runs = await maxHistoryLength(client, `WorkflowId = '${handle.workflowId}'`);
      say(
        `policy over ${size} namespaces (concurrency ${args.concurrency}): ${seconds.toFixed(1)} s, ${(size / seconds).toFixed(1)} namespaces/s, ` +
          `succeeded ${result.succeeded}/${result.total}, worker peak RSS ${rss} MB, ` +
          `largest history ${Math.max(children.max, runs.max)} events (policy run: ${runs.max} over ${result.generations} generations; ${children.workflows} actions: ${children.max})`,
      );
    }
  } finally {
    await connection.close();
    await server.stop();
  }
  writeFileSync(path.join(os.tmpdir(), 'kanflow-bench-last.txt'), `${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
