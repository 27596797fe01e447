import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBlueprints } from '../../kanister/blueprint.js';
import type { Blueprint } from '../../kanister/blueprint.js';
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import { buildTemplateParams } from '../../kanister/params.js';
import {
  BlueprintActionAbortedError,
  PhaseFunctionError,
  PhaseRenderError,
  runBlueprintAction,
} from '../../kanister/runner.js';
import type { RunBlueprintActionOptions, RunnerCheckpoint } from '../../kanister/runner.js';

const BLUEPRINT = `apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata: {name: test-bp}
actions:
  quiesce:
    outputArtifacts:
      info:
        keyValue:
          first: "{{ .Phases.one.Output.value }}"
          cleanup: "{{ .DeferPhase.Output.value }}"
        kopiaSnapshot: "{{ .Phases.two.Output.value }}"
    phases:
      - func: Echo
        name: one
        objects:
          db: {kind: Secret, name: "{{ .Namespace.Name }}-db", namespace: "{{ .Namespace.Name }}"}
        args:
          value: "one in {{ .Namespace.Name }}"
      - func: Echo
        name: two
        args:
          value: "two after {{ .Phases.one.Output.value }}, password {{ index .Phases.one.Secrets.db.Data \\"password\\" | toString }}"
      - func: Echo
        name: three
        args:
          value: three
    deferPhase:
      func: Echo
      name: cleanup
      args:
        value: "cleanup after {{ .Namespace.Name }}"
`;

function blueprint(text = BLUEPRINT): Blueprint {
  return loadBlueprints(text, 'test.yaml').blueprints[0] as Blueprint;
}

interface Harness {
  calls: { phase: string; args: Record<string, unknown>; checkpoint?: unknown }[];
  checkpoints: RunnerCheckpoint[];
  fetched: string[];
  options(overrides?: Partial<RunBlueprintActionOptions>): RunBlueprintActionOptions;
}

/** Test-double functions: Echo returns its `value` arg as output `value`; behaviour per phase is injectable. */
function harness(behaviour: Record<string, (args: Record<string, unknown>, ctx: FunctionContext) => Promise<PhaseOutput>> = {}): Harness {
  const calls: Harness['calls'] = [];
  const checkpoints: RunnerCheckpoint[] = [];
  const fetched: string[] = [];
  const echo: KanisterFunction = {
    name: 'Echo',
    requiredArgs: ['value'],
    optionalArgs: [],
    needsProfile: false,
    async execute(args, ctx) {
      calls.push({ phase: ctx.phaseName, args, ...(ctx.checkpoint ? { checkpoint: ctx.checkpoint } : {}) });
      const custom = behaviour[ctx.phaseName];
      if (custom) return custom(args, ctx);
      return { value: args.value };
    },
  };
  return {
    calls,
    checkpoints,
    fetched,
    options: (overrides = {}) => ({
      blueprint: blueprint(),
      actionName: 'quiesce',
      params: buildTemplateParams({ subject: { kind: 'Namespace', name: 'shop' }, object: { metadata: { name: 'shop' } }, time: new Date('2026-03-04T05:06:07Z') }),
      functions: new Map([['Echo', echo]]),
      signal: new AbortController().signal,
      resourceKeyPrefix: 'act-1-prehook-1',
      defaultNamespace: 'kasten-io',
      log: () => {},
      heartbeat: () => {},
      fetchObjects: async (objects) => {
        fetched.push(...Object.values(objects).map((ref) => `${ref.namespace}/${ref.name}`));
        return { secrets: Object.fromEntries(Object.entries(objects).map(([name, ref]) => [name, { metadata: { name: ref.name, namespace: ref.namespace }, data: { password: Buffer.from('s3cret').toString('base64') } }])) };
      },
      onCheckpoint: (cp) => {
        checkpoints.push(cp);
      },
      ...overrides,
    }),
  };
}

void test('phases run in order, outputs are visible to later phases, then the deferPhase, then output artifacts', async () => {
  const h = harness();
  const result = await runBlueprintAction(h.options());
  assert.deepEqual(
    h.calls.map((c) => c.phase),
    ['one', 'two', 'three', 'cleanup'],
  );
  assert.deepEqual(h.calls[1]?.args, { value: 'two after one in shop, password s3cret' });
  assert.deepEqual(h.fetched, ['shop/shop-db']);
  assert.deepEqual(result.phases, { one: { output: { value: 'one in shop' } }, two: { output: { value: 'two after one in shop, password s3cret' } }, three: { output: { value: 'three' } } });
  assert.deepEqual(result.deferPhase, { name: 'cleanup', output: { value: 'cleanup after shop' } });
  assert.deepEqual(result.outputArtifacts, {
    info: { keyValue: { first: 'one in shop', cleanup: 'cleanup after shop' }, kopiaSnapshot: 'two after one in shop, password s3cret' },
  });
});

void test('R6: a checkpoint is persisted after each phase completes', async () => {
  const h = harness();
  await runBlueprintAction(h.options());
  assert.deepEqual(
    h.checkpoints.map((cp) => cp.completedPhases.map((p) => p.name)),
    [['one'], ['one', 'two'], ['one', 'two', 'three'], ['one', 'two', 'three']],
  );
  assert.deepEqual(h.checkpoints.at(-1)?.deferPhaseOutput, { value: 'cleanup after shop' });
});

