// Rules R1–R5 and R7: what is retried, how often, and what never runs twice. (R6: crash.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import { createDoubles, failing, sleepMs, HOOKS as hooks } from '../doubles/deps.js';
import { runAction, stepOf } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();

const done = { phases: [], outputArtifacts: {} };

test('R1: a hook that completed is not executed again when later steps are retried', async () => {
  const deps = createDoubles();
  deps.main.behaviour = async (_input, _ctx, call) => {
    if (call < 3) throw new Error(`transient ${call}`);
    return { summary: 'ok' };
  };
  deps.hooks.on('post', async (_input, _ctx, call) => {
    if (call === 1) throw new Error('flaky onSuccess');
    return done;
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  assert.equal(run.status, 'COMPLETED');
  assert.deepEqual(deps.order, ['preHook', 'main', 'main', 'main', 'onSuccess', 'onSuccess']);
  assert.equal(stepOf(run.ledger, 'main').attempts, 3, 'the ledger counts main attempts (V1)');
  assert.equal(deps.hooks.calls.filter((c) => c.slot === 'preHook').length, 1);
});

test('R2: a failed preHook is retried up to the hook retry limit, each retry a new attempt from the first phase', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', async (input, ctx) => {
    assert.equal(ctx.checkpoint, undefined, 'a business retry starts from the first phase');
    if (input.attempt < 3) throw new Error(`quiesce failed on attempt ${input.attempt}`);
    return done;
  });
  const started = Date.now();
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, retryInitialIntervalSeconds: 0.5 });
  assert.equal(run.status, 'COMPLETED');
  assert.deepEqual(
    deps.hooks.calls.filter((c) => c.slot === 'preHook').map((c) => c.attempt),
    [1, 2, 3],
  );
  assert.equal(stepOf(run.ledger, 'preHook').attempts, 3);
  assert.ok(Date.now() - started >= 1500, 'exponential backoff: 0.5 s then 1 s between attempts');
});

test('R2: a failed onSuccess is retried; with the limit exhausted the action fails', async () => {
  const deps = createDoubles();
  deps.hooks.on('post', failing('unquiesce failed'));
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, hookRetryLimit: 3 });
  assert.equal(run.status, 'FAILED');
  assert.equal(deps.hooks.calls.filter((c) => c.slot === 'onSuccess').length, 3);
  assert.match(run.ledger.error ?? '', /unquiesce failed/);
});

test('R3: a failed onFailure is never retried', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', failing('quiesce failed'));
  deps.hooks.on('failed', failing('alert failed'));
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, hookRetryLimit: 1 });
  assert.equal(run.status, 'FAILED');
  assert.equal(deps.hooks.calls.filter((c) => c.slot === 'onFailure').length, 1);
  const onFailure = stepOf(run.ledger, 'onFailure');
  assert.equal(onFailure.state, 'failed');
  assert.equal(onFailure.attempts, 1);
  assert.match(onFailure.error ?? '', /alert failed/);
  assert.match(run.ledger.error ?? '', /quiesce failed/, 'the action reports the original failure');
});

test('R4: main is retried up to the action retry limit; onFailure only after the last attempt', async () => {
  const deps = createDoubles();
  let onFailureSawMainCalls = -1;
  deps.main.behaviour = async () => {
    throw new Error('snapshot failed');
  };
  deps.hooks.on('failed', async () => {
    onFailureSawMainCalls = deps.main.calls.length;
    return done;
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, mainRetryLimit: 3 });
  assert.equal(run.status, 'FAILED');
  assert.equal(deps.main.calls.length, 3);
  assert.equal(onFailureSawMainCalls, 3);
  assert.equal(stepOf(run.ledger, 'main').attempts, 3);
});

test('R5: permanent function errors and render errors are not retried', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', async () => {
    throw new PermanentFunctionError('pod "db-0" not found in namespace "app"');
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, hookRetryLimit: 3 });
  assert.equal(deps.hooks.calls.filter((c) => c.slot === 'preHook').length, 1);
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'succeeded');

  const renderDeps = createDoubles();
  renderDeps.hooks.on('post', async () => {
    const err = new Error('template: "snapshotID" not found');
    err.name = 'PhaseRenderError';
    throw err;
  });
  const rendered = await runAction(temporal, renderDeps, { kind: 'backup', namespace: 'app', hooks, hookRetryLimit: 3 });
  assert.equal(rendered.status, 'FAILED');
  assert.equal(renderDeps.hooks.calls.filter((c) => c.slot === 'onSuccess').length, 1);
});

test('R5: permanent main failures are not retried', async () => {
  const deps = createDoubles();
  deps.main.behaviour = async () => {
    throw new PermanentFunctionError('restore point "rp-1" does not exist');
  };
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, mainRetryLimit: 3 });
  assert.equal(deps.main.calls.length, 1);
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'succeeded');
});

test('R7: a hook attempt past the hook timeout fails, its work is aborted, and R2 retries it', async () => {
  const deps = createDoubles();
  const aborted: number[] = [];
  deps.hooks.on('pre', async (input, ctx) => {
    try {
      await sleepMs(30_000, ctx.signal);
    } catch {
      aborted.push(input.attempt); // where a real runner deletes the pods it created
      throw new Error('aborted');
    }
    return done;
  });
  const run = await runAction(temporal, deps, {
    kind: 'backup',
    namespace: 'app',
    hooks,
    hookTimeoutSeconds: 1,
    hookRetryLimit: 2,
  });
  assert.equal(run.status, 'FAILED');
  assert.deepEqual(aborted, [1, 2]);
  assert.match(stepOf(run.ledger, 'preHook').error ?? '', /timed out/);
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'succeeded');
});
