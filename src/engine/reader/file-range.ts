import type { FileHandle } from 'node:fs/promises';

/** Counts bytes handed out by `readFileRange`, for progress and compression-ratio checks. */
export interface ReadCounter {
  bytes: number;
}

/**
 * Reads [start, end) of an open file in chunks. Unlike `fh.createReadStream`, stopping early never
 * closes the shared file handle (a destroyed fs stream closes its descriptor even with autoClose off).
 */
export async function* readFileRange(
  fh: FileHandle,
  start: number,
  end: number,
  chunkSize: number,
  counter: ReadCounter,
): AsyncGenerator<Buffer> {
  let pos = start;
  while (pos < end) {
    const want = Math.min(chunkSize, end - pos);
    const buf = Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buf, 0, want, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    counter.bytes += bytesRead;
    yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
  }
}

/**
 * Like `readFileRange`, but reads into the given buffers in turn instead of allocating one per
 * read: a yielded chunk stays valid until `buffers.length - 1` more chunks have been yielded.
 * Fresh megabyte buffers that live through two young-generation GCs are promoted and then held
 * until a full GC, which a streaming run seldom triggers; reused ones cost nothing per read.
 */
export async function* readFileRangeInto(
  fh: FileHandle,
  start: number,
  end: number,
  buffers: readonly Buffer[],
  counter: ReadCounter,
): AsyncGenerator<Buffer> {
  let pos = start;
  for (let i = 0; pos < end; i = (i + 1) % buffers.length) {
    const buf = buffers[i];
    const want = Math.min(buf.length, end - pos);
    const { bytesRead } = await fh.read(buf, 0, want, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    counter.bytes += bytesRead;
    yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }
}

/**
 * `carry` followed by `chunk`. When the carry is the tail of the very bytes `chunk` continues (a
 * reader slicing one big buffer), the two are viewed as one range without copying.
 */
export function joinCarry(carry: Buffer, chunk: Buffer): Buffer {
  if (carry.buffer === chunk.buffer && carry.byteOffset + carry.length === chunk.byteOffset) {
    return Buffer.from(carry.buffer, carry.byteOffset, carry.length + chunk.length);
  }
  return Buffer.concat([carry, chunk]);
}
