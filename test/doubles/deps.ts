// Test doubles for the deps activities use: in memory, recording every call, scripted per hook action.
// The activities themselves are the real ones, so retries, heartbeats and checkpoints are exercised for real.
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  ActionLiveness,
  Artifact,
  BlueprintSource,
  ClusterInspector,
  HookRunContext,
  HookRunInput,
  HookRunner,
  HookCheckpointStore,
  HookRunResult,
  KanflowDeps,
  MainActionContext,
  MainActionHandlers,
  MainActionInput,
  MainActionResult,
  NamespaceLockStore,
} from '../../activities/deps.js';
import type { Blueprint } from '../../kanister/blueprint.js';
import type { RunnerCheckpoint } from '../../kanister/runner.js';

/** A Blueprint whose actions each run one KubeTask: valid for hook use. */
export function hookBlueprint(name: string, actions: string[], command = 'echo hook'): Blueprint {
  return {
    apiVersion: 'cr.kanister.io/v1alpha1',
    kind: 'Blueprint',
    metadata: { name, namespace: 'kasten-io' },
    actions: Object.fromEntries(
      actions.map((action) => [
        action,
        {
          phases: [
            {
              func: 'KubeTask',
              name: `${action}Phase`,
              args: { image: 'bitnami/kubectl', command: ['/bin/sh', '-c', `${command} {{ .Namespace.Name }}`] },
            },
          ],
        },
      ]),
    ),
  } as unknown as Blueprint;
}

export class FakeCluster implements ClusterInspector {
  readonly namespaces = new Map<string, Record<string, string>>();
  constructor(names: string[] = []) {
    for (const name of names) this.namespaces.set(name, {});
  }
  async namespaceExists(name: string): Promise<boolean> {
    return this.namespaces.has(name);
  }
  async listNamespaces(labelSelector?: string): Promise<string[]> {
    const wanted = (labelSelector ?? '').split(',').filter(Boolean).map((pair) => pair.split('='));
    return [...this.namespaces].filter(([, labels]) => wanted.every(([k, v]) => labels[k!] === v)).map(([n]) => n);
  }
}

export class FakeBlueprints implements BlueprintSource {
  readonly blueprints = new Map<string, Blueprint>();
  constructor(blueprints: Blueprint[] = []) {
    for (const bp of blueprints) this.put(bp);
  }
  put(bp: Blueprint, namespace = 'kasten-io'): void {
    this.blueprints.set(`${namespace}/${bp.metadata.name}`, bp);
  }
  async get(name: string, namespace: string): Promise<Blueprint | undefined> {
    return this.blueprints.get(`${namespace}/${name}`);
  }
}

export interface HookCall {
  slot: string;
  action: string;
  attempt: number;
  subjectNamespace: string;
  artifactsIn: Record<string, Artifact>;
  options: Record<string, string>;
  /** The command of the blueprint's first phase as the hook received it (rule S3). */
  command: unknown;
  resumedFrom?: unknown;
}

export type HookBehaviour = (input: HookRunInput, ctx: HookRunContext, call: number) => Promise<HookRunResult>;

const ok: HookRunResult = { phases: [], outputArtifacts: {} };

/** Records each hook run; runs the behaviour scripted for its blueprint action (default: succeed). */
export class ScriptedHooks implements HookRunner {
  readonly calls: HookCall[] = [];
  readonly behaviours = new Map<string, HookBehaviour>();
  /**
   * @param order shared log of steps in the order they ran (hooks and main)
   * @param journal optional file every call is appended to: it survives a killed worker process
   */
  constructor(
    private readonly order: string[] = [],
    private readonly journal?: string,
  ) {}

  on(actionName: string, behaviour: HookBehaviour): this {
    this.behaviours.set(actionName, behaviour);
    return this;
  }

  async run(input: HookRunInput, ctx: HookRunContext): Promise<HookRunResult> {
    const phase = Object.values(input.blueprint.actions)[0]?.phases[0];
    const call: HookCall = {
      slot: input.slot,
      action: input.ref.actionName,
      attempt: input.attempt,
      subjectNamespace: input.subjectNamespace,
      artifactsIn: input.artifactsIn,
      options: input.options,
      command: phase?.args?.command,
      resumedFrom: ctx.checkpoint,
    };
    this.calls.push(call);
    this.order.push(input.slot);
    if (this.journal) appendFileSync(this.journal, `${JSON.stringify(call)}\n`);
    const behaviour = this.behaviours.get(input.ref.actionName);
    const count = this.calls.filter((c) => c.action === input.ref.actionName).length;
    return behaviour ? behaviour(input, ctx, count) : ok;
  }
}

