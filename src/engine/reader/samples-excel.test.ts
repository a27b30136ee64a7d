import { describe, expect, it } from 'vitest';
import { sample } from './samples.helper.js';
import { cellAt, readAll, readError, valueAt } from './xlsx-fixture.helper.js';

/** Files of the shared sample corpus, read as its MANIFEST.md says. */

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
