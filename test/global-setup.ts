/**
 * vitest globalSetup: one PostgreSQL server for the whole run. With DATABASE_URL set (CI) that
 * server is used as the admin connection; otherwise one embedded PostgreSQL is started in
 * ./data/test-postgres on port 54330 (reused if another run already started it). Each test file
 * then creates its own fresh database on it (test/db.ts).
 */
import pg from 'pg';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import type { EmbeddedPostgres } from '../src/db/embedded.js';

/** Databases made by test/db.ts start with this, then the creating process id. */
export const TEST_DATABASE_PREFIX = 'intake_test_';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser-ish URL to the server's maintenance database; test/db.ts creates databases with it. */
    adminDatabaseUrl: string;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops databases left by test processes that died before their cleanup ran (their pid is in the name). */
async function dropOrphanedDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${TEST_DATABASE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
      if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
        await client
          .query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`)
          .catch(() => {});
      }
    }
  } finally {
    await client.end();
  }
}

/** Other sessions on the server (another test run reusing our embedded server). */
async function countOtherClients(adminUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  let embedded: EmbeddedPostgres | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    embedded = await startEmbeddedPostgres({
      dataDir: './data/test-postgres',
      port: 54330,
      logger,
      database: 'postgres',
    });
    adminUrl = embedded.url;
  }
  await dropOrphanedDatabases(adminUrl);
  project.provide('adminDatabaseUrl', adminUrl);

  return async () => {
    if (embedded === null || !embedded.owned) return;
    // Engineers run test suites side by side on one work tree; a run that reused our server
    // must not lose it mid-test. The last one out leaves it running for the next start instead.
    if ((await countOtherClients(adminUrl).catch(() => 0)) > 0) {
      logger.warn('test PostgreSQL left running: another test run is using it');
      return;
    }
    await embedded.stop();
  };
}
