import { isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';

/**
 * Encoding and delimiter detection for delimited text. Encoding: a BOM decides (UTF-8, UTF-16 LE/BE);
 * otherwise the whole file is checked for valid UTF-8 (one fast native pass), and Windows-1252 is the
 * fallback, which is what Excel's "CSV" (ANSI) export writes on Western systems.
 */

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface EncodingGuess {
  readonly encoding: CsvEncoding;
  /** Bytes of BOM to skip before decoding. */
  readonly bomLength: number;
}

const CHUNK = 1024 * 1024;

export async function detectEncoding(fh: FileHandle, size: number): Promise<EncodingGuess> {
  const head = Buffer.alloc(Math.min(size, 4));
  await fh.read(head, 0, head.length, 0);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return { encoding: (await isWholeFileUtf8(fh, size)) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

async function isWholeFileUtf8(fh: FileHandle, size: number): Promise<boolean> {
  const buf = Buffer.allocUnsafe(CHUNK + 4);
  let carry = 0;
  for (let pos = 0; pos < size;) {
    const { bytesRead } = await fh.read(buf, carry, CHUNK, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const end = carry + bytesRead;
    // Do not split a multi-byte character across two checks: hold back an incomplete tail.
    let cut = end;
    if (pos < size) {
      let j = end - 1;
      let steps = 0;
      while (j > 0 && steps < 3 && (buf[j] & 0xc0) === 0x80) {
        j--;
        steps++;
      }
      if (buf[j] >= 0xc0) cut = j;
    }
    if (!isUtf8(buf.subarray(0, cut))) return false;
    carry = end - cut;
    buf.copy(buf, 0, cut, end);
  }
  return carry === 0 || isUtf8(buf.subarray(0, carry));
}

const CANDIDATES = [',', ';', '\t', '|'] as const;
const MAX_SNIFF_RECORDS = 50;

/**
 * Picks the delimiter whose count per record (outside quotes) is the most consistent over the first
 * records; ties go to the more common delimiter (`,` then `;`, tab, `|`). Defaults to `,`.
 */
export function sniffDelimiter(sample: string, complete: boolean): string {
  const counts: number[][] = CANDIDATES.map(() => []);
  const current = CANDIDATES.map(() => 0);
  let inQuotes = false;
  let atFieldStart = true;
  let recordHasContent = false;
  let records = 0;
  const endRecord = (): void => {
    if (recordHasContent) {
      CANDIDATES.forEach((_, k) => counts[k].push(current[k]));
      records++;
    }
    current.fill(0);
    recordHasContent = false;
    atFieldStart = true;
  };
  for (let i = 0; i < sample.length && records < MAX_SNIFF_RECORDS; i++) {
    const ch = sample[i];
    if (inQuotes) {
      if (ch === '"') {
        if (sample[i + 1] === '"') i++;
        else inQuotes = false;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
      recordHasContent = true;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && sample[i + 1] === '\n') i++;
      endRecord();
      continue;
    }
    const k = CANDIDATES.indexOf(ch as (typeof CANDIDATES)[number]);
    if (k >= 0) {
      current[k]++;
      atFieldStart = true;
    } else {
      atFieldStart = false;
    }
    recordHasContent = true;
  }
  // The last record of a partial sample may be cut short; only count it when the sample is whole.
  if (complete && records < MAX_SNIFF_RECORDS) endRecord();

  let best = ',';
  let bestScore = 0;
  CANDIDATES.forEach((delim, k) => {
    const list = counts[k];
    if (list.length === 0) return;
    const freq = new Map<number, number>();
    for (const c of list) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0;
    let modeFreq = 0;
    for (const [c, f] of freq) {
      if (c > 0 && (f > modeFreq || (f === modeFreq && c > mode))) {
        mode = c;
        modeFreq = f;
      }
    }
    if (mode === 0) return;
    const score = modeFreq / list.length;
    if (score > bestScore) {
      best = delim;
      bestScore = score;
    }
  });
  return best;
}
