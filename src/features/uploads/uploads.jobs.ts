/** The uploads feature's job handlers: thin entry points into the validation service. */
import type { Deps } from '../../deps.js';
import type { JobQueue } from '../../jobs/job-types.js';
import { failAfterRetries, runValidation, type ValidateUploadJob } from './validation.service.js';
import { warmValidationThreads } from './validation-thread.js';

export const VALIDATE_UPLOAD = 'validate-upload' as const;

export function registerUploadJobs(queue: JobQueue, deps: Deps): void {
  // A process that runs validations loads and warms up the engine in a thread now, not on the
  // first upload (a job that comes meanwhile waits for the thread instead of starting a cold one).
  const started = performance.now();
  warmValidationThreads(1, { run: deps.config.env !== 'test' }).then(
    () => deps.logger.info({ ms: Math.round(performance.now() - started) }, 'validation thread warmed up'),
    (err: unknown) =>
      deps.logger.warn({ err }, 'validation thread warm-up failed; the first upload runs cold'),
  );
  queue.register<ValidateUploadJob>(VALIDATE_UPLOAD, (job, signal) => runValidation(deps, job.data, signal), {
    onFailed: (job) => failAfterRetries(deps, job.data, job.error),
  });
}
