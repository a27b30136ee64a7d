import { EngineError } from '../errors.js';
import type { CellValue, Row } from '../reader/types.js';
import type { Field, TableSchema } from '../schema/types.js';
import { cellText } from '../schema/value-cast.js';
import { ColumnProfile, DEFAULT_ENUM_RULE, type EnumRule } from './column-profile.js';

export interface InferRowsOptions {
  /** Data rows (after the header) to sample. Default 10,000. */
  readonly sampleRows?: number;
  /** When a text column becomes an enum; see DEFAULT_ENUM_RULE. */
  readonly enumRule?: Partial<EnumRule>;
  /** Values tracked for uniqueness across all columns. Default 1,000,000. */
  readonly maxTrackedValues?: number;
}

export const DEFAULT_SAMPLE_ROWS = 10_000;

function isBlank(cell: CellValue | undefined): boolean {
  return cell === undefined || (cell.t === 's' && cell.v === '');
}

/**
 * Header texts → field names, by column; null for a column no field can describe: a blank header
 * (validation never binds one) or a repeated header (validation binds only the leftmost and
 * reports the others as duplicates).
 */
export function headerNames(cells: ReadonlyArray<CellValue | undefined>): (string | null)[] {
  const seen = new Set<string>();
  return Array.from(cells, (cell) => {
    const name = (cellText(cell) ?? '').trim();
    if (name === '' || seen.has(name)) return null;
    seen.add(name);
    return name;
  });
}

/** The reader-independent core of inferSchema. */
export async function inferSchemaFromRows(
  rows: AsyncIterable<readonly Row[]>,
  options: InferRowsOptions = {},
): Promise<TableSchema> {
  const sampleRows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  if (!Number.isInteger(sampleRows) || sampleRows < 1) {
    throw new RangeError(`sampleRows must be a whole number of at least 1; got ${sampleRows}`);
  }
  const enumRule = { ...DEFAULT_ENUM_RULE, ...options.enumRule };
  const maxTracked = options.maxTrackedValues ?? 1_000_000;
  let header: ReadonlyArray<CellValue | undefined> | null = null;
  const profiles: ColumnProfile[] = [];
  let sampled = 0;
  let newProfile = (): ColumnProfile => new ColumnProfile(maxTracked, enumRule);

  outer: for await (const batch of rows) {
    for (const row of batch) {
      if (row.cells.every(isBlank)) continue;
      if (header === null) {
        header = row.cells;
        const perColumn = Math.max(1_000, Math.floor(maxTracked / Math.max(1, header.length)));
        newProfile = () => new ColumnProfile(perColumn, enumRule);
        continue;
      }
      // A column that first shows up in row k was empty in the rows before it.
      while (profiles.length < row.cells.length) {
        const p = newProfile();
        for (let i = 0; i < sampled; i++) p.observe(undefined);
        profiles.push(p);
      }
      for (let c = 0; c < profiles.length; c++) profiles[c].observe(row.cells[c]);
      sampled += 1;
      if (sampled >= sampleRows) break outer;
    }
  }
  if (header === null) throw new EngineError('empty_file', 'The file has no header row: every row is empty');

  const fields: Field[] = [];
  headerNames(header).forEach((name, i) => {
    if (name !== null) fields.push(i < profiles.length ? profiles[i].toField(name) : { name, type: 'any' });
  });
  return { fields };
}
