/**
 * Where every feature's job handlers are registered, so `intake serve` (WORKER=on) and
 * `intake worker` run exactly the same handlers. Features export a `register…Jobs(queue, deps)`.
 */
import type { Deps } from '../deps.js';
import type { JobQueue } from './job-types.js';
import { registerUploadJobs } from '../features/uploads/index.js';

export function registerJobHandlers(queue: JobQueue, deps: Deps): void {
  registerUploadJobs(queue, deps);
}
