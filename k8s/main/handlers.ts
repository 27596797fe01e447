// MainActionHandlers over Kubernetes: backup → restore point, export → file, restore → namespace.
// Each is idempotent (retried, R4), heartbeats and honours cancellation.
import type { MainActionContext, MainActionHandlers, MainActionInput, MainActionResult } from '../../activities/deps.js';
import type { KubeClients } from '../client.js';
import { backupNamespace } from './backup.js';
import { exportDirectory, exportRestorePoint } from './export.js';
import { restoreNamespace } from './restore.js';
import { listRestorePoints, readRestorePoint } from './restore-points.js';

export class KubeMainActionHandlers implements MainActionHandlers {
  constructor(
    private readonly clients: KubeClients,
    /** Where restore points are stored when the request does not name its K10 namespace. */
    private readonly defaultK10Namespace: string,
  ) {}

  async run(input: MainActionInput, ctx: MainActionContext): Promise<MainActionResult> {
    const { request } = input;
    const k10Namespace = request.k10Namespace ?? this.defaultK10Namespace;
    const heartbeat = (): void => ctx.heartbeat();
    switch (request.kind) {
      case 'backup': {
        const info = await backupNamespace(this.clients, request.namespace, {
          k10Namespace,
          actionId: input.actionId,
          includeSecrets: request.includeSecrets,
          signal: ctx.signal,
          heartbeat,
        });
        return {
          restorePoint: { name: info.name, namespace: info.namespace },
          summary: `backed up ${info.objectCount} objects of namespace ${info.namespace} into restore point ${info.name}`,
        };
      }
      case 'export': {
        let name = input.restorePoint?.name ?? request.restorePoint;
        if (!name) {
          const latest = (await listRestorePoints(this.clients, k10Namespace, request.namespace))[0];
          if (!latest) throw new Error(`export of namespace ${request.namespace}: it has no restore point to export (run a backup first)`);
          name = latest.name;
        }
        const result = await exportRestorePoint(this.clients, k10Namespace, name, exportDirectory(request.location?.path));
        heartbeat();
        return {
          restorePoint: { name, namespace: result.info.namespace },
          exportLocation: result.path,
          summary: `${result.written ? 'exported' : 'export already present:'} restore point ${name} to ${result.path}`,
        };
      }
      case 'restore': {
        const { bundle } = await readRestorePoint(this.clients, k10Namespace, request.restorePoint.name);
        if (bundle.namespace !== request.restorePoint.namespace) {
          throw new Error(`restore point ${request.restorePoint.name} is of namespace ${bundle.namespace}, not ${request.restorePoint.namespace}`);
        }
        const summary = await restoreNamespace(this.clients, bundle, request.targetNamespace, { signal: ctx.signal, heartbeat, log: ctx.log });
        return {
          restorePoint: request.restorePoint,
          summary:
            `restored restore point ${request.restorePoint.name} into namespace ${request.targetNamespace}: ` +
            `${summary.created.length} created, ${summary.replaced.length} replaced, ${summary.unchanged.length} unchanged`,
        };
      }
    }
  }
}
