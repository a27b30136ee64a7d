/**
 * Warm-up of a new validation thread: it validates a generated workbook and CSV before it takes
 * its first job. Loading the engine is not enough: V8 compiles the engine's hot loops (zip
 * and XML reading, casting, the rules, the COPY text) to optimised code only after they ran many
 * times, so a fresh thread takes ~0.86 s on a 100k-row workbook that a warm one validates in
 * ~0.43 s; after this warm-up the first upload after a deploy takes ~0.56–0.6 s.
 *
 * The files hold every common field type and constraint, with some bad cells, so the issue paths
 * warm up too. They are written to the OS temp directory and removed at once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { TableSchema } from '../../engine/index.js';

/**
 * Rows of the warm-up workbook and CSV. Measured on a 100k-row workbook, its first validation in
 * a fresh thread: ~0.6 s after 20k warm-up rows, ~0.44 s after 100k, ~0.33 s warm. The workbook
 * is the common case, so it gets more; all this runs in the background at start-up.
 */
export const WARM_UP_ROWS = { xlsx: 60_000, csv: 20_000 } as const;

export const WARM_UP_SCHEMA = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
    { name: 'code', type: 'string', constraints: { pattern: '[A-Z]{3}-[0-9]{4}' } },
    { name: 'name', type: 'string', constraints: { required: true, maxLength: 100 } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'amount', type: 'number', constraints: { minimum: 0 } },
    { name: 'count', type: 'integer', constraints: { minimum: 1, maximum: 1000 } },
    { name: 'state', type: 'string', constraints: { enum: ['open', 'held', 'done'] } },
    { name: 'day', type: 'date' },
    { name: 'flag', type: 'boolean' },
    { name: 'comment', type: 'string' },
  ],
} as TableSchema;

const HEADERS = WARM_UP_SCHEMA.fields.map((f) => f.name);
const STATES = ['open', 'held', 'done'];

type Cell = { n: number } | { s: string } | { b: boolean } | { d: number };

/** Row `i` (from 1); every 10th row has one bad cell, in a different column each time. */
function row(i: number): Cell[] {
  const bad = i % 10 === 0 ? (i / 10) % 10 : -1;
  return [
    { n: i },
    { s: bad === 1 ? 'AB-12' : `ABC-${1000 + (i % 9000)}` },
    bad === 2 ? { s: '' } : { s: `Name ${i % 977}` },
    { s: bad === 3 ? `user${i}.example.com` : `user${i % 499}@example.com` },
    bad === 4 ? { s: 'n/a' } : { n: (i % 10_000) / 4 },
    { n: bad === 5 ? 0 : 1 + (i % 500) },
    { s: bad === 6 ? 'lost' : STATES[i % 3] },
    bad === 7 ? { s: 'someday' } : { d: 44_000 + (i % 1000) },
    bad === 8 ? { s: 'maybe' } : { b: i % 2 === 0 },
    { s: `note ${i}` },
  ];
}

function cellXml(ref: string, cell: Cell, sst: Map<string, number>): string {
  if ('n' in cell) return `<c r="${ref}"><v>${cell.n}</v></c>`;
  if ('d' in cell) return `<c r="${ref}" s="1"><v>${cell.d}</v></c>`;
  if ('b' in cell) return `<c r="${ref}" t="b"><v>${cell.b ? 1 : 0}</v></c>`;
  if (cell.s === '') return '';
  let index = sst.get(cell.s);
  if (index === undefined) sst.set(cell.s, (index = sst.size));
  return `<c r="${ref}" t="s"><v>${index}</v></c>`;
}

function csvText(cell: Cell): string {
  if ('n' in cell) return String(cell.n);
  if ('d' in cell) return new Date(Date.UTC(1899, 11, 30 + cell.d)).toISOString().slice(0, 10);
  if ('b' in cell) return cell.b ? 'true' : 'false';
  return cell.s;
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** A one-sheet workbook (shared strings, a date style) of `rows` generated rows. */
export function warmUpWorkbook(rows: number): Uint8Array {
  const sst = new Map<string, number>();
  const letters = HEADERS.map((_, c) => String.fromCharCode(65 + c));
  const parts: string[] = [`${XML}<worksheet xmlns="${MAIN}"><sheetData><row r="1">`];
  HEADERS.forEach((h, c) => parts.push(cellXml(`${letters[c]}1`, { s: h }, sst)));
  parts.push('</row>');
  for (let i = 1; i <= rows; i++) {
    const r = i + 1;
    parts.push(`<row r="${r}">`);
    row(i).forEach((cell, c) => parts.push(cellXml(`${letters[c]}${r}`, cell, sst)));
    parts.push('</row>');
  }
  parts.push('</sheetData></worksheet>');
  const strings = [...sst.keys()].map((s) => `<si><t>${s}</t></si>`).join('');
  // Deflate level 1: the file is read back at once, and the level changes nothing the engine's JS
  // does (inflate is zlib's); level 6 took ~1.0 s of the ~1.8 s this function costs, level 1 ~0.4 s.
  return zipSync(
    {
      '[Content_Types].xml': strToU8(
        `${XML}<Types xmlns="${PKG}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/></Types>`,
      ),
      '_rels/.rels': strToU8(
        `${XML}<Relationships xmlns="${PKG}/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
      'xl/workbook.xml': strToU8(
        `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      'xl/_rels/workbook.xml.rels': strToU8(
        `${XML}<Relationships xmlns="${PKG}/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ),
      'xl/styles.xml': strToU8(
        `${XML}<styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
      ),
      'xl/sharedStrings.xml': strToU8(
        `${XML}<sst xmlns="${MAIN}" count="${sst.size}" uniqueCount="${sst.size}">${strings}</sst>`,
      ),
      'xl/worksheets/sheet1.xml': strToU8(parts.join('')),
    },
    { level: 1 },
  );
}

/** The same rows as CSV. */
export function warmUpCsv(rows: number): string {
  const lines = [HEADERS.join(',')];
  for (let i = 1; i <= rows; i++) lines.push(row(i).map(csvText).join(','));
  return lines.join('\n') + '\n';
}

export interface WarmUpPaths {
  readonly xlsx: string;
  readonly csv: string;
}

export interface WarmUpRows {
  readonly xlsx: number;
  readonly csv: number;
}

/**
 * Generates and writes both warm-up files. Building the 60k-row workbook is ~1.6 s of CPU (its
 * XML and deflate): the validation thread does it (a `warm-up-files` task), never the API's event
 * loop, which would otherwise stall every request for that long right after start.
 */
export async function writeWarmUpFiles(paths: WarmUpPaths, rows: WarmUpRows): Promise<void> {
  await writeFile(paths.xlsx, warmUpWorkbook(rows.xlsx));
  await writeFile(paths.csv, warmUpCsv(rows.csv));
}

/**
 * Has `write` put the warm-up files in a new temp directory and calls `use` with their paths; the
 * directory is removed afterwards, whatever happens.
 */
export async function withWarmUpFiles<T>(
  rows: WarmUpRows,
  use: (paths: WarmUpPaths) => Promise<T>,
  write: (paths: WarmUpPaths, rows: WarmUpRows) => Promise<void> = writeWarmUpFiles,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'intake-warm-up-'));
  try {
    const paths = { xlsx: join(dir, 'warm-up.xlsx'), csv: join(dir, 'warm-up.csv') };
    await write(paths, rows);
    return await use(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
