/**
 * The validation loop: header detection and matching, then every data row against the compiled
 * field rules, uniqueness and keys. Pure over an async iterable of row batches, so it is tested
 * without files and reused by anything that produces rows.
 */
import { EngineError } from '../errors.js';
import type { CellValue, Progress, ReaderLimits, Row, SpreadsheetFormat } from '../reader/types.js';
import { parseSchema } from '../schema/schema-parser.js';
import type { TableSchema } from '../schema/types.js';
import { CAST_INVALID, cellText, DEFAULT_MISSING_VALUES } from '../schema/value-cast.js';
import { columnLetter } from './column-letter.js';
import { FirstSeen } from './first-seen.js';
import { compileFieldRule, shown, type FieldRule } from './field-rules.js';
import { buildKeyRules, checkKey, checkUnnamed, type KeyRule } from './row-checks.js';
import { matchHeader, type HeaderMatch } from './header-matcher.js';
import { ReportBuilder } from './report-builder.js';
import type { Report, ValidationIssue } from './types.js';

export interface ValidateOptions {
  /** Sheet name to read (xlsx). Default: the first visible worksheet. */
  sheet?: string;
  /** Cap on `report.errors`; counts stay complete. Default 1000. */
  maxErrors?: number;
  limits?: Partial<ReaderLimits>;
  /** Name for `report.file.name`. Default: the basename of the path. */
  fileName?: string;
  /** Confirmed header text → field name overrides, applied before name matching. */
  headerMapping?: Readonly<Record<string, string | null>>;
  /** Called with EVERY issue, uncapped, in report order. */
  onIssue?: (issue: ValidationIssue) => void;
  /** Called for every data row with the cast value per schema field (null: missing or invalid). */
  onRow?: (row: { number: number; values: Record<string, unknown>; valid: boolean }) => void;
  /** Called at most about 4 times a second, and once at the end. */
  onProgress?: (p: Progress) => void;
  /** Least time between two `onProgress` calls, in ms. Default 250. */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

export interface RowsMeta {
  readonly name: string;
  readonly format: SpreadsheetFormat;
  readonly sheet: string | null;
  readonly bytes: number;
  /** Reader progress, for `onProgress`; without it progress counts rows only. */
  readonly progress?: () => Progress;
}

const PROGRESS_INTERVAL_MS = 250;

function isBlankRow(cells: ReadonlyArray<CellValue | undefined>): boolean {
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c !== undefined && !(c.t === 's' && c.v === '')) return false;
  }
  return true;
}

interface Bound {
  readonly column: number;
  readonly letter: string;
  readonly fieldIndex: number;
  readonly rule: FieldRule;
  /** First row per cast value (Map keys compare numbers by value: "1.0" and 1 collide). */
  readonly seen: FirstSeen | null;
}

