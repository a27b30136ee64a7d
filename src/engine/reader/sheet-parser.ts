import { EngineError } from '../errors.js';
import { EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS } from './limits.js';
import type { SharedStrings } from './shared-strings.js';
import type { CellValue, ReaderLimits, Row } from './types.js';
import {
  decodeOoxmlEscapes,
  decodeXmlText,
  NEEDS_ENTITIES,
  NEEDS_ESCAPES,
  NEEDS_NEWLINES,
  scanTextFlags,
} from './xml-text.js';
import { parseType, T_INLINE, T_NUMBER, textValue, valueFromV, type CellContext } from './cell-value.js';
import { bytesAre, nameIs, XmlStreamScanner } from './xml-stream-scanner.js';

const NO_ROW = -1;
const INLINE_END = Buffer.from('</t></is></c>', 'latin1');

/**
 * Streams a worksheet part into rows. This is the hot path: cells are read from byte ranges
 * (column letters, style numbers and integers never become strings), and rows without any value
 * (styled padding, which some writers emit by the thousand) are never materialised.
 */
export class SheetParser extends XmlStreamScanner {
  /** Completed rows not yet handed out; the reader drains it after each chunk. */
  batch: Row[] = [];
  rowsRead = 0;

  private rowNumber = 0;
  private inRow = false;
  private cells: (CellValue | undefined)[] | null = null;
  private lastCol = -1;
  private widthHint = 0;
  private lastValueCol = -1;

  private cellCol = -1;
  private cellType = T_NUMBER;
  private cellStyle = 0;
  private value: CellValue | undefined = undefined;
  /** Pieces of `<is>` text or a `<v>` that arrived in more than one segment. */
  private parts: string[] = [];
  private partsEscapes = false;
  private inIs = false;
  private inRph = 0;
  /** 1 while inside `<v>`, 2 while inside an inline `<t>`. */
  private textMode = 0;
  private vBuf: Buffer | null = null;
  private vStart = 0;
  private vEnd = 0;

  private readonly ctx: CellContext;

  constructor(
    partName: string,
    sst: SharedStrings | null,
    dateStyles: Uint8Array,
    date1904: boolean,
    private readonly limits: ReaderLimits,
  ) {
    super(partName, limits.maxCellChars * 4 + 65536);
    this.ctx = { partName, sst, dateStyles, date1904, maxCellChars: limits.maxCellChars };
  }

  protected onOpen(buf: Buffer, ns: number, ne: number, _as: number, ae: number, selfClosing: boolean): void {
    const len = ne - ns;
    const c0 = buf[ns];
    if (len === 1) {
      if (c0 === 0x63) {
        this.startCell(buf);
        if (selfClosing) this.endCell();
        else this.readSimpleCell(buf, ae + 1);
      } else if (c0 === 0x76) {
        if (!selfClosing && this.cellCol >= 0) {
          this.textMode = 1;
          this.capturing = true;
          this.vBuf = null;
        }
      } else if (c0 === 0x74) {
        if (!selfClosing && this.inIs && this.inRph === 0) {
          this.textMode = 2;
          this.capturing = true;
        }
      }
    } else if (len === 3 && c0 === 0x72 && buf[ns + 1] === 0x6f && buf[ns + 2] === 0x77) {
      this.startRow(buf, true);
      if (selfClosing) this.endRow();
    } else if (len === 2 && c0 === 0x69 && buf[ns + 1] === 0x73) {
      if (!selfClosing && this.cellCol >= 0) {
        this.inIs = true;
        this.vBuf = null;
        if (this.parts.length > 0) this.parts = [];
        this.partsEscapes = false;
      }
    } else if (len === 3 && nameIs(buf, ns, ne, 'rPh')) {
      if (!selfClosing) this.inRph++;
    }
  }

  protected onClose(buf: Buffer, ns: number, ne: number): void {
    const len = ne - ns;
    const c0 = buf[ns];
    if (len === 1) {
      if (c0 === 0x76) {
        if (this.textMode === 1) this.finishV();
      } else if (c0 === 0x63) {
        this.endCell();
      } else if (c0 === 0x74) {
        if (this.textMode === 2) {
          this.textMode = 0;
          this.capturing = false;
        }
      }
    } else if (len === 3 && c0 === 0x72 && buf[ns + 1] === 0x6f && buf[ns + 2] === 0x77) {
      this.endRow();
    } else if (len === 2 && c0 === 0x69 && buf[ns + 1] === 0x73) {
      if (this.inIs) this.finishInline();
    } else if (len === 3 && nameIs(buf, ns, ne, 'rPh')) {
      if (this.inRph > 0) this.inRph--;
    }
  }

