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

export function createHookActivity(deps: KanflowDeps) {
  return async function runHook(input: HookRunInput): Promise<HookRunResult> {
    const ctx = Context.current();
    // R6: a crash retry of this same activity resumes from the heartbeated checkpoint.
    const previous = ctx.info.heartbeatDetails as HookHeartbeat | undefined;
    let checkpoint = previous?.attempt === input.attempt ? previous.checkpoint : undefined;
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
    beat(true);
    const keepAlive = setInterval(() => beat(false), HEARTBEAT_EVERY_MS);

    try {
      if (checkpoint) log.info('resuming hook after a worker crash', { hook: where, checkpoint });
      return await deps.hooks.run(input, {
        signal,
        checkpoint,
        saveCheckpoint: (next) => {
          checkpoint = next;
          beat(true);
        },
        heartbeat: () => beat(false),
        log: (line) => log.info(line, { hook: where }),
      });
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw err; // C1: reported as cancelled, not as a hook failure
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
