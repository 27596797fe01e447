// Go's fmt package as templates see it: %v printing of values, Sprint/Sprintln/Sprintf and strconv.Quote.
import { GoTime } from './gotime.js';
import { goTypeName, isGoMap, sortedKeys, structInfo, utf8Decode, utf8Encode, type GoRecord } from './values.js';

/** strconv.FormatFloat(f, 'g', prec, 64); prec -1 = shortest. */
export function formatFloatG(f: number, prec = -1, upper = false): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let digitsExp = prec < 0 ? f.toExponential() : f.toExponential(Math.max(prec, 1) - 1);
  const [mantissa, expText] = digitsExp.split('e') as [string, string];
  let digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(expText);
  let eprec = prec < 0 ? 6 : Math.max(prec, 1);
  if (prec >= 0) {
    digits = digits.replace(/0+$/, '') || '0';
    if (eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  }
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    digitsExp = `${sign}${m}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e}`;
    return digitsExp;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** strconv.FormatFloat(f, 'e', prec, 64). */
function formatFloatE(f: number, prec: number, upper: boolean): string {
  if (!Number.isFinite(f)) return formatFloatG(f);
  const s = f.toExponential(Math.min(prec, 100));
  const [m, e] = s.split('e') as [string, string];
  const n = Math.abs(Number(e));
  return `${m}${upper ? 'E' : 'e'}${Number(e) < 0 ? '-' : '+'}${n < 10 ? `0${n}` : n}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : formatFloatG(n);
}

const isPrintable = (ch: string): boolean => ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);

/** strconv.Quote (or QuoteRune with `'`). */
export function quoteGo(s: string, quote: '"' | "'" = '"'): string {
  let out = quote;
  for (const ch of s) {
    switch (ch) {
      case quote: out += `\\${ch}`; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
      default: break;
    }
    if (isPrintable(ch)) {
      out += ch;
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

/** fmt's %v (with `plus` for %+v). Nil prints as `<nil>`. */
export function formatValue(v: unknown, plus = false): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatNumber(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'function':
      return '<func>';
    default:
      break;
  }
  if (v instanceof GoTime) return v.toString();
  if (v instanceof Uint8Array) return `[${v.join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map((e) => formatValue(e, plus)).join(' ')}]`;
  const obj = v as GoRecord;
  if (structInfo(obj)) {
    return `{${Object.keys(obj)
      .map((k) => (plus ? `${k}:${formatValue(obj[k], plus)}` : formatValue(obj[k], plus)))
      .join(' ')}}`;
  }
  return `map[${sortedKeys(obj)
    .map((k) => `${k}:${formatValue(obj[k], plus)}`)
    .join(' ')}]`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  }
  return out;
}

/** fmt.Sprintln: always spaces, trailing newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => formatValue(a)).join(' ')}\n`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function padTo(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  if (spec.minus) return s.padEnd(spec.width);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(spec.width - sign.length, '0');
  }
  return s.padStart(spec.width);
}

function badVerb(verb: string, arg: unknown): string {
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function signed(s: string, n: number, spec: Spec): string {
  if (n >= 0 && spec.plus) return `+${s}`;
  if (n >= 0 && spec.space) return ` ${s}`;
  return s;
}

function formatInteger(n: number | bigint, verb: string, spec: Spec): string {
  const big = BigInt(n);
  const neg = big < 0n;
  const abs = neg ? -big : big;
  let body: string;
  switch (verb) {
    case 'd': body = abs.toString(); break;
    case 'b': body = abs.toString(2); break;
    case 'o': body = (spec.sharp ? '0' : '') + abs.toString(8); break;
    case 'O': body = `0o${abs.toString(8)}`; break;
    case 'x': body = (spec.sharp ? '0x' : '') + abs.toString(16); break;
    case 'X': body = (spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase(); break;
    case 'c': return padTo(String.fromCodePoint(Number(big)), spec, false);
    case 'q': return padTo(quoteGo(String.fromCodePoint(Number(big)), "'"), spec, false);
    case 'U': return padTo(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    default: return badVerb(verb, Number(n));
  }
  if (spec.prec !== undefined) body = body.padStart(spec.prec, '0');
  const s = (neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '') + body;
  return padTo(s, spec, spec.prec === undefined);
}

function formatFloatVerb(f: number, verb: string, spec: Spec): string {
  let s: string;
  switch (verb) {
    case 'v': case 'g': s = formatFloatG(f, spec.prec ?? -1); break;
    case 'G': s = formatFloatG(f, spec.prec ?? -1, true); break;
    case 'e': case 'E': s = formatFloatE(f, spec.prec ?? 6, verb === 'E'); break;
    case 'f': case 'F': s = Number.isFinite(f) ? f.toFixed(Math.min(spec.prec ?? 6, 100)) : formatFloatG(f); break;
    default: return badVerb(verb, f);
  }
  return padTo(signed(s, f, spec), spec, Number.isFinite(f));
}

function hexOf(bytes: Uint8Array, upper: boolean, spec: Spec): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && spec.space) s += ' ';
    if (spec.sharp && (i === 0 || spec.space)) s += upper ? '0X' : '0x';
    s += bytes[i]!.toString(16).padStart(2, '0');
  }
  return upper ? s.toUpperCase().replace(/0X/g, '0X') : s;
}

function formatOne(arg: unknown, verb: string, spec: Spec): string {
  if (verb === 'T') return padTo(goTypeName(arg), spec, false);
  if (arg === null || arg === undefined) return verb === 'v' || verb === 's' ? padTo('<nil>', spec, false) : `%!${verb}(<nil>)`;
  if (typeof arg === 'boolean') return verb === 't' || verb === 'v' ? padTo(String(arg), spec, false) : badVerb(verb, arg);
  if (typeof arg === 'number' || typeof arg === 'bigint') {
    if (typeof arg === 'bigint' || Number.isInteger(arg)) {
      if (verb === 'v') return formatInteger(arg, 'd', spec);
      if ('dboOxXcqU'.includes(verb)) return formatInteger(arg, verb, spec);
      if ('eEfFgG'.includes(verb)) return formatFloatVerb(Number(arg), verb, spec);
      return badVerb(verb, arg);
    }
    if (verb === 'x' || verb === 'X') return badVerb(verb, arg);
    return formatFloatVerb(arg, verb, spec);
  }
  if (typeof arg === 'string' || arg instanceof Uint8Array) {
    let s = typeof arg === 'string' ? arg : utf8Decode(arg);
    switch (verb) {
      case 'v':
      case 's':
        if (verb === 'v' && arg instanceof Uint8Array) return padTo(formatValue(arg), spec, false);
        if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
        return padTo(s, spec, false);
      case 'q':
        return padTo(spec.sharp && !s.includes('`') ? `\`${s}\`` : quoteGo(s), spec, false);
      case 'x':
      case 'X':
        return padTo(hexOf(typeof arg === 'string' ? utf8Encode(arg) : arg, verb === 'X', spec), spec, false);
      default:
        return badVerb(verb, arg);
    }
  }
  if (verb === 'v' || verb === 's') {
    // %s applies to the elements of composite values, which formatValue prints with %v.
    return padTo(formatValue(arg, spec.plus), spec, false);
  }
  if (verb === 'd' && (Array.isArray(arg) || isGoMap(arg))) return padTo(formatValue(arg), spec, false);
  return badVerb(verb, arg);
}

/** fmt.Sprintf with Go verbs, flags, width and precision (including `*`). */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNumber = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argIndex++];
        return typeof a === 'number' ? a : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = readNumber();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === '.') {
      i++;
      spec.prec = readNumber() ?? 0;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    i++;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argIndex++], verb, spec);
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${goTypeName(a)}=${formatValue(a)}`)
      .join(', ')})`;
  }
  return out;
}

/** What an action prints: Go's text/template shows a missing (invalid) value as `<no value>`. */
export function printAction(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<no value>';
  return formatValue(v);
}
