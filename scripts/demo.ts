// `npm run demo`: kanflow end to end. Starts the Temporal dev server with its UI and the local Kubernetes cluster
// (or uses the current kubeconfig context with --use-current-context), runs a worker in this process, creates
// three sample namespaces labelled migrate=true, applies a hook Blueprint to kasten-io and runs a policy
// (backup, then export with preHook/onSuccess/onFailure) over them, showing each namespace's steps live.
// Then it prints where everything went and keeps the servers up until Ctrl-C (or exits with --once).
import '../k8s/node-compat.js';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import Table from 'cli-table3';
import logUpdate from 'log-update';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { createRealDeps } from '../activities/real-deps.js';
import { KanflowClient } from '../client/index.js';
import { ensureSearchAttributes } from '../client/search-attributes.js';
import type { KubeClients } from '../k8s/client.js';
import { createKubeClients, describeApiError, isConflict, isNotFound, loadKubeConfig } from '../k8s/client.js';
import { localClusterStatus, startLocalCluster, type LocalCluster } from '../k8s/local-cluster.js';
import { exportDirectory } from '../k8s/main/export.js';
import { listRestorePoints } from '../k8s/main/restore-points.js';
import type { ActionLedger, PolicyRunStatus } from '../workflows/messages.js';
import { createKanflowWorker } from '../worker/worker.js';
import { startDevServer, type DevServer } from './temporal-dev-server.js';

const { values: args } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    'use-current-context': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const K10 = process.env.KANFLOW_K10_NAMESPACE ?? 'kasten-io';
const TASK_QUEUE = 'kanflow-demo';
const POLICY = 'kanflow-demo';
const BLUEPRINT = 'kanflow-demo-hooks';
const DEMO_LABEL = 'kanflow.io/demo';
const NAMESPACES = ['demo-shop', 'demo-blog', 'demo-wiki'];
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The demo's hook Blueprint. post-export's first phase is the source document's example, verbatim. */
const DEMO_BLUEPRINT = `apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata:
  name: ${BLUEPRINT}
  namespace: ${K10}
actions:
  pre-export:                       # preHook: emits an artifact through phase outputs
    outputArtifacts:
      exportInfo:
        keyValue:
          startedAt: "{{ .Phases.markStart.Output.startedAt }}"
          hookPod: "{{ .Phases.markStart.Output.hookPod }}"
    phases:
    - func: KubeTask
      name: markStart
      args:
        image: busybox
        command:
        - sh
        - -c
        - |
          echo "preparing {{ .Namespace.Name }} for export"
          echo '###Phase-output###: {"key":"startedAt","value":"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'"}'
          echo '###Phase-output###: {"key":"hookPod","value":"'"$HOSTNAME"'"}'
  post-export:                      # onSuccess: the source document's label removal, then the artifact
    inputArtifactNames: [exportInfo]
    kind: Namespace
    phases:
    - func: KubeTask
      name: hookPhase
      args:
        podOverride:
          serviceAccountName: "k10-k10"
        image: bitnami/kubectl
        command:
        - /bin/sh
        - -c
        - |
          kubectl patch namespace "{{ .Namespace.Name }}" --type json -p='[{"op": "remove", "path": "/metadata/labels/migrate"}]'
    - func: KubeTask
      name: printArtifact
      args:
        podOverride:
          serviceAccountName: "k10-k10"
        image: bitnami/kubectl
        command:
        - /bin/sh
        - -c
        - |
          echo "export of {{ .Namespace.Name }} started at {{ .ArtifactsIn.exportInfo.KeyValue.startedAt }} (preHook pod {{ .ArtifactsIn.exportInfo.KeyValue.hookPod }})"
          kubectl annotate namespace "{{ .Namespace.Name }}" --overwrite kanflow.io/exported-at="{{ .ArtifactsIn.exportInfo.KeyValue.startedAt }}"
  post-export-failed:               # onFailure: records why on the namespace
    phases:
    - func: KubeTask
      name: recordFailure
      args:
        podOverride:
          serviceAccountName: "k10-k10"
        image: bitnami/kubectl
        command:
        - /bin/sh
        - -c
        - |
          kubectl annotate namespace "{{ .Namespace.Name }}" --overwrite kanflow.io/export-failed="$(cat <<'KANFLOW_REASON'
          {{ .Options.failureReason }}
          KANFLOW_REASON
          )"
`;

