// Template parameters that satisfy everything an action's templates read, without a cluster: the
// render command shows placeholders (`<output of phase "X" key "Y">`), conformance uses fake values.
// References come from the templates' field paths; the subject kind from which workload param they use.
import type { Blueprint, BlueprintAction } from './blueprint.js';
import { FUNCTION_SPECS } from './functions/specs.js';
import type { PhaseOutput } from './functions/types.js';
import { buildTemplateParams, phaseParams } from './params.js';
import type { ArtifactInput, PodInput, ProfileInput, SecretInput, SubjectInput, TemplateParams, TemplateParamsInput } from './params.js';
import { fieldPaths, isTemplated } from './template/index.js';
import { templateSites } from './template-sites.js';

/** Produces the value of something the templates read but nobody can know before running. */
export interface PlaceholderValues {
  phaseOutput(phase: string, key: string): string;
  deferPhaseOutput(key: string): string;
  artifact(artifact: string, key: string): string;
  kopiaSnapshot(artifact: string): string;
  option(key: string): string;
  /** Secret or ConfigMap data value; `kind` says which map it is in. */
  objectData(kind: 'Secret' | 'ConfigMap', name: string, key: string): string;
  /** A leaf of `.Object` that the subject object does not have. */
  objectField(path: readonly string[]): unknown;
}

export const RENDER_PLACEHOLDERS: PlaceholderValues = {
  phaseOutput: (phase, key) => `<output of phase "${phase}" key "${key}">`,
  deferPhaseOutput: (key) => `<output of deferPhase key "${key}">`,
  artifact: (artifact, key) => `<input artifact "${artifact}" key "${key}">`,
  kopiaSnapshot: (artifact) => `<input artifact "${artifact}" kopiaSnapshot>`,
  option: (key) => `<option "${key}">`,
  objectData: (kind, name, key) => `<${kind} "${name}" key "${key}">`,
  objectField: (path) => `<object field "${path.join('.')}">`,
};

export interface PlaceholderSubject {
  readonly kind: SubjectInput['kind'];
  readonly name: string;
  readonly namespace: string;
  readonly pods?: readonly PodInput[];
  /** The subject as an unstructured object; missing fields the templates read are filled in. */
  readonly object?: Record<string, unknown>;
}

export interface PlaceholderOptions {
  readonly namespace: string;
  /** The action's blueprint, to infer the subject kind from sibling actions. */
  readonly blueprint?: Blueprint;
  /** Overrides the subject inferred from the templates. */
  readonly subject?: PlaceholderSubject;
  readonly options?: Readonly<Record<string, string>>;
  readonly time: Date;
  readonly values: PlaceholderValues;
  /** Include a location profile when the action needs one (never for hooks). */
  readonly profile?: ProfileInput;
}

const SUBJECT_KINDS = ['StatefulSet', 'Deployment', 'DeploymentConfig', 'PVC', 'Namespace'] as const;

/**
 * The subject kind an action expects: from the workload params its templates read, else its declared
 * `kind`, else what the blueprint's other actions read (a backup that only reads `.Object` of the
 * Deployment its restore scales), else a namespace.
 */
