// Restore: re-creates a restore point's objects in a target namespace (created when missing), with
// metadata.namespace rewritten. Idempotent: objects that already match are skipped, others replaced.
import type { KubeClients } from '../client.js';
import { describeApiError, isConflict, isNotFound } from '../client.js';
import { abortError } from '../abort.js';
import { objectPath } from '../object-api.js';
import type { KubernetesObject } from '../object-api.js';
import { CAPTURED_KINDS, stripServerFields } from './backup.js';
import type { RestorePointBundle } from './restore-points.js';

export interface RestoreSummary {
  created: string[];
  unchanged: string[];
  replaced: string[];
}

/** True when every field of `wanted` has the same value in `actual` (server defaults may add more). */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') return wanted === actual;
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && wanted.length === actual.length && wanted.every((item, i) => isSubset(item, actual[i]));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(wanted).every(([key, value]) => isSubset(value, (actual as Record<string, unknown>)[key]));
}

/** The object as it must look in `targetNamespace`. */
export function retarget(object: Record<string, unknown>, sourceNamespace: string, targetNamespace: string): Record<string, unknown> {
  const out = structuredClone(object);
  (out.metadata as Record<string, unknown>).namespace = targetNamespace;
  if (out.kind === 'RoleBinding' && Array.isArray(out.subjects)) {
    for (const subject of out.subjects as { namespace?: string }[]) if (subject.namespace === sourceNamespace) subject.namespace = targetNamespace;
  }
  return out;
}

export interface RestoreOptions {
  signal: AbortSignal;
  heartbeat: () => void;
  log: (line: string) => void;
}

export async function restoreNamespace(clients: KubeClients, bundle: RestorePointBundle, targetNamespace: string, options: RestoreOptions): Promise<RestoreSummary> {
  await ensureNamespace(clients, targetNamespace);
  const summary: RestoreSummary = { created: [], unchanged: [], replaced: [] };
  const order = new Map<string, number>(CAPTURED_KINDS.map((k, i) => [k.kind, i]));
  const objects = [...bundle.objects].sort((a, b) => (order.get(String(a.kind)) ?? 99) - (order.get(String(b.kind)) ?? 99));
  for (const source of objects) {
    if (options.signal.aborted) throw abortError(options.signal);
    options.heartbeat();
    const object = retarget(source, bundle.namespace, targetNamespace) as KubernetesObject & Record<string, unknown>;
    const label = `${String(object.kind)} ${targetNamespace}/${object.metadata?.name}`;
    const kind = CAPTURED_KINDS.find((k) => k.kind === object.kind);
    if (!kind) throw new Error(`restore into ${targetNamespace}: unsupported kind ${String(object.kind)} in restore point`);
    const path = objectPath(kind.groupVersion, kind.resource, object.metadata!.name!, targetNamespace);
    try {
      await clients.objects.create(object);
      summary.created.push(label);
      options.log(`created ${label}`);
      continue;
    } catch (error) {
      if (!isConflict(error)) throw new Error(`restore into ${targetNamespace}: creating ${label}: ${describeApiError(error)}`, { cause: error });
    }
    const existing = await clients.objects.getRaw(path);
    if (isSubset(stripServerFields(object), existing)) {
      summary.unchanged.push(label);
      continue;
    }
    const metadata = existing.metadata as { resourceVersion?: string };
    const replacement = structuredClone(object) as Record<string, unknown> & { metadata: Record<string, unknown>; spec?: Record<string, unknown> };
    replacement.metadata.resourceVersion = metadata.resourceVersion;
    if (object.kind === 'Service' && replacement.spec) {
      // clusterIP is immutable: keep the one the existing Service has.
      const existingSpec = existing.spec as Record<string, unknown>;
      replacement.spec.clusterIP = existingSpec.clusterIP;
      replacement.spec.clusterIPs = existingSpec.clusterIPs;
    }
    try {
      await clients.objects.replace(replacement as KubernetesObject);
      summary.replaced.push(label);
      options.log(`replaced ${label}`);
    } catch (error) {
      throw new Error(`restore into ${targetNamespace}: replacing ${label}: ${describeApiError(error)}`, { cause: error });
    }
  }
  return summary;
}

async function ensureNamespace(clients: KubeClients, name: string): Promise<void> {
  try {
    await clients.core.readNamespace({ name });
    return;
  } catch (error) {
    if (!isNotFound(error)) throw new Error(`restore: reading namespace ${name}: ${describeApiError(error)}`, { cause: error });
  }
  try {
    await clients.core.createNamespace({ body: { metadata: { name } } });
  } catch (error) {
    if (!isConflict(error)) throw new Error(`restore: creating namespace ${name}: ${describeApiError(error)}`, { cause: error });
  }
}
