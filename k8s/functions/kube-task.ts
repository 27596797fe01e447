// KubeTask (kanister pkg/function/kube_task.go): runs `command` in a new pod from `image` and returns the
// phase output its log prints. The pod is always deleted: on success, failure and cancellation.
import type { V1Pod } from '@kubernetes/client-node';
import type { FunctionContext, KanisterFunction, KanisterFunctionSpec, PhaseOutput } from '../../kanister/functions/types.js';
import type { KubeClients } from '../client.js';
import { podNameFor } from '../naming.js';
import { MANAGED_BY, MANAGED_BY_LABEL, RESOURCE_KEY_LABEL } from '../pods.js';
import { ArgReader, labelProblem } from './args.js';
import { mergePodSpec } from './pod-override.js';
import { runPodTask } from './pod-task.js';
import { specOf } from './spec.js';

/** Kanister names the main container of its function pods `container`. */
export const MAIN_CONTAINER = 'container';

export interface FunctionPodInput {
  functionName: string;
  name: string;
  namespace: string;
  /** The default spec, before podOverride. */
  spec: Record<string, unknown>;
  podOverride?: Record<string, unknown>;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
}

/** The pod a Kanister function creates: labels as Kanister sets them plus kanflow's, podOverride merged. */
export function buildFunctionPod(input: FunctionPodInput): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: {
        ...input.podLabels,
        createdBy: 'kanister',
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [RESOURCE_KEY_LABEL]: input.name,
        'kanflow.io/function': input.functionName,
      },
      ...(input.podAnnotations && Object.keys(input.podAnnotations).length > 0 && { annotations: { ...input.podAnnotations } }),
    },
    spec: mergePodSpec(input.spec, input.podOverride) as unknown as V1Pod['spec'],
  };
}

/** Reads and checks podOverride/podLabels/podAnnotations, as Kanister's pod functions do. */
export function podArgs(args: ArgReader): Pick<FunctionPodInput, 'podOverride' | 'podLabels' | 'podAnnotations'> {
  const podLabels = args.optionalStringMap('podLabels');
  const podAnnotations = args.optionalStringMap('podAnnotations');
  for (const [key, value] of Object.entries(podLabels ?? {})) {
    const problem = labelProblem(key, value);
    if (problem) throw args.error('podLabels', problem);
  }
  for (const key of Object.keys(podAnnotations ?? {})) {
    const problem = labelProblem(key, undefined);
    if (problem) throw args.error('podAnnotations', problem.replace('label', 'annotation'));
  }
  return { podOverride: args.optionalObject('podOverride'), podLabels, podAnnotations };
}

export function createKubeTask(clients: KubeClients): KanisterFunction {
  const spec: KanisterFunctionSpec = specOf('KubeTask');
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(spec.name, rawArgs, ctx);
      const image = args.string('image');
      const command = args.stringList('command');
      const namespace = args.optionalString('namespace') || ctx.defaultNamespace;
      const pod = buildFunctionPod({
        functionName: spec.name,
        name: podNameFor(ctx.resourceKey),
        namespace,
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: MAIN_CONTAINER, image, command, imagePullPolicy: 'IfNotPresent' }],
        },
        ...podArgs(args),
      });
      return runPodTask({ clients, ctx, functionName: spec.name, pod, outputContainer: MAIN_CONTAINER });
    },
  };
}
