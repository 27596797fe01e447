// actionWorkflow: one K10 action (backup, export or restore) on one subject namespace, wrapped in its
// execution hooks. It reads like the contract in hook-semantics.md: setup → preHook → main → onSuccess | onFailure.
import type { ActivityOptions } from '@temporalio/workflow';
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Artifact, HookRunResult, RestorePointRef } from '../activities/deps.js';
import type { KanflowActivities, ResolvedHooks } from '../activities/index.js';
import type { ActionRequest, HookSlot } from '../model/index.js';
import { describeFailure, failureAttempt, failureType } from './failures.js';
import { Ledger } from './ledger.js';
import type { ActionLedger } from './messages.js';
import { actionStatusQuery, FailureTypes, NON_RETRYABLE_TYPES } from './messages.js';
import { actionSettings, type ActionSettings } from './settings.js';

export interface ActionWorkflowInput {
  request: ActionRequest;
  /** Name of the policy whose run started this action, for filtering (rule V2). */
  policy?: string;
  /** For an export in a policy run: the restore point its backup produced (rule N4). */
  restorePoint?: RestorePointRef;
}

// setup and the lock are short, idempotent API calls: local activities, so the common case costs no extra
// round trips through the server; retried a few times for transient API errors.
const { setup, tryAcquireNamespaceLock, releaseNamespaceLock } = proxyLocalActivities<KanflowActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '1s', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

/** Lock polling backs off from 1 s to 10 s: a long wait stays a short history. */
const LOCK_POLL_MS = { first: 1000, max: 10_000 };

// Long-running steps: heartbeats detect a crashed worker, whose attempt is then resumed (rule R6).
// Business failures are non-retryable here: hook retries (R2) are the workflow's, main retries (R4) are set per call.
const longRunning = proxyActivities<KanflowActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  retry: { maximumAttempts: 10, initialInterval: '1s', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

export async function actionWorkflow(input: ActionWorkflowInput): Promise<ActionLedger> {
  const { request } = input;
  const settings = actionSettings(request);
  const actionId = workflowInfo().workflowId;
  const ledger = new Ledger(
    { actionId, kind: request.kind, subjectNamespace: settings.subjectNamespace, policy: input.policy },
    { preHook: request.hooks.preHook, onSuccess: request.hooks.onSuccess, onFailure: request.hooks.onFailure },
  );
  setHandler(actionStatusQuery, () => ledger.state);

  let hooks: ResolvedHooks | undefined;
  let lockHeld = false;
  let setupSucceeded = false;
  let failure: unknown;

  try {
    // S1: validate, resolve hooks (S3: these blueprints run for the whole action), take the lock (S4).
    ledger.start('setup');
    try {
      hooks = await setup.executeWithOptions({ summary: 'setup: validate request, resolve hooks' }, [{ actionId, request }]);
      await acquireLock(settings, actionId);
      lockHeld = true;
    } catch (err) {
      ledger.finish('setup', isCancellation(err) ? 'cancelled' : 'failed', { error: describeFailure(err) });
      throw err;
    }
    ledger.finish('setup', 'succeeded');
    setupSucceeded = true;

    // O1: preHook after setup; its output artifacts travel in workflow state (A1, A2).
    if (hooks.preHook) {
      const result = await runHook('preHook', hooks, {}, ledger, settings);
      ledger.state.artifacts = result.outputArtifacts;
      ledger.finish('preHook', 'succeeded', { artifacts: result.outputArtifacts });
    } else {
      ledger.finish('preHook', 'skipped', { error: 'no preHook configured' });
    }

    // O2 and R4: main after preHook, retried by Temporal up to the action's retry limit.
    ledger.start('main');
    try {
      const result = await longRunning[request.kind].executeWithOptions(
        {
          summary: `${request.kind} ${settings.subjectNamespace}`,
          startToCloseTimeout: settings.mainTimeoutMs,
          heartbeatTimeout: settings.heartbeatTimeoutMs,
          retry: {
            maximumAttempts: settings.mainRetryLimit,
            initialInterval: settings.retryInitialIntervalMs,
            backoffCoefficient: 2,
            nonRetryableErrorTypes: NON_RETRYABLE_TYPES,
          },
        },
        [{ actionId, request, restorePoint: input.restorePoint }],
      );
      ledger.state.restorePoint = result.restorePoint;
      ledger.state.exportLocation = result.exportLocation;
      ledger.step('main').attempts = result.attempt;
      ledger.finish('main', 'succeeded');
    } catch (err) {
      ledger.step('main').attempts = failureAttempt(err) ?? ledger.step('main').attempts;
      ledger.finish('main', isCancellation(err) ? 'cancelled' : 'failed', { error: describeFailure(err) });
      throw err;
    }
  } catch (err) {
    failure = err;
  }

  try {
    if (failure === undefined) {
      // O3: onSuccess only when setup, preHook and main succeeded. O5: its failure fails the action, no onFailure.
      if (hooks?.onSuccess) {
        await runHook('onSuccess', hooks, ledger.state.artifacts, ledger, settings);
        ledger.finish('onSuccess', 'succeeded');
      } else {
        ledger.finish('onSuccess', 'skipped', { error: 'no onSuccess configured' });
      }
      ledger.finish('onFailure', 'skipped', { error: 'action succeeded' });
      ledger.end('succeeded');
      return ledger.state;
    }
    await afterFailure(failure, { hooks, setupSucceeded, ledger, settings });
  } catch (err) {
    failure = err;
  } finally {
    // S4: the lock is released on every outcome, cancellation included.
    if (lockHeld) {
      await CancellationScope.nonCancellable(() =>
        releaseNamespaceLock({ namespace: settings.subjectNamespace, holder: actionId }),
      );
    }
  }
  return endFailed(failure, ledger);
}

/** S4: waits for the subject namespace's lock, bounded by the lock timeout; cancellable while waiting. */
async function acquireLock(settings: ActionSettings, holder: string): Promise<void> {
  const deadline = Date.now() + settings.lockTimeoutMs;
  for (let wait = LOCK_POLL_MS.first; ; wait = Math.min(wait * 2, LOCK_POLL_MS.max)) {
    const attempt = await tryAcquireNamespaceLock.executeWithOptions({ summary: `lock namespace ${settings.subjectNamespace}` }, [
      { namespace: settings.subjectNamespace, holder },
    ]);
    if (attempt.acquired) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw ApplicationFailure.create({
        type: FailureTypes.NamespaceLocked,
        message:
          `namespace "${settings.subjectNamespace}" is locked by action "${attempt.holder}"; ` +
          `gave up after waiting ${settings.lockTimeoutSeconds}s (lockTimeoutSeconds)`,
        nonRetryable: true,
      });
    }
    await sleep(Math.min(wait, left));
  }
}

