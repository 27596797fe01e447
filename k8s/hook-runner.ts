// The real HookRunner: one blueprint action run as a hook over Kubernetes. It builds the template
// parameters for the hook's subject (N1; no `.Profile`, A4), runs the Kanister runner with the Kubernetes
// functions, threads the runner's checkpoint through the activity (R6) and enforces the deadline (R7).
import type { HookRunContext, HookRunInput, HookRunner, HookRunResult } from '../activities/deps.js';
import type { ObjectReference } from '../kanister/blueprint.js';
import { buildTemplateParams } from '../kanister/params.js';
import type { ConfigMapInput, SecretInput } from '../kanister/params.js';
import { runBlueprintAction } from '../kanister/runner.js';
import type { FetchedPhaseObjects } from '../kanister/runner.js';
import type { KubeClients } from './client.js';
import { describeApiError } from './client.js';
import { createFunctionRegistry } from './functions/registry.js';
import { resolveSubject } from './subject.js';

/** The hook attempt ran past its deadline (R7); its pods were deleted. Retryable per R2/R3. */
export class HookTimeoutError extends Error {
  override readonly name = 'HookTimeoutError';
}

export class KubeHookRunner implements HookRunner {
  constructor(
    private readonly clients: KubeClients,
    /** `.Time` source; injectable for tests. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(input: HookRunInput, ctx: HookRunContext): Promise<HookRunResult> {
    const hook = `${input.slot} hook ${input.ref.blueprint}/${input.ref.actionName}`;
    const deadline = new AbortController();
    const remainingMs = input.deadlineMs - Date.now();
    const timeout = new HookTimeoutError(`${hook} timed out (deadline ${new Date(input.deadlineMs).toISOString()}); its pods were deleted`);
    const timer = setTimeout(() => deadline.abort(timeout), Math.max(0, remainingMs));
    const signal = AbortSignal.any([ctx.signal, deadline.signal]);
    try {
      const resolved = await resolveSubject(this.clients, input.ref, input.subjectNamespace);
      const params = buildTemplateParams({
        subject: resolved.subject,
        object: resolved.object,
        time: this.now(),
        options: input.options,
        artifactsIn: input.artifactsIn,
      });
      const functions = createFunctionRegistry(this.clients, { workloadSubject: resolved.workload, params });
      const result = await runBlueprintAction({
        blueprint: input.blueprint,
        actionName: input.ref.actionName,
        params,
        functions,
        signal,
        resourceKeyPrefix: `${input.actionId}-${input.slot}-${input.attempt}`,
        defaultNamespace: input.k10Namespace,
        log: ctx.log,
        heartbeat: ctx.heartbeat,
        fetchObjects: (objects, fetchSignal) => this.fetchObjects(objects, fetchSignal),
        resume: ctx.checkpoint,
        onCheckpoint: (checkpoint) => ctx.saveCheckpoint(checkpoint),
      });
      const phases = Object.entries(result.phases).map(([name, phase]) => ({ name, output: phase.output }));
      if (result.deferPhase) phases.push({ name: result.deferPhase.name, output: result.deferPhase.output });
      return { phases, outputArtifacts: result.outputArtifacts };
    } catch (error) {
      if (deadline.signal.aborted && !ctx.signal.aborted) throw timeout;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kanister fetches only Secret and ConfigMap objects of a phase (case-insensitive kinds). */
  private async fetchObjects(objects: Readonly<Record<string, ObjectReference>>, _signal: AbortSignal): Promise<FetchedPhaseObjects> {
    const secrets: Record<string, SecretInput> = {};
    const configMaps: Record<string, ConfigMapInput> = {};
    for (const [key, ref] of Object.entries(objects)) {
      const kind = ref.kind.toLowerCase();
      try {
        if (kind === 'secret') {
          const secret = await this.clients.core.readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
          secrets[key] = { metadata: { ...secret.metadata, name: ref.name, namespace: ref.namespace }, type: secret.type, data: secret.data };
        } else if (kind === 'configmap') {
          const configMap = await this.clients.core.readNamespacedConfigMap({ name: ref.name, namespace: ref.namespace });
          configMaps[key] = { metadata: { ...configMap.metadata, name: ref.name, namespace: ref.namespace }, data: configMap.data, binaryData: configMap.binaryData };
        }
      } catch (error) {
        throw new Error(`fetching phase object ${key} (${ref.kind} ${ref.namespace}/${ref.name}): ${describeApiError(error)}`, { cause: error });
      }
    }
    return { secrets, configMaps };
  }
}
