import { escapeXml } from './xml-text.js';

/** How a cell should look; each distinct combination becomes one `cellXfs` entry. */
export interface CellLook {
  /** An Excel number format code such as `yyyy-mm-dd` or `@`; absent = General. */
  readonly numFmt?: string;
  /** The "bad cell" look: light red fill, dark red text. */
  readonly bad?: boolean;
  readonly bold?: boolean;
  /** The hyperlink look: blue, underlined. */
  readonly link?: boolean;
}

export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
export const TIME_FORMAT = 'hh:mm:ss';

// Custom number formats must use ids from 164 up; lower ids are Excel's built-ins.
const FIRST_CUSTOM_NUMFMT = 164;
const FONT_NORMAL = 0;
const FONT_BOLD = 1;
const FONT_BAD = 2;
const FONT_LINK = 3;
const FILL_NONE = 0;
const FILL_BAD = 2;

/** Collects the few cell formats a generated workbook needs and writes `xl/styles.xml`. */
export class StylesRegistry {
  private readonly numFmts = new Map<string, number>();
  private readonly xfs: { numFmtId: number; fontId: number; fillId: number }[] = [
    { numFmtId: 0, fontId: FONT_NORMAL, fillId: FILL_NONE },
  ];
  private readonly xfByKey = new Map<string, number>([['||', 0]]);

  /** The `s` attribute value for cells with this look. */
  styleOf(look: CellLook): number {
    const key = `${look.numFmt ?? ''}|${look.bad ? 'bad' : ''}|${look.bold ? 'bold' : ''}${look.link ? '|link' : ''}`;
    const known = this.xfByKey.get(key);
    if (known !== undefined) return known;
    let numFmtId = 0;
    if (look.numFmt !== undefined) {
      numFmtId = this.numFmts.get(look.numFmt) ?? FIRST_CUSTOM_NUMFMT + this.numFmts.size;
      this.numFmts.set(look.numFmt, numFmtId);
    }
    const fontId = look.bad ? FONT_BAD : look.bold ? FONT_BOLD : look.link ? FONT_LINK : FONT_NORMAL;
    const index = this.xfs.push({ numFmtId, fontId, fillId: look.bad ? FILL_BAD : FILL_NONE }) - 1;
    this.xfByKey.set(key, index);
    return index;
  }

  toXml(): string {
    const numFmts = [...this.numFmts]
      .map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`)
      .join('');
    const xfs = this.xfs
      .map(
        (xf) =>
          `<xf numFmtId="${xf.numFmtId}" fontId="${xf.fontId}" fillId="${xf.fillId}" borderId="0" xfId="0"` +
          `${xf.numFmtId ? ' applyNumberFormat="1"' : ''}${xf.fontId ? ' applyFont="1"' : ''}` +
          `${xf.fillId ? ' applyFill="1"' : ''}/>`,
      )
      .join('');
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      (this.numFmts.size ? `<numFmts count="${this.numFmts.size}">${numFmts}</numFmts>` : '') +
      '<fonts count="4">' +
      '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>' +
      '<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>' +
      '<font><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>' +
      '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>' +
      '</fonts>' +
      '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
      '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xfs.length}">${xfs}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
      '</styleSheet>'
    );
  }
}
