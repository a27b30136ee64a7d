/**
 * Runs the engine in a worker thread (validation.worker.ts) and turns its messages back into
 * calls and a promise. The API's event loop only ever sees batches of issues and progress ticks.
 */
import { Worker } from 'node:worker_threads';
import type { ValidationIssue } from '../../engine/index.js';
import type {
  DataRow,
  ReportSummary,
  RowsTask,
  ThreadMessage,
  ThreadTask,
  ValidateTask,
} from './validation-thread.types.js';

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
  onProgress(progress: ThreadProgress): void;
}

function spawn(task: ThreadTask): Worker {
  // Compiled code runs the .js sibling. Under tsx or vitest the sources are .ts, which a bare worker
  // cannot load: register tsx's loader inside the thread first (development and tests only).
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./validation.worker.js', import.meta.url), { workerData: task });
  }
  const entry = new URL('./validation.worker.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: task });
}

/**
 * Runs `task` in a new thread and settles with what `finish` extracts from the final message.
 * Aborting `signal` terminates the thread and rejects with the signal's reason.
 */
function runThread<T>(
  task: ThreadTask,
  onMessage: (message: ThreadMessage) => Promise<T | undefined> | T | undefined,
  signal?: AbortSignal,
): Promise<T> {
  signal?.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const worker = spawn(task);
    let settled = false;
    // Messages are handled one at a time, in order, even when a handler is async (a COPY write).
    let chain: Promise<void> = Promise.resolve();
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => settle(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: ThreadMessage) => {
      chain = chain.then(async () => {
        if (settled) return;
        try {
          if (message.type === 'failed') {
            const error = message.engine
              ? new FileRejectedError(message.code, message.message)
              : new Error(`validation thread failed: ${message.message}`);
            settle(() => reject(error));
            return;
          }
          const result = await onMessage(message);
          if (result !== undefined) settle(() => resolve(result));
        } catch (err) {
          settle(() => reject(err));
        }
      });
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => {
      // Let queued messages finish first: the final message may still be in the chain.
      void chain.then(() =>
        settle(() => reject(new Error(`validation thread exited (code ${code}) without a result`))),
      );
    });
  });
}

/** Validates a file in a worker thread; resolves with the report summary after every issue batch was handled. */
export function validateInThread(
  task: Omit<ValidateTask, 'mode'>,
  handlers: ValidationHandlers,
  signal?: AbortSignal,
): Promise<ReportSummary> {
  return runThread<ReportSummary>(
    { mode: 'validate', ...task },
    async (message) => {
      if (message.type === 'issues') await handlers.onIssues(message.issues);
      else if (message.type === 'progress') handlers.onProgress(message);
      else if (message.type === 'report') return message.report;
      return undefined;
    },
    signal,
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
