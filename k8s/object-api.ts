// Generic object access by (apiVersion, kind) or (group/version, resource), for KubeOps, Wait and the
// main actions. Extends client-node's KubernetesObjectApi to reach its discovery cache and raw requests.
import './node-compat.js';
import { HttpMethod, KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesObject, V1APIResource } from '@kubernetes/client-node';

/** Kanister's ObjectReference: `apiVersion` may be `v1` with a separate `group`, or `group/version`. */
export interface ResourceReference {
  apiVersion?: string;
  group?: string;
  resource?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export class ObjectApi extends KubernetesObjectApi {
  static forConfig(kubeConfig: KubeConfig): ObjectApi {
    const api = kubeConfig.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kubeConfig);
    return api;
  }

  /** Discovery entry for a kind, e.g. to learn its plural resource name and whether it is namespaced. */
  async resourceOfKind(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** Discovery entry for a plural resource name (`deployments`). */
  async resourceByName(apiVersion: string, resource: string): Promise<V1APIResource | undefined> {
    if (!this.apiVersionResourceCache[apiVersion]) await this.resource(apiVersion, '\u0000no-such-kind');
    return this.apiVersionResourceCache[apiVersion]?.resources.find((r) => r.name === resource);
  }

  /** GET of an API path, returning the parsed JSON object untouched (no typed deserialization). */
  async getRaw<T = Record<string, unknown>>(path: string): Promise<T> {
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    return (await this.requestPromise(context, 'object')) as unknown as T;
  }

  async deleteRaw(path: string): Promise<void> {
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.DELETE);
    context.setHeaderParam('Accept', 'application/json');
    await this.requestPromise(context, 'object');
  }
}

/** `group/version` from a reference's apiVersion and group. */
export function groupVersionOf(ref: Pick<ResourceReference, 'apiVersion' | 'group'>): string {
  const apiVersion = ref.apiVersion ?? 'v1';
  if (apiVersion.includes('/') || !ref.group) return apiVersion;
  return `${ref.group}/${apiVersion}`;
}

/** Collection path of a resource, e.g. `/apis/apps/v1/namespaces/ns/deployments`. */
export function collectionPath(groupVersion: string, resource: string, namespace?: string): string {
  const base = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${base}/${resource}`;
}

export function objectPath(groupVersion: string, resource: string, name: string, namespace?: string): string {
  return `${collectionPath(groupVersion, resource, namespace)}/${encodeURIComponent(name)}`;
}

export type { KubernetesObject };
