/**
 * Where uploaded files and derived exports live, behind a small interface so an S3-compatible
 * store can be added. Keys are ids the app generates (`uploads/<uuid>/original`); a client's file
 * name is never part of a key, so it can never become a path.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  /** Bytes written. */
  readonly bytes: number;
  /** Hex SHA-256 of the bytes, computed while streaming. */
  readonly sha256: string;
}

export interface FileStorage {
  /** Streams `stream` to `key` (replacing any object there). Nothing is left under `key` on failure. */
  put(key: string, stream: Readable): Promise<StoredObject>;
  /** A read stream of the object; it errors with ENOENT when the key does not exist. */
  open(key: string): Readable;
  /** A local file path of the object (the engine reads paths); for a remote store, a cached copy. */
  localPath(key: string): Promise<string>;
  /** True when an object exists under `key`. */
  exists(key: string): Promise<boolean>;
  /** Removes the object; a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Bytes buffered between the incoming stream and the file (see `put`). */
const WRITE_BUFFER = 1 << 20;

// Lower-case ids, digits, dots, dashes and underscores, in `/`-separated segments; no `..`.
const KEY_RE = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** Throws for a key that is not one of ours: a guard against a path ever reaching the disk. */
export function assertStorageKey(key: string): void {
  if (!KEY_RE.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
}

/** A store in a local directory (STORAGE_DIR); keys map to paths below it. */
export function createLocalStorage(dir: string): FileStorage {
  const root = resolve(dir);
  const pathOf = (key: string): string => {
    assertStorageKey(key);
    return join(root, ...key.split('/'));
  };

  return {
    async put(key, stream) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      // Written under a temporary name and renamed, so a reader never sees half a file.
      const tmp = `${target}.${randomUUID()}.part`;
      const hash = createHash('sha256');
      let bytes = 0;
      const tap = new Transform({
        // Room for a whole MiB in flight on each side: with the default 16 KiB every 64 KiB socket
        // read waited for its own file write (one thread-pool round trip each) before the next
        // read; now reads go on while a write runs and queued chunks go out as one writev.
        highWaterMark: WRITE_BUFFER,
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          bytes += chunk.length;
          callback(null, chunk);
        },
      });
      try {
        await pipeline(stream, tap, createWriteStream(tmp, { flags: 'wx', highWaterMark: WRITE_BUFFER }));
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        if (dirname(target) !== root) await rmdir(dirname(target)).catch(() => undefined);
        throw err;
      }
      return { bytes, sha256: hash.digest('hex') };
    },
    open(key) {
      return createReadStream(pathOf(key));
    },
    async localPath(key) {
      return pathOf(key);
    },
    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch {
        return false;
      }
    },
    async delete(key) {
      const target = pathOf(key);
      await rm(target, { force: true });
      // Keys are grouped in per-upload folders: drop the folder once it is empty.
      if (dirname(target) !== root) await rmdir(dirname(target)).catch(() => undefined);
    },
  };
}
