/** The job queue's public surface. */
export { JOB_NAMES, deadLetterQueueOf, type JobName } from './job-names.js';
export { PermanentJobError } from './job-types.js';
export type { EnqueueOptions, Job, JobHandler, JobQueue, RegisterOptions, StopOptions } from './job-types.js';
export { createJobQueue, enqueueJob, PGBOSS_SCHEMA, type CreateJobQueueOptions } from './queue.js';
export { registerJobHandlers } from './registry.js';
