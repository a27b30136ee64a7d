import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { ANONYMOUS_ACTOR, createBatchedAudit, toAuditRow } from '../audit/index.js';
import {
  call,
  RELAXED_LIMITS,
  refreshWith,
  registerUser,
  withoutRequestId,
} from './identity.test-support.js';
import { createLoginWriter } from './login-writer.js';
import { recordLogins, type LoginWrite } from './users.repository.js';

// What logins write, read back from the tables: the login path's statements are fixed SQL text
// (users.repository.ts), so these are checked column by column, for one login and for a batch.
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

describe('logins that complete together', () => {
  /** A login's writes as the login path builds them, for a user and a given details marker. */
  function loginWrite(userId: string, marker: string, newPasswordHash: string | null = null): LoginWrite {
    return {
      id: userId,
      newPasswordHash,
      audit: toAuditRow({
        action: 'auth.login',
        actor: { userId, kind: 'user' },
        target: { type: 'user', id: userId },
        meta: { ip: '198.51.100.4', userAgent: 'batch-test', requestId: marker },
      }),
      refreshToken: {
        id: uuidv7(),
        token_hash: randomBytes(32),
        family_id: uuidv7(),
        user_id: userId,
        parent_id: null,
        family_expires_at: new Date(Date.now() + 3_600_000),
      },
    };
  }

  async function auditRows(markers: string[]) {
    return t.deps.db
      .selectFrom('audit_events')
      .select(['request_id', 'actor_user_id', 'created_at', 'user_agent', 'ip'])
      .where('request_id', 'in', markers)
      .orderBy('request_id')
      .execute();
  }

  async function tokenRows(writes: LoginWrite[]) {
    return t.deps.db
      .selectFrom('refresh_tokens')
      .select(['id', 'user_id', 'family_id', 'parent_id'])
      .where(
        'id',
        'in',
        writes.map((w) => w.refreshToken.id),
      )
      .execute();
  }

  it('are written by one statement: every row, one transaction (same now()), a rehash kept', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const marker = uuidv7();
    const writes = [
      loginWrite(a.userId, `${marker}-1`),
      loginWrite(a.userId, `${marker}-2`, '$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g'),
      loginWrite(b.userId, `${marker}-3`),
    ];
    const writer = createLoginWriter(t.deps.db);
    await Promise.all(writes.map((w) => writer.record(w))); // same turn: one batch

    const audit = await auditRows(writes.map((w) => w.audit.request_id!));
    expect(audit.map((r) => r.actor_user_id)).toEqual([a.userId, a.userId, b.userId]);
    expect(audit.every((r) => r.user_agent === 'batch-test' && r.ip === '198.51.100.4')).toBe(true);
    // created_at defaults to now(), the transaction's start: equal only within one transaction.
    expect(new Set(audit.map((r) => r.created_at.getTime())).size).toBe(1);

    const tokens = await tokenRows(writes);
    expect(tokens).toHaveLength(3);
    for (const w of writes) {
      expect(tokens).toContainEqual({
        id: w.refreshToken.id,
        user_id: w.id,
        family_id: w.refreshToken.family_id,
        parent_id: null,
      });
    }

    const users = await t.deps.db
      .selectFrom('users')
      .select(['id', 'last_login_at', 'password_hash'])
      .where('id', 'in', [a.userId, b.userId])
      .execute();
    const byId = new Map(users.map((u) => [u.id, u]));
    expect(byId.get(a.userId)!.password_hash).toBe(writes[1].newPasswordHash);
    expect(byId.get(b.userId)!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    for (const u of users) expect(u.last_login_at).not.toBeNull();
  });

  it('one bad login fails alone: the others in its batch are written, nothing of it is', async () => {
    const s = await registerUser(t.app);
    const marker = uuidv7();
    const goneUser = uuidv7(); // no such user: its refresh token breaks the foreign key
    const writes = [
      loginWrite(s.userId, `${marker}-1`),
      loginWrite(goneUser, `${marker}-2`),
      loginWrite(s.userId, `${marker}-3`),
    ];
    const writer = createLoginWriter(t.deps.db);
    const results = await Promise.allSettled(writes.map((w) => writer.record(w)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' }); // foreign key

    const audit = await auditRows(writes.map((w) => w.audit.request_id!));
    expect(audit.map((r) => r.request_id)).toEqual([`${marker}-1`, `${marker}-3`]);
    expect((await tokenRows(writes)).map((r) => r.user_id)).toEqual([s.userId, s.userId]);
  });

  it('recordLogins commits all of a batch or none of it', async () => {
    const s = await registerUser(t.app);
    const marker = uuidv7();
    const writes = [loginWrite(s.userId, `${marker}-1`), loginWrite(uuidv7(), `${marker}-2`)];
    await expect(recordLogins(t.deps.db, writes)).rejects.toMatchObject({ code: '23503' });
    expect(await auditRows(writes.map((w) => w.audit.request_id!))).toEqual([]);
    expect(await tokenRows(writes)).toEqual([]);
  });

  it('through the API: concurrent logins all succeed, each with its own working session', async () => {
    const users = [await registerUser(t.app), await registerUser(t.app)];
    const responses = await Promise.all(
      [...users, ...users, ...users].map((u) =>
        call(t.app, 'POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    const refreshTokens = responses.map((r) => r.body.refresh_token as string);
    expect(new Set(refreshTokens).size).toBe(6);
    for (const token of refreshTokens) expect((await refreshWith(t.app, token)).status).toBe(200);
  });
});

describe('failed logins that come together', () => {
  it('are each audited, by one statement when they fall in the same turn', async () => {
    const record = createBatchedAudit(t.deps.db);
    const marker = uuidv7();
    await Promise.all(
      [1, 2, 3].map((i) =>
        record({
          action: 'auth.login_failed',
          actor: ANONYMOUS_ACTOR,
          target: { type: 'user', id: null },
          meta: { ip: '198.51.100.9', requestId: `${marker}-${i}` },
          details: { reason: 'unknown_email' },
        }),
      ),
    );
    const rows = await t.deps.db
      .selectFrom('audit_events')
      .select(['request_id', 'created_at', 'details'])
      .where('request_id', 'like', `${marker}-%`)
      .orderBy('request_id')
      .execute();
    expect(rows.map((r) => r.request_id)).toEqual([1, 2, 3].map((i) => `${marker}-${i}`));
    expect(rows.every((r) => (r.details as { reason: string }).reason === 'unknown_email')).toBe(true);
    expect(new Set(rows.map((r) => r.created_at.getTime())).size).toBe(1); // one transaction
  });

  it('through the API: wrong passwords and unknown emails at once all get the same 401, each audited', async () => {
    const s = await registerUser(t.app);
    const attempts = [
      { email: s.email, password: 'not-the-password-1' },
      { email: `nobody-${uuidv7()}@example.com`, password: 'whatever-password-2' },
      { email: s.email, password: 'not-the-password-3' },
      { email: `nobody-${uuidv7()}@example.com`, password: 'whatever-password-4' },
    ];
    const responses = await Promise.all(
      attempts.map((body) => call(t.app, 'POST', '/api/v1/auth/login', { body })),
    );
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(new Set(responses.map((r) => JSON.stringify(withoutRequestId(r.body)))).size).toBe(1);
    const rows = await t.deps.db
      .selectFrom('audit_events')
      .select(['request_id', 'details'])
      .where('action', '=', 'auth.login_failed')
      .where(
        'request_id',
        'in',
        responses.map((r) => r.headers['x-request-id'] as string),
      )
      .execute();
    const reasons = new Map(rows.map((r) => [r.request_id, (r.details as { reason: string }).reason]));
    expect(responses.map((r) => reasons.get(r.headers['x-request-id'] as string))).toEqual([
      'wrong_password',
      'unknown_email',
      'wrong_password',
      'unknown_email',
    ]);
  });
});
