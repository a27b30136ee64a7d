import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from '../../test/db.js';
import { createDb } from '../db/database.js';
import type { JobQueue } from './job-types.js';
import { PermanentJobError } from './job-types.js';
import { createJobQueue, PGBOSS_SCHEMA, type QueueConfig } from './queue.js';

const config: QueueConfig = {
  workerConcurrency: 1,
  jobVisibilityTimeoutSeconds: 30,
  jobRetryLimit: 2,
  jobRetryDelaySeconds: 0,
  jobPollIntervalMs: 500,
  jobMaintenanceIntervalSeconds: 1,
};

let database: TestDatabase;
const queues: JobQueue[] = [];

function newQueue(overrides: Partial<QueueConfig> = {}, connectionString?: string): JobQueue {
  const queue = createJobQueue({
    db: database.db,
    connectionString,
    logger: pino({ level: 'silent' }),
    config: { ...config, ...overrides },
  });
  queues.push(queue);
  return queue;
}

async function jobState(id: string): Promise<{ state: string; retry_count: number } | undefined> {
  const { rows } = await sql<{ state: string; retry_count: number }>`
    select state::text as state, retry_count from ${sql.table(`${PGBOSS_SCHEMA}.job`)} where id = ${id}
  `.execute(database.db);
  return rows[0];
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.stop({ graceful: false, timeoutMs: 1000 });
});

afterAll(async () => {
  await database?.drop();
});

