import { EngineError } from '../errors.js';
import { joinCarry } from './file-range.js';

/**
 * A byte-level, streaming XML tokenizer for the parts of an xlsx. It is not a general XML parser:
 * it finds tags and hands subclasses byte ranges, so the hot path never builds per-character
 * strings. Incomplete tokens at a chunk end are carried over into the next chunk.
 *
 * Security: any `<!` other than a comment or CDATA (i.e. `<!DOCTYPE`, `<!ENTITY`, …) is refused,
 * so entity expansion (billion laughs) and external entities cannot happen.
 */
export abstract class XmlStreamScanner {
  /** Subclasses set this while they want the character data of the current element. */
  protected capturing = false;
  private carry: Buffer | null = null;
  /** Name of the first element, for checking the part is what its relationship says. */
  rootName: string | null = null;

  constructor(
    protected readonly partName: string,
    private readonly maxCarryBytes: number,
  ) {}

  /** An opening tag; names are local (prefix stripped); attributes are in [attrsStart, attrsEnd). */
  protected abstract onOpen(
    buf: Buffer,
    nameStart: number,
    nameEnd: number,
    attrsStart: number,
    attrsEnd: number,
    selfClosing: boolean,
  ): void;

  protected abstract onClose(buf: Buffer, nameStart: number, nameEnd: number): void;

  /** Character data while `capturing`; `cdata` is true for CDATA sections (no entity decoding). */
  protected abstract onText(buf: Buffer, start: number, end: number, cdata: boolean): void;

  /** The error for a token that grows past the carry cap: text while capturing, else a tag. */
  protected oversizedError(capturing: boolean): EngineError {
    return capturing
      ? new EngineError(
          'limit_exceeded',
          `A cell in ${this.partName} holds more text than the allowed maximum.`,
        )
      : new EngineError('corrupt_file', `${this.partName} contains an XML token too long to be real.`);
  }

  /**
   * Attributes of the tag passed to `onOpen`, as a flat list of byte offsets:
   * [localNameStart, nameEnd, valueStart, valueEnd] × `attrCount` (values still entity-encoded).
   * Recorded during the one pass that finds the tag's end, so hot handlers never rescan a tag.
   */
  protected attrs = new Int32Array(4 * 16);
  /**
   * Set by `onOpen` when it consumed bytes past the tag itself (a fast path that read a whole
   * element); scanning resumes there. The bytes must lie in the buffer `onOpen` was given.
   */
  protected resumeAt = -1;
  protected attrCount = 0;

