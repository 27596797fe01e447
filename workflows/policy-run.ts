// policyRunWorkflow: a policy's actions (backup, then export) on every namespace it selects, each namespace
// independently (rule N3), in order per namespace (N4), with bounded concurrency and continue-as-new so that
// 10,000 namespaces keep every history small.
import {
  ParentClosePolicy,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RestorePointRef } from '../activities/deps.js';
import type { KanflowActivities } from '../activities/index.js';
import type { ActionRequest, Policy, PolicyAction } from '../model/index.js';
import { actionWorkflow } from './action.js';
import { describeFailure } from './failures.js';
import type { NamespaceOutcome, PolicyRunStatus } from './messages.js';
import { actionSearchAttributes, policyRunStatusQuery, NON_RETRYABLE_TYPES } from './messages.js';

export interface PolicyRunInput {
  policy: Policy;
  /** Set after the first run resolved the selector; carried through continue-as-new. */
  namespaces?: string[];
  /** Index of the next namespace to start. */
  next?: number;
  outcomes?: Record<string, NamespaceOutcome>;
  errors?: Record<string, string>;
  generation?: number;
  /** Continue as new after this many history events (a test knob; default 4,000). */
  historyLimit?: number;
}

export interface PolicyRunResult {
  policy: string;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  outcomes: Record<string, NamespaceOutcome>;
  errors: Record<string, string>;
  generations: number;
}

const { resolvePolicyNamespaces } = proxyActivities<KanflowActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

/** Children a policy run may have running at once, whatever the policy says. */
export const MAX_POLICY_CONCURRENCY = 500;

export async function policyRunWorkflow(input: PolicyRunInput): Promise<PolicyRunResult> {
  const { policy } = input;
  const namespaces = input.namespaces ?? (await resolvePolicyNamespaces(policy));
  const outcomes: Record<string, NamespaceOutcome> = { ...input.outcomes };
  const errors: Record<string, string> = { ...input.errors };
  const generation = input.generation ?? 0;
  const historyLimit = input.historyLimit ?? 4000;
  const concurrency = Math.min(Math.max(1, policy.concurrency ?? 10), MAX_POLICY_CONCURRENCY);
  const running = new Set<string>();
  let next = input.next ?? 0;
  // The run's own ID keeps child IDs deterministic and unique across runs of the same policy.
  const runId = workflowInfo().workflowId;

  setHandler(policyRunStatusQuery, (): PolicyRunStatus => {
    const values = Object.values(outcomes);
    return {
      policy: policy.name,
      total: namespaces.length,
      pending: namespaces.length - next,
      running: [...running],
      succeeded: values.filter((o) => o === 'succeeded').length,
      failed: values.filter((o) => o === 'failed').length,
      cancelled: values.filter((o) => o === 'cancelled').length,
      outcomes,
      errors,
      generation,
    };
  });

  const runNamespace = async (namespace: string): Promise<void> => {
    running.add(namespace);
    try {
      let restorePoint: RestorePointRef | undefined;
      for (const [index, action] of policy.actions.entries()) {
        const request = toActionRequest(action, namespace, policy);
        const ledger = await executeChild(actionWorkflow, {
          workflowId: `${runId}/${namespace}/${index}-${action.action}`,
          args: [{ request, policy: policy.name, restorePoint }],
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          staticSummary: `${action.action} of ${namespace} (policy ${policy.name})`,
          typedSearchAttributes: actionSearchAttributes(action.action, namespace, policy.name),
        });
        restorePoint = ledger.restorePoint ?? restorePoint; // N4: export uses its backup's restore point
      }
      outcomes[namespace] = 'succeeded';
    } catch (err) {
      // N3: one namespace's failure neither stops nor fails the others.
      outcomes[namespace] = isCancellation(err) ? 'cancelled' : 'failed';
      errors[namespace] = describeFailure(err);
    } finally {
      running.delete(namespace);
    }
  };

  const inFlight: Promise<void>[] = [];
  while (next < namespaces.length) {
    if (workflowInfo().historyLength > historyLimit || workflowInfo().continueAsNewSuggested) break;
    await condition(() => running.size < concurrency);
    const namespace = namespaces[next++];
    if (namespace !== undefined) inFlight.push(runNamespace(namespace));
  }
  await Promise.all(inFlight);

  if (next < namespaces.length) {
    // Keep histories small: the remaining namespaces continue in a fresh run with the outcomes so far.
    await continueAsNew<typeof policyRunWorkflow>({
      policy,
      namespaces,
      next,
      outcomes,
      errors,
      generation: generation + 1,
      historyLimit,
    });
  }
  const values = Object.values(outcomes);
  return {
    policy: policy.name,
    total: namespaces.length,
    succeeded: values.filter((o) => o === 'succeeded').length,
    failed: values.filter((o) => o === 'failed').length,
    cancelled: values.filter((o) => o === 'cancelled').length,
    outcomes,
    errors,
    generations: generation + 1,
  };
}

/** One policy action on one namespace, as the request an action workflow takes. */
function toActionRequest(policyAction: PolicyAction, namespace: string, policy: Policy): ActionRequest {
  const { action, ...rest } = policyAction;
  const common = { namespace, k10Namespace: policy.k10Namespace, policy: policy.name };
  return action === 'backup' ? { ...rest, ...common, kind: 'backup' } : { ...(rest as Omit<Extract<PolicyAction, { action: 'export' }>, 'action'>), ...common, kind: 'export' };
}
