import type { TableSchema } from '../schema/types.js';
import { cellRef, columnLetters, MAX_ROWS } from './cell-ref.js';
import type { OutputTarget } from './output-target.js';
import { StylesRegistry } from './styles-registry.js';
import {
  dataValidationXml,
  enumText,
  fitsInline,
  type EnumItem,
  type ListSource,
} from './template-validation.js';
import { templateColumnWidth, templateNumberFormat } from './template-formats.js';
import { SHEET_XML_HEAD, writeXlsxPackage, type SheetPart } from './xlsx-package.js';
import { textElement } from './xml-text.js';

export interface TemplateOptions {
  /**
   * Last row the data validations (dropdowns, limits, input messages) cover. Default 1,048,576:
   * the whole column, as Excel itself writes it. (exceljs expands such ranges cell by cell when
   * reading, which is slow; Excel and LibreOffice do not.)
   */
  readonly rows?: number;
}

const LISTS_SHEET = 'Lists';

function textCell(ref: string, text: string, s: number): string {
  return `<c r="${ref}"${s ? ` s="${s}"` : ''} t="inlineStr"><is>${textElement(text)}</is></c>`;
}

function listCell(ref: string, item: EnumItem): string {
  if (typeof item === 'number') return `<c r="${ref}"><v>${item}</v></c>`;
  if (typeof item === 'boolean') return `<c r="${ref}" t="b"><v>${item ? 1 : 0}</v></c>`;
  return textCell(ref, item, 0);
}

/**
 * A workbook people can fill in and that validates against `schema`: one header row of field
 * names (bold, frozen), per-column number formats and widths, dropdowns for enum fields (long
 * lists on a hidden "Lists" sheet), input messages from field descriptions.
 */
export async function writeTemplateWorkbook(
  schema: TableSchema,
  out: OutputTarget,
  options: TemplateOptions = {},
): Promise<void> {
  const lastRow = options.rows ?? MAX_ROWS;
  if (!Number.isInteger(lastRow) || lastRow < 2 || lastRow > MAX_ROWS) {
    throw new RangeError(`rows must be a whole number from 2 to ${MAX_ROWS}; got ${options.rows}`);
  }
  const styles = new StylesRegistry();
  const header = styles.styleOf({ bold: true });
  const cols: string[] = [];
  const validations: string[] = [];
  const listColumns: { items: readonly EnumItem[] }[] = [];

  schema.fields.forEach((field, i) => {
    const letter = columnLetters(i);
    const items = field.constraints?.enum ?? (field.type === 'boolean' ? booleanChoices(field) : []);
    const numFmt = templateNumberFormat(field);
    const style = numFmt === undefined ? 0 : styles.styleOf({ numFmt });
    const width = templateColumnWidth(field, items.map(enumText));
    cols.push(
      `<col min="${i + 1}" max="${i + 1}" width="${width}"${style ? ` style="${style}"` : ''} customWidth="1"/>`,
    );
    let list: ListSource | null = null;
    if (items.length > 0) {
      if (fitsInline(items)) {
        list = { inline: items.map(enumText) };
      } else {
        const listLetter = columnLetters(listColumns.length);
        listColumns.push({ items });
        list = { range: `${LISTS_SHEET}!$${listLetter}$1:$${listLetter}$${items.length}` };
      }
    }
    const rule = dataValidationXml(field, `${letter}2:${letter}${lastRow}`, list);
    if (rule) validations.push(rule);
  });

  const headerCells = schema.fields.map((f, i) => textCell(cellRef(1, i), f.name, header)).join('');
  const mainXml =
    `${SHEET_XML_HEAD}<sheetViews><sheetView tabSelected="1" workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols.length ? `<cols>${cols.join('')}</cols>` : '') +
    `<sheetData><row r="1">${headerCells}</row></sheetData>` +
    (validations.length
      ? `<dataValidations count="${validations.length}">${validations.join('')}</dataValidations>`
      : '') +
    '</worksheet>';

  const sheets: SheetPart[] = [{ name: 'Data', xml: mainXml }];
  if (listColumns.length)
    sheets.push({ name: LISTS_SHEET, hidden: true, xml: () => listsSheetXml(listColumns) });
  await writeXlsxPackage({ sheets, stylesXml: styles.toXml() }, out);
}

/** A boolean column's dropdown: its first true and false spellings (Excel's TRUE/FALSE by default). */
function booleanChoices(field: TableSchema['fields'][number]): string[] {
  return [field.trueValues?.[0] ?? 'TRUE', field.falseValues?.[0] ?? 'FALSE'];
}

/** The hidden sheet holding long dropdown lists, one column per field. */
function* listsSheetXml(columns: readonly { items: readonly EnumItem[] }[]): Generator<string> {
  yield `${SHEET_XML_HEAD}<sheetData>`;
  const height = Math.max(...columns.map((c) => c.items.length));
  for (let r = 0; r < height; r++) {
    const cells = columns
      .map((c, i) => (r < c.items.length ? listCell(cellRef(r + 1, i), c.items[r]) : ''))
      .join('');
    yield `<row r="${r + 1}">${cells}</row>`;
  }
  yield '</sheetData></worksheet>';
}
