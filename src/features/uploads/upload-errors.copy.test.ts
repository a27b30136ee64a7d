/**
 * COPY of issues into a real PostgreSQL: exact text round trip, chunked, nothing left on abort, per
 * attempt; and no orphans without a foreign key (deletes, and a delete racing a chunk).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../../engine/index.js';
import { newId } from '../../lib/ids.js';
import { deleteUser } from '../identity/users.repository.js';
import { createTestDatabase, type TestDatabase } from '../../../test/db.js';
import { COPY_CHUNK_LINES, issueCopyText, openIssueCopy, UploadGoneError } from './upload-errors.copy.js';
import { deleteUpload, finishAttempt, listErrors } from './uploads.repository.js';

let database: TestDatabase;
let pool: pg.Pool;
let uploadId: string;

async function createUser(): Promise<string> {
  const userId = newId();
  await database.db
    .insertInto('users')
    .values({ id: userId, email: `${userId}@example.test`, password_hash: null })
    .execute();
  return userId;
}

async function createUpload(userId: string): Promise<string> {
  const id = newId();
  await database.db
    .insertInto('uploads')
    .values({
      id,
      user_id: userId,
      schema_id: newId(),
      schema_version: 1,
      file_name: 'x.csv',
      format: 'csv',
      sheet: null,
      bytes: 1,
      sha256: '0',
      storage_key: `uploads/${id}/original`,
      idempotency_key: null,
      run_id: newId(),
    })
    .execute();
  return id;
}

async function storedIssues(ids: readonly string[]): Promise<number> {
  const row = await database.db
    .selectFrom('upload_errors')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('upload_id', 'in', ids)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 3 });
  uploadId = await createUpload(await createUser());
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const issue = (row: number, extra: Partial<ValidationIssue> = {}): ValidationIssue => ({
  row,
  column: 'price',
  cell: `D${row}`,
  code: 'minimum',
  message: 'Price must be at least 0; got -1',
  value: '-1',
  ...extra,
});

describe('issueCopyText', () => {
  it('escapes each special character alone, and leaves plain text and empty strings as they are', () => {
    const line = (value: string | null) =>
      issueCopyText('u', 2, 7, [issue(9, { value })])
        .split('\t')
        .slice(-1)[0];
    expect(line('plain text, no escapes')).toBe('plain text, no escapes\n');
    expect(line('')).toBe('\n');
    expect(line(null)).toBe('\\N\n');
    expect(line('a\\b')).toBe('a\\\\b\n');
    expect(line('a\tb')).toBe('a\\tb\n');
    expect(line('a\nb')).toBe('a\\nb\n');
    expect(line('a\rb')).toBe('a\\rb\n');
    expect(line('a\u0000b')).toBe('ab\n');
    expect(issueCopyText('u', 2, 7, [issue(9), issue(10, { column: null })])).toBe(
      'u\t2\t7\t9\tprice\tD9\tminimum\tPrice must be at least 0; got -1\t-1\n' +
        'u\t2\t8\t10\t\\N\tD10\tminimum\tPrice must be at least 0; got -1\t-1\n',
    );
  });
});

describe('openIssueCopy', () => {
  it('stores issues verbatim, numbered in order, including text COPY would otherwise mangle', async () => {
    const tricky = issue(3, {
      value: 'tab\there\nnew\\line\r\u0000end',
      column: null,
      cell: null,
      message: '\\N',
    });
    const copy = openIssueCopy(pool, uploadId, 1);
    await copy.write([issue(2), tricky]);
    await copy.write([issue(4, { value: null })]);
    expect(await copy.finish()).toBe(3);
    const rows = await listErrors(database.db, uploadId, 1, { limit: 10 });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[1]).toEqual({ seq: 2, ...tricky, value: 'tab\there\nnew\\line\rend' });
    expect(rows[2].value).toBeNull();
  });

  it('commits in chunks while writing, numbering straight across them', async () => {
    const copy = openIssueCopy(pool, uploadId, 4);
    const batch = (from: number) => Array.from({ length: 1500 }, (_, i) => issue(from + i));
    await copy.write(batch(2));
    await copy.write(batch(1502));
    await copy.write(batch(3002));
    // The first chunk is committed (readable) before finish: its statement's work is done by then.
    const early = await database.db
      .selectFrom('upload_errors')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('upload_id', '=', uploadId)
      .where('attempt', '=', 4)
      .executeTakeFirstOrThrow();
    expect(Number(early.n)).toBeGreaterThanOrEqual(COPY_CHUNK_LINES);
    await copy.write(batch(4502));
    expect(await copy.finish()).toBe(6000);
    const rows = await listErrors(database.db, uploadId, 4, { limit: 10_000 });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 6000 }, (_, i) => i + 1));
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 6000 }, (_, i) => i + 2));
  });

  it('leaves nothing when aborted mid-way, committed chunks included', async () => {
    const copy = openIssueCopy(pool, uploadId, 2);
    await copy.write(Array.from({ length: COPY_CHUNK_LINES + 1000 }, (_, i) => issue(i + 2)));
    await copy.write([issue(COPY_CHUNK_LINES + 1002)]);
    await copy.abort();
    expect(await listErrors(database.db, uploadId, 2, { limit: 10 })).toEqual([]);
  });

  it('refuses to write the same attempt twice instead of duplicating issues', async () => {
    const copy = openIssueCopy(pool, uploadId, 1);
    await copy.write([issue(2)]);
    await expect(copy.finish()).rejects.toThrow(/duplicate key/);
    expect(await listErrors(database.db, uploadId, 1, { limit: 10 })).toHaveLength(3);
  });

  it("a dead attempt's committed chunks are dropped when a later attempt finishes", async () => {
    // Attempt 7 dies mid-file (SIGKILL: neither finish nor abort) after one chunk was committed.
    const dead = openIssueCopy(pool, uploadId, 7);
    await dead.write(Array.from({ length: COPY_CHUNK_LINES }, (_, i) => issue(i + 2)));
    await dead.write([issue(COPY_CHUNK_LINES + 2)]);
    expect(await listErrors(database.db, uploadId, 7, { limit: 1 })).toHaveLength(1);

    await database.db
      .updateTable('uploads')
      .set({ attempt: 8, status: 'validating' })
      .where('id', '=', uploadId)
      .execute();
    const next = openIssueCopy(pool, uploadId, 8);
    await next.write([issue(2), issue(3)]);
    expect(await next.finish()).toBe(2);
    const row = await database.db.transaction().execute((trx) =>
      finishAttempt(trx, uploadId, 8, {
        status: 'invalid',
        rowsTotal: 10,
        rowsValid: 8,
        rowsInvalid: 2,
        errorCount: 2,
        errorsByCode: { minimum: 2 },
        errorsStored: 2,
        bytes: 1,
      }),
    );
    expect(row?.result_attempt).toBe(8);
    const left = await database.db
      .selectFrom('upload_errors')
      .select(['attempt'])
      .where('upload_id', '=', uploadId)
      .execute();
    expect(left).toEqual([{ attempt: 8 }, { attempt: 8 }]);
    await dead.abort();
  });

  it('leaves no listener on the pooled connection it used', async () => {
    for (let attempt = 20; attempt < 32; attempt++) {
      const copy = openIssueCopy(pool, uploadId, attempt);
      await copy.write([issue(2)]);
      await copy.finish();
    }
    const client = await pool.connect();
    try {
      // pg's own listeners only; twelve copies on the same connection added none that stayed.
      expect(client.listenerCount('error')).toBeLessThanOrEqual(1);
    } finally {
      client.release();
    }
  });

  it("deleting an upload deletes its issues of every attempt, and no one else's", async () => {
    const userId = await createUser();
    const [gone, kept] = [await createUpload(userId), await createUpload(userId)];
    for (const [id, attempt] of [
      [gone, 1],
      [gone, 2],
      [kept, 1],
    ] as const) {
      const copy = openIssueCopy(pool, id, attempt);
      await copy.write(Array.from({ length: COPY_CHUNK_LINES + 10 }, (_, i) => issue(i + 2)));
      await copy.finish();
    }
    expect(await storedIssues([gone])).toBe(2 * (COPY_CHUNK_LINES + 10));
    await database.db.transaction().execute((trx) => deleteUpload(trx, gone));
    expect(await storedIssues([gone])).toBe(0);
    expect(await storedIssues([kept])).toBe(COPY_CHUNK_LINES + 10);
  });

  it("deleting a user (uploads go by cascade) leaves none of its uploads' issues", async () => {
    const userId = await createUser();
    const ids = [await createUpload(userId), await createUpload(userId), await createUpload(userId)];
    for (const id of ids) {
      const copy = openIssueCopy(pool, id, 1);
      await copy.write([issue(2), issue(3)]);
      await copy.finish();
    }
    expect(await storedIssues(ids)).toBe(6);
    expect(await database.db.transaction().execute((trx) => deleteUser(trx, userId))).toBe(true);
    expect(await storedIssues(ids)).toBe(0);
    expect(await storedIssues([uploadId])).toBeGreaterThan(0);
  });

  it('a copy for an upload deleted meanwhile fails and stores nothing', async () => {
    const id = await createUpload(await createUser());
    const copy = openIssueCopy(pool, id, 1);
    await copy.write(Array.from({ length: COPY_CHUNK_LINES }, (_, i) => issue(i + 2)));
    await deleteUpload(database.db, id);
    await expect(copy.write([issue(5000)])).rejects.toBeInstanceOf(UploadGoneError);
    await copy.abort();
    expect(await storedIssues([id])).toBe(0);
  });

  it('a delete that meets an open chunk waits for it and deletes its rows too', async () => {
    const id = await createUpload(await createUser());
    const copy = openIssueCopy(pool, id, 1);
    await copy.write([issue(2), issue(3)]); // a chunk is open: the upload row is locked FOR KEY SHARE
    let deleted = false;
    const deleting = deleteUpload(database.db, id).then((row) => {
      deleted = row !== undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deleted).toBe(false);
    expect(await copy.finish()).toBe(2);
    await deleting;
    expect(deleted).toBe(true);
    expect(await storedIssues([id])).toBe(0);
  });

  it('opens no connection for a clean file', async () => {
    const copy = openIssueCopy(pool, uploadId, 3);
    expect(await copy.finish()).toBe(0);
    expect(pool.totalCount).toBeLessThanOrEqual(1);
  });
});
