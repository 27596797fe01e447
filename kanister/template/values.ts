// How JavaScript data stands in for Go values during template execution.
//
// * plain objects are Go maps (map[string]…): sorted keys when printed or ranged, missing key = error;
// * objects carrying the `goStruct` marker are Go structs: declared field order, unknown field = error;
// * null/undefined is Go nil; Uint8Array is []byte (Secret data); GoTime is time.Time;
// * integral numbers are Go ints (Kubernetes' unstructured decoding yields int64), others float64.
import { GoExecError } from './errors.js';
import { GoTime } from './gotime.js';

/** Marks an object as a Go struct. The value describes the type (all optional). */
export const goStruct: unique symbol = Symbol.for('kanflow.template.goStruct');

export interface GoStructInfo {
  /** Go type name for messages, e.g. `param.Profile`. */
  readonly typeName?: string;
  /** JSON member name per field (from `json:"…"` tags); `-` drops the field. Untagged fields use their Go name. */
  readonly jsonNames?: Readonly<Record<string, string>>;
  /** Fields tagged `omitempty`. */
  readonly omitEmpty?: readonly string[];
}

/** Declares the element zero value of a Go map (what `index` returns for a missing key), e.g. `''` for map[string]string. */
export const goMapZero: unique symbol = Symbol.for('kanflow.template.goMapZero');

/** Marks `value` as a Go struct; returns it for chaining. */
export function asGoStruct<T extends object>(value: T, info: GoStructInfo = {}): T {
  Object.defineProperty(value, goStruct, { value: info, enumerable: false });
  return value;
}

/** Declares the zero value returned by `index` for keys missing from map `value`; returns it. */
export function withMapZero<T extends object>(value: T, zero: unknown): T {
  Object.defineProperty(value, goMapZero, { value: zero, enumerable: false });
  return value;
}

export type GoRecord = Record<string, unknown>;

export function structInfo(value: unknown): GoStructInfo | undefined {
  return typeof value === 'object' && value !== null ? (value as { [goStruct]?: GoStructInfo })[goStruct] : undefined;
}

/** A Go map (a plain data object that is neither a struct, a slice, bytes nor a time). */
export function isGoMap(value: unknown): value is GoRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof GoTime) &&
    structInfo(value) === undefined
  );
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Go type name of a value, as `printf "%T"` and error messages show it. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float64';
    case 'bigint':
      return 'int64';
    case 'function':
      return 'func';
    default:
      break;
  }
  if (value instanceof Uint8Array) return '[]uint8';
  if (value instanceof GoTime) return 'time.Time';
  if (Array.isArray(value)) return '[]interface {}';
  const info = structInfo(value);
  if (info) return info.typeName ?? 'struct';
  return 'map[string]interface {}';
}

/** Go's notion of "true" for if/with/and/or/not: zero values and empty containers are false. */
export function truth(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'string':
      return value.length > 0;
    case 'bigint':
      return value !== 0n;
    case 'object':
      if (Array.isArray(value) || value instanceof Uint8Array) return value.length > 0;
      if (value instanceof GoTime || structInfo(value)) return true;
      for (const _ in value) return true;
      return false;
    default:
      return true;
  }
}

/** Sorted map keys, as Go's fmt, encoding/json and range order them. */
export function sortedKeys(map: GoRecord): string[] {
  const keys = Object.keys(map);
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys;
}

/** The value `index` yields for a key that is not in `map`. */
export function mapZeroValue(map: GoRecord): unknown {
  const declared = (map as { [goMapZero]?: unknown })[goMapZero];
  if (declared !== undefined || goMapZero in map) return declared;
  // Infer the element type from the entries: map[string]string and map[string][]byte are common.
  let zero: unknown = undefined;
  let first = true;
  for (const key in map) {
    const v = map[key];
    const z = typeof v === 'string' ? '' : v instanceof Uint8Array ? new Uint8Array(0) : null;
    if (first) zero = z;
    else if (typeof z !== typeof zero || (z === null) !== (zero === null)) return null;
    first = false;
  }
  return first ? null : zero;
}

/** Byte length of a Go string (UTF-8). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const utf8Encode = (s: string): Uint8Array => encoder.encode(s);
export const utf8Decode = (b: Uint8Array): string => decoder.decode(b);

/** Requires a Go string argument (Go's reflection would refuse anything else). */
export function expectString(value: unknown, fn: string): string {
  if (typeof value === 'string') return value;
  throw new GoExecError(`wrong type for value; expected string; got ${goTypeName(value)} (in ${fn})`);
}

/** Requires a Go int argument. */
export function expectInt(value: unknown, fn: string): number {
  if (isInteger(value)) return value;
  throw new GoExecError(`wrong type for value; expected int; got ${goTypeName(value)} (in ${fn})`);
}
