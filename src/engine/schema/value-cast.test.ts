import { describe, expect, it } from 'vitest';
import type { CellValue } from '../reader/types.js';
import type { Field, FieldType } from './types.js';
import { castValue, cellText, serialToIso } from './value-cast.js';

const s = (v: string): CellValue => ({ t: 's', v });
const n = (v: number): CellValue => ({ t: 'n', v });
const dn = (v: number, date1904 = false): CellValue => ({ t: 'n', v, date: true, date1904 });
const b = (v: boolean): CellValue => ({ t: 'b', v });
const d = (v: string): CellValue => ({ t: 'd', v });
const e = (v: string): CellValue => ({ t: 'e', v });

const BAD = Symbol('bad');
type Case = [label: string, field: Partial<Field> & { type: FieldType }, cell: CellValue, expected: unknown];

function f(type: FieldType, extra: Partial<Field> = {}): Partial<Field> & { type: FieldType } {
  return { type, ...extra };
}

const cases: Case[] = [
  // integer
  ['integer text', f('integer'), s('12'), 12],
  ['integer text trimmed', f('integer'), s(' 12 '), 12],
  ['integer signed', f('integer'), s('-3'), -3],
  ['integer plus', f('integer'), s('+7'), 7],
  ['integer rejects decimals', f('integer'), s('12.5'), BAD],
  ['integer rejects 12.0 text', f('integer'), s('12.0'), BAD],
  ['integer rejects exponent', f('integer'), s('1e3'), BAD],
  ['integer rejects words', f('integer'), s('abc'), BAD],
  ['integer rejects grouping by default', f('integer'), s('1,000'), BAD],
  ['integer groupChar', f('integer', { groupChar: ',' }), s('1,000'), 1000],
  ['integer bareNumber false', f('integer', { bareNumber: false }), s('€12'), 12],
  ['integer numeric cell', f('integer'), n(12), 12],
  ['integer numeric cell 12.0', f('integer'), n(12.0), 12],
  ['integer numeric cell fractional', f('integer'), n(12.5), BAD],
  ['integer date cell', f('integer'), dn(45322), BAD],
  ['integer boolean cell', f('integer'), b(true), BAD],
  // number
  ['number decimal', f('number'), s('12.5'), 12.5],
  ['number exponent', f('number'), s('1e3'), 1000],
  ['number leading dot', f('number'), s('.5'), 0.5],
  ['number negative', f('number'), s('-0.25'), -0.25],
  ['number words', f('number'), s('12abc'), BAD],
  ['number hex rejected', f('number'), s('0x10'), BAD],
  ['number grouping needs groupChar', f('number'), s('1,000.5'), BAD],
  ['number decimalChar comma', f('number', { decimalChar: ',' }), s('1,5'), 1.5],
  ['number decimalChar comma refuses a dot', f('number', { decimalChar: ',' }), s('1.5'), BAD],
  ['number European', f('number', { decimalChar: ',', groupChar: '.' }), s('1.234,5'), 1234.5],
  ['number space group', f('number', { decimalChar: ',', groupChar: ' ' }), s('1 000,5'), 1000.5],
  ['number bareNumber false percent', f('number', { bareNumber: false }), s('95%'), 95],
  [
    'number bareNumber false currency',
    f('number', { bareNumber: false, groupChar: ',' }),
    s('$ 1,000.50'),
    1000.5,
  ],
  ['number bare by default', f('number'), s('$5'), BAD],
  ['number NaN', f('number'), s('NaN'), Number.NaN],
  ['number INF', f('number'), s('INF'), Number.POSITIVE_INFINITY],
  ['number -INF', f('number'), s('-INF'), Number.NEGATIVE_INFINITY],
  ['number cell', f('number'), n(3.14), 3.14],
  ['number date cell', f('number'), dn(45322), BAD],
  ['number boolean cell', f('number'), b(false), BAD],
  // boolean
  ['boolean cell', f('boolean'), b(true), true],
  ['boolean TRUE', f('boolean'), s('TRUE'), true],
  ['boolean True', f('boolean'), s('True'), true],
  ['boolean 0', f('boolean'), s('0'), false],
  ['boolean false', f('boolean'), s('false'), false],
  ['boolean yes rejected', f('boolean'), s('yes'), BAD],
  ['boolean numeric 1', f('boolean'), n(1), true],
  ['boolean numeric 0', f('boolean'), n(0), false],
  ['boolean numeric 2', f('boolean'), n(2), BAD],
  ['boolean custom true', f('boolean', { trueValues: ['Yes'], falseValues: ['No'] }), s('Yes'), true],
  [
    'boolean custom replaces defaults',
    f('boolean', { trueValues: ['Yes'], falseValues: ['No'] }),
    s('true'),
    BAD,
  ],
  // date
  ['date ISO', f('date'), s('2024-01-31'), '2024-01-31'],
  ['date ISO trimmed', f('date'), s(' 2024-01-31 '), '2024-01-31'],
  ['date impossible Feb 30', f('date'), s('2024-02-30'), BAD],
  ['date not a leap year', f('date'), s('2023-02-29'), BAD],
  ['date leap day', f('date'), s('2024-02-29'), '2024-02-29'],
  ['date default rejects d/m/Y', f('date'), s('31/01/2024'), BAD],
  ['date pattern', f('date', { format: '%d/%m/%Y' }), s('31/01/2024'), '2024-01-31'],
  ['date pattern one digit', f('date', { format: '%d/%m/%Y' }), s('1/2/2024'), '2024-02-01'],
  ['date pattern bad month', f('date', { format: '%d/%m/%Y' }), s('31/31/2024'), BAD],
  ['date pattern month name', f('date', { format: '%d %b %Y' }), s('31 jan 2024'), '2024-01-31'],
  ['date pattern fmt: prefix', f('date', { format: 'fmt:%Y%m%d' }), s('20240131'), '2024-01-31'],
  ['date any US', f('date', { format: 'any' }), s('01/31/2024'), '2024-01-31'],
  ['date any day-first fallback', f('date', { format: 'any' }), s('31/01/2024'), '2024-01-31'],
  ['date any named', f('date', { format: 'any' }), s('31 Jan 2024'), '2024-01-31'],
  ['date any US named', f('date', { format: 'any' }), s('January 31, 2024'), '2024-01-31'],
  ['date any slashes year-first', f('date', { format: 'any' }), s('2020/12/15'), '2020-12-15'],
  ['date any garbage', f('date', { format: 'any' }), s('soon'), BAD],
  ['date serial 1900', f('date'), dn(45322), '2024-01-31'],
  ['date serial 1', f('date'), dn(1), '1900-01-01'],
  ['date serial 59', f('date'), dn(59), '1900-02-28'],
  ['date serial 60 is Excel’s fake 1900-02-29', f('date'), dn(60), BAD],
  ['date serial 61', f('date'), dn(61), '1900-03-01'],
  ['date serial 0', f('date'), dn(0), BAD],
  ['date serial 1904 0', f('date'), dn(0, true), '1904-01-01'],
  ['date serial 1904 1', f('date'), dn(1, true), '1904-01-02'],
  ['date serial 1904 24472', f('date'), dn(24472, true), '1971-01-01'],
  ['date serial with hidden time', f('date'), dn(45322.5), BAD],
  ['date plain number', f('date'), n(45322), BAD],
  ['date d cell', f('date'), d('2021-01-01'), '2021-01-01'],
  ['date d cell at midnight', f('date'), d('2021-01-01T00:00:00'), '2021-01-01'],
  ['date d cell with time', f('date'), d('2021-01-01T10:10:10'), BAD],
  ['date boolean', f('date'), b(true), BAD],
  // datetime
  ['datetime ISO', f('datetime'), s('2024-01-31T14:30:00'), '2024-01-31T14:30:00'],
  ['datetime space, no seconds', f('datetime'), s('2024-01-31 14:30'), '2024-01-31T14:30:00'],
  ['datetime fraction', f('datetime'), s('2024-01-31T14:30:00.25'), '2024-01-31T14:30:00.250'],
  ['datetime offset to UTC', f('datetime'), s('2024-01-31T14:30:00+02:00'), '2024-01-31T12:30:00Z'],
  ['datetime offset crosses midnight', f('datetime'), s('2024-03-01T00:30:00+01:00'), '2024-02-29T23:30:00Z'],
  ['datetime Z', f('datetime'), s('2024-01-31T14:30:00Z'), '2024-01-31T14:30:00Z'],
  ['datetime bad hour', f('datetime'), s('2024-01-31T25:00:00'), BAD],
  ['datetime date only text', f('datetime'), s('2024-01-31'), BAD],
  ['datetime serial 1904 rounds', f('datetime'), dn(16071.6230671296, true), '1948-01-01T14:57:13'],
  ['datetime serial 1900', f('datetime'), dn(45322.75), '2024-01-31T18:00:00'],
  ['datetime d cell', f('datetime'), d('2014-02-14T08:27:48.765Z'), '2014-02-14T08:27:48.765Z'],
  ['datetime d cell date only', f('datetime'), d('2021-01-01'), '2021-01-01T00:00:00'],
  [
    'datetime pattern',
    f('datetime', { format: '%d/%m/%Y %H:%M' }),
    s('31/01/2024 14:30'),
    '2024-01-31T14:30:00',
  ],
  [
    'datetime pattern 12h',
    f('datetime', { format: '%m/%d/%Y %I:%M %p' }),
    s('01/31/2024 2:30 PM'),
    '2024-01-31T14:30:00',
  ],
  ['datetime plain number', f('datetime'), n(45322.75), BAD],
  // time
  ['time ISO', f('time'), s('14:30:00'), '14:30:00'],
  ['time no seconds', f('time'), s('14:30'), '14:30:00'],
  ['time 24:00 rejected', f('time'), s('24:00:00'), BAD],
  ['time serial fraction', f('time'), dn(0.5), '12:00:00'],
  ['time serial with a date', f('time'), dn(1.5), BAD],
  ['time d cell', f('time'), d('10:10:10'), '10:10:10'],
  ['time pattern 12h', f('time', { format: '%I:%M %p' }), s('2:30 PM'), '14:30:00'],
  ['time pattern 13 PM', f('time', { format: '%I:%M %p' }), s('13:30 PM'), BAD],
  ['time plain number', f('time'), n(0.5), BAD],
  // year
  ['year text', f('year'), s('2024'), 2024],
  ['year number', f('year'), n(2024), 2024],
  ['year zero', f('year'), s('0'), BAD],
  ['year too big', f('year'), n(10000), BAD],
  ['year fractional', f('year'), n(2024.5), BAD],
  ['year decimal text', f('year'), s('20.5'), BAD],
  ['year date cell', f('year'), dn(45322), BAD],
  // string
  ['string text kept as is', f('string'), s(' a '), ' a '],
  ['string leading zeros', f('string'), s('0123'), '0123'],
  ['string from number', f('string'), n(123), '123'],
  ['string from decimal', f('string'), n(13.37), '13.37'],
  ['string from boolean', f('string'), b(true), 'TRUE'],
  ['string from date cell', f('string'), dn(45322), '2024-01-31'],
  // any
  ['any text', f('any'), s('x'), 'x'],
  ['any number', f('any'), n(1.5), 1.5],
  ['any boolean', f('any'), b(false), false],
];

