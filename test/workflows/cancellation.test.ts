// Rules C1–C4: cancelling an action.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDoubles, sleepMs, HOOKS as hooks } from '../doubles/deps.js';
import { eventually, runAction, stepOf } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();


/** A hook that runs until cancelled, recording that its work was stopped (where pods are deleted). */
function longHook(stopped: string[], started: string[]) {
  return async (input: { slot: string }, ctx: { signal: AbortSignal }) => {
    started.push(input.slot);
    try {
      await sleepMs(60_000, ctx.signal);
    } catch {
      stopped.push(input.slot);
      throw new Error('stopped');
    }
    return { phases: [], outputArtifacts: {} };
  };
}

test('C1, C2, C4: cancelling during preHook stops it, then onFailure runs to completion with the cancellation as reason', async () => {
  const deps = createDoubles();
  const stopped: string[] = [];
  const started: string[] = [];
  deps.hooks.on('pre', longHook(stopped, started));
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks }, async (id, kanflow) => {
    await eventually(() => started.includes('preHook'), 20_000, 'preHook started');
    await kanflow.cancel(id);
  });
  assert.equal(run.status, 'CANCELLED');
  assert.deepEqual(stopped, ['preHook'], 'C1: the running hook was stopped');
  assert.equal(deps.main.calls.length, 0);
  const onFailure = deps.hooks.calls.find((c) => c.slot === 'onFailure');
  assert.ok(onFailure, 'C2: onFailure ran');
  assert.equal(onFailure.options.failureReason, 'cancelled');
  // C4: ended as cancelled; the ledger shows which steps ran.
  assert.equal(run.ledger.outcome, 'cancelled');
  assert.equal(stepOf(run.ledger, 'setup').state, 'succeeded');
  assert.equal(stepOf(run.ledger, 'preHook').state, 'cancelled');
  assert.equal(stepOf(run.ledger, 'main').state, 'skipped');
  assert.equal(stepOf(run.ledger, 'onSuccess').state, 'skipped');
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'succeeded');
  assert.equal(deps.locks.holders.size, 0, 'S4: lock released after cancellation');
});

test('C1, C2: cancelling during main stops it and runs onFailure, which cannot itself be cancelled', async () => {
  const deps = createDoubles();
  let mainStopped = false;
  let mainStarted = false;
  deps.main.behaviour = async (_input, ctx) => {
    mainStarted = true;
    try {
      await sleepMs(60_000, ctx.signal);
    } catch {
      mainStopped = true;
      throw new Error('stopped');
    }
    return { summary: 'never' };
  };
  let onFailureFinished = false;
  deps.hooks.on('failed', async () => {
    await sleepMs(1500); // a second cancel request arrives meanwhile; onFailure still completes
    onFailureFinished = true;
    return { phases: [], outputArtifacts: {} };
  });
  const run = await runAction(temporal, deps, { kind: 'export', namespace: 'app', hooks }, async (id, kanflow) => {
    await eventually(() => mainStarted, 20_000, 'main started');
    await kanflow.cancel(id);
    await eventually(() => deps.hooks.calls.some((c) => c.slot === 'onFailure'), 20_000, 'onFailure started');
    await kanflow.cancel(id);
  });
  assert.equal(run.status, 'CANCELLED');
  assert.ok(mainStopped, 'main was stopped');
  assert.ok(onFailureFinished, 'onFailure ran to completion');
  assert.equal(stepOf(run.ledger, 'main').state, 'cancelled');
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'succeeded');
});

test('C3: cancelled before setup finished, no hook runs', async () => {
  const deps = createDoubles();
  deps.locks.holders.set('app', 'someone-else'); // setup waits for the lock
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks, lockTimeoutSeconds: 60 }, async (id, kanflow) => {
    await eventually(async () => stepOf(await kanflow.actionStatus(id), 'setup').state === 'running', 20_000, 'setup running');
    await sleepMs(500);
    await kanflow.cancel(id);
  });
  assert.equal(run.status, 'CANCELLED');
  assert.equal(deps.hooks.calls.length, 0);
  assert.equal(stepOf(run.ledger, 'setup').state, 'cancelled');
  assert.equal(stepOf(run.ledger, 'onFailure').state, 'skipped');
  assert.equal(deps.locks.holders.get('app'), 'someone-else', 'the other holder keeps its lock');
});
