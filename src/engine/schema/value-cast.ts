/**
 * Casting one spreadsheet cell to a field's type, by Table Schema rules plus what spreadsheet
 * cells add (typed numbers, booleans, date serials, error cells). A caster is compiled once per
 * field; the per-cell path does no regex compilation and allocates only the result string, if any.
 *
 * Cast values (what `onRow` and the rules see):
 *   string → string · number, integer, year → number · boolean → boolean
 *   date → "YYYY-MM-DD" · datetime → "YYYY-MM-DDTHH:MM:SS[.sss]" (+ "Z" when the input had an
 *   offset, converted to UTC) · time → "HH:MM:SS[.sss]" · any → the cell's natural value.
 *
 * Decisions beyond the spec (pinned by tests):
 *   - An error cell (`#N/A`, …) is a type error in every field, `any` and `string` included: it is
 *     never valid data.
 *   - Text is trimmed before casting to number, integer, year, boolean, date, datetime and time
 *     (as Python's int()/float() do in frictionless-py); `string` fields keep text as is.
 *   - A numeric cell in a `string` field is read as text (`123`, `13.37`); a boolean as
 *     `TRUE`/`FALSE`; a date cell as its ISO text.
 *   - A date-formatted numeric cell in a `number`, `integer` or `year` field is a type error
 *     (the person sees a date there), as is a plain number in a date/time field.
 */
import type { CellValue } from '../reader/types.js';
import type { Field, FieldType } from './types.js';
import { civilFromDays, formatDate, formatTime, splitMs, splitSerial } from './calendar.js';
import { compileTemporalFormat, isoParsers, type TemporalKind, type TemporalParser } from './date-format.js';

export type CastedValue = string | number | boolean;

/** Returned by a caster when the cell cannot be cast. A sentinel, so failure allocates nothing. */
export const CAST_INVALID: unique symbol = Symbol('cast-invalid');

/** Casts a non-missing cell; missing values are decided before (see `isMissingCell`). */
export type Caster = (cell: CellValue) => CastedValue | typeof CAST_INVALID;

export const DEFAULT_TRUE_VALUES: readonly string[] = ['true', 'True', 'TRUE', '1'];
export const DEFAULT_FALSE_VALUES: readonly string[] = ['false', 'False', 'FALSE', '0'];
export const DEFAULT_MISSING_VALUES: readonly string[] = [''];

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
// bareNumber: false strips leading and trailing non-digit characters ("€ 12", "95%").
const LEADING_NON_NUMBER = /^[^\d+\-.]+/;
const TRAILING_NON_NUMBER = /[^\d.]+$/;

/** Exact powers of ten: an integer below 2^53 divided by one of these is correctly rounded. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** At most this many digits always fit below 2^53. */
const MAX_FAST_DIGITS = 15;

/**
 * The value of plain decimal text (`-12`, `448.29`, `.5`, `7.`: sign, digits, optional point) of at
 * most 15 digits, or NaN when the text is anything else (spaces, exponent, separators, more digits)
 * and needs the general path. Same result as `Number(text)` for what it accepts: the digits form
 * an exact integer and one division by an exact power of ten rounds once, as parsing does.
 */
export function plainDecimal(text: string, allowPoint: boolean): number {
  const len = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) i = 1;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < len; i++) {
    c = text.charCodeAt(i);
    const d = c - 0x30;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 0x2e && allowPoint && fraction < 0) {
      fraction = 0;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || digits > MAX_FAST_DIGITS) return Number.NaN;
  const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -value : value;
}

function stripNumberText(text: string, field: Field): string {
  let t = text.trim();
  if (field.bareNumber === false) {
    t = t.replace(LEADING_NON_NUMBER, '').replace(TRAILING_NON_NUMBER, '');
  }
  const group = field.groupChar;
  if (group !== undefined && group !== '') t = t.split(group).join('');
  const decimal = field.decimalChar;
  if (decimal !== undefined && decimal !== '.') {
    // A '.' is not a decimal point here; leaving it in would make "1.5" parse under decimalChar ",".
    if (t.includes('.')) return '';
    t = t.split(decimal).join('.');
  }
  return t;
}

function compileNumber(field: Field): Caster {
  const plain = field.bareNumber !== false && !field.groupChar && (field.decimalChar ?? '.') === '.';
  return (cell) => {
    if (cell.t === 'n') return cell.date === true ? CAST_INVALID : cell.v;
    if (cell.t !== 's') return CAST_INVALID;
    if (plain) {
      const fast = plainDecimal(cell.v, true);
      if (fast === fast) return fast;
    }
    const t = plain ? cell.v.trim() : stripNumberText(cell.v, field);
    if (DECIMAL.test(t)) return Number(t);
    // Table Schema's spellings of the IEEE specials.
    if (t === 'NaN') return Number.NaN;
    if (t === 'INF') return Number.POSITIVE_INFINITY;
    if (t === '-INF') return Number.NEGATIVE_INFINITY;
    return CAST_INVALID;
  };
}

