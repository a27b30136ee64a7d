/** The queue's public types: what a feature sees when it sends or handles a job. */
import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database.js';
import type { JobName } from './job-names.js';

export interface EnqueueOptions {
  /**
   * At most one waiting (not yet started) job per name and key: while one waits, `enqueue` adds
   * nothing and returns ''. Strict inside a transaction (the check holds a transaction lock).
   */
  singletonKey?: string;
  /** Delay before the job may start. Default 0. */
  startAfterSeconds?: number;
  /** Retries after a failure or a lost worker. Default JOB_RETRY_LIMIT. */
  retryLimit?: number;
  /** Visibility timeout of this job. Default JOB_VISIBILITY_TIMEOUT. */
  expireInSeconds?: number;
}

export interface Job<T> {
  readonly id: string;
  readonly data: T;
  /** 0 on the first attempt. */
  readonly retryCount: number;
}

/**
 * Aborted when the worker stops (SIGTERM past JOB_SHUTDOWN_TIMEOUT_MS) or the job outlives its
 * visibility timeout; the handler should stop and throw, and the job is retried.
 */
export type JobHandler<T> = (job: Job<T>, signal: AbortSignal) => Promise<void>;

export interface RegisterOptions<T> {
  /** Jobs of this name run at once in this process. Default WORKER_CONCURRENCY. */
  concurrency?: number;
  /**
   * Called once when the job has failed for good: retries used up, lost past its last retry, or a
   * `PermanentJobError`. Runs as its own job, so it too survives a crash.
   */
  onFailed?: (job: { readonly data: T; readonly error: string }) => Promise<void>;
}

export interface StopOptions {
  /** true: let running jobs finish for up to `timeoutMs`, then release them for retry. */
  graceful: boolean;
  timeoutMs: number;
}

export interface JobQueue {
  /**
   * Inserts the job on `executor`'s connection: it exists only if the caller's transaction commits.
   * Returns the job id ('' when `singletonKey` found a waiting job).
   */
  enqueue<T extends object>(
    executor: Db | Transaction<Database>,
    name: JobName,
    data: T,
    options?: EnqueueOptions,
  ): Promise<string>;
  /**
   * Wakes this process's idle workers of `name` at once. Call it after the transaction that
   * enqueued the job committed (before, they find nothing and sleep again): a worker in the same
   * process then starts without waiting for the NOTIFY's round trip through PostgreSQL, which
   * still wakes the workers of other processes. Does nothing where no worker runs.
   */
  wake(name: JobName): void;
  /** Adds a handler; call before `start()`. */
  register<T>(name: JobName, handler: JobHandler<T>, options?: RegisterOptions<T>): void;
  /** Installs/updates the queue tables and starts the registered handlers and the expiry checks. */
  start(): Promise<void>;
  /** Installs/updates the queue tables so this process can enqueue; runs no handlers. */
  startSendOnly(): Promise<void>;
  stop(options: StopOptions): Promise<void>;
  /** Handler names registered so far (for logs and tests). */
  registered(): readonly JobName[];
}

/** Thrown by a handler when retrying cannot help (a corrupt file): fails the job at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
