import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Field, TableSchema } from '../schema/types.js';
import { parseSchema } from '../schema/index.js';
import { validateFile } from '../validate/index.js';
import { inferSchema } from './index.js';
import { SAMPLES_DIR } from '../../../test/samples.js';

const SAMPLES = SAMPLES_DIR.replace(/\/$/, '');

function field(schema: TableSchema, name: string): Field {
  const f = schema.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name} in ${schema.fields.map((x) => x.name).join(', ')}`);
  return f;
}

describe('inferSchema on the real samples', () => {
  it('Google Sheets export: integers, numbers, low-cardinality enums', async () => {
    const schema = await inferSchema(join(SAMPLES, 'google-sheets-2014-nebraska-1033-data.xlsx'));
    expect(field(schema, 'state')).toMatchObject({
      type: 'string',
      constraints: { required: true, enum: ['NE'] },
    });
    expect(field(schema, 'fips')).toMatchObject({ type: 'integer' });
    expect(field(schema, 'acquisition_cost')).toMatchObject({ type: 'number' });
    expect(field(schema, 'ui').constraints?.enum).toContain('Each');
  });

  it('Excel 2011 for Mac, 1904 dates: one type per column', async () => {
    const schema = await inferSchema(join(SAMPLES, 'excel2011-mac-1904-typed-columns.xlsx'));
    expect(schema.fields.slice(0, 7).map((f) => [f.name, f.type])).toEqual([
      ['text', 'string'],
      ['date', 'date'],
      ['integer', 'integer'],
      ['boolean', 'boolean'],
      ['float', 'number'],
      ['datetime', 'datetime'],
      ['empty_column', 'any'],
    ]);
  });

  it('leading-zero codes stay text; French register dates get their pattern', async () => {
    const codes = await inferSchema(join(SAMPLES, 'semicolon-leading-zeros.csv'));
    expect(field(codes, 'fieldNameA').type).toBe('string');
    const fr = await inferSchema(join(SAMPLES, 'latin1-semicolon-fr-charging-stations.csv.txt'));
    expect(field(fr, 'code_insee').type).toBe('string');
    expect(field(fr, 'Xlongitude').type).toBe('number');
    expect(field(fr, 'date_maj')).toMatchObject({ type: 'date', format: '%Y/%m/%d' });
  });

  it('Numbers CSV: TRUE/FALSE columns are booleans, headers keep their line breaks', async () => {
    const schema = await inferSchema(join(SAMPLES, 'numbers-export-quoted-newlines.csv'));
    expect(field(schema, 'Ben \nAshley').type).toBe('boolean');
  });

  it('reads a named sheet', async () => {
    const path = join(SAMPLES, 'openpyxl-3.0-inline-strings-341x25.xlsx');
    await expect(inferSchema(path)).rejects.toMatchObject({ code: 'empty_file' });
    const schema = await inferSchema(path, { sheet: 'KA lijst' });
    expect(schema.fields[0]).toMatchObject({ name: 'AP', type: 'string', constraints: { required: true } });
    expect(schema.fields).toHaveLength(25);
  });

  it.each([
    'google-sheets-2014-nebraska-1033-data.xlsx',
    'excel365-win-strict-ooxml-iso-paths.xlsx',
    'latin1-semicolon-fr-charging-stations.csv.txt',
    'gnumeric-full-sheet-dimension.xlsx',
    'node-xlsx-stream-d-date-cells.xlsx',
    'numbers-icloud-attendance-checkboxes.xlsx',
    'openxml-sdk-no-cell-refs-x-prefix.xlsx',
    'dotnet-writer-backslash-zip-paths.xlsx',
  ])('the draft for %s validates its own sample', async (name) => {
    const path = join(SAMPLES, name);
    const schema = parseSchema(JSON.parse(JSON.stringify(await inferSchema(path))));
    const report = await validateFile(path, schema);
    expect(report.errors).toEqual([]);
  });

  it('passes reader errors through', async () => {
    await expect(inferSchema(join(SAMPLES, 'unsupported-legacy-biff8.xls'))).rejects.toMatchObject({
      code: 'unsupported_format',
    });
  });
});
