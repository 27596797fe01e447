// BlueprintSource implementations: Blueprint custom resources (cr.kanister.io/v1alpha1) read from the
// cluster, and YAML files for development. Both parse with the shared Blueprint schema (loadBlueprints),
// so unknown fields are dropped with a warning exactly as for files.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { BlueprintSource } from '../activities/deps.js';
import { BLUEPRINT_API_VERSION, loadBlueprintFile, loadBlueprints } from '../kanister/blueprint.js';
import type { Blueprint } from '../kanister/blueprint.js';
import type { KubeClients } from './client.js';
import { describeApiError, isNotFound } from './client.js';

const [GROUP, VERSION] = BLUEPRINT_API_VERSION.split('/') as [string, string];
const PLURAL = 'blueprints';

export class ClusterBlueprintSource implements BlueprintSource {
  constructor(
    private readonly clients: KubeClients,
    private readonly onWarning: (message: string) => void = () => {},
  ) {}

  async get(name: string, namespace: string): Promise<Blueprint | undefined> {
    let object: Record<string, unknown>;
    try {
      object = (await this.clients.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as Record<string, unknown>;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new Error(`reading Blueprint ${namespace}/${name}: ${describeApiError(error)}`, { cause: error });
    }
    // Server-populated metadata and a status are not part of the Blueprint's definition.
    const { status: _status, ...definition } = object;
    const metadata = (definition.metadata ?? {}) as Record<string, unknown>;
    definition.metadata = { name: metadata.name, namespace: metadata.namespace, ...(metadata.labels ? { labels: metadata.labels } : {}) };
    const loaded = loadBlueprints(toYaml(definition), `Blueprint ${namespace}/${name}`);
    for (const warning of loaded.warnings) this.onWarning(warning);
    return loaded.blueprints[0];
  }
}

/**
 * Blueprints from a YAML file or a folder of `.yaml`/`.yml` files (read on every get, so edits show up).
 * A blueprint without metadata.namespace is found in any namespace.
 */
export class FileBlueprintSource implements BlueprintSource {
  constructor(
    private readonly path: string,
    private readonly onWarning: (message: string) => void = () => {},
  ) {}

  async get(name: string, namespace: string): Promise<Blueprint | undefined> {
    for (const blueprint of await this.loadAll()) {
      if (blueprint.metadata.name === name && (blueprint.metadata.namespace ?? namespace) === namespace) return blueprint;
    }
    return undefined;
  }

  async loadAll(): Promise<Blueprint[]> {
    const info = await stat(this.path);
    const files = info.isDirectory()
      ? (await readdir(this.path))
          .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
          .sort()
          .map((f) => join(this.path, f))
      : [this.path];
    const blueprints: Blueprint[] = [];
    for (const file of files) {
      const loaded = await loadBlueprintFile(file);
      for (const warning of loaded.warnings) this.onWarning(warning);
      blueprints.push(...loaded.blueprints);
    }
    return blueprints;
  }
}
