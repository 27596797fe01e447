// The main step: backup, export or restore itself, dispatched to the handlers; retried by Temporal (R4).
import { Context, log } from '@temporalio/activity';
import type { KanflowDeps, MainActionInput, MainActionResult } from './deps.js';
import { classifyMainError } from './errors.js';

export type MainActivityResult = MainActionResult & { attempt: number };

export function createMainActivity(deps: KanflowDeps) {
  return async function runMainAction(input: MainActionInput): Promise<MainActivityResult> {
    const ctx = Context.current();
    const what = `${input.request.kind} of ${input.request.kind === 'restore' ? input.request.targetNamespace : input.request.namespace}`;
    const keepAlive = setInterval(() => ctx.heartbeat(), 1000);
    try {
      const result = await deps.main.run(input, {
        signal: ctx.cancellationSignal,
        heartbeat: (details) => ctx.heartbeat(details),
        log: (line) => log.info(line, { action: what }),
      });
      return { ...result, attempt: ctx.info.attempt };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? err; // reported as cancelled
      throw classifyMainError(err, what, ctx.info.attempt);
    } finally {
      clearInterval(keepAlive);
    }
  };
}
