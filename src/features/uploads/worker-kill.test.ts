/**
 * A worker killed mid-file (SIGKILL, no cleanup) must not lose the upload: its job comes back after
 * the visibility timeout, another `intake worker` process validates the file again, and the
 * stored issues are exactly those of one clean run (nothing duplicated from the killed attempt).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFile } from '../../engine/index.js';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, writeOrdersCsv } from './uploads.test-support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ROWS = 400_000;
const BAD_EVERY = 50;

let t: TestApp;
let dir: string;
let csvPath: string;
let alice: Session;
const children: ChildProcess[] = [];

/** The queue settings the API (this process) and the workers share: lost jobs come back fast. */
const JOB_ENV = {
  JOB_VISIBILITY_TIMEOUT: '10',
  JOB_MAINTENANCE_INTERVAL: '1',
  JOB_POLL_INTERVAL_MS: '500',
  JOB_RETRY_DELAY: '0',
};

function startWorker(): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    INTAKE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789abcdef',
    DATABASE_URL: t.deps.config.databaseUrl ?? '',
    STORAGE_DIR: t.deps.config.storageDir,
    ...JOB_ENV,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), 'worker'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function uploadRow(id: string) {
  return t.deps.db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-kill-'));
  csvPath = join(dir, 'orders.csv');
  await writeOrdersCsv(csvPath, ROWS, BAD_EVERY);
  t = await buildTestApp({ ...RELAXED_LIMITS, STORAGE_DIR: join(dir, 'storage'), ...JOB_ENV });
  alice = await registerUser(t.app);
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a worker killed mid-file', () => {
  it(
    'is retried after the visibility timeout and completes with the same results',
    { timeout: 180_000 },
    async () => {
      const schema = await t.app.inject({
        method: 'POST',
        url: '/api/v1/schemas',
        headers: { authorization: `Bearer ${alice.accessToken}` },
        payload: { name: 'orders', schema: ORDERS_SCHEMA },
      });
      expect(schema.statusCode, schema.body).toBe(201);
      const body = multipartBody(
        { schema_id: schema.json<{ id: string }>().id },
        { filename: 'orders.csv', content: await readFile(csvPath) },
      );
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { authorization: `Bearer ${alice.accessToken}`, ...body.headers },
        payload: body.payload,
      });
      expect(created.statusCode, created.body).toBe(202);
      const id = created.json<{ id: string }>().id;

      const first = startWorker();
      // Mid-file: validating, some rows done, not finished.
      const midway = await waitFor(
        'the first worker to be mid-file',
        async () => {
          const row = await uploadRow(id);
          expect(row.status === 'valid' || row.status === 'invalid').toBe(false);
          return row.status === 'validating' && row.progress_rows > 0 ? row : undefined;
        },
        90_000,
      );
      first.kill('SIGKILL');
      await once(first, 'exit');
      expect(midway.progress_rows).toBeLessThan(ROWS);
      expect(midway.attempt).toBe(1);

      startWorker();
      const done = await waitFor(
        'the upload to finish',
        async () => {
          const row = await uploadRow(id);
          return row.status === 'validating' || row.status === 'queued' ? undefined : row;
        },
        120_000,
      );

      const direct = await validateFile(csvPath, ORDERS_SCHEMA, { maxErrors: 0 });
      expect(done.status).toBe('invalid');
      expect(done.attempt).toBeGreaterThanOrEqual(2);
      expect(done.rows_total).toBe(direct.rows.total);
      expect(done.error_count).toBe(direct.error_count);
      expect(done.errors_by_code).toEqual(direct.errors_by_code);
      const stored = await t.deps.db
        .selectFrom('upload_errors')
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          eb.fn.count<number>('seq').distinct().as('seqs'),
          eb.fn.min<number>('attempt').as('min_attempt'),
          eb.fn.max<number>('attempt').as('max_attempt'),
        ])
        .where('upload_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({
        n: direct.error_count,
        seqs: direct.error_count,
        min_attempt: done.result_attempt,
        max_attempt: done.result_attempt,
      });
    },
  );
});
