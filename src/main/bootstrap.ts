/**
 * Builds the one Deps object the app runs on, for `serve`, the CLI commands and tests alike:
 * the database (embedded PostgreSQL when DATABASE_URL is unset), the read handle, the key-value
 * store, and migrations brought up to date.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Deps } from '../deps.js';
import { createDb } from '../db/database.js';
import type { Db } from '../db/database.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import type { EmbeddedPostgres } from '../db/embedded.js';
import { migrateToLatest } from '../db/migrate.js';
import { createKv } from '../cache/kv.js';
import type { KeyValueStore } from '../cache/kv.js';
import { createLogger } from '../http/logger.js';
import pg from 'pg';
import { createLocalStorage } from '../storage/storage.js';
import { createJobQueue } from '../jobs/queue.js';

export interface CreateDepsOptions {
  /** Default: the app logger built from config (src/http/logger.ts). */
  logger?: Logger;
  /** Run migrations before returning. Default true (`serve`, `migrate` and every command rely on it). */
  migrate?: boolean;
  /** Prefix for every key-value key and channel. Default `intake:`; tests use a unique one. */
  kvPrefix?: string;
}

export interface Runtime {
  deps: Deps;
  /** Names of migrations applied while starting (empty when the schema was current). */
  applied: string[];
  /** Closes the kv store, the database pools and then the embedded PostgreSQL. Idempotent. */
  close(): Promise<void>;
}

export async function createDeps(config: Config, options: CreateDepsOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const cleanups: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  // Reverse order of creation: the kv store and pools go before the server they talk to.
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (err) {
          logger.error({ err }, 'error while shutting down');
        }
      }
    })();
    return closing;
  };

  try {
    let embedded: EmbeddedPostgres | null = null;
    let url = config.databaseUrl;
    if (url === null) {
      embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        logger,
      });
      cleanups.push(() => embedded!.stop());
      url = embedded.url;
    }
    const db: Db = createDb(url, { poolSize: config.databasePoolSize, logger });
    cleanups.push(() => db.destroy());
    let dbRead: Db = db;
    if (config.databaseReplicaUrl !== null) {
      const replica = createDb(config.databaseReplicaUrl, { poolSize: config.databasePoolSize, logger });
      cleanups.push(() => replica.destroy());
      dbRead = replica;
    }
    const kv: KeyValueStore = createKv({
      redisUrl: config.redisUrl,
      prefix: options.kvPrefix ?? 'intake:',
      logger,
    });
    cleanups.push(() => kv.close());

    const pgPool = new pg.Pool({ connectionString: url, max: 4 });
    pgPool.on('error', (err) => logger.warn({ err }, 'idle bulk database connection failed'));
    cleanups.push(() => pgPool.end());
    const storage = createLocalStorage(config.storageDir);

    const { applied } = options.migrate === false ? { applied: [] } : await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');

    // Every process can enqueue; `serve` (WORKER=on) and `intake worker` also start workers.
    const queue = createJobQueue({ db, connectionString: url, logger, config });
    await queue.startSendOnly();
    cleanups.push(() => queue.stop({ graceful: true, timeoutMs: config.jobShutdownTimeoutMs }));

    const deps: Deps = Object.freeze({
      config,
      db,
      dbRead,
      logger,
      kv,
      storage,
      pgPool,
      queue,
      databaseKind: embedded === null ? 'external' : 'embedded',
    });
    return { deps, applied, close };
  } catch (err) {
    await close();
    throw err;
  }
}
