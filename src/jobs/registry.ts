/**
 * Where every feature's job handlers are registered, so `intake serve` (WORKER=on) and
 * `intake worker` run exactly the same handlers. Features export a `register…Jobs(queue, deps)`.
 */
import type { Deps } from '../deps.js';
import { registerEventJobs } from '../features/events/index.js';
import { registerUploadJobs } from '../features/uploads/index.js';
import { createFanOut, registerWebhookJobs } from '../features/webhooks/index.js';
import type { JobQueue } from './job-types.js';

export function registerJobHandlers(queue: JobQueue, deps: Deps): void {
  registerUploadJobs(queue, deps);
  // The outbox fans events out to webhook endpoints; events know nothing of webhooks.
  registerEventJobs(queue, deps, createFanOut(deps.config));
  registerWebhookJobs(queue, deps);
}
