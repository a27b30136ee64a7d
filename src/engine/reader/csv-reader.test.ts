import { describe, expect, it } from 'vitest';
import { openSpreadsheet } from './index.js';
import { sniffDelimiter } from './csv-sniff.js';
import { readAll, readError, writeTemp } from './xlsx-fixture.helper.js';
import type { Row } from './types.js';

/** CSV/TSV: encodings, delimiters, quoting, line endings, record numbering. */

const values = (rows: readonly Row[]): (string | null)[][] =>
  rows.map((r) => Array.from(r.cells, (c) => (c === undefined ? null : String(c.v))));

const utf16 = (text: string, be: boolean): Buffer => {
  const le = Buffer.from(text, 'utf16le');
  if (be) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
};

describe('csv: encodings', () => {
  it.each([
    ['UTF-8 without BOM', Buffer.from('name,city\nZoë,Zürich\n'), 'utf-8'],
    [
      'UTF-8 with BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,city\nZoë,Zürich\n')]),
      'utf-8',
    ],
    ['UTF-16 LE with BOM', utf16('name,city\nZoë,Zürich\n', false), 'utf-16le'],
    ['UTF-16 BE with BOM', utf16('name,city\nZoë,Zürich\n', true), 'utf-16be'],
    [
      'Windows-1252 (not valid UTF-8)',
      Buffer.from('name,city\nZo\xeb,Z\xfcrich\n', 'latin1'),
      'windows-1252',
    ],
  ])('%s', async (_label, bytes, encoding) => {
    const { rows, csv } = await readAll(writeTemp(bytes, '.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding });
    expect(values(rows)).toEqual([
      ['name', 'city'],
      ['Zoë', 'Zürich'],
    ]);
  });

  it('Windows-1252 specific bytes (€, curly quotes) decode as Windows-1252, not Latin-1', async () => {
    const bytes = Buffer.from([
      ...Buffer.from('price;note\n'),
      0x80,
      0x35,
      0x3b,
      0x93,
      0x68,
      0x69,
      0x94,
      0x0a,
    ]);
    const { rows, csv } = await readAll(writeTemp(bytes, '.csv'));
    expect(csv).toEqual({ delimiter: ';', encoding: 'windows-1252' });
    expect(values(rows)[1]).toEqual(['€5', '“hi”']);
  });

  it('one invalid byte deep in a large file switches the whole file to Windows-1252', async () => {
    const body = 'a,b\n' + 'x,y\n'.repeat(400_000);
    const bytes = Buffer.concat([Buffer.from(body), Buffer.from('caf\xe9,1\n', 'latin1')]);
    const { rows, csv } = await readAll(writeTemp(bytes, '.csv'));
    expect(csv?.encoding).toBe('windows-1252');
    expect(values(rows).at(-1)).toEqual(['café', '1']);
  });

  it('multi-byte UTF-8 characters split across read chunks stay whole', async () => {
    const line = 'ü'.repeat(10) + ',€\n';
    const text = 'h1,h2\n' + line.repeat(200_000);
    const { rows, csv } = await readAll(writeTemp(Buffer.from(text), '.csv'));
    expect(csv?.encoding).toBe('utf-8');
    expect(rows).toHaveLength(200_001);
    expect(rows.every((r, i) => i === 0 || (r.cells[0]?.v === 'ü'.repeat(10) && r.cells[1]?.v === '€'))).toBe(
      true,
    );
  });

  it('a file of only a BOM is empty_file; zero bytes is empty_file', async () => {
    expect(await readError(writeTemp(Buffer.from([0xef, 0xbb, 0xbf]), '.csv'))).toBe('empty_file');
    expect(await readError(writeTemp(Buffer.alloc(0), '.csv'))).toBe('empty_file');
  });
});

