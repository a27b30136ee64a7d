/**
 * Runs the registered migrations. Safe to run twice and from several processes at once.
 */
import { Migrator, sql } from 'kysely';
import type { MigrationProvider, Migration } from 'kysely';
import type { Db } from './database.js';
import { migrations as registry } from './migrations/index.js';

/**
 * Arbitrary constant key for the session-level advisory lock, shared by every Intake process on a
 * database. Kysely's own lock is a transaction lock taken after it creates its bookkeeping tables,
 * so two processes starting on an empty database could both try to create them; this lock is held
 * around the whole run instead.
 */
export const MIGRATION_LOCK_KEY = 7_242_016_001;

class StaticProvider implements MigrationProvider {
  constructor(private readonly all: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.all;
  }
}

/** Migrates to the latest version; returns the names applied by this call (empty when up to date). */
export async function migrateToLatest(
  db: Db,
  migrations: Record<string, Migration> = registry,
): Promise<{ applied: string[] }> {
  // The lock lives on one dedicated connection for the whole run; the migrator works on others
  // from the pool (a session lock is released if its connection dies, so a crash cannot wedge it).
  return db.connection().execute(async (lockConn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(lockConn);
    try {
      // Features number their migrations in their own range (0020 uploads, 0030 ai, …), so a new
      // one can sort before one a database already has: apply it instead of refusing to start.
      const migrator = new Migrator({
        db,
        provider: new StaticProvider(migrations),
        allowUnorderedMigrations: true,
      });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error !== undefined) {
        const message = error instanceof Error ? error.message : String(error);
        const where = failed ? ` (migration ${failed.migrationName})` : '';
        throw new Error(`Migration failed${where}: ${message}`, { cause: error });
      }
      return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(lockConn);
    }
  });
}
