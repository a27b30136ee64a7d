import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { openSpreadsheet } from '../../engine/index.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { getSchemaVersion } from './index.js';

const PEOPLE = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'status', type: 'string', constraints: { enum: ['active', 'inactive'] } },
  ],
};

function multipart(file: Buffer, filename = 'sample.csv', field = 'file') {
  const boundary = `----intake${randomBytes(6).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let t: TestApp;
let alice: Session;
let bob: Session;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, MAX_UPLOAD_MB: '1' });
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
});

afterAll(async () => {
  await t?.close();
});

async function createSchema(token: string, name = 'People', schema: object = PEOPLE) {
  const res = await call(t.app, 'POST', '/api/v1/schemas', { token, body: { name, schema } });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; name: string };
}

describe('schemas CRUD and versions', () => {
  it('creates version 1, updates to version 2, lists versions newest first, reads an old version', async () => {
    const created = await createSchema(alice.accessToken);
    expect(created).toMatchObject({ name: 'People', version: 1, owner_id: alice.userId, description: '' });

    const changed = { fields: [...PEOPLE.fields, { name: 'age', type: 'integer' }] };
    const put = await call(t.app, 'PUT', `/api/v1/schemas/${created.id}`, {
      token: alice.accessToken,
      body: { name: 'People v2', description: 'with age', schema: changed },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      version: 2,
      name: 'People v2',
      description: 'with age',
      schema: changed,
    });

    const versions = await call(t.app, 'GET', `/api/v1/schemas/${created.id}/versions?limit=1`, {
      token: alice.accessToken,
    });
    expect(versions.status).toBe(200);
    const page1 = versions.body as { results: { version: number }[]; next_cursor: string };
    expect(page1.results.map((v) => v.version)).toEqual([2]);
    const page2 = await call(
      t.app,
      'GET',
      `/api/v1/schemas/${created.id}/versions?limit=1&cursor=${page1.next_cursor}`,
      { token: alice.accessToken },
    );
    expect((page2.body.results as { version: number }[]).map((v) => v.version)).toEqual([1]);
    expect(page2.body.next_cursor).toBeNull();

    const v1 = await call(t.app, 'GET', `/api/v1/schemas/${created.id}?version=1`, {
      token: alice.accessToken,
    });
    expect(v1.body).toMatchObject({ version: 1, schema: PEOPLE });
    const missing = await call(t.app, 'GET', `/api/v1/schemas/${created.id}?version=9`, {
      token: alice.accessToken,
    });
    expect(missing.status).toBe(404);

    // The update is an outbox event for webhooks.
    const events = await t.deps.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('subject_id', '=', created.id)
      .execute();
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['schema.updated', { schema_id: created.id, name: 'People v2', version: 2 }],
    ]);
  });

  it('refuses an invalid Table Schema with 422 and the engine message, on create and update', async () => {
    const bad = { fields: [{ name: 'a', type: 'integer', constraints: { minimum: 'zero' } }] };
    const res = await call(t.app, 'POST', '/api/v1/schemas', {
      token: alice.accessToken,
      body: { name: 'Bad', schema: bad },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    expect(res.body.message).toMatch(/not a valid Table Schema: .*minimum/);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'schema', code: 'schema_invalid' })]);

    const created = await createSchema(alice.accessToken);
    const put = await call(t.app, 'PUT', `/api/v1/schemas/${created.id}`, {
      token: alice.accessToken,
      body: { name: 'x', schema: { fields: [] } },
    });
    expect(put.status).toBe(422);
    const still = await call(t.app, 'GET', `/api/v1/schemas/${created.id}`, { token: alice.accessToken });
    expect(still.body.version).toBe(1);
  });

  it('validates the request body (unknown keys, missing name) and requires auth', async () => {
    const extra = await call(t.app, 'POST', '/api/v1/schemas', {
      token: alice.accessToken,
      body: { name: 'x', schema: PEOPLE, owner_id: bob.userId },
    });
    expect(extra.status).toBe(422);
    const noName = await call(t.app, 'POST', '/api/v1/schemas', {
      token: alice.accessToken,
      body: { schema: PEOPLE },
    });
    expect(noName.status).toBe(422);
    const anonymous = await call(t.app, 'GET', '/api/v1/schemas');
    expect(anonymous.status).toBe(401);
  });

  it('keeps schemas private: another user gets 404 and never sees them in the list', async () => {
    const created = await createSchema(alice.accessToken, 'Private');
    for (const [method, url] of [
      ['GET', `/api/v1/schemas/${created.id}`],
      ['GET', `/api/v1/schemas/${created.id}/versions`],
      ['GET', `/api/v1/schemas/${created.id}/template.xlsx`],
      ['DELETE', `/api/v1/schemas/${created.id}`],
    ] as const) {
      const res = await call(t.app, method, url, { token: bob.accessToken });
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    const put = await call(t.app, 'PUT', `/api/v1/schemas/${created.id}`, {
      token: bob.accessToken,
      body: { name: 'mine now', schema: PEOPLE },
    });
    expect(put.status).toBe(404);
    const list = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: bob.accessToken });
    expect((list.body.results as { id: string }[]).map((s) => s.id)).not.toContain(created.id);
    expect(await getSchemaVersion(t.deps.db, { schemaId: created.id, userId: bob.userId })).toBeNull();
  });

  it('paginates the list with a cursor and rejects a forged cursor', async () => {
    const carol = await registerUser(t.app);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await createSchema(carol.accessToken, `S${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(t.app, 'GET', `/api/v1/schemas?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: carol.accessToken,
      });
      expect(res.status).toBe(200);
      seen.push(...(res.body.results as { id: string }[]).map((s) => s.id));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toEqual(ids);
    const forged = await call(t.app, 'GET', '/api/v1/schemas?cursor=bm9wZQ', { token: carol.accessToken });
    expect(forged.status).toBe(422);
  });

  it('deletes: gone from the API and from "latest", but an exact version still resolves for old uploads', async () => {
    const created = await createSchema(alice.accessToken, 'Doomed');
    const del = await call(t.app, 'DELETE', `/api/v1/schemas/${created.id}`, { token: alice.accessToken });
    expect(del.status).toBe(204);
    const get = await call(t.app, 'GET', `/api/v1/schemas/${created.id}`, { token: alice.accessToken });
    expect(get.status).toBe(404);
    expect(await getSchemaVersion(t.deps.db, { schemaId: created.id, userId: alice.userId })).toBeNull();
    const old = await getSchemaVersion(t.deps.db, { schemaId: created.id, version: 1, userId: alice.userId });
    expect(old).toMatchObject({ schemaId: created.id, version: 1, name: 'Doomed' });
    expect(old?.schema.fields.map((f) => f.name)).toEqual(['id', 'email', 'status']);
  });

  it('getSchemaVersion resolves the latest version as a parsed TableSchema, and null for junk ids', async () => {
    const created = await createSchema(alice.accessToken);
    const latest = await getSchemaVersion(t.deps.db, { schemaId: created.id, userId: alice.userId });
    expect(latest).toMatchObject({ schemaId: created.id, version: 1, name: 'People' });
    expect(latest?.schema.fields[0]).toMatchObject({ name: 'id', type: 'integer' });
    expect(await getSchemaVersion(t.deps.db, { schemaId: 'nope', userId: alice.userId })).toBeNull();
  });
});

describe('POST /api/v1/schemas/infer', () => {
  async function inferTempDirs(): Promise<string[]> {
    return (await readdir(tmpdir())).filter((n) => n.startsWith('intake-infer-'));
  }

  it('drafts a schema from a CSV sample, saves nothing and removes the temp file', async () => {
    const before = await inferTempDirs();
    const csv =
      'id,email,joined\n1,a@example.com,2024-01-02\n2,b@example.com,2024-02-03\n3,c@example.com,2024-03-04\n';
    const form = multipart(Buffer.from(csv));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { schema: { fields: { name: string; type: string }[] }; saved: boolean };
    expect(body.saved).toBe(false);
    expect(body.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['email', 'string'],
      ['joined', 'date'],
    ]);
    expect(await inferTempDirs()).toEqual(before);
    const count = await t.deps.db
      .selectFrom('schemas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', alice.userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const list = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: alice.accessToken });
    expect((list.body.results as unknown[]).length).toBe(count.n);
  });

  it('answers 415 for a file that is not a spreadsheet and for a non-multipart body', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(200),
    ]);
    const form = multipart(png, 'picture.png');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: 'unsupported_media_type' });

    const json = await call(t.app, 'POST', '/api/v1/schemas/infer', {
      token: alice.accessToken,
      body: { file: 'a,b' },
    });
    expect(json.status).toBe(415);
  });

  it('answers 400 for a truncated multipart body', async () => {
    const form = multipart(Buffer.from('a,b\n1,2\n'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload.subarray(0, form.payload.length - 20),
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers 413 past MAX_UPLOAD_MB and 422 without a file field', async () => {
    const big = Buffer.from('a,b\n' + '1,2\n'.repeat(400_000));
    const form = multipart(big);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });

    const wrongField = multipart(Buffer.from('a\n1\n'), 'x.csv', 'sample');
    const res2 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...wrongField.headers },
      payload: wrongField.payload,
    });
    expect(res2.statusCode).toBe(422);
  });
});

describe('GET /api/v1/schemas/{id}/template.xlsx', () => {
  it('returns a workbook whose header row is the schema fields (read back with the engine)', async () => {
    const created = await createSchema(alice.accessToken, 'People / 2024');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/schemas/${created.id}/template.xlsx`,
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toBe('attachment; filename="People _ 2024.xlsx"');
    const dir = await mkdtemp(path.join(tmpdir(), 'intake-template-test-'));
    try {
      const file = path.join(dir, 'template.xlsx');
      await writeFile(file, res.rawPayload);
      const sheet = await openSpreadsheet(file);
      try {
        expect(sheet.format).toBe('xlsx');
        for await (const batch of sheet.rows()) {
          expect(batch[0]?.cells.map((c) => c?.v)).toEqual(['id', 'email', 'status']);
          break;
        }
      } finally {
        await sheet.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
