// Kanister template parameters (pkg/param/param.go, spec §4) with Kanister's exact names and shapes,
// built purely from plain data. The Kubernetes lookups that produce TemplateParamsInput live in k8s/.
//
// Go struct semantics matter to templates: every top-level field exists; an unpopulated pointer
// (`.Deployment` for a namespace subject, `.Profile` in hooks) is `null`, so `{{ if .Profile }}` is false
// and `.Profile.Location` fails as a nil pointer, while a missing map key (`.Options.x`) fails as "not found".
// Structs are marked with the template engine's asGoStruct (field order, JSON names), maps with the zero
// value `index` returns for a missing key (withMapZero), as Go's types would give them.
import type { PhaseOutput } from './functions/types.js';
import { asGoStruct, withMapZero } from './template/values.js';

/** One pod of a workload subject, as observed at action start. */
export interface PodInput {
  readonly name: string;
  /** Container names, in pod status order. */
  readonly containers: readonly string[];
  /** PVC name → mount path, for the PVCs this pod mounts. */
  readonly pvcs?: Readonly<Record<string, string>>;
}

export type SubjectInput =
  | { readonly kind: 'Namespace'; readonly name: string }
  | {
      readonly kind: 'Deployment' | 'StatefulSet' | 'DeploymentConfig';
      readonly name: string;
      readonly namespace: string;
      /** Running pods of the current revision. */
      readonly pods: readonly PodInput[];
    }
  | { readonly kind: 'PVC'; readonly name: string; readonly namespace: string }
  /** Any other resource: only `.Object` is filled. */
  | { readonly kind: 'Unstructured'; readonly name: string; readonly namespace?: string };

/** A Secret as the Kubernetes API returns it (data values base64) or already decoded. */
export interface SecretInput {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly type?: string;
  readonly data?: Readonly<Record<string, string | Uint8Array>>;
  readonly stringData?: Readonly<Record<string, string>>;
}

export interface ConfigMapInput {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly data?: Readonly<Record<string, string>>;
  readonly binaryData?: Readonly<Record<string, string | Uint8Array>>;
}

export interface ArtifactInput {
  readonly keyValue?: Readonly<Record<string, string>>;
  readonly kopiaSnapshot?: string;
}

/** A location profile with resolved credentials (never present for hooks, rule A4). */
export interface ProfileInput {
  readonly location: { readonly type: string; readonly bucket?: string; readonly endpoint?: string; readonly prefix?: string; readonly region?: string };
  readonly credential: {
    readonly type: string;
    readonly keyPair?: { readonly id: string; readonly secret: string };
    readonly secret?: SecretInput;
  };
  readonly skipSSLVerify?: boolean;
}

