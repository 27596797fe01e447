// Kanister Blueprint (cr.kanister.io/v1alpha1) schema and YAML loading with file:line:column positions.
// Field set follows kanister pkg/apis/cr/v1alpha1/types.go; unknown fields are ignored with a warning,
// as a structural CRD schema would prune them (real blueprints carry e.g. a legacy action `type`).
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { z } from 'zod';

export const BLUEPRINT_API_VERSION = 'cr.kanister.io/v1alpha1';
export const BLUEPRINT_KIND = 'Blueprint';

const stringMap = z.record(z.string(), z.string());

export const ObjectReferenceSchema = z.strictObject({
  kind: z.string(),
  name: z.string(),
  namespace: z.string(),
  apiVersion: z.string().optional(),
  group: z.string().optional(),
  resource: z.string().optional(),
});

export const ArtifactSchema = z.strictObject({
  keyValue: stringMap.optional(),
  kopiaSnapshot: z.string().optional(),
});

export const BlueprintPhaseSchema = z.strictObject({
  func: z.string().min(1),
  /** Kanister requires it for `.Phases.<name>`; one real deferPhase omits it, so validation reports it. */
  name: z.string().default(''),
  objects: z.record(z.string(), ObjectReferenceSchema).optional(),
  /** String leaves (and map keys) are Go templates, rendered just before the phase runs. */
  args: z.record(z.string(), z.unknown()).default({}),
});

export const BlueprintActionSchema = z.strictObject({
  /** Cosmetic in Kanister: the map key is the action's name. */
  name: z.string().optional(),
  kind: z.string().optional(),
  configMapNames: z.array(z.string()).optional(),
  secretNames: z.array(z.string()).optional(),
  inputArtifactNames: z.array(z.string()).optional(),
  outputArtifacts: z.record(z.string(), ArtifactSchema).optional(),
  phases: z.array(BlueprintPhaseSchema).default([]),
  deferPhase: BlueprintPhaseSchema.optional(),
});

// Kubernetes adds many metadata fields (uid, labels, managedFields, …): only name/namespace matter here.
const MetadataSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
});

export const BlueprintSchema = z.strictObject({
  apiVersion: z.literal(BLUEPRINT_API_VERSION),
  kind: z.literal(BLUEPRINT_KIND),
  metadata: MetadataSchema,
  actions: z.record(z.string(), BlueprintActionSchema).default({}),
});

export type ObjectReference = z.infer<typeof ObjectReferenceSchema>;
export type BlueprintArtifact = z.infer<typeof ArtifactSchema>;
export type BlueprintPhase = z.infer<typeof BlueprintPhaseSchema>;
export type BlueprintAction = z.infer<typeof BlueprintActionSchema>;
export type Blueprint = z.infer<typeof BlueprintSchema>;

export interface BlueprintLoadIssue {
  readonly file: string;
  /** 1-based; 0 when the position is unknown. */
  readonly line: number;
  readonly column: number;
  /** Path of the offending node inside its document, e.g. `actions.backup.phases[0].func`. */
  readonly path: string;
  readonly message: string;
}

export class BlueprintLoadError extends Error {
  override readonly name = 'BlueprintLoadError';
  constructor(readonly issues: readonly BlueprintLoadIssue[]) {
    super(issues.map(formatLoadIssue).join('\n'));
  }
}

export interface LoadedBlueprints {
  readonly blueprints: Blueprint[];
  readonly warnings: string[];
}

