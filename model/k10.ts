// Reads the K10 YAML users already have (BackupAction, ExportAction, RestoreAction, RunAction, Policy)
// into kanflow requests and policies, reporting every problem of a file set with file:line:column.
import * as z from 'zod';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { formatIssue, formatPath, InputError, issueAt, safeParseWith } from './errors.js';
import type { InputIssue, InputSource } from './errors.js';
import { HooksSchema } from './hooks.js';
import { DEFAULT_K10_NAMESPACE, NamespaceNameSchema } from './names.js';
import { EXPORT_ORDER_MESSAGE, exportsWithoutPrecedingBackup, PolicySchema } from './policy.js';
import type { LabelSelectorRequirement, Policy } from './policy.js';
import { ActionRequestSchema } from './requests.js';
import type { ActionRequest, ExportLocation } from './requests.js';
import type { PathSegment } from './yaml-location.js';

export const K10_KINDS = ['BackupAction', 'ExportAction', 'RestoreAction', 'RunAction', 'Policy'] as const;
type K10Kind = (typeof K10_KINDS)[number];

const API_GROUP_OF_KIND: Readonly<Record<K10Kind, string>> = {
  BackupAction: 'actions.kio.kasten.io',
  ExportAction: 'actions.kio.kasten.io',
  RestoreAction: 'actions.kio.kasten.io',
  RunAction: 'actions.kio.kasten.io',
  Policy: 'config.kio.kasten.io',
};

/** K10's pseudo-label naming an application's namespace, on actions and in policy selectors. */
export const APP_NAMESPACE_LABEL = 'k10.kasten.io/appNamespace';
/** Label every namespace carries with its own name; stands in for K10's pseudo-label in label selectors. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface PolicyRun {
  policy: Policy;
}

export interface LoadedK10 {
  requests: ActionRequest[];
  policies: Policy[];
  runs: PolicyRun[];
  /** Formatted like issues: `file:line:column: field: message`. */
  warnings: string[];
}

export interface K10File {
  text: string;
  file: string;
}

// K10 documents carry many fields kanflow does not use (filters, exportData, …): those are accepted and
// ignored, while the hooks are checked strictly.
const MetadataSchema = z.looseObject({
  name: z.string().min(1).optional(),
  generateName: z.string().optional(),
  namespace: NamespaceNameSchema.optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
const ObjectRefSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1).optional(),
  namespace: NamespaceNameSchema.optional(),
});
const RestorePointRefSchema = ObjectRefSchema.extend({ kind: z.literal('RestorePoint').optional() });
const ProfileRefSchema = z.looseObject({ name: z.string().min(1), namespace: NamespaceNameSchema.optional() });

const BackupActionDocSchema = z.looseObject({
  metadata: MetadataSchema.optional(),
  spec: z.looseObject({ subject: ObjectRefSchema.optional(), hooks: HooksSchema.optional() }).optional(),
});
const ExportActionDocSchema = z.looseObject({
  metadata: MetadataSchema.optional(),
  spec: z.looseObject({
    subject: RestorePointRefSchema.optional(),
    profile: ProfileRefSchema.optional(),
    hooks: HooksSchema.optional(),
  }),
});
const RestoreActionDocSchema = z.looseObject({
  metadata: MetadataSchema.optional(),
  spec: z.looseObject({
    subject: RestorePointRefSchema.extend({ name: z.string().min(1), namespace: NamespaceNameSchema }),
    targetNamespace: NamespaceNameSchema.optional(),
    hooks: HooksSchema.optional(),
  }),
});
const RunActionDocSchema = z.looseObject({
  metadata: MetadataSchema.optional(),
  spec: z.looseObject({ subject: ObjectRefSchema.extend({ name: z.string().min(1), kind: z.literal('Policy').optional() }) }),
});
const SelectorRequirementDocSchema = z.looseObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
const PolicyActionDocSchema = z.looseObject({
  action: z.string().pipe(
    z.enum(['backup', 'export'], {
      error: (issue) => `kanflow policies run backup and export actions; ${JSON.stringify(issue.input)} is not supported`,
    }),
  ),
  backupParameters: z.looseObject({ hooks: HooksSchema.optional() }).optional(),
  exportParameters: z.looseObject({ hooks: HooksSchema.optional(), profile: ProfileRefSchema.optional() }).optional(),
});
const PolicyDocSchema = z.looseObject({
  metadata: MetadataSchema.extend({ name: z.string().min(1) }),
  spec: z.looseObject({
    frequency: z.string().optional(),
    retention: z.record(z.string(), z.int().min(0)).optional(),
    selector: z.looseObject({
      matchLabels: z.record(z.string(), z.string()).optional(),
      matchExpressions: z.array(SelectorRequirementDocSchema).optional(),
    }),
    actions: z
      .array(PolicyActionDocSchema)
      .min(1)
      .superRefine((actions, ctx) => {
        for (const index of exportsWithoutPrecedingBackup(actions)) {
          ctx.addIssue({ code: 'custom', path: [index, 'action'], message: EXPORT_ORDER_MESSAGE });
        }
      }),
  }),
});

