// What activities need from the outside world. The worker wires the real implementations (k8s/); workflow
// tests wire test doubles. Activities stay thin: Temporal concerns here, Kanister/Kubernetes work behind these.
import type { Blueprint } from '../kanister/blueprint.js';
import type { RunnerCheckpoint } from '../kanister/runner.js';
import type { ActionRequest, HookRef, HookSlot } from '../model/index.js';

/** Reads Blueprints; the real one reads `cr.kanister.io/v1alpha1` Blueprint custom resources. */
export interface BlueprintSource {
  /** The Blueprint named `name` in `namespace`, or undefined when there is none. */
  get(name: string, namespace: string): Promise<Blueprint | undefined>;
}

/** What setup asks of the cluster about the action's subject. */
export interface ClusterInspector {
  namespaceExists(name: string): Promise<boolean>;
  /** Namespaces matching a Kubernetes label selector string (`a=b,c in (d)`); used by policy runs. */
  listNamespaces(labelSelector?: string): Promise<string[]>;
}

/** An output artifact, as Kanister's `outputArtifacts`/`.ArtifactsIn` carry it. */
export interface Artifact {
  keyValue?: Record<string, string>;
  kopiaSnapshot?: string;
}

/** One blueprint action to run as a hook, everything resolved in setup (rule S3). */
export interface HookRunInput {
  /** Workflow ID of the action: with step and attempt, it makes resource names deterministic (rule R6). */
  actionId: string;
  slot: HookSlot;
  /** Business attempt, 1-based (rule R2); a crash retry keeps the same number. */
  attempt: number;
  ref: HookRef;
  /** The Blueprint as resolved in setup; only `ref.actionName` runs. */
  blueprint: Blueprint;
  /** Namespace the hook operates on (rule N1). */
  subjectNamespace: string;
  /** Where pods of functions without a namespace argument run. */
  k10Namespace: string;
  /** `.ArtifactsIn` (rule A1): the preHook's output artifacts, for onSuccess/onFailure. */
  artifactsIn: Record<string, Artifact>;
  /** `.Options`. */
  options: Record<string, string>;
  /** Deadline for the whole attempt (rule R7), epoch milliseconds. */
  deadlineMs: number;
}

export interface HookRunResult {
  phases: { name: string; output: Record<string, unknown> }[];
  outputArtifacts: Record<string, Artifact>;
}

/** What a hook run may use from the activity around it. */
export interface HookRunContext {
  signal: AbortSignal;
  /** Progress saved by an earlier attempt that crashed (rule R6). */
  checkpoint?: RunnerCheckpoint;
  /** Resolves once the checkpoint is durable: a crash after that never repeats what it records. */
  saveCheckpoint(checkpoint: RunnerCheckpoint): Promise<void>;
  heartbeat(): void;
  log(line: string): void;
}

/** Runs one blueprint action as a hook; the real one is the Kanister runner over Kubernetes functions. */
export interface HookRunner {
  run(input: HookRunInput, ctx: HookRunContext): Promise<HookRunResult>;
}

/** A reference to a restore point produced by backup and consumed by export and restore. */
export interface RestorePointRef {
  name: string;
  namespace: string;
}

export interface MainActionInput {
  actionId: string;
  request: ActionRequest;
  /** Restore point produced by an earlier backup of the same policy run, for export. */
  restorePoint?: RestorePointRef;
}

export interface MainActionResult {
  restorePoint?: RestorePointRef;
  /** Where an export went (a path or URL), for the user. */
  exportLocation?: string;
  summary: string;
}

export interface MainActionContext {
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
  log(line: string): void;
}

/** Backup, export and restore themselves; each must be idempotent (it is retried, rule R4). */
export interface MainActionHandlers {
  run(input: MainActionInput, ctx: MainActionContext): Promise<MainActionResult>;
}

/**
 * Durable hook checkpoints (rule R6), keyed by action, step and business attempt. Heartbeat details also
 * carry them, but heartbeats are throttled: a checkpoint must be durable before the step it records is
 * forgotten elsewhere (a finished pod deleted), so it is written here synchronously.
 */
export interface HookCheckpointStore {
  load(key: string): Promise<RunnerCheckpoint | undefined>;
  save(key: string, checkpoint: RunnerCheckpoint): Promise<void>;
  /** Called when the hook attempt has ended; a no-op when nothing was saved. */
  remove(key: string): Promise<void>;
}

/** One lock per subject namespace (rule S4). Holders are action workflow IDs. */
export interface NamespaceLockStore {
  /**
   * Takes the lock when it is free, already ours, or held by `replaceHolder` (a holder found dead).
   * Returns the current holder when it could not.
   */
  tryAcquire(namespace: string, holder: string, replaceHolder?: string): Promise<{ acquired: true } | { acquired: false; holder: string }>;
  /** Releases the lock if `holder` holds it; a no-op otherwise. */
  release(namespace: string, holder: string): Promise<void>;
}

/** Answers whether an action that holds a lock is still running, so a crashed holder's lock expires. */
export interface ActionLiveness {
  isRunning(actionId: string): Promise<boolean>;
}

export interface KanflowDeps {
  blueprints: BlueprintSource;
  cluster: ClusterInspector;
  hooks: HookRunner;
  main: MainActionHandlers;
  locks: NamespaceLockStore;
  liveness: ActionLiveness;
  checkpoints: HookCheckpointStore;
}
