import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ActionOptionsSchema,
  ActionRequestSchema,
  HookRefSchema,
  HooksSchema,
  InputError,
  labelSelectorToString,
  matchesLabelSelector,
  parseWith,
  PolicySchema,
  safeParseWith,
  selectsNamespace,
  subjectNamespaceOf,
} from '../../model/index.js';

function issuesOf(schema: Parameters<typeof safeParseWith>[0], value: unknown): string[] {
  const outcome = safeParseWith(schema, value, { file: 'request.json' });
  assert.equal(outcome.success, false, 'expected the value to be rejected');
  return outcome.success ? [] : outcome.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

void test('R2/R4/R6/R7/S4: action options default to 3 attempts, 20 min hooks, 60 min main, 10 min lock, 30 s heartbeat, 2 s backoff', () => {
  assert.deepEqual(ActionOptionsSchema.parse({}), {
    hookRetryLimit: 3,
    mainRetryLimit: 3,
    hookTimeoutSeconds: 1200,
    mainTimeoutSeconds: 3600,
    lockTimeoutSeconds: 600,
    heartbeatTimeoutSeconds: 30,
    retryInitialIntervalSeconds: 2,
  });
});

void test('a backup request gets empty hooks, the kasten-io K10 namespace and default limits', () => {
  const request = ActionRequestSchema.parse({ kind: 'backup', namespace: 'mysql' });
  assert.deepEqual(request, {
    kind: 'backup',
    namespace: 'mysql',
    hooks: {},
    k10Namespace: 'kasten-io',
    hookRetryLimit: 3,
    mainRetryLimit: 3,
    hookTimeoutSeconds: 1200,
    mainTimeoutSeconds: 3600,
    lockTimeoutSeconds: 600,
    heartbeatTimeoutSeconds: 30,
    retryInitialIntervalSeconds: 2,
  });
});

void test('explicit options and blueprint .Options are kept', () => {
  const request = ActionRequestSchema.parse({
    kind: 'export',
    namespace: 'mysql',
    hookRetryLimit: 1,
    hookTimeoutSeconds: 30,
    k10Namespace: 'k10',
    options: { mode: 'full' },
    location: { type: 'filesystem', path: '/exports' },
  });
  assert.equal(request.hookRetryLimit, 1);
  assert.equal(request.hookTimeoutSeconds, 30);
  assert.equal(request.mainRetryLimit, 3);
  assert.equal(request.k10Namespace, 'k10');
  assert.deepEqual(request.options, { mode: 'full' });
  assert.equal(request.kind === 'export' && request.restorePoint, undefined, 'no restore point means the latest');
});

void test('N1: the hook subject namespace is the source namespace for backup and export, the target for restore', () => {
  const backup = ActionRequestSchema.parse({ kind: 'backup', namespace: 'shop' });
  const exported = ActionRequestSchema.parse({ kind: 'export', namespace: 'shop', restorePoint: 'rp-1' });
  const restore = ActionRequestSchema.parse({
    kind: 'restore',
    restorePoint: { name: 'rp-1', namespace: 'shop' },
    targetNamespace: 'shop-copy',
  });
  assert.equal(subjectNamespaceOf(backup), 'shop');
  assert.equal(subjectNamespaceOf(exported), 'shop');
  assert.equal(subjectNamespaceOf(restore), 'shop-copy');
});

void test('an unknown request kind, a bad namespace and an out-of-range limit are all reported', () => {
  assert.deepEqual(issuesOf(ActionRequestSchema, { kind: 'snapshot', namespace: 'x' }), [
    'kind: must be one of "backup", "export", "restore" (got "snapshot")',
  ]);
  assert.deepEqual(issuesOf(ActionRequestSchema, { kind: 'backup', namespace: 'My_NS', hookRetryLimit: 0, colour: 1 }), [
    'namespace: must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got "My_NS")',
    'hookRetryLimit: must be at least 1 (got 0)',
    'colour: unknown field "colour"',
  ]);
  assert.deepEqual(issuesOf(ActionRequestSchema, { kind: 'restore', restorePoint: { name: 'rp' } }), [
    'restorePoint.namespace: required',
    'targetNamespace: required',
  ]);
});

void test('parseWith throws an InputError whose format() names file and field, without a stack trace', () => {
  assert.throws(
    () => parseWith(ActionRequestSchema, { kind: 'backup', namespace: 'mysql', hooks: { preHook: { blueprint: 'b' } } }, { file: 'req.json' }),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.format(), 'req.json: hooks.preHook.actionName: required (hook reference needs actionName)');
      assert.equal(error.message, error.format());
      assert.deepEqual(error.issues, [
        { file: 'req.json', path: 'hooks.preHook.actionName', message: 'required (hook reference needs actionName)' },
      ]);
      return true;
    },
  );
});

