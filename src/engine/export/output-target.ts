import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where an export goes: a file path or a caller's writable (an HTTP response, stdout). A path is
 * written to a temporary sibling and renamed on success, so a failed export never leaves a
 * half-written file under the real name. A stream is ended when the export completes.
 */
export type OutputTarget = string | NodeJS.WritableStream;

export async function pipeToTarget(source: Readable, out: OutputTarget): Promise<void> {
  if (typeof out !== 'string') {
    await pipeline(source, out);
    return;
  }
  const tmp = `${out}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await pipeline(source, createWriteStream(tmp));
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Strings to buffers of about `size` bytes, so streams move a few large chunks, not many tiny ones. */
export async function* chunked(
  parts: AsyncIterable<string> | Iterable<string>,
  size = 64 * 1024,
): AsyncGenerator<Buffer> {
  let pending: string[] = [];
  let length = 0;
  for await (const part of parts) {
    pending.push(part);
    length += part.length;
    if (length >= size) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      length = 0;
    }
  }
  if (length > 0) yield Buffer.from(pending.join(''), 'utf8');
}
