/**
 * Sharing (issue 5: "guest view-only on what is shared with it"): an owner shares a schema or an
 * upload with another user; the grantee sees it in lists, by id and in its read-only
 * sub-resources, and can never change or delete it. Every change of sharing is audited with the
 * request's ip, user agent and request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { registerJobHandlers } from '../../jobs/index.js';
import { makeAdmin, makeService, makeUser, type Principal } from '../access/access.test-support.js';
import { call, RELAXED_LIMITS } from '../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, ordersCsv, waitForUpload } from '../uploads/uploads.test-support.js';

let t: TestApp;
let admin: Principal;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, RATE_LIMIT_EXPORT: '100000', JOB_POLL_INTERVAL_MS: '500' });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

const UA = { 'user-agent': 'sharing-test/1.0' };

async function newSchema(owner: Principal, name = 'Orders'): Promise<string> {
  const res = await call(t.app, 'POST', '/api/v1/schemas', {
    token: owner.token,
    body: { name, schema: ORDERS_SCHEMA },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function newUpload(owner: Principal, schemaId: string): Promise<string> {
  const body = multipartBody({ schema_id: schemaId }, { filename: 'orders.csv', content: ordersCsv(5, 2) });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${owner.token}`, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json<{ id: string }>().id;
  await waitForUpload(t.app, owner.token, id);
  return id;
}

function ids(body: Record<string, unknown>): string[] {
  return (body.results as { id: string }[]).map((r) => r.id);
}

async function auditRows(targetId: string) {
  return t.deps.db
    .selectFrom('audit_events')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

describe('sharing a schema', () => {
  it('lets a guest see a shared schema (list, by id, versions, template) and nothing else', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const guest = await makeUser(t.app, admin, 'guest');
    const shared = await newSchema(owner, 'Shared');
    const notShared = await newSchema(owner, 'Private');

    const before = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: guest.token });
    expect(before.status).toBe(200);
    expect(before.body.results).toEqual([]);

    const res = await call(t.app, 'POST', `/api/v1/schemas/${shared}/shares`, {
      token: owner.token,
      body: { email: (await emailOf(guest)).toUpperCase() },
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
    const id = await newSchema(owner);
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
    const id = await newSchema(owner);
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
    const id = await newSchema(owner);
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

    const rows = await auditRows(id);
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

describe('sharing an upload', () => {
  it('shows a shared upload to the grantee (list, by id) but never lets it change or delete it', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const schema = await newSchema(owner);
    const shared = await newUpload(owner, schema);
    const notShared = await newUpload(owner, schema);

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${shared}/shares`,
      headers: { authorization: `Bearer ${owner.token}`, ...UA },
      payload: { user_id: grantee.userId },
    });
    expect(res.statusCode, res.body).toBe(201);

    const list = await call(t.app, 'GET', '/api/v1/uploads?limit=100', { token: grantee.token });
    expect(ids(list.body)).toEqual([shared]);
    // ?owner=me narrows to the caller's own: shared ones are not its own.
    const mine = await call(t.app, 'GET', '/api/v1/uploads?owner=me', { token: grantee.token });
    expect(ids(mine.body)).toEqual([]);
    // The owner's own list is unchanged (both uploads, newest first).
    const ownerList = await call(t.app, 'GET', '/api/v1/uploads?limit=100', { token: owner.token });
    expect(ids(ownerList.body)).toEqual([notShared, shared]);
    expect((await call(t.app, 'GET', `/api/v1/uploads/${shared}`, { token: grantee.token })).status).toBe(
      200,
    );
    expect((await call(t.app, 'GET', `/api/v1/uploads/${notShared}`, { token: grantee.token })).status).toBe(
      404,
    );
    // Its read-only sub-resources too; not those of an upload that is not shared.
    for (const sub of ['errors', 'file', 'annotated.xlsx', 'errors.csv', 'rows', 'events']) {
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads/${shared}/${sub}`,
        headers: { authorization: `Bearer ${grantee.token}` },
      });
      expect(read.statusCode, `${sub}: ${read.body.slice(0, 200)}`).toBe(200);
      const hidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads/${notShared}/${sub}`,
        headers: { authorization: `Bearer ${grantee.token}` },
      });
      expect(hidden.statusCode, sub).toBe(404);
    }

    const revalidate = await call(t.app, 'POST', `/api/v1/uploads/${shared}/revalidate`, {
      token: grantee.token,
    });
    expect(revalidate.status).toBe(403);
    expect(revalidate.body.error).toBe('shared_read_only');
    const del = await call(t.app, 'DELETE', `/api/v1/uploads/${shared}`, { token: grantee.token });
    expect(del.status).toBe(403);
    expect(del.body.error).toBe('shared_read_only');
    expect(
      (await call(t.app, 'GET', `/api/v1/uploads/${shared}/shares`, { token: grantee.token })).status,
    ).toBe(403);

    const rows = await auditRows(shared);
    expect(rows.map((r) => r.action)).toEqual(['upload.shared']);
    expect(rows[0]).toMatchObject({ user_agent: 'sharing-test/1.0', actor_user_id: owner.userId });

    // Deleting the upload (by its owner) removes its shares with it; upload.deleted carries the
    // request's ip, user agent and request id.
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/uploads/${shared}`,
      headers: { authorization: `Bearer ${owner.token}`, ...UA },
    });
    expect(deleted.statusCode).toBe(204);
    const deletedRow = (await auditRows(shared)).find((r) => r.action === 'upload.deleted');
    expect(deletedRow).toMatchObject({
      user_agent: 'sharing-test/1.0',
      request_id: deleted.headers['x-request-id'],
      actor_user_id: owner.userId,
    });
    expect(deletedRow?.ip).toBeTruthy();
    const left = await t.deps.db.selectFrom('shares').selectAll().where('resource_id', '=', shared).execute();
    expect(left).toEqual([]);
  });

  it('paginates a list mixing own and shared uploads without repeats or gaps', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const ownerSchema = await newSchema(owner);
    const granteeSchema = await newSchema(grantee);
    const expected: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const a = await newUpload(owner, ownerSchema);
      await call(t.app, 'POST', `/api/v1/uploads/${a}/shares`, {
        token: owner.token,
        body: { user_id: grantee.userId },
      });
      expected.push(a, await newUpload(grantee, granteeSchema));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(t.app, 'GET', `/api/v1/uploads?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: grantee.token,
      });
      seen.push(...ids(page.body));
      cursor = page.body.next_cursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([...expected].reverse());
  });

  it('?owner=shared lists only what is shared with the caller, paginated; unsharing removes it', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const third = await makeUser(t.app, admin, 'user');
    const manager = await makeUser(t.app, admin, 'manager');
    const ownerSchema = await newSchema(owner);
    const granteeSchema = await newSchema(grantee);
    const shared: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const a = await newUpload(owner, ownerSchema);
      const res = await call(t.app, 'POST', `/api/v1/uploads/${a}/shares`, {
        token: owner.token,
        body: { user_id: grantee.userId },
      });
      expect(res.status).toBe(201);
      shared.push(a);
    }
    const notShared = await newUpload(owner, ownerSchema);
    const granteeOwn = await newUpload(grantee, granteeSchema);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        t.app,
        'GET',
        `/api/v1/uploads?owner=shared&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: grantee.token },
      );
      expect(page.status).toBe(200);
      seen.push(...ids(page.body));
      cursor = page.body.next_cursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([...shared].reverse());
    expect(seen).not.toContain(notShared);
    expect(seen).not.toContain(granteeOwn);
    // Filters combine with it as with the other owners.
    const queued = await call(t.app, 'GET', `/api/v1/uploads?owner=shared&status=queued`, {
      token: grantee.token,
    });
    expect(ids(queued.body)).toEqual([]);

    // Nothing is shared with the others: empty, even for a manager who sees everyone's otherwise.
    for (const who of [third, owner, manager]) {
      const res = await call(t.app, 'GET', '/api/v1/uploads?owner=shared', { token: who.token });
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([]);
    }
    const bad = await call(t.app, 'GET', '/api/v1/uploads?owner=everyone', { token: grantee.token });
    expect(bad.status).toBe(422);

    const removed = await call(t.app, 'DELETE', `/api/v1/uploads/${shared[0]}/shares/${grantee.userId}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    const after = await call(t.app, 'GET', '/api/v1/uploads?owner=shared', { token: grantee.token });
    expect(ids(after.body)).toEqual([shared[2], shared[1]]);
  });
});

describe('"everyone\'s objects" is a permission', () => {
  it("a per-user grant of upload.all lets a plain user see everyone's uploads", async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const reader = await makeUser(t.app, admin, 'user');
    const upload = await newUpload(owner, await newSchema(owner));
    expect((await call(t.app, 'GET', `/api/v1/uploads/${upload}`, { token: reader.token })).status).toBe(404);
    const grant = await call(t.app, 'PATCH', `/api/v1/admin/users/${reader.userId}`, {
      token: admin.token,
      body: { grants: ['upload.all'] },
    });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    expect((await call(t.app, 'GET', `/api/v1/uploads/${upload}`, { token: reader.token })).status).toBe(200);
    const list = await call(t.app, 'GET', '/api/v1/uploads?limit=100', { token: reader.token });
    expect(ids(list.body)).toContain(upload);
    const perms = await call(t.app, 'GET', '/api/v1/users/me/permissions', { token: reader.token });
    expect(perms.body.permissions).toContain('upload.all');
  });

  it('an API token without schema.all narrows a manager to its own schemas', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const manager = await makeUser(t.app, admin, 'manager');
    const id = await newSchema(owner);
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: manager.token })).status).toBe(200);
    const token = async (scopes: string[]) => {
      const res = await call(t.app, 'POST', '/api/v1/tokens', {
        token: manager.token,
        body: { name: scopes.join(' '), scopes },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.token as string;
    };
    const narrow = await token(['view_schema']);
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: narrow })).status).toBe(404);
    const list = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: narrow });
    expect(ids(list.body)).not.toContain(id);
    const wide = await token(['view_schema', 'schema.all']);
    expect((await call(t.app, 'GET', `/api/v1/schemas/${id}`, { token: wide })).status).toBe(200);
  });

  it('the admin role still holds every codename, so the roles API accepts it unchanged', async () => {
    const roles = await call(t.app, 'GET', '/api/v1/admin/roles', { token: admin.token });
    expect(roles.status).toBe(200);
    const adminRole = (roles.body.results as { name: string; permissions: string[] }[]).find(
      (r) => r.name === 'admin',
    );
    expect(adminRole?.permissions).toEqual(
      expect.arrayContaining(['upload.all', 'schema.all', 'webhook.all']),
    );
    expect([...(adminRole?.permissions ?? [])].sort()).toEqual(
      [...(roles.body.permissions as string[])].sort(),
    );
    const manager = (roles.body.results as { name: string; permissions: string[] }[]).find(
      (r) => r.name === 'manager',
    );
    expect(manager?.permissions).toEqual(expect.arrayContaining(['upload.all', 'schema.all', 'webhook.all']));
    const user = (roles.body.results as { name: string; permissions: string[] }[]).find(
      (r) => r.name === 'user',
    );
    expect(user?.permissions.some((p) => p.endsWith('.all'))).toBe(false);
  });
});

async function emailOf(who: Principal): Promise<string> {
  const row = await t.deps.db
    .selectFrom('users')
    .select('email')
    .where('id', '=', who.userId)
    .executeTakeFirstOrThrow();
  return row.email;
}
