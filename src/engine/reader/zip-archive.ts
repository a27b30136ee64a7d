import type { FileHandle } from 'node:fs/promises';
import { Readable, type Transform } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { EngineError } from '../errors.js';
import { readFileRange, type ReadCounter } from './file-range.js';
import { RATIO_CHECK_FLOOR_BYTES } from './limits.js';
import type { ReaderLimits } from './types.js';

/**
 * A zip reader for the parts of an xlsx. We read the central directory ourselves and inflate with
 * node:zlib (on the libuv threadpool). Sizes in zip headers are only used to find bytes: every
 * limit counts bytes actually inflated, and CRC-32 and sizes are verified at the end of each part.
 */

export interface ZipEntry {
  /** Entry name as stored, backslashes turned into slashes, no leading slash. */
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  /** As claimed by the central directory; checked against the real size, never trusted. */
  readonly claimedSize: number;
  readonly localHeaderOffset: number;
}

/** Shared across all parts read from one file, so the total cap holds for the whole workbook. */
export class InflateBudget {
  totalInflated = 0;
  /** Compressed bytes read from finished parts, for progress. */
  compressedDone = 0;
  /** Compressed bytes read so far from the part being inflated. */
  compressedCurrent = 0;

  constructor(readonly limits: ReaderLimits) {}
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** A workbook has dozens of parts; a directory of millions is an attack on our memory. */
const MAX_ENTRIES = 100_000;
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
const READ_CHUNK = 256 * 1024;
/** Compressed input is read into this many reused buffers of FEED_CHUNK bytes (see feedInflate). */
const FEED_BUFFERS = 3;
const FEED_CHUNK = 256 * 1024;

export function normalizeZipName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '');
}

function corrupt(detail: string, cause?: unknown): EngineError {
  return new EngineError(
    'corrupt_file',
    `This file is damaged and cannot be read (${detail}). Open it in Excel and save it again.`,
    cause === undefined ? undefined : { cause },
  );
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

export class ZipArchive {
  private readonly byName = new Map<string, ZipEntry>();

  private constructor(
    private readonly fh: FileHandle,
    readonly fileSize: number,
    readonly entries: readonly ZipEntry[],
  ) {
    for (const entry of entries) this.byName.set(entry.name.toLowerCase(), entry);
  }

  /** Parses the central directory. Throws `corrupt_file` when it is missing or inconsistent. */
  static async open(fh: FileHandle, fileSize: number): Promise<ZipArchive> {
    const tailLength = Math.min(fileSize, 22 + 65_535);
    const tail = await readAt(fh, fileSize - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt('the zip directory is missing; the file is probably truncated');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locatorAt = eocd - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR_SIG) {
        throw corrupt('zip64 directory locator missing');
      }
      const z64Offset = Number(tail.readBigUInt64LE(locatorAt + 8));
      const z64 = await readAt(fh, z64Offset, 56);
      if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw corrupt('bad zip64 directory');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (count > MAX_ENTRIES) throw corrupt(`the zip claims ${count} entries`);
    if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES || cdOffset + cdSize > fileSize) {
      throw corrupt('the zip directory points outside the file');
    }
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw corrupt('bad zip directory entry');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let claimedSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const nameStart = p + 46;
      const extraStart = nameStart + nameLen;
      const next = extraStart + extraLen + commentLen;
      if (next > cd.length) throw corrupt('bad zip directory entry');
      const name = normalizeZipName(cd.toString('utf8', nameStart, extraStart));
      // Zip64 extra field: present members replace the 0xFFFFFFFF placeholders, in this order.
      for (let e = extraStart; e + 4 <= extraStart + extraLen;) {
        const id = cd.readUInt16LE(e);
        const size = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const end = q + size;
          if (claimedSize === 0xffffffff && q + 8 <= end) {
            claimedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff && q + 8 <= end) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff && q + 8 <= end) {
            localHeaderOffset = Number(cd.readBigUInt64LE(q));
          }
        }
        e += 4 + size;
      }
      entries.push({ name, method, flags, crc32: crc, compressedSize, claimedSize, localHeaderOffset });
      p = next;
    }
    return new ZipArchive(fh, fileSize, entries);
  }

  /** Case-insensitive lookup: some writers store `[content_types].xml` or `xl\sharedstrings.xml`. */
  find(name: string): ZipEntry | undefined {
    return this.byName.get(normalizeZipName(name).toLowerCase());
  }

  /**
   * Streams the inflated bytes of one entry, enforcing the total and ratio caps as bytes come out and
   * verifying size and CRC-32 at the end. Stopping early (break) releases the streams.
   */
  async *stream(entry: ZipEntry, budget: InflateBudget): AsyncGenerator<Buffer> {
    if (entry.flags & 1) {
      throw new EngineError(
        'encrypted_file',
        'This file is password-protected; remove the password and upload it again.',
      );
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw new EngineError(
        'unsupported_format',
        `This file uses a zip compression method (${entry.method}) that spreadsheets do not use.`,
      );
    }
    const local = await readAt(this.fh, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIG)
      throw corrupt(`bad zip entry header for ${entry.name}`);
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + entry.compressedSize > this.fileSize) throw corrupt(`${entry.name} is truncated`);

    const { limits } = budget;
    const counter: ReadCounter = { bytes: 0 };
    const dataEnd = dataStart + entry.compressedSize;
    let source: Readable;
    if (entry.method === 8) {
      // A deep read-ahead lets the threadpool inflate while the main thread parses (two cores).
      // 64 KiB output chunks stay under glibc's mmap threshold, so freed chunks are reused instead
      // of every chunk being fresh, page-faulting memory (measured: ~10% of main-thread time).
      const options = { chunkSize: 64 * 1024, highWaterMark: 1024 * 1024 };
      const inflate = createInflateRaw(options);
      feedInflate(this.fh, dataStart, dataEnd, inflate, counter);
      source = inflate;
    } else {
      source = Readable.from(readFileRange(this.fh, dataStart, dataEnd, READ_CHUNK, counter), {
        objectMode: false,
      });
    }
    let inflated = 0;
    let crc = 0;
    let finishedCleanly = false;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        budget.totalInflated += chunk.length;
        budget.compressedCurrent = counter.bytes;
        if (budget.totalInflated > limits.maxUncompressedBytes) {
          throw new EngineError(
            'limit_exceeded',
            `This file expands to more than ${formatBytes(limits.maxUncompressedBytes)} when unpacked; it is too large or a zip bomb ` +
              '(the limit is ZIP_MAX_UNCOMPRESSED_MB, or --max-uncompressed-mb).',
          );
        }
        // The denominator is compressed bytes read so far, a little ahead of what inflate has
        // consumed: the ratio is under-estimated, never over-estimated, so no false alarms.
        if (
          inflated > RATIO_CHECK_FLOOR_BYTES &&
          inflated / Math.max(1, counter.bytes) > limits.maxCompressionRatio
        ) {
          throw new EngineError(
            'limit_exceeded',
            `Part ${entry.name} expands more than ${limits.maxCompressionRatio}:1; this looks like a zip bomb. ` +
              'If the file is genuine, raise the compression-ratio limit (ZIP_MAX_RATIO, or --max-ratio).',
          );
        }
        crc = crc32(chunk, crc);
        yield chunk;
      }
      if (inflated !== entry.claimedSize) {
        throw corrupt(`${entry.name} is ${inflated} bytes but the zip header says ${entry.claimedSize}`);
      }
      if (crc >>> 0 !== entry.crc32) throw corrupt(`checksum mismatch in ${entry.name}`);
      finishedCleanly = true;
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw corrupt(`${entry.name} could not be unpacked: ${(err as Error).message}`, err);
    } finally {
      budget.compressedDone += finishedCleanly ? entry.compressedSize : counter.bytes;
      budget.compressedCurrent = 0;
      source.destroy();
    }
  }

  /** Reads a whole (small) part into memory; `maxBytes` bounds it independently of the zip header. */
  async readAll(entry: ZipEntry, budget: InflateBudget, maxBytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.stream(entry, budget)) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new EngineError(
          'limit_exceeded',
          `Part ${entry.name} is larger than ${formatBytes(maxBytes)}; this workbook is too large to read.`,
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  }
}

