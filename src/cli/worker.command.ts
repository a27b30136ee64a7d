/**
 * `intake worker`: runs the job handlers (validation, event dispatch, webhook delivery) without the
 * HTTP API, so API and workers scale separately. Same handlers as `intake serve` with WORKER=on.
 * SIGTERM/SIGINT: stop taking jobs, let running ones finish for JOB_SHUTDOWN_TIMEOUT_MS, release
 * the rest for another worker, then close the pools; exit code 0.
 */
import { Command, InvalidArgumentError } from 'commander';
import {
  createCommandLogger,
  exitCleanlyOnSignal,
  installSignalHandlers,
  onShutdown,
  readConfig,
} from '../main/cli-runtime.js';

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new InvalidArgumentError('must be a whole number from 1 to 256.');
  }
  return n;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('Run the background job workers only (no HTTP API).')
    .option(
      '--concurrency <n>',
      'jobs run at once per queue (default: WORKER_CONCURRENCY, 2)',
      parseConcurrency,
    )
    .addHelpText('after', '\nSettings come from the environment; see docs/jobs.md for the JOB_* settings.')
    .action(async (options: { concurrency?: number }) => {
      installSignalHandlers();
      exitCleanlyOnSignal();
      const base = readConfig();
      const config =
        options.concurrency === undefined
          ? base
          : Object.freeze({ ...base, workerConcurrency: options.concurrency });
      const logger = await createCommandLogger(config, 'stdout');
      // The job handlers and deps load only for this command, not for every `intake` run.
      const [{ registerJobHandlers }, { createDeps }] = await Promise.all([
        import('../jobs/registry.js'),
        import('../main/bootstrap.js'),
      ]);
      const runtime = await createDeps(config, { logger });
      onShutdown(runtime.close);
      const { queue } = runtime.deps;
      registerJobHandlers(queue, runtime.deps);
      await queue.start();
      // Registered last, so it runs first: jobs finish or are released before the pools close.
      onShutdown(() => queue.stop({ graceful: true, timeoutMs: config.jobShutdownTimeoutMs }));
      logger.info(
        { concurrency: config.workerConcurrency, queues: queue.registered() },
        'intake worker running',
      );
    });
}
