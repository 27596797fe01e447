// Replay tests: every committed history replays with the current workflow code, and a reordering of two
// steps is reported as nondeterminism. Regenerate the histories with `npm run histories:record`.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { workflowSource } from '../../worker/bundle.js';
import { HISTORIES_DIR, SCENARIOS } from './record-histories.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function loadHistories(): Promise<{ name: string; history: unknown }[]> {
  const files = (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => ({ name: path.basename(f, '.json'), history: JSON.parse(await readFile(path.join(HISTORIES_DIR, f), 'utf8')) })));
}

test('every scenario has a committed history', async () => {
  const names = (await loadHistories()).map((h) => h.name);
  for (const scenario of SCENARIOS) assert.ok(names.includes(scenario.name), `test/histories/${scenario.name}.json is missing`);
});

test('committed histories replay with the current workflow code', async () => {
  const histories = await loadHistories();
  assert.ok(histories.length >= 6);
  const results = Worker.runReplayHistories(
    { ...workflowSource(), replayName: 'kanflow-replay-test' },
    histories.map(({ name, history }) => ({ workflowId: name, history: history as never })),
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of results) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.equal(replayed, histories.length);
  assert.deepEqual(failures, []);
});

test('reordering preHook and main is reported as nondeterminism on replay', async () => {
  const { history } = (await loadHistories()).find((h) => h.name === 'action-success')!;
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(here, 'reordered', 'index.js'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  await assert.rejects(
    Worker.runReplayHistory({ workflowBundle: { code }, replayName: 'kanflow-reordered' }, history as never),
    (err: unknown) => err instanceof DeterminismViolationError,
  );
});
