import { createReadStream } from 'node:fs';
import type { ValidationIssue } from '../validate/types.js';
import { SHEET_XML_HEAD } from './xlsx-package.js';
import { textElement } from './xml-text.js';

/** Columns of the Errors sheet, and of the errors CSV. */
export const ERROR_COLUMNS = ['row', 'column', 'cell', 'code', 'message', 'value'] as const;

function text(col: string, row: number, value: string, s = 0): string {
  return `<c r="${col}${row}"${s ? ` s="${s}"` : ''} t="inlineStr"><is>${textElement(value)}</is></c>`;
}

/** One issue as row `sheetRow` of the Errors sheet. */
export function errorRowXml(issue: ValidationIssue, sheetRow: number): string {
  return (
    `<row r="${sheetRow}"><c r="A${sheetRow}"><v>${issue.row}</v></c>` +
    (issue.column === null ? '' : text('B', sheetRow, issue.column)) +
    (issue.cell === null ? '' : text('C', sheetRow, issue.cell)) +
    text('D', sheetRow, issue.code) +
    text('E', sheetRow, issue.message) +
    (issue.value === null ? '' : text('F', sheetRow, issue.value)) +
    '</row>'
  );
}

/**
 * The Errors sheet: a bold frozen header, then the rows already spooled to `rowsFile` (written
 * while the issues were consumed), then an optional closing note.
 */
export async function* errorsSheetXml(
  rowsFile: string,
  headerStyle: number,
  note: string | null,
  noteRow: number,
) {
  yield (
    `${SHEET_XML_HEAD}<sheetViews><sheetView workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<cols><col min="1" max="1" width="8" customWidth="1"/><col min="2" max="2" width="20" customWidth="1"/>' +
    '<col min="3" max="3" width="8" customWidth="1"/><col min="4" max="4" width="18" customWidth="1"/>' +
    '<col min="5" max="5" width="60" customWidth="1"/><col min="6" max="6" width="24" customWidth="1"/></cols>' +
    '<sheetData><row r="1">' +
    ERROR_COLUMNS.map((name, i) => text(String.fromCharCode(65 + i), 1, name, headerStyle)).join('') +
    '</row>'
  );
  for await (const chunk of createReadStream(rowsFile, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    yield chunk as string;
  }
  if (note !== null) yield `<row r="${noteRow}">${text('E', noteRow, note)}</row>`;
  yield '</sheetData></worksheet>';
}
