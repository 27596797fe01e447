// The `kanflow` CLI on bad input: precise errors naming file, line and field, exit code 1, no stack trace,
// and nothing started (the Temporal address is unreachable on purpose: it must not even be contacted).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = path.join(repo, 'dist', 'client', 'cli.js');

function kanflow(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, '--address', '127.0.0.1:9', ...args], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('run -f with a hook missing actionName: file:line:column and field, exit 1, nothing started', () => {
  const { code, stdout, stderr } = kanflow('run', '-f', 'test/fixtures/k10/missing-action-name.yaml');
  assert.equal(code, 1);
  assert.match(stderr, /missing-action-name\.yaml:\d+:\d+: spec\.actions\[0\]\.backupParameters\.hooks\.preHook\.actionName: required/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(stdout, /started/);
});

test('run -f with an unknown kind names the kind and what is accepted', () => {
  const { code, stderr } = kanflow('run', '-f', 'test/fixtures/k10/unknown-kind.yaml');
  assert.equal(code, 1);
  assert.match(stderr, /unknown-kind\.yaml:\d+:\d+: kind: unknown kind "SnapshotAction"; kanflow accepts BackupAction/);
});

test('run backup with a malformed hook reference is refused before contacting Temporal', () => {
  const { code, stderr } = kanflow('run', 'backup', '-n', 'app', '--pre-hook', 'just-a-blueprint');
  assert.equal(code, 1);
  assert.match(stderr, /--pre-hook takes <blueprint>\/<action>, got "just-a-blueprint"/);
});

test('run backup with an invalid namespace name names the field', () => {
  const { code, stderr } = kanflow('run', 'backup', '-n', 'Not_A_Namespace');
  assert.equal(code, 1);
  assert.match(stderr, /namespace: must be a DNS-1123 label/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('validate on a broken blueprint exits 1 naming blueprint, action, phase and argument', () => {
  const { code, stdout } = kanflow('validate', '-f', 'test/fixtures/blueprints/broken/missing-required-arg.yaml');
  assert.equal(code, 1);
  assert.match(stdout, /error: .+\/.+ phase "[^"]+"/);
});
