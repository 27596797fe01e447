// Live progress for long runs: redraws the ledger or policy table in place while the workflow runs.
import logUpdate from 'log-update';
import type { KanflowClient } from './index.js';
import { ledgerTable, policyRunTable } from './format.js';

const REFRESH_MS = 1000;

/** Awaits `result`; meanwhile, when `live`, redraws `view()` once a second. */
async function follow<T>(result: Promise<T>, live: boolean, view: () => Promise<string>): Promise<T> {
  if (live) {
    let finished = false;
    void result.finally(() => (finished = true)).catch(() => {});
    while (!finished) {
      try {
        logUpdate(await view());
      } catch {
        // not queryable yet (no worker has picked it up): keep waiting
      }
      await new Promise((r) => setTimeout(r, REFRESH_MS));
    }
    logUpdate.clear();
  }
  return result;
}

/** Shows the action's steps live until it ends; returns its final ledger. */
export function followAction(kanflow: KanflowClient, workflowId: string, live: boolean) {
  return follow(kanflow.actionResult(workflowId), live, async () => ledgerTable(await kanflow.actionStatus(workflowId)));
}

export function followPolicyRun(kanflow: KanflowClient, workflowId: string, live: boolean) {
  return follow(kanflow.policyRunResult(workflowId), live, async () => policyRunTable(await kanflow.policyRunStatus(workflowId)));
}
