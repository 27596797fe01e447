// Waiting on one object with a WATCH (not polling). The watch is resumed from the last seen resourceVersion
// when the connection drops, and re-listed when that version has expired (410 Gone).
import './node-compat.js';
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { abortError, sleep } from './abort.js';

export interface WatchedObject {
  metadata?: { name?: string; resourceVersion?: string };
}

export interface WatchUntilOptions<T extends WatchedObject, R> {
  /** Collection path, e.g. `/api/v1/namespaces/ns/pods`. */
  listPath: string;
  name: string;
  /** Reads the object now; returns undefined when it does not exist. */
  read(): Promise<T | undefined>;
  /** Returns a result when the wait is over, undefined to keep watching. `obj` is undefined once deleted. */
  check(obj: T | undefined): R | undefined;
  signal: AbortSignal;
  /** Called every `heartbeatMs` while waiting, and on each event. */
  heartbeat?: () => void;
  heartbeatMs?: number;
  /** Gives up with `onTimeout()`'s error after this long. */
  timeoutMs?: number;
  onTimeout?: () => Error;
}

/** Watches the named object until `check` returns a result. */
export async function watchUntil<T extends WatchedObject, R>(kubeConfig: KubeConfig, options: WatchUntilOptions<T, R>): Promise<R> {
  const { signal } = options;
  const watch = new Watch(kubeConfig);
  const heartbeatTimer = options.heartbeat ? setInterval(options.heartbeat, options.heartbeatMs ?? 5_000) : undefined;
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  try {
    let current = await options.read();
    let result = options.check(current);
    if (result !== undefined) return result;
    let resourceVersion = current?.metadata?.resourceVersion;
    let failures = 0;
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      if (deadline !== undefined && Date.now() >= deadline) throw options.onTimeout?.() ?? new Error(`timed out watching ${options.name}`);
      const round = await watchOnce<T, R>(watch, options, resourceVersion, deadline);
      if (round.fatal !== undefined) throw round.fatal;
      if (round.result !== undefined) return round.result;
      if (round.resourceVersion) resourceVersion = round.resourceVersion;
      if (round.expired || round.error) {
        // Re-read: the state may have changed while we were not watching.
        if (round.error) {
          failures += 1;
          await sleep(Math.min(200 * 2 ** failures, 5_000), signal);
        }
        current = await options.read();
        result = options.check(current);
        if (result !== undefined) return result;
        resourceVersion = current?.metadata?.resourceVersion;
      } else {
        failures = 0;
      }
    }
  } finally {
    if (heartbeatTimer) clearInterval(heartbeatTimer);
  }
}

interface WatchRound<R> {
  result?: R;
  resourceVersion?: string;
  expired?: boolean;
  error?: unknown;
  /** Thrown by `check`: ends the wait. */
  fatal?: unknown;
}

function watchOnce<T extends WatchedObject, R>(
  watch: Watch,
  options: WatchUntilOptions<T, R>,
  resourceVersion: string | undefined,
  deadline: number | undefined,
): Promise<WatchRound<R>> {
  return new Promise<WatchRound<R>>((resolve) => {
    const round: WatchRound<R> = { resourceVersion };
    let controller: AbortController | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      options.signal.removeEventListener('abort', finish);
      clearTimeout(timer);
      controller?.abort();
      resolve(round);
    };
    const timer = setTimeout(finish, deadline === undefined ? 300_000 : Math.max(0, Math.min(300_000, deadline - Date.now())));
    options.signal.addEventListener('abort', finish, { once: true });
    const serverTimeout = 240; // seconds; a clean server-side close just starts the next round
    watch
      .watch(
        options.listPath,
        { fieldSelector: `metadata.name=${options.name}`, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: serverTimeout },
        (type: string, obj: unknown) => {
          if (finished) return;
          options.heartbeat?.();
          const object = obj as T & { code?: number };
          if (type === 'ERROR') {
            // 410 Gone: our resourceVersion is too old to resume from.
            round.expired = true;
            finish();
            return;
          }
          if (object.metadata?.resourceVersion) round.resourceVersion = object.metadata.resourceVersion;
          if (type === 'BOOKMARK') return;
          let result: R | undefined;
          try {
            result = options.check(type === 'DELETED' ? undefined : object);
          } catch (error) {
            round.fatal = error;
            finish();
            return;
          }
          if (result !== undefined) {
            round.result = result;
            finish();
          }
        },
        (err: unknown) => {
          if (err && !finished && !isAbort(err)) round.error = err;
          finish();
        },
      )
      .then(
        (c) => {
          controller = c;
          if (finished) c.abort();
        },
        (err: unknown) => {
          round.error = err;
          finish();
        },
      );
  });
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}
