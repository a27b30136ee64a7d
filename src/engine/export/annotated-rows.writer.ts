import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../reader/types.js';
import type { ValidationIssue } from '../validate/types.js';
import { commentsXml, dataSheetXml, registerDataCellStyles, vmlXml } from './annotated-sheet-xml.js';
import { MAX_ROWS } from './cell-ref.js';
import { errorRowXml, errorsSheetXml } from './errors-sheet-xml.js';
import { DEFAULT_ISSUE_INDEX_LIMITS, IssueIndex, type IssueIndexLimits } from './issue-index.js';
import type { OutputTarget } from './output-target.js';
import { StylesRegistry } from './styles-registry.js';
import { writeXlsxPackage } from './xlsx-package.js';

export type IssueSource = Iterable<ValidationIssue> | AsyncIterable<ValidationIssue>;

/** The rows to copy, as a reader yields them. */
export interface AnnotatedSource {
  /** Name of the data sheet in the output; CSV sources have none and get "Data". */
  readonly sheetName: string | null;
  /** True for CSV: every value is text. */
  readonly textOnly: boolean;
  readonly rows: AsyncIterable<readonly Row[]>;
}

/**
 * The annotated workbook from rows already being read: the reader-independent core of
 * writeAnnotatedWorkbook. Memory is bounded by the number of bad cells, never by rows: issues are
 * spooled to a temporary file, rows are copied as they are read.
 */
export async function writeAnnotatedWorkbookFromRows(
  source: AnnotatedSource,
  issues: IssueSource,
  out: OutputTarget,
  annotationLimits: Partial<IssueIndexLimits> = {},
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'intake-annotate-'));
  try {
    const index = new IssueIndex({ ...DEFAULT_ISSUE_INDEX_LIMITS, ...annotationLimits });
    const rowsFile = join(dir, 'errors-rows.xml');
    const listed = await spoolIssues(issues, index, rowsFile);

    const styles = new StylesRegistry();
    const cellStyles = registerDataCellStyles(styles);
    const headerStyle = styles.styleOf({ bold: true });
    const dataName = source.sheetName ?? 'Data';
    const errorsName = dataName.toLowerCase() === 'errors' ? 'Errors (Intake)' : 'Errors';
    const notes: string[] = [];
    if (listed.omitted > 0) {
      notes.push(`${listed.omitted} more issues are not listed: a sheet holds at most ${MAX_ROWS} rows.`);
    }
    if (index.notHighlighted > 0)
      notes.push(`${index.notHighlighted} bad cells are listed but not highlighted.`);
    const withComments = index.commentCount > 0;
    // The data sheet is written before the Errors sheet, so its count is final when the note is.
    const dropped = { rows: 0 };
    const closingNote = (): string | null => {
      const all =
        dropped.rows > 0
          ? [...notes, `${dropped.rows} rows past row ${MAX_ROWS} (Excel's last row) are not copied.`]
          : notes;
      return all.length ? all.join(' ') : null;
    };

    await writeXlsxPackage(
      {
        stylesXml: styles.toXml(),
        sheets: [
          {
            name: dataName,
            xml: () =>
              dataSheetXml(source.rows, index, cellStyles, {
                textOnly: source.textOnly,
                withComments,
                dropped,
              }),
            comments: withComments
              ? { commentsXml: () => commentsXml(index), vmlXml: () => vmlXml(index) }
              : undefined,
          },
          {
            name: errorsName,
            xml: () => errorsSheetXml(rowsFile, headerStyle, closingNote(), listed.rows + 2),
          },
        ],
      },
      out,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Indexes the issues for highlighting and writes their Errors-sheet rows to `file`. */
async function spoolIssues(
  issues: IssueSource,
  index: IssueIndex,
  file: string,
): Promise<{ rows: number; omitted: number }> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  // Header row 1, issues from row 2, and one row kept free for the closing note.
  const maxListed = MAX_ROWS - 2;
  let rows = 0;
  let omitted = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  try {
    for await (const issue of issues) {
      index.add(issue);
      if (rows >= maxListed) {
        omitted += 1;
        continue;
      }
      rows += 1;
      const xml = errorRowXml(issue, rows + 1);
      pending.push(xml);
      pendingChars += xml.length;
      if (pendingChars >= 64 * 1024) {
        if (!out.write(pending.join(''))) await once(out, 'drain');
        pending = [];
        pendingChars = 0;
      }
    }
    if (pending.length) out.write(pending.join(''));
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    throw err;
  }
  return { rows, omitted };
}
