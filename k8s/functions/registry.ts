// The Kanister functions kanflow executes against Kubernetes, by Kanister's exact names. Functions that need
// a location profile are refused: hooks have no profile (rule A4), so using one is an input error (R5).
import { FUNCTION_SPECS } from '../../kanister/functions/specs.js';
import type { KanisterFunction } from '../../kanister/functions/types.js';
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import type { TemplateParams } from '../../kanister/params.js';
import type { KubeClients } from '../client.js';
import { createKubeExec } from './kube-exec.js';
import { createKubeExecAll } from './kube-exec-all.js';
import { createKubeOps } from './kube-ops.js';
import { createKubeTask } from './kube-task.js';
import { createMultiContainerRun } from './multi-container-run.js';
import { createScaleWorkload } from './scale-workload.js';
import type { WorkloadSubject } from './scale-workload.js';
import { createWait, createWaitV2 } from './wait.js';

export interface FunctionRegistryOptions {
  /** The hook's workload subject: ScaleWorkload's defaults. */
  workloadSubject?: WorkloadSubject;
  /** Template parameters at action start: Wait/WaitV2 render their objectReferences with them. */
  params?: TemplateParams;
}

export function createFunctionRegistry(clients: KubeClients, options: FunctionRegistryOptions = {}): ReadonlyMap<string, KanisterFunction> {
  const implemented: KanisterFunction[] = [
    createKubeTask(clients),
    createKubeExec(clients),
    createKubeExecAll(clients),
    createScaleWorkload(clients, options.workloadSubject),
    createKubeOps(clients),
    createWait(clients, options.params),
    createWaitV2(clients, options.params),
    createMultiContainerRun(clients),
  ];
  const registry = new Map<string, KanisterFunction>(implemented.map((fn) => [fn.name, fn]));
  for (const spec of FUNCTION_SPECS.values()) {
    if (registry.has(spec.name)) continue;
    registry.set(spec.name, {
      name: spec.name,
      requiredArgs: spec.requiredArgs,
      optionalArgs: spec.optionalArgs,
      needsProfile: spec.needsProfile,
      execute: () =>
        Promise.reject(
          new PermanentFunctionError(
            spec.needsProfile
              ? `${spec.name} needs a location profile, which execution hooks do not have; it cannot be used in a hook`
              : `${spec.name} is not implemented by kanflow`,
          ),
        ),
    });
  }
  return registry;
}
