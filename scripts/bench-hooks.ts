// `npm run bench:hooks`: what a KubeTask hook costs on the local cluster (scripts/k8s-local.sh).
//  1. N KubeTask hooks (command `sleep 1`) run one after another through the real KubeHookRunner, with the
//     durable checkpoints the hook activity writes: overhead = wall time − 1 s (mean, p50, max; target ≤ 1 s).
//  2. A backup → export of one namespace with a KubeTask preHook (`sleep 1`) through a real worker
//     (createRealDeps) on the Temporal dev server: wall time of the policy run, per action.
// Prints the figures and writes them to docs/benchmarks.md under "## Hooks on the local cluster".
// Options: --hooks N (default 20), --runs R (default 3, for part 2).
import '../k8s/node-compat.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parse as parseYaml } from 'yaml';
import { createRealDeps } from '../activities/real-deps.js';
import type { HookRunInput } from '../activities/deps.js';
import { KanflowClient } from '../client/index.js';
import { ensureSearchAttributes } from '../client/search-attributes.js';
import { loadBlueprints } from '../kanister/blueprint.js';
import { createKubeClients, isConflict, loadKubeConfig } from '../k8s/client.js';
import type { KubeClients } from '../k8s/client.js';
import { ConfigMapCheckpointStore } from '../k8s/hook-checkpoints.js';
import { KubeHookRunner } from '../k8s/hook-runner.js';
import { startLocalCluster } from '../k8s/local-cluster.js';
import { RESTORE_POINT_NAMESPACE_LABEL } from '../k8s/main/restore-points.js';
import type { ActionLedger } from '../workflows/messages.js';
import { createKanflowWorker } from '../worker/worker.js';
import { startDevServer } from './temporal-dev-server.js';

const { values: args } = parseArgs({
  options: {
    hooks: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
  },
});
const HOOKS = Number(args.hooks);
const RUNS = Number(args.runs);
const COMMAND_MS = 1000;
const K10 = 'kasten-io';
const RUN = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
const BLUEPRINT = `bench-hooks-${RUN}`;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const BLUEPRINT_YAML = `apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata:
  name: ${BLUEPRINT}
  namespace: ${K10}
actions:
  sleep:
    phases:
    - func: KubeTask
      name: sleepPhase
      args:
        image: busybox
        command: [sleep, "1"]
`;

const ms = (n: number) => `${Math.round(n)} ms`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, p50: percentile(sorted, 50), max: sorted.at(-1)!, min: sorted[0]! };
};

async function hookOverheads(clients: KubeClients, namespace: string): Promise<{ overheads: number[]; warmup: number }> {
  const blueprint = loadBlueprints(BLUEPRINT_YAML, 'bench-hooks').blueprints[0]!;
  const runner = new KubeHookRunner(clients);
  const checkpoints = new ConfigMapCheckpointStore(clients, K10);
  const runOne = async (index: number): Promise<number> => {
    const input: HookRunInput = {
      actionId: `bench-hooks-${RUN}-${index}`,
      slot: 'preHook',
      attempt: 1,
      ref: { blueprint: BLUEPRINT, actionName: 'sleep' },
      blueprint,
      subjectNamespace: namespace,
      k10Namespace: K10,
      artifactsIn: {},
      options: {},
      deadlineMs: Date.now() + 120_000,
    };
    const key = `${input.actionId}/${input.slot}/${input.attempt}`;
    const started = performance.now();
    // As the hook activity does: every checkpoint is stored before the runner goes on, removed at the end.
    await runner.run(input, {
      signal: new AbortController().signal,
      saveCheckpoint: (checkpoint) => checkpoints.save(key, checkpoint),
      heartbeat: () => {},
      log: () => {},
    });
    await checkpoints.remove(key);
    return performance.now() - started - COMMAND_MS;
  };
  const warmup = await runOne(0);
  const overheads: number[] = [];
  for (let i = 1; i <= HOOKS; i++) {
    overheads.push(await runOne(i));
    process.stdout.write(`\r  hook ${i}/${HOOKS}: overhead ${ms(overheads.at(-1)!)}   `);
  }
  process.stdout.write('\n');
  return { overheads, warmup };
}

function stepMs(ledger: ActionLedger): number {
  const times = ledger.steps.flatMap((s) => [s.startedAt, s.endedAt]).filter((t): t is string => !!t).map(Date.parse);
  return Math.max(...times) - Math.min(...times);
}

async function actionTimes(kubeconfigPath: string, namespace: string): Promise<{ total: number; backup: number; export: number }[]> {
  const server = await startDevServer({ readyTimeoutMs: 120_000, log: (line) => console.log(`  ${line}`) });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  try {
    if (!server.owned) await ensureSearchAttributes(connection, server.namespace);
    const client = new Client({ connection, namespace: server.namespace });
    const taskQueue = `bench-hooks-${RUN}`;
    const deps = createRealDeps({ kubeconfigPath, k10Namespace: K10, temporalClient: client });
    const worker = await createKanflowWorker({ connection: nativeConnection, namespace: server.namespace, taskQueue, deps });
    const kanflow = new KanflowClient(client, taskQueue);
    return await worker.runUntil(async () => {
      const results: { total: number; backup: number; export: number }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const handle = await kanflow.startPolicyRun({
          name: `bench-hooks-${RUN}-${run}`,
          selector: { namespaces: [namespace] },
          actions: [
            { action: 'backup', hooks: { preHook: { blueprint: BLUEPRINT, actionName: 'sleep' } } },
            { action: 'export', location: { type: 'filesystem', path: path.join(os.tmpdir(), 'kanflow-bench-hooks-exports') } },
          ],
        });
        const result = await kanflow.policyRunResult(handle.workflowId);
        const total = performance.now() - started;
        if (result.succeeded !== 1) throw new Error(`policy run failed: ${JSON.stringify(result.errors)}`);
        const backup = await kanflow.actionStatus(`${handle.workflowId}/${namespace}/0-backup`);
        const exported = await kanflow.actionStatus(`${handle.workflowId}/${namespace}/1-export`);
        results.push({ total, backup: stepMs(backup), export: stepMs(exported) });
        console.log(`  run ${run + 1}/${RUNS}: ${ms(total)} (backup with preHook ${ms(stepMs(backup))}, export ${ms(stepMs(exported))})`);
      }
      return results;
    });
  } finally {
    await nativeConnection.close();
    await connection.close();
    await server.stop();
  }
}

