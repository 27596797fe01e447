// ScaleWorkload (kanister pkg/function/scale_workload.go): sets a Deployment's or StatefulSet's replicas,
// optionally waits until the workload is ready, and outputs `originalReplicaCount`. Kind, name and
// namespace default to the hook's workload subject (rule N1).
import '../node-compat.js';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import type { KubeClients } from '../client.js';
import { describeApiError, isNotFound } from '../client.js';
import { watchUntil } from '../watch.js';
import { ArgReader } from './args.js';
import { specOf } from './spec.js';

/** The hook's workload subject, when it is one (fills `.Deployment`/`.StatefulSet`). */
export interface WorkloadSubject {
  kind: 'Deployment' | 'StatefulSet' | 'DeploymentConfig';
  name: string;
  namespace: string;
}

type Workload = V1Deployment | V1StatefulSet;

/** Ready as Kanister's WaitOnDeploymentReady/WaitOnStatefulSetReady see it; scaled to 0 means no pods left. */
export function workloadReady(workload: Workload, replicas: number): boolean {
  const status = workload.status;
  if ((status?.observedGeneration ?? 0) < (workload.metadata?.generation ?? 0)) return false;
  if (replicas === 0) return (status?.replicas ?? 0) === 0;
  return (status?.readyReplicas ?? 0) >= replicas && (status?.updatedReplicas ?? 0) >= replicas && (status?.replicas ?? 0) === replicas;
}

export function createScaleWorkload(clients: KubeClients, subject?: WorkloadSubject): KanisterFunction {
  const spec = specOf('ScaleWorkload');
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(spec.name, rawArgs, ctx);
      const replicas = args.optionalInt('replicas');
      if (replicas === undefined) throw args.error('replicas', 'required argument missing');
      if (replicas < 0) throw args.error('replicas', `must not be negative, got ${replicas}`);
      if (!subject && !(args.has('namespace') && args.has('name') && args.has('kind'))) {
        throw args.failure('workload information not available via defaults or namespace/name/kind parameters');
      }
      const namespace = args.optionalString('namespace') ?? subject!.namespace;
      const name = args.optionalString('name') ?? subject!.name;
      const kind = (args.optionalString('kind') ?? subject!.kind).toLowerCase();
      const waitForReady = args.optionalBool('waitForReady') ?? true;
      const where = `${spec.name} (phase ${JSON.stringify(ctx.phaseName)}): ${kind} ${namespace}/${name}`;
      if (kind === 'deploymentconfig') throw new PermanentFunctionError(`${where}: DeploymentConfig is OpenShift-only and not supported by kanflow`);
      if (kind !== 'deployment' && kind !== 'statefulset') throw args.error('kind', `workload type not supported: ${kind}`);

      const read = async (): Promise<Workload | undefined> => {
        try {
          return kind === 'deployment'
            ? await clients.apps.readNamespacedDeployment({ namespace, name })
            : await clients.apps.readNamespacedStatefulSet({ namespace, name });
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw new Error(`${where}: ${describeApiError(error)}`, { cause: error });
        }
      };
      const current = await read();
      if (!current) throw new PermanentFunctionError(`${where}: not found`);

      // A crash retry must report the count from before the first attempt scaled it (R6).
      const saved = ctx.checkpoint?.originalReplicaCount;
      const originalReplicaCount = typeof saved === 'number' ? saved : (current.spec?.replicas ?? 1);
      await ctx.saveCheckpoint({ originalReplicaCount });

      const body = { spec: { replicas } };
      const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      try {
        if (kind === 'deployment') await clients.apps.patchNamespacedDeploymentScale({ namespace, name, body }, options);
        else await clients.apps.patchNamespacedStatefulSetScale({ namespace, name, body }, options);
      } catch (error) {
        throw new Error(`${where}: scaling to ${replicas}: ${describeApiError(error)}`, { cause: error });
      }
      if (waitForReady) {
        const resource = kind === 'deployment' ? 'deployments' : 'statefulsets';
        await watchUntil<Workload, true>(clients.kubeConfig, {
          listPath: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`,
          name,
          read,
          check: (workload) => {
            if (!workload) throw new Error(`${where}: deleted while waiting for it to become ready`);
            return workloadReady(workload, replicas) ? true : undefined;
          },
          signal: ctx.signal,
          heartbeat: () => ctx.heartbeat(),
        });
      }
      return { originalReplicaCount };
    },
  };
}
