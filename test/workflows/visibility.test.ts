// Rules V1, V2: the ledger, search attributes and activity summaries users see in the Temporal UI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { createDoubles } from '../doubles/deps.js';
import { eventually, runAction, stepOf } from '../helpers/actions.js';
import { useTestTemporal } from '../helpers/temporal.js';

const temporal = useTestTemporal();

const hooks = {
  preHook: { blueprint: 'hook-blueprint', actionName: 'pre' },
  onSuccess: { blueprint: 'hook-blueprint', actionName: 'post' },
};

test('V1: the ledger records state, attempts, times and errors of every step, while running and as the result', async () => {
  const deps = createDoubles();
  deps.hooks.on('pre', async (input) => {
    if (input.attempt === 1) throw new Error('first attempt fails');
    return { phases: [], outputArtifacts: {} };
  });
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  const { ledger } = run;
  assert.equal(ledger.actionId, run.workflowId);
  assert.equal(ledger.kind, 'backup');
  assert.equal(ledger.subjectNamespace, 'app');
  assert.deepEqual(
    ledger.steps.map((s) => [s.step, s.state, s.attempts]),
    [
      ['setup', 'succeeded', 1],
      ['preHook', 'succeeded', 2],
      ['main', 'succeeded', 1],
      ['onSuccess', 'succeeded', 1],
      ['onFailure', 'skipped', 0],
    ],
  );
  for (const step of ['setup', 'preHook', 'main', 'onSuccess']) {
    const record = stepOf(ledger, step);
    assert.ok(record.startedAt && record.endedAt && record.startedAt <= record.endedAt, `${step} has start and end times`);
  }
  assert.deepEqual(stepOf(ledger, 'preHook').hook, hooks.preHook);
  assert.equal(ledger.restorePoint?.name, 'rp-app');
});

test('V2: actions are searchable by kind, namespace, step and outcome; activities are labelled with step and hook', async () => {
  const deps = createDoubles();
  const run = await runAction(temporal, deps, { kind: 'backup', namespace: 'app', hooks });
  const query = `WorkflowId = '${run.workflowId}' AND KanflowActionKind = 'backup' AND KanflowSubjectNamespace = 'app' AND KanflowOutcome = 'succeeded' AND KanflowStep = 'done'`;
  await eventually(
    async () => {
      for await (const wf of temporal.client.workflow.list({ query })) if (wf.workflowId === run.workflowId) return true;
      return false;
    },
    20_000,
    'visibility to list the action',
  );

  const history = await temporal.client.workflow.getHandle(run.workflowId).fetchHistory();
  const summaries = (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => {
      const payload = e.userMetadata?.summary;
      return payload ? defaultPayloadConverter.fromPayload<string>(payload) : `(no summary: ${e.activityTaskScheduledEventAttributes?.activityType?.name})`;
    });
  assert.ok(summaries.includes('preHook hook-blueprint/pre'), `summaries: ${summaries.join(', ')}`);
  assert.ok(summaries.includes('onSuccess hook-blueprint/post'));
  assert.ok(summaries.includes('backup app'));
  const description = await temporal.client.workflow.getHandle(run.workflowId).describe();
  assert.match((await description.staticSummary?.()) ?? '', /backup of namespace app with preHook=hook-blueprint\/pre/);
});
