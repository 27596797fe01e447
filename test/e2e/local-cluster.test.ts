/**
 * End-to-end check of the local cluster (scripts/k8s-local.sh): pods that a
 * client creates are scheduled onto the hostlet node, their command runs as a
 * host process, logs and exec go through the real API server.
 */
// Must come before @kubernetes/client-node (undici 8 shims for Node 20).
import '../../k8s/node-compat.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import {
  CoreV1Api,
  CustomObjectsApi,
  Exec,
  KubeConfig,
  Log,
  Watch,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
import { startLocalCluster, type LocalCluster } from '../../k8s/local-cluster.js';

const NS = `lc-e2e-${process.pid}-${Date.now().toString(36)}`;

let cluster: LocalCluster;
let kc: KubeConfig;
let core: CoreV1Api;

function pod(name: string, script: string, extra: Partial<V1Pod['spec']> = {}): V1Pod {
  return {
    metadata: { name, namespace: NS, labels: { test: 'local-cluster' } },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'main',
          image: 'ghcr.io/kanisterio/kanister-tools:ignored',
          command: ['sh', '-c', script],
          env: [
            { name: 'MY_NS', value: NS },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
        },
      ],
      ...extra,
    },
  };
}

/** Watches one pod until `until` says yes; resolves with that pod. */
function watchPod(name: string, until: (p: V1Pod) => boolean, timeoutMs = 60_000): Promise<V1Pod> {
  return new Promise((resolve, reject) => {
    let ctrl: AbortController | undefined;
    let settled = false;
    const finish = (err: Error | null, p?: V1Pod) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctrl?.abort();
      if (err) reject(err);
      else resolve(p!);
    };
    const timer = setTimeout(() => finish(new Error(`timeout waiting for pod ${name}`)), timeoutMs);
    new Watch(kc)
      .watch(
        `/api/v1/namespaces/${NS}/pods`,
        { fieldSelector: `metadata.name=${name}` },
        (_type, obj: V1Pod) => {
          if (until(obj)) finish(null, obj);
        },
        (err) => {
          if (!settled) finish(err ?? new Error('watch ended'));
        },
      )
      .then((c) => {
        ctrl = c;
        if (settled) c.abort();
      }, (e: Error) => finish(e));
  });
}

const running = (p: V1Pod) => p.status?.phase === 'Running';

