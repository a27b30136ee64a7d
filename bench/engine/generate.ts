import { createWriteStream } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';
import { once } from 'node:events';
import { smallPart, writeZip, type ZipPart } from './zip-writer.js';

/**
 * Benchmark fixtures: a 10-column sheet (id, SKU, name, email, price, quantity, status enum, a real
 * date cell with a date number format, a boolean, free text) with ~1% bad cells, written as xlsx
 * with inline strings, as xlsx with a shared-strings table (≈1 unique string per row), and as CSV.
 * Hand-rolled writers: fixtures for a million rows are generated in seconds.
 */

export const HEADERS = [
  'id',
  'sku',
  'name',
  'email',
  'price',
  'quantity',
  'status',
  'ordered_on',
  'paid',
  'note',
];
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Linus', 'Ken', 'Frances'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Torvalds',
  'Thompson',
  'Allen',
];
const STATUS = ['active', 'pending', 'closed'];
const WORDS = [
  'fragile',
  'urgent',
  'gift',
  'bulk',
  'repeat',
  'express',
  'standard',
  'return',
  'sample',
  'backorder',
];

export type CellOut =
  | { kind: 'n'; v: number }
  | { kind: 's'; v: string }
  | { kind: 'b'; v: boolean }
  | { kind: 'date'; v: number };

/** Deterministic pseudo-random numbers (mulberry32), so every run benches the same bytes. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeRow(i: number, rand: () => number): CellOut[] {
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / 10) % LAST.length];
  const bad = rand() < 0.1 ? Math.floor(rand() * 10) : -1; // 10% of rows, one bad cell each = 1% of cells
  const price = Math.round(rand() * 100000) / 100;
  return [
    { kind: 'n', v: i },
    { kind: 's', v: bad === 1 ? 'SKU-12X' : `SKU-${10000 + (i % 90000)}` },
    { kind: 's', v: `${first} ${last}` },
    {
      kind: 's',
      v:
        bad === 3
          ? `${first.toLowerCase()}.example.com`
          : `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
    },
    bad === 4 ? { kind: 's', v: 'n/a' } : { kind: 'n', v: price },
    { kind: 'n', v: bad === 5 ? -3 : 1 + (i % 50) },
    { kind: 's', v: bad === 6 ? 'unknown' : STATUS[i % 3] },
    { kind: 'date', v: 44197 + (i % 1500) },
    { kind: 'b', v: i % 2 === 0 },
    { kind: 's', v: `order ${i} ${WORDS[i % 10]} ${WORDS[(i >> 3) % 10]}` },
  ];
}

function xmlEscape(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

function colLetter(c: number): string {
  return String.fromCharCode(65 + c);
}

/** Streams text through deflate, collecting compressed chunks and the CRC of the plain bytes. */
class DeflatedPart {
  private readonly chunks: Buffer[] = [];
  private crc = 0;
  private size = 0;
  private readonly deflate = createDeflateRaw({ level: 6 });
  private pending: string[] = [];
  private pendingLen = 0;

  constructor(readonly name: string) {
    this.deflate.on('data', (c: Buffer) => this.chunks.push(c));
  }

