// Messages and visibility for action and policy-run workflows: the ledger (rule V1), the status query,
// and typed search attributes (rule V2). Shared by workflow code and the client, so no Node imports here.
import type { SearchAttributePair } from '@temporalio/common';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { Artifact, RestorePointRef } from '../activities/deps.js';
import type { HookRef } from '../model/index.js';

/** The task queue kanflow workers poll and clients start workflows on, unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'kanflow';

export const STEPS = ['setup', 'preHook', 'main', 'onSuccess', 'onFailure'] as const;
export type StepName = (typeof STEPS)[number];
export type StepState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type ActionOutcome = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface StepRecord {
  step: StepName;
  state: StepState;
  /** Business attempts made (hook retries R2, main retries R4). */
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  /** Why the step failed, was skipped or cancelled. */
  error?: string;
  hook?: HookRef;
  /** Output artifacts of a hook step. */
  artifacts?: Record<string, Artifact>;
}

/** Everything a user wants to know about one action, while it runs and after (rule V1). */
export interface ActionLedger {
  actionId: string;
  kind: 'backup' | 'export' | 'restore';
  subjectNamespace: string;
  policy?: string;
  outcome: ActionOutcome;
  steps: StepRecord[];
  /** The preHook's output artifacts, passed to onSuccess/onFailure (rules A1, A2). */
  artifacts: Record<string, Artifact>;
  restorePoint?: RestorePointRef;
  exportLocation?: string;
  error?: string;
}

export type NamespaceOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface PolicyRunStatus {
  policy: string;
  total: number;
  /** Namespaces whose actions have not been started yet. */
  pending: number;
  running: string[];
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Per-namespace outcome (rule N3). */
  outcomes: Record<string, NamespaceOutcome>;
  /** First error per failed namespace. */
  errors: Record<string, string>;
  /** How many times the run continued as new to keep its history small. */
  generation: number;
}

export const actionStatusQuery = defineQuery<ActionLedger>('status');
export const policyRunStatusQuery = defineQuery<PolicyRunStatus>('status');

// Search attributes: filter actions in the Temporal UI / `temporal workflow list --query` (rule V2).
export const ActionKindKey = defineSearchAttributeKey('KanflowActionKind', SearchAttributeType.KEYWORD);
export const SubjectNamespaceKey = defineSearchAttributeKey('KanflowSubjectNamespace', SearchAttributeType.KEYWORD);
export const PolicyKey = defineSearchAttributeKey('KanflowPolicy', SearchAttributeType.KEYWORD);
export const CurrentStepKey = defineSearchAttributeKey('KanflowStep', SearchAttributeType.KEYWORD);
export const OutcomeKey = defineSearchAttributeKey('KanflowOutcome', SearchAttributeType.KEYWORD);

/** The search attributes an action starts with (V2); the workflow updates step and outcome as it runs. */
export function actionSearchAttributes(kind: string, subjectNamespace: string, policy?: string): SearchAttributePair[] {
  return [
    { key: ActionKindKey, value: kind },
    { key: SubjectNamespaceKey, value: subjectNamespace },
    ...(policy ? [{ key: PolicyKey, value: policy }] : []),
    { key: OutcomeKey, value: 'running' },
    { key: CurrentStepKey, value: 'setup' },
  ];
}

/** `Name=Type` pairs for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTES: readonly { name: string; type: 'Keyword' }[] = [
  ActionKindKey,
  SubjectNamespaceKey,
  PolicyKey,
  CurrentStepKey,
  OutcomeKey,
].map((key) => ({ name: key.name, type: 'Keyword' as const }));

/** Failure types a caller can branch on; each maps to one retry rule. */
export const FailureTypes = {
  /** Rule S2: bad request or blueprint; never retried. */
  InvalidInput: 'InvalidInput',
  /** Rule S4: the namespace lock could not be taken in time. */
  NamespaceLocked: 'NamespaceLocked',
  /** A hook's blueprint action failed (retried per R2, not for onFailure R3). */
  HookFailed: 'HookFailed',
  /** Rule R7: a hook attempt ran past the hook timeout. */
  HookTimeout: 'HookTimeout',
  /** Rule R5: template render errors and permanent function errors; never retried. */
  HookPermanent: 'HookPermanent',
  /** The backup/export/restore itself failed (retried per R4). */
  MainFailed: 'MainFailed',
  /** The main action failed in a way retrying cannot fix. */
  MainPermanent: 'MainPermanent',
  /** The workflow-level failure of an action; details[0] is its ledger. */
  ActionFailed: 'ActionFailed',
} as const;

/** Types that end a step at once: neither Temporal nor the workflow retries them. */
export const NON_RETRYABLE_TYPES: string[] = [
  FailureTypes.InvalidInput,
  FailureTypes.NamespaceLocked,
  FailureTypes.HookFailed,
  FailureTypes.HookTimeout,
  FailureTypes.HookPermanent,
  FailureTypes.MainPermanent,
];
