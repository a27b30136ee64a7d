import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.js';
import { testRedisUrl, REDIS_SKIP_REASON } from '../../test/redis.js';
import { createDb } from '../db/database.js';
import { buildApp } from './app.js';

describe('/health', () => {
  it('answers 200 {"status":"ok"} even when the database is gone (no I/O)', async () => {
    const t = await buildTestApp();
    try {
      await t.deps.db.destroy();
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('/ready', () => {
  it('is 200 with the database kind and no redis when in process', async () => {
    const t = await buildTestApp();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: 'ready',
        database: { status: 'ok', kind: 'external' },
        redis: null,
      });
    } finally {
      await t.close();
    }
  });

  it('is 503 naming the database when it cannot be reached', async () => {
    const t = await buildTestApp();
    // Same deps, but the database handle points at a port nobody listens on.
    const deadDb = createDb('postgres://postgres:x@127.0.0.1:1/none', { poolSize: 1 });
    const app = await buildApp({ ...t.deps, db: deadDb, dbRead: deadDb });
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body).toMatchObject({
        status: 'unavailable',
        database: { status: 'error', kind: 'external' },
        redis: null,
        error: 'not_ready',
        details: [{ field: 'database', message: 'is unreachable' }],
        request_id: res.headers['x-request-id'],
      });
      expect(body.message).toContain('database');
      expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await app.close();
      await deadDb.destroy();
      await t.close();
    }
  });

  it('is 503 when the database pool is closed', async () => {
    const t = await buildTestApp();
    try {
      await t.deps.db.destroy();
      const res = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().database.status).toBe('error');
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

const redisUrl = testRedisUrl();
describe.skipIf(!redisUrl)(`/ready with Redis (${redisUrl ? 'REDIS_URL set' : REDIS_SKIP_REASON})`, () => {
  it('reports redis ok, then 503 naming redis once it is closed', async () => {
    const t = await buildTestApp({ REDIS_URL: redisUrl! });
    try {
      const ok = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().redis).toEqual({ status: 'ok' });
      await t.deps.kv.close();
      const down = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ database: { status: 'ok' }, redis: { status: 'error' } });
      expect(down.json().details).toEqual([{ field: 'redis', message: 'is unreachable' }]);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});
