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
