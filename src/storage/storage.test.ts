import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStorageKey, createLocalStorage, type FileStorage } from './storage.js';

let dir: string;
let storage: FileStorage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-storage-'));
  storage = createLocalStorage(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function* chunks(parts: Buffer[], failAfter?: number): AsyncGenerator<Buffer> {
  let i = 0;
  for (const part of parts) {
    if (failAfter !== undefined && i === failAfter) throw new Error('client went away');
    i++;
    yield part;
  }
}

describe('local storage', () => {
  it('streams to a key, hashing while it writes, and reads back the same bytes', async () => {
    const parts = [Buffer.from('a'.repeat(100_000)), Buffer.from('b'.repeat(50_000))];
    const stored = await storage.put('uploads/one/original', Readable.from(chunks(parts)));
    const all = Buffer.concat(parts);
    expect(stored).toEqual({ bytes: all.length, sha256: createHash('sha256').update(all).digest('hex') });
    expect(await readFile(await storage.localPath('uploads/one/original'))).toEqual(all);
    const read: Buffer[] = [];
    for await (const c of storage.open('uploads/one/original')) read.push(c as Buffer);
    expect(Buffer.concat(read)).toEqual(all);
    expect(await storage.exists('uploads/one/original')).toBe(true);
  });

  it('leaves nothing behind when the incoming stream fails', async () => {
    const parts = [Buffer.from('x'.repeat(1000)), Buffer.from('y')];
    await expect(storage.put('uploads/two/original', Readable.from(chunks(parts, 1)))).rejects.toThrow(
      'client went away',
    );
    expect(await storage.exists('uploads/two/original')).toBe(false);
    expect((await readdir(join(dir, 'uploads'))).includes('two')).toBe(false);
  });

  it('deletes objects (twice is fine) and their empty folder', async () => {
    await storage.put('uploads/three/original', Readable.from([Buffer.from('z')]));
    await storage.delete('uploads/three/original');
    await storage.delete('uploads/three/original');
    expect(await storage.exists('uploads/three/original')).toBe(false);
    expect((await readdir(join(dir, 'uploads'))).includes('three')).toBe(false);
  });

  it.each(['../etc/passwd', 'uploads/../../x', '/abs', 'Upper/case', 'a//b', '', 'a/./b', 'name with space'])(
    'refuses the key %j: client text can never become a path',
    (key) => {
      expect(() => assertStorageKey(key)).toThrow('invalid storage key');
      expect(() => storage.open(key)).toThrow('invalid storage key');
    },
  );
});