export function inferSubjectKind(action: BlueprintAction, blueprint?: Blueprint): SubjectInput['kind'] {
  const fromPaths = (actions: readonly BlueprintAction[]): SubjectInput['kind'] | undefined => {
    const counts = new Map<SubjectInput['kind'], number>();
    for (const path of actions.flatMap(actionFieldPaths)) {
      const top = SUBJECT_KINDS.find((kind) => kind === path[0]);
      if (top) counts.set(top, (counts.get(top) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  const declared = SUBJECT_KINDS.find((kind) => kind.toLowerCase() === action.kind?.toLowerCase());
  return fromPaths([action]) ?? declared ?? (blueprint ? fromPaths(Object.values(blueprint.actions)) : undefined) ?? 'Namespace';
}

/** True when the action's templates read `.Profile` or one of its functions needs a profile. */
export function actionNeedsProfile(action: BlueprintAction): boolean {
  const phases = [...action.phases, ...(action.deferPhase ? [action.deferPhase] : [])];
  return phases.some((phase) => FUNCTION_SPECS.get(phase.func)?.needsProfile) || actionFieldPaths(action).some((path) => path[0] === 'Profile');
}

/** Every field path read by the action's param templates (Wait conditions excluded). */
export function actionFieldPaths(action: BlueprintAction): string[][] {
  const paths: string[][] = [];
  for (const site of templateSites(action)) {
    if (site.kind === 'condition' || !isTemplated(site.source)) continue;
    try {
      paths.push(...fieldPaths(site.source));
    } catch {
      // A template that does not parse reads nothing; validation reports it.
    }
  }
  return paths;
}

export function buildPlaceholderParams(action: BlueprintAction, opts: PlaceholderOptions): TemplateParams {
  const paths = actionFieldPaths(action);
  const { values } = opts;
  const subject = opts.subject ?? defaultSubject(inferSubjectKind(action, opts.blueprint), opts.namespace);

  const options: Record<string, string> = {};
  const artifactsIn: Record<string, { keyValue: Record<string, string>; kopiaSnapshot?: string }> = {};
  const secrets: Record<string, SecretInput> = {};
  const configMaps: Record<string, { metadata: { name: string; namespace: string }; data: Record<string, string> }> = {};
  const phaseOutputs = new Map<string, PhaseOutput>();
  const phaseSecretKeys = new Map<string, Map<string, Set<string>>>();
  const deferOutput: PhaseOutput = {};
  const object = structuredClone(subject.object ?? defaultObject(subject));

  for (const path of paths) {
    const [top, a, b, c, d] = path;
    if (top === 'Options' && a !== undefined) options[a] = values.option(a);
    else if (top === 'ArtifactsIn' && a !== undefined) {
      const artifact = (artifactsIn[a] ??= { keyValue: {} });
      if (b === 'KeyValue' && c !== undefined) artifact.keyValue[c] = values.artifact(a, c);
      if (b === 'KopiaSnapshot') artifact.kopiaSnapshot = values.kopiaSnapshot(a);
    } else if (top === 'Phases' && a !== undefined) {
      if (!phaseOutputs.has(a)) phaseOutputs.set(a, {});
      if (b === 'Output' && c !== undefined) (phaseOutputs.get(a) as PhaseOutput)[c] = values.phaseOutput(a, c);
      if (b === 'Secrets' && c !== undefined) {
        const byObject = phaseSecretKeys.get(a) ?? new Map<string, Set<string>>();
        phaseSecretKeys.set(a, byObject.set(c, (byObject.get(c) ?? new Set()).add(d === 'Data' && path[5] !== undefined ? path[5] : '')));
      }
    } else if (top === 'DeferPhase' && a === 'Output' && b !== undefined) deferOutput[b] = values.deferPhaseOutput(b);
    else if (top === 'Secrets' && a !== undefined) {
      const secret = (secrets[a] ??= { metadata: { name: a, namespace: opts.namespace }, data: {} });
      if (b === 'Data' && c !== undefined) (secret.data as Record<string, Uint8Array>)[c] = new TextEncoder().encode(values.objectData('Secret', a, c));
    } else if (top === 'ConfigMaps' && a !== undefined) {
      const configMap = (configMaps[a] ??= { metadata: { name: a, namespace: opts.namespace }, data: {} });
      if (b === 'Data' && c !== undefined) configMap.data[c] = values.objectData('ConfigMap', a, c);
    } else if (top === 'Object' && path.length > 1) fillObjectPath(object, path.slice(1), values);
  }
  for (const use of objectIndexUses(action)) fillObjectIndexUse(object, use, values);

  const input: TemplateParamsInput = {
    subject: toSubjectInput(subject),
    object,
    time: opts.time,
    options: { ...options, ...opts.options },
    artifactsIn: artifactsIn as Record<string, ArtifactInput>,
    secrets,
    configMaps,
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  const params = buildTemplateParams(input);
  for (const phase of [...action.phases, ...(action.deferPhase ? [action.deferPhase] : [])]) {
    if (phase.name && !phaseOutputs.has(phase.name)) phaseOutputs.set(phase.name, {});
  }
  for (const [phase, output] of phaseOutputs) {
    const secretsOfPhase: Record<string, SecretInput> = {};
    for (const [objectName, keys] of phaseSecretKeys.get(phase) ?? []) {
      const data: Record<string, Uint8Array> = {};
      for (const key of keys) if (key) data[key] = new TextEncoder().encode(values.objectData('Secret', objectName, key));
      secretsOfPhase[objectName] = { metadata: { name: objectName, namespace: opts.namespace }, data };
    }
    // Objects declared by the phase exist even when no template reads a dotted key of them.
    const declared = [...action.phases, ...(action.deferPhase ? [action.deferPhase] : [])].find((p) => p.name === phase)?.objects ?? {};
    for (const [objectName, ref] of Object.entries(declared)) {
      if (/^secret$/i.test(ref.kind)) secretsOfPhase[objectName] ??= { metadata: { name: objectName, namespace: opts.namespace }, data: {} };
    }
    params.Phases[phase] = phaseParams({ secrets: secretsOfPhase }, output);
  }
  params.DeferPhase = phaseParams({}, deferOutput);
  return params;
}

/** A location profile with every field set, for actions that need one outside hooks. */
export const SAMPLE_PROFILE: ProfileInput = {
  location: { type: 's3Compliant', bucket: 'kanflow-bucket', endpoint: 'https://s3.example.com', prefix: 'backups', region: 'us-east-1' },
  credential: {
    type: 'keyPair',
    keyPair: { id: 'AKIAEXAMPLE', secret: 'example-secret-key' },
    secret: {
      metadata: { name: 'aws-credentials', namespace: 'kasten-io' },
      data: { aws_access_key_id: new TextEncoder().encode('AKIAEXAMPLE'), aws_secret_access_key: new TextEncoder().encode('example-secret-key') },
    },
  },
  skipSSLVerify: false,
};

function defaultSubject(kind: SubjectInput['kind'], namespace: string): PlaceholderSubject {
  if (kind === 'StatefulSet' || kind === 'Deployment' || kind === 'DeploymentConfig') {
    const name = `${kind.toLowerCase()}-app`;
    const pods = [0, 1].map((i) => ({
      name: kind === 'StatefulSet' ? `${name}-${i}` : `${name}-7d9f8-${i}`,
      containers: ['app', 'sidecar'],
      pvcs: { [`data-${name}-${i}`]: '/var/lib/data' },
    }));
    return { kind, name, namespace, pods };
  }
  if (kind === 'PVC') return { kind, name: 'data-pvc', namespace };
  return { kind: 'Namespace', name: namespace, namespace };
}

function toSubjectInput(subject: PlaceholderSubject): SubjectInput {
  switch (subject.kind) {
    case 'Namespace':
      return { kind: 'Namespace', name: subject.name };
    case 'PVC':
      return { kind: 'PVC', name: subject.name, namespace: subject.namespace };
    case 'Unstructured':
      return { kind: 'Unstructured', name: subject.name, namespace: subject.namespace };
    default:
      return { kind: subject.kind, name: subject.name, namespace: subject.namespace, pods: subject.pods ?? [] };
  }
}

/** A plausible unstructured object for the subject, with the fields real blueprints read. */
function defaultObject(subject: PlaceholderSubject): Record<string, unknown> {
  const labels = { app: subject.name, release: subject.name, 'app.kubernetes.io/instance': subject.name, 'app.kubernetes.io/name': subject.name };
  const metadata = { name: subject.name, namespace: subject.namespace, uid: '00000000-0000-4000-8000-000000000000', labels };
  if (subject.kind === 'Namespace') return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: subject.name, labels } };
  if (subject.kind === 'PVC') return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: {} };
  const claim = subject.pods?.[0] ? Object.keys(subject.pods[0].pvcs ?? {})[0] : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: subject.kind,
    metadata,
    spec: {
      replicas: subject.pods?.length ?? 1,
      serviceName: subject.name,
      template: { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim ?? `data-${subject.name}` } }] } },
    },
  };
}

