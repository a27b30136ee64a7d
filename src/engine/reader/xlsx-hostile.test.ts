import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildXlsx, readAll, readError, writeTemp, writeXlsx } from './xlsx-fixture.helper.js';

/** Hostile and broken input: every case must end in a clear EngineError, fast, in bounded memory. */

/** Offsets of a named entry's central-directory record and local header in a zip. */
function locate(zip: Uint8Array, name: string): { central: number; local: number } {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    if (buf.toString('utf8', p + 46, p + 46 + nameLen) === name)
      return { central: p, local: buf.readUInt32LE(p + 42) };
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  throw new Error(`no ${name} in zip`);
}

function patched(zip: Uint8Array, edit: (buf: Buffer) => void): string {
  const copy = Buffer.from(zip);
  edit(copy);
  return writeTemp(copy);
}

const SHEET = 'xl/worksheets/sheet1.xml';
const oneRow = '<row r="1"><c r="A1" t="inlineStr"><is><t>hello</t></is></c><c r="B1"><v>2</v></c></row>';

describe('hostile xlsx: XML', () => {
  it.each([
    [
      'DOCTYPE in a sheet',
      {
        sheets: [
          {
            name: 'S',
            xml: `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet><sheetData>${oneRow}</sheetData></worksheet>`,
          },
        ],
      },
    ],
    [
      'ENTITY in shared strings',
      {
        sharedStrings: ['x'],
        sheets: [{ name: 'S', xml: oneRow }],
        parts: {
          'xl/sharedStrings.xml':
            '<?xml version="1.0"?><sst><!ENTITY x SYSTEM "file:///etc/passwd"><si><t>&x;</t></si></sst>',
        },
      },
    ],
    [
      'DOCTYPE in the workbook',
      {
        sheets: [{ name: 'S', xml: oneRow }],
        parts: {
          'xl/workbook.xml': '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd"><workbook/>',
        },
      },
    ],
    [
      'DOCTYPE in styles',
      {
        styles: '',
        sheets: [{ name: 'S', xml: oneRow }],
        parts: { 'xl/styles.xml': '<!DOCTYPE a><styleSheet/>' },
      },
    ],
  ])('%s → corrupt_file, never expanded', async (_label, spec) => {
    expect(await readError(writeXlsx(spec))).toBe('corrupt_file');
  });

  it('a <dimension> claiming a million rows allocates nothing', async () => {
    const path = writeXlsx({
      sheets: [
        {
          name: 'S',
          xml: `<worksheet><dimension ref="A1:XFD1048576"/><sheetData>${oneRow}</sheetData></worksheet>`,
        },
      ],
    });
    const before = process.memoryUsage().heapUsed;
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(1);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it.each([
    ['a cell beyond column XFD', '<row r="1"><c r="XFE1"><v>1</v></c></row>'],
    ['a cell far beyond column XFD', '<row r="1"><c r="ZZZZZZZZ1"><v>1</v></c></row>'],
    ['an implicit cell beyond XFD', '<row r="1"><c r="XFD1"><v>1</v></c><c><v>2</v></c></row>'],
    ['a row beyond 1,048,576', '<row r="1048577"><c r="A1048577"><v>1</v></c></row>'],
    ['a cell ref beyond row 1,048,576', '<row><c r="A99999999999"><v>1</v></c></row>'],
    ['a non-numeric row number', '<row r="x1"><c><v>1</v></c></row>'],
  ])('%s → corrupt_file', async (_label, xml) => {
    expect(await readError(writeXlsx({ sheets: [{ name: 'S', xml }] }))).toBe('corrupt_file');
  });

  it('a shared-string index outside the table → corrupt_file', async () => {
    const path = writeXlsx({
      sharedStrings: ['a'],
      sheets: [{ name: 'S', xml: '<row r="1"><c r="A1" t="s"><v>5</v></c></row>' }],
    });
    expect(await readError(path)).toBe('corrupt_file');
  });

  it('a sheet part cut off mid-tag → corrupt_file', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'S', xml: `<worksheet><sheetData>${oneRow}<row r="2"><c r="A2" t="inl` }],
    });
    expect(await readError(path)).toBe('corrupt_file');
  });

  it('a tag that never closes is refused once past the carry cap', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'S', xml: `<worksheet><sheetData><row r="1"><c r="A1" x="${'y'.repeat(2_000_000)}` }],
    });
    expect(await readError(path)).toBe('corrupt_file');
  });
});

