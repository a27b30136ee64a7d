import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../validate/types.js';
import { csvField, ERRORS_CSV_HEADER, errorsCsvLine, writeErrorsCsv } from './errors-csv.writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-csv-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    // Formula injection: a leading = + - @ TAB or CR is neutralised with a quote.
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-3', "'-3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
    ['x-1', 'x-1'],
  ])('%j → %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

describe('errorsCsvLine / writeErrorsCsv', () => {
  const issues: ValidationIssue[] = [
    {
      row: 17,
      column: 'price',
      cell: 'E17',
      code: 'minimum',
      message: 'price must be at least 0; got -3',
      value: '-3',
    },
    {
      row: 1,
      column: 'sku',
      cell: null,
      code: 'missing_column',
      message: 'Column "sku" is missing',
      value: null,
    },
  ];

  it('writes one CRLF record per issue, empty fields for nulls', () => {
    expect(errorsCsvLine(issues[0])).toBe("17,price,E17,minimum,price must be at least 0; got -3,'-3\r\n");
    expect(errorsCsvLine(issues[1])).toBe('1,sku,,missing_column,"Column ""sku"" is missing",\r\n');
  });

  it('writes header and records to a file', async () => {
    const out = join(dir, 'errors.csv');
    await writeErrorsCsv(issues, out);
    const text = await readFile(out, 'utf8');
    expect(text).toBe(ERRORS_CSV_HEADER + issues.map(errorsCsvLine).join(''));
    expect(text.startsWith('row,column,cell,code,message,value\r\n')).toBe(true);
  });

  it('streams async issues to a writable', async () => {
    async function* many(): AsyncGenerator<ValidationIssue> {
      for (let i = 0; i < 5000; i++) yield { ...issues[0], row: i + 2 };
    }
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await writeErrorsCsv(many(), sink);
    const lines = Buffer.concat(chunks).toString('utf8').split('\r\n');
    expect(lines).toHaveLength(5002); // header + 5000 + the empty string after the last CRLF
    expect(lines[5000]).toBe("5001,price,E17,minimum,price must be at least 0; got -3,'-3");
  });
});
