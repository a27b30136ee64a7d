/**
 * Installs (or upgrades) pg-boss's tables and creates one queue plus a dead-letter queue per job
 * name, with the retry and visibility settings from the config. Every process does this at start.
 */
import { CompiledQuery } from 'kysely';
import type { Logger } from 'pino';
import PgBoss from 'pg-boss';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import { PGBOSS_SCHEMA } from './enqueue.js';
import { deadLetterQueueOf, JOB_NAMES } from './job-names.js';
import { bridgeToKysely, type RawExecutor } from './sql-bridge.js';

/** Arbitrary constant key of the advisory lock held while installing. */
const INSTALL_LOCK_KEY = 7_242_016_010;

type InstallConfig = Pick<Config, 'jobRetryLimit' | 'jobRetryDelaySeconds' | 'jobVisibilityTimeoutSeconds'>;

export function newBoss(executor: RawExecutor, logger: Logger, migrate: boolean): PgBoss {
  const instance = new PgBoss({
    db: bridgeToKysely(executor),
    schema: PGBOSS_SCHEMA,
    // Expiry and archiving run from our own timer, in worker processes only (JobQueue.start()).
    supervise: false,
    schedule: false,
    migrate,
  });
  instance.on('error', (err) => logger.warn({ err }, 'job queue error'));
  return instance;
}

function queueOptions(config: InstallConfig, name: string, deadLetter?: string): PgBoss.Queue {
  return {
    name,
    policy: 'standard',
    retryLimit: config.jobRetryLimit,
    retryDelay: config.jobRetryDelaySeconds,
    retryBackoff: config.jobRetryDelaySeconds > 0,
    expireInSeconds: config.jobVisibilityTimeoutSeconds,
    ...(deadLetter ? { deadLetter } : {}),
  };
}

async function ensureQueue(instance: PgBoss, queue: PgBoss.Queue): Promise<void> {
  if (await instance.getQueue(queue.name)) {
    // Settings may have changed since the last start.
    await instance.updateQueue(queue.name, queue);
    return;
  }
  await instance.createQueue(queue.name, queue);
}

/** Returns a started pg-boss instance on `db`'s pool, after installing under the lock. */
export async function installQueues(db: Db, logger: Logger, config: InstallConfig): Promise<PgBoss> {
  // Processes starting together on a fresh database would race to create pg-boss's tables and our
  // queues: one session lock, on one connection, serialises them.
  await db.connection().execute(async (conn) => {
    await conn.executeQuery(CompiledQuery.raw('select pg_advisory_lock($1)', [INSTALL_LOCK_KEY]));
    try {
      const installer = newBoss(conn, logger, true);
      await installer.start();
      for (const name of JOB_NAMES) {
        const dead = deadLetterQueueOf(name);
        await ensureQueue(installer, queueOptions(config, dead));
        await ensureQueue(installer, queueOptions(config, name, dead));
      }
      await installer.stop({ graceful: false, close: false, wait: true });
    } finally {
      await conn.executeQuery(CompiledQuery.raw('select pg_advisory_unlock($1)', [INSTALL_LOCK_KEY]));
    }
  });
  const instance = newBoss(db, logger, false);
  await instance.start();
  return instance;
}
