// Creates a kanflow worker: the workflows bundle plus createActivities(deps), with settings shared by the
// production worker, the tests and the benchmarks.
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { KanflowDeps } from '../activities/deps.js';
import { createActivities } from '../activities/index.js';
import { workflowSource } from './bundle.js';

export interface KanflowWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** Real deps, or test doubles; ignored when `activities` is given. */
  deps?: KanflowDeps;
  /** Activities to register instead of createActivities(deps): workflow tests pass test doubles here. */
  activities?: WorkerOptions['activities'];
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  identity?: string;
}

export async function createKanflowWorker(options: KanflowWorkerOptions): Promise<Worker> {
  const activities = options.activities ?? (options.deps ? createActivities(options.deps) : undefined);
  if (!activities) throw new Error('createKanflowWorker needs deps or activities');
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    ...workflowSource(),
    activities,
    ...(options.identity !== undefined && { identity: options.identity }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions ?? 40,
    // Cancellation reaches an activity only with a heartbeat response: keep that lag to ~2 s (rule C1).
    maxHeartbeatThrottleInterval: '2 seconds',
    defaultHeartbeatThrottleInterval: '2 seconds',
    shutdownGraceTime: '10 seconds',
  });
}
