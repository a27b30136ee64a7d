import { EngineError } from '../errors.js';
import { joinCarry } from './file-range.js';
import { utf8Slice } from './xml-text.js';
import { tooLong } from './shared-strings.js';
import type { CellValue, ReaderLimits, Row } from './types.js';

const QUOTE = 0x22;

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/** `buf.toString('latin1', start, end)` without its argument handling (see `utf8Slice`). */
const latin1Slice: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as unknown as Partial<Latin1Slicer>).latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Latin1Slicer).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Strings shorter than this are never V8 "sliced strings" (views that keep their parent alive):
 * `slice` copies them. Short ASCII fields are therefore sliced out of one latin1 string of the
 * whole buffer, a builtin call about 6x cheaper than a Buffer decode per field; longer fields are
 * still decoded on their own, so no cell can pin a buffer's worth of text.
 */
const SLICE_COPIES_BELOW = 13;

/** One record longer than this is almost always an unmatched quote swallowing the file. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * A quoted cell already longer (in bytes) than any cell of `maxChars` characters can be: almost
 * always a quote that is never closed.
 */
function unclosedQuote(record: number, maxChars: number): EngineError {
  return new EngineError(
    'limit_exceeded',
    `Record ${record} has a quoted cell longer than ${maxChars.toLocaleString('en-US')} characters; ` +
      'the file probably has a quote (") that is never closed.',
  );
}

/**
 * A byte-level CSV record parser over UTF-8 chunks (RFC 4180 plus what spreadsheets write: CR-only,
 * LF or CRLF record ends, `""` escapes, newlines inside quotes). Fields are decoded straight from
 * byte ranges into fresh strings. A record cut by a chunk end is re-parsed with the next chunk.
 */
export class CsvRecordParser {
  batch: Row[] = [];
  /** Records completed so far; also the number of the last one. */
  records = 0;
  /** True when parsing paused because `batch` is full while complete records may remain. */
  paused = false;
  private pending: Buffer | null = null;
  private final = false;
  /** The last buffer decoded as latin1 text (for short ASCII fields) and that text. */
  private textOf: Buffer | null = null;
  private text = '';

  constructor(
    private readonly delimiter: number,
    private readonly limits: ReaderLimits,
    /** Parsing pauses once `batch` holds this many rows, so batches stay small. */
    private readonly maxBatch: number,
  ) {}

  push(chunk: Buffer): void {
    // New bytes: never reuse the text of a buffer whose memory a reader may have refilled.
    this.textOf = null;
    this.parse(this.pending === null ? chunk : joinCarry(this.pending, chunk), false);
  }

  /** Continues after a pause (call once `batch` has been taken). */
  resume(): void {
    if (this.pending !== null) this.parse(this.pending, this.final);
  }

  /** Call after the last chunk: a final record without a line break is still a record. */
  finish(): void {
    this.final = true;
    if (this.pending !== null) this.parse(this.pending, true);
  }

  /**
   * Where `buf` starts in `this.text`. A resumed parse gets a view into the buffer decoded last
   * time, so each byte is decoded once.
   */
  private textFor(buf: Buffer): number {
    const textOf = this.textOf;
    if (
      textOf !== null &&
      textOf.buffer === buf.buffer &&
      buf.byteOffset >= textOf.byteOffset &&
      buf.byteOffset + buf.length <= textOf.byteOffset + textOf.length
    ) {
      return buf.byteOffset - textOf.byteOffset;
    }
    this.text = latin1Slice(buf, 0, buf.length);
    this.textOf = buf;
    return 0;
  }

