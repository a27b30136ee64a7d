/**
 * Date/time text parsing for `date`, `datetime` and `time` fields: ISO 8601 (`default`), a lenient
 * `any`, or a strptime-style pattern (`%d/%m/%Y`, the Table Schema convention taken from Python).
 * Each format compiles once per field into a parser that returns the canonical ISO string or null.
 */
import {
  daysFromCivil,
  civilFromDays,
  formatDate,
  formatTime,
  isValidDate,
  isValidTime,
} from './calendar.js';

export type TemporalKind = 'date' | 'datetime' | 'time';

/** Text → canonical ISO text (`2024-01-31`, `2024-01-31T14:30:00[.sss][Z]`, `14:30:00`), or null. */
export type TemporalParser = (text: string) => string | null;

/** Parsed parts. One scratch object is reused: parsers are synchronous and never re-entered. */
interface Parts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Minutes east of UTC, or null for a local (naive) time. */
  tz: number | null;
  pm: number; // -1 none, 0 AM, 1 PM
}

const scratch: Parts = { y: 1900, m: 1, d: 1, h: 0, mi: 0, s: 0, ms: 0, tz: null, pm: -1 };

function reset(p: Parts): void {
  p.y = 1900;
  p.m = 1;
  p.d = 1;
  p.h = 0;
  p.mi = 0;
  p.s = 0;
  p.ms = 0;
  p.tz = null;
  p.pm = -1;
}

function fractionToMs(frac: string | undefined): number {
  if (!frac) return 0;
  // Round to milliseconds; ".9996" would round to 1000, which we clamp rather than carry.
  return Math.min(999, Math.round(Number('0.' + frac) * 1000));
}

