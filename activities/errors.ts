// Maps errors from the Kanister engine and handlers to ApplicationFailures with one type per retry rule.
import { ApplicationFailure } from '@temporalio/activity';
import { FailureTypes } from '../workflows/messages.js';

/** True for errors retrying cannot fix (R5): render errors and permanent function errors. */
function isPermanent(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if ((err as { permanent?: unknown }).permanent === true) return true;
  return ['PhaseRenderError', 'TemplateRenderError', 'TemplateSyntaxError', 'PermanentFunctionError'].includes(err.name);
}

export function classifyHookError(err: unknown, where: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({
    type: isPermanent(err) ? FailureTypes.HookPermanent : FailureTypes.HookFailed,
    message: `${where}: ${message}`,
    nonRetryable: true, // the workflow decides about hook retries (R2, R3)
  });
}

export function classifyMainError(err: unknown, what: string, attempt: number): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({
    type: isPermanent(err) ? FailureTypes.MainPermanent : FailureTypes.MainFailed,
    message: `${what}: ${message}`,
    nonRetryable: isPermanent(err),
    details: [{ attempt }],
  });
}
