/**
 * Header → field matching. Columns match fields by name, never by position. Each column takes the
 * best match it has, in this order: a confirmed `headerMapping` entry, the exact field name, the
 * normalised name (NFKC, trimmed, whitespace runs collapsed, case-folded), a normalised alias.
 * When several columns match one field, the best-ranked (then leftmost) one is used and every
 * other one is a `duplicate_column` error at its own header cell.
 */
import type { CellValue } from '../reader/types.js';
import { normaliseName } from '../schema/normalise-name.js';
import type { FieldsMatch, TableSchema } from '../schema/types.js';
import { cellText } from '../schema/value-cast.js';
import { cellRef } from './column-letter.js';
import type { ValidationIssue } from './types.js';

/** NFKC, trimmed, whitespace runs collapsed, case-folded. */
export const normaliseHeader: (text: string) => string = normaliseName;

export interface ColumnBinding {
  /** 0-based column index in the sheet. */
  readonly column: number;
  /** Index into schema.fields. */
  readonly fieldIndex: number;
}

export interface HeaderMatch {
  /** Matched columns, in column order. */
  readonly bindings: readonly ColumnBinding[];
  /** Header-row issues, in column order, then missing columns in schema order. */
  readonly issues: readonly ValidationIssue[];
  /** Columns whose header is empty: data found under them is reported (equal/superset) or ignored. */
  readonly unnamedColumns: ReadonlySet<number>;
  /** Number of header cells (the header's width). */
  readonly width: number;
  /** Whether columns that are not fields are errors (`equal`, `superset`). */
  readonly extrasAreErrors: boolean;
}

const RANK_MAPPING = 0;
const RANK_EXACT = 1;
const RANK_NORMALISED = 2;
const RANK_ALIAS = 3;

function effectiveMode(mode: FieldsMatch | undefined): FieldsMatch {
  return mode === undefined || mode === 'exact' ? 'equal' : mode;
}

export function matchHeader(
  headerCells: ReadonlyArray<CellValue | undefined>,
  headerRow: number,
  schema: TableSchema,
  /** Header → field name; `null`: a person confirmed the column is no field, so it is ignored. */
  headerMapping: Readonly<Record<string, string | null>> = {},
): HeaderMatch {
  const mode = effectiveMode(schema.fieldsMatch);
  const fields = schema.fields;
  const byName = new Map<string, number>();
  const byNormalised = new Map<string, number>();
  const byAlias = new Map<string, number>();
  fields.forEach((f, i) => {
    byName.set(f.name, i);
    const n = normaliseHeader(f.name);
    if (!byNormalised.has(n)) byNormalised.set(n, i);
    for (const alias of f.aliases ?? []) {
      const a = normaliseHeader(alias);
      if (!byAlias.has(a)) byAlias.set(a, i);
    }
  });
  const mapping = new Map<string, number>();
  const ignored = new Set<string>();
  for (const [header, fieldName] of Object.entries(headerMapping)) {
    if (fieldName === null) {
      ignored.add(header);
      ignored.add(normaliseHeader(header));
      continue;
    }
    const i = byName.get(fieldName);
    // A mapping to a field that is not in this schema is stale; matching falls back to names.
    if (i !== undefined) {
      mapping.set(header, i);
      mapping.set(normaliseHeader(header), i);
    }
  }

  const width = headerCells.length;
  const texts: (string | null)[] = [];
  const candidates: { column: number; fieldIndex: number; rank: number }[] = [];
  const unnamedColumns = new Set<number>();
  const unmatched: number[] = [];
  for (let col = 0; col < width; col++) {
    const text = cellText(headerCells[col]);
    texts.push(text);
    if (text === null || text.trim() === '') {
      unnamedColumns.add(col);
      continue;
    }
    const norm = normaliseHeader(text);
    // Confirmed as no field: neither matched nor an extra column, and its cells are not read.
    if (ignored.has(text) || ignored.has(norm)) continue;
    let fieldIndex: number | undefined;
    let rank = RANK_MAPPING;
    if ((fieldIndex = mapping.get(text) ?? mapping.get(norm)) !== undefined) rank = RANK_MAPPING;
    else if ((fieldIndex = byName.get(text)) !== undefined) rank = RANK_EXACT;
    else if ((fieldIndex = byNormalised.get(norm)) !== undefined) rank = RANK_NORMALISED;
    else if ((fieldIndex = byAlias.get(norm)) !== undefined) rank = RANK_ALIAS;
    if (fieldIndex === undefined) unmatched.push(col);
    else candidates.push({ column: col, fieldIndex, rank });
  }

  // The winner per field: best rank, then leftmost (candidates are already in column order).
  const winner = new Map<number, { column: number; rank: number }>();
  for (const c of candidates) {
    const w = winner.get(c.fieldIndex);
    if (w === undefined || c.rank < w.rank) winner.set(c.fieldIndex, { column: c.column, rank: c.rank });
  }

  const positioned: { column: number; issue: ValidationIssue }[] = [];
  const extrasAreErrors = mode === 'equal' || mode === 'superset';
  if (extrasAreErrors) {
    for (const col of unmatched) {
      const text = texts[col] as string;
      const ref = cellRef(col, headerRow);
      positioned.push({
        column: col,
        issue: {
          row: headerRow,
          column: text,
          cell: ref,
          code: 'extra_column',
          message: `Column "${text}" (${ref}) is not in the schema`,
          value: text,
        },
      });
    }
  }
  for (const c of candidates) {
    const w = winner.get(c.fieldIndex);
    if (w === undefined || w.column === c.column) continue;
    const field = fields[c.fieldIndex];
    const ref = cellRef(c.column, headerRow);
    const text = texts[c.column] as string;
    positioned.push({
      column: c.column,
      issue: {
        row: headerRow,
        column: field.name,
        cell: ref,
        code: 'duplicate_column',
        message: `Column "${text}" (${ref}) duplicates column "${texts[w.column]}" (${cellRef(w.column, headerRow)}) for ${field.name}`,
        value: text,
      },
    });
  }
  positioned.sort((a, b) => a.column - b.column);
  const issues: ValidationIssue[] = positioned.map((p) => p.issue);

  if (mode === 'equal' || mode === 'subset') {
    fields.forEach((f, i) => {
      if (winner.has(i)) return;
      issues.push({
        row: headerRow,
        column: f.name,
        cell: null,
        code: 'missing_column',
        message: `Column "${f.name}" is missing`,
        value: null,
      });
    });
  } else if (mode === 'partial' && winner.size === 0) {
    const names = fields.map((f) => f.name);
    const list = names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
    issues.push({
      row: headerRow,
      column: null,
      cell: null,
      code: 'missing_column',
      message: `None of the schema's columns were found; expected at least one of: ${list}`,
      value: null,
    });
  }

  const bindings = [...winner.entries()]
    .map(([fieldIndex, w]) => ({ column: w.column, fieldIndex }))
    .sort((a, b) => a.column - b.column);
  return { bindings, issues, unnamedColumns, width, extrasAreErrors };
}