describe('job queue', () => {
  it('enqueues inside the caller transaction: a rollback leaves no job, a commit keeps it', async () => {
    const queue = newQueue();
    await queue.startSendOnly();
    let rolledBackId = '';
    await expect(
      database.db.transaction().execute(async (trx) => {
        rolledBackId = await queue.enqueue(trx, 'dispatch-events', { n: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(rolledBackId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await jobState(rolledBackId)).toBeUndefined();

    const committedId = await database.db
      .transaction()
      .execute((trx) => queue.enqueue(trx, 'dispatch-events', { n: 2 }));
    expect(await jobState(committedId)).toMatchObject({ state: 'created' });
  });

  it('installs safely from several processes starting at once on a fresh database', async () => {
    const empty = await createEmptyTestDatabase();
    const handles = [0, 1, 2].map(() => createDb(empty.url, { poolSize: 3 }));
    try {
      const starting = handles.map((db) =>
        createJobQueue({ db, logger: pino({ level: 'silent' }), config }).startSendOnly(),
      );
      await Promise.all(starting);
      const { rows } = await sql<{ name: string }>`select name from pgboss.queue order by name`.execute(
        handles[0]!,
      );
      expect(rows.map((r) => r.name)).toEqual([
        'deliver-webhook',
        'deliver-webhook__failed',
        'dispatch-events',
        'dispatch-events__failed',
        'validate-upload',
        'validate-upload__failed',
      ]);
    } finally {
      await Promise.all(handles.map((db) => db.destroy()));
      await empty.drop();
    }
  });

  it('keeps at most one waiting job per singletonKey', async () => {
    const queue = newQueue();
    await queue.startSendOnly();
    const [first, second] = await database.db
      .transaction()
      .execute(async (trx) => [
        await queue.enqueue(trx, 'dispatch-events', { a: 1 }, { singletonKey: 'k1' }),
        await queue.enqueue(trx, 'dispatch-events', { a: 2 }, { singletonKey: 'k1' }),
      ]);
    expect(first).not.toBe('');
    expect(second).toBe('');
    const other = await queue.enqueue(database.db, 'dispatch-events', { a: 3 }, { singletonKey: 'k2' });
    expect(other).not.toBe('');
    // Once the waiting job has run, the key is free again.
    await sql`update ${sql.table(`${PGBOSS_SCHEMA}.job`)} set state = 'completed' where id = ${first}`.execute(
      database.db,
    );
    expect(await queue.enqueue(database.db, 'dispatch-events', {}, { singletonKey: 'k1' })).not.toBe('');
  });

  it('refuses an unknown job name', async () => {
    const queue = newQueue();
    await queue.startSendOnly();
    await expect(queue.enqueue(database.db, 'nope' as 'dispatch-events', {})).rejects.toThrow(/Unknown job/);
  });

  it('runs a registered handler and completes the job', async () => {
    const queue = newQueue();
    const seen: unknown[] = [];
    queue.register<{ n: number }>('deliver-webhook', async (job) => {
      seen.push(job.data);
    });
    await queue.start();
    const id = await queue.enqueue(database.db, 'deliver-webhook', { n: 7 });
    await waitFor(async () => (await jobState(id))?.state === 'completed');
    expect(seen).toEqual([{ n: 7 }]);
  });

  it('picks a committed job up at once through LISTEN/NOTIFY, long before the next poll', async () => {
    const queue = newQueue({ jobPollIntervalMs: 60_000 }, database.url);
    let ranAt = 0;
    queue.register('deliver-webhook', async () => {
      ranAt = Date.now();
    });
    await queue.start();
    // Let the first (empty) poll pass, so the loop is asleep.
    await new Promise((r) => setTimeout(r, 300));
    const sentAt = Date.now();
    await database.db.transaction().execute((trx) => queue.enqueue(trx, 'deliver-webhook', {}));
    await waitFor(async () => ranAt > 0, 5000);
    expect(ranAt - sentAt).toBeLessThan(2000);
  });

  it('wake() starts a committed job in this process with no LISTEN and no poll due', async () => {
    // No connection string: no LISTEN; the next poll is ten minutes away. Only wake() can start it.
    const queue = newQueue({ jobPollIntervalMs: 600_000 });
    let ran = false;
    queue.register('deliver-webhook', async () => {
      ran = true;
    });
    await queue.start();
    // Let the first (empty) fetch pass, so the loop is asleep.
    await new Promise((r) => setTimeout(r, 300));
    await database.db.transaction().execute((trx) => queue.enqueue(trx, 'deliver-webhook', {}));
    queue.wake('deliver-webhook');
    await waitFor(async () => ran, 15_000);
  });

  it('retries a failing handler, then calls onFailed once with the last error', async () => {
    const queue = newQueue();
    const attempts: number[] = [];
    const failed: { data: unknown; error: string }[] = [];
    queue.register<{ n: number }>(
      'validate-upload',
      async (job) => {
        attempts.push(job.retryCount);
        throw new Error(`boom ${job.retryCount}`);
      },
      { onFailed: async (f) => void failed.push(f) },
    );
    await queue.start();
    const id = await queue.enqueue(database.db, 'validate-upload', { n: 1 }, { retryLimit: 2 });
    await waitFor(async () => failed.length > 0);
    expect(attempts).toEqual([0, 1, 2]);
    expect(failed).toEqual([{ data: { n: 1 }, error: 'boom 2' }]);
    expect(await jobState(id)).toMatchObject({ state: 'failed' });
  });

  it('fails a PermanentJobError at once, without retries', async () => {
    const queue = newQueue();
    let attempts = 0;
    const failed: string[] = [];
    queue.register(
      'validate-upload',
      async () => {
        attempts += 1;
        throw new PermanentJobError('corrupt file');
      },
      { onFailed: async (f) => void failed.push(f.error) },
    );
    await queue.start();
    await queue.enqueue(database.db, 'validate-upload', { n: 2 }, { retryLimit: 5 });
    await waitFor(async () => failed.length > 0);
    expect(attempts).toBe(1);
    expect(failed).toEqual(['corrupt file']);
  });

  it('on a graceful stop, lets a short job finish', async () => {
    const queue = newQueue();
    let started = false;
    queue.register('deliver-webhook', async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 700));
    });
    await queue.start();
    const id = await queue.enqueue(database.db, 'deliver-webhook', {});
    await waitFor(async () => started);
    await queue.stop({ graceful: true, timeoutMs: 5000 });
    expect(await jobState(id)).toMatchObject({ state: 'completed' });
  });

  it('on stop past the timeout, aborts a long job and releases it for retry', async () => {
    const queue = newQueue();
    let aborted = false;
    let started = false;
    queue.register('deliver-webhook', async (_job, signal) => {
      started = true;
      await new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        }),
      );
      throw signal.reason;
    });
    await queue.start();
    const id = await queue.enqueue(database.db, 'deliver-webhook', {}, { retryLimit: 3 });
    await waitFor(async () => started);
    await queue.stop({ graceful: true, timeoutMs: 1000 });
    expect(aborted).toBe(true);
    expect(await jobState(id)).toMatchObject({ state: 'retry' });

    // Another worker picks it up.
    const second = newQueue();
    let ran = false;
    second.register('deliver-webhook', async () => {
      ran = true;
    });
    await second.start();
    await waitFor(async () => (await jobState(id))?.state === 'completed');
    expect(ran).toBe(true);
  });
});