/** One YAML document being read: where its issues and warnings go. */
class DocumentReader {
  readonly source: InputSource;

  constructor(
    file: string,
    doc: Document,
    lineCounter: LineCounter,
    private readonly issues: InputIssue[],
    private readonly warnings: string[],
  ) {
    this.source = { file, doc, lineCounter };
  }

  issue(path: readonly PathSegment[], message: string): void {
    this.issues.push(issueAt(this.source, path, message));
  }

  warn(path: readonly PathSegment[], message: string): void {
    this.warnings.push(formatIssue(issueAt(this.source, path, message)));
  }

  parse<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> | undefined {
    const outcome = safeParseWith(schema, value, this.source);
    if (outcome.success) return outcome.data;
    this.issues.push(...outcome.issues);
    return undefined;
  }

  /**
   * K10 names a namespace in several places (subject, metadata, label); they must agree. Returns the first
   * one given, or reports `missing` when none is.
   */
  agreeingNamespace(
    candidates: readonly { path: PathSegment[]; value: string | undefined }[],
    missing: { path: PathSegment[]; message: string },
  ): string | undefined {
    const given = candidates.filter((candidate) => candidate.value !== undefined);
    const first = given[0];
    if (first === undefined) {
      this.issue(missing.path, missing.message);
      return undefined;
    }
    for (const other of given.slice(1)) {
      if (other.value !== first.value) {
        this.issue(
          other.path,
          `${JSON.stringify(other.value)} contradicts ${formatPath(first.path)} ${JSON.stringify(first.value)}`,
        );
      }
    }
    return this.parse(NamespaceNameSchema, first.value) === undefined ? undefined : first.value;
  }
}

function profileLocation(profile: { name: string } | undefined): ExportLocation | undefined {
  // kanflow exports to filesystem locations; the K10 profile name is kept so that the location can be traced.
  return profile === undefined ? undefined : { type: 'filesystem', profile: profile.name };
}

function finishRequest(reader: DocumentReader, candidate: unknown): ActionRequest | undefined {
  return reader.parse(ActionRequestSchema, candidate);
}

function readBackupAction(reader: DocumentReader, value: unknown): ActionRequest | undefined {
  const doc = reader.parse(BackupActionDocSchema, value);
  if (doc === undefined) return undefined;
  const namespace = reader.agreeingNamespace(
    [
      { path: ['spec', 'subject', 'namespace'], value: doc.spec?.subject?.namespace },
      { path: ['metadata', 'namespace'], value: doc.metadata?.namespace },
      { path: ['metadata', 'labels', APP_NAMESPACE_LABEL], value: doc.metadata?.labels?.[APP_NAMESPACE_LABEL] },
    ],
    {
      path: ['spec', 'subject', 'namespace'],
      message: `required: the namespace to back up (spec.subject.namespace, metadata.namespace or label ${APP_NAMESPACE_LABEL})`,
    },
  );
  if (namespace === undefined) return undefined;
  return finishRequest(reader, { kind: 'backup', namespace, hooks: doc.spec?.hooks ?? {} });
}

function readExportAction(reader: DocumentReader, value: unknown): ActionRequest | undefined {
  const doc = reader.parse(ExportActionDocSchema, value);
  if (doc === undefined) return undefined;
  const namespace = reader.agreeingNamespace(
    [
      { path: ['spec', 'subject', 'namespace'], value: doc.spec.subject?.namespace },
      { path: ['metadata', 'namespace'], value: doc.metadata?.namespace },
    ],
    {
      path: ['spec', 'subject', 'namespace'],
      message: 'required: the namespace of the restore point to export (spec.subject.namespace or metadata.namespace)',
    },
  );
  if (namespace === undefined) return undefined;
  const location = profileLocation(doc.spec.profile);
  return finishRequest(reader, {
    kind: 'export',
    namespace,
    ...(doc.spec.subject?.name !== undefined && { restorePoint: doc.spec.subject.name }),
    ...(location && { location }),
    hooks: doc.spec.hooks ?? {},
  });
}

