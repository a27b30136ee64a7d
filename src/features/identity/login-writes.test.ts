import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { call, RELAXED_LIMITS, registerUser } from './identity.test-support.js';

// What one login writes, read back from the tables: the login path's statement is fixed SQL text
// (users.repository.ts), so these are checked column by column.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
});
afterAll(async () => {
  await t?.close();
});

describe('a successful login writes', () => {
  it('the last-login time, an audit row with the request, and the hashed refresh token of a new family', async () => {
    const s = await registerUser(t.app);
    const before = new Date(Date.now() - 1000);
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: s.password },
      headers: { 'user-agent': 'login-writes-test/1.0' },
      remoteAddress: '203.0.113.7',
    });
    expect(res.status).toBe(200);
    const user = await t.deps.db
      .selectFrom('users')
      .select(['last_login_at', 'password_hash'])
      .where('id', '=', s.userId)
      .executeTakeFirstOrThrow();
    expect(user.last_login_at!.getTime()).toBeGreaterThanOrEqual(before.getTime());

    const audit = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'auth.login')
      .where('actor_user_id', '=', s.userId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_kind: 'user',
      actor_token_id: null,
      target_type: 'user',
      target_id: s.userId,
      ip: '203.0.113.7',
      user_agent: 'login-writes-test/1.0',
      request_id: res.headers['x-request-id'],
      details: {},
    });

    const refresh = res.body.refresh_token as string;
    const tokens = await t.deps.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', createHash('sha256').update(refresh, 'utf8').digest())
      .execute();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({
      user_id: s.userId,
      parent_id: null,
      rotated_at: null,
      revoked_at: null,
    });
    // A new family: not the one registration started.
    const families = await t.deps.db
      .selectFrom('refresh_tokens')
      .select('family_id')
      .distinct()
      .where('user_id', '=', s.userId)
      .execute();
    expect(families).toHaveLength(2);
    const ttlMs = tokens[0].family_expires_at.getTime() - Date.now();
    expect(ttlMs).toBeGreaterThan(t.deps.config.refreshTokenTtlSeconds * 1000 - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(t.deps.config.refreshTokenTtlSeconds * 1000);
  });

  it('nothing when the password is wrong: no refresh token, no last-login time, a failed-login audit row', async () => {
    const s = await registerUser(t.app);
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: 'not-the-password-1' },
    });
    expect(res.status).toBe(401);
    const user = await t.deps.db
      .selectFrom('users')
      .select('last_login_at')
      .where('id', '=', s.userId)
      .executeTakeFirstOrThrow();
    expect(user.last_login_at).toBeNull();
    const tokens = await t.deps.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', s.userId)
      .execute();
    expect(tokens).toHaveLength(1); // registration's only
    const actions = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', s.userId)
      .where('action', 'like', 'auth.login%')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['auth.login_failed']);
  });
});
