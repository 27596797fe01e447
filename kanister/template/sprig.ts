// Sprig v2.22 (the version Kanister pins) with Kanister's FIPS overrides, reimplemented on Go semantics.
// Argument order follows sprig, so the piped value (last argument) is the subject: `.X | replace "a" "b"`.
import { fn, type GoFunction } from './builtins.js';
import { templateEnvironment } from './environment.js';
import { base32Decode, base32Encode, base64Decode, base64Encode, adler32, sha1, sha256, toHex } from './encoding.js';
import { GoExecError } from './errors.js';
import { formatFloatG, formatValue, quoteGo } from './format.js';
import { formatTime, GoTime, parseTime } from './gotime.js';
import { marshalJson, marshalJsonIndent } from './json.js';
import {
  expectInt,
  expectString,
  goTypeName,
  isGoMap,
  isInteger,
  sortedKeys,
  structInfo,
  truth,
  utf8Decode,
  utf8Encode,
  type GoRecord,
} from './values.js';

// ---- conversions (sprig's strval / cast.ToInt64 / cast.ToFloat64) ----

export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8Decode(v);
  if (v instanceof Error) return v.message;
  return formatValue(v);
}

function toInt64(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(s)) {
      const neg = s.startsWith('-');
      const body = s.replace(/^[+-]/, '');
      const n = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : Number(body);
      return neg ? -n : n;
    }
    return 0;
  }
  if (v instanceof GoTime) return v.sec;
  return 0;
}

function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function list(v: unknown, fnName: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v);
  throw new GoExecError(`Cannot ${fnName} on type ${goTypeName(v)}`);
}

function dictArg(v: unknown, fnName: string): GoRecord {
  if (isGoMap(v)) return v;
  throw new GoExecError(`wrong type for value; expected map[string]interface {}; got ${goTypeName(v)} (in ${fnName})`);
}

const isEmpty = (v: unknown): boolean => !truth(v);

// ---- dates ----

const timeOf = (v: unknown): GoTime | undefined => {
  if (v instanceof GoTime) return v;
  if (isInteger(v)) return new GoTime(v, 0);
  return undefined;
};

function zoneOffset(zone: string, t: GoTime): { offset: number; name: string } {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return { offset: 0, name: 'UTC' };
  try {
    const ms = t.sec * 1000;
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(ms);
    const text = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d\d):(\d\d)/.exec(text);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    const short = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(ms);
    const abbr = short.find((p) => p.type === 'timeZoneName')?.value ?? '';
    return { offset, name: /^[A-Z]{2,5}$/.test(abbr) ? abbr : '' };
  } catch {
    // sprig falls back to UTC when the zone cannot be loaded.
    return { offset: 0, name: 'UTC' };
  }
}