export function formatLoadIssue(issue: BlueprintLoadIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Parses every YAML document in `text`; Blueprint documents are validated against the schema, others are
 * skipped with a warning. Throws BlueprintLoadError listing every problem of every document.
 */
export function loadBlueprints(text: string, file: string): LoadedBlueprints {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const blueprints: Blueprint[] = [];
  const warnings: string[] = [];
  const issues: BlueprintLoadIssue[] = [];
  const docs = Array.isArray(documents) ? documents : [];
  if (!Array.isArray(documents)) {
    // An empty stream: parseAllDocuments returns an EmptyStream with no documents.
    warnings.push(`${file}: no YAML documents`);
  }

  const position = (offset: number | undefined): { line: number; column: number } => {
    if (offset === undefined) return { line: 0, column: 0 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  docs.forEach((doc, index) => {
    const docLabel = docs.length > 1 ? ` (document ${index + 1})` : '';
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        issues.push({ file, ...position(error.pos[0]), path: '', message: `YAML: ${firstLine(error.message)}` });
      }
      return;
    }
    for (const warning of doc.warnings) {
      warnings.push(`${file}:${formatPosition(position(warning.pos[0]))}: YAML: ${firstLine(warning.message)}`);
    }
    const data: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (data == null) return; // empty document, e.g. a trailing `---`
    const record = isRecord(data) ? data : undefined;
    if (record?.kind !== BLUEPRINT_KIND || record.apiVersion !== BLUEPRINT_API_VERSION) {
      const what = record ? `${String(record.apiVersion ?? '?')} ${String(record.kind ?? '?')}` : typeof data;
      warnings.push(`${file}:${formatPosition(position(doc.contents?.range[0]))}: skipped non-Blueprint document${docLabel}: ${what}`);
      return;
    }

    const parsed = BlueprintSchema.safeParse(data);
    if (parsed.success) {
      blueprints.push(parsed.data);
      return;
    }
    let hardErrors = false;
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const keyPath = [...(issue.path as PathSegment[]), key];
          const at = position(keyOffset(doc, keyPath));
          warnings.push(`${file}:${formatPosition(at)}: ${formatPath(keyPath)}: unknown field "${key}" ignored`);
          deleteAt(data, keyPath);
        }
      } else {
        hardErrors = true;
        const path = issue.path as PathSegment[];
        issues.push({ file, ...position(nodeOffset(doc, path)), path: formatPath(path), message: issue.message });
      }
    }
    if (hardErrors) return;
    const cleaned = BlueprintSchema.safeParse(data);
    if (cleaned.success) blueprints.push(cleaned.data);
    else issues.push({ file, line: 0, column: 0, path: '', message: cleaned.error.message });
  });

  if (issues.length > 0) throw new BlueprintLoadError(issues);
  return { blueprints, warnings };
}

export async function loadBlueprintFile(file: string): Promise<LoadedBlueprints> {
  return loadBlueprints(await readFile(file, 'utf8'), file);
}

function formatPosition(at: { line: number; column: number }): string {
  return `${at.line}:${at.column}`;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deleteAt(data: unknown, path: readonly PathSegment[]): void {
  let current: unknown = data;
  for (const segment of path.slice(0, -1)) {
    if (!isRecord(current) && !Array.isArray(current)) return;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  if (isRecord(current)) delete current[String(path[path.length - 1])];
}

/** Walks the YAML AST along `path`; returns the deepest node reached (the nearest existing parent). */
function walk(doc: Document, path: readonly PathSegment[]): { node: YamlNode | null; keyNode?: YamlNode; complete: boolean } {
  let node = doc.contents as YamlNode | null;
  let keyNode: YamlNode | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return { node, complete: false };
      keyNode = pair.key as YamlNode;
      node = (pair.value as YamlNode | null) ?? keyNode;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) return { node, complete: false };
      keyNode = undefined;
      node = item;
    } else {
      return { node, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

function nodeOffset(doc: Document, path: readonly PathSegment[]): number | undefined {
  const { node, keyNode, complete } = walk(doc, path);
  // A missing field is reported at its parent; a null value (`args:` with nothing) at its key.
  if (complete && keyNode && (node === keyNode || (isScalar(node) && node.value === null))) return keyNode.range?.[0];
  return node?.range?.[0];
}

function keyOffset(doc: Document, path: readonly PathSegment[]): number | undefined {
  const { node, keyNode, complete } = walk(doc, path);
  if (complete && keyNode) return keyNode.range?.[0];
  return node?.range?.[0];
}