function parseOffset(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (text === 'Z' || text === 'z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const mi = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (h > 23 || mi > 59) return Number.NaN;
  return sign * (h * 60 + mi);
}

/** Validates the parts and renders them for the field kind. */
function render(p: Parts, kind: TemporalKind): string | null {
  if (p.pm !== -1) {
    if (p.h < 1 || p.h > 12) return null;
    p.h = (p.h % 12) + (p.pm === 1 ? 12 : 0);
  }
  if (kind !== 'time' && !isValidDate(p.y, p.m, p.d)) return null;
  if (kind !== 'date' && !isValidTime(p.h, p.mi, p.s)) return null;
  if (kind === 'date') return formatDate(p.y, p.m, p.d);
  if (kind === 'time') return formatTime(p.h, p.mi, p.s, p.ms);
  if (p.tz === null) return formatDate(p.y, p.m, p.d) + 'T' + formatTime(p.h, p.mi, p.s, p.ms);
  if (Number.isNaN(p.tz)) return null;
  // A zoned datetime is normalised to UTC so that equal instants compare and dedupe as equal.
  let minutes = p.h * 60 + p.mi - p.tz;
  let days = daysFromCivil(p.y, p.m, p.d);
  days += Math.floor(minutes / 1440);
  minutes = ((minutes % 1440) + 1440) % 1440;
  const [y, m, d] = civilFromDays(days);
  return formatDate(y, m, d) + 'T' + formatTime(Math.floor(minutes / 60), minutes % 60, p.s, p.ms) + 'Z';
}

// ---- ISO 8601 ('default') ----

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The separator may be `T` or a space (RFC 3339 allows the space); seconds are optional.
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function parseIsoDate(text: string): string | null {
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return isValidDate(y, mo, d) ? text : null;
}

function parseIsoDatetime(text: string): string | null {
  const m = ISO_DATETIME.exec(text);
  if (m === null) return null;
  const p = scratch;
  reset(p);
  p.y = Number(m[1]);
  p.m = Number(m[2]);
  p.d = Number(m[3]);
  p.h = Number(m[4]);
  p.mi = Number(m[5]);
  p.s = m[6] === undefined ? 0 : Number(m[6]);
  p.ms = fractionToMs(m[7]);
  p.tz = parseOffset(m[8]);
  return render(p, 'datetime');
}

function parseIsoTime(text: string): string | null {
  const m = ISO_TIME.exec(text);
  if (m === null) return null;
  const p = scratch;
  reset(p);
  p.h = Number(m[1]);
  p.mi = Number(m[2]);
  p.s = m[3] === undefined ? 0 : Number(m[3]);
  p.ms = fractionToMs(m[4]);
  return render(p, 'time');
}

/** ISO parsers by kind; also used for `t="d"` cells, which are ISO by definition. */
export const isoParsers: Readonly<Record<TemporalKind, TemporalParser>> = {
  date: parseIsoDate,
  datetime: parseIsoDatetime,
  time: parseIsoTime,
};

// ---- strptime patterns ----

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

type Setter = (p: Parts, text: string) => boolean;

interface Directive {
  readonly re: string;
  readonly set: Setter | null;
}

function num(assign: (p: Parts, n: number) => void): Setter {
  return (p, text) => {
    assign(p, Number(text));
    return true;
  };
}

function monthName(p: Parts, text: string): boolean {
  const t = text.toLowerCase();
  const i = MONTHS.findIndex((name) => name === t || name.slice(0, 3) === t);
  p.m = i + 1;
  return i >= 0;
}

const monthAlternatives = MONTHS.map((n) => `${n}|${n.slice(0, 3)}`).join('|');
const dayAlternatives = DAYS.map((n) => `${n}|${n.slice(0, 3)}`).join('|');

const DIRECTIVES: Readonly<Record<string, Directive>> = {
  Y: { re: '(\\d{4})', set: num((p, n) => (p.y = n)) },
  // Python's pivot: 69–99 → 1969–1999, 00–68 → 2000–2068.
  y: { re: '(\\d{2})', set: num((p, n) => (p.y = n < 69 ? 2000 + n : 1900 + n)) },
  m: { re: '(\\d{1,2})', set: num((p, n) => (p.m = n)) },
  d: { re: '(\\d{1,2})', set: num((p, n) => (p.d = n)) },
  e: { re: '\\s?(\\d{1,2})', set: num((p, n) => (p.d = n)) },
  H: { re: '(\\d{1,2})', set: num((p, n) => (p.h = n)) },
  I: { re: '(\\d{1,2})', set: num((p, n) => (p.h = n)) },
  M: { re: '(\\d{1,2})', set: num((p, n) => (p.mi = n)) },
  S: { re: '(\\d{1,2})', set: num((p, n) => (p.s = n)) },
  f: {
    re: '(\\d{1,6})',
    set: (p, t) => {
      p.ms = fractionToMs(t);
      return true;
    },
  },
  p: {
    re: '(am|pm|a\\.m\\.|p\\.m\\.)',
    set: (p, t) => {
      p.pm = t[0] === 'p' || t[0] === 'P' ? 1 : 0;
      return true;
    },
  },
  b: { re: `(${monthAlternatives})`, set: monthName },
  h: { re: `(${monthAlternatives})`, set: monthName },
  B: { re: `(${monthAlternatives})`, set: monthName },
  a: { re: `(?:${dayAlternatives})`, set: null },
  A: { re: `(?:${dayAlternatives})`, set: null },
  z: {
    re: '(Z|[+-]\\d{2}:?\\d{2})',
    set: (p, t) => {
      p.tz = parseOffset(t);
      return true;
    },
  },
  '%': { re: '%', set: null },
};

const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  Y: '2024',
  y: '24',
  m: '01',
  d: '31',
  e: '31',
  H: '14',
  I: '02',
  M: '30',
  S: '00',
  f: '000000',
  p: 'PM',
  b: 'Jan',
  h: 'Jan',
  B: 'January',
  a: 'Wed',
  A: 'Wednesday',
  z: '+00:00',
  '%': '%',
};

/** Expands the shorthand directives Python accepts into their parts. */
function expandShorthands(pattern: string): string {
  return pattern
    .replace(/%T/g, '%H:%M:%S')
    .replace(/%R/g, '%H:%M')
    .replace(/%D/g, '%m/%d/%y')
    .replace(/%F/g, '%Y-%m-%d');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a strptime pattern. Throws an Error naming the bad directive (the schema parser turns
 * it into `schema_invalid`). Whitespace in the pattern matches any run of whitespace, and `%-d`
 * (glibc's no-padding flag) is accepted as `%d`, as in Python.
 */
export function compileStrptime(pattern: string, kind: TemporalKind): TemporalParser {
  const source = expandShorthands(pattern.startsWith('fmt:') ? pattern.slice(4) : pattern);
  let re = '^';
  const setters: Setter[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '%') {
      let code = source[i + 1];
      if (code === '-') {
        i++;
        code = source[i + 1];
      }
      const directive = code === undefined ? undefined : DIRECTIVES[code];
      if (directive === undefined) {
        throw new Error(`has an unknown directive %${code ?? ''}`);
      }
      re += directive.re;
      if (directive.set !== null) setters.push(directive.set);
      i++;
    } else if (/\s/.test(ch)) {
      re += '\\s+';
      while (i + 1 < source.length && /\s/.test(source[i + 1])) i++;
    } else {
      re += escapeRegExp(ch);
    }
  }
  const regex = new RegExp(re + '$', 'i');
  return (text) => {
    const m = regex.exec(text);
    if (m === null) return null;
    const p = scratch;
    reset(p);
    for (let g = 0; g < setters.length; g++) {
      if (!setters[g](p, m[g + 1])) return null;
    }
    return render(p, kind);
  };
}

/** 2024-01-31 14:30:00 written in the pattern, for messages ("a date like 31/01/2024"). */
export function exampleForPattern(pattern: string): string {
  const source = expandShorthands(pattern.startsWith('fmt:') ? pattern.slice(4) : pattern);
  return source.replace(/%-?(.)/g, (whole, code: string) => EXAMPLE_VALUES[code] ?? whole);
}

// ---- 'any' ----

const ANY_YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](.+))?$/;
const ANY_NUMERIC = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[T ,]\s*(.+))?$/;
const ANY_NAMED = /^(?:[a-z]+,?\s+)?(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})(?:\s+(.+))?$/i;
const ANY_NAMED_US = /^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(.+))?$/i;
const ANY_CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(am|pm)?$/i;

