// Kanister template parameters (pkg/param/param.go, spec §4) with Kanister's exact names and shapes,
// built purely from plain data. The Kubernetes lookups that produce TemplateParamsInput live in k8s/.
//
// Go struct semantics matter to templates: every top-level field exists; an unpopulated pointer
// (`.Deployment` for a namespace subject, `.Profile` in hooks) is `null`, so `{{ if .Profile }}` is false
// and `.Profile.Location` fails as a nil pointer, while a missing map key (`.Options.x`) fails as "not found".
import type { PhaseOutput } from './functions/types.js';

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
  return {
    StatefulSet: subject.kind === 'StatefulSet' ? workload : null,
    DeploymentConfig: subject.kind === 'DeploymentConfig' ? workload : null,
    Deployment: subject.kind === 'Deployment' ? workload : null,
    PVC: subject.kind === 'PVC' ? { Name: subject.name, Namespace: subject.namespace } : null,
    // For a namespace subject Kanister sets both fields to the namespace's name.
    Namespace: subject.kind === 'Namespace' ? { Name: subject.name, Namespace: subject.name } : null,
    ArtifactsIn: mapValues(input.artifactsIn ?? {}, artifactParams),
    ConfigMaps: mapValues(input.configMaps ?? {}, configMapParams),
    Secrets: mapValues(input.secrets ?? {}, secretParams),
    Time: formatKanisterTime(input.time),
    Profile: input.profile ? profileParams(input.profile) : null,
    Options: { ...input.options },
    Object: structuredClone(input.object) as Record<string, unknown>,
    Phases: {},
    CurrentPhase: null,
    DeferPhase: null,
    PodOverride: input.podOverride ? (structuredClone(input.podOverride) as Record<string, unknown>) : null,
    PodLabels: { ...input.podLabels },
    PodAnnotations: { ...input.podAnnotations },
  };
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
  return {
    Name: subject.name,
    Namespace: subject.namespace,
    Pods: subject.pods.map((pod) => pod.name),
    Containers: subject.pods.map((pod) => [...pod.containers]),
    PersistentVolumeClaims: Object.fromEntries(subject.pods.map((pod) => [pod.name, { ...pod.pvcs }])),
  };
}

export function artifactParams(artifact: ArtifactInput): ArtifactParams {
  return { KeyValue: { ...artifact.keyValue }, KopiaSnapshot: artifact.kopiaSnapshot ?? '' };
}

export function secretParams(secret: SecretInput): SecretParams {
  return {
    Name: secret.metadata.name,
    Namespace: secret.metadata.namespace ?? '',
    ObjectMeta: { ...secret.metadata },
    Type: secret.type ?? 'Opaque',
    Data: mapValues(secret.data ?? {}, toBytes),
    StringData: { ...secret.stringData },
  };
}

export function configMapParams(configMap: ConfigMapInput): ConfigMapParams {
  return {
    Name: configMap.metadata.name,
    Namespace: configMap.metadata.namespace ?? '',
    ObjectMeta: { ...configMap.metadata },
    Data: { ...configMap.data },
    BinaryData: mapValues(configMap.binaryData ?? {}, toBytes),
  };
}

export function phaseParams(objects: { secrets?: Record<string, SecretInput>; configMaps?: Record<string, ConfigMapInput> } = {}, output: PhaseOutput = {}): PhaseParams {
  return {
    Secrets: mapValues(objects.secrets ?? {}, secretParams),
    ConfigMaps: mapValues(objects.configMaps ?? {}, configMapParams),
    Output: output,
  };
}

function profileParams(profile: ProfileInput): ProfileParams {
  const location = {
    Type: profile.location.type,
    Bucket: profile.location.bucket ?? '',
    Endpoint: profile.location.endpoint ?? '',
    Prefix: profile.location.prefix ?? '',
    Region: profile.location.region ?? '',
  };
  // Kanister's Location struct has lower-case JSON tags; `toJson .Profile` must print those.
  Object.defineProperty(location, 'toJSON', {
    enumerable: false,
    value: () => ({ type: location.Type, bucket: location.Bucket, endpoint: location.Endpoint, prefix: location.Prefix, region: location.Region }),
  });
  const keyPair = profile.credential.keyPair;
  return {
    Location: location,
    Credential: {
      Type: profile.credential.type,
      KeyPair: keyPair ? { ID: keyPair.id, Secret: keyPair.secret } : null,
      Secret: profile.credential.secret ? secretParams(profile.credential.secret) : null,
      KopiaServerSecret: null,
    },
    SkipSSLVerify: profile.skipSSLVerify ?? false,
  };
}

/** Kubernetes API Secret data is base64 text; decoded it is Go's []byte. */
function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
