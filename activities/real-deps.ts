// Wires the real implementations of the activities' dependencies: Kubernetes for blueprints, subject
// checks, hooks, main actions and namespace locks; Temporal for the liveness of lock holders.
import { ConfigMapCheckpointStore } from '../k8s/hook-checkpoints.js';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { ClusterBlueprintSource, FileBlueprintSource } from '../k8s/blueprint-source.js';
import { createKubeClients, loadKubeConfig } from '../k8s/client.js';
import type { KubeClients } from '../k8s/client.js';
import { KubeClusterInspector } from '../k8s/cluster-inspector.js';
import { KubeHookRunner } from '../k8s/hook-runner.js';
import { KubeMainActionHandlers } from '../k8s/main/handlers.js';
import { LeaseNamespaceLockStore } from '../k8s/namespace-lock.js';
import type { ActionLiveness, KanflowDeps } from './deps.js';

export interface RealDepsOptions {
  /** Explicit kubeconfig; else `$KUBECONFIG`, in-cluster config, `~/.kube/config`. */
  kubeconfigPath?: string;
  /** Where Blueprints, namespace-lock Leases, restore points and hook pods live. */
  k10Namespace: string;
  /** Answers whether a lock holder (an action workflow) is still running. */
  temporalClient: Pick<Client, 'workflow'>;
  /** `cluster` (default): Blueprint custom resources; `{dir}`: YAML files, for development. */
  blueprintSource?: 'cluster' | { dir: string };
  /** Receives Blueprint parsing warnings. */
  onWarning?: (message: string) => void;
  /** Prebuilt clients (tests); otherwise made from the kubeconfig. */
  clients?: KubeClients;
}

/** A lock holder is alive while its workflow execution is RUNNING; a missing workflow is not. */
export class TemporalActionLiveness implements ActionLiveness {
  constructor(private readonly client: Pick<Client, 'workflow'>) {}

  async isRunning(actionId: string): Promise<boolean> {
    try {
      const description = await this.client.workflow.getHandle(actionId).describe();
      return description.status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }
}

export function createRealDeps(options: RealDepsOptions): KanflowDeps {
  const clients = options.clients ?? createKubeClients(loadKubeConfig(options.kubeconfigPath));
  const source = options.blueprintSource ?? 'cluster';
  return {
    blueprints: source === 'cluster' ? new ClusterBlueprintSource(clients, options.onWarning) : new FileBlueprintSource(source.dir, options.onWarning),
    cluster: new KubeClusterInspector(clients),
    hooks: new KubeHookRunner(clients),
    main: new KubeMainActionHandlers(clients, options.k10Namespace),
    locks: new LeaseNamespaceLockStore(clients, options.k10Namespace),
    liveness: new TemporalActionLiveness(options.temporalClient),
    checkpoints: new ConfigMapCheckpointStore(clients, options.k10Namespace),
  };
}
