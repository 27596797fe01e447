// Input errors for platform engineers: every problem of a file at once, each as file:line:column: field: message.
import type * as z from 'zod';
import type { Document, LineCounter } from 'yaml';
import { locateYamlPath } from './yaml-location.js';
import type { PathSegment } from './yaml-location.js';

export interface InputIssue {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted field path, e.g. `spec.hooks.preHook.actionName`; empty for the document as a whole. */
  path: string;
  message: string;
}

/** Where a value came from, so that its issues can name file, line and field. */
export interface InputSource {
  file?: string;
  doc?: Document;
  lineCounter?: LineCounter;
  /** Path of `value` inside `doc` (and prefix of every reported field). */
  basePath?: readonly PathSegment[];
}

export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function formatIssue(issue: InputIssue): string {
  const where = [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(':');
  return [where, issue.path, issue.message].filter((part) => part !== undefined && part !== '').join(': ');
}

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }

  /** One line per issue, e.g. `policy.yaml:14:9: spec.actions[0].backupParameters.hooks.preHook.actionName: required`. */
  format(): string {
    return this.issues.map(formatIssue).join('\n');
  }
}

/** An issue at `path` (relative to `source.basePath`), located in the source document when there is one. */
export function issueAt(source: InputSource, path: readonly PathSegment[], message: string): InputIssue {
  const fullPath = [...(source.basePath ?? []), ...path];
  const position =
    source.doc && source.lineCounter ? locateYamlPath(source.doc, fullPath, source.lineCounter) : undefined;
  return {
    ...(source.file !== undefined && { file: source.file }),
    ...(position && { line: position.line, column: position.column }),
    path: formatPath(fullPath),
    message,
  };
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** ` (did you mean "preHook"?)` when `given` is a near miss of one of `known`, else ''. */
export function didYouMean(given: string, known: readonly string[]): string {
  const lower = given.toLowerCase();
  const match =
    known.find((name) => name.toLowerCase() === lower) ??
    known.find((name) => editDistance(name.toLowerCase(), lower) <= 2);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
};

function sizeLimit(origin: unknown, bound: number | bigint, inclusive: boolean | undefined, atLeast: boolean): string {
  const relation = atLeast ? (inclusive === false ? 'greater than' : 'at least') : inclusive === false ? 'less than' : 'at most';
  if (origin === 'string') return atLeast && Number(bound) === 1 ? 'must not be empty' : `must be ${relation} ${bound} characters long`;
  if (origin === 'array') return atLeast && Number(bound) === 1 ? 'must list at least one item' : `must list ${relation} ${bound} items`;
  return `must be ${relation} ${bound}`;
}

/**
 * Plain-language messages for zod's issue codes. Used per parse (not globally) so that messages a schema sets
 * itself still win and other code using zod is unaffected.
 */
const friendlyMessages: z.core.$ZodErrorMap = (issue) => {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'required';
      return `must be ${EXPECTED_NAMES[issue.expected] ?? issue.expected} (got ${describeValue(input)})`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])} (got ${describeValue(input)})`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')} (got ${describeValue(input)})`;
    case 'too_small':
      return `${sizeLimit(issue.origin, issue.minimum, issue.inclusive, true)} (got ${describeValue(input)})`;
    case 'too_big':
      return `${sizeLimit(issue.origin, issue.maximum, issue.inclusive, false)} (got ${describeValue(input)})`;
    case 'invalid_union':
      if (issue.discriminator !== undefined) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map((option) => JSON.stringify(option)).join(', ');
        const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : input;
        return given === undefined ? `required; one of ${options}` : `must be one of ${options} (got ${describeValue(given)})`;
      }
      return `does not match any accepted form (got ${describeValue(input)})`;
    case 'invalid_format':
      return `must be ${issue.format} (got ${describeValue(input)})`;
    default:
      return undefined;
  }
};

function pathOf(issue: z.core.$ZodIssue): PathSegment[] {
  return issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
}

/** Names of the required fields missing beside an unknown one: the likely intended spellings. */
function missingSiblings(issues: readonly z.core.$ZodIssue[], parent: readonly PathSegment[]): string[] {
  return issues.flatMap((issue) => {
    const path = pathOf(issue);
    const name = path.at(-1);
    const isSibling = path.length === parent.length + 1 && parent.every((segment, index) => path[index] === segment);
    return isSibling && typeof name === 'string' && issue.code === 'invalid_type' && issue.message.startsWith('required')
      ? [name]
      : [];
  });
}

/** zod issues as input issues; an unknown field becomes one issue per field, pointing at that field. */
export function zodIssuesToInputIssues(issues: readonly z.core.$ZodIssue[], source: InputSource): InputIssue[] {
  return issues.flatMap((issue) => {
    const path = pathOf(issue);
    if (issue.code === 'unrecognized_keys') {
      const missing = missingSiblings(issues, path);
      return issue.keys.map((key) => issueAt(source, [...path, key], `unknown field "${key}"${didYouMean(key, missing)}`));
    }
    return [issueAt(source, path, issue.message)];
  });
}

export type ParseOutcome<T> = { success: true; data: T } | { success: false; issues: InputIssue[] };

/** Validates `value` and returns every issue, located in `source`. */
export function safeParseWith<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  source: InputSource = {},
): ParseOutcome<z.output<Schema>> {
  const result = schema.safeParse(value, { error: friendlyMessages });
  if (result.success) return { success: true, data: result.data };
  return { success: false, issues: zodIssuesToInputIssues(result.error.issues, source) };
}

/** Validates `value`; throws an InputError listing every issue. */
export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  source: InputSource = {},
): z.output<Schema> {
  const outcome = safeParseWith(schema, value, source);
  if (!outcome.success) throw new InputError(outcome.issues);
  return outcome.data;
}
