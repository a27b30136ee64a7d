/**
 * Date/time text parsing for `date`, `datetime` and `time` fields: ISO 8601 (`default`), a lenient
 * `any`, or a strptime-style pattern (`%d/%m/%Y`, the Table Schema convention taken from Python).
 * Each format compiles once per field into a parser that returns the canonical ISO string or null.
 */
import { isoParsers } from './iso-format.js';
import { compileStrptime, exampleForPattern } from './strptime-format.js';
import {
  fractionToMs,
  monthName,
  render,
  reset,
  scratch,
  type Parts,
  type TemporalKind,
  type TemporalParser,
} from './temporal-parts.js';

export { isoParsers } from './iso-format.js';
export { compileStrptime, exampleForPattern } from './strptime-format.js';
export type { TemporalKind, TemporalParser } from './temporal-parts.js';

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