export interface MainCall {
  kind: string;
  namespace: string;
  restorePoint?: MainActionInput['restorePoint'];
}

export type MainBehaviour = (input: MainActionInput, ctx: MainActionContext, call: number) => Promise<MainActionResult>;

export class ScriptedMain implements MainActionHandlers {
  readonly calls: MainCall[] = [];
  behaviour?: MainBehaviour;
  constructor(private readonly order: string[] = []) {}

  async run(input: MainActionInput, ctx: MainActionContext): Promise<MainActionResult> {
    const { request } = input;
    const namespace = request.kind === 'restore' ? request.targetNamespace : request.namespace;
    this.calls.push({ kind: request.kind, namespace, restorePoint: input.restorePoint });
    this.order.push('main');
    if (this.behaviour) return this.behaviour(input, ctx, this.calls.length);
    return request.kind === 'backup'
      ? { restorePoint: { name: `rp-${namespace}`, namespace }, summary: 'backed up' }
      : { summary: `${request.kind} done` };
  }
}

export class MemoryLocks implements NamespaceLockStore {
  readonly holders = new Map<string, string>();
  async tryAcquire(namespace: string, holder: string, replaceHolder?: string) {
    const current = this.holders.get(namespace);
    if (current === undefined || current === holder || (replaceHolder !== undefined && current === replaceHolder)) {
      this.holders.set(namespace, holder);
      return { acquired: true as const };
    }
    return { acquired: false as const, holder: current };
  }
  async release(namespace: string, holder: string): Promise<void> {
    if (this.holders.get(namespace) === holder) this.holders.delete(namespace);
  }
}

/** Checkpoints in memory, or in a folder when they must survive a killed worker process (crash test). */
export class TestCheckpoints implements HookCheckpointStore {
  private readonly memory = new Map<string, RunnerCheckpoint>();
  constructor(private readonly dir?: string) {}
  private file(key: string): string {
    return path.join(this.dir!, `${key.replace(/[^a-zA-Z0-9.-]/g, '_')}.checkpoint.json`);
  }
  async load(key: string): Promise<RunnerCheckpoint | undefined> {
    if (!this.dir) return this.memory.get(key);
    return existsSync(this.file(key)) ? (JSON.parse(readFileSync(this.file(key), 'utf8')) as RunnerCheckpoint) : undefined;
  }
  async save(key: string, checkpoint: RunnerCheckpoint): Promise<void> {
    if (this.dir) writeFileSync(this.file(key), JSON.stringify(checkpoint));
    else this.memory.set(key, checkpoint);
  }
  async remove(key: string): Promise<void> {
    if (this.dir) rmSync(this.file(key), { force: true });
    else this.memory.delete(key);
  }
}

export class FakeLiveness implements ActionLiveness {
  readonly dead = new Set<string>();
  async isRunning(actionId: string): Promise<boolean> {
    return !this.dead.has(actionId);
  }
}

export interface Doubles extends KanflowDeps {
  cluster: FakeCluster;
  blueprints: FakeBlueprints;
  hooks: ScriptedHooks;
  main: ScriptedMain;
  locks: MemoryLocks;
  liveness: FakeLiveness;
  checkpoints: TestCheckpoints;
  /** Steps in the order they ran: 'preHook', 'main', 'onSuccess', 'onFailure'. */
  order: string[];
}

export function createDoubles(
  options: { namespaces?: string[]; blueprints?: Blueprint[]; journal?: string; checkpointDir?: string } = {},
): Doubles {
  const order: string[] = [];
  return {
    order,
    cluster: new FakeCluster(options.namespaces ?? ['app']),
    blueprints: new FakeBlueprints(options.blueprints ?? [hookBlueprint('hook-blueprint', ['pre', 'post', 'failed'])]),
    hooks: new ScriptedHooks(order, options.journal),
    main: new ScriptedMain(order),
    locks: new MemoryLocks(),
    liveness: new FakeLiveness(),
    checkpoints: new TestCheckpoints(options.checkpointDir),
  };
}

/** A hook failure as a blueprint action's phase would raise it. */
export function failing(message: string): HookBehaviour {
  return async () => {
    throw new Error(message);
  };
}

export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The three hook slots wired to the default `hook-blueprint` of createDoubles(). */
export const HOOKS = {
  preHook: { blueprint: 'hook-blueprint', actionName: 'pre' },
  onSuccess: { blueprint: 'hook-blueprint', actionName: 'post' },
  onFailure: { blueprint: 'hook-blueprint', actionName: 'failed' },
};
