// The namespace lock (rule S4): one action per subject namespace. The workflow polls `tryAcquireNamespaceLock`
// (a local activity: cheap when uncontended, the common case) until its lock timeout; dead holders lose it.
import type { KanflowDeps } from './deps.js';

export interface LockInput {
  namespace: string;
  holder: string;
}

export type LockAttempt = { acquired: true } | { acquired: false; holder: string };

export function createLockActivities(deps: KanflowDeps) {
  return {
    async tryAcquireNamespaceLock(input: LockInput): Promise<LockAttempt> {
      const attempt = await deps.locks.tryAcquire(input.namespace, input.holder);
      if (attempt.acquired) return attempt;
      // A holder whose workflow is no longer running crashed or was terminated: its lock has expired.
      if (!(await deps.liveness.isRunning(attempt.holder))) {
        return deps.locks.tryAcquire(input.namespace, input.holder, attempt.holder);
      }
      return attempt;
    },

    async releaseNamespaceLock(input: LockInput): Promise<void> {
      await deps.locks.release(input.namespace, input.holder);
    },
  };
}
