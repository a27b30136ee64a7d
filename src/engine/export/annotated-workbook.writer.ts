import { openSpreadsheet } from '../reader/index.js';
import type { ReaderLimits } from '../reader/types.js';
import { writeAnnotatedWorkbookFromRows, type IssueSource } from './annotated-rows.writer.js';
import type { IssueIndexLimits } from './issue-index.js';
import type { OutputTarget } from './output-target.js';

export interface AnnotatedWorkbookOptions {
  /** Sheet to copy (xlsx). Default: the first visible worksheet, as validation reads it. */
  readonly sheet?: string;
  readonly limits?: Partial<ReaderLimits>;
  /** Caps on highlighted / commented cells; see IssueIndexLimits for the defaults. */
  readonly annotations?: Partial<IssueIndexLimits>;
}

/**
 * A streamed .xlsx copy of the sheet (values as in the source) with every bad cell highlighted and
 * commented, plus an "Errors" sheet listing every issue. Issues without a cell are only listed.
 */
export async function writeAnnotatedWorkbook(
  inputPath: string,
  issues: IssueSource,
  outPath: OutputTarget,
  options: AnnotatedWorkbookOptions = {},
): Promise<void> {
  const opened = await openSpreadsheet(inputPath, { sheet: options.sheet, limits: options.limits });
  try {
    await writeAnnotatedWorkbookFromRows(
      { sheetName: opened.sheet, textOnly: opened.format === 'csv', rows: opened.rows() },
      issues,
      outPath,
      options.annotations,
    );
  } finally {
    await opened.close();
  }
}
