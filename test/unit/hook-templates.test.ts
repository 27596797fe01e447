// Rules N2 and A3 through the real Kanister runner and template engine: what a hook's templates see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Blueprint } from '../../kanister/blueprint.js';
import { loadBlueprints } from '../../kanister/blueprint.js';
import type { KanisterFunction } from '../../kanister/functions/types.js';
import { buildTemplateParams } from '../../kanister/params.js';
import { PhaseRenderError, runBlueprintAction } from '../../kanister/runner.js';

const HOOKS = `apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata: {name: hook-blueprint, namespace: kasten-io}
actions:
  post-export:
    phases:
      - func: KubeTask
        name: hookPhase
        args:
          image: bitnami/kubectl
          command: [sh, -c, 'kubectl patch namespace "{{ .Namespace.Name }}" --type json -p=''[{"op": "remove", "path": "/metadata/labels/migrate"}]''']
  uses-artifact:
    phases:
      - func: KubeTask
        name: report
        args:
          image: busybox
          command: [sh, -c, 'echo {{ .ArtifactsIn.snapshot.KeyValue.id }}']
`;

const blueprint = loadBlueprints(HOOKS, 'hooks.yaml').blueprints[0] as Blueprint;

/** A KubeTask double that records the arguments it was rendered with. */
function recordingKubeTask(seen: Record<string, unknown>[]): KanisterFunction {
  return {
    name: 'KubeTask',
    requiredArgs: ['image', 'command'],
    optionalArgs: ['namespace', 'podOverride'],
    needsProfile: false,
    execute: async (args) => {
      seen.push(args);
      return {};
    },
  };
}

function run(actionName: string, subject: Parameters<typeof buildTemplateParams>[0]['subject'], artifactsIn = {}) {
  const seen: Record<string, unknown>[] = [];
  const params = buildTemplateParams({ subject, object: {}, time: new Date('2026-11-25T10:00:00Z'), artifactsIn });
  const result = runBlueprintAction({
    blueprint,
    actionName,
    params,
    functions: new Map([['KubeTask', recordingKubeTask(seen)]]),
    signal: new AbortController().signal,
    resourceKeyPrefix: 'test',
    defaultNamespace: 'kasten-io',
    log: () => {},
    heartbeat: () => {},
  });
  return { seen, result };
}

test('N2: {{ .Namespace.Name }} renders as the subject namespace (the source document example)', async () => {
  const { seen, result } = run('post-export', { kind: 'Namespace', name: 'mysql' });
  await result;
  assert.deepEqual(seen[0]?.command, [
    'sh',
    '-c',
    'kubectl patch namespace "mysql" --type json -p=\'[{"op": "remove", "path": "/metadata/labels/migrate"}]\'',
  ]);
});

test('N1, N2: with a workload subject, .Namespace.Name is still the subject namespace', async () => {
  const { seen, result } = run('post-export', { kind: 'StatefulSet', name: 'db', namespace: 'mysql-restored', pods: [] });
  await result;
  assert.match(String((seen[0]?.command as string[])[2]), /namespace "mysql-restored"/);
});

test('A1: .ArtifactsIn carries the preHook artifacts into the template', async () => {
  const { seen, result } = run('uses-artifact', { kind: 'Namespace', name: 'app' }, { snapshot: { keyValue: { id: 'snap-42' } } });
  await result;
  assert.deepEqual(seen[0]?.command, ['sh', '-c', 'echo snap-42']);
});

test('A3: a template using an artifact the preHook did not produce fails to render, naming it, and is permanent', async () => {
  const { seen, result } = run('uses-artifact', { kind: 'Namespace', name: 'app' }, { other: { keyValue: { id: 'x' } } });
  await assert.rejects(result, (err: unknown) => {
    assert.ok(err instanceof PhaseRenderError, `got ${String(err)}`);
    assert.equal(err.permanent, true, 'render errors are not retried (R5)');
    assert.match(err.message, /snapshot/);
    assert.match(err.message, /hook-blueprint/);
    assert.match(err.message, /report/);
    return true;
  });
  assert.equal(seen.length, 0, 'nothing ran');
});
