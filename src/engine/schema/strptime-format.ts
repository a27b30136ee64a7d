/**
 * strptime-style patterns (`%d/%m/%Y`), the Table Schema convention taken from Python. Compiled
 * once per field to one anchored regex plus setters.
 */
import {
  fractionToMs,
  MONTHS,
  monthName,
  parseOffset,
  render,
  reset,
  scratch,
  type Parts,
  type TemporalKind,
  type TemporalParser,
} from './temporal-parts.js';

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
