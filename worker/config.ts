// Worker configuration from the environment, validated once at start.
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../workflows/messages.js';

export { DEFAULT_TASK_QUEUE };

export const WorkerConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  KANFLOW_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  KUBECONFIG: z.string().optional(),
  KANFLOW_K10_NAMESPACE: z.string().default('kasten-io'),
  /** `cluster` (Blueprint custom resources) or a folder of blueprint YAML files, for development. */
  KANFLOW_BLUEPRINTS: z.string().default('cluster'),
  KANFLOW_MAX_ACTIVITIES: z.coerce.number().int().positive().default(100),
  KANFLOW_MAX_WORKFLOW_TASKS: z.coerce.number().int().positive().default(40),
  KANFLOW_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid worker configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
