/** The `dispatch-events` job: thin, the service does the work. */
import type { Deps } from '../../deps.js';
import type { JobQueue } from '../../jobs/job-types.js';
import { dispatchPendingEvents, type FanOut } from './events.service.js';

export function registerEventJobs(queue: JobQueue, deps: Pick<Deps, 'db'>, fanOut: FanOut): void {
  // Each job drains the whole outbox, so a job for an event already sent by another does nothing.
  queue.register('dispatch-events', async () => {
    await dispatchPendingEvents(deps.db, fanOut);
  });
}
