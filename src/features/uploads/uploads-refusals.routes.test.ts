/** Uploads end to end: what is refused (413, 415, 422 …) and the Idempotency-Key. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app.js';
import type { Session } from '../identity/identity.test-support.js';
import { useUploadsApp, auth } from './uploads-app.test-support.js';
import { multipartBody, ORDERS_SCHEMA, ordersCsv, type UploadBody } from './uploads.test-support.js';

const app = useUploadsApp();
const { createSchema, upload, getJson } = app;
let t: TestApp;
let storageDir: string;
let alice: Session;
let bob: Session;
let schemaId: string;
beforeAll(() => {
  ({ t, storageDir, alice, bob, schemaId } = app.current());
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
