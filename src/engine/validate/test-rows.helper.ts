/** Test helper: rows from plain values, as a reader would yield them. */
import type { CellValue, Row } from '../reader/types.js';
import { parseSchema } from '../schema/schema-parser.js';
import type { Field, FieldType, TableSchema } from '../schema/types.js';
import type { Report, ValidationIssue } from './types.js';
import { validateRows, type ValidateOptions } from './validate-rows.js';

export type Plain = string | number | boolean | null | undefined | CellValue;

export function cell(v: Plain): CellValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return { t: 's', v };
  if (typeof v === 'number') return { t: 'n', v };
  if (typeof v === 'boolean') return { t: 'b', v };
  return v;
}

/** Rows numbered from 1 (or from `start`), in batches of `batch`. */
export async function* rowsOf(
  values: readonly (readonly Plain[] | Row)[],
  batch = 2,
): AsyncGenerator<readonly Row[]> {
  let pending: Row[] = [];
  let n = 0;
  for (const v of values) {
    n++;
    const row: Row = Array.isArray(v) ? { number: n, cells: (v as readonly Plain[]).map(cell) } : (v as Row);
    n = row.number;
    pending.push(row);
    if (pending.length >= batch) {
      yield pending;
      pending = [];
    }
  }
  if (pending.length > 0) yield pending;
}

export const META = { name: 'test.xlsx', format: 'xlsx', sheet: 'Sheet1', bytes: 100 } as const;

/** Fields as people write them: `type` defaults to string. */
export type LooseField = Omit<Field, 'type'> & { readonly type?: FieldType };
export type LooseSchema = Omit<TableSchema, 'fields'> & { readonly fields: readonly LooseField[] };

export async function run(
  schema: LooseSchema,
  values: readonly (readonly Plain[] | Row)[],
  options: ValidateOptions = {},
): Promise<Report> {
  return validateRows(rowsOf(values), parseSchema(schema), META, options);
}

/** The issues as compact tuples: [cell or row, code]. */
export function brief(report: Report): string[] {
  return report.errors.map((e: ValidationIssue) => `${e.cell ?? `row${e.row}:${e.column ?? ''}`} ${e.code}`);
}
