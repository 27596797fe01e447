// Runs one function pod to completion with rule R6 idempotency: deterministic name, checkpoint right after
// creation, re-attach from a checkpoint (logs read from the start), cleanup on success, failure and cancel.
import type { V1Pod } from '@kubernetes/client-node';
import type { FunctionCheckpoint, FunctionContext, PhaseOutput } from '../../kanister/functions/types.js';
import { parsePhaseOutput } from '../../kanister/output.js';
import type { KubeClients } from '../client.js';
import {
  containerExitCode,
  createOrAdoptPod,
  deletePodAndWait,
  followPodLog,
  isPodTerminal,
  podPhase,
  readPod,
  readPodLog,
  waitForPod,
  waitForPodCompletion,
  waitForPodStarted,
} from '../pods.js';
import { sleep } from '../abort.js';

/** Kanister waits this long for a function pod to leave Pending. */
export const POD_START_TIMEOUT_MS = 15 * 60_000;
/** After the pod finished, how long the log follower may take to deliver its last lines. */
const LOG_DRAIN_MS = 5_000;

type PodTaskState = 'created' | 'started' | 'succeeded' | 'failed';

/** What a pod-running function saves through ctx.saveCheckpoint. */
export interface PodTaskCheckpoint extends FunctionCheckpoint {
  podName: string;
  namespace: string;
  state: PodTaskState;
  output?: PhaseOutput;
  error?: string;
}

export function readPodTaskCheckpoint(checkpoint: FunctionCheckpoint | undefined): PodTaskCheckpoint | undefined {
  if (!checkpoint || typeof checkpoint.podName !== 'string' || typeof checkpoint.namespace !== 'string') return undefined;
  const state = typeof checkpoint.state === 'string' ? (checkpoint.state as PodTaskState) : 'created';
  return { ...checkpoint, podName: checkpoint.podName, namespace: checkpoint.namespace, state };
}

export interface PodTaskRequest {
  clients: KubeClients;
  ctx: FunctionContext;
  functionName: string;
  /** The pod to create; its name and namespace are used unless a checkpoint names another pod. */
  pod: V1Pod;
  /** Container whose log carries the phase output. */
  outputContainer: string;
  /**
   * When only the output container has to finish (MultiContainerRun's background container may run on):
   * the task is over once it terminated, and its exit code decides success.
   */
  untilOutputContainerExits?: boolean;
}

function outputContainerTerminated(pod: V1Pod, container: string): boolean {
  return pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.terminated !== undefined;
}

/** Thrown when the function's pod failed; the message carries the exit code and the last log lines. */
export class PodTaskFailedError extends Error {
  override readonly name = 'PodTaskFailedError';
}

export async function runPodTask(request: PodTaskRequest): Promise<PhaseOutput> {
  const { clients, ctx, functionName } = request;
  const checkpoint = readPodTaskCheckpoint(ctx.checkpoint);
  const namespace = checkpoint?.namespace ?? request.pod.metadata!.namespace!;
  const podName = checkpoint?.podName ?? request.pod.metadata!.name!;
  const where = `${functionName} (phase ${JSON.stringify(ctx.phaseName)}): pod ${namespace}/${podName}`;
  const save = (state: PodTaskState, extra: Partial<PodTaskCheckpoint> = {}): Promise<void> =>
    ctx.saveCheckpoint({ podName, namespace, state, ...extra } satisfies PodTaskCheckpoint);
  const cleanup = (): Promise<void> => deletePodAndWait(clients, namespace, podName, { heartbeat: () => ctx.heartbeat() });

  // An earlier attempt already saw the outcome: report it, never run the command again (R6).
  if (checkpoint?.state === 'succeeded') {
    await cleanup();
    return checkpoint.output ?? {};
  }
  if (checkpoint?.state === 'failed') {
    await cleanup();
    throw new PodTaskFailedError(checkpoint.error ?? `${where} failed`);
  }

  let existing = checkpoint ? await readPod(clients, namespace, podName) : undefined;
  if (checkpoint && !existing && checkpoint.state === 'started') {
    throw new Error(`${where} disappeared after its command started; its outcome is unknown, so kanflow does not run it again`);
  }
  try {
    if (existing) {
      ctx.log(`${where}: re-attaching to the pod an earlier attempt created`);
    } else {
      const { pod, created } = await createOrAdoptPod(clients, { ...request.pod, metadata: { ...request.pod.metadata, name: podName, namespace } });
      existing = pod;
      await save('created');
      if (!created) ctx.log(`${where}: adopted the pod an earlier attempt created`);
    }

    const heartbeat = (): void => ctx.heartbeat();
    await waitForPodStarted(clients, namespace, podName, { signal: ctx.signal, heartbeat, timeoutMs: POD_START_TIMEOUT_MS });
    await save('started');

    const streamed: string[] = [];
    const follower = await followPodLog(
      clients,
      namespace,
      podName,
      request.outputContainer,
      (line) => {
        streamed.push(line);
        ctx.log(line);
      },
      ctx.signal,
    );
    let finished: V1Pod;
    try {
      finished = request.untilOutputContainerExits
        ? await waitForPod(
            clients,
            namespace,
            podName,
            (pod) => isPodTerminal(pod) || outputContainerTerminated(pod, request.outputContainer),
            `finish container ${request.outputContainer}`,
            { signal: ctx.signal, heartbeat },
          )
        : await waitForPodCompletion(clients, namespace, podName, { signal: ctx.signal, heartbeat });
      await Promise.race([follower.done, sleep(LOG_DRAIN_MS)]);
    } finally {
      follower.stop();
    }

    // The complete log is authoritative (a follow stream may end early); log what the stream missed.
    const full = await readPodLog(clients, namespace, podName, request.outputContainer);
    const logText = full ?? streamed.join('\n');
    if (full !== undefined) {
      const lines = full.split('\n');
      if (lines.at(-1) === '') lines.pop();
      for (const line of lines.slice(streamed.length)) ctx.log(line);
    }

    const exitCode = containerExitCode(finished, request.outputContainer);
    const failed = request.untilOutputContainerExits ? exitCode !== 0 : podPhase(finished) === 'Failed';
    if (failed) {
      const tail = logText.split('\n').filter((l) => l !== '').slice(-10);
      const message =
        `${where} failed` +
        (exitCode !== undefined ? ` with exit code ${exitCode}` : '') +
        (finished.status?.message ? `: ${finished.status.message}` : '') +
        (tail.length > 0 ? `\nlast ${tail.length} log lines:\n${tail.join('\n')}` : '');
      await save('failed', { error: message });
      throw new PodTaskFailedError(message);
    }
    let output: PhaseOutput;
    try {
      output = parsePhaseOutput(logText);
    } catch (error) {
      const message = `${where}: ${(error as Error).message}`;
      await save('failed', { error: message });
      throw new PodTaskFailedError(message);
    }
    await save('succeeded', { output }); // durable before the pod (the other record) is deleted
    return output;
  } finally {
    await cleanup();
  }
}