function fillObjectPath(object: Record<string, unknown>, path: readonly string[], values: PlaceholderValues, prefix: readonly string[] = []): void {
  let current: Record<string, unknown> = object;
  path.forEach((segment, index) => {
    const isLeaf = index === path.length - 1;
    const existing = current[segment];
    if (isLeaf) {
      if (existing === undefined) current[segment] = values.objectField([...prefix, ...path]);
      return;
    }
    if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) {
      if (existing !== undefined) return; // a list or scalar already there: keep the realistic value
      current[segment] = {};
    }
    current = current[segment] as Record<string, unknown>;
  });
}

/** `index .Object.a.b "key"` or `(index .Object.a.b 0).c.d`: the field paths alone cannot tell maps and lists apart. */
interface ObjectIndexUse {
  readonly base: readonly string[];
  readonly key: string | number;
  readonly chain: readonly string[];
}

const INDEX_BY_KEY = /index\s+\.Object((?:\.[A-Za-z_]\w*)+)\s+"([^"]*)"/g;
const INDEX_BY_POSITION = /\(\s*index\s+\.Object((?:\.[A-Za-z_]\w*)+)\s+(\d+)\s*\)((?:\.[A-Za-z_]\w*)*)/g;

function objectIndexUses(action: BlueprintAction): ObjectIndexUse[] {
  const uses: ObjectIndexUse[] = [];
  const split = (dotted: string): string[] => dotted.split('.').filter(Boolean);
  for (const site of templateSites(action)) {
    if (site.kind === 'condition' || !isTemplated(site.source)) continue;
    for (const match of site.source.matchAll(INDEX_BY_KEY)) uses.push({ base: split(match[1] ?? ''), key: match[2] ?? '', chain: [] });
    for (const match of site.source.matchAll(INDEX_BY_POSITION)) {
      uses.push({ base: split(match[1] ?? ''), key: Number(match[2]), chain: split(match[3] ?? '') });
    }
  }
  return uses;
}

function fillObjectIndexUse(object: Record<string, unknown>, use: ObjectIndexUse, values: PlaceholderValues): void {
  let parent: Record<string, unknown> = object;
  for (const segment of use.base.slice(0, -1)) {
    const next = parent[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) parent[segment] = {};
    parent = parent[segment] as Record<string, unknown>;
  }
  const last = use.base.at(-1);
  if (last === undefined) return;
  const container = parent[last];
  if (typeof use.key === 'string') {
    if (typeof container !== 'object' || container === null || Array.isArray(container)) parent[last] = {};
    const map = parent[last] as Record<string, unknown>;
    map[use.key] ??= values.objectField([...use.base, use.key]);
    return;
  }
  if (!Array.isArray(container)) parent[last] = [];
  const list = parent[last] as unknown[];
  while (list.length <= use.key) list.push({});
  if (use.chain.length === 0) return;
  const element = list[use.key];
  if (typeof element === 'object' && element !== null && !Array.isArray(element)) {
    fillObjectPath(element as Record<string, unknown>, use.chain, values, [...use.base, String(use.key)]);
  }
}
