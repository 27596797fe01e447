// `kanflow history export` and `kanflow replay`: record workflow histories and replay them against the
// current workflow code, reporting nondeterminism per file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { workflowSource } from '../worker/bundle.js';

export async function exportHistory(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return historyToJSON(history);
}

export interface ReplayOutcome {
  file: string;
  workflowId: string;
  error?: string;
}

/**
 * Replays each history file with the current workflow code; an error means it no longer replays. The file
 * name (without .json) is taken as the workflow ID, which replay compares child workflow IDs against:
 * save histories as `<workflow-id>.json`.
 */
export async function replayHistories(files: string[]): Promise<ReplayOutcome[]> {
  const histories = await Promise.all(
    files.map(async (file) => ({ file, history: JSON.parse(await readFile(file, 'utf8')) as unknown })),
  );
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories(
    { ...workflowSource(), replayName: 'kanflow-replay' },
    histories.map(({ file, history }) => ({ workflowId: path.basename(file, '.json'), history: history as never })),
  );
  for await (const result of results) {
    const file = histories.find((h) => path.basename(h.file, '.json') === result.workflowId)?.file ?? result.workflowId;
    outcomes.push({ file, workflowId: result.workflowId, error: result.error ? `${result.error.name}: ${result.error.message}` : undefined });
  }
  return outcomes;
}