  protected onText(buf: Buffer, start: number, end: number, cdata: boolean): void {
    // Fast path: a value in one piece is kept as a byte range and decoded once, at its end tag.
    if (this.vBuf === null && this.parts.length === 0 && !cdata) {
      this.vBuf = buf;
      this.vStart = start;
      this.vEnd = end;
      return;
    }
    this.flushPending();
    if (cdata) {
      this.parts.push(buf.toString('utf8', start, end));
    } else {
      const flags = scanTextFlags(buf, start, end);
      if (flags & NEEDS_ESCAPES) this.partsEscapes = true;
      this.parts.push(decodeXmlText(buf, start, end, flags));
    }
  }

  /** Moves a pending single-piece value into `parts` because more pieces follow. */
  private flushPending(): void {
    if (this.vBuf === null) return;
    const flags = scanTextFlags(this.vBuf, this.vStart, this.vEnd);
    if (flags & NEEDS_ESCAPES) this.partsEscapes = true;
    this.parts.push(decodeXmlText(this.vBuf, this.vStart, this.vEnd, flags));
    this.vBuf = null;
  }

  /**
   * Fast path for the two shapes nearly every cell has, `<v>…</v></c>` and
   * `<is><t>…</t></is></c>` right after the `<c …>` tag, entirely in this buffer: read the value
   * and end the cell here instead of going through five tag events. Anything else (formulas,
   * prefixes, attributes on <t>, CDATA, a chunk end) falls back to the general path untouched.
   */
  private readSimpleCell(buf: Buffer, p: number): void {
    const len = buf.length;
    if (p + 3 >= len || buf[p] !== 0x3c) return;
    if (buf[p + 1] === 0x76 && buf[p + 2] === 0x3e) {
      const vs = p + 3;
      let ve = vs;
      while (ve < len && buf[ve] !== 0x3c) ve++;
      if (
        ve + 8 <= len &&
        buf[ve + 1] === 0x2f &&
        buf[ve + 2] === 0x76 &&
        buf[ve + 3] === 0x3e &&
        buf[ve + 4] === 0x3c &&
        buf[ve + 5] === 0x2f &&
        buf[ve + 6] === 0x63 &&
        buf[ve + 7] === 0x3e
      ) {
        if (ve > vs)
          this.value = valueFromV(this.ctx, this.cellType, this.cellStyle, buf, vs, ve, undefined, false);
        this.endCell();
        this.resumeAt = ve + 8;
      }
      return;
    }
    if (
      this.cellType === T_INLINE &&
      p + 7 <= len &&
      buf[p + 1] === 0x69 &&
      buf[p + 2] === 0x73 &&
      buf[p + 3] === 0x3e &&
      buf[p + 4] === 0x3c &&
      buf[p + 5] === 0x74 &&
      buf[p + 6] === 0x3e
    ) {
      const ts = p + 7;
      let te = ts;
      // Find the end of the text and, in the same pass, whether it needs entity/escape decoding.
      let flags = 0;
      for (let b = 0; te < len && (b = buf[te]) !== 0x3c; te++) {
        if (b === 0x26) flags |= NEEDS_ENTITIES;
        else if (b === 0x0d) flags |= NEEDS_NEWLINES;
        else if (b === 0x5f) flags |= NEEDS_ESCAPES;
      }
      if (te + 13 <= len && bytesAre(buf, te, INLINE_END)) {
        let text = decodeXmlText(buf, ts, te, flags);
        if (flags & NEEDS_ESCAPES) text = decodeOoxmlEscapes(text);
        this.value = textValue(text, this.limits.maxCellChars);
        this.endCell();
        this.resumeAt = te + 13;
      }
    }
  }

  /** A part that ends inside a row (without `</row>`) still yields that row. */
  override finish(): void {
    super.finish();
    this.endCell();
    this.endRow();
  }

  private startRow(buf: Buffer, fromTag: boolean): void {
    if (this.inRow) this.endRow();
    let r = NO_ROW;
    const attrs = this.attrs;
    for (let k = 0, n = fromTag ? this.attrCount : 0; k < n; k++) {
      const a = k * 4;
      if (attrs[a + 1] - attrs[a] !== 1 || buf[attrs[a]] !== 0x72) continue;
      r = 0;
      for (let j = attrs[a + 2], e = attrs[a + 3]; j < e; j++) {
        const d = buf[j] - 0x30;
        if (d < 0 || d > 9) throw this.corrupt('a row number is not a number');
        r = r * 10 + d;
        if (r > EXCEL_MAX_ROWS) throw this.beyondRows();
      }
      break;
    }
    this.rowNumber = r === NO_ROW ? this.rowNumber + 1 : r;
    if (this.rowNumber > EXCEL_MAX_ROWS) throw this.beyondRows();
    if (this.rowNumber < 1) throw this.corrupt('row number 0');
    this.inRow = true;
    this.cells = null;
    this.lastCol = -1;
    this.lastValueCol = -1;
  }

