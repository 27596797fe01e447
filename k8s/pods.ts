// Pod lifecycle helpers: create-or-adopt by deterministic name, wait with a watch, follow logs, delete.
import './node-compat.js';
import { Writable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { describeApiError, isConflict, isNotFound } from './client.js';
import { watchUntil } from './watch.js';

/** Label every kanflow-made pod carries, so adoption can check a same-named pod really is ours. */
export const RESOURCE_KEY_LABEL = 'kanflow.io/resource-key';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kanflow';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export function podPhase(pod: V1Pod | undefined): PodPhase | undefined {
  return pod?.status?.phase as PodPhase | undefined;
}

export function isPodTerminal(pod: V1Pod | undefined): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

export async function readPod(clients: KubeClients, namespace: string, name: string): Promise<V1Pod | undefined> {
  try {
    return await clients.core.readNamespacedPod({ namespace, name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(`reading pod ${namespace}/${name}: ${describeApiError(error)}`, { cause: error });
  }
}

/**
 * Creates `pod`, or adopts the pod of that name when it already exists (an earlier attempt created it).
 * Adoption requires the existing pod to carry the same resource-key label: a foreign pod is an error.
 */
export async function createOrAdoptPod(clients: KubeClients, pod: V1Pod): Promise<{ pod: V1Pod; created: boolean }> {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  try {
    return { pod: await clients.core.createNamespacedPod({ namespace, body: pod }), created: true };
  } catch (error) {
    if (!isConflict(error)) throw new Error(`creating pod ${namespace}/${name}: ${describeApiError(error)}`, { cause: error });
  }
  const existing = await readPod(clients, namespace, name);
  if (!existing) throw new Error(`pod ${namespace}/${name} conflicted on create but is gone now; retry`);
  const want = pod.metadata?.labels?.[RESOURCE_KEY_LABEL];
  if (want !== undefined && existing.metadata?.labels?.[RESOURCE_KEY_LABEL] !== want) {
    throw new Error(`pod ${namespace}/${name} already exists and was not created by kanflow for ${want}; not adopting it`);
  }
  return { pod: existing, created: false };
}

export interface PodWaitOptions {
  signal: AbortSignal;
  heartbeat?: () => void;
  timeoutMs?: number;
}

/** Thrown when a watched pod disappears before reaching the awaited state. */
export class PodGoneError extends Error {
  override readonly name = 'PodGoneError';
  constructor(
    readonly namespace: string,
    readonly pod: string,
    readonly lastSeen: V1Pod | undefined,
  ) {
    super(`pod ${namespace}/${pod} was deleted while kanflow was waiting for it (last phase: ${podPhase(lastSeen) ?? 'unknown'})`);
  }
}

/** Watches the pod until `predicate` holds; throws PodGoneError if it is deleted first. */
export async function waitForPod(
  clients: KubeClients,
  namespace: string,
  name: string,
  predicate: (pod: V1Pod) => boolean,
  what: string,
  options: PodWaitOptions,
): Promise<V1Pod> {
  let lastSeen: V1Pod | undefined;
  const outcome = await watchUntil<V1Pod, { pod?: V1Pod }>(clients.kubeConfig, {
    listPath: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    name,
    read: () => readPod(clients, namespace, name),
    check: (pod) => {
      if (!pod) return {};
      lastSeen = pod;
      return predicate(pod) ? { pod } : undefined;
    },
    signal: options.signal,
    heartbeat: options.heartbeat,
    timeoutMs: options.timeoutMs,
    onTimeout: () => new Error(`timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)}s waiting for pod ${namespace}/${name} to ${what}`),
  });
  if (!outcome.pod) throw new PodGoneError(namespace, name, lastSeen);
  return outcome.pod;
}

/** Waits until the pod has left Pending (its container started, or it already finished). */
export function waitForPodStarted(clients: KubeClients, namespace: string, name: string, options: PodWaitOptions): Promise<V1Pod> {
  return waitForPod(clients, namespace, name, (pod) => podPhase(pod) !== 'Pending' && podPhase(pod) !== undefined, 'start', options);
}

/** Waits until the pod is Succeeded or Failed. */
export function waitForPodCompletion(clients: KubeClients, namespace: string, name: string, options: PodWaitOptions): Promise<V1Pod> {
  return waitForPod(clients, namespace, name, isPodTerminal, 'complete', options);
}

/** Waits until every container of the pod is ready (for exec into a fresh pod, MultiContainerRun). */
export function waitForPodReady(clients: KubeClients, namespace: string, name: string, options: PodWaitOptions): Promise<V1Pod> {
  return waitForPod(
    clients,
    namespace,
    name,
    (pod) => isPodTerminal(pod) || (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    'become ready',
    options,
  );
}

/** The exit code of `container` in a terminated pod, when the node reported one. */
export function containerExitCode(pod: V1Pod, container: string): number | undefined {
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  return status?.state?.terminated?.exitCode ?? status?.lastState?.terminated?.exitCode;
}

/** Splits a byte stream into lines (without the newline), calling `onLine` for each. */
export class LineSplitter extends Writable {
  private pending = '';
  constructor(private readonly onLine: (line: string) => void) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending += chunk.toString();
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.onLine(this.pending.slice(0, newline).replace(/\r$/, ''));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    callback();
  }
  override _final(callback: (error?: Error | null) => void): void {
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
    callback();
  }
}

export interface LogFollower {
  /** Resolves when the log stream ended (the container exited) or was stopped. */
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * Follows the container's log from its beginning, calling `onLine` per line. The stream ends by itself when
 * the container exits; errors are reported through `done` resolving (logs are best effort: callers reconcile
 * with readPodLog once the pod finished).
 */
export async function followPodLog(
  clients: KubeClients,
  namespace: string,
  pod: string,
  container: string,
  onLine: (line: string) => void,
  signal: AbortSignal,
): Promise<LogFollower> {
  const splitter = new LineSplitter(onLine);
  let stopped = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  splitter.on('finish', () => resolveDone());
  splitter.on('error', () => resolveDone());
  splitter.on('unpipe', () => setTimeout(() => resolveDone(), 50));
  // client-node pipes the response body into our splitter without an error handler: aborting the request
  // would then crash the process with an unhandled 'error' event. Handle it on the source here.
  splitter.on('pipe', (source: NodeJS.ReadableStream) => source.on('error', () => resolveDone()));
  let controller: AbortController | undefined;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    controller?.abort();
    resolveDone();
  };
  signal.addEventListener('abort', stop, { once: true });
  void done.then(() => signal.removeEventListener('abort', stop));
  try {
    controller = await new Log(clients.kubeConfig).log(namespace, pod, container, splitter, { follow: true });
    if (stopped) controller.abort();
  } catch {
    resolveDone();
  }
  return { done, stop };
}

/** The whole log of `container` so far (non-follow); undefined when the pod or its log is gone. */
export async function readPodLog(clients: KubeClients, namespace: string, pod: string, container: string): Promise<string | undefined> {
  try {
    return await clients.core.readNamespacedPodLog({ namespace, name: pod, container });
  } catch (error) {
    if (isNotFound(error) || isConflict(error)) return undefined;
    const code = (error as { code?: number }).code;
    if (code === 400) return undefined; // container not started / already removed
    throw new Error(`reading log of pod ${namespace}/${pod} container ${container}: ${describeApiError(error)}`, { cause: error });
  }
}

export interface DeletePodOptions {
  /** Grace period for the container to stop; kanflow's pods only run its own commands. */
  gracePeriodSeconds?: number;
  /** How long to wait for the pod to be gone before force-deleting it. */
  timeoutMs?: number;
  heartbeat?: () => void;
}

/** Deletes the pod and waits until it is gone (force-deleting it if the node does not finish in time). */
export async function deletePodAndWait(clients: KubeClients, namespace: string, name: string, options: DeletePodOptions = {}): Promise<void> {
  const gracePeriodSeconds = options.gracePeriodSeconds ?? 2;
  if (!(await deletePod(clients, namespace, name, gracePeriodSeconds))) return;
  const controller = new AbortController();
  try {
    await watchUntil<V1Pod, true>(clients.kubeConfig, {
      listPath: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
      name,
      read: () => readPod(clients, namespace, name),
      check: (pod) => (pod ? undefined : true),
      signal: controller.signal,
      heartbeat: options.heartbeat,
      timeoutMs: options.timeoutMs ?? 30_000 + gracePeriodSeconds * 1000,
      onTimeout: () => new Error(`pod ${namespace}/${name} still exists after deletion`),
    });
  } catch {
    await deletePod(clients, namespace, name, 0);
  }
}

/** Issues the delete; returns false when the pod did not exist. */
async function deletePod(clients: KubeClients, namespace: string, name: string, gracePeriodSeconds: number): Promise<boolean> {
  try {
    await clients.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds, propagationPolicy: 'Background' });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw new Error(`deleting pod ${namespace}/${name}: ${describeApiError(error)}`, { cause: error });
  }
}
