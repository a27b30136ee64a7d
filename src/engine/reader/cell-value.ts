import { EngineError } from '../errors.js';
import type { SharedStrings } from './shared-strings.js';
import { tooLong } from './shared-strings.js';
import type { CellValue } from './types.js';
import { decodeOoxmlEscapes, decodeXmlText, NEEDS_ESCAPES, scanTextFlags } from './xml-text.js';

/** Turning the bytes of a worksheet cell into a CellValue, by the cell's `t` attribute. */

export const T_NUMBER = 0;
export const T_SHARED = 1;
export const T_BOOL = 2;
export const T_ERROR = 3;
export const T_STR = 4;
export const T_INLINE = 5;
export const T_DATE = 6;

export interface CellContext {
  readonly partName: string;
  readonly sst: SharedStrings | null;
  /** 1 at a style index whose number format is a date/time. */
  readonly dateStyles: Uint8Array;
  readonly date1904: boolean;
  readonly maxCellChars: number;
}

/** Cell type code from the bytes of a `t` attribute value. Unknown types read as text. */
export function parseType(buf: Buffer, vs: number, ve: number): number {
  const len = ve - vs;
  const b = buf[vs];
  if (len === 1) {
    if (b === 0x73) return T_SHARED;
    if (b === 0x6e) return T_NUMBER;
    if (b === 0x62) return T_BOOL;
    if (b === 0x65) return T_ERROR;
    if (b === 0x64) return T_DATE;
  } else if (len === 3 && b === 0x73) {
    return T_STR;
  } else if (len === 9 && b === 0x69) {
    return T_INLINE;
  }
  return T_STR;
}

/** Exact powers of ten up to 1e15 (all exactly representable as doubles). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parses a number from bytes without building a string in the common cases: integers and plain
 * decimals of at most 15 digits. Then mantissa and 10^k are both exact doubles and one IEEE
 * division gives the correctly rounded result, identical to Number() (Clinger's fast path).
 * Anything else (exponents, 16+ digits, odd text) goes through Number().
 */
export function parseNumber(buf: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 0) return NaN;
  if (len <= 17) {
    let i = s;
    const neg = buf[i] === 0x2d;
    if (neg && ++i === e) return NaN;
    let n = 0;
    let digits = 0;
    let dot = -1;
    for (; i < e; i++) {
      const d = buf[i] - 0x30;
      if (d >= 0 && d <= 9) {
        n = n * 10 + d;
        digits++;
      } else if (d === -2 && dot === -1) {
        dot = i;
      } else {
        return slowNumber(buf, s, e);
      }
    }
    if (digits === 0 || digits > 15) return slowNumber(buf, s, e);
    if (dot !== -1) n /= POW10[e - dot - 1];
    return neg ? -n : n;
  }
  return slowNumber(buf, s, e);
}

function slowNumber(buf: Buffer, s: number, e: number): number {
  return Number(buf.toString('latin1', s, e).trim() || 'x');
}

/** A text cell; empty text is an empty cell. */
export function textValue(text: string, maxCellChars: number): CellValue | undefined {
  if (text.length > maxCellChars) throw tooLong(maxCellChars);
  return text === '' ? undefined : { t: 's', v: text };
}

/**
 * The value of a `<v>`: from bytes `buf[s, e)` when it came in one piece, else from `raw`
 * (already decoded pieces; `rawEscapes` when they contain `_xHHHH_` candidates).
 */
export function valueFromV(
  ctx: CellContext,
  type: number,
  style: number,
  buf: Buffer | null,
  s: number,
  e: number,
  raw: string | undefined,
  rawEscapes: boolean,
): CellValue | undefined {
  switch (type) {
    case T_NUMBER: {
      const num = buf !== null ? parseNumber(buf, s, e) : Number(raw);
      if (Number.isNaN(num)) {
        // Not a number after all (some writers put text in numeric cells): keep it as text.
        const text = raw ?? decodeXmlText(buf!, s, e, scanTextFlags(buf!, s, e));
        return text.trim() === '' ? undefined : textValue(text, ctx.maxCellChars);
      }
      return style < ctx.dateStyles.length && ctx.dateStyles[style] === 1
        ? { t: 'n', v: num, date: true, date1904: ctx.date1904 }
        : { t: 'n', v: num };
    }
    case T_SHARED: {
      const idx = buf !== null ? parseNumber(buf, s, e) : Number(raw);
      const str = Number.isInteger(idx) && ctx.sst !== null ? ctx.sst.get(idx) : undefined;
      if (str === undefined) {
        const shown = buf !== null ? buf.toString('latin1', s, Math.min(e, s + 20)) : raw?.slice(0, 20);
        throw new EngineError(
          'corrupt_file',
          `${ctx.partName} is damaged: a cell points at shared string ${shown}, which does not exist.`,
        );
      }
      return str === '' ? undefined : { t: 's', v: str };
    }
    case T_BOOL: {
      // The usual `<v>1</v>` / `<v>0</v>` is read without building a string.
      if (buf !== null && e - s === 1 && (buf[s] === 0x31 || buf[s] === 0x30)) {
        return { t: 'b', v: buf[s] === 0x31 };
      }
      const text = (raw ?? buf!.toString('latin1', s, e)).trim();
      return { t: 'b', v: text === '1' || text.toLowerCase() === 'true' };
    }
    case T_ERROR: {
      const text = raw ?? decodeXmlText(buf!, s, e, scanTextFlags(buf!, s, e));
      return text === '' ? undefined : { t: 'e', v: text };
    }
    case T_DATE: {
      const text = (raw ?? buf!.toString('utf8', s, e)).trim();
      return text === '' ? undefined : { t: 'd', v: text };
    }
    default: {
      // t="str" (formula string result), or a <v> on an inline-string cell.
      let text: string;
      if (raw !== undefined) {
        text = rawEscapes ? decodeOoxmlEscapes(raw) : raw;
      } else {
        const flags = scanTextFlags(buf!, s, e);
        text = decodeXmlText(buf!, s, e, flags);
        if (flags & NEEDS_ESCAPES) text = decodeOoxmlEscapes(text);
      }
      return textValue(text, ctx.maxCellChars);
    }
  }
}