const say = (line: string): void => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (args.help) {
  say('usage: npm run demo [-- --once] [-- --use-current-context]');
  say('  --once                 exit (stopping what the demo started) once the policy run is shown');
  say('  --use-current-context  use the current kubeconfig context instead of starting the local cluster');
  process.exit(0);
}

/** Where scripts/k8s-local.sh keeps its binaries: a missing kube-apiserver means a first, long build. */
function localClusterBinDir(): string {
  const script = readFileSync(path.join(repoRoot, 'scripts', 'k8s-local.sh'), 'utf8');
  const k8s = /^K8S_VERSION=(\S+)/m.exec(script)?.[1];
  const etcd = /^ETCD_VERSION=(\S+)/m.exec(script)?.[1];
  const cache = process.env.KANFLOW_K8S_CACHE ?? path.join(os.homedir(), '.cache', 'kanflow', `k8s-${k8s}-etcd-${etcd}`);
  return path.join(cache, 'bin');
}

async function startCluster(): Promise<LocalCluster> {
  const status = await localClusterStatus();
  if (status.running) {
    say('local cluster: already running, reusing it');
  } else {
    const bin = localClusterBinDir();
    if (!existsSync(path.join(bin, 'kube-apiserver')) || !existsSync(path.join(bin, 'etcd'))) {
      say(`local cluster: binaries not found in ${bin}; building kube-apiserver, etcd and the hostlet from Go modules`);
      say('               (first run only: about 10 minutes on 2 cores; reused afterwards)');
    } else {
      say('local cluster: starting (etcd, kube-apiserver, controller-manager, scheduler, hostlet on 127.0.0.1)');
    }
  }
  const started = Date.now();
  const cluster = await startLocalCluster();
  say(`local cluster: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (kubeconfig ${cluster.kubeconfigPath})`);
  return cluster;
}

async function ignoreConflict(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/** kasten-io, the Blueprint CRD and K10's service account, for a cluster that is not the local one. */
async function prepareCluster(clients: KubeClients, currentContext: boolean): Promise<void> {
  await ignoreConflict(clients.core.createNamespace({ body: { metadata: { name: K10 } } }));
  try {
    await clients.custom.listNamespacedCustomObject({ group: 'cr.kanister.io', version: 'v1alpha1', namespace: K10, plural: 'blueprints' });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    say('cluster: installing the Blueprint CRD (k8s/manifests/blueprint-crd.yaml)');
    const crd = parseYaml(readFileSync(path.join(repoRoot, 'k8s', 'manifests', 'blueprint-crd.yaml'), 'utf8')) as { metadata: { name: string } };
    await ignoreConflict(clients.objects.create(crd));
    for (let i = 0; i < 60; i++) {
      const ok = await clients.custom
        .listNamespacedCustomObject({ group: 'cr.kanister.io', version: 'v1alpha1', namespace: K10, plural: 'blueprints' })
        .then(() => true, () => false);
      if (ok) break;
      await sleep(500);
    }
  }
  await ignoreConflict(clients.core.createNamespacedServiceAccount({ namespace: K10, body: { metadata: { name: 'k10-k10' } } }));
  if (currentContext) {
    // On a real cluster the hook pods run as kasten-io/k10-k10 and need to read and patch namespaces.
    say('cluster: granting kasten-io/k10-k10 get/patch on namespaces (ClusterRole kanflow-demo-hooks)');
    const role = { metadata: { name: 'kanflow-demo-hooks' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'patch'] }] };
    await ignoreConflict(clients.rbac.createClusterRole({ body: role }));
    await ignoreConflict(
      clients.rbac.createClusterRoleBinding({
        body: {
          metadata: { name: 'kanflow-demo-hooks' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kanflow-demo-hooks' },
          subjects: [{ kind: 'ServiceAccount', name: 'k10-k10', namespace: K10 }],
        },
      }),
    );
  }
}

async function applyBlueprint(clients: KubeClients): Promise<void> {
  const body = parseAllDocuments(DEMO_BLUEPRINT)[0]!.toJS() as Record<string, unknown>;
  const target = { group: 'cr.kanister.io', version: 'v1alpha1', namespace: K10, plural: 'blueprints' };
  try {
    await clients.custom.createNamespacedCustomObject({ ...target, body });
  } catch (error) {
    if (!isConflict(error)) throw error;
    const current = (await clients.custom.getNamespacedCustomObject({ ...target, name: BLUEPRINT })) as { metadata: { resourceVersion: string } };
    const metadata = { ...(body.metadata as object), resourceVersion: current.metadata.resourceVersion };
    await clients.custom.replaceNamespacedCustomObject({ ...target, name: BLUEPRINT, body: { ...body, metadata } });
  }
}

