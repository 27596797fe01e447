// kanflow's typed client for services: start backup/export/restore actions and policy runs, read their
// status (the ledger of rule V1), cancel them and await their results.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { ActionRequest, Policy } from '../model/index.js';
import { ActionRequestSchema, PolicySchema, subjectNamespaceOf } from '../model/index.js';
import { actionWorkflow } from '../workflows/action.js';
import type { ActionLedger, PolicyRunStatus } from '../workflows/messages.js';
import {
  actionSearchAttributes,
  actionStatusQuery,
  DEFAULT_TASK_QUEUE,
  FailureTypes,
  PolicyKey,
  policyRunStatusQuery,
} from '../workflows/messages.js';
import type { PolicyRunResult } from '../workflows/policy-run.js';
import { policyRunWorkflow } from '../workflows/policy-run.js';

export type { ActionLedger, PolicyRunStatus } from '../workflows/messages.js';
export type { PolicyRunResult } from '../workflows/policy-run.js';
export { DEFAULT_TASK_QUEUE };

export interface StartOptions {
  /** Workflow ID; by default `<kind>-<namespace>-<time>-<random>`. */
  workflowId?: string;
  taskQueue?: string;
}

/** The request input users write: limits and hooks may be left out (defaults apply). */
export type ActionRequestInput = z.input<typeof ActionRequestSchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
}

export class KanflowClient {
  constructor(
    readonly client: Client,
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /** Starts one action; the request is validated first, so bad input never starts a workflow. */
  async startAction(input: ActionRequestInput | ActionRequest, options: StartOptions = {}): Promise<WorkflowHandle<typeof actionWorkflow>> {
    const request = ActionRequestSchema.parse(input);
    const namespace = subjectNamespaceOf(request);
    const workflowId = options.workflowId ?? `${request.kind}-${namespace}-${timestamp()}-${randomUUID().slice(0, 4)}`;
    return this.client.workflow.start(actionWorkflow, {
      workflowId,
      taskQueue: options.taskQueue ?? this.taskQueue,
      args: [{ request }],
      staticSummary: `${request.kind} of namespace ${namespace}${describeHooks(request)}`,
      typedSearchAttributes: actionSearchAttributes(request.kind, namespace),
    });
  }

  startBackup(input: Omit<Extract<ActionRequestInput, { kind: 'backup' }>, 'kind'>, options?: StartOptions) {
    return this.startAction({ ...input, kind: 'backup' }, options);
  }
  startExport(input: Omit<Extract<ActionRequestInput, { kind: 'export' }>, 'kind'>, options?: StartOptions) {
    return this.startAction({ ...input, kind: 'export' }, options);
  }
  startRestore(input: Omit<Extract<ActionRequestInput, { kind: 'restore' }>, 'kind'>, options?: StartOptions) {
    return this.startAction({ ...input, kind: 'restore' }, options);
  }

  async startPolicyRun(input: PolicyInput | Policy, options: StartOptions = {}): Promise<WorkflowHandle<typeof policyRunWorkflow>> {
    const policy = PolicySchema.parse(input);
    const workflowId = options.workflowId ?? `policy-${policy.name}-${timestamp()}-${randomUUID().slice(0, 4)}`;
    return this.client.workflow.start(policyRunWorkflow, {
      workflowId,
      taskQueue: options.taskQueue ?? this.taskQueue,
      args: [{ policy }],
      staticSummary: `policy ${policy.name}: ${policy.actions.map((a) => a.action).join(' then ')}`,
      typedSearchAttributes: [{ key: PolicyKey, value: policy.name }],
    });
  }

  /** The ledger of an action (V1), running or finished. */
  async actionStatus(workflowId: string): Promise<ActionLedger> {
    return this.client.workflow.getHandle(workflowId).query(actionStatusQuery);
  }

  async policyRunStatus(workflowId: string): Promise<PolicyRunStatus> {
    return this.client.workflow.getHandle(workflowId).query(policyRunStatusQuery);
  }

  /** Which workflow type an ID belongs to, so `status <id>` works for actions and policy runs alike. */
  async describeType(workflowId: string): Promise<string> {
    return (await this.client.workflow.getHandle(workflowId).describe()).type;
  }

  async cancel(workflowId: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).cancel();
  }

  /**
   * Waits for an action and returns its ledger whatever the outcome: succeeded, failed (the ledger travels in
   * the failure's details) or cancelled (the ledger is queried from the closed workflow).
   */
  async actionResult(workflowId: string): Promise<ActionLedger> {
    const handle = this.client.workflow.getHandle<typeof actionWorkflow>(workflowId);
    try {
      return await handle.result();
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === FailureTypes.ActionFailed && cause.details?.[0]) {
          return cause.details[0] as ActionLedger;
        }
        if (cause instanceof CancelledFailure) return handle.query(actionStatusQuery);
      }
      throw err;
    }
  }

  async policyRunResult(workflowId: string): Promise<PolicyRunResult> {
    return this.client.workflow.getHandle<typeof policyRunWorkflow>(workflowId).result();
  }
}

function describeHooks(request: ActionRequest): string {
  const slots = Object.entries(request.hooks)
    .filter(([, ref]) => ref)
    .map(([slot, ref]) => `${slot}=${ref!.blueprint}/${ref!.actionName}`);
  return slots.length ? ` with ${slots.join(', ')}` : '';
}
