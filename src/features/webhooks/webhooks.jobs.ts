/** The `deliver-webhook` job: thin, the delivery service does the work. */
import type { Deps } from '../../deps.js';
import type { JobQueue } from '../../jobs/job-types.js';
import { abandonDelivery, attemptDelivery, type DeliverWebhookJob } from './delivery.service.js';

export function registerWebhookJobs(queue: JobQueue, deps: Pick<Deps, 'db' | 'config'>): void {
  queue.register<DeliverWebhookJob>(
    'deliver-webhook',
    async (job) => {
      await attemptDelivery(deps.db, deps.config, job.data.deliveryId);
    },
    { onFailed: (job) => abandonDelivery(deps.db, deps.config, job.data.deliveryId, job.error) },
  );
}