function dateInZone(layout: unknown, date: unknown, zone: unknown): string {
  const t = timeOf(date) ?? GoTime.fromMillis(templateEnvironment.now());
  const z = zoneOffset(expectString(zone, 'dateInZone'), t);
  return formatTime(t.inZone(z.offset, z.name), expectString(layout, 'date'));
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in nanoseconds. */
function parseDuration(s: string): number | undefined {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (s === '0') return 0;
  if (!m) return undefined;
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}

/** time.Duration.String */
function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let d = Math.abs(ns);
  let out: string;
  if (d < 1e9) {
    out = d < 1e3 ? `${d}ns` : d < 1e6 ? `${formatFloatG(d / 1e3)}µs` : `${formatFloatG(d / 1e6)}ms`;
  } else {
    const h = Math.floor(d / 3600e9);
    d -= h * 3600e9;
    const m = Math.floor(d / 60e9);
    d -= m * 60e9;
    const s = `${formatFloatG(Math.round(d) / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function addNanos(t: GoTime, ns: number): GoTime {
  const total = t.nsec + ns;
  const sec = t.sec + Math.floor(total / 1e9);
  return new GoTime(sec, ((total % 1e9) + 1e9) % 1e9, t.offset, t.zone);
}

// ---- strings ----

/** strings.Title's separators: ASCII other than [A-Za-z0-9_], and white space. */
const isTitleSeparator = (c: string): boolean => (c.charCodeAt(0) < 0x80 ? !/[A-Za-z0-9_]/.test(c) : /\s/u.test(c));

/** strings.Title: upper-cases each rune that follows a separator. */
function title(s: string): string {
  let out = '';
  let prev = ' ';
  for (const c of s) {
    out += isTitleSeparator(prev) ? c.toUpperCase() : c;
    prev = c;
  }
  return out;
}
const untitle = (s: string): string => s.replace(/(^|\s)(\S)/g, (_, sep: string, c: string) => sep + c.toLowerCase());

function goReplace(src: string, old: string, replacement: string): string {
  if (old === '') return [...src].map((c) => replacement + c).join('') + replacement;
  return src.split(old).join(replacement);
}

function trimCutset(s: string, cutset: string): string {
  const chars = new Set([...cutset]);
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && chars.has(runes[start]!)) start++;
  while (end > start && chars.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join('');
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function wrap(width: number, s: string, sep = '\n'): string {
  const lines: string[] = [];
  for (const paragraph of s.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines.join(sep);
}

function randomString(count: unknown, alphabet: string): string {
  const n = expectInt(count, 'rand');
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(templateEnvironment.random() * alphabet.length)];
  return out;
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function uuidv4(): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(templateEnvironment.random() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- regular expressions (Go RE2 syntax mapped onto JavaScript) ----

const regexCache = new Map<string, RegExp>();
function goRegex(pattern: unknown, global: boolean): RegExp {
  const source = expectString(pattern, 'regex');
  const key = `${global ? 'g' : '-'}${source}`;
  let re = regexCache.get(key);
  if (!re) {
    let body = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
    let flags = global ? 'g' : '';
    const inline = /^\(\?([imsU]+)\)/.exec(body);
    if (inline) {
      body = body.slice(inline[0].length);
      for (const f of inline[1]!) if (f !== 'U') flags += f;
    }
    try {
      re = new RegExp(body, flags);
    } catch (e) {
      throw new GoExecError(`error parsing regexp: ${(e as Error).message}`);
    }
    if (regexCache.size < 500) regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Converts a Go regexp replacement template ($1, ${1}, ${name}) to JavaScript's syntax. */
const goReplacement = (repl: string): string =>
  repl.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (all, _inner: string, braced?: string, bare?: string) => {
    if (all === '$$') return '$$';
    const name = braced ?? bare ?? '';
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });

// ---- lists and dicts ----

/** Stores a map entry as data even for keys such as `__proto__`. */
function setEntry(map: GoRecord, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Uint8Array) return v.slice();
  if (isGoMap(v)) {
    const out: GoRecord = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return out;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((e, i) => deepEqual(e, b[i]));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((e, i) => e === b[i]);
  if (a instanceof GoTime && b instanceof GoTime) return a.sec === b.sec && a.nsec === b.nsec && a.offset === b.offset;
  if (typeof a === 'object' && typeof b === 'object' && a && b && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as GoRecord)[k], (b as GoRecord)[k]));
  }
  return false;
}

/** mergo.Merge: fills keys missing (or empty) in dst from src, recursively for nested maps. */
function mergeInto(dst: GoRecord, src: GoRecord, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const d = dst[k];
    const s = src[k];
    if (isGoMap(d) && isGoMap(s)) mergeInto(d, s, overwrite);
    else if (!(k in dst) || isEmpty(d) || (overwrite && !isEmpty(s))) dst[k] = s;
  }
}

// ---- paths (Go's path package) ----

function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// ---- URLs ----

function urlParse(v: unknown): GoRecord {
  const s = expectString(v, 'urlParse');
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s);
  if (!m) throw new GoExecError(`unable to parse url: ${s}`);
  const authority = m[2] ?? '';
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  const opaque = m[1] && m[2] === undefined && !m[3]!.startsWith('/') ? m[3]! : '';
  return {
    scheme: m[1] ?? '',
    host,
    hostname,
    path: opaque ? '' : decodeURIComponent(m[3] ?? ''),
    query: m[4] ?? '',
    opaque,
    fragment: m[5] ? decodeURIComponent(m[5]) : '',
    userinfo,
  };
}

function urlJoin(v: unknown): string {
  const d = dictArg(v, 'urlJoin');
  const get = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');
  let out = '';
  if (get('scheme')) out += `${get('scheme')}:`;
  if (get('opaque')) out += get('opaque');
  else {
    if (get('host') || get('userinfo')) out += `//${get('userinfo') ? `${get('userinfo')}@` : ''}${get('host')}`;
    out += get('path');
  }
  if (get('query')) out += `?${get('query')}`;
  if (get('fragment')) out += `#${get('fragment')}`;
  return out;
}

