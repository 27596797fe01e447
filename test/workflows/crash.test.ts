// Rules R1 and R6: a worker killed with SIGKILL mid-hook or between steps; a new worker finishes the action.
// No hook command runs twice, onFailure included.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KanflowClient } from '../../client/index.js';
import { eventually, stepOf } from '../helpers/actions.js';
import { HOOKS as hooks } from '../doubles/deps.js';
import { useTestTemporal } from '../helpers/temporal.js';

const workerScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'crash-worker.js');

const temporal = useTestTemporal();


function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function startWorker(dir: string, taskQueue: string, main = 'slow'): ChildProcess {
  return spawn(process.execPath, [workerScript], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, CRASH_TASK_QUEUE: taskQueue, CRASH_DIR: dir, CRASH_MAIN: main },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function kill(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return; // already gone
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGKILL');
  await exited;
}

async function crashScenario(killWhen: string, main: 'slow' | 'fail') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kanflow-crash-'));
  const taskQueue = temporal.taskQueue('crash');
  const kanflow = new KanflowClient(temporal.client, taskQueue);
  const events = path.join(dir, 'events.log');
  const first = startWorker(dir, taskQueue, main);
  let second: ChildProcess | undefined;
  try {
    const handle = await kanflow.startAction({
      kind: 'backup',
      namespace: 'app',
      hooks,
      heartbeatTimeoutSeconds: 3,
      retryInitialIntervalSeconds: 0.1,
    });
    await eventually(() => lines(events).includes(killWhen), 60_000, `"${killWhen}"`);
    await kill(first);
    second = startWorker(dir, taskQueue, main);
    const ledger = await kanflow.actionResult(handle.workflowId);
    return { ledger, commands: lines(path.join(dir, 'commands.log')), events: lines(events) };
  } finally {
    await kill(first);
    if (second) await kill(second);
  }
}

test('R6, R1: a worker killed while preHook runs; the new worker re-attaches and no hook command runs twice', { timeout: 180_000 }, async () => {
  const { ledger, commands, events } = await crashScenario('start preHook', 'slow');
  assert.equal(ledger.outcome, 'succeeded');
  assert.deepEqual(commands, ['preHook', 'onSuccess'], 'each hook command ran exactly once');
  assert.ok(events.includes('reattach preHook from checkpoint'), 'the new worker re-attached to the running preHook');
  assert.equal(events.filter((e) => e === 'start preHook').length, 1);
  assert.equal(stepOf(ledger, 'preHook').attempts, 1, 'a crash is not a hook failure');
});

test('R1: a worker killed after preHook completed; preHook is not executed again', { timeout: 180_000 }, async () => {
  const { ledger, commands, events } = await crashScenario('start main', 'slow');
  assert.equal(ledger.outcome, 'succeeded');
  assert.deepEqual(commands, ['preHook', 'onSuccess']);
  assert.equal(events.filter((e) => e.endsWith('preHook')).length, 2, 'preHook started and finished once, never again');
});

test('R6, R3: a worker killed while onFailure runs; onFailure\'s command still runs at most once', { timeout: 180_000 }, async () => {
  const { ledger, commands, events } = await crashScenario('start onFailure', 'fail');
  assert.equal(ledger.outcome, 'failed');
  assert.deepEqual(commands, ['preHook', 'onFailure']);
  assert.ok(events.includes('reattach onFailure from checkpoint'));
  assert.equal(stepOf(ledger, 'onFailure').state, 'succeeded');
});
