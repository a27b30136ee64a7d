import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.js';
import type { TestApp } from '../../test/app.js';
import { REDIS_SKIP_REASON, testRedisUrl } from '../../test/redis.js';
import { createKv } from '../cache/kv.js';
import type { KeyValueStore } from '../cache/kv.js';
import { buildApp } from './app.js';
import { createRateLimiter } from './rate-limit.js';

const redisUrl = testRedisUrl();
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** The real app on a fresh database, plus probe routes in the auth and API areas. */
async function startApp(env: Record<string, string>): Promise<{ app: FastifyInstance; t: TestApp }> {
  const t = await buildTestApp(env);
  closers.push(() => t.close());
  const app = await buildApp(t.deps, {
    register: (instance) => {
      instance.get('/api/v1/auth/_probe', async () => ({ ok: true }));
      instance.get('/api/v1/_probe', async () => ({ ok: true }));
    },
  });
  closers.push(() => app.close());
  return { app, t };
}

function kv(kind: 'memory' | 'redis'): KeyValueStore {
  const store = createKv({
    redisUrl: kind === 'redis' ? redisUrl : null,
    prefix: `rl-test:${randomBytes(6).toString('hex')}:`,
  });
  closers.push(() => store.close());
  return store;
}

const kinds = [
  ['memory', true],
  ['redis', redisUrl !== null],
] as const;

for (const [kind, available] of kinds) {
  describe.skipIf(!available)(
    `rate limits on ${kind} counters${available ? '' : ` (${REDIS_SKIP_REASON})`}`,
    () => {
      const env = kind === 'redis' ? { REDIS_URL: redisUrl! } : ({} as Record<string, string>);

      it('createRateLimiter counts within a fixed window', async () => {
        const limiter = createRateLimiter(kv(kind));
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await limiter.check('k', 3, 60));
        expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
          [true, 2],
          [true, 1],
          [true, 0],
          [false, 0],
        ]);
        for (const r of results) {
          expect(r.limit).toBe(3);
          expect(r.resetSeconds).toBeGreaterThanOrEqual(1);
          expect(r.resetSeconds).toBeLessThanOrEqual(60);
        }
        // Another key has its own budget.
        expect((await limiter.check('other', 3, 60)).remaining).toBe(2);
      });

      it('the window resets after it expires', async () => {
        const limiter = createRateLimiter(kv(kind));
        expect((await limiter.check('w', 1, 1)).allowed).toBe(true);
        expect((await limiter.check('w', 1, 1)).allowed).toBe(false);
        await new Promise((r) => setTimeout(r, 1100));
        expect((await limiter.check('w', 1, 1)).allowed).toBe(true);
      });

      it('auth routes: RATE_LIMIT_AUTH per client IP, then 429 with Retry-After', async () => {
        const { app } = await startApp({ ...env, RATE_LIMIT_AUTH: '3' });
        const statuses = [];
        for (let i = 0; i < 3; i++) {
          const res = await app.inject({ method: 'GET', url: '/api/v1/auth/_probe' });
          statuses.push(res.statusCode);
          expect(res.headers['ratelimit-limit']).toBe('3');
          expect(res.headers['ratelimit-remaining']).toBe(String(2 - i));
          expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
        }
        expect(statuses).toEqual([200, 200, 200]);
        const limited = await app.inject({ method: 'GET', url: '/api/v1/auth/_probe' });
        expect(limited.statusCode).toBe(429);
        expect(limited.json()).toMatchObject({
          error: 'rate_limited',
          request_id: limited.headers['x-request-id'],
        });
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(limited.headers['ratelimit-remaining']).toBe('0');
        expect(limited.headers['x-request-id']).toBeTruthy();
        // The API budget is separate from the auth budget, and probes are never limited.
        expect((await app.inject({ method: 'GET', url: '/api/v1/_probe' })).statusCode).toBe(200);
        const health = await app.inject({ method: 'GET', url: '/health' });
        expect(health.statusCode).toBe(200);
        expect(health.headers['ratelimit-limit']).toBeUndefined();
        expect(
          (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).headers['ratelimit-limit'],
        ).toBeUndefined();
      });

      it('API routes: RATE_LIMIT_API per client when anonymous, unknown routes count too', async () => {
        const { app } = await startApp({ ...env, RATE_LIMIT_API: '2' });
        expect((await app.inject({ method: 'GET', url: '/api/v1/_probe' })).statusCode).toBe(200);
        expect((await app.inject({ method: 'GET', url: '/api/v1/_nothing' })).statusCode).toBe(404);
        const limited = await app.inject({ method: 'GET', url: '/api/v1/_probe?x=1' });
        expect(limited.statusCode).toBe(429);
        expect(limited.headers['ratelimit-limit']).toBe('2');
      });

      it('does not count CORS preflights', async () => {
        const { app } = await startApp({ ...env, RATE_LIMIT_API: '1', CORS_ORIGINS: 'https://app.example' });
        const preflight = {
          method: 'OPTIONS' as const,
          url: '/api/v1/_probe',
          headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
        };
        expect((await app.inject(preflight)).statusCode).toBe(204);
        expect((await app.inject(preflight)).statusCode).toBe(204);
        expect((await app.inject({ method: 'GET', url: '/api/v1/_probe' })).statusCode).toBe(200);
        expect((await app.inject({ method: 'GET', url: '/api/v1/_probe' })).statusCode).toBe(429);
      });

      it('ignores X-Forwarded-For without TRUST_PROXY', async () => {
        const { app } = await startApp({ ...env, RATE_LIMIT_AUTH: '2' });
        const codes = [];
        for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
          codes.push(
            (
              await app.inject({
                method: 'GET',
                url: '/api/v1/auth/_probe',
                headers: { 'x-forwarded-for': ip },
              })
            ).statusCode,
          );
        }
        expect(codes).toEqual([200, 200, 429]);
      });

      it('uses X-Forwarded-For with TRUST_PROXY', async () => {
        const { app } = await startApp({ ...env, RATE_LIMIT_AUTH: '2', TRUST_PROXY: 'true' });
        const get = async (ip: string) =>
          (
            await app.inject({
              method: 'GET',
              url: '/api/v1/auth/_probe',
              headers: { 'x-forwarded-for': ip },
            })
          ).statusCode;
        expect([await get('203.0.113.1'), await get('203.0.113.2'), await get('203.0.113.3')]).toEqual([
          200, 200, 200,
        ]);
        expect([await get('203.0.113.1'), await get('203.0.113.1')]).toEqual([200, 429]);
      });
    },
  );
}

