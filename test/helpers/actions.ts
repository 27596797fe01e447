// Runs actions on the real dev server with the real activities over test-double deps.
import type { Worker } from '@temporalio/worker';
import type { KanflowDeps } from '../../activities/deps.js';
import { KanflowClient, type ActionRequestInput } from '../../client/index.js';
import type { ActionLedger } from '../../workflows/messages.js';
import { createKanflowWorker } from '../../worker/worker.js';
import type { TestTemporal } from './temporal.js';

export interface ActionRun {
  ledger: ActionLedger;
  workflowId: string;
  /** How the workflow ended: the status Temporal reports. */
  status: string;
}

export async function startTestWorker(temporal: TestTemporal, deps: KanflowDeps, prefix = 'rules'): Promise<{ worker: Worker; kanflow: KanflowClient }> {
  const taskQueue = temporal.taskQueue(prefix);
  const worker = await createKanflowWorker({ connection: temporal.nativeConnection, taskQueue, deps });
  return { worker, kanflow: new KanflowClient(temporal.client, taskQueue) };
}

/** Fast retries and timeouts so tests run in seconds; individual tests override what they probe. */
export const FAST = { retryInitialIntervalSeconds: 0.1, lockTimeoutSeconds: 5 } as const;

/** Runs one action to its end with a fresh worker and returns its ledger and final status. */
export async function runAction(
  temporal: TestTemporal,
  deps: KanflowDeps,
  request: ActionRequestInput,
  during?: (workflowId: string, kanflow: KanflowClient) => Promise<void>,
): Promise<ActionRun> {
  const { worker, kanflow } = await startTestWorker(temporal, deps);
  return worker.runUntil(async () => {
    const handle = await kanflow.startAction({ ...FAST, ...(request as object) } as ActionRequestInput);
    if (during) await during(handle.workflowId, kanflow);
    const ledger = await kanflow.actionResult(handle.workflowId);
    const status = (await handle.describe()).status.name;
    return { ledger, workflowId: handle.workflowId, status };
  });
}

export function stepOf(ledger: ActionLedger, step: string) {
  const record = ledger.steps.find((s) => s.step === step);
  if (!record) throw new Error(`no step ${step} in ledger`);
  return record;
}

/** Polls until `predicate` holds or fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
