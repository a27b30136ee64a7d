/**
 * Sharing a schema (issue 5: "guest view-only on what is shared with it"): the grantee sees it in
 * lists, by id and in its read-only sub-resources, and can never change or delete it. Every change
 * of sharing is audited with the request's ip, user agent and request id.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app.js';
import { makeService, makeUser, type Principal } from '../access/access.test-support.js';
import { call } from '../identity/identity.test-support.js';
import { ORDERS_SCHEMA } from '../uploads/uploads.test-support.js';
import { UA, newSchema, ids, auditRows, emailOf, useSharingApp } from './sharing.test-support.js';

const app = useSharingApp();
let t: TestApp;
let admin: Principal;
beforeAll(() => ({ t, admin } = app.current()));

describe('sharing a schema', () => {
  it('lets a guest see a shared schema (list, by id, versions, template) and nothing else', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const guest = await makeUser(t.app, admin, 'guest');
    const shared = await newSchema(t, owner, 'Shared');
    const notShared = await newSchema(t, owner, 'Private');

    const before = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: guest.token });
    expect(before.status).toBe(200);
    expect(before.body.results).toEqual([]);

    const res = await call(t.app, 'POST', `/api/v1/schemas/${shared}/shares`, {
      token: owner.token,
      body: { email: (await emailOf(t, guest)).toUpperCase() },
      headers: UA,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ user_id: guest.userId, access: 'view', created_by: owner.userId });

    const list = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: guest.token });
    expect(ids(list.body)).toEqual([shared]);
    expect((await call(t.app, 'GET', `/api/v1/schemas/${shared}`, { token: guest.token })).status).toBe(200);
    expect(
      (await call(t.app, 'GET', `/api/v1/schemas/${shared}/versions`, { token: guest.token })).status,
    ).toBe(200);
    const template = await t.app.inject({
      method: 'GET',
      url: `/api/v1/schemas/${shared}/template.xlsx`,
      headers: { authorization: `Bearer ${guest.token}` },
    });
    expect(template.statusCode).toBe(200);
    // Not shared: still "not found", so ids cannot be probed.
    expect((await call(t.app, 'GET', `/api/v1/schemas/${notShared}`, { token: guest.token })).status).toBe(
      404,
    );
    // A guest holds no change permission at all: the route check refuses.
    const put = await call(t.app, 'PUT', `/api/v1/schemas/${shared}`, {
      token: guest.token,
      body: { name: 'Mine now', schema: ORDERS_SCHEMA },
    });
    expect(put.status).toBe(403);
  });

  it('is view-only for a user who could change its own schemas: 403 shared_read_only, never 404', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const id = await newSchema(t, owner);
    const share = await call(t.app, 'POST', `/api/v1/schemas/${id}/shares`, {
      token: owner.token,
      body: { user_id: grantee.userId },
    });
    expect(share.status).toBe(201);

    const put = await call(t.app, 'PUT', `/api/v1/schemas/${id}`, {
      token: grantee.token,
      body: { name: 'Changed', schema: ORDERS_SCHEMA },
    });
    expect(put.status).toBe(403);
    expect(put.body.error).toBe('shared_read_only');
    const del = await call(t.app, 'DELETE', `/api/v1/schemas/${id}`, { token: grantee.token });
    expect(del.status).toBe(403);
    expect(del.body.error).toBe('shared_read_only');
    // Nor may it see or change whom the schema is shared with.
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}/shares`, { token: grantee.token })).status).toBe(
      403,
    );
    const reshare = await call(t.app, 'POST', `/api/v1/schemas/${id}/shares`, {
      token: grantee.token,
      body: { user_id: admin.userId },
    });
    expect(reshare.status).toBe(403);
    const schema = await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: owner.token });
    expect(schema.body).toMatchObject({ name: 'Orders', version: 1 });
  });

  it('refuses unclear requests with clear errors: unknown, self, owner, service account, twice, neither', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const manager = await makeUser(t.app, admin, 'manager');
    const other = await makeUser(t.app, admin, 'user');
    const service = await makeService(t.app, admin, 'user', ['view_schema']);
    const id = await newSchema(t, owner);
    const post = (token: string, body: unknown) =>
      call(t.app, 'POST', `/api/v1/schemas/${id}/shares`, { token, body });

    const unknown = await post(owner.token, { email: 'nobody-at-all@example.com' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'email', code: 'unknown_user' })]);
    const self = await post(owner.token, { user_id: owner.userId });
    expect(self.status).toBe(422);
    expect(self.body.details).toEqual([expect.objectContaining({ code: 'owner' })]);
    // A manager acts on everyone's schemas: it may share this one, but not with itself or the owner.
    const managerSelf = await post(manager.token, { user_id: manager.userId });
    expect(managerSelf.status).toBe(422);
    expect(managerSelf.body.details).toEqual([expect.objectContaining({ code: 'self' })]);
    const withOwner = await post(manager.token, { user_id: owner.userId });
    expect(withOwner.body.details).toEqual([expect.objectContaining({ code: 'owner' })]);
    const svc = await post(owner.token, { user_id: service.userId });
    expect(svc.status).toBe(422);
    expect(svc.body.details).toEqual([expect.objectContaining({ code: 'service_account' })]);
    expect((await post(owner.token, {})).status).toBe(422);
    expect((await post(owner.token, { email: 'a@example.com', user_id: other.userId })).status).toBe(422);
    expect((await post(owner.token, { user_id: other.userId, extra: 1 })).status).toBe(422);

    expect((await post(manager.token, { user_id: other.userId })).status).toBe(201);
    const twice = await post(owner.token, { user_id: other.userId });
    expect(twice.status).toBe(409);
    // Someone who cannot see the schema at all gets 404, not a hint that it exists.
    const stranger = await makeUser(t.app, admin, 'user');
    expect((await post(stranger.token, { user_id: other.userId })).status).toBe(404);
  });

  it('unshares (audited with ip, user agent and request id); deleting the schema drops its shares', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const guest = await makeUser(t.app, admin, 'guest');
    const id = await newSchema(t, owner);
    await call(t.app, 'POST', `/api/v1/schemas/${id}/shares`, {
      token: owner.token,
      body: { user_id: guest.userId },
      headers: UA,
    });
    const listed = await call(t.app, 'GET', `/api/v1/schemas/${id}/shares`, { token: owner.token });
    expect(listed.body.results).toEqual([expect.objectContaining({ user_id: guest.userId, access: 'view' })]);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/schemas/${id}/shares/${guest.userId}`,
      headers: { authorization: `Bearer ${owner.token}`, ...UA },
    });
    expect(del.statusCode).toBe(204);
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: guest.token })).status).toBe(404);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/schemas/${id}/shares/${guest.userId}`, { token: owner.token }))
        .status,
    ).toBe(404);

    const rows = await auditRows(t, id);
    expect(rows.map((r) => r.action)).toEqual(['schema.created', 'schema.shared', 'schema.unshared']);
    for (const row of rows) {
      expect(row.ip).toBeTruthy();
      expect(row.request_id).toBeTruthy();
      expect(row.user_agent).toBeTruthy();
    }
    expect(rows.slice(1).map((r) => r.user_agent)).toEqual(['sharing-test/1.0', 'sharing-test/1.0']);
    expect(rows[1]).toMatchObject({ actor_user_id: owner.userId, target_type: 'schema' });
    expect(rows[1]?.details).toMatchObject({ user_id: guest.userId, owner_id: owner.userId });
    expect(rows[2]?.request_id).toBe(del.headers['x-request-id']);

    await call(t.app, 'POST', `/api/v1/schemas/${id}/shares`, {
      token: owner.token,
      body: { user_id: guest.userId },
    });
    expect((await call(t.app, 'DELETE', `/api/v1/schemas/${id}`, { token: owner.token })).status).toBe(204);
    const left = await t.deps.db.selectFrom('shares').selectAll().where('resource_id', '=', id).execute();
    expect(left).toEqual([]);
  });
});
