/** Small helpers of the worker loop (src/jobs/queue.ts). */

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The message pg-boss stored as a failed job's `output` (our `{message}`, or its timeout text). */
export function outputMessage(output: unknown): string {
  if (output && typeof output === 'object') {
    const o = output as { message?: unknown; value?: { message?: unknown } };
    if (typeof o.message === 'string') return o.message;
    if (typeof o.value?.message === 'string') return o.value.message;
  }
  return 'job failed';
}

/** A sleep that ends early when `signal` aborts or one of `wakers` is called (a NOTIFY arrived). */
export function sleep(ms: number, signal: AbortSignal, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      wakers.delete(done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    wakers.add(done);
  });
}
