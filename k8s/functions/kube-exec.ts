// KubeExec (kanister pkg/function/kube_exec.go): runs `command` in a container of an existing pod through
// the API server's exec endpoint; phase output is parsed from stdout only.
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import { parsePhaseOutput } from '../../kanister/output.js';
import type { KubeClients } from '../client.js';
import { execInPod } from '../exec.js';
import type { ExecResult } from '../exec.js';
import { ArgReader } from './args.js';
import { specOf } from './spec.js';

/** Fails with the exit code and the last lines of both streams when the command did not succeed. */
export function checkExecResult(where: string, result: ExecResult): void {
  if (result.exitCode === 0) return;
  const tail = (text: string): string => text.split('\n').filter((l) => l !== '').slice(-10).join('\n');
  throw new Error(
    `${where}: command failed` +
      (result.exitCode !== undefined ? ` with exit code ${result.exitCode}` : '') +
      (result.failure ? ` (${result.failure})` : '') +
      (result.stdout ? `\nstdout (last lines):\n${tail(result.stdout)}` : '') +
      (result.stderr ? `\nstderr (last lines):\n${tail(result.stderr)}` : ''),
  );
}

export function createKubeExec(clients: KubeClients): KanisterFunction {
  const spec = specOf('KubeExec');
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(spec.name, rawArgs, ctx);
      const namespace = args.string('namespace');
      const pod = args.string('pod');
      const container = args.optionalString('container') || undefined;
      const command = args.stringList('command');
      const result = await execInPod(clients, {
        namespace,
        pod,
        container,
        command,
        signal: ctx.signal,
        onStdoutLine: (line) => ctx.log(line),
        onStderrLine: (line) => ctx.log(line),
      });
      const where = `${spec.name} (phase ${JSON.stringify(ctx.phaseName)}): pod ${namespace}/${pod} container ${result.container}`;
      checkExecResult(where, result);
      return parsePhaseOutput(result.stdout);
    },
  };
}
