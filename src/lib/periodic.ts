/**
 * Housekeeping that runs every so often inside `serve` (expired refresh tokens, web sessions, audit
 * retention): once shortly after start, then at a fixed interval. A run never overlaps the one
 * before it (a slow run skips the ticks it covers), a failed run is logged and the next one tries
 * again, and the timers never keep the process alive. Idempotent cleanups only: several instances
 * run the same task side by side.
 */

/** The part of a logger a task needs (pino's `warn` fits). */
export interface TaskLogger {
  warn(details: object, message: string): void;
}

export interface PeriodicTask {
  /** Names the task in the log line of a failed run. */
  readonly name: string;
  readonly everyMs: number;
  /** Delay before the first run; default 5 s, so start-up traffic goes first. */
  readonly firstAfterMs?: number;
  run(): Promise<void>;
}

/** Starts `task`; returns a function that stops it (a run in progress finishes on its own). */
export function runPeriodically(task: PeriodicTask, logger: TaskLogger): () => void {
  let running = false;
  let stopped = false;
  const tick = (): void => {
    if (running || stopped) return;
    running = true;
    task
      .run()
      .catch((err: unknown) => logger.warn({ err, task: task.name }, `${task.name} failed`))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(tick, task.firstAfterMs ?? 5_000);
  const timer = setInterval(tick, task.everyMs);
  first.unref();
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
  };
}
