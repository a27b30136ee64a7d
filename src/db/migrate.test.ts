import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from './database.js';
import type { Db } from './database.js';
import { MIGRATION_LOCK_KEY, migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';
import { createEmptyTestDatabase } from '../../test/db.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyTestDatabase();
  cleanups.push(database.drop);
  return database.url;
}

function openDb(url: string): Db {
  const db = createDb(url, { poolSize: 3 });
  cleanups.push(() => db.destroy());
  return db;
}

async function appliedNames(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

describe('migrateToLatest', () => {
  it('applies every registered migration once, and nothing on a second run', async () => {
    const db = openDb(await emptyDatabase());
    const first = await migrateToLatest(db);
    expect(first.applied).toEqual(Object.keys(migrations));
    const second = await migrateToLatest(db);
    expect(second.applied).toEqual([]);
    expect(await appliedNames(db)).toEqual(Object.keys(migrations));
  });

  it('runs from two connections pools at once: both succeed, each migration applied exactly once', async () => {
    const url = await emptyDatabase();
    // A slow migration widens the race window; without the advisory lock both would run it and
    // one would fail on the duplicate table.
    const slow: Record<string, Migration> = {
      '0001_slow': {
        up: async (db) => {
          await sql`select pg_sleep(0.3)`.execute(db);
          await sql`create table race_marker (id int primary key)`.execute(db);
          await sql`insert into race_marker values (1)`.execute(db);
        },
      },
    };
    const [a, b] = await Promise.all([
      migrateToLatest(openDb(url), slow),
      migrateToLatest(openDb(url), slow),
    ]);
    expect([...a.applied, ...b.applied]).toEqual(['0001_slow']);
    const check = openDb(url);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from race_marker`.execute(check);
    expect(rows[0]?.n).toBe(1);
  });

  it('runs from two separate processes at once on a fresh database', async () => {
    const url = await emptyDatabase();
    const script = [
      "import { createDb } from './src/db/database.ts';",
      "import { migrateToLatest } from './src/db/migrate.ts';",
      'const db = createDb(process.env.MIGRATE_URL, { poolSize: 2 });',
      'const r = await migrateToLatest(db);',
      'console.log(JSON.stringify(r));',
      'await db.destroy();',
    ].join('\n');
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn('npx', ['tsx', '--input-type=module', '-e', script], {
          env: { ...process.env, MIGRATE_URL: url },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) expect(r.code, r.err).toBe(0);
    const applied = results.flatMap(
      (r) => (JSON.parse(r.out.trim().split('\n').pop() ?? '{}') as { applied: string[] }).applied,
    );
    expect(applied.sort()).toEqual(Object.keys(migrations).sort());
    expect(await appliedNames(openDb(url))).toEqual(Object.keys(migrations));
  }, 60_000);

  it('waits for the advisory lock held by another session before touching anything', async () => {
    const url = await emptyDatabase();
    const holder = openDb(url);
    await holder.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
      let done = false;
      const run = migrateToLatest(openDb(url)).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 400));
      expect(done).toBe(false);
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from pg_tables where tablename = 'kysely_migration'`.execute(conn);
      expect(rows[0]?.n).toBe(0);
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
      expect((await run).applied).toEqual(Object.keys(migrations));
    });
  });

  it('reports which migration failed', async () => {
    const db = openDb(await emptyDatabase());
    const broken: Record<string, Migration> = {
      '0001_ok': { up: async (d) => void (await sql`create table ok_t (id int)`.execute(d)) },
      '0002_broken': { up: async (d) => void (await sql`create table nope (`.execute(d)) },
    };
    await expect(migrateToLatest(db, broken)).rejects.toThrow(/0002_broken/);
  });
});
