/**
 * The `intake` command as a user runs it: a real process (node + tsx on src/main/cli.ts), a real
 * database, real signals.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyTestDatabase } from './db.js';
import { testRedisUrl } from './redis.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'src/main/cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without anything of the developer's that would change the outcome. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(DATABASE_|REDIS_|INTAKE_|PORT$|HOST$|SECRET_KEY$|DEV_FEATURES$|COOKIE_SECURE$|DATA_DIR$)/.test(key)
    ) {
      delete env[key];
    }
  }
  return { ...env, INTAKE_ENV: 'test', LOG_LEVEL: 'warn', ...extra };
}

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env });
}

function collect(child: ChildProcess, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; stdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const run = (args: string[], env: NodeJS.ProcessEnv = baseEnv()) => collect(start(args, env));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<Response> {
  const output: string[] = [];
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output.join('')}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered 200`);
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshDatabaseUrl(): Promise<string> {
  const database = await createEmptyTestDatabase();
  cleanups.push(database.drop);
  return database.url;
}

describe('intake --help', () => {
  it('lists every command and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['serve', 'migrate', 'openapi', 'createadmin', 'keys']) {
      expect(result.stdout).toContain(command);
    }
  });

  // A few as real processes; src/main/program.test.ts walks every command in process.
  it.each([['serve'], ['createadmin'], ['keys', 'rotate']].map((c) => [c.join(' '), c] as const))(
    'intake %s --help exits 0',
    async (_name, command) => {
      const result = await run([...command, '--help']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Usage: intake /);
    },
  );

  it('an unknown command is a usage error (exit 2)', async () => {
    const result = await run(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
  });
});

const BUILT_CLI = path.join(ROOT, 'dist/main/cli.js');
describe.skipIf(!existsSync(BUILT_CLI))(
  `bin/intake.js, what npm start runs${existsSync(BUILT_CLI) ? '' : ' (skipped: run npm run build first)'}`,
  () => {
    it('runs the compiled CLI', async () => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/intake.js'), '--version'], {
        cwd: ROOT,
        env: baseEnv(),
      });
      const result = await collect(child);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    });
  },
);

describe('production refuses an unsafe configuration', () => {
  const production = {
    INTAKE_ENV: 'production',
    SECRET_KEY: 'k'.repeat(48),
    PUBLIC_URL: 'https://intake.example',
  };
  it.each([
    ['a missing SECRET_KEY', { SECRET_KEY: '' }, 'SECRET_KEY'],
    ['a short SECRET_KEY', { SECRET_KEY: 'too-short' }, 'SECRET_KEY'],
    ['DEV_FEATURES=on', { DEV_FEATURES: 'on' }, 'DEV_FEATURES'],
    ['COOKIE_SECURE=off', { COOKIE_SECURE: 'off' }, 'COOKIE_SECURE'],
  ])('serve with %s exits 2 naming the setting', async (_name, override, setting) => {
    const result = await run(['serve'], baseEnv({ ...production, ...override }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid configuration');
    expect(result.stderr).toContain(setting);
  });
});

describe('intake migrate', () => {
  it('applies the migrations, then finds nothing to do', async () => {
    const env = baseEnv({ DATABASE_URL: await freshDatabaseUrl() });
    const first = await run(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\) on DATABASE_URL: 0001_identity/);
    const second = await run(['migrate'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('is up to date');
  });

  it('fails with exit 1 and a clear message when the database is unreachable', async () => {
    const port = await freePort();
    const result = await run(['migrate'], baseEnv({ DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/x` }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^intake: .*ECONNREFUSED/m);
  });
});

describe('intake openapi', () => {
  it('prints the OpenAPI 3.1 document on stdout', async () => {
    const result = await run(['openapi'], baseEnv({ DATABASE_URL: await freshDatabaseUrl() }));
    expect(result.code, result.stderr).toBe(0);
    const spec = JSON.parse(result.stdout) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
  });
});

describe('intake serve', () => {
  const redisUrl = testRedisUrl();
  it(`serves on PORT with DATABASE_URL${redisUrl === null ? '' : ' and REDIS_URL'} and exits 0 on SIGTERM`, async () => {
    const port = await freePort();
    const redis: Record<string, string> = redisUrl === null ? {} : { REDIS_URL: redisUrl };
    const env = baseEnv({ DATABASE_URL: await freshDatabaseUrl(), PORT: String(port), ...redis });
    const child = start(['serve'], env);
    const done = collect(child);
    const health = await waitForHttp(`http://127.0.0.1:${port}/health`, child);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await (await fetch(`http://127.0.0.1:${port}/ready`)).json();
    expect(ready).toMatchObject({
      status: 'ready',
      database: { status: 'ok', kind: 'external' },
      redis: redisUrl === null ? null : { status: 'ok' },
    });
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('SIGTERM received, shutting down');
  });

  it('starts an embedded PostgreSQL without DATABASE_URL, and stops it on SIGINT', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'intake-serve-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = baseEnv({
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
    });
    const child = start(['serve'], env);
    const done = collect(child, 120_000);
    await waitForHttp(`http://127.0.0.1:${port}/health`, child, 120_000);
    const ready = await (await fetch(`http://127.0.0.1:${port}/ready`)).json();
    expect(ready).toMatchObject({ status: 'ready', database: { status: 'ok', kind: 'embedded' } });
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);
    // A second command on the same data directory (createadmin, migrate) uses the running
    // server and must leave it running for `serve`.
    const migrate = await run(['migrate'], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('is up to date');
    const stillReady = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(stillReady.status).toBe(200);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    // A clean shutdown removes the lock file; a killed server would leave it.
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  }, 180_000);

  it('exits 1 naming the problem when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(() => r())));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const result = await run(
      ['serve'],
      baseEnv({ DATABASE_URL: await freshDatabaseUrl(), PORT: String(port) }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/EADDRINUSE/);
  });
});
