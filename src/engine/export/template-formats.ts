import type { Field } from '../schema/types.js';
import { DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT } from './styles-registry.js';

const STRPTIME_TO_EXCEL: Record<string, string> = {
  Y: 'yyyy',
  y: 'yy',
  m: 'mm',
  d: 'dd',
  e: 'd',
  b: 'mmm',
  B: 'mmmm',
  a: 'ddd',
  A: 'dddd',
  H: 'hh',
  I: 'hh',
  M: 'mm',
  S: 'ss',
  p: 'AM/PM',
  '%': '%',
};

/**
 * A strptime pattern (`%d/%m/%Y`) as an Excel number format (`dd/mm/yyyy`), or null when it uses
 * a directive Excel cannot show. Literal text is backslash-escaped so Excel never reads it as code.
 */
export function strptimeToExcel(pattern: string): string | null {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '%') {
      const code = STRPTIME_TO_EXCEL[pattern[i + 1] ?? ''];
      if (code === undefined) return null;
      out += code;
      i += 1;
    } else if (/[-/.,: ]/.test(ch)) {
      out += ch;
    } else {
      out += `\\${ch}`;
    }
  }
  return out;
}

/**
 * The column format a template gives a field, so what people type is stored as the schema wants:
 * text columns as text (keeps leading zeros), dates as dates, integers without decimals.
 * undefined = General.
 */
export function templateNumberFormat(field: Field): string | undefined {
  const custom =
    field.format && field.format !== 'default' && field.format !== 'any'
      ? strptimeToExcel(field.format)
      : null;
  switch (field.type) {
    case 'string':
      return '@';
    case 'integer':
    case 'year':
      return '0';
    case 'number':
      return field.groupChar ? '#,##0.00' : '0.00';
    case 'date':
      return custom ?? DATE_FORMAT;
    case 'datetime':
      return custom ?? DATETIME_FORMAT;
    case 'time':
      return custom ?? TIME_FORMAT;
    default:
      return undefined;
  }
}

/** A column width (in characters) that fits the header, the list items and typical values. */
export function templateColumnWidth(field: Field, items: readonly string[]): number {
  const typical: Record<string, number> = { date: 12, datetime: 20, time: 10, number: 12, integer: 10 };
  const longest = Math.max(
    field.name.length,
    typical[field.type] ?? 10,
    ...items.map((t) => Math.min(t.length, 40)),
  );
  return Math.min(60, Math.max(8, longest + 2));
}
