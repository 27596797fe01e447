// Effective settings of one action: the request's limits with the contract's defaults applied.
import type { ActionRequest } from '../model/index.js';

export interface ActionSettings {
  subjectNamespace: string;
  k10Namespace: string;
  hookRetryLimit: number;
  mainRetryLimit: number;
  hookTimeoutMs: number;
  mainTimeoutMs: number;
  lockTimeoutSeconds: number;
  lockTimeoutMs: number;
  retryInitialIntervalMs: number;
  heartbeatTimeoutMs: number;
  options: Record<string, string>;
}

/** Defaults of hook-semantics.md: 3 hook attempts (R2), 3 main attempts (R4), 20-minute hook timeout (R7). */
export function actionSettings(request: ActionRequest): ActionSettings {
  const lockTimeoutSeconds = request.lockTimeoutSeconds ?? 600;
  return {
    // N1: backup and export act on the source namespace, restore on the target namespace.
    subjectNamespace: request.kind === 'restore' ? request.targetNamespace : request.namespace,
    k10Namespace: request.k10Namespace ?? 'kasten-io',
    hookRetryLimit: request.hookRetryLimit ?? 3,
    mainRetryLimit: request.mainRetryLimit ?? 3,
    hookTimeoutMs: (request.hookTimeoutSeconds ?? 1200) * 1000,
    mainTimeoutMs: (request.mainTimeoutSeconds ?? 3600) * 1000,
    lockTimeoutSeconds,
    lockTimeoutMs: lockTimeoutSeconds * 1000,
    retryInitialIntervalMs: (request.retryInitialIntervalSeconds ?? 2) * 1000,
    heartbeatTimeoutMs: (request.heartbeatTimeoutSeconds ?? 30) * 1000,
    options: request.options ?? {},
  };
}
