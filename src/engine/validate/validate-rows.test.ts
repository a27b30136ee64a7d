import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import type { Row } from '../reader/types.js';
import type { TableSchema } from '../schema/types.js';
import { type LooseField, type LooseSchema, brief, META, rowsOf, run } from './test-rows.helper.js';
import type { ValidationIssue } from './types.js';
import { validateRows } from './validate-rows.js';

describe('rows, casting and messages', () => {
  const schema: LooseSchema = {
    fields: [
      { name: 'qty', title: 'Quantity', type: 'integer', constraints: { minimum: 1 } },
      { name: 'day', title: 'Date', type: 'date' },
      { name: 'email', title: 'Email', format: 'email', constraints: { required: true } },
      { name: 'price', title: 'Price', type: 'number', constraints: { minimum: 0 } },
    ],
  };

  it('gives one type error per uncastable cell and skips its constraints', async () => {
    const report = await run(schema, [
      ['qty', 'day', 'email', 'price'],
      [12.5, '31/31/2024', 'a@b.co', -3],
      ['0', '2024-01-31', null, 'abc'],
      [{ t: 'e', v: '#N/A' }, '2024-01-31', 'nope', 1],
    ]);
    expect(report.errors.map((e) => [e.cell, e.code, e.message, e.value])).toEqual([
      ['A2', 'type', 'Quantity must be a whole number; got 12.5', '12.5'],
      ['B2', 'type', 'Date must be a date like 2024-01-31; got 31/31/2024', '31/31/2024'],
      ['D2', 'minimum', 'Price must be at least 0; got -3', '-3'],
      ['A3', 'minimum', 'Quantity must be at least 1; got 0', '0'],
      ['C3', 'required', 'Email is required', null],
      ['D3', 'type', 'Price must be a number; got abc', 'abc'],
      ['A4', 'type', 'Quantity contains the spreadsheet error #N/A', '#N/A'],
      ['C4', 'format', 'Email must be an email address; got nope', 'nope'],
    ]);
    expect(report.errors[0]).toMatchObject({ row: 2, column: 'qty' });
    expect(report.rows).toEqual({ total: 3, valid: 0, invalid: 3 });
    expect(report.errors_by_code).toEqual({ type: 4, minimum: 2, required: 1, format: 1 });
  });

  it('skips blank rows without counting them and reports rows as Excel numbers them', async () => {
    const report = await run(schema, [
      {
        number: 4,
        cells: [
          { t: 's', v: 'qty' },
          { t: 's', v: 'day' },
          { t: 's', v: 'email' },
          { t: 's', v: 'price' },
        ],
      },
      { number: 5, cells: [] },
      { number: 6, cells: [undefined, { t: 's', v: '' }] },
      { number: 9, cells: [{ t: 'n', v: 0 }, undefined, { t: 's', v: 'a@b.co' }] },
    ]);
    expect(brief(report)).toEqual(['A9 minimum']);
    expect(report.rows).toEqual({ total: 1, valid: 0, invalid: 1 });
  });

  it('orders errors by row, then by column position in the sheet (not schema order)', async () => {
    const report = await run(schema, [
      ['price', 'email', 'day', 'qty'],
      [-1, null, 'x', 'y'],
      [-2, 'a@b.co', '2024-01-01', 1],
    ]);
    expect(brief(report)).toEqual(['A2 minimum', 'B2 required', 'C2 type', 'D2 type', 'A3 minimum']);
  });

  it('a missing value is an error only when the field is required; missingValues decides what is missing', async () => {
    const s: LooseSchema = {
      fields: [
        { name: 'a', type: 'integer' },
        { name: 'b', type: 'integer', constraints: { required: true } },
      ],
      missingValues: ['', 'NA', '-'],
    };
    const report = await run(s, [
      ['a', 'b'],
      ['NA', '-'],
      [null, 1],
      ['-', ''],
    ]);
    expect(brief(report)).toEqual(['B2 required', 'B4 required']);
    const noNa = await run({ ...s, missingValues: [''] }, [
      ['a', 'b'],
      ['NA', 1],
    ]);
    expect(brief(noNa)).toEqual(['A2 type']);
  });
});

