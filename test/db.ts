/**
 * A fresh, migrated PostgreSQL database per test file (process), on the server from
 * test/global-setup.ts. Named `intake_test_<pid>_<random>` so orphans of dead processes can be
 * recognised and dropped at the next run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../src/db/database.js';
import type { Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { TEST_DATABASE_PREFIX } from './global-setup.js';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** A Kysely handle on it (pool of 5). */
  db: Db;
  /** Closes `db` and drops the database, ending any other sessions on it. */
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database without migrating it (for migration tests). */
export async function createEmptyTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${c.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdmin(adminUrl, (c) =>
        c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`),
      );
    },
  };
}

/** Creates a fresh database, migrated to the latest version. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const empty = await createEmptyTestDatabase();
  const db = createDb(empty.url, { poolSize: 5 });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    await empty.drop();
    throw err;
  }
  return {
    url: empty.url,
    db,
    drop: async () => {
      await db.destroy();
      await empty.drop();
    },
  };
}
