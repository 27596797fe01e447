// KubeExecAll (kanister pkg/function/kube_exec_all.go): runs `command` in every listed container of every
// listed pod (space-separated lists), in parallel; phase output parsed from all stdout together.
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import { parsePhaseOutput } from '../../kanister/output.js';
import type { KubeClients } from '../client.js';
import { execInPod } from '../exec.js';
import { ArgReader } from './args.js';
import { checkExecResult } from './kube-exec.js';
import { specOf } from './spec.js';

export function splitSpaceList(value: string): string[] {
  return value.split(/\s+/).filter((item) => item !== '');
}

export function createKubeExecAll(clients: KubeClients): KanisterFunction {
  const spec = specOf('KubeExecAll');
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(spec.name, rawArgs, ctx);
      const namespace = args.string('namespace');
      const pods = splitSpaceList(args.string('pods'));
      const containers = splitSpaceList(args.string('containers'));
      const command = args.stringList('command');
      if (pods.length === 0) throw args.error('pods', 'names no pod');
      if (containers.length === 0) throw args.error('containers', 'names no container');
      const targets = pods.flatMap((pod) => containers.map((container) => ({ pod, container })));
      const settled = await Promise.allSettled(
        targets.map(async ({ pod, container }) => {
          const result = await execInPod(clients, {
            namespace,
            pod,
            container,
            command,
            signal: ctx.signal,
            onStdoutLine: (line) => ctx.log(`${pod}/${container}: ${line}`),
            onStderrLine: (line) => ctx.log(`${pod}/${container}: ${line}`),
          });
          checkExecResult(`${spec.name} (phase ${JSON.stringify(ctx.phaseName)}): pod ${namespace}/${pod} container ${container}`, result);
          return result.stdout;
        }),
      );
      const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failures.length > 0) {
        throw new Error(failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n'));
      }
      const stdout = settled.map((s) => (s as PromiseFulfilledResult<string>).value).join('\n');
      return parsePhaseOutput(stdout);
    },
  };
}