describe('constraints', () => {
  const one = (field: LooseField, values: unknown[]) =>
    run({ fields: [field] }, [[field.name], ...values.map((v) => [v as string])]);

  it.each([
    ['maximum', { type: 'number', constraints: { maximum: 10 } }, [10, 11], 'x must be at most 10; got 11'],
    [
      'exclusive_minimum',
      { type: 'number', constraints: { exclusiveMinimum: 0 } },
      [1, 0],
      'x must be greater than 0; got 0',
    ],
    [
      'exclusive_maximum',
      { type: 'integer', constraints: { exclusiveMaximum: 5 } },
      [4, 5],
      'x must be less than 5; got 5',
    ],
    [
      'min_length',
      { constraints: { minLength: 3 } },
      ['abc', 'ab'],
      'x must be at least 3 characters long; got 2',
    ],
    [
      'max_length',
      { constraints: { maxLength: 3 } },
      ['😀😀😀', 'abcd'],
      'x must be at most 3 characters long; got 4',
    ],
    [
      'pattern',
      { constraints: { pattern: '[A-Z]{3}' } },
      ['ABC', 'ABCD'],
      'x must match the pattern [A-Z]{3}; got ABCD',
    ],
    [
      'enum',
      { constraints: { enum: ['open', 'closed'] } },
      ['open', 'Open'],
      'x must be one of open, closed; got Open',
    ],
    ['enum', { type: 'integer', constraints: { enum: [1, '2'] } }, ['2', 3], 'x must be one of 1, 2; got 3'],
    [
      'minimum',
      { type: 'date', constraints: { minimum: '2024-01-01' } },
      ['2024-01-01', '2023-12-31'],
      'x must be at least 2024-01-01; got 2023-12-31',
    ],
    [
      'maximum',
      { type: 'date', format: '%d/%m/%Y', constraints: { maximum: '31/12/2024' } },
      ['31/12/2024', '01/01/2025'],
      'x must be at most 31/12/2024; got 01/01/2025',
    ],
    [
      'minimum',
      { type: 'datetime', constraints: { minimum: '2024-01-01T00:00:00' } },
      ['2024-01-01T00:00:00', '2023-12-31T23:59:59'],
      'x must be at least 2024-01-01T00:00:00; got 2023-12-31T23:59:59',
    ],
    [
      'maximum',
      { type: 'time', constraints: { maximum: '17:00:00' } },
      ['17:00', '17:00:01'],
      'x must be at most 17:00:00; got 17:00:01',
    ],
    [
      'minimum',
      { type: 'year', constraints: { minimum: 2000 } },
      [2000, '1999'],
      'x must be at least 2000; got 1999',
    ],
    [
      'format',
      { format: 'uuid' },
      ['0190d6a4-8b9e-7c3f-9a2b-1c2d3e4f5a6b', 'not-a-uuid'],
      'x must be a UUID; got not-a-uuid',
    ],
    [
      'format',
      { format: 'uri' },
      ['https://example.com/a', 'example.com'],
      'x must be a URI like https://example.com/; got example.com',
    ],
  ] as const)('%s (%j)', async (code, partial, [good, bad], message) => {
    const report = await one({ name: 'x', ...partial } as LooseField, [good, bad]);
    expect(report.errors.map((e) => [e.cell, e.code, e.message])).toEqual([['A3', code, message]]);
  });

  it('shows the expected shape of a number with custom separators', async () => {
    const report = await one({ name: 'x', type: 'number', decimalChar: ',', groupChar: '.' }, [
      '1.234,5',
      '12 €',
    ]);
    expect(report.errors.map((e) => e.message)).toEqual(['x must be a number like 1.234,5; got 12 €']);
  });

  it('anchors patterns: a partial match is not a match', async () => {
    const report = await one({ name: 'x', constraints: { pattern: '\\d+' } }, ['123', 'a123', '123a']);
    expect(brief(report)).toEqual(['A3 pattern', 'A4 pattern']);
  });
});

describe('unique, primaryKey and uniqueKeys', () => {
  it('unique: the first occurrence is fine, later duplicates are errors, missing values are exempt', async () => {
    const s: LooseSchema = { fields: [{ name: 'n', type: 'number', constraints: { unique: true } }] };
    const report = await run(s, [['n'], ['1.0'], [null], [1], [null], ['2'], [1]]);
    expect(brief(report)).toEqual(['A4 unique', 'A7 unique']);
    expect(report.errors[0].message).toBe('n must be unique; 1 already appears in row 2');
  });

  it('primaryKey fields are required and unique as a tuple', async () => {
    const s: LooseSchema = {
      fields: [{ name: 'id', type: 'integer' }, { name: 'year', type: 'year' }, { name: 'v' }],
      primaryKey: ['id', 'year'],
    };
    const report = await run(s, [
      ['v', 'year', 'id'],
      ['a', 2024, 1],
      ['b', 2025, 1],
      ['c', '2024', '1'],
      ['d', null, 2],
    ]);
    expect(brief(report)).toEqual(['B4 primary_key', 'B5 required']);
    expect(report.errors[0].message).toBe(
      'The primary key (id, year) must be unique; 1, 2024 already appears in row 2',
    );
  });

  it('uniqueKeys report unique_key; a tuple with a missing part is exempt', async () => {
    const s: LooseSchema = {
      fields: [{ name: 'a' }, { name: 'b' }],
      uniqueKeys: [['a', 'b']],
    };
    const report = await run(s, [
      ['a', 'b'],
      ['x', 'y'],
      ['x', null],
      ['x', null],
      ['x', 'y'],
    ]);
    expect(brief(report)).toEqual(['A5 unique_key']);
  });
});

