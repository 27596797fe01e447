// Pure parts of k8s/: naming, podOverride merge, lease decisions, arg decoding, Wait helpers, restore diffing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgReader } from '../../k8s/functions/args.js';
import { buildFunctionPod } from '../../k8s/functions/kube-task.js';
import { splitSpaceList } from '../../k8s/functions/kube-exec-all.js';
import { mergePodSpec } from '../../k8s/functions/pod-override.js';
import { workloadReady } from '../../k8s/functions/scale-workload.js';
import { evaluateWaitV1, evaluateWaitV2, parseGoDuration, resolveJsonPath } from '../../k8s/functions/wait.js';
import { readPodTaskCheckpoint } from '../../k8s/functions/pod-task.js';
import { exitFromStatus } from '../../k8s/exec.js';
import { isSystemObject, stripServerFields } from '../../k8s/main/backup.js';
import { isSubset, retarget } from '../../k8s/main/restore.js';
import { decodeBundle, encodeBundle, restorePointNameFor } from '../../k8s/main/restore-points.js';
import { decideLease, lockLeaseName } from '../../k8s/namespace-lock.js';
import { dnsLabel, dnsLabelProblem, podNameFor } from '../../k8s/naming.js';

test('R6: pod names are deterministic DNS-1123 labels, hashed when long or changed', () => {
  assert.equal(podNameFor('action-1-prehook-1-phase'), 'action-1-prehook-1-phase');
  const long = `backup-${'x'.repeat(80)}-preHook-1-lockTables`;
  assert.equal(podNameFor(long), podNameFor(long));
  assert.equal(dnsLabelProblem(podNameFor(long)), undefined);
  assert.ok(podNameFor(long).length <= 63);
  assert.notEqual(dnsLabel('Phase_A'), dnsLabel('phase-a'), 'sanitising never merges distinct keys');
  assert.equal(dnsLabelProblem(dnsLabel('---')), undefined);
  assert.equal(podNameFor('key', 'output'), 'key-output');
  assert.equal(lockLeaseName('shop'), 'kanflow-lock-shop');
  assert.ok(lockLeaseName('n'.repeat(63)).length <= 63);
});

test('podOverride merges like a strategic merge patch on PodSpec', () => {
  const base = {
    restartPolicy: 'Never',
    containers: [{ name: 'container', image: 'busybox', command: ['sh'], env: [{ name: 'A', value: '1' }] }],
  };
  const merged = mergePodSpec(base, {
    serviceAccountName: 'k10-k10',
    containers: [{ name: 'container', env: [{ name: 'B', value: '2' }, { name: 'A', value: 'x' }] }, { name: 'sidecar', image: 'other' }],
    tolerations: [{ key: 't', operator: 'Exists' }],
    restartPolicy: null,
  });
  assert.deepEqual(merged, {
    serviceAccountName: 'k10-k10',
    containers: [
      { name: 'container', image: 'busybox', command: ['sh'], env: [{ name: 'A', value: 'x' }, { name: 'B', value: '2' }] },
      { name: 'sidecar', image: 'other' },
    ],
    tolerations: [{ key: 't', operator: 'Exists' }],
  });
  assert.deepEqual(base.containers[0]!.env, [{ name: 'A', value: '1' }], 'inputs untouched');
  const overrideCommand = mergePodSpec(base, { containers: [{ name: 'container', command: ['bash'] }] });
  assert.deepEqual((overrideCommand.containers as { command: string[] }[])[0]!.command, ['bash'], 'plain lists replace');
});

test('function pods carry Kanister and kanflow labels; user labels cannot override them', () => {
  const pod = buildFunctionPod({ functionName: 'KubeTask', name: 'p', namespace: 'ns', spec: { containers: [] }, podLabels: { createdBy: 'me', team: 'a' }, podAnnotations: { note: 'x' } });
  assert.equal(pod.metadata?.labels?.createdBy, 'kanister');
  assert.equal(pod.metadata?.labels?.team, 'a');
  assert.equal(pod.metadata?.labels?.['kanflow.io/resource-key'], 'p');
  assert.deepEqual(pod.metadata?.annotations, { note: 'x' });
});

test('S4: lease decisions (create, re-entry, takeover only of the named holder)', () => {
  assert.deepEqual(decideLease(undefined, 'a'), { action: 'create' });
  assert.deepEqual(decideLease('a', 'a'), { action: 'already-held' });
  assert.deepEqual(decideLease('', 'a'), { action: 'take', previousHolder: '' });
  assert.deepEqual(decideLease('b', 'a'), { action: 'refuse', holder: 'b' });
  assert.deepEqual(decideLease('b', 'a', 'c'), { action: 'refuse', holder: 'b' });
  assert.deepEqual(decideLease('b', 'a', 'b'), { action: 'take', previousHolder: 'b' });
});

