import { EngineError } from '../errors.js';
import type { ReaderLimits } from './types.js';
import { decodeOoxmlEscapes, decodeXmlText, NEEDS_ESCAPES, scanTextFlags, utf8Slice } from './xml-text.js';
import { bytesAre, nameIs, XmlStreamScanner } from './xml-stream-scanner.js';
import { formatBytes } from './zip-archive.js';

/** Strings are stored in pages of this size (a longer string gets a page of its own size). */
const PAGE_BYTES = 1024 * 1024;

/**
 * The shared-strings table, kept compact: all strings as UTF-8 in a few 1 MiB pages plus a
 * Uint32Array of end offsets (a million JS strings would cost several times the memory). Strings
 * never straddle pages, and filling a page never copies the ones before: one buffer grown by
 * doubling left each outgrown copy as garbage until a full GC, ~30 MB at peak for a million
 * strings. Strings are decoded on lookup; a small direct-mapped cache makes repeated values
 * (enums, codes) cheap.
 */
export class SharedStrings {
  /** Pages in order; `bases[k]` is the offset (over all strings) of `pages[k]`'s first byte. */
  private readonly pages: Buffer[] = [];
  private readonly bases: number[] = [];
  /** The last page and how much of it is used. */
  private page: Buffer = Buffer.alloc(0);
  private pageUsed = 0;
  private used = 0;
  private offsets = new Uint32Array(1024);
  private n = 0;
  private readonly cacheIndex = new Int32Array(4096).fill(-1);
  private readonly cacheValue: string[] = new Array<string>(4096).fill('');

  constructor(private readonly maxBytes: number) {}

  get count(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.used;
  }

  addBytes(src: Buffer, start: number, end: number): void {
    const len = end - start;
    this.ensure(len);
    src.copy(this.page, this.pageUsed, start, end);
    this.pageUsed += len;
    this.used += len;
    this.commit();
  }

  addString(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.ensure(len);
    this.page.write(s, this.pageUsed, 'utf8');
    this.pageUsed += len;
    this.used += len;
    this.commit();
  }

  /** The string at `index`, or undefined when the index is outside the table. */
  get(index: number): string | undefined {
    if (index < 0 || index >= this.n) return undefined;
    const slot = index & 4095;
    if (this.cacheIndex[slot] === index) return this.cacheValue[slot];
    const start = index === 0 ? 0 : this.offsets[index - 1];
    const end = this.offsets[index];
    let s = '';
    if (end > start) {
      const k = this.pageAt(start);
      const base = this.bases[k];
      s = utf8Slice(this.pages[k], start - base, end - base);
    }
    this.cacheIndex[slot] = index;
    this.cacheValue[slot] = s;
    return s;
  }

  /** Drops the slack left by doubling growth of the offsets once the table is complete. */
  compact(): void {
    // A page's unused tail was never written, so it holds no memory; only the offsets shrink.
    if (this.offsets.length > this.n * 1.25 + 1024) this.offsets = this.offsets.slice(0, this.n);
  }

