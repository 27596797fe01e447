// KubeExecAll, KubeOps, Wait, WaitV2, MultiContainerRun and ScaleWorkload's subject defaults against the local
// cluster (scripts/k8s-local.sh: real API server; pod commands run as host processes, images are ignored).
import '../../k8s/node-compat.js';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { KubeClients } from '../../k8s/client.js';
import { createKubeClients, isNotFound, loadKubeConfig } from '../../k8s/client.js';
import { createKubeExecAll } from '../../k8s/functions/kube-exec-all.js';
import { createKubeOps } from '../../k8s/functions/kube-ops.js';
import { createMultiContainerRun } from '../../k8s/functions/multi-container-run.js';
import { createFunctionRegistry } from '../../k8s/functions/registry.js';
import { createScaleWorkload } from '../../k8s/functions/scale-workload.js';
import { createWait, createWaitV2 } from '../../k8s/functions/wait.js';
import { startLocalCluster } from '../../k8s/local-cluster.js';
import type { LocalCluster } from '../../k8s/local-cluster.js';
import { podNameFor } from '../../k8s/naming.js';
import { readPod } from '../../k8s/pods.js';
import { functionContext } from '../support/function-context.js';

const RUN = `${process.pid}-${Date.now().toString(36)}`;

let cluster: LocalCluster;
let clients: KubeClients;
const namespaces: string[] = [];


/** A fresh namespace for one test, deleted in `after`. */
async function createNamespace(suffix: string): Promise<string> {
  const name = `kf-more-${suffix}-${RUN}`;
  await clients.core.createNamespace({ body: { metadata: { name } } });
  namespaces.push(name);
  return name;
}

function deploymentBody(name: string, replicas: number, containers: { name: string; env?: { name: string; value: string }[] }[] = [{ name: 'app' }]): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: containers.map((c) => ({ ...c, image: 'busybox', command: ['sleep', '3600'] })) },
      },
    },
  };
}