function compileInteger(field: Field): Caster {
  const plain = field.bareNumber !== false && !field.groupChar;
  // Integers have no decimal character; strip with the grouping rules only.
  const stripping: Field = { ...field, decimalChar: '.' };
  return (cell) => {
    if (cell.t === 'n') return cell.date !== true && Number.isInteger(cell.v) ? cell.v : CAST_INVALID;
    if (cell.t !== 's') return CAST_INVALID;
    if (plain) {
      const fast = plainDecimal(cell.v, false);
      if (fast === fast) return fast;
    }
    const t = plain ? cell.v.trim() : stripNumberText(cell.v, stripping);
    return INTEGER.test(t) ? Number(t) : CAST_INVALID;
  };
}

function compileYear(): Caster {
  return (cell) => {
    let n: number;
    if (cell.t === 'n') {
      if (cell.date === true) return CAST_INVALID;
      n = cell.v;
    } else if (cell.t === 's') {
      const t = cell.v.trim();
      if (!INTEGER.test(t)) return CAST_INVALID;
      n = Number(t);
    } else {
      return CAST_INVALID;
    }
    return Number.isInteger(n) && n >= 1 && n <= 9999 ? n : CAST_INVALID;
  };
}

function compileBoolean(field: Field): Caster {
  const trueValues = new Set(field.trueValues ?? DEFAULT_TRUE_VALUES);
  const falseValues = new Set(field.falseValues ?? DEFAULT_FALSE_VALUES);
  const lookup = (text: string): boolean | typeof CAST_INVALID => {
    if (trueValues.has(text)) return true;
    if (falseValues.has(text)) return false;
    const t = text.trim();
    if (t !== text) {
      if (trueValues.has(t)) return true;
      if (falseValues.has(t)) return false;
    }
    return CAST_INVALID;
  };
  return (cell) => {
    if (cell.t === 'b') return cell.v;
    if (cell.t === 's') return lookup(cell.v);
    // A numeric 1/0 cell is read as its text, so it follows trueValues/falseValues like "1"/"0".
    if (cell.t === 'n' && cell.date !== true) return lookup(String(cell.v));
    return CAST_INVALID;
  };
}

/** ISO text of a date serial: date only when the time part is zero. Null when not a real date. */
export function serialToIso(serial: number, date1904: boolean): string | null {
  const parts = splitSerial(serial, date1904);
  if (parts === null) return null;
  const [y, m, d] = civilFromDays(parts.days);
  if (parts.ms === 0) return formatDate(y, m, d);
  const [h, mi, s, ms] = splitMs(parts.ms);
  return formatDate(y, m, d) + 'T' + formatTime(h, mi, s, ms);
}

function serialToKind(
  kind: TemporalKind,
  serial: number,
  date1904: boolean,
): CastedValue | typeof CAST_INVALID {
  if (kind === 'time') {
    // A time cell is a fraction of a day; a serial of a day or more is a date, not a time.
    if (serial < 0 || serial >= 1) return CAST_INVALID;
    const ms = Math.round(serial * 86_400_000);
    if (ms >= 86_400_000) return CAST_INVALID;
    const [h, mi, s, msr] = splitMs(ms);
    return formatTime(h, mi, s, msr);
  }
  const parts = splitSerial(serial, date1904);
  if (parts === null) return CAST_INVALID;
  const [y, m, d] = civilFromDays(parts.days);
  // The number format may hide the time, but the cell still holds one: not a date.
  if (kind === 'date') return parts.ms === 0 ? formatDate(y, m, d) : CAST_INVALID;
  const [h, mi, s, ms] = splitMs(parts.ms);
  return formatDate(y, m, d) + 'T' + formatTime(h, mi, s, ms);
}

const MIDNIGHT = /T00:00:00(?:\.000)?Z?$/;

