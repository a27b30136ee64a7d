/**
 * The real app for tests: real config (INTAKE_ENV=test), a fresh migrated database, the real
 * bootstrap and buildApp. Call it over HTTP with `app.inject` (or `app.listen({ port: 0 })`).
 * Uploads go to a temporary STORAGE_DIR. The kv store is in process unless `env.REDIS_URL` is given; Redis keys get a unique prefix so
 * test processes can share one Redis.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig } from '../src/config/config.js';
import type { Deps } from '../src/deps.js';
import { buildApp } from '../src/http/app.js';
import { createDeps } from '../src/main/bootstrap.js';
import { createEmptyTestDatabase } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  /** Closes the app, the deps and drops the database. */
  close(): Promise<void>;
}

export interface BuildTestAppOptions {
  /** A logger to use instead of the config's (e.g. one writing to a memory stream to inspect logs). */
  logger?: Logger;
}

/** `env` overrides settings (e.g. `{ RATE_LIMIT_AUTH: '3', REDIS_URL: testRedisUrl() }`). */
export async function buildTestApp(
  env: Record<string, string> = {},
  options: BuildTestAppOptions = {},
): Promise<TestApp> {
  // Empty: the real bootstrap (createDeps) migrates it, as `intake serve` would.
  const database = await createEmptyTestDatabase();
  // Uploaded files go to a directory of this app's own, removed on close.
  const storageDir = await mkdtemp(path.join(tmpdir(), 'intake-test-storage-'));
  const config = loadConfig({
    INTAKE_ENV: 'test',
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789abcdef',
    LOG_LEVEL: 'silent',
    // Several test processes (and engineers) share one server; keep each app's share small.
    DATABASE_POOL_SIZE: '5',
    STORAGE_DIR: storageDir,
    ...env,
    DATABASE_URL: database.url,
  });
  let runtime: Awaited<ReturnType<typeof createDeps>> | undefined;
  try {
    runtime = await createDeps(config, {
      logger: options.logger,
      kvPrefix: `intake-test:${process.pid}:${randomBytes(4).toString('hex')}:`,
    });
    const app = await buildApp(runtime.deps);
    await app.ready();
    const deps = runtime.deps;
    const close = runtime.close;
    let closing: Promise<void> | undefined;
    return {
      app,
      deps,
      close: () => {
        closing ??= (async () => {
          await app.close();
          await close();
          await database.drop();
          await rm(storageDir, { recursive: true, force: true });
        })();
        return closing;
      },
    };
  } catch (err) {
    await runtime?.close();
    await database.drop();
    await rm(storageDir, { recursive: true, force: true });
    throw err;
  }
}
