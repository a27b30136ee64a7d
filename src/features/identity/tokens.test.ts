/** Access-token verification: every forged or unfit token is refused with a clear 401. */
import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { createIdentityService, type IdentityService } from './identity.service.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from './identity.test-support.js';

let t: TestApp;
let service: IdentityService;
let s: Session;

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
  // A second service over the same database: it holds the same keys, so it can forge with them.
  service = createIdentityService(t.deps);
  s = await registerUser(t.app);
});
afterAll(async () => {
  await t?.close();
});

const me = (token: string) => call(t.app, 'GET', '/api/v1/users/me', { token });

async function sign(
  overrides: {
    header?: Record<string, unknown>;
    claims?: Record<string, unknown>;
    iss?: string;
    aud?: string;
    iat?: number;
    exp?: number;
  } = {},
): Promise<string> {
  const key = await service.keys.current();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'user', sid: null, ...overrides.claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...overrides.header })
    .setIssuer(overrides.iss ?? t.deps.config.publicUrl)
    .setAudience(overrides.aud ?? 'intake')
    .setSubject(s.userId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(overrides.iat ?? now)
    .setExpirationTime(overrides.exp ?? now + 300)
    .sign(key.privateKey);
}

describe('access tokens', () => {
  it('carry kid, typ at+jwt and the documented claims', () => {
    const header = decodeProtectedHeader(s.accessToken);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(typeof header.kid).toBe('string');
    const claims = decodeJwt(s.accessToken);
    expect(claims).toMatchObject({
      iss: t.deps.config.publicUrl,
      aud: 'intake',
      sub: s.userId,
      role: 'user',
    });
    expect(typeof claims.jti).toBe('string');
    expect(typeof claims.sid).toBe('string');
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });

  it('verify with an independent JOSE implementation against the published JWKS, exactly', async () => {
    const jwks = await call(t.app, 'GET', '/.well-known/jwks.json');
    const { payload, protectedHeader } = await jwtVerify(
      s.accessToken,
      createLocalJWKSet(jwks.body as unknown as Parameters<typeof createLocalJWKSet>[0]),
      {
        algorithms: ['EdDSA'],
        issuer: t.deps.config.publicUrl,
        audience: 'intake',
        typ: 'at+jwt',
      },
    );
    expect(Object.keys(protectedHeader).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'role', 'sid', 'sub']);
    // One changed byte anywhere in the signature fails it.
    const [h, p, sig] = s.accessToken.split('.');
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    await expect(
      jwtVerify(
        `${h}.${p}.${flipped}`,
        createLocalJWKSet(jwks.body as unknown as Parameters<typeof createLocalJWKSet>[0]),
      ),
    ).rejects.toThrow(/signature/);
  });

  it('a token we forge with our own key the same way is accepted (the control case)', async () => {
    expect((await me(await sign())).status).toBe(200);
  });

  const cases: Array<[string, () => Promise<string>, string, RegExp]> = [
    [
      'expired beyond the clock skew',
      async () => sign({ iat: 1_000, exp: Math.floor(Date.now() / 1000) - 61 }),
      'token_expired',
      /expired/,
    ],
    [
      'tampered payload',
      async () => {
        const [h, , sig] = s.accessToken.split('.');
        const payload = Buffer.from(JSON.stringify({ ...decodeJwt(s.accessToken), role: 'admin' })).toString(
          'base64url',
        );
        return `${h}.${payload}.${sig}`;
      },
      'not_authenticated',
      /signature/,
    ],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ role: 'admin' })
          .setIssuer(t.deps.config.publicUrl)
          .setAudience('intake')
          .setSubject(s.userId)
          .setJti('x')
          .setIssuedAt()
          .setExpirationTime('5m')
          .encode(),
      'not_authenticated',
      /algorithm/,
    ],
    [
      'HS256 signed with our public key (algorithm confusion)',
      async () => {
        const kid = decodeProtectedHeader(s.accessToken).kid as string;
        const jwks = await service.keys.jwks();
        const jwk = jwks.keys.find((k) => k.kid === kid)!;
        // The classic confusion attack: the published public key (PEM) as the HMAC secret.
        const publicPem = createPublicKey({ key: { ...jwk }, format: 'jwk' }).export({
          format: 'pem',
          type: 'spki',
        });
        return new SignJWT({ role: 'admin' })
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
          .setIssuer(t.deps.config.publicUrl)
          .setAudience('intake')
          .setSubject(s.userId)
          .setJti('x')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(Buffer.from(publicPem as string));
      },
      'not_authenticated',
      /algorithm/,
    ],
    ['wrong audience', async () => sign({ aud: 'someone-else' }), 'not_authenticated', /aud/],
    ['wrong issuer', async () => sign({ iss: 'https://evil.example' }), 'not_authenticated', /iss/],
    ['wrong typ (a plain JWT)', async () => sign({ header: { typ: 'JWT' } }), 'not_authenticated', /typ/],
    ['unknown kid', async () => sign({ header: { kid: 'no-such-key' } }), 'not_authenticated', /key/],
    ['a refresh token used as an access token', async () => s.refreshToken, 'not_authenticated', /malformed/],
    ['garbage', async () => 'not.a.jwt', 'not_authenticated', /malformed/],
  ];

  it.each(cases)('refuses %s', async (_name, make, code, message) => {
    const res = await me(await make());
    expect(res.status).toBe(401);
    expect(res.body.error).toBe(code);
    expect(res.body.message).toMatch(message);
  });

  it('accepts a token expired less than the clock skew ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await me(await sign({ iat: now - 400, exp: now - 30 }))).status).toBe(200);
  });

  it('refuses a malformed Authorization header on a protected route, ignores it on a public one', async () => {
    const res = await call(t.app, 'GET', '/api/v1/users/me', { headers: { authorization: 'Bearer' } });
    expect(res.status).toBe(401);
    const jwks = await call(t.app, 'GET', '/.well-known/jwks.json', {
      headers: { authorization: 'Bearer nonsense' },
    });
    expect(jwks.status).toBe(200);
  });
});