void test('the deferPhase runs after a failure; the phase failure is reported, later phases do not run', async () => {
  const h = harness({
    two: async () => {
      throw new Error('pod exited 1');
    },
  });
  await assert.rejects(runBlueprintAction(h.options()), (error: unknown) => {
    assert.ok(error instanceof PhaseFunctionError);
    assert.equal(error.permanent, false);
    assert.deepEqual([error.blueprint, error.action, error.phase], ['test-bp', 'quiesce', 'two']);
    assert.equal(error.message, 'test-bp/quiesce phase "two": pod exited 1');
    return true;
  });
  assert.deepEqual(
    h.calls.map((c) => c.phase),
    ['one', 'two', 'cleanup'],
  );
});

void test('a function that throws PermanentFunctionError gives a permanent PhaseFunctionError', async () => {
  const h = harness({
    one: async () => {
      throw new PermanentFunctionError('namespace "x" not found');
    },
  });
  await assert.rejects(runBlueprintAction(h.options()), (error: unknown) => error instanceof PhaseFunctionError && error.permanent);
});

void test('R5: a render error is a permanent PhaseRenderError naming phase and argument; the deferPhase still runs', async () => {
  const h = harness();
  const bp = blueprint(BLUEPRINT.replace('value: three', 'value: "{{ .Options.missing }}"'));
  await assert.rejects(runBlueprintAction(h.options({ blueprint: bp })), (error: unknown) => {
    assert.ok(error instanceof PhaseRenderError);
    assert.equal(error.permanent, true);
    assert.equal(error.phase, 'three');
    assert.equal(error.location, 'args.value');
    assert.match(error.message, /^test-bp\/quiesce phase "three": args\.value: /);
    return true;
  });
  assert.deepEqual(
    h.calls.map((c) => c.phase),
    ['one', 'two', 'cleanup'],
  );
});

void test('A3: an output artifact that reads a missing input artifact fails to render', async () => {
  const h = harness();
  const bp = blueprint(BLUEPRINT.replace('first: "{{ .Phases.one.Output.value }}"', 'first: "{{ .ArtifactsIn.preHookInfo.KeyValue.at }}"'));
  await assert.rejects(runBlueprintAction(h.options({ blueprint: bp })), (error: unknown) => {
    assert.ok(error instanceof PhaseRenderError);
    assert.equal(error.location, 'outputArtifacts.info.keyValue.first');
    assert.match(error.message, /preHookInfo/);
    return true;
  });
});

void test('R6: on resume completed phases are not run again and the in-flight phase gets its checkpoint', async () => {
  const h = harness();
  const resume: RunnerCheckpoint = {
    completedPhases: [{ name: 'one', output: { value: 'one from the first attempt' } }],
    inFlight: { name: 'two', isDeferPhase: false, checkpoint: { pod: 'kanister-job-abc' } },
  };
  const result = await runBlueprintAction(h.options({ resume }));
  assert.deepEqual(
    h.calls.map((c) => c.phase),
    ['two', 'three', 'cleanup'],
  );
  assert.deepEqual(h.calls[0]?.checkpoint, { pod: 'kanister-job-abc' });
  assert.equal(h.calls[1]?.checkpoint, undefined);
  assert.deepEqual(h.calls[0]?.args, { value: 'two after one from the first attempt, password s3cret' });
  assert.equal(result.outputArtifacts.info?.keyValue?.first, 'one from the first attempt');
});

void test('R6: saveCheckpoint from a function is persisted with the completed phases', async () => {
  const h = harness({
    two: async (args, ctx) => {
      await ctx.saveCheckpoint({ pod: 'p-1' });
      return { value: String(args.value) };
    },
  });
  await runBlueprintAction(h.options());
  assert.deepEqual(h.checkpoints[1], { completedPhases: [{ name: 'one', output: { value: 'one in shop' } }], inFlight: { name: 'two', isDeferPhase: false, checkpoint: { pod: 'p-1' } } });
});

void test('R6: resuming after a failed phase runs only the deferPhase, then reports the failure', async () => {
  const h = harness();
  const resume: RunnerCheckpoint = {
    completedPhases: [{ name: 'one', output: { value: 'v1' } }],
    failedPhase: { name: 'two', message: 'pod exited 1', permanent: false },
  };
  await assert.rejects(runBlueprintAction(h.options({ resume })), (error: unknown) => error instanceof PhaseFunctionError && error.phase === 'two' && error.message === 'test-bp/quiesce phase "two": pod exited 1');
  assert.deepEqual(
    h.calls.map((c) => c.phase),
    ['cleanup'],
  );
});

void test('the abort signal stops the action: no further phases, no deferPhase', async () => {
  const controller = new AbortController();
  const h = harness({
    two: async (_args, ctx) => {
      controller.abort(new Error('activity cancelled'));
      throw ctx.signal.reason as Error;
    },
  });
  await assert.rejects(runBlueprintAction(h.options({ signal: controller.signal })), (error: unknown) => {
    assert.ok(error instanceof BlueprintActionAbortedError);
    assert.equal(error.phase, 'two');
    return true;
  });
  assert.deepEqual(
    h.calls.map((c) => c.phase),
    ['one', 'two'],
  );
});

void test('an already aborted signal runs nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  const h = harness();
  await assert.rejects(runBlueprintAction(h.options({ signal: controller.signal })), BlueprintActionAbortedError);
  assert.equal(h.calls.length, 0);
});

void test('each phase gets a deterministic DNS-safe resource key', async () => {
  const keys: string[] = [];
  const h = harness({
    one: async (args, ctx) => {
      keys.push(ctx.resourceKey);
      return { value: String(args.value) };
    },
  });
  await runBlueprintAction(h.options());
  await runBlueprintAction(h.options());
  assert.equal(keys[0], keys[1]);
  assert.match(keys[0] ?? '', /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
});
