// Live progress for long runs: redraws the ledger or policy table in place while the workflow runs.
import logUpdate from 'log-update';
import type { KanflowClient } from './index.js';
import { ledgerTable, policyRunTable } from './format.js';

const REFRESH_MS = 1000;

/** Shows the action's steps live until it ends; returns its final ledger. */
export async function followAction(kanflow: KanflowClient, workflowId: string, live: boolean) {
  const result = kanflow.actionResult(workflowId);
  if (live) {
    let finished = false;
    void result.finally(() => (finished = true)).catch(() => {});
    while (!finished) {
      try {
        logUpdate(ledgerTable(await kanflow.actionStatus(workflowId)));
      } catch {
        // not queryable yet (no worker has picked it up): keep waiting
      }
      await new Promise((r) => setTimeout(r, REFRESH_MS));
    }
    logUpdate.clear();
  }
  return result;
}

export async function followPolicyRun(kanflow: KanflowClient, workflowId: string, live: boolean) {
  const result = kanflow.policyRunResult(workflowId);
  if (live) {
    let finished = false;
    void result.finally(() => (finished = true)).catch(() => {});
    while (!finished) {
      try {
        logUpdate(policyRunTable(await kanflow.policyRunStatus(workflowId)));
      } catch {
        // not queryable yet
      }
      await new Promise((r) => setTimeout(r, REFRESH_MS));
    }
    logUpdate.clear();
  }
  return result;
}
