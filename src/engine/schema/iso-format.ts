/** ISO 8601 parsing (`format: "default"`), also used for `t="d"` cells, which are ISO by definition. */
import {
  fractionToMs,
  parseOffset,
  render,
  reset,
  scratch,
  type TemporalKind,
  type TemporalParser,
} from './temporal-parts.js';
import { isValidDate } from './calendar.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The separator may be `T` or a space (RFC 3339 allows the space); seconds are optional.
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The digit at `i` (0–9), or -1: a char-code check instead of a regex match per cell. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

function parseIsoDate(text: string): string | null {
  // Fast path for the exact shape `YYYY-MM-DD` (what ISO_DATE matches), without a match array.
  if (text.length === 10 && text.charCodeAt(4) === 0x2d && text.charCodeAt(7) === 0x2d) {
    const y0 = digitAt(text, 0);
    const y1 = digitAt(text, 1);
    const y2 = digitAt(text, 2);
    const y3 = digitAt(text, 3);
    const m0 = digitAt(text, 5);
    const m1 = digitAt(text, 6);
    const d0 = digitAt(text, 8);
    const d1 = digitAt(text, 9);
    if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
    const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    return isValidDate(y, m0 * 10 + m1, d0 * 10 + d1) ? text : null;
  }
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