  private endRow(): void {
    if (!this.inRow) return;
    this.inRow = false;
    if (this.cells !== null) {
      const width = this.lastValueCol + 1;
      if (this.cells.length > width) this.cells.length = width;
      this.widthHint = width <= 1024 ? width : 0;
      this.batch.push({ number: this.rowNumber, cells: this.cells });
      this.rowsRead++;
      this.cells = null;
    }
  }

  private startCell(buf: Buffer): void {
    if (!this.inRow) {
      // A cell outside <row> is malformed; treat it as opening an implicit row.
      this.startRow(buf, false);
    }
    let col = -1;
    let type = T_NUMBER;
    let style = 0;
    const attrs = this.attrs;
    for (let k = 0, n = this.attrCount; k < n; k++) {
      const a = k * 4;
      const nameStart = attrs[a];
      if (attrs[a + 1] - nameStart !== 1) continue;
      const vs = attrs[a + 2];
      const ve = attrs[a + 3];
      const c = buf[nameStart];
      if (c === 0x72) col = this.parseRef(buf, vs, ve);
      else if (c === 0x74) type = parseType(buf, vs, ve);
      else if (c === 0x73) {
        let st = 0;
        for (let j = vs; j < ve; j++) st = st * 10 + (buf[j] - 0x30);
        style = st;
      }
    }
    if (col < 0) col = this.lastCol + 1;
    if (col >= EXCEL_MAX_COLUMNS) {
      throw this.corrupt('a cell lies beyond column XFD, the last column Excel has');
    }
    this.lastCol = col;
    this.cellCol = col;
    this.cellType = type;
    this.cellStyle = style;
    this.value = undefined;
  }

  /** Column index from a reference like `AB12` (the row part is checked against the grid). */
  private parseRef(buf: Buffer, vs: number, ve: number): number {
    let col = 0;
    let j = vs;
    for (; j < ve; j++) {
      let b = buf[j];
      if (b >= 0x61 && b <= 0x7a) b -= 0x20;
      if (b < 0x41 || b > 0x5a) break;
      col = col * 26 + (b - 0x40);
      if (col > EXCEL_MAX_COLUMNS)
        throw this.corrupt('a cell lies beyond column XFD, the last column Excel has');
    }
    let row = 0;
    for (; j < ve; j++) {
      const d = buf[j] - 0x30;
      if (d < 0 || d > 9) break;
      row = row * 10 + d;
      if (row > EXCEL_MAX_ROWS) throw this.beyondRows();
    }
    return col - 1;
  }

  private finishV(): void {
    this.textMode = 0;
    this.capturing = false;
    let raw: string | undefined;
    if (this.vBuf === null) {
      if (this.parts.length === 0) return;
      raw = this.parts.join('');
      this.parts = [];
    }
    const buf = this.vBuf;
    this.vBuf = null;
    this.value = valueFromV(
      this.ctx,
      this.cellType,
      this.cellStyle,
      buf,
      this.vStart,
      this.vEnd,
      raw,
      this.partsEscapes,
    );
    this.partsEscapes = false;
  }

  private finishInline(): void {
    this.inIs = false;
    let text: string;
    if (this.vBuf !== null && this.parts.length === 0) {
      const flags = scanTextFlags(this.vBuf, this.vStart, this.vEnd);
      text = decodeXmlText(this.vBuf, this.vStart, this.vEnd, flags);
      if (flags & NEEDS_ESCAPES) text = decodeOoxmlEscapes(text);
      this.vBuf = null;
    } else {
      this.flushPending();
      text = this.parts.join('');
      this.parts = [];
      if (this.partsEscapes) text = decodeOoxmlEscapes(text);
    }
    this.partsEscapes = false;
    this.value = textValue(text, this.limits.maxCellChars);
  }

  private endCell(): void {
    const col = this.cellCol;
    if (col < 0) return;
    this.cellCol = -1;
    this.textMode = 0;
    this.capturing = false;
    this.inIs = false;
    this.vBuf = null;
    if (this.parts.length > 0) this.parts = [];
    const value = this.value;
    if (value === undefined) return;
    this.value = undefined;
    if (col >= this.limits.maxColumns) {
      throw new EngineError(
        'limit_exceeded',
        `Row ${this.rowNumber} has a value in column ${col + 1}, beyond the limit of ${this.limits.maxColumns} columns.`,
      );
    }
    if (this.cells === null) {
      // Rows tend to have the width of the previous one: size the array once instead of growing it.
      this.cells = col === 0 && this.widthHint > 0 ? new Array<CellValue | undefined>(this.widthHint) : [];
    }
    this.cells[col] = value;
    if (col > this.lastValueCol) this.lastValueCol = col;
  }

  private corrupt(detail: string): EngineError {
    return new EngineError('corrupt_file', `${this.partName} is damaged: ${detail}.`);
  }

  private beyondRows(): EngineError {
    return this.corrupt('a row number is beyond 1,048,576, the last row Excel has');
  }
}