// ---- reflection ----

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) ? 'int' : 'float64';
    case 'bigint': return 'int64';
    case 'function': return 'func';
    default: break;
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (v instanceof GoTime || structInfo(v)) return 'struct';
  return 'map';
}

const s = (v: unknown, name: string): string => expectString(v, name);
const i = (v: unknown, name: string): number => expectInt(v, name);

const notFips = (usage: string): never => {
  throw new GoExecError(`sprig usage of '${usage}' is not allowed by kanister as it is not FIPS compatible`);
};

export const sprigFunctions: Readonly<Record<string, GoFunction>> = {
  hello: fn(() => 'Hello!', 0),

  // dates
  now: fn(() => GoTime.fromMillis(templateEnvironment.now()), 0),
  date: fn((layout, date) => dateInZone(layout, date, 'Local'), 2),
  dateInZone: fn(dateInZone, 3),
  date_in_zone: fn(dateInZone, 3),
  htmlDate: fn((date) => dateInZone('2006-01-02', date, 'Local'), 1),
  htmlDateInZone: fn((date, zone) => dateInZone('2006-01-02', date, zone), 2),
  toDate: fn((layout, value) => {
    try {
      return parseTime(s(layout, 'toDate'), s(value, 'toDate'));
    } catch (e) {
      if (e instanceof GoExecError) throw e;
      return GoTime.zero; // sprig swallows the parse error
    }
  }, 2),
  unixEpoch: fn((date) => {
    if (!(date instanceof GoTime)) throw new GoExecError(`wrong type for value; expected time.Time; got ${goTypeName(date)}`);
    return String(date.sec);
  }, 1),
  dateModify: fn((fmt, date) => modifyDate(fmt, date), 2),
  date_modify: fn((fmt, date) => modifyDate(fmt, date), 2),
  ago: fn((date) => {
    const t = timeOf(date) ?? GoTime.fromMillis(templateEnvironment.now());
    const nowNs = templateEnvironment.now() * 1e6;
    return formatDuration(Math.round((nowNs - (t.sec * 1e9 + t.nsec)) / 1e9) * 1e9);
  }, 1),

  // strings
  trim: fn((v) => s(v, 'trim').trim(), 1),
  trimAll: fn((cut, v) => trimCutset(s(v, 'trimAll'), s(cut, 'trimAll')), 2),
  trimall: fn((cut, v) => trimCutset(s(v, 'trimall'), s(cut, 'trimall')), 2),
  trimPrefix: fn((p, v) => (s(v, 'trimPrefix').startsWith(s(p, 'trimPrefix')) ? (v as string).slice((p as string).length) : v), 2),
  trimSuffix: fn((p, v) => {
    const str = s(v, 'trimSuffix');
    const suffix = s(p, 'trimSuffix');
    return suffix !== '' && str.endsWith(suffix) ? str.slice(0, str.length - suffix.length) : str;
  }, 2),
  upper: fn((v) => s(v, 'upper').toUpperCase(), 1),
  lower: fn((v) => s(v, 'lower').toLowerCase(), 1),
  title: fn((v) => title(s(v, 'title')), 1),
  untitle: fn((v) => untitle(s(v, 'untitle')), 1),
  substr: fn((start, end, v) => {
    const runes = s(v, 'substr');
    const a = i(start, 'substr');
    const b = i(end, 'substr');
    if (a < 0) return runes.slice(0, b);
    if (b < 0 || b > runes.length) return runes.slice(a);
    return runes.slice(a, b);
  }, 3),
  repeat: fn((count, v) => s(v, 'repeat').repeat(Math.max(0, i(count, 'repeat'))), 2),
  trunc: fn((c, v) => {
    const str = s(v, 'trunc');
    const n = i(c, 'trunc');
    return str.length <= n ? str : str.slice(0, Math.max(0, n));
  }, 2),
  abbrev: fn((width, v) => {
    const str = s(v, 'abbrev');
    const w = i(width, 'abbrev');
    if (w < 4 || str.length <= w) return str;
    return `${str.slice(0, w - 3)}...`;
  }, 2),
  abbrevboth: fn((left, right, v) => {
    const str = s(v, 'abbrevboth');
    const l = i(left, 'abbrevboth');
    const w = i(right, 'abbrevboth');
    if (w < 4 || str.length <= w) return str;
    const offset = Math.max(0, Math.min(l, str.length));
    if (offset <= 4) return `${str.slice(0, w - 3)}...`;
    if (offset + w - 3 < str.length) return `...${str.slice(offset, offset + w - 6)}...`;
    return `...${str.slice(str.length - (w - 3))}`;
  }, 3),
  nospace: fn((v) => s(v, 'nospace').replace(/\s+/g, ''), 1),
  initials: fn((v) => s(v, 'initials').split(/\s+/).filter(Boolean).map((w) => [...w][0]).join(''), 1),
  swapcase: fn((v) => [...s(v, 'swapcase')].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''), 1),
  shuffle: fn((v) => {
    const runes = [...s(v, 'shuffle')];
    for (let k = runes.length - 1; k > 0; k--) {
      const j = Math.floor(templateEnvironment.random() * (k + 1));
      [runes[k], runes[j]] = [runes[j]!, runes[k]!];
    }
    return runes.join('');
  }, 1),
  snakecase: fn((v) => words(s(v, 'snakecase')).map((w) => w.toLowerCase()).join('_'), 1),
  kebabcase: fn((v) => words(s(v, 'kebabcase')).map((w) => w.toLowerCase()).join('-'), 1),
  camelcase: fn((v) => s(v, 'camelcase').split('_').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join(''), 1),
  wrap: fn((width, v) => wrap(i(width, 'wrap'), s(v, 'wrap')), 2),
  wrapWith: fn((width, sep, v) => wrap(i(width, 'wrapWith'), s(v, 'wrapWith'), s(sep, 'wrapWith')), 3),
  contains: fn((sub, v) => s(v, 'contains').includes(s(sub, 'contains')), 2),
  hasPrefix: fn((p, v) => s(v, 'hasPrefix').startsWith(s(p, 'hasPrefix')), 2),
  hasSuffix: fn((p, v) => s(v, 'hasSuffix').endsWith(s(p, 'hasSuffix')), 2),
  quote: fn((...args) => args.filter((a) => a !== null && a !== undefined).map((a) => quoteGo(strval(a))).join(' '), 0, Infinity),
  squote: fn((...args) => args.filter((a) => a !== null && a !== undefined).map((a) => `'${strval(a)}'`).join(' '), 0, Infinity),
  cat: fn((...args) => args.filter((a) => a !== null && a !== undefined).map((a) => formatValue(a)).join(' '), 0, Infinity),
  indent: fn((n, v) => {
    const pad = ' '.repeat(Math.max(0, i(n, 'indent')));
    return pad + s(v, 'indent').split('\n').join(`\n${pad}`);
  }, 2),
  nindent: fn((n, v) => {
    const pad = ' '.repeat(Math.max(0, i(n, 'nindent')));
    return `\n${pad}${s(v, 'nindent').split('\n').join(`\n${pad}`)}`;
  }, 2),
  replace: fn((old, replacement, src) => goReplace(s(src, 'replace'), s(old, 'replace'), s(replacement, 'replace')), 3),
  plural: fn((one, many, count) => (i(count, 'plural') === 1 ? s(one, 'plural') : s(many, 'plural')), 3),
  toString: fn(strval, 1),
  toStrings: fn(strslice, 1),
  split: fn((sep, v) => {
    const out: GoRecord = {};
    s(v, 'split').split(s(sep, 'split')).forEach((p, k) => (out[`_${k}`] = p));
    return out;
  }, 2),
  splitn: fn((sep, n, v) => {
    const parts = s(v, 'splitn').split(s(sep, 'splitn'));
    const count = i(n, 'splitn');
    const limited = count > 0 && parts.length > count ? [...parts.slice(0, count - 1), parts.slice(count - 1).join(sep as string)] : parts;
    const out: GoRecord = {};
    limited.forEach((p, k) => (out[`_${k}`] = p));
    return out;
  }, 3),
  splitList: fn((sep, v) => (s(sep, 'splitList') === '' ? [...s(v, 'splitList')] : s(v, 'splitList').split(sep as string)), 2),
  join: fn((sep, v) => strslice(v).join(s(sep, 'join')), 2),
  sortAlpha: fn((v) => strslice(Array.isArray(v) ? v : [v]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 1),
  regexMatch: fn((re, v) => goRegex(re, false).test(s(v, 'regexMatch')), 2),
  regexFind: fn((re, v) => goRegex(re, false).exec(s(v, 'regexFind'))?.[0] ?? '', 2),
  regexFindAll: fn((re, v, n) => {
    const all = [...s(v, 'regexFindAll').matchAll(goRegex(re, true))].map((m) => m[0]);
    const limit = i(n, 'regexFindAll');
    return limit < 0 ? all : all.slice(0, limit);
  }, 3),
  regexReplaceAll: fn((re, v, repl) => s(v, 'regexReplaceAll').replace(goRegex(re, true), goReplacement(s(repl, 'regexReplaceAll'))), 3),
  regexReplaceAllLiteral: fn((re, v, repl) => s(v, 'regexReplaceAllLiteral').replace(goRegex(re, true), () => s(repl, 'regexReplaceAllLiteral')), 3),
  regexSplit: fn((re, v, n) => {
    const parts = s(v, 'regexSplit').split(goRegex(re, true));
    const limit = i(n, 'regexSplit');
    return limit < 0 ? parts : parts.slice(0, limit);
  }, 3),

  // random
  randAlphaNum: fn((n) => randomString(n, ALPHA + DIGITS), 1),
  randAlpha: fn((n) => randomString(n, ALPHA), 1),
  randAscii: fn((n) => randomString(n, ASCII), 1),
  randNumeric: fn((n) => randomString(n, DIGITS), 1),
  uuidv4: fn(uuidv4, 0),

  // math and conversions
  add: fn((...args) => args.reduce<number>((a, b) => a + toInt64(b), 0), 0, Infinity),
  add1: fn((v) => toInt64(v) + 1, 1),
  sub: fn((a, b) => toInt64(a) - toInt64(b), 2),
  mul: fn((a, ...rest) => rest.reduce<number>((acc, b) => acc * toInt64(b), toInt64(a)), 1, Infinity),
  div: fn((a, b) => {
    const d = toInt64(b);
    if (d === 0) throw new GoExecError('runtime error: integer divide by zero');
    return Math.trunc(toInt64(a) / d);
  }, 2),
  mod: fn((a, b) => {
    const d = toInt64(b);
    if (d === 0) throw new GoExecError('runtime error: integer divide by zero');
    return toInt64(a) % d;
  }, 2),
  max: fn((a, ...rest) => rest.reduce<number>((m, b) => Math.max(m, toInt64(b)), toInt64(a)), 1, Infinity),
  biggest: fn((a, ...rest) => rest.reduce<number>((m, b) => Math.max(m, toInt64(b)), toInt64(a)), 1, Infinity),
  min: fn((a, ...rest) => rest.reduce<number>((m, b) => Math.min(m, toInt64(b)), toInt64(a)), 1, Infinity),
  ceil: fn((v) => Math.ceil(toFloat64(v)), 1),
  floor: fn((v) => Math.floor(toFloat64(v)), 1),
  round: fn((v, p, ...opt) => {
    const places = toInt64(p);
    const threshold = opt.length > 0 ? toFloat64(opt[0]) : 0.5;
    const pow = 10 ** places;
    const digit = toFloat64(v) * pow;
    const [, frac] = [Math.trunc(digit), digit - Math.trunc(digit)];
    const rounded = Math.abs(frac) >= threshold ? Math.trunc(digit) + Math.sign(digit) : Math.trunc(digit);
    return rounded / pow;
  }, 2, 3),
  until: fn((count) => {
    const n = i(count, 'until');
    const step = n < 0 ? -1 : 1;
    const out: number[] = [];
    for (let k = 0; step > 0 ? k < n : k > n; k += step) out.push(k);
    return out;
  }, 1),
  untilStep: fn((start, stop, step) => {
    const a = i(start, 'untilStep');
    const b = i(stop, 'untilStep');
    const st = i(step, 'untilStep');
    const out: number[] = [];
    if (st === 0 || (st > 0 && a >= b) || (st < 0 && a <= b)) return out;
    for (let k = a; st > 0 ? k < b : k > b; k += st) out.push(k);
    return out;
  }, 3),
  atoi: fn((v) => {
    const str = s(v, 'atoi');
    return /^[+-]?\d+$/.test(str) ? Number(str) : 0;
  }, 1),
  int: fn(toInt64, 1),
  int64: fn(toInt64, 1),
  float64: fn(toFloat64, 1),
  toDecimal: fn((v) => {
    const str = strval(v);
    return /^[+-]?[0-7]+$/.test(str) ? parseInt(str, 8) : 0;
  }, 1),

  // defaults and flow
  default: fn((d, ...given) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]), 1, Infinity),
  empty: fn(isEmpty, 1),
  coalesce: fn((...args) => args.find((a) => !isEmpty(a)) ?? null, 0, Infinity),
  compact: fn((v) => list(v, 'compact').filter((e) => !isEmpty(e)), 1),
  ternary: fn((vt, vf, cond) => {
    if (typeof cond !== 'boolean') throw new GoExecError(`wrong type for value; expected bool; got ${goTypeName(cond)}`);
    return cond ? vt : vf;
  }, 3),
  fail: fn((msg) => {
    throw new GoExecError(s(msg, 'fail'));
  }, 1),
  deepCopy: fn(deepCopy, 1),
  deepEqual: fn(deepEqual, 2),

  // encoding
  toJson: fn((v) => {
    try {
      return marshalJson(v);
    } catch {
      return ''; // sprig swallows marshalling errors
    }
  }, 1),
  toPrettyJson: fn((v) => {
    try {
      return marshalJsonIndent(v);
    } catch {
      return '';
    }
  }, 1),
  b64enc: fn((v) => base64Encode(utf8Encode(s(v, 'b64enc'))), 1),
  b64dec: fn((v) => {
    const r = base64Decode(s(v, 'b64dec'));
    return 'error' in r ? r.error : utf8Decode(r.bytes);
  }, 1),
  b32enc: fn((v) => base32Encode(utf8Encode(s(v, 'b32enc'))), 1),
  b32dec: fn((v) => {
    const r = base32Decode(s(v, 'b32dec'));
    return 'error' in r ? r.error : utf8Decode(r.bytes);
  }, 1),

  // reflection
  typeOf: fn((v) => goTypeName(v), 1),
  typeIs: fn((t, v) => s(t, 'typeIs') === goTypeName(v), 2),
  typeIsLike: fn((t, v) => {
    const name = goTypeName(v);
    return s(t, 'typeIsLike') === name || `*${t as string}` === name;
  }, 2),
  kindOf: fn(kindOf, 1),
  kindIs: fn((k, v) => s(k, 'kindIs') === kindOf(v), 2),

  // environment: hermetic by design, only injected variables are visible
  env: fn((name) => templateEnvironment.variables[s(name, 'env')] ?? '', 1),
  expandenv: fn((v) =>
    s(v, 'expandenv').replace(/\$(\{([^}]*)\}|[A-Za-z0-9_]+)/g, (_, bare: string, braced?: string) => templateEnvironment.variables[braced ?? bare] ?? ''),
  1),

  // paths
  base: fn((v) => basePath(s(v, 'base')), 1),
  dir: fn((v) => dirPath(s(v, 'dir')), 1),
  clean: fn((v) => cleanPath(s(v, 'clean')), 1),
  ext: fn((v) => extPath(s(v, 'ext')), 1),
  isAbs: fn((v) => s(v, 'isAbs').startsWith('/'), 1),

  // lists
  list: fn((...args) => args, 0, Infinity),
  tuple: fn((...args) => args, 0, Infinity),
  append: fn((l, v) => [...list(l, 'push'), v], 2),
  push: fn((l, v) => [...list(l, 'push'), v], 2),
  prepend: fn((l, v) => [v, ...list(l, 'prepend')], 2),
  first: fn((l) => list(l, 'find first').at(0) ?? null, 1),
  rest: fn((l) => list(l, 'find rest').slice(1), 1),
  last: fn((l) => list(l, 'find last').at(-1) ?? null, 1),
  initial: fn((l) => list(l, 'find initial').slice(0, -1), 1),
  reverse: fn((l) => [...list(l, 'find reverse')].reverse(), 1),
  uniq: fn((l) => list(l, 'find uniq').filter((e, k, all) => all.findIndex((o) => deepEqual(o, e)) === k), 1),
  without: fn((l, ...omit) => list(l, 'find without').filter((e) => !omit.some((o) => deepEqual(o, e))), 1, Infinity),
  has: fn((needle, haystack) => (haystack === null || haystack === undefined ? false : list(haystack, 'find has').some((e) => deepEqual(e, needle))), 2),
  slice: fn((l, ...idx) => {
    const items = list(l, 'slice');
    const [a = 0, b = items.length] = idx.map(toInt64);
    return items.slice(a, b);
  }, 1, 3),
  concat: fn((...lists) => lists.flatMap((l) => list(l, 'concat')), 0, Infinity),

  // dicts
  dict: fn((...args) => {
    const out: GoRecord = {};
    for (let k = 0; k < args.length; k += 2) setEntry(out, strval(args[k]), k + 1 < args.length ? args[k + 1] : '');
    return out;
  }, 0, Infinity),
  set: fn((d, key, value) => {
    setEntry(dictArg(d, 'set'), s(key, 'set'), value);
    return d;
  }, 3),
  unset: fn((d, key) => {
    delete dictArg(d, 'unset')[s(key, 'unset')];
    return d;
  }, 2),
  hasKey: fn((d, key) => Object.prototype.hasOwnProperty.call(dictArg(d, 'hasKey'), s(key, 'hasKey')), 2),
  pluck: fn((key, ...dicts) => dicts.map((d) => dictArg(d, 'pluck')).filter((d) => s(key, 'pluck') in d).map((d) => d[key as string]), 1, Infinity),
  keys: fn((...dicts) => dicts.flatMap((d) => sortedKeys(dictArg(d, 'keys'))), 0, Infinity),
  pick: fn((d, ...keys) => {
    const src = dictArg(d, 'pick');
    const out: GoRecord = {};
    for (const k of keys.map(strval)) if (k in src) out[k] = src[k];
    return out;
  }, 1, Infinity),
  omit: fn((d, ...keys) => {
    const drop = new Set(keys.map(strval));
    const src = dictArg(d, 'omit');
    const out: GoRecord = {};
    for (const k of Object.keys(src)) if (!drop.has(k)) out[k] = src[k];
    return out;
  }, 1, Infinity),
  merge: fn((dst, ...srcs) => {
    for (const src of srcs) mergeInto(dictArg(dst, 'merge'), dictArg(src, 'merge'), false);
    return dst;
  }, 1, Infinity),
  mergeOverwrite: fn((dst, ...srcs) => {
    for (const src of srcs) mergeInto(dictArg(dst, 'mergeOverwrite'), dictArg(src, 'mergeOverwrite'), true);
    return dst;
  }, 1, Infinity),
  values: fn((d) => {
    const src = dictArg(d, 'values');
    return Object.keys(src).map((k) => src[k]);
  }, 1),

  // digests
  sha1sum: fn((v) => toHex(sha1(utf8Encode(s(v, 'sha1sum')))), 1),
  sha256sum: fn((v) => toHex(sha256(utf8Encode(s(v, 'sha256sum')))), 1),
  adler32sum: fn((v) => String(adler32(utf8Encode(s(v, 'adler32sum')))), 1),

  // Kanister's FIPS overrides
  derivePassword: fn(() => notFips('derivePassword'), 0, Infinity),
  genPrivateKey: fn((typ) => {
    const t = s(typ, 'genPrivateKey');
    if (t !== 'rsa' && t !== 'ecdsa' && t !== 'ed25519') notFips(`genPrivateKey for ${t}`);
    throw new GoExecError(`genPrivateKey is not supported by kanflow`);
  }, 1),

  urlParse: fn(urlParse, 1),
  urlJoin: fn(urlJoin, 1),
};

