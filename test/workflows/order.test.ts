// Rules O1–O6: which steps run, in which order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDoubles, failing, HOOKS as allHooks } from '../doubles/deps.js';
import { runAction, stepOf } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();


test('O1, O2, O3: preHook runs after setup and before main; onSuccess after main', async () => {
  const deps = createDoubles();
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks: allHooks });
  assert.equal(run.status, 'COMPLETED');
  assert.deepEqual(deps.order, ['preHook', 'main', 'onSuccess']);
  const setup = stepOf(run.ledger, 'setup');
  const preHook = stepOf(run.ledger, 'preHook');
  assert.equal(setup.state, 'succeeded');
  assert.ok(setup.endedAt! <= preHook.startedAt!, 'setup ended before preHook started');
  assert.equal(run.ledger.outcome, 'succeeded');
});

test('O2: without a preHook, main runs right after setup', async () => {
  const deps = createDoubles();
  const run = await runAction(temporal, deps, {
    kind: 'backup',
    namespace: 'app',
    hooks: { onSuccess: allHooks.onSuccess },
  });
  assert.deepEqual(deps.order, ['main', 'onSuccess']);
  assert.equal(stepOf(run.ledger, 'preHook').state, 'skipped');
});

test('O3: onSuccess does not run when main failed', async () => {
  const deps = createDoubles();
  deps.main.behaviour = async () => {
    throw new Error('snapshot failed');
  };
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks: allHooks, mainRetryLimit: 1 });
  assert.equal(run.status, 'FAILED');
  assert.ok(!deps.order.includes('onSuccess'));
  assert.equal(stepOf(run.ledger, 'onSuccess').state, 'skipped');
});

test('O4: onFailure runs after preHook failed and its retries are exhausted; main never runs', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', failing('quiesce failed'));
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks: allHooks, hookRetryLimit: 2 });
  assert.equal(run.status, 'FAILED');
  assert.deepEqual(deps.order, ['preHook', 'preHook', 'onFailure']);
  assert.equal(deps.main.calls.length, 0);
  assert.match(run.ledger.error ?? '', /quiesce failed/);
});

test('O4: onFailure runs after main failed on its last attempt', async () => {
  const deps = createDoubles();
  deps.main.behaviour = async () => {
    throw new Error('disk full');
  };
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks: allHooks, mainRetryLimit: 2 });
  assert.deepEqual(deps.order, ['preHook', 'main', 'main', 'onFailure']);
  assert.equal(stepOf(run.ledger, 'main').state, 'failed');
  assert.equal(stepOf(run.ledger, 'main').attempts, 2);
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'succeeded');
});

test('O4: a setup failure other than invalid input (lock timeout) runs onFailure', async () => {
  const deps = createDoubles();
  deps.locks.holders.set('app', 'another-live-action');
  const run = await runAction(temporal, deps, {
    kind: 'backup',
    namespace: 'app',
    hooks: allHooks,
    lockTimeoutSeconds: 1,
  });
  assert.equal(run.status, 'FAILED');
  assert.equal(stepOf(run.ledger, 'setup').state, 'failed');
  assert.match(stepOf(run.ledger, 'setup').error ?? '', /locked by action "another-live-action"/);
  assert.deepEqual(deps.order, ['onFailure']);
});

test('O5: an onSuccess failure fails the action and onFailure does not run', async () => {
  const deps = createDoubles();
  deps.hooks.on('post', failing('unquiesce failed'));
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks: allHooks, hookRetryLimit: 2 });
  assert.equal(run.status, 'FAILED');
  assert.deepEqual(deps.order, ['preHook', 'main', 'onSuccess', 'onSuccess']);
  assert.equal(stepOf(run.ledger, 'onSuccess').state, 'failed');
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'skipped');
  assert.equal(run.ledger.outcome, 'failed');
});

test('O6: every hook slot is optional; missing hooks are recorded as skipped', async () => {
  const deps = createDoubles();
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app' });
  assert.equal(run.status, 'COMPLETED');
  assert.deepEqual(deps.order, ['main']);
  for (const step of ['preHook', 'onSuccess', 'onFailure']) assert.equal(stepOf(run.ledger, step).state, 'skipped');
});