test('arguments decode weakly as Kanister does, errors name function, phase and argument', () => {
  const args = new ArgReader('ScaleWorkload', { replicas: '3', waitForReady: 'false', command: 'ls', bad: [1] }, { phaseName: 'scale' });
  assert.equal(args.optionalInt('replicas'), 3);
  assert.equal(args.optionalBool('waitForReady'), false);
  assert.deepEqual(args.stringList('command'), ['ls']);
  assert.throws(() => args.string('missing'), /ScaleWorkload \(phase "scale"\): argument missing: required argument missing/);
  assert.throws(() => args.optionalString('bad'), /argument bad: expected a string, got a list/);
  assert.deepEqual(splitSpaceList(' a  b\tc '), ['a', 'b', 'c']);
});

test('exec status: Success, non-zero exit code, missing status', () => {
  assert.deepEqual(exitFromStatus({ status: 'Success' }), { exitCode: 0 });
  assert.deepEqual(exitFromStatus({ status: 'Failure', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message: '7' }] } }), {
    exitCode: 7,
    failure: 'command terminated with non-zero exit code',
  });
  assert.equal(exitFromStatus(undefined).exitCode, undefined);
});

test('R6: pod-task checkpoints are read back defensively', () => {
  assert.equal(readPodTaskCheckpoint(undefined), undefined);
  assert.equal(readPodTaskCheckpoint({ podName: 1 }), undefined);
  assert.deepEqual(readPodTaskCheckpoint({ podName: 'p', namespace: 'n' }), { podName: 'p', namespace: 'n', state: 'created' });
});

test('Wait helpers: Go durations, JSONPath, v1 and v2 conditions', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('90s'), 90_000);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('10'), undefined);
  const object = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  assert.equal(resolveJsonPath(object, '$.status.conditions[0].type'), 'Ready');
  assert.equal(evaluateWaitV1('{{ if (eq "{ $.status.phase }" "Running") }}true{{ end }}', object), true);
  assert.equal(evaluateWaitV2('{{ if (eq .status.phase "Running") }}true{{ end }}', object), true);
  assert.equal(evaluateWaitV2('{{ if (eq .status.phase "Done") }}true{{ end }}', object), false);
  assert.equal(evaluateWaitV2('{{ broken', object), false, 'a template error is "not yet"');
});

test('ScaleWorkload readiness', () => {
  const deployment = (replicas: number, ready: number, generation = 2, observed = 2) => ({
    metadata: { generation },
    status: { observedGeneration: observed, replicas, readyReplicas: ready, updatedReplicas: ready },
  });
  assert.equal(workloadReady(deployment(2, 2), 2), true);
  assert.equal(workloadReady(deployment(2, 1), 2), false);
  assert.equal(workloadReady(deployment(2, 2, 3, 2), 2), false, 'status not yet observed');
  assert.equal(workloadReady(deployment(0, 0), 0), true);
});

test('backup strips server fields and skips system objects; restore retargets and diffs by subset', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'a', uid: 'u', resourceVersion: '9', creationTimestamp: 't', managedFields: [], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ port: 80 }] },
    status: { loadBalancer: {} },
  };
  assert.deepEqual(stripServerFields(service), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'a' }, spec: { ports: [{ port: 80 }] } });
  assert.equal(isSystemObject('ConfigMap', { metadata: { name: 'kube-root-ca.crt' } }), true);
  assert.equal(isSystemObject('Secret', { type: 'kubernetes.io/service-account-token', metadata: { name: 'x' } }), true);
  const binding = retarget({ kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'a' }, subjects: [{ kind: 'ServiceAccount', name: 'x', namespace: 'a' }, { kind: 'ServiceAccount', name: 'y', namespace: 'other' }] }, 'a', 'b');
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'x', namespace: 'b' }, { kind: 'ServiceAccount', name: 'y', namespace: 'other' }]);
  assert.equal(isSubset({ spec: { a: 1 } }, { spec: { a: 1, defaulted: true }, status: {} }), true);
  assert.equal(isSubset({ spec: { a: [1, 2] } }, { spec: { a: [1] } }), false);
});

test('restore point bundles are deterministic and names derive from the action', () => {
  const bundle = { version: 1 as const, namespace: 'shop', createdAt: '2026-01-01T00:00:00.000Z', actionId: 'a', objects: [{ kind: 'ConfigMap' }] };
  assert.deepEqual(encodeBundle(bundle), encodeBundle(bundle));
  assert.deepEqual(decodeBundle(encodeBundle(bundle), 'test'), bundle);
  assert.throws(() => decodeBundle(Buffer.from('nope'), 'test'), /test: not a kanflow restore point bundle/);
  assert.equal(restorePointNameFor('shop', 'backup-1'), restorePointNameFor('shop', 'backup-1'));
  assert.notEqual(restorePointNameFor('shop', 'backup-1'), restorePointNameFor('shop', 'backup-2'));
});
