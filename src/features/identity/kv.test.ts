/**
 * Per-email limits, the denylist and invalidations seen by another service instance (standing in
 * for another process), with both kv backends: in process, and Redis when REDIS_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { REDIS_SKIP_REASON, testRedisUrl } from '../../../test/redis.js';
import { createIdentityService } from './identity.service.js';
import { call, registerUser, uniqueEmail } from './identity.test-support.js';

/** Needs an app built with RATE_LIMIT_AUTH=3. */
function describeKvScenarios(name: string, app: () => TestApp): void {
  describe(name, () => {
    it('per-email limit: the 4th attempt for one email within a minute is 429, from any address', async () => {
      const t = app();
      const s = await registerUser(t.app, { email: uniqueEmail('limited') });
      const attempt = (i: number, email = s.email) =>
        call(t.app, 'POST', '/api/v1/auth/login', {
          body: { email, password: 'wrong-password-1' },
          remoteAddress: `10.9.${Math.floor(i / 200)}.${i % 200}`,
        });
      // registration counted once; two more attempts reach the limit of 3
      expect((await attempt(1)).status).toBe(401);
      expect((await attempt(2)).status).toBe(401);
      const limited = await attempt(3, s.email.toUpperCase());
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['ratelimit-limit']).toBe('3');
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      // Another email from a fresh address is unaffected.
      expect((await attempt(4, uniqueEmail('free'))).status).toBe(401);
    });

    it('logout denylists the access token for every instance', async () => {
      const t = app();
      const s = await registerUser(t.app, {}, '10.8.0.1');
      const other = createIdentityService(t.deps);
      await other.authenticateAccessToken(s.accessToken);
      expect((await call(t.app, 'POST', '/api/v1/auth/logout', { token: s.accessToken })).status).toBe(204);
      await expect(other.authenticateAccessToken(s.accessToken)).rejects.toMatchObject({
        code: 'not_authenticated',
      });
    });

    it('deactivation reaches another instance’s cache through pub/sub', async () => {
      const t = app();
      const s = await registerUser(t.app, {}, '10.8.0.2');
      const other = createIdentityService(t.deps);
      // Warm the other instance's cache, then deactivate through this one.
      await other.authenticateAccessToken(s.accessToken);
      const admin = createIdentityService(t.deps);
      const adminUser = await admin.accounts.createUser({
        email: uniqueEmail('kv-admin'),
        password: 'violet-Pelican-harbour-93',
        role: 'admin',
      });
      const adminAuth = {
        userId: adminUser.id,
        role: 'admin' as const,
        method: 'jwt' as const,
        tokenId: 'cli',
        expiresAt: 0,
        sessionId: null,
      };
      await admin.users.update(adminAuth, s.userId, { is_active: false });
      await expect
        .poll(
          async () =>
            other.authenticateAccessToken(s.accessToken).then(
              () => 'accepted',
              (err: { code: string }) => err.code,
            ),
          {
            timeout: 2000,
          },
        )
        .toBe('not_authenticated');
    });
  });
}

const LIMITS = { RATE_LIMIT_AUTH: '3', RATE_LIMIT_API: '100000' };

describe('with the in-process kv', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(LIMITS);
    if (t.deps.kv.kind !== 'memory') throw new Error('expected the in-process kv');
  });
  afterAll(async () => {
    await t?.close();
  });
  describeKvScenarios('identity', () => t);
});

const redisUrl = testRedisUrl();

describe.skipIf(!redisUrl)(`with Redis${redisUrl ? '' : ` (${REDIS_SKIP_REASON})`}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ ...LIMITS, REDIS_URL: redisUrl as string });
    if (t.deps.kv.kind !== 'redis') throw new Error('expected the Redis kv');
  });
  afterAll(async () => {
    await t?.close();
  });
  describeKvScenarios('identity', () => t);
});
