// End to end: actions and policy runs through a real kanflow worker (createRealDeps) and the Temporal dev
// server, against the local cluster (scripts/k8s-local.sh). Hook Blueprints are Blueprint custom resources in
// kasten-io; their KubeTask pods run as host processes, so hook commands record what they did in host files.
import '../../k8s/node-compat.js';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KanflowClient } from '../../client/index.js';
import { ledgerTable } from '../../client/format.js';
import type { KubeClients } from '../../k8s/client.js';
import { createKubeClients, loadKubeConfig } from '../../k8s/client.js';
import { startLocalCluster, type LocalCluster } from '../../k8s/local-cluster.js';
import { importExport } from '../../k8s/main/export.js';
import { readPod } from '../../k8s/pods.js';
import type { ActionLedger } from '../../workflows/messages.js';
import { eventually, FAST, stepOf } from '../helpers/actions.js';
import { connectTestTemporal, type TestTemporal } from '../helpers/temporal.js';
import {
  applyBlueprint,
  checkpointsOf,
  cleanupNamespaces,
  createSubjectNamespace,
  deleteBlueprint,
  ensureServiceAccount,
  K10,
  lockLeaseExists,
  namespaceMetadata,
  readLines,
  restorePointsOf,
  startRealWorker,
  type RealWorker,
} from '../support/e2e-cluster.js';

const RUN = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
const crashWorkerScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'e2e-crash-worker.js');

let cluster: LocalCluster;
let clients: KubeClients;
let temporal: TestTemporal;
let worker: RealWorker;
let kanflow: KanflowClient;
let workDir: string;
let exportDir: string;
/** Blueprint names of this run (unique, except the source document's `hook-blueprint`). */
let hooksBp: string;
let profileBp: string;

before(async () => {
  cluster = await startLocalCluster();
  clients = createKubeClients(loadKubeConfig(cluster.kubeconfigPath));
  temporal = await connectTestTemporal();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'kanflow-e2e-hooks-'));
  exportDir = path.join(workDir, 'exports');
  await ensureServiceAccount(clients, 'k10-k10'); // named by the source document's podOverride
  await applyBlueprint(clients, 'hook-blueprint.yaml');
  hooksBp = await applyBlueprint(clients, 'e2e-hooks.yaml', `e2e-hooks-${RUN}`);
  profileBp = await applyBlueprint(clients, 'profile-hook.yaml', `e2e-profile-hook-${RUN}`);
  worker = await startRealWorker(temporal, cluster.kubeconfigPath);
  kanflow = worker.kanflow;
});

