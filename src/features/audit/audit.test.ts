/** The audit log: a row for each audited event, readable by audit.view, unalterable. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { makeAdmin, makeService, makeUser, type Principal } from '../access/access.test-support.js';
import { routeTableOf } from '../access/index.js';
import { call, RELAXED_LIMITS, registerUser } from '../identity/identity.test-support.js';
import { purgeExpiredAudit, recordAudit, SYSTEM_ACTOR } from './index.js';

let t: TestApp;
let admin: Principal;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, REFRESH_REUSE_GRACE: '0' });
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

async function auditFor(query: Record<string, string>, token = admin.token) {
  const res = await call(t.app, 'GET', `/api/v1/admin/audit?${new URLSearchParams(query).toString()}`, {
    token,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.results as {
    action: string;
    actor: { user_id: string | null; token_id: string | null; kind: string };
    target: { type: string; id: string | null } | null;
    ip: string | null;
    user_agent: string | null;
    request_id: string | null;
    details: Record<string, unknown>;
  }[];
}

describe('audit rows', () => {
  it('are written for login, failed login, logout, refresh reuse and user creation', async () => {
    const s = await registerUser(t.app);
    const created = await auditFor({ action: 'user.created', target_id: s.userId });
    expect(created).toHaveLength(1);
    expect(created[0]?.actor).toMatchObject({ user_id: s.userId, kind: 'user' });

    const login = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: s.password },
      headers: { 'user-agent': 'audit-test/1.0' },
    });
    expect(login.status).toBe(200);
    const logins = await auditFor({ action: 'auth.login', actor_user_id: s.userId });
    expect(logins[0]).toMatchObject({ user_agent: 'audit-test/1.0', target: { type: 'user', id: s.userId } });
    expect(logins[0]?.request_id).toBeTruthy();
    expect(logins[0]?.ip).toBeTruthy();

    await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: 'wrong-password-123' },
    });
    await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.test', password: 'x' },
    });
    const failed = await auditFor({ action: 'auth.login_failed' });
    expect(failed.map((f) => f.details.reason)).toEqual(
      expect.arrayContaining(['wrong_password', 'unknown_email']),
    );
    expect(JSON.stringify(failed)).not.toContain('wrong-password-123');

    // Refresh reuse: rotate once, then present the old token again (grace 0).
    const first = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: s.refreshToken },
    });
    expect(first.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      (await call(t.app, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refreshToken } })).status,
    ).toBe(401);
    expect(await auditFor({ action: 'auth.refresh_reuse_detected', actor_user_id: s.userId })).toHaveLength(
      1,
    );

    const session = login.body as { access_token: string };
    expect(
      (await call(t.app, 'POST', '/api/v1/auth/logout', { token: session.access_token, body: {} })).status,
    ).toBe(204);
    expect(await auditFor({ action: 'auth.logout', actor_user_id: s.userId })).toHaveLength(1);
  });

  it('are written for role changes, deactivation, tokens, grants, roles and denials', async () => {
    const user = await makeUser(t.app, admin, 'user');
    await call(t.app, 'PATCH', `/api/v1/admin/users/${user.userId}`, {
      token: admin.token,
      body: { role: 'manager', grants: ['audit.view'] },
    });
    const roleChanged = await auditFor({ action: 'user.role_changed', target_id: user.userId });
    expect(roleChanged[0]).toMatchObject({
      actor: { user_id: admin.userId, kind: 'user' },
      details: { from: 'user', to: 'manager' },
    });
    expect(await auditFor({ action: 'admin.grants_changed', target_id: user.userId })).toHaveLength(1);

    // The grant works at once: the user (a manager now) may read the audit log.
    expect((await call(t.app, 'GET', '/api/v1/admin/audit', { token: user.token })).status).toBe(200);

    const token = await call(t.app, 'POST', '/api/v1/tokens', {
      token: user.token,
      body: { name: 'a', scopes: ['view_upload'] },
    });
    const tokenId = (token.body as { id: string }).id;
    await call(t.app, 'DELETE', `/api/v1/tokens/${tokenId}`, { token: user.token });
    expect(await auditFor({ action: 'token.created', target_id: tokenId })).toHaveLength(1);
    expect(await auditFor({ action: 'token.revoked', target_id: tokenId })).toHaveLength(1);

    const svc = await makeService(t.app, admin, 'user', ['view_upload']);
    await call(t.app, 'GET', '/api/v1/admin/users', { token: svc.token });
    const denied = await auditFor({ action: 'permission.denied', actor_user_id: svc.userId });
    expect(denied[0]).toMatchObject({ actor: { kind: 'service' }, details: { needed: 'admin.access' } });
    expect(denied[0]?.actor.token_id).toBeTruthy();

    await call(t.app, 'PATCH', `/api/v1/admin/users/${user.userId}`, {
      token: admin.token,
      body: { is_active: false },
    });
    expect(await auditFor({ action: 'user.deactivated', target_id: user.userId })).toHaveLength(1);

    await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'guest', permissions: ['view_upload', 'view_schema', 'view_webhook'] }] },
    });
    expect((await auditFor({ action: 'admin.*' })).map((e) => e.action)).toEqual(
      expect.arrayContaining(['admin.role_updated', 'admin.grants_changed', 'admin.tokens_revoked']),
    );
  });

  it('are paginated newest first and readable only with audit.view', async () => {
    const page1 = await call(t.app, 'GET', '/api/v1/admin/audit?limit=2', { token: admin.token });
    expect((page1.body.results as unknown[]).length).toBe(2);
    const cursor = page1.body.next_cursor as string;
    expect(cursor).toBeTruthy();
    const page2 = await call(t.app, 'GET', `/api/v1/admin/audit?limit=2&cursor=${cursor}`, {
      token: admin.token,
    });
    const ids1 = (page1.body.results as { id: string }[]).map((r) => r.id);
    const ids2 = (page2.body.results as { id: string }[]).map((r) => r.id);
    expect(ids2.some((id) => ids1.includes(id))).toBe(false);
    const plain = await registerUser(t.app);
    expect((await call(t.app, 'GET', '/api/v1/admin/audit', { token: plain.accessToken })).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/audit')).status).toBe(401);
  });
});

describe('audit immutability', () => {
  it('no route changes audit events: every audit route is a GET', () => {
    const auditRoutes = routeTableOf(t.app).filter((r) => r.url.includes('audit'));
    // The API's GET and the admin console's page: reads only.
    expect(auditRoutes.length).toBeGreaterThan(0);
    expect(new Set(auditRoutes.map((r) => r.method))).toEqual(new Set(['GET']));
  });

  it('the database rejects UPDATE, DELETE and TRUNCATE outside the retention cleanup', async () => {
    await recordAudit(t.deps.db, { action: 'admin.test', actor: SYSTEM_ACTOR });
    await expect(sql`update audit_events set action = 'x'`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    const count = await t.deps.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBeGreaterThan(0);
  });

  it('the retention cleanup deletes only events older than AUDIT_RETENTION_DAYS', async () => {
    // Written "now"; a cleanup run as if 400 days later with 365 days retention removes it.
    await recordAudit(t.deps.db, { action: 'admin.old', actor: SYSTEM_ACTOR });
    expect(await purgeExpiredAudit(t.deps.db, 365)).toBe(0);
    expect(await purgeExpiredAudit(t.deps.db, 0, new Date(Date.now() + 400 * 86_400_000))).toBe(0);
    const deleted = await purgeExpiredAudit(t.deps.db, 365, new Date(Date.now() + 400 * 86_400_000));
    expect(deleted).toBeGreaterThan(0);
    const left = await t.deps.db.selectFrom('audit_events').select('id').execute();
    expect(left).toHaveLength(0);
  });
});

describe('the caller’s own permissions', () => {
  it('GET /api/v1/users/me/permissions shows role ∪ grants', async () => {
    const u = await makeUser(t.app, admin, 'guest');
    await call(t.app, 'PATCH', `/api/v1/admin/users/${u.userId}`, {
      token: admin.token,
      body: { grants: ['ai.use'] },
    });
    const res = await call(t.app, 'GET', '/api/v1/users/me/permissions', { token: u.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      role: 'guest',
      kind: 'user',
      grants: ['ai.use'],
      scopes: null,
      auth_method: 'jwt',
    });
    expect(res.body.permissions).toEqual(['ai.use', 'view_schema', 'view_upload', 'view_webhook']);
  });
});
