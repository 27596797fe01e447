// Looks up a hook's subject (rule N1) and turns it into template-parameter input: the namespace by default,
// or a StatefulSet/Deployment/PVC in it with the pods, containers and PVC mounts Kanister reports.
import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { PermanentFunctionError } from '../kanister/functions/types.js';
import type { PodInput, SubjectInput } from '../kanister/params.js';
import type { HookRef } from '../model/index.js';
import type { KubeClients } from './client.js';
import { describeApiError, isNotFound } from './client.js';
import type { WorkloadSubject } from './functions/scale-workload.js';

export interface ResolvedSubject {
  subject: SubjectInput;
  /** `.Object`: the subject as an unstructured object. */
  object: Record<string, unknown>;
  /** Set for Deployment/StatefulSet subjects (ScaleWorkload's defaults). */
  workload?: WorkloadSubject;
}

/** Thrown when the subject does not exist or is of a kind kanflow cannot run hooks for (input error). */
export class SubjectError extends PermanentFunctionError {}

export async function resolveSubject(clients: KubeClients, ref: HookRef, subjectNamespace: string): Promise<ResolvedSubject> {
  const subject = ref.subject;
  if (!subject || subject.kind === 'Namespace') {
    const name = subject?.name ?? subjectNamespace;
    const object = await readRaw(clients, `/api/v1/namespaces/${encodeURIComponent(name)}`, `namespace ${name}`);
    return { subject: { kind: 'Namespace', name }, object };
  }
  const namespace = subject.namespace ?? subjectNamespace;
  const what = `${subject.kind} ${namespace}/${subject.name}`;
  switch (subject.kind) {
    case 'PersistentVolumeClaim': {
      const object = await readRaw(clients, `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims/${encodeURIComponent(subject.name)}`, what);
      return { subject: { kind: 'PVC', name: subject.name, namespace }, object };
    }
    case 'Deployment':
    case 'StatefulSet': {
      const resource = subject.kind === 'Deployment' ? 'deployments' : 'statefulsets';
      const object = await readRaw(clients, `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(subject.name)}`, what);
      const pods = subject.kind === 'Deployment'
        ? await deploymentPods(clients, object as V1Deployment)
        : await statefulSetPods(clients, object as V1StatefulSet);
      return {
        subject: { kind: subject.kind, name: subject.name, namespace, pods: pods.map(podInput) },
        object,
        workload: { kind: subject.kind, name: subject.name, namespace },
      };
    }
    case 'DeploymentConfig':
      throw new SubjectError(`hook subject ${what}: DeploymentConfig is OpenShift-only and not supported by kanflow`);
  }
}

async function readRaw(clients: KubeClients, path: string, what: string): Promise<Record<string, unknown>> {
  try {
    return await clients.objects.getRaw(path);
  } catch (error) {
    if (isNotFound(error)) throw new SubjectError(`hook subject ${what} not found`);
    throw new Error(`reading hook subject ${what}: ${describeApiError(error)}`, { cause: error });
  }
}

function selectorOf(matchLabels: Record<string, string> | undefined): string {
  return Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

async function listPods(clients: KubeClients, namespace: string, labelSelector: string): Promise<V1Pod[]> {
  const list = await clients.core.listNamespacedPod({ namespace, labelSelector });
  return list.items.filter((pod) => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
}

/** Running pods of the Deployment's current ReplicaSet revision, as Kanister's DeploymentPods returns. */
async function deploymentPods(clients: KubeClients, deployment: V1Deployment): Promise<V1Pod[]> {
  const namespace = deployment.metadata!.namespace!;
  const selector = selectorOf(deployment.spec?.selector.matchLabels);
  const revision = deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const replicaSets = (await clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: selector })).items.filter((rs) =>
    rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.uid === deployment.metadata?.uid),
  );
  const current = replicaSets.find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision);
  const pods = await listPods(clients, namespace, selector);
  if (!current) return pods;
  return pods.filter((pod) => pod.metadata?.ownerReferences?.some((o) => o.uid === current.metadata?.uid));
}

async function statefulSetPods(clients: KubeClients, statefulSet: V1StatefulSet): Promise<V1Pod[]> {
  const namespace = statefulSet.metadata!.namespace!;
  const pods = await listPods(clients, namespace, selectorOf(statefulSet.spec?.selector.matchLabels));
  return pods.filter((pod) => pod.metadata?.ownerReferences?.some((o) => o.uid === statefulSet.metadata?.uid));
}

/** Container names from the pod's status (Kanister's source), PVCs with the path the first container mounts them at. */
export function podInput(pod: V1Pod): PodInput {
  const containers = (pod.status?.containerStatuses ?? []).map((s) => s.name);
  const pvcs: Record<string, string> = {};
  for (const volume of pod.spec?.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const mount = pod.spec?.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === volume.name);
    pvcs[claim] = mount?.mountPath ?? '';
  }
  return { name: pod.metadata?.name ?? '', containers: containers.length > 0 ? containers : (pod.spec?.containers ?? []).map((c) => c.name), pvcs };
}
