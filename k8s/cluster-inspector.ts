// ClusterInspector: what setup asks the cluster about an action's subject namespace.
import type { ClusterInspector } from '../activities/deps.js';
import type { KubeClients } from './client.js';
import { describeApiError, isNotFound } from './client.js';

export class KubeClusterInspector implements ClusterInspector {
  constructor(private readonly clients: KubeClients) {}

  async namespaceExists(name: string): Promise<boolean> {
    try {
      const namespace = await this.clients.core.readNamespace({ name });
      // A namespace being deleted cannot take new work.
      return namespace.status?.phase !== 'Terminating';
    } catch (error) {
      if (isNotFound(error)) return false;
      throw new Error(`reading namespace ${name}: ${describeApiError(error)}`, { cause: error });
    }
  }

  async listNamespaces(labelSelector?: string): Promise<string[]> {
    const names: string[] = [];
    let _continue: string | undefined;
    do {
      let page;
      try {
        page = await this.clients.core.listNamespace({ labelSelector: labelSelector || undefined, limit: 500, _continue });
      } catch (error) {
        throw new Error(`listing namespaces${labelSelector ? ` matching ${JSON.stringify(labelSelector)}` : ''}: ${describeApiError(error)}`, { cause: error });
      }
      for (const namespace of page.items) if (namespace.metadata?.name) names.push(namespace.metadata.name);
      _continue = page.metadata?._continue || undefined;
    } while (_continue);
    return names.sort();
  }
}
