// The contract every Kanister function implements. One file per function under kanister/functions/
// (argument table) and k8s/functions/ (Kubernetes execution), as in kanisterio/kanister's pkg/function.

/** What a function declares about itself: used by validation (issue 3) and execution (issue 4). */
export interface KanisterFunctionSpec {
  /** Kanister's exact function name, e.g. `KubeTask`. */
  readonly name: string;
  /** Argument names that must be present in a phase's `args`. */
  readonly requiredArgs: readonly string[];
  /** Argument names that may be present. Anything else is "unsupported argument". */
  readonly optionalArgs: readonly string[];
  /** True when the function needs a location profile (`.Profile`): refused in hooks. */
  readonly needsProfile: boolean;
}

/** A checkpoint a function may save while it runs, so a retry after a worker crash re-attaches (rule R6). */
export type FunctionCheckpoint = Record<string, unknown>;

/** Everything a running function may use besides its rendered arguments. */
export interface FunctionContext {
  /** Blueprint phase name, for messages. */
  readonly phaseName: string;
  /** Aborted when the activity is cancelled or the hook times out; functions must stop and clean up. */
  readonly signal: AbortSignal;
  /**
   * Deterministic, DNS-1123-safe key for resources this phase creates (derived from action, step, business
   * attempt and phase), so that a retry after a crash finds what the earlier attempt created.
   */
  readonly resourceKey: string;
  /** Namespace where functions without a `namespace` argument run pods (the K10 namespace). */
  readonly defaultNamespace: string;
  /** The checkpoint saved by an earlier, crashed attempt of this same phase, if any. */
  readonly checkpoint?: FunctionCheckpoint;
  /**
   * Persists progress; resolves once it is durable. Await it before doing something that must not be
   * repeated after a crash (deleting a finished pod, for example).
   */
  saveCheckpoint(checkpoint: FunctionCheckpoint): Promise<void>;
  /** Progress signal for long waits; cheap, may be called often. */
  heartbeat(): void;
  /** One line of function output (pod logs, exec output) for the user. */
  log(line: string): void;
}

/** Phase output: the key/value pairs reachable as `.Phases.<name>.Output`. */
export type PhaseOutput = Record<string, unknown>;

export interface KanisterFunction extends KanisterFunctionSpec {
  execute(args: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput>;
}

/** Error a function throws when retrying cannot help (bad argument values, missing object): rule R5. */
export class PermanentFunctionError extends Error {
  override readonly name = 'PermanentFunctionError';
}
