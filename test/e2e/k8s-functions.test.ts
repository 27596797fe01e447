// Kanister functions, the hook runner, the namespace lock and the main actions against the local cluster
// (scripts/k8s-local.sh: real API server; pod commands run as host processes).
import '../../k8s/node-compat.js';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HookRunInput } from '../../activities/deps.js';
import type { Blueprint } from '../../kanister/blueprint.js';
import { loadBlueprints } from '../../kanister/blueprint.js';
import type { KubeClients } from '../../k8s/client.js';
import { createKubeClients, loadKubeConfig } from '../../k8s/client.js';
import { createKubeExec } from '../../k8s/functions/kube-exec.js';
import { buildFunctionPod, createKubeTask, MAIN_CONTAINER } from '../../k8s/functions/kube-task.js';
import { createScaleWorkload } from '../../k8s/functions/scale-workload.js';
import { HookTimeoutError, KubeHookRunner } from '../../k8s/hook-runner.js';
import { startLocalCluster } from '../../k8s/local-cluster.js';
import type { LocalCluster } from '../../k8s/local-cluster.js';
import { backupNamespace } from '../../k8s/main/backup.js';
import { exportRestorePoint, importExport } from '../../k8s/main/export.js';
import { restoreNamespace } from '../../k8s/main/restore.js';
import { listRestorePoints, readRestorePoint } from '../../k8s/main/restore-points.js';
import { LeaseNamespaceLockStore } from '../../k8s/namespace-lock.js';
import { podNameFor } from '../../k8s/naming.js';
import { RESOURCE_KEY_LABEL, readPod, waitForPodStarted } from '../../k8s/pods.js';
import { functionContext } from '../support/function-context.js';

const K10 = 'kasten-io';
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const NS = `kf-e2e-${RUN}`;

let cluster: LocalCluster;
let clients: KubeClients;
let workDir: string;


async function podsWithKey(namespace: string, key: string): Promise<string[]> {
  const list = await clients.core.listNamespacedPod({ namespace, labelSelector: `${RESOURCE_KEY_LABEL}=${key}` });
  return list.items.map((p) => p.metadata!.name!);
}

async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await clients.core.createNamespace({ body: { metadata: { name, labels } } });
}

before(async () => {
  cluster = await startLocalCluster();
  clients = createKubeClients(loadKubeConfig(cluster.kubeconfigPath));
  workDir = await mkdtemp(join(tmpdir(), 'kanflow-k8s-e2e-'));
  await createNamespace(NS);
  // K10's service account, which the source document's hook blueprint names in its podOverride.
  await clients.core.createNamespacedServiceAccount({ namespace: K10, body: { metadata: { name: 'k10-k10' } } }).catch(() => {});
});

after(async () => {
  for (const name of [NS, `${NS}-restored`, `${NS}-hook`]) await clients?.core.deleteNamespace({ name }).catch(() => {});
  await cluster?.stop();
});

describe('KubeTask', () => {
  it('runs a real command, returns its phase output and deletes its pod', async () => {
    const key = `kt-run-${RUN}`;
    const ctx = functionContext(key);
    const output = await createKubeTask(clients).execute(
      { image: 'busybox', command: ['sh', '-c', 'echo working; echo "###Phase-output###: {\\"key\\":\\"answer\\",\\"value\\":\\"42\\"}"'] },
      ctx,
    );
    assert.deepEqual(output, { answer: '42' });
    assert.ok(ctx.lines.includes('working'), `logs streamed: ${JSON.stringify(ctx.lines)}`);
    assert.deepEqual(ctx.checkpoints.map((c) => c.state), ['created', 'started', 'succeeded']);
    assert.deepEqual(await podsWithKey(K10, podNameFor(key)), []);
  });

  it('R6: re-attaches to the pod an earlier attempt created instead of creating a second one', async () => {
    const key = `kt-reattach-${RUN}`;
    const runs = join(workDir, 'reattach-runs.txt');
    const podName = podNameFor(key);
    // What a crashed first attempt left behind: its pod, running, and a checkpoint naming it.
    await clients.core.createNamespacedPod({
      namespace: K10,
      body: buildFunctionPod({
        functionName: 'KubeTask',
        name: podName,
        namespace: K10,
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: MAIN_CONTAINER, image: 'busybox', command: ['sh', '-c', `echo run >> ${runs}; sleep 2; echo '###Phase-output###: {"key":"k","value":"v"}'`] }],
        },
      }),
    });
    await waitForPodStarted(clients, K10, podName, { signal: new AbortController().signal });
    const ctx = functionContext(key, { checkpoint: { podName, namespace: K10, state: 'started' } });
    const output = await createKubeTask(clients).execute({ image: 'busybox', command: ['sh', '-c', `echo run >> ${runs}; echo never`] }, ctx);
    assert.deepEqual(output, { k: 'v' });
    assert.equal((await readFile(runs, 'utf8')).trim().split('\n').length, 1, 'the command ran exactly once');
    assert.deepEqual(await podsWithKey(K10, podName), []);
  });

  it('C1: cancellation deletes the pod', async () => {
    const key = `kt-cancel-${RUN}`;
    const controller = new AbortController();
    const ctx = functionContext(key, {
      signal: controller.signal,
      saveCheckpoint: async (checkpoint) => {
        if (checkpoint.state === 'started') setTimeout(() => controller.abort(new Error('cancelled by test')), 300);
      },
    });
    await assert.rejects(createKubeTask(clients).execute({ image: 'busybox', command: ['sh', '-c', 'sleep 60'] }, ctx), /cancelled by test/);
    assert.equal(await readPod(clients, K10, podNameFor(key)), undefined);
  });

  it('reports a failing command with its exit code and last log lines, and deletes the pod', async () => {
    const key = `kt-fail-${RUN}`;
    await assert.rejects(
      createKubeTask(clients).execute({ image: 'busybox', command: ['sh', '-c', 'echo before-failing; exit 3'] }, functionContext(key)),
      /exit code 3[\s\S]*before-failing/,
    );
    assert.equal(await readPod(clients, K10, podNameFor(key)), undefined);
  });
});