function readRestoreAction(reader: DocumentReader, value: unknown): ActionRequest | undefined {
  const doc = reader.parse(RestoreActionDocSchema, value);
  if (doc === undefined) return undefined;
  if (doc.spec['filters'] !== undefined) {
    reader.warn(['spec', 'filters'], 'ignored: kanflow restores the whole restore point');
  }
  const targetNamespace = reader.agreeingNamespace(
    [
      { path: ['spec', 'targetNamespace'], value: doc.spec.targetNamespace },
      { path: ['metadata', 'namespace'], value: doc.metadata?.namespace },
    ],
    { path: ['spec', 'targetNamespace'], message: 'required: the namespace to restore into' },
  );
  if (targetNamespace === undefined) return undefined;
  return finishRequest(reader, {
    kind: 'restore',
    restorePoint: { name: doc.spec.subject.name, namespace: doc.spec.subject.namespace },
    targetNamespace,
    hooks: doc.spec.hooks ?? {},
  });
}

interface PendingRun {
  name: string;
  namespace: string;
  reader: DocumentReader;
}

function readRunAction(reader: DocumentReader, value: unknown): PendingRun | undefined {
  const doc = reader.parse(RunActionDocSchema, value);
  if (doc === undefined) return undefined;
  return { name: doc.spec.subject.name, namespace: doc.spec.subject.namespace ?? DEFAULT_K10_NAMESPACE, reader };
}

/**
 * K10 selects applications by labels, with `k10.kasten.io/appNamespace` standing for the namespace name:
 * In on it alone becomes the namespace list; combined with other conditions, everything becomes one label
 * selector on the namespaces.
 */
function translateSelector(
  reader: DocumentReader,
  selector: z.output<typeof PolicyDocSchema>['spec']['selector'],
): Policy['selector'] | undefined {
  let namespaces: string[] | undefined;
  const restrictTo = (names: readonly string[]) => {
    namespaces = namespaces === undefined ? [...names] : namespaces.filter((name) => names.includes(name));
  };
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (key === APP_NAMESPACE_LABEL) restrictTo([value]);
    else matchLabels[key] = value;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const { key, operator, values } = expression;
    if (key !== APP_NAMESPACE_LABEL) {
      matchExpressions.push({ key, operator, ...(values !== undefined && { values }) });
    } else if (operator === 'In') {
      restrictTo(values ?? []);
    } else if (operator === 'NotIn') {
      matchExpressions.push({ key: NAMESPACE_NAME_LABEL, operator, values: values ?? [] });
    } else if (operator === 'DoesNotExist') {
      reader.issue(['spec', 'selector'], `DoesNotExist on ${APP_NAMESPACE_LABEL} selects no namespace`);
    }
    // Exists on the pseudo-label holds for every namespace: nothing to add.
  }
  const hasLabelSelector = Object.keys(matchLabels).length > 0 || matchExpressions.length > 0;
  if (namespaces === undefined && !hasLabelSelector && Object.keys(selector).length === 0) {
    reader.issue(
      ['spec', 'selector'],
      `selects nothing: give matchExpressions on ${APP_NAMESPACE_LABEL} (operator In) or matchLabels`,
    );
    return undefined;
  }
  if (namespaces !== undefined && namespaces.length === 0) {
    reader.issue(['spec', 'selector'], `the ${APP_NAMESPACE_LABEL} conditions select no namespace`);
    return undefined;
  }
  if (namespaces !== undefined && !hasLabelSelector) return { namespaces };
  // With further label conditions the namespace names join them as one label selector, so that "these
  // namespaces AND these labels" cannot be read as "these namespaces OR these labels".
  if (namespaces !== undefined) matchExpressions.unshift({ key: NAMESPACE_NAME_LABEL, operator: 'In', values: namespaces });
  return {
    labelSelector: {
      ...(Object.keys(matchLabels).length > 0 && { matchLabels }),
      ...(matchExpressions.length > 0 && { matchExpressions }),
    },
  };
}

function readPolicy(reader: DocumentReader, value: unknown): Policy | undefined {
  const doc = reader.parse(PolicyDocSchema, value);
  if (doc === undefined) return undefined;
  const { frequency, retention } = doc.spec;
  if (frequency !== undefined && frequency !== '@onDemand') {
    reader.warn(
      ['spec', 'frequency'],
      `kept but not scheduled: kanflow runs policy "${doc.metadata.name}" when asked (RunAction or kanflow run)`,
    );
  }
  const selector = translateSelector(reader, doc.spec.selector);
  if (selector === undefined) return undefined;
  const actions = doc.spec.actions.map((entry) =>
    entry.action === 'backup'
      ? { action: 'backup', hooks: entry.backupParameters?.hooks ?? {} }
      : {
          action: 'export',
          hooks: entry.exportParameters?.hooks ?? {},
          ...(entry.exportParameters?.profile && { location: profileLocation(entry.exportParameters.profile) }),
        },
  );
  return reader.parse(PolicySchema, {
    name: doc.metadata.name,
    k10Namespace: doc.metadata.namespace ?? DEFAULT_K10_NAMESPACE,
    selector,
    actions,
    ...(frequency !== undefined && { frequency }),
    ...(retention !== undefined && { retention }),
  });
}

