import { describe, expect, it } from 'vitest';
import { contentDisposition, exportFileName, sanitizeName } from './file-name.js';

describe('file names', () => {
  it.each([
    ['C:\\Users\\ada\\orders.xlsx', 'orders.xlsx'],
    ['../../etc/passwd', 'passwd'],
    ['bad\r\nname.csv', 'badname.csv'],
    ['', 'upload'],
    ['/', 'upload'],
  ])('keeps only a display name of %j', (input, expected) => {
    expect(sanitizeName(input)).toBe(expected);
  });

  it('quotes Content-Disposition so a name cannot break out of the header', () => {
    const header = contentDisposition('évil"; filename=x.exe\r\n.csv');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(header).toContain("filename*=UTF-8''%C3%A9vil%22%3B%20filename%3Dx.exe.csv");
  });

  it('names exports after the original', () => {
    expect(exportFileName('orders.xlsx', 'annotated', 'xlsx')).toBe('orders-annotated.xlsx');
    expect(exportFileName('data', 'errors', 'csv')).toBe('data-errors.csv');
  });
});