describe('csv: delimiters', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n'],
    [';', 'a;b;c\n1,5;2,5;3\n'],
    ['\t', 'a\tb,x\tc\n1\t2\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
    [';', 'name;note\n"x; y";"a,b,c"\n"p";"q,r"\n'],
    [',', 'single column\nvalue\n'],
  ])('sniffs %j', async (delimiter, text) => {
    const { csv, rows } = await readAll(writeTemp(text, '.csv'));
    expect(csv?.delimiter).toBe(delimiter);
    expect(rows[0].cells.length).toBe(text.split('\n')[0].split(delimiter).length);
  });

  it('prefers the delimiter that is consistent across lines over a more frequent one', () => {
    expect(sniffDelimiter('a;b;c\nx, y, z;1;2\np;q;r\n', true)).toBe(';');
    expect(sniffDelimiter('a,b\n', true)).toBe(',');
    expect(sniffDelimiter('', true)).toBe(',');
    expect(sniffDelimiter('"a;b",c\n"d;e",f\n', true)).toBe(',');
  });
});

describe('csv: quoting and line endings', () => {
  it('quoted fields with delimiters, "" escapes and embedded newlines', async () => {
    const text = 'id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"line1\r\nline2\nline3"\r\n4,""\r\n';
    const { rows } = await readAll(writeTemp(text, '.csv'));
    expect(values(rows)).toEqual([
      ['id', 'text'],
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'line1\r\nline2\nline3'],
      ['4', null],
    ]);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR only', '\r'],
  ])('%s line endings, with and without a final line break', async (_label, eol) => {
    for (const final of [true, false]) {
      const text = ['a,b', '1,2', '3,4'].join(eol) + (final ? eol : '');
      const { rows } = await readAll(writeTemp(text, '.csv'));
      expect(values(rows)).toEqual([
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
      ]);
    }
  });

  it('blank lines still count in the numbering; empty fields are undefined', async () => {
    const { rows } = await readAll(writeTemp('a,b\n\n1,\n,\n,2\n', '.csv'));
    expect(rows.map((r) => [r.number, Array.from(r.cells, (c) => c?.v ?? null)])).toEqual([
      [1, ['a', 'b']],
      [2, []],
      [3, ['1', null]],
      [4, []],
      [5, [null, '2']],
    ]);
  });

  it('every field is text: numbers, booleans and leading zeros are not converted', async () => {
    const { rows } = await readAll(writeTemp('0123,TRUE,1.50,2024-01-01\n', '.csv'));
    expect(rows[0].cells).toEqual([
      { t: 's', v: '0123' },
      { t: 's', v: 'TRUE' },
      { t: 's', v: '1.50' },
      { t: 's', v: '2024-01-01' },
    ]);
  });

  it('text after a closing quote is kept; a quote inside an unquoted field is literal', async () => {
    const { rows } = await readAll(writeTemp('"ab"cd,e"f\n', '.csv'));
    expect(values(rows)).toEqual([['abcd', 'e"f']]);
  });

  it('records spanning read chunks (quoted newlines across boundaries) are parsed whole', async () => {
    const long = 'x'.repeat(50_000);
    const text = `id,body\n${Array.from({ length: 60 }, (_, i) => `${i},"${long}\n${i}""q"""`).join('\r\n')}\r\n`;
    const { rows } = await readAll(writeTemp(text, '.csv'));
    expect(rows).toHaveLength(61);
    expect(rows[60].cells[1]?.v).toBe(`${long}\n59"q"`);
    expect(rows[60].number).toBe(61);
  });

  it('every field of a multi-megabyte file of mixed records reads back exactly as written', async () => {
    // Short and long ASCII, non-ASCII, quoted delimiters, newlines and "" escapes, empty fields,
    // LF and CRLF: records cross every read-chunk and parse-slice boundary of the reader.
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const pieces = ['a', 'Zoë', 'x y', 'SKU-12345', '€', '1,5', 'say "hi"', 'line\nbreak', '0', '😀'];
    const field = (): string => {
      if (rand(8) === 0) return '';
      let v = '';
      for (let k = 1 + rand(rand(4) === 0 ? 40 : 4); k > 0; k--) v += pieces[rand(pieces.length)];
      return v;
    };
    const expected: (string | null)[][] = [['a', 'b', 'c', 'd']];
    const lines = ['a,b,c,d'];
    while (lines.length < 40_000) {
      const row = [field(), field(), field(), field()];
      if (row.join('') === '') row[0] = 'x';
      expected.push(row.map((v) => (v === '' ? null : v)));
      lines.push(row.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','));
    }
    const text = lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : '\n')).join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 1024 * 1024);
    const { rows } = await readAll(writeTemp(text, '.csv'));
    expect(rows.map((r) => r.number)).toEqual(expected.map((_, i) => i + 1));
    expect(values(rows).map((r) => [0, 1, 2, 3].map((i) => r[i] ?? null))).toEqual(expected);
  });

  it('an unmatched quote at the end of the file keeps the rest as one field', async () => {
    const { rows } = await readAll(writeTemp('a,b\n1,"open\n2,3\n', '.csv'));
    expect(values(rows)).toEqual([
      ['a', 'b'],
      ['1', 'open\n2,3\n'],
    ]);
  });
});