describe.skipIf(!redisUrl)(
  `Redis counters are shared across instances${redisUrl ? '' : ` (${REDIS_SKIP_REASON})`}`,
  () => {
    it('two limiters on separate connections with one prefix share one budget', async () => {
      const prefix = `rl-shared:${randomBytes(6).toString('hex')}:`;
      const a = createKv({ redisUrl, prefix });
      const b = createKv({ redisUrl, prefix });
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      const [la, lb] = [createRateLimiter(a), createRateLimiter(b)];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? la : lb).check('ip:1', 6, 60)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(6);
    });
  },
);

describe('API limit per authenticated user', () => {
  it('counts each user separately, even from one IP', async () => {
    const { app } = await startApp({ RATE_LIMIT_API: '2' });
    const tokenFor = async (email: string): Promise<string> => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email, password: 'Plenty-Long-Passphrase-42' },
      });
      expect(res.statusCode).toBe(201);
      return (res.json() as { access_token: string }).access_token;
    };
    const [alice, bob] = [await tokenFor('alice@example.com'), await tokenFor('bob@example.com')];
    const me = async (token: string) =>
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/users/me',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode;
    expect([await me(alice), await me(alice), await me(alice)]).toEqual([200, 200, 429]);
    expect([await me(bob), await me(bob)]).toEqual([200, 200]);
    // Anonymous callers from the same IP have their own (IP) bucket.
    expect((await app.inject({ method: 'GET', url: '/api/v1/users/me' })).statusCode).toBe(401);
  });
});
