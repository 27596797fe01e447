// createActivities(deps) returns every activity kanflow's workflows schedule. The worker registers them with
// the real deps (k8s/); workflow tests register test doubles under the same names.
import type { KanflowDeps } from './deps.js';
import { createHookActivity } from './hook.js';
import { createLockActivities } from './lock.js';
import { createMainActivity } from './main.js';
import { createPolicyActivities } from './policy.js';
import { createSetupActivity } from './setup.js';

export type { ResolvedHook, ResolvedHooks, SetupInput } from './setup.js';
export type { MainActivityResult } from './main.js';

export function createActivities(deps: KanflowDeps) {
  const hook = createHookActivity(deps);
  const main = createMainActivity(deps);
  return {
    setup: createSetupActivity(deps),
    ...createLockActivities(deps),
    // One activity type per step, so the Temporal UI names the step; one implementation behind each pair.
    preHook: hook,
    onSuccess: hook,
    onFailure: hook,
    backup: main,
    export: main,
    restore: main,
    ...createPolicyActivities(deps),
  };
}

export type KanflowActivities = ReturnType<typeof createActivities>;
