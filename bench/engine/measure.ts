/**
 * One measurement in a fresh process, so peak RSS belongs to that reader alone.
 * Usage: tsx bench/engine/measure.ts <intake|exceljs|floor|validate|reference> <file>
 * Prints one JSON line: { rows, cells, ms, maxRssMb } or { skipped }.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { Readable } from 'node:stream';
import { BENCH_SCHEMA } from './bench-schema.js';

const [mode, file] = process.argv.slice(2);

async function intake(): Promise<{ rows: number; cells: number }> {
  const { openSpreadsheet } = await import('../../src/engine/reader/index.js');
  const sheet = await openSpreadsheet(file);
  let rows = 0;
  let cells = 0;
  // The "simple consumer": touch every value the way a validator would.
  let check = 0;
  for await (const batch of sheet.rows()) {
    for (const row of batch) {
      rows++;
      for (const cell of row.cells) {
        if (cell === undefined) continue;
        cells++;
        check += cell.t === 's' ? cell.v.length : 1;
      }
    }
  }
  await sheet.close();
  if (check < 0) console.error(check);
  return { rows, cells };
}

async function exceljs(): Promise<{ rows: number; cells: number }> {
  const ExcelJS = (await import('exceljs')).default;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let rows = 0;
  let cells = 0;
  for await (const ws of reader) {
    for await (const row of ws) {
      rows++;
      (row as { eachCell: (cb: () => void) => void }).eachCell(() => {
        cells++;
      });
    }
    break;
  }
  return { rows, cells };
}

/** The floor: read the sheet part's compressed bytes, inflate, count `<row` and `<c` tags. */
async function floor(): Promise<{ rows: number; cells: number }> {
  const fh = await open(file, 'r');
  const { size } = await fh.stat();
  const tail = Buffer.alloc(Math.min(size, 65_557));
  await fh.read(tail, 0, tail.length, size - tail.length);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  const cd = Buffer.alloc(cdSize);
  await fh.read(cd, 0, cdSize, cdOffset);
  let p = 0;
  let start = 0;
  let length = 0;
  while (p < cd.length) {
    const nameLen = cd.readUInt16LE(p + 28);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    if (name === 'xl/worksheets/sheet1.xml') {
      length = cd.readUInt32LE(p + 20);
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, cd.readUInt32LE(p + 42));
      start = cd.readUInt32LE(p + 42) + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    }
    p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  const raw = fh.createReadStream({ start, end: start + length - 1, highWaterMark: 256 * 1024 });
  const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
  let rows = 0;
  let cells = 0;
  // The last two bytes of a chunk are scanned again with the next one, so no tag is missed.
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of Readable.from(raw).pipe(inflate) as AsyncIterable<Buffer>) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const end = buf.length - 2;
    for (let i = buf.indexOf(0x3c); i !== -1 && i < end; i = buf.indexOf(0x3c, i + 1)) {
      const b = buf[i + 1];
      if (b === 0x72 && buf[i + 2] === 0x6f) rows++;
      else if (b === 0x63 && buf[i + 2] === 0x20) cells++;
    }
    carry = buf.subarray(Math.max(0, end));
  }
  await fh.close();
  return { rows: rows - 1, cells };
}

interface IssueLike {
  row: number;
  column: string | null;
  cell: string | null;
  code: string;
  message: string;
  value: string | null;
}

/** A digest of every issue in order, so two implementations can be compared without storing them. */
function issueDigest(): { add(issue: IssueLike): void; hex(): string } {
  const hash = createHash('sha256');
  return {
    add: (i) => hash.update(JSON.stringify([i.row, i.column, i.cell, i.code, i.message, i.value]) + '\n'),
    hex: () => hash.digest('hex').slice(0, 12),
  };
}

type Measured = { rows: number; cells: number; digest?: string } | { skipped: string };

