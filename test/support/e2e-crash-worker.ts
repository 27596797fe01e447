// A real kanflow worker (createRealDeps against the local cluster) in a process of its own, for the R6 test of
// test/e2e/hooks-on-cluster.test.ts, which SIGKILLs it while a hook's KubeTask pod runs.
// Env: TEMPORAL_ADDRESS, E2E_TASK_QUEUE, KUBECONFIG.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createRealDeps } from '../../activities/real-deps.js';
import { createKanflowWorker } from '../../worker/worker.js';
import { K10 } from './e2e-cluster.js';

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS, E2E_TASK_QUEUE, KUBECONFIG } = process.env;
  if (!TEMPORAL_ADDRESS || !E2E_TASK_QUEUE || !KUBECONFIG) throw new Error('TEMPORAL_ADDRESS, E2E_TASK_QUEUE and KUBECONFIG are required');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const nativeConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const deps = createRealDeps({ kubeconfigPath: KUBECONFIG, k10Namespace: K10, temporalClient: new Client({ connection }) });
  const worker = await createKanflowWorker({ connection: nativeConnection, taskQueue: E2E_TASK_QUEUE, deps, identity: `e2e-crash-${process.pid}` });
  process.send?.('ready');
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
