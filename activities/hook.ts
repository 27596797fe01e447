// The hook activity (preHook, onSuccess, onFailure): runs one blueprint action through the HookRunner,
// translating Temporal's heartbeats, cancellation and retries into the runner's checkpoint and abort signal.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { RunnerCheckpoint } from '../kanister/runner.js';
import { FailureTypes } from '../workflows/messages.js';
import type { HookRunInput, HookRunResult, KanflowDeps } from './deps.js';
import { classifyHookError } from './errors.js';

/** What the activity heartbeats: the runner's checkpoint, tagged with the business attempt it belongs to. */
interface HookHeartbeat {
  attempt: number;
  checkpoint?: RunnerCheckpoint;
}

/** Minimum gap between heartbeats that carry no new checkpoint. */
const HEARTBEAT_EVERY_MS = 1000;

/** The checkpoint key of one business attempt of one hook step: a crash retry of it shares the key. */
export function hookCheckpointKey(input: Pick<HookRunInput, 'actionId' | 'slot' | 'attempt'>): string {
  return `${input.actionId}/${input.slot}/${input.attempt}`;
}

export function createHookActivity(deps: KanflowDeps) {
  return async function runHook(input: HookRunInput): Promise<HookRunResult> {
    const ctx = Context.current();
    const key = hookCheckpointKey(input);
    // R6: a crash retry of this same activity resumes from the checkpoint the crashed attempt saved.
    const heartbeated = ctx.info.heartbeatDetails as HookHeartbeat | undefined;
    let saved = ctx.info.attempt > 1; // an earlier attempt of this activity may have stored one
    let checkpoint =
      (heartbeated?.attempt === input.attempt ? heartbeated.checkpoint : undefined) ??
      (ctx.info.attempt > 1 ? await deps.checkpoints.load(key) : undefined);
    const where = `${input.slot} ${input.ref.blueprint}/${input.ref.actionName}`;

    const timeout = new AbortController();
    const remainingMs = input.deadlineMs - Date.now();
    const timer = setTimeout(() => timeout.abort(new Error('hook timeout')), Math.max(0, remainingMs));
    const signal = AbortSignal.any([ctx.cancellationSignal, timeout.signal]);

    let lastBeat = 0;
    const beat = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastBeat < HEARTBEAT_EVERY_MS) return;
      lastBeat = now;
      ctx.heartbeat({ attempt: input.attempt, checkpoint } satisfies HookHeartbeat);
    };
    const keepAlive = setInterval(() => beat(false), HEARTBEAT_EVERY_MS);

    try {
      if (checkpoint) log.info('resuming hook after a worker crash', { hook: where, checkpoint });
      const result = await deps.hooks.run(input, {
        signal,
        checkpoint,
        saveCheckpoint: async (next) => {
          checkpoint = next;
          beat(true);
          saved = true;
          await deps.checkpoints.save(key, next);
        },
        heartbeat: () => beat(false),
        log: (line) => log.info(line, { hook: where }),
      });
      if (saved) await deps.checkpoints.remove(key);
      return result;
    } catch (err) {
      // The attempt has ended (a business retry starts afresh, a cancelled hook is not resumed).
      if (saved) await deps.checkpoints.remove(key).catch(() => {});
      // C1: reported as cancelled (the signal's reason is Temporal's CancelledFailure), not as a hook failure.
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? err;
      if (timeout.signal.aborted) {
        const minutes = Math.round((input.deadlineMs - ctx.info.scheduledTimestampMs) / 60_000);
        throw ApplicationFailure.create({
          type: FailureTypes.HookTimeout,
          message: `${where} timed out (hook timeout reached after about ${minutes} min); its pods were deleted`,
          nonRetryable: true,
        });
      }
      throw classifyHookError(err, where);
    } finally {
      clearTimeout(timer);
      clearInterval(keepAlive);
    }
  };
}