describe('castValue', () => {
  it.each(cases)('%s', (_label, partial, cell, expected) => {
    const field = { name: 'x', ...partial } as Field;
    const result = castValue(cell, field);
    if (expected === BAD) {
      expect(result).toEqual({ ok: false, reason: 'type' });
    } else {
      expect(result).toEqual({ ok: true, value: expected });
    }
  });

  it.each([
    'string',
    'number',
    'integer',
    'boolean',
    'date',
    'datetime',
    'time',
    'year',
    'any',
  ] as FieldType[])('an error cell is never valid, even in a %s field', (type) => {
    expect(castValue(e('#N/A'), { name: 'x', type })).toEqual({ ok: false, reason: 'spreadsheet_error' });
  });

  it('treats absent cells and missingValues as missing, not as values', () => {
    const field: Field = { name: 'x', type: 'integer' };
    expect(castValue(undefined, field)).toEqual({ ok: true, value: null });
    expect(castValue(s(''), field)).toEqual({ ok: true, value: null });
    expect(castValue(s('NA'), field)).toEqual({ ok: false, reason: 'type' });
    expect(castValue(s('NA'), field, { missingValues: ['NA'] })).toEqual({ ok: true, value: null });
    // With a custom list, "" is a value again (Table Schema semantics).
    expect(castValue(s(''), field, { missingValues: ['NA'] })).toEqual({ ok: false, reason: 'type' });
  });
});

