// Activities of a policy run: resolving which namespaces it covers.
import { ApplicationFailure } from '@temporalio/activity';
import type { Policy } from '../model/index.js';
import { labelSelectorToString } from '../model/index.js';
import { FailureTypes } from '../workflows/messages.js';
import type { KanflowDeps } from './deps.js';

export function createPolicyActivities(deps: KanflowDeps) {
  return {
    /** Namespaces named by the policy plus those matching its label selector, sorted and de-duplicated. */
    async resolvePolicyNamespaces(policy: Policy): Promise<string[]> {
      const names = new Set(policy.selector.namespaces ?? []);
      if (policy.selector.labelSelector) {
        for (const ns of await deps.cluster.listNamespaces(labelSelectorToString(policy.selector.labelSelector))) {
          names.add(ns);
        }
      }
      if (names.size === 0) {
        throw ApplicationFailure.create({
          type: FailureTypes.InvalidInput,
          message: `policy "${policy.name}" selects no namespace`,
          nonRetryable: true,
        });
      }
      return [...names].sort();
    },
  };
}
