// Rules S1–S4: setup validates, resolves hooks in the K10 namespace, and takes the namespace lock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Blueprint } from '../../kanister/blueprint.js';
import { createDoubles, hookBlueprint, sleepMs, HOOKS as hooks } from '../doubles/deps.js';
import { eventually, runAction, startTestWorker, stepOf, FAST } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();


/** Asserts rule S2's consequences: failed in setup, nothing ran, the error names what is wrong. */
function assertRejectedInSetup(run: Awaited<ReturnType<typeof runAction>>, deps: ReturnType<typeof createDoubles>, pattern: RegExp) {
  assert.equal(run.status, 'FAILED');
  assert.equal(stepOf(run.ledger, 'setup').state, 'failed');
  assert.match(stepOf(run.ledger, 'setup').error ?? '', pattern);
  assert.equal(deps.hooks.calls.length, 0, 'no hook ran');
  assert.equal(deps.main.calls.length, 0, 'main did not run');
  assert.equal(stepOf(run.ledger, 'setup').attempts, 1, 'invalid input is not retried');
  assert.equal(deps.locks.holders.size, 0, 'no lock left behind');
}

test('S1: setup runs first, resolves hooks in the K10 namespace only, and holds the lock while hooks run', async () => {
  const deps = createDoubles();
  let holderDuringPreHook: string | undefined;
  deps.hooks.on('pre', async () => {
    holderDuringPreHook = deps.locks.holders.get('app');
    return { phases: [], outputArtifacts: {} };
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  assert.equal(run.status, 'COMPLETED');
  assert.equal(holderDuringPreHook, run.workflowId);
  assert.equal(deps.locks.holders.size, 0, 'lock released at the end');

  const elsewhere = createDoubles({ blueprints: [] });
  elsewhere.blueprints.put(hookBlueprint('hook-blueprint', ['pre']), 'other-namespace');
  const rejected = await runAction(temporal, elsewhere, { kind: 'backup', namespace: 'app', hooks: { preHook: hooks.preHook } });
  assertRejectedInSetup(rejected, elsewhere, /preHook hook hook-blueprint\/pre: blueprint "hook-blueprint" not found in namespace "kasten-io"/);
});

test('S2: an unknown blueprint action fails setup, names slot, blueprint and action, and runs nothing', async () => {
  const deps = createDoubles();
  const run = await runAction(temporal, deps, {
    kind: 'backup',
    namespace: 'app',
    hooks: { ...hooks, onSuccess: { blueprint: 'hook-blueprint', actionName: 'post-export' } },
  });
  assertRejectedInSetup(run, deps, /onSuccess hook hook-blueprint\/post-export: blueprint "hook-blueprint" has no action "post-export"/);
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'skipped');
});

test('S2: a missing subject namespace fails setup', async () => {
  const deps = createDoubles({ namespaces: [] });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  assertRejectedInSetup(run, deps, /subject namespace "app" does not exist/);
});

function blueprintWithCommand(command: string, func = 'KubeTask', args?: Record<string, unknown>): Blueprint {
  return {
    apiVersion: 'cr.kanister.io/v1alpha1',
    kind: 'Blueprint',
    metadata: { name: 'bad-blueprint', namespace: 'kasten-io' },
    actions: { pre: { phases: [{ func, name: 'quiesce', args: args ?? { image: 'busybox', command: ['sh', '-c', command] } }] } },
  } as unknown as Blueprint;
}

const invalidBlueprints: [string, Blueprint, RegExp][] = [
  ['uses .Profile', blueprintWithCommand('echo {{ .Profile.Location.Bucket }}'), /bad-blueprint.*pre.*quiesce.*command\[2\].*Profile/s],
  ['uses kando location', blueprintWithCommand('kando location push --profile x -'), /bad-blueprint.*pre.*quiesce.*command\[2\].*kando location/s],
  ['has a template that does not parse', blueprintWithCommand('echo {{ .Namespace.Name '), /bad-blueprint.*pre.*quiesce.*command\[2\]/s],
  ['uses a function that needs a location profile', blueprintWithCommand('', 'BackupData', { namespace: 'a', pod: 'p', container: 'c', includePath: '/d', backupArtifactPrefix: 'x' }), /bad-blueprint.*pre.*quiesce.*BackupData/s],
];

for (const [problem, blueprint, pattern] of invalidBlueprints) {
  test(`S2: a hook blueprint that ${problem} fails setup with a non-retryable error naming it`, async () => {
    const deps = createDoubles({ blueprints: [blueprint] });
    const run = await runAction(temporal, deps, {
      kind: 'export',
      namespace: 'app',
      hooks: { preHook: { blueprint: 'bad-blueprint', actionName: 'pre' } },
    });
    assertRejectedInSetup(run, deps, pattern);
    assert.match(stepOf(run.ledger, 'setup').error ?? '', /preHook/);
  });
}

test('S3: editing a Blueprint while an action runs does not change the hooks it runs', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', async () => {
    deps.blueprints.put(hookBlueprint('hook-blueprint', ['pre', 'post', 'failed'], 'echo edited'));
    return { phases: [], outputArtifacts: {} };
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  assert.equal(run.status, 'COMPLETED');
  const onSuccess = deps.hooks.calls.find((c) => c.slot === 'onSuccess');
  assert.deepEqual(onSuccess?.command, ['/bin/sh', '-c', 'echo hook {{ .Namespace.Name }}']);
});