describe('serialToIso and cellText', () => {
  it('renders date cells as ISO, with the time only when there is one', () => {
    expect(serialToIso(45322, false)).toBe('2024-01-31');
    expect(serialToIso(45322.5, false)).toBe('2024-01-31T12:00:00');
    expect(serialToIso(1, true)).toBe('1904-01-02');
    expect(serialToIso(-1, false)).toBeNull();
  });

  it('shows cells as a person reads them', () => {
    expect(cellText(undefined)).toBeNull();
    expect(cellText(b(false))).toBe('FALSE');
    expect(cellText(e('#DIV/0!'))).toBe('#DIV/0!');
    expect(cellText(dn(45322))).toBe('2024-01-31');
    expect(cellText(n(12.5))).toBe('12.5');
  });
});

describe('plain-text fast paths agree with the general rules', () => {
  // The general rule for number/integer text (what the casters did before their fast paths).
  const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
  const INTEGER = /^[+-]?\d+$/;
  const tricky = [
    '0',
    '-0',
    '+0',
    '-0.0',
    '007',
    '7.',
    '.5',
    '-.5',
    '+.5',
    '.',
    '+',
    '-',
    '',
    ' 1',
    '1 ',
    '1.2.3',
    '12.50',
    '448.29',
    '0.1',
    '0.30000000000000004',
    '123456789012345',
    '1234567890123456',
    '9007199254740993',
    '999999999999999.9',
    '0.000000000000001',
    '1e3',
    '1E-2',
    '--1',
    '+-1',
    '1,5',
    '١٢',
    '１２',
    '12a',
    'a12',
    '\u00a012',
    '12\n',
  ];
  // Plus random decimals of up to 17 digits with the point anywhere, and random signs.
  let seed = 42;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    const digits = 1 + Math.floor(next() * 17);
    let t = '';
    for (let k = 0; k < digits; k++) t += String(Math.floor(next() * 10));
    const point = Math.floor(next() * (digits + 2)) - 1;
    if (point >= 0 && point <= digits) t = t.slice(0, point) + '.' + t.slice(point);
    const sign = next();
    tricky.push(sign < 0.2 ? '-' + t : sign < 0.3 ? '+' + t : t);
  }

  it('number text', () => {
    const field: Field = { name: 'x', type: 'number' };
    for (const text of tricky) {
      const t = text.trim();
      const expected = DECIMAL.test(t) ? Number(t) : BAD;
      const r = castValue(s(text), field, { missingValues: [] });
      const got = r.ok ? r.value : BAD;
      expect(Object.is(got, expected), `${JSON.stringify(text)}: ${String(got)} vs ${String(expected)}`).toBe(
        true,
      );
    }
  });

  it('integer text', () => {
    const field: Field = { name: 'x', type: 'integer' };
    for (const text of tricky) {
      const t = text.trim();
      const expected = INTEGER.test(t) ? Number(t) : BAD;
      const r = castValue(s(text), field, { missingValues: [] });
      const got = r.ok ? r.value : BAD;
      expect(Object.is(got, expected), `${JSON.stringify(text)}: ${String(got)} vs ${String(expected)}`).toBe(
        true,
      );
    }
  });

  it('ISO date text', () => {
    const field: Field = { name: 'x', type: 'date' };
    const cases: [string, string | typeof BAD][] = [
      ['2024-01-31', '2024-01-31'],
      ['2024-02-29', '2024-02-29'],
      ['2023-02-29', BAD],
      ['2024-02-30', BAD],
      ['2024-13-01', BAD],
      ['2024-00-10', BAD],
      ['0000-01-01', BAD],
      ['0001-01-01', '0001-01-01'],
      ['9999-12-31', '9999-12-31'],
      ['2024-1-01', BAD],
      ['2024-01-3a', BAD],
      ['2024/01/31', BAD],
      ['２０２４-01-01', BAD],
      [' 2024-01-31 ', '2024-01-31'],
      ['2024-01-31T00:00:00', BAD],
    ];
    for (const [text, expected] of cases) {
      const r = castValue(s(text), field);
      expect(r.ok ? r.value : BAD, text).toBe(expected);
    }
  });
});