/** Replaces this benchmark's section of docs/benchmarks.md (or appends it), leaving other sections alone. */
function writeSection(body: string): string {
  const file = path.join(repoRoot, 'docs', 'benchmarks.md');
  const heading = '## Hooks on the local cluster';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# kanflow benchmarks\n';
  const start = current.indexOf(`${heading}\n`);
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${heading}\n\n${body}`;
  } else {
    const rest = current.slice(start + heading.length + 1);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + `${heading}\n\n${body}` + (end === -1 ? '' : `\n${rest.slice(end)}`);
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
  return file;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(`bench:hooks — ${HOOKS} KubeTask hooks (sleep 1) through KubeHookRunner, then ${RUNS} backup→export runs through a worker`);
  const cluster = await startLocalCluster();
  const clients = createKubeClients(loadKubeConfig(cluster.kubeconfigPath));
  const namespace = `bench-hooks-${RUN}`;
  const target = { group: 'cr.kanister.io', version: 'v1alpha1', namespace: K10, plural: 'blueprints' };
  try {
    await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
    await clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'settings' }, data: { a: 'b' } } });
    await clients.custom.createNamespacedCustomObject({ ...target, body: loadYamlObject(BLUEPRINT_YAML) }).catch((error: unknown) => {
      if (!isConflict(error)) throw error;
    });

    console.log('1. hook overhead (wall time − 1 s of sleep)');
    const { overheads, warmup } = await hookOverheads(clients, namespace);
    const o = stats(overheads);
    console.log(`   mean ${ms(o.mean)}, p50 ${ms(o.p50)}, max ${ms(o.max)}, min ${ms(o.min)} (warm-up hook, not counted: ${ms(warmup)}); target ≤ 1000 ms: ${o.max <= 1000 ? 'met' : o.mean <= 1000 ? 'met on average' : 'NOT met'}`);

    console.log('2. backup → export with a KubeTask preHook, through a worker');
    const runs = await actionTimes(cluster.kubeconfigPath, namespace);
    const total = stats(runs.map((r) => r.total));
    const backup = stats(runs.map((r) => r.backup));
    const exported = stats(runs.map((r) => r.export));
    console.log(`   policy run (backup with preHook, then export): p50 ${ms(total.p50)}, min ${ms(total.min)}, max ${ms(total.max)}`);

    const file = writeSection(
      [
        `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:hooks\` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, against the local cluster (real kube-apiserver/etcd/scheduler; pod commands run by the hostlet as host processes, so no image pulls).`,
        '',
        `**KubeTask hook overhead** — ${HOOKS} hooks run one after another through the real \`KubeHookRunner\` (pod create → scheduled → started → log follow → completion → pod deleted, with the durable ConfigMap checkpoints the hook activity writes); overhead = wall time − 1 s of \`sleep 1\`:`,
        '',
        '| mean | p50 | max | min | target |',
        '|---|---|---|---|---|',
        `| ${ms(o.mean)} | ${ms(o.p50)} | ${ms(o.max)} | ${ms(o.min)} | ≤ 1000 ms: ${o.max <= 1000 ? 'met' : 'not met'} |`,
        '',
        `(a first warm-up hook, not counted, took ${ms(warmup)} of overhead)`,
        '',
        `**One backup → export through the worker** — a policy run over one namespace: backup with a KubeTask preHook (\`sleep 1\`), then export to a file; real worker (\`createRealDeps\`) on the Temporal dev server, ${RUNS} runs:`,
        '',
        '| | p50 | min | max |',
        '|---|---|---|---|',
        `| policy run, end to end | ${ms(total.p50)} | ${ms(total.min)} | ${ms(total.max)} |`,
        `| backup action (setup, preHook, main, lock release) | ${ms(backup.p50)} | ${ms(backup.min)} | ${ms(backup.max)} |`,
        `| export action | ${ms(exported.p50)} | ${ms(exported.min)} | ${ms(exported.max)} |`,
        '',
      ].join('\n'),
    );
    console.log(`figures written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await clients.core.deleteNamespace({ name: namespace }).catch(() => {});
    await clients.core.deleteCollectionNamespacedConfigMap({ namespace: K10, labelSelector: `${RESTORE_POINT_NAMESPACE_LABEL}=${namespace}` }).catch(() => {});
    await clients.custom.deleteNamespacedCustomObject({ ...target, name: BLUEPRINT }).catch(() => {});
    await cluster.stop();
  }
}

function loadYamlObject(text: string): Record<string, unknown> {
  return parseYaml(text) as Record<string, unknown>;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
