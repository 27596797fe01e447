// Durable hook checkpoints (rule R6) as ConfigMaps in the K10 namespace: written before a hook forgets
// what it did elsewhere (a finished pod deleted), read by the attempt that resumes after a worker crash.
import './node-compat.js';
import { createHash } from 'node:crypto';
import type { HookCheckpointStore } from '../activities/deps.js';
import type { RunnerCheckpoint } from '../kanister/runner.js';
import type { KubeClients } from './client.js';
import { isConflict, isNotFound } from './client.js';

export const CHECKPOINT_LABEL = 'kanflow.io/hook-checkpoint';

export class ConfigMapCheckpointStore implements HookCheckpointStore {
  constructor(
    private readonly clients: KubeClients,
    private readonly namespace: string,
  ) {}

  /** DNS-safe, fixed-length name: the key holds a workflow ID, which may be long or contain any character. */
  static nameFor(key: string): string {
    return `kanflow-ckpt-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }

  async load(key: string): Promise<RunnerCheckpoint | undefined> {
    try {
      const cm = await this.clients.core.readNamespacedConfigMap({ name: ConfigMapCheckpointStore.nameFor(key), namespace: this.namespace });
      const text = cm.data?.checkpoint;
      return text ? (JSON.parse(text) as RunnerCheckpoint) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async save(key: string, checkpoint: RunnerCheckpoint): Promise<void> {
    const name = ConfigMapCheckpointStore.nameFor(key);
    const body = {
      metadata: { name, namespace: this.namespace, labels: { [CHECKPOINT_LABEL]: 'true' }, annotations: { 'kanflow.io/key': key } },
      data: { checkpoint: JSON.stringify(checkpoint) },
    };
    try {
      await this.clients.core.replaceNamespacedConfigMap({ name, namespace: this.namespace, body });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await this.clients.core.createNamespacedConfigMap({ namespace: this.namespace, body });
      } catch (createError) {
        // Lost a race with our own earlier write: replace again.
        if (!isConflict(createError)) throw createError;
        await this.clients.core.replaceNamespacedConfigMap({ name, namespace: this.namespace, body });
      }
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.clients.core.deleteNamespacedConfigMap({ name: ConfigMapCheckpointStore.nameFor(key), namespace: this.namespace });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
