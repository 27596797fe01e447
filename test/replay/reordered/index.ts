// A deliberately broken variant of actionWorkflow for the replay test: the same first steps, then main
// before preHook. Replaying a recorded history with it must be reported as nondeterminism.
import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { KanflowActivities } from '../../../activities/index.js';
import type { ActionWorkflowInput } from '../../../workflows/action.js';

const local = proxyLocalActivities<KanflowActivities>({ startToCloseTimeout: '1 minute' });
const acts = proxyActivities<KanflowActivities>({ startToCloseTimeout: '1 minute' });

export async function actionWorkflow(input: ActionWorkflowInput): Promise<void> {
  const actionId = workflowInfo().workflowId;
  const hooks = await local.setup({ actionId, request: input.request });
  await local.tryAcquireNamespaceLock({ namespace: 'app', holder: actionId });
  await acts.backup({ actionId, request: input.request }); // swapped: main first …
  if (hooks.preHook) await acts.preHook(undefined as never); // … then preHook
}