after(async () => {
  await worker?.stop();
  if (clients) for (const name of [hooksBp, profileBp]) if (name) await deleteBlueprint(clients, name);
  await temporal?.close();
  await cluster?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Namespaces of one test, deleted (with their restore points) when it ends. */
async function withNamespaces<T>(names: string[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await cleanupNamespaces(clients, names);
  }
}

const hook = (blueprint: string, actionName: string) => ({ blueprint, actionName });

function explain(ledger: ActionLedger): string {
  return `\n${ledgerTable(ledger)}`;
}

test("the source document's example: hook-blueprint as onSuccess of an export removes the migrate label", async () => {
  const ns = `e2e-doc-${RUN}`;
  await withNamespaces([ns], async () => {
    await createSubjectNamespace(clients, ns, { labels: { migrate: 'true', keep: 'yes' }, deployment: true });

    const backup = await kanflow.startAction({ kind: 'backup', namespace: ns, ...FAST });
    const backupLedger = await kanflow.actionResult(backup.workflowId);
    assert.equal(backupLedger.outcome, 'succeeded', explain(backupLedger));
    const restorePoint = backupLedger.restorePoint;
    assert.ok(restorePoint, 'the backup produced a restore point');
    assert.equal((await namespaceMetadata(clients, ns)).labels.migrate, 'true', 'backup had no hook: the label is still there');

    const exported = await kanflow.startAction({
      kind: 'export',
      namespace: ns,
      restorePoint: restorePoint.name,
      location: { type: 'filesystem', path: exportDir },
      hooks: { onSuccess: hook('hook-blueprint', 'before-backup') },
      ...FAST,
    });
    const ledger = await kanflow.actionResult(exported.workflowId);
    assert.equal(ledger.outcome, 'succeeded', explain(ledger));
    assert.equal(stepOf(ledger, 'onSuccess').state, 'succeeded');

    const { labels } = await namespaceMetadata(clients, ns);
    assert.equal(labels.migrate, undefined, `the migrate label was removed: ${JSON.stringify(labels)}`);
    assert.equal(labels.keep, 'yes', 'other labels are untouched');

    // The backup's restore point is in the K10 namespace, and the export wrote it to a file.
    const points = await restorePointsOf(clients, ns);
    assert.deepEqual(points.map((p) => p.name), [restorePoint.name]);
    assert.equal(points[0]!.kinds.ConfigMap, 1);
    assert.equal(points[0]!.kinds.Deployment, 1);
    assert.ok(ledger.exportLocation?.startsWith(exportDir), `export location ${ledger.exportLocation}`);
    assert.ok(existsSync(ledger.exportLocation!));
    const { bundle, sha256 } = await importExport(ledger.exportLocation!);
    assert.equal(bundle.namespace, ns);
    assert.equal(sha256, points[0]!.sha256, 'the file holds exactly the restore point');
  });
});

test('A1: a preHook emits an output artifact through a phase output, read by onSuccess through .ArtifactsIn', async () => {
  const ns = `e2e-a1-${RUN}`;
  await withNamespaces([ns], async () => {
    await createSubjectNamespace(clients, ns);
    const handle = await kanflow.startAction({
      kind: 'backup',
      namespace: ns,
      hooks: { preHook: hook(hooksBp, 'emit-snapshot'), onSuccess: hook(hooksBp, 'record-snapshot') },
      ...FAST,
    });
    const ledger = await kanflow.actionResult(handle.workflowId);
    assert.equal(ledger.outcome, 'succeeded', explain(ledger));
    assert.deepEqual(ledger.artifacts, { snap: { keyValue: { id: 'snap-123' } } }, 'A2: the artifact is part of the result');
    assert.deepEqual(stepOf(ledger, 'preHook').artifacts, { snap: { keyValue: { id: 'snap-123' } } });
    const { annotations } = await namespaceMetadata(clients, ns);
    assert.equal(annotations['kanflow.io/snapshot-id'], 'snap-123', 'onSuccess rendered .ArtifactsIn.snap.KeyValue.id');
  });
});

test('R2, O4: a failing preHook is retried, then onFailure runs, and main never touches the namespace', async () => {
  const ns = `e2e-r2-${RUN}`;
  const file = path.join(workDir, 'r2.log');
  await withNamespaces([ns], async () => {
    await createSubjectNamespace(clients, ns);
    const handle = await kanflow.startAction({
      kind: 'backup',
      namespace: ns,
      hooks: { preHook: hook(hooksBp, 'failing-pre'), onFailure: hook(hooksBp, 'record-failure') },
      options: { file },
      hookRetryLimit: 3,
      ...FAST,
    });
    const ledger = await kanflow.actionResult(handle.workflowId);
    assert.equal(ledger.outcome, 'failed', explain(ledger));

    const lines = readLines(file);
    const attempts = lines.filter((l) => l.startsWith('attempt '));
    assert.equal(attempts.length, 3, `three attempts ran: ${JSON.stringify(lines)}`);
    assert.equal(new Set(attempts).size, 3, 'each attempt ran in a pod of its own, from the first phase');
    assert.deepEqual(lines.filter((l) => l.startsWith('onFailure')), [`onFailure ${ns}`], 'onFailure ran once, after the last attempt');
    assert.equal(lines.at(-1), `onFailure ${ns}`);

    const preHook = stepOf(ledger, 'preHook');
    assert.equal(preHook.state, 'failed');
    assert.equal(preHook.attempts, 3);
    assert.match(preHook.error ?? '', /exit code 7/);
    assert.equal(stepOf(ledger, 'main').state, 'skipped');
    assert.equal(stepOf(ledger, 'main').attempts, 0);
    assert.equal(stepOf(ledger, 'onSuccess').state, 'skipped');
    assert.equal(stepOf(ledger, 'onFailure').state, 'succeeded');

    const recorded = await clients.core.readNamespacedConfigMap({ namespace: ns, name: 'kanflow-hook-failure' });
    assert.match(recorded.data?.reason ?? '', /exit code 7/, 'onFailure got the failure reason as .Options.failureReason');
    assert.deepEqual(await restorePointsOf(clients, ns), [], 'main never ran: no restore point');
    assert.equal(await lockLeaseExists(clients, ns), false, 'S4: the lock was released');
  });
});

test("N3: a policy over 3 namespaces runs each hook's pod once per namespace", async () => {
  const namespaces = ['one', 'two', 'three'].map((n) => `e2e-n3-${n}-${RUN}`).sort();
  const file = path.join(workDir, 'n3.log');
  await withNamespaces(namespaces, async () => {
    for (const ns of namespaces) await createSubjectNamespace(clients, ns, { labels: { 'kanflow.io/e2e-n3': RUN } });
    const hooks = { preHook: hook(hooksBp, 'record-pre'), onSuccess: hook(hooksBp, 'record-post') };
    const handle = await kanflow.startPolicyRun({
      name: `e2e-n3-${RUN}`,
      selector: { labelSelector: { matchLabels: { 'kanflow.io/e2e-n3': RUN } } },
      actions: [
        { action: 'backup', hooks, options: { file, step: 'backup' }, ...FAST },
        { action: 'export', hooks, location: { type: 'filesystem', path: exportDir }, options: { file, step: 'export' }, ...FAST },
      ],
    });
    const result = await kanflow.policyRunResult(handle.workflowId);
    assert.equal(result.total, 3);
    assert.equal(result.succeeded, 3, JSON.stringify(result.errors));
    assert.deepEqual(Object.keys(result.outcomes).sort(), namespaces);

    const lines = readLines(file);
    const runs = lines.map((l) => l.split(' ').slice(0, 3).join(' ')).sort();
    const expected = namespaces.flatMap((ns) => ['backup', 'export'].flatMap((step) => [`${step} preHook ${ns}`, `${step} onSuccess ${ns}`])).sort();
    assert.deepEqual(runs, expected, 'every hook ran exactly once per namespace');
    const pods = lines.map((l) => l.split(' ')[3]);
    assert.equal(new Set(pods).size, 12, `twelve hook pods: ${JSON.stringify(pods)}`);

    for (const ns of namespaces) {
      const ledger = await kanflow.actionStatus(`${handle.workflowId}/${ns}/1-export`);
      assert.equal(ledger.outcome, 'succeeded', explain(ledger));
      assert.equal((await restorePointsOf(clients, ns)).length, 1, `N4: ${ns}'s export exported its own backup`);
      assert.ok(ledger.exportLocation && existsSync(ledger.exportLocation));
    }
  });
});

test('C1, C2: cancel during a long KubeTask deletes the pod and runs onFailure', async () => {
  const ns = `e2e-c1-${RUN}`;
  const file = path.join(workDir, 'c1.log');
  await withNamespaces([ns], async () => {
    await createSubjectNamespace(clients, ns);
    const handle = await kanflow.startAction({
      kind: 'backup',
      namespace: ns,
      hooks: { preHook: hook(hooksBp, 'slow'), onFailure: hook(hooksBp, 'record-failure') },
      options: { file, sleep: '120' },
      ...FAST,
    });
    await eventually(() => readLines(file).length > 0, 60_000, 'the slow KubeTask to start');
    const podName = readLines(file)[0]!;
    assert.ok(await readPod(clients, K10, podName), `pod ${podName} is running`);

    const cancelledAt = Date.now();
    await kanflow.cancel(handle.workflowId);
    const ledger = await kanflow.actionResult(handle.workflowId);
    const elapsed = Date.now() - cancelledAt;
    assert.equal(ledger.outcome, 'cancelled', explain(ledger));
    assert.equal((await handle.describe()).status.name, 'CANCELLED', 'C4');
    assert.ok(elapsed < 60_000, `the 120 s command was stopped, not awaited (${elapsed} ms)`);
    assert.equal(await readPod(clients, K10, podName), undefined, 'C1: the hook pod was deleted');

    assert.equal(stepOf(ledger, 'preHook').state, 'cancelled');
    assert.equal(stepOf(ledger, 'main').state, 'skipped');
    assert.equal(stepOf(ledger, 'onSuccess').state, 'skipped');
    assert.equal(stepOf(ledger, 'onFailure').state, 'succeeded', 'C2: onFailure ran to completion');
    assert.deepEqual(readLines(file).slice(1), [`onFailure ${ns}`]);
    const recorded = await clients.core.readNamespacedConfigMap({ namespace: ns, name: 'kanflow-hook-failure' });
    assert.match(recorded.data?.reason ?? '', /cancel/, 'C2: the cancellation is onFailure\'s failure reason');
    assert.deepEqual(await restorePointsOf(clients, ns), []);
  });
});

function startCrashWorker(taskQueue: string): Promise<ChildProcess> {
  const child = fork(crashWorkerScript, [], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, E2E_TASK_QUEUE: taskQueue, KUBECONFIG: cluster.kubeconfigPath },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`crash worker exited with ${code} before it was ready`)));
  });
}

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

