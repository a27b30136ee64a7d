import { describe, expect, it } from 'vitest';
import { isBuiltInDateFormatId, isDateFormatCode } from './number-format.js';

describe('number formats', () => {
  it.each([
    'yyyy-mm-dd',
    'm/d',
    'mmm-yy',
    'd-mmm',
    'h:mm AM/PM',
    'HH:MM:SS\\ AM/PM',
    '[h]:mm:ss',
    '[hh]:mm:ss',
    '[mm]:ss',
    'yyyy\\-mm\\-dd;@',
    'mmmm" "yyyy',
    '[$-409]mmmm" "d", "yyyy',
    '[$-411]ggge"年"m"月"d"日";@',
    '[Red]dd/mm/yyyy',
    'ss.000',
  ])('%s is a date/time format', (code) => {
    expect(isDateFormatCode(code)).toBe(true);
  });

  it.each([
    'General',
    'GENERAL',
    '0.00',
    '#,##0.00_);[Red](#,##0.00)',
    '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)',
    '0.00E+00',
    '"TRUE";"TRUE";"FALSE"',
    '"Day" 0',
    '[>=100]#,##0;0.0',
    '0%',
    '@',
    '\\d\\a\\y 0',
    '[$€-407] #,##0.00',
  ])('%s is not a date format', (code) => {
    expect(isDateFormatCode(code)).toBe(false);
  });

  it('knows the built-in date ids', () => {
    const dates = Array.from({ length: 60 }, (_, i) => i).filter(isBuiltInDateFormatId);
    expect(dates).toEqual([
      14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53,
      54, 55, 56, 57, 58,
    ]);
  });
});
