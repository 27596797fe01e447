// Regenerates the committed histories in test/histories/ (`npm run histories:record`): each scenario runs on a
// real dev server with the real workflows and activities over test-double deps, and its history is saved.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { KanflowClient } from '../../client/index.js';
import { createDoubles, failing, sleepMs, type Doubles, HOOKS as hooks } from '../doubles/deps.js';
import { eventually, FAST, startTestWorker } from '../helpers/actions.js';
import { connectTestTemporal, type TestTemporal } from '../helpers/temporal.js';

export const HISTORIES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'histories');


interface Scenario {
  name: string;
  namespaces?: string[];
  arrange?: (deps: Doubles) => void;
  /** Runs the scenario under the workflow ID `id` (the file name: replay needs the original ID). */
  run: (kanflow: KanflowClient, deps: Doubles, id: string) => Promise<string>;
}

async function action(kanflow: KanflowClient, id: string, request: Record<string, unknown>): Promise<string> {
  const handle = await kanflow.startAction({ ...FAST, kind: 'backup', namespace: 'app', hooks, ...request } as never, { workflowId: id });
  await kanflow.actionResult(handle.workflowId);
  return handle.workflowId;
}

export const SCENARIOS: Scenario[] = [
  { name: 'action-success', run: (k, _d, id) => action(k, id, {}) },
  {
    name: 'prehook-failure-then-onfailure',
    arrange: (deps) => deps.hooks.on('pre', failing('quiesce failed')),
    run: (k, _d, id) => action(k, id, { hookRetryLimit: 2 }),
  },
  {
    name: 'main-failure-after-retries-then-onfailure',
    arrange: (deps) => {
      deps.main.behaviour = async () => {
        throw new Error('snapshot failed');
      };
    },
    run: (k, _d, id) => action(k, id, { mainRetryLimit: 3 }),
  },
  {
    name: 'onsuccess-failure',
    arrange: (deps) => deps.hooks.on('post', failing('unquiesce failed')),
    run: (k, _d, id) => action(k, id, { hookRetryLimit: 2 }),
  },
  {
    name: 'cancellation-with-cleanup',
    arrange: (deps) =>
      deps.hooks.on('pre', async (_input, ctx) => {
        await sleepMs(60_000, ctx.signal);
        return { phases: [], outputArtifacts: {} };
      }),
    run: async (k, deps, id) => {
      const handle = await k.startAction({ ...FAST, kind: 'backup', namespace: 'app', hooks }, { workflowId: id });
      await eventually(() => deps.hooks.calls.length > 0, 20_000, 'preHook started');
      await k.cancel(handle.workflowId);
      await k.actionResult(handle.workflowId);
      return handle.workflowId;
    },
  },
  {
    name: 'policy-run-3-namespaces',
    namespaces: ['alpha', 'beta', 'gamma'],
    arrange: (deps) =>
      deps.hooks.on('pre', async (input) => {
        if (input.subjectNamespace === 'beta') throw new Error('beta cannot quiesce');
        return { phases: [], outputArtifacts: {} };
      }),
    run: async (k, _d, id) => {
      const handle = await k.startPolicyRun(
        {
        name: 'nightly',
        selector: { namespaces: ['alpha', 'beta', 'gamma'] },
        actions: [
          { action: 'backup', hooks, ...FAST, hookRetryLimit: 1 },
          { action: 'export', hooks: { onSuccess: hooks.onSuccess }, ...FAST },
        ],
        concurrency: 2,
        },
        { workflowId: id },
      );
      await k.policyRunResult(handle.workflowId);
      return handle.workflowId;
    },
  },
];

async function record(temporal: TestTemporal, scenario: Scenario): Promise<void> {
  const deps = createDoubles({ namespaces: scenario.namespaces ?? ['app'] });
  scenario.arrange?.(deps);
  const { worker, kanflow } = await startTestWorker(temporal, deps, 'record');
  const workflowId = await worker.runUntil(scenario.run(kanflow, deps, scenario.name));
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const file = path.join(HISTORIES_DIR, `${scenario.name}.json`);
  await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
  console.log(`${file}: ${history.events?.length ?? 0} events`);
}

async function main(): Promise<void> {
  await mkdir(HISTORIES_DIR, { recursive: true });
  const temporal = await connectTestTemporal();
  try {
    for (const scenario of SCENARIOS) await record(temporal, scenario);
  } finally {
    await temporal.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
