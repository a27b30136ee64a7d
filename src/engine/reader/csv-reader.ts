import type { FileHandle } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import { CsvRecordParser } from './csv-parser.js';
import { detectEncoding, sniffDelimiter } from './csv-sniff.js';
import { readFileRangeInto, type ReadCounter } from './file-range.js';
import type { OpenedSheet, Progress, ReaderLimits, Row } from './types.js';

const SNIFF_BYTES = 64 * 1024;
const READ_CHUNK = 1024 * 1024;
const BATCH_ROWS = 256;
const PARSE_SLICE = 32 * 1024;

interface CsvOpenArgs {
  readonly fh: FileHandle;
  readonly size: number;
  readonly limits: ReaderLimits;
  readonly close: () => Promise<void>;
}

export async function openCsv(args: CsvOpenArgs): Promise<OpenedSheet> {
  const { fh, size, limits } = args;
  const { encoding, bomLength } = await detectEncoding(fh, size);
  if (size <= bomLength)
    throw new EngineError('empty_file', 'This file is empty (it holds only a byte-order mark).');

  const sampleLength = Math.min(size - bomLength, SNIFF_BYTES);
  const sampleBytes = Buffer.alloc(sampleLength);
  await fh.read(sampleBytes, 0, sampleLength, bomLength);
  const sample = new TextDecoder(encoding).decode(sampleBytes);
  const delimiter = sniffDelimiter(sample, bomLength + sampleLength >= size);

  const parser = new CsvRecordParser(delimiter.charCodeAt(0), limits, BATCH_ROWS);
  let bytesRead = 0;
  let started = false;

  async function* rows(): AsyncGenerator<readonly Row[]> {
    if (started) throw new Error('rows() can be iterated only once');
    started = true;
    const counter: ReadCounter = { bytes: 0 };
    // Non-UTF-8 text is transcoded to UTF-8 so that one byte-level parser serves every encoding.
    const decoder = encoding === 'utf-8' ? null : new TextDecoder(encoding);
    {
      // Two buffers in turn (never from the shared pool, where they could sit side by side and
      // look contiguous): the parser copies its carry from one chunk when the next arrives.
      const size0 = Math.min(READ_CHUNK, size - bomLength);
      const buffers = [Buffer.allocUnsafeSlow(size0), Buffer.allocUnsafeSlow(size0)];
      for await (const chunk of readFileRangeInto(fh, bomLength, size, buffers, counter)) {
        bytesRead = bomLength + counter.bytes;
        const utf8 = decoder === null ? chunk : Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8');
        // Parse in small slices and hand rows out right away: rows that wait for a whole 1 MB read
        // survive young-generation GCs and get promoted, which made GC dominate the profile.
        for (let off = 0; off < utf8.length; off += PARSE_SLICE) {
          parser.push(utf8.subarray(off, Math.min(off + PARSE_SLICE, utf8.length)));
          yield* drain(parser);
        }
      }
      if (decoder !== null) {
        parser.push(Buffer.from(decoder.decode(), 'utf8'));
        yield* drain(parser);
      }
      parser.finish();
      yield* drain(parser);
      bytesRead = size;
      if (parser.batch.length > 0) {
        const out = parser.batch;
        parser.batch = [];
        yield out;
      }
    }
  }

  return {
    format: 'csv',
    sheet: null,
    sheets: [],
    bytes: size,
    csv: { delimiter, encoding },
    rows,
    progress(): Progress {
      return { bytesRead, bytesTotal: size, rowsRead: parser.records };
    },
    close: args.close,
  };
}

/** Hands out full batches, resuming the parser each time it paused on a full batch. */
function* drain(parser: CsvRecordParser): Generator<readonly Row[]> {
  for (;;) {
    if (parser.batch.length >= BATCH_ROWS) {
      const out = parser.batch;
      parser.batch = [];
      yield out;
    }
    if (!parser.paused) return;
    parser.resume();
  }
}
