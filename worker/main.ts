// The kanflow worker process: `kanflow worker` or `node dist/worker/main.js`. Configured by environment
// (worker/config.ts); stops gracefully on SIGTERM/SIGINT, letting running activities finish their grace time.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createRealDeps } from '../activities/real-deps.js';
import { ensureSearchAttributes } from '../client/search-attributes.js';
import { workerConfigFromEnv } from './config.js';
import { installRuntimeLogger } from './logging.js';
import { createKanflowWorker } from './worker.js';

export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = workerConfigFromEnv(env);
  const logger = installRuntimeLogger(config.KANFLOW_LOG_LEVEL);
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    await ensureSearchAttributes(clientConnection, config.TEMPORAL_NAMESPACE);
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
    const deps = createRealDeps({
      kubeconfigPath: config.KUBECONFIG,
      k10Namespace: config.KANFLOW_K10_NAMESPACE,
      temporalClient: client,
      blueprintSource: config.KANFLOW_BLUEPRINTS === 'cluster' ? 'cluster' : { dir: config.KANFLOW_BLUEPRINTS },
    });
    const worker = await createKanflowWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.KANFLOW_TASK_QUEUE,
      deps,
      maxConcurrentActivityTaskExecutions: config.KANFLOW_MAX_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: config.KANFLOW_MAX_WORKFLOW_TASKS,
    });
    logger.info(
      { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.KANFLOW_TASK_QUEUE },
      'kanflow worker started',
    );
    await worker.run(); // resolves after SIGTERM/SIGINT once in-flight tasks are done
    logger.info('kanflow worker stopped');
  } finally {
    await connection.close();
    await clientConnection.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runWorker().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
