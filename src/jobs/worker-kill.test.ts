/**
 * A job whose worker process is SIGKILLed mid-job is not lost: after its visibility timeout it is
 * retried by another `intake worker` process and completes. The job here is a real webhook
 * delivery whose receiver holds the first request open, so the kill lands mid-attempt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app.js';
import {
  call,
  RELAXED_LIMITS,
  registerUser,
  type Session,
} from '../features/identity/identity.test-support.js';
import { startReceiver, type Receiver } from '../features/webhooks/webhooks.test-support.js';

const SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789abcdef';
const JOB_ENV = {
  JOB_POLL_INTERVAL_MS: '500',
  JOB_MAINTENANCE_INTERVAL: '1',
  JOB_RETRY_DELAY: '0',
  // The delivery job's visibility timeout is WEBHOOK_TIMEOUT_MS + 5 s.
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_RETRY_SCHEDULE: '1',
};

let t: TestApp;
let user: Session;
let receiver: Receiver;
let storageDir: string;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli.ts', 'worker', '--concurrency', '1'],
    {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        INTAKE_ENV: 'test',
        SECRET_KEY,
        LOG_LEVEL: 'warn',
        DATABASE_URL: t.deps.config.databaseUrl!,
        STORAGE_DIR: storageDir,
        ...JOB_ENV,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL')
      process.stderr.write(`worker exited ${code} ${signal}\n${output}\n`);
  });
  children.push(child);
  return child;
}

async function delivery(endpointId: string) {
  const res = await call(t.app, 'GET', `/api/v1/webhooks/${endpointId}/deliveries`, {
    token: user.accessToken,
  });
  return (res.body.results as { status: string; attempts: number }[])[0];
}

beforeAll(async () => {
  storageDir = await mkdtemp(path.join(tmpdir(), 'intake-worker-kill-'));
  // This app runs no workers: only the child processes do.
  t = await buildTestApp({ ...RELAXED_LIMITS, ...JOB_ENV, SECRET_KEY });
  user = await registerUser(t.app);
  receiver = await startReceiver();
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await receiver?.close();
  await t?.close();
  await rm(storageDir, { recursive: true, force: true });
});

describe('a worker killed mid-job', () => {
  it('loses nothing: the job comes back after its visibility timeout and another worker completes it', async () => {
    const endpoint = await call(t.app, 'POST', '/api/v1/webhooks', {
      token: user.accessToken,
      body: { url: receiver.url, event_types: ['schema.updated'] },
    });
    expect(endpoint.status).toBe(201);
    const endpointId = endpoint.body.id as string;
    const schema = await call(t.app, 'POST', '/api/v1/schemas', {
      token: user.accessToken,
      body: { name: 'S', schema: { fields: [{ name: 'id', type: 'integer' }] } },
    });
    await call(t.app, 'PUT', `/api/v1/schemas/${schema.body.id as string}`, {
      token: user.accessToken,
      body: { name: 'S2', schema: { fields: [{ name: 'id', type: 'integer' }] } },
    });

    // Worker A takes the delivery; the receiver holds the request open; A dies with SIGKILL.
    receiver.hold = true;
    const a = startWorker();
    await receiver.waitForRequests(1, 90_000);
    a.kill('SIGKILL');
    await once(a, 'exit');
    receiver.hold = false;
    receiver.release();
    expect(await delivery(endpointId)).toMatchObject({ status: 'pending', attempts: 0 });

    // Worker B finds the expired job and completes it.
    const b = startWorker();
    const deadline = Date.now() + 90_000;
    let last = await delivery(endpointId);
    while (last?.status !== 'delivered' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      last = await delivery(endpointId);
    }
    expect(last).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0]?.headers['webhook-id']).toBe(receiver.requests[1]?.headers['webhook-id']);

    // SIGTERM is a clean stop.
    b.kill('SIGTERM');
    const [code] = (await once(b, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 240_000);
});