  async write(s: string): Promise<void> {
    this.pending.push(s);
    this.pendingLen += s.length;
    if (this.pendingLen > 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLen = 0;
    this.crc = crc32(buf, this.crc);
    this.size += buf.length;
    if (!this.deflate.write(buf)) await once(this.deflate, 'drain');
  }

  async end(): Promise<ZipPart> {
    await this.flush();
    this.deflate.end();
    await once(this.deflate, 'end');
    return { name: this.name, deflated: this.chunks, crc32: this.crc, size: this.size };
  }
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

function workbookRels(withSst: boolean): string {
  const sst = withSst
    ? '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    : '';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${sst}</Relationships>`;
}

/** Writes an xlsx of `rows` data rows plus a header; `sharedStrings` puts every text in the sst. */
export async function generateXlsx(path: string, rows: number, sharedStrings: boolean): Promise<number> {
  const sheet = new DeflatedPart('xl/worksheets/sheet1.xml');
  const sst = sharedStrings ? new DeflatedPart('xl/sharedStrings.xml') : null;
  const sstIndex = new Map<string, number>();
  let sstCount = 0;
  let uniqueFree = 0;
  const stringCell = async (ref: string, s: string, unique: boolean): Promise<string> => {
    if (!sst) return `<c r="${ref}" t="inlineStr"><is><t>${xmlEscape(s)}</t></is></c>`;
    // Free text is unique per row: it gets its own index without going through the Map.
    let idx = unique ? undefined : sstIndex.get(s);
    if (idx === undefined) {
      idx = sstCount++;
      if (unique) uniqueFree++;
      else sstIndex.set(s, idx);
      await sst.write(`<si><t>${xmlEscape(s)}</t></si>`);
    }
    return `<c r="${ref}" t="s"><v>${idx}</v></c>`;
  };
  await sheet.write(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
  );
  let head = '<row r="1">';
  for (let c = 0; c < HEADERS.length; c++) head += await stringCell(`${colLetter(c)}1`, HEADERS[c], false);
  await sheet.write(head + '</row>');
  const rand = rng(42);
  for (let i = 1; i <= rows; i++) {
    const r = i + 1;
    const cells = makeRow(i, rand);
    let xml = `<row r="${r}">`;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      const ref = `${colLetter(c)}${r}`;
      if (cell.kind === 'n') xml += `<c r="${ref}"><v>${cell.v}</v></c>`;
      else if (cell.kind === 'date') xml += `<c r="${ref}" s="1"><v>${cell.v}</v></c>`;
      else if (cell.kind === 'b') xml += `<c r="${ref}" t="b"><v>${cell.v ? 1 : 0}</v></c>`;
      else xml += await stringCell(ref, cell.v, c === 9);
    }
    await sheet.write(xml + '</row>');
  }
  await sheet.write('</sheetData></worksheet>');
  const parts: ZipPart[] = [
    smallPart('[Content_Types].xml', CONTENT_TYPES),
    smallPart('_rels/.rels', ROOT_RELS),
    smallPart('xl/workbook.xml', WORKBOOK),
    smallPart('xl/_rels/workbook.xml.rels', workbookRels(sst !== null)),
    smallPart('xl/styles.xml', STYLES),
    await sheet.end(),
  ];
  if (sst) {
    // The sst header comes last in generation but first in the part: write it as its own chunk.
    const body = await sst.end();
    const headerText = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${sstCount}" uniqueCount="${sstCount}">`;
    parts.push(await wrapSst(headerText, body, '</sst>'));
  }
  void uniqueFree;
  return writeZip(path, parts);
}

/** Re-deflates the sst with its header and footer (the body was streamed before we knew counts). */
async function wrapSst(header: string, body: ZipPart, footer: string): Promise<ZipPart> {
  const { inflateRawSync } = await import('node:zlib');
  const out = new DeflatedPart(body.name);
  await out.write(header);
  for (const chunk of [Buffer.concat(body.deflated as Buffer[])]) {
    await out.write(inflateRawSync(chunk).toString('utf8'));
  }
  await out.write(footer);
  return out.end();
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function generateCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  let size = 0;
  const write = async (s: string): Promise<void> => {
    size += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(HEADERS.join(',') + '\r\n');
  const rand = rng(42);
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    const cells = makeRow(i, rand);
    buf +=
      cells
        .map((c) =>
          c.kind === 'date'
            ? new Date(Date.UTC(1899, 11, 30) + c.v * 86400000).toISOString().slice(0, 10)
            : c.kind === 'b'
              ? c.v
                ? 'true'
                : 'false'
              : csvField(String(c.v)),
        )
        .join(',') + '\r\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  out.end();
  await once(out, 'finish');
  return size;
}
