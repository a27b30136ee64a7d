import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sniffFormat } from './index.js';
import { cellAt, readAll, readError, valueAt } from './xlsx-fixture.helper.js';

/** Every file of the shared sample corpus (see MANIFEST.md there), read as the manifest says. */
const SAMPLES = fileURLToPath(new URL('../../../../shared/samples/', import.meta.url));
const sample = (name: string): string => SAMPLES + name;

describe('sample corpus: Excel files', () => {
  it('excel2007-win-all-error-types: seven error values as cached formula results', async () => {
    const { rows, sheet, sheets } = await readAll(sample('excel2007-win-all-error-types.xlsx'));
    expect(sheet).toBe('Feuil1');
    expect(sheets.map((s) => s.name)).toEqual(['Feuil1', 'Feuil2', 'Feuil3']);
    expect(rows.map((r) => r.cells[0])).toEqual(
      ['#DIV/0!', '#NAME?', '#VALUE!', '#NULL!', '#REF!', '#NUM!', '#N/A'].map((v) => ({ t: 'e', v })),
    );
    expect((await readAll(sample('excel2007-win-all-error-types.xlsx'), { sheet: 'Feuil2' })).rows).toEqual(
      [],
    );
  });

  it('excel2010-win-hebrew-text-and-numbers: RTL shared strings, empty row 3', async () => {
    const { rows } = await readAll(sample('excel2010-win-hebrew-text-and-numbers.xlsx'));
    expect(valueAt(rows, 'B2')).toBe('שלום');
    expect(valueAt(rows, 'C2')).toBe('עולם');
    expect(cellAt(rows, 'A4')).toEqual({ t: 'n', v: 1337 });
    expect(valueAt(rows, 'B4')).toBe(13.37);
    expect(cellAt(rows, 'C4')).toEqual({ t: 'n', v: 1337 });
    expect(rows.map((r) => r.number)).toEqual([1, 2, 4]);
  });

  it('excel2013-win-strict-ooxml-hidden-sheets: strict namespaces, hidden sheets skipped by default', async () => {
    const file = sample('excel2013-win-strict-ooxml-hidden-sheets.xlsx');
    const { rows, sheet, sheets } = await readAll(file);
    expect(sheet).toBe('Visible');
    expect(sheets).toEqual([
      { name: 'Visible', visible: true },
      { name: 'Hidden', visible: false },
      { name: 'VeryHidden', visible: false },
    ]);
    expect(valueAt(rows, 'A1')).toBe('v');
    expect(valueAt(rows, 'G1')).toBe('e');
    expect(valueAt(rows, 'A2')).toBe(118);
    expect(valueAt(rows, 'G2')).toBe(101);
    const hidden = await readAll(file, { sheet: 'Hidden' });
    expect(valueAt(hidden.rows, 'A1')).toBe('H');
    expect(valueAt(hidden.rows, 'A2')).toBe(72);
    const very = await readAll(file, { sheet: 'VeryHidden' });
    expect(valueAt(very.rows, 'A2')).toBe(86);
    expect(valueAt(very.rows, 'J2')).toBe(110);
  });

  it('excel365-win-strict-ooxml-iso-paths: strict numeric table', async () => {
    const { rows, sheet } = await readAll(sample('excel365-win-strict-ooxml-iso-paths.xlsx'));
    expect(sheet).toBe('ml_out');
    expect(rows).toHaveLength(76);
    expect(valueAt(rows, 'A1')).toBe('Item');
    expect(valueAt(rows, 'B1')).toBe('Thickness');
    expect(valueAt(rows, 'R1')).toBe('GoldenRun');
    expect(valueAt(rows, 'A2')).toBe('150-031260-001_B');
    expect(cellAt(rows, 'B2')).toEqual({ t: 'n', v: 1.5 });
    expect(valueAt(rows, 'C2')).toBe(7);
    expect(valueAt(rows, 'R2')).toBe(104);
    expect(valueAt(rows, 'A76')).toBe(1622530102);
    expect(valueAt(rows, 'R76')).toBe(15);
  });

  it('excel2016-win-hidden-veryhidden-chartsheet: chartsheet is not a worksheet', async () => {
    const file = sample('excel2016-win-hidden-veryhidden-chartsheet.xlsx');
    const { rows, sheet, sheets } = await readAll(file);
    expect(sheet).toBe('Visible');
    expect(sheets.map((s) => s.name)).toEqual(['Visible', 'Hidden', 'VeryHidden']);
    expect(rows.map((r) => [r.number, r.cells.map((c) => c?.v)])).toEqual([
      [1, [1, 2]],
      [2, [3, 4]],
      [3, [5, 6]],
      [5, ['This workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart']],
    ]);
    expect(await readError(file, { sheet: 'Chart' })).toBe('sheet_not_found');
  });

  it('excel2016-win-shared-formulas-fibonacci: cached values of shared formulas', async () => {
    const { rows } = await readAll(sample('excel2016-win-shared-formulas-fibonacci.xlsx'));
    expect(rows).toHaveLength(19);
    expect(valueAt(rows, 'A2')).toBe(2);
    expect(valueAt(rows, 'B3')).toBe(2);
    expect(valueAt(rows, 'A4')).toBe(4);
    expect(valueAt(rows, 'B4')).toBe(3);
    expect(valueAt(rows, 'A19')).toBe(19);
    expect(valueAt(rows, 'B19')).toBe(4181);
  });

  it('excel-online-styled-empty-rows-korean-formulas: styled empty cells are not data', async () => {
    const { rows } = await readAll(sample('excel-online-styled-empty-rows-korean-formulas.xlsx'));
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 19 }, (_, i) => i + 2));
    expect(cellAt(rows, 'B2')).toEqual({ t: 's', v: '영어' });
    expect(valueAt(rows, 'B5')).toBe('영어');
    expect(valueAt(rows, 'B6')).toBe('한글');
    expect(valueAt(rows, 'B20')).toBe('한글');
    expect(rows.every((r) => r.cells.filter((c) => c !== undefined).length === 1)).toBe(true);
  });

  it('excel2011-mac-error-types-booleans: errors vs strings that look like errors', async () => {
    const { rows } = await readAll(sample('excel2011-mac-error-types-booleans.xlsx'));
    expect(cellAt(rows, 'A1')).toEqual({ t: 's', v: 'Error' });
    expect(cellAt(rows, 'A2')).toEqual({ t: 'e', v: '#NULL!' });
    expect(cellAt(rows, 'C2')).toEqual({ t: 's', v: '#NULL?' });
    expect(cellAt(rows, 'D2')).toEqual({ t: 's', v: '#NULL' });
    expect(valueAt(rows, 'F2')).toBe(1);
    expect(valueAt(rows, 'G2')).toBe(16);
    expect(cellAt(rows, 'H2')).toEqual({ t: 'b', v: true });
    expect(cellAt(rows, 'I2')).toEqual({ t: 'b', v: false });
    expect(cellAt(rows, 'A8')).toEqual({ t: 'e', v: '#N/A' });
    expect(cellAt(rows, 'B8')).toEqual({ t: 's', v: '#N/A!' });
    expect(cellAt(rows, 'A9')).toEqual({ t: 's', v: '#WTF' });
    expect(cellAt(rows, 'F9')).toEqual({ t: 'e', v: '#N/A' });
    expect(cellAt(rows, 'A13')).toEqual({ t: 'b', v: true });
  });

  it('excel2011-mac-rich-text-runs: runs are joined', async () => {
    const { rows } = await readAll(sample('excel2011-mac-rich-text-runs.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('normal');
    expect(valueAt(rows, 'B1')).toBe('this text is normal, sure enough');
    expect(valueAt(rows, 'B2')).toBe('this text is bold, sure enough');
    expect(valueAt(rows, 'B5')).toBe('this text is sz10, sure enough');
    expect(rows).toHaveLength(14);
  });

  it('excel2011-mac-shared-array-formulas: array formula ranges keep their values', async () => {
    const { rows } = await readAll(sample('excel2011-mac-shared-array-formulas.xlsx'));
    expect([1, 2, 3, 4, 5].map((r) => valueAt(rows, `A${r}`))).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3, 4, 5].map((r) => valueAt(rows, `B${r}`))).toEqual([1, 2, 3, 4, 5]);
    expect(valueAt(rows, 'C2')).toBe(2);
    expect(cellAt(rows, 'A6')).toEqual({ t: 'e', v: '#VALUE!' });
    expect(valueAt(rows, 'B6')).toBe(55);
    expect(cellAt(rows, 'C6')).toEqual({ t: 'e', v: '#VALUE!' });
    expect(valueAt(rows, 'D6')).toBe(55);
  });

  it('excel2011-mac-merged-cells: covered cells are empty', async () => {
    const { rows } = await readAll(sample('excel2011-mac-merged-cells.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('A1:B2');
    expect(valueAt(rows, 'C1')).toBe('C1:C2');
    expect(valueAt(rows, 'D1')).toBe('Separate blocks');
    expect(valueAt(rows, 'A3')).toBe('A3:B3');
    expect(valueAt(rows, 'C3')).toBe('C3');
    expect(valueAt(rows, 'A4')).toBe('… are merged separately');
    expect(cellAt(rows, 'B1')).toBeUndefined();
    expect(cellAt(rows, 'A2')).toBeUndefined();
    expect(cellAt(rows, 'B2')).toBeUndefined();
  });

  it('excel2011-mac-large-shared-string-table: 57 MB sheet, long strings', async () => {
    const file = sample('excel2011-mac-large-shared-string-table.xlsx');
    // The 57 MB sheet1.xml compresses 121:1, above the 100:1 default zip-bomb ratio, so the default
    // limits refuse this genuine file; a caller who trusts it raises the ratio.
    expect(await readError(file)).toBe('limit_exceeded');
    const { rows, sheet } = await readAll(file, { limits: { maxCompressionRatio: 200 } });
    expect(sheet).toBe('Large Strings');
    expect(valueAt(rows, 'A1')).toBe('a');
    expect(valueAt(rows, 'A2')).toBe('aa');
    expect(valueAt(rows, 'A5000')).toBe('a'.repeat(5000));
    expect(valueAt(rows, 'A9999')).toBe('a'.repeat(9999));
    const words = await readAll(file, { sheet: 'longwordslist' });
    expect(valueAt(words.rows, 'A1')).toBe('abandonment');
    expect(valueAt(words.rows, 'A17619')).toBe('zwitterionic');
  });

  it('excel2011-mac-number-formats-vba.xlsm: macros ignored, cached values read', async () => {
    const { rows, sheet, sheets } = await readAll(sample('excel2011-mac-number-formats-vba.xlsm'));
    expect(sheet).toBe('Implied');
    expect(sheets.map((s) => s.name)).toEqual(['Implied', 'ImpliedNegative', '2011', 'Miscellany', 'SSF']);
    expect(rows).toHaveLength(29);
    expect(valueAt(rows, 'A1')).toBe('Format');
    expect(valueAt(rows, 'B2')).toBe(12345.6789);
    expect(valueAt(rows, 'B3')).toBe(12345.6789);
    expect(cellAt(rows, 'C3')).toEqual({ t: 's', v: '0' });
    expect(cellAt(rows, 'D3')).toEqual({ t: 's', v: '12346' });
    expect(valueAt(rows, 'D4')).toBe('12345.68');
  });

  it('excel2011-mac-1904-typed-columns: 1904 dates flagged', async () => {
    const { rows } = await readAll(sample('excel2011-mac-1904-typed-columns.xlsx'));
    expect(cellAt(rows, 'B2')).toEqual({ t: 'n', v: 24472, date: true, date1904: true });
    expect(cellAt(rows, 'F2')).toMatchObject({ t: 'n', date: true, date1904: true });
    expect(valueAt(rows, 'F2')).toBeCloseTo(24472.1763888889, 9);
    expect(cellAt(rows, 'B3')).toEqual({ t: 'n', v: 16071, date: true, date1904: true });
    expect(valueAt(rows, 'F3')).toBeCloseTo(16071.6230671296, 9);
    expect(cellAt(rows, 'D2')).toEqual({ t: 'b', v: true });
    expect(valueAt(rows, 'A6')).toBe('Unicode! Σ');
    expect(cellAt(rows, 'C2')).toEqual({ t: 'n', v: 40 });
  });

  it('excel2016-mac-1904-date-system and 1900 control', async () => {
    const r1904 = (await readAll(sample('excel2016-mac-1904-date-system.xlsx'))).rows;
    expect(cellAt(r1904, 'B1')).toEqual({ t: 'n', v: 1, date: true, date1904: true });
    expect(cellAt(r1904, 'B5')).toEqual({ t: 'n', v: 11111, date: true, date1904: true });
    expect(valueAt(r1904, 'C1')).toBe('1904-01-02');
    const r1900 = (await readAll(sample('excel2016-mac-1900-date-system.xlsx'))).rows;
    expect(cellAt(r1900, 'B1')).toEqual({ t: 'n', v: 1, date: true, date1904: false });
    expect(cellAt(r1900, 'B5')).toEqual({ t: 'n', v: 11111, date: true, date1904: false });
    expect(valueAt(r1900, 'C5')).toBe('1930-06-02');
  });

  it('excel2019-mac-dynamic-arrays-spill-errors: spilled values and linked-data errors', async () => {
    const { rows } = await readAll(sample('excel2019-mac-dynamic-arrays-spill-errors.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('Geography');
    expect(cellAt(rows, 'A2')).toEqual({ t: 'e', v: '#VALUE!' });
    expect(valueAt(rows, 'A8')).toBe('Stock');
    expect(valueAt(rows, 'B9')).toBe(439.77);
    expect(valueAt(rows, 'C9')).toBe(429.755);
    expect([13, 14, 15, 16, 17, 18, 19, 20, 21].map((r) => valueAt(rows, `A${r}`))).toEqual([
      1, 2, 3, 4, 3, 2, 1, 5, 3,
    ]);
    expect([13, 14, 15, 16, 17].map((r) => valueAt(rows, `B${r}`))).toEqual([1, 2, 3, 4, 5]);
    expect(cellAt(rows, 'C13')).toEqual({ t: 'e', v: '#VALUE!' });
  });

  it('excel2011-mac-phonetic-rph: phonetic runs excluded', async () => {
    const { rows } = await readAll(sample('excel2011-mac-phonetic-rph.xlsx'));
    expect(valueAt(rows, 'A1')).toBe('漢字');
    expect(valueAt(rows, 'A2')).toBe('漢字withColor');
  });
});

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

describe('sample corpus: rejected and unsupported files', () => {
  it.each([
    ['reject-encrypted-password-open-sesame.xlsx', 'encrypted_file'],
    ['reject-encrypted-default-password.xlsx', 'encrypted_file'],
    ['reject-xml-bomb-billion-laughs.xlsx', 'corrupt_file'],
    ['reject-corrupt-zip-bad-crc.xlsx', 'corrupt_file'],
    ['reject-empty-zero-bytes.xlsx', 'empty_file'],
    ['unsupported-legacy-biff8.xls', 'unsupported_format'],
    ['unsupported-binary-workbook.xlsb', 'unsupported_format'],
    ['unsupported-opendocument.ods', 'unsupported_format'],
  ])('%s → %s', async (file, code) => {
    expect(await readError(sample(file))).toBe(code);
    // A damaged xlsx is still an xlsx: sniffing only refuses what is not one.
    if (!file.startsWith('reject-xml') && !file.startsWith('reject-corrupt')) {
      await expect(sniffFormat(sample(file))).rejects.toMatchObject({ code });
    }
  });

  it('the billion-laughs bomb fails fast', async () => {
    const t0 = performance.now();
    await readError(sample('reject-xml-bomb-billion-laughs.xlsx'));
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('messages are for a person', async () => {
    await expect(readAll(sample('unsupported-legacy-biff8.xls'))).rejects.toThrow(
      /legacy Excel 97–2003 workbook \(\.xls\)/,
    );
    await expect(readAll(sample('unsupported-binary-workbook.xlsb'))).rejects.toThrow(/\.xlsb/);
    await expect(readAll(sample('unsupported-opendocument.ods'))).rejects.toThrow(/OpenDocument/);
    await expect(readAll(sample('reject-encrypted-password-open-sesame.xlsx'))).rejects.toThrow(/password/);
  });
});

describe('sample corpus: CSV and delimited text', () => {
  it('excel-mac-csv-cr-line-endings: CR-only records, no final line break', async () => {
    const { rows, csv } = await readAll(sample('excel-mac-csv-cr-line-endings.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding: 'utf-8' });
    expect(rows).toHaveLength(14);
    const text = (i: number): string => rows[i].cells.map((c) => c?.v ?? '').join(',');
    expect(text(0)).toBe('Error,Bang,Que,Non,Val,ErrType,Type,ISERR,ISNA,ErrTypeIsErr');
    expect(text(1)).toBe('#NULL!,#NULL!,#NULL?,#NULL,1,1,16,TRUE,FALSE,FALSE');
    expect(text(13).startsWith('array,array!,array?,array,array,#N/A')).toBe(true);
    expect(rows.every((r) => r.cells.every((c) => c === undefined || c.t === 's'))).toBe(true);
  });

  it('utf8-bom-crlf-quoted-newlines: BOM, CRLF, newlines inside quotes', async () => {
    const { rows, csv } = await readAll(sample('utf8-bom-crlf-quoted-newlines.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding: 'utf-8' });
    expect(rows.map((r) => [r.number, r.cells.map((c) => c?.v ?? '')])).toEqual([
      [1, ['Normal', 'abc\ndef']],
      [2, ['Formula', 'abc\r\ndef']],
      [3, ['Test', '']],
    ]);
  });

  it('excel-unicode-text-utf16le-tab: UTF-16LE, tab-delimited', async () => {
    const { rows, csv } = await readAll(sample('excel-unicode-text-utf16le-tab.txt'));
    expect(csv).toEqual({ delimiter: '\t', encoding: 'utf-16le' });
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    const padded = rows.map((r) => Array.from({ length: 5 }, (_, i) => r.cells[i]?.v ?? ''));
    expect(padded).toEqual([
      ['English', 'Hello', 'World', '', ''],
      ['Hebrew', 'שלום', 'עולם', '', ''],
      ['', '', '', '', ''],
      ['1337', '13.37', ' $1,337.00 ', '', ''],
      ['', '', '', '', ''],
    ]);
  });

  it('utf16le-bom-comma: UTF-16LE, comma, no final line break', async () => {
    const { rows, csv } = await readAll(sample('utf16le-bom-comma.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding: 'utf-16le' });
    expect(rows.map((r) => r.cells.map((c) => c?.v))).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', 'ʤ'],
    ]);
  });

  it('latin1-semicolon-fr-charging-stations: Latin-1 read as Windows-1252, semicolons', async () => {
    const { rows, csv } = await readAll(sample('latin1-semicolon-fr-charging-stations.csv.txt'));
    expect(csv).toEqual({ delimiter: ';', encoding: 'windows-1252' });
    expect(rows).toHaveLength(883);
    const header = rows[0].cells.map((c) => c?.v);
    expect(header).toHaveLength(17);
    expect(header[0]).toBe('n_amenageur');
    expect(header.slice(-3)).toEqual(['accessibilité', 'observations', 'date_maj']);
    const r2 = new Map(header.map((h, i) => [h, rows[1].cells[i]?.v]));
    expect(r2.get('n_amenageur')).toBe('Parasol Bastia');
    expect(r2.get('ad_station')).toBe('Allée du Ninu 20600 Bastia');
    expect(r2.get('code_insee')).toBe('2B033');
    expect(r2.get('Xlongitude')).toBe('9.431030');
    expect(r2.get('puiss_max')).toBe('2.30');
    expect(r2.get('date_maj')).toBe('2020/12/15');
  });

  it('semicolon-leading-zeros: leading zeros stay text', async () => {
    const { rows, csv } = await readAll(sample('semicolon-leading-zeros.csv'));
    expect(csv?.delimiter).toBe(';');
    expect(rows.map((r) => r.cells.map((c) => c?.v))).toEqual([
      ['fieldNameA', 'fieldNameB'],
      ['0123', 'c'],
    ]);
  });

  it('numbers-export-quoted-newlines: LF inside quoted header fields', async () => {
    const { rows } = await readAll(sample('numbers-export-quoted-newlines.csv'));
    expect(rows).toHaveLength(25);
    expect(rows[0].cells.slice(0, 3).map((c) => c?.v)).toEqual(['Date', 'Ben \nAshley', 'Tom Brooks']);
    expect(rows[1].cells.map((c) => c?.v)).toEqual([
      '10/1',
      'FALSE',
      'TRUE',
      'TRUE',
      'TRUE',
      'TRUE',
      'TRUE',
      'FALSE',
      'TRUE',
    ]);
    expect(rows[24].cells.slice(0, 4).map((c) => c?.v)).toEqual(['Total', '0', '1', '1']);
  });

  it('libreoffice-7.3-formatted-values: display strings kept verbatim', async () => {
    const { rows } = await readAll(sample('libreoffice-7.3-formatted-values.csv'));
    expect(rows).toHaveLength(33);
    expect(rows[0].cells.map((c) => c?.v ?? '')).toEqual([
      '1.2345',
      'Number',
      '1',
      '',
      '16:17',
      'Time',
      '1',
      '',
      '10/18/33',
      'Date',
      '1',
    ]);
    expect(rows[1].cells[8]?.v).toBe('Wednesday, October 18, 1933');
    expect(rows[32].cells[0]?.v).toBe('1 23/100');
    expect(rows[32].cells[1]?.v).toBe('Fraction');
  });
});

describe('sample corpus: coverage', () => {
  it('every sample in the folder is named in this test file', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(fileURLToPath(import.meta.url), 'utf8');
    const missing = readdirSync(SAMPLES).filter(
      (f) => f !== 'MANIFEST.md' && f !== 'SHA256SUMS' && !source.includes(f.replace(/\.[^.]+$/, '')),
    );
    expect(missing).toEqual([]);
  });

  it('sniffFormat judges by bytes: .txt and .csv.txt are CSV, .xlsm is xlsx', async () => {
    expect(await sniffFormat(sample('excel-unicode-text-utf16le-tab.txt'))).toBe('csv');
    expect(await sniffFormat(sample('latin1-semicolon-fr-charging-stations.csv.txt'))).toBe('csv');
    expect(await sniffFormat(sample('excel2011-mac-number-formats-vba.xlsm'))).toBe('xlsx');
    expect(await sniffFormat(sample('sheetjs-nonstandard-part-paths.xlsx'))).toBe('xlsx');
  });
});
