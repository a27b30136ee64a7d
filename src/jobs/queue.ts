/**
 * The job queue: pg-boss 10 on our own PostgreSQL, reached through Kysely (see sql-bridge.ts), so
 * `enqueue` can join the caller's transaction. pg-boss stores, fetches (SKIP LOCKED), retries with
 * backoff and expires jobs; the worker loop is ours so that every completion is awaited before a
 * shutdown closes the pool, and so a handler gets an AbortSignal.
 *
 * Lost jobs: a running job has a visibility timeout (`expire_in`). If its worker dies (SIGKILL),
 * the expiry check (every JOB_MAINTENANCE_INTERVAL in each worker process) turns it back into a
 * retry, and another worker runs it. Handlers must therefore write their results idempotently.
 */
import type { Logger } from 'pino';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import { deadLetterQueueOf, type JobName } from './job-names.js';
import type { JobHandler, JobQueue, RegisterOptions, StopOptions } from './job-types.js';
import { PermanentJobError } from './job-types.js';
import { bridgeToKysely } from './sql-bridge.js';
import { errorMessage, outputMessage, sleep } from './worker-helpers.js';
import { enqueueJob, JOB_NOTIFY_CHANNEL, PGBOSS_SCHEMA } from './enqueue.js';
import { installQueues } from './queue-install.js';

export { enqueueJob, JOB_NOTIFY_CHANNEL, PGBOSS_SCHEMA } from './enqueue.js';

export type QueueConfig = Pick<
  Config,
  | 'workerConcurrency'
  | 'jobVisibilityTimeoutSeconds'
  | 'jobRetryLimit'
  | 'jobRetryDelaySeconds'
  | 'jobPollIntervalMs'
  | 'jobMaintenanceIntervalSeconds'
>;

export interface CreateJobQueueOptions {
  db: Db;
  /**
   * The database URL, for one LISTEN connection per worker process (instant pickup of new jobs).
   * pg-boss itself runs on `db`'s pool. Without it, workers only poll.
   */
  connectionString?: string;
  logger: Logger;
  config: QueueConfig;
}

interface Registration {
  name: JobName;
  handler: JobHandler<unknown>;
  options: RegisterOptions<unknown>;
}

interface Running {
  queue: string;
  jobId: string;
  controller: AbortController;
}

type FetchedJob = PgBoss.JobWithMetadata<unknown>;

