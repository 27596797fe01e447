// Activities of a policy run: resolving which namespaces it covers.
import { ApplicationFailure } from '@temporalio/activity';
import type { Policy } from '../model/index.js';
import { labelSelectorToString } from '../model/index.js';
import { FailureTypes } from '../workflows/messages.js';
import type { KanflowDeps } from './deps.js';

export function createPolicyActivities(deps: KanflowDeps) {
  return {
    /** The namespaces a policy selects (listed and/or matching its labels), sorted. */
    async resolvePolicyNamespaces(policy: Policy): Promise<string[]> {
      const { namespaces, labelSelector } = policy.selector;
      // Kubernetes' meaning: a namespace must be listed (when names are given) AND match (when labels are).
      let names = new Set(namespaces ?? []);
      if (labelSelector) {
        const matching = await deps.cluster.listNamespaces(labelSelectorToString(labelSelector));
        names = namespaces ? new Set(matching.filter((ns) => names.has(ns))) : new Set(matching);
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