void test("K10's type beside subject becomes subject.kind", () => {
  assert.deepEqual(
    HookRefSchema.parse({ blueprint: 'pg-hooks', actionName: 'post', subject: { name: 'pg', namespace: 'db' }, type: 'statefulset' }),
    { blueprint: 'pg-hooks', actionName: 'post', subject: { name: 'pg', namespace: 'db', kind: 'StatefulSet' } },
  );
  assert.deepEqual(HookRefSchema.parse({ blueprint: 'b', actionName: 'a', subject: { name: 'data', kind: 'PersistentVolumeClaim' } }), {
    blueprint: 'b',
    actionName: 'a',
    subject: { name: 'data', kind: 'PersistentVolumeClaim' },
  });
});

void test('a hook subject needs a kind, and type must agree with it', () => {
  assert.deepEqual(issuesOf(HookRefSchema, { blueprint: 'b', actionName: 'a', subject: { name: 'pg' } }), [
    "subject.kind: required: the subject's kind (StatefulSet, Deployment, DeploymentConfig, PersistentVolumeClaim, Namespace), or K10's type beside subject",
  ]);
  assert.deepEqual(
    issuesOf(HookRefSchema, { blueprint: 'b', actionName: 'a', subject: { name: 'pg', kind: 'Deployment' }, type: 'statefulset' }),
    ['type: type "statefulset" contradicts subject.kind "Deployment"'],
  );
  assert.deepEqual(issuesOf(HookRefSchema, { blueprint: 'Bad_Name', actionName: '', type: 'cronjob' }), [
    'blueprint: must be a DNS-1123 name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (got "Bad_Name")',
    'actionName: must not be empty',
    'type: unknown subject type "cronjob"; use one of statefulset, deployment, deploymentconfig, persistentvolumeclaim, pvc, namespace',
    'type: type needs a subject beside it',
  ]);
  assert.deepEqual(issuesOf(HookRefSchema, { blueprint: 'b', actionName: 'a', subject: { name: 'pg' }, type: 'cronjob' }), [
    'type: unknown subject type "cronjob"; use one of statefulset, deployment, deploymentconfig, persistentvolumeclaim, pvc, namespace',
  ]);
});

void test('O6: every hook slot is optional; an unknown slot is an error even beside a broken hook', () => {
  assert.deepEqual(HooksSchema.parse({}), {});
  assert.deepEqual(HooksSchema.parse({ onFailure: { blueprint: 'b', actionName: 'alert' } }), {
    onFailure: { blueprint: 'b', actionName: 'alert' },
  });
  assert.deepEqual(issuesOf(HooksSchema, { onsuccess: {}, preHook: { actionName: 'a' } }), [
    'preHook.blueprint: required (hook reference needs blueprint)',
    'onsuccess: unknown hook slot "onsuccess" (did you mean "onSuccess"?); hook slots are preHook, onSuccess, onFailure',
  ]);
});

const backupThenExport = {
  name: 'nightly',
  selector: { namespaces: ['mysql'] },
  actions: [{ action: 'backup' }, { action: 'export', hooks: { onSuccess: { blueprint: 'b', actionName: 'notify' } } }],
};

