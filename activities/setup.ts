// The setup step (rules S1, S2, S3): validate the request, check the subject, resolve and validate each hook.
import { ApplicationFailure } from '@temporalio/activity';
import type { Blueprint } from '../kanister/blueprint.js';
import { formatValidationIssue, validateBlueprint } from '../kanister/validate.js';
import type { ActionRequest, HookRef, HookSlot } from '../model/index.js';
import { ActionRequestSchema, HOOK_SLOTS } from '../model/index.js';
import { FailureTypes } from '../workflows/messages.js';
import { actionSettings } from '../workflows/settings.js';
import type { KanflowDeps } from './deps.js';

export interface SetupInput {
  actionId: string;
  request: ActionRequest;
}

/** A hook reference with the Blueprint it resolved to; carried in workflow state so edits don't affect it (S3). */
export interface ResolvedHook {
  ref: HookRef;
  blueprint: Blueprint;
}
export type ResolvedHooks = Partial<Record<HookSlot, ResolvedHook>>;

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureTypes.InvalidInput, message, nonRetryable: true });
}

export function createSetupActivity(deps: KanflowDeps) {
  return async function setup(input: SetupInput): Promise<ResolvedHooks> {
    const parsed = ActionRequestSchema.safeParse(input.request);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
      throw invalid(`invalid request: ${fields}`);
    }
    const request = parsed.data;
    const { subjectNamespace, k10Namespace } = actionSettings(request);
    if (!(await deps.cluster.namespaceExists(subjectNamespace))) {
      throw invalid(`subject namespace "${subjectNamespace}" does not exist`);
    }
    const resolved: ResolvedHooks = {};
    const problems: string[] = [];
    for (const slot of HOOK_SLOTS) {
      const ref = request.hooks[slot];
      if (!ref) continue;
      const where = `${slot} hook ${ref.blueprint}/${ref.actionName}`;
      const blueprint = await deps.blueprints.get(ref.blueprint, k10Namespace);
      if (!blueprint) {
        problems.push(`${where}: blueprint "${ref.blueprint}" not found in namespace "${k10Namespace}"`);
        continue;
      }
      if (!blueprint.actions[ref.actionName]) {
        const known = Object.keys(blueprint.actions).join(', ') || 'none';
        problems.push(`${where}: blueprint "${ref.blueprint}" has no action "${ref.actionName}" (actions: ${known})`);
        continue;
      }
      const errors = validateBlueprint(blueprint, { hook: true, lenient: true, actions: [ref.actionName] }).filter(
        (issue) => issue.severity === 'error',
      );
      if (errors.length > 0) {
        problems.push(...errors.map((issue) => `${slot} hook: ${formatValidationIssue(issue)}`));
        continue;
      }
      resolved[slot] = { ref, blueprint: onlyAction(blueprint, ref.actionName) };
    }
    if (problems.length > 0) throw invalid(problems.join('\n'));
    return resolved;
  };
}

/** Keeps only the referenced action: smaller workflow state, same behaviour. */
function onlyAction(blueprint: Blueprint, actionName: string): Blueprint {
  const action = blueprint.actions[actionName];
  return { ...blueprint, actions: action ? { [actionName]: action } : {} };
}
