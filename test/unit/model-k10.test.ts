import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError, loadK10Documents, loadK10Files } from '../../model/index.js';
import type { LoadedK10 } from '../../model/index.js';

// Compiled to dist/test/unit/: the fixtures stay in the source tree.
const fixtures = new URL('../../../test/fixtures/k10/', import.meta.url);

function loadFixture(name: string): LoadedK10 {
  return loadK10Documents(readFileSync(new URL(name, fixtures), 'utf8'), name);
}

/** The formatted issues of a load that must fail. */
function errorLines(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.doesNotMatch(error.format(), /\bat .*\.js:\d+/, 'no stack trace in user-facing errors');
    return error.format().split('\n');
  }
  assert.fail('expected the input to be rejected');
}

const defaultLimits = {
  k10Namespace: 'kasten-io',
  hookRetryLimit: 3,
  mainRetryLimit: 3,
  hookTimeoutSeconds: 1200,
  mainTimeoutSeconds: 3600,
  lockTimeoutSeconds: 600,
  heartbeatTimeoutSeconds: 30,
  retryInitialIntervalSeconds: 2,
};

void test('BackupAction: the application namespace with its three hooks and default limits', () => {
  const loaded = loadFixture('backup-action.yaml');
  assert.deepEqual(loaded, {
    requests: [
      {
        kind: 'backup',
        namespace: 'mysql',
        hooks: {
          preHook: { blueprint: 'mysql-hooks', actionName: 'quiesce' },
          onSuccess: { blueprint: 'mysql-hooks', actionName: 'unquiesce' },
          onFailure: { blueprint: 'mysql-hooks', actionName: 'unquiesce-and-alert' },
        },
        ...defaultLimits,
      },
    ],
    policies: [],
    runs: [],
    warnings: [],
  });
});

void test('BackupAction: the namespace may come from metadata or the appNamespace label alone', () => {
  const fromLabel = loadK10Documents(
    'kind: BackupAction\nmetadata:\n  labels: {k10.kasten.io/appNamespace: shop}\n',
    'label.yaml',
  );
  assert.equal(fromLabel.requests[0]?.kind === 'backup' && fromLabel.requests[0].namespace, 'shop');
  const fromMetadata = loadK10Documents('kind: BackupAction\nmetadata: {namespace: shop}\n', 'meta.yaml');
  assert.deepEqual(fromMetadata.requests[0]?.hooks, {});
});

void test('BackupAction: namespaces that contradict each other or are missing are errors', () => {
  const text = [
    'kind: BackupAction',
    'metadata:',
    '  namespace: shop',
    'spec:',
    '  subject: {name: mysql, namespace: mysql}',
    '---',
    'kind: BackupAction',
    'spec: {}',
  ].join('\n');
  assert.deepEqual(errorLines(() => loadK10Documents(text, 'two.yaml')), [
    'two.yaml:3:3: metadata.namespace: "shop" contradicts spec.subject.namespace "mysql"',
    'two.yaml:8:1: spec.subject.namespace: required: the namespace to back up (spec.subject.namespace, metadata.namespace or label k10.kasten.io/appNamespace)',
  ]);
});

void test('ExportAction: restore point, filesystem location keeping the profile name, and hooks', () => {
  const { requests, warnings } = loadFixture('export-action.yaml');
  assert.deepEqual(requests, [
    {
      kind: 'export',
      namespace: 'mysql',
      restorePoint: 'mysql-rp-2026-08-01',
      location: { type: 'filesystem', profile: 'nightly-nfs' },
      hooks: {
        preHook: { blueprint: 'mysql-hooks', actionName: 'pre-export' },
        onFailure: { blueprint: 'mysql-hooks', actionName: 'post-export-failed' },
      },
      ...defaultLimits,
    },
  ]);
  assert.deepEqual(warnings, []);
});

void test('N1: RestoreAction targets the target namespace; a hook subject with K10 type becomes a StatefulSet', () => {
  const { requests, warnings } = loadFixture('restore-action.yaml');
  const restore = requests[0];
  assert.equal(requests.length, 1);
  assert.ok(restore?.kind === 'restore');
  assert.deepEqual(restore.restorePoint, { name: 'mysql-rp-2026-08-01', namespace: 'mysql' });
  assert.equal(restore.targetNamespace, 'mysql-restore');
  assert.deepEqual(restore.hooks.onSuccess, {
    blueprint: 'mysql-hooks',
    actionName: 'post-restore',
    subject: { name: 'mysql', namespace: 'mysql-restore', kind: 'StatefulSet' },
  });
  assert.deepEqual(restore.hooks.preHook, { blueprint: 'mysql-hooks', actionName: 'pre-restore' });
  assert.deepEqual(warnings, ['restore-action.yaml:13:3: spec.filters: ignored: kanflow restores the whole restore point']);
});

