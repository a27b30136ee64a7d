/**
 * Object rules across features (owners act on their own; managers and admins on everyone's) and
 * the audit rows of schema changes and upload deletion, written in the same transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { call, RELAXED_LIMITS, registerUser } from '../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, ordersCsv } from '../uploads/uploads.test-support.js';
import { makeAdmin, makeUser, type Principal } from './access.test-support.js';

let t: TestApp;
let admin: Principal;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, WORKER: 'off' });
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

async function actions(targetId: string): Promise<string[]> {
  const rows = await t.deps.db
    .selectFrom('audit_events')
    .select('action')
    .where('target_id', '=', targetId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

describe('object rules and audit across features', () => {
  it('a manager acts on another user’s schema, a plain user cannot see it; schema.* rows are written', async () => {
    const owner = await registerUser(t.app);
    const other = await registerUser(t.app);
    const manager = await makeUser(t.app, admin, 'manager');
    const created = await call(t.app, 'POST', '/api/v1/schemas', {
      token: owner.accessToken,
      body: { name: 'Orders', schema: ORDERS_SCHEMA },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: other.accessToken })).status).toBe(
      404,
    );
    const list = await call(t.app, 'GET', '/api/v1/schemas', { token: other.accessToken });
    expect((list.body.results as { id: string }[]).some((s) => s.id === id)).toBe(false);
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: manager.token })).status).toBe(200);
    const updated = await call(t.app, 'PUT', `/api/v1/schemas/${id}`, {
      token: manager.token,
      body: { name: 'Orders v2', schema: ORDERS_SCHEMA },
    });
    expect(updated.status).toBe(200);
    expect((await call(t.app, 'DELETE', `/api/v1/schemas/${id}`, { token: manager.token })).status).toBe(204);
    expect(await actions(id)).toEqual(['schema.created', 'schema.updated', 'schema.deleted']);
  });

  it('a manager sees and deletes another user’s webhook endpoint; a plain user gets 404', async () => {
    const owner = await registerUser(t.app);
    const other = await registerUser(t.app);
    const manager = await makeUser(t.app, admin, 'manager');
    const created = await call(t.app, 'POST', '/api/v1/webhooks', {
      token: owner.accessToken,
      body: { url: 'http://127.0.0.1:9/hook', event_types: ['upload.received'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await call(t.app, 'GET', `/api/v1/webhooks/${id}`, { token: other.accessToken })).status).toBe(
      404,
    );
    expect((await call(t.app, 'DELETE', `/api/v1/webhooks/${id}`, { token: other.accessToken })).status).toBe(
      404,
    );
    expect((await call(t.app, 'GET', `/api/v1/webhooks/${id}`, { token: manager.token })).status).toBe(200);
    expect((await call(t.app, 'DELETE', `/api/v1/webhooks/${id}`, { token: manager.token })).status).toBe(
      204,
    );
  });

  it('upload.deleted is recorded with the actor', async () => {
    const owner = await registerUser(t.app);
    const schema = await call(t.app, 'POST', '/api/v1/schemas', {
      token: owner.accessToken,
      body: { name: 'Orders', schema: ORDERS_SCHEMA },
    });
    const body = multipartBody(
      { schema_id: schema.body.id as string },
      { filename: 'a.csv', content: ordersCsv(3) },
    );
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { authorization: `Bearer ${owner.accessToken}`, ...body.headers },
      payload: body.payload,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    const uploadId = upload.json<{ id: string }>().id;
    expect(
      (await call(t.app, 'DELETE', `/api/v1/uploads/${uploadId}`, { token: owner.accessToken })).status,
    ).toBe(204);
    const rows = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', uploadId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'upload.deleted',
      actor_user_id: owner.userId,
      actor_kind: 'user',
    });
  });
});
