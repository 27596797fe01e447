// The action ledger (rule V1) as workflow state: step transitions, search attributes and UI details in one place.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Artifact } from '../activities/deps.js';
import type { HookRef } from '../model/index.js';
import type { ActionLedger, ActionOutcome, StepName, StepRecord, StepState } from './messages.js';
import { ActionKindKey, CurrentStepKey, OutcomeKey, PolicyKey, STEPS, SubjectNamespaceKey } from './messages.js';

export class Ledger {
  readonly state: ActionLedger;

  constructor(init: Pick<ActionLedger, 'actionId' | 'kind' | 'subjectNamespace' | 'policy'>, hooks: Partial<Record<StepName, HookRef>>) {
    this.state = {
      ...init,
      outcome: 'running',
      steps: STEPS.map((step): StepRecord => ({ step, state: 'pending', attempts: 0, hook: hooks[step] })),
      artifacts: {},
    };
    // Starters (the client, a policy run) set these at start; upsert only what is missing: every upsert
    // is a history event and a visibility write.
    const present = workflowInfo().typedSearchAttributes;
    const wanted: SearchAttributeUpdatePair[] = [
      { key: ActionKindKey, value: init.kind },
      { key: SubjectNamespaceKey, value: init.subjectNamespace },
      ...(init.policy ? [{ key: PolicyKey, value: init.policy }] : []),
      { key: OutcomeKey, value: 'running' },
      { key: CurrentStepKey, value: 'setup' },
    ];
    const missing = wanted.filter((pair) => present.get(pair.key) === undefined);
    if (missing.length > 0) upsertSearchAttributes(missing);
    this.publish();
  }

  step(name: StepName): StepRecord {
    const record = this.state.steps.find((s) => s.step === name);
    if (!record) throw new Error(`unknown step ${name}`); // unreachable: STEPS is fixed
    return record;
  }

  /** Marks a step running and counts one more attempt. */
  start(name: StepName): void {
    const record = this.step(name);
    record.state = 'running';
    record.attempts += 1;
    record.startedAt ??= new Date().toISOString();
    record.error = undefined;
    if (workflowInfo().typedSearchAttributes.get(CurrentStepKey) !== name) {
      upsertSearchAttributes([{ key: CurrentStepKey, value: name }]);
    }
    this.publish();
  }

  /** Records a failed attempt that will be retried, keeping the step running. */
  attemptFailed(name: StepName, error: string): void {
    this.step(name).error = error;
    this.publish();
  }

  finish(name: StepName, state: Exclude<StepState, 'pending' | 'running'>, detail?: { error?: string; artifacts?: Record<string, Artifact> }): void {
    const record = this.step(name);
    record.state = state;
    record.endedAt = new Date().toISOString();
    if (detail?.error !== undefined) record.error = detail.error;
    if (detail?.artifacts) record.artifacts = detail.artifacts;
    this.publish();
  }

  /** Steps never reached are recorded as skipped (rule O6 and C4), with the reason. */
  skipPending(reason: string): void {
    for (const record of this.state.steps) {
      if (record.state === 'pending') {
        record.state = 'skipped';
        record.error ??= reason;
      }
    }
  }

  end(outcome: Exclude<ActionOutcome, 'running'>, error?: string): void {
    this.state.outcome = outcome;
    if (error !== undefined) this.state.error = error;
    upsertSearchAttributes([
      { key: OutcomeKey, value: outcome },
      { key: CurrentStepKey, value: 'done' },
    ]);
    this.publish();
  }

  /** Current details in the Temporal UI: a markdown table of the steps. */
  private publish(): void {
    const rows = this.state.steps.map((s) => {
      const hook = s.hook ? `${s.hook.blueprint}/${s.hook.actionName}` : '';
      const error = (s.error ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
      return `| ${s.step} | ${s.state} | ${s.attempts} | ${hook} | ${error} |`;
    });
    const artifacts = Object.keys(this.state.artifacts);
    setCurrentDetails(
      [
        `**${this.state.kind}** of namespace \`${this.state.subjectNamespace}\`: **${this.state.outcome}**`,
        '',
        '| step | state | attempts | hook | error |',
        '|---|---|---|---|---|',
        ...rows,
        ...(artifacts.length ? ['', `artifacts: ${artifacts.join(', ')}`] : []),
        ...(this.state.restorePoint ? ['', `restore point: ${this.state.restorePoint.namespace}/${this.state.restorePoint.name}`] : []),
      ].join('\n'),
    );
  }
}
