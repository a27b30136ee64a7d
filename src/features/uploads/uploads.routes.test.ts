/**
 * Uploads end to end: the real app and job worker on a real PostgreSQL, files in a real storage
 * directory, every call over HTTP (inject).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpreadsheet, type Row } from '../../engine/index.js';
import { registerJobHandlers } from '../../jobs/index.js';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { loginUser, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import {
  multipartBody,
  ORDERS_SCHEMA,
  ordersCsv,
  waitForUpload,
  type FilePart,
  type UploadBody,
} from './uploads.test-support.js';

let t: TestApp;
let storageDir: string;
let alice: Session;
let bob: Session;
let schemaId: string;

const auth = (s: Session) => ({ authorization: `Bearer ${s.accessToken}` });

async function createSchema(owner: Session, schema: unknown): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: auth(owner),
    payload: { name: `orders ${Math.random()}`, schema },
  });
  if (response.statusCode !== 201) throw new Error(`schema: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

async function upload(
  owner: Session,
  file: FilePart | undefined,
  fields: Record<string, string> = { schema_id: schemaId },
  headers: Record<string, string> = {},
) {
  const body = multipartBody(fields, file);
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { ...auth(owner), ...body.headers, ...headers },
    payload: body.payload,
  });
  return response;
}

async function uploadAndWait(owner: Session, file: FilePart, schema = schemaId): Promise<UploadBody> {
  const response = await upload(owner, file, { schema_id: schema });
  expect(response.statusCode, response.body).toBe(202);
  return waitForUpload(t.app, owner.accessToken, response.json<{ id: string }>().id);
}

async function getJson<T>(owner: Session, url: string): Promise<{ status: number; body: T }> {
  const response = await t.app.inject({ method: 'GET', url, headers: auth(owner) });
  return { status: response.statusCode, body: response.json<T>() };
}

async function outboxOf(uploadId: string) {
  return t.deps.db
    .selectFrom('outbox_events')
    .select(['type', 'user_id', 'data'])
    .where('subject_id', '=', uploadId)
    .orderBy('seq')
    .execute();
}

async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Orders');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'intake-uploads-'));
  t = await buildTestApp({
    ...RELAXED_LIMITS,
    STORAGE_DIR: storageDir,
    MAX_UPLOAD_MB: '12',
    RATE_LIMIT_EXPORT: '20',
    MAX_STORED_ERRORS: '2000',
    JOB_RETRY_LIMIT: '1',
    JOB_RETRY_DELAY: '0',
    JOB_POLL_INTERVAL_MS: '500',
    // Progress saved and polled every 20 ms, so the SSE test sees a validation midway however
    // fast this machine runs it.
    UPLOAD_PROGRESS_MS: '20',
  });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
  schemaId = await createSchema(alice, ORDERS_SCHEMA);
});

afterAll(async () => {
  await t?.close();
  await rm(storageDir, { recursive: true, force: true });
});

describe('POST /api/v1/uploads → validation → report', () => {
  it('validates a clean CSV: 202 queued with Location, then valid with counts', async () => {
    const response = await upload(alice, { filename: 'orders.csv', content: ordersCsv(200) });
    expect(response.statusCode, response.body).toBe(202);
    const created = response.json<UploadBody>();
    expect(created).toMatchObject({
      status: 'queued',
      file_name: 'orders.csv',
      format: 'csv',
      schema_id: schemaId,
    });
    expect(response.headers.location).toBe(`/api/v1/uploads/${created.id}`);
    expect(created.sha256).toMatch(/^[0-9a-f]{64}$/);

    const done = await waitForUpload(t.app, alice.accessToken, created.id);
    expect(done).toMatchObject({
      status: 'valid',
      rows_total: 200,
      rows_valid: 200,
      rows_invalid: 0,
      error_count: 0,
      errors_by_code: {},
      errors_truncated: false,
      error: null,
    });
    expect(done.progress.rows_processed).toBeGreaterThan(0);
    expect(typeof done.started_at).toBe('string');
    // Both events went to the outbox in the transactions that made them true.
    const events = await outboxOf(created.id);
    expect(events.map((e) => e.type)).toEqual(['upload.received', 'validation.completed']);
    expect(events[0]).toMatchObject({
      user_id: alice.userId,
      data: { upload_id: created.id, format: 'csv' },
    });
    expect(events[1].data).toMatchObject({ status: 'valid', rows_total: 200, error_count: 0 });
    expect(typeof done.finished_at).toBe('string');
  });

  it('reports an invalid xlsx with every issue, paginated and filtered', async () => {
    const rows: unknown[][] = [['id', 'sku', 'email', 'price', 'status']];
    for (let i = 1; i <= 300; i++) {
      rows.push([
        i,
        `SKU-${10000 + i}`,
        `u${i}@example.com`,
        i % 10 === 0 ? -1 : 5,
        i % 25 === 0 ? 'lost' : 'active',
      ]);
    }
    const done = await uploadAndWait(alice, { filename: 'orders.xlsx', content: await xlsxOf(rows) });
    expect(done).toMatchObject({
      status: 'invalid',
      format: 'xlsx',
      rows_total: 300,
      rows_invalid: 36,
      error_count: 42,
      errors_by_code: { minimum: 30, enum: 12 },
      errors_stored: 42,
    });

    const seen: Array<{ row: number; code: string }> = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { results: Array<{ row: number; code: string; cell: string }>; next_cursor: string | null };
      } = await getJson(
        alice,
        `/api/v1/uploads/${done.id}/errors?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.results);
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(42);
    expect(seen[0]).toMatchObject({ row: 11, column: 'price', cell: 'D11', code: 'minimum', value: '-1' });

    const byCode = await getJson<{ results: Array<{ code: string; column: string }> }>(
      alice,
      `/api/v1/uploads/${done.id}/errors?code=enum&limit=1000`,
    );
    expect(byCode.body.results).toHaveLength(12);
    expect(byCode.body.results.every((e) => e.code === 'enum' && e.column === 'status')).toBe(true);
    const byColumn = await getJson<{ results: unknown[] }>(
      alice,
      `/api/v1/uploads/${done.id}/errors?column=price&limit=1000`,
    );
    expect(byColumn.body.results).toHaveLength(30);

    // The errors CSV, streamed from the database.
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${done.id}/errors.csv`,
      headers: auth(alice),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('filename="orders-errors.csv"');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('row,column,cell,code,message,value');
    expect(lines).toHaveLength(43);
    expect(lines[1]).toMatch(/^11,price,D11,minimum,.*,'-1$/);

    // The annotated workbook opens with the engine: the data sheet, then the Errors sheet.
    const annotated = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${done.id}/annotated.xlsx`,
      headers: auth(alice),
    });
    expect(annotated.statusCode, annotated.body.slice(0, 200)).toBe(200);
    const path = join(storageDir, 'read-back.xlsx');
    await writeFile(path, annotated.rawPayload);
    const opened = await openSpreadsheet(path);
    const read: Row[] = [];
    for await (const batch of opened.rows()) read.push(...batch);
    await opened.close();
    expect(opened.format).toBe('xlsx');
    expect(opened.sheets.map((s) => s.name)).toEqual(['Orders', 'Errors']);
    expect(read).toHaveLength(301);
    const errorsSheet = await openSpreadsheet(path, { sheet: 'Errors' });
    let errorRows = 0;
    for await (const batch of errorsSheet.rows()) errorRows += batch.length;
    await errorsSheet.close();
    expect(errorRows).toBeGreaterThanOrEqual(43);
    // Made once, then served from storage.
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${done.id}/annotated.xlsx`,
      headers: auth(alice),
    });
    expect(again.rawPayload.equals(annotated.rawPayload)).toBe(true);
    expect((await readdir(join(storageDir, 'uploads', done.id))).sort()).toEqual([
      'annotated-1.xlsx',
      'original',
    ]);

    // The valid rows, cast, paginated by row number.
    const valid = await getJson<{
      results: Array<{ row: number; valid: boolean; values: Record<string, unknown> }>;
      next_cursor: string | null;
    }>(alice, `/api/v1/uploads/${done.id}/rows?valid=true&limit=9`);
    expect(valid.body.results.map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(valid.body.results[0]).toEqual({
      row: 2,
      valid: true,
      values: { id: 1, sku: 'SKU-10001', email: 'u1@example.com', price: 5, status: 'active' },
    });
    expect(valid.body.next_cursor).toBe('10');
    const next = await getJson<{ results: Array<{ row: number }> }>(
      alice,
      `/api/v1/uploads/${done.id}/rows?valid=true&limit=2&cursor=10`,
    );
    expect(next.body.results.map((r) => r.row)).toEqual([12, 13]);
  });

  it('accepts a corrupt workbook and fails it with the engine code, without retrying', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(4000, 0x41)]);
    const done = await uploadAndWait(alice, { filename: 'broken.xlsx', content: corrupt });
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('corrupt_file');
    expect(done.error?.message.length).toBeGreaterThan(10);
    const errors = await getJson<{ error: string }>(alice, `/api/v1/uploads/${done.id}/errors`);
    expect(errors.status).toBe(409);
    const events = await outboxOf(done.id);
    expect(events.map((e) => e.type)).toEqual(['upload.received', 'validation.failed']);
    expect(events[1].data).toMatchObject({ status: 'failed', error: { code: 'corrupt_file' } });
    const attempts = await t.deps.db
      .selectFrom('uploads')
      .select('attempt')
      .where('id', '=', done.id)
      .executeTakeFirstOrThrow();
    expect(attempts.attempt).toBe(1);
  });

  it('streams progress as Server-Sent Events while validating, then a final event', async () => {
    const created = (
      await upload(alice, { filename: 'big.csv', content: ordersCsv(200_000, 100) })
    ).json<UploadBody>();
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${created.id}/events`,
      headers: auth(alice),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = response.body
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => {
        const [head, data] = block.split('\n');
        return {
          name: head.slice('event: '.length),
          data: JSON.parse(data.slice('data: '.length)) as UploadBody,
        };
      });
    const progress = events.slice(0, -1);
    expect(progress.every((e) => e.name === 'progress')).toBe(true);
    const midway = progress.filter(
      (e) => e.data.status === 'validating' && e.data.progress.rows_processed > 0,
    );
    expect(midway.length).toBeGreaterThanOrEqual(1);
    expect(midway[0].data.progress.rows_processed).toBeLessThan(200_000);
    expect(midway[0].data.progress.bytes_total).toBe(created.bytes);
    const last = events.at(-1)!;
    expect(last.name).toBe('done');
    // MAX_STORED_ERRORS caps what is stored, never what is counted, and the resource says so.
    expect(last.data).toMatchObject({
      status: 'invalid',
      rows_total: 200_000,
      error_count: 3000,
      errors_by_code: { minimum: 2000, enum: 1000 },
      errors_stored: 2000,
      errors_truncated: true,
    });
    const tail = await getJson<{ results: unknown[]; next_cursor: string | null }>(
      alice,
      `/api/v1/uploads/${created.id}/errors?limit=1000&cursor=1000`,
    );
    expect(tail.body.results).toHaveLength(1000);
    expect(tail.body.next_cursor).toBeNull();
  });
});

describe('sheets', () => {
  it('validates the named sheet, and fails with sheet_not_found for a missing one', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['not', 'orders']);
    const orders = workbook.addWorksheet('Orders');
    orders.addRow(['id', 'sku', 'email', 'price', 'status']);
    orders.addRow([1, 'SKU-10001', 'a@example.com', 3, 'active']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const named = await upload(
      alice,
      { filename: 'two.xlsx', content },
      { schema_id: schemaId, sheet: 'Orders' },
    );
    expect(named.statusCode).toBe(202);
    expect(named.json<UploadBody>().sheet).toBe('Orders');
    expect(await waitForUpload(t.app, alice.accessToken, named.json<UploadBody>().id)).toMatchObject({
      status: 'valid',
      rows_total: 1,
    });
    const missing = await upload(
      alice,
      { filename: 'two.xlsx', content },
      { schema_id: schemaId, sheet: 'Nope' },
    );
    const failed = await waitForUpload(t.app, alice.accessToken, missing.json<UploadBody>().id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'sheet_not_found' } });
  });
});

describe('refusals', () => {
  it('413 payload_too_large past MAX_UPLOAD_MB, and nothing stays in storage', async () => {
    const before = await readdir(join(storageDir, 'uploads')).catch(() => []);
    const response = await upload(alice, { filename: 'huge.csv', content: ordersCsv(260_000) });
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large' });
    expect((await readdir(join(storageDir, 'uploads')).catch(() => [])).length).toBe(before.length);
  });

  it.each([
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['binary junk', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    [
      'a legacy .xls',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]),
    ],
  ])('415 unsupported_media_type for %s, sniffed from the bytes', async (_what, content) => {
    const response = await upload(alice, { filename: 'orders.csv', content });
    expect(response.statusCode, response.body).toBe(415);
    expect(response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('422 for a missing file, a bad or foreign schema_id, unknown fields', async () => {
    const csv = { filename: 'a.csv', content: ordersCsv(2) };
    expect((await upload(alice, undefined)).statusCode).toBe(422);
    expect((await upload(alice, csv, { schema_id: 'nope' })).statusCode).toBe(422);
    expect((await upload(bob, csv)).json()).toMatchObject({
      error: 'validation_error',
      details: [{ field: 'schema_id' }],
    });
    expect((await upload(alice, csv, { schema_id: schemaId, extra: 'x' })).statusCode).toBe(422);
  });

  it('415 for a JSON body and 401 without a token', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: auth(alice),
      payload: { schema_id: schemaId },
    });
    expect(json.statusCode).toBe(415);
    const body = multipartBody({ schema_id: schemaId }, { filename: 'a.csv', content: ordersCsv(2) });
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: body.headers,
      payload: body.payload,
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('Idempotency-Key', () => {
  it('returns the same upload for the same key and file, and 422 for the key with another file', async () => {
    const key = { 'idempotency-key': `k-${Math.random()}` };
    const file = { filename: 'same.csv', content: ordersCsv(5) };
    const first = await upload(alice, file, { schema_id: schemaId }, key);
    expect(first.statusCode).toBe(202);
    const second = await upload(alice, file, { schema_id: schemaId }, key);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json<UploadBody>().id).toBe(first.json<UploadBody>().id);
    const other = await upload(
      alice,
      { filename: 'same.csv', content: ordersCsv(6) },
      { schema_id: schemaId },
      key,
    );
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ error: 'idempotency_key_reused' });
    // The key is per user: Bob's upload with it is his own.
    const bobSchema = await createSchema(bob, ORDERS_SCHEMA);
    const bobs = await upload(bob, file, { schema_id: bobSchema }, key);
    expect(bobs.statusCode).toBe(202);
    const mine = await getJson<{ results: UploadBody[] }>(alice, '/api/v1/uploads?limit=100');
    expect(mine.body.results.filter((u) => u.id === first.json<UploadBody>().id)).toHaveLength(1);
    const stored = await t.deps.db
      .selectFrom('uploads')
      .select('id')
      .where('idempotency_key', '=', key['idempotency-key'])
      .execute();
    expect(stored).toHaveLength(2);
  });
});

describe('concurrent requests with one Idempotency-Key', () => {
  it('make one upload; the losers of the race roll back and remove their stored file', async () => {
    const key = { 'idempotency-key': `race-${Math.random()}` };
    const file = { filename: 'race.csv', content: ordersCsv(50) };
    const before = new Set(await readdir(join(storageDir, 'uploads')).catch(() => []));
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => upload(alice, file, { schema_id: schemaId }, key)),
    );
    const ids = new Set(responses.map((r) => r.json<UploadBody>().id));
    expect(ids.size).toBe(1);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 202]);
    const added = (await readdir(join(storageDir, 'uploads'))).filter((name) => !before.has(name));
    expect(added).toEqual([...ids]);
  });
});

describe('reading, revalidating, deleting', () => {
  it('lists own uploads newest first with a cursor and filters; others get 404', async () => {
    const a = await uploadAndWait(alice, { filename: 'l1.csv', content: ordersCsv(3) });
    const b = await uploadAndWait(alice, { filename: 'l2.csv', content: ordersCsv(3, 2) });
    const page1 = await getJson<{ results: UploadBody[]; next_cursor: string }>(
      alice,
      '/api/v1/uploads?limit=1',
    );
    expect(page1.body.results[0].id).toBe(b.id);
    const page2 = await getJson<{ results: UploadBody[] }>(
      alice,
      `/api/v1/uploads?limit=1&cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.results[0].id).toBe(a.id);
    const invalid = await getJson<{ results: UploadBody[] }>(
      alice,
      `/api/v1/uploads?status=invalid&schema_id=${schemaId}&limit=100`,
    );
    expect(invalid.body.results.every((u) => u.status === 'invalid')).toBe(true);
    expect(invalid.body.results.map((u) => u.id)).toContain(b.id);
    expect((await getJson(bob, `/api/v1/uploads/${a.id}`)).status).toBe(404);
    expect(
      (await getJson<{ results: unknown[] }>(bob, '/api/v1/uploads')).body.results.map(
        (u) => (u as UploadBody).id,
      ),
    ).not.toContain(a.id);
  });

  it('serves the original file with a safe Content-Disposition', async () => {
    const content = ordersCsv(3);
    const done = await uploadAndWait(alice, { filename: 'r\u00e9sum\u00e9 (v2).csv', content });
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${done.id}/file`,
      headers: auth(alice),
    });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(content)).toBe(true);
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="resume (v2).csv"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%28v2%29.csv`,
    );
  });

  it('fails the upload with validation_error once retries of a transient failure run out', async () => {
    const done = await uploadAndWait(alice, { filename: 'gone.csv', content: ordersCsv(10) });
    // The stored original vanishes (a storage outage): not the engine's fault, so it is retried.
    await rm(join(storageDir, 'uploads', done.id, 'original'));
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${done.id}/revalidate`,
      headers: auth(alice),
    });
    expect(again.statusCode).toBe(202);
    const failed = await waitForUpload(t.app, alice.accessToken, done.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('validation_error');
    expect(failed.error?.message).not.toContain(storageDir);
    const row = await t.deps.db
      .selectFrom('uploads')
      .select('attempt')
      .where('id', '=', done.id)
      .executeTakeFirstOrThrow();
    // The first run, then the revalidation's first try and its one retry (JOB_RETRY_LIMIT=1).
    expect(row.attempt).toBe(3);
    expect((await outboxOf(done.id)).map((e) => e.type).at(-1)).toBe('validation.failed');
  });

  it('revalidates with new results replacing the old, then deletes file and results', async () => {
    const done = await uploadAndWait(alice, { filename: 'rv.csv', content: ordersCsv(10, 5) });
    expect(done.error_count).toBe(3);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${done.id}/revalidate`,
      headers: auth(alice),
    });
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json<UploadBody>().status).toBe('queued');
    const redone = await waitForUpload(t.app, alice.accessToken, done.id);
    expect(redone).toMatchObject({ status: 'invalid', error_count: 3 });
    const rows = await t.deps.db
      .selectFrom('upload_errors')
      .select(['attempt'])
      .where('upload_id', '=', done.id)
      .execute();
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.attempt))).toEqual(new Set([2]));

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/uploads/${done.id}`,
      headers: auth(alice),
    });
    expect(deleted.statusCode).toBe(204);
    expect((await getJson(alice, `/api/v1/uploads/${done.id}`)).status).toBe(404);
    expect(
      await t.deps.db.selectFrom('upload_errors').select('seq').where('upload_id', '=', done.id).execute(),
    ).toEqual([]);
    expect((await readdir(join(storageDir, 'uploads'))).includes(done.id)).toBe(false);
  });

  it("deleting a user removes its uploads' stored files with their rows", async () => {
    const carol = await registerUser(t.app);
    const carolSchema = await createSchema(carol, ORDERS_SCHEMA);
    const done = await uploadAndWait(carol, { filename: 'gone.csv', content: ordersCsv(10, 5) }, carolSchema);
    // The annotated workbook is stored too once asked for: both files must go.
    const annotated = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${done.id}/annotated.xlsx`,
      headers: auth(carol),
    });
    expect(annotated.statusCode).toBe(200);
    expect((await readdir(join(storageDir, 'uploads', done.id))).length).toBeGreaterThanOrEqual(2);

    const admin = await registerUser(t.app);
    await t.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    const adminSession = await loginUser(t.app, admin.email, admin.password);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${carol.userId}`,
      headers: auth(adminSession),
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(await t.deps.db.selectFrom('uploads').select('id').where('id', '=', done.id).execute()).toEqual(
      [],
    );
    expect((await readdir(join(storageDir, 'uploads'))).includes(done.id)).toBe(false);
  });
});

describe('export rate limit', () => {
  it('allows RATE_LIMIT_EXPORT exports per hour per user across the export endpoints, then 429', async () => {
    const done = await uploadAndWait(alice, { filename: 'limit.csv', content: ordersCsv(5, 2) });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads/${done.id}/errors.csv`,
        headers: auth(alice),
      });
      statuses.push(r.statusCode);
      if (r.statusCode === 429) {
        expect(r.json()).toMatchObject({ error: 'rate_limited' });
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        break;
      }
    }
    expect(statuses.at(-1)).toBe(429);
    // One bucket for all exports; reading the report itself is not an export.
    const annotated = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${done.id}/annotated.xlsx`,
      headers: auth(alice),
    });
    expect(annotated.statusCode).toBe(429);
    expect((await getJson(alice, `/api/v1/uploads/${done.id}/errors`)).status).toBe(200);
    // Another user's bucket is untouched.
    const bobsUpload = await uploadAndWait(
      bob,
      { filename: 'b.csv', content: ordersCsv(3) },
      await createSchema(bob, ORDERS_SCHEMA),
    );
    const bobs = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${bobsUpload.id}/errors.csv`,
      headers: auth(bob),
    });
    expect(bobs.statusCode).toBe(200);
  });
});
