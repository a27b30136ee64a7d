/**
 * Row checks that span columns: key uniqueness (primaryKey, uniqueKeys) and data found under
 * columns with no header. Both insert their issues in column order among the row's issues.
 */
import type { CellValue } from '../reader/types.js';
import type { TableSchema } from '../schema/types.js';
import { cellText, type CastedValue } from '../schema/value-cast.js';
import { cellRef, columnLetter } from './column-letter.js';
import { FirstSeen } from './first-seen.js';
import { shown, valueKey, type FieldRule } from './field-rules.js';
import type { HeaderMatch } from './header-matcher.js';
import type { ValidationIssue } from './types.js';

export interface KeyRule {
  readonly code: 'primary_key' | 'unique_key';
  readonly fieldIndexes: readonly number[];
  /** The leftmost bound column of the key: where its issue is reported. */
  readonly column: number;
  /** First row per key: the cast value itself for one field (no string built), else a joined tuple. */
  readonly seen: FirstSeen;
  readonly describe: string;
}

/** Where each bound field's column is: field index → column index. */
export type ColumnOf = ReadonlyMap<number, number>;

export function buildKeyRules(
  schema: TableSchema,
  columnOf: ColumnOf,
  rules: readonly FieldRule[],
): KeyRule[] {
  const indexOf = new Map(schema.fields.map((f, i) => [f.name, i]));
  const out: KeyRule[] = [];
  const add = (code: KeyRule['code'], names: readonly string[]): void => {
    const fieldIndexes = names.map((n) => indexOf.get(n) as number);
    // A key with a field that has no column cannot be checked; the missing column is reported.
    if (!fieldIndexes.every((i) => columnOf.has(i))) return;
    const labels = fieldIndexes.map((i) => rules[i].label).join(', ');
    out.push({
      code,
      fieldIndexes,
      column: Math.min(...fieldIndexes.map((i) => columnOf.get(i) as number)),
      seen: new FirstSeen(),
      describe: code === 'primary_key' ? `The primary key (${labels})` : `The combination of ${labels}`,
    });
  };
  if (schema.primaryKey !== undefined) add('primary_key', schema.primaryKey);
  for (const key of schema.uniqueKeys ?? []) add('unique_key', key);
  return out;
}

/**
 * Tuple uniqueness. A tuple with a missing or invalid part is skipped: it has its own error, and
 * missing values are exempt from uniqueness as for single fields.
 */
export function checkKey(
  key: KeyRule,
  rowNumber: number,
  castValues: readonly unknown[],
  rowIssues: ValidationIssue[],
  rowIssueCols: number[],
): void {
  // Built by concatenation, not an array and join: this runs for every row.
  const indexes = key.fieldIndexes;
  let tuple: unknown = '';
  for (let k = 0; k < indexes.length; k++) {
    const v = castValues[indexes[k]];
    if (v === null) return;
    // The unit separator cannot collide with ordinary text in a cell.
    if (indexes.length === 1) tuple = v;
    else tuple = k === 0 ? valueKey(v as CastedValue) : tuple + '\u001f' + valueKey(v as CastedValue);
  }
  const first = key.seen.firstOrAdd(tuple, rowNumber);
  if (first === undefined) return;
  const shownTuple = shown(String(tuple).split('\u001f').join(', '));
  insertAt(rowIssues, rowIssueCols, key.column, {
    row: rowNumber,
    column: null,
    cell: cellRef(key.column, rowNumber),
    code: key.code,
    message: `${key.describe} must be unique; ${shownTuple} already appears in row ${first}`,
    value: shownTuple,
  });
}

/** Data under an empty header cell (or past the header's end) is one `extra_column` per column. */
export function checkUnnamed(
  header: HeaderMatch,
  cells: ReadonlyArray<CellValue | undefined>,
  rowNumber: number,
  reported: Set<number>,
  rowIssues: ValidationIssue[],
  rowIssueCols: number[],
): void {
  for (const col of header.unnamedColumns) {
    if (col < cells.length) checkUnnamedCell(cells, col, rowNumber, reported, rowIssues, rowIssueCols);
  }
  for (let col = header.width; col < cells.length; col++) {
    checkUnnamedCell(cells, col, rowNumber, reported, rowIssues, rowIssueCols);
  }
}

function checkUnnamedCell(
  cells: ReadonlyArray<CellValue | undefined>,
  col: number,
  rowNumber: number,
  reported: Set<number>,
  rowIssues: ValidationIssue[],
  rowIssueCols: number[],
): void {
  const c = cells[col];
  if (c === undefined || (c.t === 's' && c.v === '') || reported.has(col)) return;
  reported.add(col);
  const ref = cellRef(col, rowNumber);
  insertAt(rowIssues, rowIssueCols, col, {
    row: rowNumber,
    column: '',
    cell: ref,
    code: 'extra_column',
    message: `Column ${columnLetter(col)} has values but no header (first at ${ref})`,
    value: cellText(c),
  });
}

/** Inserts an issue after the row's issues at or left of `column`, keeping column order. */
function insertAt(issues: ValidationIssue[], cols: number[], column: number, issue: ValidationIssue): void {
  let i = cols.length;
  while (i > 0 && cols[i - 1] > column) i--;
  issues.splice(i, 0, issue);
  cols.splice(i, 0, column);
}