describe('KubeExec', () => {
  it('runs a command in a running pod and parses stdout for phase output', async () => {
    const pod = `exec-target-${RUN}`;
    await clients.core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: pod, namespace: NS }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', command: ['sleep', '120'] }] } },
    });
    await waitForPodStarted(clients, NS, pod, { signal: new AbortController().signal });
    const exec = createKubeExec(clients);
    const output = await exec.execute(
      { namespace: NS, pod, container: 'app', command: ['sh', '-c', 'echo "###Phase-output###: {\\"key\\":\\"pod\\",\\"value\\":\\"seen\\"}"'] },
      functionContext(`ke-${RUN}`),
    );
    assert.deepEqual(output, { pod: 'seen' });
    await assert.rejects(exec.execute({ namespace: NS, pod, command: ['sh', '-c', 'echo oops >&2; exit 4'] }, functionContext(`ke2-${RUN}`)), /exit code 4[\s\S]*oops/);
    await clients.core.deleteNamespacedPod({ namespace: NS, name: pod, gracePeriodSeconds: 0 });
  });
});

describe('ScaleWorkload', () => {
  it('scales a Deployment, waits for ready and outputs originalReplicaCount', async () => {
    const name = 'scaled';
    await clients.apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '300'] }] } },
        },
      },
    });
    const scale = createScaleWorkload(clients);
    const output = await scale.execute({ namespace: NS, name, kind: 'Deployment', replicas: '2' }, functionContext(`sw-${RUN}`));
    assert.deepEqual(output, { originalReplicaCount: 0 });
    const deployment = await clients.apps.readNamespacedDeployment({ namespace: NS, name });
    assert.equal(deployment.spec?.replicas, 2);
    assert.equal(deployment.status?.readyReplicas, 2);
    const back = await scale.execute({ namespace: NS, name, kind: 'deployment', replicas: 0 }, functionContext(`sw2-${RUN}`));
    assert.deepEqual(back, { originalReplicaCount: 2 });
  });
});

describe('namespace lock (Lease)', () => {
  it('S4: excludes a second holder and allows takeover of a dead holder', async () => {
    const locks = new LeaseNamespaceLockStore(clients, K10);
    const target = `locked-${RUN}`;
    assert.deepEqual(await locks.tryAcquire(target, 'action-a'), { acquired: true });
    assert.deepEqual(await locks.tryAcquire(target, 'action-a'), { acquired: true }, 'reentrant for the holder');
    assert.deepEqual(await locks.tryAcquire(target, 'action-b'), { acquired: false, holder: 'action-a' });
    assert.deepEqual(await locks.tryAcquire(target, 'action-b', 'action-x'), { acquired: false, holder: 'action-a' }, 'takeover names the wrong holder');
    assert.deepEqual(await locks.tryAcquire(target, 'action-b', 'action-a'), { acquired: true }, 'takeover of the dead holder');
    await locks.release(target, 'action-a'); // no longer the holder: a no-op
    assert.equal(await locks.holderOf(target), 'action-b');
    await locks.release(target, 'action-b');
    assert.equal(await locks.holderOf(target), undefined);
    const contenders = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((holder) => locks.tryAcquire(target, holder)));
    assert.equal(contenders.filter((c) => c.acquired).length, 1, 'exactly one concurrent contender wins');
  });
});

