/**
 * The dependencies the app runs on, built once by src/main (or by test/app.ts in tests) and handed
 * to route plugins and services as plain arguments. No service locator, no decorators.
 */
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { KeyValueStore } from './cache/kv.js';

export interface Deps {
  readonly config: Config;
  /** Primary database (reads and writes). */
  readonly db: Db;
  /** Read-only queries: the replica when DATABASE_REPLICA_URL is set, else the primary. */
  readonly dbRead: Db;
  readonly logger: Logger;
  /** Redis when REDIS_URL is set, else in-process. Rate limits, denylist, caches. */
  readonly kv: KeyValueStore;
  /** Which database we run on, for /ready. */
  readonly databaseKind: 'embedded' | 'external';
}
