// Restore points: a namespace's captured manifests stored as ConfigMaps `kanflow-rp-<name>` in the K10
// namespace (gzip+base64 in binaryData, split over part ConfigMaps beyond ~700 KiB to stay under the 1 MiB
// object limit), labelled so they can be listed by namespace. Plain functions, for handlers and the CLI.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { KubeClients } from '../client.js';
import { describeApiError, isConflict, isNotFound } from '../client.js';
import { dnsLabel } from '../naming.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../pods.js';

export const RESTORE_POINT_LABEL = 'kanflow.io/restore-point';
export const RESTORE_POINT_NAMESPACE_LABEL = 'kanflow.io/namespace';
export const RESTORE_POINT_CREATED_LABEL = 'kanflow.io/created-unix';
const BUNDLE_KEY = 'bundle.json.gz';
const PART_BYTES = 700 * 1024;

/** What a restore point holds: the captured objects of one namespace. */
export interface RestorePointBundle {
  version: 1;
  namespace: string;
  createdAt: string;
  actionId: string;
  objects: Record<string, unknown>[];
}

export interface RestorePointInfo {
  name: string;
  namespace: string;
  createdAt: string;
  actionId: string;
  objectCount: number;
  /** sha256 of the gzip bundle: the file name an export gets. */
  sha256: string;
  sizeBytes: number;
  /** Counts per kind, e.g. `{ConfigMap: 2, Deployment: 1}`. */
  kinds: Record<string, number>;
}

export function configMapNameOf(restorePoint: string): string {
  return `kanflow-rp-${restorePoint}`;
}

/** The restore point name a backup action produces: deterministic, so a retried backup finds its own. */
export function restorePointNameFor(namespace: string, actionId: string): string {
  const hash = createHash('sha256').update(actionId).digest('hex').slice(0, 10);
  return dnsLabel(`${namespace}-${hash}`, 52);
}

/** Bundle bytes are deterministic for the same content (Node's gzip writes no timestamp). */
export function encodeBundle(bundle: RestorePointBundle): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(bundle)), { level: 9 });
}

export function decodeBundle(bytes: Buffer, where: string): RestorePointBundle {
  let parsed: RestorePointBundle;
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString('utf8')) as RestorePointBundle;
  } catch (error) {
    throw new Error(`${where}: not a kanflow restore point bundle (${(error as Error).message})`, { cause: error });
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.objects)) throw new Error(`${where}: unsupported bundle version ${String(parsed.version)}`);
  return parsed;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function kindCounts(objects: readonly Record<string, unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const object of objects) counts[String(object.kind)] = (counts[String(object.kind)] ?? 0) + 1;
  return counts;
}

/** Stores the bundle; a no-op when the restore point already exists (it is written last, so it is complete). */
export async function writeRestorePoint(clients: KubeClients, k10Namespace: string, name: string, bundle: RestorePointBundle): Promise<RestorePointInfo> {
  const existing = await readRestorePointConfigMap(clients, k10Namespace, name);
  if (existing) return infoOf(existing);
  const bytes = encodeBundle(bundle);
  const sha256 = sha256Hex(bytes);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length || parts.length === 0; offset += PART_BYTES) parts.push(bytes.subarray(offset, offset + PART_BYTES));
  const labels = {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [RESTORE_POINT_NAMESPACE_LABEL]: bundle.namespace,
    [RESTORE_POINT_CREATED_LABEL]: String(Math.floor(Date.parse(bundle.createdAt) / 1000)),
  };
  // Parts first, the main ConfigMap (the one listed) last: a listed restore point is always complete.
  for (let index = 1; index < parts.length; index += 1) {
    await createOrKeep(clients, {
      metadata: { name: `${configMapNameOf(name)}-part-${index}`, namespace: k10Namespace, labels },
      binaryData: { [BUNDLE_KEY]: parts[index]!.toString('base64') },
    });
  }
  const info: RestorePointInfo = {
    name,
    namespace: bundle.namespace,
    createdAt: bundle.createdAt,
    actionId: bundle.actionId,
    objectCount: bundle.objects.length,
    sha256,
    sizeBytes: bytes.length,
    kinds: kindCounts(bundle.objects),
  };
  await createOrKeep(clients, {
    metadata: {
      name: configMapNameOf(name),
      namespace: k10Namespace,
      labels: { ...labels, [RESTORE_POINT_LABEL]: 'true' },
      annotations: { 'kanflow.io/restore-point-info': JSON.stringify({ ...info, parts: parts.length }) },
    },
    binaryData: { [BUNDLE_KEY]: parts[0]!.toString('base64') },
  });
  return info;
}