/**
 * Writes [start, end) of the file into `inflate` from a few reused buffers; each goes back to the
 * pool once inflate has consumed it (its write callback), which also bounds the read-ahead. Fresh
 * read buffers (as a Readable over the file would make) lived long enough to be promoted out of
 * V8's young generation and then stayed until a full GC that a streaming run rarely triggers:
 * peak RSS grew with the compressed size (+57 MB on the 1M-row benchmark workbook).
 * Errors (a failed read) destroy `inflate`, so its consumer sees them.
 */
function feedInflate(
  fh: FileHandle,
  start: number,
  end: number,
  inflate: Transform,
  counter: ReadCounter,
): void {
  // Small parts (styles, relationships) get one buffer of their own size.
  const chunk = Math.max(1, Math.min(FEED_CHUNK, end - start));
  const pool: Buffer[] = [];
  for (let i = Math.min(FEED_BUFFERS, Math.ceil((end - start) / chunk)); i > 0; i--) {
    pool.push(Buffer.allocUnsafe(chunk));
  }
  let wake: (() => void) | null = null;
  const wakeUp = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  inflate.once('close', wakeUp);
  const feed = async (): Promise<void> => {
    let pos = start;
    while (pos < end) {
      while (pool.length === 0 && !inflate.destroyed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (inflate.destroyed) return;
      const buf = pool.pop() as Buffer;
      const want = Math.min(buf.length, end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (inflate.destroyed) return;
      // A file shorter than its zip directory says: inflate reports the truncated stream.
      if (bytesRead === 0) break;
      pos += bytesRead;
      counter.bytes += bytesRead;
      inflate.write(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), () => {
        pool.push(buf);
        wakeUp();
      });
    }
    inflate.end();
  };
  feed().catch((err: unknown) => inflate.destroy(err instanceof Error ? err : new Error(String(err))));
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${+(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
