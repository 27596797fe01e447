// Helpers for end-to-end tests on the local cluster: Blueprint custom resources, subject namespaces, restore
// points and a real kanflow worker (createRealDeps) on the test's Temporal dev server.
import '../../k8s/node-compat.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from '@temporalio/worker';
import { parse as parseYaml } from 'yaml';
import { createRealDeps } from '../../activities/real-deps.js';
import { KanflowClient } from '../../client/index.js';
import type { KubeClients } from '../../k8s/client.js';
import { isConflict, isNotFound } from '../../k8s/client.js';
import { listRestorePoints, type RestorePointInfo } from '../../k8s/main/restore-points.js';
import { RESTORE_POINT_NAMESPACE_LABEL } from '../../k8s/main/restore-points.js';
import { CHECKPOINT_LABEL } from '../../k8s/hook-checkpoints.js';
import { lockLeaseName } from '../../k8s/namespace-lock.js';
import { createKanflowWorker } from '../../worker/worker.js';
import type { TestTemporal } from '../helpers/temporal.js';

export const K10 = 'kasten-io';
const BLUEPRINT = { group: 'cr.kanister.io', version: 'v1alpha1', plural: 'blueprints' } as const;

/** test/fixtures/e2e, from the compiled test (dist/test/support) or the sources. */
export function e2eFixture(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '..', '..', '..', 'test', 'fixtures', 'e2e', name), path.resolve(here, '..', 'fixtures', 'e2e', name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`fixture test/fixtures/e2e/${name} not found`);
}

/**
 * Creates (or replaces) a Blueprint custom resource in the K10 namespace from a fixture file, optionally under
 * another name so concurrent runs do not share it. Returns its name.
 */
export async function applyBlueprint(clients: KubeClients, fixture: string, name?: string): Promise<string> {
  const body = parseYaml(readFileSync(e2eFixture(fixture), 'utf8')) as { metadata: { name: string; namespace?: string } };
  if (name) body.metadata.name = name;
  body.metadata.namespace = K10;
  const target = { ...BLUEPRINT, namespace: K10 };
  try {
    await clients.custom.createNamespacedCustomObject({ ...target, body });
  } catch (error) {
    if (!isConflict(error)) throw error;
    const current = (await clients.custom.getNamespacedCustomObject({ ...target, name: body.metadata.name })) as { metadata: { resourceVersion: string } };
    await clients.custom.replaceNamespacedCustomObject({
      ...target,
      name: body.metadata.name,
      body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion } },
    });
  }
  return body.metadata.name;
}

export async function deleteBlueprint(clients: KubeClients, name: string): Promise<void> {
  await clients.custom.deleteNamespacedCustomObject({ ...BLUEPRINT, namespace: K10, name }).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
}

/** A subject namespace with a little application in it: a ConfigMap (and optionally a Deployment). */
export async function createSubjectNamespace(
  clients: KubeClients,
  name: string,
  options: { labels?: Record<string, string>; deployment?: boolean } = {},
): Promise<void> {
  await clients.core.createNamespace({ body: { metadata: { name, labels: options.labels ?? {} } } });
  await clients.core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'settings' }, data: { color: 'blue' } } });
  if (options.deployment) {
    await clients.apps.createNamespacedDeployment({
      namespace: name,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox', command: ['sleep', '3600'] }] } },
        },
      },
    });
  }
}

export async function namespaceMetadata(clients: KubeClients, name: string): Promise<{ labels: Record<string, string>; annotations: Record<string, string> }> {
  const namespace = await clients.core.readNamespace({ name });
  return { labels: namespace.metadata?.labels ?? {}, annotations: namespace.metadata?.annotations ?? {} };
}

export function restorePointsOf(clients: KubeClients, namespace: string): Promise<RestorePointInfo[]> {
  return listRestorePoints(clients, K10, namespace);
}

/** Whether the namespace-lock Lease of `namespace` exists (S4: it is deleted when released). */
export async function lockLeaseExists(clients: KubeClients, namespace: string): Promise<boolean> {
  try {
    await clients.coordination.readNamespacedLease({ namespace: K10, name: lockLeaseName(namespace) });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Hook checkpoint ConfigMaps in the K10 namespace whose key (`<actionId>/<slot>/<attempt>`) names `namespace`. */
export async function checkpointsOf(clients: KubeClients, namespace: string): Promise<string[]> {
  const list = await clients.core.listNamespacedConfigMap({ namespace: K10, labelSelector: `${CHECKPOINT_LABEL}=true` });
  return list.items
    .filter((cm) => (cm.metadata?.annotations?.['kanflow.io/key'] ?? '').includes(namespace))
    .map((cm) => cm.metadata?.name ?? '');
}

/**
 * Deletes the test's namespaces, the restore points taken of them and hook checkpoints left for their actions
 * (namespace deletion is not awaited).
 */
export async function cleanupNamespaces(clients: KubeClients, namespaces: readonly string[]): Promise<void> {
  for (const name of namespaces) {
    await clients.core.deleteNamespace({ name }).catch(() => {});
    await clients.core
      .deleteCollectionNamespacedConfigMap({ namespace: K10, labelSelector: `${RESTORE_POINT_NAMESPACE_LABEL}=${name}` })
      .catch(() => {});
    for (const checkpoint of await checkpointsOf(clients, name).catch(() => [])) {
      await clients.core.deleteNamespacedConfigMap({ namespace: K10, name: checkpoint }).catch(() => {});
    }
  }
}

/** Creates a ServiceAccount in the K10 namespace if missing (the source document's blueprint uses k10-k10). */
export async function ensureServiceAccount(clients: KubeClients, name: string): Promise<void> {
  await clients.core.createNamespacedServiceAccount({ namespace: K10, body: { metadata: { name } } }).catch((error: unknown) => {
    if (!isConflict(error)) throw error;
  });
}

export function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export interface RealWorker {
  kanflow: KanflowClient;
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

/** An in-process kanflow worker with the real deps against the local cluster. */
export async function startRealWorker(temporal: TestTemporal, kubeconfigPath: string, prefix = 'e2e'): Promise<RealWorker> {
  const taskQueue = temporal.taskQueue(prefix);
  const deps = createRealDeps({ kubeconfigPath, k10Namespace: K10, temporalClient: temporal.client });
  const worker = await createKanflowWorker({ connection: temporal.nativeConnection, taskQueue, deps });
  const running = worker.run();
  return {
    kanflow: new KanflowClient(temporal.client, taskQueue),
    taskQueue,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