/** Validates rows (in batches) against a schema. The header is the first non-blank row. */
export async function validateRows(
  rows: AsyncIterable<readonly Row[]>,
  schemaInput: TableSchema,
  meta: RowsMeta,
  options: ValidateOptions = {},
): Promise<Report> {
  // Re-checking costs microseconds and guarantees the invariants compiled rules rely on, even for
  // a schema object built by hand.
  const schema = parseSchema(schemaInput);
  const maxErrors = options.maxErrors ?? 1000;
  if (!Number.isInteger(maxErrors) || maxErrors < 0) {
    throw new RangeError(`maxErrors must be a non-negative integer; got ${maxErrors}`);
  }
  const report = new ReportBuilder(meta, maxErrors, options.onIssue);
  const missingValues = new Set(schema.missingValues ?? DEFAULT_MISSING_VALUES);
  // Hashing every text cell into the Set cost ~11% of a CSV run; no text longer than the longest
  // missing value can be one, so most cells skip the lookup.
  let missingMaxLength = 0;
  for (const m of missingValues) missingMaxLength = Math.max(missingMaxLength, m.length);
  const primaryKey = schema.primaryKey ?? [];
  const rules = schema.fields.map((f) => compileFieldRule(f, primaryKey));
  const { onRow, onProgress, signal } = options;
  const progressInterval = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;

  let header: HeaderMatch | null = null;
  let bound: Bound[] = [];
  let keyRules: KeyRule[] = [];
  const reportedUnnamed = new Set<number>();
  // Per-row scratch, reused: issue and its column position, for ordering key issues.
  const rowIssues: ValidationIssue[] = [];
  const rowIssueCols: number[] = [];
  const castValues: unknown[] = new Array(schema.fields.length).fill(null);
  let rowsRead = 0;
  let lastProgress = performance.now();

  const progress = (): Progress => meta.progress?.() ?? { bytesRead: 0, bytesTotal: meta.bytes, rowsRead };

  for await (const batch of rows) {
    signal?.throwIfAborted();
    for (const row of batch) {
      rowsRead++;
      const cells = row.cells;
      if (isBlankRow(cells)) continue;
      if (header === null) {
        header = matchHeader(cells, row.number, schema, options.headerMapping);
        for (const issue of header.issues) report.add(issue);
        bound = header.bindings.map((b) => {
          const rule = rules[b.fieldIndex];
          return {
            column: b.column,
            letter: columnLetter(b.column),
            fieldIndex: b.fieldIndex,
            rule,
            seen: rule.unique ? new FirstSeen() : null,
          };
        });
        keyRules = buildKeyRules(schema, new Map(bound.map((b) => [b.fieldIndex, b.column])), rules);
        continue;
      }
      const rowNumber = row.number;
      rowIssues.length = 0;
      rowIssueCols.length = 0;
      for (let b = 0; b < bound.length; b++) {
        const { column, rule } = bound[b];
        const cell = cells[column];
        if (
          cell === undefined ||
          (cell.t === 's' && cell.v.length <= missingMaxLength && missingValues.has(cell.v))
        ) {
          if (rule.required) {
            rowIssues.push({
              row: rowNumber,
              column: rule.field.name,
              cell: bound[b].letter + rowNumber,
              code: 'required',
              message: `${rule.label} is required`,
              value: null,
            });
            rowIssueCols.push(column);
          }
          continue;
        }
        const c = cell as CellValue;
        const value = rule.cast(c);
        if (value === CAST_INVALID) {
          const text = cellText(c) ?? '';
          rowIssues.push({
            row: rowNumber,
            column: rule.field.name,
            cell: bound[b].letter + rowNumber,
            code: 'type',
            message: rule.typeMessage(c, text),
            value: text,
          });
          rowIssueCols.push(column);
          continue;
        }
        castValues[bound[b].fieldIndex] = value;
        const checks = rule.checks;
        let ok = true;
        for (let k = 0; k < checks.length; k++) {
          if (checks[k].test(value)) continue;
          ok = false;
          const text = cellText(c) ?? '';
          rowIssues.push({
            row: rowNumber,
            column: rule.field.name,
            cell: bound[b].letter + rowNumber,
            code: checks[k].code,
            message: checks[k].message(value, text),
            value: text,
          });
          rowIssueCols.push(column);
        }
        const seen = bound[b].seen;
        if (seen !== null) {
          const first = seen.firstOrAdd(value, rowNumber);
          if (first !== undefined) {
            const text = cellText(c) ?? '';
            rowIssues.push({
              row: rowNumber,
              column: rule.field.name,
              cell: bound[b].letter + rowNumber,
              code: 'unique',
              message: `${rule.label} must be unique; ${shown(text)} already appears in row ${first}`,
              value: text,
            });
            rowIssueCols.push(column);
          }
        }
        if (!ok) castValues[bound[b].fieldIndex] = null;
      }
      for (let k = 0; k < keyRules.length; k++)
        checkKey(keyRules[k], rowNumber, castValues, rowIssues, rowIssueCols);
      const rowHasErrors = rowIssues.length > 0;
      // Cheap guard first: most sheets have neither unnamed columns nor cells past the header.
      if (header.extrasAreErrors && (cells.length > header.width || header.unnamedColumns.size > 0)) {
        checkUnnamed(header, cells, rowNumber, reportedUnnamed, rowIssues, rowIssueCols);
      }
      for (let i = 0; i < rowIssues.length; i++) report.add(rowIssues[i]);
      report.countRow(rowHasErrors);
      if (onRow !== undefined) {
        const values: Record<string, unknown> = {};
        for (let f = 0; f < schema.fields.length; f++) values[schema.fields[f].name] = castValues[f];
        onRow({ number: rowNumber, values, valid: !rowHasErrors });
      }
      for (let f = 0; f < castValues.length; f++) castValues[f] = null;
    }
    if (onProgress !== undefined) {
      const now = performance.now();
      if (now - lastProgress >= progressInterval) {
        lastProgress = now;
        onProgress(progress());
      }
    }
  }
  if (header === null) {
    throw new EngineError('empty_file', 'The file has no header row: every row is empty');
  }
  onProgress?.(progress());
  return report.build();
}