/** Creates a sample namespace (waiting out an earlier one still terminating), or puts migrate=true back on it. */
async function prepareNamespace(clients: KubeClients, name: string): Promise<void> {
  const labels = { migrate: 'true', [DEMO_LABEL]: 'true' };
  for (let i = 0; i < 120; i++) {
    let existing;
    try {
      existing = await clients.core.readNamespace({ name });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await clients.core.createNamespace({ body: { metadata: { name, labels } } });
      break;
    }
    if (!existing.metadata?.deletionTimestamp) {
      const annotations = { ...existing.metadata?.annotations };
      delete annotations['kanflow.io/exported-at'];
      delete annotations['kanflow.io/export-failed'];
      await clients.core.replaceNamespace({ name, body: { ...existing, metadata: { ...existing.metadata, labels: { ...existing.metadata?.labels, ...labels }, annotations } } });
      break;
    }
    await sleep(500);
  }
  await ignoreConflict(
    clients.core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'app-config' }, data: { site: name.replace('demo-', ''), color: 'blue' } } }),
  );
  await ignoreConflict(
    clients.apps.createNamespacedDeployment({
      namespace: name,
      body: {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox', command: ['sleep', '3600'] }] } },
        },
      },
    }),
  );
}

/** One cell of the live table: where an action of the policy run stands. */
function stepCell(ledger: ActionLedger | undefined): string {
  if (!ledger) return 'pending';
  if (ledger.outcome === 'succeeded') return '✔ succeeded';
  if (ledger.outcome === 'cancelled') return '■ cancelled';
  if (ledger.outcome === 'failed') {
    const failed = ledger.steps.find((s) => s.state === 'failed');
    return `✖ ${failed?.step ?? ''} failed`;
  }
  const running = ledger.steps.find((s) => s.state === 'running');
  if (!running) return '…';
  const hook = running.hook ? ` ${running.hook.actionName}` : '';
  return `▸ ${running.step}${hook}${running.attempts > 1 ? ` (attempt ${running.attempts})` : ''}`;
}

interface Snapshot {
  status?: PolicyRunStatus;
  ledgers: Map<string, ActionLedger>;
}

const childId = (runId: string, namespace: string, index: number, action: string) => `${runId}/${namespace}/${index}-${action}`;

async function snapshot(kanflow: KanflowClient, runId: string, namespaces: string[]): Promise<Snapshot> {
  const ledgers = new Map<string, ActionLedger>();
  const status = await kanflow.policyRunStatus(runId).catch(() => undefined);
  await Promise.all(
    namespaces.flatMap((ns) =>
      [
        [0, 'backup'],
        [1, 'export'],
      ].map(async ([index, action]) => {
        const id = childId(runId, ns, index as number, action as string);
        const ledger = await kanflow.actionStatus(id).catch(() => undefined);
        if (ledger) ledgers.set(id, ledger);
      }),
    ),
  );
  return { status, ledgers };
}

function table(runId: string, namespaces: string[], snap: Snapshot, elapsedMs: number): string {
  const t = new Table({
    head: ['namespace', 'backup step', 'export step', 'outcome'],
    colWidths: [14, 22, 34, 13],
    ...(!process.stdout.isTTY && { style: { head: [], border: [] } }),
  });
  for (const ns of namespaces) {
    const outcome = snap.status?.outcomes[ns] ?? (snap.status?.running.includes(ns) ? 'running' : 'pending');
    t.push([ns, stepCell(snap.ledgers.get(childId(runId, ns, 0, 'backup'))), stepCell(snap.ledgers.get(childId(runId, ns, 1, 'export'))), outcome]);
  }
  const done = snap.status ? snap.status.succeeded + snap.status.failed + snap.status.cancelled : 0;
  return `policy ${POLICY} (${runId}): ${done}/${namespaces.length} namespaces done, ${(elapsedMs / 1000).toFixed(0)} s\n${t.toString()}`;
}

