/**
 * The dependencies the app runs on, built once by src/main (or by test/app.ts in tests) and handed
 * to route plugins and services as plain arguments. No service locator, no decorators.
 */
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { KeyValueStore } from './cache/kv.js';
import type pg from 'pg';
import type { FileStorage } from './storage/storage.js';
import type { JobQueue } from './jobs/job-types.js';

export interface Deps {
  readonly config: Config;
  /** Primary database (reads and writes). */
  readonly db: Db;
  /** Read-only queries: the replica when DATABASE_REPLICA_URL is set, else the primary. */
  readonly dbRead: Db;
  readonly logger: Logger;
  /** Redis when REDIS_URL is set, else in-process. Rate limits, denylist, caches. */
  readonly kv: KeyValueStore;
  /** Uploaded files and cached exports: a local directory (STORAGE_DIR). */
  readonly storage: FileStorage;
  /**
   * A small raw pg Pool on the primary, for driver features Kysely does not wrap (COPY … FROM
   * STDIN for bulk writes). Everything else goes through `db`.
   */
  readonly pgPool: pg.Pool;
  /** The PostgreSQL job queue (pg-boss): enqueue in a transaction; workers run where started. */
  readonly queue: JobQueue;
  /** Which database we run on, for /ready. */
  readonly databaseKind: 'embedded' | 'external';
}
