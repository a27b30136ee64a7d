import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startEmbeddedPostgres, stopEmbeddedPostgresAt } from './embedded.js';
import type { EmbeddedPostgres } from './embedded.js';

const logger = pino({ level: 'silent' });

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

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  let dataDir: string;
  let port: number;
  const started: EmbeddedPostgres[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'intake-embedded-'));
    port = await freePort();
  });

  afterAll(async () => {
    for (const server of started.reverse()) await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (database?: string) => {
    const server = await startEmbeddedPostgres({ dataDir, port, logger, database });
    started.push(server);
    return server;
  };

  it('initialises on first start and serves queries over loopback TCP only', async () => {
    const server = await start();
    expect(server.owned).toBe(true);
    expect(server.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/intake$`));
    const [settings] = await query<{ listen: string; sockets: string; encoding: string; db: string }>(
      server.url,
      "select current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets, current_setting('server_encoding') as encoding, current_database() as db",
    );
    expect(settings).toEqual({ listen: '127.0.0.1', sockets: '', encoding: 'UTF8', db: 'intake' });
    await query(server.url, 'create table kept (v text); insert into kept values ($$survives a restart$$)');
  });

  it('keeps a random password in a mode-600 file, not a fixed one', async () => {
    const file = path.join(dataDir, 'postgres-password');
    const password = (await readFile(file, 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(password).not.toBe('password');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const wrong = started[0]!.url.replace(encodeURIComponent(password), 'password');
    await expect(query(wrong, 'select 1')).rejects.toThrow(/password authentication failed/);
  });

  it('a second start while it runs reuses the running server and will not stop it', async () => {
    const again = await start();
    expect(again.owned).toBe(false);
    await again.stop();
    expect(await query(started[0]!.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('stops cleanly and restarts on the same data', async () => {
    const first = started[0]!;
    await first.stop();
    await first.stop(); // idempotent
    await expect(query(first.url, 'select 1')).rejects.toThrow();
    const restarted = await start();
    expect(restarted.owned).toBe(true);
    expect(await query(restarted.url, 'select v from kept')).toEqual([{ v: 'survives a restart' }]);
  });

  it('starts after a crash left a stale postmaster.pid behind', async () => {
    const running = started[started.length - 1]!;
    await running.stop();
    // A pid that is not running (pid_max on Linux is at most 2^22).
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    await writeFile(
      pidFile,
      `4194303\n${path.join(dataDir, 'postgres')}\n1700000000\n${port}\n\n127.0.0.1\n`,
    );
    const server = await start();
    expect(server.owned).toBe(true);
    expect(await query(server.url, 'select count(*)::int as n from kept')).toEqual([{ n: 1 }]);
  });

  it('creates a requested database when missing', async () => {
    const server = await start('other_db');
    expect(await query(server.url, 'select current_database() as db')).toEqual([{ db: 'other_db' }]);
  });

  /** Starts the server in a separate process that then exits, with or without release(). */
  const startInChild = (release: boolean) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        [
          "import { pino } from 'pino';",
          "import { startEmbeddedPostgres } from './src/db/embedded.ts';",
          `const s = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, logger: pino({ level: 'silent' }) });`,
          "if (!s.owned) { console.error('expected to own the server'); process.exit(3); }",
          // Without release() the server is a live child; exit as a crash or process.exit would.
          release ? 's.release();' : 'process.exit(0);',
        ].join('\n'),
      ],
      { cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 60_000 },
    );

  it('a process that exits without stop() still shuts its server down', async () => {
    for (const server of started) await server.stop();
    expect(await stopEmbeddedPostgresAt(dataDir, logger)).toBe(false);
    const child = startInChild(false);
    expect(child.status, child.stderr).toBe(0);
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    await expect.poll(() => existsSync(pidFile), { timeout: 15_000 }).toBe(false);
  });

  it('release() leaves it running for others; stopEmbeddedPostgresAt stops it', async () => {
    const child = startInChild(true);
    expect(child.status, child.stderr).toBe(0);
    const reused = await start();
    expect(reused.owned).toBe(false);
    expect(await query(reused.url, 'select count(*)::int as n from kept')).toEqual([{ n: 1 }]);
    expect(await stopEmbeddedPostgresAt(dataDir, logger)).toBe(true);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(await stopEmbeddedPostgresAt(dataDir, logger)).toBe(false);
  });

  it('says clearly when its port is taken by another program', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      await expect(start()).rejects.toThrow(
        /did not start on 127\.0\.0\.1:\d+: .*Address already in use.*EMBEDDED_PG_PORT/s,
      );
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('two starts at once on a fresh directory: one server, one owner', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'intake-embedded-race-'));
    const racePort = await freePort();
    try {
      const both = await Promise.all([
        startEmbeddedPostgres({ dataDir: fresh, port: racePort, logger }),
        startEmbeddedPostgres({ dataDir: fresh, port: racePort, logger }),
      ]);
      expect(both.map((s) => s.owned).sort()).toEqual([false, true]);
      expect(await query(both[1]!.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      for (const s of both) await s.stop();
      expect(existsSync(path.join(fresh, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      await stopEmbeddedPostgresAt(fresh, logger);
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('takes over a start lock left by a dead process', async () => {
    await writeFile(path.join(dataDir, 'postgres-start.lock'), '4194303');
    const server = await start();
    expect(server.owned).toBe(true);
    expect(existsSync(path.join(dataDir, 'postgres-start.lock'))).toBe(false);
    await server.stop();
  });
});
