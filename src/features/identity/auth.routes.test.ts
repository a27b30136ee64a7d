import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { createPasswordHasher, type PasswordHasher } from '../../lib/password-hasher.js';
import { createIdentityService } from './identity.service.js';
import {
  call,
  RELAXED_LIMITS,
  registerUser,
  STRONG_PASSWORD,
  uniqueEmail,
  withoutRequestId,
} from './identity.test-support.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
});
afterAll(async () => {
  await t?.close();
});

describe('POST /api/v1/auth/register', () => {
  it('creates the user and returns a token pair (201)', async () => {
    const email = uniqueEmail('Mixed.Case');
    const res = await call(t.app, 'POST', '/api/v1/auth/register', {
      body: { email, password: STRONG_PASSWORD, first_name: 'Ada', last_name: 'Lovelace' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      user: {
        email,
        first_name: 'Ada',
        last_name: 'Lovelace',
        role: 'user',
        is_active: true,
        email_verified_at: null,
      },
      token_type: 'Bearer',
      expires_in: 900,
    });
    expect(typeof res.body.access_token).toBe('string');
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(res.body)).not.toContain('password');
    const row = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it.each([['taken email, other case', 409, 'conflict']])(
    'rejects a %s (%i %s)',
    async (_name, status, code) => {
      const email = uniqueEmail('taken');
      await registerUser(t.app, { email });
      const res = await call(t.app, 'POST', '/api/v1/auth/register', {
        body: { email: email.toUpperCase(), password: STRONG_PASSWORD },
      });
      expect(res.status).toBe(status);
      expect(res.body.error).toBe(code);
    },
  );

  it.each([
    ['missing password', { email: 'x@example.test' }, ['password']],
    ['invalid email', { email: 'not-an-email', password: STRONG_PASSWORD }, ['email']],
    ['unknown field', { email: 'y@example.test', password: STRONG_PASSWORD, role: 'admin' }, ['role']],
    ['wrong types', { email: 5, password: true }, ['email', 'password']],
  ])('rejects %s with 422 naming each field', async (_name, body, fields) => {
    const res = await call(t.app, 'POST', '/api/v1/auth/register', { body });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    const details = JSON.stringify(res.body.details);
    for (const field of fields) expect(details).toContain(field);
  });

  it('rejects a weak password with 422 listing every failed rule', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/register', {
      body: { email: uniqueEmail(), password: '1234' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    const codes = (res.body.details as Array<{ code: string; field: string }>).map((d) => d.code).sort();
    expect(codes).toEqual(['password_entirely_numeric', 'password_too_common', 'password_too_short']);
  });
});

describe('POST /api/v1/auth/login', () => {
  it('returns a token pair and records the login (200)', async () => {
    const s = await registerUser(t.app);
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email.toUpperCase(), password: s.password },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: s.userId }, token_type: 'Bearer' });
    expect((res.body.user as { last_login_at: string | null }).last_login_at).not.toBeNull();
    const me = await call(t.app, 'GET', '/api/v1/users/me', { token: res.body.access_token as string });
    expect(me.status).toBe(200);
  });

  it('answers a wrong password, an unknown email and an inactive account identically (401)', async () => {
    const s = await registerUser(t.app);
    const inactive = await registerUser(t.app);
    await t.deps.db
      .updateTable('users')
      .set({ is_active: false })
      .where('id', '=', inactive.userId)
      .execute();
    const wrong = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: 'not-the-password-1' },
    });
    const unknown = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: uniqueEmail('nobody'), password: 'not-the-password-1' },
    });
    const off = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: inactive.email, password: inactive.password },
    });
    for (const res of [wrong, unknown, off]) {
      expect(res.status).toBe(401);
      expect(withoutRequestId(res.body)).toEqual(withoutRequestId(wrong.body));
    }
    expect(wrong.body.error).toBe('invalid_credentials');
  });

  // Counts real Argon2 verifications instead of timing them: a timed assertion is flaky on a
  // loaded machine, and the property that matters is that every path pays for one hash.
  it('spends one Argon2 verification on an unknown email too (timing does not reveal accounts)', async () => {
    const s = await registerUser(t.app);
    const real = createPasswordHasher();
    const verified: string[] = [];
    const hasher: PasswordHasher = {
      ...real,
      verify: async (phc, password) => {
        verified.push(phc);
        return real.verify(phc, password);
      },
    };
    const service = createIdentityService(t.deps, { hasher });
    const meta = { ip: '127.0.0.1' };
    for (const email of [s.email, uniqueEmail('ghost')]) {
      await expect(service.accounts.login(email, 'not-the-password-1', meta)).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
    }
    expect(verified).toHaveLength(2);
    // The unknown email was checked against a real Argon2id hash with the same parameters.
    for (const phc of verified) expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('rehashes a password hashed with other parameters at login', async () => {
    const s = await registerUser(t.app);
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash(s.password, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await t.deps.db.updateTable('users').set({ password_hash: weak }).where('id', '=', s.userId).execute();
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: s.password },
    });
    expect(res.status).toBe(200);
    const row = await t.deps.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', s.userId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('POST /api/v1/auth/refresh and /logout', () => {
  it('rotates the refresh token (200 new pair, old one used up)', async () => {
    const s = await registerUser(t.app);
    const res = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: s.refreshToken },
    });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).not.toBe(s.refreshToken);
    expect(res.body.token_type).toBe('Bearer');
    const me = await call(t.app, 'GET', '/api/v1/users/me', { token: res.body.access_token as string });
    expect(me.status).toBe(200);
  });

  it('rejects an unknown refresh token (401 not_authenticated)', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: 'x'.repeat(43) },
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('not_authenticated');
  });

  it('logout (204) stops the access token and its refresh family at once', async () => {
    const s = await registerUser(t.app);
    const res = await call(t.app, 'POST', '/api/v1/auth/logout', { token: s.accessToken });
    expect(res.status).toBe(204);
    const me = await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken });
    expect(me.status).toBe(401);
    expect(me.body.error).toBe('not_authenticated');
    const refreshed = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: s.refreshToken },
    });
    expect(refreshed.status).toBe(401);
  });

  it('logout with a refresh_token of another session of the same user revokes that family too', async () => {
    const s = await registerUser(t.app);
    const other = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: s.password },
    });
    const res = await call(t.app, 'POST', '/api/v1/auth/logout', {
      token: s.accessToken,
      body: { refresh_token: other.body.refresh_token },
    });
    expect(res.status).toBe(204);
    const refreshed = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: other.body.refresh_token },
    });
    expect(refreshed.status).toBe(401);
  });

  it('logout without a token is 401', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/logout', {});
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('not_authenticated');
  });
});