describe('hostile xlsx: limits', () => {
  it('shared strings over maxSharedStringsBytes → limit_exceeded', async () => {
    const path = writeXlsx({
      sharedStrings: Array.from({ length: 20 }, (_, i) => `string number ${i}`),
      sheets: [{ name: 'S', xml: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' }],
    });
    expect(await readError(path)).toBe('ok');
    expect(await readError(path, { limits: { maxSharedStringsBytes: 100 } })).toBe('limit_exceeded');
  });

  it.each([
    ['an inline string', '<row r="1"><c r="A1" t="inlineStr"><is><t>LONG</t></is></c></row>', undefined],
    ['a shared string', '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', ['LONG']],
    ['a formula string', '<row r="1"><c r="A1" t="str"><v>LONG</v></c></row>', undefined],
    [
      'rich-text runs',
      '<row r="1"><c r="A1" t="inlineStr"><is><r><t>LONG</t></r><r><t>LONG</t></r></is></c></row>',
      undefined,
    ],
  ])('a cell over maxCellChars in %s → limit_exceeded', async (_label, xml, sst) => {
    // 120 characters of 2 bytes each: the cap counts characters, not bytes.
    const long = 'é'.repeat(120);
    const spec = {
      sheets: [{ name: 'S', xml: xml.replace(/LONG/g, long) }],
      sharedStrings: sst?.map(() => long),
    };
    expect(await readError(writeXlsx(spec), { limits: { maxCellChars: 300 } })).toBe('ok');
    expect(await readError(writeXlsx(spec), { limits: { maxCellChars: 100 } })).toBe('limit_exceeded');
  });

  it('a huge unterminated value is refused as limit_exceeded, not buffered', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'S', xml: `<row r="1"><c r="A1" t="str"><v>${'z'.repeat(3_000_000)}` }],
    });
    expect(await readError(path)).toBe('limit_exceeded');
  });

  it('a value beyond maxColumns → limit_exceeded (empty styled padding does not count)', async () => {
    const path = writeXlsx({
      sheets: [
        {
          name: 'S',
          xml: '<row r="1"><c r="A1"><v>1</v></c><c r="Z1" s="1"/></row><row r="2"><c r="T2"><v>1</v></c></row>',
        },
      ],
    });
    expect(await readError(path, { limits: { maxColumns: 20 } })).toBe('ok');
    expect(await readError(path, { limits: { maxColumns: 19 } })).toBe('limit_exceeded');
  });

  it('rejects invalid limit options', async () => {
    const path = writeXlsx({ sheets: [{ name: 'S', xml: oneRow }] });
    await expect(readAll(path, { limits: { maxCellChars: -1 } })).rejects.toThrow(RangeError);
  });
});

