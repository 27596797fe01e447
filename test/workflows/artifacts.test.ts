// Rules A1, A2, A4: preHook output artifacts travel in workflow state to onSuccess/onFailure.
// (A3 renders a real template: test/unit/hook-templates.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDoubles, sleepMs, HOOKS as hooks } from '../doubles/deps.js';
import { eventually, runAction, stepOf } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();

const snapshot = { dbSnapshot: { keyValue: { id: 'snap-42', lsn: '0/16B3748' } } };

test('A1: preHook output artifacts are the input artifacts of onSuccess', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', async () => ({ phases: [], outputArtifacts: snapshot }));
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  const onSuccess = deps.hooks.calls.find((c) => c.slot === 'onSuccess');
  assert.deepEqual(onSuccess?.artifactsIn, snapshot);
  assert.deepEqual(deps.hooks.calls.find((c) => c.slot === 'preHook')?.artifactsIn, {});
  assert.deepEqual(run.ledger.artifacts, snapshot);
});

test('A1: preHook output artifacts are the input artifacts of onFailure', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', async () => ({ phases: [], outputArtifacts: snapshot }));
  deps.main.behaviour = async () => {
    throw new Error('export failed');
  };
  await runAction(temporal, deps, { kind: 'export', namespace: 'app', hooks, mainRetryLimit: 1 });
  assert.deepEqual(deps.hooks.calls.find((c) => c.slot === 'onFailure')?.artifactsIn, snapshot);
});

test('A2: artifacts are readable through the status query while the action runs, and in its result', async () => {
  const deps = createDoubles();
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  deps.hooks.on('pre', async () => ({ phases: [], outputArtifacts: snapshot }));
  deps.hooks.on('post', async () => {
    await gate;
    return { phases: [], outputArtifacts: {} };
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks }, async (id, kanflow) => {
    await eventually(async () => stepOf(await kanflow.actionStatus(id), 'onSuccess').state === 'running', 20_000, 'onSuccess running');
    const status = await kanflow.actionStatus(id);
    assert.equal(status.outcome, 'running');
    assert.deepEqual(status.artifacts, snapshot);
    assert.deepEqual(stepOf(status, 'preHook').artifacts, snapshot);
    release();
    await sleepMs(10);
  });
  assert.deepEqual(run.ledger.artifacts, snapshot);
});

test('A4: hooks get no location profile: a hook blueprint reading .Profile is refused', async () => {
  const deps = createDoubles();
  const blueprint = deps.blueprints.blueprints.get('kasten-io/hook-blueprint')!;
  const phase = blueprint.actions.post!.phases[0]!;
  phase.args = { ...phase.args, command: ['sh', '-c', 'aws s3 ls {{ .Profile.Location.Bucket }}'] };
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  assert.equal(run.status, 'FAILED');
  assert.match(stepOf(run.ledger, 'setup').error ?? '', /onSuccess.*Profile/s);
  assert.equal(deps.hooks.calls.length, 0);
});