describe('csv: limits and streaming', () => {
  it('a field over maxCellChars → limit_exceeded', async () => {
    const path = writeTemp(`a\n${'é'.repeat(150)}\n`, '.csv');
    expect(await readError(path, { limits: { maxCellChars: 200 } })).toBe('ok');
    expect(await readError(path, { limits: { maxCellChars: 100 } })).toBe('limit_exceeded');
  });

  it('more fields than maxColumns → limit_exceeded', async () => {
    const path = writeTemp(`${Array.from({ length: 30 }, (_, i) => i).join(',')}\n`, '.csv');
    expect(await readError(path, { limits: { maxColumns: 30 } })).toBe('ok');
    expect(await readError(path, { limits: { maxColumns: 29 } })).toBe('limit_exceeded');
  });

  it('an unmatched quote swallowing a huge file → limit_exceeded with a hint', async () => {
    const path = writeTemp(`a,b\n1,"oops\n${'x,y\n'.repeat(5_000_000)}`, '.csv');
    await expect(readAll(path)).rejects.toMatchObject({
      code: 'limit_exceeded',
      message: expect.stringMatching(/record 2 .*quote \("\) that is never closed/i),
    });
  });

  it('stops at the first chunk that proves the open quoted cell too long, not at the end of the file', async () => {
    // 200 chars allowed: an open quoted cell is certainly too long past 800 bytes. Rows read
    // before the failure show how far the reader got: the 20 MB of rows after it are never read.
    const path = writeTemp(`a,b\n1,2\n3,"oops\n${'x,y\n'.repeat(5_000_000)}`, '.csv');
    const opened = await openSpreadsheet(path, { limits: { maxCellChars: 200 } });
    try {
      const error = await (async () => {
        for await (const batch of opened.rows()) void batch;
      })().catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'limit_exceeded', message: expect.stringMatching(/record 3 /i) });
      expect(opened.progress().bytesRead).toBeLessThan(4 * 1024 * 1024);
    } finally {
      await opened.close();
    }
  });

  it('a quoted cell may hold up to the limit, across many chunks, and still read', async () => {
    const cell = 'é'.repeat(100_000); // 200,000 bytes, spread over several reads
    const { rows } = await readAll(writeTemp(`a,b\n1,"${cell}"\n2,3\n`, '.csv'), {
      limits: { maxCellChars: 100_000 },
    });
    expect(values(rows)).toEqual([
      ['a', 'b'],
      ['1', cell],
      ['2', '3'],
    ]);
  });

  it('an unquoted cell over the limit fails before the end of a long record', async () => {
    const path = writeTemp(`a\n${'x'.repeat(3 * 1024 * 1024)}\n`, '.csv');
    expect(await readError(path, { limits: { maxCellChars: 1000 } })).toBe('limit_exceeded');
  });

  it('batches are small and progress counts bytes and records', async () => {
    const text = 'n\n' + Array.from({ length: 20_000 }, (_, i) => `${i}`).join('\n') + '\n';
    const path = writeTemp(text, '.csv');
    const opened = await openSpreadsheet(path, { sheet: 'ignored for CSV' });
    let batches = 0;
    let total = 0;
    for await (const batch of opened.rows()) {
      batches++;
      total += batch.length;
      expect(batch.length).toBeLessThanOrEqual(2000);
      expect(opened.progress().rowsRead).toBeGreaterThanOrEqual(total);
    }
    expect(batches).toBeGreaterThan(5);
    expect(opened.progress()).toEqual({
      bytesRead: Buffer.byteLength(text),
      bytesTotal: Buffer.byteLength(text),
      rowsRead: 20_001,
    });
    expect(opened.format).toBe('csv');
    expect(opened.sheet).toBeNull();
    await opened.close();
    await opened.close();
  });
});
