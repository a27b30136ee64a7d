import { isBuiltInDateFormatId, isDateFormatCode } from './number-format.js';
import { parseAttributes } from './xml-text.js';
import { nameIs, XmlStreamScanner } from './xml-stream-scanner.js';

/**
 * Reads `styles.xml` just far enough to know which cell styles (`cellXfs` indexes, the `s`
 * attribute of a cell) carry a date/time number format.
 */
export class StylesParser extends XmlStreamScanner {
  private readonly customFormats = new Map<number, string>();
  private readonly xfFormatIds: number[] = [];
  private inCellXfs = false;
  private inNumFmts = false;

  constructor(partName: string) {
    super(partName, 1024 * 1024);
  }

  protected onOpen(buf: Buffer, ns: number, ne: number, as: number, ae: number, selfClosing: boolean): void {
    if (nameIs(buf, ns, ne, 'numFmts')) {
      this.inNumFmts = !selfClosing;
    } else if (nameIs(buf, ns, ne, 'cellXfs')) {
      this.inCellXfs = !selfClosing;
    } else if (this.inNumFmts && nameIs(buf, ns, ne, 'numFmt')) {
      const attrs = parseAttributes(buf, as, ae);
      const id = Number(attrs.get('numFmtId'));
      const code = attrs.get('formatCode');
      if (Number.isInteger(id) && code !== undefined) this.customFormats.set(id, code);
    } else if (this.inCellXfs && nameIs(buf, ns, ne, 'xf')) {
      const id = Number(parseAttributes(buf, as, ae).get('numFmtId') ?? '0');
      this.xfFormatIds.push(Number.isInteger(id) ? id : 0);
    }
  }

  protected onClose(buf: Buffer, ns: number, ne: number): void {
    if (nameIs(buf, ns, ne, 'numFmts')) this.inNumFmts = false;
    else if (nameIs(buf, ns, ne, 'cellXfs')) this.inCellXfs = false;
  }

  protected onText(): void {}

  /** 1 at index `s` when style `s` is a date/time format. */
  dateStyles(): Uint8Array {
    const out = new Uint8Array(this.xfFormatIds.length);
    this.xfFormatIds.forEach((id, i) => {
      const custom = this.customFormats.get(id);
      out[i] = (custom !== undefined ? isDateFormatCode(custom) : isBuiltInDateFormatId(id)) ? 1 : 0;
    });
    return out;
  }
}
