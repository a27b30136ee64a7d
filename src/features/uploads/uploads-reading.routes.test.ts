/** Uploads end to end: reading results, revalidating, deleting, and the export rate limit. */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app.js';
import { loginUser, registerUser, type Session } from '../identity/identity.test-support.js';
import { useUploadsApp, auth } from './uploads-app.test-support.js';
import { ORDERS_SCHEMA, ordersCsv, waitForUpload, type UploadBody } from './uploads.test-support.js';

const app = useUploadsApp();
const { createSchema, uploadAndWait, getJson, outboxOf } = app;
let t: TestApp;
let storageDir: string;
let alice: Session;
let bob: Session;
let schemaId: string;
beforeAll(() => {
  ({ t, storageDir, alice, bob, schemaId } = app.current());
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