  push(chunk: Buffer): void {
    const buf = this.carry === null ? chunk : joinCarry(this.carry, chunk);
    this.carry = null;
    const len = buf.length;
    let pos = 0;
    let keepFrom = len;
    while (pos < len) {
      // Values between tags are short: a plain loop beats a native indexOf call per tag.
      let lt = pos;
      while (lt < len && buf[lt] !== 0x3c) lt++;
      if (lt === len) {
        if (this.capturing) keepFrom = pos;
        break;
      }
      if (this.capturing && lt > pos) this.onText(buf, pos, lt, false);
      if (lt + 1 >= len) {
        keepFrom = lt;
        break;
      }
      const b1 = buf[lt + 1];
      if (b1 === 0x2f) {
        let j = lt + 2;
        let nameStart = j;
        let nameEnd = -1;
        let b = 0;
        while (j < len && (b = buf[j]) !== 0x3e) {
          if (b === 0x3a) nameStart = j + 1;
          else if (b <= 0x20 && nameEnd === -1) nameEnd = j;
          j++;
        }
        if (j === len) {
          keepFrom = lt;
          break;
        }
        this.onClose(buf, nameStart, nameEnd === -1 ? j : nameEnd);
        pos = j + 1;
        continue;
      }
      if (b1 === 0x21) {
        const end = this.skipMarkup(buf, lt);
        if (end === -1) {
          keepFrom = lt;
          break;
        }
        pos = end;
        continue;
      }
      if (b1 === 0x3f) {
        const end = buf.indexOf('?>', lt + 2, 'latin1');
        if (end === -1) {
          keepFrom = lt;
          break;
        }
        pos = end + 2;
        continue;
      }
      // Opening tag: the name, then attributes up to '>' (quoted values may contain '>').
      let j = lt + 1;
      let nameStart = j;
      let b = 0;
      while (j < len) {
        b = buf[j];
        if (b === 0x3e || b === 0x2f || b <= 0x20) break;
        if (b === 0x3a) nameStart = j + 1;
        j++;
      }
      const nameEnd = j;
      let count = 0;
      let attrs = this.attrs;
      while (j < len) {
        b = buf[j];
        if (b === 0x3e) break;
        if (b <= 0x20 || b === 0x2f) {
          j++;
          continue;
        }
        // An attribute: name [= quoted value].
        let an = j;
        while (j < len && (b = buf[j]) !== 0x3d && b > 0x20 && b !== 0x3e) {
          if (b === 0x3a) an = j + 1;
          j++;
        }
        const ae = j;
        while (j < len && (b = buf[j]) !== 0x22 && b !== 0x27 && b !== 0x3e) j++;
        if (j >= len || b === 0x3e) continue;
        const q = b;
        const vs = ++j;
        while (j < len && buf[j] !== q) j++;
        if (j >= len) break;
        if (count * 4 + 4 > attrs.length) {
          const grown = new Int32Array(attrs.length * 2);
          grown.set(attrs);
          this.attrs = attrs = grown;
        }
        attrs[count * 4] = an;
        attrs[count * 4 + 1] = ae;
        attrs[count * 4 + 2] = vs;
        attrs[count * 4 + 3] = j;
        count++;
        j++;
      }
      if (j >= len) {
        keepFrom = lt;
        break;
      }
      this.attrCount = count;
      const selfClosing = buf[j - 1] === 0x2f;
      if (this.rootName === null) this.rootName = buf.toString('latin1', nameStart, nameEnd);
      this.onOpen(buf, nameStart, nameEnd, nameEnd, selfClosing ? j - 1 : j, selfClosing);
      if (this.resumeAt >= 0) {
        pos = this.resumeAt;
        this.resumeAt = -1;
      } else {
        pos = j + 1;
      }
    }
    if (keepFrom < len) {
      if (len - keepFrom > this.maxCarryBytes) throw this.oversizedError(this.capturing);
      this.carry = buf.subarray(keepFrom);
    }
  }

  /** Call after the last chunk: a dangling tag means the part was cut short. */
  finish(): void {
    if (this.carry !== null && this.carry.toString('latin1').trim() !== '') {
      throw new EngineError(
        'corrupt_file',
        `${this.partName} ends in the middle of an XML tag; the file is damaged.`,
      );
    }
    if (this.rootName === null) {
      throw new EngineError('corrupt_file', `${this.partName} is empty or not XML; the file is damaged.`);
    }
  }

  /** Skips a comment or CDATA (delivering CDATA text); refuses DTDs. Returns -1 when incomplete. */
  private skipMarkup(buf: Buffer, lt: number): number {
    const len = buf.length;
    if (lt + 3 < len && buf[lt + 2] === 0x2d && buf[lt + 3] === 0x2d) {
      const end = buf.indexOf('-->', lt + 4, 'latin1');
      return end === -1 ? -1 : end + 3;
    }
    if (lt + 9 > len) return -1;
    if (buf.toString('latin1', lt, lt + 9) === '<![CDATA[') {
      const end = buf.indexOf(']]>', lt + 9, 'latin1');
      if (end === -1) return -1;
      if (this.capturing) this.onText(buf, lt + 9, end, true);
      return end + 3;
    }
    throw new EngineError(
      'corrupt_file',
      `${this.partName} contains a document type declaration (<!DOCTYPE> or <!ENTITY>). Spreadsheets never need one, and it can be used to attack the server, so the file is refused.`,
    );
  }
}

/** True when buf[start, end) equals the ASCII string `name`. */
export function nameIs(buf: Buffer, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** True when the bytes at `at` are exactly `expected` (bounds are the caller's concern). */
export function bytesAre(buf: Buffer, at: number, expected: Buffer): boolean {
  for (let i = 0; i < expected.length; i++) if (buf[at + i] !== expected[i]) return false;
  return true;
}
