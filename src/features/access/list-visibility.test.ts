/**
 * Issue 5: `view` on list endpoints filters to what the caller may see. Managers and admins list
 * everyone's uploads and webhook endpoints (`?owner=me` narrows to their own); users list their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { call, RELAXED_LIMITS, registerUser } from '../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, ordersCsv } from '../uploads/uploads.test-support.js';
import { makeAdmin, makeUser, type Principal } from './access.test-support.js';

let t: TestApp;
let admin: Principal;
let manager: Principal;
let owner: { userId: string; accessToken: string };
let other: { userId: string; accessToken: string };
let schemaId: string;
let uploadId: string;
let endpointId: string;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, WORKER: 'off' });
  admin = await makeAdmin(t);
  manager = await makeUser(t.app, admin, 'manager');
  owner = await registerUser(t.app);
  other = await registerUser(t.app);
  const schema = await call(t.app, 'POST', '/api/v1/schemas', {
    token: owner.accessToken,
    body: { name: 'Orders', schema: ORDERS_SCHEMA },
  });
  schemaId = schema.body.id as string;
  const body = multipartBody({ schema_id: schemaId }, { filename: 'a.csv', content: ordersCsv(3) });
  const upload = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${owner.accessToken}`, ...body.headers },
    payload: body.payload,
  });
  expect(upload.statusCode, upload.body).toBe(202);
  uploadId = upload.json<{ id: string }>().id;
  const hook = await call(t.app, 'POST', '/api/v1/webhooks', {
    token: owner.accessToken,
    body: { url: 'http://127.0.0.1:9/hook', event_types: ['upload.received'] },
  });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  endpointId = hook.body.id as string;
});

afterAll(async () => {
  await t?.close();
});

/** Every id a list endpoint returns to `token`, walking all its pages. */
async function listedIds(token: string, path: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=100${cursor === null ? '' : `&cursor=${cursor}`}`;
    const res = await call(t.app, 'GET', url, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...(res.body.results as { id: string }[]).map((r) => r.id));
    cursor = res.body.next_cursor as string | null;
  } while (cursor !== null);
  return ids;
}

describe('list endpoints show what the caller may see', () => {
  it('a manager and an admin list another user’s uploads; `owner=me` narrows to their own', async () => {
    const path = `/api/v1/uploads?schema_id=${schemaId}`;
    expect(await listedIds(manager.token, path)).toEqual([uploadId]);
    expect(await listedIds(admin.token, path)).toEqual([uploadId]);
    expect(await listedIds(manager.token, `${path}&owner=me`)).toEqual([]);
    expect(await listedIds(owner.accessToken, `${path}&owner=me`)).toEqual([uploadId]);
  });

  it('a plain user does not list another user’s uploads', async () => {
    expect(await listedIds(other.accessToken, `/api/v1/uploads?schema_id=${schemaId}`)).toEqual([]);
    expect(await listedIds(owner.accessToken, `/api/v1/uploads?schema_id=${schemaId}`)).toEqual([uploadId]);
  });

  it('a manager and an admin list another user’s webhook endpoints; a plain user does not', async () => {
    expect(await listedIds(manager.token, '/api/v1/webhooks')).toContain(endpointId);
    expect(await listedIds(admin.token, '/api/v1/webhooks')).toContain(endpointId);
    expect(await listedIds(manager.token, '/api/v1/webhooks?owner=me')).not.toContain(endpointId);
    expect(await listedIds(other.accessToken, '/api/v1/webhooks')).not.toContain(endpointId);
    expect(await listedIds(owner.accessToken, '/api/v1/webhooks')).toEqual([endpointId]);
  });
});
