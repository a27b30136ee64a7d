import type { CellValue, Row } from '../reader/types.js';
import { cellRef, MAX_ROWS } from './cell-ref.js';
import { isoToSerial, serialTo1900 } from './date-serial.js';
import type { IssueIndex } from './issue-index.js';
import { SHEET_XML_HEAD } from './xlsx-package.js';
import { DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, type StylesRegistry } from './styles-registry.js';
import { cellTextXml, escapeXml, textElement } from './xml-text.js';

/** The `s` ids a data cell can get: [normal, highlighted] per kind of value. */
export interface DataCellStyles {
  readonly plain: readonly [number, number];
  readonly date: readonly [number, number];
  readonly datetime: readonly [number, number];
  readonly time: readonly [number, number];
}

export function registerDataCellStyles(styles: StylesRegistry): DataCellStyles {
  const pair = (numFmt?: string): [number, number] => [
    styles.styleOf({ numFmt }),
    styles.styleOf({ numFmt, bad: true }),
  ];
  return { plain: pair(), date: pair(DATE_FORMAT), datetime: pair(DATETIME_FORMAT), time: pair(TIME_FORMAT) };
}

// The values Excel accepts in `t="e"` cells everywhere; newer ones (#SPILL!, #CALC!) are written
// as text so older readers do not reject the file.
const CLASSIC_ERRORS = new Set([
  '#NULL!',
  '#DIV/0!',
  '#VALUE!',
  '#REF!',
  '#NAME?',
  '#NUM!',
  '#N/A',
  '#GETTING_DATA',
]);

function styleAttr(s: number): string {
  return s === 0 ? '' : ` s="${s}"`;
}

function textCell(ref: string, text: string, s: number): string {
  return `<c r="${ref}"${styleAttr(s)} t="inlineStr"><is>${textElement(text)}</is></c>`;
}

function dateCell(ref: string, serial: number, styles: DataCellStyles, bad: 0 | 1): string {
  const kind = serial < 1 ? styles.time : Number.isInteger(serial) ? styles.date : styles.datetime;
  return `<c r="${ref}"${styleAttr(kind[bad])}><v>${serial}</v></c>`;
}

/** One cell as SpreadsheetML; '' for an empty cell that is not highlighted. */
export function cellXml(
  ref: string,
  value: CellValue | undefined,
  bad: boolean,
  styles: DataCellStyles,
): string {
  const b = bad ? 1 : 0;
  if (value === undefined) return bad ? `<c r="${ref}"${styleAttr(styles.plain[1])}/>` : '';
  switch (value.t) {
    case 's':
      return textCell(ref, value.v, styles.plain[b]);
    case 'n': {
      if (!Number.isFinite(value.v)) return textCell(ref, String(value.v), styles.plain[b]);
      if (value.date) {
        const serial = serialTo1900(value.v, value.date1904);
        if (serial >= 0) return dateCell(ref, serial, styles, b);
      }
      return `<c r="${ref}"${styleAttr(styles.plain[b])}><v>${value.v}</v></c>`;
    }
    case 'b':
      return `<c r="${ref}"${styleAttr(styles.plain[b])} t="b"><v>${value.v ? 1 : 0}</v></c>`;
    case 'e':
      return CLASSIC_ERRORS.has(value.v)
        ? `<c r="${ref}"${styleAttr(styles.plain[b])} t="e"><v>${escapeXml(value.v)}</v></c>`
        : textCell(ref, value.v, styles.plain[b]);
    case 'd': {
      const serial = isoToSerial(value.v);
      return serial === null ? textCell(ref, value.v, styles.plain[b]) : dateCell(ref, serial, styles, b);
    }
  }
}

function rowXml(
  number: number,
  cells: ReadonlyArray<CellValue | undefined>,
  marks: ReadonlyMap<number, string | null> | undefined,
  styles: DataCellStyles,
): string {
  const out: string[] = [];
  if (!marks) {
    for (let c = 0; c < cells.length; c++) {
      const value = cells[c];
      if (value !== undefined) out.push(cellXml(cellRef(number, c), value, false, styles));
    }
  } else {
    // Bad cells may lie beyond the row's last value (a required cell left empty): merge both in
    // column order, which SpreadsheetML requires.
    const columns = new Set<number>(marks.keys());
    for (let c = 0; c < cells.length; c++) if (cells[c] !== undefined) columns.add(c);
    for (const c of [...columns].sort((a, b) => a - b)) {
      out.push(cellXml(cellRef(number, c), cells[c], marks.has(c), styles));
    }
  }
  return out.length ? `<row r="${number}">${out.join('')}</row>` : '';
}