describe('hostile xlsx: zip', () => {
  it('a zip bomb part (over 100:1 past 1 MB) → limit_exceeded, quickly', async () => {
    const padding = ' '.repeat(50 * 1024 * 1024);
    const path = writeXlsx({
      level: 9,
      sheets: [{ name: 'S', xml: `<worksheet><sheetData>${oneRow}${padding}</sheetData></worksheet>` }],
    });
    const t0 = performance.now();
    expect(await readError(path)).toBe('limit_exceeded');
    expect(performance.now() - t0).toBeLessThan(10_000);
    await expect(readAll(path)).rejects.toThrow(/zip bomb/);
  });

  it('highly compressible parts under 1 MB are fine', async () => {
    const padding = ' '.repeat(900 * 1024);
    const path = writeXlsx({
      level: 9,
      sheets: [{ name: 'S', xml: `<worksheet><sheetData>${oneRow}${padding}</sheetData></worksheet>` }],
    });
    expect(await readError(path)).toBe('ok');
  });

  it('the total uncompressed cap counts inflated bytes across parts', async () => {
    const path = writeXlsx({ sheets: [{ name: 'S', xml: oneRow.repeat(10) }] });
    expect(await readError(path)).toBe('ok');
    expect(await readError(path, { limits: { maxUncompressedBytes: 1000 } })).toBe('limit_exceeded');
  });

  it('a header that under-states the size does not get past the caps, and is corrupt_file otherwise', async () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`,
    ).join('');
    const zip = buildXlsx({ sheets: [{ name: 'S', xml: rows }] });
    const lying = (buf: Buffer): void => {
      const { central, local } = locate(zip, SHEET);
      buf.writeUInt32LE(100, central + 24);
      buf.writeUInt32LE(100, local + 22);
    };
    expect(await readError(patched(zip, lying), { limits: { maxUncompressedBytes: 100_000 } })).toBe(
      'limit_exceeded',
    );
    expect(await readError(patched(zip, lying))).toBe('corrupt_file');
  });

  it('a header that over-states the size → corrupt_file', async () => {
    const zip = buildXlsx({ sheets: [{ name: 'S', xml: oneRow }] });
    const path = patched(zip, (buf) => {
      const { central } = locate(zip, SHEET);
      buf.writeUInt32LE(buf.readUInt32LE(central + 24) + 10, central + 24);
    });
    expect(await readError(path)).toBe('corrupt_file');
  });

  it('a bad CRC-32 → corrupt_file', async () => {
    const zip = buildXlsx({ sheets: [{ name: 'S', xml: oneRow }] });
    const path = patched(zip, (buf) => {
      const { central } = locate(zip, SHEET);
      buf.writeUInt32LE((buf.readUInt32LE(central + 16) ^ 1) >>> 0, central + 16);
    });
    expect(await readError(path)).toBe('corrupt_file');
  });

  it('flipped bytes inside compressed data → corrupt_file', async () => {
    const rows = Array.from(
      { length: 2000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i * 7919}</v></c></row>`,
    ).join('');
    const zip = buildXlsx({ sheets: [{ name: 'S', xml: rows }] });
    const path = patched(zip, (buf) => {
      const { local } = locate(zip, SHEET);
      const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      for (let i = 50; i < 90; i++) buf[data + i] ^= 0x55;
    });
    expect(await readError(path)).toBe('corrupt_file');
  });

  it.each([
    ['cut in half', 0.5],
    ['missing its last bytes', 0.98],
    ['cut to the first 100 bytes', 100],
  ])('a truncated zip (%s) → corrupt_file', async (_label, keep) => {
    const zip = buildXlsx({ sheets: [{ name: 'S', xml: oneRow.repeat(200) }] });
    const length = keep > 1 ? keep : Math.floor(zip.length * keep);
    expect(await readError(writeTemp(zip.subarray(0, length)))).toBe('corrupt_file');
  });

  it('a directory pointing outside the file → corrupt_file', async () => {
    const zip = buildXlsx({ sheets: [{ name: 'S', xml: oneRow }] });
    const path = patched(zip, (buf) => {
      const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
      buf.writeUInt32LE(0x7fffffff, eocd + 16);
    });
    expect(await readError(path)).toBe('corrupt_file');
  });
});

describe('renamed and non-spreadsheet files', () => {
  const zipOf = zipRaw;

  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['binary junk', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ['a gzip file', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])],
  ])('%s named .xlsx → unsupported_format', async (_label, bytes) => {
    expect(await readError(writeTemp(bytes, '.xlsx'))).toBe('unsupported_format');
  });

  it('a plain zip, a Word document and an xlsb-like zip → unsupported_format', async () => {
    expect(await readError(writeTemp(zipOf({ 'readme.txt': 'hello' })))).toBe('unsupported_format');
    const docx = zipOf({
      '[Content_Types].xml': '<Types/>',
      '_rels/.rels':
        '<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      'word/document.xml': '<document/>',
    });
    await expect(readAll(writeTemp(docx))).rejects.toMatchObject({
      code: 'unsupported_format',
      message: expect.stringMatching(/Word/),
    });
    const fakeWorkbook = zipOf({
      '[Content_Types].xml': '<Types/>',
      '_rels/.rels':
        '<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      'xl/workbook.xml': '<notAWorkbook/>',
    });
    expect(await readError(writeTemp(fakeWorkbook))).toBe('unsupported_format');
  });

  it.each([
    ['an HTML table named .xls', '<html><body><table><tr><td>a</td></tr></table></body></html>', /web page/],
    ['an HTML page with a doctype', '\n  <!DOCTYPE html>\n<html lang="en"><p>x</p></html>', /web page/],
    [
      'an Excel 2003 XML workbook',
      '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>',
      /Excel 2003 XML/,
    ],
  ])('%s → unsupported_format', async (_label, text, message) => {
    await expect(readAll(writeTemp(text, '.xls'))).rejects.toMatchObject({
      code: 'unsupported_format',
      message: expect.stringMatching(message),
    });
  });

  it('a CSV named .xlsx is read as CSV', async () => {
    const { csv, rows } = await readAll(writeTemp('a,b\n1,2\n', '.xlsx'));
    expect(csv?.delimiter).toBe(',');
    expect(rows).toHaveLength(2);
  });
});

function zipRaw(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
}