function readKind(reader: DocumentReader, value: Record<string, unknown>): K10Kind | undefined {
  const accepted = `kanflow accepts ${K10_KINDS.join(', ')}`;
  const kind = value['kind'];
  if (kind === undefined) {
    reader.issue(['kind'], `required; ${accepted}`);
    return undefined;
  }
  if (typeof kind !== 'string' || !(K10_KINDS as readonly string[]).includes(kind)) {
    reader.issue(['kind'], `unknown kind ${JSON.stringify(kind)}; ${accepted}`);
    return undefined;
  }
  const apiVersion = value['apiVersion'];
  const group = API_GROUP_OF_KIND[kind as K10Kind];
  if (typeof apiVersion === 'string' && !apiVersion.startsWith(`${group}/`)) {
    reader.warn(['apiVersion'], `K10 serves ${kind} from ${group}/v1alpha1, not ${JSON.stringify(apiVersion)}`);
  }
  return kind as K10Kind;
}

function inReadingOrder(issues: readonly InputIssue[], files: readonly K10File[]): InputIssue[] {
  const fileIndex = (issue: InputIssue) => files.findIndex(({ file }) => file === issue.file);
  return [...issues].sort(
    (a, b) => fileIndex(a) - fileIndex(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

/** Reads every K10 document of several files; a RunAction may name a Policy from any of them. */
export function loadK10Files(files: readonly K10File[]): LoadedK10 {
  const issues: InputIssue[] = [];
  const warnings: string[] = [];
  const requests: ActionRequest[] = [];
  const policies: { policy: Policy; reader: DocumentReader }[] = [];
  const pendingRuns: PendingRun[] = [];

  for (const { text, file } of files) {
    const lineCounter = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
    const docs = Array.isArray(parsed) ? parsed : [];
    for (const doc of docs) {
      const reader = new DocumentReader(file, doc, lineCounter, issues, warnings);
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          const { line, col } = lineCounter.linePos(error.pos[0]);
          issues.push({ file, line, column: col, path: '', message: `YAML: ${error.message}` });
        }
        continue;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value == null) continue; // an empty document, e.g. after a trailing `---`
      if (typeof value !== 'object' || Array.isArray(value)) {
        reader.issue([], `expected a K10 object (apiVersion, kind, metadata, spec), got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
        continue;
      }
      const kind = readKind(reader, value as Record<string, unknown>);
      switch (kind) {
        case 'BackupAction':
        case 'ExportAction':
        case 'RestoreAction': {
          const read = { BackupAction: readBackupAction, ExportAction: readExportAction, RestoreAction: readRestoreAction }[kind];
          const request = read(reader, value);
          if (request) requests.push(request);
          break;
        }
        case 'RunAction': {
          const run = readRunAction(reader, value);
          if (run) pendingRuns.push(run);
          break;
        }
        case 'Policy': {
          const policy = readPolicy(reader, value);
          if (policy === undefined) break;
          const earlier = policies.find(
            (known) => known.policy.name === policy.name && known.policy.k10Namespace === policy.k10Namespace,
          );
          if (earlier) {
            const { file: earlierFile, line } = issueAt(earlier.reader.source, ['metadata', 'name'], '');
            reader.issue(['metadata', 'name'], `policy "${policy.name}" is already defined at ${earlierFile}:${line}`);
          } else {
            policies.push({ policy, reader });
          }
          break;
        }
        case undefined:
          break;
      }
    }
  }

  const runs: PolicyRun[] = [];
  for (const run of pendingRuns) {
    const found = policies.find((known) => known.policy.name === run.name && known.policy.k10Namespace === run.namespace);
    if (found) {
      runs.push({ policy: found.policy });
      continue;
    }
    const given = policies.map(({ policy }) => `${policy.k10Namespace}/${policy.name}`);
    run.reader.issue(
      ['spec', 'subject', 'name'],
      `Policy "${run.namespace}/${run.name}" is not among the given documents; pass the file that defines it` +
        (given.length > 0 ? ` (policies given: ${given.join(', ')})` : ''),
    );
  }

  if (issues.length > 0) throw new InputError(inReadingOrder(issues, files));
  return { requests, policies: policies.map(({ policy }) => policy), runs, warnings };
}

/** Reads one multi-document K10 YAML file. Throws InputError listing every problem in it. */
export function loadK10Documents(text: string, file: string): LoadedK10 {
  return loadK10Files([{ text, file }]);
}
