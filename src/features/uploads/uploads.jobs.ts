/** The uploads feature's job handlers: thin entry points into the validation service. */
import type { Deps } from '../../deps.js';
import type { JobQueue } from '../../jobs/job-types.js';
import { failAfterRetries, runValidation, type ValidateUploadJob } from './validation.service.js';
import { warmValidationThreads } from './validation-thread.js';

export const VALIDATE_UPLOAD = 'validate-upload' as const;

export function registerUploadJobs(queue: JobQueue, deps: Deps): void {
  // A process that runs validations loads the engine into a thread now, not on the first upload.
  warmValidationThreads(1);
  queue.register<ValidateUploadJob>(VALIDATE_UPLOAD, (job, signal) => runValidation(deps, job.data, signal), {
    onFailed: (job) => failAfterRetries(deps, job.data, job.error),
  });
}
