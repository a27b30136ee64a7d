import { describe, expect, it } from 'vitest';
import { columnLetter, cellRef } from './column-letter.js';
import { formatReportText } from './report-text.js';
import type { Report } from './types.js';

describe('columnLetter', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [51, 'AZ'],
    [52, 'BA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('%i → %s', (index, letters) => {
    expect(columnLetter(index)).toBe(letters);
  });

  it('rejects negative and fractional indexes, and builds references', () => {
    expect(() => columnLetter(-1)).toThrow(RangeError);
    expect(() => columnLetter(1.5)).toThrow(RangeError);
    expect(cellRef(4, 17)).toBe('E17');
  });
});

const base: Report = {
  valid: true,
  file: { name: 'orders.xlsx', format: 'xlsx', sheet: 'Sheet1', bytes: 1234 },
  rows: { total: 1200, valid: 1200, invalid: 0 },
  error_count: 0,
  errors_by_code: {},
  errors: [],
  truncated: false,
};

describe('formatReportText', () => {
  it('summarises a valid file', () => {
    expect(formatReportText(base)).toBe(
      'orders.xlsx (sheet "Sheet1"): VALID\nRows: 1,200 total, 1,200 valid, 0 invalid\nNo errors.\n',
    );
  });

  it('lists the first errors in a table and says how many are not shown', () => {
    const report: Report = {
      ...base,
      valid: false,
      file: { ...base.file, format: 'csv', sheet: null, name: 'o.csv' },
      rows: { total: 3, valid: 1, invalid: 2 },
      error_count: 3,
      errors_by_code: { minimum: 1, required: 2 },
      errors: [
        {
          row: 2,
          column: 'price',
          cell: 'C2',
          code: 'minimum',
          message: 'Price must be at least 0; got -3',
          value: '-3',
        },
        { row: 3, column: 'email', cell: 'B3', code: 'required', message: 'Email is required', value: null },
      ],
      truncated: true,
    };
    expect(formatReportText(report, { limit: 1 })).toBe(
      [
        'o.csv: INVALID',
        'Rows: 3 total, 1 valid, 2 invalid',
        'Errors: 3 (required 2, minimum 1)',
        '',
        'Row  Cell  Column  Code     Message',
        '2    C2    price   minimum  Price must be at least 0; got -3',
        '',
        'Showing the first 1 of 3 errors.',
        '',
      ].join('\n'),
    );
  });
});
