// Action requests: one backup, export or restore of one subject namespace, with its hooks and limits.
import * as z from 'zod';
import { HooksSchema } from './hooks.js';
import { K10NamespaceSchema, NamespaceNameSchema, ObjectNameSchema } from './names.js';

const attempts = (defaultAttempts: number) => z.int().min(1).max(100).default(defaultAttempts);
const seconds = (defaultSeconds: number) => z.int().min(1).max(7 * 24 * 3600).default(defaultSeconds);

/**
 * Retry limits and timeouts of one action (hook-semantics.md R2, R4, R7, S4). Retry limits count attempts,
 * the first one included, so `hookRetryLimit: 1` means "never retry".
 */
export const ActionOptionsSchema = z.strictObject({
  /** Attempts of a failing preHook or onSuccess (R2). onFailure is always attempted once (R3). */
  hookRetryLimit: attempts(3),
  /** Attempts of the main action (R4). */
  mainRetryLimit: attempts(3),
  /** One hook attempt's time limit (R7); K10's default is 20 minutes. */
  hookTimeoutSeconds: seconds(1200),
  mainTimeoutSeconds: seconds(3600),
  /** How long an action waits for its namespace lock before failing (S4). */
  lockTimeoutSeconds: seconds(600),
  /** A hook or main attempt that sends no heartbeat for this long is taken for a crashed worker and resumed (R6). */
  heartbeatTimeoutSeconds: z.int().min(1).max(600).default(30),
  /** First backoff interval; it doubles on each retry (R2). */
  retryInitialIntervalSeconds: z.number().min(0.1).max(3600).default(2),
  /** Passed to hook blueprint actions as `.Options`. */
  options: z.record(z.string(), z.string()).optional(),
});
export type ActionOptions = z.infer<typeof ActionOptionsSchema>;
export const actionOptionDefaults: ActionOptions = ActionOptionsSchema.parse({});

/** Where an export writes. kanflow supports filesystem locations; a K10 profile name is kept for reference. */
export const ExportLocationSchema = z.strictObject({
  type: z.literal('filesystem'),
  path: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
});
export type ExportLocation = z.infer<typeof ExportLocationSchema>;

export const RestorePointRefSchema = z.strictObject({
  name: ObjectNameSchema,
  /** The namespace the restore point was taken of. */
  namespace: NamespaceNameSchema,
});
export type RestorePointRef = z.infer<typeof RestorePointRefSchema>;

const commonFields = {
  hooks: HooksSchema.default({}),
  k10Namespace: K10NamespaceSchema,
  ...ActionOptionsSchema.shape,
};

export const BackupRequestSchema = z.strictObject({
  kind: z.literal('backup'),
  /** Source namespace: the hooks' subject (N1). */
  namespace: NamespaceNameSchema,
  /** The policy this backup runs for, if any. */
  policy: ObjectNameSchema.optional(),
  includeSecrets: z.boolean().optional(),
  ...commonFields,
});
export type BackupRequest = z.infer<typeof BackupRequestSchema>;

export const ExportRequestSchema = z.strictObject({
  kind: z.literal('export'),
  /** Source namespace: the hooks' subject (N1). */
  namespace: NamespaceNameSchema,
  /** Restore point of `namespace` to export; absent means its latest. */
  restorePoint: ObjectNameSchema.optional(),
  location: ExportLocationSchema.optional(),
  policy: ObjectNameSchema.optional(),
  ...commonFields,
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

export const RestoreRequestSchema = z.strictObject({
  kind: z.literal('restore'),
  restorePoint: RestorePointRefSchema,
  /** Target namespace: the hooks' subject (N1). */
  targetNamespace: NamespaceNameSchema,
  ...commonFields,
});
export type RestoreRequest = z.infer<typeof RestoreRequestSchema>;

export const ACTION_KINDS = ['backup', 'export', 'restore'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ActionRequestSchema = z.discriminatedUnion('kind', [
  BackupRequestSchema,
  ExportRequestSchema,
  RestoreRequestSchema,
]);
export type ActionRequest = z.infer<typeof ActionRequestSchema>;

/** The namespace an action's hooks operate on (N1): the source namespace, or a restore's target namespace. */
export function subjectNamespaceOf(request: ActionRequest): string {
  switch (request.kind) {
    case 'backup':
    case 'export':
      return request.namespace;
    case 'restore':
      return request.targetNamespace;
  }
}