async function createOrKeep(clients: KubeClients, body: V1ConfigMap): Promise<void> {
  const namespace = body.metadata!.namespace!;
  try {
    await clients.core.createNamespacedConfigMap({ namespace, body });
  } catch (error) {
    if (isConflict(error)) return;
    throw new Error(`writing restore point ConfigMap ${namespace}/${body.metadata!.name}: ${describeApiError(error)}`, { cause: error });
  }
}

async function readRestorePointConfigMap(clients: KubeClients, k10Namespace: string, name: string): Promise<V1ConfigMap | undefined> {
  try {
    return await clients.core.readNamespacedConfigMap({ namespace: k10Namespace, name: configMapNameOf(name) });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(`reading restore point ${name} (ConfigMap ${k10Namespace}/${configMapNameOf(name)}): ${describeApiError(error)}`, { cause: error });
  }
}

function infoOf(configMap: V1ConfigMap): RestorePointInfo {
  const raw = configMap.metadata?.annotations?.['kanflow.io/restore-point-info'];
  if (!raw) throw new Error(`ConfigMap ${configMap.metadata?.namespace}/${configMap.metadata?.name} is not a kanflow restore point`);
  const { parts: _parts, ...info } = JSON.parse(raw) as RestorePointInfo & { parts: number };
  return info;
}

/** Restore points, newest first; only those of `namespace` when given. */
export async function listRestorePoints(clients: KubeClients, k10Namespace: string, namespace?: string): Promise<RestorePointInfo[]> {
  const labelSelector = [`${RESTORE_POINT_LABEL}=true`, ...(namespace ? [`${RESTORE_POINT_NAMESPACE_LABEL}=${namespace}`] : [])].join(',');
  let list;
  try {
    list = await clients.core.listNamespacedConfigMap({ namespace: k10Namespace, labelSelector });
  } catch (error) {
    throw new Error(`listing restore points in ${k10Namespace}: ${describeApiError(error)}`, { cause: error });
  }
  return list.items.map(infoOf).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
}

/** One restore point's summary; undefined when there is none of that name. */
export async function showRestorePoint(clients: KubeClients, k10Namespace: string, name: string): Promise<RestorePointInfo | undefined> {
  const configMap = await readRestorePointConfigMap(clients, k10Namespace, name);
  return configMap ? infoOf(configMap) : undefined;
}

/** The bundle's bytes, reassembled and checked against the recorded sha256. */
export async function readRestorePointBytes(clients: KubeClients, k10Namespace: string, name: string): Promise<{ info: RestorePointInfo; bytes: Buffer }> {
  const main = await readRestorePointConfigMap(clients, k10Namespace, name);
  if (!main) throw new Error(`restore point ${name} not found in ${k10Namespace}`);
  const raw = JSON.parse(main.metadata!.annotations!['kanflow.io/restore-point-info']!) as RestorePointInfo & { parts: number };
  const chunks = [Buffer.from(main.binaryData?.[BUNDLE_KEY] ?? '', 'base64')];
  for (let index = 1; index < raw.parts; index += 1) {
    const partName = `${configMapNameOf(name)}-part-${index}`;
    const part = await clients.core.readNamespacedConfigMap({ namespace: k10Namespace, name: partName }).catch((error: unknown) => {
      throw new Error(`restore point ${name}: part ConfigMap ${k10Namespace}/${partName}: ${describeApiError(error)}`);
    });
    chunks.push(Buffer.from(part.binaryData?.[BUNDLE_KEY] ?? '', 'base64'));
  }
  const bytes = Buffer.concat(chunks);
  const info = infoOf(main);
  if (sha256Hex(bytes) !== info.sha256) throw new Error(`restore point ${name}: content checksum mismatch (stored data is corrupt)`);
  return { info, bytes };
}

export async function readRestorePoint(clients: KubeClients, k10Namespace: string, name: string): Promise<{ info: RestorePointInfo; bundle: RestorePointBundle }> {
  const { info, bytes } = await readRestorePointBytes(clients, k10Namespace, name);
  return { info, bundle: decodeBundle(bytes, `restore point ${name}`) };
}
