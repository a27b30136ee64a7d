/** COPY of issues into a real PostgreSQL: exact text round trip, all-or-nothing, per attempt. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../../engine/index.js';
import { newId } from '../../lib/ids.js';
import { createTestDatabase, type TestDatabase } from '../../../test/db.js';
import { openIssueCopy } from './upload-errors.copy.js';
import { listErrors } from './uploads.repository.js';

let database: TestDatabase;
let pool: pg.Pool;
let uploadId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const userId = newId();
  await database.db
    .insertInto('users')
    .values({ id: userId, email: `${userId}@example.test`, password_hash: null })
    .execute();
  uploadId = newId();
  await database.db
    .insertInto('uploads')
    .values({
      id: uploadId,
      user_id: userId,
      schema_id: newId(),
      schema_version: 1,
      file_name: 'x.csv',
      format: 'csv',
      sheet: null,
      bytes: 1,
      sha256: '0',
      storage_key: `uploads/${uploadId}/original`,
      idempotency_key: null,
      run_id: newId(),
    })
    .execute();
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

  it('writes nothing when aborted mid-way (a killed worker leaves no half attempt)', async () => {
    const copy = openIssueCopy(pool, uploadId, 2);
    await copy.write(Array.from({ length: 5000 }, (_, i) => issue(i + 2)));
    await copy.abort();
    expect(await listErrors(database.db, uploadId, 2, { limit: 10 })).toEqual([]);
  });

  it('refuses to write the same attempt twice instead of duplicating issues', async () => {
    const copy = openIssueCopy(pool, uploadId, 1);
    await copy.write([issue(2)]);
    await expect(copy.finish()).rejects.toThrow(/duplicate key/);
    expect(await listErrors(database.db, uploadId, 1, { limit: 10 })).toHaveLength(3);
  });

  it('opens no connection for a clean file', async () => {
    const copy = openIssueCopy(pool, uploadId, 3);
    expect(await copy.finish()).toBe(0);
    expect(pool.totalCount).toBeLessThanOrEqual(1);
  });
});
