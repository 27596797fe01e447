// Go's time.Time as far as templates need it: reference-time layouts (time.Format / time.Parse)
// and the %v text. The "local" zone of the renderer is UTC (Kanister's controller runs in UTC).

/** A point in time with nanoseconds and a fixed zone, like Go's time.Time. */
export class GoTime {
  constructor(
    /** Unix seconds (integer). */
    readonly sec: number,
    /** 0 ≤ nsec < 1e9. */
    readonly nsec: number,
    /** Zone offset east of UTC, seconds. */
    readonly offset = 0,
    /** Zone abbreviation; '' prints the numeric offset. */
    readonly zone = 'UTC',
  ) {}

  static fromMillis(ms: number): GoTime {
    const sec = Math.floor(ms / 1000);
    return new GoTime(sec, Math.round((ms - sec * 1000) * 1e6));
  }

  /** Go's zero time.Time: January 1, year 1, 00:00:00 UTC. */
  static readonly zero = new GoTime(-62135596800, 0);

  inZone(offset: number, zone: string): GoTime {
    return new GoTime(this.sec, this.nsec, offset, zone);
  }

  /** Calendar fields in the time's own zone. */
  fields(): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number; yearDay: number } {
    const d = new Date((this.sec + this.offset) * 1000);
    const year = d.getUTCFullYear();
    const startOfYear = new Date(0);
    startOfYear.setUTCFullYear(year, 0, 1);
    startOfYear.setUTCHours(0, 0, 0, 0);
    return {
      year,
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
      yearDay: Math.floor((d.getTime() - startOfYear.getTime()) / 86400000) + 1,
    };
  }

  /** time.Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST`. */
  toString(): string {
    return formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Std =
  | 'January' | 'Jan' | '1' | '01' | 'Monday' | 'Mon' | '2' | '_2' | '02' | '__2' | '002'
  | '15' | '3' | '03' | '4' | '04' | '5' | '05' | '2006' | '06' | 'PM' | 'pm' | 'MST'
  | 'Z0700' | 'Z070000' | 'Z07' | 'Z07:00' | 'Z07:00:00' | '-0700' | '-070000' | '-07' | '-07:00' | '-07:00:00'
  | 'frac0' | 'frac9';

interface Chunk {
  readonly literal: string;
  readonly std?: Std;
  /** Fraction digits and separator for frac0/frac9. */
  readonly digits?: number;
  readonly separator?: string;
}

const startsWithLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Splits a layout into literal text and Go reference tokens, exactly as time.nextStdChunk does. */
function tokenizeLayout(layout: string): Chunk[] {
  const chunks: Chunk[] = [];
  let literal = '';
  let i = 0;
  const push = (std: Std, length: number, extra?: Partial<Chunk>): void => {
    chunks.push({ literal, std, ...extra });
    literal = '';
    i += length;
  };
  const at = (s: string): boolean => layout.startsWith(s, i);
  while (i < layout.length) {
    const c = layout[i]!;
    switch (c) {
      case 'J':
        if (at('January')) { push('January', 7); continue; }
        if (at('Jan') && !startsWithLower(layout.slice(i + 3))) { push('Jan', 3); continue; }
        break;
      case 'M':
        if (at('Monday')) { push('Monday', 6); continue; }
        if (at('Mon') && !startsWithLower(layout.slice(i + 3))) { push('Mon', 3); continue; }
        if (at('MST')) { push('MST', 3); continue; }
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') { push((['01', '02', '03', '04', '05', '06'] as const)[Number(n) - 1]!, 2); continue; }
        if (at('002')) { push('002', 3); continue; }
        break;
      }
      case '1':
        if (at('15')) { push('15', 2); continue; }
        push('1', 1);
        continue;
      case '2':
        if (at('2006')) { push('2006', 4); continue; }
        push('2', 1);
        continue;
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) { literal += '_'; i++; push('2006', 4); continue; }
          push('_2', 2);
          continue;
        }
        if (at('__2')) { push('__2', 3); continue; }
        break;
      case '3':
      case '4':
      case '5':
        push(c, 1);
        continue;
      case 'P':
        if (at('PM')) { push('PM', 2); continue; }
        break;
      case 'p':
        if (at('pm')) { push('pm', 2); continue; }
        break;
      case '-':
      case 'Z': {
        const forms = ['070000', '07:00:00', '0700', '07:00', '07'];
        const form = forms.find((f) => layout.startsWith(f, i + 1));
        if (form) { push(`${c}${form}` as Std, form.length + 1); continue; }
        break;
      }
      case '.':
      case ',': {
        const d = layout[i + 1];
        if (d === '0' || d === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === d) j++;
          if (!isDigitAt(layout, j)) {
            push(d === '0' ? 'frac0' : 'frac9', j - i, { digits: j - i - 1, separator: c });
            continue;
          }
        }
        break;
      }
      default:
        break;
    }
    literal += c;
    i++;
  }
  if (literal) chunks.push({ literal });
  return chunks;
}

