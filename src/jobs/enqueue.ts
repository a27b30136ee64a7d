/**
 * Sending jobs. `enqueueJob` inserts on the caller's executor (the pool or an open transaction), so
 * a job exists only if that transaction commits, and notifies idle workers in the same transaction.
 */
import type { Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database, Db } from '../db/database.js';
import { JOB_NAMES, type JobName } from './job-names.js';
import type { EnqueueOptions } from './job-types.js';
import { bridgeToKysely } from './sql-bridge.js';

/** pg-boss's own tables live in this schema. */
export const PGBOSS_SCHEMA = 'pgboss';

/**
 * NOTIFY channel: `enqueueJob` notifies it in the caller's transaction, so PostgreSQL delivers the
 * notice only on commit, and idle workers fetch at once instead of at their next poll.
 */
export const JOB_NOTIFY_CHANNEL = 'intake_jobs';

const unboundDb: PgBoss.Db = {
  executeSql: () => Promise.reject(new Error('enqueueJob runs only on the executor it is given')),
};

// Only builds the insert for `send`; every statement runs on the executor passed with it.
const sender = new PgBoss({
  db: unboundDb,
  schema: PGBOSS_SCHEMA,
  supervise: false,
  schedule: false,
  migrate: false,
});
// send() emits nothing, but an EventEmitter without an 'error' listener would crash the process.
sender.on('error', () => {});

/**
 * Inserts a job on `executor` (the pool or the caller's transaction), so it exists only if that
 * transaction commits. Needs the queue tables installed (any JobQueue's `startSendOnly`/`start`).
 * `JobQueue.enqueue` is this function; features without a queue at hand (the outbox) call it directly.
 */
export async function enqueueJob<T extends object>(
  executor: Db | Transaction<Database>,
  name: JobName,
  data: T,
  options: EnqueueOptions = {},
): Promise<string> {
  if (!JOB_NAMES.includes(name)) throw new Error(`Unknown job name "${name}"`);
  const sql = bridgeToKysely(executor);
  const send: PgBoss.SendOptions = { db: sql };
  if (options.singletonKey !== undefined) {
    // pg-boss's standard queues do not enforce singleton keys: we do, under a transaction lock on
    // (name, key), so two transactions cannot both see "none waiting" and both insert.
    await sql.executeSql('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `${name}:${options.singletonKey}`,
    ]);
    const { rows } = await sql.executeSql(
      `select id from ${PGBOSS_SCHEMA}.job where name = $1 and singleton_key = $2 and state < 'active' limit 1`,
      [name, options.singletonKey],
    );
    if (rows.length > 0) return '';
    send.singletonKey = options.singletonKey;
  }
  if (options.startAfterSeconds !== undefined && options.startAfterSeconds > 0) {
    send.startAfter = Math.ceil(options.startAfterSeconds);
  }
  if (options.retryLimit !== undefined) send.retryLimit = options.retryLimit;
  if (options.expireInSeconds !== undefined) send.expireInSeconds = options.expireInSeconds;
  const id = await sender.send(name, data, send);
  // pg-boss inserts nothing (and returns null) when the queue does not exist.
  if (id === null) throw new Error(`Job "${name}" was not queued: is the queue installed (startSendOnly)?`);
  await sql.executeSql('select pg_notify($1, $2)', [JOB_NOTIFY_CHANNEL, name]);
  return id;
}