async function followRun(kanflow: KanflowClient, runId: string, namespaces: string[]): Promise<Snapshot> {
  const result = kanflow.policyRunResult(runId);
  let finished = false;
  void result.then(
    () => (finished = true),
    () => (finished = true),
  );
  const started = Date.now();
  const live = process.stdout.isTTY;
  let last = '';
  while (!finished) {
    const frame = table(runId, namespaces, await snapshot(kanflow, runId, namespaces), Date.now() - started);
    if (live) logUpdate(frame);
    else if (frame.split('\n').slice(1).join('\n') !== last.split('\n').slice(1).join('\n')) say(frame);
    last = frame;
    await sleep(1000);
  }
  await result;
  const final = await snapshot(kanflow, runId, namespaces);
  const frame = table(runId, namespaces, final, Date.now() - started);
  if (live) {
    logUpdate(frame);
    logUpdate.done();
  } else {
    say(frame);
  }
  return final;
}

async function main(): Promise<number> {
  const currentContext = args['use-current-context'];
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => say(`while stopping: ${String(error)}`));
    stops.length = 0;
  };
  // The demo handles Ctrl-C itself, so that it stops the worker, the cluster and the server in order.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  let interrupted = false;
  let wakeUp: () => void = () => {};
  const interruptedPromise = new Promise<void>((resolve) => (wakeUp = resolve));
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say('\nstopping…');
    wakeUp();
  });

  try {
    say('kanflow demo: Temporal dev server + Kubernetes + a policy with execution hooks over 3 namespaces\n');
    // The dev server and the cluster start side by side; whatever started is stopped again on any failure.
    const [serverResult, clusterResult] = await Promise.allSettled([
      startDevServer({ ui: !process.env.TEMPORAL_ADDRESS, readyTimeoutMs: 120_000, log: (line) => say(`temporal: ${line}`) }).then((s) => {
        stops.push(() => s.stop());
        if (!s.owned) say(`temporal: using TEMPORAL_ADDRESS=${s.address}`);
        return s;
      }),
      currentContext
        ? Promise.resolve(undefined)
        : startCluster().then((c) => {
            stops.push(async () => {
              if (!c.startedHere) {
                // A cluster we did not start keeps running: take the sample namespaces (and their pods) away.
                const clients = createKubeClients(loadKubeConfig(c.kubeconfigPath));
                for (const ns of NAMESPACES) {
                  await clients.core.deleteNamespace({ name: ns }).catch((error: unknown) => say(`deleting namespace ${ns}: ${describeApiError(error)}`));
                }
              }
              await c.stop();
            });
            return c;
          }),
    ]);
    if (serverResult.status === 'rejected') throw serverResult.reason;
    if (clusterResult.status === 'rejected') throw clusterResult.reason;
    const server: DevServer = serverResult.value;
    const cluster: LocalCluster | undefined = clusterResult.value;
    const clients = createKubeClients(loadKubeConfig(cluster?.kubeconfigPath));
    if (!cluster) {
      say(`cluster: current kubeconfig context "${clients.kubeConfig.getCurrentContext()}" (${clients.kubeConfig.getCurrentCluster()?.server})`);
    }

    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stops.push(async () => {
      await nativeConnection.close();
      await connection.close();
    });
    if (!server.owned) await ensureSearchAttributes(connection, server.namespace);
    const client = new Client({ connection, namespace: server.namespace });

    await prepareCluster(clients, currentContext);
    for (const ns of NAMESPACES) await prepareNamespace(clients, ns);
    say(`namespaces: ${NAMESPACES.join(', ')} (a ConfigMap and a Deployment each; labels migrate=true, ${DEMO_LABEL}=true)`);
    await applyBlueprint(clients);
    say(`blueprint: ${K10}/${BLUEPRINT} (pre-export emits an artifact; post-export removes the migrate label and prints it; post-export-failed records a failure)`);

    const deps = createRealDeps({ kubeconfigPath: cluster?.kubeconfigPath, k10Namespace: K10, temporalClient: client, onWarning: (w) => say(`blueprint warning: ${w}`) });
    const worker: Worker = await createKanflowWorker({ connection: nativeConnection, namespace: server.namespace, taskQueue: TASK_QUEUE, deps });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    say(`worker: running in this process on task queue ${TASK_QUEUE}\n`);

    const kanflow = new KanflowClient(client, TASK_QUEUE);
    const exportDir = exportDirectory();
    const hooks = {
      preHook: { blueprint: BLUEPRINT, actionName: 'pre-export' },
      onSuccess: { blueprint: BLUEPRINT, actionName: 'post-export' },
      onFailure: { blueprint: BLUEPRINT, actionName: 'post-export-failed' },
    };
    const handle = await kanflow.startPolicyRun({
      name: POLICY,
      k10Namespace: K10,
      selector: { labelSelector: { matchLabels: { [DEMO_LABEL]: 'true', migrate: 'true' } } },
      actions: [{ action: 'backup' }, { action: 'export', hooks, location: { type: 'filesystem', path: exportDir } }],
    });
    const runId = handle.workflowId;
    say(`policy ${POLICY}: backup, then export with preHook=${hooks.preHook.actionName} onSuccess=${hooks.onSuccess.actionName} onFailure=${hooks.onFailure.actionName}`);
    say(`selector: ${DEMO_LABEL}=true,migrate=true\n`);
    const final = await followRun(kanflow, runId, NAMESPACES);
    const result = await kanflow.policyRunResult(runId);

    say('');
    if (server.uiAddress) {
      say(`Temporal UI:    ${server.uiAddress}/namespaces/${server.namespace}/workflows/${encodeURIComponent(runId)}`);
      say(`  all actions:  ${server.uiAddress}/namespaces/${server.namespace}/workflows?query=${encodeURIComponent(`KanflowPolicy = "${POLICY}"`)}`);
    } else {
      say(`Temporal:       ${server.address} (workflow ${runId})`);
    }
    say('');
    for (const ns of NAMESPACES) {
      const backup = final.ledgers.get(childId(runId, ns, 0, 'backup'));
      const exported = final.ledgers.get(childId(runId, ns, 1, 'export'));
      const points = await listRestorePoints(clients, K10, ns);
      const point = points.find((p) => p.name === backup?.restorePoint?.name);
      const meta = (await clients.core.readNamespace({ name: ns })).metadata;
      const labels = Object.entries(meta?.labels ?? {})
        .filter(([key]) => key !== 'kubernetes.io/metadata.name')
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
      say(`${ns}: ${result.outcomes[ns] ?? 'not selected'}`);
      if (point) {
        const kinds = Object.entries(point.kinds).map(([kind, n]) => `${n} ${kind}`).join(', ');
        say(`  restore point: ${K10}/${point.name} (${kinds}; sha256 ${point.sha256.slice(0, 12)}…; ${points.length} in total for ${ns})`);
      }
      if (exported?.exportLocation) say(`  exported to:   ${exported.exportLocation}`);
      const artifact = exported?.artifacts.exportInfo?.keyValue;
      if (artifact) say(`  artifact:      exportInfo ${JSON.stringify(artifact)} (preHook → onSuccess .ArtifactsIn)`);
      say(`  labels now:    ${labels || '(none)'}${meta?.labels?.migrate === undefined ? '   ← migrate removed by onSuccess' : ''}`);
      const annotation = meta?.annotations?.['kanflow.io/exported-at'] ?? meta?.annotations?.['kanflow.io/export-failed'];
      if (annotation) say(`  annotation:    ${meta?.annotations?.['kanflow.io/exported-at'] ? 'kanflow.io/exported-at' : 'kanflow.io/export-failed'}=${annotation.trim()}`);
      if (exported?.error) say(`  error:         ${exported.error}`);
    }
    say(`\nexports directory: ${exportDir}`);
    say(`policy run: ${result.succeeded} succeeded, ${result.failed} failed, ${result.cancelled} cancelled`);
    if (currentContext) say(`(the sample namespaces stay in your cluster: kubectl delete namespace ${NAMESPACES.join(' ')})`);

    if (!args.once && !interrupted) {
      say('\nThe Temporal server, the cluster and the worker keep running. Try:');
      if (cluster) say(`  export KUBECONFIG=${cluster.kubeconfigPath}; kubectl get blueprint -n ${K10}; kubectl get ns --show-labels`);
      say(`  TEMPORAL_ADDRESS=${server.address} node dist/client/cli.js status ${runId}`);
      say('Press Ctrl-C to stop everything.');
      await interruptedPromise;
    }
    return result.failed + result.cancelled === 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? describeApiError(error) : String(error)}`);
    process.exit(1);
  },
);
