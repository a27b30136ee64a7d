import { EngineError } from '../errors.js';
import { SharedStringsParser, type SharedStrings } from './shared-strings.js';
import { SheetParser } from './sheet-parser.js';
import { StylesParser } from './styles-parser.js';
import type { OpenedSheet, Progress, ReaderLimits, Row, SheetInfo } from './types.js';
import {
  locateWorkbook,
  readRelationships,
  readWorkbook,
  scanPart,
  type Relationship,
} from './xlsx-package.js';
import type { InflateBudget, ZipArchive } from './zip-archive.js';

/** Rows are handed out in batches of about this many. */
const BATCH_ROWS = 256;
const PARSE_SLICE = 32 * 1024;

interface XlsxOpenArgs {
  readonly size: number;
  readonly archive: ZipArchive;
  readonly budget: InflateBudget;
  readonly limits: ReaderLimits;
  readonly sheet: string | undefined;
  readonly close: () => Promise<void>;
}

export async function openXlsx(args: XlsxOpenArgs): Promise<OpenedSheet> {
  const { archive, budget, limits } = args;
  const workbookPart = await locateWorkbook(archive, budget);
  const workbook = await readWorkbook(archive, budget, workbookPart);
  const rels = await readRelationships(archive, budget, workbookPart);
  const relById = new Map<string, Relationship>(rels.map((r) => [r.id, r]));

  const worksheets: { info: SheetInfo; part: string }[] = [];
  for (const s of workbook.sheets) {
    const rel = relById.get(s.relId);
    if (!rel || rel.external || rel.kind !== 'worksheet') continue;
    worksheets.push({ info: { name: s.name, visible: s.state === 'visible' }, part: rel.target });
  }
  const sheets = worksheets.map((w) => w.info);
  let chosen: { info: SheetInfo; part: string } | undefined;
  if (args.sheet !== undefined) {
    chosen = worksheets.find((w) => w.info.name === args.sheet);
    if (!chosen) {
      const names = sheets.map((s) => `"${s.name}"`).join(', ');
      throw new EngineError(
        'sheet_not_found',
        `This workbook has no worksheet named "${args.sheet}". Worksheets: ${names || '(none)'}.`,
      );
    }
  } else {
    chosen = worksheets.find((w) => w.info.visible) ?? worksheets[0];
    if (!chosen)
      throw new EngineError('empty_file', 'This workbook has no worksheets (only charts or nothing).');
  }
  const sheetEntry = archive.find(chosen.part);
  if (!sheetEntry) {
    throw new EngineError(
      'corrupt_file',
      `Worksheet "${chosen.info.name}" is missing from the file (${chosen.part}); the file is damaged.`,
    );
  }

  let dateStyles: Uint8Array = new Uint8Array(0);
  const stylesRel = rels.find((r) => r.kind === 'styles' && !r.external);
  const stylesEntry = stylesRel ? archive.find(stylesRel.target) : undefined;
  if (stylesEntry) {
    const parser = new StylesParser(stylesEntry.name);
    await scanPart(archive, stylesEntry, budget, parser);
    dateStyles = parser.dateStyles();
  }

  let sst: SharedStrings | null = null;
  const sstRel = rels.find((r) => r.kind === 'sharedStrings' && !r.external);
  const sstEntry = sstRel ? archive.find(sstRel.target) : undefined;
  if (sstEntry) {
    const parser = new SharedStringsParser(sstEntry.name, limits);
    await scanPart(archive, sstEntry, budget, parser);
    sst = parser.table;
    sst.compact();
  }

  const parser = new SheetParser(sheetEntry.name, sst, dateStyles, workbook.date1904, limits);
  let started = false;
  let done = false;

  async function* rows(): AsyncGenerator<readonly Row[]> {
    if (started) throw new Error('rows() can be iterated only once');
    started = true;
    for await (const chunk of archive.stream(sheetEntry!, budget)) {
      // Inflate hands out large chunks (fewer callbacks); parse them in slices so batches stay
      // a few hundred rows and rows are consumed while still young (cheap to collect).
      for (let off = 0; off < chunk.length; off += PARSE_SLICE) {
        parser.push(chunk.subarray(off, Math.min(off + PARSE_SLICE, chunk.length)));
        if (parser.batch.length >= BATCH_ROWS) {
          const out = parser.batch;
          parser.batch = [];
          yield out;
        }
      }
    }
    parser.finish();
    if (parser.batch.length > 0) {
      const out = parser.batch;
      parser.batch = [];
      yield out;
    }
    done = true;
  }

  return {
    format: 'xlsx',
    sheet: chosen.info.name,
    sheets,
    bytes: args.size,
    csv: null,
    rows,
    progress(): Progress {
      return {
        bytesRead: done ? args.size : Math.min(args.size, budget.compressedDone + budget.compressedCurrent),
        bytesTotal: args.size,
        rowsRead: parser.rowsRead,
      };
    },
    close: args.close,
  };
}
