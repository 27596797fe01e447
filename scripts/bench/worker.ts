// The benchmark's worker process (its RSS is measured separately from the client's): real kanflow activities
// over in-memory deps with no-op hooks, plus the `noop` activity of the baseline workflow.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { createDoubles } from '../../test/doubles/deps.js';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const namespaces = Array.from({ length: Number(process.env.BENCH_NAMESPACES ?? 0) }, (_, i) => `ns-${i}`);
  const deps = createDoubles({ namespaces: ['bench', ...namespaces] });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.BENCH_TASK_QUEUE!,
    workflowBundle: { codePath: process.env.BENCH_BUNDLE! },
    activities: { ...createActivities(deps), noop: async () => {} },
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentWorkflowTaskExecutions: 40,
    maxHeartbeatThrottleInterval: '2 seconds',
    defaultHeartbeatThrottleInterval: '2 seconds',
  });
  process.send?.('ready');
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
