// Workflows of the benchmark worker: kanflow's own, plus the baseline: a plain workflow with one no-op
// activity per step a kanflow action runs (setup, lock, preHook, main, onSuccess, unlock).
import { proxyActivities } from '@temporalio/workflow';
import type { KanflowActivities } from '../../activities/index.js';

export { actionWorkflow, policyRunWorkflow } from '../../workflows/index.js';

const { noop } = proxyActivities<KanflowActivities & { noop(step: string): Promise<void> }>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
});

export const PLAIN_ACTIVITY_COUNT = 6;

export async function plainWorkflow(): Promise<void> {
  for (const step of ['setup', 'lock', 'preHook', 'main', 'onSuccess', 'unlock'].slice(0, PLAIN_ACTIVITY_COUNT)) {
    await noop(step);
  }
}