function hostPidOf(p: V1Pod): number {
  const id = p.status?.containerStatuses?.[0]?.containerID ?? '';
  const m = /^hostlet:\/\/(\d+)$/.exec(id);
  assert.ok(m, `containerID ${id} names a host process`);
  return Number(m[1]);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local cluster (real kube-apiserver + hostlet)', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    cluster = await startLocalCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    // The namespace's default ServiceAccount is created by kube-controller-manager.
    for (let i = 0; ; i++) {
      try {
        await core.readNamespacedServiceAccount({ name: 'default', namespace: NS });
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });

  after(async () => {
    await core?.deleteNamespace({ name: NS }).catch(() => undefined);
    await cluster?.stop();
  });

  it('has the kasten-io namespace and the Blueprint CRD', async () => {
    await core.readNamespace({ name: 'kasten-io' });
    const custom = kc.makeApiClient(CustomObjectsApi);
    const body = {
      apiVersion: 'cr.kanister.io/v1alpha1',
      kind: 'Blueprint',
      metadata: { name: 'bp-smoke' },
      actions: { backup: { phases: [{ func: 'KubeTask', name: 'p', args: { command: ['true'] } }] } },
    };
    await custom.createNamespacedCustomObject({
      group: 'cr.kanister.io', version: 'v1alpha1', namespace: NS, plural: 'blueprints', body,
    });
    const got = (await custom.getNamespacedCustomObject({
      group: 'cr.kanister.io', version: 'v1alpha1', namespace: NS, plural: 'blueprints', name: 'bp-smoke',
    })) as typeof body;
    assert.deepEqual(got.actions, body.actions);
  });

  it('runs a pod command on the host: env, kubectl, exit code, logs through the API', async () => {
    const name = 'hook-fail';
    const finished = watchPod(name, (p) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded');
    await core.createNamespacedPod({
      namespace: NS,
      body: pod(
        name,
        'echo hello; echo "###Phase-output###: {\\"key\\":\\"k\\",\\"value\\":\\"v\\"}"; ' +
          'echo "pod=$POD_NAME" >&2; kubectl get ns $MY_NS -o name; exit 3',
      ),
    });
    const p = await finished;
    assert.equal(p.status?.phase, 'Failed');
    assert.equal(p.spec?.nodeName, 'kanflow-local', 'scheduled by kube-scheduler onto the hostlet node');
    const term = p.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(term?.exitCode, 3);
    assert.equal(term?.reason, 'Error');

    const log = await core.readNamespacedPodLog({ name, namespace: NS, container: 'main' });
    assert.match(log, /^hello$/m);
    assert.match(log, /###Phase-output###: \{"key":"k","value":"v"\}/);
    assert.match(log, /^pod=hook-fail$/m);
    assert.match(log, new RegExp(`^namespace/${NS}$`, 'm'));
  });

  it('a command that exits 0 makes the pod Succeeded; follow streams the log until the end', async () => {
    const name = 'hook-ok';
    const started = watchPod(name, (p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded');
    await core.createNamespacedPod({
      namespace: NS,
      body: pod(name, 'for i in 1 2 3; do echo line-$i; sleep 0.5; done'),
    });
    await started;
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    // client-node 2.0.1's Log never calls its `done` callback: the piped stream ending is the signal.
    const ended = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    await new Log(kc).log(NS, name, 'main', out, { follow: true });
    await ended;
    assert.equal(text, 'line-1\nline-2\nline-3\n');
    const p = await watchPod(name, (x) => x.status?.phase === 'Succeeded');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  });

  it('execs into a running pod through the API server, with the pod env and exit status', async () => {
    const name = 'sleeper';
    const up = watchPod(name, running);
    await core.createNamespacedPod({ namespace: NS, body: pod(name, 'echo started; exec sleep 3600') });
    await up;

    const exec = async (cmd: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const status = await new Promise<V1Status>((resolve, reject) => {
        new Exec(kc).exec(NS, name, 'main', cmd, stdout, stderr, null, false, resolve).catch(reject);
      });
      return { out, err, status };
    };

    const ok = await exec(['sh', '-c', 'echo "exec in $POD_NAME ns=$MY_NS"; echo to-stderr >&2; kubectl get ns $MY_NS -o name']);
    assert.equal(ok.status.status, 'Success');
    assert.match(ok.out, new RegExp(`^exec in sleeper ns=${NS}$`, 'm'));
    assert.match(ok.out, new RegExp(`^namespace/${NS}$`, 'm'));
    assert.equal(ok.err, 'to-stderr\n');

    const bad = await exec(['sh', '-c', 'exit 7']);
    assert.equal(bad.status.status, 'Failure');
    assert.equal(bad.status.reason, 'NonZeroExitCode');
    assert.equal(bad.status.details?.causes?.[0]?.message, '7');
  });

  it('deleting a running pod kills its host process and removes the pod', async () => {
    const name = 'sleeper';
    const p = await core.readNamespacedPod({ name, namespace: NS });
    const pid = hostPidOf(p);
    assert.ok(processAlive(pid), `host process ${pid} runs before delete`);
    const ps = execFileSync('ps', ['-o', 'args=', '-p', String(pid)]).toString().trim();
    assert.equal(ps, 'sleep 3600');

    await core.deleteNamespacedPod({ name, namespace: NS });
    const t0 = Date.now();
    for (;;) {
      const gone = await core.readNamespacedPod({ name, namespace: NS }).then(() => false, () => true);
      if (gone && !processAlive(pid)) break;
      assert.ok(Date.now() - t0 < 30_000, 'pod deleted and process gone within 30s');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
