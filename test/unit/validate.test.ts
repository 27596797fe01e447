import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadBlueprints } from '../../kanister/blueprint.js';
import type { Blueprint } from '../../kanister/blueprint.js';
import { formatValidationIssue, validateBlueprint } from '../../kanister/validate.js';
import type { ValidateOptions, ValidationIssue } from '../../kanister/validate.js';

const BROKEN = fileURLToPath(new URL('../../../test/fixtures/blueprints/broken/', import.meta.url));

function broken(name: string): Blueprint {
  const { blueprints } = loadBlueprints(readFileSync(`${BROKEN}${name}.yaml`, 'utf8'), `${name}.yaml`);
  assert.equal(blueprints.length, 1);
  return blueprints[0] as Blueprint;
}

function errors(bp: Blueprint, options: ValidateOptions = {}): ValidationIssue[] {
  return validateBlueprint(bp, options).filter((issue) => issue.severity === 'error');
}

void test('unknown function: named with blueprint, action and phase', () => {
  const [issue, ...rest] = errors(broken('unknown-function'));
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { blueprint: issue?.blueprint, action: issue?.action, phase: issue?.phase, argument: issue?.argument },
    { blueprint: 'bp-unknown-function', action: 'pre-export', phase: 'hookPhase', argument: undefined },
  );
  assert.equal(
    formatValidationIssue(issue as ValidationIssue),
    'bp-unknown-function/pre-export phase "hookPhase": function "KubeTasks" is not a Kanister function (did you mean "KubeTask"?)',
  );
});

void test('missing required argument: names the argument', () => {
  const issues = errors(broken('missing-required-arg'));
  assert.equal(issues.length, 1);
  assert.equal(formatValidationIssue(issues[0] as ValidationIssue), 'bp-missing-arg/pre-export phase "hookPhase" arg "command": required argument missing for KubeTask');
});

void test('unsupported argument: names the argument', () => {
  const issues = errors(broken('unsupported-arg'));
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.phase, 'execPhase');
  assert.equal(issues[0]?.argument, 'image');
  assert.match(formatValidationIssue(issues[0] as ValidationIssue), /^bp-unsupported-arg\/pre-export phase "execPhase" arg "image": argument not supported by KubeExec/);
});

void test('duplicate phase name across actions: error when strict, warning when lenient', () => {
  const bp = broken('duplicate-phase-name');
  const strict = errors(bp);
  assert.deepEqual(
    strict.map((issue) => [issue.action, issue.phase]),
    [
      ['pre-export', 'hookPhase'],
      ['post-export', 'hookPhase'],
    ],
  );
  assert.match(strict[0]?.message ?? '', /also used in action "post-export"/);
  assert.equal(errors(bp, { lenient: true }).length, 0);
  assert.equal(validateBlueprint(bp, { lenient: true }).filter((issue) => issue.severity === 'warning').length, 2);
});

void test('duplicate phase name within one action is an error even when lenient', () => {
  const bp = broken('duplicate-phase-name');
  const action = bp.actions['pre-export'];
  assert.ok(action);
  action.phases.push({ ...(action.phases[0] as Blueprint['actions'][string]['phases'][number]) });
  const issues = errors(bp, { lenient: true, actions: ['pre-export'] });
  assert.equal(issues.length, 1);
  assert.match(issues[0]?.message ?? '', /duplicate phase name "hookPhase" in action "pre-export"/);
});

void test('template syntax error: blueprint, action, phase, argument and position', () => {
  const issues = errors(broken('template-syntax-error'));
  assert.equal(issues.length, 1);
  const issue = issues[0] as ValidationIssue;
  assert.deepEqual([issue.blueprint, issue.action, issue.phase, issue.argument], ['hook-blueprint', 'pre-export', 'hookPhase', 'command[2]']);
  assert.match(formatValidationIssue(issue), /^hook-blueprint\/pre-export phase "hookPhase" arg "command\[2\]": template: .+ at 1:\d+$/);
});

