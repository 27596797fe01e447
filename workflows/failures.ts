// Reading Temporal failures in workflow code: the business type and a one-line reason for the ledger.
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';

/** The innermost failure: activity and child-workflow failures wrap the one that says what happened. */
function innermost(err: unknown): unknown {
  let current = err;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  return current;
}

/** The ApplicationFailure `type` of a failure, looking through activity/child wrappers. */
export function failureType(err: unknown): string | undefined {
  const inner = innermost(err);
  return inner instanceof ApplicationFailure ? (inner.type ?? undefined) : undefined;
}

/** The attempt number an activity put in its failure details, if any. */
export function failureAttempt(err: unknown): number | undefined {
  const inner = innermost(err);
  if (!(inner instanceof ApplicationFailure)) return undefined;
  const detail = inner.details?.[0] as { attempt?: unknown } | undefined;
  return typeof detail?.attempt === 'number' ? detail.attempt : undefined;
}

/** One line a user can act on: the business message, not Temporal's wrapper text. */
export function describeFailure(err: unknown): string {
  if (isCancellation(err)) return 'cancelled';
  const inner = innermost(err);
  if (inner instanceof TimeoutFailure) return `activity timed out: ${inner.message}`;
  if (inner instanceof Error) return inner.message;
  return String(inner);
}
