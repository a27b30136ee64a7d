/**
 * Password hashes run on a few dedicated threads, one per CPU, each hashing its queue back to back.
 *
 * Why not the libuv pool (what @node-rs/argon2's async functions use): there, each finished hash
 * goes back to the event loop, which must run before the next hash can start. Under a login flood
 * the event loop is busy with other requests, so a core sits idle in every such gap (measured on 2
 * cores: 4.6% idle, and logins at 74–82% of the bare hash rate), and adding a slot to cover the gap
 * makes three threads time-share two cores, each hash ~7% slower. A thread here takes its next
 * queued job the moment it finishes one, without the event loop: under the same flood the cores
 * idle 0.1% and logins reach the bare rate's neighbourhood. The libuv pool stays free for file
 * reads, DNS and zlib, and the event loop never runs a hash.
 *
 * Threads start as needed (one while jobs come one at a time, up to one per CPU in a flood), are
 * unref'd while they have no work (an idle pool never keeps a
 * process alive), and a thread that dies fails its queued jobs and is replaced on the next call.
 *
 * In a flood, finished jobs are handed back in small batches. While every thread still has a job
 * queued behind the one it is running, a result waits up to `batchMs` (default 20 ms) for others,
 * and they all settle together. The event loop then runs several logins' database writes,
 * responses and next lookups per wakeup instead of one. On a 2-core VM, where each wakeup finds the
 * caches cold after Argon2 has streamed 19 MiB through them, this cut the event loop's CPU per
 * login in a wrk login flood from 1.6–2.2 ms to 1.1–1.6 ms (per-thread CPU from /proc). The wait only happens when the caller's job sat
 * in a queue for at least one hash already, and it never idles a thread: each has queued work for
 * longer than the wait. Otherwise (and with `batchMs: 0`) a result settles the moment it arrives.
 *
 * The threads run at a lower scheduling priority (nice 10 on Linux, where the nice value is per
 * thread): when the event loop, the database or anything else wants a core, it gets it first and
 * hashing takes what is left. A login flood then slows logins, never the other requests. Measured
 * with bench/api (wrk, /health with 8 connections while 64 connections log in): /health p99
 * 31 ms and 4,637 req/s at normal priority, 15 ms and 9,247 req/s with nice 10.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface HashOptions {
  readonly algorithm: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export interface HashPool {
  hash(password: string, options: HashOptions): Promise<string>;
  /** Resolves false for a wrong password; rejects for a malformed hash (as the library throws). */
  verify(phc: string, password: string): Promise<boolean>;
  /** Stops the threads; queued jobs reject. The pool starts new threads if used again. */
  close(): Promise<void>;
  /** Threads running now: they start as jobs arrive while every running one is busy. */
  readonly threadCount: number;
}

type Job =
  | { id: number; op: 'hash'; password: string; options: HashOptions }
  | { id: number; op: 'verify'; phc: string; password: string };
type Reply = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; message: string };

// CommonJS, evaluated in the thread: the same text works from the compiled code and under tsx.
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { hashSync, verifySync } = require(workerData.argon2);
if (workerData.nice > 0) {
  // On Linux the nice value is per thread, so this lowers this thread only. Elsewhere it would
  // lower the whole process; there the threads keep the normal priority.
  if (process.platform === 'linux') {
    try { require('node:os').setPriority(workerData.nice); } catch {}
  }
}
parentPort.on('message', (job) => {
  let reply;
  try {
    const value = job.op === 'verify' ? verifySync(job.phc, job.password) : hashSync(job.password, job.options);
    reply = { id: job.id, ok: true, value };
  } catch (err) {
    reply = { id: job.id, ok: false, message: String((err && err.message) || err) };
  }
  parentPort.postMessage(reply);
});
`;

const argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');

/** The job's thread died or the pool was closed: not an answer about the password. */
export class HashThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HashThreadError';
  }
}

interface Pending {
  resolve(value: string | boolean): void;
  reject(err: Error): void;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

export interface HashPoolOptions {
  /** Longest a finished job waits to settle with others while every thread has a backlog; 0: never. */
  readonly batchMs?: number;
  /** The threads' nice value on Linux (default 10; 0 keeps the normal priority). See the top. */
  readonly threadNice?: number;
}

export function createHashPool(
  size: number = availableParallelism(),
  { batchMs = 20, threadNice = 10 }: HashPoolOptions = {},
): HashPool {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
  if (!Number.isFinite(batchMs) || batchMs < 0) throw new RangeError('batchMs must be a number >= 0');
  if (!Number.isInteger(threadNice) || threadNice < 0 || threadNice > 19) {
    throw new RangeError('threadNice must be an integer from 0 to 19');
  }
  const threads: Thread[] = [];
  let nextId = 1;
  /** Finished jobs waiting to settle together, oldest first. */
  const held: (() => void)[] = [];
  let heldTimer: NodeJS.Timeout | null = null;

  function settleHeld(): void {
    if (heldTimer) clearTimeout(heldTimer);
    heldTimer = null;
    for (const settle of held.splice(0)) settle();
  }

  /** Settles now, or holds while every thread has a job queued behind its running one. */
  function deliver(settle: () => void): void {
    held.push(settle);
    const backlogged = batchMs > 0 && threads.every((t) => t.pending.size >= 2);
    if (!backlogged) settleHeld();
    else heldTimer ??= setTimeout(settleHeld, batchMs);
  }

  function fail(thread: Thread, err: HashThreadError): void {
    const at = threads.indexOf(thread);
    if (at >= 0) threads.splice(at, 1);
    for (const job of thread.pending.values()) job.reject(err);
    thread.pending.clear();
  }

  function start(): Thread {
    // No inherited flags: `--input-type=module` or a loader would change how THREAD_CODE is read.
    const worker = new Worker(THREAD_CODE, {
      eval: true,
      execArgv: [],
      workerData: { argon2: argon2Path, nice: threadNice },
    });
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: Reply) => {
      const job = thread.pending.get(reply.id);
      if (!job) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      deliver(reply.ok ? () => job.resolve(reply.value) : () => job.reject(new Error(reply.message)));
    });
    worker.on('error', (err) =>
      fail(thread, new HashThreadError(`password hashing thread failed: ${err.message}`)),
    );
    worker.on('exit', (code) =>
      fail(thread, new HashThreadError(`password hashing thread exited (code ${code})`)),
    );
    worker.unref();
    return thread;
  }

  function run(job: Job): Promise<string | boolean> {
    // The thread with the shortest queue; ties go to the first, so light load stays on one thread.
    let thread: Thread | undefined = threads[0];
    for (const candidate of threads) if (candidate.pending.size < thread.pending.size) thread = candidate;
    // A new thread only when every running one is busy: a quiet server keeps one (each costs a
    // few MB), a flood grows the pool to one per CPU.
    if ((thread === undefined || thread.pending.size > 0) && threads.length < size) {
      thread = start();
      threads.push(thread);
    }
    return new Promise((resolve, reject) => {
      thread.pending.set(job.id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage(job);
    });
  }

  return {
    async hash(password, options) {
      return String(await run({ id: nextId++, op: 'hash', password, options }));
    },
    async verify(phc, password) {
      return (await run({ id: nextId++, op: 'verify', phc, password })) === true;
    },
    get threadCount() {
      return threads.length;
    },
    async close() {
      settleHeld(); // finished work is answered, not failed
      const closing = threads.splice(0);
      for (const thread of closing) fail(thread, new HashThreadError('password hashing pool closed'));
      await Promise.all(closing.map((thread) => thread.worker.terminate()));
    },
  };
}