export interface DataSheetOptions {
  /** CSV sources hold only text: tell Excel not to flag every number-like text cell. */
  readonly textOnly: boolean;
  readonly withComments: boolean;
  /** Incremented for every source row past Excel's last row (a CSV can be longer). */
  readonly dropped?: { rows: number };
}

/**
 * The copied sheet, streamed: source rows in order, with the bad cells of the index highlighted.
 * Rows that exist only in the index (a bad cell in a blank row) are slotted in at their place.
 */
export async function* dataSheetXml(
  rows: AsyncIterable<readonly Row[]>,
  index: IssueIndex,
  styles: DataCellStyles,
  options: DataSheetOptions,
): AsyncGenerator<string> {
  yield `${SHEET_XML_HEAD}<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData>`;
  const issueRows = index.rows();
  let k = 0;
  let last = 0;
  const empty: CellValue[] = [];
  for await (const batch of rows) {
    const parts: string[] = [];
    for (const row of batch) {
      // Excel needs strictly ascending rows inside its grid.
      if (row.number > MAX_ROWS) {
        if (options.dropped) options.dropped.rows += 1;
        continue;
      }
      if (row.number <= last) continue;
      while (k < issueRows.length && issueRows[k] < row.number) {
        parts.push(rowXml(issueRows[k], empty, index.cellsOf(issueRows[k]), styles));
        k += 1;
      }
      let marks: ReadonlyMap<number, string | null> | undefined;
      if (issueRows[k] === row.number) {
        marks = index.cellsOf(row.number);
        k += 1;
      }
      parts.push(rowXml(row.number, row.cells, marks, styles));
      last = row.number;
    }
    if (parts.length) yield parts.join('');
  }
  for (; k < issueRows.length; k++) {
    if (issueRows[k] > last) yield rowXml(issueRows[k], empty, index.cellsOf(issueRows[k]), styles);
  }
  yield '</sheetData>';
  if (options.textOnly) {
    yield '<ignoredErrors><ignoredError sqref="A1:XFD1048576" numberStoredAsText="1"/></ignoredErrors>';
  }
  if (options.withComments) yield '<legacyDrawing r:id="rId1"/>';
  yield '</worksheet>';
}

// Excel's own note font. A run (not a bare <t>) is what Excel writes and what other readers expect.
const COMMENT_RUN_PROPS =
  '<rPr><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>';

/** `xl/commentsN.xml`, streamed from the index. */
export function* commentsXml(index: IssueIndex): Generator<string> {
  yield (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<authors><author>Intake</author></authors><commentList>'
  );
  for (const { row, column, text } of index.comments()) {
    yield `<comment ref="${cellRef(row, column)}" authorId="0"><text><r>${COMMENT_RUN_PROPS}<t xml:space="preserve">${cellTextXml(text)}</t></r></text></comment>`;
  }
  yield '</commentList></comments>';
}

/**
 * The legacy VML drawing Excel needs to show comments at all: one hidden note shape per comment,
 * anchored next to its cell.
 */
export function* vmlXml(index: IssueIndex): Generator<string> {
  yield (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" ' +
    'xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>' +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">' +
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
  );
  let id = 1025;
  for (const { row, column } of index.comments()) {
    const r0 = row - 1;
    const anchor = `${column + 1}, 15, ${Math.max(0, r0 - 1)}, 10, ${column + 3}, 15, ${r0 + 3}, 4`;
    yield (
      `<v:shape id="_x0000_s${id++}" type="#_x0000_t202" ` +
      'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:180pt;height:60pt;z-index:1;visibility:hidden" ' +
      'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>' +
      '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
      `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${anchor}</x:Anchor>` +
      `<x:AutoFill>False</x:AutoFill><x:Row>${r0}</x:Row><x:Column>${column}</x:Column></x:ClientData></v:shape>`
    );
  }
  yield '</xml>';
}
