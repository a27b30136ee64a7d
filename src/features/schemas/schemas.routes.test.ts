import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { makeAdmin } from '../access/access.test-support.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { getSchemaVersion } from './index.js';

const PEOPLE = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'status', type: 'string', constraints: { enum: ['active', 'inactive'] } },
  ],
};

let t: TestApp;
let alice: Session;
let bob: Session;

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
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

  it('lets an admin see and read any schema', async () => {
    const created = await createSchema(alice.accessToken, 'Seen by admin');
    // Promoted in the database, then signed in again (a login refreshes the cached role).
    const admin = await makeAdmin(t);
    const res = await call(t.app, 'GET', `/api/v1/schemas/${created.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ owner_id: alice.userId, name: 'Seen by admin' });
    expect(await getSchemaVersion(t.deps.db, { schemaId: created.id, userId: admin.userId })).not.toBeNull();
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
