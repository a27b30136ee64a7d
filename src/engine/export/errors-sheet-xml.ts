import { createReadStream } from 'node:fs';
import type { ValidationIssue } from '../validate/types.js';
import { SHEET_XML_HEAD } from './xlsx-package.js';
import { escapeXml, textElement } from './xml-text.js';

/** Columns of the Errors sheet, and of the errors CSV. */
export const ERROR_COLUMNS = ['row', 'column', 'cell', 'code', 'message', 'value'] as const;

function text(col: string, row: number, value: string, s = 0): string {
  return `<c r="${col}${row}"${s ? ` s="${s}"` : ''} t="inlineStr"><is>${textElement(value)}</is></c>`;
}

/** Excel refuses (and "repairs") a worksheet with more hyperlinks than this. */
export const MAX_HYPERLINKS = 65_530;

/** A sheet name as a formula reference prefix: `'Q3 orders'!`. */
export function sheetPrefix(name: string): string {
  return `'${name.replace(/'/g, "''")}'!`;
}

/** A jump from the Errors sheet's cell column to the bad cell in the data sheet. */
export function hyperlinkXml(sheetRow: number, dataSheet: string, cell: string): string {
  return `<hyperlink ref="C${sheetRow}" location="${escapeXml(sheetPrefix(dataSheet) + cell)}" display="${escapeXml(cell)}"/>`;
}

/** One issue as row `sheetRow` of the Errors sheet; `linkStyle` marks its cell as a link. */
export function errorRowXml(issue: ValidationIssue, sheetRow: number, linkStyle = 0): string {
  return (
    `<row r="${sheetRow}"><c r="A${sheetRow}"><v>${issue.row}</v></c>` +
    (issue.column === null ? '' : text('B', sheetRow, issue.column)) +
    (issue.cell === null ? '' : text('C', sheetRow, issue.cell, linkStyle)) +
    text('D', sheetRow, issue.code) +
    text('E', sheetRow, issue.message) +
    (issue.value === null ? '' : text('F', sheetRow, issue.value)) +
    '</row>'
  );
}

export interface ErrorsSheetParts {
  /** `<row>`s spooled while the issues were consumed. */
  readonly rowsFile: string;
  /** `<hyperlink>`s spooled alongside, or null when there are none. */
  readonly linksFile: string | null;
  readonly headerStyle: number;
  /** Last row holding an issue (the autofilter's extent). */
  readonly lastRow: number;
  /** A closing remark (what was not listed or copied), or null. */
  readonly note: string | null;
}

async function* fileText(path: string): AsyncGenerator<string> {
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    yield chunk as string;
  }
}

/**
 * The Errors sheet: a bold, frozen, filterable header, the spooled issue rows, an optional
 * closing note, and links from each cell reference to the bad cell.
 */
export async function* errorsSheetXml(parts: ErrorsSheetParts): AsyncGenerator<string> {
  yield (
    `${SHEET_XML_HEAD}<sheetViews><sheetView workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<cols><col min="1" max="1" width="8" customWidth="1"/><col min="2" max="2" width="20" customWidth="1"/>' +
    '<col min="3" max="3" width="8" customWidth="1"/><col min="4" max="4" width="18" customWidth="1"/>' +
    '<col min="5" max="5" width="60" customWidth="1"/><col min="6" max="6" width="24" customWidth="1"/></cols>' +
    '<sheetData><row r="1">' +
    ERROR_COLUMNS.map((name, i) => text(String.fromCharCode(65 + i), 1, name, parts.headerStyle)).join('') +
    '</row>'
  );
  yield* fileText(parts.rowsFile);
  const noteRow = parts.lastRow + 1;
  if (parts.note !== null) yield `<row r="${noteRow}">${text('E', noteRow, parts.note)}</row>`;
  yield `</sheetData><autoFilter ref="${errorsFilterRange(parts.lastRow)}"/>`;
  if (parts.linksFile !== null) {
    yield '<hyperlinks>';
    yield* fileText(parts.linksFile);
    yield '</hyperlinks>';
  }
  yield '</worksheet>';
}

/** The Errors sheet's autofilter range: header plus issue rows. */
export function errorsFilterRange(lastRow: number): string {
  return `A1:F${Math.max(1, lastRow)}`;
}
