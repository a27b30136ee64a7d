import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { migrations } from '../db/migrations/index.js';
import { createEmptyTestDatabase } from '../../test/db.js';
import { createDeps } from './bootstrap.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshUrl(): Promise<string> {
  const database = await createEmptyTestDatabase();
  cleanups.push(database.drop);
  return database.url;
}

const baseEnv = { INTAKE_ENV: 'test', LOG_LEVEL: 'silent' };

describe('createDeps', () => {
  it('migrates an empty database and builds frozen deps on DATABASE_URL', async () => {
    const url = await freshUrl();
    const runtime = await createDeps(loadConfig({ ...baseEnv, DATABASE_URL: url }), { logger });
    cleanups.push(runtime.close);
    expect(runtime.applied).toEqual(Object.keys(migrations));
    expect(Object.isFrozen(runtime.deps)).toBe(true);
    expect(runtime.deps.databaseKind).toBe('external');
    expect(runtime.deps.kv.kind).toBe('memory');
    expect(runtime.deps.dbRead).toBe(runtime.deps.db);
    const again = await createDeps(loadConfig({ ...baseEnv, DATABASE_URL: url }), { logger });
    cleanups.push(again.close);
    expect(again.applied).toEqual([]);
  });

  it('routes dbRead to DATABASE_REPLICA_URL when set', async () => {
    const url = await freshUrl();
    const runtime = await createDeps(
      loadConfig({ ...baseEnv, DATABASE_URL: url, DATABASE_REPLICA_URL: url }),
      {
        logger,
      },
    );
    cleanups.push(runtime.close);
    expect(runtime.deps.dbRead).not.toBe(runtime.deps.db);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(runtime.deps.dbRead);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('close() is idempotent and really closes the pools', async () => {
    const runtime = await createDeps(loadConfig({ ...baseEnv, DATABASE_URL: await freshUrl() }), { logger });
    await Promise.all([runtime.close(), runtime.close()]);
    await expect(sql`select 1`.execute(runtime.deps.db)).rejects.toThrow();
  });

  it('rejects with the cause when the database is unreachable', async () => {
    const config = loadConfig({ ...baseEnv, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    await expect(createDeps(config, { logger })).rejects.toThrow(/ECONNREFUSED/);
  });
});
