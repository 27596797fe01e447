// Go text/template's predefined functions (and/or are evaluated lazily by the runtime, see runtime.ts).
import { GoExecError } from './errors.js';
import { formatValue, sprint, sprintf, sprintln } from './format.js';
import { GoTime } from './gotime.js';
import {
  goTypeName,
  isGoMap,
  isInteger,
  mapZeroValue,
  structInfo,
  truth,
  utf8Decode,
  utf8Encode,
  utf8Length,
} from './values.js';

export type GoCallable = (...args: unknown[]) => unknown;

export interface GoFunction {
  readonly call: GoCallable;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
}

export const fn = (call: GoCallable, minArgs: number, maxArgs = minArgs): GoFunction => ({ call, minArgs, maxArgs });

/** One step of Go's `index`: element of a slice/string, entry of a map (zero value when absent). */
export function indexStep(item: unknown, key: unknown): unknown {
  if (item === null || item === undefined) throw new GoExecError('index of untyped nil');
  if (typeof item === 'string' || Array.isArray(item) || item instanceof Uint8Array) {
    if (!isInteger(key)) throw new GoExecError(`cannot index slice/array with type ${goTypeName(key)}`);
    const seq = typeof item === 'string' ? utf8Encode(item) : item;
    if (key < 0 || key >= seq.length) throw new GoExecError(`error calling index: index out of range: ${key}`);
    return seq[key] ?? null;
  }
  if (isGoMap(item)) {
    if (typeof key !== 'string') throw new GoExecError(`value has type ${goTypeName(key)}; should be string`);
    if (Object.prototype.hasOwnProperty.call(item, key)) return item[key] ?? null;
    return mapZeroValue(item);
  }
  throw new GoExecError(`can't index item of type ${goTypeName(item)}`);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const key of keys) v = indexStep(v, key);
  return v;
}

function length(item: unknown): number {
  if (typeof item === 'string') return utf8Length(item);
  if (Array.isArray(item) || item instanceof Uint8Array) return item.length;
  if (isGoMap(item)) return Object.keys(item).length;
  if (item === null || item === undefined) throw new GoExecError('len of nil pointer');
  throw new GoExecError(`len of type ${goTypeName(item)}`);
}

type Comparable = 'nil' | 'bool' | 'number' | 'string' | 'time' | 'other';

function comparableKind(v: unknown): Comparable {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoTime) return 'time';
  return 'other';
}

function equal(a: unknown, b: unknown): boolean {
  const ka = comparableKind(a);
  const kb = comparableKind(b);
  if (ka === 'other' || kb === 'other') {
    if (structInfo(a) && structInfo(b)) return a === b;
    throw new GoExecError(`error calling eq: non-comparable type ${formatValue(ka === 'other' ? a : b)}: ${goTypeName(ka === 'other' ? a : b)}`);
  }
  if (ka === 'nil' || kb === 'nil') return ka === kb;
  if (ka !== kb) throw new GoExecError('error calling eq: incompatible types for comparison');
  if (ka === 'time') {
    const ta = a as GoTime;
    const tb = b as GoTime;
    return ta.sec === tb.sec && ta.nsec === tb.nsec && ta.offset === tb.offset;
  }
  // eslint-disable-next-line eqeqeq -- number vs bigint must compare by value
  return a == b;
}

function eq(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new GoExecError('error calling eq: missing argument for comparison');
  return others.some((b) => equal(a, b));
}

function less(name: string, a: unknown, b: unknown): boolean {
  const ka = comparableKind(a);
  const kb = comparableKind(b);
  if ((ka !== 'number' && ka !== 'string') || (kb !== 'number' && kb !== 'string')) {
    throw new GoExecError(`error calling ${name}: invalid type for comparison`);
  }
  if (ka !== kb) throw new GoExecError(`error calling ${name}: incompatible types for comparison`);
  return (a as number | string) < (b as number | string);
}

/** Go's evalArgs: a single string as is, anything else through fmt.Sprint. */
function argsText(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0' ? '\ufffd' : c === '"' ? '&#34;' : c === "'" ? '&#39;' : c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;',
  );
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
      default: break;
    }
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (indexes.length > 3) throw new GoExecError(`too many slice indexes: ${indexes.length}`);
  for (const i of indexes) if (!isInteger(i)) throw new GoExecError(`cannot index slice/array with type ${goTypeName(i)}`);
  const [from = 0, to, max] = indexes as number[];
  if (typeof item === 'string') {
    if (max !== undefined) throw new GoExecError('cannot 3-index slice a string');
    const bytes = utf8Encode(item);
    const end = to ?? bytes.length;
    if (from < 0 || end < from || end > bytes.length) throw new GoExecError(`index out of range: ${end}`);
    return utf8Decode(bytes.subarray(from, end));
  }
  if (Array.isArray(item) || item instanceof Uint8Array) {
    const end = to ?? item.length;
    if (from < 0 || end < from || end > (max ?? item.length)) throw new GoExecError(`index out of range: ${end}`);
    return item.slice(from, end);
  }
  throw new GoExecError(`can't slice item of type ${goTypeName(item)}`);
}

function call(f: unknown, ...args: unknown[]): unknown {
  if (typeof f !== 'function') throw new GoExecError(`non-function of type ${goTypeName(f)}`);
  return (f as GoCallable)(...args);
}

/** Predefined functions of text/template. `and`/`or` are here for arity checks; the runtime short-circuits them. */
export const builtinFunctions: Readonly<Record<string, GoFunction>> = {
  and: fn((...args) => args.find((a) => !truth(a)) ?? args[args.length - 1], 1, Infinity),
  or: fn((...args) => args.find((a) => truth(a)) ?? args[args.length - 1], 1, Infinity),
  not: fn((a) => !truth(a), 1),
  len: fn(length, 1),
  index: fn(index, 1, Infinity),
  slice: fn(slice, 1, 4),
  print: fn((...args) => sprint(args), 0, Infinity),
  println: fn((...args) => sprintln(args), 0, Infinity),
  printf: fn((format, ...args) => {
    if (typeof format !== 'string') throw new GoExecError(`wrong type for value; expected string; got ${goTypeName(format)}`);
    return sprintf(format, args);
  }, 1, Infinity),
  eq: fn(eq, 1, Infinity),
  ne: fn((a, b) => {
    if (b === undefined) throw new GoExecError('error calling ne: missing argument for comparison');
    return !equal(a, b);
  }, 2),
  lt: fn((a, b) => less('lt', a, b), 2),
  le: fn((a, b) => less('le', a, b) || equal(a, b), 2),
  gt: fn((a, b) => !less('gt', a, b) && !equal(a, b), 2),
  ge: fn((a, b) => !less('ge', a, b), 2),
  html: fn((...args) => htmlEscape(argsText(args)), 0, Infinity),
  js: fn((...args) => jsEscape(argsText(args)), 0, Infinity),
  urlquery: fn((...args) => queryEscape(argsText(args)), 0, Infinity),
  call: fn(call, 1, Infinity),
};