void test('N4: Policy with backup then export keeps the order, each action with its own hooks', () => {
  const { policies, requests, runs, warnings } = loadFixture('policy.yaml');
  assert.equal(requests.length, 0);
  assert.equal(runs.length, 0);
  assert.equal(policies.length, 1);
  const policy = policies[0]!;
  assert.equal(policy.name, 'mysql-backup');
  assert.equal(policy.k10Namespace, 'kasten-io');
  assert.equal(policy.concurrency, 10);
  // Namespace names AND another label condition: one label selector, so the AND cannot be lost.
  assert.deepEqual(policy.selector, {
    labelSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['mysql', 'mysql-eu'] },
        { key: 'tier', operator: 'NotIn', values: ['scratch'] },
      ],
    },
  });
  const [backup, exported] = policy.actions;
  assert.equal(policy.actions.length, 2);
  assert.equal(backup?.action, 'backup');
  assert.deepEqual(backup.hooks, {
    preHook: { blueprint: 'mysql-hooks', actionName: 'quiesce' },
    onSuccess: { blueprint: 'mysql-hooks', actionName: 'unquiesce' },
    onFailure: { blueprint: 'mysql-hooks', actionName: 'unquiesce' },
  });
  assert.ok(exported?.action === 'export');
  assert.deepEqual(exported.hooks, { onSuccess: { blueprint: 'export-hooks', actionName: 'notify' } });
  assert.deepEqual(exported.location, { type: 'filesystem', profile: 'nightly-nfs' });
  assert.equal(exported.hookRetryLimit, 3);
  assert.equal(policy.frequency, '@daily');
  assert.deepEqual(policy.retention, { hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 7 });
  assert.deepEqual(warnings, [
    'policy.yaml:8:3: spec.frequency: kept but not scheduled: kanflow runs policy "mysql-backup" when asked (RunAction or kanflow run)',
  ]);
});

void test('RunAction resolves its Policy from the same multi-document file', () => {
  const { runs, policies, requests, warnings } = loadFixture('run-action.yaml');
  assert.equal(requests.length, 0);
  assert.equal(policies.length, 1);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.policy, policies[0]);
  assert.equal(runs[0].policy.name, 'web-backup');
  assert.deepEqual(runs[0].policy.selector, { labelSelector: { matchLabels: { team: 'web' } } });
  assert.deepEqual(runs[0].policy.actions[0]?.hooks.preHook, {
    blueprint: 'web-hooks',
    actionName: 'drain',
    subject: { name: 'frontend', kind: 'Deployment' },
  });
  assert.deepEqual(warnings, [], '@onDemand is not a schedule to warn about');
});

void test('RunAction resolves a Policy from another file of the set, and names a missing one', () => {
  const runText = 'kind: RunAction\nspec:\n  subject:\n    kind: Policy\n    name: mysql-backup\n';
  const loaded = loadK10Files([
    { text: runText, file: 'run.yaml' },
    { text: readFileSync(new URL('policy.yaml', fixtures), 'utf8'), file: 'policy.yaml' },
  ]);
  assert.equal(loaded.runs[0]?.policy.name, 'mysql-backup');
  assert.deepEqual(errorLines(() => loadK10Documents(runText, 'run.yaml')), [
    'run.yaml:5:5: spec.subject.name: Policy "kasten-io/mysql-backup" is not among the given documents; pass the file that defines it',
  ]);
  assert.deepEqual(
    errorLines(() => loadK10Files([{ text: runText.replace('mysql-backup', 'nightly'), file: 'run.yaml' }, { text: readFileSync(new URL('policy.yaml', fixtures), 'utf8'), file: 'policy.yaml' }])),
    [
      'run.yaml:5:5: spec.subject.name: Policy "kasten-io/nightly" is not among the given documents; pass the file that defines it (policies given: kasten-io/mysql-backup)',
    ],
  );
});

void test('a hook without actionName is reported at the hook, with the full field path', () => {
  assert.deepEqual(errorLines(() => loadFixture('missing-action-name.yaml')), [
    'missing-action-name.yaml:14:11: spec.actions[0].backupParameters.hooks.preHook.actionName: required (hook reference needs actionName)',
  ]);
});

