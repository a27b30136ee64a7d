/**
 * The shared helpers themselves: buildTestApp gives a real app on a fresh database and cleans up
 * after itself; createTestDatabase gives each caller its own migrated database.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { buildTestApp } from './app.js';
import { createTestDatabase } from './db.js';
import { testRedisUrl } from './redis.js';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('gives each call its own migrated database and drops it', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    const nameA = new URL(a.url).pathname.slice(1);
    expect(nameA).toMatch(new RegExp(`^intake_test_${process.pid}_[0-9a-f]{10}$`));
    expect(nameA).not.toBe(new URL(b.url).pathname.slice(1));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(a.db);
    expect(rows[0]!.n).toBeGreaterThan(0);
    await a.drop();
    await b.drop();
    expect(await databaseExists(nameA)).toBe(false);
  });
});

describe('buildTestApp', () => {
  it('serves the real app over inject with an in-process kv by default, and cleans up', async () => {
    const { app, deps, close } = await buildTestApp();
    const name = (await sql<{ db: string }>`select current_database() as db`.execute(deps.db)).rows[0]!.db;
    try {
      expect(deps.config.env).toBe('test');
      expect(deps.kv.kind).toBe('memory');
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.headers['x-request-id']).toBeTruthy();
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ database: { status: 'ok', kind: 'external' }, redis: null });
    } finally {
      await close();
    }
    expect(await databaseExists(name)).toBe(false);
  });

  it('applies env overrides', async () => {
    const { deps, close } = await buildTestApp({ RATE_LIMIT_AUTH: '3' });
    try {
      expect(deps.config.rateLimitAuthPerMinute).toBe(3);
    } finally {
      await close();
    }
  });

  const redisUrl = testRedisUrl();
  it.skipIf(redisUrl === null)(
    `uses Redis when env.REDIS_URL is given (${redisUrl ?? 'skipped: REDIS_URL is not set'})`,
    async () => {
      const { app, deps, close } = await buildTestApp({ REDIS_URL: redisUrl! });
      try {
        expect(deps.kv.kind).toBe('redis');
        const ready = await app.inject({ method: 'GET', url: '/ready' });
        expect(ready.json()).toMatchObject({ redis: { status: 'ok' } });
      } finally {
        await close();
      }
    },
  );
});
