// Go's encoding/json Marshal for template values: sorted map keys, struct field order and tags,
// []byte as base64, HTML-safe escaping of <, >, & and U+2028/U+2029.
import { GoExecError } from './errors.js';
import { base64Encode } from './encoding.js';
import { formatTime } from './gotime.js';
import { GoTime } from './gotime.js';
import { sortedKeys, structInfo, truth, type GoRecord } from './values.js';

const HEX = '0123456789abcdef';

export function jsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      switch (c) {
        case 0x22: esc = '\\"'; break;
        case 0x5c: esc = '\\\\'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        default:
          esc = `\\u${HEX[(c >> 12) & 15]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Lone surrogates are invalid UTF-8 in Go, replaced by U+FFFD.
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      esc = '\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

function isEmptyValue(v: unknown): boolean {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) {
    return structInfo(v) !== undefined || v instanceof GoTime ? false : !truth(v);
  }
  return !truth(v);
}

function encode(v: unknown, indent: string, depth: number): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new GoExecError(`json: unsupported value: ${v}`);
      // JavaScript's shortest representation switches to exponent form at the same bounds as Go.
      return String(v);
    case 'function':
      throw new GoExecError('json: unsupported type: func()');
    default:
      break;
  }
  if (v instanceof GoTime) return jsonString(formatTime(v, '2006-01-02T15:04:05.999999999Z07:00'));
  if (v instanceof Uint8Array) return jsonString(base64Encode(v));
  const nl = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const close = indent ? `\n${indent.repeat(depth)}` : '';
  const sep = indent ? ': ' : ':';
  let out = '';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + nl + encode(v[i], indent, depth + 1);
    return out === '' ? '[]' : `[${out}${close}]`;
  }
  const obj = v as GoRecord;
  const info = structInfo(obj);
  const keys = info ? Object.keys(obj) : sortedKeys(obj);
  for (const key of keys) {
    let name = key;
    if (info) {
      name = info.jsonNames?.[key] ?? key;
      if (name === '-' || (info.omitEmpty?.includes(key) && isEmptyValue(obj[key]))) continue;
    }
    out += (out === '' ? '' : ',') + nl + jsonString(name) + sep + encode(obj[key], indent, depth + 1);
  }
  return out === '' ? '{}' : `{${out}${close}}`;
}

/** json.Marshal; throws GoExecError for unsupported values. */
export function marshalJson(v: unknown): string {
  return encode(v, '', 0);
}

/** json.MarshalIndent(v, "", "  "). */
export function marshalJsonIndent(v: unknown): string {
  return encode(v, '  ', 0);
}