/** O4, C2, C3, R3: decides whether onFailure runs after a failure or cancellation, and runs it once. */
async function afterFailure(
  failure: unknown,
  ctx: { hooks: ResolvedHooks | undefined; setupSucceeded: boolean; ledger: Ledger; settings: ActionSettings },
): Promise<void> {
  const { hooks, setupSucceeded, ledger, settings } = ctx;
  const cancelled = isCancellation(failure);
  const reason = describeFailure(failure);
  ledger.finish('onSuccess', 'skipped', { error: cancelled ? 'action cancelled' : 'an earlier step failed' });
  if (!hooks?.onFailure) {
    const why = hooks ? 'no onFailure configured' : 'hooks were not resolved in setup';
    ledger.finish('onFailure', 'skipped', { error: why });
  } else if (cancelled && !setupSucceeded) {
    ledger.finish('onFailure', 'skipped', { error: 'cancelled before setup finished (C3)' });
  } else if (failureType(failure) === FailureTypes.InvalidInput) {
    ledger.finish('onFailure', 'skipped', { error: 'invalid input (S2)' });
  } else {
    // C2: onFailure runs to completion even when the action was cancelled.
    const resolved = hooks;
    await CancellationScope.nonCancellable(async () => {
      try {
        await runHook('onFailure', resolved, ledger.state.artifacts, ledger, settings, reason);
        ledger.finish('onFailure', 'succeeded');
      } catch (err) {
        ledger.finish('onFailure', 'failed', { error: describeFailure(err) });
      }
    });
  }
  throw failure;
}

function endFailed(failure: unknown, ledger: Ledger): never {
  const reason = describeFailure(failure);
  ledger.skipPending(isCancellation(failure) ? 'action cancelled' : 'an earlier step failed');
  if (isCancellation(failure)) {
    ledger.end('cancelled', reason);
    // C4: the workflow ends as cancelled (an ActivityFailure caused by cancellation would fail it); the
    // ledger stays queryable.
    throw failure instanceof CancelledFailure ? failure : new CancelledFailure(reason);
  }
  ledger.end('failed', reason);
  throw ApplicationFailure.create({
    type: FailureTypes.ActionFailed,
    message: `${ledger.state.kind} of ${ledger.state.subjectNamespace} failed: ${reason}`,
    nonRetryable: true,
    details: [ledger.state],
  });
}

/**
 * Runs one hook step. R2: preHook and onSuccess are retried up to the hook retry limit with exponential
 * backoff, each attempt from the blueprint action's first phase. R3: onFailure is attempted exactly once.
 * R5: invalid input, render errors and permanent function errors are not retried.
 */
async function runHook(
  slot: HookSlot,
  hooks: ResolvedHooks,
  artifactsIn: Record<string, Artifact>,
  ledger: Ledger,
  settings: ActionSettings,
  failureReason?: string,
): Promise<HookRunResult> {
  const hook = hooks[slot];
  if (!hook) throw new Error(`no ${slot} resolved`); // unreachable: callers check
  const limit = slot === 'onFailure' ? 1 : settings.hookRetryLimit;
  const actionId = workflowInfo().workflowId;
  for (let attempt = 1; ; attempt++) {
    ledger.start(slot);
    try {
      return await longRunning[slot].executeWithOptions(
        {
          summary: `${slot} ${hook.ref.blueprint}/${hook.ref.actionName}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
          // The activity enforces the hook timeout itself (R7); this only bounds a lost activity.
          startToCloseTimeout: settings.hookTimeoutMs + 60_000,
          heartbeatTimeout: settings.heartbeatTimeoutMs,
        } satisfies ActivityOptions,
        [
          {
            actionId,
            slot,
            attempt,
            ref: hook.ref,
            blueprint: hook.blueprint,
            subjectNamespace: settings.subjectNamespace,
            k10Namespace: settings.k10Namespace,
            artifactsIn,
            options: failureReason === undefined ? settings.options : { ...settings.options, failureReason },
            deadlineMs: Date.now() + settings.hookTimeoutMs,
          },
        ],
      );
    } catch (err) {
      const retryable = failureType(err) === FailureTypes.HookFailed || failureType(err) === FailureTypes.HookTimeout;
      if (isCancellation(err) || !retryable || attempt >= limit) {
        ledger.finish(slot, isCancellation(err) ? 'cancelled' : 'failed', { error: describeFailure(err) });
        throw err;
      }
      ledger.attemptFailed(slot, describeFailure(err));
      await sleep(settings.retryInitialIntervalMs * 2 ** (attempt - 1));
    }
  }
}
