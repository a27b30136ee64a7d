/** "Everyone's objects" (upload.all, schema.all, webhook.all) is a permission, not a role check. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app.js';
import { makeUser, type Principal } from '../access/access.test-support.js';
import { call } from '../identity/identity.test-support.js';
import { newSchema, newUpload, ids, useSharingApp } from './sharing.test-support.js';

const app = useSharingApp();
let t: TestApp;
let admin: Principal;
beforeAll(() => ({ t, admin } = app.current()));

describe('"everyone\'s objects" is a permission', () => {
  it("a per-user grant of upload.all lets a plain user see everyone's uploads", async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const reader = await makeUser(t.app, admin, 'user');
    const upload = await newUpload(t, owner, await newSchema(t, owner));
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
    const id = await newSchema(t, owner);
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
