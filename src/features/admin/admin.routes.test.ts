/** The admin API over real HTTP: users and service accounts, roles, bad inputs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { makeAdmin, makeService, makeUser, type Principal } from '../access/access.test-support.js';
import { call, RELAXED_LIMITS, uniqueEmail } from '../identity/identity.test-support.js';

let t: TestApp;
let admin: Principal;

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

describe('admin users', () => {
  it('lists users and service accounts with kind, grants and filters, cursor-paginated', async () => {
    const svc = await makeService(t.app, admin, 'user', ['view_upload']);
    await makeUser(t.app, admin, 'guest');
    const services = await call(t.app, 'GET', '/api/v1/admin/users?kind=service', { token: admin.token });
    expect(services.status).toBe(200);
    const results = services.body.results as { id: string; kind: string }[];
    expect(results.map((r) => r.id)).toContain(svc.userId);
    expect(results.every((r) => r.kind === 'service')).toBe(true);
    const page = await call(t.app, 'GET', '/api/v1/admin/users?limit=1', { token: admin.token });
    expect(page.body.next_cursor).toBeTruthy();
    const next = await call(
      t.app,
      'GET',
      `/api/v1/admin/users?limit=1&cursor=${String(page.body.next_cursor)}`,
      {
        token: admin.token,
      },
    );
    expect((next.body.results as { id: string }[])[0]?.id).not.toBe(
      (page.body.results as { id: string }[])[0]?.id,
    );
    expect(
      (await call(t.app, 'GET', '/api/v1/admin/users?cursor=bogus', { token: admin.token })).status,
    ).toBe(422);
  });

  it('rejects a taken email (409), unknown grants (422) and an admin deactivating itself (409)', async () => {
    const email = uniqueEmail('dup');
    const body = { email, role: 'user', kind: 'service' };
    expect((await call(t.app, 'POST', '/api/v1/admin/users', { token: admin.token, body })).status).toBe(201);
    expect((await call(t.app, 'POST', '/api/v1/admin/users', { token: admin.token, body })).status).toBe(409);
    const user = await makeUser(t.app, admin, 'user');
    const grants = await call(t.app, 'PATCH', `/api/v1/admin/users/${user.userId}`, {
      token: admin.token,
      body: { grants: ['fly_plane'] },
    });
    expect(grants.status).toBe(422);
    expect(grants.body.message).toContain('fly_plane');
    const self = await call(t.app, 'PATCH', `/api/v1/admin/users/${admin.userId}`, {
      token: admin.token,
      body: { is_active: false },
    });
    expect(self.status).toBe(409);
    expect(
      (
        await call(t.app, 'PATCH', '/api/v1/admin/users/not-a-uuid', {
          token: admin.token,
          body: { role: 'user' },
        })
      ).status,
    ).toBeGreaterThanOrEqual(400);
  });
});

describe('admin roles', () => {
  it('lists roles with every codename; the admin role cannot lose a permission; unknown codenames are 422', async () => {
    const roles = await call(t.app, 'GET', '/api/v1/admin/roles', { token: admin.token });
    expect(roles.status).toBe(200);
    expect((roles.body.results as { name: string }[]).map((r) => r.name)).toEqual([
      'admin',
      'guest',
      'manager',
      'user',
    ]);
    expect(roles.body.permissions).toContain('audit.view');
    const lock = await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'admin', permissions: ['view_upload'] }] },
    });
    expect(lock.status).toBe(409);
    expect(lock.body.error).toBe('conflict');
    const unknown = await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'user', permissions: ['view_upload', 'nonsense'] }] },
    });
    expect(unknown.status).toBe(422);
  });

  it('a role change applies to its holders at once', async () => {
    const guest = await makeUser(t.app, admin, 'guest');
    expect((await call(t.app, 'GET', '/api/v1/schemas', { token: guest.token })).status).toBe(200);
    const put = await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'guest', permissions: ['view_upload'] }] },
    });
    expect(put.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/v1/schemas', { token: guest.token })).status).toBe(403);
    await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'guest', permissions: ['view_upload', 'view_schema', 'view_webhook'] }] },
    });
    expect((await call(t.app, 'GET', '/api/v1/schemas', { token: guest.token })).status).toBe(200);
  });

  it('asks for confirmation before emptying a role or removing many permissions at once', async () => {
    const before = await t.deps.db
      .selectFrom('roles')
      .select(['name', 'permissions'])
      .orderBy('name')
      .execute();
    const put = (body: unknown) => call(t.app, 'PUT', '/api/v1/admin/roles', { token: admin.token, body });

    const emptied = await put({ roles: [{ name: 'guest', permissions: [] }] });
    expect(emptied.status).toBe(409);
    expect(emptied.body.error).toBe('confirmation_required');
    expect(emptied.body.details).toEqual([
      expect.objectContaining({ field: 'roles.guest', code: 'role_emptied' }),
    ]);
    const user = before.find((r) => r.name === 'user')?.permissions ?? [];
    const many = await put({ roles: [{ name: 'user', permissions: user.slice(6) }] });
    expect(many.status).toBe(409);
    expect(many.body.details).toEqual([
      expect.objectContaining({ field: 'roles.user', code: 'permissions_removed' }),
    ]);
    expect(
      await t.deps.db.selectFrom('roles').select(['name', 'permissions']).orderBy('name').execute(),
    ).toEqual(before);
    // A few removals need no confirmation; `confirm: true` applies a large one.
    expect((await put({ roles: [{ name: 'user', permissions: user.slice(5) }] })).status).toBe(200);
    expect((await put({ roles: [{ name: 'guest', permissions: [] }], confirm: true })).status).toBe(200);
    const restored = await put({
      roles: [
        { name: 'guest', permissions: before.find((r) => r.name === 'guest')?.permissions ?? [] },
        { name: 'user', permissions: user },
      ],
    });
    expect(restored.status).toBe(200);
  });
});
