// `kanflow restore-points list|show`: restore points recorded by backups, read straight from the cluster.
import Table from 'cli-table3';
import { createKubeClients, loadKubeConfig } from '../k8s/client.js';
import { listRestorePoints, readRestorePoint } from '../k8s/main/restore-points.js';

export interface RestorePointFlags {
  kubeconfig?: string;
  k10Namespace: string;
  json?: boolean;
}

export async function listRestorePointsCommand(namespace: string | undefined, flags: RestorePointFlags): Promise<number> {
  const clients = createKubeClients(loadKubeConfig(flags.kubeconfig));
  const points = await listRestorePoints(clients, flags.k10Namespace, namespace);
  if (flags.json) {
    console.log(JSON.stringify(points, null, 2));
    return 0;
  }
  if (points.length === 0) {
    console.log(`no restore points${namespace ? ` of namespace ${namespace}` : ''} in ${flags.k10Namespace}`);
    return 0;
  }
  const table = new Table({ head: ['name', 'namespace', 'created', 'objects', 'size', 'sha256'] });
  for (const p of points) table.push([p.name, p.namespace, p.createdAt, String(p.objectCount), `${Math.ceil(p.sizeBytes / 1024)} KiB`, p.sha256.slice(0, 16)]);
  console.log(table.toString());
  return 0;
}

export async function showRestorePointCommand(name: string, flags: RestorePointFlags): Promise<number> {
  const clients = createKubeClients(loadKubeConfig(flags.kubeconfig));
  const { info, bundle } = await readRestorePoint(clients, flags.k10Namespace, name);
  if (flags.json) {
    console.log(JSON.stringify({ ...info, objects: bundle.objects.map(describeObject) }, null, 2));
    return 0;
  }
  console.log(`restore point ${info.name} of namespace ${info.namespace}, taken ${info.createdAt} by ${info.actionId}`);
  console.log(`sha256 ${info.sha256}, ${info.sizeBytes} bytes, ${info.objectCount} objects: ${Object.entries(info.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const object of bundle.objects) console.log(`  ${describeObject(object)}`);
  return 0;
}

function describeObject(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: string };
  return `${String(object.kind)}/${metadata.name ?? '?'}`;
}
