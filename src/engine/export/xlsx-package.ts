import { Readable } from 'node:stream';
import yazl from 'yazl';
import { chunked, pipeToTarget, type OutputTarget } from './output-target.js';
import { escapeXml } from './xml-text.js';

/**
 * The OOXML package around generated worksheets: content types, relationships, workbook and
 * styles. Worksheet, comments and VML bodies are produced lazily, one zip entry after the other,
 * so a sheet of any length never sits in memory.
 */

export type XmlSource = string | (() => AsyncIterable<string> | Iterable<string>);

export interface SheetPart {
  /** Sheet tab name (≤ 31 characters, none of `[]:*?/\`). */
  readonly name: string;
  readonly hidden?: boolean;
  /** The whole `xl/worksheets/sheetN.xml`; it must reference `rId1` for legacyDrawing when commented. */
  readonly xml: XmlSource;
  /** Cell comments: `xl/commentsN.xml` and its VML drawing, linked from the sheet as rId1/rId2. */
  readonly comments?: { readonly commentsXml: XmlSource; readonly vmlXml: XmlSource };
}

export interface DefinedName {
  readonly name: string;
  /** e.g. `Lists!$A$1:$A$12` */
  readonly ref: string;
  readonly hidden?: boolean;
  /** Index of the sheet the name is local to (e.g. an autofilter's `_xlnm._FilterDatabase`). */
  readonly localSheetId?: number;
}

export interface WorkbookPackage {
  readonly sheets: readonly SheetPart[];
  readonly stylesXml: string;
  readonly definedNames?: readonly DefinedName[];
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

export async function writeXlsxPackage(pkg: WorkbookPackage, out: OutputTarget): Promise<void> {
  const zip = new yazl.ZipFile();
  let failure: unknown = null;
  // yazl pipes entry streams without listening for their errors: a failing generator (a reader
  // error mid-sheet) must abort the whole archive instead of crashing the process.
  const fail = (err: unknown): void => {
    if (failure !== null) return;
    failure = err;
    (zip.outputStream as Readable).destroy(err instanceof Error ? err : new Error(String(err)));
  };
  const add = (path: string, source: XmlSource): void => {
    if (typeof source === 'string') {
      zip.addBuffer(Buffer.from(source, 'utf8'), path);
      return;
    }
    zip.addReadStreamLazy(path, (cb) => {
      const stream = Readable.from(chunked(source()), { objectMode: false });
      stream.on('error', fail);
      cb(null, stream);
    });
  };

  add('[Content_Types].xml', contentTypesXml(pkg));
  add(
    '_rels/.rels',
    `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
      `<Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  add('xl/workbook.xml', workbookXml(pkg));
  add('xl/_rels/workbook.xml.rels', workbookRelsXml(pkg));
  add('xl/styles.xml', pkg.stylesXml);
  pkg.sheets.forEach((sheet, i) => {
    const n = i + 1;
    add(`xl/worksheets/sheet${n}.xml`, sheet.xml);
    if (sheet.comments) {
      add(
        `xl/worksheets/_rels/sheet${n}.xml.rels`,
        `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
          `<Relationship Id="rId1" Type="${REL_TYPE}/vmlDrawing" Target="../drawings/vmlDrawing${n}.vml"/>` +
          `<Relationship Id="rId2" Type="${REL_TYPE}/comments" Target="../comments${n}.xml"/></Relationships>`,
      );
      add(`xl/comments${n}.xml`, sheet.comments.commentsXml);
      add(`xl/drawings/vmlDrawing${n}.vml`, sheet.comments.vmlXml);
    }
  });
  zip.end();
  try {
    await pipeToTarget(zip.outputStream as Readable, out);
  } catch (err) {
    throw failure ?? err;
  }
  if (failure !== null) throw failure;
}

function contentTypesXml(pkg: WorkbookPackage): string {
  const sheets = pkg.sheets
    .map((sheet, i) => {
      const n = i + 1;
      const comments = sheet.comments
        ? `<Override PartName="/xl/comments${n}.xml" ContentType="${CT}.spreadsheetml.comments+xml"/>`
        : '';
      return `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="${CT}.spreadsheetml.worksheet+xml"/>${comments}`;
    })
    .join('');
  return (
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Default Extension="vml" ContentType="${CT}.vmlDrawing"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/>` +
    `${sheets}</Types>`
  );
}

function workbookXml(pkg: WorkbookPackage): string {
  const sheets = pkg.sheets
    .map(
      (sheet, i) =>
        `<sheet name="${escapeXml(sheet.name)}" sheetId="${i + 1}"${sheet.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`,
    )
    .join('');
  const names = (pkg.definedNames ?? [])
    .map(
      (d) =>
        `<definedName name="${escapeXml(d.name)}"` +
        `${d.localSheetId === undefined ? '' : ` localSheetId="${d.localSheetId}"`}` +
        `${d.hidden ? ' hidden="1"' : ''}>${escapeXml(d.ref)}</definedName>`,
    )
    .join('');
  // The first visible sheet must be the active tab: Excel refuses a hidden active sheet.
  const active = Math.max(
    0,
    pkg.sheets.findIndex((s) => !s.hidden),
  );
  return (
    `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><workbookPr/>` +
    `<bookViews><workbookView activeTab="${active}" firstSheet="${active}"/></bookViews>` +
    `<sheets>${sheets}</sheets>${names ? `<definedNames>${names}</definedNames>` : ''}</workbook>`
  );
}

function workbookRelsXml(pkg: WorkbookPackage): string {
  const sheets = pkg.sheets
    .map(
      (_s, i) =>
        `<Relationship Id="rId${i + 1}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join('');
  const styles = `<Relationship Id="rId${pkg.sheets.length + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/>`;
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">${sheets}${styles}</Relationships>`;
}

export const SHEET_XML_HEAD = `${XML_DECL}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">`;