void test('a policy defaults to concurrency 10 and kasten-io, and keeps its actions in order', () => {
  const policy = PolicySchema.parse(backupThenExport);
  assert.equal(policy.concurrency, 10);
  assert.equal(policy.k10Namespace, 'kasten-io');
  assert.deepEqual(
    policy.actions.map((action) => action.action),
    ['backup', 'export'],
  );
  assert.equal(policy.actions[1]!.hooks.onSuccess?.actionName, 'notify');
  assert.equal(policy.actions[0]!.mainRetryLimit, 3);
});

void test('N4: a policy export must follow a backup', () => {
  assert.deepEqual(issuesOf(PolicySchema, { ...backupThenExport, actions: [{ action: 'export' }, { action: 'backup' }] }), [
    "actions[0].action: export must come after a backup action: a namespace's export runs after its backup succeeded (rule N4)",
  ]);
  assert.deepEqual(issuesOf(PolicySchema, { ...backupThenExport, actions: [{ action: 'export' }] }).length, 1);
});

void test('a policy needs a selector with namespaces or labelSelector, actions, and a concurrency within 1..500', () => {
  assert.deepEqual(issuesOf(PolicySchema, { name: 'p', selector: {}, actions: [], concurrency: 501 }), [
    'selector: required: namespaces or labelSelector (a policy must say which namespaces it covers)',
    'actions: must list at least one item (got a list)',
    'concurrency: must be at most 500 (got 501)',
  ]);
  assert.deepEqual(
    issuesOf(PolicySchema, {
      ...backupThenExport,
      selector: { labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['y'] }] } },
    }),
    [
      'selector.labelSelector.matchExpressions[0].values: required: operator In needs values',
      'selector.labelSelector.matchExpressions[1].values: must be empty for operator Exists',
    ],
  );
});

const selector = {
  matchLabels: { team: 'web' },
  matchExpressions: [
    { key: 'tier', operator: 'In' as const, values: ['db', 'cache'] },
    { key: 'env', operator: 'NotIn' as const, values: ['scratch'] },
    { key: 'backup', operator: 'Exists' as const },
    { key: 'legacy', operator: 'DoesNotExist' as const },
  ],
};

void test('labelSelectorToString writes Kubernetes selector syntax', () => {
  assert.equal(labelSelectorToString(selector), 'team=web,tier in (db,cache),env notin (scratch),backup,!legacy');
  assert.equal(labelSelectorToString({}), '');
});

void test('matchesLabelSelector follows Kubernetes semantics', () => {
  const labels = { team: 'web', tier: 'db', backup: 'yes' };
  assert.equal(matchesLabelSelector(labels, selector), true, 'absent env satisfies NotIn');
  assert.equal(matchesLabelSelector({ ...labels, env: 'scratch' }, selector), false);
  assert.equal(matchesLabelSelector({ ...labels, tier: 'web' }, selector), false);
  assert.equal(matchesLabelSelector({ ...labels, legacy: '' }, selector), false);
  assert.equal(matchesLabelSelector({ team: 'web', tier: 'db' }, selector), false, 'backup must exist');
  assert.equal(matchesLabelSelector({ team: 'ops', tier: 'db', backup: 'yes' }, selector), false);
  assert.equal(matchesLabelSelector({}, {}), true, 'an empty selector matches everything');
});

void test('selectsNamespace requires both the namespace list and the label selector', () => {
  const policySelector = { namespaces: ['a', 'b'], labelSelector: { matchLabels: { team: 'web' } } };
  assert.equal(selectsNamespace(policySelector, 'a', { team: 'web' }), true);
  assert.equal(selectsNamespace(policySelector, 'c', { team: 'web' }), false);
  assert.equal(selectsNamespace(policySelector, 'a', { team: 'ops' }), false);
  assert.equal(selectsNamespace({ namespaces: ['a'] }, 'a', {}), true);
});