function applyClock(p: Parts, text: string | undefined): boolean {
  if (text === undefined) return true;
  const c = ANY_CLOCK.exec(text.trim());
  if (c === null) return false;
  p.h = Number(c[1]);
  p.mi = Number(c[2]);
  p.s = c[3] === undefined ? 0 : Number(c[3]);
  p.ms = fractionToMs(c[4]);
  if (c[5] !== undefined) p.pm = c[5].toLowerCase() === 'pm' ? 1 : 0;
  return true;
}

function fullYear(text: string): number {
  const n = Number(text);
  return text.length === 2 ? (n < 69 ? 2000 + n : 1900 + n) : n;
}

/**
 * `format: "any"`: ISO first, then year-first with `-`, `/` or `.`, then month-first numeric dates
 * (US order, as Python's dateutil defaults), falling back to day-first when the month-first
 * reading is impossible (31/01/2024), then dates with month names ("31 Jan 2024", "January 31,
 * 2024"). Any of these may carry a clock time.
 */
function compileAny(kind: TemporalKind): TemporalParser {
  const iso = isoParsers[kind];
  return (text) => {
    const viaIso = iso(text);
    if (viaIso !== null) return viaIso;
    if (kind === 'time') {
      const p = scratch;
      reset(p);
      return applyClock(p, text) ? render(p, 'time') : null;
    }
    const p = scratch;
    let m = ANY_YMD.exec(text);
    if (m !== null) {
      reset(p);
      p.y = Number(m[1]);
      p.m = Number(m[2]);
      p.d = Number(m[3]);
      return applyClock(p, m[4]) ? render(p, kind) : null;
    }
    m = ANY_NUMERIC.exec(text);
    if (m !== null) {
      reset(p);
      const a = Number(m[1]);
      const b = Number(m[2]);
      p.y = fullYear(m[3]);
      [p.m, p.d] = a > 12 && b <= 12 ? [b, a] : [a, b];
      return applyClock(p, m[4]) ? render(p, kind) : null;
    }
    m = ANY_NAMED.exec(text);
    if (m !== null) {
      reset(p);
      p.d = Number(m[1]);
      p.y = Number(m[3]);
      return monthName(p, m[2]) && applyClock(p, m[4]) ? render(p, kind) : null;
    }
    m = ANY_NAMED_US.exec(text);
    if (m !== null) {
      reset(p);
      p.d = Number(m[2]);
      p.y = Number(m[3]);
      return monthName(p, m[1]) && applyClock(p, m[4]) ? render(p, kind) : null;
    }
    return null;
  };
}

const DEFAULT_EXAMPLES: Readonly<Record<TemporalKind, string>> = {
  date: '2024-01-31',
  datetime: '2024-01-31T14:30:00',
  time: '14:30:00',
};

/** The parser for a field's `format` (undefined or `default` = ISO 8601). Throws on a bad pattern. */
export function compileTemporalFormat(kind: TemporalKind, format: string | undefined): TemporalParser {
  if (format === undefined || format === 'default') return isoParsers[kind];
  if (format === 'any') return compileAny(kind);
  return compileStrptime(format, kind);
}

/** An example value in the field's format, for messages. */
export function temporalExample(kind: TemporalKind, format: string | undefined): string {
  if (format === undefined || format === 'default' || format === 'any') return DEFAULT_EXAMPLES[kind];
  return exampleForPattern(format);
}
