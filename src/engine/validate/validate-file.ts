import { basename } from 'node:path';
import { openSpreadsheet } from '../reader/index.js';
import type { TableSchema } from '../schema/types.js';
import type { Report } from './types.js';
import { validateRows, type ValidateOptions } from './validate-rows.js';

/**
 * Opens a spreadsheet (xlsx or CSV, sniffed by the reader), streams it and validates every row.
 * Throws EngineError for a file that cannot be read (the CLI's exit 2); problems in the data are
 * never thrown, they are in the report.
 */
export async function validateFile(
  path: string,
  schema: TableSchema,
  options: ValidateOptions = {},
): Promise<Report> {
  const opened = await openSpreadsheet(path, { sheet: options.sheet, limits: options.limits });
  try {
    return await validateRows(
      opened.rows(),
      schema,
      {
        name: options.fileName ?? basename(path),
        format: opened.format,
        sheet: opened.sheet,
        bytes: opened.bytes,
        progress: () => opened.progress(),
      },
      options,
    );
  } finally {
    await opened.close();
  }
}