/** Everything buildTemplateParams needs: plain data, gathered once at action start. */
export interface TemplateParamsInput {
  readonly subject: SubjectInput;
  /** The subject as an unstructured object (`.Object`); a namespace is fetched cluster-scoped. */
  readonly object: Readonly<Record<string, unknown>>;
  /** Action start time; rendered as Go RFC3339Nano in UTC. */
  readonly time: Date;
  readonly options?: Readonly<Record<string, string>>;
  readonly artifactsIn?: Readonly<Record<string, ArtifactInput>>;
  readonly configMaps?: Readonly<Record<string, ConfigMapInput>>;
  readonly secrets?: Readonly<Record<string, SecretInput>>;
  readonly profile?: ProfileInput;
  readonly podOverride?: Readonly<Record<string, unknown>>;
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

export interface WorkloadParams {
  Name: string;
  Namespace: string;
  Pods: string[];
  Containers: string[][];
  PersistentVolumeClaims: Record<string, Record<string, string>>;
}

export interface NamespaceParams {
  Name: string;
  Namespace: string;
}

export interface PVCParams {
  Name: string;
  Namespace: string;
}

/** corev1.Secret as Go templates see it: metadata promoted, Data as byte slices (`| toString` to print). */
export interface SecretParams {
  Name: string;
  Namespace: string;
  ObjectMeta: Record<string, unknown>;
  Type: string;
  Data: Record<string, Uint8Array>;
  StringData: Record<string, string>;
}

export interface ConfigMapParams {
  Name: string;
  Namespace: string;
  ObjectMeta: Record<string, unknown>;
  Data: Record<string, string>;
  BinaryData: Record<string, Uint8Array>;
}

export interface ArtifactParams {
  KeyValue: Record<string, string>;
  KopiaSnapshot: string;
}

export interface PhaseParams {
  Secrets: Record<string, SecretParams>;
  ConfigMaps: Record<string, ConfigMapParams>;
  Output: PhaseOutput;
}

export interface ProfileParams {
  Location: { Type: string; Bucket: string; Endpoint: string; Prefix: string; Region: string };
  Credential: {
    Type: string;
    KeyPair: { ID: string; Secret: string } | null;
    Secret: SecretParams | null;
    KopiaServerSecret: null;
  };
  SkipSSLVerify: boolean;
}

export interface TemplateParams {
  StatefulSet: WorkloadParams | null;
  DeploymentConfig: WorkloadParams | null;
  Deployment: WorkloadParams | null;
  PVC: PVCParams | null;
  Namespace: NamespaceParams | null;
  ArtifactsIn: Record<string, ArtifactParams>;
  ConfigMaps: Record<string, ConfigMapParams>;
  Secrets: Record<string, SecretParams>;
  Time: string;
  Profile: ProfileParams | null;
  Options: Record<string, string>;
  Object: Record<string, unknown>;
  Phases: Record<string, PhaseParams>;
  CurrentPhase: PhaseParams | null;
  DeferPhase: PhaseParams | null;
  PodOverride: Record<string, unknown> | null;
  PodLabels: Record<string, string>;
  PodAnnotations: Record<string, string>;
}

export function buildTemplateParams(input: TemplateParamsInput): TemplateParams {
  const { subject } = input;
  const workload = subject.kind === 'Deployment' || subject.kind === 'StatefulSet' || subject.kind === 'DeploymentConfig' ? workloadParams(subject) : null;
  return templateParamsStruct({
    StatefulSet: subject.kind === 'StatefulSet' ? workload : null,
    DeploymentConfig: subject.kind === 'DeploymentConfig' ? workload : null,
    Deployment: subject.kind === 'Deployment' ? workload : null,
    PVC: subject.kind === 'PVC' ? asGoStruct({ Name: subject.name, Namespace: subject.namespace }, { typeName: '*param.PVCParams' }) : null,
    // For a namespace subject Kanister sets both fields to the namespace's name. Beyond Kanister: for a
    // workload or PVC subject it is the subject's namespace, so `{{ .Namespace.Name }}` always works in hooks
    // (the product definition promises it; rule N2).
    Namespace:
      subject.kind === 'Namespace'
        ? asGoStruct({ Name: subject.name, Namespace: subject.name }, { typeName: '*param.NamespaceParams' })
        : subject.namespace !== undefined
          ? asGoStruct({ Name: subject.namespace, Namespace: subject.namespace }, { typeName: '*param.NamespaceParams' })
          : null,
    ArtifactsIn: withMapZero(mapValues(input.artifactsIn ?? {}, artifactParams), artifactParams({})),
    ConfigMaps: withMapZero(mapValues(input.configMaps ?? {}, configMapParams), null),
    Secrets: withMapZero(mapValues(input.secrets ?? {}, secretParams), null),
    Time: formatKanisterTime(input.time),
    Profile: input.profile ? profileParams(input.profile) : null,
    Options: stringMap(input.options),
    Object: structuredClone(input.object) as Record<string, unknown>,
    Phases: {},
    CurrentPhase: null,
    DeferPhase: null,
    PodOverride: input.podOverride ? (structuredClone(input.podOverride) as Record<string, unknown>) : null,
    PodLabels: stringMap(input.podLabels),
    PodAnnotations: stringMap(input.podAnnotations),
  });
}

/** A copy of `params` with some fields replaced, keeping it a Go struct for the template engine. */
export function withParams(params: TemplateParams, changes: Partial<TemplateParams>): TemplateParams {
  return templateParamsStruct({ ...params, ...changes });
}

function templateParamsStruct(params: TemplateParams): TemplateParams {
  withMapZero(params.Phases, null);
  return asGoStruct(params, { typeName: 'param.TemplateParams' });
}

/** Go's RFC3339Nano in UTC: fraction without trailing zeros (none at all when zero), `Z` zone. */
export function formatKanisterTime(time: Date): string {
  const iso = time.toISOString(); // 2026-01-02T03:04:05.120Z
  return iso.replace(/\.(\d+)Z$/, (_match, fraction: string) => {
    const trimmed = fraction.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}

export function workloadParams(subject: { name: string; namespace: string; pods: readonly PodInput[] }): WorkloadParams {
  return asGoStruct(
    {
      Name: subject.name,
      Namespace: subject.namespace,
      Pods: subject.pods.map((pod) => pod.name),
      Containers: subject.pods.map((pod) => [...pod.containers]),
      PersistentVolumeClaims: withMapZero(Object.fromEntries(subject.pods.map((pod) => [pod.name, stringMap(pod.pvcs)])), null),
    },
    { typeName: '*param.WorkloadParams' },
  );
}

export function artifactParams(artifact: ArtifactInput): ArtifactParams {
  return asGoStruct(
    { KeyValue: stringMap(artifact.keyValue), KopiaSnapshot: artifact.kopiaSnapshot ?? '' },
    { typeName: 'v1alpha1.Artifact', jsonNames: { KeyValue: 'keyValue', KopiaSnapshot: 'kopiaSnapshot' }, omitEmpty: ['KeyValue', 'KopiaSnapshot'] },
  );
}

export function secretParams(secret: SecretInput): SecretParams {
  return asGoStruct(
    {
      Name: secret.metadata.name,
      Namespace: secret.metadata.namespace ?? '',
      ObjectMeta: { ...secret.metadata },
      Type: secret.type ?? 'Opaque',
      Data: withMapZero(mapValues(secret.data ?? {}, toBytes), new Uint8Array(0)),
      StringData: stringMap(secret.stringData),
    },
    // Name/Namespace are promoted from ObjectMeta in Go: JSON shows them only inside `metadata`.
    {
      typeName: 'v1.Secret',
      jsonNames: { Name: '-', Namespace: '-', ObjectMeta: 'metadata', Type: 'type', Data: 'data', StringData: 'stringData' },
      omitEmpty: ['Type', 'Data', 'StringData'],
    },
  );
}

export function configMapParams(configMap: ConfigMapInput): ConfigMapParams {
  return asGoStruct(
    {
      Name: configMap.metadata.name,
      Namespace: configMap.metadata.namespace ?? '',
      ObjectMeta: { ...configMap.metadata },
      Data: stringMap(configMap.data),
      BinaryData: withMapZero(mapValues(configMap.binaryData ?? {}, toBytes), new Uint8Array(0)),
    },
    {
      typeName: 'v1.ConfigMap',
      jsonNames: { Name: '-', Namespace: '-', ObjectMeta: 'metadata', Data: 'data', BinaryData: 'binaryData' },
      omitEmpty: ['Data', 'BinaryData'],
    },
  );
}

export function phaseParams(objects: { secrets?: Record<string, SecretInput>; configMaps?: Record<string, ConfigMapInput> } = {}, output: PhaseOutput = {}): PhaseParams {
  return asGoStruct(
    {
      Secrets: withMapZero(mapValues(objects.secrets ?? {}, secretParams), null),
      ConfigMaps: withMapZero(mapValues(objects.configMaps ?? {}, configMapParams), null),
      Output: output,
    },
    { typeName: '*param.Phase' },
  );
}

function profileParams(profile: ProfileInput): ProfileParams {
  const location = asGoStruct(
    {
      Type: profile.location.type,
      Bucket: profile.location.bucket ?? '',
      Endpoint: profile.location.endpoint ?? '',
      Prefix: profile.location.prefix ?? '',
      Region: profile.location.region ?? '',
    },
    // crv1alpha1.Location has lower-case JSON tags; `toJson .Profile` (fed to kando) must print them.
    { typeName: 'v1alpha1.Location', jsonNames: { Type: 'type', Bucket: 'bucket', Endpoint: 'endpoint', Prefix: 'prefix', Region: 'region' } },
  );
  const keyPair = profile.credential.keyPair;
  return asGoStruct(
    {
      Location: location,
      Credential: asGoStruct(
        {
          Type: profile.credential.type,
          KeyPair: keyPair ? asGoStruct({ ID: keyPair.id, Secret: keyPair.secret }, { typeName: '*param.KeyPair' }) : null,
          Secret: profile.credential.secret ? secretParams(profile.credential.secret) : null,
          KopiaServerSecret: null,
        },
        { typeName: 'param.Credential' },
      ),
      SkipSSLVerify: profile.skipSSLVerify ?? false,
    },
    { typeName: '*param.Profile' },
  );
}

function stringMap(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return withMapZero({ ...record }, '');
}

/** Kubernetes API Secret data is base64 text; decoded it is Go's []byte. */
function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