describe('backup, export, restore', () => {
  it('round-trips a namespace with a ConfigMap and a Deployment', async () => {
    await clients.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'settings', labels: { app: 'demo' } }, data: { color: 'blue' } } });
    const signal = new AbortController().signal;
    const heartbeat = (): void => {};
    const info = await backupNamespace(clients, NS, { k10Namespace: K10, actionId: `backup-${RUN}`, signal, heartbeat });
    assert.equal(info.kinds.ConfigMap, 1);
    assert.equal(info.kinds.Deployment, 1);
    const again = await backupNamespace(clients, NS, { k10Namespace: K10, actionId: `backup-${RUN}`, signal, heartbeat });
    assert.deepEqual(again, info, 'a retried backup returns the same restore point');
    assert.ok((await listRestorePoints(clients, K10, NS)).some((rp) => rp.name === info.name));

    const exportDir = join(workDir, 'exports');
    const exported = await exportRestorePoint(clients, K10, info.name, exportDir);
    assert.equal(exported.path, join(exportDir, `${info.sha256}.kanflow.json.gz`));
    assert.equal((await exportRestorePoint(clients, K10, info.name, exportDir)).written, false, 'idempotent export');
    const imported = await importExport(exported.path);
    assert.equal(imported.bundle.objects.length, info.objectCount);
    const corrupt = join(exportDir, (await readdir(exportDir))[0]!);
    const good = await readFile(corrupt);
    await writeFile(corrupt, Buffer.concat([good, Buffer.from('x')]));
    await assert.rejects(importExport(corrupt), /checksum mismatch/);
    await writeFile(corrupt, good);

    const target = `${NS}-restored`;
    const { bundle } = await readRestorePoint(clients, K10, info.name);
    const options = { signal, heartbeat, log: () => {} };
    const first = await restoreNamespace(clients, bundle, target, options);
    assert.ok(first.created.includes(`ConfigMap ${target}/settings`));
    assert.ok(first.created.includes(`Deployment ${target}/scaled`));
    const settings = await clients.core.readNamespacedConfigMap({ namespace: target, name: 'settings' });
    assert.deepEqual(settings.data, { color: 'blue' });
    const second = await restoreNamespace(clients, bundle, target, options);
    assert.deepEqual(second.created, []);
    assert.equal(second.unchanged.length, bundle.objects.length, `idempotent restore: ${JSON.stringify(second)}`);
  });
});

describe('hook runner', () => {
  const hookBlueprint = (): Blueprint =>
    loadBlueprints(
      `apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata:
  name: hook-blueprint
  namespace: kasten-io
actions:
  before-backup:
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
  slow:
    phases:
    - func: KubeTask
      name: slowPhase
      args:
        image: busybox
        command: [sh, -c, "sleep 60"]
`,
      'hook-blueprint.yaml',
    ).blueprints[0]!;

  const input = (actionName: string, subjectNamespace: string, deadlineMs: number): HookRunInput => ({
    actionId: `hook-${actionName}-${RUN}`,
    slot: 'preHook',
    attempt: 1,
    ref: { blueprint: 'hook-blueprint', actionName },
    blueprint: hookBlueprint(),
    subjectNamespace,
    k10Namespace: K10,
    artifactsIn: {},
    options: {},
    deadlineMs,
  });

  const hookContext = (lines: string[] = []) => ({
    signal: new AbortController().signal,
    saveCheckpoint: async () => {},
    heartbeat: () => {},
    log: (line: string) => lines.push(line),
  });

  it("N2: the source document's example Blueprint removes the migrate label from a real namespace", async () => {
    const subject = `${NS}-hook`;
    await createNamespace(subject, { migrate: 'true', keep: 'yes' });
    const lines: string[] = [];
    const started = Date.now();
    const result = await new KubeHookRunner(clients).run(input('before-backup', subject, Date.now() + 120_000), hookContext(lines));
    const elapsed = Date.now() - started;
    console.log(`[timing] example hook (KubeTask running kubectl patch) took ${elapsed} ms end to end`);
    assert.deepEqual(result.phases, [{ name: 'hookPhase', output: {} }]);
    const namespace = await clients.core.readNamespace({ name: subject });
    assert.equal(namespace.metadata?.labels?.migrate, undefined, `label removed; pod log: ${lines.join(' | ')}`);
    assert.equal(namespace.metadata?.labels?.keep, 'yes');
  });

  it('R7: a hook past its deadline fails as timed out and its pod is deleted', async () => {
    const hookInput = input('slow', NS, Date.now() + 3_000);
    await assert.rejects(new KubeHookRunner(clients).run(hookInput, hookContext()), (error: unknown) => {
      assert.ok(error instanceof HookTimeoutError, String(error));
      assert.match((error as Error).message, /timed out/);
      return true;
    });
    const pods = await clients.core.listNamespacedPod({ namespace: K10, labelSelector: 'kanflow.io/function=KubeTask' });
    assert.deepEqual(pods.items.filter((p) => p.metadata?.name?.includes('slow')).map((p) => p.metadata?.name), []);
  });
});
