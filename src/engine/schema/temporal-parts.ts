/**
 * Shared pieces of the date/time parsers: the parsed parts, their validation and rendering to the
 * canonical ISO text. One scratch object is reused: parsers are synchronous and never re-entered,
 * and a fresh object per cell would be garbage on the hot path.
 */
import {
  civilFromDays,
  daysFromCivil,
  formatDate,
  formatTime,
  isValidDate,
  isValidTime,
} from './calendar.js';

export type TemporalKind = 'date' | 'datetime' | 'time';

/** Text → canonical ISO text (`2024-01-31`, `2024-01-31T14:30:00[.sss][Z]`, `14:30:00`), or null. */
export type TemporalParser = (text: string) => string | null;

/** Parsed parts. One scratch object is reused: parsers are synchronous and never re-entered. */
export interface Parts {
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

export const scratch: Parts = { y: 1900, m: 1, d: 1, h: 0, mi: 0, s: 0, ms: 0, tz: null, pm: -1 };

export function reset(p: Parts): void {
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

export function fractionToMs(frac: string | undefined): number {
  if (!frac) return 0;
  // Round to milliseconds; ".9996" would round to 1000, which we clamp rather than carry.
  return Math.min(999, Math.round(Number('0.' + frac) * 1000));
}

export function parseOffset(text: string | undefined): number | null {
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
export function render(p: Parts, kind: TemporalKind): string | null {
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

export const MONTHS = [
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

export function monthName(p: Parts, text: string): boolean {
  const t = text.toLowerCase();
  const i = MONTHS.findIndex((name) => name === t || name.slice(0, 3) === t);
  p.m = i + 1;
  return i >= 0;
}
