/**
 * vitest globalSetup: one PostgreSQL server for the whole run. With DATABASE_URL set (CI) that
 * server is used as the admin connection; otherwise one embedded PostgreSQL is started in
 * ./data/test-postgres on port 54330 (reused if another run already started it). Each test file
 * then creates its own fresh database on it (test/db.ts).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, stopEmbeddedPostgresAt } from '../src/db/embedded.js';
import type { EmbeddedPostgres } from '../src/db/embedded.js';
import { withStartLock } from '../src/db/embedded-process.js';

/** Databases made by test/db.ts start with this, then the creating process id. */
export const TEST_DATABASE_PREFIX = 'intake_test_';

const TEST_DATA_DIR = './data/test-postgres';
const TEST_PG_PORT = 54330;

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL to the server's maintenance database; test/db.ts creates databases with it. */
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
        // Without FORCE: a database still in use belongs to a live process elsewhere (another container).
        await client.query(`drop database if exists ${client.escapeIdentifier(datname)}`).catch(() => {});
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Several test runs may share the embedded server (engineers run suites side by side on one work
 * tree). Each run holds a lease file named by its pid, taken before it looks for a server; the
 * last run to leave stops the server, whoever started it.
 */
const leaseDir = path.join(TEST_DATA_DIR, 'leases');

async function otherLiveLeases(): Promise<number> {
  const names = await readdir(leaseDir).catch(() => [] as string[]);
  let live = 0;
  for (const name of names) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (Number.isInteger(pid) && isAlive(pid)) live += 1;
    else await rm(path.join(leaseDir, name), { force: true });
  }
  return live;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  let adminUrl = process.env.DATABASE_URL;
  const embedded = adminUrl === undefined || adminUrl === '';
  let server: EmbeddedPostgres | null = null;
  if (embedded) {
    await mkdir(leaseDir, { recursive: true });
    await writeFile(path.join(leaseDir, String(process.pid)), '');
    server = await startEmbeddedPostgres({
      dataDir: TEST_DATA_DIR,
      port: TEST_PG_PORT,
      logger,
      database: 'postgres',
      // A throwaway server: durability buys nothing here and costs every CREATE DATABASE and commit.
      // Room for parallel test processes of several concurrent runs, each with a few pools.
      postgresFlags: [
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=400',
      ],
    });
    adminUrl = server.url;
  }
  await dropOrphanedDatabases(adminUrl!);
  project.provide('adminDatabaseUrl', adminUrl!);

  return async () => {
    if (!embedded) return;
    await rm(path.join(leaseDir, String(process.pid)), { force: true });
    // Under the start lock: a run that arrives now either sees our decision made (the server is
    // gone and it starts its own) or finished its start (and holds a lease we see here).
    await withStartLock(path.resolve(TEST_DATA_DIR), async () => {
      if ((await otherLiveLeases()) > 0) {
        // Otherwise our exit would take the server down under the other run.
        server?.release();
        logger.info('test PostgreSQL left running: another test run is using it');
        return;
      }
      await stopEmbeddedPostgresAt(TEST_DATA_DIR, logger);
    });
  };
}
