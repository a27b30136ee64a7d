/**
 * Uploads end to end: the real app and job worker on a real PostgreSQL, files in a real storage
 * directory, every call over HTTP (inject). Upload → validation → report, and sheets.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSpreadsheet, type Row } from '../../engine/index.js';
import type { TestApp } from '../../../test/app.js';
import type { Session } from '../identity/identity.test-support.js';
import { useUploadsApp, auth, xlsxOf } from './uploads-app.test-support.js';
import { ordersCsv, waitForUpload, type UploadBody } from './uploads.test-support.js';

const app = useUploadsApp();
const { upload, uploadAndWait, getJson, outboxOf } = app;
let t: TestApp;
let storageDir: string;
let alice: Session;
let schemaId: string;
beforeAll(() => {
  ({ t, storageDir, alice, schemaId } = app.current());
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
