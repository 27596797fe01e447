// Runs one blueprint action as Kanister does (pkg/controller, pkg/phase.go): render every phase's
// `objects` at action start, then per phase fetch its objects, render its args, check them and execute;
// the deferPhase always runs after the phases (also after a failure); outputArtifacts render last.
// Beyond Kanister (rule R6): progress is checkpointed so a crashed attempt resumes without re-running
// completed phases, and the in-flight phase gets its function checkpoint back.
import { createHash } from 'node:crypto';
import type { Blueprint, BlueprintAction, BlueprintPhase, ObjectReference } from './blueprint.js';
import { rendersOwnArgs } from './functions/specs.js';
import { PermanentFunctionError } from './functions/types.js';
import type { FunctionCheckpoint, FunctionContext, KanisterFunction, PhaseOutput } from './functions/types.js';
import { phaseParams, withParams } from './params.js';
import type { ConfigMapInput, PhaseParams, SecretInput, TemplateParams } from './params.js';
import { isTemplated, renderTemplate } from './template/index.js';
import { appendPath } from './template-sites.js';

export interface CompletedPhase {
  readonly name: string;
  readonly output: PhaseOutput;
}

/** What must survive a worker crash to resume an action where it stood (rule R6). JSON-serialisable. */
export interface RunnerCheckpoint {
  /** Phases that completed, in order, with their outputs. */
  readonly completedPhases: readonly CompletedPhase[];
  /** The phase that was running and the checkpoint its function saved, if any. */
  readonly inFlight?: { readonly name: string; readonly isDeferPhase: boolean; readonly checkpoint?: FunctionCheckpoint };
  /** Set once a phase failed: on resume the phases are not retried, only the deferPhase runs. */
  readonly failedPhase?: { readonly name: string; readonly message: string; readonly permanent: boolean };
  /** The deferPhase's output once it completed. */
  readonly deferPhaseOutput?: PhaseOutput;
}

/** Fetched `objects` of one phase: only Secret and ConfigMap kinds are fetched, as in Kanister. */
export interface FetchedPhaseObjects {
  readonly secrets?: Record<string, SecretInput>;
  readonly configMaps?: Record<string, ConfigMapInput>;
}

export interface RunBlueprintActionOptions {
  readonly blueprint: Blueprint;
  readonly actionName: string;
  /** Parameters gathered at action start (buildTemplateParams); the runner adds `.Phases` etc. to a copy. */
  readonly params: TemplateParams;
  readonly functions: ReadonlyMap<string, KanisterFunction>;
  readonly signal: AbortSignal;
  /** Prefix of every phase's `resourceKey` (action, step, business attempt). */
  readonly resourceKeyPrefix: string;
  readonly defaultNamespace: string;
  readonly log: (line: string) => void;
  readonly heartbeat: () => void;
  /** Fetches the Secrets/ConfigMaps a phase's rendered `objects` reference, when the phase starts. */
  readonly fetchObjects?: (objects: Readonly<Record<string, ObjectReference>>, signal: AbortSignal) => Promise<FetchedPhaseObjects>;
  readonly resume?: RunnerCheckpoint;
  /** Persist progress (heartbeat details): after each phase, and whenever a function saves a checkpoint. */
  readonly onCheckpoint?: (checkpoint: RunnerCheckpoint) => void | Promise<void>;
}

export interface BlueprintActionResult {
  readonly phases: Record<string, { readonly output: PhaseOutput }>;
  readonly deferPhase?: { readonly name: string; readonly output: PhaseOutput };
  readonly outputArtifacts: Record<string, { keyValue?: Record<string, string>; kopiaSnapshot?: string }>;
}

interface ErrorPlace {
  readonly blueprint: string;
  readonly action: string;
  readonly phase?: string;
}

/** Base of every failure of a blueprint action; `permanent` failures must not be retried (rule R5). */
export class BlueprintActionError extends Error {
  override readonly name: string = 'BlueprintActionError';
  readonly blueprint: string;
  readonly action: string;
  readonly phase?: string;
  /** The message without the blueprint/action/phase prefix. */
  readonly detail: string;
  constructor(
    place: ErrorPlace,
    message: string,
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(`${place.blueprint}/${place.action}${place.phase !== undefined ? ` phase "${place.phase}"` : ''}: ${message}`, options);
    this.detail = message;
    this.blueprint = place.blueprint;
    this.action = place.action;
    this.phase = place.phase;
  }
}

/** The action or one of its functions does not exist: invalid input. */
export class BlueprintActionNotFoundError extends BlueprintActionError {
  override readonly name = 'BlueprintActionNotFoundError';
  constructor(place: ErrorPlace, message: string) {
    super(place, message, true);
  }
}

