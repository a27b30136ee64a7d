/**
 * Issue 7: a schema's confirmed header mappings apply to validation. An upload with a messy header
 * fails on missing/extra columns; once the mapping is confirmed (POST /ai/mappings/confirm, rules
 * and a person, no model) a revalidation matches the column, the upload records the mapping it used,
 * and the rows re-read use it too. Real app, worker and PostgreSQL, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobHandlers } from '../../jobs/index.js';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, waitForUpload, type UploadBody } from './uploads.test-support.js';

let t: TestApp;
let alice: Session;
let schemaId: string;

const auth = (s: Session) => ({ authorization: `Bearer ${s.accessToken}` });

const MESSY_CSV = Buffer.from(
  'id,sku,email,Unit Price (EUR),status\n' +
    '1,SKU-10001,a@example.com,10.5,active\n' +
    '2,SKU-10002,b@example.com,3,pending\n',
);

beforeAll(async () => {
  // No ANTHROPIC_API_KEY: AI is off; confirming a mapping needs no model.
  t = await buildTestApp({ ...RELAXED_LIMITS, JOB_POLL_INTERVAL_MS: '500' });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  alice = await registerUser(t.app);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: auth(alice),
    payload: { name: 'orders', schema: ORDERS_SCHEMA },
  });
  expect(created.statusCode, created.body).toBe(201);
  schemaId = created.json<{ id: string }>().id;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function uploadMessy(): Promise<UploadBody> {
  const body = multipartBody({ schema_id: schemaId }, { filename: 'messy.csv', content: MESSY_CSV });
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { ...auth(alice), ...body.headers },
    payload: body.payload,
  });
  expect(response.statusCode, response.body).toBe(202);
  return waitForUpload(t.app, alice.accessToken, response.json<{ id: string }>().id);
}

describe('confirmed header mappings in validation', () => {
  it('a messy header fails; after confirming the mapping, revalidation passes and records it', async () => {
    const first = await uploadMessy();
    expect(first.status).toBe('invalid');
    expect(first.errors_by_code).toMatchObject({ missing_column: 1, extra_column: 1 });
    expect(first.header_mapping).toEqual({});

    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/mappings/confirm',
      headers: auth(alice),
      payload: { schema_id: schemaId, mappings: [{ header: 'Unit Price (EUR)', field: 'price' }] },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${first.id}/revalidate`,
      headers: auth(alice),
    });
    expect(again.statusCode, again.body).toBeLessThan(300);
    const done = await waitForUpload(t.app, alice.accessToken, first.id);
    expect(done.status).toBe('valid');
    expect(done.error_count).toBe(0);
    expect(done.header_mapping).toEqual({ 'unit price (eur)': 'price' });

    // The rows re-read with the recorded mapping: price is bound, so the rows are valid with it.
    const rows = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${first.id}/rows`,
      headers: auth(alice),
    });
    expect(rows.statusCode, rows.body).toBe(200);
    const results = rows.json<{
      results: { row: number; valid: boolean; values: Record<string, unknown> }[];
    }>().results;
    expect(results.map((r) => [r.valid, r.values.price])).toEqual([
      [true, 10.5],
      [true, 3],
    ]);
  });

  it('a new upload of the same messy file is valid at once', async () => {
    const done = await uploadMessy();
    expect(done.status).toBe('valid');
    expect(done.header_mapping).toEqual({ 'unit price (eur)': 'price' });
  });
  it('a header confirmed as no field is ignored on the next upload (no extra_column)', async () => {
    const withExtra =
      'id,sku,email,Unit Price (EUR),status,Internal ref\n' + '1,SKU-10001,a@example.com,10.5,active,x-1\n';
    const send = async (): Promise<UploadBody> => {
      const body = multipartBody(
        { schema_id: schemaId },
        { filename: 'extra.csv', content: Buffer.from(withExtra) },
      );
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { ...auth(alice), ...body.headers },
        payload: body.payload,
      });
      expect(response.statusCode, response.body).toBe(202);
      return waitForUpload(t.app, alice.accessToken, response.json<{ id: string }>().id);
    };
    const first = await send();
    expect(first.errors_by_code).toEqual({ extra_column: 1 });

    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/mappings/confirm',
      headers: auth(alice),
      payload: { schema_id: schemaId, mappings: [{ header: 'Internal ref', field: null }] },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);

    const second = await send();
    expect(second.status).toBe('valid');
    expect(second.header_mapping).toMatchObject({ 'internal ref': null });
  });
});
