/** API tokens and service accounts over real HTTP on a real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import {
  call,
  loginUser,
  RELAXED_LIMITS,
  registerUser,
  STRONG_PASSWORD,
} from '../identity/identity.test-support.js';
import { makeAdmin, makeService, makeUser, type Principal } from './access.test-support.js';

let t: TestApp;
let admin: Principal;

beforeAll(async () => {
  // A 1 s flush interval so the batched last_used_at can be observed quickly.
  t = await buildTestApp({ ...RELAXED_LIMITS, API_TOKEN_TOUCH_INTERVAL: '1' });
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

async function newToken(token: string, body: Record<string, unknown>) {
  const res = await call(t.app, 'POST', '/api/v1/tokens', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; token: string; prefix: string; scopes: string[] };
}

describe('personal API tokens', () => {
  it('are shown once with the intk_ prefix and 256 random bits, stored hashed, and listed without the secret', async () => {
    const s = await registerUser(t.app);
    const created = await newToken(s.accessToken, { name: 'laptop', scopes: ['view_upload', 'view_schema'] });
    expect(created.token).toMatch(/^intk_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const row = await t.deps.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash.length).toBe(32);
    expect(JSON.stringify(row)).not.toContain(created.token.slice(5));

    const list = await call(t.app, 'GET', '/api/v1/tokens', { token: s.accessToken });
    expect(list.status).toBe(200);
    const results = list.body.results as Record<string, unknown>[];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      id: created.id,
      name: 'laptop',
      prefix: created.prefix,
      scopes: ['view_schema', 'view_upload'],
    });
    expect(results[0]).not.toHaveProperty('token');
  });

  it('act with the intersection of their scopes and the owner’s current permissions', async () => {
    const s = await registerUser(t.app);
    const created = await newToken(s.accessToken, { name: 'ro', scopes: ['view_schema'] });
    // In scope and held: allowed.
    expect((await call(t.app, 'GET', '/api/v1/schemas', { token: created.token })).status).toBe(200);
    // Held by the owner but not in scope: refused.
    const add = await call(t.app, 'POST', '/api/v1/schemas', { token: created.token, body: {} });
    expect(add.status).toBe(403);
    expect(add.body.message).toContain('add_schema');
    const me = await call(t.app, 'GET', '/api/v1/users/me/permissions', { token: created.token });
    expect(me.body).toMatchObject({
      permissions: ['view_schema'],
      scopes: ['view_schema'],
      auth_method: 'api_token',
    });

    // In scope, but the owner loses it (demoted to guest, who has no view_schema... keep view_schema? no: drop it).
    await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'guest', permissions: ['view_upload'] }] },
    });
    const demote = await call(t.app, 'PATCH', `/api/v1/admin/users/${s.userId}`, {
      token: admin.token,
      body: { role: 'guest' },
    });
    expect(demote.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/v1/schemas', { token: created.token })).status).toBe(403);
    await call(t.app, 'PUT', '/api/v1/admin/roles', {
      token: admin.token,
      body: { roles: [{ name: 'guest', permissions: ['view_upload', 'view_schema', 'view_webhook'] }] },
    });
    // The role regains it: allowed again at once (role cache invalidated).
    expect((await call(t.app, 'GET', '/api/v1/schemas', { token: created.token })).status).toBe(200);
  });

  it('cannot be created with scopes the owner lacks or unknown codenames', async () => {
    const s = await registerUser(t.app);
    const notHeld = await call(t.app, 'POST', '/api/v1/tokens', {
      token: s.accessToken,
      body: { name: 'x', scopes: ['audit.view'] },
    });
    expect(notHeld.status).toBe(422);
    expect(notHeld.body.message).toContain('audit.view');
    const unknown = await call(t.app, 'POST', '/api/v1/tokens', {
      token: s.accessToken,
      body: { name: 'x', scopes: ['view_everything'] },
    });
    expect(unknown.status).toBe(422);
    const past = await call(t.app, 'POST', '/api/v1/tokens', {
      token: s.accessToken,
      body: { name: 'x', scopes: ['view_upload'], expires_at: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
  });

  it('a revoked token is rejected at once; another user cannot revoke it', async () => {
    const s = await registerUser(t.app);
    const other = await registerUser(t.app);
    const created = await newToken(s.accessToken, { name: 'ci', scopes: ['view_upload'] });
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: created.token })).status).toBe(200);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/tokens/${created.id}`, { token: other.accessToken })).status,
    ).toBe(404);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/tokens/${created.id}`, { token: s.accessToken })).status,
    ).toBe(204);
    const after = await call(t.app, 'GET', '/api/v1/uploads', { token: created.token });
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('not_authenticated');
    expect((await call(t.app, 'GET', '/api/v1/tokens', { token: s.accessToken })).body.results).toEqual([]);
  });

  it('an expired token is rejected at once with token_expired', async () => {
    const s = await registerUser(t.app);
    const created = await newToken(s.accessToken, {
      name: 'short',
      scopes: ['view_upload'],
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: created.token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const res = await call(t.app, 'GET', '/api/v1/uploads', { token: created.token });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('token_expired');
  });

  it('unknown and malformed intk_ tokens get 401', async () => {
    const fake = `intk_${'A'.repeat(43)}`;
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: fake })).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: 'intk_short' })).status).toBe(401);
  });

  it('records last_used_at in batches, not with a write per request', async () => {
    const s = await registerUser(t.app);
    const created = await newToken(s.accessToken, { name: 'busy', scopes: ['view_upload'] });
    const lastUsed = async () =>
      (
        await t.deps.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', created.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    // Within one flush interval: requests succeed, the row is not written yet, the list shows the use.
    for (let i = 0; i < 5; i++)
      expect((await call(t.app, 'GET', '/api/v1/uploads', { token: created.token })).status).toBe(200);
    const listed = await call(t.app, 'GET', '/api/v1/tokens', { token: s.accessToken });
    expect((listed.body.results as { last_used_at: string | null }[])[0]?.last_used_at).not.toBeNull();
    await expect.poll(lastUsed, { timeout: 5000, interval: 200 }).not.toBeNull();
  });
});

describe('service accounts', () => {
  it('have no password, cannot log in, and use admin-made tokens', async () => {
    const svc = await makeService(t.app, admin, 'manager', ['view_upload', 'delete_upload', 'add_schema']);
    const row = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', svc.userId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'service', password_hash: null });
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: svc.token })).status).toBe(200);
    const me = await call(t.app, 'GET', '/api/v1/users/me/permissions', { token: svc.token });
    expect(me.body).toMatchObject({ kind: 'service', role: 'manager' });
    await expect(loginUser(t.app, row.email, STRONG_PASSWORD)).rejects.toThrow(/401/);
    // A password cannot be given to a service account.
    const withPassword = await call(t.app, 'POST', '/api/v1/admin/users', {
      token: admin.token,
      body: { email: 'svc2@example.test', role: 'user', kind: 'service', password: STRONG_PASSWORD },
    });
    expect(withPassword.status).toBe(422);
  });

  it('get 403 on DELETE whatever their permissions, with a permission.denied audit row', async () => {
    const svc = await makeService(t.app, admin, 'admin');
    const res = await call(t.app, 'DELETE', `/api/v1/uploads/${crypto.randomUUID()}`, { token: svc.token });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/Service accounts/);
    const denied = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'permission.denied')
      .where('actor_user_id', '=', svc.userId)
      .execute();
    expect(denied[0]).toMatchObject({ actor_kind: 'service' });
  });

  it('tokens are made on /admin/users/{id}/tokens for service accounts only', async () => {
    const user = await makeUser(t.app, admin, 'user');
    const res = await call(t.app, 'POST', `/api/v1/admin/users/${user.userId}/tokens`, {
      token: admin.token,
      body: { name: 'x', scopes: ['view_upload'] },
    });
    expect(res.status).toBe(409);
  });
});

describe('deactivation', () => {
  it('ends sessions, refresh tokens and API tokens at once', async () => {
    const s = await registerUser(t.app);
    const created = await newToken(s.accessToken, { name: 'ci', scopes: ['view_upload'] });
    const svc = await makeService(t.app, admin, 'user', ['view_upload']);
    for (const [id, token] of [
      [s.userId, s.accessToken],
      [svc.userId, svc.token],
    ] as const) {
      const res = await call(t.app, 'PATCH', `/api/v1/admin/users/${id}`, {
        token: admin.token,
        body: { is_active: false },
      });
      expect(res.status).toBe(200);
      expect(res.body.is_active).toBe(false);
      expect((await call(t.app, 'GET', '/api/v1/uploads', { token })).status).toBe(401);
    }
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: created.token })).status).toBe(401);
    expect(
      (await call(t.app, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refreshToken } })).status,
    ).toBe(401);
    // Reactivation does not resurrect the API tokens: they were revoked, not just suspended.
    await call(t.app, 'PATCH', `/api/v1/admin/users/${s.userId}`, {
      token: admin.token,
      body: { is_active: true },
    });
    expect((await call(t.app, 'GET', '/api/v1/uploads', { token: created.token })).status).toBe(401);
    const revoked = await t.deps.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(revoked.revoked_at).not.toBeNull();
  });
});
