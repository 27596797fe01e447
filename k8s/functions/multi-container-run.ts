// MultiContainerRun (kanister pkg/function/multi_container_run.go): a pod with a `background` and an
// `output` container (and an optional init container) sharing an emptyDir volume; the phase output comes
// from the `output` container's log, and the pod is deleted once that container exited.
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import type { KubeClients } from '../client.js';
import { podNameFor } from '../naming.js';
import { ArgReader } from './args.js';
import { buildFunctionPod, podArgs } from './kube-task.js';
import { runPodTask } from './pod-task.js';
import { specOf } from './spec.js';

const SHARED_VOLUME = 'shared-data';

export function createMultiContainerRun(clients: KubeClients): KanisterFunction {
  const spec = specOf('MultiContainerRun');
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(spec.name, rawArgs, ctx);
      const namespace = args.optionalString('namespace') || ctx.defaultNamespace;
      const mountPath = args.optionalString('sharedVolumeDir') || '/tmp/';
      const medium = args.optionalString('sharedVolumeMedium');
      const sizeLimit = args.optionalString('sharedVolumeSizeLimit');
      const volumeMounts = [{ name: SHARED_VOLUME, mountPath }];
      const initImage = args.optionalString('initImage');
      const initContainers = initImage
        ? [{ name: 'init', image: initImage, command: args.stringList('initCommand'), imagePullPolicy: 'IfNotPresent', volumeMounts }]
        : undefined;
      const pod = buildFunctionPod({
        functionName: spec.name,
        name: podNameFor(ctx.resourceKey),
        namespace,
        spec: {
          restartPolicy: 'Never',
          ...(initContainers && { initContainers }),
          containers: [
            { name: 'background', image: args.string('backgroundImage'), command: args.stringList('backgroundCommand'), imagePullPolicy: 'IfNotPresent', volumeMounts },
            { name: 'output', image: args.string('outputImage'), command: args.stringList('outputCommand'), imagePullPolicy: 'IfNotPresent', volumeMounts },
          ],
          volumes: [{ name: SHARED_VOLUME, emptyDir: { ...(medium && { medium }), ...(sizeLimit && { sizeLimit }) } }],
        },
        ...podArgs(args),
      });
      return runPodTask({ clients, ctx, functionName: spec.name, pod, outputContainer: 'output', untilOutputContainerExits: true });
    },
  };
}