test('R6: the worker killed during a KubeTask; the new worker re-attaches and the command ran once', async () => {
  const ns = `e2e-r6-${RUN}`;
  const file = path.join(workDir, 'r6.log');
  const taskQueue = temporal.taskQueue('e2e-crash');
  const crashKanflow = new KanflowClient(temporal.client, taskQueue);
  let first: ChildProcess | undefined;
  let second: ChildProcess | undefined;
  await withNamespaces([ns], async () => {
    try {
      await createSubjectNamespace(clients, ns);
      first = await startCrashWorker(taskQueue);
      const handle = await crashKanflow.startAction({
        kind: 'backup',
        namespace: ns,
        hooks: { preHook: hook(hooksBp, 'slow') },
        options: { file, sleep: '6' },
        heartbeatTimeoutSeconds: 3,
        ...FAST,
      });
      await eventually(() => readLines(file).length > 0, 60_000, 'the KubeTask command to start');
      const podName = readLines(file)[0]!;
      await new Promise((r) => setTimeout(r, 1000));
      await stopProcess(first, 'SIGKILL');
      assert.ok(await readPod(clients, K10, podName), 'the pod outlives the killed worker');

      second = await startCrashWorker(taskQueue);
      const ledger = await crashKanflow.actionResult(handle.workflowId);
      assert.equal(ledger.outcome, 'succeeded', explain(ledger));
      assert.deepEqual(readLines(file), [podName], 'the command ran exactly once');
      const preHook = stepOf(ledger, 'preHook');
      assert.equal(preHook.state, 'succeeded');
      assert.equal(preHook.attempts, 1, 'a worker crash is not a hook failure');
      assert.equal(await readPod(clients, K10, podName), undefined, 'the re-attached pod was cleaned up');
      assert.equal((await restorePointsOf(clients, ns)).length, 1);
      assert.deepEqual(await checkpointsOf(clients, ns), [], 'the hook checkpoint was removed once the hook succeeded');
    } finally {
      await stopProcess(first, 'SIGKILL');
      await stopProcess(second, 'SIGTERM');
    }
  });
});

