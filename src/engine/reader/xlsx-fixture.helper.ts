import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { openSpreadsheet } from './index.js';
import type { CellValue, OpenOptions, Row } from './types.js';

/** Test helper: small xlsx files written from inline XML, and whole-sheet reads. */

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export const tempDir = mkdtempSync(join(tmpdir(), 'intake-reader-'));
let fileCounter = 0;

export function tempPath(ext: string): string {
  return join(tempDir, `f${++fileCounter}${ext}`);
}

export function writeTemp(data: Uint8Array | string, ext = '.xlsx'): string {
  const path = tempPath(ext);
  writeFileSync(path, data);
  return path;
}

export interface SheetSpec {
  readonly name: string;
  /** Inner XML of <sheetData>, or a whole worksheet document when it starts with '<?xml' or '<worksheet'. */
  readonly xml: string;
  readonly state?: 'hidden' | 'veryHidden';
}

export interface WorkbookSpec {
  readonly sheets: readonly SheetSpec[];
  /** `<si>` strings, written as given (XML) into sharedStrings.xml. */
  readonly sharedStrings?: readonly string[];
  /** Inner XML of <styleSheet>. */
  readonly styles?: string;
  readonly workbookPr?: string;
  /** Extra or replacement parts, by zip path. */
  readonly parts?: Readonly<Record<string, string | Uint8Array>>;
  readonly level?: number;
}

export function worksheetXml(xml: string): string {
  if (xml.startsWith('<?xml') || xml.startsWith('<worksheet')) return xml;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN_NS}"><sheetData>${xml}</sheetData></worksheet>`;
}

export function buildXlsx(spec: WorkbookSpec): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const put = (name: string, text: string): void => {
    files[name] = strToU8(text);
  };
  put(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
  );
  put(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  const sheetEls = spec.sheets
    .map(
      (s, i) =>
        `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`,
    )
    .join('');
  put(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${spec.workbookPr ?? ''}<sheets>${sheetEls}</sheets></workbook>`,
  );
  let rels = spec.sheets
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join('');
  if (spec.sharedStrings) {
    rels += `<Relationship Id="rIdS" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>`;
    put(
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN_NS}">${spec.sharedStrings.map((s) => (s.startsWith('<si') ? s : `<si><t>${s}</t></si>`)).join('')}</sst>`,
    );
  }
  if (spec.styles !== undefined) {
    rels += `<Relationship Id="rIdT" Type="${REL_NS}/styles" Target="styles.xml"/>`;
    put(
      'xl/styles.xml',
      `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN_NS}">${spec.styles}</styleSheet>`,
    );
  }
  put(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL_NS}">${rels}</Relationships>`,
  );
  spec.sheets.forEach((s, i) => put(`xl/worksheets/sheet${i + 1}.xml`, worksheetXml(s.xml)));
  for (const [name, data] of Object.entries(spec.parts ?? {})) {
    files[name] = typeof data === 'string' ? strToU8(data) : data;
  }
  return zipSync(files, { level: (spec.level ?? 6) as 6 });
}

export function writeXlsx(spec: WorkbookSpec): string {
  return writeTemp(buildXlsx(spec), '.xlsx');
}

export interface ReadResult {
  readonly sheet: string | null;
  readonly rows: Row[];
  readonly csv: { readonly delimiter: string; readonly encoding: string } | null;
  readonly sheets: readonly { name: string; visible: boolean }[];
}

export async function readAll(path: string, options?: OpenOptions): Promise<ReadResult> {
  const opened = await openSpreadsheet(path, options);
  try {
    const rows: Row[] = [];
    for await (const batch of opened.rows()) rows.push(...batch);
    return { sheet: opened.sheet, rows, csv: opened.csv, sheets: opened.sheets };
  } finally {
    await opened.close();
  }
}

/** The error code a read fails with (open or iteration), or 'ok'. */
export async function readError(path: string, options?: OpenOptions): Promise<string> {
  try {
    await readAll(path, options);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** The cell at an A1 reference (row number as Excel shows it). */
export function cellAt(rows: readonly Row[], ref: string): CellValue | undefined {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  if (!m) throw new Error(`bad ref ${ref}`);
  const row = rows.find((r) => r.number === Number(m[2]));
  return row?.cells[colIndex(m[1])];
}

/** Plain values by A1 reference, for compact assertions. */
export function valueAt(rows: readonly Row[], ref: string): string | number | boolean | undefined {
  return cellAt(rows, ref)?.v;
}
