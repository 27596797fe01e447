// Rules N1, N3, N4: subject namespaces, and policies over many namespaces. (N2 renders a real template:
// test/unit/hook-templates.test.ts and the e2e tests.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDoubles, failing, HOOKS as hooks } from '../doubles/deps.js';
import { FAST, runAction, startTestWorker } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();


test('N1: backup and export hooks act on the source namespace, restore hooks on the target namespace', async () => {
  const deps = createDoubles({ namespaces: ['app', 'app-restored'] });
  await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  await runAction(temporal, deps, { kind: 'export', namespace: 'app', hooks });
  await runAction(temporal, deps, {
    kind: 'restore',
    restorePoint: { name: 'rp-app', namespace: 'app' },
    targetNamespace: 'app-restored',
    hooks: { ...hooks, onSuccess: { ...hooks.onSuccess, subject: { name: 'db', kind: 'StatefulSet' } } },
  });
  const subjects = deps.hooks.calls.map((c) => `${c.slot}:${c.subjectNamespace}`);
  assert.deepEqual(subjects, [
    'preHook:app',
    'onSuccess:app',
    'preHook:app',
    'onSuccess:app',
    'preHook:app-restored',
    'onSuccess:app-restored',
  ]);
});

test('N3: a policy runs each hook once per namespace; one namespace failing does not stop the others', async () => {
  const deps = createDoubles({ namespaces: ['alpha', 'beta', 'gamma'] });
  deps.hooks.on('pre', async (input) => {
    if (input.subjectNamespace === 'beta') throw new Error('beta cannot quiesce');
    return { phases: [], outputArtifacts: {} };
  });
  const { worker, kanflow } = await startTestWorker(temporal, deps, 'policy');
  const result = await worker.runUntil(async () => {
    const handle = await kanflow.startPolicyRun({
      name: 'nightly',
      selector: { namespaces: ['alpha', 'beta', 'gamma'] },
      actions: [{ action: 'backup', hooks, ...FAST, hookRetryLimit: 1 }],
      concurrency: 2,
    });
    return kanflow.policyRunResult(handle.workflowId);
  });
  assert.deepEqual(result.outcomes, { alpha: 'succeeded', beta: 'failed', gamma: 'succeeded' });
  assert.match(result.errors.beta ?? '', /beta cannot quiesce/);
  for (const ns of ['alpha', 'gamma']) {
    assert.deepEqual(
      deps.hooks.calls.filter((c) => c.subjectNamespace === ns).map((c) => c.slot),
      ['preHook', 'onSuccess'],
      `hooks of ${ns} ran once each`,
    );
  }
  assert.deepEqual(
    deps.hooks.calls.filter((c) => c.subjectNamespace === 'beta').map((c) => c.slot),
    ['preHook', 'onFailure'],
  );
});

test('N4: in a policy with backup then export, a namespace exports only after its backup succeeded, with its own hooks', async () => {
  const deps = createDoubles({ namespaces: ['alpha', 'beta'] });
  deps.main.behaviour = async (input) => {
    const { request } = input;
    if (request.kind === 'backup' && request.namespace === 'beta') throw new Error('beta snapshot failed');
    return request.kind === 'backup'
      ? { restorePoint: { name: `rp-${request.namespace}`, namespace: request.namespace }, summary: 'ok' }
      : { summary: 'exported' };
  };
  const { worker, kanflow } = await startTestWorker(temporal, deps, 'policy');
  const result = await worker.runUntil(async () => {
    const handle = await kanflow.startPolicyRun({
      name: 'backup-and-export',
      selector: { namespaces: ['alpha', 'beta'] },
      actions: [
        { action: 'backup', hooks: { preHook: hooks.preHook }, ...FAST, mainRetryLimit: 1 },
        { action: 'export', hooks: { onSuccess: hooks.onSuccess }, ...FAST },
      ],
    });
    return kanflow.policyRunResult(handle.workflowId);
  });
  assert.deepEqual(result.outcomes, { alpha: 'succeeded', beta: 'failed' });
  const alpha = deps.main.calls.filter((c) => c.namespace === 'alpha');
  assert.deepEqual(alpha.map((c) => c.kind), ['backup', 'export']);
  assert.deepEqual(alpha[1]?.restorePoint, { name: 'rp-alpha', namespace: 'alpha' }, 'export gets its backup\'s restore point');
  assert.deepEqual(deps.main.calls.filter((c) => c.namespace === 'beta').map((c) => c.kind), ['backup']);
  assert.deepEqual(
    deps.hooks.calls.filter((c) => c.subjectNamespace === 'alpha').map((c) => `${c.slot}:${c.action}`),
    ['preHook:pre', 'onSuccess:post'],
  );
});

test('N3: a policy selecting namespaces by label runs on exactly those', async () => {
  const deps = createDoubles({ namespaces: [] });
  deps.cluster.namespaces.set('db-1', { tier: 'db' });
  deps.cluster.namespaces.set('db-2', { tier: 'db' });
  deps.cluster.namespaces.set('web', { tier: 'web' });
  const { worker, kanflow } = await startTestWorker(temporal, deps, 'policy');
  const result = await worker.runUntil(async () => {
    const handle = await kanflow.startPolicyRun({
      name: 'dbs',
      selector: { labelSelector: { matchLabels: { tier: 'db' } } },
      actions: [{ action: 'backup', hooks: { preHook: hooks.preHook } }],
    });
    return kanflow.policyRunResult(handle.workflowId);
  });
  assert.deepEqual(result.outcomes, { 'db-1': 'succeeded', 'db-2': 'succeeded' });
  assert.equal(result.total, 2);
});

test('N3: a policy failing in every namespace still reports each outcome', async () => {
  const deps = createDoubles({ namespaces: ['a1', 'a2'] });
  deps.hooks.on('pre', failing('no'));
  const { worker, kanflow } = await startTestWorker(temporal, deps, 'policy');
  const result = await worker.runUntil(async () => {
    const handle = await kanflow.startPolicyRun({
      name: 'all-fail',
      selector: { namespaces: ['a1', 'a2'] },
      actions: [{ action: 'backup', hooks: { preHook: hooks.preHook }, ...FAST, hookRetryLimit: 1 }],
    });
    return kanflow.policyRunResult(handle.workflowId);
  });
  assert.equal(result.failed, 2);
  assert.equal(result.succeeded, 0);
});