function compileTemporal(kind: TemporalKind, field: Field): Caster {
  const parseText: TemporalParser = compileTemporalFormat(kind, field.format);
  const parseIso = isoParsers[kind];
  const datetimeIso = isoParsers.datetime;
  // Real sheets repeat dates row after row; remembering the last serial skips the calendar work.
  let lastSerial = Number.NaN;
  let lastSerial1904 = false;
  let lastResult: CastedValue | typeof CAST_INVALID = CAST_INVALID;
  const castSerial = (v: number, date1904: boolean): CastedValue | typeof CAST_INVALID => {
    if (v === lastSerial && date1904 === lastSerial1904) return lastResult;
    lastSerial = v;
    lastSerial1904 = date1904;
    lastResult = serialToKind(kind, v, date1904);
    return lastResult;
  };
  return (cell) => {
    if (cell.t === 's') return parseText(cell.v.trim()) ?? CAST_INVALID;
    if (cell.t === 'n') return cell.date === true ? castSerial(cell.v, cell.date1904 === true) : CAST_INVALID;
    if (cell.t === 'd') {
      const direct = parseIso(cell.v);
      if (direct !== null) return direct;
      if (kind === 'datetime') {
        const asDate = isoParsers.date(cell.v);
        return asDate === null ? CAST_INVALID : asDate + 'T00:00:00';
      }
      if (kind === 'date') {
        // A t="d" datetime at midnight is a date; with a time it is not (same rule as serials).
        const dt = datetimeIso(cell.v);
        if (dt !== null && MIDNIGHT.test(dt)) return dt.slice(0, 10);
      }
      return CAST_INVALID;
    }
    return CAST_INVALID;
  };
}

function compileString(): Caster {
  return (cell) => {
    switch (cell.t) {
      case 's':
        return cell.v;
      case 'n':
        if (cell.date === true) return serialToIso(cell.v, cell.date1904 === true) ?? String(cell.v);
        return String(cell.v);
      case 'b':
        return cell.v ? 'TRUE' : 'FALSE';
      case 'd':
        return cell.v;
      default:
        return CAST_INVALID;
    }
  };
}

function compileAny(): Caster {
  return (cell) => {
    switch (cell.t) {
      case 'n':
        if (cell.date === true) return serialToIso(cell.v, cell.date1904 === true) ?? cell.v;
        return cell.v;
      case 'e':
        return CAST_INVALID;
      default:
        return cell.v;
    }
  };
}

/**
 * Builds the caster for a field. Throws a plain Error for an invalid date/time pattern; fields
 * from `parseSchema` never do.
 */
export function compileCaster(field: Field): Caster {
  const type: FieldType = field.type;
  switch (type) {
    case 'string':
      return compileString();
    case 'number':
      return compileNumber(field);
    case 'integer':
      return compileInteger(field);
    case 'boolean':
      return compileBoolean(field);
    case 'year':
      return compileYear();
    case 'date':
    case 'datetime':
    case 'time':
      return compileTemporal(type, field);
    case 'any':
      return compileAny();
  }
}

/** Whether a cell holds no value: absent, or text listed in `missingValues` (default `[""]`). */
export function isMissingCell(cell: CellValue | undefined, missingValues: ReadonlySet<string>): boolean {
  return cell === undefined || (cell.t === 's' && missingValues.has(cell.v));
}

export type CastResult =
  | { readonly ok: true; readonly value: CastedValue | null }
  | { readonly ok: false; readonly reason: 'type' | 'spreadsheet_error' };

const casterCache = new WeakMap<Field, Caster>();

/**
 * Casts one cell to a field's type (for inference, export and tests; validation uses the compiled
 * casters directly). A missing cell gives `{ok: true, value: null}`. Casters are cached per field
 * object, so calling this in a loop with the same field is cheap.
 */
export function castValue(
  cell: CellValue | undefined,
  field: Field,
  options: { readonly missingValues?: readonly string[] } = {},
): CastResult {
  const missing = options.missingValues ?? DEFAULT_MISSING_VALUES;
  if (cell === undefined || (cell.t === 's' && missing.includes(cell.v))) return { ok: true, value: null };
  let caster = casterCache.get(field);
  if (caster === undefined) {
    caster = compileCaster(field);
    casterCache.set(field, caster);
  }
  const value = caster(cell);
  if (value === CAST_INVALID) return { ok: false, reason: cell.t === 'e' ? 'spreadsheet_error' : 'type' };
  return { ok: true, value };
}

/** A cell as text for reports: what the person would recognise (`TRUE`, `2024-01-31`, `#N/A`). */
export function cellText(cell: CellValue | undefined): string | null {
  if (cell === undefined) return null;
  switch (cell.t) {
    case 's':
    case 'e':
    case 'd':
      return cell.v;
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'n':
      return cell.date === true
        ? (serialToIso(cell.v, cell.date1904 === true) ?? String(cell.v))
        : String(cell.v);
  }
}
