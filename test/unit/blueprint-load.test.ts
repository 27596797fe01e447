import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { BlueprintLoadError, loadBlueprints } from '../../kanister/blueprint.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/conformance/kanister-blueprints/', import.meta.url));

const HOOK_BLUEPRINT = `apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata:
  name: hook-blueprint
  namespace: kasten-io
actions:
  pre-export:
    kind: Namespace
    type: Namespace
    outputArtifacts:
      info:
        keyValue:
          at: "{{ .Phases.hookPhase.Output.at }}"
    phases:
      - func: KubeTask
        name: hookPhase
        objects:
          db: {kind: Secret, name: mysql, namespace: "{{ .Namespace.Name }}"}
        args:
          image: bitnami/kubectl
          command: [sh, -c, "echo hi"]
    deferPhase:
      func: KubeTask
      name: cleanup
      args:
        image: busybox
        command: [sh, -c, "echo bye"]
`;

void test('loads a hook blueprint with every field of the schema', () => {
  const { blueprints } = loadBlueprints(HOOK_BLUEPRINT, 'hook.yaml');
  assert.equal(blueprints.length, 1);
  const [bp] = blueprints;
  assert.equal(bp?.metadata.name, 'hook-blueprint');
  assert.equal(bp?.metadata.namespace, 'kasten-io');
  const action = bp?.actions['pre-export'];
  assert.equal(action?.kind, 'Namespace');
  assert.deepEqual(action?.outputArtifacts, { info: { keyValue: { at: '{{ .Phases.hookPhase.Output.at }}' } } });
  assert.equal(action?.phases[0]?.func, 'KubeTask');
  assert.deepEqual(action?.phases[0]?.objects?.db, { kind: 'Secret', name: 'mysql', namespace: '{{ .Namespace.Name }}' });
  assert.deepEqual(action?.phases[0]?.args.command, ['sh', '-c', 'echo hi']);
  assert.equal(action?.deferPhase?.name, 'cleanup');
});

void test('an unknown field is ignored with a warning naming file:line:col', () => {
  const { blueprints, warnings } = loadBlueprints(HOOK_BLUEPRINT, 'hook.yaml');
  assert.equal(blueprints.length, 1);
  assert.deepEqual(warnings, ['hook.yaml:9:5: actions.pre-export.type: unknown field "type" ignored']);
  assert.equal('type' in (blueprints[0]?.actions['pre-export'] ?? {}), false);
});

void test('non-Blueprint documents are skipped with a warning; every Blueprint document is loaded', () => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${HOOK_BLUEPRINT}---\n${HOOK_BLUEPRINT.replace('hook-blueprint', 'second')}`;
  const { blueprints, warnings } = loadBlueprints(text, 'multi.yaml');
  assert.deepEqual(
    blueprints.map((bp) => bp.metadata.name),
    ['hook-blueprint', 'second'],
  );
  assert.match(warnings[0] ?? '', /^multi\.yaml:1:1: skipped non-Blueprint document \(document 1\): v1 ConfigMap$/);
});

void test('a schema error points at the offending node with line, column and path', () => {
  const broken = HOOK_BLUEPRINT.replace('      - func: KubeTask\n        name: hookPhase', '      - func: 42\n        name: hookPhase');
  assert.throws(
    () => loadBlueprints(broken, 'broken.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof BlueprintLoadError);
      assert.equal(error.issues.length, 1);
      const [issue] = error.issues;
      assert.equal(issue?.file, 'broken.yaml');
      assert.equal(issue?.line, 15);
      assert.equal(issue?.column, 15);
      assert.equal(issue?.path, 'actions.pre-export.phases[0].func');
      assert.match(error.message, /^broken\.yaml:15:15: actions\.pre-export\.phases\[0\]\.func: /);
      return true;
    },
  );
});

void test('a missing required field is reported at its parent node', () => {
  const broken = HOOK_BLUEPRINT.replace('          db: {kind: Secret, name: mysql, namespace: "{{ .Namespace.Name }}"}', '          db: {kind: Secret, namespace: x}');
  assert.throws(
    () => loadBlueprints(broken, 'b.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof BlueprintLoadError);
      assert.equal(error.issues[0]?.path, 'actions.pre-export.phases[0].objects.db.name');
      assert.equal(error.issues[0]?.line, 18);
      assert.equal(error.issues[0]?.column, 15);
      return true;
    },
  );
});

void test('a YAML syntax error carries its line and column', () => {
  assert.throws(
    () => loadBlueprints('apiVersion: cr.kanister.io/v1alpha1\nkind: Blueprint\nmetadata: {name: x\n', 'syntax.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof BlueprintLoadError);
      assert.equal(error.issues[0]?.file, 'syntax.yaml');
      assert.ok((error.issues[0]?.line ?? 0) >= 3);
      return true;
    },
  );
});

void test('every conformance blueprint loads', { skip: !existsSync(CORPUS) && 'conformance corpus not present' }, () => {
  const files = readdirSync(CORPUS).filter((name) => name.endsWith('.yaml'));
  assert.equal(files.length, 49);
  for (const file of files) {
    const { blueprints } = loadBlueprints(readFileSync(CORPUS + file, 'utf8'), file);
    assert.equal(blueprints.length, 1, file);
  }
});
