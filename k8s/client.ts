// Kubernetes API access: one KubeConfig, the typed API clients kanflow uses, and error classification.
import './node-compat.js';
import { existsSync } from 'node:fs';
import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { ObjectApi } from './object-api.js';

export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly coordination: CoordinationV1Api;
  readonly custom: CustomObjectsApi;
  readonly rbac: RbacAuthorizationV1Api;
  /** Generic (kind-driven) access for KubeOps, backup and restore. */
  readonly objects: ObjectApi;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads a KubeConfig from, in order: an explicit path, `$KUBECONFIG`, the in-cluster service account,
 * `~/.kube/config`. An explicit path that does not exist is an error rather than a silent fallback.
 */
export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (kubeconfigPath) {
    if (!existsSync(kubeconfigPath)) throw new Error(`kubeconfig ${kubeconfigPath} does not exist`);
    kubeConfig.loadFromFile(kubeconfigPath);
  } else if (process.env.KUBECONFIG) {
    kubeConfig.loadFromDefault();
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  if (!kubeConfig.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  return kubeConfig;
}

export function createKubeClients(kubeConfig: KubeConfig): KubeClients {
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    rbac: kubeConfig.makeApiClient(RbacAuthorizationV1Api),
    objects: ObjectApi.forConfig(kubeConfig),
  };
}

/** HTTP status of a failed API call, or undefined when the error did not come from the API server. */
export function apiStatusCode(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { code?: unknown; statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (error: unknown): boolean => apiStatusCode(error) === 404;
/** 409: AlreadyExists on create, Conflict on a stale resourceVersion. */
export const isConflict = (error: unknown): boolean => apiStatusCode(error) === 409;

/** A short, single-line description of an API error: the server's Status message when there is one. */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = error.body;
    let message: string | undefined;
    if (typeof body === 'string') {
      try {
        message = (JSON.parse(body) as { message?: string }).message;
      } catch {
        message = body;
      }
    } else if (body && typeof body === 'object') {
      message = (body as { message?: string }).message;
    }
    return `HTTP ${error.code}: ${message ?? error.message.split('\n', 1)[0]}`;
  }
  return error instanceof Error ? error.message : String(error);
}