void test('.Profile in a hook is refused; the same blueprint is fine outside hooks', () => {
  const bp = broken('profile-in-hook');
  const issues = errors(bp, { hook: true });
  assert.equal(issues.length, 1);
  assert.equal(
    formatValidationIssue(issues[0] as ValidationIssue),
    'bp-profile-hook/pre-export phase "uploadPhase" arg "command[2]": template uses .Profile.Location.Bucket: execution hooks have no location profile',
  );
  assert.equal(errors(bp).length, 0);
});

void test('kando location in a hook is refused', () => {
  const issues = errors(broken('kando-location-in-hook'), { hook: true });
  assert.equal(issues.length, 1);
  assert.equal(
    formatValidationIssue(issues[0] as ValidationIssue),
    'bp-kando-hook/pre-export phase "pushPhase" arg "command[2]": `kando location` needs a location profile, which execution hooks do not have',
  );
});

void test('a function that needs a location profile is refused in a hook', () => {
  const bp = broken('profile-function-in-hook');
  const issues = errors(bp, { hook: true });
  assert.equal(issues.length, 1);
  assert.equal(
    formatValidationIssue(issues[0] as ValidationIssue),
    'bp-profile-function/pre-export phase "deletePhase": function LocationDelete needs a location profile, which execution hooks do not have',
  );
  assert.equal(errors(bp).length, 0);
});

void test('unknown template functions and top-level params are errors', () => {
  const bp = broken('missing-required-arg');
  const phase = bp.actions['pre-export']?.phases[0];
  assert.ok(phase);
  phase.args.command = ['sh', '-c', '{{ .Namespace.Name | toYaml }}', '{{ .Nope.Name }}'];
  const messages = errors(bp).map(formatValidationIssue);
  assert.equal(messages.length, 2);
  assert.match(messages[0] ?? '', /^bp-missing-arg\/pre-export phase "hookPhase" arg "command\[2\]": template: function "toYaml" not defined.* at 1:22$/);
  assert.equal(messages[1], 'bp-missing-arg/pre-export phase "hookPhase" arg "command[3]": template: unknown parameter ".Nope"');
});

void test('objects and outputArtifacts templates are checked and located', () => {
  const bp = broken('missing-required-arg');
  const action = bp.actions['pre-export'];
  assert.ok(action?.phases[0]);
  action.phases[0].args.command = ['true'];
  action.phases[0].objects = { db: { kind: 'Secret', name: '{{ .Namespace.Name', namespace: 'x' } };
  action.outputArtifacts = { info: { keyValue: { at: '{{ .Profile.Location.Bucket }}' } } };
  const messages = errors(bp, { hook: true }).map(formatValidationIssue);
  assert.equal(messages.length, 2);
  assert.match(messages[0] ?? '', /^bp-missing-arg\/pre-export phase "hookPhase" field "objects\.db\.name": template: /);
  assert.equal(messages[1], 'bp-missing-arg/pre-export field "outputArtifacts.info.keyValue.at": template uses .Profile.Location.Bucket: execution hooks have no location profile');
});

void test('only the requested actions are validated; an unknown action is an error', () => {
  const bp = broken('duplicate-phase-name');
  assert.deepEqual(
    errors(bp, { lenient: true, actions: ['nope'] }).map(formatValidationIssue),
    ['bp-duplicate-phase/nope: action "nope" not found in blueprint'],
  );
});

void test('S2: any use of .Profile in a hook is reported once per string, with the most specific path', () => {
  const bp = broken('profile-in-hook');
  const phase = bp.actions['pre-export']?.phases[0];
  assert.ok(phase);
  phase.args.command = ['sh', '-c', "{{ $p := .Profile }}{{ $p.Location.Region }} '{{ toJson .Profile }}'"];
  const issues = errors(bp, { hook: true });
  assert.equal(issues.length, 1);
  assert.match(issues[0]?.message ?? '', /^template uses \.Profile\.Location\.Region: /);
});
