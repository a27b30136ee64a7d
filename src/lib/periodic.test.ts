/** runPeriodically: first run after the delay, then every interval; no overlap; failures logged. */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runPeriodically, type TaskLogger } from './periodic.js';

function recordingLogger(): TaskLogger & { warnings: { details: object; message: string }[] } {
  const warnings: { details: object; message: string }[] = [];
  return { warnings, warn: (details, message) => warnings.push({ details, message }) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runPeriodically', () => {
  it('runs once after firstAfterMs, then every everyMs, until stopped', async () => {
    let runs = 0;
    const stop = runPeriodically(
      { name: 'count', everyMs: 1_000, firstAfterMs: 100, run: async () => void runs++ },
      recordingLogger(),
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(4);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(4);
  });

  it('skips the ticks a slow run covers instead of starting a second one', async () => {
    let started = 0;
    let release: () => void = () => {};
    const stop = runPeriodically(
      {
        name: 'slow',
        everyMs: 1_000,
        firstAfterMs: 0,
        run: () => {
          started++;
          return new Promise<void>((resolve) => (release = resolve));
        },
      },
      recordingLogger(),
    );
    await vi.advanceTimersByTimeAsync(5_500);
    expect(started).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
    stop();
  });

  it('logs a failed run with the task name and keeps running', async () => {
    const logger = recordingLogger();
    let runs = 0;
    const stop = runPeriodically(
      {
        name: 'flaky cleanup',
        everyMs: 1_000,
        firstAfterMs: 0,
        run: async () => {
          runs++;
          if (runs === 1) throw new Error('database unavailable');
        },
      },
      logger,
    );
    await vi.advanceTimersByTimeAsync(1_500);
    expect(runs).toBe(2);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].message).toBe('flaky cleanup failed');
    expect(logger.warnings[0].details).toMatchObject({
      task: 'flaky cleanup',
      err: new Error('database unavailable'),
    });
    stop();
  });

  it('stop clears both timers', () => {
    const stop = runPeriodically({ name: 'idle', everyMs: 1_000, run: async () => {} }, recordingLogger());
    expect(vi.getTimerCount()).toBe(2);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never keeps a process alive', () => {
    // A real process that starts an hourly task and has nothing else to do must exit at once.
    const script =
      "const { runPeriodically } = await import('./src/lib/periodic.ts');" +
      "runPeriodically({ name: 'hourly', everyMs: 3_600_000, run: async () => {} }, { warn() {} });";
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(child.signal).toBeNull(); // not killed by the timeout
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
  });
});