test('S4: a second action on the same namespace waits for the lock, then fails clearly at the lock timeout', async () => {
  const deps = createDoubles();
  let releaseFirst = () => {};
  const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
  deps.hooks.on('pre', async () => {
    await firstMayFinish;
    return { phases: [], outputArtifacts: {} };
  });
  const { worker, kanflow } = await startTestWorker(temporal, deps);
  await worker.runUntil(async () => {
    const first = await kanflow.startAction({ ...FAST, kind: 'backup', namespace: 'app', hooks: { preHook: hooks.preHook } });
    await eventually(() => deps.locks.holders.get('app') === first.workflowId, 20_000, 'first action holds the lock');
    const second = await kanflow.startAction({ ...FAST, kind: 'export', namespace: 'app', lockTimeoutSeconds: 2 });
    const secondLedger = await kanflow.actionResult(second.workflowId);
    assert.equal(secondLedger.outcome, 'failed');
    assert.match(stepOf(secondLedger, 'setup').error ?? '', new RegExp(`namespace "app" is locked by action "${first.workflowId}"`));
    assert.equal(deps.main.calls.filter((c) => c.kind === 'export').length, 0);

    // While the first still runs, a third one waits and gets the lock once the first is done.
    const third = await kanflow.startAction({ ...FAST, kind: 'export', namespace: 'app', lockTimeoutSeconds: 30 });
    await sleepMs(1000);
    assert.equal(deps.locks.holders.get('app'), first.workflowId);
    releaseFirst();
    assert.equal((await kanflow.actionResult(first.workflowId)).outcome, 'succeeded');
    assert.equal((await kanflow.actionResult(third.workflowId)).outcome, 'succeeded');
  });
  assert.equal(deps.locks.holders.size, 0, 'every lock released');
});

test('S4: the lock is released on failure, and a crashed holder\'s lock expires', async () => {
  const deps = createDoubles();
  deps.main.behaviour = async () => {
    throw new Error('boom');
  };
  const failed = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', mainRetryLimit: 1 });
  assert.equal(failed.status, 'FAILED');
  assert.equal(deps.locks.holders.size, 0, 'released after failure');

  const afterCrash = createDoubles();
  afterCrash.locks.holders.set('app', 'terminated-action');
  afterCrash.liveness.dead.add('terminated-action');
  const run = await runAction(temporal, afterCrash, { kind: 'backup', namespace: 'app' });
  assert.equal(run.status, 'COMPLETED');
  assert.equal(afterCrash.locks.holders.size, 0);
});