void test('wrong types are reported with file, line, field and the value found', () => {
  assert.deepEqual(errorLines(() => loadFixture('wrong-type.yaml')), [
    'wrong-type.yaml:8:5: spec.subject.name: must be a string (got 42)',
    'wrong-type.yaml:10:3: spec.targetNamespace: must be a string (got a list)',
    'wrong-type.yaml:12:39: spec.hooks.preHook.actionName: must be a string (got true)',
  ]);
});

void test('an unknown kind lists the accepted kinds; the valid document beside it raises nothing', () => {
  assert.deepEqual(errorLines(() => loadFixture('unknown-kind.yaml')), [
    'unknown-kind.yaml:7:1: kind: unknown kind "SnapshotAction"; kanflow accepts BackupAction, ExportAction, RestoreAction, RunAction, Policy',
  ]);
});

void test('a hook slot typo and a hook field typo are errors with suggestions, all reported together', () => {
  assert.deepEqual(errorLines(() => loadFixture('bad-slot.yaml')), [
    'bad-slot.yaml:7:5: spec.hooks.prehook: unknown hook slot "prehook" (did you mean "preHook"?); hook slots are preHook, onSuccess, onFailure',
    'bad-slot.yaml:8:5: spec.hooks.onSuccess.actionName: required (hook reference needs actionName)',
    'bad-slot.yaml:8:41: spec.hooks.onSuccess.actioName: unknown field "actioName" (did you mean "actionName"?)',
  ]);
});

void test('N4: a policy export before its backup is rejected at the export', () => {
  assert.deepEqual(errorLines(() => loadFixture('export-before-backup.yaml')), [
    "export-before-backup.yaml:10:7: spec.actions[0].action: export must come after a backup action: a namespace's export runs after its backup succeeded (rule N4)",
  ]);
});

void test('issues of every document and file are gathered, in reading order', () => {
  const first = ['kind: Policy', 'metadata: {name: p}', 'spec:', '  selector: {matchLabels: {team: web}}', '  actions:', '    - action: report'].join('\n');
  const second = ['kind: ExportAction', 'spec:', '  subject: {kind: Application, name: rp, namespace: Shop}', '---', 'kind: RestoreAction', 'spec: {}'].join('\n');
  assert.deepEqual(
    errorLines(() =>
      loadK10Files([
        { text: second, file: 'b.yaml' },
        { text: first, file: 'a.yaml' },
      ]),
    ),
    [
      'b.yaml:3:13: spec.subject.kind: must be "RestorePoint" (got "Application")',
      'b.yaml:3:42: spec.subject.namespace: must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got "Shop")',
      'b.yaml:6:1: spec.subject: required',
      'a.yaml:6:7: spec.actions[0].action: kanflow policies run backup and export actions; "report" is not supported',
    ],
  );
});

void test('YAML syntax errors are reported with their position', () => {
  const lines = errorLines(() => loadK10Documents('kind: BackupAction\nspec:\n  hooks: {preHook: [\n', 'broken.yaml'));
  assert.ok(lines.length >= 1);
  assert.match(lines[0]!, /^broken\.yaml:\d+:\d+: YAML: /);
});

void test("K10 selectors: appNamespace NotIn becomes a selector on the namespace's name label; an empty selector is an error", () => {
  const policy = (selector: string) =>
    ['kind: Policy', 'metadata: {name: p, namespace: k10}', 'spec:', `  selector: ${selector}`, '  actions: [{action: backup}]'].join('\n');
  const loaded = loadK10Documents(
    policy('{matchExpressions: [{key: k10.kasten.io/appNamespace, operator: NotIn, values: [kube-system]}]}'),
    'p.yaml',
  );
  assert.equal(loaded.policies[0]?.k10Namespace, 'k10');
  assert.deepEqual(loaded.policies[0]?.selector, {
    labelSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
  });
  assert.deepEqual(
    loadK10Documents(policy('{matchLabels: {k10.kasten.io/appNamespace: shop}}'), 'p.yaml').policies[0]?.selector,
    { namespaces: ['shop'] },
  );
  assert.deepEqual(errorLines(() => loadK10Documents(policy('{}'), 'p.yaml')), [
    'p.yaml:4:3: spec.selector: selects nothing: give matchExpressions on k10.kasten.io/appNamespace (operator In) or matchLabels',
  ]);
});

void test('a policy defined twice is an error pointing at the first definition', () => {
  const policy = 'kind: Policy\nmetadata: {name: p}\nspec:\n  selector: {matchLabels: {a: b}}\n  actions: [{action: backup}]\n';
  assert.deepEqual(errorLines(() => loadK10Documents(`${policy}---\n${policy}`, 'dup.yaml')), [
    'dup.yaml:8:12: metadata.name: policy "p" is already defined at dup.yaml:2',
  ]);
});