/** Polls until `probe` returns a value (test-side helper; the functions under test watch). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runningPodsOf(namespace: string, app: string, count: number): Promise<string[]> {
  return eventually(`${count} running pods of ${namespace}/${app}`, async () => {
    const list = await clients.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
    const running = list.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
    return running.length === count ? running.sort() : undefined;
  });
}

const output = (key: string, value: string): string => `echo "###Phase-output###: {\\"key\\":\\"${key}\\",\\"value\\":\\"${value}\\"}"`;

before(async () => {
  cluster = await startLocalCluster();
  clients = createKubeClients(loadKubeConfig(cluster.kubeconfigPath));
});

after(async () => {
  for (const name of namespaces) await clients?.core.deleteNamespace({ name }).catch(() => {});
  await cluster?.stop();
});

describe('KubeExecAll', () => {
  it('runs the command in every pod × container and merges their phase outputs; a failure names pod and exit code', async () => {
    const ns = await createNamespace('execall');
    const app = 'fleet';
    await clients.apps.createNamespacedDeployment({
      namespace: ns,
      // Exec runs with the container's environment: CONTAINER tells the two containers apart.
      body: deploymentBody(app, 2, [
        { name: 'app', env: [{ name: 'CONTAINER', value: 'app' }] },
        { name: 'sidecar', env: [{ name: 'CONTAINER', value: 'sidecar' }] },
      ]),
    });
    const pods = await runningPodsOf(ns, app, 2);
    const execAll = createKubeExecAll(clients);
    const ctx = functionContext(`kea-${RUN}`);
    const result = await execAll.execute(
      {
        namespace: ns,
        pods: ` ${pods.join('   ')} `, // Kanister splits with strings.Fields
        containers: 'app sidecar',
        command: ['sh', '-c', `echo plain-line; ${output('$HOSTNAME-$CONTAINER', '$CONTAINER@$HOSTNAME')}; ${output('common', '$HOSTNAME')}`],
      },
      ctx,
    );
    const expected: Record<string, string> = {};
    for (const pod of pods) for (const c of ['app', 'sidecar']) expected[`${pod}-${c}`] = `${c}@${pod}`;
    // `common` is printed by all four execs: the last one to finish wins (Kanister: order nondeterministic).
    const { common, ...rest } = result;
    assert.deepEqual(rest, expected);
    assert.ok(pods.includes(common as string), `common=${String(common)} is one of ${pods.join(', ')}`);
    assert.equal(ctx.lines.filter((l) => l.endsWith(': plain-line')).length, 4, `each exec logged: ${JSON.stringify(ctx.lines)}`);

    const [bad, good] = pods as [string, string];
    await assert.rejects(
      execAll.execute(
        { namespace: ns, pods: pods.join(' '), containers: 'app', command: ['sh', '-c', `if [ "$HOSTNAME" = ${bad} ]; then echo broken >&2; exit 7; fi; ${output('ok', 'yes')}`] },
        functionContext(`kea2-${RUN}`),
      ),
      (error: unknown) => {
        const message = (error as Error).message;
        assert.match(message, new RegExp(`pod ${ns}/${bad} container app: command failed with exit code 7[\\s\\S]*broken`));
        assert.ok(!message.includes(`${ns}/${good}`), `only the failing pod is named: ${message}`);
        return true;
      },
    );
  });
});

describe('KubeOps', () => {
  it('creates an object from a YAML spec, outputs its reference, and deletes it by objectReference', async () => {
    const ns = await createNamespace('kubeops');
    const kubeOps = createKubeOps(clients);
    const spec = `apiVersion: v1
kind: ConfigMap
metadata:
  name: made-by-kubeops
  labels:
    origin: kubeops
data:
  color: green
`;
    const created = await kubeOps.execute({ operation: 'create', namespace: ns, spec }, functionContext(`ko-${RUN}`));
    // Kanister's ObjectReference: apiVersion is the version only, group '' for the core group.
    assert.deepEqual(
      { apiVersion: created.apiVersion, group: created.group, resource: created.resource, name: created.name, namespace: created.namespace },
      { apiVersion: 'v1', group: '', resource: 'configmaps', name: 'made-by-kubeops', namespace: ns },
    );
    const cm = await clients.core.readNamespacedConfigMap({ namespace: ns, name: 'made-by-kubeops' });
    assert.deepEqual(cm.data, { color: 'green' });
    assert.equal(cm.metadata?.labels?.origin, 'kubeops');

    // A namespaced apps/v1 object: group and version come apart.
    const deployment = await kubeOps.execute(
      { operation: 'create', namespace: ns, spec: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', ...deploymentBody('ops-made', 0) }) },
      functionContext(`ko-dep-${RUN}`),
    );
    assert.deepEqual(
      { apiVersion: deployment.apiVersion, group: deployment.group, resource: deployment.resource, name: deployment.name, namespace: deployment.namespace },
      { apiVersion: 'v1', group: 'apps', resource: 'deployments', name: 'ops-made', namespace: ns },
    );

    // The create output fed back as the delete's objectReference, as `{{ .Phases.create.Output }}` would be.
    const deleted = await kubeOps.execute({ operation: 'delete', objectReference: { ...created } }, functionContext(`ko-del-${RUN}`));
    assert.equal(deleted.name, 'made-by-kubeops');
    assert.equal(deleted.namespace, ns);
    await assert.rejects(clients.core.readNamespacedConfigMap({ namespace: ns, name: 'made-by-kubeops' }), (e: unknown) => isNotFound(e));
    await kubeOps.execute({ operation: 'delete', objectReference: { ...deployment } }, functionContext(`ko-del2-${RUN}`));
    await assert.rejects(clients.apps.readNamespacedDeployment({ namespace: ns, name: 'ops-made' }), (e: unknown) => isNotFound(e));
  });

  it('delete returns only once the object is gone (Kanister waits for NotFound)', async () => {
    const ns = await createNamespace('kubeops-fin');
    const name = 'held';
    await clients.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, finalizers: ['kanflow.io/test-hold'] } } });
    const started = Date.now();
    let releasedAt = 0;
    const release = setTimeout(() => {
      releasedAt = Date.now();
      void clients.core.patchNamespacedConfigMap(
        { namespace: ns, name, body: [{ op: 'remove', path: '/metadata/finalizers' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
    }, 1_500);
    try {
      const ref = { apiVersion: 'v1', group: '', resource: 'configmaps', name, namespace: ns };
      await createKubeOps(clients).execute({ operation: 'delete', objectReference: ref }, functionContext(`ko-fin-${RUN}`));
    } finally {
      clearTimeout(release);
    }
    assert.ok(releasedAt > 0 && Date.now() >= releasedAt, `delete returned after ${Date.now() - started} ms, before the finalizer was removed`);
    await assert.rejects(clients.core.readNamespacedConfigMap({ namespace: ns, name }), (e: unknown) => isNotFound(e));
  });
});

describe('Wait and WaitV2', () => {
  const deploymentRef = (ns: string, name: string) => ({ apiVersion: 'v1', group: 'apps', resource: 'deployments', name, namespace: ns });

  it('Wait: returns once a `{ $.jsonpath }` condition holds, fails at the timeout when none does', async () => {
    const ns = await createNamespace('wait');
    const name = 'awaited';
    const wait = createWait(clients);
    // Started before the Deployment exists: a missing object is "not yet".
    const waiting = wait.execute(
      {
        timeout: '30s',
        conditions: {
          anyOf: [
            { condition: '{{ if (eq "{ $.status.availableReplicas }" "1") }}true{{ else }}false{{ end }}', objectReference: deploymentRef(ns, name) },
            { condition: '{{ if (eq "{ $.metadata.name }" "never-this") }}true{{ else }}false{{ end }}', objectReference: deploymentRef(ns, name) },
          ],
        },
      },
      functionContext(`wait-${RUN}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await clients.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody(name, 1) });
    assert.deepEqual(await waiting, {});
    const deployment = await clients.apps.readNamespacedDeployment({ namespace: ns, name });
    assert.equal(deployment.status?.availableReplicas, 1, 'Wait returned only once the Deployment was available');

    const started = Date.now();
    await assert.rejects(
      wait.execute(
        {
          timeout: '2s',
          conditions: { anyOf: [{ condition: '{{ if (eq "{ $.spec.replicas }" "5") }}true{{ else }}false{{ end }}', objectReference: deploymentRef(ns, name) }] },
        },
        functionContext(`wait-never-${RUN}`),
      ),
      /Wait \(phase "testPhase"\): conditions not met within 2s/,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1_900 && elapsed < 10_000, `failed after ${elapsed} ms`);
  });

  it('WaitV2: evaluates a Go template over the object; allOf needs every condition', async () => {
    const ns = await createNamespace('waitv2');
    const name = 'awaited2';
    await clients.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody(name, 0) });
    const waitV2 = createWaitV2(clients);
    const waiting = waitV2.execute(
      {
        timeout: '30s',
        conditions: {
          allOf: [
            { condition: '{{ if (eq .status.readyReplicas 2) }}true{{ else }}false{{ end }}', objectReference: deploymentRef(ns, name) },
            { condition: '{{ if (eq .spec.replicas 2) }}true{{ else }}false{{ end }}', objectReference: deploymentRef(ns, name) },
          ],
        },
      },
      functionContext(`waitv2-${RUN}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await clients.apps.patchNamespacedDeploymentScale(
      { namespace: ns, name, body: { spec: { replicas: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(await waiting, {});
    assert.equal((await clients.apps.readNamespacedDeployment({ namespace: ns, name })).status?.readyReplicas, 2);

    const started = Date.now();
    await assert.rejects(
      waitV2.execute(
        {
          timeout: '2s',
          conditions: {
            anyOf: [
              { condition: '{{ if (eq .spec.replicas 7) }}true{{ else }}false{{ end }}', objectReference: deploymentRef(ns, name) },
              // A template error counts as "not yet" (kubectl's go-template printer fails, Kanister ignores it).
              { condition: '{{ if (eq .status.noSuchField 1) }}true{{ end }}', objectReference: deploymentRef(ns, name) },
            ],
          },
        },
        functionContext(`waitv2-never-${RUN}`),
      ),
      /WaitV2 \(phase "testPhase"\): conditions not met within 2s/,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1_900 && elapsed < 10_000, `failed after ${elapsed} ms`);
  });
});

describe('MultiContainerRun', () => {
  it('background and output containers share sharedVolumeDir; the output container prints the phase output; the pod is deleted', async () => {
    const ns = await createNamespace('mcr');
    // The hostlet mounts no volumes: the emptyDir at sharedVolumeDir is simply that host path, which is shared
    // by the two containers of this pod – and by every other pod on the local cluster. Hence a per-run path.
    const dir = `/tmp/kanflow-mcr-${RUN}`;
    const key = `mcr-${RUN}`;
    const ctx = functionContext(key);
    try {
      const result = await createMultiContainerRun(clients).execute(
        {
          namespace: ns,
          sharedVolumeDir: dir,
          backgroundImage: 'busybox',
          backgroundCommand: ['sh', '-c', `mkdir -p ${dir} && echo "from-background-$HOSTNAME" > ${dir}/msg.tmp && mv ${dir}/msg.tmp ${dir}/msg && sleep 3600`],
          outputImage: 'busybox',
          outputCommand: ['sh', '-c', `while [ ! -f ${dir}/msg ]; do sleep 0.1; done; echo reading; ${output('msg', '$(cat ' + dir + '/msg)')}`],
        },
        ctx,
      );
      const podName = podNameFor(key);
      assert.deepEqual(result, { msg: `from-background-${podName}` });
      assert.ok(ctx.lines.includes('reading'), `output container log streamed: ${JSON.stringify(ctx.lines)}`);
      assert.deepEqual(ctx.checkpoints.map((c) => c.state), ['created', 'started', 'succeeded']);
      assert.equal(await readPod(clients, ns, podName), undefined, 'pod deleted although the background container still ran');

      const failKey = `mcr-fail-${RUN}`;
      await assert.rejects(
        createMultiContainerRun(clients).execute(
          {
            namespace: ns,
            backgroundImage: 'busybox',
            backgroundCommand: ['sleep', '3600'],
            outputImage: 'busybox',
            outputCommand: ['sh', '-c', 'echo output-failing; exit 5'],
          },
          functionContext(failKey),
        ),
        /exit code 5[\s\S]*output-failing/,
      );
      assert.equal(await readPod(clients, ns, podNameFor(failKey)), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ScaleWorkload from the hook subject', () => {
  it('scales the subject StatefulSet without name/kind/namespace args and outputs originalReplicaCount', async () => {
    const ns = await createNamespace('scale-subject');
    const name = 'db';
    const body: V1StatefulSet = {
      metadata: { name },
      spec: {
        replicas: 1,
        serviceName: name,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'busybox', command: ['sleep', '3600'] }] } },
      },
    };
    await clients.apps.createNamespacedStatefulSet({ namespace: ns, body });
    await runningPodsOf(ns, name, 1);
    const subject = { kind: 'StatefulSet' as const, name, namespace: ns };
    const scale = createFunctionRegistry(clients, { workloadSubject: subject }).get('ScaleWorkload')!;
    const up = await scale.execute({ replicas: '2' }, functionContext(`sws-${RUN}`));
    assert.deepEqual(up, { originalReplicaCount: 1 });
    const scaled = await clients.apps.readNamespacedStatefulSet({ namespace: ns, name });
    assert.equal(scaled.spec?.replicas, 2);
    assert.equal(scaled.status?.readyReplicas, 2, 'waitForReady defaults to true');
    assert.deepEqual(await runningPodsOf(ns, name, 2), [`${name}-0`, `${name}-1`]);

    const down = await createScaleWorkload(clients, subject).execute({ replicas: 0 }, functionContext(`sws2-${RUN}`));
    assert.deepEqual(down, { originalReplicaCount: 2 });
    assert.equal((await clients.apps.readNamespacedStatefulSet({ namespace: ns, name })).status?.replicas ?? 0, 0);

    // Without a workload subject (a Namespace-subject hook) name, kind and namespace are all required.
    await assert.rejects(
      createScaleWorkload(clients).execute({ replicas: 1 }, functionContext(`sws3-${RUN}`)),
      /ScaleWorkload \(phase "testPhase"\): workload information not available/,
    );
  });
});