const layoutCache = new Map<string, Chunk[]>();
function chunksOf(layout: string): Chunk[] {
  let chunks = layoutCache.get(layout);
  if (!chunks) {
    chunks = tokenizeLayout(layout);
    if (layoutCache.size < 1000) layoutCache.set(layout, chunks);
  }
  return chunks;
}

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

function formatOffset(offset: number, std: Std): string {
  if (std.startsWith('Z') && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor(abs / 60) % 60, 2);
  const ss = pad(abs % 60, 2);
  const form = std.slice(1);
  switch (form) {
    case '07':
      return sign + hh;
    case '0700':
      return sign + hh + mm;
    case '07:00':
      return `${sign}${hh}:${mm}`;
    case '070000':
      return sign + hh + mm + ss;
    default:
      return `${sign}${hh}:${mm}:${ss}`;
  }
}

/** time.Time.Format with a Go reference layout. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = '';
  for (const chunk of chunksOf(layout)) {
    out += chunk.literal;
    switch (chunk.std) {
      case undefined: break;
      case 'January': out += LONG_MONTHS[f.month - 1]; break;
      case 'Jan': out += LONG_MONTHS[f.month - 1]!.slice(0, 3); break;
      case '1': out += f.month; break;
      case '01': out += pad(f.month, 2); break;
      case 'Monday': out += LONG_DAYS[f.weekday]; break;
      case 'Mon': out += LONG_DAYS[f.weekday]!.slice(0, 3); break;
      case '2': out += f.day; break;
      case '_2': out += pad(f.day, 2, ' '); break;
      case '02': out += pad(f.day, 2); break;
      case '__2': out += pad(f.yearDay, 3, ' '); break;
      case '002': out += pad(f.yearDay, 3); break;
      case '15': out += pad(f.hour, 2); break;
      case '3': out += f.hour % 12 === 0 ? 12 : f.hour % 12; break;
      case '03': out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2); break;
      case '4': out += f.minute; break;
      case '04': out += pad(f.minute, 2); break;
      case '5': out += f.second; break;
      case '05': out += pad(f.second, 2); break;
      case '2006': out += f.year < 0 ? `-${pad(-f.year, 4)}` : pad(f.year, 4); break;
      case '06': out += pad(((f.year % 100) + 100) % 100, 2); break;
      case 'PM': out += f.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += f.hour >= 12 ? 'pm' : 'am'; break;
      case 'MST': out += t.zone !== '' ? t.zone : formatOffset(t.offset, '-0700'); break;
      case 'frac0':
        out += chunk.separator! + pad(t.nsec, 9).slice(0, chunk.digits);
        break;
      case 'frac9': {
        const digits = pad(t.nsec, 9).slice(0, chunk.digits).replace(/0+$/, '');
        if (digits) out += chunk.separator! + digits;
        break;
      }
      default:
        out += formatOffset(t.offset, chunk.std);
    }
  }
  return out;
}

class LayoutMismatch extends Error {}

const daysIn = (month: number, year: number): number => new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 && isLeap(year) ? 0 : 0) - (month === 2 && !isLeap(year) ? 1 : 0);
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** time.ParseInLocation(layout, value, UTC); throws on mismatch. */
export function parseTime(layout: string, value: string): GoTime {
  let rest = value;
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nsec = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let zone = '';
  const fail = (): never => {
    throw new LayoutMismatch(`parsing time "${value}" as "${layout}": cannot parse`);
  };
  const num = (min: number, max: number): number => {
    let n = 0;
    while (n < max && n < rest.length && rest.charCodeAt(n) >= 48 && rest.charCodeAt(n) <= 57) n++;
    if (n < min) fail();
    const value = Number(rest.slice(0, n));
    rest = rest.slice(n);
    return value;
  };
  const name = (names: string[], short: boolean): number => {
    for (let k = 0; k < names.length; k++) {
      const n = short ? names[k]!.slice(0, 3) : names[k]!;
      if (rest.slice(0, n.length).toLowerCase() === n.toLowerCase()) {
        rest = rest.slice(n.length);
        return k;
      }
    }
    return fail();
  };
  const fraction = (): number => {
    const m = /^[.,](\d+)/.exec(rest);
    if (!m) return 0;
    rest = rest.slice(m[0].length);
    return Number(m[1]!.slice(0, 9).padEnd(9, '0'));
  };
  const chunks = chunksOf(layout);
  for (let k = 0; k < chunks.length; k++) {
    const chunk = chunks[k]!;
    for (const ch of chunk.literal) {
      if (ch === ' ' && rest.startsWith(' ')) {
        rest = rest.replace(/^ +/, '');
        continue;
      }
      if (!rest.startsWith(ch)) fail();
      rest = rest.slice(ch.length);
    }
    switch (chunk.std) {
      case undefined: break;
      case 'January': month = name(LONG_MONTHS, false) + 1; break;
      case 'Jan': month = name(LONG_MONTHS, true) + 1; break;
      case '1': case '01': month = num(chunk.std === '01' ? 2 : 1, 2); break;
      case 'Monday': name(LONG_DAYS, false); break;
      case 'Mon': name(LONG_DAYS, true); break;
      case '_2': if (rest.startsWith(' ')) rest = rest.slice(1); day = num(1, 2); break;
      case '2': case '02': day = num(chunk.std === '02' ? 2 : 1, 2); break;
      case '__2': case '002': rest = rest.replace(/^ {0,2}/, ''); num(1, 3); break;
      case '15': hour = num(1, 2); if (hour > 23) fail(); break;
      case '3': case '03': hour = num(chunk.std === '03' ? 2 : 1, 2); if (hour < 1 || hour > 12) fail(); break;
      case '4': case '04': minute = num(chunk.std === '04' ? 2 : 1, 2); if (minute > 59) fail(); break;
      case '5': case '05':
        second = num(chunk.std === '05' ? 2 : 1, 2);
        if (second > 59) fail();
        // A fraction in the value without one in the layout is accepted (Go does the same).
        if (!chunks[k + 1]?.std?.startsWith('frac') || chunks[k + 1]!.literal !== '') nsec = fraction();
        break;
      case '2006': year = num(4, 4); break;
      case '06': { const y = num(2, 2); year = y >= 69 ? 1900 + y : 2000 + y; break; }
      case 'PM': case 'pm': {
        const ap = rest.slice(0, 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') fail();
        pm = ap === 'PM';
        rest = rest.slice(2);
        break;
      }
      case 'MST': {
        const m = /^(UTC|GMT|[A-Z]{3,5})/.exec(rest);
        if (!m) fail();
        zone = m![0];
        rest = rest.slice(zone.length);
        if (zone === 'UTC' || zone === 'GMT') offset = 0;
        break;
      }
      case 'frac0': {
        const m = new RegExp(`^[.,](\\d{${chunk.digits}})`).exec(rest);
        if (!m) fail();
        rest = rest.slice(m![0].length);
        nsec = Number(m![1]!.slice(0, 9).padEnd(9, '0'));
        break;
      }
      case 'frac9':
        nsec = fraction();
        break;
      default: {
        if (chunk.std.startsWith('Z') && rest.startsWith('Z')) {
          rest = rest.slice(1);
          offset = 0;
          zone = 'UTC';
          break;
        }
        const colon = chunk.std.includes(':');
        const withSeconds = chunk.std.endsWith('0000') || chunk.std.endsWith(':00:00');
        const short = chunk.std.endsWith('07');
        const re = short ? /^([+-])(\d\d)/ : colon ? (withSeconds ? /^([+-])(\d\d):(\d\d):(\d\d)/ : /^([+-])(\d\d):(\d\d)/) : withSeconds ? /^([+-])(\d\d)(\d\d)(\d\d)/ : /^([+-])(\d\d)(\d\d)/;
        const m = re.exec(rest);
        if (!m) fail();
        rest = rest.slice(m![0].length);
        const seconds = Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0);
        offset = m![1] === '-' ? -seconds : seconds;
        zone = offset === 0 ? 'UTC' : '';
      }
    }
  }
  if (rest !== '') throw new LayoutMismatch(`parsing time "${value}": extra text: "${rest}"`);
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) fail();
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const local = d.getTime() / 1000;
  if (offset === undefined) return new GoTime(local, nsec, 0, zone || 'UTC');
  return new GoTime(local - offset, nsec, offset, offset === 0 ? 'UTC' : zone);
}