async function validate(): Promise<Measured> {
  // Literal specifiers so the bundler includes them; run.ts marks them external when the validate
  // engine does not exist yet, and the failed import becomes a "skipped" line.
  let engine: {
    validateFile: (
      path: string,
      schema: never,
      options: { maxErrors: number; onIssue: (i: IssueLike) => void },
    ) => Promise<{ rows: { total: number }; error_count: number }>;
    parseSchema: (json: unknown) => unknown;
  };
  try {
    engine = {
      ...((await import('../../src/engine/validate/index.js')) as unknown as Pick<
        typeof engine,
        'validateFile'
      >),
      ...(await import('../../src/engine/schema/index.js')),
    };
  } catch (err) {
    return { skipped: `validateFile not available (${(err as Error).message.split('\n')[0]})` };
  }
  const digest = issueDigest();
  const report = await engine.validateFile(file, engine.parseSchema(BENCH_SCHEMA) as never, {
    maxErrors: 0,
    onIssue: digest.add,
  });
  return { rows: report.rows.total, cells: report.error_count, digest: digest.hex() };
}

/** exceljs's value → the reader contract's cell (what a straightforward reader would produce). */
function referenceCell(value: unknown): { t: string; v: unknown; date?: boolean } | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return { t: 'n', v: value };
  if (typeof value === 'string') return { t: 's', v: value };
  if (typeof value === 'boolean') return { t: 'b', v: value };
  if (value instanceof Date)
    return { t: 'n', v: (value.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000, date: true };
  const o = value as { richText?: { text: string }[]; result?: unknown; error?: string; text?: string };
  if (o.richText) return referenceCell(o.richText.map((r) => r.text).join(''));
  if (o.error !== undefined) return { t: 'e', v: o.error };
  if ('result' in o) return referenceCell(o.result);
  if (o.text !== undefined) return referenceCell(o.text);
  return undefined;
}

/**
 * The reference: exceljs's streaming reader feeding the same rules (validateRows), one row at a
 * time with no tuning. Intake's own run must report the same issues (digest) in less time.
 */
async function reference(): Promise<Measured> {
  const ExcelJS = (await import('exceljs')).default;
  const { validateRows } = (await import('../../src/engine/validate/index.js')) as unknown as {
    validateRows: (
      rows: AsyncIterable<readonly { number: number; cells: unknown[] }[]>,
      schema: never,
      meta: { name: string; format: 'xlsx'; sheet: string | null; bytes: number },
      options: { maxErrors: number; onIssue: (i: IssueLike) => void },
    ) => Promise<{ rows: { total: number }; error_count: number }>;
  };
  const { parseSchema } = await import('../../src/engine/schema/index.js');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  async function* rows(): AsyncGenerator<{ number: number; cells: unknown[] }[]> {
    for await (const ws of reader) {
      for await (const row of ws) {
        const r = row as unknown as { number: number; values: unknown[] };
        yield [{ number: r.number, cells: r.values.slice(1).map(referenceCell) }];
      }
      break;
    }
  }
  const digest = issueDigest();
  const report = await validateRows(
    rows(),
    parseSchema(BENCH_SCHEMA) as never,
    { name: file, format: 'xlsx', sheet: null, bytes: 0 },
    { maxErrors: 0, onIssue: digest.add },
  );
  return { rows: report.rows.total, cells: report.error_count, digest: digest.hex() };
}

const modes: Record<string, () => Promise<Measured>> = {
  intake,
  exceljs,
  floor,
  validate,
  reference,
};
const run = modes[mode];
if (!run || !file) {
  console.error('usage: measure.ts <intake|exceljs|floor|validate|reference> <file>');
  process.exit(64);
}
const t0 = performance.now();
try {
  const result = await run();
  const ms = performance.now() - t0;
  const usage = process.resourceUsage();
  const maxRssMb = usage.maxRSS / 1024;
  // CPU time of the whole process (all threads, inflate included): steadier than wall time on a
  // shared machine, and wall < cpu shows inflate and parsing overlapping on two cores.
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  console.log(JSON.stringify({ ...result, ms, cpuMs, maxRssMb }));
} catch (err) {
  console.log(JSON.stringify({ error: `${(err as Error).name}: ${(err as Error).message}` }));
}
