/** End-to-end: real sample files through the real reader. Samples: ../shared/samples/MANIFEST.md. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/schema-parser.js';
import { validateFile } from './validate-file.js';
import { SAMPLES_DIR } from '../../../test/samples.js';

const SAMPLES = SAMPLES_DIR.replace(/\/$/, '');
const sample = (name: string): string => join(SAMPLES, name);

describe('validateFile on real spreadsheets', () => {
  it('Excel 2011 for Mac, 1904 date system: typed columns cast, data past the header is reported', async () => {
    const schema = parseSchema({
      fields: [
        { name: 'text', constraints: { required: true } },
        { name: 'date', type: 'date', constraints: { minimum: '1950-01-01' } },
        { name: 'integer', type: 'integer' },
        { name: 'boolean', type: 'boolean' },
        { name: 'float', type: 'number' },
        { name: 'datetime', type: 'datetime' },
        { name: 'empty_column' },
      ],
    });
    const rows: Record<string, unknown>[] = [];
    const report = await validateFile(sample('excel2011-mac-1904-typed-columns.xlsx'), schema, {
      onRow: (r) => rows.push({ number: r.number, ...r.values }),
    });
    expect(report.file).toEqual({
      name: 'excel2011-mac-1904-typed-columns.xlsx',
      format: 'xlsx',
      sheet: 'Sheet1',
      bytes: 8966,
    });
    expect(report.errors.map((e) => [e.cell, e.code, e.message])).toEqual([
      ['B3', 'minimum', 'date must be at least 1950-01-01; got 1948-01-01'],
      ['H3', 'extra_column', 'Column H has values but no header (first at H3)'],
      ['B4', 'minimum', 'date must be at least 1950-01-01; got 1920-01-01'],
    ]);
    expect(report.rows).toEqual({ total: 5, valid: 3, invalid: 2 });
    expect(rows[0]).toEqual({
      number: 2,
      text: 'Chicago Reader',
      date: '1971-01-01',
      integer: 40,
      boolean: true,
      float: 1,
      datetime: '1971-01-01T04:14:00',
      empty_column: null,
    });
    // Stored as …14:57:12.999997: rounds to the second Excel shows.
    expect(rows[1].datetime).toBe('1948-01-01T14:57:13');
    expect(rows[3]).toMatchObject({ number: 5, text: 'This row has blanks', date: null });
  });

  it('error cells are type errors in every field, strings that look like errors are text', async () => {
    const schema = parseSchema({
      fields: [{ name: 'Que' }, { name: 'ErrType', type: 'integer' }, { name: 'ISERR', type: 'boolean' }],
      fieldsMatch: 'subset',
    });
    const report = await validateFile(sample('excel2011-mac-error-types-booleans.xlsx'), schema);
    expect(report.errors.map((e) => `${e.cell} ${e.code}`)).toEqual([
      'C6 type',
      'F9 type',
      'F10 type',
      'F11 type',
      'F12 type',
      'F13 type',
      'F14 type',
    ]);
    expect(report.errors[0].message).toBe('Que contains the spreadsheet error #NAME?');
    expect(report.errors[1]).toMatchObject({
      value: '#N/A',
      message: 'ErrType contains the spreadsheet error #N/A',
    });
  });

  it('custom date formats (quoted literals, locale tags, Japanese era) are date cells', async () => {
    // The sheet has no header row: its first date cell becomes the header "2021-01-01".
    const schema = parseSchema({
      fields: [{ name: '2021-01-01', type: 'date', constraints: { unique: true } }],
    });
    const report = await validateFile(sample('openpyxl-3.1-custom-date-formats.xlsx'), schema);
    expect(report.errors.map((e) => `${e.cell} ${e.code}`)).toEqual(['A3 unique', 'A4 unique']);
    expect(report.errors[0].message).toBe('2021-01-01 must be unique; 2021-01-01 already appears in row 2');
  });

  it('semicolon CSV: leading zeros stay text in a string field', async () => {
    const values: unknown[] = [];
    const schema = parseSchema({
      fields: [
        { name: 'fieldNameA', constraints: { pattern: '\\d{4}' } },
        { name: 'fieldNameB', constraints: { enum: ['c'] } },
      ],
    });
    const report = await validateFile(sample('semicolon-leading-zeros.csv'), schema, {
      onRow: (r) => values.push(r.values),
    });
    expect(report).toMatchObject({ valid: true, file: { format: 'csv', sheet: null }, rows: { total: 1 } });
    expect(values).toEqual([{ fieldNameA: '0123', fieldNameB: 'c' }]);
  });

  it('a table starting at B2 with uncached formulas: the header is row 2, an uncached formula is missing', async () => {
    const schema = parseSchema({
      fields: [
        { name: 'Clicks', type: 'integer', constraints: { minimum: 0 } },
        { name: 'Impressions', type: 'integer' },
        { name: 'CTR', type: 'number', constraints: { required: true } },
      ],
    });
    const report = await validateFile(
      sample('xlsx-populate-uncached-formulas-stale-dimension.xlsx'),
      schema,
      {
        maxErrors: 2,
      },
    );
    expect(report.rows).toEqual({ total: 11, valid: 0, invalid: 11 });
    expect(report.errors_by_code).toEqual({ required: 11 });
    expect(report.errors.map((e) => [e.row, e.cell, e.message])).toEqual([
      [3, 'D3', 'CTR is required'],
      [4, 'D4', 'CTR is required'],
    ]);
  });

  it('Numbers checkboxes: a header with a line break matches by normalised name, 0/1 cells are booleans', async () => {
    const schema = parseSchema({
      fields: [
        { name: 'Date', type: 'date', constraints: { unique: true, minimum: '2020-10-01' } },
        { name: 'Ben Ashley', type: 'boolean' },
        { name: 'Sue Daniels', type: 'boolean' },
      ],
      fieldsMatch: 'subset',
    });
    const report = await validateFile(sample('numbers-icloud-attendance-checkboxes.xlsx'), schema);
    expect(report.rows).toEqual({ total: 24, valid: 23, invalid: 1 });
    expect(report.errors.map((e) => [e.cell, e.code, e.message])).toEqual([
      ['A26', 'type', 'Date must be a date like 2024-01-31; got Total'],
    ]);
  });

  it('headers with leading and trailing spaces match trimmed field names', async () => {
    const schema = parseSchema({ fields: [{ name: 'leading' }, { name: 'trailing' }, { name: 'both' }] });
    const report = await validateFile(sample('exceljs-leading-trailing-whitespace.xlsx'), schema);
    expect(report).toMatchObject({ valid: true, error_count: 0, rows: { total: 0 }, file: { sheet: 'foo' } });
  });

  it('names the report after options.fileName when given (uploads keep the user’s name)', async () => {
    const schema = parseSchema({ fields: [{ name: 'fieldNameA' }, { name: 'fieldNameB' }] });
    const report = await validateFile(sample('semicolon-leading-zeros.csv'), schema, {
      fileName: 'mine.csv',
    });
    expect(report.file.name).toBe('mine.csv');
  });

  it('a Latin-1 CSV with 882 rows: dates as text in a strptime format, codes as strings', async () => {
    const schema = parseSchema({
      fields: [
        { name: 'code_insee', constraints: { pattern: '[0-9][0-9AB][0-9]{3}' } },
        { name: 'date_maj', type: 'date', format: '%Y/%m/%d' },
        { name: 'Xlongitude', type: 'number', constraints: { minimum: -180, maximum: 180 } },
      ],
      fieldsMatch: 'subset',
    });
    const report = await validateFile(sample('latin1-semicolon-fr-charging-stations.csv.txt'), schema);
    expect(report.rows.total).toBe(882);
    expect(report.errors_by_code.type ?? 0).toBe(0);
  });

  it.each([
    ['reject-empty-zero-bytes.xlsx', 'empty_file'],
    ['unsupported-legacy-biff8.xls', 'unsupported_format'],
    ['reject-encrypted-password-open-sesame.xlsx', 'encrypted_file'],
  ])('refuses %s with %s', async (name, code) => {
    const schema = parseSchema({ fields: [{ name: 'a' }] });
    await expect(validateFile(sample(name), schema)).rejects.toMatchObject({ code });
  });

  it('refuses a sheet that does not exist', async () => {
    const schema = parseSchema({ fields: [{ name: 'a' }] });
    await expect(
      validateFile(sample('excel2011-mac-1904-typed-columns.xlsx'), schema, { sheet: 'Nope' }),
    ).rejects.toMatchObject({
      code: 'sheet_not_found',
    });
  });

  it('validates a generated CSV of 20,000 rows and counts every error past the cap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'intake-validate-'));
    const path = join(dir, 'big.csv');
    const lines = ['id,email,amount'];
    for (let i = 1; i <= 20_000; i++)
      lines.push(`${i},user${i}@example.com,${i % 100 === 0 ? 'oops' : i / 4}`);
    await writeFile(path, lines.join('\n') + '\n');
    const schema = parseSchema({
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'email', format: 'email', constraints: { unique: true } },
        { name: 'amount', type: 'number', constraints: { minimum: 0 } },
      ],
      primaryKey: ['id'],
    });
    const report = await validateFile(path, schema, { maxErrors: 10 });
    expect(report.rows).toEqual({ total: 20_000, valid: 19_800, invalid: 200 });
    expect(report.error_count).toBe(200);
    expect(report.errors).toHaveLength(10);
    expect(report.errors[0]).toMatchObject({ row: 101, cell: 'C101', code: 'type' });
  });
});
