import { openSpreadsheet } from '../reader/index.js';
import type { ReaderLimits } from '../reader/types.js';
import type { TableSchema } from '../schema/types.js';
import { inferSchemaFromRows, type InferRowsOptions } from './infer-rows.js';

export interface InferOptions extends InferRowsOptions {
  /** Sheet to sample (xlsx). Default: the first visible worksheet. */
  readonly sheet?: string;
  readonly limits?: Partial<ReaderLimits>;
}

/**
 * A draft Table Schema from a sample file: header = first non-blank row, then up to `sampleRows`
 * data rows decide types, required, enum, unique and string formats. Reading stops after the
 * sample, so a huge file costs no more than its first rows.
 */
export async function inferSchema(path: string, options: InferOptions = {}): Promise<TableSchema> {
  const opened = await openSpreadsheet(path, { sheet: options.sheet, limits: options.limits });
  try {
    return await inferSchemaFromRows(opened.rows(), options);
  } finally {
    await opened.close();
  }
}
