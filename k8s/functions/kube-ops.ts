// KubeOps (kanister pkg/function/kubeops.go): `create` an object from a YAML spec (namespace defaults to
// `default`) or `delete` the object an objectReference names and wait until it is gone (finalizers done, as
// Kanister's waitForResourceDeletion polls for NotFound); outputs the object's reference.
import { parse as parseYaml } from 'yaml';
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import type { KubeClients } from '../client.js';
import { describeApiError, isConflict, isNotFound } from '../client.js';
import { collectionPath, groupVersionOf, objectPath } from '../object-api.js';
import type { KubernetesObject } from '../object-api.js';
import { watchUntil } from '../watch.js';
import { ArgReader } from './args.js';
import { specOf } from './spec.js';

export interface KubeOpsReference {
  apiVersion: string;
  group: string;
  resource: string;
  kind: string;
  name: string;
  namespace: string;
}

export function createKubeOps(clients: KubeClients): KanisterFunction {
  const spec = specOf('KubeOps');
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(spec.name, rawArgs, ctx);
      const operation = args.string('operation');
      const namespace = args.optionalString('namespace') || 'default';
      const where = `${spec.name} (phase ${JSON.stringify(ctx.phaseName)})`;
      if (operation === 'create') {
        const text = args.optionalString('spec');
        if (!text) throw args.error('spec', 'spec cannot be empty for create operation');
        let object: KubernetesObject;
        try {
          object = parseYaml(text) as KubernetesObject;
        } catch (error) {
          throw args.error('spec', `not valid YAML: ${(error as Error).message}`);
        }
        if (!object?.apiVersion || !object.kind || !object.metadata?.name) {
          throw args.error('spec', 'needs apiVersion, kind and metadata.name');
        }
        const discovered = await clients.objects.resourceOfKind(object.apiVersion, object.kind);
        if (!discovered) throw args.error('spec', `the API server does not serve kind ${object.kind} in ${object.apiVersion}`);
        const body = { ...object, metadata: { ...object.metadata } };
        if (discovered.namespaced) body.metadata.namespace = object.metadata.namespace ?? namespace;
        else delete body.metadata.namespace;
        const target = `${object.kind} ${body.metadata.namespace ? `${body.metadata.namespace}/` : ''}${object.metadata.name}`;
        // A crash retry finds the object the first attempt created: that is success, not a conflict (R6).
        const retrying = ctx.checkpoint?.creating === true;
        await ctx.saveCheckpoint({ creating: true });
        try {
          await clients.objects.create(body);
          ctx.log(`created ${target}`);
        } catch (error) {
          if (!(retrying && isConflict(error))) throw new Error(`${where}: creating ${target}: ${describeApiError(error)}`, { cause: error });
          ctx.log(`${target} was created by an earlier attempt`);
        }
        return referenceOutput(object.apiVersion, discovered.name, object.kind, object.metadata.name, body.metadata.namespace ?? '');
      }
      if (operation === 'delete') {
        const ref = args.optionalObject('objectReference');
        if (!ref) throw args.error('objectReference', 'required for delete operation');
        const name = typeof ref.name === 'string' ? ref.name : '';
        const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
        const resource = typeof ref.resource === 'string' ? ref.resource : '';
        const group = typeof ref.group === 'string' ? ref.group : '';
        if (!name || !apiVersion || !resource) {
          throw args.error('objectReference', 'missing one or more required fields name/namespace/group/apiVersion/resource for delete operation');
        }
        const objectNamespace = (typeof ref.namespace === 'string' && ref.namespace) || namespace;
        const groupVersion = groupVersionOf({ apiVersion, group });
        const discovered = await clients.objects.resourceByName(groupVersion, resource);
        if (!discovered) throw new PermanentFunctionError(`${where}: the API server does not serve resource ${resource} in ${groupVersion}`);
        const path = objectPath(groupVersion, resource, name, discovered.namespaced ? objectNamespace : undefined);
        try {
          await clients.objects.deleteRaw(path);
          ctx.log(`deleted ${resource} ${objectNamespace}/${name}`);
        } catch (error) {
          // Already gone is what delete wants: idempotent across retries.
          if (!isNotFound(error)) throw new Error(`${where}: deleting ${resource} ${objectNamespace}/${name}: ${describeApiError(error)}`, { cause: error });
        }
        // Deletion is only requested above: an object with finalizers lingers until they are removed.
        const scope = discovered.namespaced ? objectNamespace : undefined;
        await watchUntil<KubernetesObject, true>(clients.kubeConfig, {
          listPath: collectionPath(groupVersion, resource, scope),
          name,
          read: async () => {
            try {
              return await clients.objects.getRaw<KubernetesObject>(path);
            } catch (error) {
              if (isNotFound(error)) return undefined;
              throw new Error(`${where}: reading ${resource} ${objectNamespace}/${name}: ${describeApiError(error)}`, { cause: error });
            }
          },
          check: (object) => (object ? undefined : true),
          signal: ctx.signal,
          heartbeat: () => ctx.heartbeat(),
        });
        return referenceOutput(groupVersion, resource, discovered.kind, name, discovered.namespaced ? objectNamespace : '');
      }
      throw args.error('operation', `invalid operation ${JSON.stringify(operation)} (kanflow supports create and delete)`);
    },
  };
}

function referenceOutput(groupVersion: string, resource: string, kind: string, name: string, namespace: string): KubeOpsReference & PhaseOutput {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/', 2) : ['', groupVersion];
  return { apiVersion: version ?? groupVersion, group: group ?? '', resource, kind, name, namespace };
}