/** A template of the phase (objects or args) or of an output artifact failed to render: permanent. */
export class PhaseRenderError extends BlueprintActionError {
  override readonly name = 'PhaseRenderError';
  constructor(
    place: ErrorPlace,
    /** `args.command[2]`, `objects.db.name`, `outputArtifacts.info.keyValue.k`. */
    readonly location: string,
    cause: unknown,
  ) {
    super(place, `${location}: ${errorMessage(cause)}`, true, { cause });
  }
}

/** Rendered args do not fit the function (missing or unsupported argument): permanent. */
export class PhaseArgumentError extends BlueprintActionError {
  override readonly name = 'PhaseArgumentError';
  constructor(place: ErrorPlace, message: string) {
    super(place, message, true);
  }
}

/** The function failed; permanent iff it threw PermanentFunctionError. */
export class PhaseFunctionError extends BlueprintActionError {
  override readonly name = 'PhaseFunctionError';
  /** Set when the deferPhase also failed after this error. */
  deferPhaseError?: BlueprintActionError;
  constructor(place: ErrorPlace, cause: unknown, permanent = cause instanceof PermanentFunctionError) {
    super(place, errorMessage(cause), permanent, { cause });
  }
}

/** The signal was aborted: remaining phases (and the deferPhase) are not run. */
export class BlueprintActionAbortedError extends BlueprintActionError {
  override readonly name = 'BlueprintActionAbortedError';
  constructor(place: ErrorPlace, reason: unknown) {
    super(place, `aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, false, { cause: reason });
  }
}

export async function runBlueprintAction(opts: RunBlueprintActionOptions): Promise<BlueprintActionResult> {
  const { blueprint, actionName, signal } = opts;
  const place = { blueprint: blueprint.metadata.name, action: actionName };
  const action = blueprint.actions[actionName];
  if (!action) throw new BlueprintActionNotFoundError(place, `action "${actionName}" not found in blueprint`);

  // Resolve functions and render objects before anything runs, as Kanister does.
  const allPhases = [...action.phases, ...(action.deferPhase ? [action.deferPhase] : [])];
  for (const phase of allPhases) {
    if (!opts.functions.has(phase.func)) {
      throw new BlueprintActionNotFoundError({ ...place, phase: phase.name }, `function "${phase.func}" is not registered`);
    }
  }
  const params = withParams(opts.params, { Phases: {}, CurrentPhase: null, DeferPhase: null });
  const renderedObjects = new Map<BlueprintPhase, Record<string, ObjectReference>>();
  for (const phase of allPhases) renderedObjects.set(phase, renderObjects(phase, params, { ...place, phase: phase.name }));

  let checkpoint: RunnerCheckpoint = opts.resume ?? { completedPhases: [] };
  const persist = async (next: RunnerCheckpoint): Promise<void> => {
    checkpoint = next;
    await opts.onCheckpoint?.(next);
  };
  const completed = new Map(checkpoint.completedPhases.map((p) => [p.name, p.output]));
  const runner = new PhaseRunner(opts, place, params, renderedObjects);

  let failure: BlueprintActionError | undefined = checkpoint.failedPhase
    ? new PhaseFunctionError({ ...place, phase: checkpoint.failedPhase.name }, new Error(checkpoint.failedPhase.message), checkpoint.failedPhase.permanent)
    : undefined;

  for (const phase of action.phases) {
    const done = completed.get(phase.name);
    if (done !== undefined) {
      await runner.restoreCompleted(phase, done);
      continue;
    }
    if (failure) break;
    try {
      const output = await runner.run(phase, false, checkpoint, persist);
      await persist({ completedPhases: [...checkpoint.completedPhases, { name: phase.name, output }] });
    } catch (error) {
      const typed = toActionError(error, { ...place, phase: phase.name }, signal);
      if (typed instanceof BlueprintActionAbortedError) throw typed;
      failure = typed;
      await persist({ ...checkpoint, inFlight: undefined, failedPhase: { name: phase.name, message: typed.detail, permanent: typed.permanent } });
    }
  }

  let deferPhaseResult: BlueprintActionResult['deferPhase'];
  if (action.deferPhase) {
    const deferPhase = action.deferPhase;
    try {
      let output = checkpoint.deferPhaseOutput;
      if (output) {
        params.DeferPhase = phaseParams({}, output);
      } else {
        output = await runner.run(deferPhase, true, checkpoint, persist);
        await persist({ ...checkpoint, inFlight: undefined, deferPhaseOutput: output });
      }
      deferPhaseResult = { name: deferPhase.name, output };
    } catch (error) {
      const typed = toActionError(error, { ...place, phase: deferPhase.name }, signal);
      if (typed instanceof BlueprintActionAbortedError) throw typed;
      if (!failure) throw typed;
      if (failure instanceof PhaseFunctionError) failure.deferPhaseError = typed;
      opts.log(`deferPhase "${deferPhase.name}" also failed: ${typed.message}`);
    }
  }
  if (failure) throw failure;

  return {
    phases: Object.fromEntries(action.phases.map((phase) => [phase.name, { output: params.Phases[phase.name]?.Output ?? {} }])),
    ...(deferPhaseResult ? { deferPhase: deferPhaseResult } : {}),
    outputArtifacts: renderOutputArtifacts(action, params, place),
  };
}

/** Executes single phases against the shared, growing params. */
class PhaseRunner {
  constructor(
    private readonly opts: RunBlueprintActionOptions,
    private readonly place: ErrorPlace,
    private readonly params: TemplateParams,
    private readonly renderedObjects: ReadonlyMap<BlueprintPhase, Record<string, ObjectReference>>,
  ) {}

  /** Puts a phase completed by an earlier attempt back into `.Phases` (objects re-fetched for later templates). */
  async restoreCompleted(phase: BlueprintPhase, output: PhaseOutput): Promise<void> {
    const objects = await this.fetchObjects(phase);
    this.params.Phases[phase.name] = phaseParams(objects, output);
    this.opts.log(`phase "${phase.name}" already completed, not run again`);
  }

  async run(phase: BlueprintPhase, isDeferPhase: boolean, checkpoint: RunnerCheckpoint, persist: (cp: RunnerCheckpoint) => void): Promise<PhaseOutput> {
    const { opts } = this;
    const where = { ...this.place, phase: phase.name };
    throwIfAborted(opts.signal, where);
    opts.heartbeat();
    const entry: PhaseParams = phaseParams(await this.fetchObjects(phase));
    if (isDeferPhase) this.params.DeferPhase = entry;
    else this.params.Phases[phase.name] = entry;
    this.params.CurrentPhase = entry;

    const args = renderPhaseArgs(phase, this.params, where);
    // `get` is safe: runBlueprintAction checked every function exists before running anything.
    const fn = opts.functions.get(phase.func) as KanisterFunction;
    checkArgs(fn, args, where);

    const resumed = checkpoint.inFlight?.name === phase.name && checkpoint.inFlight.isDeferPhase === isDeferPhase ? checkpoint.inFlight.checkpoint : undefined;
    let current = checkpoint;
    const ctx: FunctionContext = {
      phaseName: phase.name,
      signal: opts.signal,
      resourceKey: resourceKey(opts.resourceKeyPrefix, isDeferPhase ? `defer-${phase.name}` : phase.name),
      defaultNamespace: opts.defaultNamespace,
      ...(resumed ? { checkpoint: resumed } : {}),
      saveCheckpoint: async (functionCheckpoint) => {
        current = { ...current, inFlight: { name: phase.name, isDeferPhase, checkpoint: functionCheckpoint } };
        await persist(current);
      },
      heartbeat: opts.heartbeat,
      log: opts.log,
    };
    opts.log(`${isDeferPhase ? 'deferPhase' : 'phase'} "${phase.name}" (${phase.func}) ${resumed ? 'resuming' : 'started'}`);
    let output: PhaseOutput;
    try {
      output = await fn.execute(args, ctx);
    } catch (error) {
      throw toActionError(error, where, opts.signal);
    }
    entry.Output = output;
    opts.log(`${isDeferPhase ? 'deferPhase' : 'phase'} "${phase.name}" completed`);
    return output;
  }

  private async fetchObjects(phase: BlueprintPhase): Promise<FetchedPhaseObjects> {
    const objects = this.renderedObjects.get(phase) ?? {};
    const fetchable = Object.fromEntries(Object.entries(objects).filter(([, ref]) => /^(secret|configmap)$/i.test(ref.kind)));
    if (Object.keys(fetchable).length === 0) return {};
    if (!this.opts.fetchObjects) {
      throw new PhaseFunctionError({ ...this.place, phase: phase.name }, new Error('phase has objects but no object fetcher was configured'), true);
    }
    try {
      return await this.opts.fetchObjects(fetchable, this.opts.signal);
    } catch (error) {
      throw toActionError(error, { ...this.place, phase: phase.name }, this.opts.signal);
    }
  }
}

function renderObjects(phase: BlueprintPhase, params: TemplateParams, where: ErrorPlace): Record<string, ObjectReference> {
  const rendered: Record<string, ObjectReference> = {};
  for (const [name, ref] of Object.entries(phase.objects ?? {})) {
    const out: Record<string, string> = {};
    for (const [field, value] of Object.entries(ref)) {
      if (typeof value === 'string') out[field] = renderString(value, params, where, `objects.${name}.${field}`);
    }
    rendered[name] = out as ObjectReference;
  }
  return rendered;
}

/**
 * Renders every string leaf and map key of the args. Wait/WaitV2 conditions are the function's business
 * (evaluated against the watched object), so only their objectReference fields and Wait's timeout render.
 */
export function renderPhaseArgs(phase: BlueprintPhase, params: TemplateParams, where: ErrorPlace): Record<string, unknown> {
  if (rendersOwnArgs(phase.func)) {
    const args = structuredClone(phase.args);
    if (phase.func.toLowerCase() === 'wait' && typeof args.timeout === 'string') args.timeout = renderString(args.timeout, params, where, 'args.timeout');
    const conditions = args.conditions;
    if (isRecord(conditions)) {
      for (const [group, list] of Object.entries(conditions)) {
        if (!Array.isArray(list)) continue;
        list.forEach((condition: unknown, index) => {
          if (isRecord(condition) && isRecord(condition.objectReference)) {
            condition.objectReference = renderValue(condition.objectReference, params, where, `args.conditions.${group}[${index}].objectReference`);
          }
        });
      }
    }
    return args;
  }
  return renderValue(phase.args, params, where, 'args') as Record<string, unknown>;
}

function renderValue(value: unknown, params: TemplateParams, where: ErrorPlace, location: string): unknown {
  if (typeof value === 'string') return renderString(value, params, where, location);
  if (Array.isArray(value)) return value.map((item, index) => renderValue(item, params, where, appendPath(location, index)));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const renderedKey = renderString(key, params, where, `${appendPath(location, key)} (key)`);
      out[renderedKey] = renderValue(item, params, where, appendPath(location, key));
    }
    return out;
  }
  return value;
}

function renderString(source: string, params: TemplateParams, where: ErrorPlace, location: string): string {
  if (!isTemplated(source)) return source;
  try {
    return renderTemplate(source, params);
  } catch (error) {
    throw new PhaseRenderError(where, location, error);
  }
}

function checkArgs(fn: KanisterFunction, args: Record<string, unknown>, where: ErrorPlace): void {
  const missing = fn.requiredArgs.filter((name) => !(name in args));
  if (missing.length > 0) throw new PhaseArgumentError(where, `required argument missing: ${missing.join(', ')}`);
  const supported = new Set([...fn.requiredArgs, ...fn.optionalArgs]);
  const unsupported = Object.keys(args).filter((name) => !supported.has(name));
  if (unsupported.length > 0) throw new PhaseArgumentError(where, `argument not supported by ${fn.name}: ${unsupported.join(', ')}`);
}

function renderOutputArtifacts(action: BlueprintAction, params: TemplateParams, place: ErrorPlace): BlueprintActionResult['outputArtifacts'] {
  const result: BlueprintActionResult['outputArtifacts'] = {};
  for (const [name, artifact] of Object.entries(action.outputArtifacts ?? {})) {
    const rendered: { keyValue?: Record<string, string>; kopiaSnapshot?: string } = {};
    if (artifact.keyValue) {
      rendered.keyValue = {};
      for (const [key, value] of Object.entries(artifact.keyValue)) {
        rendered.keyValue[key] = renderString(value, params, place, `outputArtifacts.${name}.keyValue.${key}`);
      }
    }
    if (artifact.kopiaSnapshot !== undefined) {
      rendered.kopiaSnapshot = renderString(artifact.kopiaSnapshot, params, place, `outputArtifacts.${name}.kopiaSnapshot`);
    }
    result[name] = rendered;
  }
  return result;
}

/** DNS-1123 label (≤ 63 chars) that is the same for every attempt of the same phase. */
export function resourceKey(prefix: string, phaseName: string): string {
  const raw = `${prefix}-${phaseName}`;
  const safe = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (safe.length <= 63 && safe === raw) return safe;
  // Sanitising can merge distinct names: a short hash of the original keeps them apart.
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${safe.slice(0, 54).replace(/-$/, '')}-${hash}`;
}

function toActionError(error: unknown, where: ErrorPlace, signal: AbortSignal): BlueprintActionError {
  if (error instanceof BlueprintActionError) return error;
  if (signal.aborted) return new BlueprintActionAbortedError(where, signal.reason);
  return new PhaseFunctionError(where, error);
}

function throwIfAborted(signal: AbortSignal, where: ErrorPlace): void {
  if (signal.aborted) throw new BlueprintActionAbortedError(where, signal.reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
