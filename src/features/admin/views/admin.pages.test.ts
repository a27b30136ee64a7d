/** The admin console over HTTP with real sessions: users, service tokens, roles, audit, 403 for others. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { markupOnly, webUser, type WebSessionClient } from '../../../../test/web-session.js';
import { RELAXED_LIMITS } from '../../identity/identity.test-support.js';

let t: TestApp;
let admin: WebSessionClient;

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
  admin = await webUser(t, 'admin');
});

afterAll(async () => {
  await t?.close();
});

describe('admin pages', () => {
  it('shows everyone but admins the 403 page', async () => {
    for (const role of ['manager', 'user', 'guest'] as const) {
      const who = await webUser(t, role);
      for (const url of ['/admin/users', '/admin/roles', '/admin/audit']) {
        const res = await who.get(url);
        expect(res.status, `${role} ${url}`).toBe(403);
        expect(res.html).toContain('Not allowed');
      }
      expect((await who.post('/admin/roles', { user: 'view_upload' })).status).toBe(403);
    }
  });

  it('searches users, deactivates one (their session ends) and reactivates', async () => {
    const bob = await webUser(t, 'user');
    const search = await admin.get(
      `/admin/users?email=${encodeURIComponent(bob.email.slice(0, 12))}&status=active`,
    );
    expect(search.status).toBe(200);
    expect(search.html).toContain(`href="/admin/users/${bob.userId}"`);
    const none = await admin.get('/admin/users?email=nobody-like-this&role=guest');
    expect(none.html).toContain('No users match');

    const off = await admin.post(`/admin/users/${bob.userId}`, { is_active: 'false' });
    expect(off.status).toBe(303);
    const bobAfter = await bob.get('/account');
    expect([303, 401]).toContain(bobAfter.status);
    const detail = await admin.get(`/admin/users/${bob.userId}`);
    expect(detail.html).toContain('Deactivated');
    expect((await admin.post(`/admin/users/${bob.userId}`, { is_active: 'true' })).status).toBe(303);

    const role = await admin.post(`/admin/users/${bob.userId}`, { role: 'manager' });
    expect(role.status).toBe(303);
    const row = await t.deps.db
      .selectFrom('users')
      .select(['role', 'is_active'])
      .where('id', '=', bob.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'manager', is_active: true });
  });

  it('creates a service account and a token for it, shown once, that works on the API', async () => {
    const created = await admin.post('/admin/users', {
      email: 'robot@example.test',
      kind: 'service',
      role: 'user',
    });
    expect(created.status).toBe(303);
    const id = String(created.location).split('/').pop();
    const res = await admin.post(`/admin/users/${id}/tokens`, { name: 'etl', scopes: 'view_schema' });
    expect(res.status).toBe(201);
    const token = /<code id="new-token"[^>]*>(intk_[A-Za-z0-9_-]{43})<\/code>/.exec(res.html)?.[1];
    expect(token).toBeDefined();
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/schemas',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(200);
    const dup = await admin.post('/admin/users', {
      email: 'robot@example.test',
      kind: 'service',
      role: 'user',
    });
    expect(dup.status).toBe(409);
    expect(dup.html).toContain('role="alert"');
  });

  it('edits role permissions, and refuses nothing silently', async () => {
    const before = await admin.get('/admin/roles');
    expect(before.status).toBe(200);
    expect(before.html).toContain('aria-label="guest: view_upload"');
    const grid = { manager: 'view_upload', user: 'view_upload', guest: 'view_schema' };
    const rolesNow = () =>
      t.deps.db.selectFrom('roles').select(['name', 'permissions']).orderBy('name').execute();
    const original = await rolesNow();

    // Unticking most of the grid is a confirm step: nothing is saved, the ticks stay as sent.
    const asked = await admin.post('/admin/roles', grid);
    expect(asked.status).toBe(409);
    expect(asked.html).toContain('Confirm and save');
    expect(asked.html).toContain('Nothing is saved yet');
    expect(asked.html).toMatch(/manager loses \d+: /);
    expect(asked.html).toMatch(/<input[^>]*checked[^>]*aria-label="guest: view_schema"/);
    expect(asked.html).not.toMatch(/<input[^>]*checked[^>]*aria-label="guest: view_upload"/);
    expect(await rolesNow()).toEqual(original);

    const saved = await admin.post('/admin/roles', { ...grid, confirm: 'yes' });
    expect(saved.status).toBe(303);
    const roles = await t.deps.db.selectFrom('roles').select(['name', 'permissions']).execute();
    expect(roles.find((r) => r.name === 'guest')?.permissions).toEqual(['view_schema']);
    const after = await admin.get('/admin/roles?saved=1');
    expect(after.html).toContain('Roles saved');

    // Regression: a grid posted with nothing ticked used to strip every role of every permission.
    const emptied = await admin.post('/admin/roles', {});
    expect(emptied.status).toBe(409);
    expect(emptied.html).toContain('guest loses every permission: view_schema');
    expect((await rolesNow()).find((r) => r.name === 'guest')?.permissions).toEqual(['view_schema']);
  });

  it('filters the audit log by action and actor, with inert details', async () => {
    await admin.post('/admin/users', {
      email: 'x<script>alert(1)</script>@example.test',
      kind: 'service',
      role: 'user',
    });
    const all = await admin.get('/admin/audit');
    expect(all.status).toBe(200);
    expect(all.html).toContain('data-audit-row');
    const roleUpdates = await admin.get('/admin/audit?action=admin.*');
    expect(roleUpdates.html).toContain('admin.role_updated');
    expect(roleUpdates.html).not.toContain('>auth.login<');
    const byActor = await admin.get(
      `/admin/audit?actor=${encodeURIComponent(admin.email)}&action=user.created`,
    );
    expect(byActor.status).toBe(200);
    expect(byActor.html).toContain('user.created');
    expect(markupOnly(byActor.html)).not.toContain('<script>alert');
    const unknown = await admin.get('/admin/audit?actor=nobody@example.test');
    expect(unknown.status).toBe(422);
  });

  it('pages through the audit log with the filters kept', async () => {
    for (let i = 0; i < 52; i++) {
      const res = await admin.post('/admin/users', {
        email: `bulk-${i}@example.test`,
        kind: 'service',
        role: 'guest',
      });
      expect(res.status).toBe(303);
    }
    const first = await admin.get('/admin/audit?action=user.created');
    expect(first.html.match(/data-audit-row/g)).toHaveLength(50);
    const next = /href="(\/admin\/audit\?[^"]+)">\s*Older events/
      .exec(first.html)?.[1]
      ?.replace(/&amp;/g, '&');
    expect(next).toContain('action=user.created');
    const second = await admin.get(String(next));
    expect(second.status).toBe(200);
    const rows = second.html.match(/data-audit-row/g) ?? [];
    expect(rows.length).toBeGreaterThan(0);
    expect(second.html).not.toContain('>admin.role_updated<');
  });
});
