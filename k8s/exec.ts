// Running a command in a container through the API server's exec endpoint (client-node Exec, WebSocket).
import './node-compat.js';
import { Exec } from '@kubernetes/client-node';
import type { V1Status } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { LineSplitter, readPod } from './pods.js';
import { abortError } from './abort.js';

export interface ExecRequest {
  namespace: string;
  pod: string;
  /** Omitted: the pod's `kubectl.kubernetes.io/default-container`, else its first container (as kubectl does). */
  container?: string;
  command: string[];
  signal: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface ExecResult {
  container: string;
  stdout: string;
  stderr: string;
  /** 0 on success; the command's exit code when the server reported one; undefined when it did not say. */
  exitCode: number | undefined;
  /** The status message of a failed exec (e.g. `command terminated with non-zero exit code`). */
  failure?: string;
}

export async function resolveContainer(clients: KubeClients, namespace: string, pod: string, container?: string): Promise<string> {
  if (container) return container;
  const found = await readPod(clients, namespace, pod);
  if (!found) throw new Error(`pod ${namespace}/${pod} not found`);
  const annotated = found.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const first = annotated ?? found.spec?.containers[0]?.name;
  if (!first) throw new Error(`pod ${namespace}/${pod} has no containers`);
  return first;
}

/** Runs the command and collects stdout, stderr and the exit code from the status channel. */
export async function execInPod(clients: KubeClients, request: ExecRequest): Promise<ExecResult> {
  const { namespace, pod, command, signal } = request;
  if (signal.aborted) throw abortError(signal);
  const container = await resolveContainer(clients, namespace, pod, request.container);
  let stdout = '';
  let stderr = '';
  const stdoutStream = new LineSplitter((line) => {
    stdout += `${line}\n`;
    request.onStdoutLine?.(line);
  });
  const stderrStream = new LineSplitter((line) => {
    stderr += `${line}\n`;
    request.onStderrLine?.(line);
  });
  let status: V1Status | undefined;
  const socket = await new Exec(clients.kubeConfig).exec(namespace, pod, container, command, stdoutStream, stderrStream, null, false, (s) => {
    status = s;
  });
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      socket.close();
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    socket.on('error', (err: Error) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error(`exec in pod ${namespace}/${pod} container ${container}: ${err.message}`));
    });
  });
  stdoutStream.end();
  stderrStream.end();
  await Promise.all([finished(stdoutStream), finished(stderrStream)]);
  return { container, stdout, stderr, ...exitFromStatus(status) };
}

function finished(stream: LineSplitter): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableFinished) resolve();
    else stream.once('finish', () => resolve());
  });
}

/** Reads the exit code from the exec status message: `Success`, or `Failure` with an `ExitCode` cause. */
export function exitFromStatus(status: V1Status | undefined): { exitCode: number | undefined; failure?: string } {
  if (!status) return { exitCode: undefined, failure: 'the exec stream closed without a status' };
  if (status.status === 'Success') return { exitCode: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number(cause.message) : undefined;
  return { exitCode: code !== undefined && Number.isInteger(code) ? code : undefined, failure: status.message ?? status.reason ?? 'exec failed' };
}
