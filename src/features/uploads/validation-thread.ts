/**
 * Runs the engine in a worker thread (validation.worker.ts) and turns its messages back into
 * calls and a promise. The API's event loop only ever sees batches of issues and progress ticks.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { ReaderLimits, ValidationIssue } from '../../engine/index.js';
import { WARM_UP_ROWS, WARM_UP_SCHEMA, withWarmUpFiles } from './warm-up.js';
import type {
  AnnotateTask,
  DataRow,
  HeadersTask,
  ParentMessage,
  ReportSummary,
  RowsTask,
  ThreadMessage,
  ThreadTask,
  ValidateTask,
} from './validation-thread.types.js';

/** The deployment's zip-bomb limits (ZIP_MAX_UNCOMPRESSED_MB, ZIP_MAX_RATIO) for the engine. */
export function readerLimits(config: Config): Partial<ReaderLimits> {
  return { maxUncompressedBytes: config.zipMaxUncompressedBytes, maxCompressionRatio: config.zipMaxRatio };
}

/** The engine refused the file (corrupt, encrypted, …): a permanent failure, never retried. */
export class FileRejectedError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'FileRejectedError';
    this.code = code;
  }
}

export interface ThreadProgress {
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

export interface ValidationHandlers {
  /** Called in order with each batch of issues; the next batch waits for the returned promise. */
  onIssues(issues: readonly ValidationIssue[]): Promise<void>;
  /** With `task.copy`: each batch as COPY text (issueCopyText) and its line count, in order. */
  onCopyText?(text: string, count: number): Promise<void>;
  onProgress(progress: ThreadProgress): void;
  /** With the report: the engine's own time for the file in ms, measured in the thread (for logs). */
  onEngineTime?(ms: number): void;
}

function spawn(): Worker {
  // Compiled code runs the .js sibling. Under tsx or vitest the sources are .ts, which a bare worker
  // cannot load: register tsx's loader inside the thread first (development and tests only).
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./validation.worker.js', import.meta.url));
  }
  const entry = new URL('./validation.worker.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * A small pool of long-lived threads: starting a thread and loading the engine costs more than
 * validating a small file, and a warm thread runs the engine's hot loops already optimised. Idle
 * threads are unref'd so they never keep a process alive.
 */
const MAX_THREADS = Math.max(2, availableParallelism() - 1);
const idle: Worker[] = [];
const waiting: Array<(worker: Worker) => void> = [];
let live = 0;

function create(): Worker {
  live++;
  const worker = spawn();
  // A thread that dies while idle (out of memory, a bug) leaves the pool.
  worker.once('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

function acquire(): Promise<Worker> {
  const worker = idle.pop();
  if (worker !== undefined) {
    worker.ref();
    return Promise.resolve(worker);
  }
  // A thread still warming up is free in a moment, and then fast: better than a cold new one.
  if (live < MAX_THREADS && waiting.length >= warming) return Promise.resolve(create());
  return new Promise((resolve) => waiting.push(resolve));
}

function release(worker: Worker): void {
  const next = waiting.shift();
  if (next !== undefined) return next(worker);
  worker.unref();
  idle.push(worker);
}

/** Ends a thread that was stopped or failed mid-task; a waiting caller gets a fresh one. */
function discard(worker: Worker): void {
  live--;
  dead.add(worker);
  void worker.terminate();
  const next = waiting.shift();
  if (next !== undefined) next(create());
}

/** Threads running their warm-up (warmValidationThreads), not yet in the pool. */
let warming = 0;
/** Threads ended by `discard`. */
const dead = new WeakSet<Worker>();

/**
 * Starts `count` threads ahead of the first job and warms each up (warm-up.ts) before it joins
 * the pool, so the first upload pays neither for loading the engine nor for V8 optimising it. A
 * job arriving meanwhile waits for the warming thread, which skips the rest of its warm-up.
 * Resolves when all are warm; rejects (the threads still join the pool, just cold) when the
 * warm-up could not run. `run: false` only starts the threads (tests: the warm-up's CPU is not
 * worth it there).
 */
export async function warmValidationThreads(count = 1, options: { run?: boolean } = {}): Promise<void> {
  const threads: Worker[] = [];
  while (live < Math.min(count, MAX_THREADS)) threads.push(create());
  if (threads.length === 0 || options.run === false) {
    for (const worker of threads) release(worker);
    return;
  }
  warming += threads.length;
  const ignore: ValidationHandlers = {
    onIssues: async () => {},
    onCopyText: async () => {},
    onProgress: () => {},
  };
  const task = (path: string): Omit<ValidateTask, 'mode'> => ({
    path,
    schema: WARM_UP_SCHEMA,
    sheet: null,
    fileName: 'warm-up',
    maxIssues: WARM_UP_ROWS.xlsx,
    // The zero id never reaches the database: the COPY text is built (so that code warms up) and dropped.
    copy: { uploadId: '00000000-0000-0000-0000-000000000000', attempt: 0 },
  });
  try {
    await withWarmUpFiles(
      WARM_UP_ROWS,
      (paths) =>
        Promise.all(
          threads.map(async (worker) => {
            for (const path of [paths.xlsx, paths.csv]) {
              // A job is waiting: half a warm-up is enough, the job itself finishes it.
              if (waiting.length > 0) return;
              await validateOn(worker, task(path), ignore);
            }
          }),
        ),
      // Written by the first thread: generating them is ~1.6 s of CPU the event loop must not pay.
      (paths, rows) =>
        runThread<true>(
          { mode: 'warm-up-files', paths, rows },
          (message) => (message.type === 'written' ? true : undefined),
          undefined,
          undefined,
          threads[0],
        ).then(() => undefined),
    );
  } finally {
    warming -= threads.length;
    for (const worker of threads) if (!dead.has(worker)) release(worker);
  }
}

/**
 * Runs `task` on a pooled thread and settles with what `onMessage` extracts from the final
 * message. Aborting `signal` terminates the thread and rejects with the signal's reason. With
 * `held`, runs on that thread and leaves it with the caller afterwards (unless it had to go).
 */
async function runThread<T>(
  task: ThreadTask,
  onMessage: (message: ThreadMessage) => Promise<T | undefined> | T | undefined,
  signal?: AbortSignal,
  feed?: (send: (message: ParentMessage) => void) => Promise<void>,
  held?: Worker,
): Promise<T> {
  signal?.throwIfAborted();
  const worker = held ?? (await acquire());
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    // Messages are handled one at a time, in order, even when a handler is async (a COPY write).
    let chain: Promise<void> = Promise.resolve();
    const settle = (healthy: boolean, fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onWorkerMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (!healthy) discard(worker);
      else if (held === undefined) release(worker);
      fn();
    };
    const onAbort = (): void => settle(false, () => reject(signal!.reason));
    const onError = (err: Error): void => settle(false, () => reject(err));
    const onExit = (code: number): void => {
      // Let queued messages finish first: the final message may still be in the chain.
      void chain.then(() =>
        settle(false, () => reject(new Error(`validation thread exited (code ${code}) without a result`))),
      );
    };
    const onWorkerMessage = (message: ThreadMessage): void => {
      chain = chain.then(async () => {
        if (settled) return;
        try {
          if (message.type === 'failed') {
            const error = message.engine
              ? new FileRejectedError(message.code, message.message)
              : new Error(`validation thread failed: ${message.message}`);
            settle(true, () => reject(error));
            return;
          }
          const result = await onMessage(message);
          if (result !== undefined) settle(true, () => resolve(result));
        } catch (err) {
          // Our handler failed (e.g. the COPY): the thread may still be mid-file, so it goes.
          settle(false, () => reject(err));
        }
      });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onWorkerMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task);
    if (feed !== undefined) {
      feed((message) => {
        if (!settled) worker.postMessage(message);
      }).catch((err: unknown) => settle(false, () => reject(err)));
    }
  });
}

/** Validates a file in a worker thread; resolves with the report summary after every issue batch was handled. */
export function validateInThread(
  task: Omit<ValidateTask, 'mode'>,
  handlers: ValidationHandlers,
  signal?: AbortSignal,
): Promise<ReportSummary> {
  return validateOn(undefined, task, handlers, signal);
}

function validateOn(
  held: Worker | undefined,
  task: Omit<ValidateTask, 'mode'>,
  handlers: ValidationHandlers,
  signal?: AbortSignal,
): Promise<ReportSummary> {
  return runThread<ReportSummary>(
    { mode: 'validate', ...task },
    async (message) => {
      if (message.type === 'issues') await handlers.onIssues(message.issues);
      else if (message.type === 'copy') await handlers.onCopyText!(message.text, message.count);
      else if (message.type === 'progress') handlers.onProgress(message);
      else if (message.type === 'report') {
        handlers.onEngineTime?.(message.ms);
        return message.report;
      }
      return undefined;
    },
    signal,
    undefined,
    held,
  );
}

/** Reads one page of data rows (with their cast values) in a worker thread. */
export function readRowsInThread(
  task: Omit<RowsTask, 'mode'>,
  signal?: AbortSignal,
): Promise<{ rows: DataRow[]; more: boolean }> {
  return runThread(
    { mode: 'rows', ...task },
    (message) => (message.type === 'rows' ? { rows: message.rows, more: message.more } : undefined),
    signal,
  );
}

/**
 * Writes the annotated workbook of `path` to `out` in a worker thread; `issues` (read from the
 * database on this thread) are sent over in batches, so neither side ever holds all of them.
 */
export function annotateInThread(
  task: Omit<AnnotateTask, 'mode'>,
  issues: AsyncIterable<readonly ValidationIssue[]>,
  signal?: AbortSignal,
): Promise<void> {
  return runThread<true>(
    { mode: 'annotate', ...task },
    (message) => (message.type === 'annotated' ? true : undefined),
    signal,
    async (send) => {
      for await (const batch of issues) send({ type: 'issues', issues: [...batch] });
      send({ type: 'end' });
    },
  ).then(() => undefined);
}

/** Reads the file's header row (cell texts; null for empty cells) in a worker thread. */
export function readHeadersInThread(
  task: Omit<HeadersTask, 'mode'>,
  signal?: AbortSignal,
): Promise<(string | null)[]> {
  return runThread(
    { mode: 'headers', ...task },
    (message) => (message.type === 'headers' ? message.headers : undefined),
    signal,
  );
}