  private parse(buf: Buffer, final: boolean): void {
    this.pending = null;
    this.paused = false;
    const len = buf.length;
    const delim = this.delimiter;
    const maxChars = this.limits.maxCellChars;
    const maxColumns = this.limits.maxColumns;
    let pos = 0;
    let recStart = 0;
    let incomplete = false;
    // The buffer as one-char-per-byte text, decoded when a short field first needs it.
    let text = '';
    let textBase = -1;
    records: while (pos < len) {
      if (this.batch.length >= this.maxBatch) {
        this.paused = true;
        this.pending = buf.subarray(pos);
        return;
      }
      recStart = pos;
      incomplete = true;
      const cells: (CellValue | undefined)[] = [];
      let hasValue = false;
      for (;;) {
        let value: string | undefined;
        let p = pos;
        if (buf[p] === QUOTE) {
          // Quoted field: find the closing quote, skipping "" escapes.
          let escaped = false;
          let q = p + 1;
          for (;;) {
            q = buf.indexOf(QUOTE, q);
            if (q === -1 || q + 1 >= len) {
              // Still open at the chunk end. Past 4 bytes per allowed character the cell is over
              // the limit whatever follows: fail now, not after re-reading it with every chunk
              // up to the record limit (an unmatched quote early in a big file, ~6 s for 13 MB).
              if (len - p > 4 * maxChars) throw unclosedQuote(this.records + 1, maxChars);
              if (!final) break records;
              if (q === -1) q = len;
              break;
            }
            if (buf[q + 1] === QUOTE) {
              escaped = true;
              q += 2;
              continue;
            }
            break;
          }
          if (q > len) q = len;
          value = utf8Slice(buf, p + 1, q);
          if (escaped) value = value.replace(/""/g, '"');
          p = q + 1;
          // Text after the closing quote (`"ab"cd`) is kept, as spreadsheets do.
          if (p < len && buf[p] !== delim && buf[p] !== LF && buf[p] !== CR) {
            const s = p;
            while (p < len && buf[p] !== delim && buf[p] !== LF && buf[p] !== CR) p++;
            if (p === len && !final) break records;
            value += utf8Slice(buf, s, p);
          }
        } else {
          let high = 0;
          while (p < len) {
            const b = buf[p];
            if (b === delim || b === LF || b === CR) break;
            high |= b;
            p++;
          }
          if (p === len && !final) {
            if (p - pos > 4 * maxChars) throw tooLong(maxChars);
            break records;
          }
          // Plain ASCII (most cells) is copied as one-byte text without UTF-8 decoding.
          if (p > pos) {
            if (high >= 0x80) value = utf8Slice(buf, pos, p);
            else if (p - pos < SLICE_COPIES_BELOW) {
              if (textBase < 0) {
                textBase = this.textFor(buf);
                text = this.text;
              }
              value = text.slice(textBase + pos, textBase + p);
            } else value = latin1Slice(buf, pos, p);
          }
        }
        if (value !== undefined && value !== '') {
          if (value.length > maxChars) throw tooLong(maxChars);
          cells.push({ t: 's', v: value });
          hasValue = true;
        } else {
          cells.push(undefined);
        }
        if (cells.length > maxColumns) {
          throw new EngineError(
            'limit_exceeded',
            `Record ${this.records + 1} has more than ${maxColumns.toLocaleString('en-US')} fields.`,
          );
        }
        if (p >= len) {
          // End of input (final): the record ends here.
          pos = len;
          break;
        }
        const b = buf[p];
        if (b === delim) {
          pos = p + 1;
          if (pos === len && !final) break records;
          if (pos === len) {
            cells.push(undefined);
            break;
          }
          continue;
        }
        if (b === CR) {
          if (p + 1 === len && !final) break records;
          pos = buf[p + 1] === LF ? p + 2 : p + 1;
        } else {
          pos = p + 1;
        }
        break;
      }
      incomplete = false;
      this.records++;
      this.batch.push({ number: this.records, cells: hasValue ? cells : [] });
    }
    if (incomplete) {
      // The record starting at recStart is cut by the chunk end: keep it for the next chunk.
      const rest = buf.subarray(recStart);
      if (rest.length > MAX_RECORD_BYTES) {
        throw new EngineError(
          'limit_exceeded',
          `Record ${this.records + 1} is longer than 16 MB; the file probably has a quote (") that is never closed.`,
        );
      }
      this.pending = rest;
    }
  }
}
