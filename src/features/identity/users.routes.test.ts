/** /api/v1/users: profile, password change, and administration, for each kind of caller. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { createIdentityService } from './identity.service.js';
import {
  call,
  loginUser,
  RELAXED_LIMITS,
  registerUser,
  STRONG_PASSWORD,
  uniqueEmail,
  type Session,
} from './identity.test-support.js';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
  const email = uniqueEmail('admin');
  await createIdentityService(t.deps).accounts.createUser({
    email,
    password: STRONG_PASSWORD,
    role: 'admin',
  });
  admin = await loginUser(t.app, email, STRONG_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

const MISSING_ID = '01900000-0000-7000-8000-000000000000';

describe('/api/v1/users/me', () => {
  it('GET returns the own profile; anonymous is 401', async () => {
    const s = await registerUser(t.app, { first_name: 'Grace' });
    const res = await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: s.userId, email: s.email, first_name: 'Grace', role: 'user' });
    expect(res.body).not.toHaveProperty('password_hash');
    const anon = await call(t.app, 'GET', '/api/v1/users/me');
    expect(anon.status).toBe(401);
    expect(anon.body.error).toBe('not_authenticated');
  });

  it('PATCH changes names only; any other field is 422', async () => {
    const s = await registerUser(t.app);
    const ok = await call(t.app, 'PATCH', '/api/v1/users/me', {
      token: s.accessToken,
      body: { first_name: 'Ada', last_name: 'King' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ first_name: 'Ada', last_name: 'King' });
    for (const body of [{ role: 'admin' }, { email: 'x@example.test' }, { is_active: false }]) {
      const res = await call(t.app, 'PATCH', '/api/v1/users/me', { token: s.accessToken, body });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('validation_error');
    }
  });
});

describe('POST /api/v1/users/me/password', () => {
  it('204; every other token of the user stops working, the new password logs in', async () => {
    const s = await registerUser(t.app);
    const other = await loginUser(t.app, s.email, s.password);
    const newPassword = 'Another-long-passphrase-77';
    const res = await call(t.app, 'POST', '/api/v1/users/me/password', {
      token: s.accessToken,
      body: { current_password: s.password, new_password: newPassword },
    });
    expect(res.status).toBe(204);
    // Earlier access tokens (both sessions) and the other session's refresh token are dead at once.
    expect((await call(t.app, 'GET', '/api/v1/users/me', { token: other.accessToken })).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken })).status).toBe(401);
    const otherRefresh = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: other.refreshToken },
    });
    expect(otherRefresh.status).toBe(401);
    // The caller's own session continues through its refresh token.
    const own = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: s.refreshToken },
    });
    expect(own.status).toBe(200);
    expect(
      (await call(t.app, 'GET', '/api/v1/users/me', { token: own.body.access_token as string })).status,
    ).toBe(200);
    // Old password no longer works; the new one does, and a token issued right away is valid.
    const oldLogin = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: s.password },
    });
    expect(oldLogin.status).toBe(401);
    const fresh = await loginUser(t.app, s.email, newPassword);
    expect((await call(t.app, 'GET', '/api/v1/users/me', { token: fresh.accessToken })).status).toBe(200);
  });

  it('is 401 without a token', async () => {
    const res = await call(t.app, 'POST', '/api/v1/users/me/password', {
      body: { current_password: 'x', new_password: 'Another-long-passphrase-77' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('not_authenticated');
  });

  it('a wrong current password or a weak new one is 422 naming the field', async () => {
    const s = await registerUser(t.app);
    const wrong = await call(t.app, 'POST', '/api/v1/users/me/password', {
      token: s.accessToken,
      body: { current_password: 'nope-nope-nope', new_password: 'Another-long-passphrase-77' },
    });
    expect(wrong.status).toBe(422);
    expect(JSON.stringify(wrong.body.details)).toContain('current_password');
    const weak = await call(t.app, 'POST', '/api/v1/users/me/password', {
      token: s.accessToken,
      body: { current_password: s.password, new_password: 'password' },
    });
    expect(weak.status).toBe(422);
    expect(JSON.stringify(weak.body.details)).toContain('new_password');
    expect((await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken })).status).toBe(200);
  });
});

describe('GET /api/v1/users (admin)', () => {
  it('pages with a cursor and filters by email, role and is_active', async () => {
    const tag = `pg${Date.now().toString(36)}`;
    const made: Session[] = [];
    for (let i = 0; i < 5; i++) made.push(await registerUser(t.app, { email: uniqueEmail(`${tag}-${i}`) }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/users?limit=2&email=${tag.toUpperCase()}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await call(t.app, 'GET', query, { token: admin.accessToken });
      expect(res.status).toBe(200);
      const results = res.body.results as Array<{ id: string; email: string }>;
      expect(results.length).toBeLessThanOrEqual(2);
      seen.push(...results.map((u) => u.id));
      cursor = res.body.next_cursor as string | null;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(made.map((s) => s.userId));
    expect(pages).toBe(3);

    const admins = await call(t.app, 'GET', '/api/v1/users?role=admin', { token: admin.accessToken });
    expect((admins.body.results as Array<{ id: string }>).map((u) => u.id)).toEqual([admin.userId]);
    await t.deps.db
      .updateTable('users')
      .set({ is_active: false })
      .where('id', '=', made[0]!.userId)
      .execute();
    const inactive = await call(t.app, 'GET', `/api/v1/users?is_active=false&email=${tag}`, {
      token: admin.accessToken,
    });
    expect((inactive.body.results as Array<{ id: string }>).map((u) => u.id)).toEqual([made[0]!.userId]);
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['role=root', 'query.role'],
    ['is_active=maybe', 'query.is_active'],
    ['cursor=bm90LWEtdXVpZA', 'cursor'],
    ['unknown=1', 'query.unknown'],
  ])('rejects ?%s with 422', async (query, field) => {
    const res = await call(t.app, 'GET', `/api/v1/users?${query}`, { token: admin.accessToken });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.details)).toContain(field);
  });

  it('is 403 for a non-admin and 401 anonymously', async () => {
    const s = await registerUser(t.app);
    expect((await call(t.app, 'GET', '/api/v1/users', { token: s.accessToken })).body.error).toBe(
      'forbidden',
    );
    expect((await call(t.app, 'GET', '/api/v1/users')).status).toBe(401);
  });
});

describe('/api/v1/users/{id}', () => {
  it.each([
    ['admin, any user', 'admin', 'other', 200],
    ['admin, missing id', 'admin', 'missing', 404],
    ['admin, malformed id', 'admin', 'malformed', 404],
    ['owner, itself', 'owner', 'self', 200],
    ['user, another user', 'owner', 'other', 403],
    ['user, missing id', 'owner', 'missing', 403],
    ['user, malformed id', 'owner', 'malformed', 403],
  ])('GET as %s → %i', async (_name, who, target, status) => {
    const owner = await registerUser(t.app);
    const other = await registerUser(t.app);
    const id = { self: owner.userId, other: other.userId, missing: MISSING_ID, malformed: 'not-a-uuid' }[
      target
    ]!;
    const token = who === 'admin' ? admin.accessToken : owner.accessToken;
    const res = await call(t.app, 'GET', `/api/v1/users/${id}`, { token });
    expect(res.status).toBe(status);
    if (status === 403) expect(res.body.error).toBe('forbidden');
    if (status === 404) expect(res.body.error).toBe('not_found');
  });

  it('PATCH: owner may change its names, not its role (403); admin may change the role, at once', async () => {
    const s = await registerUser(t.app);
    const names = await call(t.app, 'PATCH', `/api/v1/users/${s.userId}`, {
      token: s.accessToken,
      body: { last_name: 'Hopper' },
    });
    expect(names.status).toBe(200);
    expect(names.body.last_name).toBe('Hopper');
    const role = await call(t.app, 'PATCH', `/api/v1/users/${s.userId}`, {
      token: s.accessToken,
      body: { role: 'admin' },
    });
    expect(role.status).toBe(403);
    expect(role.body.error).toBe('forbidden');
    const other = await registerUser(t.app);
    expect(
      (
        await call(t.app, 'PATCH', `/api/v1/users/${other.userId}`, {
          token: s.accessToken,
          body: { first_name: 'X' },
        })
      ).status,
    ).toBe(403);

    const promoted = await call(t.app, 'PATCH', `/api/v1/users/${s.userId}`, {
      token: admin.accessToken,
      body: { role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');
    // The same access token acts with the new role at once (the role comes from the user's state).
    expect((await call(t.app, 'GET', '/api/v1/users', { token: s.accessToken })).status).toBe(200);
    await call(t.app, 'PATCH', `/api/v1/users/${s.userId}`, {
      token: admin.accessToken,
      body: { role: 'guest' },
    });
    expect((await call(t.app, 'GET', '/api/v1/users', { token: s.accessToken })).status).toBe(403);
  });

  it('PATCH is_active=false by an admin ends the user’s sessions at once', async () => {
    const s = await registerUser(t.app);
    const res = await call(t.app, 'PATCH', `/api/v1/users/${s.userId}`, {
      token: admin.accessToken,
      body: { is_active: false },
    });
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(false);
    expect((await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken })).status).toBe(401);
    expect(
      (await call(t.app, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refreshToken } })).status,
    ).toBe(401);
    expect(
      (await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: s.email, password: s.password } }))
        .status,
    ).toBe(401);
  });

  it('an admin cannot demote, deactivate or delete itself (409)', async () => {
    for (const body of [{ role: 'user' }, { is_active: false }]) {
      const res = await call(t.app, 'PATCH', `/api/v1/users/${admin.userId}`, {
        token: admin.accessToken,
        body,
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('conflict');
    }
    const del = await call(t.app, 'DELETE', `/api/v1/users/${admin.userId}`, { token: admin.accessToken });
    expect(del.status).toBe(409);
  });

  it('DELETE: admin 204 (the user’s tokens die), missing 404, non-admin 403', async () => {
    const s = await registerUser(t.app);
    const other = await registerUser(t.app);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/users/${other.userId}`, { token: s.accessToken })).status,
    ).toBe(403);
    expect((await call(t.app, 'DELETE', `/api/v1/users/${s.userId}`, { token: s.accessToken })).status).toBe(
      403,
    );
    const res = await call(t.app, 'DELETE', `/api/v1/users/${s.userId}`, { token: admin.accessToken });
    expect(res.status).toBe(204);
    expect((await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken })).status).toBe(401);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/users/${s.userId}`, { token: admin.accessToken })).status,
    ).toBe(404);
  });
});
