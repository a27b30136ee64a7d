import { EngineError } from '../errors.js';
import { parseAttributes } from './xml-text.js';
import { nameIs, XmlStreamScanner } from './xml-stream-scanner.js';
import type { InflateBudget, ZipArchive, ZipEntry } from './zip-archive.js';

/**
 * The package layer of an xlsx: relationships, the workbook part and its sheet list. Part paths
 * are always resolved through relationships (writers put parts in odd places, with backslashes,
 * in other cases, or as absolute targets) and matched case-insensitively.
 */

/** Small parts (workbook, rels, styles) beyond this are not real; a cap keeps memory bounded. */
const MAX_SMALL_PART_CARRY = 1024 * 1024;

export interface Relationship {
  readonly id: string;
  /** Last segment of the relationship type URI: `worksheet`, `styles`, `sharedStrings`, … */
  readonly kind: string;
  /** Resolved part path inside the package (no leading slash). */
  readonly target: string;
  readonly external: boolean;
}

export interface WorkbookSheet {
  readonly name: string;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
  readonly relId: string;
}

export interface WorkbookInfo {
  readonly date1904: boolean;
  readonly sheets: readonly WorkbookSheet[];
}

/** Resolves a relationship target against the part that owns the relationship. */
export function resolvePartPath(sourcePart: string, target: string): string {
  let t = target.replace(/\\/g, '/');
  try {
    t = decodeURIComponent(t);
  } catch {
    // A stray '%' is just a character in the name.
  }
  const base = t.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  for (const seg of t.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') base.pop();
    else base.push(seg);
  }
  return base.join('/');
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; the package root's is `_rels/.rels`. */
export function relsPathFor(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** Streams a part through a scanner; the scanner's `finish` checks it was complete XML. */
export async function scanPart(
  archive: ZipArchive,
  entry: ZipEntry,
  budget: InflateBudget,
  scanner: XmlStreamScanner,
): Promise<void> {
  for await (const chunk of archive.stream(entry, budget)) scanner.push(chunk);
  scanner.finish();
}

class RelsParser extends XmlStreamScanner {
  readonly rels: Relationship[] = [];

  constructor(
    partName: string,
    private readonly sourcePart: string,
  ) {
    super(partName, MAX_SMALL_PART_CARRY);
  }

  protected onOpen(buf: Buffer, ns: number, ne: number, as: number, ae: number): void {
    if (!nameIs(buf, ns, ne, 'Relationship')) return;
    const a = parseAttributes(buf, as, ae);
    const type = a.get('Type') ?? '';
    const target = a.get('Target') ?? '';
    const external = (a.get('TargetMode') ?? '').toLowerCase() === 'external';
    this.rels.push({
      id: a.get('Id') ?? '',
      kind: type.slice(type.lastIndexOf('/') + 1),
      target: external ? target : resolvePartPath(this.sourcePart, target),
      external,
    });
  }

  protected onClose(): void {}
  protected onText(): void {}
}

export async function readRelationships(
  archive: ZipArchive,
  budget: InflateBudget,
  sourcePart: string,
): Promise<Relationship[]> {
  const relsPath = sourcePart === '' ? '_rels/.rels' : relsPathFor(sourcePart);
  const entry = archive.find(relsPath);
  if (!entry) return [];
  const parser = new RelsParser(relsPath, sourcePart);
  await scanPart(archive, entry, budget, parser);
  return parser.rels;
}

class WorkbookParser extends XmlStreamScanner {
  date1904 = false;
  readonly sheets: WorkbookSheet[] = [];

  constructor(partName: string) {
    super(partName, MAX_SMALL_PART_CARRY);
  }

  protected onOpen(buf: Buffer, ns: number, ne: number, as: number, ae: number): void {
    if (nameIs(buf, ns, ne, 'workbookPr')) {
      // Regression (excel2016-mac-1904-date-system): an extension `<x15:workbookPr/>` later in the
      // file has the same local name; only an element that carries date1904 decides.
      const v = parseAttributes(buf, as, ae).get('date1904')?.toLowerCase();
      if (v !== undefined) this.date1904 = v === '1' || v === 'true';
    } else if (nameIs(buf, ns, ne, 'sheet')) {
      const a = parseAttributes(buf, as, ae);
      const state = a.get('state');
      this.sheets.push({
        name: a.get('name') ?? '',
        state: state === 'hidden' || state === 'veryHidden' ? state : 'visible',
        // The relationship id attribute is `r:id` in any namespace prefix (`d3p1:id`, …).
        relId: a.get('id') ?? '',
      });
    }
  }

  protected onClose(): void {}
  protected onText(): void {}
}

function unsupported(message: string): EngineError {
  return new EngineError('unsupported_format', message);
}

/**
 * Finds the workbook part of a zip, or explains what the zip is instead (ODS, XLSB, Word, …).
 * Returns the workbook's part path.
 */
export async function locateWorkbook(archive: ZipArchive, budget: InflateBudget): Promise<string> {
  if (archive.find('mimetype') && !archive.find('[Content_Types].xml')) {
    const mime = (await archive.readAll(archive.find('mimetype')!, budget, 4096)).toString('latin1');
    if (mime.includes('opendocument.spreadsheet')) {
      throw unsupported('This file is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV.');
    }
    throw unsupported(
      'This file is an OpenDocument file, not a spreadsheet we can read; upload .xlsx or CSV.',
    );
  }
  if (!archive.find('[Content_Types].xml')) {
    throw unsupported('This file is a zip archive, not an Excel workbook; upload .xlsx or CSV.');
  }
  const rootRels = await readRelationships(archive, budget, '');
  const office = rootRels.find((r) => r.kind === 'officeDocument' && !r.external);
  let workbook = office?.target;
  if (workbook === undefined && archive.find('xl/workbook.xml')) workbook = 'xl/workbook.xml';
  if (workbook === undefined || !archive.find(workbook)) {
    if (archive.find('xl/workbook.bin')) throw xlsbError();
    if (archive.find('word/document.xml'))
      throw unsupported('This file is a Word document, not a spreadsheet.');
    if (archive.find('ppt/presentation.xml'))
      throw unsupported('This file is a PowerPoint file, not a spreadsheet.');
    throw unsupported('This file is an Office package without an Excel workbook; upload .xlsx or CSV.');
  }
  const lower = workbook.toLowerCase();
  if (lower.endsWith('.bin')) throw xlsbError();
  if (lower.startsWith('word/')) throw unsupported('This file is a Word document, not a spreadsheet.');
  if (lower.startsWith('ppt/')) throw unsupported('This file is a PowerPoint file, not a spreadsheet.');
  return archive.find(workbook)!.name;
}

function xlsbError(): EngineError {
  return unsupported('This file is an Excel binary workbook (.xlsb); save it as .xlsx or CSV.');
}

export async function readWorkbook(
  archive: ZipArchive,
  budget: InflateBudget,
  workbookPart: string,
): Promise<WorkbookInfo> {
  const parser = new WorkbookParser(workbookPart);
  await scanPart(archive, archive.find(workbookPart)!, budget, parser);
  if (parser.rootName === null || !parser.rootName.endsWith('workbook')) {
    throw unsupported('This file is an Office package without an Excel workbook; upload .xlsx or CSV.');
  }
  return { date1904: parser.date1904, sheets: parser.sheets };
}