function modifyDate(fmt: unknown, date: unknown): GoTime {
  const t = date instanceof GoTime ? date : undefined;
  if (!t) throw new GoExecError(`wrong type for value; expected time.Time; got ${goTypeName(date)}`);
  const ns = parseDuration(s(fmt, 'dateModify'));
  return ns === undefined ? t : addNanos(t, ns);
}

/** Sprig v2.22 functions kanflow refuses at parse time: certificates, AES, DNS and semver need host facilities. */
export const unsupportedSprigFunctions: ReadonlySet<string> = new Set([
  'buildCustomCert',
  'genCA',
  'genSelfSignedCert',
  'genSignedCert',
  'encryptAES',
  'decryptAES',
  'getHostByName',
  'semver',
  'semverCompare',
]);

/** Names users reach for that exist only in sprig v3 or Helm; Kanister's sprig v2.22 does not define them. */
export const notInSprigV2: ReadonlySet<string> = new Set([
  'get', 'dig', 'fromJson', 'toRawJson', 'mustToJson', 'seq', 'randInt', 'duration', 'durationRound', 'all', 'any', 'chunk',
  'regexQuoteMeta', 'osBase', 'osDir', 'osExt', 'osClean', 'osIsAbs', 'bcrypt', 'htpasswd', 'randBytes', 'toYaml',
  'fromYaml', 'include', 'tpl', 'required', 'lookup',
]);