  /** The page holding the non-empty string that starts at `offset`: the last page based at or before it. */
  private pageAt(offset: number): number {
    const bases = this.bases;
    let lo = 0;
    let hi = bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (bases[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private ensure(extra: number): void {
    if (this.used + extra > this.maxBytes) {
      throw new EngineError(
        'limit_exceeded',
        `The workbook's shared-strings table is larger than ${formatBytes(this.maxBytes)}; this file is too large to read.`,
      );
    }
    if (this.pageUsed + extra > this.page.length) {
      // Pages are written once and kept for the table's life; never from Buffer's shared pool.
      this.page = Buffer.allocUnsafeSlow(Math.max(PAGE_BYTES, extra));
      this.pageUsed = 0;
      this.pages.push(this.page);
      this.bases.push(this.used);
    }
  }

  private commit(): void {
    if (this.n === this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.n++] = this.used;
  }
}

const PLAIN_END = Buffer.from('</t></si>', 'latin1');

/** Streams `sharedStrings.xml` into a SharedStrings table. Rich-text runs joined, `<rPh>` dropped. */
export class SharedStringsParser extends XmlStreamScanner {
  readonly table: SharedStrings;
  private inSi = false;
  private inRph = 0;
  private rawBuf: Buffer | null = null;
  private rawStart = 0;
  private rawEnd = 0;
  private parts: string[] = [];
  private needsEscapes = false;

  constructor(
    partName: string,
    private readonly limits: ReaderLimits,
  ) {
    super(partName, limits.maxCellChars * 4 + 65536);
    this.table = new SharedStrings(limits.maxSharedStringsBytes);
  }

  protected onOpen(buf: Buffer, ns: number, ne: number, _as: number, ae: number, selfClosing: boolean): void {
    if (nameIs(buf, ns, ne, 'si')) {
      if (selfClosing) {
        this.table.addBytes(buf, 0, 0);
        return;
      }
      if (this.readPlainString(buf, ae + 1)) return;
      this.inSi = true;
      this.rawBuf = null;
      if (this.parts.length > 0) this.parts = [];
      this.needsEscapes = false;
    } else if (this.inSi && !selfClosing) {
      if (ne - ns === 1 && buf[ns] === 0x74 && this.inRph === 0) this.capturing = true;
      else if (nameIs(buf, ns, ne, 'rPh')) this.inRph++;
    }
  }

  protected onClose(buf: Buffer, ns: number, ne: number): void {
    if (ne - ns === 1 && buf[ns] === 0x74) {
      this.capturing = false;
    } else if (nameIs(buf, ns, ne, 'rPh')) {
      if (this.inRph > 0) this.inRph--;
    } else if (nameIs(buf, ns, ne, 'si') && this.inSi) {
      this.inSi = false;
      this.finishString();
    }
  }

  protected onText(buf: Buffer, start: number, end: number, cdata: boolean): void {
    const flags = cdata ? 0 : scanTextFlags(buf, start, end);
    if (flags === 0 && this.rawBuf === null && this.parts.length === 0 && !cdata) {
      // Fast path: one plain run is copied as bytes, never decoded to a JS string.
      this.rawBuf = buf;
      this.rawStart = start;
      this.rawEnd = end;
      return;
    }
    if (this.rawBuf !== null) {
      this.parts.push(this.rawBuf.toString('utf8', this.rawStart, this.rawEnd));
      this.rawBuf = null;
    }
    if (flags & NEEDS_ESCAPES) this.needsEscapes = true;
    this.parts.push(cdata ? buf.toString('utf8', start, end) : decodeXmlText(buf, start, end, flags));
  }

  /**
   * Fast path for the usual `<si><t>plain text</t></si>` in one buffer: the bytes go straight into
   * the table. Anything else (runs, phonetics, attributes, entities, escapes, CR) takes the
   * general path. Returns true when it consumed the element.
   */
  private readPlainString(buf: Buffer, p: number): boolean {
    const len = buf.length;
    if (p + 3 > len || buf[p] !== 0x3c || buf[p + 1] !== 0x74 || buf[p + 2] !== 0x3e) return false;
    const ts = p + 3;
    let te = ts;
    for (let b = 0; te < len && (b = buf[te]) !== 0x3c; te++) {
      if (b === 0x26 || b === 0x0d || b === 0x5f) return false;
    }
    if (te + 9 > len || !bytesAre(buf, te, PLAIN_END)) return false;
    const maxChars = this.limits.maxCellChars;
    if (te - ts > maxChars && buf.toString('utf8', ts, te).length > maxChars) throw tooLong(maxChars);
    this.table.addBytes(buf, ts, te);
    this.resumeAt = te + 9;
    return true;
  }

  private finishString(): void {
    const maxChars = this.limits.maxCellChars;
    if (this.rawBuf !== null) {
      const bytes = this.rawEnd - this.rawStart;
      if (bytes > maxChars && this.rawBuf.toString('utf8', this.rawStart, this.rawEnd).length > maxChars) {
        throw tooLong(maxChars);
      }
      this.table.addBytes(this.rawBuf, this.rawStart, this.rawEnd);
      this.rawBuf = null;
      return;
    }
    let s = this.parts.join('');
    this.parts = [];
    if (this.needsEscapes) s = decodeOoxmlEscapes(s);
    if (s.length > maxChars) throw tooLong(maxChars);
    this.table.addString(s);
  }
}

export function tooLong(maxChars: number): EngineError {
  return new EngineError(
    'limit_exceeded',
    `A cell holds more than ${maxChars.toLocaleString('en-US')} characters.`,
  );
}