describe('signing keys', () => {
  it('rotation keeps old tokens valid, signs new ones with the new key, and the JWKS lists both', async () => {
    const before = await call(t.app, 'GET', '/.well-known/jwks.json');
    expect(before.status).toBe(200);
    expect(before.headers['cache-control']).toMatch(/max-age=\d+/);
    const oldKid = decodeProtectedHeader(s.accessToken).kid;
    expect((before.body.keys as Array<{ kid: string }>).map((k) => k.kid)).toContain(oldKid);

    // Rotated by another "process" (a second service): the app must pick it up by itself.
    const { kid: newKid } = await service.keys.rotate();
    expect(newKid).not.toBe(oldKid);

    expect((await me(s.accessToken)).status).toBe(200);
    const fresh = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: s.password },
    });
    expect(fresh.status).toBe(200);
    // The app's ring reloads when it sees the unknown kid, or on the rotation announcement.
    const forged = await sign();
    expect(decodeProtectedHeader(forged).kid).toBe(newKid);
    expect((await me(forged)).status).toBe(200);

    const after = await call(t.app, 'GET', '/.well-known/jwks.json');
    const kids = (after.body.keys as Array<{ kid: string; kty: string; crv: string; alg: string }>).map(
      (k) => k.kid,
    );
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
    for (const key of after.body.keys as Array<Record<string, unknown>>) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('a retired key stops verifying and leaves the JWKS once its tokens have expired', async () => {
    const oldKid = (await service.keys.current()).kid;
    await service.keys.rotate();
    await t.deps.db
      .updateTable('signing_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('kid', '=', oldKid)
      .execute();
    const fresh = createIdentityService(t.deps);
    const jwks = await fresh.keys.jwks();
    expect(jwks.keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(await fresh.keys.verificationKey(oldKid)).toBeNull();
  });

  it('stores the private key encrypted, never in clear', async () => {
    const rows = await t.deps.db.selectFrom('signing_keys').selectAll().execute();
    for (const row of rows) {
      expect(row.public_jwk).not.toHaveProperty('d');
      expect(row.private_key_encrypted.includes(Buffer.from('BEGIN'))).toBe(false);
      expect(row.private_key_encrypted.length).toBeGreaterThan(28 + 40);
    }
  });
});
