import { describe, expect, it } from 'vitest';
import { sample } from './samples.helper.js';
import { cellAt, readAll, valueAt } from './xlsx-fixture.helper.js';

/** Files of the shared sample corpus, read as its MANIFEST.md says. */

describe('sample corpus: LibreOffice, Google Sheets, Numbers', () => {
  it('libreoffice-4.1-inline-strings-uncached-formulas: empty inline cached values are empty', async () => {
    const { rows } = await readAll(sample('libreoffice-4.1-inline-strings-uncached-formulas.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('General');
    expect(valueAt(rows, 'B1')).toBe(1);
    expect(valueAt(rows, 'C1')).toBe(-1.2);
    expect(valueAt(rows, 'D1')).toBe(12.3);
    expect(valueAt(rows, 'B2')).toBe(1);
    expect(valueAt(rows, 'A37')).toBe('am/pm');
    expect(cellAt(rows, 'C38')).toBeUndefined();
  });

  it('libreoffice-5.1-1024-cols-row-only-dimension: padded rows, odd dimension', async () => {
    const { rows } = await readAll(sample('libreoffice-5.1-1024-cols-row-only-dimension.xlsx'));
    expect(rows.map((r) => [r.number, r.cells.length])).toEqual([
      [1, 2],
      [2, 1],
      [3, 1],
      [4, 2],
    ]);
    expect(valueAt(rows, 'A1')).toBe('Name');
    expect(valueAt(rows, 'B1')).toBe('Rating');
    expect(valueAt(rows, 'A4')).toBe('Third');
    expect(valueAt(rows, 'B4')).toBe(2);
  });

  it('libreoffice-7.3-1904-dates: date1904="true" and [hh]:mm:ss', async () => {
    const { rows } = await readAll(sample('libreoffice-7.3-1904-dates.xlsx'));
    expect(cellAt(rows, 'A1')).toEqual({ t: 'n', v: 42735, date: true, date1904: true });
    expect(cellAt(rows, 'A2')).toEqual({ t: 'n', v: 42736, date: true, date1904: true });
    expect(cellAt(rows, 'A3')).toEqual({ t: 'n', v: 10.6320601851852, date: true, date1904: true });
    expect(cellAt(rows, 'B1')).toEqual({ t: 'n', v: 15 });
  });

  it('libreoffice-4.4-merged-multiline-headers: Cyrillic sheet name, header block', async () => {
    const { rows, sheet } = await readAll(sample('libreoffice-4.4-merged-multiline-headers.xlsx'));
    expect(sheet).toBe('Лист1');
    expect(valueAt(rows, 'A1')).toBe('Region');
    expect(valueAt(rows, 'B1')).toBe('Caloric contribution');
    expect(valueAt(rows, 'C1')).toBe('Cumulative impact of changes on cost of food basket');
    expect(valueAt(rows, 'C4')).toBe('from previous quarter');
    expect(valueAt(rows, 'D4')).toBe('from baseline (%)');
    expect(valueAt(rows, 'B5')).toBe('(%)');
    expect(['A6', 'B6', 'C6', 'D6'].map((r) => valueAt(rows, r))).toEqual(['A', 'B', 'C', 'D']);
  });

  it('google-sheets-hidden-row-col: hidden rows and columns are still data', async () => {
    const { rows } = await readAll(sample('google-sheets-hidden-row-col.xlsx'));
    expect(['A1', 'B1', 'C1', 'A2', 'A3'].map((r) => valueAt(rows, r))).toEqual([
      'BEGIN',
      'HIDDEN',
      'VISIBLE',
      'HIDDEN',
      'VISIBLE',
    ]);
  });

  it('google-sheets-2014-nebraska-1033-data: real data, attributes t,s,r order', async () => {
    const { rows, sheet } = await readAll(sample('google-sheets-2014-nebraska-1033-data.xlsx'));
    expect(sheet).toBe('NE data');
    expect(rows).toHaveLength(1037);
    expect(valueAt(rows, 'A1')).toBe('state');
    expect(valueAt(rows, 'N1')).toBe('federal_supply_class_name');
    expect(valueAt(rows, 'A2')).toBe('NE');
    expect(valueAt(rows, 'B2')).toBe('ADAMS');
    expect(cellAt(rows, 'C2')).toEqual({ t: 'n', v: 31001 });
    expect(valueAt(rows, 'D2')).toBe('1005-00-589-1271');
    expect(valueAt(rows, 'E2')).toBe('RIFLE,7.62 MILLIMETER');
    expect(valueAt(rows, 'H2')).toBe(138);
    expect(cellAt(rows, 'J2')).toEqual({ t: 'n', v: 39640, date: true, date1904: false });
    expect(valueAt(rows, 'A1037')).toBe('NE');
  });

  it('numbers-11.2-minimal-types', async () => {
    const { rows, sheet } = await readAll(sample('numbers-11.2-minimal-types.xlsx'));
    expect(sheet).toBe('Sheet 1');
    expect(valueAt(rows, 'A1')).toBe('Sheet');
    expect(valueAt(rows, 'B1')).toBe('JS');
    expect(cellAt(rows, 'A2')).toEqual({ t: 'n', v: 123 });
    expect(cellAt(rows, 'B2')).toEqual({ t: 'n', v: 1.23 });
    expect(cellAt(rows, 'A3')).toEqual({ t: 'b', v: true });
    expect(cellAt(rows, 'B3')).toEqual({ t: 'n', v: 0.123 });
  });

  it('numbers-icloud-attendance-checkboxes: table from row 2, m/d dates, booleans', async () => {
    const { rows, sheet } = await readAll(sample('numbers-icloud-attendance-checkboxes.xlsx'));
    expect(sheet).toBe('Attendance - Attendance');
    expect(rows[0].number).toBe(2);
    expect(rows).toHaveLength(25);
    expect(valueAt(rows, 'A2')).toBe('Date');
    expect(valueAt(rows, 'B2')).toBe('Ben \nAshley');
    expect(cellAt(rows, 'A3')).toEqual({ t: 'n', v: 44105, date: true, date1904: false });
    expect(cellAt(rows, 'B3')).toEqual({ t: 'b', v: false });
    expect(cellAt(rows, 'C3')).toEqual({ t: 'b', v: true });
    expect(valueAt(rows, 'A26')).toBe('Total');
    expect(valueAt(rows, 'B26')).toBe(0);
    expect(valueAt(rows, 'C26')).toBe(1);
  });
});

describe('sample corpus: libraries and other writers', () => {
  it('openpyxl-3.0-inline-strings-341x25: empty first sheet, inline strings on the second', async () => {
    const file = sample('openpyxl-3.0-inline-strings-341x25.xlsx');
    const first = await readAll(file);
    expect(first.sheet).toBe('Sheet');
    expect(first.rows).toEqual([]);
    const { rows } = await readAll(file, { sheet: 'KA lijst' });
    expect(rows).toHaveLength(341);
    expect(valueAt(rows, 'A1')).toBe('AP');
    expect(valueAt(rows, 'B1')).toBe('APHeightUnit');
    expect(valueAt(rows, 'Y1')).toBe('TotalFiberLength');
    expect(valueAt(rows, 'A2')).toBe('AP1');
    expect(cellAt(rows, 'B2')).toEqual({ t: 's', v: '1' });
    expect(cellAt(rows, 'C2')).toBeUndefined();
    expect(cellAt(rows, 'Y2')).toEqual({ t: 's', v: '48.60' });
    expect(valueAt(rows, 'Y341')).toBe('470.61');
  });

  it('openpyxl-3.0-iso-date-d-cells: t="d" cells as written', async () => {
    const { rows } = await readAll(sample('openpyxl-3.0-iso-date-d-cells.xlsx'));
    expect(cellAt(rows, 'A1')).toEqual({ t: 'd', v: '2021-01-01' });
    expect(cellAt(rows, 'A2')).toEqual({ t: 'd', v: '2021-01-01T10:10:10' });
    expect(cellAt(rows, 'A3')).toEqual({ t: 'd', v: '10:10:10' });
    expect(valueAt(rows, 'A4')).toBe('This workbook contains datetime in ISO 8601');
  });

  it('openpyxl-3.1-custom-date-formats: quoted literals and locale tags', async () => {
    const { rows } = await readAll(sample('openpyxl-3.1-custom-date-formats.xlsx'));
    for (const ref of ['A1', 'A2', 'A3', 'A4']) {
      expect(cellAt(rows, ref)).toEqual({ t: 'n', v: 44197, date: true, date1904: false });
    }
  });

  it('xlsxwriter-data-validation-template: header only; other sheets by name', async () => {
    const file = sample('xlsxwriter-data-validation-template.xlsx');
    const { rows, sheet } = await readAll(file);
    expect(sheet).toBe('Export this as TSV');
    expect(rows.map((r) => r.cells.map((c) => c?.v))).toEqual([
      ['abc', 'xyz', 'string', 'number', 'integer', 'boolean'],
    ]);
    const abc = await readAll(file, { sheet: 'abc list' });
    expect(abc.rows.map((r) => r.cells[0]?.v)).toEqual(['A', 'B', 'C']);
    const xyz = await readAll(file, { sheet: 'xyz list' });
    expect(xyz.rows.map((r) => r.cells[0]?.v)).toEqual(['X', 'Y', 'Z']);
  });

  it('xlsxwriter-inline-string-x000D-escape: _x000D_ decodes to CR', async () => {
    const { rows } = await readAll(sample('xlsxwriter-inline-string-x000D-escape.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('ABC\r\nDEF');
  });

  it('sheetjs-nonstandard-part-paths: workbook under wtf/, uncached formulas empty', async () => {
    const file = sample('sheetjs-nonstandard-part-paths.xlsx');
    const { rows, sheet, sheets } = await readAll(file);
    expect(sheet).toBe('SheetJS');
    expect(sheets).toEqual([
      { name: 'SheetJS', visible: true },
      { name: 'Hidden', visible: false },
    ]);
    expect(valueAt(rows, 'A1')).toBe(1);
    expect(valueAt(rows, 'B1')).toBe(2);
    expect(valueAt(rows, 'C1')).toBe(3);
    expect(cellAt(rows, 'D1')).toBeUndefined();
    expect(cellAt(rows, 'E1')).toBeUndefined();
    expect(cellAt(rows, 'A2')).toEqual({ t: 'b', v: true });
    expect(cellAt(rows, 'B2')).toEqual({ t: 'b', v: false });
    expect(cellAt(rows, 'C2')).toBeUndefined();
    expect(valueAt(rows, 'A3')).toBe('foo    bar');
    expect(cellAt(rows, 'C3')).toEqual({ t: 'n', v: 41689.4375, date: true, date1904: false });
    expect(cellAt(rows, 'D3')).toEqual({ t: 's', v: '0.3' });
    expect(valueAt(rows, 'C4')).toBe('௮');
    expect(valueAt(rows, 'D4')).toBe(3.14159);
    expect(valueAt((await readAll(file, { sheet: 'Hidden' })).rows, 'A1')).toBe('H');
  });

  it('exceljs-leading-trailing-whitespace: whitespace kept exactly', async () => {
    const { rows } = await readAll(sample('exceljs-leading-trailing-whitespace.xlsx'));
    expect(rows[0].cells.map((c) => c?.v)).toEqual([' leading', 'trailing ', ' both ']);
  });

  it('apache-poi-mojibake-uncached-formulas: mojibake kept, uncached formula empty, negative date serial', async () => {
    const { rows } = await readAll(sample('apache-poi-mojibake-uncached-formulas.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('MA');
    expect(valueAt(rows, 'B1')).toBe('Datum');
    expect(valueAt(rows, 'H1')).toBe('ZeitÃ¼berschneidung');
    expect(valueAt(rows, 'L1')).toBe('Ã¼ber 10h');
    expect(cellAt(rows, 'G2')).toBeUndefined();
    expect(cellAt(rows, 'N2')).toEqual({ t: 'n', v: -1, date: true, date1904: false });
    expect(cellAt(rows, 'S2')).toEqual({ t: 'b', v: false });
    expect(valueAt(rows, 'H2')).toBe(' ');
  });

  it('gnumeric-full-sheet-dimension: A1:XFD1048576 dimension, padding to XFD', async () => {
    const { rows } = await readAll(sample('gnumeric-full-sheet-dimension.xlsx'));
    expect(rows.map((r) => r.number)).toEqual([1, 2]);
    expect(valueAt(rows, 'A1')).toBe('Your Ref #');
    expect(valueAt(rows, 'E1')).toBe('City ');
    expect(valueAt(rows, 'A2')).toBe(123);
    expect(valueAt(rows, 'B2')).toBe('Test Contact Name');
    expect(valueAt(rows, 'F2')).toBe(1.5);
    expect(valueAt(rows, 'H2')).toBe(1.2010000000000001);
    expect(valueAt(rows, 'K2')).toBe('My Company?');
  });

  it('wps-spreadsheets-evaluate-error: strings starting with = stay strings', async () => {
    const { rows } = await readAll(sample('wps-spreadsheets-evaluate-error.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('Name');
    expect(cellAt(rows, 'B2')).toEqual({ t: 's', v: '=EVALUATE("1+1")' });
    expect(valueAt(rows, 'C2')).toBe(2);
    expect(cellAt(rows, 'C3')).toEqual({ t: 'e', v: '#VALUE!' });
  });

  it('spreadsheetgear-missing-r-attributes: positions follow the previous row/cell', async () => {
    const { rows, sheet } = await readAll(sample('spreadsheetgear-missing-r-attributes.xlsx'));
    expect(sheet).toBe('Some Sheet');
    expect(valueAt(rows, 'A1')).toBe('String Value 32');
    expect(valueAt(rows, 'A7')).toBe('String Value 29');
    expect(cellAt(rows, 'B7')).toEqual({ t: 'n', v: 45000, date: true, date1904: false });
    expect(valueAt(rows, 'G7')).toBe(901);
    expect(valueAt(rows, 'A8')).toBe('String Value 35');
    expect(valueAt(rows, 'A66')).toBe('String Value 42');
    expect(valueAt(rows, 'D66')).toBe('String Value 8');
    expect(rows.find((r) => r.number === 6)).toBeUndefined();
    const values = rows.reduce((n, r) => n + r.cells.filter((c) => c !== undefined).length, 0);
    expect(values).toBe(250);
  });

  it('ms-access-2007-export-inline-strings: lower-case _x000d_ and XML newline normalisation', async () => {
    const { rows, sheet } = await readAll(sample('ms-access-2007-export-inline-strings.xlsx'));
    expect(sheet).toBe('TABLE');
    expect(valueAt(rows, 'A1')).toBe('Id');
    expect(valueAt(rows, 'B1')).toBe('Campo1');
    expect(valueAt(rows, 'A2')).toBe(1);
    expect(valueAt(rows, 'B2')).toBe('Rich Text\r\nTest');
  });

  it('openxml-sdk-no-cell-refs-x-prefix: no r attributes at all, x: prefixes', async () => {
    const { rows, sheet } = await readAll(sample('openxml-sdk-no-cell-refs-x-prefix.xlsx'));
    expect(sheet).toBe('Features');
    expect(valueAt(rows, 'A1')).toBe('Checked');
    expect(valueAt(rows, 'B1')).toBe('Ion');
    expect(valueAt(rows, 'K1')).toBe('Study File ID');
    expect(cellAt(rows, 'A2')).toEqual({ t: 'b', v: true });
    expect(valueAt(rows, 'B2')).toBe('[M+Na]+1');
    expect(valueAt(rows, 'C2')).toBe(1);
    expect(valueAt(rows, 'D2')).toBe(644.24222);
    expect(valueAt(rows, 'I2')).toBe(259103.248642121);
    expect(valueAt(rows, 'K2')).toBe('F1');
    expect(cellAt(rows, 'A70')).toBeUndefined();
    expect(valueAt(rows, 'C70')).toBe('Checked');
    expect(valueAt(rows, 'E71')).toBe(644.24221);
    expect(rows[rows.length - 1].number).toBe(71);
  });

  it('dotnet-writer-backslash-zip-paths: backslashes and lower-case part names', async () => {
    const { rows, sheet, sheets } = await readAll(sample('dotnet-writer-backslash-zip-paths.xlsx'));
    expect(sheet).toBe('FAM');
    expect(sheets.map((s) => s.name)).toEqual(['FAM', 'VIC']);
    expect(cellAt(rows, 'A1')).toBeUndefined();
    expect(valueAt(rows, 'B1')).toBe('Cycle');
    expect(valueAt(rows, 'C1')).toBe('A1');
    expect(valueAt(rows, 'CT1')).toBe('H12');
    expect(cellAt(rows, 'B2')).toEqual({ t: 'n', v: 1 });
    expect(valueAt(rows, 'C2')).toBe(11698.2415270953);
    expect(valueAt(rows, 'CT2')).toBe(2525.11169542002);
    expect(valueAt(rows, 'B39')).toBe(38);
  });

  it('node-xlsx-stream-d-date-cells: single-quoted attributes, entities, t="d"', async () => {
    const { rows } = await readAll(sample('node-xlsx-stream-d-date-cells.xlsx'));
    expect(valueAt(rows, 'B1')).toBe('てすと');
    expect(valueAt(rows, 'C1')).toBe(`&'";<>`);
    expect(valueAt(rows, 'D1')).toBe('&amp;');
    expect(valueAt(rows, 'D2')).toBe(-3);
    expect(valueAt(rows, 'D3')).toBe(1.23456789e22);
    expect(cellAt(rows, 'B4')).toEqual({ t: 'b', v: true });
    expect(cellAt(rows, 'B5')).toEqual({ t: 'd', v: '2014-02-14T08:27:48.765Z' });
    expect(cellAt(rows, 'B8')).toEqual({ t: 'n', v: 0.5 });
    expect(cellAt(rows, 'B10')).toEqual({ t: 'n', v: 1.5, date: true, date1904: false });
    expect(valueAt(rows, 'B11')).toBe('String1');
  });

  it('devextreme-export-dimension-too-small: data beyond the dimension; t="s" without <v> is empty', async () => {
    const { rows } = await readAll(sample('devextreme-export-dimension-too-small.xlsx'));
    expect(rows[0].cells.map((c) => c?.v)).toEqual([
      'Session ID',
      'External ID',
      'Mode',
      'Exam Alias',
      'Exam Id',
      'Actions',
    ]);
    expect(valueAt(rows, 'A2')).toBe('29d32be035c711e9bcbb5301da321735');
    expect(cellAt(rows, 'B2')).toBeUndefined();
    expect(valueAt(rows, 'C2')).toBe('AvailableForExport');
    expect(valueAt(rows, 'D2')).toBe('DEMO,LANG-DE');
    expect(valueAt(rows, 'C3')).toBe('Participating');
    expect(cellAt(rows, 'F3')).toBeUndefined();
  });

  it('xlsx-populate-uncached-formulas-stale-dimension: data past a stale dimension', async () => {
    const { rows, sheet } = await readAll(sample('xlsx-populate-uncached-formulas-stale-dimension.xlsx'));
    expect(sheet).toBe('ClickThroughRateSheet');
    expect(['B2', 'C2', 'D2'].map((r) => valueAt(rows, r))).toEqual(['Clicks', 'Impressions', 'CTR']);
    expect(valueAt(rows, 'B3')).toBe(937);
    expect(valueAt(rows, 'C3')).toBe(965560);
    expect(cellAt(rows, 'D3')).toBeUndefined();
    expect(valueAt(rows, 'B13')).toBe(254);
    expect(valueAt(rows, 'C13')).toBe(727259);
  });

  it('unknown-writer-port-lineup-report: title rows, dates as text', async () => {
    const { rows, sheet } = await readAll(sample('unknown-writer-port-lineup-report.xlsx'));
    expect(sheet).toBe('KRISHNAPATNAM');
    expect(valueAt(rows, 'A4')).toBe(
      "COAL ,COKE,  IRON ORE AND OTHER MISC  CARGO  BERTH LINEUP  AT KRISHNAPATNAM AS ON '02.11.2017 AS AT 1000 HRS",
    );
    expect(valueAt(rows, 'B5')).toBe('VESSELS NAME:');
    expect(valueAt(rows, 'C5')).toBe('ARRVD');
    expect(valueAt(rows, 'B10')).toBe('MV. ORIENTE GLORIA');
    expect(cellAt(rows, 'C10')).toEqual({ t: 's', v: '01/11/2017' });
    expect(valueAt(rows, 'F10')).toBe('59793 MT');
    expect(valueAt(rows, 'H10')).toBe('COAL ');
  });
});
