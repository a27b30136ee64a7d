import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../reader/types.js';
import type { ValidationIssue } from '../validate/types.js';
import { commentsXml, dataSheetXml, registerDataCellStyles, vmlXml } from './annotated-sheet-xml.js';
import { cellRef, MAX_ROWS, parseCellRef } from './cell-ref.js';
import {
  errorRowXml,
  errorsSheetXml,
  hyperlinkXml,
  MAX_HYPERLINKS,
  sheetPrefix,
} from './errors-sheet-xml.js';
import { DEFAULT_ISSUE_INDEX_LIMITS, IssueIndex, type IssueIndexLimits } from './issue-index.js';
import type { OutputTarget } from './output-target.js';
import { StylesRegistry } from './styles-registry.js';
import { SpoolFile } from './spool-file.js';
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
    const styles = new StylesRegistry();
    const cellStyles = registerDataCellStyles(styles);
    const headerStyle = styles.styleOf({ bold: true });
    const linkStyle = styles.styleOf({ link: true });
    const dataName = source.sheetName ?? 'Data';
    const errorsName = dataName.toLowerCase() === 'errors' ? 'Errors (Intake)' : 'Errors';
    const listed = await spoolIssues(issues, index, dir, { dataSheet: dataName, linkStyle });
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
            xml: () =>
              errorsSheetXml({
                rowsFile: listed.rowsFile,
                linksFile: listed.linksFile,
                headerStyle,
                lastRow: listed.rows + 1,
                note: closingNote(),
              }),
          },
        ],
        // Excel keeps an autofilter's range in this hidden, sheet-local name.
        definedNames: [
          {
            name: '_xlnm._FilterDatabase',
            localSheetId: 1,
            hidden: true,
            ref: `${sheetPrefix(errorsName)}$A$1:$F$${Math.max(1, listed.rows + 1)}`,
          },
        ],
      },
      out,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Spooled {
  /** Issues listed (rows 2 … rows + 1 of the Errors sheet). */
  readonly rows: number;
  /** Issues past the sheet's capacity: counted, not listed. */
  readonly omitted: number;
  readonly rowsFile: string;
  readonly linksFile: string | null;
}

/**
 * Indexes the issues for highlighting and spools their Errors-sheet rows (and links to the bad
 * cells) to files in `dir`, so any number of issues costs disk, not memory.
 */
async function spoolIssues(
  issues: IssueSource,
  index: IssueIndex,
  dir: string,
  ctx: { dataSheet: string; linkStyle: number },
): Promise<Spooled> {
  const rowsOut = new SpoolFile(join(dir, 'errors-rows.xml'));
  const linksOut = new SpoolFile(join(dir, 'errors-links.xml'));
  // Header row 1, issues from row 2, and one row kept free for the closing note.
  const maxListed = MAX_ROWS - 2;
  let rows = 0;
  let omitted = 0;
  let links = 0;
  try {
    for await (const issue of issues) {
      index.add(issue);
      if (rows >= maxListed) {
        omitted += 1;
        continue;
      }
      rows += 1;
      const target = issue.cell === null ? null : parseCellRef(issue.cell);
      const linked = target !== null && links < MAX_HYPERLINKS;
      await rowsOut.write(errorRowXml(issue, rows + 1, linked ? ctx.linkStyle : 0));
      if (linked) {
        links += 1;
        await linksOut.write(hyperlinkXml(rows + 1, ctx.dataSheet, cellRef(target.row, target.column)));
      }
    }
    await rowsOut.close();
    await linksOut.close();
  } catch (err) {
    rowsOut.destroy();
    linksOut.destroy();
    throw err;
  }
  return { rows, omitted, rowsFile: rowsOut.path, linksFile: linksOut.used ? linksOut.path : null };
}