describe('report counting, capping and callbacks', () => {
  const s: LooseSchema = { fields: [{ name: 'n', type: 'integer' }] };
  const data = [['n'], ['a'], ['b'], [3], ['c'], ['d']];

  it('caps errors at maxErrors but keeps every count complete', async () => {
    const seen: ValidationIssue[] = [];
    const report = await run(s, data, { maxErrors: 2, onIssue: (i) => seen.push(i) });
    expect(brief(report)).toEqual(['A2 type', 'A3 type']);
    expect(report.truncated).toBe(true);
    expect(report.error_count).toBe(4);
    expect(report.errors_by_code).toEqual({ type: 4 });
    expect(seen.map((i) => i.cell)).toEqual(['A2', 'A3', 'A5', 'A6']);
    expect(report.rows).toEqual({ total: 5, valid: 1, invalid: 4 });
    expect(report.file).toEqual({ name: 'test.xlsx', format: 'xlsx', sheet: 'Sheet1', bytes: 100 });
  });

  it('is not truncated when everything fits, and maxErrors 0 lists nothing', async () => {
    expect((await run(s, data, { maxErrors: 4 })).truncated).toBe(false);
    const none = await run(s, data, { maxErrors: 0 });
    expect(none.errors).toEqual([]);
    expect(none.truncated).toBe(true);
    await expect(run(s, data, { maxErrors: -1 })).rejects.toThrow(RangeError);
  });

  it('defaults maxErrors to 1000', async () => {
    const many = [['n'], ...Array.from({ length: 1005 }, () => ['x'])];
    const report = await run(s, many);
    expect(report.errors).toHaveLength(1000);
    expect(report.error_count).toBe(1005);
  });

  it('hands every row to onRow with cast values (null when missing or invalid)', async () => {
    const rows: unknown[] = [];
    const two: LooseSchema = {
      fields: [{ name: 'n', type: 'integer' }, { name: 'd', type: 'date' }, { name: 'absent' }],
      fieldsMatch: 'superset',
    };
    await run(
      two,
      [
        ['d', 'n'],
        ['2024-01-31', '7'],
        ['bad', null],
      ],
      { onRow: (r) => rows.push(r) },
    );
    expect(rows).toEqual([
      { number: 2, values: { n: 7, d: '2024-01-31', absent: null }, valid: true },
      { number: 3, values: { n: null, d: null, absent: null }, valid: false },
    ]);
  });

  it('reports progress at the end and stops when aborted', async () => {
    const progress: unknown[] = [];
    await run(s, data, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toEqual({ bytesRead: 0, bytesTotal: 100, rowsRead: 6 });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(run(s, data, { signal: controller.signal })).rejects.toThrow('stop');
  });

  it('throttles onProgress to about 4 calls a second', async () => {
    const calls: number[] = [];
    async function* slow(): AsyncGenerator<Row[]> {
      yield [{ number: 1, cells: [{ t: 's', v: 'n' }] }];
      for (let i = 0; i < 60; i++) {
        await new Promise((r) => setTimeout(r, 10));
        yield [{ number: i + 2, cells: [{ t: 'n', v: i }] }];
      }
    }
    const started = performance.now();
    await validateRows(slow(), { fields: [{ name: 'n', type: 'integer' }] }, META, {
      onProgress: () => calls.push(performance.now()),
    });
    const seconds = (performance.now() - started) / 1000;
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 1);
    for (let i = 1; i < calls.length - 1; i++) expect(calls[i] - calls[i - 1]).toBeGreaterThanOrEqual(249);
  });

  it('refuses a sheet with no header row', async () => {
    const err = await validateRows(
      rowsOf([[], [null]]),
      { fields: [{ name: 'n', type: 'integer' }] },
      META,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('empty_file');
  });

  it('rejects a hand-built invalid schema up front', async () => {
    const bad = { fields: [{ name: 'a', type: 'text' }] } as unknown as TableSchema;
    await expect(validateRows(rowsOf([['a']]), bad, META)).rejects.toMatchObject({ code: 'schema_invalid' });
  });
});
