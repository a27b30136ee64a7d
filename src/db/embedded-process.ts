/**
 * The embedded server's process as other processes see it: its postmaster.pid, liveness, and a
 * start lock shared by every process using one data directory.
 */
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** True while a process with this pid exists (EPERM: it exists but is not ours to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls `check` every 50 ms; resolves whether it became true within the timeout. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

export type PostmasterState =
  | { state: 'none' }
  | { state: 'live'; pid: number; port: number }
  | { state: 'stale' }
  | { state: 'unreadable' };

/**
 * What postmaster.pid says: nothing, a live postgres (pid alive and really a postgres: pids get
 * reused), a stale file, or a file still being written by a starting server.
 */
export function inspectPostmaster(pgDir: string): PostmasterState {
  let text: string;
  try {
    text = readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8');
  } catch {
    return { state: 'none' };
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (lines[0] === '' || !Number.isInteger(pid) || pid <= 0) return { state: 'unreadable' };
  if (!isAlive(pid)) return { state: 'stale' };
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return { state: 'stale' };
  } catch {
    // No /proc (macOS): trust the liveness check.
  }
  // The port line is written a moment after the pid; until then the server is not ready anyway.
  if (!Number.isInteger(port) || port <= 0) return { state: 'unreadable' };
  return { state: 'live', pid, port };
}

export function readLivePostmaster(pgDir: string): { pid: number; port: number } | null {
  const found = inspectPostmaster(pgDir);
  return found.state === 'live' ? { pid: found.pid, port: found.port } : null;
}

/** Like inspectPostmaster, but gives a starting server a few seconds to finish its pid file. */
export async function settlePostmaster(pgDir: string): Promise<PostmasterState> {
  let found = inspectPostmaster(pgDir);
  for (let i = 0; i < 50 && found.state === 'unreadable'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    found = inspectPostmaster(pgDir);
  }
  return found;
}

export /**
 * Serialises starting the server among processes sharing a data directory (two test runs, or
 * `serve` and `createadmin` launched together): without it, one could take the other's fresh
 * postmaster.pid for a stale one and delete it. The lock file holds the owner's pid, so a lock
 * left by a crashed process is recognised and taken over.
 */
async function withStartLock<T>(dataDir: string, run: () => Promise<T>): Promise<T> {
  const lockFile = path.join(dataDir, 'postgres-start.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockFile} (held by pid ${holder})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lockFile, { force: true });
  }
}
