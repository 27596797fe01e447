// Backup: captures the manifests of a namespace's common kinds, stripped of server-set fields, into a
// restore point. Secrets only when asked (`includeSecrets`); never service-account tokens.
import type { KubeClients } from '../client.js';
import { describeApiError } from '../client.js';
import { collectionPath } from '../object-api.js';
import { abortError } from '../abort.js';
import type { RestorePointBundle, RestorePointInfo } from './restore-points.js';
import { restorePointNameFor, writeRestorePoint } from './restore-points.js';

/** Captured kinds, in the order restore re-creates them (dependencies first). */
export const CAPTURED_KINDS = [
  { kind: 'ServiceAccount', groupVersion: 'v1', resource: 'serviceaccounts' },
  { kind: 'Secret', groupVersion: 'v1', resource: 'secrets' },
  { kind: 'ConfigMap', groupVersion: 'v1', resource: 'configmaps' },
  { kind: 'PersistentVolumeClaim', groupVersion: 'v1', resource: 'persistentvolumeclaims' },
  { kind: 'Role', groupVersion: 'rbac.authorization.k8s.io/v1', resource: 'roles' },
  { kind: 'RoleBinding', groupVersion: 'rbac.authorization.k8s.io/v1', resource: 'rolebindings' },
  { kind: 'Service', groupVersion: 'v1', resource: 'services' },
  { kind: 'StatefulSet', groupVersion: 'apps/v1', resource: 'statefulsets' },
  { kind: 'Deployment', groupVersion: 'apps/v1', resource: 'deployments' },
] as const;

const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'ownerReferences', 'finalizers'];
const SERVER_ANNOTATIONS = [/^deployment\.kubernetes\.io\//, /^pv\.kubernetes\.io\//, /^volume\.kubernetes\.io\//, /^volume\.beta\.kubernetes\.io\//, /^kubectl\.kubernetes\.io\/last-applied-configuration$/];

/** Removes what the API server sets, so the manifest can be created again elsewhere. */
export function stripServerFields(object: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(object);
  delete out.status;
  const metadata = (out.metadata ?? {}) as Record<string, unknown>;
  for (const field of SERVER_METADATA) delete metadata[field];
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations) {
    for (const key of Object.keys(annotations)) if (SERVER_ANNOTATIONS.some((re) => re.test(key))) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  const spec = out.spec as Record<string, unknown> | undefined;
  if (out.kind === 'Service' && spec) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  if (out.kind === 'PersistentVolumeClaim' && spec) delete spec.volumeName;
  return out;
}

/** Objects Kubernetes creates by itself in every namespace: not part of the application. */
export function isSystemObject(kind: string, object: Record<string, unknown>): boolean {
  const metadata = object.metadata as { name?: string } | undefined;
  if (kind === 'ConfigMap' && metadata?.name === 'kube-root-ca.crt') return true;
  if (kind === 'ServiceAccount' && metadata?.name === 'default') return true;
  if (kind === 'Secret' && (object.type === 'kubernetes.io/service-account-token' || object.type === 'helm.sh/release.v1')) return true;
  return false;
}

export interface CaptureOptions {
  includeSecrets?: boolean;
  signal: AbortSignal;
  heartbeat: () => void;
}

export async function captureNamespace(clients: KubeClients, namespace: string, options: CaptureOptions): Promise<Record<string, unknown>[]> {
  const objects: Record<string, unknown>[] = [];
  for (const { kind, groupVersion, resource } of CAPTURED_KINDS) {
    if (options.signal.aborted) throw abortError(options.signal);
    if (kind === 'Secret' && !options.includeSecrets) continue;
    let list: { items?: Record<string, unknown>[] };
    try {
      list = await clients.objects.getRaw(collectionPath(groupVersion, resource, namespace));
    } catch (error) {
      throw new Error(`backup of namespace ${namespace}: listing ${resource}: ${describeApiError(error)}`, { cause: error });
    }
    options.heartbeat();
    const items = (list.items ?? [])
      .map((item): Record<string, unknown> => ({ ...item, apiVersion: groupVersion, kind }))
      .filter((item) => !isSystemObject(kind, item))
      .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    objects.push(...items.map(stripServerFields));
  }
  return objects;
}

export interface BackupOptions extends CaptureOptions {
  k10Namespace: string;
  actionId: string;
}

/** Captures the namespace into the action's restore point (idempotent: a retry reuses the one it wrote). */
export async function backupNamespace(clients: KubeClients, namespace: string, options: BackupOptions): Promise<RestorePointInfo> {
  const name = restorePointNameFor(namespace, options.actionId);
  const objects = await captureNamespace(clients, namespace, options);
  const bundle: RestorePointBundle = { version: 1, namespace, createdAt: new Date().toISOString(), actionId: options.actionId, objects };
  return writeRestorePoint(clients, options.k10Namespace, name, bundle);
}

function nameOf(object: Record<string, unknown>): string {
  return String((object.metadata as { name?: string } | undefined)?.name ?? '');
}
