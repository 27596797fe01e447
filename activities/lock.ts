// The namespace lock (rule S4): one action per subject namespace; waiting is bounded; dead holders lose it.
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { FailureTypes } from '../workflows/messages.js';
import type { KanflowDeps } from './deps.js';

export interface LockInput {
  namespace: string;
  holder: string;
  timeoutSeconds?: number;
}

const POLL_MS = 500;

export function createLockActivities(deps: KanflowDeps) {
  return {
    async acquireNamespaceLock(input: LockInput): Promise<void> {
      const ctx = Context.current();
      const deadline = Date.now() + (input.timeoutSeconds ?? 600) * 1000;
      for (;;) {
        const attempt = await deps.locks.tryAcquire(input.namespace, input.holder);
        if (attempt.acquired) return;
        // A holder whose workflow is no longer running crashed or was terminated: its lock has expired.
        if (!(await deps.liveness.isRunning(attempt.holder))) {
          const takeover = await deps.locks.tryAcquire(input.namespace, input.holder, attempt.holder);
          if (takeover.acquired) return;
        }
        if (Date.now() >= deadline) {
          throw ApplicationFailure.create({
            type: FailureTypes.NamespaceLocked,
            message:
              `namespace "${input.namespace}" is locked by action "${attempt.holder}"; ` +
              `gave up after waiting ${input.timeoutSeconds ?? 600}s (lockTimeoutSeconds)`,
            nonRetryable: true,
          });
        }
        ctx.heartbeat();
        await sleep(POLL_MS); // rejects with CancelledFailure when the action is cancelled
      }
    },

    async releaseNamespaceLock(input: LockInput): Promise<void> {
      await deps.locks.release(input.namespace, input.holder);
    },
  };
}