test('S2: a hook blueprint that uses .Profile fails setup and changes nothing in the cluster', async () => {
  const ns = `e2e-s2-${RUN}`;
  const file = path.join(workDir, 's2.log');
  await withNamespaces([ns], async () => {
    await createSubjectNamespace(clients, ns, { labels: { app: 'shop' } });
    const before = await namespaceMetadata(clients, ns);
    const handle = await kanflow.startAction({
      kind: 'backup',
      namespace: ns,
      hooks: { preHook: hook(profileBp, 'upload'), onFailure: hook(hooksBp, 'record-failure') },
      options: { file },
      ...FAST,
    });
    const ledger = await kanflow.actionResult(handle.workflowId);
    assert.equal(ledger.outcome, 'failed', explain(ledger));
    const setup = stepOf(ledger, 'setup');
    assert.equal(setup.state, 'failed');
    assert.equal(setup.attempts, 1, 'invalid input is not retried');
    for (const needle of ['preHook', profileBp, 'upload', 'uploadPhase', '.Profile']) {
      assert.ok(setup.error?.includes(needle), `setup error names ${needle}: ${setup.error}`);
    }
    for (const step of ['preHook', 'main', 'onSuccess', 'onFailure']) {
      assert.equal(stepOf(ledger, step).state, 'skipped', `${step} did not run`);
      assert.equal(stepOf(ledger, step).attempts, 0);
    }

    // Nothing changed: no command ran, no label, no restore point, no lock, no failure record, no pod.
    assert.deepEqual(readLines(file), []);
    assert.deepEqual(await namespaceMetadata(clients, ns), before);
    assert.deepEqual(await restorePointsOf(clients, ns), []);
    assert.equal(await lockLeaseExists(clients, ns), false);
    assert.deepEqual(await checkpointsOf(clients, ns), []);
    const configMaps = await clients.core.listNamespacedConfigMap({ namespace: ns });
    assert.deepEqual(configMaps.items.map((c) => c.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'), ['settings']);
    const pods = await clients.core.listNamespacedPod({ namespace: K10, labelSelector: 'app.kubernetes.io/managed-by=kanflow' });
    const prefix = handle.workflowId.slice(0, 20).toLowerCase();
    assert.deepEqual(pods.items.map((p) => p.metadata?.name ?? '').filter((n) => n.startsWith(prefix)), []);
  });
});