export function createJobQueue(options: CreateJobQueueOptions): JobQueue {
  const { db, logger, config } = options;
  const registrations = new Map<JobName, Registration>();
  const running = new Set<Running>();
  const loops: Promise<void>[] = [];
  let stopLoops = new AbortController();
  /** Sleeping loops per queue name, woken by a NOTIFY for that queue. */
  const sleepers = new Map<string, Set<() => void>>();
  let listener: pg.Client | null = null;
  let boss: PgBoss | null = null;
  let installing: Promise<PgBoss> | null = null;
  let maintenanceTimer: NodeJS.Timeout | null = null;
  let workersStarted = false;

  function install(): Promise<PgBoss> {
    installing ??= installQueues(db, logger, config).then((instance) => {
      boss = instance;
      return instance;
    });
    installing.catch(() => {
      installing = null;
    });
    return installing;
  }

  type RunFetched = (job: FetchedJob, signal: AbortSignal) => Promise<void>;

  async function runJob(instance: PgBoss, queue: string, job: FetchedJob, run: RunFetched) {
    const controller = new AbortController();
    const entry: Running = { queue, jobId: job.id, controller };
    running.add(entry);
    // pg-boss would hand the job to another worker after its expiry; stop working on it by then.
    const expiresInMs = Math.max(1000, Number(job.expireInSeconds) * 1000 - 250);
    const expiry = setTimeout(
      () => controller.abort(new Error('job exceeded its visibility timeout')),
      expiresInMs,
    );
    const started = Date.now();
    try {
      await run(job, controller.signal);
      await instance.complete(queue, job.id);
      logger.debug({ queue, jobId: job.id, ms: Date.now() - started }, 'job completed');
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      logger.warn({ queue, jobId: job.id, retryCount: job.retryCount, permanent, err }, 'job failed');
      try {
        if (permanent) {
          // No retry can help: use up the retries so pg-boss fails it now (and dead-letters it).
          await bridgeToKysely(db).executeSql(
            `update ${PGBOSS_SCHEMA}.job set retry_limit = retry_count where name = $1 and id = $2`,
            [queue, job.id],
          );
        }
        await instance.fail(queue, job.id, { message: errorMessage(err) });
      } catch (failErr) {
        // The job stays active and comes back after its expiry.
        logger.error({ queue, jobId: job.id, err: failErr }, 'could not record a job failure');
      }
    } finally {
      clearTimeout(expiry);
      running.delete(entry);
    }
  }

  async function loop(instance: PgBoss, queue: string, run: RunFetched, stop: AbortSignal) {
    while (!stop.aborted) {
      let jobs: FetchedJob[] = [];
      try {
        jobs = await instance.fetch<unknown>(queue, { batchSize: 1, includeMetadata: true });
      } catch (err) {
        logger.warn({ queue, err }, 'job fetch failed');
      }
      const job = jobs[0];
      if (job === undefined) {
        let wakers = sleepers.get(queue);
        if (!wakers) sleepers.set(queue, (wakers = new Set()));
        await sleep(config.jobPollIntervalMs, stop, wakers);
        continue;
      }
      await runJob(instance, queue, job, run);
    }
  }

  function startLoops(instance: PgBoss, stop: AbortSignal): void {
    for (const registration of registrations.values()) {
      const concurrency = registration.options.concurrency ?? config.workerConcurrency;
      for (let i = 0; i < concurrency; i += 1) {
        const run: RunFetched = (job, signal) =>
          registration.handler({ id: job.id, data: job.data, retryCount: job.retryCount }, signal);
        loops.push(loop(instance, registration.name, run, stop));
      }
      const onFailed = registration.options.onFailed;
      if (onFailed) {
        // pg-boss copies a finally failed job, with its last error as `output`, to the dead letter queue.
        const run: RunFetched = (job) => onFailed({ data: job.data, error: outputMessage(job.output) });
        loops.push(loop(instance, deadLetterQueueOf(registration.name), run, stop));
      }
    }
  }

  async function maintain(instance: PgBoss): Promise<void> {
    try {
      await instance.maintain();
    } catch (err) {
      logger.warn({ err }, 'job maintenance failed');
    }
  }

  /** Wakes the idle loops of `queue` (a NOTIFY arrived, or a local enqueue committed). */
  function wake(queue: string): void {
    const wakers = sleepers.get(queue);
    if (!wakers) return;
    for (const w of [...wakers]) w();
  }

  /** LISTEN for new jobs; on any failure workers simply keep polling (JOB_POLL_INTERVAL_MS). */
  async function listen(): Promise<void> {
    if (!options.connectionString) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('error', (err) => {
      logger.warn({ err }, 'job notification connection failed; polling only');
      if (listener === client) listener = null;
    });
    client.on('notification', (message) => {
      if (message.payload) wake(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOB_NOTIFY_CHANNEL}`);
      listener = client;
    } catch (err) {
      logger.warn({ err }, 'could not listen for new jobs; polling only');
      await client.end().catch(() => {});
    }
  }

  return {
    enqueue: enqueueJob,

    wake,

    register(name, handler, registerOptions = {}) {
      if (workersStarted) throw new Error('register() must be called before start()');
      if (registrations.has(name)) throw new Error(`A handler for "${name}" is already registered`);
      registrations.set(name, {
        name,
        handler: handler as JobHandler<unknown>,
        options: registerOptions as RegisterOptions<unknown>,
      });
    },

    async startSendOnly() {
      await install();
    },

    async start() {
      const instance = await install();
      if (workersStarted) return;
      workersStarted = true;
      stopLoops = new AbortController();
      await maintain(instance);
      maintenanceTimer = setInterval(
        () => void maintain(instance),
        config.jobMaintenanceIntervalSeconds * 1000,
      );
      maintenanceTimer.unref();
      await listen();
      startLoops(instance, stopLoops.signal);
      logger.info(
        { queues: [...registrations.keys()], concurrency: config.workerConcurrency },
        'job worker started',
      );
    },

    async stop(stopOptions: StopOptions) {
      if (maintenanceTimer) clearInterval(maintenanceTimer);
      maintenanceTimer = null;
      stopLoops.abort();
      const closing = listener;
      listener = null;
      await closing?.end().catch(() => {});
      const all = Promise.allSettled(loops);
      const waitMs = stopOptions.graceful ? stopOptions.timeoutMs : 0;
      const finished = await Promise.race([
        all.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), waitMs).unref()),
      ]);
      if (!finished && running.size > 0) {
        // Release what is still running: pg-boss puts it back as a retry for another worker.
        const instance = boss;
        for (const entry of running) {
          entry.controller.abort(new Error('worker is shutting down'));
          if (instance) {
            await instance
              .fail(entry.queue, entry.jobId, { message: 'worker shut down; released for retry' })
              .catch((err: unknown) => logger.warn({ err }, 'could not release a job'));
          }
        }
        // Give aborted handlers a moment to unwind before the caller closes the pool.
        await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      }
      loops.length = 0;
      workersStarted = false;
    },

    registered() {
      return [...registrations.keys()];
    },
  };
}
